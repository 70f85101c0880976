/* One web request, from method and query string to a complete response.
 * The same code serves CGI, FastCGI and the command-line mode. */
#include <stdlib.h>
#include <string.h>

#include "cgi.h"

#define MSG_UNAVAILABLE "the search index is not available at the moment; try again later"
#define MSG_INTERNAL "the search failed; try again later"
#define MSG_TOO_LONG "the search took too long; try again, or with fewer words"

/* Used when even an error body cannot be rendered (out of memory). */
static void respond_static(cgi_response *resp, int status)
{
    static const char body[] = "{\"error\":\"internal error\",\"status\":500}\n";
    cgi_response_free(resp);
    resp->status = status >= 500 ? status : 500;
    resp->content_type = CGI_TYPE_JSON;
    resp->body = malloc(sizeof body);
    if (resp->body) {
        memcpy(resp->body, body, sizeof body - 1);
        resp->len = sizeof body - 1;
    }
}

static void respond_error(cgi_response *resp, const cgi_params *p, int status,
                          const char *parameter, const char *message)
{
    cgi_memfile m;
    resp->status = status;
    resp->content_type = p->format == CGI_FORMAT_JSON ? CGI_TYPE_JSON : CGI_TYPE_HTML;
    if (cgi_memfile_open(&m) != 0) {
        respond_static(resp, 500);
        return;
    }
    int rc;
    if (p->format == CGI_FORMAT_JSON) {
        rc = cgi_json_error(m.f, status, parameter, message);
    } else {
        cgi_page page = {.params = p, .error = message, .n_years = 0};
        rc = cgi_html_page(m.f, &page);
    }
    if (cgi_memfile_close(&m, resp) != 0 || rc != 0)
        respond_static(resp, 500);
}

static void respond_unavailable(cgi_response *resp, const cgi_params *p,
                                const cgi_settings *s)
{
    respond_error(resp, p, 503, NULL, MSG_UNAVAILABLE);
    if (resp->status == 503)
        resp->retry_after = s->retry_after ? s->retry_after : 30;
}

/* A search that went over a limit (newsdex_db_limit): out of time is a 503
 * to retry later; too much work for the query's words or page a 400. The
 * library's message names API limits: the client gets its own words. */
static void respond_limit(cgi_response *resp, const cgi_params *p, const cgi_settings *s,
                          const char *message)
{
    static const char *const work[][3] = {
        {"NEWSDEX_LIMIT_WILDCARD_TERMS", "q",
         "the query's wildcards match too many words: use longer prefixes or fewer wildcards"},
        {"NEWSDEX_LIMIT_QUERY_TERMS", "q", "the query has too many words: shorten it"},
        {"NEWSDEX_LIMIT_COUNTED_MATCHES", "q",
         "too many articles match to count them: narrow the query"},
        {"NEWSDEX_LIMIT_DEPTH", "offset", "the page asked for is too deep in the results"},
    };
    for (size_t i = 0; i < sizeof work / sizeof work[0]; i++)
        if (strstr(message, work[i][0])) {
            respond_error(resp, p, 400, work[i][1], work[i][2]);
            return;
        }
    fprintf(stderr, "newsdex.cgi: search: %s\n", message);
    respond_error(resp, p, 503, NULL, MSG_TOO_LONG);
    if (resp->status == 503)
        resp->retry_after = s->retry_after ? s->retry_after : 30;
}

/* A failed search: the query's fault (400), the index's (503) or ours (500). */
static void respond_search_error(cgi_response *resp, const cgi_params *p,
                                 const cgi_settings *s, newsdex_db *db, newsdex_status st)
{
    const char *message = newsdex_db_last_error(db);
    switch (st) {
    case NEWSDEX_ERR_LIMIT:
        respond_limit(resp, p, s, message);
        return;
    case NEWSDEX_ERR_QUERY:
    case NEWSDEX_ERR_INVALID: {
        /* "options->from: ..." is about the parameter from ("from: ..."). */
        const char *param = strncmp(message, "options->from", 13) == 0 ? "from"
                            : strncmp(message, "options->to", 11) == 0 ? "to" : "q";
        respond_error(resp, p, 400, param,
                      param[0] == 'q' ? message : message + strlen("options->"));
        return;
    }
    case NEWSDEX_ERR_NOT_FOUND:
    case NEWSDEX_ERR_CORRUPT:
    case NEWSDEX_ERR_VERSION:
    case NEWSDEX_ERR_MODIFIED:
    case NEWSDEX_ERR_IO:
    case NEWSDEX_ERR_LOCKED:
    case NEWSDEX_ERR_NETWORK:
        fprintf(stderr, "newsdex.cgi: search: %s\n", message);
        respond_unavailable(resp, p, s);
        return;
    default:
        fprintf(stderr, "newsdex.cgi: search: %s\n", message);
        respond_error(resp, p, 500, NULL, MSG_INTERNAL);
    }
}

int64_t cgi_search_time_ms(const cgi_settings *s)
{
    double t = s->time_limit > 0 ? s->time_limit : 5.0;
    double ms = t * 1000.0 * CGI_SEARCH_TIME_SHARE;
    if (s->search_time_limit > 0 && s->search_time_limit * 1000.0 < ms)
        ms = s->search_time_limit * 1000.0;
    return ms >= 1.0 ? (int64_t)ms : 1;
}

static void set_options(newsdex_search_options *o, const cgi_params *p)
{
    static char query[CGI_FILTERED_QUERY_MAX]; /* fits: the parameters' limits */
    if (cgi_filtered_query(p, query, sizeof query) != 0)
        query[0] = '\0';
    newsdex_search_options_init(o);
    o->query = query;
    o->offset = p->offset;
    o->limit = p->limit;
    o->from = p->from[0] ? p->from : NULL;
    o->to = p->to[0] ? p->to : NULL;
    o->correct = !p->nofix;
    cgi_apply_sort(o, p->sort);
    if (p->format == CGI_FORMAT_JSON) {
        cgi_apply_facets(o, p->facets);
    } else {
        cgi_apply_histogram(o);
        cgi_apply_facets(o, CGI_FACET_SOURCE | CGI_FACET_TOPIC | CGI_FACET_YEAR);
    }
}

static int render_results(FILE *out, const cgi_params *p, const newsdex_search_options *o,
                          const newsdex_results *r)
{
    if (p->format == CGI_FORMAT_JSON)
        return cgi_json_results(out, p, o, r);
    static cgi_year_count years[CGI_YEARS_MAX];
    cgi_page page = {.params = p, .results = r, .years = years};
    page.n_years = cgi_year_counts(r, years, CGI_YEARS_MAX);
    return cgi_html_page(out, &page);
}

static void search_and_render(cgi_response *resp, const cgi_params *p, newsdex_db *db,
                              const cgi_settings *s)
{
    newsdex_search_options o;
    set_options(&o, p);
    newsdex_results *r = NULL;
    newsdex_status st = newsdex_search(db, &o, &r);
    if (st != NEWSDEX_OK) {
        respond_search_error(resp, p, s, db, st);
        return;
    }
    cgi_memfile m;
    int rc = cgi_memfile_open(&m) == 0 ? render_results(m.f, p, &o, r) : -1;
    if (cgi_memfile_close(&m, resp) != 0 || rc != 0)
        respond_static(resp, 500);
    else
        resp->status = 200;
    resp->content_type = p->format == CGI_FORMAT_JSON ? CGI_TYPE_JSON : CGI_TYPE_HTML;
    newsdex_results_free(r);
}

/* ---- One article's page ---- */

static int render_document(FILE *out, const cgi_params *p, const newsdex_document *d)
{
    if (p->format == CGI_FORMAT_JSON)
        return cgi_view_json(out, d);
    cgi_page page = {.params = p, .document = d};
    return cgi_html_page(out, &page);
}

/* The article p->id with the words of the search marked; a query that does
 * not parse marks nothing rather than hiding the article. */
static void view_and_render(cgi_response *resp, const cgi_params *p, newsdex_db *db,
                            const cgi_settings *s)
{
    static char query[CGI_FILTERED_QUERY_MAX];
    if (!p->has_q || cgi_filtered_query(p, query, sizeof query) != 0)
        query[0] = '\0';
    newsdex_document *d = NULL;
    newsdex_status st = newsdex_document_get(db, p->id, query, &d);
    if (st == NEWSDEX_ERR_QUERY)
        st = newsdex_document_get(db, p->id, NULL, &d);
    if (st == NEWSDEX_ERR_NOT_FOUND) {
        respond_error(resp, p, 404, "id", "no article has this id");
        return;
    }
    if (st == NEWSDEX_ERR_INVALID) {
        respond_error(resp, p, 400, "id", "id must be an article id: 1 to 200 bytes of UTF-8");
        return;
    }
    if (st != NEWSDEX_OK) {
        respond_search_error(resp, p, s, db, st);
        return;
    }
    cgi_memfile m;
    int rc = cgi_memfile_open(&m) == 0 ? render_document(m.f, p, d) : -1;
    if (cgi_memfile_close(&m, resp) != 0 || rc != 0)
        respond_static(resp, 500);
    else
        resp->status = 200;
    resp->content_type = p->format == CGI_FORMAT_JSON ? CGI_TYPE_JSON : CGI_TYPE_HTML;
    newsdex_document_free(d);
}

/* A page kept under version v of the index, copied into resp; 0 on a miss
 * (or no memory for the copy: then the search runs as usual). */
static int answer_from_cache(cgi_response *resp, cgi_cache *cache, const char *qs,
                             cgi_cache_version v)
{
    cgi_cached hit;
    if (!cgi_cache_get(cache, qs, strlen(qs), v, cgi_cache_clock(), &hit))
        return 0;
    char *body = malloc(hit.len ? hit.len : 1);
    if (!body)
        return 0;
    memcpy(body, hit.body, hit.len);
    cgi_response_free(resp);
    resp->body = body;
    resp->len = hit.len;
    resp->status = hit.status;
    /* The static string, not the cache's copy, which a later request may free. */
    resp->content_type = strcmp(hit.content_type, CGI_TYPE_JSON) == 0 ? CGI_TYPE_JSON
                                                                       : CGI_TYPE_HTML;
    resp->cache_status = "hit";
    return 1;
}

static void keep_in_cache(cgi_cache *cache, const char *qs, cgi_cache_version v,
                          const cgi_response *resp)
{
    if (!cache || resp->status != 200)
        return; /* errors are never cached: the next request tries again */
    cgi_cached c = {resp->status, resp->content_type, resp->body, resp->len};
    cgi_cache_put(cache, qs, strlen(qs), v, &c, cgi_cache_clock());
}

/* The lookup comes after cgi_index_get(), which picks up what the indexer
 * committed: the version it reports is the one a fresh search would read. */
static void run_search(cgi_response *resp, const cgi_params *p, cgi_index *ix,
                       const cgi_settings *s, cgi_cache *cache, const char *qs)
{
    newsdex_db *db = cgi_index_get(ix);
    if (!db && ix->failure == NEWSDEX_ERR_VERSION) /* not transient: no Retry-After */
        respond_error(resp, p, 500, NULL, MSG_INTERNAL);
    else if (!db)
        respond_unavailable(resp, p, s);
    if (!db)
        return;
    cgi_cache_version v = {ix->opens, newsdex_db_generation(db)};
    if (cache && answer_from_cache(resp, cache, qs, v))
        return;
    /* The search ends cleanly (a 503 in the page's format) before the
     * watchdog's time_limit would cut the request off; the other limits
     * keep the library's defaults. */
    newsdex_db_limit(db, NEWSDEX_LIMIT_TIME_MS, cgi_search_time_ms(s));
    if (p->id[0])
        view_and_render(resp, p, db, s);
    else
        search_and_render(resp, p, db, s);
    /* A search that met a writer's commit reopened by itself and read a
     * newer version than v: not kept under v. */
    if (newsdex_db_generation(db) == v.generation)
        keep_in_cache(cache, qs, v, resp);
}

/* The page with only the search form, for a visit without a query. */
static void respond_form(cgi_response *resp, const cgi_params *p)
{
    cgi_memfile m;
    cgi_page page = {.params = p};
    int rc = cgi_memfile_open(&m) == 0 ? cgi_html_page(m.f, &page) : -1;
    if (cgi_memfile_close(&m, resp) != 0 || rc != 0) {
        respond_static(resp, 500);
        return;
    }
    resp->status = 200;
    resp->content_type = CGI_TYPE_HTML;
}

static void handle(const cgi_request *req, cgi_index *ix, const cgi_settings *s,
                   cgi_cache *cache, cgi_response *resp)
{
    memset(resp, 0, sizeof *resp);
    const char *qs = req->query_string ? req->query_string : "";
    const char *method = req->method && *req->method ? req->method : "GET";
    static cgi_params p; /* 1 KiB of q: kept off the stack */
    cgi_param_error err;
    int bad = cgi_params_parse(qs, strlen(qs), &p, &err);
    resp->head_only = strcmp(method, "HEAD") == 0;
    if (strcmp(method, "GET") != 0 && !resp->head_only)
        respond_error(resp, &p, 405, NULL, "only GET and HEAD requests are served");
    else if (bad)
        respond_error(resp, &p, 400, err.parameter, err.message);
    else if (!p.id[0] && !cgi_wants_search(&p) && p.format == CGI_FORMAT_JSON)
        respond_error(resp, &p, 400, "q", "q is missing: give the words to search for");
    else if (!p.id[0] && !cgi_wants_search(&p))
        respond_form(resp, &p);
    else
        run_search(resp, &p, ix, s, cache, qs);
}

void cgi_handle(const cgi_request *req, cgi_index *ix, const cgi_settings *s,
                cgi_response *resp)
{
    handle(req, ix, s, NULL, resp);
}

void cgi_handle_cached(const cgi_request *req, cgi_index *ix, const cgi_settings *s,
                       cgi_cache *cache, cgi_response *resp)
{
    handle(req, ix, s, cache, resp);
    if (!resp->cache_status)
        resp->cache_status = "miss";
}
