#include "sharded_writer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../engine/date.h"
#include "index_dir.h"
#include "index_writer.h"
#include "shard_archive.h"

#define PATH_CAP 4096

typedef struct shard {
    char name[NX_ARCHIVE_NAME_MAX];
    newsdex_writer *w;
} shard;

struct nx_sharded {
    char *path;
    int lock_fd;
    int owns_pid_file;
    int opened;            /* every shard on disk has its writer */
    shard *shards;         /* sorted by name, as the stub lists them */
    size_t n, cap;
    size_t batch_size;
    int article_positions;
    char warning[NX_ERROR_MAX];
};

/* The shard writer's failure, as the archive's. */
static newsdex_status shard_failed(const shard *sh, newsdex_status st, nx_error *err)
{
    return nx_error_set(err, st, "%s", newsdex_writer_last_error(sh->w));
}

static newsdex_status stub_from_shards(nx_sharded *s, nx_error *err)
{
    nx_shard_names names = {0}, listed = {0};
    newsdex_status st = NEWSDEX_OK;
    for (size_t i = 0; st == NEWSDEX_OK && i < s->n; i++)
        if (nx_shard_names_add(&names, s->shards[i].name) < 0)
            st = nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory");
    nx_error ignored;
    if (st == NEWSDEX_OK && (nx_archive_read_stub(s->path, &listed, &ignored) != NEWSDEX_OK ||
                             !nx_shard_names_equal(&names, &listed)))
        st = nx_archive_write_stub(s->path, &names, err);
    nx_shard_names_free(&names);
    nx_shard_names_free(&listed);
    return st;
}

/* Opens (creating it if needed) the shard name's writer, at its place in
 * the sorted list. */
static newsdex_status open_shard(nx_sharded *s, const char *name, shard **out, nx_error *err)
{
    char dir[PATH_CAP];
    if (snprintf(dir, sizeof dir, "%s/%s", s->path, name) >= (int)sizeof dir)
        return nx_error_set(err, NEWSDEX_ERR_INVALID, "path %.200s... is too long", s->path);
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        shard *grown = realloc(s->shards, cap * sizeof *grown);
        if (!grown)
            return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory");
        s->shards = grown;
        s->cap = cap;
    }
    char *message = NULL;
    newsdex_writer *w = NULL;
    newsdex_status st = newsdex_writer_open(dir, &w, &message);
    if (st == NEWSDEX_OK &&
        ((st = newsdex_writer_set_batch_size(w, s->batch_size)) != NEWSDEX_OK ||
         (st = newsdex_writer_set_article_positions(w, s->article_positions)) != NEWSDEX_OK))
        message = strdup(newsdex_writer_last_error(w));
    if (st != NEWSDEX_OK) {
        nx_error_set(err, st, "%s", message ? message : newsdex_status_to_string(st));
        free(message);
        newsdex_writer_close(w);
        return st;
    }
    size_t at = 0;
    while (at < s->n && strcmp(s->shards[at].name, name) < 0)
        at++;
    memmove(s->shards + at + 1, s->shards + at, (s->n - at) * sizeof *s->shards);
    snprintf(s->shards[at].name, sizeof s->shards[at].name, "%s", name);
    s->shards[at].w = w;
    s->n++;
    *out = &s->shards[at];
    return NEWSDEX_OK;
}

/* Every shard on disk gets its writer (and its lock) before the first
 * write: an id must be looked up in all of them. A shard a crash left
 * unlisted, or half-created, is taken back into the stub here. */
static newsdex_status open_all(nx_sharded *s, nx_error *err)
{
    if (s->opened)
        return NEWSDEX_OK;
    nx_shard_names names, listed = {0};
    nx_error ignored;
    newsdex_status st = nx_archive_scan(s->path, 0, &names, err);
    if (st == NEWSDEX_OK && nx_archive_read_stub(s->path, &listed, &ignored) != NEWSDEX_OK)
        memset(&listed, 0, sizeof listed);
    for (size_t i = 0; st == NEWSDEX_OK && i < names.n; i++) {
        shard *sh = NULL;
        int in_stub = 0;
        for (size_t j = 0; j < listed.n; j++)
            in_stub |= !strcmp(listed.names[j], names.names[i]);
        st = open_shard(s, names.names[i], &sh, err);
        if (st == NEWSDEX_OK && !in_stub && (st = nx_writer_commit_first(sh->w)) != NEWSDEX_OK)
            st = shard_failed(sh, st, err);
    }
    nx_shard_names_free(&names);
    nx_shard_names_free(&listed);
    if (st == NEWSDEX_OK)
        st = stub_from_shards(s, err);
    s->opened = st == NEWSDEX_OK;
    return st;
}

static shard *find_shard(nx_sharded *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->shards[i].name, name))
            return &s->shards[i];
    return NULL;
}

/* A new shard is listed in the stub only once its first commit is done. */
static newsdex_status shard_for(nx_sharded *s, const char *name, shard **out, nx_error *err)
{
    if ((*out = find_shard(s, name)) != NULL)
        return NEWSDEX_OK;
    newsdex_status st = open_shard(s, name, out, err);
    if (st == NEWSDEX_OK && (st = nx_writer_commit_first((*out)->w)) != NEWSDEX_OK)
        st = shard_failed(*out, st, err);
    return st == NEWSDEX_OK ? stub_from_shards(s, err) : st;
}

/* ---- Opening and closing ---- */

static newsdex_status refuse(const char *path, nx_archive_kind kind, nx_error *err)
{
    switch (kind) {
    case NX_ARCHIVE_INDEX:
        return nx_error_set(err, NEWSDEX_ERR_INVALID,
                            "index %s is one index, not an archive of shards: "
                            "newsdex_writer_open() writes it",
                            path);
    case NX_ARCHIVE_STUB_FILE:
        return nx_error_set(err, NEWSDEX_ERR_INVALID,
                            "%s holds a stub file (" NX_ARCHIVE_STUB
                            ") that newsdex did not write: not an archive of shards",
                            path);
    default:
        return nx_error_set(err, NEWSDEX_ERR_INVALID,
                            "%s is neither an archive of shards nor an empty directory", path);
    }
}

newsdex_status nx_sharded_open(const char *path, nx_sharded **out, nx_error *err)
{
    *out = NULL;
    nx_archive_kind kind = nx_archive_kind_of(path);
    if (kind != NX_ARCHIVE_ABSENT && kind != NX_ARCHIVE_YEARS)
        return refuse(path, kind, err);
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        return nx_error_set(err, errno == EACCES ? NEWSDEX_ERR_PERMISSION
                                 : errno == ENOENT ? NEWSDEX_ERR_NOT_FOUND
                                                   : NEWSDEX_ERR_IO,
                            "cannot create archive %s: %s", path, strerror(errno));
    nx_sharded *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory");
    }
    s->batch_size = NEWSDEX_WRITER_BATCH_DEFAULT;
    newsdex_status st = nx_archive_lock(path, &s->lock_fd, err);
    /* Under the lock: another writer may have made it an archive since. */
    if (st == NEWSDEX_OK && (kind = nx_archive_kind_of(path)) != NX_ARCHIVE_YEARS) {
        nx_shard_names none = {0};
        st = kind == NX_ARCHIVE_ABSENT ? nx_archive_write_stub(path, &none, err)
                                       : refuse(path, kind, err);
    }
    if (st != NEWSDEX_OK) {
        nx_archive_unlock(s->lock_fd);
        free(s->path);
        free(s);
        return st;
    }
    s->owns_pid_file = nx_index_dir_write_pid(path);
    *out = s;
    return NEWSDEX_OK;
}

newsdex_status nx_sharded_close(nx_sharded *s, nx_error *err)
{
    if (!s)
        return NEWSDEX_OK;
    newsdex_status st = NEWSDEX_OK;
    for (size_t i = 0; i < s->n; i++) {
        newsdex_status closed = newsdex_writer_close(s->shards[i].w);
        if (closed != NEWSDEX_OK && st == NEWSDEX_OK)
            st = nx_error_set(err, closed, "cannot close shard %s/%s", s->path,
                              s->shards[i].name);
    }
    if (st == NEWSDEX_OK && s->opened)
        st = stub_from_shards(s, err);
    if (s->owns_pid_file)
        nx_index_dir_remove_pid(s->path); /* while we still hold the lock */
    nx_archive_unlock(s->lock_fd);
    free(s->shards);
    free(s->path);
    free(s);
    return st;
}

/* ---- Writing ---- */

newsdex_status nx_sharded_put(nx_sharded *s, const char *id, int has_date, int64_t when,
                              nx_shard_put *p, newsdex_put_outcome *outcome, nx_error *err)
{
    s->warning[0] = '\0';
    char name[NX_ARCHIVE_NAME_MAX] = NX_ARCHIVE_UNDATED;
    if (has_date) {
        int y, m, d;
        nx_date_split(when, &y, &m, &d);
        snprintf(name, sizeof name, "%04d", y);
    }
    shard *target = NULL;
    newsdex_status st = open_all(s, err);
    if (st == NEWSDEX_OK)
        st = shard_for(s, name, &target, err);
    int moved = 0;
    /* Out of every other shard first, committed: never in two at once. */
    for (size_t i = 0; st == NEWSDEX_OK && i < s->n; i++) {
        shard *sh = &s->shards[i];
        int found = 0;
        if (sh == target)
            continue;
        st = nx_writer_has_id(sh->w, id, &found);
        if (st == NEWSDEX_OK && found) {
            st = nx_writer_move_out(sh->w, id);
            moved = 1;
        }
        if (st != NEWSDEX_OK)
            st = shard_failed(sh, st, err);
    }
    if (st != NEWSDEX_OK)
        return st;
    st = nx_writer_put_into_shard(target->w, p, moved, outcome);
    if (st != NEWSDEX_OK)
        return shard_failed(target, st, err);
    snprintf(s->warning, sizeof s->warning, "%s", newsdex_writer_last_warning(target->w));
    return NEWSDEX_OK;
}

newsdex_status nx_sharded_delete(nx_sharded *s, const char *id, int *found, nx_error *err)
{
    newsdex_status st = open_all(s, err);
    for (size_t i = 0; st == NEWSDEX_OK && i < s->n; i++) {
        int here = 0;
        st = newsdex_writer_delete(s->shards[i].w, id, &here);
        if (st != NEWSDEX_OK)
            st = shard_failed(&s->shards[i], st, err);
        if (found && here)
            *found = 1;
    }
    return st;
}

newsdex_status nx_sharded_prune(nx_sharded *s, newsdex_keep_fn keep, void *ctx,
                                uint64_t *deleted, nx_error *err)
{
    newsdex_status st = open_all(s, err);
    for (size_t i = 0; st == NEWSDEX_OK && i < s->n; i++) {
        uint64_t here = 0;
        st = newsdex_writer_prune(s->shards[i].w, keep, ctx, &here);
        if (st != NEWSDEX_OK)
            st = shard_failed(&s->shards[i], st, err);
        if (deleted)
            *deleted += here;
    }
    return st;
}

newsdex_status nx_sharded_commit(nx_sharded *s, nx_error *err)
{
    newsdex_status st = NEWSDEX_OK;
    for (size_t i = 0; st == NEWSDEX_OK && i < s->n; i++)
        if ((st = newsdex_writer_commit(s->shards[i].w)) != NEWSDEX_OK)
            st = shard_failed(&s->shards[i], st, err);
    return st;
}

newsdex_status nx_sharded_count(nx_sharded *s, uint64_t *count, nx_error *err)
{
    *count = 0;
    newsdex_status st = open_all(s, err);
    for (size_t i = 0; st == NEWSDEX_OK && i < s->n; i++) {
        uint64_t here = 0;
        if ((st = newsdex_writer_count(s->shards[i].w, &here)) != NEWSDEX_OK)
            st = shard_failed(&s->shards[i], st, err);
        *count += here;
    }
    return st;
}

newsdex_status nx_sharded_set_batch_size(nx_sharded *s, size_t batch_size, nx_error *err)
{
    s->batch_size = batch_size;
    newsdex_status st = NEWSDEX_OK;
    for (size_t i = 0; st == NEWSDEX_OK && i < s->n; i++)
        if ((st = newsdex_writer_set_batch_size(s->shards[i].w, batch_size)) != NEWSDEX_OK)
            st = shard_failed(&s->shards[i], st, err);
    return st;
}

newsdex_status nx_sharded_set_article_positions(nx_sharded *s, int article, nx_error *err)
{
    s->article_positions = article;
    newsdex_status st = NEWSDEX_OK;
    for (size_t i = 0; st == NEWSDEX_OK && i < s->n; i++)
        if ((st = newsdex_writer_set_article_positions(s->shards[i].w, article)) != NEWSDEX_OK)
            st = shard_failed(&s->shards[i], st, err);
    return st;
}

newsdex_status nx_sharded_set_metadata(nx_sharded *s, const char *key, const char *value,
                                       int reserved, nx_error *err)
{
    newsdex_status st = open_all(s, err);
    for (size_t i = 0; st == NEWSDEX_OK && i < s->n; i++) {
        newsdex_writer *w = s->shards[i].w;
        st = reserved ? nx_writer_record_last_run(w, value)
                      : newsdex_writer_set_metadata(w, key, value);
        if (st != NEWSDEX_OK)
            st = shard_failed(&s->shards[i], st, err);
    }
    return st;
}

/* ---- Counts ---- */

void nx_sharded_counts(const nx_sharded *s, int committed, newsdex_writer_counts *out)
{
    newsdex_writer_counts sum = {.size = sizeof sum};
    for (size_t i = 0; i < s->n; i++) {
        newsdex_writer_counts c;
        if (committed)
            newsdex_writer_get_committed_counts(s->shards[i].w, &c);
        else
            newsdex_writer_get_counts(s->shards[i].w, &c);
        sum.added += c.added;
        sum.replaced += c.replaced;
        sum.unchanged += c.unchanged;
        sum.deleted += c.deleted;
        sum.pending += c.pending;
    }
    *out = sum;
}

uint64_t nx_sharded_truncated(const nx_sharded *s)
{
    uint64_t total = 0;
    for (size_t i = 0; i < s->n; i++) {
        uint64_t here = 0;
        newsdex_writer_truncated_count(s->shards[i].w, &here);
        total += here;
    }
    return total;
}

const char *nx_sharded_warning(const nx_sharded *s)
{
    return s->warning;
}
