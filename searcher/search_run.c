/* The search pipeline after parsing: rank (BM25, sorted by relevance, date
 * or recency, then the proximity boost reorders the top in blocks of
 * NX_RERANK_BLOCK), fall back to any word when nothing has them all, count
 * facets over every match, and make the hits. */
#include <math.h>
#include <stdlib.h>

#include "ranking.h"
#include "search_internal.h"
#include "../engine/terms.h"

newsdex_status nx_search_check_options(newsdex_db *db, const newsdex_search_options *o)
{
    if (!o)
        return nx_error_set(&db->err, NEWSDEX_ERR_INVALID, "no search options given");
    if (o->limit > NX_SEARCH_LIMIT_MAX)
        return nx_error_set(&db->err, NEWSDEX_ERR_INVALID, "limit %u is above the maximum %d",
                            o->limit, NX_SEARCH_LIMIT_MAX);
    if (o->sort < NEWSDEX_SORT_RELEVANCE || o->sort > NEWSDEX_SORT_RECENT)
        return nx_error_set(&db->err, NEWSDEX_ERR_INVALID, "unknown sort order %d", o->sort);
    if (o->sort == NEWSDEX_SORT_RECENT && !(o->half_life_days > 0 && isfinite(o->half_life_days)))
        return nx_error_set(&db->err, NEWSDEX_ERR_INVALID,
                            "the half-life must be a positive number of days");
    if (o->histogram < NEWSDEX_HISTOGRAM_NONE || o->histogram > NEWSDEX_HISTOGRAM_MONTH)
        return nx_error_set(&db->err, NEWSDEX_ERR_INVALID, "unknown histogram %d", o->histogram);
    return NEWSDEX_OK;
}

/* The dimensions to count for facets and the histogram (filter terms by
 * prefix); dims[NX_DIM_*] gets each one's index in counts, or -1. */
static size_t plan_counts(const newsdex_search_options *o, nx_xcount counts[NX_DIMS],
                          int dims[NX_DIMS])
{
    size_t n = 0;
    for (int d = 0; d < NX_DIMS; d++)
        dims[d] = -1;
    if (o->facets) {
        dims[NX_DIM_SOURCE] = (int)n;
        counts[n++] = (nx_xcount){NX_FACET_SOURCE, 0, 0};
        dims[NX_DIM_TOPIC] = (int)n;
        counts[n++] = (nx_xcount){NX_FACET_TOPIC, 0, 0};
    }
    if (o->facets || o->histogram == NEWSDEX_HISTOGRAM_YEAR) {
        dims[NX_DIM_YEAR] = (int)n;
        counts[n++] = (nx_xcount){NX_PREFIX_YEAR, NX_SLOT_DATE, 4}; /* YYYY of the date */
    }
    if (o->histogram == NEWSDEX_HISTOGRAM_MONTH) {
        dims[NX_DIM_MONTH] = (int)n;
        counts[n++] = (nx_xcount){NX_PREFIX_MONTH, NX_SLOT_DATE, 6}; /* YYYYMM */
    }
    return n;
}

static nx_xsort sort_of(int sort)
{
    return sort == NEWSDEX_SORT_DATE     ? NX_XSORT_DATE
           : sort == NEWSDEX_SORT_RECENT ? NX_XSORT_RECENT
                                         : NX_XSORT_RELEVANCE;
}

/* Ranks q (or, when nothing has all its words, the plan's relaxed query). */
static newsdex_status rank(newsdex_db *db, const nx_search_plan *plan,
                           const nx_xsearch_params *params, nx_xresults **m, int *relaxed)
{
    *relaxed = 0;
    newsdex_status st = nx_xdb_search_ranked(db->xdb, plan->query, params, m, &db->err);
    if (st == NEWSDEX_OK && plan->relaxed && nx_xresults_estimate(*m) == 0 &&
        nx_xresults_count(*m) == 0) {
        nx_xresults_free(*m);
        *m = NULL;
        *relaxed = 1;
        st = nx_xdb_search_ranked(db->xdb, plan->relaxed, params, m, &db->err);
    }
    return st;
}

/* --collapse: rank a window of the top matches from the first, fold it,
 * and widen it until the folded list covers the page (or holds every
 * match, or reaches NX_COLLAPSE_WINDOW_MAX). */
static newsdex_status rank_collapsed(newsdex_db *db, const newsdex_search_options *o,
                                     const nx_search_plan *plan, nx_xsearch_params *params,
                                     nx_xresults **m, int *relaxed, nx_page *page)
{
    uint64_t want = (uint64_t)o->offset + o->limit;
    uint64_t window = 2 * want + 20;
    for (;;) {
        params->offset = 0;
        params->limit = (uint32_t)(window < NX_COLLAPSE_WINDOW_MAX ? window
                                                                   : NX_COLLAPSE_WINDOW_MAX);
        size_t folded_all = 0;
        newsdex_status st = rank(db, plan, params, m, relaxed);
        if (st == NEWSDEX_OK)
            st = nx_collapse(db, *m, o->offset, o->limit, page, &folded_all);
        if (st != NEWSDEX_OK || folded_all >= want || nx_xresults_count(*m) < params->limit ||
            params->limit == NX_COLLAPSE_WINDOW_MAX)
            return st;
        nx_page_free(page);
        nx_xresults_free(*m);
        *m = NULL;
        window *= 4;
    }
}

newsdex_status nx_search_run(newsdex_db *db, const newsdex_search_options *o,
                             const nx_search_plan *plan, newsdex_results **out)
{
    *out = NULL;
    nx_xcount counts[NX_DIMS];
    int dims[NX_DIMS];
    nx_xsearch_params params = {
        .offset = o->offset, .limit = o->limit, .sort = sort_of(o->sort),
        .date_slot = NX_SLOT_DATE, .half_life_days = o->half_life_days,
        .recency_share = NX_RECENCY_SHARE, .counts = counts,
        .n_counts = plan_counts(o, counts, dims), .boost = plan->boost,
        .rerank_block = NX_RERANK_BLOCK, .id_prefix = NX_PREFIX_ID};
    newsdex_results *r = calloc(1, sizeof *r);
    if (!r)
        return nx_error_set(&db->err, NEWSDEX_ERR_NOMEM, "out of memory");
    nx_xresults *m = NULL;
    nx_page page = {0};
    newsdex_status st = o->collapse ? rank_collapsed(db, o, plan, &params, &m, &r->relaxed, &page)
                                    : rank(db, plan, &params, &m, &r->relaxed);
    if (st == NEWSDEX_OK)
        st = nx_results_fill(db, o, plan, m, dims, o->collapse ? &page : NULL, r);
    nx_page_free(&page);
    nx_xresults_free(m);
    if (st != NEWSDEX_OK) {
        newsdex_results_free(r);
        return st;
    }
    *out = r;
    return NEWSDEX_OK;
}
