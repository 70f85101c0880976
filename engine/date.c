/* ISO 8601 dates with our own civil-calendar arithmetic: timegm/mktime are
 * not portable, depend on the process time zone and cannot fail cleanly. */
#include "date.h"

#include <stddef.h>
#include <string.h>

#define SECONDS_PER_DAY 86400
#define ECHO_MAX 64 /* bytes of the input quoted back in an error message */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's method). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Inverse of days_from_civil(). */
static void civil_from_days(int64_t z, int64_t *year, int *month, int *day)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *day = (int)(doy - (153 * mp + 2) / 5 + 1);
    *month = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = yoe + era * 400 + (*month <= 2);
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Our own test: isspace() depends on the locale. */
static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Parsing state: the trimmed input [start, end) and the read position. */
typedef struct cursor {
    const char *start, *end, *p;
} cursor;

/* Read exactly @p n digits into *value; on failure the position is unchanged. */
static int take_digits(cursor *c, int n, int *value)
{
    if (c->end - c->p < n)
        return 0;
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!is_digit(c->p[i]))
            return 0;
        v = v * 10 + (c->p[i] - '0');
    }
    c->p += n;
    *value = v;
    return 1;
}

static int take_char(cursor *c, char ch)
{
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return 1;
    }
    return 0;
}

/* The error message quotes the input, cut short (on a UTF-8 boundary) so
 * that a huge bogus value cannot push the reason out of the message. */
static newsdex_status fail(const cursor *c, nx_error *err, const char *reason)
{
    size_t len = (size_t)(c->end - c->start);
    const char *more = "";
    if (len > ECHO_MAX) {
        len = ECHO_MAX;
        while (len > 0 && ((unsigned char)c->start[len] & 0xC0) == 0x80)
            len--;
        more = "...";
    }
    return nx_error_set(err, NEWSDEX_ERR_INVALID, "date \"%.*s%s\": %s", (int)len, c->start,
                        more, reason);
}

/* "YYYY-MM-DD" with range checks; sets *days. */
static newsdex_status parse_day(cursor *c, int64_t *days, nx_error *err)
{
    int y, m, d;
    if (!take_digits(c, 4, &y) || !take_char(c, '-') || !take_digits(c, 2, &m) ||
        !take_char(c, '-') || !take_digits(c, 2, &d))
        return fail(c, err, "expected YYYY-MM-DD");
    if (y < 1000)
        return fail(c, err, "year out of range");
    if (m < 1 || m > 12)
        return fail(c, err, "month out of range");
    if (d < 1 || d > days_in_month(y, m))
        return fail(c, err, "day out of range");
    *days = days_from_civil(y, m, d);
    return NEWSDEX_OK;
}

/* "HH:MM", "HH:MM:SS" or "HH:MM:SS.fff" (fraction ignored); sets *secs. */
static newsdex_status parse_time(cursor *c, int64_t *secs, nx_error *err)
{
    int h, m, s = 0;
    if (!take_digits(c, 2, &h) || !take_char(c, ':') || !take_digits(c, 2, &m))
        return fail(c, err, "expected time HH:MM after date");
    if (h > 23)
        return fail(c, err, "hour out of range");
    if (m > 59)
        return fail(c, err, "minute out of range");
    if (take_char(c, ':')) {
        if (!take_digits(c, 2, &s))
            return fail(c, err, "expected seconds SS after HH:MM:");
        if (s > 59) /* :60 too: leap seconds are not representable */
            return fail(c, err, "second out of range");
        if (take_char(c, '.')) {
            if (c->p >= c->end || !is_digit(*c->p))
                return fail(c, err, "expected digits after \".\"");
            while (c->p < c->end && is_digit(*c->p))
                c->p++;
        }
    }
    *secs = (int64_t)h * 3600 + m * 60 + s;
    return NEWSDEX_OK;
}

/* Optional "Z", "+HH:MM", "-HH:MM", "+HHMM" or "+HH"; sets *offset (east of UTC). */
static newsdex_status parse_zone(cursor *c, int64_t *offset, nx_error *err)
{
    *offset = 0;
    if (take_char(c, 'Z') || take_char(c, 'z'))
        return NEWSDEX_OK;
    int sign = take_char(c, '+') ? 1 : take_char(c, '-') ? -1 : 0;
    if (!sign)
        return NEWSDEX_OK;
    int h, m = 0;
    if (!take_digits(c, 2, &h))
        return fail(c, err, "expected time zone +HH:MM");
    if (take_char(c, ':')) {
        if (!take_digits(c, 2, &m))
            return fail(c, err, "expected time zone +HH:MM");
    } else {
        take_digits(c, 2, &m); /* "+HHMM"; for "+HH" m stays 0 */
    }
    if (h > 23 || m > 59)
        return fail(c, err, "time zone out of range");
    *offset = sign * ((int64_t)h * 3600 + m * 60);
    return NEWSDEX_OK;
}

newsdex_status nx_date_parse(const char *text, int64_t *epoch_seconds, nx_error *err)
{
    if (!text)
        return nx_error_set(err, NEWSDEX_ERR_INVALID, "date: no text");
    cursor c;
    c.start = text;
    while (is_space(*c.start))
        c.start++;
    c.end = c.start + strlen(c.start);
    while (c.end > c.start && is_space(c.end[-1]))
        c.end--;
    c.p = c.start;

    int64_t days = 0, secs = 0, offset = 0;
    newsdex_status st = parse_day(&c, &days, err);
    if (st != NEWSDEX_OK)
        return st;
    if (c.p < c.end) {
        if (*c.p != 'T' && *c.p != 't' && *c.p != ' ')
            return fail(&c, err, "unexpected text after date");
        c.p++;
        if ((st = parse_time(&c, &secs, err)) != NEWSDEX_OK ||
            (st = parse_zone(&c, &offset, err)) != NEWSDEX_OK)
            return st;
        if (c.p < c.end)
            return fail(&c, err, "unexpected text after time");
    }
    if (epoch_seconds)
        *epoch_seconds = days * SECONDS_PER_DAY + secs - offset;
    return NEWSDEX_OK;
}

/* Times outside 0000-01-01 .. 9999-12-31 are clamped so that every output
 * has a four-digit year and fits the fixed-size buffers. */
static void split_clamped(int64_t t, int64_t *days, int64_t *secs)
{
    const int64_t lo = days_from_civil(0, 1, 1) * SECONDS_PER_DAY;
    const int64_t hi = days_from_civil(9999, 12, 31) * SECONDS_PER_DAY + SECONDS_PER_DAY - 1;
    if (t < lo)
        t = lo;
    if (t > hi)
        t = hi;
    *days = t / SECONDS_PER_DAY;
    *secs = t % SECONDS_PER_DAY;
    if (*secs < 0) { /* C division truncates; we want the floor */
        *secs += SECONDS_PER_DAY;
        (*days)--;
    }
}

/* Write @p value as exactly @p width decimal digits. */
static char *put_digits(char *out, int64_t value, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        out[i] = (char)('0' + value % 10);
        value /= 10;
    }
    return out + width;
}

static char *put_day(char *out, int64_t days)
{
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    out = put_digits(out, y, 4);
    *out++ = '-';
    out = put_digits(out, m, 2);
    *out++ = '-';
    return put_digits(out, d, 2);
}

void nx_date_format_day(int64_t epoch_seconds, char out[11])
{
    int64_t days, secs;
    split_clamped(epoch_seconds, &days, &secs);
    *put_day(out, days) = '\0';
}

void nx_date_format_iso(int64_t epoch_seconds, char out[21])
{
    int64_t days, secs;
    split_clamped(epoch_seconds, &days, &secs);
    char *p = put_day(out, days);
    *p++ = 'T';
    p = put_digits(p, secs / 3600, 2);
    *p++ = ':';
    p = put_digits(p, secs / 60 % 60, 2);
    *p++ = ':';
    p = put_digits(p, secs % 60, 2);
    *p++ = 'Z';
    *p = '\0';
}

void nx_date_split(int64_t epoch_seconds, int *year, int *month, int *day)
{
    int64_t days, secs, y;
    int m, d;
    split_clamped(epoch_seconds, &days, &secs);
    civil_from_days(days, &y, &m, &d);
    if (year)
        *year = (int)y;
    if (month)
        *month = m;
    if (day)
        *day = d;
}
