/* English stopwords: words too common to help a search. The query builder
 * drops them from unquoted query words (phrases keep them); the indexer
 * keeps every word, so "bank of england" still matches as a phrase. */
#ifndef NX_STOPWORDS_H
#define NX_STOPWORDS_H

#include <stddef.h>

/* Non-zero if the folded (lower-case, unaccented) word w[0..len) is a stopword. */
int nx_is_stopword(const char *w, size_t len);

/* The list itself, sorted, NULL-terminated (for tests and documentation). */
extern const char *const nx_stopwords[];

#endif
