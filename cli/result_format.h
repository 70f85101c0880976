/* How `newsdex search` and `newsdex similar` print a page of results: as
 * text for people, or as the library's JSON (newsdex_results_to_json) with
 * what only the command line adds (--explain, --batch errors). */
#ifndef NX_RESULT_FORMAT_H
#define NX_RESULT_FORMAT_H

#include <stdio.h>
#include "newsdex.h"

/* What --explain found (both NULL when not asked for). */
typedef struct nx_explanation {
    const char *tree;    /* the parsed query */
    const char *xapian;  /* the Xapian query */
    int similar_terms;   /* `similar --explain`: the words of the results'
                            query (newsdex_results_similar_term_get) */
} nx_explanation;

/* Text for people. A relaxed search is announced on its own line. */
int nx_format_text(FILE *out, const char *query, const newsdex_search_options *o,
                   const newsdex_results *r, const nx_explanation *explain);
/* One JSON object on one line, with "relaxed" and, if given, "explain".
 * Returns 0, or -1 if out of memory. */
int nx_format_json(FILE *out, const char *query, const newsdex_search_options *o,
                   const newsdex_results *r, const nx_explanation *explain);

/* How text output looks. */
typedef struct nx_text_style {
    int terminal;   /* bold highlights (ANSI) and solid histogram bars */
} nx_text_style;

/* nx_format_text with a style (nx_format_text is this with a plain style).
 * Also prints the spelling suggestion, collapsed counts, facets and the
 * histogram when the results have them. */
int nx_format_text_styled(FILE *out, const char *query, const newsdex_search_options *o,
                          const newsdex_results *r, const nx_explanation *explain,
                          const nx_text_style *style);

/* One JSON line {"query": ..., "error": message} (for --batch). */
int nx_format_json_error(FILE *out, const char *query, const char *message);

#endif
