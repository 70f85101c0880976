/* HTTP responses of newsdex.cgi: the CGI header block and in-memory bodies.
 * A body is rendered whole before anything is sent, so a failure half-way
 * still gives a clean error response and Content-Length is always right. */
#include <stdlib.h>
#include <string.h>

#include "cgi.h"

/* No scripts, no outside resources; the page's own inline style only. */
#define CGI_CSP "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; " \
                "base-uri 'none'; frame-ancestors 'self'"

const char *cgi_status_text(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 503: return "Service Unavailable";
    default: return "Internal Server Error";
    }
}

size_t cgi_response_headers(const cgi_response *r, char *buf, size_t cap)
{
    int n = snprintf(buf, cap,
                     "Status: %d %s\r\n"
                     "Content-Type: %s\r\n"
                     "Content-Length: %zu\r\n"
                     "X-Content-Type-Options: nosniff\r\n"
                     "Content-Security-Policy: " CGI_CSP "\r\n"
                     "Referrer-Policy: strict-origin-when-cross-origin\r\n"
                     "%s",
                     r->status, cgi_status_text(r->status), r->content_type, r->len,
                     r->status == 200 ? "" : "Cache-Control: no-store\r\n");
    if (n < 0 || (size_t)n >= cap)
        return 0;
    size_t len = (size_t)n;
    if (r->retry_after && len < cap)
        len += (size_t)snprintf(buf + len, cap - len, "Retry-After: %u\r\n", r->retry_after);
    if (r->status == 405 && len < cap)
        len += (size_t)snprintf(buf + len, cap - len, "Allow: GET, HEAD\r\n");
    if (r->cache_status && len < cap) /* FastCGI: served from the response cache or not */
        len += (size_t)snprintf(buf + len, cap - len, "X-Newsdex-Cache: %s\r\n",
                                r->cache_status);
    if (len + 2 >= cap)
        return 0;
    memcpy(buf + len, "\r\n", 3);
    return len + 2;
}

void cgi_response_free(cgi_response *r)
{
    free(r->body);
    r->body = NULL;
    r->len = 0;
}

int cgi_memfile_open(cgi_memfile *m)
{
    m->data = NULL;
    m->len = 0;
    m->f = open_memstream(&m->data, &m->len);
    return m->f ? 0 : -1;
}

/* Returns 0 with the text moved into r, or -1 (nothing kept) on any error. */
int cgi_memfile_close(cgi_memfile *m, cgi_response *r)
{
    int bad = !m->f || ferror(m->f);
    if (m->f && fclose(m->f) != 0)
        bad = 1;
    m->f = NULL;
    if (bad || !m->data) {
        free(m->data);
        m->data = NULL;
        return -1;
    }
    free(r->body);
    r->body = m->data;
    r->len = m->len;
    m->data = NULL;
    return 0;
}
