#include "result_format.h"

#include <inttypes.h>
#include <jansson.h>

int nx_format_text(FILE *out, const char *query, const newsdex_search_options *o,
                   const newsdex_results *r)
{
    size_t n = newsdex_results_count(r);
    uint64_t total = newsdex_results_total_estimate(r);
    if (n == 0) {
        fprintf(out, "No results for \"%s\"%s.\n", query,
                total > 0 ? " on this page (try a smaller --offset)" : "");
        return 0;
    }
    fprintf(out, "About %" PRIu64 " result%s for \"%s\"; showing %u-%u\n\n", total,
            total == 1 ? "" : "s", query, o->offset + 1, o->offset + (unsigned)n);
    for (size_t i = 0; i < n; i++) {
        newsdex_hit h;
        if (newsdex_results_get(r, i, &h) != NEWSDEX_OK)
            continue;
        fprintf(out, "%u. %s\n", h.rank, h.title[0] ? h.title : "(untitled)");
        fprintf(out, "   %s", h.date[0] ? h.date : "undated");
        if (h.source[0])
            fprintf(out, " | %s", h.source);
        fprintf(out, " | id %s | score %.3f\n", h.id, h.score);
        if (h.snippet[0])
            fprintf(out, "   %s\n", h.snippet);
        if (h.url[0])
            fprintf(out, "   %s\n", h.url);
        fputc('\n', out);
    }
    return 0;
}

static json_t *hit_to_json(const newsdex_hit *h)
{
    return json_pack("{s:s, s:f, s:s?, s:s, s:s, s:s, s:s}", "id", h->id, "score", h->score,
                     "date", h->date[0] ? h->date : NULL, "source", h->source, "title",
                     h->title, "url", h->url, "snippet", h->snippet);
}

int nx_format_json(FILE *out, const char *query, const newsdex_search_options *o,
                   const newsdex_results *r)
{
    json_t *results = json_array();
    json_t *root = json_pack("{s:s, s:I, s:I, s:o}", "query", query, "total_estimate",
                             (json_int_t)newsdex_results_total_estimate(r), "offset",
                             (json_int_t)o->offset, "results", results);
    if (!root)
        return -1;
    for (size_t i = 0; i < newsdex_results_count(r); i++) {
        newsdex_hit h;
        json_t *item = newsdex_results_get(r, i, &h) == NEWSDEX_OK ? hit_to_json(&h) : NULL;
        if (!item || json_array_append_new(results, item) != 0) {
            json_decref(root);
            return -1;
        }
    }
    int rc = json_dumpf(root, out, JSON_COMPACT);
    fputc('\n', out);
    json_decref(root);
    return rc;
}
