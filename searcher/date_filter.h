/* Date ranges as filters: the day, month and year terms every dated
 * article has (engine/terms.h) when a few of them cover the range, else
 * the date value's range. */
#ifndef NX_DATE_FILTER_H
#define NX_DATE_FILTER_H

#include "../engine/error.h"
#include "../engine/xapian/xsearch.h"

/* Most terms a range becomes; a range needing more reads the date value. */
#define NX_DATE_FILTER_TERMS_MAX 16

/* Articles dated in [lo, hi], both "YYYYMMDD" (UTC days, inclusive); either
 * may be "" for an open end, not both. Contributes no weight. */
newsdex_status nx_query_date_filter(const char *lo, const char *hi, nx_xquery **out,
                                    nx_error *err);

#endif
