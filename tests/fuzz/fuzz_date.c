/* libFuzzer harness for dates: article dates (engine/date.c, nx_date_parse)
 * and query date bounds (nx_query_date_bound, used by date: and
 * --from/--to). Any text is accepted with a time that formats and parses
 * back to itself, or refused with a message; any time formats without
 * overflow. Never a crash, hang or undefined behaviour.
 *
 * Build and run: scripts/fuzz date (or make fuzz). Seeds are in
 * tests/fuzz/seeds/date/, crashes once found in tests/fuzz/regressions/date/. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../engine/date.h"
#include "../../searcher/query_parser.h"

#define CHECK(cond)   \
    do {              \
        if (!(cond))  \
            abort();  \
    } while (0)

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* Formatting any time (clamped or not) gives well-formed text. */
static void check_format(int64_t t)
{
    char day[11], iso[21];
    memset(day, 'x', sizeof day);
    memset(iso, 'x', sizeof iso);
    nx_date_format_day(t, day);
    nx_date_format_iso(t, iso);
    CHECK(strlen(day) == 10 && day[4] == '-' && day[7] == '-');
    CHECK(strlen(iso) == 20 && iso[10] == 'T' && iso[19] == 'Z');
    CHECK(memcmp(day, iso, 10) == 0);
    int y, m, d;
    nx_date_split(t, &y, &m, &d);
    CHECK(m >= 1 && m <= 12 && d >= 1 && d <= 31);
}

/* An accepted date formats as ISO 8601 UTC, which parses back to itself
 * whenever the zone shift left it inside the accepted years 1000-9999
 * (outside them formatting clamps, and parsing refuses the year). */
static void check_parsed(int64_t t)
{
    int64_t lo = 0, hi = 0, again = 0;
    nx_error err;
    CHECK(nx_date_parse("1000-01-01T00:00:00Z", &lo, &err) == NEWSDEX_OK);
    CHECK(nx_date_parse("9999-12-31T23:59:59Z", &hi, &err) == NEWSDEX_OK);
    if (t < lo || t > hi)
        return;
    char iso[21];
    nx_date_format_iso(t, iso);
    CHECK(nx_date_parse(iso, &again, &err) == NEWSDEX_OK);
    CHECK(again == t);
}

static void check_bound(const char *text, size_t len)
{
    char lo[9], hi[9];
    nx_error err;
    newsdex_status a = nx_query_date_bound(text, len, 0, lo, &err);
    if (a != NEWSDEX_OK)
        CHECK(a == NEWSDEX_ERR_QUERY && err.message[0]);
    newsdex_status b = nx_query_date_bound(text, len, 1, hi, &err);
    if (b != NEWSDEX_OK)
        CHECK(b == NEWSDEX_ERR_QUERY && err.message[0]);
    CHECK((a == NEWSDEX_OK) == (b == NEWSDEX_OK));
    if (a == NEWSDEX_OK)
        CHECK(strlen(lo) == 8 && all_digits(lo, 8) && strlen(hi) == 8 && all_digits(hi, 8) &&
              strcmp(lo, hi) <= 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    int64_t t = 0;
    nx_error err;
    newsdex_status st = nx_date_parse(text, &t, &err);
    if (st == NEWSDEX_OK)
        check_parsed(t);
    else
        CHECK(st == NEWSDEX_ERR_INVALID && err.message[0]);
    check_bound(text, strlen(text));
    if (size >= sizeof t) {
        memcpy(&t, data, sizeof t); /* any time at all, extremes included */
        check_format(t);
    }
    free(text);
    return 0;
}
