/* newsdex.cgi: the web search behind a news site's search box.
 *
 *   CGI:      run by the web server with REQUEST_METHOD and QUERY_STRING set.
 *   FastCGI:  started by the server with a listening socket on standard input
 *             (lighttpd's bin-path, spawn-fcgi, systemd), or listening itself:
 *             newsdex.cgi --listen 127.0.0.1:9000 (or a socket path).
 *             The index stays open across requests and is reopened when the
 *             indexer changes it; repeated searches are answered from a
 *             response cache (cgi_cache.c) while the index stays the same.
 *   Command line, for tests and debugging: newsdex.cgi q=layoffs format=json
 *             (the arguments are joined with '&' into the query string; the
 *             whole response, headers included, goes to standard output).
 *
 * Every request runs under a time limit (time_limit in newsdex.cgi.conf,
 * default 5 s): past it the client gets a 503 and the process ends (a
 * FastCGI server starts a new one). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <fastcgi.h>
#include <fcgiapp.h>

#include "cgi.h"

/* ---- Time limit ----
 * The handler may only write() and _exit(): it sends a response prepared
 * in advance, straight to the client (as FastCGI records when needed). */

typedef struct canned {
    char text[1024];
    size_t len;
} canned;

/* [FastCGI or not][CGI_FORMAT_HTML or CGI_FORMAT_JSON]: FastCGI's carry the
 * X-Newsdex-Cache header every FastCGI response has. */
static canned timeout_reply[2][2];
static volatile sig_atomic_t wd_format;      /* which of them */
static volatile sig_atomic_t wd_fd = STDOUT_FILENO;
static volatile sig_atomic_t wd_fcgi_id = -1; /* FastCGI request id, -1 for plain CGI */

static void write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        p += n;
        len -= (size_t)n;
    }
}

/* A FastCGI record header: version 1, type, request id, content length. */
static void fcgi_header(unsigned char h[8], int type, int id, size_t len)
{
    h[0] = 1;
    h[1] = (unsigned char)type;
    h[2] = (unsigned char)(id >> 8);
    h[3] = (unsigned char)(id & 0xff);
    h[4] = (unsigned char)(len >> 8);
    h[5] = (unsigned char)(len & 0xff);
    h[6] = h[7] = 0;
}

/* FCGI_STDOUT with the reply, an empty FCGI_STDOUT, FCGI_END_REQUEST. */
static void fcgi_send_raw(int fd, int id, const char *text, size_t len)
{
    unsigned char h[8], end[8] = {0};
    fcgi_header(h, FCGI_STDOUT, id, len);
    write_all(fd, (const char *)h, 8);
    write_all(fd, text, len);
    fcgi_header(h, FCGI_STDOUT, id, 0);
    write_all(fd, (const char *)h, 8);
    fcgi_header(h, FCGI_END_REQUEST, id, 8);
    write_all(fd, (const char *)h, 8);
    write_all(fd, (const char *)end, 8);
}

static void on_time_limit(int sig)
{
    (void)sig;
    static const char note[] = "newsdex.cgi: a request went over the time limit\n";
    const canned *c = &timeout_reply[wd_fcgi_id >= 0][wd_format == CGI_FORMAT_JSON];
    if (wd_fcgi_id >= 0)
        fcgi_send_raw(wd_fd, wd_fcgi_id, c->text, c->len);
    else
        write_all(wd_fd, c->text, c->len);
    write_all(STDERR_FILENO, note, sizeof note - 1);
    _exit(3);
}

static void prepare_canned(canned *c, const char *type, const char *body, unsigned retry,
                           const char *extra)
{
    int n = snprintf(c->text, sizeof c->text,
                     "Status: 503 Service Unavailable\r\nContent-Type: %s\r\n"
                     "Content-Length: %zu\r\nRetry-After: %u\r\nCache-Control: no-store\r\n"
                     "X-Content-Type-Options: nosniff\r\n%s\r\n%s",
                     type, strlen(body), retry, extra, body);
    c->len = n > 0 && (size_t)n < sizeof c->text ? (size_t)n : 0;
}

static void watchdog_init(const cgi_settings *s)
{
    unsigned retry = s->retry_after ? s->retry_after : 30;
    static const char html[] =
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<title>News search</title></head><body><p>The search took too long. "
        "Try again, or with fewer words.</p></body></html>\n";
    static const char json[] =
        "{\"error\":\"the search went over the time limit\",\"parameter\":null,"
        "\"status\":503}\n";
    for (int fcgi = 0; fcgi < 2; fcgi++) {
        const char *extra = fcgi ? "X-Newsdex-Cache: miss\r\n" : "";
        prepare_canned(&timeout_reply[fcgi][CGI_FORMAT_HTML], CGI_TYPE_HTML, html, retry, extra);
        prepare_canned(&timeout_reply[fcgi][CGI_FORMAT_JSON], CGI_TYPE_JSON, json, retry, extra);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_time_limit;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
}

static void watchdog_arm(double seconds, const char *query_string, int fd, int fcgi_id)
{
    wd_format = query_string && strstr(query_string, "format=json") ? CGI_FORMAT_JSON
                                                                    : CGI_FORMAT_HTML;
    wd_fd = fd;
    wd_fcgi_id = fcgi_id;
    struct itimerval t = {{0, 0}, {0, 0}};
    t.it_value.tv_sec = (time_t)seconds;
    t.it_value.tv_usec = (suseconds_t)((seconds - (double)(time_t)seconds) * 1e6);
    if (t.it_value.tv_sec == 0 && t.it_value.tv_usec == 0)
        t.it_value.tv_usec = 1;
    setitimer(ITIMER_REAL, &t, NULL);
}

static void watchdog_disarm(void)
{
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
}

/* ---- Plain CGI and the command line ---- */

static void send_fd(int fd, const cgi_response *r)
{
    char head[1024];
    size_t n = cgi_response_headers(r, head, sizeof head);
    write_all(fd, head, n);
    if (!r->head_only && r->body)
        write_all(fd, r->body, r->len);
}

static int serve_one(const cgi_settings *s, const char *method, const char *query_string)
{
    cgi_index ix = {.path = s->db};
    cgi_request req = {method, query_string};
    cgi_response resp;
    watchdog_arm(s->time_limit, query_string, STDOUT_FILENO, -1);
    cgi_handle(&req, &ix, s, &resp);
    watchdog_disarm();
    send_fd(STDOUT_FILENO, &resp);
    int status = resp.status;
    cgi_response_free(&resp);
    cgi_index_close(&ix);
    return status;
}

/* The arguments joined with '&' (a query string longer than the limit is
 * refused by the parameter checks, like any other). */
static char *join_args(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 1; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *qs = malloc(len);
    if (!qs)
        return NULL;
    qs[0] = '\0';
    for (int i = 1; i < argc; i++) {
        if (i > 1)
            strcat(qs, "&");
        strcat(qs, argv[i]);
    }
    return qs;
}

static int exit_status(int http_status)
{
    return http_status == 200 ? 0 : http_status == 503 ? 5 : http_status < 500 ? 2 : 1;
}

/* ---- FastCGI ---- */

static void send_fcgi(FCGX_Stream *out, const cgi_response *r)
{
    char head[1024];
    size_t n = cgi_response_headers(r, head, sizeof head);
    FCGX_PutStr(head, (int)n, out);
    if (!r->head_only && r->body && r->len)
        FCGX_PutStr(r->body, (int)r->len, out);
}

static void fcgi_serve(FCGX_Request *req, cgi_index *ix, const cgi_settings *s,
                       cgi_cache *cache)
{
    cgi_request r = {FCGX_GetParam("REQUEST_METHOD", req->envp),
                     FCGX_GetParam("QUERY_STRING", req->envp)};
    cgi_response resp;
    watchdog_arm(s->time_limit, r.query_string, req->ipcFd, req->requestId);
    cgi_handle_cached(&r, ix, s, cache, &resp);
    watchdog_disarm();
    send_fcgi(req->out, &resp);
    cgi_response_free(&resp);
}

/* NULL when the settings turn the cache off (or there is no memory for it). */
static cgi_cache *cache_start(const cgi_settings *s)
{
    if (s->cache_entries == 0 || s->cache_mib == 0)
        return NULL;
    cgi_cache *c = cgi_cache_new(s->cache_entries, s->cache_mib << 20, CGI_CACHE_TTL_DEFAULT);
    if (!c)
        fputs("newsdex.cgi: no memory for the response cache; serving without it\n", stderr);
    return c;
}

static int fastcgi_loop(int listen_fd, const cgi_settings *s)
{
    FCGX_Request req;
    if (FCGX_Init() != 0 || FCGX_InitRequest(&req, listen_fd, 0) != 0) {
        fputs("newsdex.cgi: cannot start FastCGI\n", stderr);
        return 1;
    }
    cgi_index ix = {.path = s->db};
    cgi_cache *cache = cache_start(s);
    while (FCGX_Accept_r(&req) >= 0) {
        fcgi_serve(&req, &ix, s, cache);
        FCGX_Finish_r(&req);
    }
    cgi_cache_free(cache);
    cgi_index_close(&ix);
    return 0;
}

static int listen_and_serve(const char *address, const cgi_settings *s)
{
    if (FCGX_Init() != 0)
        return 1;
    int fd = FCGX_OpenSocket(address, 64);
    if (fd < 0) {
        fprintf(stderr, "newsdex.cgi: cannot listen on %s\n", address);
        return 1;
    }
    return fastcgi_loop(fd, s);
}

/* ---- Entry ---- */

static void usage(FILE *out)
{
    fputs("usage: newsdex.cgi                      (run by a web server: CGI or FastCGI)\n"
          "       newsdex.cgi --listen ADDRESS     (FastCGI on host:port or a socket path)\n"
          "       newsdex.cgi NAME=VALUE...        (one request: the arguments joined with &,\n"
          "                                         percent-encoded as in a URL)\n"
          "Parameters: q, page or offset, limit (1-100), sort (relevance|date|recent),\n"
          "from, to (YYYY[-MM[-DD]]), facets (source,topic,year|all|none), format (html|json).\n"
          "The index: $NEWSDEX_DB, else `db = DIR` in newsdex.cgi.conf beside the program.\n",
          out);
}

int main(int argc, char **argv)
{
    cgi_settings s;
    cgi_settings_load(&s);
    signal(SIGPIPE, SIG_IGN);
    watchdog_init(&s);
    if (argc == 3 && strcmp(argv[1], "--listen") == 0)
        return listen_and_serve(argv[2], &s);
    if (argc > 1 && argv[1][0] == '-') {
        usage(strcmp(argv[1], "--help") == 0 ? stdout : stderr);
        return strcmp(argv[1], "--help") == 0 ? 0 : 2;
    }
    if (argc > 1) {
        char *qs = join_args(argc, argv);
        int status = qs ? serve_one(&s, "GET", qs) : 500;
        free(qs);
        return exit_status(status);
    }
    if (getenv("REQUEST_METHOD")) {
        serve_one(&s, getenv("REQUEST_METHOD"), getenv("QUERY_STRING"));
        return 0;
    }
    if (!FCGX_IsCGI())
        return fastcgi_loop(0, &s);
    usage(stderr);
    return 2;
}
