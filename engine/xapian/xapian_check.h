/* A structural check of an index's term table before a command walks all
 * of it (engine/xapian/xapian_check.cc). Xapian 1.4 trusts the blocks it reads:
 * random bytes in postlist.glass can make a walk over every term crash
 * the process instead of raising an error. The check reads each block of
 * the table once, about what the walk itself reads, and fails cleanly. */
#ifndef NX_XAPIAN_CHECK_H
#define NX_XAPIAN_CHECK_H

#include "../error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Checks the B-tree structure of the posting-list table (the table of
 * every term) of the glass index in directory path: NEWSDEX_ERR_CORRUPT
 * with Xapian's finding when a block is damaged. Anything else (a stub
 * file, a remote index, no index there) is left to the open that follows
 * and gives NEWSDEX_OK. */
newsdex_status nx_xdb_check_terms(const char *path, nx_error *err);

#ifdef __cplusplus
}
#endif
#endif
