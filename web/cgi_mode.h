/* How newsdex.cgi was started, decided from the environment first and only
 * then from the arguments. Pure code (no I/O, no global state) so that the
 * libFuzzer harness tests/fuzz/fuzz_cgi_args.c can run it on anything.
 *
 * Under CGI (GATEWAY_INTERFACE or REQUEST_METHOD set, even to "") the
 * arguments are ignored: web servers that follow the CGI spec's "search
 * query" rule turn a query string without '=' into arguments, so a URL
 * could otherwise pick the mode, a socket or a file. */
#ifndef NX_CGI_MODE_H
#define NX_CGI_MODE_H

#define CGI_WORKERS_DEFAULT 4
#define CGI_WORKERS_MAX 256

typedef enum cgi_mode_kind {
    CGI_MODE_REQUEST,      /* one request from the environment (CGI) */
    CGI_MODE_STDIN_SOCKET, /* no arguments, no CGI variables: FastCGI if standard
                            * input is a listening socket, else usage */
    CGI_MODE_LISTEN,       /* --listen ADDRESS [--workers N] */
    CGI_MODE_ARGS,         /* NAME=VALUE...: one request, for tests and debugging */
    CGI_MODE_HELP,         /* --help */
    CGI_MODE_USAGE         /* bad arguments */
} cgi_mode_kind;

/* The variables the decision reads; NULL when not set. */
typedef struct cgi_mode_env {
    const char *gateway_interface;
    const char *request_method;
    const char *query_string;
} cgi_mode_env;

typedef struct cgi_mode {
    cgi_mode_kind kind;
    const char *method;       /* REQUEST: REQUEST_METHOD (NULL: GET); ARGS: "GET" */
    const char *query_string; /* REQUEST: QUERY_STRING, "" if not set */
    const char *listen;       /* LISTEN: the address (an argument); else NULL */
    unsigned workers;         /* LISTEN: worker processes; else 0 */
    int first_arg;            /* ARGS: argv[first_arg..] are the parameters; else 0 */
    const char *problem;      /* USAGE: what is wrong with the arguments */
} cgi_mode;

void cgi_mode_decide(int argc, char *const argv[], const cgi_mode_env *env, cgi_mode *m);

/* argv[first..argc-1] joined with '&' (malloc'd), or NULL without memory. */
char *cgi_mode_join(int argc, char *const argv[], int first);

#endif
