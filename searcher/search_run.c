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

/* The dimensions to count for facets and the histogram; dims[NX_DIM_*]
 * gets each one's index in counts, or -1. */
static size_t plan_counts(const newsdex_search_options *o, nx_xcount counts[NX_DIMS],
                          int dims[NX_DIMS])
{
    size_t n = 0;
    for (int d = 0; d < NX_DIMS; d++)
        dims[d] = -1;
    if (o->facets) {
        dims[NX_DIM_SOURCE] = (int)n;
        counts[n++] = (nx_xcount){NX_SLOT_SOURCE, NX_XCOUNT_VALUE, 0};
        dims[NX_DIM_TOPIC] = (int)n;
        counts[n++] = (nx_xcount){NX_SLOT_TOPICS, NX_XCOUNT_LIST, 0};
    }
    if (o->facets || o->histogram == NEWSDEX_HISTOGRAM_YEAR) {
        dims[NX_DIM_YEAR] = (int)n;
        counts[n++] = (nx_xcount){NX_SLOT_DATE, NX_XCOUNT_PREFIX, 4};
    }
    if (o->histogram == NEWSDEX_HISTOGRAM_MONTH) {
        dims[NX_DIM_MONTH] = (int)n;
        counts[n++] = (nx_xcount){NX_SLOT_DATE, NX_XCOUNT_PREFIX, 6};
    }
    return n;
}

static nx_xsort sort_of(int sort)
{
    return sort == NEWSDEX_SORT_DATE     ? NX_XSORT_DATE
           : sort == NEWSDEX_SORT_RECENT ? NX_XSORT_RECENT
                                         : NX_XSORT_RELEVANCE;
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
        .recency_share = NX_RECENCY_SHARE, .collapse_slot = o->collapse ? NX_SLOT_COLLAPSE : -1,
        .counts = counts, .n_counts = plan_counts(o, counts, dims),
        .boost = plan->boost, .rerank_block = NX_RERANK_BLOCK,
        .record_slot = NX_SLOT_HIT, .id_prefix = NX_PREFIX_ID};
    newsdex_results *r = calloc(1, sizeof *r);
    if (!r)
        return nx_error_set(&db->err, NEWSDEX_ERR_NOMEM, "out of memory");
    nx_xresults *m = NULL;
    newsdex_status st = nx_xdb_search_ranked(db->xdb, plan->query, &params, &m, &db->err);
    if (st == NEWSDEX_OK && plan->relaxed && nx_xresults_estimate(m) == 0 &&
        nx_xresults_count(m) == 0) {
        nx_xresults_free(m);
        m = NULL;
        r->relaxed = 1;
        st = nx_xdb_search_ranked(db->xdb, plan->relaxed, &params, &m, &db->err);
    }
    if (st == NEWSDEX_OK)
        st = nx_results_fill(db, o, plan, m, dims, r);
    nx_xresults_free(m);
    if (st != NEWSDEX_OK) {
        newsdex_results_free(r);
        return st;
    }
    *out = r;
    return NEWSDEX_OK;
}
