/* Ranking additions on top of BM25 (title words already weigh more: see
 * NX_TITLE_WDF): a proximity boost, so that articles where the query words
 * stand together rank above ones where they are scattered.
 *
 * The boost is Xapian's NEAR of the query's plain words, each word standing
 * for its singular and plural forms (layoff, layoffs),
 * within 2n + 4 positions for n words, added (scaled) to the BM25 score of
 * the articles that have it, in a second ranking stage (NX_RERANK_BLOCK). On the NPL test collection (scripts/eval) a
 * boost for every neighbouring pair of words lowered MAP (common pairs such
 * as "digital computers" swamped the rarer words), while the all-words
 * window leaves long natural-language queries alone and ranks short
 * keyword queries as the issue asks. */
#ifndef NX_RANKING_H
#define NX_RANKING_H

#include "query_parser.h"
#include "../engine/analyzer.h"
#include "../engine/xapian_wrapper.h"

/* Queries with more plain words than this get no boost (the window would
 * hardly ever hold them all). */
#define NX_PROXIMITY_MAX_WORDS 8
/* Forms of one word taken at most (as written, plural, singular). */
#define NX_PROXIMITY_FORMS 4
/* Weight of the boost relative to the words' own weight. */
#define NX_PROXIMITY_SCALE 0.5
/* The boost is a second stage: it reorders the matches ranked by BM25 in
 * blocks of this many (1-10, 11-20, ...: a page of 10). Evaluating NEAR for every match
 * instead cost more than the whole rest of the search on the benchmark;
 * fixed blocks keep pages consistent (no article on two pages). */
#define NX_RERANK_BLOCK 10

/* The boost for tree: its top-level plain words (not stopwords, years,
 * phrases, fields or excluded words), all within 2n + 4 positions. *out is
 * NULL when there are fewer than two such words (or too many). */
newsdex_status nx_rank_proximity(nx_analyzer *analyzer, const nx_query_tree *tree,
                                 nx_xquery **out, nx_error *err);

/* *out = q, ranked higher where boost matches. */
newsdex_status nx_rank_boost(const nx_xquery *q, const nx_xquery *boost, nx_xquery **out,
                             nx_error *err);

#endif
