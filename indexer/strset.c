#include "strset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct nx_strset {
    char **slots;   /* NULL = empty */
    size_t cap;     /* power of two */
    size_t size;
};

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* Slot holding s, or the empty slot where it would go. */
static size_t find(char *const *slots, size_t cap, const char *s)
{
    size_t i = (size_t)hash(s) & (cap - 1);
    while (slots[i] && strcmp(slots[i], s) != 0)
        i = (i + 1) & (cap - 1);
    return i;
}

nx_strset *nx_strset_new(void)
{
    nx_strset *set = calloc(1, sizeof *set);
    if (set && !(set->slots = calloc(set->cap = 64, sizeof *set->slots))) {
        free(set);
        return NULL;
    }
    return set;
}

void nx_strset_free(nx_strset *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->cap; i++)
        free(set->slots[i]);
    free(set->slots);
    free(set);
}

/* Keep the load under 1/2 so probes stay short. */
static int grow(nx_strset *set)
{
    size_t cap = set->cap * 2;
    char **slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < set->cap; i++)
        if (set->slots[i])
            slots[find(slots, cap, set->slots[i])] = set->slots[i];
    free(set->slots);
    set->slots = slots;
    set->cap = cap;
    return 0;
}

int nx_strset_add(nx_strset *set, const char *s)
{
    if ((set->size + 1) * 2 > set->cap && grow(set) != 0)
        return -1;
    size_t i = find(set->slots, set->cap, s);
    if (set->slots[i])
        return 0;
    if (!(set->slots[i] = strdup(s)))
        return -1;
    set->size++;
    return 1;
}

int nx_strset_has(const nx_strset *set, const char *s)
{
    return set->slots[find(set->slots, set->cap, s)] != NULL;
}

size_t nx_strset_size(const nx_strset *set)
{
    return set->size;
}
