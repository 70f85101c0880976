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

/* Article dates: what nx_date_parse() reads, and also "YYYY" and "YYYY-MM"
 * (the first day of that year or month), "10 January 2024" and "January 10,
 * 2024" (full or three-letter month names, any case), RFC 2822 / RSS
 * ("Wed, 10 Jan 2024 14:03:00 GMT": optional weekday, optional time, zone
 * GMT, UT, UTC, Z, EST/EDT/CST/CDT/MST/MDT/PST/PDT or +HHMM) and "D/M/YYYY"
 * when one number is above 12. "03/04/2008" is refused as ambiguous. On
 * failure NEWSDEX_ERR_INVALID with the reason. */
newsdex_status nx_date_parse_article(const char *text, int64_t *epoch_seconds, nx_error *err);

/* "YYYY-MM-DD" (11 bytes with NUL). */
void nx_date_format_day(int64_t epoch_seconds, char out[11]);

/* "YYYY-MM-DDTHH:MM:SSZ" (21 bytes with NUL). */
void nx_date_format_iso(int64_t epoch_seconds, char out[21]);

/* Calendar parts of a UTC time. */
void nx_date_split(int64_t epoch_seconds, int *year, int *month, int *day);

#endif
