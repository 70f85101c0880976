/* One worker of `newsdex index --jobs N`: reads the input from the start,
 * indexes the records of its own part into its shards, and tells the parent
 * what happened (messages for stderr, progress, deletions, the result) on
 * a pipe. The parent decides everything else: it kills the worker to stop
 * it, and it merges the shard. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "index_jobs.h"
#include "progress.h"

unsigned nx_jobs_owner(uint64_t pos, uint64_t total, unsigned jobs)
{
    if (total == 0)
        return 0;
    /* total + 1: a position at the very end still gives a part < jobs */
    unsigned long long k = (unsigned long long)((double)pos * jobs / ((double)total + 1));
    return k >= jobs ? jobs - 1 : (unsigned)k;
}

void nx_jobs_shard_path(const char *shard_dir, unsigned n, char *buf, size_t cap)
{
    if (n == 0)
        snprintf(buf, cap, "%s", shard_dir);
    else
        snprintf(buf, cap, "%s.%u", shard_dir, n + 1);
}

/* ---- Reading every input in turn ---- */

const char *nx_jobs_encoding_label(const char *encoding)
{
    return !encoding || !strcasecmp(encoding, "utf-8") || !strcasecmp(encoding, "utf8")
               ? "UTF-8"
               : encoding;
}

/* Files with bytes that were not characters: skipped(path, "invalid:BYTES:LINE"). */
static void note_invalid(newsdex_reader *reader, uint64_t end, nx_jobs_skipped_fn skipped,
                         void *ctx)
{
    for (size_t j = 0; j < newsdex_reader_invalid_count(reader); j++) {
        unsigned long line = 0;
        uint64_t bytes = 0;
        const char *path = newsdex_reader_invalid_file(reader, j, &line, &bytes);
        char why[64];
        snprintf(why, sizeof why, "invalid:%llu:%lu", (unsigned long long)bytes, line);
        skipped(ctx, end, path, why);
    }
}

void nx_jobs_read_inputs(const nx_jobs_options *o, int n_inputs, char **inputs,
                         nx_jobs_record_fn fn, nx_jobs_skipped_fn skipped, void *ctx)
{
    const char *format = o->format;
    uint64_t done = 0;
    for (int i = 0; i < n_inputs; i++) {
        char *message = NULL;
        newsdex_reader *reader = NULL;
        if (newsdex_reader_open(inputs[i], format, &reader, &message) != NEWSDEX_OK) {
            int stop = fn(ctx, done, inputs[i], 0, NEWSDEX_READ_FAILED, NULL,
                          message ? message : "out of memory");
            free(message);
            if (stop)
                return;
            continue;
        }
        if ((o->encoding && newsdex_reader_set_encoding(reader, o->encoding) != NEWSDEX_OK) ||
            newsdex_reader_set_defaults(reader, o->source, o->date) != NEWSDEX_OK) {
            int stop = fn(ctx, done, inputs[i], 0, NEWSDEX_READ_FAILED, NULL,
                          newsdex_reader_last_error(reader));
            newsdex_reader_close(reader);
            if (stop)
                return;
            continue;
        }
        int stop = 0;
        for (;;) {
            const newsdex_article *article = NULL;
            newsdex_read r = newsdex_reader_next(reader, &article);
            if (r == NEWSDEX_READ_END || r == NEWSDEX_READ_STOPPED)
                break;
            const char *current = newsdex_reader_path(reader);
            const char *path = current && *current ? current : inputs[i];
            stop = fn(ctx, done + newsdex_reader_bytes(reader), path, newsdex_reader_line(reader),
                      r, r == NEWSDEX_READ_ARTICLE ? article : NULL,
                      r == NEWSDEX_READ_ARTICLE ? NULL : newsdex_reader_last_error(reader));
            if (stop)
                break;
        }
        uint64_t end = done + newsdex_reader_bytes(reader);
        if (!stop)
            note_invalid(reader, end, skipped, ctx);
        size_t n = stop ? 0 : newsdex_reader_skipped_count(reader);
        for (size_t j = 0; j < n; j++) {
            const char *why = "";
            const char *path = newsdex_reader_skipped(reader, j, &why);
            skipped(ctx, end, path, why);
        }
        newsdex_reader_close(reader);
        done = end;
        if (stop)
            return;
    }
}

/* ---- The worker ---- */

typedef struct worker {
    const nx_jobs_options *o;
    uint64_t total, start;  /* the input's bytes; where this part starts */
    uint64_t pos;           /* just after the last record of the part read */
    unsigned k;
    int fd;
    const char *shard_dir;  /* the first shard's; the next ones add .2, .3, ... */
    newsdex_writer *writer; /* the shard being written */
    unsigned shards;        /* shards opened so far */
    unsigned shards_max;    /* then the last one takes the rest */
    nx_jobs_result result;
    double last_progress;
    int stopped;            /* past the end of the part, or the shard failed */
} worker;

static void send_message(const worker *w, char type, const void *a, size_t a_len, const void *b,
                         size_t b_len)
{
    unsigned char head[5];
    uint32_t len = (uint32_t)(a_len + b_len);
    head[0] = (unsigned char)type;
    memcpy(head + 1, &len, 4);
    const void *parts[3] = {head, a, b};
    size_t lens[3] = {5, a_len, b_len};
    for (int i = 0; i < 3; i++) {
        const char *p = parts[i];
        size_t left = lens[i];
        while (left) {
            ssize_t n = write(w->fd, p, left);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                _exit(2); /* the parent is gone */
            p += n;
            left -= (size_t)n;
        }
    }
}

static void say(const worker *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(const worker *w, const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    send_message(w, NX_JOBS_TEXT, line, n < 0 ? 0 : (size_t)n < sizeof line ? (size_t)n : sizeof line - 1,
                 NULL, 0);
}

static void shard_failed(worker *w, newsdex_status st)
{
    say(w, "newsdex: cannot write the temporary shard of part %u: %s", w->k + 1,
        newsdex_writer_last_error(w->writer));
    w->result.index_status = (int)st;
    w->stopped = 1;
}

static void put_deletion(worker *w, const newsdex_article *a)
{
    newsdex_put_outcome outcome = NEWSDEX_PUT_UNCHANGED;
    newsdex_status st = newsdex_writer_put(w->writer, a, &outcome);
    if (st == NEWSDEX_ERR_INVALID) {
        say(w, "%s", newsdex_writer_last_error(w->writer));
        w->result.rejected++;
        return;
    }
    if (st != NEWSDEX_OK) {
        shard_failed(w, st);
        return;
    }
    if (outcome == NEWSDEX_PUT_UNCHANGED) {
        /* Not in this shard: an earlier shard or part, or the index, may hold it. */
        newsdex_writer_counts c;
        newsdex_writer_get_counts(w->writer, &c);
        uint64_t added = w->result.added + c.added; /* result: the shards already closed */
        send_message(w, NX_JOBS_DELETION, &added, sizeof added, a->id, strlen(a->id));
        w->result.deletions_logged++;
    }
}

/* ---- The shards of the part ---- */

static newsdex_status open_shard(worker *w)
{
    char path[NX_JOBS_PATH_MAX];
    nx_jobs_shard_path(w->shard_dir, w->shards, path, sizeof path);
    char *message = NULL;
    newsdex_status st = newsdex_writer_open(path, &w->writer, &message);
    if (st == NEWSDEX_OK && (st = newsdex_writer_set_batch_size(w->writer, w->o->batch_size)) == NEWSDEX_OK)
        st = newsdex_writer_set_strict_dates(w->writer, w->o->strict_dates);
    if (st == NEWSDEX_OK)
        st = newsdex_writer_set_article_positions(w->writer, w->o->article_positions);
    if (st != NEWSDEX_OK) {
        say(w, "newsdex: cannot create a temporary shard: %s",
            message ? message : newsdex_writer_last_error(w->writer));
        w->result.index_status = (int)st;
        w->stopped = 1;
    }
    free(message);
    w->shards++;
    return st;
}

/* Commits and closes the shard being written, adds up its counts and tells
 * the parent how many articles it added. */
static void close_shard(worker *w)
{
    newsdex_status st;
    if (!w->result.index_status && (st = newsdex_writer_commit(w->writer)) != NEWSDEX_OK)
        shard_failed(w, st);
    newsdex_writer_counts c;
    newsdex_writer_get_counts(w->writer, &c);
    w->result.added += c.added;
    w->result.replaced += c.replaced;
    w->result.unchanged += c.unchanged;
    w->result.deleted += c.deleted;
    uint64_t n = 0;
    newsdex_writer_truncated_count(w->writer, &n);
    w->result.truncated += n;
    newsdex_writer_undated_count(w->writer, &n);
    w->result.undated += n;
    if ((st = newsdex_writer_close(w->writer)) != NEWSDEX_OK && !w->result.index_status) {
        say(w, "newsdex: cannot write the temporary shard of part %u", w->k + 1);
        w->result.index_status = (int)st;
    }
    w->writer = NULL;
    uint64_t added = c.added;
    send_message(w, NX_JOBS_SHARD, &added, sizeof added, NULL, 0);
}

/* A full shard is closed and the next one opened: a small index takes
 * articles faster than a large one, and the parent joins the shards. */
static void next_shard_if_full(worker *w)
{
    newsdex_writer_counts c;
    if (!w->o->shard_articles || w->shards >= w->shards_max ||
        newsdex_writer_get_counts(w->writer, &c) != NEWSDEX_OK || c.added < w->o->shard_articles)
        return;
    close_shard(w);
    if (!w->result.index_status)
        open_shard(w);
}

static void put_article(worker *w, const char *path, unsigned long line, const newsdex_article *a)
{
    if (a->deleted) {
        put_deletion(w, a);
        return;
    }
    next_shard_if_full(w);
    if (w->stopped)
        return;
    newsdex_status st = newsdex_writer_put(w->writer, a, NULL);
    if (st == NEWSDEX_OK) {
        const char *warning = newsdex_writer_last_warning(w->writer);
        if (warning[0])
            say(w, "%s:%lu: warning: %s", path, line, warning);
        return;
    }
    if (st == NEWSDEX_ERR_INVALID) {
        say(w, "%s:%lu: %s", path, line, newsdex_writer_last_error(w->writer));
        w->result.rejected++;
        return;
    }
    shard_failed(w, st);
}

static void send_progress(worker *w, uint64_t pos, int force)
{
    double t = nx_monotonic_seconds();
    if (!force && t - w->last_progress < 0.2)
        return;
    w->last_progress = t;
    nx_jobs_progress p = {w->result.records, pos > w->start ? pos - w->start : 0};
    send_message(w, NX_JOBS_PROGRESS, &p, sizeof p, NULL, 0);
}

static int on_record(void *ctx, uint64_t pos, const char *path, unsigned long line, newsdex_read r,
                     const newsdex_article *article, const char *message)
{
    worker *w = ctx;
    unsigned owner = nx_jobs_owner(pos, w->total, w->o->jobs);
    if (owner < w->k)
        return 0;
    if (owner > w->k || w->stopped)
        return 1;
    w->result.records++;
    w->pos = pos;
    if (r == NEWSDEX_READ_ARTICLE) {
        put_article(w, path, line, article);
    } else {
        say(w, "%s", message);
        if (r == NEWSDEX_READ_REJECTED) {
            w->result.rejected++;
            w->result.unidentified++;
        } else {
            w->result.input_failed = 1;
        }
    }
    send_progress(w, pos, 0);
    return w->stopped;
}

static void on_skipped(void *ctx, uint64_t pos, const char *path, const char *why)
{
    worker *w = ctx;
    if (nx_jobs_owner(pos, w->total, w->o->jobs) != w->k)
        return;
    unsigned long long bytes = 0;
    unsigned long line = 0;
    if (sscanf(why, "invalid:%llu:%lu", &bytes, &line) == 2) {
        /* worded as the single-process run words it */
        say(w, "%s:%lu: warning: not valid %s: %llu byte%s replaced by U+FFFD in this file, "
               "the first on this line%s",
            path, line, nx_jobs_encoding_label(w->o->encoding), bytes, bytes == 1 ? "" : "s",
            strcmp(nx_jobs_encoding_label(w->o->encoding), "UTF-8")
                ? ""
                : " (--encoding cp1252 or latin1 converts instead)");
        w->result.invalid_files++;
        w->result.invalid_bytes += bytes;
        return;
    }
    if (!strcmp(why, "empty")) {
        say(w, "%s: warning: empty file: no articles", path);
        w->result.empty++;
        return;
    }
    char *names = w->result.skipped_names;
    size_t used = strlen(names);
    if (w->result.skipped < 10 && used + strlen(path) + strlen(why) + 8 < sizeof w->result.skipped_names)
        snprintf(names + used, sizeof w->result.skipped_names - used, "%s%s (%s)", used ? ", " : "",
                 path, why);
    w->result.skipped++;
}

static int worker_fd = -1;

/* Xapian may abort on a write it cannot unwind (a full disk): the parent
 * learns why from the missing result and this line. */
static void on_worker_fatal(newsdex_status status, const char *message)
{
    char line[600];
    int n = snprintf(line, sizeof line, "newsdex: cannot write a temporary shard: %s", message);
    unsigned char head[5] = {NX_JOBS_TEXT};
    uint32_t len = n < 0 ? 0 : (uint32_t)n < sizeof line ? (uint32_t)n : sizeof line - 1;
    memcpy(head + 1, &len, 4);
    if (write(worker_fd, head, 5) == 5 && write(worker_fd, line, len) >= 0)
        _exit(status == NEWSDEX_ERR_NOSPACE ? 6 : 5);
    _exit(5);
}

void nx_jobs_worker(const nx_jobs_options *o, int n_inputs, char **inputs, uint64_t total,
                    unsigned k, const char *shard_dir, int fd)
{
    worker w = {.o = o, .total = total, .k = k, .fd = fd, .last_progress = -1e9};
    /* The parent stops the run: a signal to the whole process group (^C)
     * must not stop one worker on its own. */
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    worker_fd = fd;
    newsdex_set_fatal_handler(on_worker_fatal);
    /* The first position of this part: near k * (total + 1) / jobs. */
    uint64_t pos = k ? (uint64_t)((double)k * ((double)total + 1) / o->jobs) : 0;
    while (pos > 0 && nx_jobs_owner(pos - 1, total, o->jobs) >= k)
        pos--;
    while (k && nx_jobs_owner(pos, total, o->jobs) < k)
        pos++;
    w.start = w.pos = pos;
    w.shard_dir = shard_dir;
    w.shards_max = NX_JOBS_SHARDS_MAX / o->jobs;
    if (open_shard(&w) == NEWSDEX_OK)
        nx_jobs_read_inputs(o, n_inputs, inputs, on_record, on_skipped, &w);
    if (w.writer)
        close_shard(&w);
    send_progress(&w, w.pos, 1);
    send_message(&w, NX_JOBS_RESULT, &w.result, sizeof w.result, NULL, 0);
    _exit(0);
}
