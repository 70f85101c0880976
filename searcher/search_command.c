/* `newsdex search --db DIR QUERY`: ranked results as text or JSON. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "newsdex.h"
#include "result_format.h"
#include "../cli/commands.h"

static void usage(FILE *out)
{
    fputs("usage: newsdex search [--db DIR] [OPTIONS] QUERY...\n"
          "  --db DIR       index directory (default: $NEWSDEX_DB)\n"
          "  --limit N      results to show (default 10, at most 10000)\n"
          "  --offset N     results to skip (default 0)\n"
          "  --json         print one JSON object\n"
          "  --no-snippets  leave out snippets\n"
          "Query: words are all required and match any inflection; \"quoted phrases\"\n"
          "match words in order; a OR b; -word excludes; (parentheses) group.\n",
          out);
}

/* The query is every remaining argument joined by spaces. */
static char *join_args(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *q = malloc(len);
    if (!q)
        return NULL;
    q[0] = '\0';
    for (int i = 0; i < argc; i++) {
        if (i)
            strcat(q, " ");
        strcat(q, argv[i]);
    }
    return q;
}

static int exit_for(newsdex_status st)
{
    if (st == NEWSDEX_ERR_QUERY || st == NEWSDEX_ERR_INVALID)
        return NX_EXIT_USAGE;
    return NX_EXIT_INDEX;
}

static int run_search(const char *db_path, const newsdex_search_options *o, int json)
{
    newsdex_db *db = NULL;
    char *message = NULL;
    newsdex_status st = newsdex_db_open(db_path, &db, &message);
    if (st != NEWSDEX_OK) {
        fprintf(stderr, "newsdex: %s\n", message ? message : newsdex_status_to_string(st));
        free(message);
        return NX_EXIT_INDEX;
    }
    newsdex_results *r = NULL;
    st = newsdex_search(db, o, &r);
    int rc = NX_EXIT_OK;
    if (st != NEWSDEX_OK) {
        fprintf(stderr, "newsdex: %s\n", newsdex_db_last_error(db));
        rc = exit_for(st);
    } else if ((json ? nx_format_json(stdout, o->query, o, r)
                     : nx_format_text(stdout, o->query, o, r)) != 0) {
        fprintf(stderr, "newsdex: out of memory formatting results\n");
        rc = NX_EXIT_INDEX;
    }
    newsdex_results_free(r);
    newsdex_db_close(db);
    return rc;
}

int cmd_search(int argc, char **argv)
{
    static const struct option options[] = {
        {"db", required_argument, NULL, 'd'},     {"limit", required_argument, NULL, 'l'},
        {"offset", required_argument, NULL, 'o'}, {"json", no_argument, NULL, 'j'},
        {"no-snippets", no_argument, NULL, 'S'},  {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    newsdex_search_options o;
    newsdex_search_options_init(&o);
    const char *db_option = NULL;
    int json = 0, c;
    unsigned v;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+d:l:o:jh", options, NULL)) != -1) {
        switch (c) {
        case 'd': db_option = optarg; break;
        case 'j': json = 1; break;
        case 'S': o.snippets = 0; break;
        case 'l':
            if (nx_cli_parse_uint(optarg, "--limit", 10000, &v) != 0)
                return NX_EXIT_USAGE;
            o.limit = v;
            break;
        case 'o':
            if (nx_cli_parse_uint(optarg, "--offset", 1000000, &v) != 0)
                return NX_EXIT_USAGE;
            o.offset = v;
            break;
        case 'h': usage(stdout); return NX_EXIT_OK;
        default: usage(stderr); return NX_EXIT_USAGE;
        }
    }
    const char *db_path = nx_cli_db_path(db_option);
    if (!db_path || optind >= argc) {
        fprintf(stderr, "newsdex search: %s\n",
                !db_path ? "no index given (use --db DIR or set NEWSDEX_DB)" : "no query given");
        usage(stderr);
        return NX_EXIT_USAGE;
    }
    char *query = join_args(argc - optind, argv + optind);
    if (!query) {
        fprintf(stderr, "newsdex: out of memory\n");
        return NX_EXIT_INDEX;
    }
    o.query = query;
    int rc = run_search(db_path, &o, json);
    free(query);
    return rc;
}
