/* hostile_bench: the worst case per request. Runs every query of a hostile
 * set (bench/hostile_queries.txt) as one process each, through newsdex.cgi
 * (QUERY_STRING set, as a web server runs a CGI) or `newsdex search` with
 * the default options, and measures each process's CPU time (user + system)
 * and peak resident memory with wait4().
 *
 * usage: hostile_bench --cgi PATH --queries FILE
 *        hostile_bench --cli PATH --db DIR --queries FILE
 * The index of --cgi comes from NEWSDEX_DB in the environment.
 *
 * Query file: NAME<TAB>PARAMS<TAB>TEXT per line, # comments. PARAMS are
 * extra CGI parameters (format=json&facets=source,topic,year&sort=recent,
 * or - for none); the CLI gets --facets, --histogram month, and --sort,
 * --offset and --limit as PARAMS say. TEXT is q: \xHH is a byte, and
 * {rep N|STR} is STR N times (spaces between).
 *
 * Output: one TSV line per request (name, status, cpu_s, maxrss_kib,
 * wall_s, bytes of q), then "worst-cpu" and "worst-rss" lines; the same two
 * on standard error. Status is the CGI's HTTP status or the CLI's exit. */
#define _DEFAULT_SOURCE /* wait4 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TEXT_MAX 65536

/* Expands \xHH and {rep N|STR} of src into dst (cap bytes). */
static size_t expand(const char *src, char *dst, size_t cap)
{
    size_t n = 0;
    while (*src && n + 1 < cap) {
        if (src[0] == '\\' && src[1] == 'x' && src[2] && src[3]) {
            char hex[3] = {src[2], src[3], 0};
            dst[n++] = (char)strtol(hex, NULL, 16);
            src += 4;
        } else if (strncmp(src, "{rep ", 5) == 0 && strchr(src, '|') && strchr(src, '}')) {
            long times = strtol(src + 5, NULL, 10);
            const char *bar = strchr(src, '|'), *end = strchr(bar, '}');
            char piece[1024];
            size_t plen = (size_t)(end - bar - 1) < sizeof piece - 1 ? (size_t)(end - bar - 1)
                                                                    : sizeof piece - 1;
            memcpy(piece, bar + 1, plen);
            piece[plen] = '\0';
            char one[4096];
            size_t olen = expand(piece, one, sizeof one);
            for (long i = 0; i < times && n + olen + 2 < cap; i++) {
                if (i)
                    dst[n++] = ' ';
                memcpy(dst + n, one, olen);
                n += olen;
            }
            src = end + 1;
        } else {
            dst[n++] = *src++;
        }
    }
    dst[n] = '\0';
    return n;
}

static void percent_encode(const char *s, char *out, size_t cap)
{
    static const char hexd[] = "0123456789ABCDEF";
    size_t n = 0;
    for (; *s && n + 4 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            out[n++] = (char)c;
        } else {
            out[n++] = '%';
            out[n++] = hexd[c >> 4];
            out[n++] = hexd[c & 15];
        }
    }
    out[n] = '\0';
}

/* The value of parameter name in params ("" if absent). */
static void param(const char *params, const char *name, char *out, size_t cap)
{
    out[0] = '\0';
    size_t len = strlen(name);
    for (const char *p = params; p && *p;) {
        if (strncmp(p, name, len) == 0 && p[len] == '=') {
            const char *v = p + len + 1, *end = strchr(v, '&');
            size_t n = end ? (size_t)(end - v) : strlen(v);
            n = n < cap - 1 ? n : cap - 1;
            memcpy(out, v, n);
            out[n] = '\0';
            return;
        }
        p = strchr(p, '&');
        p = p ? p + 1 : NULL;
    }
}

typedef struct measure {
    int status;
    double cpu, wall;
    long rss_kib;
} measure;

/* Runs argv (env: QUERY_STRING when qs), output read and dropped except its
 * first line (the CGI's status). */
static int run(char *const argv[], const char *qs, measure *m)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        int devnull = open("/dev/null", O_RDWR);
        if (devnull >= 0) {
            dup2(devnull, STDIN_FILENO);
            dup2(devnull, STDERR_FILENO);
        }
        if (qs) {
            setenv("QUERY_STRING", qs, 1);
            setenv("REQUEST_METHOD", "GET", 1);
            setenv("GATEWAY_INTERFACE", "CGI/1.1", 1);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    close(fds[1]);
    char head[64] = "", buf[65536];
    size_t got = 0;
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0 && got < sizeof head - 1) {
            size_t k = (size_t)n < sizeof head - 1 - got ? (size_t)n : sizeof head - 1 - got;
            memcpy(head + got, buf, k);
            got += k;
            head[got] = '\0';
        }
    close(fds[0]);
    int wstatus = 0;
    struct rusage ru;
    if (wait4(pid, &wstatus, 0, &ru) < 0)
        return -1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    m->cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
             ru.ru_stime.tv_usec / 1e6;
    m->rss_kib = ru.ru_maxrss;
    m->wall = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    m->status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
    if (qs && strncmp(head, "Status: ", 8) == 0)
        m->status = atoi(head + 8);
    return 0;
}

int main(int argc, char **argv)
{
    const char *cgi = NULL, *cli = NULL, *db = NULL, *queries = NULL;
    static const struct option opts[] = {{"cgi", required_argument, NULL, 'c'},
                                         {"cli", required_argument, NULL, 'l'},
                                         {"db", required_argument, NULL, 'd'},
                                         {"queries", required_argument, NULL, 'q'},
                                         {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'c': cgi = optarg; break;
        case 'l': cli = optarg; break;
        case 'd': db = optarg; break;
        case 'q': queries = optarg; break;
        default: return 2;
        }
    }
    if (!queries || (!cgi && !(cli && db))) {
        fprintf(stderr, "usage: hostile_bench (--cgi PATH | --cli PATH --db DIR) --queries FILE\n");
        return 2;
    }
    FILE *f = fopen(queries, "r");
    if (!f) {
        fprintf(stderr, "hostile_bench: %s: %s\n", queries, strerror(errno));
        return 2;
    }
    static char line[TEXT_MAX], text[TEXT_MAX], enc[3 * TEXT_MAX], qs[3 * TEXT_MAX + 1024];
    char worst_cpu[128] = "", worst_rss[128] = "";
    measure wc = {0}, wr = {0};
    int count = 0;
    printf("name\tstatus\tcpu_s\tmaxrss_kib\twall_s\tq_bytes\n");
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        char *name = line, *params = strchr(line, '\t'), *q = params ? strchr(params + 1, '\t') : NULL;
        if (!q)
            continue;
        *params++ = '\0';
        *q++ = '\0';
        if (strcmp(params, "-") == 0)
            params = "";
        size_t qlen = expand(q, text, sizeof text);
        measure m = {0};
        int rc;
        if (cgi) {
            percent_encode(text, enc, sizeof enc);
            snprintf(qs, sizeof qs, "q=%s%s%s", enc, params[0] ? "&" : "", params);
            char *const args[] = {(char *)cgi, NULL};
            rc = run(args, qs, &m);
        } else {
            char sort[32], offset[32], limit[32];
            param(params, "sort", sort, sizeof sort);
            param(params, "offset", offset, sizeof offset);
            param(params, "limit", limit, sizeof limit);
            char *args[20];
            int k = 0;
            args[k++] = (char *)cli;
            args[k++] = "search";
            args[k++] = "--db";
            args[k++] = (char *)db;
            args[k++] = "--json";
            args[k++] = "--facets";
            args[k++] = "--histogram";
            args[k++] = "month";
            if (sort[0]) {
                args[k++] = "--sort";
                args[k++] = sort;
            }
            if (offset[0]) {
                args[k++] = "--offset";
                args[k++] = offset;
            }
            if (limit[0]) {
                args[k++] = "--limit";
                args[k++] = limit;
            }
            args[k++] = "--";
            args[k++] = text;
            args[k] = NULL;
            rc = run(args, NULL, &m);
        }
        if (rc != 0) {
            fprintf(stderr, "hostile_bench: %s: could not run\n", name);
            continue;
        }
        count++;
        printf("%s\t%d\t%.3f\t%ld\t%.3f\t%zu\n", name, m.status, m.cpu, m.rss_kib, m.wall, qlen);
        if (m.cpu >= wc.cpu) {
            wc = m;
            snprintf(worst_cpu, sizeof worst_cpu, "%.120s", name);
        }
        if (m.rss_kib >= wr.rss_kib) {
            wr = m;
            snprintf(worst_rss, sizeof worst_rss, "%.120s", name);
        }
    }
    fclose(f);
    printf("worst-cpu\t%s\t%.3f\t%ld\tstatus %d\n", worst_cpu, wc.cpu, wc.rss_kib, wc.status);
    printf("worst-rss\t%s\t%.3f\t%ld\tstatus %d\n", worst_rss, wr.cpu, wr.rss_kib, wr.status);
    fprintf(stderr, "hostile_bench: %d requests; most CPU: %s (%.3f s, %ld KiB, status %d); "
                    "most memory: %s (%ld KiB, %.3f s, status %d)\n",
            count, worst_cpu, wc.cpu, wc.rss_kib, wc.status, worst_rss, wr.rss_kib, wr.cpu,
            wr.status);
    return 0;
}
