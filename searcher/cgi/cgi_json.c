/* JSON bodies: results in exactly the shape of `newsdex search --json`
 * (the same formatter), and errors as {"error", "parameter", "status"}. */
#include <jansson.h>

#include "cgi.h"
#include "../result_format.h"

#define ALL_FACETS (CGI_FACET_SOURCE | CGI_FACET_TOPIC | CGI_FACET_YEAR)

/* The library counts every facet at once: drop those not asked for. */
static int keep_facets(FILE *out, const char *text, size_t len, unsigned wanted)
{
    static const struct { const char *key; unsigned bit; } facets[] = {
        {"source", CGI_FACET_SOURCE}, {"topic", CGI_FACET_TOPIC}, {"year", CGI_FACET_YEAR}};
    json_t *root = json_loadb(text, len, 0, NULL);
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
    if (p->facets == 0 || p->facets == ALL_FACETS)
        return nx_format_json(out, p->q, o, r, NULL);
    cgi_memfile m;
    cgi_response full = {0};
    int rc = cgi_memfile_open(&m) == 0 ? nx_format_json(m.f, p->q, o, r, NULL) : -1;
    if (cgi_memfile_close(&m, &full) != 0 || rc != 0)
        rc = -1;
    else
        rc = keep_facets(out, full.body, full.len, p->facets);
    cgi_response_free(&full);
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
