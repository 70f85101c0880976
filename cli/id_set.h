/* The article ids read by `newsdex index --prune`: a set of strings that
 * owns copies of them. */
#ifndef NX_CLI_ID_SET_H
#define NX_CLI_ID_SET_H

typedef struct id_set id_set;

/* NULL when out of memory. */
id_set *id_set_new(void);
/* NULL is allowed. */
void id_set_free(id_set *set);
/* 1 if added, 0 if already there, -1 when out of memory. */
int id_set_add(id_set *set, const char *id);
int id_set_has(const id_set *set, const char *id);

#endif
