/* Ranking policy. The Xapian binding (engine/xapian/xsearch.h) ranks as
 * it is told; what to tell it is decided here: BM25's parameters, the
 * recency boost of --sort recent, and how the ties of a window are put in
 * date order. On top of BM25 (title words already weigh more: see
 * NX_TITLE_WDF) comes a proximity boost, so that articles where the query
 * words stand together rank above ones where they are scattered.
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
 * keyword queries higher when their words stand together. */
#ifndef NX_RANKING_H
#define NX_RANKING_H

#include "query_parser.h"
#include "snippet.h"
#include "../engine/analyzer.h"
#include "../engine/xapian/xsearch.h"

/* BM25's parameters for every ranking: Xapian's defaults (k1 1, k2 0,
 * k3 1, b 0.5) except the floor on document length, a quarter of the
 * average instead of a half, nearer to BM25 as published (no floor). Short
 * articles are not held back as much; on the NPL collection MAP goes from
 * 0.2948 to 0.2985 (scripts/eval). */
nx_xbm25 nx_rank_bm25(void);

/* --sort recent. Every dated match gains the best score of the plain
 * query (times NX_RECENCY_SHARE) times 2^(-age / half_life_days), the age
 * in whole days rounded down to a multiple of the step: half_life_days /
 * NX_RECENCY_STEPS, rounded to whole days, at least one. The age counts
 * from the anchor: the last day of the query's date range (options->to,
 * date: at the top level) when there is one and it is not after the
 * newest article, else the newest article's day. Matches older than
 * NX_RECENCY_HALF_LIVES half-lives, and undated ones, gain nothing. The
 * steps are what Xapian's own parts can compute (xsearch.h), so remote
 * shards rank exactly as one index does. */
#define NX_RECENCY_SHARE 1.0
#define NX_RECENCY_STEPS 8
#define NX_RECENCY_HALF_LIVES 8

/* The recency boost for q: *boost is 0 when there is none to give (no
 * dated article, or no positive half-life); else *out describes it.
 * range_end is the query's last day "YYYYMMDD", or "" (or NULL). */
newsdex_status nx_rank_recency(nx_xdb *xdb, const nx_xquery *q, unsigned slot,
                               double half_life_days, const char *range_end,
                               nx_xbudget *budget, nx_xrecency *out, int *boost, nx_error *err);

/* The bands of the boost (nx_rank_recency without the index): anchor,
 * oldest and newest (the dates of the oldest and newest articles) are days
 * since 1970-01-01 (nx_xdate_days), scale the weight of the newest band.
 * Each band names the date terms (engine/terms.h) of its days. */
void nx_rank_recency_bands(double anchor, double oldest, double newest, double half_life_days,
                           double scale, unsigned slot, nx_xrecency *out);

/* The last day of the query's date range, "YYYYMMDD" in out ("" when it
 * has none): the earliest of to ("YYYYMMDD" or "") and the upper ends of
 * the date: ranges every match must be in (the root, or children of a
 * root AND). */
void nx_rank_range_end(const nx_query_tree *tree, const char *to, char out[9]);

/* Ranks q in the window of p (p->tie_lookahead is chosen here), with ties
 * newest first however many passes that takes. */
newsdex_status nx_rank_window(nx_xdb *xdb, const nx_xquery *q, const nx_xrank_params *p,
                              nx_xresults **out, nx_error *err);

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
