/* JSON bodies: results in exactly the shape of `newsdex search --json`
 * (the same formatter), and errors as {"error", "parameter", "status"}. */
#include <jansson.h>

#include "cgi.h"
#include "../result_format.h"

int cgi_json_results(FILE *out, const cgi_params *p, const newsdex_search_options *o,
                     const newsdex_results *r)
{
    return nx_format_json(out, p->q, o, r, NULL);
}

int cgi_json_error(FILE *out, int status, const char *parameter, const char *message)
{
    json_t *root = json_pack("{s:s, s:s?, s:i}", "error", message, "parameter", parameter,
                             "status", status);
    if (!root)
        return -1;
    int rc = json_dumpf(root, out, JSON_COMPACT | JSON_ENSURE_ASCII);
    fputc('\n', out);
    json_decref(root);
    return rc;
}
