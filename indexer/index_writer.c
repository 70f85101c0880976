/* The index writer: newsdex_article -> Xapian document, added, replaced or
 * deleted by id, in atomic batches. Implements the newsdex_writer_* part of
 * the public API. An article whose content fingerprint matches the stored
 * one is skipped without writing, which makes re-runs cheap. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "newsdex.h"
#include "../engine/date.h"
#include "../engine/field_terms.h"
#include "../engine/terms.h"
#include "../engine/utf8.h"
#include "../engine/xapian/xdb.h"
#include "article_builder.h"
#include "idset.h"
#include "index_dir.h"
#include "index_writer.h"
#include "shard_archive.h"
#include "sharded_writer.h"
#include "strset.h"

struct newsdex_writer {
    nx_xdb *db;
    char *path;
    nx_error err;
    size_t batch_size;            /* writes per transaction; 0 = until commit */
    int in_batch;                 /* a transaction is open */
    newsdex_writer_counts done;   /* committed work (and unchanged records) */
    newsdex_writer_counts batch;  /* writes in the open transaction */
    nx_strset *sources;           /* source terms whose name was stored this session */
    newsdex_builder *builder;     /* builds the documents of newsdex_writer_put() */
    nx_idset *fresh_ids;          /* the index had no article at open: ids put since
                                     (NULL otherwise); an id not in it is in no document */
    int owns_pid_file;
    int schema;                   /* the version the index records (0: none yet) */
    int schema_pending;           /* the version the open batch records */
    uint64_t truncated;           /* articles indexed only in part (NX_ARTICLE_*_MAX) */
    char warning[NX_ERROR_MAX];   /* about the last put: "" if it was indexed whole */
    uint64_t undated;             /* articles kept without their unreadable date */
    nx_sharded *sharded;          /* an archive of shards: each call goes to it */
};



/* ---- Atomic batches ---- */

/* A write failed: the open batch is gone (dropped here, or by Xapian when a
 * commit fails), so it must not be counted. */
static newsdex_status write_failed(newsdex_writer *w, newsdex_status st)
{
    if (w->in_batch) {
        nx_error ignored;
        nx_xdb_cancel_transaction(w->db, &ignored);
        w->in_batch = 0;
    }
    memset(&w->batch, 0, sizeof w->batch);
    if (st == NEWSDEX_ERR_IO && nx_error_is_no_space(w->err.message))
        st = w->err.status = NEWSDEX_ERR_NOSPACE;
    return st;
}

static newsdex_status ensure_batch(newsdex_writer *w)
{
    if (w->in_batch)
        return NEWSDEX_OK;
    newsdex_status st = nx_xdb_begin_transaction(w->db, &w->err);
    if (st != NEWSDEX_OK)
        return write_failed(w, st);
    w->in_batch = 1;
    return NEWSDEX_OK;
}

/* The schema version joins the batch: an index gets it with its first
 * articles, an older one with its next commit. Articles keeping their
 * own positions need 3; with Xapian's positions (2) an index of version 3
 * stays 3, since it may hold both kinds. */
static newsdex_status record_schema(newsdex_writer *w)
{
    int want = nx_builder_article_positions(w->builder) ? NX_SCHEMA_VERSION
                                                         : NX_SCHEMA_XAPIAN_POSITIONS;
    if (w->schema >= want)
        return NEWSDEX_OK;
    char text[16];
    snprintf(text, sizeof text, "%d", want);
    newsdex_status st = nx_xdb_set_metadata(w->db, NX_META_SCHEMA, text, strlen(text), &w->err);
    if (st == NEWSDEX_OK)
        w->schema_pending = want;
    return st;
}

static newsdex_status commit_batch(newsdex_writer *w)
{
    if (!w->in_batch)
        return NEWSDEX_OK;
    newsdex_status st = record_schema(w);
    if (st != NEWSDEX_OK)
        return write_failed(w, st);
    w->in_batch = 0; /* over either way: Xapian drops a batch it cannot commit */
    st = nx_xdb_commit_transaction(w->db, &w->err);
    if (st != NEWSDEX_OK)
        return write_failed(w, st);
    if (w->schema_pending > w->schema)
        w->schema = w->schema_pending;
    w->done.added += w->batch.added;
    w->done.replaced += w->batch.replaced;
    w->done.deleted += w->batch.deleted;
    memset(&w->batch, 0, sizeof w->batch);
    return NEWSDEX_OK;
}

/* One more write in the batch; a full batch is committed. */
static newsdex_status end_write(newsdex_writer *w)
{
    w->batch.pending++;
    if (w->batch_size && w->batch.pending >= w->batch_size)
        return commit_batch(w);
    return NEWSDEX_OK;
}

size_t nx_writer_pending(const newsdex_writer *w)
{
    return w->batch.pending;
}

static void locked_message(nx_error *err, const char *path)
{
    long pid = nx_index_dir_lock_holder(path);
    if (pid)
        nx_error_set(err, NEWSDEX_ERR_LOCKED, "index %s is locked by another writer (pid %ld)",
                     path, pid);
    else
        nx_error_set(err, NEWSDEX_ERR_LOCKED, "index %s is locked by another writer", path);
}

/* ---- Opening ---- */

static newsdex_status writer_alloc(const char *path, newsdex_writer **out, nx_error *err)
{
    newsdex_writer *w = calloc(1, sizeof *w);
    *out = w;
    if (!w || !(w->path = strdup(path)) || !(w->sources = nx_strset_new()))
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory");
    w->batch_size = NEWSDEX_WRITER_BATCH_DEFAULT;
    return nx_builder_new(0, &w->builder, err);
}

/* An index of a later schema is not written to; one without the key
 * (new, or from before it) or of an earlier schema gets the version its
 * new articles need with the next commit (record_schema). */
static newsdex_status check_schema(newsdex_writer *w, const char *path, nx_error *err)
{
    char *value = NULL;
    size_t len = 0;
    newsdex_status st = nx_xdb_get_metadata(w->db, NX_META_SCHEMA, &value, &len, err);
    if (st == NEWSDEX_OK)
        st = nx_schema_check(path, value, len, err);
    w->schema = 0;
    for (size_t i = 0; st == NEWSDEX_OK && i < len; i++) /* digits: nx_schema_check() */
        w->schema = w->schema * 10 + (value[i] - '0');
    free(value);
    return st;
}

newsdex_status newsdex_writer_open(const char *path, newsdex_writer **writer, char **error_message)
{
    if (writer)
        *writer = NULL;
    if (error_message)
        *error_message = NULL;
    nx_error err;
    nx_error_clear(&err);
    if (!path || !writer) {
        nx_error_set(&err, NEWSDEX_ERR_INVALID, "newsdex_writer_open: %s is NULL",
                     !path ? "path" : "writer");
        if (error_message)
            *error_message = nx_error_strdup(&err);
        return NEWSDEX_ERR_INVALID;
    }
    nx_archive_kind kind = nx_archive_kind_of(path);
    if (nx_archive_kind_is_archive(kind)) {
        /* Xapian would open it as one writable index of all its shards,
         * spreading new articles over them whatever their year. */
        nx_error_set(&err, NEWSDEX_ERR_INVALID,
                     "index %s is an archive of %s: open it with "
                     "newsdex_writer_open_sharded() and %s",
                     path, kind == NX_ARCHIVE_YEARS ? "per-year shards" : "shards by arrival",
                     kind == NX_ARCHIVE_YEARS ? "NEWSDEX_SHARD_BY_YEAR"
                                              : "NEWSDEX_SHARD_BY_ARRIVAL");
        if (error_message)
            *error_message = nx_error_strdup(&err);
        return NEWSDEX_ERR_INVALID;
    }
    newsdex_writer *w = NULL;
    newsdex_status st = writer_alloc(path, &w, &err);
    if (st == NEWSDEX_OK) {
        nx_index_dir_clear_unfinished(path); /* a creation killed half-way */
        st = nx_xdb_open_writable(path, &w->db, &err);
    }
    if (st != NEWSDEX_OK) {
        if (st == NEWSDEX_ERR_LOCKED)
            locked_message(&err, path);
        else {
            char inner[NX_ERROR_MAX];
            memcpy(inner, err.message, sizeof inner);
            nx_error_set(&err, st, "cannot open index %s for writing: %.400s", path, inner);
        }
        if (error_message)
            *error_message = nx_error_strdup(&err);
        newsdex_writer_close(w);
        return st;
    }
    if ((st = check_schema(w, path, &err)) != NEWSDEX_OK) {
        if (error_message)
            *error_message = nx_error_strdup(&err);
        newsdex_writer_close(w);
        return st;
    }
    uint64_t articles = 0;
    if (nx_xdb_doccount(w->db, &articles, &err) == NEWSDEX_OK && articles == 0)
        w->fresh_ids = nx_idset_new(); /* NULL (no memory): every put looks its id up */
    w->owns_pid_file = nx_index_dir_write_pid(path);
    nx_error_clear(&w->err);
    *writer = w;
    return NEWSDEX_OK;
}

newsdex_status newsdex_writer_open_sharded(const char *path, newsdex_shard_by by,
                                          newsdex_writer **writer, char **error_message)
{
    nx_error err;
    nx_error_clear(&err);
    if (error_message)
        *error_message = NULL;
    if (writer)
        *writer = NULL;
    if (by == NEWSDEX_SHARD_NONE && path && writer)
        return newsdex_writer_open(path, writer, error_message);
    newsdex_status st = NEWSDEX_OK;
    if (!path || !writer)
        st = nx_error_set(&err, NEWSDEX_ERR_INVALID, "newsdex_writer_open_sharded: %s is NULL",
                          !path ? "path" : "writer");
    else if (by != NEWSDEX_SHARD_BY_YEAR && by != NEWSDEX_SHARD_BY_ARRIVAL)
        st = nx_error_set(&err, NEWSDEX_ERR_INVALID,
                          "newsdex_writer_open_sharded: by (%d) is not a newsdex_shard_by",
                          (int)by);
    newsdex_writer *w = NULL;
    if (st == NEWSDEX_OK)
        st = writer_alloc(path, &w, &err);
    if (st == NEWSDEX_OK)
        st = nx_sharded_open(path, by, &w->sharded, &err);
    if (st != NEWSDEX_OK) {
        if (error_message)
            *error_message = nx_error_strdup(&err);
        newsdex_writer_close(w);
        return st;
    }
    *writer = w;
    return NEWSDEX_OK;
}

newsdex_status newsdex_writer_set_batch_size(newsdex_writer *w, size_t batch_size)
{
    if (!w)
        return NEWSDEX_ERR_INVALID;
    nx_error_clear(&w->err);
    w->batch_size = batch_size;
    if (w->sharded)
        return nx_sharded_set_batch_size(w->sharded, batch_size, &w->err);
    if (batch_size && w->batch.pending >= batch_size)
        return commit_batch(w);
    return NEWSDEX_OK;
}

newsdex_status newsdex_writer_set_article_positions(newsdex_writer *w, int article)
{
    if (!w)
        return NEWSDEX_ERR_INVALID;
    nx_error_clear(&w->err);
    newsdex_status st = nx_builder_set_article_positions(w->builder, article, &w->err);
    if (st == NEWSDEX_OK && w->sharded)
        st = nx_sharded_set_article_positions(w->sharded, article, &w->err);
    return st;
}

/* ---- Adding and replacing ---- */

/* Stored fingerprint of the article with id_term: *found if the id is in
 * the index, *same if its content is byte-for-byte what we would write. */
static newsdex_status compare_fingerprint(newsdex_writer *w, const char *id_term,
                                          const char fp[8], int *found, int *same)
{
    char stored[8];
    size_t len = 0;
    newsdex_status st = nx_xdb_unique_value(w->db, id_term, NX_SLOT_FINGERPRINT, stored,
                                            sizeof stored, &len, found, &w->err);
    *same = st == NEWSDEX_OK && *found && len == 8 && memcmp(stored, fp, 8) == 0;
    return st;
}

/* Keeps the source as written (the filter term is folded) for `stats`;
 * once per source per session, in the same batch as the article. */
static newsdex_status note_source(newsdex_writer *w, const char *source)
{
    char term[NX_TERM_MAX_BYTES + 8], key[NX_TERM_MAX_BYTES + 64];
    if (!source || !*source)
        return NEWSDEX_OK;
    newsdex_status st = nx_field_term(nx_builder_analyzer(w->builder), NX_FIELD_SOURCE, source,
                                      term, sizeof term, &w->err);
    if (st != NEWSDEX_OK || !term[0] || nx_strset_has(w->sources, term))
        return st;
    if (nx_strset_add(w->sources, term) < 0)
        return nx_error_set(&w->err, NEWSDEX_ERR_NOMEM, "out of memory");
    snprintf(key, sizeof key, "%s%s", NX_META_SOURCE, term);
    st = nx_xdb_set_metadata(w->db, key, source, strlen(source), &w->err);
    return st == NEWSDEX_OK ? st : write_failed(w, st);
}

static newsdex_status put_deletion(newsdex_writer *w, const char *id,
                                   newsdex_put_outcome *outcome)
{
    int found = 0;
    newsdex_status st = newsdex_writer_delete(w, id, &found);
    if (st != NEWSDEX_OK)
        return st;
    if (!found)
        w->done.unchanged++; /* a sharded writer's own: its shards count none */
    if (outcome)
        *outcome = found ? NEWSDEX_PUT_DELETED : NEWSDEX_PUT_UNCHANGED;
    return NEWSDEX_OK;
}

void newsdex_article_init_sized(newsdex_article *a, size_t size)
{
    if (!a || size < sizeof a->size)
        return;
    memset(a, 0, size);
    a->size = size;
}

/* Whether id is certainly in no document, without a lookup: the index had
 * none at open and this writer has not put the id since. Notes the id. */
static int first_put_of_fresh_id(newsdex_writer *w, const char *id)
{
    if (!w->fresh_ids)
        return 0;
    int added = nx_idset_add(w->fresh_ids, nx_idset_hash(id));
    if (added < 0) { /* out of memory: look every id up from now on */
        nx_idset_free(w->fresh_ids);
        w->fresh_ids = NULL;
    }
    return added == 1;
}

/* ---- Putting ---- */

/* What is being put: a checked article whose document is built only when it
 * must be written (newsdex_writer_put()), or one built ahead
 * (newsdex_writer_put_built()). Also what a sharded writer hands its shard. */
struct nx_shard_put {
    newsdex_builder *builder;   /* NULL: built */
    const nx_checked *checked;
    newsdex_built *built;
};

static const char *put_id_term(const nx_shard_put *p)
{
    return p->built ? p->built->id_term : p->checked->id_term;
}

static newsdex_status put_document(newsdex_writer *w, nx_shard_put *p, nx_xdoc **doc,
                                   char cut_warning[NX_ERROR_MAX])
{
    if (p->built && p->built->doc) {
        *doc = p->built->doc;
        p->built->doc = NULL;
        memcpy(cut_warning, p->built->cut_warning, NX_ERROR_MAX);
        return NEWSDEX_OK;
    }
    /* Checked only, or built ahead but left unbuilt as unchanged, and
     * changed since: built here. */
    newsdex_builder *b = p->built ? w->builder : p->builder;
    newsdex_status st = nx_builder_document(b, p->built ? p->built->later : p->checked, doc,
                                            cut_warning);
    if (st != NEWSDEX_OK)
        nx_error_set(&w->err, st, "%s", nx_builder_error(b)->message);
    return st;
}

/* Written to the index unless unchanged. moved: its id was just deleted
 * from another shard, so it counts as replaced, and is written even if this
 * shard holds the same. */
static newsdex_status put_one(newsdex_writer *w, nx_shard_put *p, int moved,
                              newsdex_put_outcome *outcome)
{
    const char *id_term = put_id_term(p);
    const char *fp = p->built ? p->built->fp : p->checked->fp;
    const char *source = p->built ? p->built->source : p->checked->a.source;
    int found = 0, same = 0;
    newsdex_status st = NEWSDEX_OK;
    if (!first_put_of_fresh_id(w, id_term + strlen(NX_PREFIX_ID)))
        st = compare_fingerprint(w, id_term, fp, &found, &same);
    if (st == NEWSDEX_OK && same && !moved) {
        w->done.unchanged++;
        if (outcome)
            *outcome = NEWSDEX_PUT_UNCHANGED;
        return NEWSDEX_OK;
    }
    nx_xdoc *doc = NULL;
    char cut_warning[NX_ERROR_MAX] = "";
    if (st == NEWSDEX_OK)
        st = put_document(w, p, &doc, cut_warning);
    if (st == NEWSDEX_OK)
        st = ensure_batch(w);
    if (st == NEWSDEX_OK)
        st = note_source(w, source);
    if (st == NEWSDEX_OK) {
        st = found ? nx_xdb_replace(w->db, id_term, doc, &w->err) : nx_xdb_add(w->db, doc, &w->err);
        /* INVALID: Xapian refused this document only; the batch goes on. */
        if (st != NEWSDEX_OK && st != NEWSDEX_ERR_INVALID)
            st = write_failed(w, st);
    }
    nx_xdoc_free(doc);
    if (st != NEWSDEX_OK)
        return st;
    if (cut_warning[0]) {
        w->truncated++;
        memcpy(w->warning, cut_warning, sizeof w->warning);
    }
    found |= moved; /* it was in another shard: replaced there by this */
    if (found)
        w->batch.replaced++;
    else
        w->batch.added++;
    if (outcome)
        *outcome = found ? NEWSDEX_PUT_REPLACED : NEWSDEX_PUT_ADDED;
    return end_write(w);
}

/* An article with its date dropped is counted and warned about once it is
 * taken, whatever becomes of it. */
static void note_undated(newsdex_writer *w, int undated, const char *warning)
{
    if (!undated)
        return;
    w->undated++;
    snprintf(w->warning, sizeof w->warning, "%s", warning);
}

static newsdex_status put_checked(newsdex_writer *w, nx_shard_put *p, int has_date,
                                  int64_t when, const char *id, newsdex_put_outcome *outcome)
{
    if (!w->sharded)
        return put_one(w, p, 0, outcome);
    newsdex_status st = nx_sharded_put(w->sharded, id, has_date, when, p, outcome, &w->err);
    if (st == NEWSDEX_OK && !w->warning[0])
        snprintf(w->warning, sizeof w->warning, "%s", nx_sharded_warning(w->sharded));
    return st;
}

newsdex_status newsdex_writer_put(newsdex_writer *w, const newsdex_article *article,
                                  newsdex_put_outcome *outcome)
{
    if (!w)
        return NEWSDEX_ERR_INVALID;
    nx_error_clear(&w->err);
    w->warning[0] = '\0';
    if (!article)
        return nx_error_set(&w->err, NEWSDEX_ERR_INVALID, "newsdex_writer_put: article is NULL");
    newsdex_article a;
    if (nx_article_take(article, &a, &w->err) != NEWSDEX_OK)
        return NEWSDEX_ERR_INVALID;
    if (a.deleted)
        return put_deletion(w, a.id, outcome);
    nx_checked *c = malloc(sizeof *c);
    if (!c)
        return nx_error_set(&w->err, NEWSDEX_ERR_NOMEM, "out of memory");
    newsdex_status st = nx_builder_check(w->builder, &a, c);
    if (st != NEWSDEX_OK) {
        nx_error_set(&w->err, st, "%s", nx_builder_error(w->builder)->message);
    } else {
        note_undated(w, c->undated, c->warning);
        nx_shard_put p = {.builder = w->builder, .checked = c};
        st = put_checked(w, &p, c->has_date, c->when, c->a.id, outcome);
    }
    free(c);
    return st;
}

newsdex_status newsdex_writer_put_built(newsdex_writer *w, newsdex_built *built,
                                        newsdex_put_outcome *outcome)
{
    if (!w) {
        newsdex_built_free(built);
        return NEWSDEX_ERR_INVALID;
    }
    nx_error_clear(&w->err);
    w->warning[0] = '\0';
    if (!built)
        return nx_error_set(&w->err, NEWSDEX_ERR_INVALID,
                            "newsdex_writer_put_built: built is NULL");
    newsdex_status st;
    if (built->deleted) {
        st = put_deletion(w, built->id, outcome);
    } else {
        note_undated(w, built->undated, built->date_warning);
        nx_shard_put p = {.built = built};
        st = put_checked(w, &p, built->has_date, built->when, built->id, outcome);
    }
    newsdex_built_free(built);
    return st;
}

newsdex_status newsdex_builder_new(const newsdex_writer *w, newsdex_builder **builder)
{
    if (builder)
        *builder = NULL;
    if (!w || !builder)
        return NEWSDEX_ERR_INVALID;
    nx_error err;
    nx_error_clear(&err);
    newsdex_status st = nx_builder_new(nx_builder_strict_dates(w->builder), builder, &err);
    if (st == NEWSDEX_OK)
        st = nx_builder_set_article_positions(*builder, nx_builder_article_positions(w->builder),
                                              &err);
    if (st == NEWSDEX_OK && !w->fresh_ids)
        nx_builder_peek_at(*builder, w->path); /* an index with articles to find unchanged */
    if (st != NEWSDEX_OK) {
        newsdex_builder_free(*builder);
        *builder = NULL;
    }
    return st;
}

newsdex_status nx_writer_put_into_shard(newsdex_writer *w, nx_shard_put *p, int moved,
                                        newsdex_put_outcome *outcome)
{
    nx_error_clear(&w->err);
    w->warning[0] = '\0';
    return put_one(w, p, moved, outcome);
}

nx_xdb *nx_writer_xdb(newsdex_writer *w)
{
    return w->db;
}

nx_error *nx_writer_error(newsdex_writer *w)
{
    return &w->err;
}

newsdex_status nx_writer_put_built(newsdex_writer *w, const char *id_term, const char fp[8],
                                   const char *source, nx_writer_write_fn write, void *ctx,
                                   newsdex_put_outcome *outcome)
{
    nx_error_clear(&w->err);
    int found = 0, same = 0;
    newsdex_status st = NEWSDEX_OK;
    if (!first_put_of_fresh_id(w, id_term + strlen(NX_PREFIX_ID)))
        st = compare_fingerprint(w, id_term, fp, &found, &same);
    if (st == NEWSDEX_OK && same) {
        w->done.unchanged++;
        if (outcome)
            *outcome = NEWSDEX_PUT_UNCHANGED;
        return NEWSDEX_OK;
    }
    if (st == NEWSDEX_OK)
        st = ensure_batch(w);
    if (st == NEWSDEX_OK)
        st = note_source(w, source);
    if (st == NEWSDEX_OK && (st = write(w->db, id_term, ctx, &w->err)) != NEWSDEX_OK)
        return write_failed(w, st);
    if (st != NEWSDEX_OK)
        return st;
    if (found)
        w->batch.replaced++;
    else
        w->batch.added++;
    if (outcome)
        *outcome = found ? NEWSDEX_PUT_REPLACED : NEWSDEX_PUT_ADDED;
    return end_write(w);
}

/* ---- Deleting ---- */

newsdex_status newsdex_writer_delete(newsdex_writer *w, const char *id, int *found)
{
    if (!w)
        return NEWSDEX_ERR_INVALID;
    nx_error_clear(&w->err);
    int exists = 0;
    if (found)
        *found = 0;
    newsdex_status st = nx_article_check_id(id, &w->err);
    if (w->sharded)
        return st != NEWSDEX_OK ? st : nx_sharded_delete(w->sharded, id, found, &w->err);
    char id_term[NX_ID_MAX_BYTES + 8];
    if (st == NEWSDEX_OK) {
        snprintf(id_term, sizeof id_term, "%s%s", NX_PREFIX_ID, id);
        st = nx_xdb_term_exists(w->db, id_term, &exists, &w->err);
    }
    if (st != NEWSDEX_OK || !exists)
        return st;
    if (found)
        *found = 1;
    st = ensure_batch(w);
    if (st == NEWSDEX_OK && (st = nx_xdb_delete_unique(w->db, id_term, &w->err)) != NEWSDEX_OK)
        st = write_failed(w, st);
    if (st != NEWSDEX_OK)
        return st;
    w->batch.deleted++;
    return end_write(w);
}

typedef struct prune_list {
    newsdex_keep_fn keep;
    void *ctx;
    char **ids;
    size_t n, cap;
    int nomem;
} prune_list;

static int collect_unkept(const char *term, size_t len, uint64_t termfreq, void *ctx)
{
    prune_list *p = ctx;
    const char *id = term + strlen(NX_PREFIX_ID);
    (void)len;
    (void)termfreq;
    if (p->keep(id, p->ctx))
        return 0;
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 256;
        char **grown = realloc(p->ids, cap * sizeof *grown);
        if (!grown)
            return p->nomem = 1;
        p->ids = grown;
        p->cap = cap;
    }
    if (!(p->ids[p->n] = strdup(id)))
        return p->nomem = 1;
    p->n++;
    return 0;
}

newsdex_status newsdex_writer_prune(newsdex_writer *w, newsdex_keep_fn keep, void *ctx,
                                    uint64_t *deleted)
{
    if (deleted)
        *deleted = 0;
    if (!w)
        return NEWSDEX_ERR_INVALID;
    nx_error_clear(&w->err);
    if (!keep)
        return nx_error_set(&w->err, NEWSDEX_ERR_INVALID, "newsdex_writer_prune: keep is NULL");
    if (w->sharded)
        return nx_sharded_prune(w->sharded, keep, ctx, deleted, &w->err);
    /* List first, delete after: the term list must not change under us. */
    prune_list p = {.keep = keep, .ctx = ctx};
    newsdex_status st = commit_batch(w);
    if (st == NEWSDEX_OK)
        st = nx_xdb_each_term(w->db, NX_PREFIX_ID, collect_unkept, &p, &w->err);
    if (st == NEWSDEX_OK && p.nomem)
        st = nx_error_set(&w->err, NEWSDEX_ERR_NOMEM, "out of memory listing ids");
    for (size_t i = 0; i < p.n && st == NEWSDEX_OK; i++) {
        int found = 0;
        st = newsdex_writer_delete(w, p.ids[i], &found);
        if (st == NEWSDEX_OK && deleted)
            *deleted += (uint64_t)found;
    }
    for (size_t i = 0; i < p.n; i++)
        free(p.ids[i]);
    free(p.ids);
    return st;
}

/* ---- Bookkeeping ---- */

/* Keys newsdex keeps its own bookkeeping under (engine/terms.h, NX_META_*). */
#define RESERVED_META_PREFIX "newsdex:"

static newsdex_status set_metadata(newsdex_writer *w, const char *key, const char *value,
                                   int reserved)
{
    if (w->sharded)
        return nx_sharded_set_metadata(w->sharded, key, value, reserved, &w->err);
    newsdex_status st = ensure_batch(w);
    if (st == NEWSDEX_OK && (st = nx_xdb_set_metadata(w->db, key, value, strlen(value),
                                                      &w->err)) != NEWSDEX_OK)
        st = write_failed(w, st);
    return st;
}

newsdex_status newsdex_writer_set_metadata(newsdex_writer *w, const char *key, const char *value)
{
    if (!w)
        return NEWSDEX_ERR_INVALID;
    nx_error_clear(&w->err);
    if (!key || !*key || !value)
        return nx_error_set(&w->err, NEWSDEX_ERR_INVALID, "metadata needs a key and a value");
    if (!strncmp(key, RESERVED_META_PREFIX, strlen(RESERVED_META_PREFIX)))
        return nx_error_set(&w->err, NEWSDEX_ERR_INVALID,
                            "key \"%.200s\" starts with \"" RESERVED_META_PREFIX
                            "\", which is reserved for newsdex",
                            key);
    return set_metadata(w, key, value, 0);
}

newsdex_status nx_writer_record_last_run(newsdex_writer *w, const char *json)
{
    if (!w || !json)
        return NEWSDEX_ERR_INVALID;
    nx_error_clear(&w->err);
    return set_metadata(w, NX_META_LAST_RUN, json, 1);
}

/* The first size bytes of *counts get c (the size rule of newsdex.h). */
static newsdex_status give_counts(newsdex_writer_counts c, newsdex_writer_counts *counts,
                                  size_t size)
{
    if (!counts || size < sizeof counts->size)
        return NEWSDEX_ERR_INVALID;
    c.size = size < sizeof c ? size : sizeof c;
    memset(counts, 0, size);
    memcpy(counts, &c, c.size);
    return NEWSDEX_OK;
}

newsdex_status newsdex_writer_get_counts_sized(const newsdex_writer *w,
                                               newsdex_writer_counts *counts, size_t size)
{
    if (!w)
        return NEWSDEX_ERR_INVALID;
    newsdex_writer_counts c = w->done;
    if (w->sharded) {
        uint64_t own_unchanged = c.unchanged;
        nx_sharded_counts(w->sharded, 0, &c);
        c.unchanged += own_unchanged;
        return give_counts(c, counts, size);
    }
    c.added += w->batch.added;
    c.replaced += w->batch.replaced;
    c.deleted += w->batch.deleted;
    c.pending = w->batch.pending;
    return give_counts(c, counts, size);
}

newsdex_status newsdex_writer_get_committed_counts_sized(const newsdex_writer *w,
                                                         newsdex_writer_counts *counts,
                                                         size_t size)
{
    if (!w)
        return NEWSDEX_ERR_INVALID;
    newsdex_writer_counts c = w->done;
    if (w->sharded) {
        uint64_t own_unchanged = c.unchanged;
        nx_sharded_counts(w->sharded, 1, &c);
        c.unchanged += own_unchanged;
    }
    c.pending = 0;
    return give_counts(c, counts, size);
}

newsdex_status newsdex_writer_commit(newsdex_writer *w)
{
    if (!w)
        return NEWSDEX_ERR_INVALID;
    nx_error_clear(&w->err);
    return w->sharded ? nx_sharded_commit(w->sharded, &w->err) : commit_batch(w);
}

newsdex_status newsdex_writer_fold(newsdex_writer *w)
{
    if (!w)
        return NEWSDEX_ERR_INVALID;
    nx_error_clear(&w->err);
    if (!w->sharded)
        return nx_error_set(&w->err, NEWSDEX_ERR_INVALID,
                            "newsdex_writer_fold: the writer is not of an archive by arrival");
    return nx_sharded_fold(w->sharded, &w->err);
}

newsdex_status newsdex_writer_count(newsdex_writer *w, uint64_t *count)
{
    if (!w)
        return NEWSDEX_ERR_INVALID;
    nx_error_clear(&w->err);
    if (!count)
        return nx_error_set(&w->err, NEWSDEX_ERR_INVALID, "newsdex_writer_count: count is NULL");
    if (w->sharded)
        return nx_sharded_count(w->sharded, count, &w->err);
    return nx_xdb_doccount(w->db, count, &w->err);
}

const char *newsdex_writer_last_error(const newsdex_writer *w)
{
    return w ? w->err.message : "";
}

const char *newsdex_writer_last_warning(const newsdex_writer *w)
{
    return w ? w->warning : "";
}

newsdex_status newsdex_writer_set_strict_dates(newsdex_writer *w, int strict)
{
    if (!w)
        return NEWSDEX_ERR_INVALID;
    nx_builder_set_strict_dates(w->builder, strict);
    return NEWSDEX_OK;
}

newsdex_status newsdex_writer_undated_count(const newsdex_writer *w, uint64_t *count)
{
    if (!w || !count)
        return NEWSDEX_ERR_INVALID;
    *count = w->undated;
    return NEWSDEX_OK;
}

newsdex_status newsdex_writer_truncated_count(const newsdex_writer *w, uint64_t *count)
{
    if (!w || !count)
        return NEWSDEX_ERR_INVALID;
    *count = w->sharded ? nx_sharded_truncated(w->sharded) : w->truncated;
    return NEWSDEX_OK;
}

newsdex_status newsdex_writer_close(newsdex_writer *w)
{
    if (!w)
        return NEWSDEX_OK;
    newsdex_status st = w->db ? commit_batch(w) : NEWSDEX_OK;
    if (w->sharded)
        st = nx_sharded_close(w->sharded, &w->err);
    if (w->owns_pid_file)
        nx_index_dir_remove_pid(w->path); /* while we still hold the lock */
    newsdex_status closed = nx_xdb_close(w->db, &w->err);
    nx_strset_free(w->sources);
    nx_idset_free(w->fresh_ids);
    newsdex_builder_free(w->builder);
    free(w->path);
    free(w);
    return st != NEWSDEX_OK ? st : closed;
}

/* ---- What the sharded writer does with its shards' writers ---- */

newsdex_status nx_writer_has_id(newsdex_writer *w, const char *id, int *found)
{
    char id_term[NX_ID_MAX_BYTES + 8];
    snprintf(id_term, sizeof id_term, "%s%s", NX_PREFIX_ID, id);
    return nx_xdb_term_exists(w->db, id_term, found, &w->err);
}

newsdex_status nx_writer_move_out(newsdex_writer *w, const char *id)
{
    char id_term[NX_ID_MAX_BYTES + 8];
    snprintf(id_term, sizeof id_term, "%s%s", NX_PREFIX_ID, id);
    nx_error_clear(&w->err);
    newsdex_status st = ensure_batch(w);
    if (st == NEWSDEX_OK && (st = nx_xdb_delete_unique(w->db, id_term, &w->err)) != NEWSDEX_OK)
        return write_failed(w, st);
    if (st == NEWSDEX_OK) {
        w->batch.pending++;
        st = commit_batch(w);
    }
    return st;
}

newsdex_status nx_writer_commit_first(newsdex_writer *w)
{
    nx_error_clear(&w->err);
    newsdex_status st = ensure_batch(w);
    return st == NEWSDEX_OK ? commit_batch(w) : st;
}
