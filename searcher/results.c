/* A page of results: hits made from the stored articles (with snippets and
 * their highlights), facets, the histogram, and the public accessors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search_internal.h"
#include "snippet.h"
#include "hit_decode.h"
#include "../engine/terms.h"

static char *copy_str(const char *s)
{
    return strdup(s ? s : "");
}

static void free_hit(newsdex_hit *h)
{
    free((char *)h->id);
    free((char *)h->title);
    free((char *)h->date);
    free((char *)h->source);
    free((char *)h->url);
    free((char *)h->snippet);
    free((size_t *)h->snippet_marks);
}

/* The snippet's text and marks move into the hit. */
static void take_snippet(newsdex_hit *hit, nx_snippet *snip)
{
    hit->snippet = snip->text ? snip->text : copy_str("");
    hit->snippet_marks = snip->n_marks ? snip->marks : NULL;
    hit->n_snippet_marks = snip->n_marks;
    if (!snip->n_marks)
        free(snip->marks);
    memset(snip, 0, sizeof *snip);
}

/* Fills hit from one stored article, read here or by the proximity stage
 * (pre: its fields stay with their owner, its snippet moves into the hit). */
static newsdex_status make_hit(newsdex_db *db, const newsdex_search_options *o,
                               const nx_search_request *req, const char *data, size_t len,
                               nx_read_hit *pre, newsdex_hit *hit)
{
    nx_hit_fields own;
    if (!pre) {
        newsdex_status st = nx_hit_decode(&db->inflater, data, len, &own, &db->err);
        if (st != NEWSDEX_OK)
            return st;
    }
    const nx_hit_fields doc = pre ? pre->f : own;
    newsdex_status st = NEWSDEX_OK;
    nx_snippet snip = {0};
    if (pre && pre->has_snippet) {
        snip = pre->snippet;
        memset(&pre->snippet, 0, sizeof pre->snippet);
        pre->has_snippet = 0;
    } else if (o->snippets)
        st = nx_snippet_make(db->analyzer, doc.body[0] ? doc.body : doc.title, req->stems,
                             req->n_stems, o->snippet_chars ? o->snippet_chars : 200, &snip,
                             &db->err);
    char day[11] = "";
    if (strlen(doc.date) >= 10) {
        memcpy(day, doc.date, 10);
        day[10] = '\0';
    }
    hit->id = copy_str(doc.id);
    hit->title = copy_str(doc.title);
    hit->date = copy_str(day);
    hit->source = copy_str(doc.source);
    hit->url = copy_str(doc.url);
    take_snippet(hit, &snip);
    if (!pre)
        nx_hit_fields_free(&own);
    if (st == NEWSDEX_OK && (!hit->id || !hit->title || !hit->date || !hit->source ||
                             !hit->url || !hit->snippet))
        st = nx_error_set(&db->err, NEWSDEX_ERR_NOMEM, "out of memory");
    return st;
}

static newsdex_status collect_hits(newsdex_db *db, const newsdex_search_options *o,
                                   const nx_search_request *req, const nx_xresults *m,
                                   nx_read_hit *read, const nx_page *page,
                                   newsdex_results *r)
{
    size_t n = page ? page->n : nx_xresults_count(m);
    uint64_t estimate = nx_xresults_estimate(m), folded = page ? page->folded : 0;
    r->total_estimate = estimate > folded ? estimate - folded : 0;
    r->total = estimate;
    r->total_exact = nx_xresults_total_exact(m);
    r->hits = calloc(n ? n : 1, sizeof *r->hits);
    if (!r->hits)
        return nx_error_set(&db->err, NEWSDEX_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const char *data;
        size_t len;
        newsdex_hit *hit = &r->hits[r->n++];
        size_t entry = page && page->which ? page->which[i] : i;
        if (i % NX_BUDGET_EVERY == 0 && nx_budget_time(db) != NEWSDEX_OK)
            return NEWSDEX_ERR_LIMIT;
        nx_xresults_get(m, entry, &hit->score, &data, &len);
        hit->rank = o->offset + (uint32_t)i + 1;
        hit->collapsed = page && page->dups ? page->dups[i] : 0;
        newsdex_status st =
            make_hit(db, o, req, data, len, read ? &read[entry] : NULL, hit);
        if (st != NEWSDEX_OK)
            return st;
    }
    return NEWSDEX_OK;
}

/* ---- Facets and the histogram ---- */

static int by_count(const void *a, const void *b)
{
    const nx_count_item *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(x->value, y->value);
}

static int by_value_desc(const void *a, const void *b)
{
    return -strcmp(((const nx_count_item *)a)->value, ((const nx_count_item *)b)->value);
}

/* Copies counted dimension d (values in byte order) into l. */
static int copy_counts(const nx_xresults *m, int d, nx_count_list *l)
{
    size_t n = d < 0 ? 0 : nx_xresults_values(m, (size_t)d);
    l->v = calloc(n ? n : 1, sizeof *l->v);
    if (!l->v)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const char *value;
        size_t len;
        nx_xresults_value(m, (size_t)d, i, &value, &len, &l->v[i].count);
        if (!(l->v[i].value = strndup(value, len)))
            return -1;
        l->n++;
    }
    return 0;
}

/* Histogram periods "YYYY" or "YYYY-MM" from counted values "YYYY"/"YYYYMM". */
#define HISTOGRAM_FILL_MAX 1200 /* fill gaps only up to this many periods */

static int period_next(int period, int months)
{
    if (!months)
        return period + 1;
    return period % 100 == 12 ? (period / 100 + 1) * 100 + 1 : period + 1;
}

static size_t period_span(int first, int last, int months)
{
    size_t n = 1;
    for (int p = first; p < last && n <= HISTOGRAM_FILL_MAX; p = period_next(p, months))
        n++;
    return n;
}

static int add_period(nx_count_list *h, int period, int months, uint64_t count)
{
    char text[16];
    if (months)
        snprintf(text, sizeof text, "%04d-%02d", period / 100, period % 100);
    else
        snprintf(text, sizeof text, "%04d", period);
    if (!(h->v[h->n].value = strdup(text)))
        return -1;
    h->v[h->n++].count = count;
    return 0;
}

/* Values that are not all digits (an odd date slot) are left out. */
static int period_value(const char *s, int *out)
{
    int v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (*s - '0');
    }
    *out = v;
    return 0;
}

static int build_histogram(const nx_count_list *raw, int months, nx_count_list *h)
{
    int first = 0, last = 0, p;
    size_t valid = 0;
    for (size_t i = 0; i < raw->n; i++)
        if (period_value(raw->v[i].value, &p) == 0) {
            first = valid ? first : p;
            last = p;
            valid++;
        }
    if (!valid)
        return 0;
    size_t span = period_span(first, last, months);
    int fill = span <= HISTOGRAM_FILL_MAX;
    h->v = calloc(fill ? span : valid, sizeof *h->v);
    if (!h->v)
        return -1;
    size_t i = 0;
    for (p = first; fill && p <= last; p = period_next(p, months)) {
        uint64_t count = 0;
        int q = 0;
        while (i < raw->n && (period_value(raw->v[i].value, &q) != 0 || q < p))
            i++;
        if (i < raw->n && q == p)
            count = raw->v[i].count;
        if (add_period(h, p, months, count) != 0)
            return -1;
    }
    for (i = 0; !fill && i < raw->n; i++)
        if (period_value(raw->v[i].value, &p) == 0 && add_period(h, p, months, raw->v[i].count))
            return -1;
    return 0;
}

static void free_counts(nx_count_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].value);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static void sort_counts(nx_count_list *l, int (*cmp)(const void *, const void *))
{
    if (l->n > 1)
        qsort(l->v, l->n, sizeof *l->v, cmp);
}

/* Sources are counted by their folded filter term; show each as written
 * (the writer keeps that in the index metadata, as `newsdex stats` shows). */
static int name_sources(newsdex_db *db, nx_count_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        char key[NX_TERM_MAX_BYTES + 64], *name = NULL;
        size_t len = 0;
        snprintf(key, sizeof key, "%s%s%s", NX_META_SOURCE, NX_FACET_SOURCE, l->v[i].value);
        if (nx_xdb_get_metadata_any(db->xdb, key, &name, &len, NULL) != NEWSDEX_OK)
            return -1;
        if (len == 0) {
            free(name);
            continue;
        }
        free(l->v[i].value);
        l->v[i].value = name;
    }
    return 0;
}

static int fill_counts(newsdex_db *db, const newsdex_search_options *o, const nx_xresults *m,
                       const int *dims, newsdex_results *r)
{
    if (o->facets && (copy_counts(m, dims[NX_DIM_SOURCE], &r->facets[NEWSDEX_FACET_SOURCE]) ||
                      copy_counts(m, dims[NX_DIM_TOPIC], &r->facets[NEWSDEX_FACET_TOPIC]) ||
                      copy_counts(m, dims[NX_DIM_YEAR], &r->facets[NEWSDEX_FACET_YEAR]) ||
                      name_sources(db, &r->facets[NEWSDEX_FACET_SOURCE])))
        return -1;
    for (int f = 0; o->facets && f < NX_FACETS; f++) {
        static const int dim_of[NX_FACETS] = {NX_DIM_SOURCE, NX_DIM_TOPIC, NX_DIM_YEAR};
        int d = dims[dim_of[f]];
        r->facet_missing[f] = d < 0 ? 0 : nx_xresults_none(m, (size_t)d);
    }
    if (o->histogram) {
        int months = o->histogram == NEWSDEX_HISTOGRAM_MONTH;
        nx_count_list raw = {0};
        int rc = copy_counts(m, dims[months ? NX_DIM_MONTH : NX_DIM_YEAR], &raw);
        if (rc == 0)
            rc = build_histogram(&raw, months, &r->histogram);
        free_counts(&raw);
        if (rc)
            return -1;
    }
    sort_counts(&r->facets[NEWSDEX_FACET_SOURCE], by_count);
    sort_counts(&r->facets[NEWSDEX_FACET_TOPIC], by_count);
    sort_counts(&r->facets[NEWSDEX_FACET_YEAR], by_value_desc);
    return 0;
}

newsdex_status nx_results_fill(newsdex_db *db, const newsdex_search_options *o,
                               const nx_search_request *req, const nx_xresults *m,
                               nx_read_hit *read, const int *dims, const nx_page *page,
                               newsdex_results *r)
{
    newsdex_status st = collect_hits(db, o, req, m, read, page, r);
    if (st == NEWSDEX_OK && fill_counts(db, o, m, dims, r) != 0)
        st = nx_error_set(&db->err, NEWSDEX_ERR_NOMEM, "out of memory");
    return st;
}

/* ---- Public accessors ---- */

size_t newsdex_results_count(const newsdex_results *r)
{
    return r ? r->n : 0;
}

uint64_t newsdex_results_total(const newsdex_results *r)
{
    return r ? r->total : 0;
}

int newsdex_results_total_exact(const newsdex_results *r)
{
    return r ? r->total_exact : 0;
}

uint64_t newsdex_results_total_estimate(const newsdex_results *r)
{
    return r ? r->total_estimate : 0;
}

newsdex_status newsdex_results_get_sized(const newsdex_results *r, size_t index, newsdex_hit *hit,
                                         size_t size)
{
    if (!r || !hit || index >= r->n || size < sizeof hit->size)
        return NEWSDEX_ERR_INVALID;
    newsdex_hit full = r->hits[index];
    full.size = size < sizeof full ? size : sizeof full;
    memset(hit, 0, size);
    memcpy(hit, &full, full.size);
    return NEWSDEX_OK;
}

int newsdex_results_relaxed(const newsdex_results *r)
{
    return r ? r->relaxed : 0;
}

static const nx_count_list *facet_list(const newsdex_results *r, newsdex_facet facet)
{
    if (!r || (int)facet < 0 || (int)facet >= NX_FACETS)
        return NULL;
    return &r->facets[facet];
}

size_t newsdex_results_facet_count(const newsdex_results *r, newsdex_facet facet)
{
    const nx_count_list *l = facet_list(r, facet);
    return l ? l->n : 0;
}

static newsdex_status count_get(const nx_count_list *l, size_t index, const char **value,
                                uint64_t *count)
{
    if (!l || !value || !count || index >= l->n)
        return NEWSDEX_ERR_INVALID;
    *value = l->v[index].value;
    *count = l->v[index].count;
    return NEWSDEX_OK;
}

uint64_t newsdex_results_facet_missing(const newsdex_results *r, newsdex_facet facet)
{
    return facet_list(r, facet) ? r->facet_missing[facet] : 0;
}

newsdex_status newsdex_results_facet_get(const newsdex_results *r, newsdex_facet facet,
                                         size_t index, const char **value, uint64_t *count)
{
    return count_get(facet_list(r, facet), index, value, count);
}

size_t newsdex_results_histogram_count(const newsdex_results *r)
{
    return r ? r->histogram.n : 0;
}

newsdex_status newsdex_results_histogram_get(const newsdex_results *r, size_t index,
                                             const char **period, uint64_t *count)
{
    return count_get(r ? &r->histogram : NULL, index, period, count);
}

const char *newsdex_results_suggestion(const newsdex_results *r)
{
    return r && r->suggestion ? r->suggestion : "";
}

const char *newsdex_results_corrected(const newsdex_results *r)
{
    return r && r->corrected ? r->corrected : "";
}

size_t newsdex_results_similar_term_count(const newsdex_results *r)
{
    return r ? r->n_similar : 0;
}

newsdex_status newsdex_results_similar_term_get(const newsdex_results *r, size_t index,
                                                const char **term, double *weight)
{
    if (!r || !term || !weight || index >= r->n_similar)
        return NEWSDEX_ERR_INVALID;
    *term = r->similar_terms[index] + strlen(NX_PREFIX_STEM);
    *weight = r->similar_weights ? r->similar_weights[index] : 0;
    return NEWSDEX_OK;
}

void newsdex_results_free(newsdex_results *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        free_hit(&r->hits[i]);
    free(r->hits);
    for (int f = 0; f < NX_FACETS; f++)
        free_counts(&r->facets[f]);
    free_counts(&r->histogram);
    free(r->suggestion);
    nx_results_free_missing(r);
    free(r->corrected);
    nx_xterms_free(r->similar_terms, r->n_similar);
    free(r->similar_weights);
    free(r);
}
