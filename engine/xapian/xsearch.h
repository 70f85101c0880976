/* The Xapian binding, for C callers: building queries and ranking them
 * (engine/xapian/README). The binding ranks as it is told; what to ask for
 * (BM25's parameters, the recency boost, how ties are settled, which pass
 * to run) is decided in searcher/ranking.c. */
#ifndef NX_XSEARCH_H
#define NX_XSEARCH_H

#include <stddef.h>
#include <stdint.h>
#include "xdb.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nx_xquery nx_xquery;     /* a query (sub)tree */
typedef struct nx_xresults nx_xresults; /* ranked hits, and counts (xcount.h) */
typedef struct nx_xcount nx_xcount;     /* a dimension to count (xcount.h) */

/* ---- Queries (each node is freed by its creator; combining copies) ---- */

typedef enum nx_xquery_op {
    NX_XQ_AND,
    NX_XQ_OR,
    NX_XQ_AND_NOT,    /* first AND NOT (any of the rest) */
    NX_XQ_AND_MAYBE,  /* first, ranked higher by the rest */
    NX_XQ_FILTER,     /* first, restricted by the rest without weight */
    NX_XQ_PHRASE,     /* subqueries in order within window (0 = exact) */
    NX_XQ_NEAR        /* subqueries in any order within window */
} nx_xquery_op;

newsdex_status nx_xquery_term(const char *term, uint32_t wqf, uint32_t position,
                              nx_xquery **out, nx_error *err);
newsdex_status nx_xquery_combine(nx_xquery_op op, nx_xquery *const *subs, size_t n,
                                 uint32_t window, nx_xquery **out, nx_error *err);
newsdex_status nx_xquery_match_all(nx_xquery **out, nx_error *err);
newsdex_status nx_xquery_match_nothing(nx_xquery **out, nx_error *err);
/* Multiply the weight of q's matches by factor. */
newsdex_status nx_xquery_scale(const nx_xquery *q, double factor, nx_xquery **out,
                               nx_error *err);
/* Documents whose value in slot lies in [lo, hi] (byte order); lo or hi
 * may be NULL for an open end (not both). Contributes no weight. */
newsdex_status nx_xquery_value_range(unsigned slot, const char *lo, const char *hi,
                                     nx_xquery **out, nx_error *err);
/* Terms starting with prefix, at most max_expansion of them (the most
 * frequent ones win), weighted as one synonym. */
newsdex_status nx_xquery_wildcard(const char *prefix, uint32_t max_expansion, nx_xquery **out,
                                  nx_error *err);
/* malloc'd human-readable form (Xapian's description). */
newsdex_status nx_xquery_describe(const nx_xquery *q, char **out, nx_error *err);
void nx_xquery_free(nx_xquery *q);

/* ---- Ranking ---- */

/* Xapian's BM25 weighting (Xapian::BM25Weight's parameters). */
typedef struct nx_xbm25 {
    double k1, k2, k3, b, min_normlen;
} nx_xbm25;

/* A boost added to the score of every dated match, in steps: band i
 * gives `weight` to the matches dated in it: those with any of its n_terms
 * date terms (terms[first ..]: the year, month and day terms that cover
 * it), or, when it has none, those whose value in slot lies in [from, to]
 * (to "" for no upper end). The bands are disjoint; undated matches get
 * nothing. Built from Xapian's own serialisable parts (a fixed-weight
 * posting source filtered by the band), so remote shards run it too. */
#define NX_XRECENCY_BANDS_MAX 80
#define NX_XRECENCY_TERMS_MAX 2048
typedef struct nx_xrecency_band {
    char from[16], to[16]; /* "YYYYMMDDhhmmss" bounds, inclusive */
    size_t first, n_terms;
    double weight;         /* > 0 */
} nx_xrecency_band;

typedef struct nx_xrecency {
    unsigned slot; /* values "YYYYMMDD[hh...]" */
    size_t n;      /* bands used, at most NX_XRECENCY_BANDS_MAX */
    nx_xrecency_band band[NX_XRECENCY_BANDS_MAX];
    size_t n_terms;
    char terms[NX_XRECENCY_TERMS_MAX][16];
} nx_xrecency;

typedef enum nx_xorder {
    NX_XORDER_RELEVANCE, /* best score first; ties newest first (see tie_lookahead) */
    NX_XORDER_DATE       /* newest first, ties best score first */
} nx_xorder;

typedef struct nx_xrank_params {
    nx_xbudget *budget;          /* may be NULL: no limits */
    uint32_t offset, limit;      /* the window of ranks wanted */
    nx_xbm25 bm25;
    nx_xorder order;
    unsigned date_slot;          /* values "YYYYMMDD[hhmmss]" */
    const nx_xrecency *recency;  /* NULL: no boost */
    /* RELEVANCE with limit > 0: how ties are put newest first. 0: Xapian
     * sorts by relevance then date, reading the date of every candidate
     * (always settled). N > 0: Xapian sorts by relevance alone, the window
     * is ranked with one match before it and N after it, and the binding
     * orders ties by date itself; the order is unsettled when the match
     * before ties with the first, or a tie across the window's end runs
     * past the N extra. */
    uint32_t tie_lookahead;
    /* Dimensions counted over every match (exact) as the pass ranks them
     * (xcount.h); counting also makes the estimate exact. */
    const nx_xcount *counts;
    size_t n_counts;
    /* Non-zero: make the estimate the exact number of matches even when
     * nothing is counted (the matcher checks every match), up to the
     * budget's max_counted; past it the estimate is a lower bound
     * (nx_xresults_total_exact). */
    int exact_total;
} nx_xrank_params;

/* Ranks q as p says: *out gets the hits of the window (and the counts),
 * *settled 1; or, when tie_lookahead could not settle the order of ties,
 * *out NULL and *settled 0. */
newsdex_status nx_xdb_rank(nx_xdb *db, const nx_xquery *q, const nx_xrank_params *p,
                           nx_xresults **out, int *settled, nx_error *err);

/* The best score any document gets for q under bm25 (0 when nothing
 * matches). The clock of budget (may be NULL) is checked as it ends. */
newsdex_status nx_xdb_best_weight(nx_xdb *db, const nx_xquery *q, const nx_xbm25 *bm25,
                                  nx_xbudget *budget, double *best, nx_error *err);

/* Days since 1970-01-01 of a date value "YYYYMMDD[hh...]" (the hour as a
 * fraction of a day); < 0 when it is not one. */
double nx_xdate_days(const char *value, size_t len);

/* ---- Ranked hits ---- */

size_t nx_xresults_count(const nx_xresults *r);
/* 1 when nx_xresults_estimate() is the exact number of matches (counts,
 * exact_total, a walk, or a pass whose bounds on the number met, as they
 * always do for one term), 0 when it is Xapian's estimate or a lower
 * bound (more matches than the budget's max_counted). */
int nx_xresults_total_exact(const nx_xresults *r);
/* Matches in all (exact when counted). */
uint64_t nx_xresults_estimate(const nx_xresults *r);
/* Hit i: weight and stored data (valid until freed). */
void nx_xresults_get(const nx_xresults *r, size_t i, double *weight, const char **data,
                     size_t *len);
/* Keeps n hits: hit order[i] (with weight weights[i]) becomes hit i. */
newsdex_status nx_xresults_reorder(nx_xresults *r, const size_t *order, const double *weights,
                                   size_t n, nx_error *err);
void nx_xresults_free(nx_xresults *r);

/* ---- Similar articles ---- */

/* The terms that best tell the document indexed by unique_term from the
 * rest (Xapian's expand set over it): at most max_terms terms starting with
 * prefix but not with avoid (may be NULL) and for which keep (may be NULL)
 * returns non-zero, best first. *found is 0 when no document has
 * unique_term. *terms is an array of *n malloc'd strings; free it with
 * nx_xterms_free. *weights (when weights is not NULL) gets each term's
 * expand weight, a malloc'd array of *n (NULL when *n is 0). */
typedef int (*nx_xterm_keep_fn)(const char *term, size_t len, void *ctx);
newsdex_status nx_xdb_describing_terms(nx_xdb *db, const char *unique_term, const char *prefix,
                                       const char *avoid, nx_xterm_keep_fn keep, void *ctx,
                                       size_t max_terms, char ***terms, double **weights,
                                       size_t *n, int *found, nx_error *err);
void nx_xterms_free(char **terms, size_t n);

#ifdef __cplusplus
}
#endif
#endif
