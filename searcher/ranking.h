/* Ranking additions on top of BM25 (title words already weigh more: see
 * NX_TITLE_WDF): a proximity boost, so that articles where the query words
 * stand together rank above ones where they are scattered. */
#ifndef NX_RANKING_H
#define NX_RANKING_H

#include "query_parser.h"
#include "../engine/analyzer.h"
#include "../engine/xapian_wrapper.h"

/* Words of the query that take part in the proximity boost (the first ones). */
#define NX_PROXIMITY_MAX_WORDS 16
/* Two neighbouring query words "stand together" when at most this many
 * other words come between them, in either order. */
#define NX_PROXIMITY_GAP 6
/* Weight of the proximity boost relative to the words' own weight. */
#define NX_PROXIMITY_SCALE 0.5

/* The boost for tree: every pair of neighbouring plain query words (the
 * top-level words that are not stopwords, years or excluded) found within
 * NX_PROXIMITY_GAP words of each other, weighted as those words. *out is
 * NULL when the query has fewer than two such words. */
newsdex_status nx_rank_proximity(nx_analyzer *analyzer, const nx_query_tree *tree,
                                 nx_xquery **out, nx_error *err);

/* *out = q, ranked higher where boost matches. */
newsdex_status nx_rank_boost(const nx_xquery *q, const nx_xquery *boost, nx_xquery **out,
                             nx_error *err);

#endif
