/* ISO 8601 dates: the one parser for article dates and (later) query dates.
 * All times are UTC seconds since 1970-01-01. */
#ifndef NX_DATE_H
#define NX_DATE_H

#include <stdint.h>
#include "error.h"

/* Accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM", "YYYY-MM-DDTHH:MM:SS" with optional
 * fraction ".sss", and optional zone "Z", "+HH:MM", "-HH:MM", "+HHMM"; a space
 * may replace "T". No zone means UTC. Years 1000-9999. Fields are range-checked
 * (2023-02-29 is rejected). On failure returns NEWSDEX_ERR_INVALID with a
 * message such as `date "2024-13-01": month out of range`. */
newsdex_status nx_date_parse(const char *text, int64_t *epoch_seconds, nx_error *err);

/* "YYYY-MM-DD" (11 bytes with NUL). */
void nx_date_format_day(int64_t epoch_seconds, char out[11]);

/* "YYYY-MM-DDTHH:MM:SSZ" (21 bytes with NUL). */
void nx_date_format_iso(int64_t epoch_seconds, char out[21]);

/* Calendar parts of a UTC time. */
void nx_date_split(int64_t epoch_seconds, int *year, int *month, int *day);

#endif
