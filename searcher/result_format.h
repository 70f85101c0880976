/* Formatters: a page of results as text for people or JSON for programs. */
#ifndef NX_RESULT_FORMAT_H
#define NX_RESULT_FORMAT_H

#include <stdio.h>
#include "newsdex.h"

int nx_format_text(FILE *out, const char *query, const newsdex_search_options *o,
                   const newsdex_results *r);
/* One JSON object on one line. Returns 0, or -1 if out of memory. */
int nx_format_json(FILE *out, const char *query, const newsdex_search_options *o,
                   const newsdex_results *r);

#endif
