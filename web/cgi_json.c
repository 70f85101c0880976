/* JSON bodies: results in exactly the shape of `newsdex search --json`
 * (the same formatter), and errors as {"error", "parameter", "status"}. */
#include <jansson.h>
#include <stdlib.h>

#include "cgi.h"

#define ALL_FACETS (CGI_FACET_SOURCE | CGI_FACET_TOPIC | CGI_FACET_YEAR)

/* The library counts every facet at once: drop those not asked for. */
static int keep_facets(FILE *out, const char *text, unsigned wanted)
{
    static const struct { const char *key; unsigned bit; } facets[] = {
        {"source", CGI_FACET_SOURCE}, {"topic", CGI_FACET_TOPIC}, {"year", CGI_FACET_YEAR}};
    json_t *root = json_loads(text, 0, NULL);
    json_t *counts = root ? json_object_get(root, "facets") : NULL;
    for (size_t i = 0; counts && i < sizeof facets / sizeof facets[0]; i++)
        if (!(wanted & facets[i].bit))
            json_object_del(counts, facets[i].key);
    int rc = root ? json_dumpf(root, out, JSON_COMPACT) : -1;
    fputc('\n', out);
    json_decref(root);
    return rc;
}

int cgi_json_results(FILE *out, const cgi_params *p, const newsdex_search_options *o,
                     const newsdex_results *r)
{
    char *text = NULL;
    if (newsdex_results_to_json(r, p->q, o, &text) != NEWSDEX_OK)
        return -1;
    int rc = p->facets == 0 || p->facets == ALL_FACETS
                 ? (fprintf(out, "%s\n", text) < 0 ? -1 : 0)
                 : keep_facets(out, text, p->facets);
    free(text);
    return rc;
}

int cgi_json_error(FILE *out, int status, const char *parameter, const char *message)
{
    /* A message may quote a query cut in the middle of a character. */
    char text[1024];
    snprintf(text, sizeof text, "%s", message);
    cgi_utf8_sanitize(text);
    json_t *root = json_pack("{s:s, s:s?, s:i}", "error", text, "parameter", parameter,
                             "status", status);
    if (!root)
        return -1;
    int rc = json_dumpf(root, out, JSON_COMPACT | JSON_ENSURE_ASCII);
    fputc('\n', out);
    json_decref(root);
    return rc;
}
