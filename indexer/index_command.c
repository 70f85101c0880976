/* `newsdex index --db DIR FILE...`: read articles, add or replace them by id,
 * report bad records as FILE:LINE: reason, end with a one-line summary. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "newsdex.h"
#include "reader.h"
#include "../cli/commands.h"

typedef struct index_run {
    newsdex_writer *writer;
    unsigned long added, replaced, rejected;
    int input_failed;   /* some input could not be read (fully) */
    int index_failed;   /* the index refused a write: stop */
} index_run;

static void usage(FILE *out)
{
    fputs("usage: newsdex index [--db DIR] FILE...\n"
          "Adds the articles in each FILE (.jsonl or .jsonl.gz; - for standard input)\n"
          "to the index in DIR, replacing articles with the same id.\n"
          "  --db DIR    index directory (default: $NEWSDEX_DB); created if missing\n",
          out);
}

static void put_article(index_run *run, const char *path, unsigned long line,
                        const newsdex_article *article)
{
    newsdex_put_outcome outcome;
    newsdex_status st = newsdex_writer_put(run->writer, article, &outcome);
    if (st == NEWSDEX_OK) {
        if (outcome == NEWSDEX_PUT_REPLACED)
            run->replaced++;
        else
            run->added++;
    } else if (st == NEWSDEX_ERR_INVALID) {
        fprintf(stderr, "%s:%lu: %s\n", path, line, newsdex_writer_last_error(run->writer));
        run->rejected++;
    } else {
        fprintf(stderr, "%s:%lu: cannot write to the index: %s\n", path, line,
                newsdex_writer_last_error(run->writer));
        run->index_failed = 1;
    }
}

static void index_file(index_run *run, const char *path)
{
    nx_error err;
    nx_error_clear(&err);
    nx_reader *reader = NULL;
    if (nx_reader_open(path, &reader, &err) != NEWSDEX_OK) {
        fprintf(stderr, "%s: %s\n", path, err.message);
        run->input_failed = 1;
        return;
    }
    newsdex_article article;
    while (!run->index_failed) {
        nx_read_result r = nx_reader_next(reader, &article, &err);
        if (r == NX_READ_END)
            break;
        unsigned long line = nx_reader_line(reader);
        if (r == NX_READ_ARTICLE) {
            put_article(run, path, line, &article);
        } else if (r == NX_READ_REJECTED) {
            fprintf(stderr, "%s:%lu: %s\n", path, line, err.message);
            run->rejected++;
        } else {
            fprintf(stderr, "%s:%lu: %s\n", path, line, err.message);
            run->input_failed = 1;
            break;
        }
    }
    nx_reader_close(reader);
}

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static int open_writer(const char *db_path, index_run *run)
{
    char *message = NULL;
    newsdex_status st = newsdex_writer_open(db_path, &run->writer, &message);
    if (st == NEWSDEX_OK)
        return NX_EXIT_OK;
    fprintf(stderr, "newsdex: %s\n", message ? message : newsdex_status_to_string(st));
    free(message);
    return st == NEWSDEX_ERR_LOCKED ? NX_EXIT_LOCKED : NX_EXIT_INDEX;
}

/* Commits and closes; returns non-zero if what was indexed may not be saved. */
static int finish(index_run *run)
{
    int failed = 0;
    if (newsdex_writer_commit(run->writer) != NEWSDEX_OK) {
        fprintf(stderr, "newsdex: commit failed: %s\n", newsdex_writer_last_error(run->writer));
        failed = 1;
    }
    uint64_t count = 0;
    newsdex_writer_count(run->writer, &count);
    if (newsdex_writer_close(run->writer) != NEWSDEX_OK)
        failed = 1;
    run->writer = NULL;
    return failed ? -1 : (int)(count > 0x7fffffff ? 0x7fffffff : count);
}

int cmd_index(int argc, char **argv)
{
    static const struct option options[] = {
        {"db", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db_option = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:h", options, NULL)) != -1) {
        if (c == 'd') {
            db_option = optarg;
        } else if (c == 'h') {
            usage(stdout);
            return NX_EXIT_OK;
        } else {
            usage(stderr);
            return NX_EXIT_USAGE;
        }
    }
    const char *db_path = nx_cli_db_path(db_option);
    if (!db_path || optind >= argc) {
        fprintf(stderr, "newsdex index: %s\n", !db_path ? "no index given (use --db DIR or set NEWSDEX_DB)"
                                                         : "no input files given");
        usage(stderr);
        return NX_EXIT_USAGE;
    }
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    index_run run = {0};
    int rc = open_writer(db_path, &run);
    if (rc != NX_EXIT_OK)
        return rc;
    for (int i = optind; i < argc && !run.index_failed; i++)
        index_file(&run, argv[i]);
    int total = finish(&run);
    printf("indexed: %lu added, %lu replaced, %lu rejected in %.2f s; index holds %d articles\n",
           run.added, run.replaced, run.rejected, seconds_since(&start), total < 0 ? 0 : total);
    if (total < 0 || run.index_failed)
        return NX_EXIT_INDEX;
    if (run.input_failed)
        return NX_EXIT_INPUT;
    return run.rejected ? NX_EXIT_REJECTED : NX_EXIT_OK;
}
