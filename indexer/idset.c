#include "idset.h"

#include <stdlib.h>

#include "strset.h"

/* Open addressing over the hashes (the tables of strset.h); 0 marks an
 * empty slot, so a hash of 0 is stored as 1 (a collision like any other). */
struct nx_idset {
    uint64_t *slots;
    size_t cap;   /* power of two */
    size_t size;
};

uint64_t nx_idset_hash(const char *id)
{
    uint64_t h = nx_fnv1a(id);
    h ^= h >> 33; /* FNV's low bits pick the slot: spread the high ones down */
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h ? h : 1;
}

/* Slot holding hash, or the empty slot where it would go. */
static size_t find(const uint64_t *slots, size_t cap, uint64_t hash)
{
    size_t i = (size_t)hash & (cap - 1);
    while (slots[i] && slots[i] != hash)
        i = (i + 1) & (cap - 1);
    return i;
}

static size_t home(const void *table, size_t cap, const void *entry)
{
    return find(table, cap, *(const uint64_t *)entry);
}

nx_idset *nx_idset_new(void)
{
    nx_idset *set = calloc(1, sizeof *set);
    if (set && !(set->slots = calloc(set->cap = 1024, sizeof *set->slots))) {
        free(set);
        return NULL;
    }
    return set;
}

void nx_idset_free(nx_idset *set)
{
    if (!set)
        return;
    free(set->slots);
    free(set);
}

int nx_idset_add(nx_idset *set, uint64_t hash)
{
    if (!hash)
        hash = 1;
    if (nx_table_make_room(&set->slots, &set->cap, set->size, sizeof *set->slots, home) != 0)
        return -1;
    size_t i = find(set->slots, set->cap, hash);
    if (set->slots[i])
        return 0;
    set->slots[i] = hash;
    set->size++;
    return 1;
}

int nx_idset_has(const nx_idset *set, uint64_t hash)
{
    if (!hash)
        hash = 1;
    return set->slots[find(set->slots, set->cap, hash)] != 0;
}
