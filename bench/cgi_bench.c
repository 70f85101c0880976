/* cgi_bench: per-request latency of a search CGI run as a process per request,
 * as a web server without FastCGI would run it: fork, exec with QUERY_STRING
 * set, read the whole response, wait. The time is from fork to exit.
 *
 * usage: cgi_bench --cgi PATH --queries FILE --style omega|newsdex
 *                  [--engine NAME] [--param NAME=VALUE]... [--rounds R]
 *                  [--warmup W] [--count-template NAME]
 * --style omega:   P=<words> DEFAULTOP=and, topic/source filters as B=XT../B=XS..,
 *                  date ranges as START=/END= (yyyymmdd).
 * --style newsdex: q=<the query as written>.
 * --param adds fixed parameters (DB=...). With --count-template, each query
 * is also run once, untimed, with FMT=NAME, whose output is the number of
 * matches: that is reported as the estimate.
 * One TSV line per timed request on standard output; "hits" is the size of
 * the response in bytes. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_util.h"

#define MAX_PARAMS 16

static int run_cgi(const char *cgi, const char *query_string, bench_buf *out)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        int devnull = open("/dev/null", O_RDWR);
        if (devnull >= 0) {
            dup2(devnull, STDIN_FILENO);
            dup2(devnull, STDERR_FILENO);
        }
        setenv("QUERY_STRING", query_string, 1);
        setenv("REQUEST_METHOD", "GET", 1);
        setenv("GATEWAY_INTERFACE", "CGI/1.1", 1);
        setenv("SERVER_NAME", "localhost", 1);
        setenv("SCRIPT_NAME", "/cgi-bin/search", 1);
        char *const args[] = {(char *)cgi, NULL};
        execv(cgi, args);
        _exit(127);
    }
    close(fds[1]);
    out->len = 0;
    char buf[65536];
    for (;;) {
        ssize_t n = read(fds[0], buf, sizeof buf);
        if (n > 0)
            bench_buf_add(out, buf, (size_t)n);
        else if (n == 0 || errno != EINTR)
            break;
    }
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static void add_param(bench_buf *qs, const char *name, const char *value)
{
    if (qs->len)
        bench_buf_putc(qs, '&');
    bench_buf_puts(qs, name);
    bench_buf_putc(qs, '=');
    bench_url_encode(qs, value);
}

static void compact_date(const char *iso, char out[9])
{
    size_t k = 0;
    for (const char *p = iso; *p && k < 8; p++)
        if (*p != '-')
            out[k++] = *p;
    out[k] = '\0';
}

static char *build_query_string(const char *style, const char *query, char **params,
                                size_t n_params, const char *fmt)
{
    bench_buf qs = {0};
    for (size_t i = 0; i < n_params; i++) {
        if (qs.len)
            bench_buf_putc(&qs, '&');
        bench_buf_puts(&qs, params[i]); /* NAME=VALUE, already plain */
    }
    if (strcmp(style, "omega") == 0) {
        bench_filters f;
        char *text = bench_split_filters(query, &f);
        add_param(&qs, "DEFAULTOP", "and");
        add_param(&qs, "P", text);
        char term[160];
        if (f.topic[0]) {
            snprintf(term, sizeof term, "XT%s", f.topic);
            add_param(&qs, "B", term);
        }
        if (f.source[0]) {
            snprintf(term, sizeof term, "XS%s", f.source);
            for (char *p = term + 2; *p; p++) /* omega.script lowercases sources */
                if (*p >= 'A' && *p <= 'Z')
                    *p = (char)(*p - 'A' + 'a');
            add_param(&qs, "B", term);
        }
        if (f.date_from[0]) {
            char d[9];
            compact_date(f.date_from, d);
            add_param(&qs, "START", d);
            compact_date(f.date_to, d);
            add_param(&qs, "END", d);
        }
        free(text);
    } else {
        add_param(&qs, "q", query);
    }
    if (fmt)
        add_param(&qs, "FMT", fmt);
    char *s = bench_xstrdup(bench_buf_str(&qs));
    bench_buf_free(&qs);
    return s;
}

/* The number in a response body (after the CGI headers). */
static unsigned long long parse_count(const bench_buf *out)
{
    const char *body = out->data ? strstr(out->data, "\r\n\r\n") : NULL;
    size_t skip = 4;
    if (!body && out->data) {
        body = strstr(out->data, "\n\n");
        skip = 2;
    }
    return body ? strtoull(body + skip, NULL, 10) : 0;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"cgi", required_argument, NULL, 'c'},    {"queries", required_argument, NULL, 'q'},
        {"style", required_argument, NULL, 's'},  {"engine", required_argument, NULL, 'e'},
        {"param", required_argument, NULL, 'p'},  {"rounds", required_argument, NULL, 'r'},
        {"warmup", required_argument, NULL, 'w'}, {"count-template", required_argument, NULL, 't'},
        {NULL, 0, NULL, 0}};
    const char *cgi = NULL, *queries_path = NULL, *style = "omega", *engine = NULL,
               *count_tmpl = NULL;
    char *params[MAX_PARAMS];
    size_t n_params = 0;
    int rounds = 2, warmup = 1, c;
    while ((c = getopt_long(argc, argv, "c:q:s:e:p:r:w:t:", longopts, NULL)) != -1) {
        switch (c) {
        case 'c': cgi = optarg; break;
        case 'q': queries_path = optarg; break;
        case 's': style = optarg; break;
        case 'e': engine = optarg; break;
        case 'p':
            if (n_params < MAX_PARAMS)
                params[n_params++] = optarg;
            break;
        case 'r': rounds = atoi(optarg); break;
        case 'w': warmup = atoi(optarg); break;
        case 't': count_tmpl = optarg; break;
        default: return 2;
        }
    }
    if (!cgi || !queries_path) {
        fputs("usage: cgi_bench --cgi PATH --queries FILE --style omega|newsdex [--engine NAME]\n"
              "                 [--param NAME=VALUE]... [--rounds R] [--warmup W]"
              " [--count-template NAME]\n",
              stderr);
        return 2;
    }
    if (!engine)
        engine = style;
    bench_queries qs;
    if (bench_queries_load(queries_path, &qs) != 0)
        return 1;
    char **strings = bench_xmalloc(qs.n * sizeof *strings);
    unsigned long long *estimates = calloc(qs.n, sizeof *estimates);
    if (!estimates)
        return 3;
    for (size_t i = 0; i < qs.n; i++)
        strings[i] = build_query_string(style, qs.q[i].text, params, n_params, NULL);
    bench_buf out = {0};
    if (count_tmpl) {
        for (size_t i = 0; i < qs.n; i++) {
            char *s = build_query_string(style, qs.q[i].text, params, n_params, count_tmpl);
            if (run_cgi(cgi, s, &out) == 0) {
                bench_buf_str(&out);
                estimates[i] = parse_count(&out);
            }
            free(s);
        }
    }
    unsigned long errors = 0;
    for (int round = -warmup; round < rounds; round++) {
        for (size_t i = 0; i < qs.n; i++) {
            uint64_t t0 = bench_now_ns();
            int rc = run_cgi(cgi, strings[i], &out);
            uint64_t t1 = bench_now_ns();
            if (rc != 0 || out.len == 0) {
                if (round == -warmup)
                    fprintf(stderr, "cgi_bench: query %zu: %s exited %d with %zu bytes\n", i + 1,
                            cgi, rc, out.len);
                errors++;
                continue;
            }
            if (round >= 0)
                bench_emit(stdout, engine, qs.q[i].shape, i + 1, round, (double)(t1 - t0) / 1e3,
                           out.len, estimates[i]);
        }
    }
    fprintf(stderr, "cgi_bench: %s: %zu queries, %d rounds, %lu errors\n", engine, qs.n, rounds,
            errors);
    bench_buf_free(&out);
    for (size_t i = 0; i < qs.n; i++)
        free(strings[i]);
    free(strings);
    free(estimates);
    bench_queries_free(&qs);
    return errors ? 1 : 0;
}
