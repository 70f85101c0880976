#include "result_format.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BOLD_ON "\033[1m"
#define BOLD_OFF "\033[0m"
#define FACET_TEXT_MAX 10   /* values per facet in text output */
#define BAR_WIDTH 50        /* longest histogram bar, in characters */

/* Length of the valid UTF-8 sequence at s[0..len), or 0 (overlongs,
 * surrogates and code points past U+10FFFF are invalid). *bad gets the
 * length of the maximal invalid subpart when it is 0. */
static size_t utf8_seq(const unsigned char *s, size_t len, size_t *bad)
{
    unsigned c = s[0];
    size_t n = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
             : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    *bad = 1;
    if (n <= 1)
        return n;
    unsigned lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
    unsigned hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
    for (size_t i = 1; i < n; i++) {
        if (i >= len || s[i] < (i == 1 ? lo : 0x80) || s[i] > (i == 1 ? hi : 0xBF))
            return 0;
        *bad = i + 1;
    }
    return n;
}

/* Text echoed back (the query, and the explanation quoting it) may hold
 * invalid UTF-8: a copy with each invalid sequence as U+FFFD, and with
 * controls as spaces when it is for people. NULL if out of memory. */
static char *repaired(const char *s, int for_people)
{
    const unsigned char *u = (const unsigned char *)(s ? s : "");
    size_t len = strlen((const char *)u), at = 0;
    char *copy = malloc(3 * len + 1);
    for (size_t i = 0; copy && i < len;) {
        size_t bad, n = utf8_seq(u + i, len - i, &bad);
        if (n == 0) {
            memcpy(copy + at, "\xEF\xBF\xBD", 3);
            at += 3;
            i += bad;
            continue;
        }
        for (size_t k = 0; k < n; k++, i++)
            copy[at++] = (char)(for_people && (u[i] < 0x20 || u[i] == 0x7f) ? ' ' : u[i]);
    }
    if (copy)
        copy[at] = '\0';
    return copy;
}

static char *printable(const char *s)
{
    return repaired(s, 1);
}

/* `similar --explain`: the words searched for, best first. */
static void print_similar_terms(FILE *out, const newsdex_results *r)
{
    size_t n = newsdex_results_similar_term_count(r);
    fprintf(out, "Words searched for (stem and weight, best first):%s", n ? "" : " none");
    for (size_t i = 0; i < n; i++) {
        const char *term;
        double weight;
        if (newsdex_results_similar_term_get(r, i, &term, &weight) != NEWSDEX_OK)
            continue;
        char *shown = printable(term);
        fprintf(out, "%s %s %.3f", i ? "," : "", shown ? shown : "", weight);
        free(shown);
    }
    fputs("\n\n", out);
}

static void print_explanation(FILE *out, const newsdex_results *r, const nx_explanation *e)
{
    if (e && e->similar_terms)
        print_similar_terms(out, r);
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
/* The bucket of matches without a value of the facet. */
static const char *const facet_missing[] = {"(no source)", "(no topic)", "undated"};

typedef struct facet_entry {
    const char *value;
    uint64_t count;
} facet_entry;

/* Most frequent first; ties: the later value (the newer year) first. */
static int by_count(const void *a, const void *b)
{
    const facet_entry *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(y->value, x->value);
}

/* The FACET_TEXT_MAX most frequent values of f, most frequent first (the
 * library gives years newest first, sources and topics by count). */
static void print_facet(FILE *out, const newsdex_results *r, newsdex_facet f)
{
    size_t n = newsdex_results_facet_count(r, f);
    fprintf(out, "Matches by %s:%s\n", facet_titles[f],
            n || newsdex_results_facet_missing(r, f) ? "" : " none");
    facet_entry *e = n ? calloc(n, sizeof *e) : NULL;
    size_t m = 0;
    for (size_t i = 0; e && i < n; i++)
        if (newsdex_results_facet_get(r, f, i, &e[m].value, &e[m].count) == NEWSDEX_OK)
            m++;
    if (e)
        qsort(e, m, sizeof *e, by_count);
    for (size_t i = 0; i < m && i < FACET_TEXT_MAX; i++) {
        const char *value = e[i].value;
        uint64_t count = e[i].count;
        char *shown = printable(value);
        fprintf(out, "  %8" PRIu64 "  %s\n", count, shown ? shown : "");
        free(shown);
    }
    free(e);
    if (n > FACET_TEXT_MAX)
        fprintf(out, "  (and %zu more)\n", n - FACET_TEXT_MAX);
    uint64_t missing = newsdex_results_facet_missing(r, f);
    if (missing)
        fprintf(out, "  %8" PRIu64 "  %s\n", missing, facet_missing[f]);
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

static void print_suggestion(FILE *out, const char *query, const newsdex_results *r)
{
    const char *s = newsdex_results_suggestion(r), *c = newsdex_results_corrected(r);
    char *shown = printable(c[0] ? c : s), *typed = c[0] ? printable(query) : NULL;
    if (c[0])
        fprintf(out, "Showing results for %s; search instead for %s (--no-correct)\n",
                shown ? shown : "", typed ? typed : "");
    else if (s[0])
        fprintf(out, "Did you mean: %s\n", shown ? shown : "");
    free(shown);
    free(typed);
}

static void print_page(FILE *out, const char *shown, const newsdex_search_options *o,
                       const newsdex_results *r, const nx_text_style *style)
{
    size_t n = newsdex_results_count(r);
    /* The exact number of matches; with --collapse, less the duplicates
     * folded among the top ones (an estimate). */
    uint64_t total = o->collapse ? newsdex_results_total_estimate(r) : newsdex_results_total(r);
    const char *about = o->collapse ? "About "
                        : newsdex_results_total_exact(r) ? "" : "At least ";
    if (n == 0 && (total == 0 || o->limit > 0)) {
        fprintf(out, "No results for \"%s\"%s.\n", shown,
                total > 0 ? " on this page (try a smaller --offset)" : "");
        return;
    }
    fprintf(out, "%s%" PRIu64 " result%s for \"%s\"", about, total, total == 1 ? "" : "s",
            shown);
    if (n == 0) { /* --limit 0: only the count */
        fputs(".\n", out);
        return;
    }
    fprintf(out, "; showing %u-%u\n\n", o->offset + 1, o->offset + (unsigned)n);
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
    /* The count names the query the results are for. */
    const char *corrected = newsdex_results_corrected(r);
    char *shown = printable(corrected[0] ? corrected : query);
    if (!shown)
        return -1;
    print_explanation(out, r, explain);
    print_suggestion(out, query, r);
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

/* ---- JSON (the library's, plus what only the command line adds) ---- */

static int dump_line(FILE *out, json_t *root)
{
    int rc = json_dumpf(root, out, JSON_COMPACT);
    fputc('\n', out);
    json_decref(root);
    return rc;
}

/* {"terms": [{"term": stem, "weight": w}, ...]} of `similar --explain`. */
static json_t *similar_terms_json(const newsdex_results *r)
{
    json_t *list = json_array();
    for (size_t i = 0; list && i < newsdex_results_similar_term_count(r); i++) {
        const char *term;
        double weight;
        char *t = newsdex_results_similar_term_get(r, i, &term, &weight) == NEWSDEX_OK
                      ? repaired(term, 0)
                      : NULL;
        json_t *item = t ? json_pack("{s:s, s:f}", "term", t, "weight", weight) : NULL;
        free(t);
        if (!item || json_array_append_new(list, item) != 0) {
            json_decref(list);
            return NULL;
        }
    }
    return list ? json_pack("{s:o}", "terms", list) : NULL;
}

int nx_format_json(FILE *out, const char *query, const newsdex_search_options *o,
                   const newsdex_results *r, const nx_explanation *explain)
{
    char *text = NULL;
    if (newsdex_results_to_json(r, query, o, &text) != NEWSDEX_OK)
        return -1;
    if (explain && explain->similar_terms) {
        json_t *root = json_loads(text, 0, NULL), *e = similar_terms_json(r);
        free(text);
        if (!root || !e || json_object_set_new(root, "explain", e) != 0) {
            json_decref(root);
            return -1;
        }
        return dump_line(out, root);
    }
    if (!explain || !explain->tree) {
        int rc = fprintf(out, "%s\n", text) < 0 ? -1 : 0;
        free(text);
        return rc;
    }
    json_t *root = json_loads(text, 0, NULL);
    free(text);
    char *tree = repaired(explain->tree, 0), *xapian = repaired(explain->xapian, 0);
    json_t *e = tree && xapian ? json_pack("{s:s, s:s}", "tree", tree, "xapian", xapian) : NULL;
    free(tree);
    free(xapian);
    if (!root || !e || json_object_set_new(root, "explain", e) != 0) {
        json_decref(root);
        return -1;
    }
    return dump_line(out, root);
}

int nx_format_json_error(FILE *out, const char *query, const char *message)
{
    char *q = repaired(query, 0), *m = repaired(message, 0);
    json_t *root = q && m ? json_pack("{s:s, s:s}", "query", q, "error", m) : NULL;
    free(q);
    free(m);
    return root ? dump_line(out, root) : -1;
}
