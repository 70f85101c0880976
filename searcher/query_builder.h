/* Query tree -> Xapian query. Words go through the same analyzer as the
 * indexed text: a bare word matches its stem (any inflection), a phrase or a
 * hyphenated word matches exact word forms in order. */
#ifndef NX_QUERY_BUILDER_H
#define NX_QUERY_BUILDER_H

#include "query_parser.h"
#include "../engine/analyzer.h"
#include "../engine/xapian_wrapper.h"

typedef struct nx_built_query {
    nx_xquery *query;   /* NULL if the query had no searchable words */
    char **stems;       /* stems of the words to highlight (not negated ones) */
    size_t n_stems;
} nx_built_query;

newsdex_status nx_query_build(nx_analyzer *analyzer, const nx_query_tree *tree,
                              nx_built_query *out, nx_error *err);
void nx_built_query_free(nx_built_query *q);

#endif
