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

/* At most this many words are weighed for proximity. */
#define NX_NEAR_MAX_WORDS 8

/* *near: whether text holds a word of each of the n_stems stems (2 to
 * NX_NEAR_MAX_WORDS, else never near) within `window` consecutive words,
 * any inflection counting, as for the snippet's highlights. */
newsdex_status nx_text_near(nx_analyzer *analyzer, const char *text, char *const *stems,
                            size_t n_stems, size_t window, int *near, nx_error *err);

/* nx_snippet_make that also says whether the text holds the words near,
 * as nx_text_near would, from the same scan. */
typedef struct nx_near_ask {
    char *const *words; /* stems */
    size_t n_words;
    size_t window;
    int near; /* the answer */
} nx_near_ask;
newsdex_status nx_snippet_make_near(nx_analyzer *analyzer, const char *text, char *const *stems,
                                    size_t n_stems, size_t max_bytes, nx_near_ask *near,
                                    nx_snippet *out, nx_error *err);

#endif
