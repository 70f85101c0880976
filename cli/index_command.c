/* `newsdex index --db DIR FILE...`: read articles; add, replace, skip
 * (unchanged) or delete them by id in atomic batches; report bad records as
 * FILE:LINE: reason; end with a one-line summary. Built to run unattended:
 * SIGINT/SIGTERM commit what was read and stop, a locked index can be
 * waited for, and the exit status tells a nightly job what happened. */
#define _GNU_SOURCE /* vasprintf */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "newsdex.h"
#include "commands.h"
#include "id_set.h"
#include "index_jobs.h"
#include "progress.h"
#include "write_queue.h"

enum progress_mode { PROGRESS_AUTO, PROGRESS_ALWAYS, PROGRESS_NEVER };

typedef struct index_opts {
    const char *db_path;
    const char *format;       /* --format, for the reader hook below */
    unsigned batch_size;
    unsigned wait_lock;       /* seconds */
    int prune;
    int strict_dates;         /* --strict-dates */
    int article_positions;     /* --article-positions */
    newsdex_shard_by shard_by; /* --shard-by */
    enum progress_mode progress;
    unsigned jobs;            /* --jobs: worker processes (cli/index_jobs.c) */
    unsigned shard_articles;  /* --shard-articles: articles per temporary shard */
    const char *encoding;     /* --encoding, or NULL: UTF-8 */
    const char *source;       /* --source: for articles without one */
    const char *date;         /* --date: for articles without one */
} index_opts;

typedef struct index_run {
    newsdex_writer *writer;
    newsdex_builder *builder;         /* with queue: builds here, ahead of the writer */
    nx_write_queue *queue;            /* NULL: each article is put here */
    unsigned long rejected;
    unsigned long truncated;          /* articles indexed only in part */
    unsigned long undated;            /* articles kept without their unreadable date */
    unsigned long empty;              /* input files that held no record */
    unsigned long skipped;            /* files of directories passed over */
    unsigned long invalid_files;      /* files with bytes replaced by U+FFFD */
    unsigned long long invalid_bytes;
    const char *encoding;             /* the input's encoding, as named */
    char skipped_names[1024];         /* the first of them, "PATH (why), ..." */
    unsigned long long records;       /* articles and deletions read */
    unsigned long long bytes_done;    /* input bytes of finished files */
    unsigned long long total_bytes;   /* 0 = unknown */
    id_set *seen;                     /* ids read, for --prune */
    int seen_failed;                  /* out of memory tracking ids */
    unsigned long unidentified;       /* rejected records whose id is unknown */
    int input_failed;                 /* some input could not be read (fully) */
    int index_failed;                 /* the index refused a write: stop */
    newsdex_status index_status;
    int interrupted;                  /* a signal stopped the run before the end */
    int bad_option;                   /* a reader refused --encoding or --date */
    char stopped_after[1100];         /* FILE:LINE of the last record read then */
    double seconds;                   /* the run's duration, taken once when it is
                                         recorded: the summary and `stats` show it */
    nx_progress_line progress;
    struct timespec started;
} index_run;

/* ---- Signals and shared writer helpers (also used by `newsdex delete`) ---- */

static volatile sig_atomic_t stop_signal;

/* First signal: stop between records, commit, report. A second one means
 * "now": die at once; committed batches are safe anyway. */
static void on_stop_signal(int sig)
{
    if (stop_signal) {
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    stop_signal = sig;
}

void nx_cli_catch_stop_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    /* Restart reads and writes: zlib and Xapian would otherwise see EINTR as
     * an I/O error. The flag is checked between records. */
    sa.sa_flags = SA_RESTART;
    /* A file size limit must be a write error (exit 6), not a killed process. */
    signal(SIGXFSZ, SIG_IGN);
    const int signals[] = {SIGINT, SIGTERM};
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        struct sigaction old;
        /* Ignored on entry (a background job of a script): keep it ignored. */
        if (sigaction(signals[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(signals[i], &sa, NULL);
    }
}

int nx_cli_stop_signal(void)
{
    return (int)stop_signal;
}

int nx_cli_exit_for_status(newsdex_status st)
{
    switch (st) {
    case NEWSDEX_OK: return NX_EXIT_OK;
    case NEWSDEX_ERR_LOCKED: return NX_EXIT_LOCKED;
    case NEWSDEX_ERR_NOSPACE: return NX_EXIT_NOSPACE;
    default: return NX_EXIT_INDEX;
    }
}

static void sleep_seconds(double s)
{
    struct timespec t = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&t, NULL); /* a signal cuts it short, which is what we want */
}

int nx_cli_open_writer(const char *db_path, unsigned wait_seconds, newsdex_writer **writer)
{
    return nx_cli_open_writer_sharded(db_path, NEWSDEX_SHARD_NONE, wait_seconds, writer);
}

int nx_cli_open_writer_sharded(const char *db_path, newsdex_shard_by by, unsigned wait_seconds,
                               newsdex_writer **writer)
{
    double deadline = nx_monotonic_seconds() + wait_seconds, delay = 0.05;
    for (int attempt = 0;; attempt++) {
        char *message = NULL;
        newsdex_status st = newsdex_writer_open_sharded(db_path, by, writer, &message);
        if (st == NEWSDEX_OK)
            return NX_EXIT_OK;
        double left = deadline - nx_monotonic_seconds();
        if (st != NEWSDEX_ERR_LOCKED || left <= 0 || stop_signal) {
            fprintf(stderr, "newsdex: %s\n", message ? message : newsdex_status_to_string(st));
            free(message);
            return stop_signal ? NX_EXIT_SIGNAL + (int)stop_signal : nx_cli_exit_for_status(st);
        }
        if (attempt == 0)
            fprintf(stderr, "newsdex: %s; waiting up to %u s\n",
                    message ? message : "index locked", wait_seconds);
        free(message);
        sleep_seconds(delay < left ? delay : left);
        delay = delay * 2 < 1.0 ? delay * 2 : 1.0; /* back off, but stay responsive */
    }
}

/* ---- What the run prints about its records ---- */

static void print_line(const char *line, void *ctx)
{
    index_run *run = ctx;
    nx_progress_clear(&run->progress);
    fprintf(stderr, "%s\n", line);
}

/* A line about the records: printed now, or, while the writing thread runs,
 * after every record before it is written, so lines keep the input order. */
static void say(index_run *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(index_run *run, const char *fmt, ...)
{
    char *line = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&line, fmt, ap) < 0)
        line = NULL;
    va_end(ap);
    if (run->queue && line)
        nx_write_queue_say(run->queue, line);
    else
        print_line(line ? line : "newsdex: out of memory", run);
    free(line);
}

static void end_after_fatal(index_run *run, newsdex_status status) __attribute__((noreturn));

/* Prints what the writing thread has sent back; notes a failed write. */
static void drain(index_run *run)
{
    if (!run->queue)
        return;
    for (char *line; (line = nx_write_queue_take_line(run->queue)); free(line))
        print_line(line, run);
    newsdex_status st;
    if (nx_write_queue_lost(run->queue)) {
        nx_write_queue_failed(run->queue, &st);
        end_after_fatal(run, st);
    }
    if (nx_write_queue_failed(run->queue, &st) && !run->index_failed) {
        run->index_failed = 1;
        run->index_status = st;
    }
}

/* Reading and building overlap writing when a second thread can write;
 * else (no memory, no thread) each article is put here. */
static void start_queue(index_run *run)
{
    if (newsdex_builder_new(run->writer, &run->builder) == NEWSDEX_OK &&
        (run->queue = nx_write_queue_start(run->writer)))
        return;
    newsdex_builder_free(run->builder);
    run->builder = NULL;
}

/* Waits for every queued article to be written and stops the thread. */
static void stop_queue(index_run *run)
{
    if (!run->queue)
        return;
    unsigned long rejected = 0;
    newsdex_status st = NEWSDEX_OK;
    if (!nx_write_queue_finish(run->queue, print_line, run, &rejected, &st))
        end_after_fatal(run, st);
    run->queue = NULL;
    run->rejected += rejected;
    if (st != NEWSDEX_OK && !run->index_failed) {
        run->index_failed = 1;
        run->index_status = st;
    }
    uint64_t n = 0;
    newsdex_writer_undated_count(run->writer, &n);
    run->undated = (unsigned long)n;
    newsdex_writer_truncated_count(run->writer, &n);
    run->truncated = (unsigned long)n;
}

/* ---- Progress ---- */

static void show_progress(index_run *run, const newsdex_reader *reader)
{
    nx_progress_show(&run->progress, &run->started, run->records,
                     run->bytes_done + newsdex_reader_bytes(reader), run->total_bytes);
}

/* ---- Reading ---- */

static void usage(FILE *out)
{
    fputs("usage: newsdex index [--db DIR] [OPTIONS] FILE|DIR...\n"
          "Adds the articles in each FILE (JSON Lines .jsonl, Reuters SGML .sgm, plain\n"
          "text .txt, each optionally .gz; - for standard input; a DIR is read\n"
          "recursively) to the index in DIR: new ids are added, changed articles\n"
          "replaced, unchanged ones skipped; records {\"id\": ..., \"deleted\": true} delete.\n"
          "  --db DIR           index directory (default: $NEWSDEX_DB); created if missing\n"
          "  --prune            also delete every article whose id is not in this run's\n"
          "                     input (for full syncs; skipped if any input is damaged)\n"
          "  --wait-lock SECS   wait up to SECS for another writer to finish\n"
          "  --batch-size N     articles per atomic commit (default 10000)\n"
          "  --format FMT       read every input as jsonl, sgml or text\n"
          "  --encoding NAME    input encoding: utf-8 (default; invalid bytes are replaced\n"
          "                     and counted), cp1252 (windows-1252) or latin1\n"
          "  --source NAME      source of the articles that give none\n"
          "  --date DATE        date of the articles that give none\n"
          "  --strict-dates     reject articles whose date cannot be read (default: keep\n"
          "                     them undated, with a warning)\n"
          "  --article-positions\n"
          "                     keep each article's word positions in its stored record,\n"
          "                     not in Xapian's position table: faster builds and nights,\n"
          "                     a smaller index, slower phrase and NEAR queries; not for\n"
          "                     an index served by xapian-tcpsrv\n"
          "  --shard-by year    DIR is an archive of one index per year (DIR/YYYY/, and\n"
          "                     DIR/undated/) that searches open as one (--db DIR)\n"
          "  --shard-by arrival DIR is an archive of the index as last folded by\n"
          "                     `newsdex compact` (DIR/main-a/ or main-b/) and the\n"
          "                     articles added since (DIR/recent/): a night's new\n"
          "                     articles cost what a small index costs\n"
          "  --progress=WHEN    auto (on a terminal), always or never\n"
          "  --jobs N           N worker processes index contiguous parts of the input\n"
          "                     (split at record boundaries), merged into DIR as one\n"
          "                     process would index them (default 1; not with --prune\n"
          "                     or --shard-by)\n"
          "  --shard-articles N with --jobs: each worker starts a new temporary shard\n"
          "                     every N articles, since a small index takes articles\n"
          "                     faster than a large one (default 25000; 0: one shard\n"
          "                     per worker)\n"
          "SIGINT/SIGTERM: commit what was read, report, exit 128+signal.\n",
          out);
}

/* Inside a directory walk, records are reported under the file they came
 * from. */
static const char *input_path(const newsdex_reader *reader, const char *path)
{
    const char *current = newsdex_reader_path(reader);
    return current && *current ? current : path;
}

static void remember_id(index_run *run, const newsdex_article *article)
{
    if (run->seen && article->id && !article->deleted && id_set_add(run->seen, article->id) < 0)
        run->seen_failed = 1;
}

/* Built here, written by the queue's thread. */
static void queue_article(index_run *run, const char *path, unsigned long line,
                          const newsdex_article *article)
{
    newsdex_built *built = NULL;
    newsdex_status st = newsdex_builder_build(run->builder, article, &built);
    if (st == NEWSDEX_ERR_INVALID) {
        say(run, "%s:%lu: %s", path, line, newsdex_builder_last_error(run->builder));
        run->rejected++;
    } else if (st != NEWSDEX_OK) {
        say(run, "%s:%lu: cannot write to the index: %s", path, line,
            newsdex_builder_last_error(run->builder));
        run->index_failed = 1;
        run->index_status = st;
    } else if (!nx_write_queue_put(run->queue, built, path, line)) {
        drain(run); /* says why, and stops the run */
    }
}

static void put_article(index_run *run, const char *path, unsigned long line,
                        const newsdex_article *article)
{
    remember_id(run, article);
    if (run->queue) {
        queue_article(run, path, line, article);
        return;
    }
    uint64_t undated = 0, truncated = 0;
    newsdex_status st = newsdex_writer_put(run->writer, article, NULL);
    if (st == NEWSDEX_OK) {
        const char *warning = newsdex_writer_last_warning(run->writer);
        if (warning[0]) {
            say(run, "%s:%lu: warning: %s", path, line, warning);
            newsdex_writer_undated_count(run->writer, &undated);
            newsdex_writer_truncated_count(run->writer, &truncated);
            run->undated = (unsigned long)undated;
            run->truncated = (unsigned long)truncated;
        }
        return;
    }
    if (st == NEWSDEX_ERR_INVALID) {
        say(run, "%s:%lu: %s", path, line, newsdex_writer_last_error(run->writer));
        run->rejected++;
        return;
    }
    say(run, "%s:%lu: cannot write to the index: %s", path, line,
        newsdex_writer_last_error(run->writer));
    run->index_failed = 1;
    run->index_status = st;
}

/* Handles one reader result; returns 0 when this input is finished. */
static int handle_record(index_run *run, newsdex_reader *reader, const char *arg,
                         newsdex_read r, const newsdex_article *article)
{
    if (r == NEWSDEX_READ_END)
        return 0;
    run->records++;
    if (r == NEWSDEX_READ_ARTICLE) {
        const char *warning = newsdex_reader_last_warning(reader);
        if (warning[0])
            say(run, "%s", warning);
        put_article(run, input_path(reader, arg), newsdex_reader_line(reader), article);
        return 1;
    }
    /* FILE:LINE: reason, or FILE: reason for a file of a directory walk
     * that could not be opened */
    say(run, "%s", newsdex_reader_last_error(reader));
    if (r == NEWSDEX_READ_REJECTED) {
        run->rejected++;
        run->unidentified++;
        return 1;
    }
    run->input_failed = 1;
    return 1; /* a directory walk goes on with the next file; else the end comes */
}

/* Once per file, as its reading ends: bytes that were not characters of
 * the encoding and became U+FFFD. */
static void note_invalid(index_run *run, newsdex_reader *reader, size_t *warned)
{
    for (; *warned < newsdex_reader_invalid_count(reader); ++*warned) {
        unsigned long line = 0;
        uint64_t bytes = 0;
        const char *path = newsdex_reader_invalid_file(reader, *warned, &line, &bytes);
        say(run, "%s:%lu: warning: not valid %s: %llu byte%s replaced by U+FFFD in this file, the "
                 "first on this line%s",
            path, line, run->encoding, (unsigned long long)bytes, bytes == 1 ? "" : "s",
            strcmp(run->encoding, "UTF-8") ? "" : " (--encoding cp1252 or latin1 converts instead)");
        run->invalid_files++;
        run->invalid_bytes += bytes;
    }
}

/* Empty files are warned about as they end; files a directory walk passed
 * over are counted and the first of them named in the summary. */
static void note_skipped(index_run *run, newsdex_reader *reader)
{
    size_t n = newsdex_reader_skipped_count(reader);
    for (size_t i = 0; i < n; i++) {
        const char *why = "";
        const char *path = newsdex_reader_skipped(reader, i, &why);
        if (!strcmp(why, "empty")) {
            say(run, "%s: warning: empty file: no articles", path);
            run->empty++;
            continue;
        }
        size_t used = strlen(run->skipped_names);
        if (run->skipped < 10 && used + strlen(path) + strlen(why) + 8 < sizeof run->skipped_names)
            snprintf(run->skipped_names + used, sizeof run->skipped_names - used, "%s%s (%s)",
                     used ? ", " : "", path, why);
        run->skipped++;
    }
}

/* The options of a whole run every reader takes; 0 when they do not hold. */
static int configure_reader(newsdex_reader *reader, const index_opts *o)
{
    if ((o->encoding && newsdex_reader_set_encoding(reader, o->encoding) != NEWSDEX_OK) ||
        newsdex_reader_set_defaults(reader, o->source, o->date) != NEWSDEX_OK) {
        fprintf(stderr, "newsdex index: %s\n", newsdex_reader_last_error(reader));
        return 0;
    }
    return 1;
}

static void index_file(index_run *run, const char *arg, const index_opts *o)
{
    char *message = NULL;
    newsdex_reader *reader = NULL;
    if (newsdex_reader_open(arg, o->format, &reader, &message) != NEWSDEX_OK) {
        say(run, "%s", message ? message : "out of memory");
        free(message);
        run->input_failed = 1;
        return;
    }
    size_t warned_invalid = 0;
    if (!configure_reader(reader, o)) {
        newsdex_reader_close(reader);
        run->bad_option = 1;
        return;
    }
    newsdex_reader_set_stop_flag(reader, &stop_signal); /* even inside an endless line */
    const newsdex_article *article = NULL;
    while (!run->index_failed) {
        if (stop_signal) {
            run->interrupted = 1;
            snprintf(run->stopped_after, sizeof run->stopped_after, "%.1000s:%lu",
                     input_path(reader, arg), newsdex_reader_line(reader));
            break;
        }
        newsdex_read r = newsdex_reader_next(reader, &article);
        if (r == NEWSDEX_READ_STOPPED)
            continue; /* stop_signal is set: reported as interrupted above */
        note_invalid(run, reader, &warned_invalid);
        if (!handle_record(run, reader, arg, r, article))
            break;
        drain(run);
        show_progress(run, reader);
    }
    note_invalid(run, reader, &warned_invalid);
    note_skipped(run, reader);
    run->bytes_done += newsdex_reader_bytes(reader);
    newsdex_reader_close(reader);
}

/* ---- Pruning ---- */

static int keep_seen(const char *id, void *ctx)
{
    return id_set_has(ctx, id);
}

/* Why pruning would be unsafe now, or NULL: a damaged or partial input must
 * never delete articles. */
static const char *prune_blocker(const index_run *run)
{
    if (run->index_failed)
        return "the index could not be written";
    if (run->interrupted)
        return "the run was interrupted";
    if (run->input_failed)
        return "some input could not be read";
    if (run->unidentified)
        return "some rejected records have no readable id";
    if (run->seen_failed)
        return "out of memory tracking ids";
    if (!run->records)
        return "the input holds no articles";
    return NULL;
}

static void prune(index_run *run)
{
    const char *blocker = prune_blocker(run);
    if (blocker) {
        nx_progress_clear(&run->progress);
        fprintf(stderr, "newsdex: --prune skipped (%s); no article was pruned\n", blocker);
        return;
    }
    uint64_t pruned = 0;
    newsdex_status st = newsdex_writer_prune(run->writer, keep_seen, run->seen, &pruned);
    if (st != NEWSDEX_OK) {
        fprintf(stderr, "newsdex: pruning failed: %s\n", newsdex_writer_last_error(run->writer));
        run->index_failed = 1;
        run->index_status = st;
        return;
    }
    printf("pruned: %llu articles absent from this run's input\n", (unsigned long long)pruned);
}

/* ---- Finishing ---- */

static const char *outcome_name(const index_run *run)
{
    if (run->interrupted)
        return "interrupted";
    if (run->input_failed)
        return "input unreadable";
    return run->rejected ? "some records rejected" : "complete";
}

/* The summary `newsdex stats` shows as "last indexing run". */
static char *last_run_json(const index_run *run, const newsdex_writer_counts *c)
{
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    json_t *o = json_pack("{s:s, s:f, s:I, s:I, s:I, s:I, s:I, s:s}", "finished", when,
                          "seconds", run->seconds, "added", (json_int_t)c->added, "replaced",
                          (json_int_t)c->replaced, "unchanged", (json_int_t)c->unchanged,
                          "deleted", (json_int_t)c->deleted, "rejected",
                          (json_int_t)run->rejected, "outcome", outcome_name(run));
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return text;
}

/* The index could not be counted (it could not be opened, say). */
#define TOTAL_UNKNOWN UINT64_MAX

/* Records the run, commits and closes. Returns the index status. */
static newsdex_status finish(index_run *run, newsdex_writer_counts *counts, uint64_t *total)
{
    newsdex_status st = NEWSDEX_OK;
    run->seconds = nx_seconds_since(&run->started);
    if (!run->index_failed) {
        newsdex_writer_get_counts(run->writer, counts);
        char *json = last_run_json(run, counts);
        if (json)
            newsdex_writer_set_last_run(run->writer, json);
        free(json);
        st = newsdex_writer_commit(run->writer);
        if (st != NEWSDEX_OK)
            fprintf(stderr, "newsdex: commit failed: %s\n", newsdex_writer_last_error(run->writer));
    }
    newsdex_writer_get_counts(run->writer, counts);
    if (newsdex_writer_count(run->writer, total) != NEWSDEX_OK)
        *total = TOTAL_UNKNOWN;
    newsdex_status closed = newsdex_writer_close(run->writer);
    run->writer = NULL;
    return st != NEWSDEX_OK ? st : closed;
}

static void report(const index_run *run, const newsdex_writer_counts *c, uint64_t total)
{
    if (run->interrupted && !run->index_failed)
        fprintf(stderr, "newsdex: interrupted by %s after %s; everything read up to there was "
                        "committed\n",
                stop_signal == SIGINT ? "SIGINT" : "SIGTERM", run->stopped_after);
    if (run->index_failed)
        fprintf(stderr, "newsdex: the batch being written was not saved; committed batches "
                        "are intact, run again to finish\n");
    char truncated[256] = "";
    if (run->truncated) /* only then: the usual line stays as it was */
        snprintf(truncated, sizeof truncated, ", %lu truncated", run->truncated);
    if (run->undated)
        snprintf(truncated + strlen(truncated), sizeof truncated - strlen(truncated),
                 ", %lu kept undated", run->undated);
    if (run->empty)
        snprintf(truncated + strlen(truncated), sizeof truncated - strlen(truncated),
                 ", %lu empty file%s", run->empty, run->empty == 1 ? "" : "s");
    if (run->invalid_files)
        snprintf(truncated + strlen(truncated), sizeof truncated - strlen(truncated),
                 ", %lu file%s not valid %s (%llu byte%s replaced)", run->invalid_files,
                 run->invalid_files == 1 ? "" : "s", run->encoding, run->invalid_bytes,
                 run->invalid_bytes == 1 ? "" : "s");
    char holds[64] = "the index could not be counted";
    if (total != TOTAL_UNKNOWN)
        snprintf(holds, sizeof holds, "index holds %llu articles", (unsigned long long)total);
    printf("indexed: %llu added, %llu replaced, %llu unchanged, %llu deleted, %lu rejected%s in "
           "%.2f s; %s\n",
           (unsigned long long)c->added, (unsigned long long)c->replaced,
           (unsigned long long)c->unchanged, (unsigned long long)c->deleted, run->rejected,
           truncated, run->seconds > 0 ? run->seconds : nx_seconds_since(&run->started), holds);
    if (run->skipped) {
        size_t named = 0;
        for (const char *p = run->skipped_names; *p; p++)
            named += *p == '(';
        printf("skipped: %lu file%s not read: %s%s\n", run->skipped, run->skipped == 1 ? "" : "s",
               run->skipped_names, run->skipped > named ? ", ..." : "");
    }
    fflush(stdout);
}

static int exit_status(const index_run *run)
{
    if (run->bad_option)
        return NX_EXIT_USAGE;
    if (run->index_failed)
        return nx_cli_exit_for_status(run->index_status);
    if (run->interrupted)
        return NX_EXIT_SIGNAL + (int)stop_signal;
    if (run->input_failed)
        return NX_EXIT_INPUT;
    return run->rejected ? NX_EXIT_REJECTED : NX_EXIT_OK;
}

/* Xapian can abort on a failed write it cannot unwind (a full disk during a
 * commit). Its last commit is still intact, so report like any failed write
 * and exit with the documented status instead of dying with SIGABRT. */
static index_run *fatal_run;
static uint64_t fatal_initial_total;

static void end_after_fatal(index_run *run, newsdex_status status)
{
    run->index_failed = 1;
    run->index_status = status;
    newsdex_writer_counts c;
    newsdex_writer_get_committed_counts(run->writer, &c);
    nx_progress_clear(&run->progress);
    report(run, &c,
           fatal_initial_total == TOTAL_UNKNOWN ? TOTAL_UNKNOWN
                                                : fatal_initial_total + c.added - c.deleted);
    fflush(stderr);
    _exit(exit_status(run));
}

/* On the writing thread, the main thread is told and reports alone. */
static void on_fatal_index_error(newsdex_status status, const char *message)
{
    index_run *run = fatal_run;
    char line[1100];
    snprintf(line, sizeof line, "newsdex: cannot write to the index: %.1000s", message);
    if (run->queue && nx_write_queue_on_writer_thread(run->queue))
        nx_write_queue_lose_writer(run->queue, status, line);
    print_line(line, run);
    end_after_fatal(run, status);
}

static void guard_fatal_errors(index_run *run)
{
    fatal_run = run;
    if (newsdex_writer_count(run->writer, &fatal_initial_total) != NEWSDEX_OK)
        fatal_initial_total = TOTAL_UNKNOWN;
    newsdex_set_fatal_handler(on_fatal_index_error);
}

/* ---- Options ---- */

static int parse_progress(const char *text, enum progress_mode *mode)
{
    static const char *const names[] = {"auto", "always", "never"};
    for (int i = 0; i < 3; i++)
        if (!strcmp(text, names[i])) {
            *mode = (enum progress_mode)i;
            return 0;
        }
    fprintf(stderr, "newsdex: --progress expects auto, always or never, not \"%s\"\n", text);
    return -1;
}

static int parse_batch_size(const char *text, unsigned *out)
{
    if (nx_cli_parse_uint(text, "--batch-size", 1000000, out) != 0)
        return -1;
    if (*out == 0)
        fprintf(stderr, "newsdex: --batch-size must be at least 1\n");
    return *out == 0 ? -1 : 0;
}

/* Returns -1 to go on, else the exit status. */
static int parse_options(int argc, char **argv, index_opts *o)
{
    static const struct option options[] = {
        {"db", required_argument, NULL, 'd'},        {"prune", no_argument, NULL, 'P'},
        {"wait-lock", required_argument, NULL, 'w'}, {"batch-size", required_argument, NULL, 'b'},
        {"progress", required_argument, NULL, 'p'},  {"format", required_argument, NULL, 'f'},
        {"strict-dates", no_argument, NULL, 'S'},    {"help", no_argument, NULL, 'h'},
        {"jobs", required_argument, NULL, 'j'},      {"article-positions", no_argument, NULL, 'X'},
        {"encoding", required_argument, NULL, 'e'},  {"source", required_argument, NULL, 's'},
        {"date", required_argument, NULL, 'D'},
        {"shard-by", required_argument, NULL, 'Y'},
        {"shard-articles", required_argument, NULL, 'A'},
        {NULL, 0, NULL, 0},
    };
    int c, bad = 0;
    optind = 1;
    while (!bad && (c = getopt_long(argc, argv, "d:h", options, NULL)) != -1) {
        switch (c) {
        case 'd': o->db_path = optarg; break;
        case 'P': o->prune = 1; break;
        case 'S': o->strict_dates = 1; break;
        case 'X': o->article_positions = 1; break;
        case 'f': o->format = optarg; break;
        case 'e': o->encoding = optarg; break;
        case 's': o->source = optarg; break;
        case 'D': o->date = optarg; break;
        case 'w': bad = nx_cli_parse_uint(optarg, "--wait-lock", 86400, &o->wait_lock); break;
        case 'b': bad = parse_batch_size(optarg, &o->batch_size); break;
        case 'p': bad = parse_progress(optarg, &o->progress); break;
        case 'j':
            if (!(bad = nx_cli_parse_uint(optarg, "--jobs", 64, &o->jobs)) && !o->jobs)
                bad = fprintf(stderr, "newsdex: --jobs must be at least 1\n") > 0;
            break;
        case 'Y': bad = nx_cli_parse_shard_by(optarg, &o->shard_by); break;
        case 'A': bad = nx_cli_parse_uint(optarg, "--shard-articles", 1000000000, &o->shard_articles); break;
        case 'h': usage(stdout); return NX_EXIT_OK;
        default: bad = 1;
        }
    }
    if (bad) {
        usage(stderr);
        return NX_EXIT_USAGE;
    }
    return -1;
}

static int check_arguments(int argc, index_opts *o)
{
    o->db_path = nx_cli_db_path(o->db_path);
    const char *problem = !o->db_path    ? "no index given (use --db DIR or set NEWSDEX_DB)"
                          : optind >= argc ? "no input files given"
                          : o->jobs > 1 && o->prune ? "--prune cannot be combined with --jobs"
                          : o->jobs > 1 && o->shard_by != NEWSDEX_SHARD_NONE
                              ? "--shard-by cannot be combined with --jobs"
                          : o->format && strcmp(o->format, "jsonl") && strcmp(o->format, "sgml") &&
                                  strcmp(o->format, "text")
                              ? "--format expects jsonl, sgml or text"
                              : NULL;
    if (!problem)
        return nx_cli_check_sharding(o->db_path, o->shard_by);
    fprintf(stderr, "newsdex index: %s\n", problem);
    usage(stderr);
    return NX_EXIT_USAGE;
}

static int setup_run(index_run *run, const index_opts *o, int n_inputs, char **inputs)
{
    clock_gettime(CLOCK_MONOTONIC, &run->started);
    run->progress.last_shown = -1e9;
    int tty = isatty(STDERR_FILENO);
    run->progress.tty = o->progress != PROGRESS_NEVER && tty;
    run->progress.lines = o->progress == PROGRESS_ALWAYS && !tty;
    for (int i = 0; (run->progress.tty || run->progress.lines) && i < n_inputs; i++)
        run->total_bytes += nx_progress_input_size(inputs[i]);
    if (o->prune && !(run->seen = id_set_new())) {
        fprintf(stderr, "newsdex: out of memory\n");
        return NX_EXIT_INDEX;
    }
    nx_cli_catch_stop_signals();
    int rc = nx_cli_open_writer_sharded(o->db_path, o->shard_by, o->wait_lock, &run->writer);
    if (rc == NX_EXIT_OK && (newsdex_writer_set_batch_size(run->writer, o->batch_size) != NEWSDEX_OK ||
                             newsdex_writer_set_strict_dates(run->writer, o->strict_dates) !=
                                 NEWSDEX_OK ||
                             newsdex_writer_set_article_positions(run->writer, o->article_positions) !=
                                 NEWSDEX_OK))
        rc = NX_EXIT_INDEX;
    return rc;
}

/* How warnings name the input's encoding. */
static const char *encoding_label(const char *encoding)
{
    return !encoding || !strcasecmp(encoding, "utf-8") || !strcasecmp(encoding, "utf8")
               ? "UTF-8"
               : encoding;
}

/* Whether an index is at @p path before the run (and a directory at all). */
static int index_exists(const char *path, int *dir_existed)
{
    struct stat st;
    *dir_existed = stat(path, &st) == 0;
    newsdex_db *db = NULL;
    int exists = *dir_existed && newsdex_db_open(path, &db, NULL) == NEWSDEX_OK;
    newsdex_db_close(db);
    return exists;
}

/* A run that created the index and put nothing in it leaves none behind. */
static void remove_empty_index(const char *path, int keep_directory)
{
    char *message = NULL;
    if (newsdex_index_remove_empty(path, keep_directory, &message) == NEWSDEX_OK)
        fprintf(stderr, "newsdex: nothing was indexed: no index was left in %s\n", path);
    else
        fprintf(stderr, "newsdex: nothing was indexed, and the new index in %s stays: %s\n",
                path, message ? message : "out of memory");
    free(message);
}

int cmd_index(int argc, char **argv)
{
    index_opts o = {.batch_size = NEWSDEX_WRITER_BATCH_DEFAULT, .progress = PROGRESS_AUTO,
                    .shard_articles = NX_JOBS_SHARD_ARTICLES_DEFAULT};
    int rc = parse_options(argc, argv, &o);
    if (rc < 0)
        rc = check_arguments(argc, &o);
    if (rc >= 0)
        return rc;
    if (o.jobs > 1)
        return nx_cli_index_jobs(&(nx_jobs_options){o.db_path, o.format, o.batch_size, o.wait_lock,
                                                     o.strict_dates, (int)o.progress, o.jobs,
                                                     o.encoding, o.source, o.date,
                                                     o.shard_articles, o.article_positions},
                                 argc - optind, argv + optind);
    index_run run = {.encoding = encoding_label(o.encoding)};
    int dir_existed, index_existed = index_exists(o.db_path, &dir_existed);
    rc = setup_run(&run, &o, argc - optind, argv + optind);
    if (rc != NX_EXIT_OK) {
        newsdex_writer_close(run.writer);
        id_set_free(run.seen);
        return rc;
    }
    guard_fatal_errors(&run);
    start_queue(&run);
    /* After a signal each remaining input is opened and left at once, which
     * records where the run stopped. */
    for (int i = optind; i < argc && !run.index_failed && !run.interrupted && !run.bad_option; i++)
        index_file(&run, argv[i], &o);
    stop_queue(&run);
    newsdex_builder_free(run.builder);
    if (o.prune && !run.bad_option)
        prune(&run);
    nx_progress_clear(&run.progress);
    newsdex_writer_counts counts;
    uint64_t total = 0;
    newsdex_status st = finish(&run, &counts, &total);
    if (st != NEWSDEX_OK && !run.index_failed) {
        run.index_failed = 1;
        run.index_status = st;
    }
    report(&run, &counts, total);
    if (!index_existed && total == 0 && !run.index_failed)
        remove_empty_index(o.db_path, dir_existed);
    id_set_free(run.seen);
    return exit_status(&run);
}
