/* newsdex.cgi: the web search program (CGI, FastCGI, or arguments for tests).
 * Internal header shared by the files of web/; parameters are in cgi_params.h.
 * The program uses only the public API (newsdex.h). */
#ifndef NX_CGI_H
#define NX_CGI_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "newsdex.h"
#include "cgi_cache.h"
#include "cgi_params.h"

/* ---- Settings (cgi_config.c) ----
 * The index comes from the environment the server sets (NEWSDEX_DB), else
 * from newsdex.cgi.conf beside the program: lines `key = value`, # comments.
 * Keys: db, time_limit (seconds per request), search_time_limit (seconds a
 * search may take: default 0, a share of time_limit), retry_after (seconds),
 * read_limit (seconds a --listen connection has to send its whole request),
 * cache_entries and cache_mib (the FastCGI response cache; 0 turns it off),
 * shard_timeout (seconds a remote shard has to answer: default 10) and
 * partial (yes: answer from the shards that answer, saying which did not).
 * NEWSDEX_CACHE_ENTRIES and NEWSDEX_CACHE_MIB, when set, win over the file. */
#define CGI_PATH_MAX 4096

typedef struct cgi_settings {
    char db[CGI_PATH_MAX];   /* "" if none was configured */
    double time_limit;       /* seconds per request (default 5) */
    double search_time_limit;/* seconds per search; 0 (default): see cgi_search_time_ms */
    unsigned retry_after;    /* Retry-After of a 503 (default 30) */
    double read_limit;       /* --listen: seconds to receive a request (default 10) */
    size_t cache_entries;    /* responses kept by a FastCGI process (default 256) */
    size_t cache_mib;        /* their byte budget in MiB (default 32) */
    uint32_t shard_timeout_ms; /* remote shards; 0: the library's default */
    int partial;             /* answer without shards that do not answer */
} cgi_settings;

void cgi_settings_load(cgi_settings *s);

/* Each search may take this share of time_limit (newsdex_db_limit's
 * NEWSDEX_LIMIT_TIME_MS), so that a slow one ends with its own error page
 * (503) before the watchdog cuts the request off. */
#define CGI_SEARCH_TIME_SHARE 0.8
/* search_time_limit when set (but never more than that share), else the share. */
int64_t cgi_search_time_ms(const cgi_settings *s);

/* ---- The index, kept open across FastCGI requests (cgi_index.c) ---- */
typedef struct cgi_index {
    const char *path;
    newsdex_db *db;
    dev_t dev;               /* identity of the index directory when opened */
    ino_t ino;
    uint64_t opens;          /* handles opened so far: tells a new handle apart */
    newsdex_status failure;  /* why the last open failed (NEWSDEX_OK: it did not) */
    newsdex_db_open_options open; /* shard_timeout and partial of the settings */
} cgi_index;

/* The index of the settings, not open yet. */
cgi_index cgi_index_of(const cgi_settings *s);

/* The open index, brought up to date (reopened when a writer committed, or
 * opened afresh when the directory was replaced); NULL if it cannot be
 * opened (the reason goes to standard error, the server's log, and its
 * status to ix->failure). */
newsdex_db *cgi_index_get(cgi_index *ix);
void cgi_index_close(cgi_index *ix);

/* ---- Responses (cgi_response.c) ---- */
typedef struct cgi_response {
    int status;              /* 200, 400, 404, 405, 500, 503 */
    const char *content_type;
    unsigned retry_after;    /* seconds; 0 = no Retry-After */
    int head_only;           /* HEAD: headers only */
    const char *cache_status; /* FastCGI: "hit" or "miss" (X-Newsdex-Cache); CGI: NULL */
    char *body;              /* malloc'd */
    size_t len;
} cgi_response;

#define CGI_TYPE_HTML "text/html; charset=utf-8"
#define CGI_TYPE_JSON "application/json; charset=utf-8"

/* The CGI header block ("Status: ...\r\n...\r\n\r\n") into buf. */
size_t cgi_response_headers(const cgi_response *r, char *buf, size_t cap);
void cgi_response_free(cgi_response *r);
const char *cgi_status_text(int status);

/* A FILE writing to memory; cgi_memfile_close moves the text into r. */
typedef struct cgi_memfile {
    FILE *f;
    char *data;
    size_t len;
} cgi_memfile;
int cgi_memfile_open(cgi_memfile *m);
int cgi_memfile_close(cgi_memfile *m, cgi_response *r);

/* ---- One request (cgi_request.c) ---- */
typedef struct cgi_request {
    const char *method;        /* REQUEST_METHOD ("GET" if NULL) */
    const char *query_string;  /* QUERY_STRING ("" if NULL) */
} cgi_request;

/* Answers req into *resp (always filled, also when out of memory). */
void cgi_handle(const cgi_request *req, cgi_index *ix, const cgi_settings *s,
                cgi_response *resp);
/* The same for a FastCGI process: a search answered before (the same query
 * string, the same version of the index, within the TTL) is answered from
 * cache, and a fresh 200 goes into it; resp->cache_status says which ("miss"
 * for everything when cache is NULL, i.e. turned off). */
void cgi_handle_cached(const cgi_request *req, cgi_index *ix, const cgi_settings *s,
                       cgi_cache *cache, cgi_response *resp);

/* ---- What the API offers beyond plain search (cgi_features.c) ---- */
typedef struct cgi_year_count {
    int year;
    uint64_t count;
} cgi_year_count;

#define CGI_YEARS_MAX 200

/* 0 if the sort order was applied, -1 if the API cannot sort that way. */
int cgi_apply_sort(newsdex_search_options *o, cgi_sort sort);
/* Asks for the facets (CGI_FACET_* bits) the API can compute. */
void cgi_apply_facets(newsdex_search_options *o, unsigned facets);
/* Asks for matches per year (the page's chart). */
void cgi_apply_histogram(newsdex_search_options *o);
/* Matches per year, ascending (the last cap years), into out. */
long cgi_year_counts(const newsdex_results *r, cgi_year_count *out, size_t cap);
/* Did-you-mean text, or NULL. */
const char *cgi_suggestion(const newsdex_results *r);
/* Highlights of h->snippet: *n [start, end) byte pairs in pairs[2 * i]. */
size_t cgi_hit_marks(const newsdex_hit *h, size_t *pairs, size_t cap_pairs);

/* ---- Pages (cgi_html.c) and JSON bodies (cgi_json.c) ---- */
typedef struct cgi_page {
    const cgi_params *params;
    const newsdex_results *results;  /* NULL: no search was run */
    const char *error;               /* shown instead of results, or NULL */
    const cgi_year_count *years;     /* per-year chart; NULL if not available */
    long n_years;
    const newsdex_document *document; /* one article's page (params->id), or NULL */
} cgi_page;

/* & < > " ' as entities; other bytes as they are. */
void cgi_html_escape(FILE *out, const char *s, size_t len);
int cgi_html_page(FILE *out, const cgi_page *page);

int cgi_json_results(FILE *out, const cgi_params *p, const newsdex_search_options *o,
                     const newsdex_results *r);
int cgi_json_error(FILE *out, int status, const char *parameter, const char *message);

/* ---- Pieces of the page shared by the files below (cgi_html.c) ---- */
/* "?q=...&amp;..." for the current search (filters included) at page. */
void cgi_html_link(FILE *out, const cgi_params *p, unsigned page);
void cgi_html_url_encode(FILE *out, const char *s);
/* "2024-01-10" as "10 January 2024" in a <time> element. */
void cgi_html_date(FILE *out, const char *date);
/* Non-zero for an http: or https: URL, the only ones the page links to. */
int cgi_html_safe_url(const char *url);

/* ---- Filters: source and topic added to the query (cgi_filters.c) ---- */
/* The query the library runs into out: q with source:"..." and topic:"..."
 * (q in parentheses when it holds an OR). -1 if it does not fit in cap. */
int cgi_filtered_query(const cgi_params *p, char *out, size_t cap);
/* A query the library gave back for the filtered query (a spelling
 * suggestion) without the filters, into buf; query itself when it does not
 * end with them. */
const char *cgi_without_filters(const cgi_params *p, const char *query, char *buf, size_t cap);
/* Non-zero when there is something to search for: q, or a filter. */
int cgi_wants_search(const cgi_params *p);
#define CGI_FILTERED_QUERY_MAX (CGI_Q_MAX + 2 * CGI_FILTER_MAX + 64)

/* ---- Facets as links that narrow the search (cgi_facets.c) ---- */
/* The active filters, each with a link that removes it. */
void cgi_facets_active(FILE *out, const cgi_page *pg);
/* Sources, topics and years of the matches, each a link to the search
 * narrowed by it. */
void cgi_facets_write(FILE *out, const cgi_page *pg);
/* The search form's source control: a list of the matches' sources. */
void cgi_facets_source_control(FILE *out, const cgi_page *pg);

/* ---- One article's page (cgi_view.c) ---- */
/* text with bytes [marks[2i], marks[2i+1]) in <mark>, all of it escaped;
 * marks out of order or out of bounds are ignored. */
void cgi_html_marked(FILE *out, const char *text, const size_t *marks, size_t n);
/* The article of pg->document: title, date, source, topics, URL, body. */
void cgi_view_html(FILE *out, const cgi_page *pg);
/* The same as JSON: {"id", "title", "date", "source", "url", "topics",
 * "body", "highlights": {"title": [[start, end]...], "body": [...]}}. */
int cgi_view_json(FILE *out, const newsdex_document *d);

#endif
