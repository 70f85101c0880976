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

#endif
