/* web_load: an HTTP load generator for scripts/bench's web section that,
 * unlike ab, sends a different query with every request.
 *
 * usage: web_load --port P --queries FILE [--path /search] [--param q]
 *                 [--concurrency C] [--requests N] [--timeout SECS]
 *
 * FILE holds one query per line, already URL-encoded. C threads share one
 * atomic counter: request i sends the query on line i + 1 (from the first
 * line again past the end), so with N at most the number of lines no query
 * is sent twice. Each request is a fresh HTTP/1.0 GET of PATH?PARAM=QUERY to
 * 127.0.0.1:P whose whole response is read; it succeeds when the status is
 * 200. N defaults to the number of lines.
 *
 * Prints one line on standard output:
 *   requests=N ok=N failures=N wall_s=S rps=R p50_ms=.. p90_ms=.. p99_ms=.. bytes=B
 * rps counts the successful requests over the wall time of the whole run;
 * the latency percentiles (connect to the last byte) are over the successful
 * requests. Exit status: 0 when every request succeeded, 1 when some failed
 * (the first reason of each kind goes to standard error), 2 on a usage or
 * setup error. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

enum { FAIL_CONNECT, FAIL_SEND, FAIL_READ, FAIL_STATUS, N_FAIL_KINDS };
static const char *const fail_names[N_FAIL_KINDS] = {"connect", "send", "read", "status"};

typedef struct load {
    /* settings */
    int port;
    const char *path, *param;
    int timeout_s;
    char **queries;
    size_t n_queries;
    size_t n_requests;
    /* shared state */
    atomic_size_t next;
    double *latency_ms;       /* per request; NAN when it failed */
    atomic_ullong bytes;
    atomic_int reported[N_FAIL_KINDS];
} load;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void report_once(load *l, int kind, const char *query, const char *detail)
{
    if (atomic_exchange(&l->reported[kind], 1) == 0)
        fprintf(stderr, "web_load: %s failed (q=%s): %s\n", fail_names[kind], query, detail);
}

/* Reads lines of FILE into l->queries (empty lines skipped). */
static int load_queries(load *l, const char *file)
{
    FILE *f = fopen(file, "r");
    if (!f) {
        fprintf(stderr, "web_load: %s: %s\n", file, strerror(errno));
        return -1;
    }
    size_t cap = 0;
    char *line = NULL;
    size_t line_cap = 0;
    ssize_t len;
    while ((len = getline(&line, &line_cap, f)) >= 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0)
            continue;
        if (l->n_queries == cap) {
            cap = cap ? cap * 2 : 1024;
            char **grown = realloc(l->queries, cap * sizeof *grown);
            if (!grown) {
                fclose(f);
                free(line);
                return -1;
            }
            l->queries = grown;
        }
        l->queries[l->n_queries] = strdup(line);
        if (!l->queries[l->n_queries++]) {
            fclose(f);
            free(line);
            return -1;
        }
    }
    free(line);
    fclose(f);
    if (l->n_queries == 0) {
        fprintf(stderr, "web_load: %s holds no query\n", file);
        return -1;
    }
    return 0;
}

static int send_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t w = send(fd, buf, len, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        buf += w;
        len -= (size_t)w;
    }
    return 0;
}

/* One request: its latency in ms, or NAN when it failed. */
static double one_request(load *l, const char *query)
{
    char request[8192];
    int n = snprintf(request, sizeof request,
                     "GET %s?%s=%s HTTP/1.0\r\nHost: 127.0.0.1:%d\r\nUser-Agent: web_load\r\n\r\n",
                     l->path, l->param, query, l->port);
    if (n < 0 || (size_t)n >= sizeof request) {
        report_once(l, FAIL_SEND, query, "request longer than 8 KiB");
        return NAN;
    }
    double t0 = now_s();
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        report_once(l, FAIL_CONNECT, query, strerror(errno));
        return NAN;
    }
    struct timeval tv = {.tv_sec = l->timeout_s, .tv_usec = 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)l->port)};
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        report_once(l, FAIL_CONNECT, query, strerror(errno));
        close(fd);
        return NAN;
    }
    if (send_all(fd, request, (size_t)n) != 0) {
        report_once(l, FAIL_SEND, query, strerror(errno));
        close(fd);
        return NAN;
    }
    char buf[16384], head[16] = {0};
    size_t got = 0;
    for (;;) {
        ssize_t r = recv(fd, buf, sizeof buf, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            report_once(l, FAIL_READ, query, errno == EAGAIN ? "timed out" : strerror(errno));
            close(fd);
            return NAN;
        }
        if (r == 0)
            break;
        if (got < sizeof head - 1)
            memcpy(head + got, buf, (size_t)r < sizeof head - 1 - got ? (size_t)r : sizeof head - 1 - got);
        got += (size_t)r;
    }
    close(fd);
    double ms = (now_s() - t0) * 1e3;
    atomic_fetch_add(&l->bytes, got);
    /* "HTTP/1.x 200" */
    if (strncmp(head, "HTTP/1.", 7) != 0 || strncmp(head + 8, " 200", 4) != 0) {
        report_once(l, FAIL_STATUS, query, got ? head : "empty response");
        return NAN;
    }
    return ms;
}

static void *client(void *arg)
{
    load *l = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&l->next, 1);
        if (i >= l->n_requests)
            break;
        l->latency_ms[i] = one_request(l, l->queries[i % l->n_queries]);
    }
    return NULL;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted v[0..n) (as bench/report.pl takes them). */
static double percentile(const double *v, size_t n, double p)
{
    if (n == 0)
        return NAN;
    size_t rank = (size_t)ceil(p / 100.0 * (double)n);
    return v[rank > 0 ? rank - 1 : 0];
}

static void usage(FILE *out)
{
    fputs("usage: web_load --port P --queries FILE [--path /search] [--param q]\n"
          "                [--concurrency C] [--requests N] [--timeout SECS]\n",
          out);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"port", required_argument, NULL, 'p'},        {"path", required_argument, NULL, 'P'},
        {"param", required_argument, NULL, 'q'},       {"queries", required_argument, NULL, 'f'},
        {"concurrency", required_argument, NULL, 'c'}, {"requests", required_argument, NULL, 'n'},
        {"timeout", required_argument, NULL, 't'},     {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    load l = {.path = "/search", .param = "q", .timeout_s = 30};
    const char *file = NULL;
    long concurrency = 8, requests = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'p': l.port = atoi(optarg); break;
        case 'P': l.path = optarg; break;
        case 'q': l.param = optarg; break;
        case 'f': file = optarg; break;
        case 'c': concurrency = atol(optarg); break;
        case 'n': requests = atol(optarg); break;
        case 't': l.timeout_s = atoi(optarg); break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!file || l.port <= 0 || l.port > 65535 || concurrency < 1 || concurrency > 1024 ||
        requests < 0 || l.timeout_s < 1 || optind != argc) {
        usage(stderr);
        return 2;
    }
    if (load_queries(&l, file) != 0)
        return 2;
    l.n_requests = requests > 0 ? (size_t)requests : l.n_queries;
    l.latency_ms = calloc(l.n_requests, sizeof *l.latency_ms);
    pthread_t *threads = calloc((size_t)concurrency, sizeof *threads);
    if (!l.latency_ms || !threads) {
        fputs("web_load: out of memory\n", stderr);
        return 2;
    }
    atomic_init(&l.next, 0);
    atomic_init(&l.bytes, 0);
    for (int k = 0; k < N_FAIL_KINDS; k++)
        atomic_init(&l.reported[k], 0);
    signal(SIGPIPE, SIG_IGN);

    double t0 = now_s();
    long started = 0;
    for (; started < concurrency; started++)
        if (pthread_create(&threads[started], NULL, client, &l) != 0)
            break;
    for (long k = 0; k < started; k++)
        pthread_join(threads[k], NULL);
    double wall = now_s() - t0;
    if (started == 0) {
        fputs("web_load: could not start a client thread\n", stderr);
        return 2;
    }

    size_t ok = 0;
    for (size_t i = 0; i < l.n_requests; i++)
        if (!isnan(l.latency_ms[i]))
            l.latency_ms[ok++] = l.latency_ms[i];
    qsort(l.latency_ms, ok, sizeof *l.latency_ms, by_value);
    printf("requests=%zu ok=%zu failures=%zu wall_s=%.3f rps=%.1f p50_ms=%.3f p90_ms=%.3f "
           "p99_ms=%.3f bytes=%llu\n",
           l.n_requests, ok, l.n_requests - ok, wall, wall > 0 ? (double)ok / wall : 0.0,
           percentile(l.latency_ms, ok, 50), percentile(l.latency_ms, ok, 90),
           percentile(l.latency_ms, ok, 99), (unsigned long long)atomic_load(&l.bytes));
    for (size_t i = 0; i < l.n_queries; i++)
        free(l.queries[i]);
    free(l.queries);
    free(l.latency_ms);
    free(threads);
    return ok == l.n_requests ? 0 : 1;
}
