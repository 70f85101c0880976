/* newsdex.cgi: the web search behind a news site's search box.
 *
 * What it does is decided from the environment first (cgi_mode.c):
 *   CGI:      run by the web server with GATEWAY_INTERFACE or REQUEST_METHOD
 *             set: one request, from QUERY_STRING; the arguments are ignored
 *             (some servers turn a query string without '=' into arguments).
 *   FastCGI:  started by the server with a listening socket on standard input
 *             (lighttpd's bin-path, spawn-fcgi, systemd), or listening itself:
 *             newsdex.cgi --listen 127.0.0.1:9000 [--workers N] (or a socket
 *             path): a supervisor keeps N worker processes accepting on the
 *             socket and starts a new one when one ends (cgi_listen.c).
 *             The index stays open across requests and is reopened when the
 *             indexer changes it; repeated searches are answered from a
 *             response cache (cgi_cache.c) while the index stays the same.
 *   Command line, for tests and debugging: newsdex.cgi q=layoffs format=json
 *             (the arguments are joined with '&' into the query string; the
 *             whole response, headers included, goes to standard output).
 *
 * Every request runs under a time limit (time_limit in newsdex.cgi.conf,
 * default 5 s): past it the client gets a 503 and the process ends (a
 * FastCGI server or the --listen supervisor starts a new one). Under
 * --listen a connection must also deliver its whole request within
 * read_limit seconds (default 10), or it is closed. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <fastcgi.h>
#include <fcgiapp.h>

#include "cgi.h"
#include "cgi_listen.h"
#include "cgi_mode.h"

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
    cgi_index ix = cgi_index_of(s);
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
    cgi_index ix = cgi_index_of(s);
    cgi_cache *cache = cache_start(s);
    while (FCGX_Accept_r(&req) >= 0) {
        fcgi_serve(&req, &ix, s, cache);
        FCGX_Finish_r(&req);
    }
    cgi_cache_free(cache);
    cgi_index_close(&ix);
    return 0;
}

/* ---- --listen: one worker process of the supervisor (cgi_listen.c) ---- */

static volatile sig_atomic_t worker_idle, worker_stop;

/* Between requests nothing is lost by ending at once; during one, the
 * response is finished first. */
static void on_worker_stop(int sig)
{
    (void)sig;
    if (worker_idle)
        _exit(0);
    worker_stop = 1;
}

static int accept_failure_is_passing(int err)
{
    return err == EINTR || err == ECONNABORTED || err == EPROTO || err == EMFILE ||
           err == ENFILE || err == ENOBUFS || err == ENOMEM || err == EPERM;
}

static int listen_worker(int listen_fd, void *arg)
{
    const cgi_settings *s = arg;
    FCGX_Request req;
    /* No listening socket for libfcgi: it never accepts by itself, so every
     * connection comes through cgi_conn_accept and the read deadline. */
    if (FCGX_Init() != 0 || FCGX_InitRequest(&req, -1, 0) != 0) {
        fputs("newsdex.cgi: cannot start FastCGI\n", stderr);
        return 1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_worker_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    cgi_index ix = cgi_index_of(s);
    cgi_cache *cache = cache_start(s);
    int fd = -1, rc = 0;
    for (;;) {
        worker_idle = 1;
        if (worker_stop)
            break;
        if (fd < 0) {
            fd = cgi_conn_accept(listen_fd, s->read_limit);
            if (fd < 0) {
                if (accept_failure_is_passing(errno)) {
                    struct timespec pause = {0, 100000000}; /* out of descriptors or memory */
                    if (errno != EINTR && errno != ECONNABORTED)
                        nanosleep(&pause, NULL);
                    continue;
                }
                fprintf(stderr, "newsdex.cgi: accept: %s\n", strerror(errno));
                rc = 1;
                break;
            }
        }
        if (cgi_conn_wait_request(fd, s->read_limit) != 0) {
            close(fd);
            fd = -1;
            continue;
        }
        worker_idle = 0;
        req.ipcFd = fd;
        req.keepConnection = 1; /* FCGX_Accept_r first finishes a request: not closing fd */
        if (FCGX_Accept_r(&req) < 0) {
            fd = -1; /* libfcgi refused the request and closed the connection */
            continue;
        }
        int keep = req.keepConnection;
        fcgi_serve(&req, &ix, s, cache);
        req.keepConnection = 1; /* libfcgi's own closing waits on the peer unbounded */
        FCGX_Finish_r(&req);
        fd = req.ipcFd; /* -1 if libfcgi closed it after an error */
        req.ipcFd = -1;
        if (fd >= 0 && !keep) {
            cgi_conn_close(fd);
            fd = -1;
        }
    }
    if (fd >= 0)
        close(fd);
    cgi_cache_free(cache);
    cgi_index_close(&ix);
    return rc;
}

static int listen_and_serve(const char *address, unsigned workers, const cgi_settings *s)
{
    int fd = cgi_listen_open(address);
    if (fd < 0)
        return 1;
    fprintf(stderr, "newsdex.cgi: listening on %s with %u worker%s\n", address, workers,
            workers == 1 ? "" : "s");
    int rc = cgi_supervise(fd, workers, s->time_limit + 2, listen_worker, (void *)s);
    close(fd);
    cgi_listen_remove();
    return rc;
}

/* ---- Entry ---- */

static void usage(FILE *out)
{
    fputs("usage: newsdex.cgi                      (run by a web server: CGI or FastCGI)\n"
          "       newsdex.cgi --listen ADDRESS [--workers N]\n"
          "                                        (FastCGI server on HOST:PORT, :PORT or a\n"
          "                                         socket path: N worker processes, default 4,\n"
          "                                         each replaced when it ends; SIGTERM stops)\n"
          "       newsdex.cgi NAME=VALUE...        (one request: the arguments joined with &,\n"
          "                                         percent-encoded as in a URL)\n"
          "Under CGI (GATEWAY_INTERFACE or REQUEST_METHOD set) the arguments are ignored.\n"
          "Filters: source, topic. One article's page: id (with the words of q highlighted).\n"
          "Parameters: q, page or offset, limit (1-100), sort (relevance|date|recent),\n"
          "from, to (YYYY[-MM[-DD]]), facets (source,topic,year|all|none), format (html|json),\n"
          "nofix (1: no spelling correction).\n"
          "The index: $NEWSDEX_DB, else `db = DIR` in newsdex.cgi.conf beside the program.\n"
          "As a service: web/newsdex-cgi.service (systemd, Restart=always).\n",
          out);
}

int main(int argc, char **argv)
{
    cgi_mode_env env = {getenv("GATEWAY_INTERFACE"), getenv("REQUEST_METHOD"),
                        getenv("QUERY_STRING")};
    cgi_mode m;
    cgi_mode_decide(argc, argv, &env, &m);
    cgi_settings s;
    cgi_settings_load(&s);
    signal(SIGPIPE, SIG_IGN);
    watchdog_init(&s);
    switch (m.kind) {
    case CGI_MODE_REQUEST:
        serve_one(&s, m.method, m.query_string);
        return 0;
    case CGI_MODE_ARGS: {
        char *qs = cgi_mode_join(argc, argv, m.first_arg);
        int status = qs ? serve_one(&s, m.method, qs) : 500;
        free(qs);
        return exit_status(status);
    }
    case CGI_MODE_LISTEN:
        return listen_and_serve(m.listen, m.workers, &s);
    case CGI_MODE_HELP:
        usage(stdout);
        return 0;
    case CGI_MODE_STDIN_SOCKET:
        if (!FCGX_IsCGI())
            return fastcgi_loop(0, &s);
        break;
    case CGI_MODE_USAGE:
        fprintf(stderr, "newsdex.cgi: %s\n", m.problem);
        break;
    }
    usage(stderr);
    return 2;
}
