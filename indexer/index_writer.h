/* What the library's own files may do with a writer beyond the public API
 * (not exported by libnewsdex.so): newsdex_writer_set_last_run() stores
 * the run summary under a reserved key through it. */
#ifndef NX_INDEX_WRITER_H
#define NX_INDEX_WRITER_H

#include "newsdex.h"

/* Stores @p json as the summary of this indexing run (NX_META_LAST_RUN, a
 * reserved key newsdex_writer_set_metadata() refuses), in the current
 * batch. */
newsdex_status nx_writer_record_last_run(newsdex_writer *writer, const char *json);

#endif
