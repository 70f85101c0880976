/* Adapters between the web parameters and what newsdex.h offers beyond a
 * plain search: sort orders, facets, the per-year histogram, highlights and
 * spelling suggestions. */
#include <stdlib.h>
#include <string.h>

#include "cgi.h"

int cgi_apply_sort(newsdex_search_options *o, cgi_sort sort)
{
    switch (sort) {
    case CGI_SORT_RELEVANCE: o->sort = NEWSDEX_SORT_RELEVANCE; return 0;
    case CGI_SORT_DATE: o->sort = NEWSDEX_SORT_DATE; return 0;
    case CGI_SORT_RECENT: o->sort = NEWSDEX_SORT_RECENT; return 0;
    }
    return -1;
}

void cgi_apply_facets(newsdex_search_options *o, unsigned facets)
{
    /* The API counts sources, topics and years together. */
    o->facets = (facets & (CGI_FACET_SOURCE | CGI_FACET_TOPIC | CGI_FACET_YEAR)) != 0;
}

void cgi_apply_histogram(newsdex_search_options *o)
{
    o->histogram = NEWSDEX_HISTOGRAM_YEAR;
}

long cgi_year_counts(const newsdex_results *r, cgi_year_count *out, size_t cap)
{
    size_t n = newsdex_results_histogram_count(r), k = 0;
    for (size_t i = n > cap ? n - cap : 0; i < n; i++) {
        const char *period = NULL;
        uint64_t count = 0;
        if (newsdex_results_histogram_get(r, i, &period, &count) != NEWSDEX_OK || !period)
            continue;
        out[k].year = atoi(period);
        out[k++].count = count;
    }
    return (long)k;
}

const char *cgi_suggestion(const newsdex_results *r)
{
    const char *s = newsdex_results_suggestion(r);
    return s && *s ? s : NULL;
}
size_t cgi_hit_marks(const newsdex_hit *h, size_t *pairs, size_t cap_pairs)
{
    size_t len = strlen(h->snippet), n = 0, last_end = 0;
    for (size_t i = 0; h->snippet_marks && i < h->n_snippet_marks && n < cap_pairs; i++) {
        size_t start = h->snippet_marks[2 * i], end = h->snippet_marks[2 * i + 1];
        if (start < last_end || start >= end || end > len)
            continue; /* out of order or out of bounds: not trusted */
        pairs[2 * n] = start;
        pairs[2 * n + 1] = end;
        last_end = end;
        n++;
    }
    return n;
}
