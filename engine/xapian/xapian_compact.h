/* Compaction (`newsdex compact`): Xapian's Database::compact() behind the
 * same C face as xdb.h (engine/xapian/xapian_compact.cc). The caller
 * holds the writer lock of the source and decides where the copy goes and
 * what becomes of it; this only writes the copy. */
#ifndef NX_XAPIAN_COMPACT_H
#define NX_XAPIAN_COMPACT_H

#include "../error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Writes a compact copy of the glass index in directory src_dir into
 * dst_dir (created if missing; an existing one should be empty). The copy
 * is an ordinary writable glass index directory (not a single file) with
 * the same documents under the same document ids, the same metadata and
 * the same statistics; its blocks are fully packed (Xapian's FULL level,
 * which still suits an index that will be updated), and it starts again at
 * revision 1 with a new UUID. src_dir is only read. A full disk, a quota or
 * a file size limit gives NEWSDEX_ERR_NOSPACE; dst_dir is then left
 * half-written for the caller to remove. */
newsdex_status nx_xdb_compact(const char *src_dir, const char *dst_dir, nx_error *err);

#ifdef __cplusplus
}
#endif
#endif
