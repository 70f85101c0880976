/* `newsdex delete --db DIR ID...`: delete articles by id, atomically in
 * batches, with the same locking, signal and exit-status rules as `index`. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "newsdex.h"
#include "commands.h"

typedef struct delete_run {
    newsdex_writer *writer;
    unsigned long deleted, missing, rejected;
    int failed;               /* the index refused a write: stop */
    int interrupted;          /* a signal stopped us before the last id */
    newsdex_status status;
} delete_run;

static void usage(FILE *out)
{
    fputs("usage: newsdex delete [--db DIR] [--wait-lock SECS] ID...\n"
          "Deletes the articles with these ids from the index in DIR.\n"
          "An ID of - reads ids from standard input, one per line.\n"
          "  --db DIR          index directory (default: $NEWSDEX_DB)\n"
          "  --wait-lock SECS  wait up to SECS for another writer to finish\n",
          out);
}

static void delete_one(delete_run *run, const char *id)
{
    int found = 0;
    newsdex_status st = newsdex_writer_delete(run->writer, id, &found);
    if (st == NEWSDEX_OK && found) {
        run->deleted++;
    } else if (st == NEWSDEX_OK) {
        fprintf(stderr, "%s: not in the index\n", id);
        run->missing++;
    } else if (st == NEWSDEX_ERR_INVALID) {
        fprintf(stderr, "%s: %s\n", id, newsdex_writer_last_error(run->writer));
        run->rejected++;
    } else {
        fprintf(stderr, "%s: cannot write to the index: %s\n", id,
                newsdex_writer_last_error(run->writer));
        run->failed = 1;
        run->status = st;
    }
}

/* Ids from standard input, one per line; blank lines are skipped. */
static void delete_from_stdin(delete_run *run)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while (!run->failed && !(run->interrupted = nx_cli_stop_signal() != 0) &&
           (n = getline(&line, &cap, stdin)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n > 0)
            delete_one(run, line);
    }
    free(line);
}

/* Deleting from an index that does not exist is an error, not a reason to
 * create an empty one. */
static int require_index(const char *db_path)
{
    newsdex_db *db = NULL;
    char *message = NULL;
    newsdex_status st = newsdex_db_open(db_path, &db, &message);
    newsdex_db_close(db);
    if (st == NEWSDEX_OK)
        return NX_EXIT_OK;
    nx_cli_report_open_error(db_path, st, message);
    free(message);
    return NX_EXIT_INDEX;
}

static int parse_options(int argc, char **argv, const char **db_option, unsigned *wait_lock)
{
    static const struct option options[] = {
        {"db", required_argument, NULL, 'd'},
        {"wait-lock", required_argument, NULL, 'w'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+d:h", options, NULL)) != -1) {
        if (c == 'd')
            *db_option = optarg;
        else if (c == 'w' && nx_cli_parse_uint(optarg, "--wait-lock", 86400, wait_lock) == 0)
            continue;
        else if (c == 'h') {
            usage(stdout);
            return NX_EXIT_OK;
        } else {
            usage(stderr);
            return NX_EXIT_USAGE;
        }
    }
    return -1;
}

static int finish(delete_run *run)
{
    newsdex_status st = run->failed ? run->status : newsdex_writer_commit(run->writer);
    if (!run->failed && st != NEWSDEX_OK)
        fprintf(stderr, "newsdex: commit failed: %s\n", newsdex_writer_last_error(run->writer));
    uint64_t total = 0;
    newsdex_writer_count(run->writer, &total);
    newsdex_writer_counts counts;
    newsdex_writer_get_counts(run->writer, &counts);
    newsdex_status closed = newsdex_writer_close(run->writer);
    if (st == NEWSDEX_OK)
        st = closed;
    printf("deleted: %llu, not found: %lu, rejected: %lu; index holds %llu articles\n",
           (unsigned long long)counts.deleted, run->missing, run->rejected,
           (unsigned long long)total);
    if (st != NEWSDEX_OK)
        return nx_cli_exit_for_status(st);
    if (run->interrupted) {
        fprintf(stderr, "newsdex: interrupted; the deletions above were committed\n");
        return NX_EXIT_SIGNAL + nx_cli_stop_signal();
    }
    return run->rejected ? NX_EXIT_REJECTED : NX_EXIT_OK;
}

int cmd_delete(int argc, char **argv)
{
    const char *db_option = NULL;
    unsigned wait_lock = 0;
    int rc = parse_options(argc, argv, &db_option, &wait_lock);
    if (rc >= 0)
        return rc;
    const char *db_path = nx_cli_db_path(db_option);
    if (!db_path || optind >= argc) {
        fprintf(stderr, "newsdex delete: %s\n",
                !db_path ? "no index given (use --db DIR or set NEWSDEX_DB)" : "no ids given");
        usage(stderr);
        return NX_EXIT_USAGE;
    }
    if ((rc = require_index(db_path)) != NX_EXIT_OK)
        return rc;
    delete_run run = {0};
    nx_cli_catch_stop_signals();
    if ((rc = nx_cli_open_writer_sharded(db_path, nx_cli_shard_by_of(db_path), wait_lock,
                                         &run.writer)) != NX_EXIT_OK)
        return rc;
    for (int i = optind; i < argc && !run.failed; i++) {
        if (nx_cli_stop_signal()) {
            run.interrupted = 1;
            break;
        }
        if (strcmp(argv[i], "-") == 0)
            delete_from_stdin(&run);
        else
            delete_one(&run, argv[i]);
    }
    return finish(&run);
}
