/* Internal additions to the writer of include/newsdex.h, for the newsdex
 * command only (not exported by libnewsdex.so). */
#ifndef NX_INDEX_WRITER_H
#define NX_INDEX_WRITER_H

#include "newsdex.h"

/* Stores @p json as the summary of this indexing run (NX_META_LAST_RUN, a
 * reserved key newsdex_writer_set_metadata() refuses), in the current
 * batch. */
newsdex_status nx_writer_record_last_run(newsdex_writer *writer, const char *json);

#endif
