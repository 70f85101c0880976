/* A set of strings (article ids, source terms): open addressing, copies of
 * the strings owned by the set. Used for the writer's caches. */
#ifndef NX_STRSET_H
#define NX_STRSET_H

#include <stddef.h>
#include <stdint.h>

typedef struct nx_strset nx_strset;

/* NULL when out of memory. */
nx_strset *nx_strset_new(void);
void nx_strset_free(nx_strset *set);

/* 1 if added, 0 if already present, -1 when out of memory. */
int nx_strset_add(nx_strset *set, const char *s);
int nx_strset_has(const nx_strset *set, const char *s);
size_t nx_strset_size(const nx_strset *set);

/* What nx_strset shares with nx_idset (idset.h). */

/* FNV-1a, 64 bits, of s. */
uint64_t nx_fnv1a(const char *s);

/* Their open-addressing tables: cap slots (a power of two) of slot_size
 * bytes (at most 16), an empty slot all zero bytes as calloc leaves it (a
 * NULL pointer, 0), at most half full so that probes stay short. Called
 * before adding to a table of `size` entries: when one more would fill
 * more than half, *slots (the address of the T * that points to the table)
 * is replaced by a table twice as large, each entry at the slot home()
 * gives for it in there. Returns 0, or -1 when out of memory (the table
 * is unchanged). */
int nx_table_make_room(void *slots, size_t *cap, size_t size, size_t slot_size,
                       size_t (*home)(const void *table, size_t cap, const void *entry));

#endif
