/* Merging the shards of a parallel build into the index they were built
 * for (the newsdex_index_merge / newsdex_writer_*_shard part of the public
 * API). Two ways, both giving what one writer reading every part in order
 * gives: a new index concatenated from the shards by Xapian's compaction,
 * when the target is new and the parts do not touch one another's
 * articles; otherwise each shard's documents put into the target through
 * the writer, which compares, replaces and counts as newsdex_writer_put()
 * does. */
#include <stdlib.h>
#include <string.h>

#include "newsdex.h"
#include "../engine/stored_doc.h"
#include "../engine/xapian/xdb.h"
#include "../engine/xapian/xmerge.h"
#include "index_writer.h"

static newsdex_status give_message(newsdex_status st, const nx_error *err, char **error_message)
{
    if (error_message)
        *error_message = st == NEWSDEX_OK ? NULL
                         : err->message[0] ? strdup(err->message)
                                           : strdup(newsdex_status_to_string(st));
    return st;
}

static newsdex_status check_shards(const char *const *shards, size_t n, nx_error *err)
{
    if (!shards && n)
        return nx_error_set(err, NEWSDEX_ERR_INVALID, "shards is NULL but n is %zu", n);
    for (size_t i = 0; i < n; i++)
        if (!shards[i])
            return nx_error_set(err, NEWSDEX_ERR_INVALID, "shards[%zu] is NULL", i);
    return NEWSDEX_OK;
}

newsdex_status newsdex_writer_can_concatenate(newsdex_writer *writer, const char *const *shards,
                                              size_t n, int *can)
{
    if (can)
        *can = 0;
    if (!writer)
        return NEWSDEX_ERR_INVALID;
    nx_error *err = nx_writer_error(writer);
    nx_error_clear(err);
    if (!can)
        return nx_error_set(err, NEWSDEX_ERR_INVALID, "newsdex_writer_can_concatenate: can is NULL");
    newsdex_status st = check_shards(shards, n, err);
    uint64_t last = 0;
    if (st == NEWSDEX_OK)
        st = newsdex_writer_commit(writer);
    if (st == NEWSDEX_OK)
        st = nx_xdb_lastdocid(nx_writer_xdb(writer), &last, err);
    if (st != NEWSDEX_OK || last != 0)
        return st; /* documents were written (even if deleted since): ids go on from there */
    return nx_xmerge_check(shards, n, can, err);
}

newsdex_status newsdex_index_merge(const char *const *shards, size_t n, const char *copy_path,
                                   char **error_message)
{
    nx_error err;
    nx_error_clear(&err);
    newsdex_status st = check_shards(shards, n, &err);
    if (st == NEWSDEX_OK && !copy_path)
        st = nx_error_set(&err, NEWSDEX_ERR_INVALID, "copy_path is NULL");
    if (st == NEWSDEX_OK)
        st = nx_xmerge_compact(shards, n, copy_path, &err);
    return give_message(st, &err, error_message);
}

typedef struct put_ctx {
    newsdex_writer *writer;
    nx_xshard *shard;
    nx_stored_decoder *decoder; /* NULL (no memory): one per article */
    uint64_t docid;
} put_ctx;

static newsdex_status write_copy(nx_xdb *db, const char *id_term, void *ctx, nx_error *err)
{
    put_ctx *c = ctx;
    return nx_xdb_replace_copy(db, id_term, c->shard, c->docid, err);
}

static newsdex_status put_document(uint64_t docid, const char *id_term, const char *data,
                                   size_t data_len, const char *fp, size_t fp_len, void *ctx)
{
    put_ctx *c = ctx;
    nx_error *err = nx_writer_error(c->writer);
    if (fp_len != 8)
        return nx_error_set(err, NEWSDEX_ERR_CORRUPT,
                            "document %llu of the shard has no fingerprint",
                            (unsigned long long)docid);
    nx_stored_doc stored;
    memset(&stored, 0, sizeof stored);
    newsdex_status st = nx_stored_decode_with(c->decoder, data, data_len, &stored, err);
    c->docid = docid;
    if (st == NEWSDEX_OK)
        st = nx_writer_put_built(c->writer, id_term, fp, stored.source, write_copy, c, NULL);
    nx_stored_doc_free(&stored);
    return st;
}

newsdex_status newsdex_writer_merge_shard(newsdex_writer *writer, const char *shard,
                                          uint64_t first, uint64_t last)
{
    if (!writer)
        return NEWSDEX_ERR_INVALID;
    nx_error *err = nx_writer_error(writer);
    nx_error_clear(err);
    if (!shard)
        return nx_error_set(err, NEWSDEX_ERR_INVALID, "newsdex_writer_merge_shard: shard is NULL");
    put_ctx c = {.writer = writer, .decoder = nx_stored_decoder_new()};
    newsdex_status st = nx_xshard_open(shard, &c.shard, err);
    if (st == NEWSDEX_OK && first <= last)
        st = nx_xshard_each(c.shard, first ? first : 1, last, put_document, &c, err);
    nx_xshard_close(c.shard);
    nx_stored_decoder_free(c.decoder);
    return st;
}
