/* `newsdex index --jobs N`: the parent. It takes the index's writer lock
 * for the whole run, starts N workers (cli/index_worker.c) that index
 * contiguous parts of the input into shards in a private directory beside
 * the index, ".NAME.jobs-XXXXXX" (each worker a new shard every
 * --shard-articles articles), shows their messages and progress, then
 * merges the shards, in input order, so that the index answers every
 * query as after a single-process run:
 *  - a new index whose parts do not touch one another's articles: the
 *    shards are concatenated into a new directory (the library's
 *    newsdex_index_merge) that is exchanged with the index in one atomic
 *    step (renameat2 RENAME_EXCHANGE), as `newsdex compact` does;
 *  - otherwise the shards' documents (and the deletions between them) are
 *    put into the index through the writer, batch by batch
 *    (newsdex_writer_merge_shard), which compares, replaces and counts as
 *    a single-process run does;
 *  - when an article id repeats inside one shard, the shard cannot tell the
 *    order of its versions: the input is read once more, in this process,
 *    and indexed as a single-process run does (the workers already
 *    reported every message).
 * A signal or a failed worker before the merge stops every worker and
 * leaves the index as it was; a signal during the merge is acted on once
 * the merge is complete. A stale temporary directory (kill -9) is removed
 * by the next run, which holds the lock and therefore knows it is stale. */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "newsdex.h"
#include "commands.h"
#include "fs_util.h"
#include "index_jobs.h"
#include "progress.h"

#define TMP_INFIX ".jobs-"
#define PATH_CAP 4096
#define JOBS_MAX 64

typedef struct deletion {
    uint64_t after;  /* articles of the shard put before it */
    char *id;
} deletion;

typedef struct job {
    pid_t pid;
    int fd;                     /* -1 once the pipe is closed */
    char shard[PATH_CAP + 32];
    unsigned char *buf;         /* what came on the pipe, not yet taken */
    size_t len, cap;
    nx_jobs_progress progress;
    nx_jobs_result result;
    int has_result;
    deletion *deletions;
    size_t n_deletions;
    uint64_t *shard_counts;     /* articles added to each of its shards, in order */
    size_t n_shards;
} job;

typedef struct jobs_run {
    const nx_jobs_options *o;
    newsdex_writer *writer;       /* the lock on the index */
    newsdex_writer *fresh;        /* the merged copy, when concatenated */
    nx_fs_place at;               /* the index and its parent */
    char tmp[PATH_CAP], merged[PATH_CAP + 32];
    job jobs[JOBS_MAX];
    unsigned n;
    uint64_t total_bytes;
    struct timespec started;
    double seconds;
    nx_progress_line progress;
    nx_jobs_result sum;           /* the workers' results added up */
    newsdex_writer_counts counts;
    int index_failed, interrupted;
    newsdex_status index_status;
} jobs_run;

static void show_progress(jobs_run *run)
{
    unsigned long long records = 0, bytes = 0;
    for (unsigned i = 0; i < run->n; i++) {
        records += run->jobs[i].progress.records;
        bytes += run->jobs[i].progress.bytes;
    }
    nx_progress_show(&run->progress, &run->started, records, bytes, run->total_bytes);
}

/* ---- The temporary directory ---- */

static void remove_tmp(jobs_run *run)
{
    if (!run->tmp[0])
        return;
    if (nx_fs_remove_tree(run->at.parent_fd, strrchr(run->tmp, '/') + 1) != 0)
        fprintf(stderr, "newsdex: could not remove %s: %s (the next run with --jobs removes it)\n",
                run->tmp, strerror(errno));
    run->tmp[0] = '\0';
}

/* The index directory (created by the writer) and the temporary one beside it. */
static int make_tmp(jobs_run *run)
{
    char real[PATH_MAX];
    if (!realpath(run->o->db_path, real)) {
        fprintf(stderr, "newsdex: cannot find index %s: %s\n", run->o->db_path, strerror(errno));
        return NX_EXIT_INDEX;
    }
    int at = nx_fs_place_at(&run->at, real);
    if (at == -1)
        fprintf(stderr, "newsdex: --jobs cannot build an index at %s\n", run->o->db_path);
    if (at != 0)
        return NX_EXIT_INDEX;
    nx_fs_remove_stale(&run->at, TMP_INFIX, "run");
    /* Room for the parts' names in it. */
    int rc = nx_fs_make_tmp(&run->at, TMP_INFIX, run->tmp, sizeof run->tmp - 64);
    if (rc != NX_EXIT_OK)
        return rc;
    for (unsigned i = 0; i < run->n; i++)
        snprintf(run->jobs[i].shard, sizeof run->jobs[i].shard, "%s/part-%u", run->tmp, i + 1);
    snprintf(run->merged, sizeof run->merged, "%s/merged", run->tmp);
    return NX_EXIT_OK;
}

/* ---- The workers ---- */

static int start_workers(jobs_run *run, int n_inputs, char **inputs)
{
    fflush(NULL);
    pid_t parent = getpid();
    for (unsigned i = 0; i < run->n; i++) {
        job *j = &run->jobs[i];
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) != 0) {
            fprintf(stderr, "newsdex: cannot start a worker: %s\n", strerror(errno));
            return NX_EXIT_INDEX;
        }
        j->pid = fork();
        if (j->pid == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL); /* the parent died (kill -9): stop too */
            if (getppid() != parent)
                _exit(1);
            close(fds[0]);
            for (unsigned k = 0; k < i; k++)
                close(run->jobs[k].fd);
            nx_jobs_worker(run->o, n_inputs, inputs, run->total_bytes, i, j->shard, fds[1]);
        }
        close(fds[1]);
        j->fd = fds[0];
        if (j->pid < 0) {
            fprintf(stderr, "newsdex: cannot start a worker: %s\n", strerror(errno));
            close(j->fd);
            j->fd = -1;
            return NX_EXIT_INDEX;
        }
    }
    return NX_EXIT_OK;
}

static void stop_workers(jobs_run *run)
{
    for (unsigned i = 0; i < run->n; i++)
        if (run->jobs[i].pid > 0)
            kill(run->jobs[i].pid, SIGKILL);
    for (unsigned i = 0; i < run->n; i++) {
        job *j = &run->jobs[i];
        while (j->pid > 0 && waitpid(j->pid, NULL, 0) < 0 && errno == EINTR)
            ;
        j->pid = 0;
        if (j->fd >= 0)
            close(j->fd);
        j->fd = -1;
    }
}

/* Takes the complete messages in j's buffer. Returns -1 on a malformed one. */
static int take_messages(jobs_run *run, job *j)
{
    size_t at = 0;
    while (j->len - at >= 5) {
        uint32_t len;
        memcpy(&len, j->buf + at + 1, 4);
        if (j->len - at - 5 < len)
            break;
        unsigned char type = j->buf[at];
        const unsigned char *p = j->buf + at + 5;
        if (type == NX_JOBS_TEXT) {
            nx_progress_clear(&run->progress);
            fprintf(stderr, "%.*s\n", (int)len, (const char *)p);
        } else if (type == NX_JOBS_PROGRESS && len == sizeof j->progress) {
            memcpy(&j->progress, p, len);
        } else if (type == NX_JOBS_RESULT && len == sizeof j->result) {
            memcpy(&j->result, p, len);
            j->result.skipped_names[sizeof j->result.skipped_names - 1] = '\0';
            j->has_result = 1;
        } else if (type == NX_JOBS_SHARD && len == 8) {
            uint64_t *grown = realloc(j->shard_counts, (j->n_shards + 1) * sizeof *grown);
            if (!grown)
                return -1;
            j->shard_counts = grown;
            memcpy(&grown[j->n_shards++], p, 8);
        } else if (type == NX_JOBS_DELETION && len >= 8) {
            deletion *grown = realloc(j->deletions, (j->n_deletions + 1) * sizeof *grown);
            char *id = malloc(len - 8 + 1);
            if (!grown || !id) {
                free(id);
                if (grown)
                    j->deletions = grown;
                return -1;
            }
            j->deletions = grown;
            memcpy(&grown[j->n_deletions].after, p, 8);
            memcpy(id, p + 8, len - 8);
            id[len - 8] = '\0';
            grown[j->n_deletions++].id = id;
        } else {
            return -1;
        }
        at += 5 + len;
    }
    memmove(j->buf, j->buf + at, j->len - at);
    j->len -= at;
    return 0;
}

/* Reads what j sent; closes the pipe at its end. Returns -1 on failure. */
static int read_worker(jobs_run *run, job *j)
{
    if (j->cap - j->len < 65536) {
        unsigned char *grown = realloc(j->buf, j->cap + 65536);
        if (!grown)
            return -1;
        j->buf = grown;
        j->cap += 65536;
    }
    ssize_t got = read(j->fd, j->buf + j->len, j->cap - j->len);
    if (got < 0)
        return errno == EINTR ? 0 : -1;
    if (got == 0) {
        close(j->fd);
        j->fd = -1;
        return 0;
    }
    j->len += (size_t)got;
    return take_messages(run, j);
}

/* Why worker i failed, or NULL. */
static const char *worker_failure(jobs_run *run, unsigned i, char *buf, size_t cap)
{
    job *j = &run->jobs[i];
    int wstatus = 0;
    while (waitpid(j->pid, &wstatus, 0) < 0 && errno == EINTR)
        ;
    j->pid = 0;
    if (j->has_result && WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0)
        return NULL;
    if (WIFSIGNALED(wstatus))
        snprintf(buf, cap, "worker %u was killed by signal %d", i + 1, WTERMSIG(wstatus));
    else
        snprintf(buf, cap, "worker %u failed (exit status %d)", i + 1, WEXITSTATUS(wstatus));
    if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == NX_EXIT_NOSPACE)
        run->index_status = NEWSDEX_ERR_NOSPACE;
    return buf;
}

/* Until every worker is done. Returns NX_EXIT_OK or the exit status. */
static int wait_workers(jobs_run *run)
{
    for (;;) {
        struct pollfd pfd[JOBS_MAX];
        unsigned idx[JOBS_MAX], open = 0;
        for (unsigned i = 0; i < run->n; i++)
            if (run->jobs[i].fd >= 0) {
                pfd[open] = (struct pollfd){.fd = run->jobs[i].fd, .events = POLLIN};
                idx[open++] = i;
            }
        if (nx_cli_stop_signal()) {
            run->interrupted = 1;
            return NX_EXIT_SIGNAL + nx_cli_stop_signal();
        }
        if (!open)
            break;
        int ready = poll(pfd, open, 100);
        if (ready < 0 && errno != EINTR) {
            fprintf(stderr, "newsdex: cannot follow the workers: %s\n", strerror(errno));
            return NX_EXIT_INDEX;
        }
        for (unsigned k = 0; ready > 0 && k < open; k++) {
            if (!pfd[k].revents)
                continue;
            job *j = &run->jobs[idx[k]];
            if (read_worker(run, j) != 0) {
                fprintf(stderr, "newsdex: lost track of worker %u\n", idx[k] + 1);
                return NX_EXIT_INDEX;
            }
            char why[128];
            const char *failed = j->fd < 0 ? worker_failure(run, idx[k], why, sizeof why) : NULL;
            if (failed) {
                nx_progress_clear(&run->progress);
                fprintf(stderr, "newsdex: %s\n", failed);
                return run->index_status == NEWSDEX_ERR_NOSPACE ? NX_EXIT_NOSPACE : NX_EXIT_INDEX;
            }
            if (j->fd < 0 && j->result.index_status) {
                run->index_status = (newsdex_status)j->result.index_status;
                return nx_cli_exit_for_status(run->index_status);
            }
        }
        show_progress(run);
    }
    return NX_EXIT_OK;
}

static void add_results(jobs_run *run)
{
    nx_jobs_result *s = &run->sum;
    for (unsigned i = 0; i < run->n; i++) {
        const nx_jobs_result *r = &run->jobs[i].result;
        s->added += r->added;
        s->replaced += r->replaced;
        s->unchanged += r->unchanged;
        s->deleted += r->deleted;
        s->deletions_logged += r->deletions_logged;
        s->records += r->records;
        s->rejected += r->rejected;
        s->unidentified += r->unidentified;
        s->truncated += r->truncated;
        s->undated += r->undated;
        s->empty += r->empty;
        s->invalid_files += r->invalid_files;
        s->invalid_bytes += r->invalid_bytes;
        s->skipped += r->skipped;
        s->input_failed |= r->input_failed;
        size_t used = strlen(s->skipped_names);
        if (r->skipped_names[0] && used + strlen(r->skipped_names) + 3 < sizeof s->skipped_names)
            snprintf(s->skipped_names + used, sizeof s->skipped_names - used, "%s%s",
                     used ? ", " : "", r->skipped_names);
    }
}

/* ---- Merging ---- */

static const char *outcome_name(const jobs_run *run)
{
    if (run->sum.input_failed)
        return "input unreadable";
    return run->sum.rejected ? "some records rejected" : "complete";
}

static void record_run(jobs_run *run, newsdex_writer *w, const newsdex_writer_counts *c)
{
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    json_t *o = json_pack("{s:s, s:f, s:I, s:I, s:I, s:I, s:I, s:s}", "finished", when,
                          "seconds", nx_seconds_since(&run->started), "added", (json_int_t)c->added, "replaced",
                          (json_int_t)c->replaced, "unchanged", (json_int_t)c->unchanged,
                          "deleted", (json_int_t)c->deleted, "rejected",
                          (json_int_t)run->sum.rejected, "outcome", outcome_name(run));
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (text)
        newsdex_writer_set_last_run(w, text);
    free(text);
}

static int index_failure(jobs_run *run, newsdex_writer *w, const char *what, newsdex_status st)
{
    fprintf(stderr, "newsdex: %s: %s\n", what, newsdex_writer_last_error(w));
    run->index_failed = 1;
    run->index_status = st;
    return nx_cli_exit_for_status(st);
}

/* A new index: the shards concatenated into tmp/merged, swapped in whole. */
static int concatenate(jobs_run *run, const char *const *shards, size_t n)
{
    char *message = NULL;
    newsdex_status st = newsdex_index_merge(shards, n, run->merged, &message);
    if (st != NEWSDEX_OK) {
        fprintf(stderr, "newsdex: cannot merge the parts: %s\n", message ? message : "");
        free(message);
        run->index_failed = 1;
        run->index_status = st;
        return nx_cli_exit_for_status(st);
    }
    /* Its writer: a check that it opens, and its lock until the end. */
    if ((st = newsdex_writer_open(run->merged, &run->fresh, &message)) != NEWSDEX_OK) {
        fprintf(stderr, "newsdex: the merged index does not open: %s\n", message ? message : "");
        free(message);
        return nx_cli_exit_for_status(st);
    }
    newsdex_writer_counts c = {.size = sizeof c, .added = run->sum.added,
                               .replaced = run->sum.replaced, .unchanged = run->sum.unchanged,
                               .deleted = run->sum.deleted};
    run->counts = c;
    record_run(run, run->fresh, &c);
    if ((st = newsdex_writer_commit(run->fresh)) != NEWSDEX_OK)
        return index_failure(run, run->fresh, "cannot write the merged index", st);
    struct stat old;
    if (stat(run->at.dir, &old) == 0)
        chmod(run->merged, old.st_mode & 07777);
    int tmp_fd = open(run->tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int synced = tmp_fd >= 0 && fsync(tmp_fd) == 0;
    if (!synced || nx_fs_exchange(tmp_fd, "merged", run->at.parent_fd, run->at.base) != 0) {
        fprintf(stderr, "newsdex: cannot swap the merged index into place (%s): %s; the index was "
                        "left as it was\n",
                run->at.dir, strerror(errno));
        if (tmp_fd >= 0)
            close(tmp_fd);
        return NX_EXIT_INDEX;
    }
    close(tmp_fd);
    fsync(run->at.parent_fd);
    return NX_EXIT_OK;
}

/* Articles [from, upto] of j's part, numbered from 1 across its shards
 * (each numbers its own without a gap), through the writer. */
static newsdex_status put_part_range(jobs_run *run, const job *j, uint64_t from, uint64_t upto)
{
    newsdex_status st = NEWSDEX_OK;
    uint64_t first = 1; /* the part's number of the shard's first article */
    for (size_t s = 0; s < j->n_shards && st == NEWSDEX_OK && first <= upto; s++) {
        uint64_t n = j->shard_counts[s], last = first + n - 1;
        if (n && from <= last) {
            char path[NX_JOBS_PATH_MAX];
            nx_jobs_shard_path(j->shard, (unsigned)s, path, sizeof path);
            st = newsdex_writer_merge_shard(run->writer, path, from > first ? from - first + 1 : 1,
                                            upto >= last ? UINT64_MAX : upto - first + 1);
        }
        first += n;
    }
    return st;
}

/* The shards' documents and the deletions between them, through the writer. */
static int put_shards(jobs_run *run)
{
    newsdex_status st = NEWSDEX_OK;
    for (unsigned i = 0; i < run->n && st == NEWSDEX_OK; i++) {
        job *j = &run->jobs[i];
        uint64_t next = 1;
        for (size_t d = 0; d <= j->n_deletions && st == NEWSDEX_OK; d++) {
            uint64_t upto = d < j->n_deletions ? j->deletions[d].after : UINT64_MAX;
            if (upto >= next)
                st = put_part_range(run, j, next, upto);
            next = upto + 1;
            if (st == NEWSDEX_OK && d < j->n_deletions) {
                newsdex_article a;
                newsdex_article_init(&a);
                a.id = j->deletions[d].id;
                a.deleted = 1;
                st = newsdex_writer_put(run->writer, &a, NULL);
            }
        }
    }
    if (st != NEWSDEX_OK)
        return index_failure(run, run->writer, "cannot write to the index", st);
    return NX_EXIT_OK;
}

/* Ids repeat inside a shard: index the input again here, as one process
 * would; every message was already shown by the workers. */
static int on_sequential_record(void *ctx, uint64_t pos, const char *path, unsigned long line,
                                newsdex_read r, const newsdex_article *article, const char *message)
{
    jobs_run *run = ctx;
    (void)pos, (void)path, (void)line, (void)message;
    if (r != NEWSDEX_READ_ARTICLE)
        return 0;
    newsdex_status st = newsdex_writer_put(run->writer, article, NULL);
    if (st == NEWSDEX_OK || st == NEWSDEX_ERR_INVALID)
        return 0;
    index_failure(run, run->writer, "cannot write to the index", st);
    return 1;
}

static void ignore_skipped(void *ctx, uint64_t pos, const char *path, const char *why)
{
    (void)ctx, (void)pos, (void)path, (void)why;
}

/* Every shard of every part, in input order: *paths (malloc'd, with the
 * names), their number in *n. -1 when out of memory. */
static int list_shards(const jobs_run *run, char ***paths, size_t *n)
{
    size_t total = 0;
    for (unsigned i = 0; i < run->n; i++)
        total += run->jobs[i].n_shards;
    char **all = calloc(total ? total : 1, sizeof *all);
    if (!all)
        return -1;
    *paths = all;
    *n = 0;
    for (unsigned i = 0; i < run->n; i++)
        for (size_t s = 0; s < run->jobs[i].n_shards; s++) {
            char path[NX_JOBS_PATH_MAX];
            nx_jobs_shard_path(run->jobs[i].shard, (unsigned)s, path, sizeof path);
            if (!(all[*n] = strdup(path)))
                return -1;
            ++*n;
        }
    return 0;
}

static void free_shard_list(char **paths, size_t n)
{
    for (size_t i = 0; paths && i < n; i++)
        free(paths[i]);
    free(paths);
}

static int merge(jobs_run *run, int n_inputs, char **inputs)
{
    int clean = 1, can = 0;
    for (unsigned i = 0; i < run->n; i++) {
        const nx_jobs_result *r = &run->jobs[i].result;
        if (r->replaced || r->deleted || r->unchanged != r->deletions_logged)
            clean = 0;
    }
    char **shards = NULL;
    size_t n_shards = 0;
    if (list_shards(run, &shards, &n_shards) != 0) {
        free_shard_list(shards, n_shards);
        fprintf(stderr, "newsdex: out of memory\n");
        return NX_EXIT_INDEX;
    }
    newsdex_status st = run->sum.deletions_logged
                            ? NEWSDEX_OK
                            : newsdex_writer_can_concatenate(run->writer, (const char *const *)shards,
                                                             n_shards, &can);
    if (st == NEWSDEX_OK && can) {
        int rc = concatenate(run, (const char *const *)shards, n_shards);
        free_shard_list(shards, n_shards);
        return rc;
    }
    free_shard_list(shards, n_shards);
    if (st != NEWSDEX_OK)
        return index_failure(run, run->writer, "cannot read the parts", st);
    int rc = NX_EXIT_OK;
    if (clean) {
        rc = put_shards(run);
    } else {
        nx_jobs_read_inputs(run->o, n_inputs, inputs, on_sequential_record,
                            ignore_skipped, run);
        rc = run->index_failed ? nx_cli_exit_for_status(run->index_status) : NX_EXIT_OK;
    }
    if (rc != NX_EXIT_OK)
        return rc;
    newsdex_writer_get_counts(run->writer, &run->counts);
    record_run(run, run->writer, &run->counts);
    if ((st = newsdex_writer_commit(run->writer)) != NEWSDEX_OK)
        return index_failure(run, run->writer, "commit failed", st);
    return NX_EXIT_OK;
}

/* ---- Reporting ---- */

static void report(jobs_run *run, uint64_t total)
{
    const nx_jobs_result *s = &run->sum;
    const newsdex_writer_counts *c = &run->counts;
    char extra[256] = "";
    if (s->truncated)
        snprintf(extra, sizeof extra, ", %llu truncated", (unsigned long long)s->truncated);
    if (s->undated)
        snprintf(extra + strlen(extra), sizeof extra - strlen(extra), ", %llu kept undated",
                 (unsigned long long)s->undated);
    if (s->empty)
        snprintf(extra + strlen(extra), sizeof extra - strlen(extra), ", %llu empty file%s",
                 (unsigned long long)s->empty, s->empty == 1 ? "" : "s");
    if (s->invalid_files)
        snprintf(extra + strlen(extra), sizeof extra - strlen(extra),
                 ", %llu file%s not valid %s (%llu byte%s replaced)",
                 (unsigned long long)s->invalid_files, s->invalid_files == 1 ? "" : "s",
                 nx_jobs_encoding_label(run->o->encoding),
                 (unsigned long long)s->invalid_bytes, s->invalid_bytes == 1 ? "" : "s");
    printf("indexed: %llu added, %llu replaced, %llu unchanged, %llu deleted, %llu rejected%s in "
           "%.2f s; index holds %llu articles\n",
           (unsigned long long)c->added, (unsigned long long)c->replaced,
           (unsigned long long)c->unchanged, (unsigned long long)c->deleted,
           (unsigned long long)s->rejected, extra, run->seconds, (unsigned long long)total);
    if (s->skipped) {
        size_t named = 0;
        for (const char *p = s->skipped_names; *p; p++)
            named += *p == '(';
        printf("skipped: %llu file%s not read: %s%s\n", (unsigned long long)s->skipped,
               s->skipped == 1 ? "" : "s", s->skipped_names, s->skipped > named ? ", ..." : "");
    }
    fflush(stdout);
}

static jobs_run *fatal_run;

static void on_fatal_index_error(newsdex_status status, const char *message)
{
    fprintf(stderr, "newsdex: cannot write to the index: %s\n", message);
    if (fatal_run)
        stop_workers(fatal_run);
    fflush(stderr);
    _exit(nx_cli_exit_for_status(status));
}

static void free_jobs(jobs_run *run)
{
    for (unsigned i = 0; i < run->n; i++) {
        job *j = &run->jobs[i];
        for (size_t d = 0; d < j->n_deletions; d++)
            free(j->deletions[d].id);
        free(j->deletions);
        free(j->shard_counts);
        free(j->buf);
    }
}

/* Everything before the merge; the index is untouched whatever happens. */
static int prepare(jobs_run *run, int n_inputs, char **inputs)
{
    /* Every worker reads the input from its start: files and directories
     * only (a pipe would be shared out among them instead). */
    for (int i = 0; i < n_inputs; i++) {
        struct stat st;
        if (strcmp(inputs[i], "-") && stat(inputs[i], &st) == 0 && !S_ISREG(st.st_mode) &&
            !S_ISDIR(st.st_mode)) {
            fprintf(stderr, "newsdex index: --jobs reads only files and directories, and %s is "
                            "neither; run without --jobs\n", inputs[i]);
            return NX_EXIT_USAGE;
        }
        if (!strcmp(inputs[i], "-")) {
            fprintf(stderr, "newsdex index: --jobs cannot share standard input (-) among "
                            "workers; give files, or run without --jobs\n");
            return NX_EXIT_USAGE;
        }
    }
    nx_cli_catch_stop_signals();
    int rc = nx_cli_open_writer(run->o->db_path, run->o->wait_lock, &run->writer);
    if (rc != NX_EXIT_OK)
        return rc;
    if (newsdex_writer_set_batch_size(run->writer, run->o->batch_size) != NEWSDEX_OK ||
        newsdex_writer_set_strict_dates(run->writer, run->o->strict_dates) != NEWSDEX_OK ||
        newsdex_writer_set_article_positions(run->writer, run->o->article_positions) != NEWSDEX_OK)
        return NX_EXIT_INDEX;
    fatal_run = run;
    newsdex_set_fatal_handler(on_fatal_index_error);
    if ((rc = make_tmp(run)) != NX_EXIT_OK)
        return rc;
    for (int i = 0; i < n_inputs; i++)
        run->total_bytes += nx_progress_input_size(inputs[i]);
    if ((rc = start_workers(run, n_inputs, inputs)) != NX_EXIT_OK)
        return rc;
    if ((rc = wait_workers(run)) != NX_EXIT_OK)
        return rc;
    nx_progress_clear(&run->progress);
    add_results(run);
    return NX_EXIT_OK;
}

int nx_cli_index_jobs(const nx_jobs_options *o, int n_inputs, char **inputs)
{
    jobs_run run = {.o = o, .at = {.parent_fd = -1}, .progress = {.last_shown = -1e9}};
    run.n = o->jobs < JOBS_MAX ? o->jobs : JOBS_MAX;
    clock_gettime(CLOCK_MONOTONIC, &run.started);
    int tty = isatty(STDERR_FILENO);
    run.progress.tty = o->progress != 2 && tty;
    run.progress.lines = o->progress == 1 && !tty;
    int rc = prepare(&run, n_inputs, inputs);
    if (rc == NX_EXIT_OK)
        rc = merge(&run, n_inputs, inputs);
    stop_workers(&run);
    nx_progress_clear(&run.progress);
    run.seconds = nx_seconds_since(&run.started);
    uint64_t total = 0;
    newsdex_writer_count(run.fresh ? run.fresh : run.writer, &total);
    remove_tmp(&run); /* the old index once swapped: the locks are still held */
    newsdex_writer_close(run.writer);
    newsdex_writer_close(run.fresh);
    if (run.at.parent_fd >= 0)
        close(run.at.parent_fd);
    free_jobs(&run);
    if (rc > NX_EXIT_SIGNAL) {
        fprintf(stderr, "newsdex: interrupted by %s before the parts were merged; the index was "
                        "left as it was\n",
                rc == NX_EXIT_SIGNAL + SIGINT ? "SIGINT" : "SIGTERM");
        return rc;
    }
    if (rc != NX_EXIT_OK) {
        if (!run.index_failed && rc != NX_EXIT_USAGE && rc != NX_EXIT_LOCKED)
            fprintf(stderr, "newsdex: the index was left as it was\n");
        return rc;
    }
    report(&run, total);
    if (nx_cli_stop_signal()) {
        fprintf(stderr, "newsdex: interrupted by %s during the merge, which was completed\n",
                nx_cli_stop_signal() == SIGINT ? "SIGINT" : "SIGTERM");
        return NX_EXIT_SIGNAL + nx_cli_stop_signal();
    }
    if (run.sum.input_failed)
        return NX_EXIT_INPUT;
    return run.sum.rejected ? NX_EXIT_REJECTED : NX_EXIT_OK;
}
