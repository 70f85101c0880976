#include "result_format.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/utf8.h"

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

static void print_hit(FILE *out, const newsdex_hit *h)
{
    fprintf(out, "%u. %s\n", h->rank, h->title[0] ? h->title : "(untitled)");
    fprintf(out, "   %s", h->date[0] ? h->date : "undated");
    if (h->source[0])
        fprintf(out, " | %s", h->source);
    fprintf(out, " | id %s | score %.3f\n", h->id, h->score);
    if (h->snippet[0])
        fprintf(out, "   %s\n", h->snippet);
    if (h->url[0])
        fprintf(out, "   %s\n", h->url);
    fputc('\n', out);
}

int nx_format_text(FILE *out, const char *query, const newsdex_search_options *o,
                   const newsdex_results *r, const nx_explanation *explain)
{
    char *shown = printable(query);
    if (!shown)
        return -1;
    print_explanation(out, explain);
    size_t n = newsdex_results_count(r);
    uint64_t total = newsdex_results_total_estimate(r);
    if (newsdex_results_relaxed(r) && total > 0)
        fputs("No article has all of the words; these have some of them.\n", out);
    if (n == 0) {
        fprintf(out, "No results for \"%s\"%s.\n", shown,
                total > 0 ? " on this page (try a smaller --offset)" : "");
        free(shown);
        return 0;
    }
    fprintf(out, "About %" PRIu64 " result%s for \"%s\"; showing %u-%u\n\n", total,
            total == 1 ? "" : "s", shown, o->offset + 1, o->offset + (unsigned)n);
    free(shown);
    for (size_t i = 0; i < n; i++) {
        newsdex_hit h;
        if (newsdex_results_get(r, i, &h) == NEWSDEX_OK)
            print_hit(out, &h);
    }
    return 0;
}

static json_t *hit_to_json(const newsdex_hit *h)
{
    return json_pack("{s:s, s:f, s:s?, s:s, s:s, s:s, s:s}", "id", h->id, "score", h->score,
                     "date", h->date[0] ? h->date : NULL, "source", h->source, "title",
                     h->title, "url", h->url, "snippet", h->snippet);
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
        json_t *item = newsdex_results_get(r, i, &h) == NEWSDEX_OK ? hit_to_json(&h) : NULL;
        if (!item || json_array_append_new(results, item) != 0) {
            json_decref(root);
            return NULL;
        }
    }
    return root;
}

int nx_format_json(FILE *out, const char *query, const newsdex_search_options *o,
                   const newsdex_results *r, const nx_explanation *explain)
{
    json_t *root = results_json(query, o, r);
    if (!root || add_explanation(root, explain) != 0) {
        json_decref(root);
        return -1;
    }
    int rc = json_dumpf(root, out, JSON_COMPACT);
    fputc('\n', out);
    json_decref(root);
    return rc;
}
