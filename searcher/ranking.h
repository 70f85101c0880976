/* Ranking additions on top of BM25 (title words already weigh more: see
 * NX_TITLE_WDF): a proximity boost, so that articles where the query words
 * stand together rank above ones where they are scattered.
 *
 * An article is "near" when its title or its body holds every plain word
 * of the query (any inflection, as the analyzer decides) within 2n + 4
 * consecutive words for n words; its score then grows by
 * NX_PROXIMITY_SCALE of itself. This is a second stage over the top
 * matches in blocks of NX_RERANK_BLOCK, weighed on the stored text the
 * page reads anyway: asking Xapian for a NEAR query over the same
 * articles read every word's positions and took a quarter of the whole
 * search on the benchmark. On the NPL test collection (scripts/eval) a
 * boost for every neighbouring pair of words lowered MAP (common pairs such
 * as "digital computers" swamped the rarer words), while the all-words
 * window leaves long natural-language queries alone and ranks short
 * keyword queries as the issue asks. */
#ifndef NX_RANKING_H
#define NX_RANKING_H

#include "query_parser.h"
#include "snippet.h"
#include "../engine/analyzer.h"

/* Queries with more plain words than this get no boost (the window would
 * hardly ever hold them all). */
#define NX_PROXIMITY_MAX_WORDS NX_NEAR_MAX_WORDS
/* The boost, as a share of the article's own score. */
#define NX_PROXIMITY_SCALE 0.5
/* The boost reorders the matches ranked by BM25 in blocks of this many
 * (1-10, 11-20, ...: a page of 10): fixed blocks keep pages consistent (no
 * article on two pages), and only the blocks a page needs are weighed. */
#define NX_RERANK_BLOCK 10

/* The words weighed for proximity: the query's top-level plain words (not
 * stopwords, years, phrases, fields or excluded words), by stem. */
typedef struct nx_near_words {
    char stem[NX_PROXIMITY_MAX_WORDS][NX_TOKEN_MAX_BYTES + 1];
    char *stems[NX_PROXIMITY_MAX_WORDS]; /* stems[i] = stem[i] */
    size_t n; /* 0 (no boost: fewer than two words, or too many), or 2 and up */
} nx_near_words;

newsdex_status nx_rank_near_words(nx_analyzer *analyzer, const nx_query_tree *tree,
                                  nx_near_words *out, nx_error *err);

/* The window for w's words: 2n + 4 consecutive words for n words. */
static inline size_t nx_rank_near_window(const nx_near_words *w)
{
    return 2 * w->n + 4;
}

/* *near: whether the words stand within the window in title or body. */
newsdex_status nx_rank_is_near(nx_analyzer *analyzer, const nx_near_words *w, const char *title,
                               const char *body, int *near, nx_error *err);

#endif
