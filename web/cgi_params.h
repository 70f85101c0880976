/* The web search's GET parameters: percent-decoding, validation and limits.
 * Pure code (no I/O, no allocation, no library calls) so that the libFuzzer
 * harness tests/fuzz/fuzz_cgi_params.c can run it on anything.
 * Besides the parameters below: id (one article's page), source and topic
 * (filters added to q).
 *
 * Parameters: q, page or offset, limit, sort, from, to, facets, format, nofix.
 * An empty value counts as absent (an HTML form sends "from=" for an empty
 * field); unknown names are ignored; a known name given twice is an error. */
#ifndef NX_CGI_PARAMS_H
#define NX_CGI_PARAMS_H

#include <stddef.h>

#define CGI_QUERY_STRING_MAX 8192 /* bytes of QUERY_STRING, encoded */
#define CGI_Q_MAX 1024            /* bytes of q, decoded */
#define CGI_LIMIT_DEFAULT 10
#define CGI_LIMIT_MAX 100
#define CGI_OFFSET_MAX 10000
#define CGI_ID_MAX 200            /* bytes of id, decoded (the library's limit) */
#define CGI_FILTER_MAX 256        /* bytes of source or topic, decoded */

typedef enum cgi_format { CGI_FORMAT_HTML = 0, CGI_FORMAT_JSON = 1 } cgi_format;

/* The orders of newsdex_sort, by the names the CLI gives them. */
typedef enum cgi_sort {
    CGI_SORT_RELEVANCE = 0, /* "relevance" (default): best match first */
    CGI_SORT_DATE = 1,      /* "date": newest first */
    CGI_SORT_RECENT = 2     /* "recent": relevance blended with recency */
} cgi_sort;

/* Bits of cgi_params.facets. */
enum { CGI_FACET_SOURCE = 1, CGI_FACET_TOPIC = 2, CGI_FACET_YEAR = 4 };

typedef struct cgi_params {
    char q[CGI_Q_MAX + 1]; /* decoded, valid UTF-8, no control characters */
    int has_q;             /* q had something besides spaces */
    unsigned offset;       /* from offset, or (page - 1) * limit */
    unsigned limit;
    unsigned page;         /* 1-based page shown (offset / limit + 1) */
    cgi_sort sort;
    unsigned facets;       /* CGI_FACET_* bits */
    int facets_given;      /* the request said which facets it wants */
    char id[CGI_ID_MAX + 1];         /* "" = the results page, else that article's page */
    char source[CGI_FILTER_MAX + 1]; /* "" = no filter; valid UTF-8, no control characters */
    char topic[CGI_FILTER_MAX + 1];
    char from[11], to[11]; /* "YYYY", "YYYY-MM" or "YYYY-MM-DD"; "" = none */
    cgi_format format;
    int format_given;
    int nofix;             /* nofix=1: no spelling correction of q */
} cgi_params;

/* Why a request was refused: the parameter (never NULL: "query string" when
 * it is the whole request) and a message for the client. */
typedef struct cgi_param_error {
    const char *parameter;
    char message[160];
} cgi_param_error;

/* Decodes and checks query_string (len bytes, need not be NUL-terminated).
 * Returns 0, or -1 with *err filled; *p holds the defaults and whatever was
 * read, so p->format tells how to answer even when it fails. */
int cgi_params_parse(const char *query_string, size_t len, cgi_params *p, cgi_param_error *err);

/* Percent-decodes src (len bytes; '+' is a space) into dst, which holds cap
 * bytes. Returns the decoded length, or -1 for a malformed escape or when
 * the result (plus a NUL) does not fit. */
long cgi_percent_decode(const char *src, size_t len, char *dst, size_t cap);

/* Non-zero if s[0..len) is valid UTF-8 (shortest forms, no surrogates). */
int cgi_utf8_valid(const char *s, size_t len);

/* Replaces each byte of s that is not part of valid UTF-8 with '?'. */
void cgi_utf8_sanitize(char *s);

/* Name of a sort order / facet bit, as the parameter spells it. */
const char *cgi_sort_name(cgi_sort sort);

#endif
