/* Shared by `newsdex search` and `newsdex similar` (the CLI side): their
 * common options, and printing a page of results. */
#ifndef NX_SEARCH_CLI_H
#define NX_SEARCH_CLI_H

#include <stdio.h>

#include "newsdex.h"
#include "result_format.h"

/* --db given more than once: the indexes are searched as one. */
#define NX_SEARCH_CLI_MAX_DBS 64

/* Exit status of `newsdex search` and `newsdex similar` when a search went
 * over one of its limits (--time-limit, --max-wildcard-terms, --max-counted,
 * --max-query-terms, --max-depth). Next to the NX_EXIT_* of cli/commands.h. */
#define NX_EXIT_LIMIT 7

/* What the options of `newsdex search` and `newsdex similar` asked for. */
typedef struct search_args {
    const char *db_path;
    const char *db_paths[NX_SEARCH_CLI_MAX_DBS]; /* every --db, in order */
    size_t n_db;                                 /* > 1: newsdex_db_open_many() */
    newsdex_search_options o;
    int json;
    int explain;
    int batch;      /* one query per line on stdin, one JSON line per query */
    int color;      /* -1 auto (a terminal), 0 never, 1 always */
    int64_t limits[NEWSDEX_LIMITS]; /* the limit options; -1: the library's default */
    newsdex_db_open_options open;   /* --shard-timeout, --partial */
} search_args;

/* Reads the options into run (run->o initialised first) and sets *db_option;
 * prints problems with the usage function. Returns -1 to go on, else an exit
 * status; optind is left at the first operand. */
int nx_search_cli_options(int argc, char **argv, search_args *run, const char **db_option,
                          void (*usage)(FILE *out));

/* Prints r as run says (JSON or text, with highlights on a terminal). */
int nx_search_cli_print(const search_args *run, const char *query, const newsdex_results *r,
                        const nx_explanation *e);

/* Opens run->db_path (or every run->db_paths) and sets the limits the
 * options gave, printing why not; returns an exit status. */
int nx_search_cli_open(const search_args *run, newsdex_db **db);

/* Exit status for a failed search call, after printing its message. */
int nx_search_cli_report(newsdex_db *db, newsdex_status st);

#endif
