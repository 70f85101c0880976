/* The search pipeline after parsing (nx_search_execute): rank (BM25,
 * sorted by relevance, date or recency), fall back to any word when nothing
 * has them all, count facets over every match, reorder the top in blocks
 * of NX_RERANK_BLOCK by proximity (on the stored articles, which the hits
 * then reuse), and make the hits. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

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
    int64_t depth = db->limits[NEWSDEX_LIMIT_DEPTH];
    if (depth > 0 && (int64_t)o->offset + o->limit > depth)
        return nx_limit_fail(db, NEWSDEX_LIMIT_DEPTH);
    return NEWSDEX_OK;
}

/* The dimensions to count for facets and the histogram (filter terms by
 * prefix); dims[NX_DIM_*] gets each one's index in counts, or -1. */
static size_t choose_counts(const newsdex_search_options *o, nx_xcount counts[NX_DIMS],
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

/* Walking a query's posting lists for its counts (xcount.h) pays when it
 * promises at least this many matches. Measured on Reuters (batch of the
 * bench queries with --histogram year): a single common word (1,600
 * matches) took 10% less than counting as the ranking goes; queries with a
 * few hundred matches took 7-12% more. */
#define NX_WALK_MIN_MATCHES 1000
/* Every search counts its matches for the exact total: walked as above
 * when there are many, else the ranking checks every match. Measured on
 * Reuters (the bench queries 20 times over, --batch, CPU): 1.04 s before
 * exact totals, 1.12 s with this choice, 1.16 s with the ranking checking
 * every match always; a single common word (15,000 matches) 0.7, 0.95 and
 * 2.0 ms a query. */

/* *out: q's counts walked off its posting lists, or NULL when q promises
 * too few matches or the walk cannot serve every dimension. */
static newsdex_status count_by_walk(newsdex_db *db, const nx_xquery *q, const nx_xrank_params *p,
                                    nx_xresults **out)
{
    int walkable = 0;
    double estimate = 0;
    *out = NULL;
    newsdex_status st = nx_xdb_walk_estimate(db->xdb, q, &walkable, &estimate, NULL, &db->err);
    if (st != NEWSDEX_OK || !walkable || estimate < NX_WALK_MIN_MATCHES)
        return st;
    return nx_xdb_count_walk(db->xdb, q, p->counts, p->n_counts, p->budget, out, &db->err);
}

/* The total alone (no facets, no histogram). The ranking pass that stops
 * early (the best matches found, the rest cannot beat them) is the cheap
 * one: when its bounds on the number of matches meet, that is the exact
 * total (always for one term), and nothing else runs. Else, for many
 * matches, the posting lists are walked after it; for few, the pass
 * checks every match from the start, which costs less than a second pass
 * (measured on the bench queries with bench/paired_bench). */
static newsdex_status rank_total(newsdex_db *db, const nx_xquery *q, nx_xrank_params *p,
                                 nx_xresults **m)
{
    int walkable = 0, known = 0;
    double estimate = 0;
    newsdex_status st = nx_xdb_walk_estimate(db->xdb, q, &walkable, &estimate, &known, &db->err);
    int first_cheap = walkable && (known || estimate >= NX_WALK_MIN_MATCHES);
    p->exact_total = !first_cheap;
    if (st == NEWSDEX_OK)
        st = nx_rank_window(db->xdb, q, p, m, &db->err);
    if (st != NEWSDEX_OK || nx_xresults_total_exact(*m) || !first_cheap)
        return st;
    nx_xresults *walked = NULL;
    st = nx_xdb_count_walk(db->xdb, q, NULL, 0, p->budget, &walked, &db->err);
    if (st == NEWSDEX_OK && walked)
        nx_xresults_take_counts(*m, walked);
    else if (st == NEWSDEX_OK) { /* cannot be walked after all: the matcher counts */
        nx_xresults_free(*m);
        *m = NULL;
        p->exact_total = 1;
        st = nx_rank_window(db->xdb, q, p, m, &db->err);
    }
    nx_xresults_free(walked);
    return st;
}

/* Ranks q as params says: the recency boost for --sort recent, then the
 * counts and the exact total (walked apart, or as the ranking sees every
 * match), then the window. */
static newsdex_status rank_query(newsdex_db *db, const newsdex_search_options *o,
                                 const char *range_end, const nx_xquery *q,
                                 const nx_xrank_params *params, nx_xresults **m)
{
    nx_xrank_params p = *params;
    nx_xrecency recency;
    int boost = 0;
    newsdex_status st = NEWSDEX_OK;
    if (o->sort == NEWSDEX_SORT_RECENT)
        st = nx_rank_recency(db->xdb, q, NX_SLOT_DATE, o->half_life_days, range_end, p.budget,
                             &recency, &boost, &db->err);
    p.recency = boost ? &recency : NULL;
    if (st == NEWSDEX_OK && p.n_counts == 0)
        return rank_total(db, q, &p, m);
    nx_xresults *walked = NULL;
    p.exact_total = 1; /* the total is always exact (or a stated lower bound) */
    if (st == NEWSDEX_OK)
        st = count_by_walk(db, q, &p, &walked);
    if (walked) {
        p.n_counts = 0; /* the ranking counts nothing */
        p.exact_total = 0;
    }
    if (st == NEWSDEX_OK)
        st = nx_rank_window(db->xdb, q, &p, m, &db->err);
    if (st == NEWSDEX_OK && walked)
        nx_xresults_take_counts(*m, walked);
    nx_xresults_free(walked);
    return st;
}

/* Ranks the request's query (or, when nothing has all its words, its
 * relaxed query). */
static newsdex_status rank(newsdex_db *db, const newsdex_search_options *o,
                          const nx_search_request *req, const nx_xrank_params *params,
                          nx_xresults **m, int *relaxed)
{
    *relaxed = 0;
    newsdex_status st = rank_query(db, o, req->range_end, req->query, params, m);
    if (st == NEWSDEX_OK && req->relaxed && nx_xresults_estimate(*m) == 0 &&
        nx_xresults_count(*m) == 0) {
        nx_xresults_free(*m);
        *m = NULL;
        *relaxed = 1;
        st = rank_query(db, o, req->range_end, req->relaxed, params, m);
    }
    return nx_budget_status(db, st);
}

/* ---- The proximity stage ---- */

static int reranking(const newsdex_search_options *o, const nx_search_request *req)
{
    return req->near && req->near->n >= 2 && o->sort != NEWSDEX_SORT_DATE;
}

/* The ranks to fetch for the page [offset, offset + limit): whole blocks. */
static void block_window(uint32_t offset, uint32_t limit, uint32_t *first, uint32_t *count)
{
    uint64_t block = NX_RERANK_BLOCK, end = (uint64_t)offset + limit;
    *first = (uint32_t)(offset / block * block);
    *count = limit ? (uint32_t)((end + block - 1) / block * block - *first) : 0;
}

static void free_read(nx_read_hit *r, size_t n)
{
    for (size_t i = 0; r && i < n; i++) {
        nx_hit_fields_free(&r[i].f);
        nx_snippet_free(&r[i].snippet);
    }
    free(r);
}

/* Stable, by weight, best first: a block is at most a page long. */
static void sort_block(size_t *order, double *w, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        size_t o = order[i];
        double x = w[i];
        size_t j = i;
        for (; j > 0 && w[j - 1] < x; j--) {
            order[j] = order[j - 1];
            w[j] = w[j - 1];
        }
        order[j] = o;
        w[j] = x;
    }
}

/* Reads article i of m into r, with its snippet when o asks for one, and
 * says whether its words stand near (title or body). */
static newsdex_status read_near(newsdex_db *db, const newsdex_search_options *o,
                                const nx_search_request *req, const nx_xresults *m, size_t i,
                                nx_read_hit *r, double *weight, int *near)
{
    const char *data;
    size_t len;
    nx_xresults_get(m, i, weight, &data, &len);
    newsdex_status st = nx_hit_decode(&db->inflater, data, len, &r->f, &db->err);
    const nx_near_words *w = req->near;
    if (st != NEWSDEX_OK)
        return st;
    if (!o->snippets)
        return nx_rank_is_near(db->analyzer, w, r->f.title, r->f.body, near, &db->err);
    size_t window = nx_rank_near_window(w);
    st = nx_text_near(db->analyzer, r->f.title, w->stems, w->n, window, near, &db->err);
    if (st != NEWSDEX_OK)
        return st;
    /* The snippet's scan of the body answers for the body too. */
    nx_near_ask ask = {w->stems, w->n, window, 0};
    const char *text = r->f.body[0] ? r->f.body : r->f.title;
    st = nx_snippet_make_near(db->analyzer, text, req->stems, req->n_stems,
                              o->snippet_chars ? o->snippet_chars : 200,
                              r->f.body[0] ? &ask : NULL, &r->snippet, &db->err);
    r->has_snippet = st == NEWSDEX_OK;
    *near = *near || ask.near;
    return st;
}

/* Reads every match of m (ranked from a block's start), boosts those whose
 * words stand near, reorders each block and keeps [skip, skip + keep) of
 * them; *read then holds the kept articles, in m's new order. */
static newsdex_status rerank_near(newsdex_db *db, const newsdex_search_options *o,
                                  const nx_search_request *req, nx_xresults *m, size_t skip,
                                  size_t keep, nx_read_hit **read)
{
    size_t n = nx_xresults_count(m);
    *read = NULL;
    nx_read_hit *all = calloc(n ? n : 1, sizeof *all);
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    double *w = malloc((n ? n : 1) * sizeof *w);
    newsdex_status st = all && order && w ? NEWSDEX_OK
                                          : nx_error_set(&db->err, NEWSDEX_ERR_NOMEM, "out of memory");
    for (size_t i = 0; st == NEWSDEX_OK && i < n; i++) {
        int near = 0;
        order[i] = i;
        if (i % NX_BUDGET_EVERY == 0 && (st = nx_budget_time(db)) != NEWSDEX_OK)
            break;
        st = read_near(db, o, req, m, i, &all[i], &w[i], &near);
        if (near)
            w[i] *= 1 + NX_PROXIMITY_SCALE;
    }
    for (size_t b = 0; st == NEWSDEX_OK && b < n; b += NX_RERANK_BLOCK)
        sort_block(order + b, w + b, n - b < NX_RERANK_BLOCK ? n - b : NX_RERANK_BLOCK);
    size_t from = skip < n ? skip : n, k = n - from < keep ? n - from : keep;
    if (st == NEWSDEX_OK)
        st = nx_xresults_reorder(m, order + from, w + from, k, &db->err);
    nx_read_hit *kept = st == NEWSDEX_OK ? calloc(k ? k : 1, sizeof *kept) : NULL;
    if (st == NEWSDEX_OK && !kept)
        st = nx_error_set(&db->err, NEWSDEX_ERR_NOMEM, "out of memory");
    for (size_t i = 0; st == NEWSDEX_OK && i < k; i++) {
        kept[i] = all[order[from + i]]; /* moves: the slot is emptied */
        memset(&all[order[from + i]], 0, sizeof all[0]);
    }
    free_read(all, n);
    free(order);
    free(w);
    if (st == NEWSDEX_OK)
        *read = kept;
    return st;
}

/* --collapse: rank a window of the top matches from the first, fold it,
 * and widen it until the folded list covers the page (or holds every
 * match, or reaches NX_COLLAPSE_WINDOW_MAX). */
static newsdex_status rank_collapsed(newsdex_db *db, const newsdex_search_options *o,
                                     const nx_search_request *req, nx_xrank_params *params,
                                     nx_xresults **m, int *relaxed, nx_page *page, int near)
{
    uint64_t want = (uint64_t)o->offset + o->limit;
    uint64_t window = 2 * want + 20;
    for (;;) {
        params->offset = 0;
        params->limit = (uint32_t)(window < NX_COLLAPSE_WINDOW_MAX ? window
                                                                   : NX_COLLAPSE_WINDOW_MAX);
        size_t folded_all = 0;
        newsdex_status st = rank(db, o, req, params, m, relaxed);
        nx_read_hit *read = NULL; /* collapse reads the articles itself */
        size_t n = *m ? nx_xresults_count(*m) : 0;
        newsdex_search_options unsnipped = *o; /* snippets come with the page */
        unsnipped.snippets = 0;
        if (st == NEWSDEX_OK && near)
            st = rerank_near(db, &unsnipped, req, *m, 0, n, &read);
        free_read(read, n);
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

newsdex_status nx_search_execute(newsdex_db *db, const newsdex_search_options *o,
                                 const nx_search_request *req, newsdex_results **out)
{
    *out = NULL;
    nx_xcount counts[NX_DIMS];
    int dims[NX_DIMS];
    nx_xrank_params params = {
        .offset = o->offset, .limit = o->limit, .bm25 = nx_rank_bm25(),
        .order = o->sort == NEWSDEX_SORT_DATE ? NX_XORDER_DATE : NX_XORDER_RELEVANCE,
        .date_slot = NX_SLOT_DATE, .counts = counts,
        .n_counts = choose_counts(o, counts, dims), .budget = &db->budget};
    int near = reranking(o, req);
    if (near && !o->collapse)
        block_window(o->offset, o->limit, &params.offset, &params.limit);
    newsdex_results *r = calloc(1, sizeof *r);
    if (!r)
        return nx_error_set(&db->err, NEWSDEX_ERR_NOMEM, "out of memory");
    nx_xresults *m = NULL;
    nx_read_hit *read = NULL;
    size_t n_read = 0;
    nx_page page = {0};
    newsdex_status st;
    if (o->collapse) {
        st = rank_collapsed(db, o, req, &params, &m, &r->relaxed, &page, near);
    } else {
        st = rank(db, o, req, &params, &m, &r->relaxed);
        if (st == NEWSDEX_OK && near) {
            st = rerank_near(db, o, req, m, o->offset - params.offset, o->limit, &read);
            n_read = m ? nx_xresults_count(m) : 0;
        }
    }
    if (st == NEWSDEX_OK)
        st = nx_results_fill(db, o, req, m, read, dims, o->collapse ? &page : NULL, r);
    if (st == NEWSDEX_OK)
        st = nx_budget_time(db);
    free_read(read, n_read);
    nx_page_free(&page);
    nx_xresults_free(m);
    if (st != NEWSDEX_OK) {
        newsdex_results_free(r);
        return st;
    }
    *out = r;
    return NEWSDEX_OK;
}
