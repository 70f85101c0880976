/* A set of 64-bit hashes of article ids: what a writer has put since it
 * opened a fresh index. 16 bytes per id at most; two ids with the same hash
 * only make the second look seen, which costs a lookup in the index, never
 * a wrong answer. */
#ifndef NX_IDSET_H
#define NX_IDSET_H

#include <stddef.h>
#include <stdint.h>

typedef struct nx_idset nx_idset;

/* NULL when out of memory. */
nx_idset *nx_idset_new(void);
void nx_idset_free(nx_idset *set);

uint64_t nx_idset_hash(const char *id);
/* 1 if added, 0 if already present, -1 when out of memory. */
int nx_idset_add(nx_idset *set, uint64_t hash);
int nx_idset_has(const nx_idset *set, uint64_t hash);

#endif
