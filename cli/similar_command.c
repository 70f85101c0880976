/* `newsdex similar --db DIR ID`: the articles most like article ID. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "newsdex.h"
#include "search_cli.h"
#include "commands.h"

static void usage(FILE *out)
{
    fputs("usage: newsdex similar [--db DIR] [OPTIONS] ID\n"
          "The articles most like article ID (by the words that set it apart), best first;\n"
          "the article itself is left out.\n"
          "  --db DIR         index directory (default: $NEWSDEX_DB)\n"
          "  --limit N, --offset N, --from DATE, --to DATE, --sort ORDER, --half-life DAYS,\n"
          "  --facets, --histogram BY, --collapse, --json, --no-snippets, --color WHEN,\n"
           "  --time-limit SECONDS, --max-counted N, --max-depth N (and the other limits),\n"
           "  --shard-timeout SECONDS, --partial\n"
           "                   as for `newsdex search` (over a limit: exit status 7)\n"
           "  --explain        print the words searched for (stems) and their weights\n",
          out);
}

static const char *check(int argc, const search_args *run)
{
    if (!run->db_path)
        return "no index given (use --db DIR or set NEWSDEX_DB)";
    if (run->batch || run->o.any)
        return "--batch and --any are for `newsdex search`";
    if (optind >= argc)
        return "no article id given";
    if (optind + 1 < argc)
        return "give one article id";
    return NULL;
}

int cmd_similar(int argc, char **argv)
{
    search_args run = {0};
    newsdex_search_options_init(&run.o);
    const char *db_option = NULL;
    int rc = nx_search_cli_options(argc, argv, &run, &db_option, usage);
    if (rc >= 0)
        return rc;
    run.db_path = nx_cli_db_path(db_option);
    const char *problem = check(argc, &run);
    if (problem) {
        fprintf(stderr, "newsdex similar: %s\n", problem);
        usage(stderr);
        return NX_EXIT_USAGE;
    }
    const char *id = argv[optind];
    newsdex_db *db = NULL;
    if ((rc = nx_search_cli_open(&run, &db)) != NX_EXIT_OK)
        return rc;
    newsdex_results *r = NULL;
    newsdex_status st = newsdex_similar(db, id, &run.o, &r);
    if (st == NEWSDEX_ERR_NOT_FOUND) {
        fprintf(stderr, "newsdex: %s\n", newsdex_db_last_error(db));
        rc = NX_EXIT_USAGE;
    } else if (st != NEWSDEX_OK) {
        rc = nx_search_cli_report(db, st);
    } else {
        char label[256];
        snprintf(label, sizeof label, "similar to %s", id);
        nx_explanation e = {NULL, NULL, run.explain};
        rc = nx_search_cli_print(&run, label, r, &e);
    }
    newsdex_results_free(r);
    newsdex_db_close(db);
    return rc;
}
