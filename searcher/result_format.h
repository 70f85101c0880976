/* Formatters: a page of results as text for people or JSON for programs. */
#ifndef NX_RESULT_FORMAT_H
#define NX_RESULT_FORMAT_H

#include <stdio.h>
#include "newsdex.h"

/* What --explain found (both NULL when not asked for). */
typedef struct nx_explanation {
    const char *tree;    /* the parsed query */
    const char *xapian;  /* the Xapian query */
} nx_explanation;

/* Text for people. A relaxed search is announced on its own line. */
int nx_format_text(FILE *out, const char *query, const newsdex_search_options *o,
                   const newsdex_results *r, const nx_explanation *explain);
/* One JSON object on one line, with "relaxed" and, if given, "explain".
 * Returns 0, or -1 if out of memory. */
int nx_format_json(FILE *out, const char *query, const newsdex_search_options *o,
                   const newsdex_results *r, const nx_explanation *explain);

#endif
