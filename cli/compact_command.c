/* `newsdex compact --db DIR`: rewrite an index compactly, in place.
 *
 * An index written incrementally is about twice the size it needs to be.
 * This takes the writer lock (as `index` does) for the whole run, writes a
 * compact copy (Xapian's compaction, document ids kept) into a temporary
 * directory beside the index, ".NAME.compact-XXXXXX", and swaps the two
 * directories in one atomic step (renameat2 RENAME_EXCHANGE), then removes
 * the old one. Searches go on throughout: they read the old directory,
 * then the new one. Until the swap the original is never touched, so
 * failing, a full disk or a signal leaves it as it was, with the temporary
 * directory removed; a run killed outright (kill -9) leaves the temporary
 * directory behind, and the next run, which holds the lock and therefore
 * knows it is stale, removes it.
 *
 * The compaction runs in a child process so that SIGINT/SIGTERM stop it at
 * once, however large the index: the parent kills the child, removes the
 * temporary directory and exits 128+signal.
 *
 * An archive of per-year shards is compacted shard by shard, each as
 * above. An archive by arrival is folded (newsdex_writer_fold()): its main
 * and recent shards merged into a new main shard that the stub then lists
 * alone; a signal during a fold is acted on once the fold is done. */
#define _GNU_SOURCE /* pipe2 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
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
#include "progress.h"

#define TMP_INFIX ".compact-"
#define PATH_CAP 4096

typedef struct compact_opts {
    const char *db_path; /* as given: messages name it */
    unsigned wait_lock;  /* seconds */
    int json;
} compact_opts;

typedef struct compact_run {
    const char *db_path;        /* as given */
    nx_fs_place at;             /* the index (symlinks resolved) and its parent */
    char tmp_name[NAME_MAX + 1]; /* in parent; "" when there is none */
    char tmp_path[PATH_CAP];
    newsdex_writer *writer;     /* the lock on the original */
    newsdex_writer *fresh;      /* the compacted copy, open for writing (its lock) */
    uint64_t articles, size_before, size_after;
    struct timespec started;
} compact_run;

static void usage(FILE *out)
{
    fputs("usage: newsdex compact [--db DIR] [--wait-lock SECS] [--json]\n"
          "Rewrites the index in DIR compactly, in place (often half the size after\n"
          "incremental indexing). Holds the writer lock meanwhile; searches go on.\n"
          "The original is replaced in one atomic step only once the copy is complete.\n"
          "An archive of per-year shards is compacted shard by shard, under its lock;\n"
          "an archive by arrival is folded: its main and recent shards become one.\n"
          "  --db DIR          index directory (default: $NEWSDEX_DB)\n"
          "  --wait-lock SECS  wait up to SECS for another writer to finish\n"
          "  --json            print the summary as one JSON object\n"
          "SIGINT/SIGTERM: stop, remove the unfinished copy, exit 128+signal.\n",
          out);
}

/* ---- Directories ---- */

/* Bytes of the regular files directly in the directory `name` of `at`
 * (Xapian keeps an index flat). */
static uint64_t directory_size(int at, const char *name)
{
    int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    uint64_t total = 0;
    struct dirent *e;
    struct stat st;
    while (d && (e = readdir(d)) != NULL)
        if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
            total += (uint64_t)st.st_size;
    if (d)
        closedir(d);
    else if (fd >= 0)
        close(fd);
    return total;
}

/* Removes the temporary directory, if any; says so when that fails. */
static void remove_tmp(compact_run *run)
{
    if (!run->tmp_name[0])
        return;
    if (nx_fs_remove_tree(run->at.parent_fd, run->tmp_name) != 0)
        fprintf(stderr, "newsdex: could not remove %s: %s (the next compact removes it)\n",
                run->tmp_path, strerror(errno));
    run->tmp_name[0] = '\0';
}

/* Gives `name` of `at` the owner and permissions in `want`. Returns -1
 * (errno set) when the owner could not be changed. */
static int match_owner_mode(int at, const char *name, const struct stat *want)
{
    struct stat st;
    if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return 0;
    int rc = 0, chowned = 0;
    if (st.st_uid != want->st_uid || st.st_gid != want->st_gid) {
        if (fchownat(at, name, want->st_uid, want->st_gid, AT_SYMLINK_NOFOLLOW) == 0)
            chowned = 1;
        else
            rc = -1;
    }
    int saved = errno;
    /* After chown, which may clear the set-id bits. */
    if (chowned || (st.st_mode & 07777) != (want->st_mode & 07777))
        fchmodat(at, name, want->st_mode & 07777, 0);
    errno = saved;
    return rc;
}

/* The copy gets the original's owner and permissions: the directory's, and
 * each file's that the original also has (a web server reading the index
 * as another user must go on reading it, an indexer running as its owner
 * writing it). A failure is worth a warning, not an abort. */
static void copy_ownership(compact_run *run)
{
    struct stat old;
    int failed = 0, why = 0;
    if (fstatat(run->at.parent_fd, run->at.base, &old, 0) != 0)
        return;
    if (match_owner_mode(run->at.parent_fd, run->tmp_name, &old) != 0)
        failed = 1, why = errno;
    int old_fd = openat(run->at.parent_fd, run->at.base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int new_fd = openat(run->at.parent_fd, run->tmp_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d = old_fd >= 0 && new_fd >= 0 ? fdopendir(new_fd) : NULL;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        if (fstatat(old_fd, e->d_name, &old, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(old.st_mode) &&
            match_owner_mode(new_fd, e->d_name, &old) != 0 && !failed)
            failed = 1, why = errno;
    if (d)
        closedir(d);
    else if (new_fd >= 0)
        close(new_fd);
    if (old_fd >= 0)
        close(old_fd);
    if (failed)
        fprintf(stderr, "newsdex: warning: the compacted index could not be given the owner of "
                        "the original (%s): it is owned by this user now\n",
                strerror(why));
}

/* fsync a directory (its entries), `name` of `at`. */
static int sync_dir(int at, const char *name)
{
    int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* ---- Setting up ---- */

/* Resolves DIR (a symbolic link is followed: the directory it names is
 * compacted, and the link stays) and checks it holds an index. */
static int find_index(compact_run *run)
{
    char real[PATH_MAX];
    struct stat st;
    if (!realpath(run->db_path, real)) {
        fprintf(stderr, "newsdex: cannot open index %s: %s\n", run->db_path, strerror(errno));
        return NX_EXIT_INDEX;
    }
    if (stat(real, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "newsdex: %s is not an index directory (compact works on one index "
                        "directory; compact each shard of a stub file on its own)\n",
                run->db_path);
        return NX_EXIT_INDEX;
    }
    char version[PATH_CAP];
    if (snprintf(version, sizeof version, "%s/iamglass", real) >= (int)sizeof version ||
        access(version, F_OK) != 0) {
        fprintf(stderr, "newsdex: cannot open index %s: no index there\n", run->db_path);
        return NX_EXIT_INDEX;
    }
    int at = nx_fs_place_at(&run->at, real);
    if (at == -1)
        fprintf(stderr, "newsdex: cannot compact %s in place\n", run->db_path);
    return at == 0 ? NX_EXIT_OK : NX_EXIT_INDEX;
}

/* Articles in the index, as its writer sees it. */
static int count_articles(compact_run *run)
{
    newsdex_status st = newsdex_writer_count(run->writer, &run->articles);
    if (st != NEWSDEX_OK)
        fprintf(stderr, "newsdex: cannot read index %s: %s\n", run->at.dir,
                newsdex_writer_last_error(run->writer));
    return st == NEWSDEX_OK ? NX_EXIT_OK : nx_cli_exit_for_status(st);
}

static int make_tmp(compact_run *run)
{
    int rc = nx_fs_make_tmp(&run->at, TMP_INFIX, run->tmp_path, sizeof run->tmp_path);
    if (rc == NX_EXIT_OK)
        snprintf(run->tmp_name, sizeof run->tmp_name, "%s", strrchr(run->tmp_path, '/') + 1);
    return rc;
}

/* ---- The compaction, in a child process ---- */

typedef struct child_result {
    int status; /* newsdex_status */
    char message[512];
} child_result;

static int child_fd = -1;

static void child_send(newsdex_status st, const char *message)
{
    child_result r;
    memset(&r, 0, sizeof r);
    r.status = (int)st;
    snprintf(r.message, sizeof r.message, "%s", message);
    /* Smaller than PIPE_BUF: written whole, and never blocks. */
    if (write(child_fd, &r, sizeof r) != (ssize_t)sizeof r)
        _exit(2);
}

/* Xapian may abort on a write it cannot unwind (a full disk): pass the
 * reason on before dying. */
static void on_child_fatal(newsdex_status status, const char *message)
{
    child_send(status, message);
    _exit(1);
}

static void compact_child(const compact_run *run, int fd, pid_t parent)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* the parent died (kill -9): stop too */
    if (getppid() != parent)
        _exit(1);
    /* The parent decides what a signal means: it kills us when it stops. */
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    child_fd = fd;
    newsdex_set_fatal_handler(on_child_fatal);
    char *message = NULL;
    newsdex_status st = newsdex_index_compact(run->at.dir, run->tmp_path, &message);
    child_send(st, message ? message : "");
    _exit(st == NEWSDEX_OK ? 0 : 1); /* no atexit handlers, no destructors: all is the parent's */
}

/* Waits for the child; a stop signal kills it. 1 if stopped by a signal. */
static int wait_child(pid_t pid, int *wstatus)
{
    for (;;) {
        pid_t r = waitpid(pid, wstatus, WNOHANG);
        if (r == pid || (r < 0 && errno != EINTR))
            return 0;
        if (nx_cli_stop_signal()) {
            kill(pid, SIGKILL);
            while (waitpid(pid, wstatus, 0) < 0 && errno == EINTR)
                ;
            return 1;
        }
        struct timespec t = {0, 25 * 1000 * 1000};
        nanosleep(&t, NULL);
    }
}

static int compact_into_tmp(compact_run *run)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        fprintf(stderr, "newsdex: cannot compact: %s\n", strerror(errno));
        return NX_EXIT_INDEX;
    }
    fflush(NULL);
    pid_t parent = getpid(), pid = fork();
    if (pid == 0) {
        close(fds[0]);
        compact_child(run, fds[1], parent);
    }
    close(fds[1]);
    if (pid < 0) {
        fprintf(stderr, "newsdex: cannot compact: %s\n", strerror(errno));
        close(fds[0]);
        return NX_EXIT_INDEX;
    }
    int wstatus = 0;
    int stopped = wait_child(pid, &wstatus);
    child_result r;
    memset(&r, 0, sizeof r);
    ssize_t got = read(fds[0], &r, sizeof r);
    close(fds[0]);
    if (stopped || nx_cli_stop_signal())
        return NX_EXIT_SIGNAL + nx_cli_stop_signal();
    r.message[sizeof r.message - 1] = '\0';
    newsdex_status st = got == (ssize_t)sizeof r ? (newsdex_status)r.status : NEWSDEX_ERR_INTERNAL;
    if (got != (ssize_t)sizeof r) {
        if (WIFSIGNALED(wstatus))
            snprintf(r.message, sizeof r.message, "the compacting process was killed by signal %d",
                     WTERMSIG(wstatus));
        else
            snprintf(r.message, sizeof r.message, "the compacting process failed");
    }
    if (st == NEWSDEX_OK)
        return NX_EXIT_OK;
    fprintf(stderr, "newsdex: cannot compact index %s: %s\n", run->db_path, r.message);
    if (st == NEWSDEX_ERR_NOSPACE)
        fprintf(stderr, "newsdex: compacting needs room for a second copy of the index (up to "
                        "its size) beside it\n");
    return nx_cli_exit_for_status(st);
}

/* ---- Swapping ---- */

/* Opens the copy for writing: a check that it is a sound writable index
 * holding what the original does (newsdex_index_compact() compared the
 * counts), and its lock, held until the end. Its writer also writes our pid
 * there, for "locked by another writer (pid N)" once the copy is the index. */
static int check_copy(compact_run *run)
{
    char *message = NULL;
    uint64_t articles = 0;
    newsdex_status st = newsdex_writer_open(run->tmp_path, &run->fresh, &message);
    if (st == NEWSDEX_OK)
        st = newsdex_writer_count(run->fresh, &articles);
    if (st != NEWSDEX_OK) {
        fprintf(stderr, "newsdex: the compacted copy does not open: %s\n",
                message ? message : newsdex_writer_last_error(run->fresh));
        free(message);
        return NX_EXIT_INDEX;
    }
    if (articles != run->articles) {
        fprintf(stderr, "newsdex: the compacted copy holds %llu articles, the index %llu\n",
                (unsigned long long)articles, (unsigned long long)run->articles);
        return NX_EXIT_INDEX;
    }
    copy_ownership(run);
    /* Xapian synced the files; their names must be on disk too before the swap. */
    if (sync_dir(run->at.parent_fd, run->tmp_name) != 0) {
        fprintf(stderr, "newsdex: cannot sync %s: %s\n", run->tmp_path, strerror(errno));
        return errno == ENOSPC || errno == EDQUOT ? NX_EXIT_NOSPACE : NX_EXIT_INDEX;
    }
    return NX_EXIT_OK;
}

static int swap_in(compact_run *run)
{
    if (nx_fs_exchange(run->at.parent_fd, run->tmp_name, run->at.parent_fd, run->at.base) != 0) {
        int e = errno;
        if (e == EINVAL || e == ENOSYS || e == ENOTSUP)
            fprintf(stderr, "newsdex: cannot swap the compacted index into place: the file system "
                            "of %s does not support exchanging two directories atomically "
                            "(renameat2 RENAME_EXCHANGE: %s); the index was left as it was\n",
                    run->at.parent, strerror(e));
        else
            fprintf(stderr, "newsdex: cannot swap the compacted index into place (%s): %s%s; "
                            "the index was left as it was\n",
                    run->at.dir, strerror(e),
                    e == EBUSY ? " (a mount point cannot be replaced: compact needs the index "
                                 "directory inside a file system, not at its top)"
                               : "");
        return NX_EXIT_INDEX;
    }
    /* The old index now has the temporary name (tmp_name, tmp_path). */
    if (fsync(run->at.parent_fd) != 0)
        fprintf(stderr, "newsdex: warning: cannot sync %s: %s\n", run->at.parent, strerror(errno));
    return NX_EXIT_OK;
}

/* Releases the locks and removes what is left, in the order that keeps the
 * index locked until nothing of the run remains. */
static void finish(compact_run *run)
{
    remove_tmp(run); /* the old index once swapped, else the unfinished copy */
    /* Closing the original's writer removes DIR/newsdex.pid: after the swap,
     * the copy's, which is ours. Nothing is written: the index is unchanged. */
    newsdex_writer_close(run->writer);
    run->writer = NULL;
    newsdex_writer_close(run->fresh);
    run->fresh = NULL;
    if (run->at.parent_fd >= 0)
        close(run->at.parent_fd);
    run->at.parent_fd = -1;
}

static void report(const compact_run *run, int json)
{
    double seconds = nx_seconds_since(&run->started);
    if (json) {
        json_t *o = json_pack("{s:s, s:I, s:I, s:f, s:I}", "index", run->db_path, "size_before",
                              (json_int_t)run->size_before, "size_after",
                              (json_int_t)run->size_after, "seconds", seconds, "articles",
                              (json_int_t)run->articles);
        if (o)
            json_dumpf(o, stdout, JSON_COMPACT);
        json_decref(o);
        fputc('\n', stdout);
    } else {
        char before[32], after[32];
        nx_cli_format_size(before, sizeof before, run->size_before);
        nx_cli_format_size(after, sizeof after, run->size_after);
        printf("compacted: %s -> %s in %.1f s; index holds %llu articles\n", before, after,
               seconds, (unsigned long long)run->articles);
    }
    fflush(stdout);
}

/* ---- Options ---- */

/* Returns -1 to go on, else the exit status. */
static int parse_options(int argc, char **argv, compact_opts *o)
{
    static const struct option options[] = {
        {"db", required_argument, NULL, 'd'},   {"wait-lock", required_argument, NULL, 'w'},
        {"json", no_argument, NULL, 'j'},       {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c, bad = 0;
    optind = 1;
    while (!bad && (c = getopt_long(argc, argv, "+d:jh", options, NULL)) != -1) {
        switch (c) {
        case 'd': o->db_path = optarg; break;
        case 'w': bad = nx_cli_parse_uint(optarg, "--wait-lock", 86400, &o->wait_lock); break;
        case 'j': o->json = 1; break;
        case 'h': usage(stdout); return NX_EXIT_OK;
        default: bad = 1;
        }
    }
    o->db_path = nx_cli_db_path(o->db_path);
    const char *problem = bad              ? NULL
                          : !o->db_path    ? "no index given (use --db DIR or set NEWSDEX_DB)"
                          : optind < argc ? "unexpected arguments (compact takes only options)"
                                           : NULL;
    if (problem)
        fprintf(stderr, "newsdex compact: %s\n", problem);
    if (bad || problem) {
        usage(stderr);
        return NX_EXIT_USAGE;
    }
    return -1;
}

/* Everything up to the swap; the original is untouched whatever happens. */
static int prepare(compact_run *run, const compact_opts *o)
{
    int rc = find_index(run);
    if (rc != NX_EXIT_OK)
        return rc;
    nx_cli_catch_stop_signals();
    if ((rc = nx_cli_open_writer(run->db_path, o->wait_lock, &run->writer)) != NX_EXIT_OK)
        return rc;
    nx_fs_remove_stale(&run->at, TMP_INFIX, "compact");
    run->size_before = directory_size(run->at.parent_fd, run->at.base);
    if ((rc = count_articles(run)) != NX_EXIT_OK)
        return rc;
    if (nx_cli_stop_signal())
        return NX_EXIT_SIGNAL + nx_cli_stop_signal();
    if ((rc = make_tmp(run)) != NX_EXIT_OK)
        return rc;
    if ((rc = compact_into_tmp(run)) != NX_EXIT_OK)
        return rc;
    if ((rc = check_copy(run)) != NX_EXIT_OK)
        return rc;
    /* The last moment to stop: from the swap on, the run completes. */
    return nx_cli_stop_signal() ? NX_EXIT_SIGNAL + nx_cli_stop_signal() : NX_EXIT_OK;
}

/* Compacts the one index at path into place; run holds what it did. */
static int compact_one(const char *path, const compact_opts *o, compact_run *run)
{
    *run = (compact_run){.db_path = path, .at = {.parent_fd = -1}};
    clock_gettime(CLOCK_MONOTONIC, &run->started);
    int rc = prepare(run, o);
    if (rc == NX_EXIT_OK)
        rc = swap_in(run);
    if (rc != NX_EXIT_OK) {
        if (rc > NX_EXIT_SIGNAL)
            fprintf(stderr, "newsdex: interrupted by %s; the index was left as it was\n",
                    rc == NX_EXIT_SIGNAL + SIGINT ? "SIGINT" : "SIGTERM");
        newsdex_writer_close(run->fresh); /* before its directory goes */
        run->fresh = NULL;
        finish(run);
        return rc;
    }
    run->size_after = directory_size(run->at.parent_fd, run->at.base);
    finish(run);
    return NX_EXIT_OK;
}

/* An archive of shards: its writer lock for the whole run (the shards'
 * own writers stay closed), then each shard compacted as one index. A
 * failure stops at that shard; those before it stay compacted. */
static int compact_archive(const compact_opts *o)
{
    newsdex_writer *archive = NULL;
    compact_run total = {.db_path = o->db_path, .at = {.parent_fd = -1}};
    clock_gettime(CLOCK_MONOTONIC, &total.started);
    nx_cli_catch_stop_signals();
    int rc = nx_cli_open_writer_sharded(o->db_path, NEWSDEX_SHARD_BY_YEAR, o->wait_lock,
                                        &archive);
    if (rc != NX_EXIT_OK)
        return rc;
    char **shards = NULL, *message = NULL;
    size_t n = 0;
    newsdex_shard_by by;
    if (newsdex_index_shards(o->db_path, &by, &shards, &n, &message) != NEWSDEX_OK) {
        fprintf(stderr, "newsdex: %s\n", message ? message : "cannot list the shards");
        rc = NX_EXIT_INDEX;
    }
    for (size_t i = 0; rc == NX_EXIT_OK && i < n; i++) {
        compact_run run;
        rc = compact_one(shards[i], o, &run);
        total.articles += run.articles;
        total.size_before += run.size_before;
        total.size_after += rc == NX_EXIT_OK ? run.size_after : run.size_before;
    }
    free(shards);
    free(message);
    newsdex_writer_close(archive); /* nothing was written through it */
    if (rc == NX_EXIT_OK)
        report(&total, o->json);
    return rc;
}

/* Bytes of the shards an archive's stub lists. */
static uint64_t archive_size(const char *db_path)
{
    char **shards = NULL;
    size_t n = 0;
    newsdex_shard_by by;
    uint64_t total = 0;
    if (newsdex_index_shards(db_path, &by, &shards, &n, NULL) == NEWSDEX_OK)
        for (size_t i = 0; i < n; i++)
            total += directory_size(AT_FDCWD, shards[i]);
    free(shards);
    return total;
}

/* An archive by arrival: its writer folds it, under its lock. */
static int fold_archive(const compact_opts *o)
{
    newsdex_writer *archive = NULL;
    compact_run total = {.db_path = o->db_path, .at = {.parent_fd = -1}};
    clock_gettime(CLOCK_MONOTONIC, &total.started);
    nx_cli_catch_stop_signals();
    int rc = nx_cli_open_writer_sharded(o->db_path, NEWSDEX_SHARD_BY_ARRIVAL, o->wait_lock,
                                        &archive);
    if (rc != NX_EXIT_OK)
        return rc;
    total.size_before = archive_size(o->db_path);
    newsdex_status st = newsdex_writer_fold(archive);
    if (st != NEWSDEX_OK) {
        fprintf(stderr, "newsdex: cannot fold %s: %s\n", o->db_path,
                newsdex_writer_last_error(archive));
        rc = st == NEWSDEX_ERR_NOSPACE ? NX_EXIT_NOSPACE : NX_EXIT_INDEX;
    } else if (newsdex_writer_count(archive, &total.articles) != NEWSDEX_OK) {
        fprintf(stderr, "newsdex: %s\n", newsdex_writer_last_error(archive));
        rc = NX_EXIT_INDEX;
    }
    if (newsdex_writer_close(archive) != NEWSDEX_OK && rc == NX_EXIT_OK)
        rc = NX_EXIT_INDEX;
    if (rc != NX_EXIT_OK)
        return rc;
    total.size_after = archive_size(o->db_path);
    report(&total, o->json);
    if (nx_cli_stop_signal()) {
        fprintf(stderr, "newsdex: interrupted by %s once the fold was done\n",
                nx_cli_stop_signal() == SIGINT ? "SIGINT" : "SIGTERM");
        return NX_EXIT_SIGNAL + nx_cli_stop_signal();
    }
    return NX_EXIT_OK;
}

int cmd_compact(int argc, char **argv)
{
    compact_opts o = {0};
    int rc = parse_options(argc, argv, &o);
    if (rc >= 0)
        return rc;
    newsdex_shard_by by = nx_cli_shard_by_of(o.db_path);
    if (by == NEWSDEX_SHARD_BY_YEAR)
        return compact_archive(&o);
    if (by == NEWSDEX_SHARD_BY_ARRIVAL)
        return fold_archive(&o);
    compact_run run;
    rc = compact_one(o.db_path, &o, &run);
    if (rc == NX_EXIT_OK)
        report(&run, o.json);
    return rc;
}
