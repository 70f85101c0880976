/* The three role headers of the Xapian binding (README), for the files not
 * yet moved to them (xapian_check.cc, xapian_compact.cc,
 * indexer/index_maintenance.c): include xdb.h, xsearch.h or xcount.h
 * instead (C), or binding.hh (C++); then delete this file. */
#ifndef NX_XAPIAN_WRAPPER_H
#define NX_XAPIAN_WRAPPER_H

#include "xcount.h"
#include "xdb.h"
#include "xsearch.h"
#ifdef __cplusplus
#include "binding.hh"
#endif

#endif
