/* A page of results as one line of JSON: the shape `newsdex search --json`
 * prints and the web search's format=json returns (newsdex_results_to_json).
 * Strings that came from outside (the query, stored values) are repaired
 * to valid UTF-8 first, so the text is always valid JSON. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "newsdex.h"
#include "search_internal.h"
#include "../engine/utf8.h"

static const char *const facet_keys[] = {"source", "topic", "year"};

/* Mark i, if it is a sane range of a string of len bytes after `from`. */
static int mark_ok(const size_t *marks, size_t i, size_t from, size_t len)
{
    return marks[2 * i] >= from && marks[2 * i] < marks[2 * i + 1] && marks[2 * i + 1] <= len;
}


static json_t *highlights_json(const newsdex_hit *h)
{
    json_t *list = json_array();
    size_t len = strlen(h->snippet), at = 0;
    for (size_t i = 0; list && i < h->n_snippet_marks; i++) {
        if (!mark_ok(h->snippet_marks, i, at, len))
            continue;
        at = h->snippet_marks[2 * i + 1];
        json_t *pair = json_pack("[I, I]", (json_int_t)h->snippet_marks[2 * i], (json_int_t)at);
        if (!pair || json_array_append_new(list, pair) != 0) {
            json_decref(list);
            return NULL;
        }
    }
    return list;
}

static json_t *hit_to_json(const newsdex_hit *h, const newsdex_search_options *o)
{
    json_t *hl = highlights_json(h);
    json_t *item = hl ? json_pack("{s:s, s:f, s:s?, s:s, s:s, s:s, s:s, s:o}", "id", h->id,
                                  "score", h->score, "date", h->date[0] ? h->date : NULL,
                                  "source", h->source, "title", h->title, "url", h->url,
                                  "snippet", h->snippet, "highlights", hl)
                      : NULL;
    if (item && o->collapse &&
        json_object_set_new(item, "collapsed", json_integer((json_int_t)h->collapsed)) != 0) {
        json_decref(item);
        return NULL;
    }
    return item;
}

/* [{"<key>": value, "count": n}, ...]; get reads item i. */
typedef newsdex_status (*count_get_fn)(const newsdex_results *r, int which, size_t i,
                                       const char **value, uint64_t *count);

static newsdex_status get_facet(const newsdex_results *r, int which, size_t i, const char **v,
                                uint64_t *c)
{
    return newsdex_results_facet_get(r, (newsdex_facet)which, i, v, c);
}

static newsdex_status get_period(const newsdex_results *r, int which, size_t i, const char **v,
                                 uint64_t *c)
{
    (void)which;
    return newsdex_results_histogram_get(r, i, v, c);
}

static json_t *counts_json(const newsdex_results *r, int which, size_t n, const char *key,
                           count_get_fn get)
{
    json_t *list = json_array();
    for (size_t i = 0; list && i < n; i++) {
        const char *value;
        uint64_t count;
        json_t *item = NULL;
        if (get(r, which, i, &value, &count) == NEWSDEX_OK) {
            char *v = nx_utf8_repair(value, strlen(value), NULL);
            item = v ? json_pack("{s:s, s:I}", key, v, "count", (json_int_t)count) : NULL;
            free(v);
        }
        if (!item || json_array_append_new(list, item) != 0) {
            json_decref(list);
            return NULL;
        }
    }
    return list;
}

static int add_facets(json_t *root, const newsdex_search_options *o, const newsdex_results *r)
{
    if (!o->facets)
        return 0;
    json_t *facets = json_object();
    for (int f = 0; facets && f < 3; f++) {
        json_t *list = counts_json(r, f, newsdex_results_facet_count(r, (newsdex_facet)f),
                                   "value", get_facet);
        /* The matches without a value: their own bucket, last, valued null. */
        uint64_t missing = newsdex_results_facet_missing(r, (newsdex_facet)f);
        if (list && missing &&
            json_array_append_new(list, json_pack("{s:n, s:I}", "value", "count",
                                                  (json_int_t)missing)) != 0) {
            json_decref(list);
            list = NULL;
        }
        if (!list || json_object_set_new(facets, facet_keys[f], list) != 0) {
            json_decref(facets);
            return -1;
        }
    }
    return facets ? json_object_set_new(root, "facets", facets) : -1;
}

static int add_histogram(json_t *root, const newsdex_search_options *o, const newsdex_results *r)
{
    if (!o->histogram)
        return 0;
    json_t *list = counts_json(r, 0, newsdex_results_histogram_count(r), "period", get_period);
    const char *unit = o->histogram == NEWSDEX_HISTOGRAM_MONTH ? "month" : "year";
    json_t *h = list ? json_pack("{s:s, s:o}", "by", unit, "counts", list) : NULL;
    return h ? json_object_set_new(root, "histogram", h) : -1;
}

static int add_text(json_t *root, const char *key, const char *s)
{
    char *v = nx_utf8_repair(s, strlen(s), NULL);
    int rc = v ? json_object_set_new(root, key, json_string(v)) : -1;
    free(v);
    return rc;
}

/* Only when shards were left out: "partial": true and their names. */
static int add_missing(json_t *root, const newsdex_results *r)
{
    size_t n = newsdex_results_missing_shard_count(r);
    if (n == 0)
        return 0;
    json_t *names = json_array();
    for (size_t i = 0; names && i < n; i++) {
        const char *name = newsdex_results_missing_shard(r, i);
        char *v = nx_utf8_repair(name, strlen(name), NULL);
        if (!v || json_array_append_new(names, json_string(v)) != 0) {
            free(v);
            json_decref(names);
            return -1;
        }
        free(v);
    }
    if (!names || json_object_set_new(root, "partial", json_true()) != 0)
        return json_decref(names), -1;
    return json_object_set_new(root, "missing_shards", names);
}

/* "suggestion", or "corrected_query" (what the results are for) and
 * "original_query" (as typed) when the correction was searched instead. */
static int add_suggestion(json_t *root, const char *query, const newsdex_results *r)
{
    const char *s = newsdex_results_suggestion(r), *c = newsdex_results_corrected(r);
    if (c[0])
        return add_text(root, "corrected_query", c) ||
               add_text(root, "original_query", query ? query : "");
    return s[0] ? add_text(root, "suggestion", s) : 0;
}

static json_t *results_json(const char *query, const newsdex_search_options *o,
                            const newsdex_results *r)
{
    char *q = nx_utf8_repair(query ? query : "", query ? strlen(query) : 0, NULL);
    json_t *results = json_array();
    if (!q || !results) {
        free(q);
        json_decref(results);
        return NULL;
    }
    /* "o" hands results over to root, also when packing fails. */
    json_t *root = json_pack("{s:s, s:I, s:b, s:I, s:I, s:b, s:o}", "query", q, "total",
                             (json_int_t)newsdex_results_total(r), "total_exact",
                             newsdex_results_total_exact(r) != 0, "total_estimate",
                             (json_int_t)newsdex_results_total_estimate(r), "offset",
                             (json_int_t)o->offset, "relaxed", newsdex_results_relaxed(r) != 0,
                             "results", results);
    free(q);
    if (!root)
        return NULL;
    for (size_t i = 0; i < newsdex_results_count(r); i++) {
        newsdex_hit h;
        json_t *item = newsdex_results_get(r, i, &h) == NEWSDEX_OK ? hit_to_json(&h, o) : NULL;
        if (!item || json_array_append_new(results, item) != 0) {
            json_decref(root);
            return NULL;
        }
    }
    if (add_suggestion(root, query, r) || add_facets(root, o, r) || add_histogram(root, o, r) ||
        add_missing(root, r)) {
        json_decref(root);
        return NULL;
    }
    return root;
}

newsdex_status newsdex_results_to_json(const newsdex_results *results, const char *query,
                                       const newsdex_search_options *options, char **json)
{
    if (json)
        *json = NULL;
    if (!results || !options || !json)
        return NEWSDEX_ERR_INVALID;
    newsdex_search_options copy;
    json_t *root = results_json(query, nx_search_options_take(options, &copy), results);
    *json = root ? json_dumps(root, JSON_COMPACT) : NULL;
    json_decref(root);
    return *json ? NEWSDEX_OK : NEWSDEX_ERR_NOMEM;
}
