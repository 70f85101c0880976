/* One benchmark query through newsdex's public API (not part of newsdex):
 * top 10, reading each hit's id, title, snippet and url. Shared by
 * newsdex_bench and paired_bench. */
#ifndef NX_BENCH_NEWSDEX_QUERY_H
#define NX_BENCH_NEWSDEX_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "newsdex.h"

#ifdef __cplusplus
extern "C" {
#endif

/* *hits and *estimate as the search found them; the bytes read are added
 * to *touched (so the reads are not optimised away). */
newsdex_status bench_newsdex_query(newsdex_db *db, const char *text, int snippets, size_t *hits,
                                   uint64_t *estimate, size_t *touched);

#ifdef __cplusplus
}
#endif

#endif
