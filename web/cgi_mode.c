/* The start-up decision of newsdex.cgi (cgi_mode.h). */
#include <stdlib.h>
#include <string.h>

#include "cgi_mode.h"

static void usage_problem(cgi_mode *m, const char *problem)
{
    m->kind = CGI_MODE_USAGE;
    m->listen = NULL;
    m->workers = 0;
    m->problem = problem;
}

/* 1..CGI_WORKERS_MAX in decimal digits only; 0 if s is not that. */
static unsigned worker_count(const char *s)
{
    unsigned n = 0;
    if (!*s)
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return 0;
        n = n * 10 + (unsigned)(*s - '0');
        if (n > CGI_WORKERS_MAX)
            return 0;
    }
    return n;
}

/* --listen ADDRESS and --workers N, in either order, nothing else. */
static void decide_options(int argc, char *const argv[], cgi_mode *m)
{
    m->kind = CGI_MODE_LISTEN;
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        if (strcmp(opt, "--listen") != 0 && strcmp(opt, "--workers") != 0) {
            usage_problem(m, "unknown option");
            return;
        }
        if (i + 1 >= argc || !argv[i + 1][0]) {
            usage_problem(m, "an option without its value");
            return;
        }
        const char *value = argv[++i];
        if (opt[2] == 'l') {
            if (m->listen) {
                usage_problem(m, "--listen given twice");
                return;
            }
            m->listen = value;
        } else {
            if (m->workers) {
                usage_problem(m, "--workers given twice");
                return;
            }
            m->workers = worker_count(value);
            if (!m->workers) {
                usage_problem(m, "--workers wants a number from 1 to 256");
                return;
            }
        }
    }
    if (!m->listen)
        usage_problem(m, "--workers without --listen");
    else if (!m->workers)
        m->workers = CGI_WORKERS_DEFAULT;
}

void cgi_mode_decide(int argc, char *const argv[], const cgi_mode_env *env, cgi_mode *m)
{
    memset(m, 0, sizeof *m);
    if (env->gateway_interface || env->request_method) {
        m->kind = CGI_MODE_REQUEST;
        m->method = env->request_method;
        m->query_string = env->query_string ? env->query_string : "";
        return;
    }
    if (argc < 2 || !argv || !argv[1]) {
        m->kind = CGI_MODE_STDIN_SOCKET;
        return;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        m->kind = argc == 2 ? CGI_MODE_HELP : CGI_MODE_USAGE;
        if (argc != 2)
            m->problem = "--help takes no arguments";
        return;
    }
    if (argv[1][0] == '-') {
        decide_options(argc, argv, m);
        return;
    }
    m->kind = CGI_MODE_ARGS;
    m->method = "GET";
    m->first_arg = 1;
}

char *cgi_mode_join(int argc, char *const argv[], int first)
{
    size_t len = 1;
    for (int i = first; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *qs = malloc(len), *p = qs;
    if (!qs)
        return NULL;
    for (int i = first; i < argc; i++) {
        size_t n = strlen(argv[i]);
        if (i > first)
            *p++ = '&';
        memcpy(p, argv[i], n);
        p += n;
    }
    *p = '\0';
    return qs;
}
