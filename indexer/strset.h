/* A set of strings (article ids, source terms): open addressing, copies of
 * the strings owned by the set. Used for the writer's caches. */
#ifndef NX_STRSET_H
#define NX_STRSET_H

#include <stddef.h>

typedef struct nx_strset nx_strset;

/* NULL when out of memory. */
nx_strset *nx_strset_new(void);
void nx_strset_free(nx_strset *set);

/* 1 if added, 0 if already present, -1 when out of memory. */
int nx_strset_add(nx_strset *set, const char *s);
int nx_strset_has(const nx_strset *set, const char *s);
size_t nx_strset_size(const nx_strset *set);

#endif
