#include "sharded_writer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../engine/date.h"
#include "../engine/xapian/xdb.h"
#include "../engine/xapian/xmerge.h"
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
    newsdex_shard_by by;
    int lock_fd;
    int owns_pid_file;
    int opened;            /* every shard on disk has its writer */
    shard *shards;         /* sorted by name, as the stub lists them */
    size_t n, cap;
    size_t batch_size;
    size_t flush; /* nx_xdb_flush_threshold(), as the shards' writers open */
    int article_positions;
    newsdex_writer_counts folded; /* what shards closed by a fold had counted */
    uint64_t folded_truncated;
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
        st = nx_archive_write_stub(s->path, s->by, &names, err);
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

static shard *find_shard(nx_sharded *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->shards[i].name, name))
            return &s->shards[i];
    return NULL;
}

static int listed_in(const nx_shard_names *listed, const char *name)
{
    for (size_t j = 0; j < listed->n; j++)
        if (!strcmp(listed->names[j], name))
            return 1;
    return 0;
}

/* Every shard on disk gets its writer (and its lock) before the first
 * write: an id must be looked up in all of them. By year, a shard a crash
 * left unlisted, or half-created, is taken back into the stub here (it
 * holds no article: a shard is listed after its first commit). By arrival,
 * the stub alone says which shards hold the archive: an unlisted one is an
 * empty recent shard or a fold that did not finish, and is removed. */
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
        int in_stub = listed_in(&listed, names.names[i]);
        if (s->by == NEWSDEX_SHARD_BY_ARRIVAL && !in_stub) {
            st = nx_archive_remove_shard(s->path, names.names[i], err);
            continue;
        }
        if (find_shard(s, names.names[i]))
            continue; /* opened by an earlier call that failed further on */
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
    case NX_ARCHIVE_YEARS:
        return nx_error_set(err, NEWSDEX_ERR_INVALID,
                            "%s is an archive of per-year shards: open it with "
                            "NEWSDEX_SHARD_BY_YEAR",
                            path);
    case NX_ARCHIVE_ARRIVAL:
        return nx_error_set(err, NEWSDEX_ERR_INVALID,
                            "%s is an archive of shards by arrival: open it with "
                            "NEWSDEX_SHARD_BY_ARRIVAL",
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

newsdex_status nx_sharded_open(const char *path, newsdex_shard_by by, nx_sharded **out,
                                nx_error *err)
{
    *out = NULL;
    nx_archive_kind wanted = nx_archive_kind_for(by);
    nx_archive_kind kind = nx_archive_kind_of(path);
    if (kind != NX_ARCHIVE_ABSENT && kind != wanted)
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
    s->flush = nx_xdb_flush_threshold();
    s->by = by;
    newsdex_status st = nx_archive_lock(path, &s->lock_fd, err);
    /* Under the lock: another writer may have made it an archive since. */
    if (st == NEWSDEX_OK && (kind = nx_archive_kind_of(path)) != wanted) {
        nx_shard_names none = {0};
        st = kind == NX_ARCHIVE_ABSENT ? nx_archive_write_stub(path, by, &none, err)
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

/* Closes every shard's writer; the first failure is the status. */
static newsdex_status close_writers(nx_sharded *s, nx_error *err)
{
    newsdex_status st = NEWSDEX_OK;
    for (size_t i = 0; i < s->n; i++) {
        newsdex_status closed = newsdex_writer_close(s->shards[i].w);
        if (closed != NEWSDEX_OK && st == NEWSDEX_OK)
            st = nx_error_set(err, closed, "cannot close shard %s/%s", s->path,
                              s->shards[i].name);
    }
    return st;
}

newsdex_status nx_sharded_close(nx_sharded *s, nx_error *err)
{
    if (!s)
        return NEWSDEX_OK;
    newsdex_status st = close_writers(s, err);
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

/* By arrival: the main shard if it holds id, else the recent shard (whose
 * own writer then looks id up, so it is not looked up there twice). */
static newsdex_status arrival_put(nx_sharded *s, const char *id, nx_shard_put *p,
                                  newsdex_put_outcome *outcome, nx_error *err)
{
    shard *target = NULL;
    newsdex_status st = open_all(s, err);
    for (size_t i = 0; st == NEWSDEX_OK && !target && i < s->n; i++) {
        int found = 0;
        if (!strcmp(s->shards[i].name, NX_ARCHIVE_RECENT))
            continue;
        if ((st = nx_writer_has_id(s->shards[i].w, id, &found)) != NEWSDEX_OK)
            st = shard_failed(&s->shards[i], st, err);
        else if (found)
            target = &s->shards[i];
    }
    if (st == NEWSDEX_OK && !target)
        st = shard_for(s, NX_ARCHIVE_RECENT, &target, err);
    if (st != NEWSDEX_OK)
        return st;
    st = nx_writer_put_into_shard(target->w, p, 0, outcome);
    if (st != NEWSDEX_OK)
        return shard_failed(target, st, err);
    snprintf(s->warning, sizeof s->warning, "%s", newsdex_writer_last_warning(target->w));
    return NEWSDEX_OK;
}

/* Each shard's writer holds up to a flush's worth of articles in memory
 * (nx_xdb_flush_threshold(), tens of megabytes), so input that jumps
 * between many years would hold that for every year at once (38 years in
 * random order: 936 MB at 200,000 articles). Past four flushes' worth in
 * all, the shard holding most commits its batch early; input in date
 * order (a year at a time) commits no more often than one index. Four,
 * not two: a night of 5,000 articles over 38 years then commits once
 * early instead of repeatedly, and takes no longer than unbounded. */
#define NX_ARCHIVE_FLUSHES_HELD 4
static newsdex_status bound_memory(nx_sharded *s, nx_error *err)
{
    size_t flush = s->flush, total = 0, most = 0;
    shard *largest = NULL;
    for (size_t i = 0; i < s->n; i++) {
        size_t held = nx_writer_pending(s->shards[i].w) % flush;
        total += held;
        if (held > most) {
            most = held;
            largest = &s->shards[i];
        }
    }
    if (total <= NX_ARCHIVE_FLUSHES_HELD * flush || !largest)
        return NEWSDEX_OK;
    newsdex_status st = newsdex_writer_commit(largest->w);
    return st == NEWSDEX_OK ? st : shard_failed(largest, st, err);
}

newsdex_status nx_sharded_put(nx_sharded *s, const char *id, int has_date, int64_t when,
                              nx_shard_put *p, newsdex_put_outcome *outcome, nx_error *err)
{
    s->warning[0] = '\0';
    if (s->by == NEWSDEX_SHARD_BY_ARRIVAL)
        return arrival_put(s, id, p, outcome, err);
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
    return bound_memory(s, err);
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
    newsdex_writer_counts sum = s->folded;
    sum.size = sizeof sum;
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
    uint64_t total = s->folded_truncated;
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

/* ---- Folding an archive by arrival ---- */

static newsdex_status count_index(const char *dir, uint64_t *articles, nx_error *err)
{
    nx_xdb *db = NULL;
    newsdex_status st = nx_xdb_open_readonly(dir, &db, err);
    if (st == NEWSDEX_OK)
        st = nx_xdb_doccount(db, articles, err);
    nx_xdb_close(db, NULL);
    return st;
}

/* Closes every shard's writer, keeping what they counted. */
static newsdex_status close_shards(nx_sharded *s, nx_error *err)
{
    newsdex_writer_counts c;
    nx_sharded_counts(s, 1, &c);
    uint64_t truncated = nx_sharded_truncated(s);
    newsdex_status st = close_writers(s, err);
    s->folded = c;
    s->folded_truncated = truncated;
    s->n = 0;
    s->opened = 0;
    return st;
}

newsdex_status nx_sharded_fold(nx_sharded *s, nx_error *err)
{
    if (s->by != NEWSDEX_SHARD_BY_ARRIVAL)
        return nx_error_set(err, NEWSDEX_ERR_INVALID,
                            "newsdex_writer_fold: %s is not an archive by arrival", s->path);
    uint64_t articles = 0, merged = 0;
    newsdex_status st = open_all(s, err);
    if (st == NEWSDEX_OK)
        st = nx_sharded_commit(s, err);
    if (st == NEWSDEX_OK)
        st = nx_sharded_count(s, &articles, err);
    if (st != NEWSDEX_OK || s->n == 0)
        return st;
    /* The new main shard takes the main name the stub does not list. */
    const char *target = find_shard(s, NX_ARCHIVE_MAIN_A) ? NX_ARCHIVE_MAIN_B : NX_ARCHIVE_MAIN_A;
    char dst[PATH_CAP];
    char(*paths)[PATH_CAP] = malloc(s->n * sizeof *paths);
    const char **list = malloc(s->n * sizeof *list);
    if (!paths || !list)
        st = nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory");
    else if (snprintf(dst, sizeof dst, "%s/%s", s->path, target) >= (int)sizeof dst)
        st = nx_error_set(err, NEWSDEX_ERR_INVALID, "path %.200s... is too long", s->path);
    for (size_t i = 0; st == NEWSDEX_OK && i < s->n; i++) {
        snprintf(paths[i], PATH_CAP, "%s/%s", s->path, s->shards[i].name);
        list[i] = paths[i];
    }
    /* Shards sort main before recent: the merge keeps the main shard's ids. */
    if (st == NEWSDEX_OK)
        st = nx_xmerge_compact(list, s->n, dst, err);
    if (st == NEWSDEX_OK && (st = count_index(dst, &merged, err)) == NEWSDEX_OK &&
        merged != articles)
        st = nx_error_set(err, NEWSDEX_ERR_CORRUPT,
                          "the folded shard %s holds %llu articles, the archive %llu", dst,
                          (unsigned long long)merged, (unsigned long long)articles);
    nx_shard_names old = {0}, now = {0};
    for (size_t i = 0; st == NEWSDEX_OK && i < s->n; i++)
        if (nx_shard_names_add(&old, s->shards[i].name) < 0)
            st = nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory");
    if (st == NEWSDEX_OK && nx_shard_names_add(&now, target) < 0)
        st = nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory");
    free(paths);
    free(list);
    if (st != NEWSDEX_OK) {
        nx_error ignored;
        nx_archive_remove_shard(s->path, target, &ignored);
        nx_shard_names_free(&old);
        nx_shard_names_free(&now);
        return st;
    }
    /* From here the fold is done: the stub names the new shard alone, and
     * an old shard left behind is removed by the next writer that opens. */
    st = close_shards(s, err);
    if (st == NEWSDEX_OK)
        st = nx_archive_write_stub(s->path, s->by, &now, err);
    for (size_t i = 0; st == NEWSDEX_OK && i < old.n; i++)
        st = nx_archive_remove_shard(s->path, old.names[i], err);
    nx_shard_names_free(&old);
    nx_shard_names_free(&now);
    return st;
}
