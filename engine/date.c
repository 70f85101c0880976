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

/* A cursor over text without its leading and trailing spaces. */
static cursor trimmed(const char *text)
{
    cursor c;
    c.start = text;
    while (is_space(*c.start))
        c.start++;
    c.end = c.start + strlen(c.start);
    while (c.end > c.start && is_space(c.end[-1]))
        c.end--;
    c.p = c.start;
    return c;
}

newsdex_status nx_date_parse(const char *text, int64_t *epoch_seconds, nx_error *err)
{
    if (!text)
        return nx_error_set(err, NEWSDEX_ERR_INVALID, "date: no text");
    cursor c = trimmed(text);

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

/* ---- Article dates: ISO 8601 and the other forms feeds write ---- */

static int is_alpha(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static void skip_spaces(cursor *c)
{
    while (c->p < c->end && is_space(*c->p))
        c->p++;
}

/* Letters at the position: sets [*word, *word + *len) and moves past them. */
static int take_word(cursor *c, const char **word, size_t *len)
{
    const char *q = c->p;
    while (q < c->end && is_alpha(*q))
        q++;
    if (q == c->p)
        return 0;
    *word = c->p;
    *len = (size_t)(q - c->p);
    c->p = q;
    return 1;
}

/* One or two digits. */
static int take_1or2_digits(cursor *c, int *value)
{
    if (c->p >= c->end || !is_digit(*c->p))
        return 0;
    int v = *c->p++ - '0';
    if (c->p < c->end && is_digit(*c->p))
        v = v * 10 + (*c->p++ - '0');
    *value = v;
    return 1;
}

static int word_is(const char *word, size_t len, const char *name)
{
    if (strlen(name) != len)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (lower(word[i]) != name[i])
            return 0;
    return 1;
}

/* 1-12 for an English month name or its three-letter abbreviation ("Sept"
 * too), 0 otherwise. */
static int month_of(const char *word, size_t len)
{
    static const char *const names[12] = {"january", "february", "march",     "april",
                                          "may",     "june",     "july",      "august",
                                          "september", "october", "november", "december"};
    for (int i = 0; i < 12; i++) {
        char abbr[4] = {names[i][0], names[i][1], names[i][2], '\0'};
        if (word_is(word, len, names[i]) || word_is(word, len, abbr))
            return i + 1;
    }
    return word_is(word, len, "sept") ? 9 : 0;
}

static int is_weekday(const char *word, size_t len)
{
    static const char *const names[7] = {"monday", "tuesday", "wednesday", "thursday",
                                         "friday", "saturday", "sunday"};
    for (int i = 0; i < 7; i++) {
        char abbr[4] = {names[i][0], names[i][1], names[i][2], '\0'};
        if (word_is(word, len, names[i]) || word_is(word, len, abbr))
            return 1;
    }
    return 0;
}

static newsdex_status check_day(const cursor *c, int y, int m, int d, int64_t *days,
                                nx_error *err)
{
    if (y < 1000)
        return fail(c, err, "year out of range");
    if (m < 1 || m > 12)
        return fail(c, err, "month out of range");
    if (d < 1 || d > days_in_month(y, m))
        return fail(c, err, "day out of range");
    *days = days_from_civil(y, m, d);
    return NEWSDEX_OK;
}

/* RFC 2822 zone: "GMT", "UT", "UTC", "Z", a North American zone or
 * "+HHMM" / "-HHMM" (also "+HH:MM"); sets *offset (east of UTC). */
static newsdex_status parse_named_zone(cursor *c, int64_t *offset, nx_error *err)
{
    static const struct {
        const char *name;
        int hours;
    } zones[] = {{"gmt", 0},  {"ut", 0},   {"utc", 0},  {"z", 0},   {"est", -5},
                 {"edt", -4}, {"cst", -6}, {"cdt", -5}, {"mst", -7}, {"mdt", -6},
                 {"pst", -8}, {"pdt", -7}};
    const char *word;
    size_t len;
    *offset = 0;
    if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
        return parse_zone(c, offset, err);
    if (!take_word(c, &word, &len))
        return NEWSDEX_OK;
    for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++)
        if (word_is(word, len, zones[i].name)) {
            *offset = (int64_t)zones[i].hours * 3600;
            return NEWSDEX_OK;
        }
    return fail(c, err, "unknown time zone");
}

/* "10 January 2024", "Wed, 10 Jan 2024 14:03:00 GMT", "January 10, 2024",
 * each with an optional time and zone. */
static newsdex_status parse_written(cursor *c, int64_t *epoch_seconds, nx_error *err)
{
    const char *word;
    size_t len;
    int y = 0, m = 0, d = 0;
    cursor at = *c;
    if (take_word(c, &word, &len) && is_weekday(word, len)) {
        take_char(c, ',');
        skip_spaces(c);
    } else {
        *c = at;
    }
    if (take_1or2_digits(c, &d)) {
        skip_spaces(c);
        if (!take_word(c, &word, &len) || !(m = month_of(word, len)))
            return fail(c, err, "expected a month name after the day");
        take_char(c, '.');
        skip_spaces(c);
    } else if (take_word(c, &word, &len) && (m = month_of(word, len))) {
        take_char(c, '.');
        skip_spaces(c);
        cursor year_at = *c;
        if (take_digits(c, 4, &y) && (c->p == c->end || !is_digit(*c->p))) {
            d = 1; /* "January 2024": the first of the month */
            *c = year_at;
        } else {
            *c = year_at;
            if (!take_1or2_digits(c, &d))
                return fail(c, err, "expected a day after the month name");
            take_char(c, ',');
            skip_spaces(c);
        }
    } else {
        return fail(c, err,
                    "not a date form newsdex reads (YYYY-MM-DD, YYYY-MM, YYYY, "
                    "\"10 January 2024\", \"January 10, 2024\", RFC 2822)");
    }
    if (!take_digits(c, 4, &y))
        return fail(c, err, "expected a four-digit year");
    int64_t days = 0, secs = 0, offset = 0;
    newsdex_status st = check_day(c, y, m, d, &days, err);
    if (st != NEWSDEX_OK)
        return st;
    skip_spaces(c);
    if (c->p < c->end && is_digit(*c->p)) {
        if ((st = parse_time(c, &secs, err)) != NEWSDEX_OK)
            return st;
        skip_spaces(c);
        if ((st = parse_named_zone(c, &offset, err)) != NEWSDEX_OK)
            return st;
        skip_spaces(c);
    }
    if (c->p < c->end)
        return fail(c, err, "unexpected text after date");
    if (epoch_seconds)
        *epoch_seconds = days * SECONDS_PER_DAY + secs - offset;
    return NEWSDEX_OK;
}

/* "D/M/YYYY" or "M/D/YYYY" (also with "." or "-"): read only when the
 * order is certain, that is when one of the two numbers is above 12. */
static newsdex_status parse_numeric(cursor *c, int64_t *epoch_seconds, nx_error *err)
{
    int a, b, y;
    if (!take_1or2_digits(c, &a))
        return fail(c, err, "not a date");
    char sep = c->p < c->end ? *c->p : '\0';
    if ((sep != '/' && sep != '.' && sep != '-') || !take_char(c, sep) ||
        !take_1or2_digits(c, &b) || !take_char(c, sep) || !take_digits(c, 4, &y) ||
        c->p != c->end)
        return fail(c, err,
                    "not a date form newsdex reads (YYYY-MM-DD, YYYY-MM, YYYY, "
                    "\"10 January 2024\", \"January 10, 2024\", RFC 2822)");
    if (a <= 12 && b <= 12 && a != b)
        return fail(c, err,
                    "ambiguous: day and month could be either way round; write it as "
                    "YYYY-MM-DD");
    int day = a > 12 ? a : b, month = a > 12 ? b : a;
    int64_t days = 0;
    newsdex_status st = check_day(c, y, month, day, &days, err);
    if (st == NEWSDEX_OK && epoch_seconds)
        *epoch_seconds = days * SECONDS_PER_DAY;
    return st;
}

newsdex_status nx_date_parse_article(const char *text, int64_t *epoch_seconds, nx_error *err)
{
    if (!text)
        return nx_error_set(err, NEWSDEX_ERR_INVALID, "date: no text");
    cursor c = trimmed(text);
    size_t len = (size_t)(c.end - c.start);
    int y, m = 1;
    cursor probe = c;
    if (take_digits(&probe, 4, &y)) {
        if (len == 4 || (len == 7 && take_char(&probe, '-') && take_digits(&probe, 2, &m))) {
            int64_t days = 0;
            newsdex_status st = check_day(&c, y, m, 1, &days, err);
            if (st == NEWSDEX_OK && epoch_seconds)
                *epoch_seconds = days * SECONDS_PER_DAY;
            return st;
        }
        return nx_date_parse(text, epoch_seconds, err);
    }
    probe = c;
    int n;
    if (take_1or2_digits(&probe, &n) && probe.p < probe.end &&
        (*probe.p == '/' || *probe.p == '.' || *probe.p == '-'))
        return parse_numeric(&c, epoch_seconds, err);
    return parse_written(&c, epoch_seconds, err);
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
