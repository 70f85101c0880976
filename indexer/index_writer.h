/* What the library's own files may do with a writer beyond the public API
 * (not exported by libnewsdex.so): newsdex_writer_set_last_run() stores
 * the run summary under a reserved key through it. */
#ifndef NX_INDEX_WRITER_H
#define NX_INDEX_WRITER_H

#include "newsdex.h"
#include "../engine/xapian/xdb.h"

/* Stores @p json as the summary of this indexing run (NX_META_LAST_RUN, a
 * reserved key newsdex_writer_set_metadata() refuses), in the current
 * batch. */
newsdex_status nx_writer_record_last_run(newsdex_writer *writer, const char *json);

/* The writer's index handle, for the library's merging (indexer/index_merge.c). */
nx_xdb *nx_writer_xdb(newsdex_writer *writer);
nx_error *nx_writer_error(newsdex_writer *writer);

/* Writes one article that was analysed elsewhere (a document of a shard) as
 * newsdex_writer_put() writes one: unchanged when the stored fingerprint
 * equals fp (8 bytes), else added or replaced by write(db, id_term, ctx,
 * err) in the current batch, with its source (as written, may be NULL)
 * recorded, and counted. */
typedef newsdex_status (*nx_writer_write_fn)(nx_xdb *db, const char *id_term, void *ctx,
                                            nx_error *err);
newsdex_status nx_writer_put_built(newsdex_writer *writer, const char *id_term, const char fp[8],
                                   const char *source, nx_writer_write_fn write, void *ctx,
                                   newsdex_put_outcome *outcome);
/* What a sharded writer (sharded_writer.h) does with the writer of each of
 * its shards, beyond the public API. */

/* What the archive's writer was given to put (an article checked, or
 * built ahead), put into one of its shards as newsdex_writer_put() puts it;
 * moved: its id was deleted from another shard just before, so it counts
 * as replaced and is written whatever this shard holds. */
typedef struct nx_shard_put nx_shard_put;
newsdex_status nx_writer_put_into_shard(newsdex_writer *w, nx_shard_put *p, int moved,
                                        newsdex_put_outcome *outcome);
/* Whether the index holds an article with this id. */
newsdex_status nx_writer_has_id(newsdex_writer *w, const char *id, int *found);
/* Deletes the article with id and commits at once (with the open batch),
 * counting it nowhere: the article moves to another shard. */
newsdex_status nx_writer_move_out(newsdex_writer *w, const char *id);
/* Commits even with nothing to write: a new shard's first commit, which
 * records its schema version before a reader is told about it. */
newsdex_status nx_writer_commit_first(newsdex_writer *w);
/* Writes in the open batch, not yet committed. */
size_t nx_writer_pending(const newsdex_writer *w);

#endif
