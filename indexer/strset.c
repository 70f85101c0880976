#include "strset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct nx_strset {
    char **slots;   /* NULL = empty */
    size_t cap;     /* power of two */
    size_t size;
};

uint64_t nx_fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

int nx_table_make_room(void *slots, size_t *cap, size_t size, size_t slot_size,
                       size_t (*home)(const void *table, size_t cap, const void *entry))
{
    static const unsigned char empty[16];
    if ((size + 1) * 2 <= *cap)
        return 0;
    unsigned char *old, *table = calloc(*cap * 2, slot_size);
    if (!table)
        return -1;
    memcpy(&old, slots, sizeof old); /* the caller's T *, as bytes */
    for (size_t i = 0; i < *cap; i++) {
        const unsigned char *entry = old + i * slot_size;
        if (memcmp(entry, empty, slot_size) != 0)
            memcpy(table + home(table, *cap * 2, entry) * slot_size, entry, slot_size);
    }
    free(old);
    memcpy(slots, &table, sizeof table);
    *cap *= 2;
    return 0;
}

/* Slot holding s, or the empty slot where it would go. */
static size_t find(char *const *slots, size_t cap, const char *s)
{
    size_t i = (size_t)nx_fnv1a(s) & (cap - 1);
    while (slots[i] && strcmp(slots[i], s) != 0)
        i = (i + 1) & (cap - 1);
    return i;
}

static size_t home(const void *table, size_t cap, const void *entry)
{
    return find(table, cap, *(char *const *)entry);
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

int nx_strset_add(nx_strset *set, const char *s)
{
    if (nx_table_make_room(&set->slots, &set->cap, set->size, sizeof *set->slots, home) != 0)
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
