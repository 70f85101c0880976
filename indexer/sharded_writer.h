/* The writer of an archive of shards (shard_archive.h): what a
 * newsdex_writer opened with newsdex_writer_open_sharded() does. By year,
 * each article goes to the shard of the year of its date as the writer
 * parsed it (undated ones to "undated"); by arrival, to the shard that
 * holds its id, or else to "recent". Each goes through that shard's own
 * writer; the archive's lock keeps other writers out, and the stub lists
 * each new shard once its first commit is done.
 *
 * No article is ever in two shards: an article whose id another shard
 * holds (its date changed) is first deleted there and that deletion is
 * committed, and only then written to its new shard (counted as
 * replaced). A crash in between leaves it in neither, until the input is
 * indexed again. */
#ifndef NX_SHARDED_WRITER_H
#define NX_SHARDED_WRITER_H

#include <stdint.h>

#include "newsdex.h"
#include "../engine/error.h"
#include "index_writer.h"

typedef struct nx_sharded nx_sharded;

/* Creates the archive split as by says (path missing or an empty
 * directory) or opens it, and takes its lock. Refuses one index, an
 * archive split the other way, or a directory of other things. */
newsdex_status nx_sharded_open(const char *path, newsdex_shard_by by, nx_sharded **out,
                               nx_error *err);
/* Commits every shard, writes the stub if it is behind, releases the lock
 * and frees s (NULL is allowed). */
newsdex_status nx_sharded_close(nx_sharded *s, nx_error *err);

/* An article the caller has validated and dated (newsdex_writer_put()),
 * put into the shard of its year. */
newsdex_status nx_sharded_put(nx_sharded *s, const char *id, int has_date, int64_t when,
                              nx_shard_put *p, newsdex_put_outcome *outcome, nx_error *err);
/* Deletes id from every shard; *found (may be NULL) if any held it. */
newsdex_status nx_sharded_delete(nx_sharded *s, const char *id, int *found, nx_error *err);
newsdex_status nx_sharded_prune(nx_sharded *s, newsdex_keep_fn keep, void *ctx,
                                uint64_t *deleted, nx_error *err);
newsdex_status nx_sharded_commit(nx_sharded *s, nx_error *err);
/* By arrival: merges the shards into a new main shard (newsdex_writer_fold()). */
newsdex_status nx_sharded_fold(nx_sharded *s, nx_error *err);
newsdex_status nx_sharded_count(nx_sharded *s, uint64_t *count, nx_error *err);
newsdex_status nx_sharded_set_batch_size(nx_sharded *s, size_t batch_size, nx_error *err);
newsdex_status nx_sharded_set_article_positions(nx_sharded *s, int article, nx_error *err);
/* Metadata goes to every shard (a reader of the archive reads the first). */
newsdex_status nx_sharded_set_metadata(nx_sharded *s, const char *key, const char *value,
                                       int reserved, nx_error *err);

/* The sum over the shards' writers; with committed, committed work only. */
void nx_sharded_counts(const nx_sharded *s, int committed, newsdex_writer_counts *out);
uint64_t nx_sharded_truncated(const nx_sharded *s);
/* The warning of the last put's shard ("" if none). */
const char *nx_sharded_warning(const nx_sharded *s);

#endif
