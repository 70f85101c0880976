/* `newsdex search --db DIR QUERY`: ranked results as text or JSON.
 * Also `newsdex help query`, which prints the query language. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "newsdex.h"
#include "query_parser.h"
#include "result_format.h"
#include "../cli/commands.h"

static void usage(FILE *out)
{
    fputs("usage: newsdex search [--db DIR] [OPTIONS] QUERY...\n"
          "  --db DIR       index directory (default: $NEWSDEX_DB)\n"
          "  --limit N      results to show (default 10, at most 10000)\n"
          "  --offset N     results to skip (default 0)\n"
          "  --from DATE    only articles dated on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD, UTC)\n"
          "  --to DATE      only articles dated on or before DATE (a year or month: its end)\n"
          "  --json         print one JSON object\n"
          "  --no-snippets  leave out snippets\n"
          "  --explain      print the parsed query and the Xapian query before the results\n"
          "Query: words are all required and match any inflection; \"quoted phrases\"\n"
          "match words in order; a OR b; -word excludes; (parentheses) group;\n"
          "title:, source:, topic:, date:2024-01, \"rate cut\"~5, layoff*.\n"
          "`newsdex help query` describes the whole query language.\n",
          out);
}

/* The query is every remaining argument joined by spaces. */
static char *join_args(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *q = malloc(len), *p = q;
    if (!q)
        return NULL;
    for (int i = 0; i < argc; i++) {
        size_t n = strlen(argv[i]);
        if (i)
            *p++ = ' ';
        memcpy(p, argv[i], n);
        p += n;
    }
    *p = '\0';
    return q;
}

static int exit_for(newsdex_status st)
{
    if (st == NEWSDEX_ERR_QUERY || st == NEWSDEX_ERR_INVALID)
        return NX_EXIT_USAGE;
    return NX_EXIT_INDEX;
}

typedef struct search_run {
    const char *db_path;
    newsdex_search_options o;
    int json;
    int explain;
} search_run;

static int report(newsdex_db *db, newsdex_status st)
{
    fprintf(stderr, "newsdex: %s\n", newsdex_db_last_error(db));
    return exit_for(st);
}

static int search_and_print(newsdex_db *db, const search_run *run)
{
    nx_explanation e = {NULL, NULL};
    char *tree = NULL, *xapian = NULL;
    if (run->explain) {
        newsdex_status st = newsdex_explain(db, &run->o, &tree, &xapian);
        if (st != NEWSDEX_OK)
            return report(db, st);
        e.tree = tree;
        e.xapian = xapian;
    }
    newsdex_results *r = NULL;
    newsdex_status st = newsdex_search(db, &run->o, &r);
    int rc = NX_EXIT_OK;
    if (st != NEWSDEX_OK)
        rc = report(db, st);
    else if ((run->json ? nx_format_json(stdout, run->o.query, &run->o, r, &e)
                        : nx_format_text(stdout, run->o.query, &run->o, r, &e)) != 0) {
        fprintf(stderr, "newsdex: out of memory formatting results\n");
        rc = NX_EXIT_INDEX;
    }
    newsdex_results_free(r);
    free(tree);
    free(xapian);
    return rc;
}

static int run_search(const search_run *run)
{
    newsdex_db *db = NULL;
    char *message = NULL;
    newsdex_status st = newsdex_db_open(run->db_path, &db, &message);
    if (st != NEWSDEX_OK) {
        fprintf(stderr, "newsdex: %s\n", message ? message : newsdex_status_to_string(st));
        free(message);
        return NX_EXIT_INDEX;
    }
    int rc = search_and_print(db, run);
    newsdex_db_close(db);
    return rc;
}

/* Reads the options into run; returns -1 to go on, else an exit status. */
static int parse_options(int argc, char **argv, search_run *run, const char **db_option)
{
    static const struct option options[] = {
        {"db", required_argument, NULL, 'd'},     {"limit", required_argument, NULL, 'l'},
        {"offset", required_argument, NULL, 'o'}, {"json", no_argument, NULL, 'j'},
        {"no-snippets", no_argument, NULL, 'S'},  {"help", no_argument, NULL, 'h'},
        {"from", required_argument, NULL, 'F'},   {"to", required_argument, NULL, 'T'},
        {"explain", no_argument, NULL, 'E'},      {NULL, 0, NULL, 0},
    };
    int c;
    unsigned v;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+d:l:o:jh", options, NULL)) != -1) {
        switch (c) {
        case 'd': *db_option = optarg; break;
        case 'j': run->json = 1; break;
        case 'S': run->o.snippets = 0; break;
        case 'F': run->o.from = optarg; break;
        case 'T': run->o.to = optarg; break;
        case 'E': run->explain = 1; break;
        case 'l':
            if (nx_cli_parse_uint(optarg, "--limit", 10000, &v) != 0)
                return NX_EXIT_USAGE;
            run->o.limit = v;
            break;
        case 'o':
            if (nx_cli_parse_uint(optarg, "--offset", 1000000, &v) != 0)
                return NX_EXIT_USAGE;
            run->o.offset = v;
            break;
        case 'h': usage(stdout); return NX_EXIT_OK;
        default: usage(stderr); return NX_EXIT_USAGE;
        }
    }
    return -1;
}

int cmd_search(int argc, char **argv)
{
    search_run run = {0};
    newsdex_search_options_init(&run.o);
    const char *db_option = NULL;
    int rc = parse_options(argc, argv, &run, &db_option);
    if (rc >= 0)
        return rc;
    run.db_path = nx_cli_db_path(db_option);
    if (!run.db_path || optind >= argc) {
        fprintf(stderr, "newsdex search: %s\n",
                !run.db_path ? "no index given (use --db DIR or set NEWSDEX_DB)"
                             : "no query given");
        usage(stderr);
        return NX_EXIT_USAGE;
    }
    char *query = join_args(argc - optind, argv + optind);
    if (!query) {
        fprintf(stderr, "newsdex: out of memory\n");
        return NX_EXIT_INDEX;
    }
    run.o.query = query;
    rc = run_search(&run);
    free(query);
    return rc;
}

/* `newsdex help TOPIC`: the only topic so far is "query". */
int cmd_help(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "query") == 0) {
        fputs(nx_query_help(), stdout);
        return NX_EXIT_OK;
    }
    fprintf(stderr, "newsdex help: no help on \"%s\" (try: newsdex help query)\n",
            argc >= 2 ? argv[1] : "");
    return NX_EXIT_USAGE;
}
