/* Snippets: the passage of an article that best shows why it matched, cut at
 * word boundaries, with the byte ranges of the matching words. Matching is
 * decided by the shared analyzer, so every inflection of a query word counts. */
#ifndef NX_SNIPPET_H
#define NX_SNIPPET_H

#include <stddef.h>
#include "../engine/analyzer.h"

typedef struct nx_snippet {
    char *text;        /* UTF-8, whitespace collapsed, "…" where cut */
    size_t *marks;     /* n_marks pairs of byte offsets [start, end) into text */
    size_t n_marks;
} nx_snippet;

/* stems: the query's stems to highlight. max_bytes: target length. */
newsdex_status nx_snippet_make(nx_analyzer *analyzer, const char *text, char *const *stems,
                               size_t n_stems, size_t max_bytes, nx_snippet *out, nx_error *err);
void nx_snippet_free(nx_snippet *s);

#endif
