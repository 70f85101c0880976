/* A hash set of strings with linear probing, kept at most half full. */
#include "id_set.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct id_set {
    char **slot;  /* NULL: free */
    size_t cap;   /* a power of two */
    size_t used;
};

/* FNV-1a, 64 bits. */
static uint64_t fnv1a(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 0x100000001b3ULL;
    return h;
}

/* The slot of `id`, or the free slot where it belongs. */
static size_t probe(char *const *slot, size_t cap, const char *id)
{
    size_t mask = cap - 1, i = (size_t)fnv1a(id) & mask;
    while (slot[i] && strcmp(slot[i], id))
        i = (i + 1) & mask;
    return i;
}

id_set *id_set_new(void)
{
    id_set *set = malloc(sizeof *set);
    if (!set)
        return NULL;
    set->cap = 256;
    set->used = 0;
    if (!(set->slot = calloc(set->cap, sizeof *set->slot))) {
        free(set);
        return NULL;
    }
    return set;
}

void id_set_free(id_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->cap; i++)
        free(set->slot[i]);
    free(set->slot);
    free(set);
}

static int rehash(id_set *set)
{
    size_t cap = set->cap * 2;
    char **slot = calloc(cap, sizeof *slot);
    if (!slot)
        return -1;
    for (size_t i = 0; i < set->cap; i++)
        if (set->slot[i])
            slot[probe(slot, cap, set->slot[i])] = set->slot[i];
    free(set->slot);
    set->slot = slot;
    set->cap = cap;
    return 0;
}

int id_set_add(id_set *set, const char *id)
{
    if (2 * (set->used + 1) > set->cap && rehash(set) != 0)
        return -1;
    size_t i = probe(set->slot, set->cap, id);
    if (set->slot[i])
        return 0;
    if (!(set->slot[i] = strdup(id)))
        return -1;
    set->used++;
    return 1;
}

int id_set_has(const id_set *set, const char *id)
{
    return set->slot[probe(set->slot, set->cap, id)] != NULL;
}
