/* Merging indexes written in parallel (`newsdex index --jobs`): shards that
 * each hold a contiguous part of one input, merged in input order, either
 * concatenated by Xapian's compaction into a new index or copied document
 * by document into an existing one (engine/xapian/xmerge.cc). */
#ifndef NX_XMERGE_H
#define NX_XMERGE_H

#include <stddef.h>
#include <stdint.h>
#include "../error.h"
#include "xdb.h"

#ifdef __cplusplus
extern "C" {
#endif

/* *ok = 1 when concatenating shards[0..n-1] gives the document ids a single
 * writer would have given: every shard's documents are numbered 1..count
 * without a gap, and no article id is in two shards. */
newsdex_status nx_xmerge_check(const char *const *shards, size_t n, int *ok, nx_error *err);

/* Writes shards[0..n-1] (glass directories), in order, into the new index
 * dst_dir: shard k's documents follow shard k-1's, renumbered from 1 on.
 * newsdex's metadata is merged (nx_xmerge_metadata) and the month map is
 * laid out again for the new numbering. NEWSDEX_ERR_NOSPACE for a full disk
 * (dst_dir is then left half-written for the caller to remove). */
newsdex_status nx_xmerge_compact(const char *const *shards, size_t n, const char *dst_dir,
                                 nx_error *err);

/* What a key of newsdex's metadata becomes when n > 0 shards hold it
 * (values[0] first): the source name first written, the schema, the last
 * run summary and other keys of the first shard that has one. The month map
 * is rebuilt after a merge, so its keys take the first value here too. */
const char *nx_xmerge_metadata(const char *key, size_t n, const char *const *values);

/* One shard read document by document. */
typedef struct nx_xshard nx_xshard;
newsdex_status nx_xshard_open(const char *path, nx_xshard **out, nx_error *err);
void nx_xshard_close(nx_xshard *shard);
newsdex_status nx_xshard_lastdocid(nx_xshard *shard, uint64_t *docid, nx_error *err);

/* Calls fn for every document of shard with an id in [first, last], in id
 * order: its unique term (NX_PREFIX_ID + id), its stored data and its
 * fingerprint value; fn returns a status, and anything but NEWSDEX_OK stops
 * the walk with it. Pointers are valid during the call only. */
typedef newsdex_status (*nx_xshard_fn)(uint64_t docid, const char *id_term, const char *data,
                                       size_t data_len, const char *fp, size_t fp_len,
                                       void *ctx);
newsdex_status nx_xshard_each(nx_xshard *shard, uint64_t first, uint64_t last, nx_xshard_fn fn,
                              void *ctx, nx_error *err);

/* Replaces the document indexed by unique_term in db (or adds it) with a
 * copy of document docid of shard, as nx_xdb_replace does. */
newsdex_status nx_xdb_replace_copy(nx_xdb *db, const char *unique_term, nx_xshard *shard,
                                   uint64_t docid, nx_error *err);

#ifdef __cplusplus
}
#endif
#endif
