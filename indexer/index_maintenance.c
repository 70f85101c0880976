/* Maintenance of an index through the public API: its statistics
 * (newsdex_index_stats), the check of its term table, a compact copy, the
 * record of the last indexing run and the fatal-error hook. The programs
 * decide what to show and what to do with a copy; this reads and writes. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "newsdex.h"
#include "index_writer.h"
#include "shard_archive.h"
#include "../engine/error.h"
#include "../engine/terms.h"
#include "../engine/xapian/xapian_check.h"
#include "../engine/xapian/xapian_compact.h"
#include "../engine/xapian/xdb.h"

/* A writer committing twice while we read invalidates what we read. */
#define STATS_ATTEMPTS 5

static newsdex_status give_message(newsdex_status st, const nx_error *err, char **error_message)
{
    if (error_message)
        *error_message = st == NEWSDEX_OK ? NULL
                         : err->message[0] ? strdup(err->message)
                                           : strdup(newsdex_status_to_string(st));
    return st;
}

newsdex_status newsdex_writer_set_last_run(newsdex_writer *writer, const char *json)
{
    return nx_writer_record_last_run(writer, json);
}

/* ---- Statistics ---- */

typedef struct count_list {
    newsdex_stats_count *items; /* values malloc'd */
    size_t n, cap;
    int nomem;
} count_list;

/* What newsdex_stats::internal points to. */
typedef struct stats_data {
    count_list years, sources;
    char *last_run;
    char **missing; /* remote shards left out (partial) */
    size_t n_missing;
    uint64_t dated;
    char first_day[11], last_day[11];
} stats_data;

static int list_add(count_list *l, const char *value, uint64_t count)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        newsdex_stats_count *grown = realloc(l->items, cap * sizeof *grown);
        if (!grown)
            return l->nomem = 1;
        l->items = grown;
        l->cap = cap;
    }
    char *copy = strdup(value);
    if (!copy)
        return l->nomem = 1;
    l->items[l->n].value = copy;
    l->items[l->n++].count = count;
    return 0;
}

static void list_free(count_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free((char *)l->items[i].value);
    free(l->items);
    memset(l, 0, sizeof *l);
}

static void data_free(stats_data *d)
{
    list_free(&d->years);
    list_free(&d->sources);
    free(d->last_run);
    for (size_t i = 0; i < d->n_missing; i++)
        free(d->missing[i]);
    free(d->missing);
    memset(d, 0, sizeof *d);
}

static int add_year(const char *term, size_t len, uint64_t freq, void *ctx)
{
    stats_data *d = ctx;
    (void)len;
    d->dated += freq;
    return list_add(&d->years, term + strlen(NX_PREFIX_YEAR), freq);
}

/* D<YYYYMMDD> terms come in date order: keep the first and the last. */
static int add_day(const char *term, size_t len, uint64_t freq, void *ctx)
{
    stats_data *d = ctx;
    const char *day = term + strlen(NX_PREFIX_DAY);
    (void)freq;
    if (len != strlen(NX_PREFIX_DAY) + 8)
        return 0;
    char text[11];
    snprintf(text, sizeof text, "%.4s-%.2s-%.2s", day, day + 4, day + 6);
    if (!d->first_day[0])
        memcpy(d->first_day, text, sizeof text);
    memcpy(d->last_day, text, sizeof text);
    return 0;
}

static int add_source(const char *term, size_t len, uint64_t freq, void *ctx)
{
    (void)len;
    return list_add(ctx, term, freq); /* named after the scan (see name_sources) */
}

/* Source terms are folded ("reuters"); the writer kept each as written. */
static newsdex_status name_sources(nx_xdb *db, count_list *sources, nx_error *err)
{
    const size_t skip = strlen(NX_PREFIX_FIELD NX_FIELD_SOURCE ":");
    for (size_t i = 0; i < sources->n; i++) {
        char key[NX_TERM_MAX_BYTES + 64], *name = NULL;
        size_t len = 0;
        char *folded = (char *)sources->items[i].value;
        snprintf(key, sizeof key, "%s%s", NX_META_SOURCE, folded);
        newsdex_status st = nx_xdb_get_metadata_any(db, key, &name, &len, err);
        if (st != NEWSDEX_OK)
            return st;
        if (len > 0) {
            free(folded);
            sources->items[i].value = name;
        } else {
            free(name);
            memmove(folded, folded + skip, strlen(folded + skip) + 1);
        }
    }
    return NEWSDEX_OK;
}

static newsdex_status read_last_run(nx_xdb *db, stats_data *d, nx_error *err)
{
    char *text = NULL;
    size_t len = 0;
    newsdex_status st = nx_xdb_get_metadata(db, NX_META_LAST_RUN, &text, &len, err);
    if (st == NEWSDEX_OK && len > 0 && (d->last_run = malloc(len + 1))) {
        memcpy(d->last_run, text, len);
        d->last_run[len] = '\0';
    } else if (st == NEWSDEX_OK && len > 0) {
        st = nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory");
    }
    free(text);
    return st;
}

/* The term table of the index at path, or of each shard of the archive
 * at path. */
static newsdex_status check_index(const char *path, nx_error *err)
{
    if (!nx_archive_kind_is_archive(nx_archive_kind_of(path)))
        return nx_xdb_check_terms(path, err);
    nx_shard_names names;
    newsdex_status st = nx_archive_read_stub(path, &names, err);
    for (size_t i = 0; st == NEWSDEX_OK && i < names.n; i++) {
        char shard[4096];
        snprintf(shard, sizeof shard, "%s/%s", path, names.names[i]);
        st = nx_xdb_check_terms(shard, err);
    }
    nx_shard_names_free(&names);
    return st;
}

/* Regular files directly in the index directory (Xapian keeps it flat),
 * and in each shard directory of an archive. */
static uint64_t directory_size(const char *path)
{
    DIR *dir = opendir(path);
    uint64_t total = 0;
    struct dirent *e;
    char file[4096];
    struct stat st;
    int archive = nx_archive_kind_is_archive(nx_archive_kind_of(path));
    while (dir && (e = readdir(dir)) != NULL) {
        if (snprintf(file, sizeof file, "%s/%s", path, e->d_name) >= (int)sizeof file ||
            stat(file, &st) != 0)
            continue;
        if (S_ISREG(st.st_mode))
            total += (uint64_t)st.st_size;
        else if (archive && S_ISDIR(st.st_mode) && nx_archive_is_shard_name(e->d_name))
            total += directory_size(file);
    }
    if (dir)
        closedir(dir);
    return total;
}

static newsdex_status collect_once(nx_xdb *db, stats_data *d, uint64_t *articles,
                                   uint64_t *distinct, nx_error *err)
{
    newsdex_status st = nx_xdb_doccount(db, articles, err);
    if (st == NEWSDEX_OK)
        st = nx_xdb_each_term(db, NX_PREFIX_YEAR, add_year, d, err);
    if (st == NEWSDEX_OK)
        st = nx_xdb_each_term(db, NX_PREFIX_DAY, add_day, d, err);
    if (st == NEWSDEX_OK)
        st = nx_xdb_each_term(db, NX_PREFIX_FIELD NX_FIELD_SOURCE ":", add_source, &d->sources,
                              err);
    if (st == NEWSDEX_OK && (d->years.nomem || d->sources.nomem))
        st = nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory");
    if (st == NEWSDEX_OK)
        st = name_sources(db, &d->sources, err);
    if (st == NEWSDEX_OK)
        st = nx_xdb_count_terms(db, "", distinct, err);
    if (st == NEWSDEX_OK)
        st = read_last_run(db, d, err);
    return st;
}

static int by_count_desc(const void *a, const void *b)
{
    const newsdex_stats_count *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(x->value, y->value);
}

/* The fields newsdex_stats has at least: those of this first version. */
#define STATS_SIZE_MIN (offsetof(newsdex_stats, internal) + sizeof(void *))
/* A later member, in the caller's struct only if its size reaches it. */
#define STATS_HAS(s, member) ((s)->size >= offsetof(newsdex_stats, member) + sizeof (s)->member)

/* Copies what was collected into the caller's struct, as far as it reaches. */
static void fill(newsdex_stats *s, stats_data *d, uint64_t articles, uint64_t distinct,
                 uint64_t size_bytes)
{
    if (d->sources.n)
        qsort(d->sources.items, d->sources.n, sizeof *d->sources.items, by_count_desc);
    s->articles = articles;
    s->undated = articles - d->dated;
    memcpy(s->first_date, d->first_day, sizeof s->first_date);
    memcpy(s->last_date, d->last_day, sizeof s->last_date);
    s->distinct_terms = distinct;
    s->size_bytes = size_bytes;
    s->years = d->years.items;
    s->n_years = d->years.n;
    s->sources = d->sources.items;
    s->n_sources = d->sources.n;
    s->last_run = d->last_run;
    s->internal = d;
    if (STATS_HAS(s, n_missing_shards) && STATS_HAS(s, missing_shards)) {
        s->n_missing_shards = d->n_missing;
        s->missing_shards = (const char *const *)d->missing;
    }
}

/* The names of the shards the handle left out, copied before it closes. */
static newsdex_status note_missing(nx_xdb *db, stats_data *d, nx_error *err)
{
    size_t n = nx_xdb_missing_count(db);
    if (n == 0)
        return NEWSDEX_OK;
    if (!(d->missing = calloc(n, sizeof *d->missing)))
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory");
    for (; d->n_missing < n; d->n_missing++)
        if (!(d->missing[d->n_missing] = strdup(nx_xdb_missing_name(db, d->n_missing))))
            return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory");
    return NEWSDEX_OK;
}

/* After a failed read: NEWSDEX_OK to read everything again (a writer
 * committed meanwhile, or, partial, a remote shard stopped answering and
 * was left out), else the status to return. */
static newsdex_status read_again(nx_xdb *db, newsdex_status st, stats_data *d, nx_error *err)
{
    int retry = 0;
    if (st == NEWSDEX_ERR_MODIFIED)
        st = nx_xdb_reopen(db, err);
    else if (st == NEWSDEX_ERR_NETWORK && nx_xdb_recover(db, &retry, err) == NEWSDEX_OK && retry)
        st = NEWSDEX_OK;
    if (st == NEWSDEX_OK)
        data_free(d);
    return st;
}

static newsdex_status collect(const char *path, const nx_xopen *how, stats_data *d,
                              uint64_t *articles, uint64_t *distinct, nx_error *err)
{
    nx_xdb *db = NULL;
    /* Counting the distinct terms walks the whole term table, where a
     * damaged block can crash Xapian: check the table's blocks first. */
    newsdex_status st = check_index(path, err);
    if (st == NEWSDEX_OK)
        st = nx_xdb_open_shards(&path, 1, how, &db, NULL, err);
    for (int attempt = 0; st == NEWSDEX_OK; attempt++) {
        st = collect_once(db, d, articles, distinct, err);
        if (st == NEWSDEX_OK || attempt + 1 >= STATS_ATTEMPTS)
            break;
        st = read_again(db, st, d, err);
    }
    if (st == NEWSDEX_OK)
        st = note_missing(db, d, err);
    nx_error ignored;
    nx_xdb_close(db, &ignored);
    return st;
}

/* Zero the members the caller has (this release's at most) and set size. */
static void stats_clear(newsdex_stats *stats, size_t size)
{
    memset(stats, 0, size < sizeof *stats ? size : sizeof *stats);
    stats->size = size;
}

/* What the caller's newsdex_db_open_options say, as far as its size reaches. */
static nx_xopen open_how(const newsdex_db_open_options *options)
{
    nx_xopen how = {0, 0};
    size_t size = options && options->size ? options->size : sizeof *options;
    if (options && size >= offsetof(newsdex_db_open_options, shard_timeout_ms) + sizeof(uint32_t))
        how.timeout_ms = options->shard_timeout_ms;
    if (options && size >= offsetof(newsdex_db_open_options, partial) + sizeof(int))
        how.partial = options->partial;
    return how;
}

newsdex_status newsdex_index_stats_sized(const char *path, newsdex_stats *stats, size_t size,
                                         char **error_message)
{
    return newsdex_index_stats_with_sized(path, NULL, stats, size, error_message);
}

newsdex_status newsdex_index_stats_with_sized(const char *path,
                                              const newsdex_db_open_options *options,
                                              newsdex_stats *stats, size_t size,
                                              char **error_message)
{
    nx_error err;
    nx_error_clear(&err);
    if (error_message)
        *error_message = NULL;
    if (stats && size >= STATS_SIZE_MIN)
        stats_clear(stats, size);
    if (!path || !stats || size < STATS_SIZE_MIN)
        return give_message(nx_error_set(&err, NEWSDEX_ERR_INVALID, "%s",
                                         !path    ? "path is NULL"
                                         : !stats ? "stats is NULL"
                                                  : "size is smaller than newsdex_stats"),
                            &err, error_message);
    stats_data *d = calloc(1, sizeof *d);
    if (!d)
        return give_message(nx_error_set(&err, NEWSDEX_ERR_NOMEM, "out of memory"), &err,
                            error_message);
    uint64_t articles = 0, distinct = 0;
    nx_xopen how = open_how(options);
    newsdex_status st = collect(path, &how, d, &articles, &distinct, &err);
    if (st != NEWSDEX_OK) {
        data_free(d);
        free(d);
        return give_message(st, &err, error_message);
    }
    fill(stats, d, articles, distinct, directory_size(path));
    return NEWSDEX_OK;
}

void newsdex_stats_free(newsdex_stats *stats)
{
    if (!stats || stats->size < STATS_SIZE_MIN)
        return;
    stats_data *d = stats->internal;
    if (d) {
        data_free(d);
        free(d);
    }
    stats_clear(stats, stats->size);
}

/* ---- Checking and compacting ---- */

newsdex_status newsdex_index_check(const char *path, char **error_message)
{
    nx_error err;
    nx_error_clear(&err);
    newsdex_status st = path ? check_index(path, &err)
                             : nx_error_set(&err, NEWSDEX_ERR_INVALID, "path is NULL");
    return give_message(st, &err, error_message);
}

/* Articles and the last document id of the index at path. */
static newsdex_status count_documents(const char *path, uint64_t *articles, uint64_t *last_id,
                                      nx_error *err)
{
    nx_xdb *db = NULL;
    newsdex_status st = nx_xdb_open_readonly(path, &db, err);
    if (st == NEWSDEX_OK)
        st = nx_xdb_doccount(db, articles, err);
    if (st == NEWSDEX_OK)
        st = nx_xdb_lastdocid(db, last_id, err);
    nx_xdb_close(db, NULL);
    return st;
}

newsdex_status newsdex_index_compact(const char *path, const char *copy_path,
                                     char **error_message)
{
    nx_error err;
    nx_error_clear(&err);
    if (!path || !copy_path)
        return give_message(nx_error_set(&err, NEWSDEX_ERR_INVALID, "%s is NULL",
                                         !path ? "path" : "copy_path"),
                            &err, error_message);
    uint64_t articles = 0, last_id = 0, copy_articles = 0, copy_last_id = 0;
    newsdex_status st = count_documents(path, &articles, &last_id, &err);
    if (st == NEWSDEX_OK)
        st = nx_xdb_compact(path, copy_path, &err);
    if (st == NEWSDEX_OK && count_documents(copy_path, &copy_articles, &copy_last_id, &err) !=
                                NEWSDEX_OK)
        st = nx_error_set(&err, NEWSDEX_ERR_CORRUPT, "the compacted copy does not open: %.400s",
                          err.message);
    if (st == NEWSDEX_OK && (copy_articles != articles || copy_last_id != last_id))
        st = nx_error_set(&err, NEWSDEX_ERR_CORRUPT,
                          "the compacted copy holds %llu articles (last id %llu), the index "
                          "%llu (last id %llu)",
                          (unsigned long long)copy_articles, (unsigned long long)copy_last_id,
                          (unsigned long long)articles, (unsigned long long)last_id);
    return give_message(st, &err, error_message);
}

/* ---- The fatal-error hook ---- */

static newsdex_fatal_fn fatal_hook;

static void on_fatal(const char *message)
{
    if (fatal_hook)
        fatal_hook(nx_error_is_no_space(message) ? NEWSDEX_ERR_NOSPACE : NEWSDEX_ERR_IO, message);
}

void newsdex_set_fatal_handler(newsdex_fatal_fn hook)
{
    fatal_hook = hook;
    nx_set_fatal_handler(hook ? on_fatal : NULL);
}
