// Compaction for `newsdex compact` (xapian_compact.h). Like every entry
// point of engine/, it catches everything and maps it to a status and a
// message with the binding's mapping (nx_map_exception, binding.hh).

#include "xapian_compact.h"
#include "binding.hh"

#include <xapian.h>


extern "C" newsdex_status nx_xdb_compact(const char *src_dir, const char *dst_dir, nx_error *err)
{
    nx_error local;
    nx_error *e = err ? err : &local;
    try {
        // A directory only: a stub file or a remote index is not compacted.
        Xapian::Database src(src_dir, Xapian::DB_BACKEND_GLASS);
        // NO_RENUMBER: every document keeps its id (by default Xapian would
        // close the gaps left by deletions). FULL is Xapian's default level,
        // named here because FULLER would suit a read-only index only. No
        // DBCOMPACT_SINGLE_FILE: the result must stay a writable directory.
        src.compact(dst_dir, Xapian::DBCOMPACT_NO_RENUMBER | Xapian::Compactor::FULL);
        return NEWSDEX_OK;
    } catch (...) {
        newsdex_status st = nx_map_exception(e);
        if (st == NEWSDEX_ERR_IO && nx_error_is_no_space(e->message))
            st = e->status = NEWSDEX_ERR_NOSPACE;
        return st;
    }
}
