#include "result_format.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/utf8.h"

#define BOLD_ON "\033[1m"
#define BOLD_OFF "\033[0m"
#define FACET_TEXT_MAX 10   /* values per facet in text output */
#define BAR_WIDTH 50        /* longest histogram bar, in characters */

/* Query text echoed back may hold invalid UTF-8 or control characters:
 * show a repaired copy, with controls as spaces. NULL if out of memory. */
static char *printable(const char *s)
{
    char *copy = nx_utf8_repair(s ? s : "", s ? strlen(s) : 0, NULL);
    for (char *p = copy; p && *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = ' ';
    return copy;
}

static void print_explanation(FILE *out, const nx_explanation *e)
{
    if (!e || !e->tree)
        return;
    char *tree = printable(e->tree), *xapian = printable(e->xapian);
    fprintf(out, "Parsed query: %s\nXapian query: %s\n\n", tree ? tree : "",
            xapian ? xapian : "");
    free(tree);
    free(xapian);
}

/* Mark i, if it is a sane range of a string of len bytes after `from`. */
static int mark_ok(const size_t *marks, size_t i, size_t from, size_t len)
{
    return marks[2 * i] >= from && marks[2 * i] < marks[2 * i + 1] && marks[2 * i + 1] <= len;
}

static void print_snippet(FILE *out, const newsdex_hit *h, const nx_text_style *style)
{
    const char *s = h->snippet;
    size_t len = strlen(s), at = 0;
    fputs("   ", out);
    for (size_t i = 0; style->terminal && i < h->n_snippet_marks; i++) {
        if (!mark_ok(h->snippet_marks, i, at, len))
            continue;
        size_t start = h->snippet_marks[2 * i], end = h->snippet_marks[2 * i + 1];
        fwrite(s + at, 1, start - at, out);
        fputs(BOLD_ON, out);
        fwrite(s + start, 1, end - start, out);
        fputs(BOLD_OFF, out);
        at = end;
    }
    fprintf(out, "%s\n", s + at);
}

static void print_hit(FILE *out, const newsdex_hit *h, const nx_text_style *style)
{
    fprintf(out, "%u. %s\n", h->rank, h->title[0] ? h->title : "(untitled)");
    fprintf(out, "   %s", h->date[0] ? h->date : "undated");
    if (h->source[0])
        fprintf(out, " | %s", h->source);
    fprintf(out, " | id %s | score %.3f", h->id, h->score);
    if (h->collapsed)
        fprintf(out, " | +%u near-duplicate%s", h->collapsed, h->collapsed == 1 ? "" : "s");
    fputc('\n', out);
    if (h->snippet[0])
        print_snippet(out, h, style);
    if (h->url[0])
        fprintf(out, "   %s\n", h->url);
    fputc('\n', out);
}

/* ---- Facets and the histogram as text ---- */

static const char *const facet_titles[] = {"source", "topic", "year"};

static void print_facet(FILE *out, const newsdex_results *r, newsdex_facet f)
{
    size_t n = newsdex_results_facet_count(r, f);
    fprintf(out, "Matches by %s:%s\n", facet_titles[f], n ? "" : " none");
    for (size_t i = 0; i < n && i < FACET_TEXT_MAX; i++) {
        const char *value;
        uint64_t count;
        if (newsdex_results_facet_get(r, f, i, &value, &count) != NEWSDEX_OK)
            continue;
        char *shown = printable(value);
        fprintf(out, "  %8" PRIu64 "  %s\n", count, shown ? shown : "");
        free(shown);
    }
    if (n > FACET_TEXT_MAX)
        fprintf(out, "  (and %zu more)\n", n - FACET_TEXT_MAX);
}

static void print_facets(FILE *out, const newsdex_search_options *o, const newsdex_results *r)
{
    if (!o->facets)
        return;
    print_facet(out, r, NEWSDEX_FACET_SOURCE);
    print_facet(out, r, NEWSDEX_FACET_TOPIC);
    print_facet(out, r, NEWSDEX_FACET_YEAR);
    fputc('\n', out);
}

static void print_bar(FILE *out, uint64_t count, uint64_t max, const nx_text_style *style)
{
    size_t width = max ? (size_t)((count * BAR_WIDTH + max - 1) / max) : 0;
    for (size_t i = 0; i < width; i++)
        fputs(style->terminal ? "\xE2\x96\x88" : "#", out); /* U+2588 full block */
    fprintf(out, "%*s %" PRIu64 "\n", (int)(BAR_WIDTH - width), "", count);
}

static void print_histogram(FILE *out, const newsdex_search_options *o, const newsdex_results *r,
                            const nx_text_style *style)
{
    if (!o->histogram)
        return;
    size_t n = newsdex_results_histogram_count(r);
    const char *unit = o->histogram == NEWSDEX_HISTOGRAM_MONTH ? "month" : "year";
    fprintf(out, "Matches per %s:%s\n", unit, n ? "" : " no dated article matches");
    uint64_t max = 0, count;
    const char *period;
    for (size_t i = 0; i < n; i++)
        if (newsdex_results_histogram_get(r, i, &period, &count) == NEWSDEX_OK && count > max)
            max = count;
    for (size_t i = 0; i < n; i++) {
        if (newsdex_results_histogram_get(r, i, &period, &count) != NEWSDEX_OK)
            continue;
        fprintf(out, "  %-7s |", period);
        print_bar(out, count, max, style);
    }
    fputc('\n', out);
}

static void print_suggestion(FILE *out, const newsdex_results *r)
{
    const char *s = newsdex_results_suggestion(r);
    if (!s[0])
        return;
    char *shown = printable(s);
    fprintf(out, "Did you mean: %s\n", shown ? shown : "");
    free(shown);
}

static void print_page(FILE *out, const char *shown, const newsdex_search_options *o,
                       const newsdex_results *r, const nx_text_style *style)
{
    size_t n = newsdex_results_count(r);
    uint64_t total = newsdex_results_total_estimate(r);
    if (n == 0) {
        fprintf(out, "No results for \"%s\"%s.\n", shown,
                total > 0 ? " on this page (try a smaller --offset)" : "");
        return;
    }
    fprintf(out, "About %" PRIu64 " result%s for \"%s\"; showing %u-%u\n\n", total,
            total == 1 ? "" : "s", shown, o->offset + 1, o->offset + (unsigned)n);
    for (size_t i = 0; i < n; i++) {
        newsdex_hit h;
        if (newsdex_results_get(r, i, &h) == NEWSDEX_OK)
            print_hit(out, &h, style);
    }
}

int nx_format_text_styled(FILE *out, const char *query, const newsdex_search_options *o,
                          const newsdex_results *r, const nx_explanation *explain,
                          const nx_text_style *style)
{
    char *shown = printable(query);
    if (!shown)
        return -1;
    print_explanation(out, explain);
    print_suggestion(out, r);
    if (newsdex_results_relaxed(r) && newsdex_results_total_estimate(r) > 0)
        fputs("No article has all of the words; these have some of them.\n", out);
    print_page(out, shown, o, r, style);
    free(shown);
    if (newsdex_results_total_estimate(r) > 0) {
        if (newsdex_results_count(r) == 0 && (o->facets || o->histogram))
            fputc('\n', out);
        print_facets(out, o, r);
        print_histogram(out, o, r, style);
    }
    return 0;
}

int nx_format_text(FILE *out, const char *query, const newsdex_search_options *o,
                   const newsdex_results *r, const nx_explanation *explain)
{
    nx_text_style plain = {0};
    return nx_format_text_styled(out, query, o, r, explain, &plain);
}

/* ---- HTML ---- */

static int put_escaped(FILE *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *e = s[i] == '&'    ? "&amp;"
                        : s[i] == '<'  ? "&lt;"
                        : s[i] == '>'  ? "&gt;"
                        : s[i] == '"'  ? "&quot;"
                        : s[i] == '\'' ? "&#39;"
                                       : NULL;
        if (e ? fputs(e, out) < 0 : fputc(s[i], out) == EOF)
            return -1;
    }
    return 0;
}

int nx_format_snippet_html(FILE *out, const char *snippet, const size_t *marks, size_t n)
{
    const char *s = snippet ? snippet : "";
    size_t len = strlen(s), at = 0;
    int rc = 0;
    for (size_t i = 0; marks && i < n && rc == 0; i++) {
        if (!mark_ok(marks, i, at, len))
            continue;
        size_t start = marks[2 * i], end = marks[2 * i + 1];
        rc = put_escaped(out, s + at, start - at);
        rc = rc ? rc : (fputs("<mark>", out) < 0 ? -1 : 0);
        rc = rc ? rc : put_escaped(out, s + start, end - start);
        rc = rc ? rc : (fputs("</mark>", out) < 0 ? -1 : 0);
        at = end;
    }
    return rc ? rc : put_escaped(out, s + at, len - at);
}

/* ---- JSON ---- */

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

/* Adds "explain": {"tree": ..., "xapian": ...} to root. */
static int add_explanation(json_t *root, const nx_explanation *e)
{
    if (!e || !e->tree)
        return 0;
    char *tree = nx_utf8_repair(e->tree, strlen(e->tree), NULL);
    char *xapian = e->xapian ? nx_utf8_repair(e->xapian, strlen(e->xapian), NULL) : NULL;
    json_t *obj = tree && xapian ? json_pack("{s:s, s:s}", "tree", tree, "xapian", xapian)
                                 : NULL;
    free(tree);
    free(xapian);
    return obj ? json_object_set_new(root, "explain", obj) : -1;
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
        if (!list || json_object_set_new(facets, facet_titles[f], list) != 0) {
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

static int add_suggestion(json_t *root, const newsdex_results *r)
{
    const char *s = newsdex_results_suggestion(r);
    if (!s[0])
        return 0;
    char *v = nx_utf8_repair(s, strlen(s), NULL);
    int rc = v ? json_object_set_new(root, "suggestion", json_string(v)) : -1;
    free(v);
    return rc;
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
    json_t *root = json_pack("{s:s, s:I, s:I, s:b, s:o}", "query", q, "total_estimate",
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
    if (add_suggestion(root, r) || add_facets(root, o, r) || add_histogram(root, o, r)) {
        json_decref(root);
        return NULL;
    }
    return root;
}

static int dump_line(FILE *out, json_t *root)
{
    int rc = json_dumpf(root, out, JSON_COMPACT);
    fputc('\n', out);
    json_decref(root);
    return rc;
}

int nx_format_json(FILE *out, const char *query, const newsdex_search_options *o,
                   const newsdex_results *r, const nx_explanation *explain)
{
    json_t *root = results_json(query, o, r);
    if (!root || add_explanation(root, explain) != 0) {
        json_decref(root);
        return -1;
    }
    return dump_line(out, root);
}

int nx_format_json_error(FILE *out, const char *query, const char *message)
{
    char *q = nx_utf8_repair(query ? query : "", query ? strlen(query) : 0, NULL);
    char *m = nx_utf8_repair(message ? message : "", message ? strlen(message) : 0, NULL);
    json_t *root = q && m ? json_pack("{s:s, s:s}", "query", q, "error", m) : NULL;
    free(q);
    free(m);
    return root ? dump_line(out, root) : -1;
}
