/* One benchmark query through newsdex's public API (see newsdex_query.h). */
#include "newsdex_query.h"

#include <string.h>

newsdex_status bench_newsdex_query(newsdex_db *db, const char *text, int snippets, size_t *hits,
                                   uint64_t *estimate, size_t *touched)
{
    newsdex_search_options o;
    newsdex_search_options_init(&o);
    o.query = text;
    o.limit = 10;
    o.snippets = snippets;
    newsdex_results *res = NULL;
    newsdex_status st = newsdex_search(db, &o, &res);
    *hits = 0;
    *estimate = 0;
    if (st == NEWSDEX_OK) {
        *hits = newsdex_results_count(res);
        *estimate = newsdex_results_total_estimate(res);
        for (size_t k = 0; k < *hits; k++) {
            newsdex_hit hit;
            if (newsdex_results_get(res, k, &hit) == NEWSDEX_OK)
                *touched += strlen(hit.id) + strlen(hit.title) + strlen(hit.snippet) +
                            strlen(hit.url);
        }
    }
    newsdex_results_free(res);
    return st;
}
