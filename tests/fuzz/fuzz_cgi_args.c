/* libFuzzer harness for how newsdex.cgi decides what to do at start-up
 * (web/cgi_mode.c). Whenever a CGI variable (GATEWAY_INTERFACE or
 * REQUEST_METHOD) is set, the mode must be the CGI request, answering
 * QUERY_STRING, whatever the arguments: no --listen address, no worker count,
 * no command-line parameters. Without them, the arguments must give a mode
 * that is consistent with them. The same bytes also go through the FastCGI
 * record scanner of --listen (cgi_fcgi_scan, web/cgi_listen.c),
 * whose verdict on a request must not change once it is decided.
 *
 * Input: byte 0 says which variables are set (1 GATEWAY_INTERFACE,
 * 2 REQUEST_METHOD, 4 QUERY_STRING); the rest is NUL-separated fields: the
 * three variables' values, then argv[1], argv[2], ...
 *
 *   scripts/fuzz cgi_args       (builds it with clang and runs it)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgi_listen.h"
#include "cgi_mode.h"

#define CHECK(cond)     \
    do {                \
        if (!(cond))    \
            abort();    \
    } while (0)

#define ARGS_MAX 64

static void check_request(const cgi_mode *m, const cgi_mode_env *env)
{
    CHECK(m->kind == CGI_MODE_REQUEST);
    CHECK(m->method == env->request_method);
    CHECK(m->query_string != NULL);
    CHECK(env->query_string ? m->query_string == env->query_string
                            : strcmp(m->query_string, "") == 0);
    CHECK(m->listen == NULL && m->workers == 0 && m->first_arg == 0 && m->problem == NULL);
}

static void check_args(int argc, char **argv, const cgi_mode *m)
{
    switch (m->kind) {
    case CGI_MODE_REQUEST:
        abort(); /* only from the environment */
    case CGI_MODE_STDIN_SOCKET:
        CHECK(argc == 1);
        break;
    case CGI_MODE_HELP:
        CHECK(argc == 2);
        break;
    case CGI_MODE_USAGE:
        CHECK(argc >= 2 && m->problem && m->problem[0]);
        CHECK(m->listen == NULL && m->workers == 0);
        break;
    case CGI_MODE_LISTEN: {
        int found = 0;
        for (int i = 2; i < argc; i++)
            if (argv[i] == m->listen && strcmp(argv[i - 1], "--listen") == 0)
                found = 1;
        CHECK(found && m->listen[0]);
        CHECK(m->workers >= 1 && m->workers <= CGI_WORKERS_MAX);
        CHECK(argv[1][0] == '-');
        break;
    }
    case CGI_MODE_ARGS: {
        CHECK(m->first_arg == 1 && argc >= 2 && argv[1][0] != '-');
        CHECK(m->listen == NULL);
        char *qs = cgi_mode_join(argc, argv, m->first_arg);
        if (!qs)
            break;
        size_t at = 0;
        for (int i = 1; i < argc; i++) {
            size_t n = strlen(argv[i]);
            if (i > 1)
                CHECK(qs[at++] == '&');
            CHECK(memcmp(qs + at, argv[i], n) == 0);
            at += n;
        }
        CHECK(qs[at] == '\0');
        free(qs);
        break;
    }
    default:
        abort();
    }
}

/* A request's verdict, once decided, stays whatever follows it. */
static void check_scan(const uint8_t *data, size_t size)
{
    int whole = cgi_fcgi_scan(data, size);
    CHECK(whole == CGI_SCAN_INCOMPLETE || whole == CGI_SCAN_COMPLETE || whole == CGI_SCAN_BAD);
    for (size_t cut = 0; cut < size; cut += 1 + cut / 4) {
        int part = cgi_fcgi_scan(data, cut);
        CHECK(part == CGI_SCAN_INCOMPLETE || part == whole);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_scan(data, size);
    if (size == 0)
        return 0;
    /* Fields, each NUL-terminated in a copy. */
    char *text = malloc(size);
    if (!text)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    char *fields[3 + ARGS_MAX];
    int nfields = 0;
    for (char *p = text; nfields < 3 + ARGS_MAX && p < text + size - 1;) {
        fields[nfields++] = p;
        p += strlen(p) + 1;
    }
    while (nfields < 3)
        fields[nfields++] = (char *)"";
    cgi_mode_env env = {data[0] & 1 ? fields[0] : NULL, data[0] & 2 ? fields[1] : NULL,
                        data[0] & 4 ? fields[2] : NULL};
    char *argv[ARGS_MAX + 2];
    int argc = 0;
    argv[argc++] = (char *)"newsdex.cgi";
    for (int i = 3; i < nfields; i++)
        argv[argc++] = fields[i];
    argv[argc] = NULL;

    cgi_mode m, again;
    cgi_mode_decide(argc, argv, &env, &m);
    cgi_mode_decide(argc, argv, &env, &again);
    CHECK(memcmp(&m, &again, sizeof m) == 0);
    if (env.gateway_interface || env.request_method)
        check_request(&m, &env);
    else
        check_args(argc, argv, &m);
    free(text);
    return 0;
}
