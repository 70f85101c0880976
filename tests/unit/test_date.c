/* Unit tests for engine/date.c: parsing, errors, formatting, round trips. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../engine/date.h"

#define T_2024_01_10 INT64_C(1704844800)

typedef struct valid_case {
    const char *text;
    int64_t epoch;
} valid_case;

static const valid_case valid_cases[] = {
    {"1970-01-01", 0},
    {"2024-01-10", T_2024_01_10},
    {"2000-02-29", INT64_C(951782400)},       /* divisible by 400: leap */
    {"2024-02-29", INT64_C(1709164800)},      /* divisible by 4: leap */
    {"1900-03-01", INT64_C(-2203891200)},     /* before the epoch */
    {"1000-01-01", INT64_C(-30610224000)},    /* smallest year */
    {"9999-12-31T23:59:59", INT64_C(253402300799)},
    {"1969-12-31T23:59:59Z", -1},
    {"2024-01-10T12:34", T_2024_01_10 + 45240},
    {"2024-01-10T12:34:56", T_2024_01_10 + 45296},
    {"2024-01-10 12:34:56", T_2024_01_10 + 45296},
    {"2024-01-10t12:34:56", T_2024_01_10 + 45296},
    {"2024-01-10T12:34:56.789", T_2024_01_10 + 45296},
    {"2024-01-10T12:34:56.1Z", T_2024_01_10 + 45296},
    {"2024-01-10T12:34:56.123456789z", T_2024_01_10 + 45296},
    {"2024-01-10T12:34Z", T_2024_01_10 + 45240},
    {"2024-01-10T12:00:00+02:00", T_2024_01_10 + 36000},
    {"2024-01-10T12:00:00-05:30", T_2024_01_10 + 63000},
    {"2024-01-10T12:00+0530", T_2024_01_10 + 23400},
    {"2024-01-10T12:00+05", T_2024_01_10 + 25200},
    {"2024-01-10T12:00-00:00", T_2024_01_10 + 43200},
    {"2024-01-10T00:30+01:00", T_2024_01_10 - 1800}, /* crosses back a day */
    {"  2024-01-10  ", T_2024_01_10},
    {"\t2024-01-10T00:00Z\r\n", T_2024_01_10},
};

typedef struct invalid_case {
    const char *text;
    const char *message; /* expected fragment of the error message */
} invalid_case;

static const invalid_case invalid_cases[] = {
    {"2024-13-01", "date \"2024-13-01\": month out of range"},
    {"2024-00-10", "month out of range"},
    {"2023-02-29", "date \"2023-02-29\": day out of range"},
    {"1900-02-29", "day out of range"}, /* divisible by 100, not 400 */
    {"2024-04-31", "day out of range"},
    {"2024-01-00", "day out of range"},
    {"2024-01-32", "day out of range"},
    {"yesterday", "date \"yesterday\": expected YYYY-MM-DD"},
    {"", "expected YYYY-MM-DD"},
    {"   ", "expected YYYY-MM-DD"},
    {"2024-1-5", "expected YYYY-MM-DD"},
    {"2024/01/10", "expected YYYY-MM-DD"},
    {"20240110", "expected YYYY-MM-DD"},
    {"+2024-01-10", "expected YYYY-MM-DD"},
    {"0999-12-31", "year out of range"},
    {"0000-01-01", "year out of range"},
    {"2024-01-10T25:00", "date \"2024-01-10T25:00\": hour out of range"},
    {"2024-01-10T24:00", "hour out of range"},
    {"2024-01-10T12:60", "minute out of range"},
    {"2016-12-31T23:59:60Z", "second out of range"}, /* leap second */
    {"2024-01-10x", "unexpected text after date"},
    {"2024-01-10Z", "unexpected text after date"},
    {"2024-01-10  12:00", "expected time HH:MM after date"},
    {"2024-01-10T", "expected time HH:MM after date"},
    {"2024-01-10T12", "expected time HH:MM after date"},
    {"2024-01-10T1:00", "expected time HH:MM after date"},
    {"2024-01-10T12:00:", "expected seconds SS after HH:MM:"},
    {"2024-01-10T12:00:5", "expected seconds SS after HH:MM:"},
    {"2024-01-10T12:00:00.", "expected digits after \".\""},
    {"2024-01-10T12:00:00.Z", "expected digits after \".\""},
    {"2024-01-10T12:00.5", "unexpected text after time"},
    {"2024-01-10T12:00:00Zjunk", "unexpected text after time"},
    {"2024-01-10T12:00:00+05:30:00", "unexpected text after time"},
    {"2024-01-10T12:00+053", "unexpected text after time"},
    {"2024-01-10T12:00 Z", "unexpected text after time"},
    {"2024-01-10T12:00+5", "expected time zone +HH:MM"},
    {"2024-01-10T12:00+05:3", "expected time zone +HH:MM"},
    {"2024-01-10T12:00+24:00", "time zone out of range"},
    {"2024-01-10T12:00+05:60", "time zone out of range"},
};

static void test_valid(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof valid_cases / sizeof valid_cases[0]; i++) {
        nx_error err;
        nx_error_clear(&err);
        int64_t t = 12345;
        newsdex_status st = nx_date_parse(valid_cases[i].text, &t, &err);
        if (st != NEWSDEX_OK || t != valid_cases[i].epoch)
            fail_msg("case %zu \"%s\": status %d epoch %lld (want %lld): %s", i,
                     valid_cases[i].text, (int)st, (long long)t,
                     (long long)valid_cases[i].epoch, err.message);
    }
}

static void test_invalid(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof invalid_cases / sizeof invalid_cases[0]; i++) {
        nx_error err;
        nx_error_clear(&err);
        int64_t t = 12345;
        newsdex_status st = nx_date_parse(invalid_cases[i].text, &t, &err);
        if (st != NEWSDEX_ERR_INVALID || err.status != NEWSDEX_ERR_INVALID ||
            !strstr(err.message, invalid_cases[i].message))
            fail_msg("case %zu \"%s\": status %d, message '%s' (want '%s')", i,
                     invalid_cases[i].text, (int)st, err.message, invalid_cases[i].message);
        assert_int_equal(t, 12345); /* output untouched on failure */
    }
}

static void test_null_and_no_output(void **state)
{
    (void)state;
    nx_error err;
    assert_int_equal(nx_date_parse(NULL, NULL, &err), NEWSDEX_ERR_INVALID);
    assert_int_equal(nx_date_parse("2024-01-10", NULL, NULL), NEWSDEX_OK);
    assert_int_equal(nx_date_parse("garbage", NULL, NULL), NEWSDEX_ERR_INVALID);
}

static void test_long_input_is_cut_in_message(void **state)
{
    (void)state;
    char text[1000];
    memset(text, 'x', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    nx_error err;
    assert_int_equal(nx_date_parse(text, NULL, &err), NEWSDEX_ERR_INVALID);
    assert_non_null(strstr(err.message, "...\": expected YYYY-MM-DD"));
    assert_true(strlen(err.message) < 120);
}

typedef struct format_case {
    int64_t epoch;
    const char *day, *iso;
    int year, month, dayno;
} format_case;

static const format_case format_cases[] = {
    {0, "1970-01-01", "1970-01-01T00:00:00Z", 1970, 1, 1},
    {-1, "1969-12-31", "1969-12-31T23:59:59Z", 1969, 12, 31},
    {T_2024_01_10 + 45296, "2024-01-10", "2024-01-10T12:34:56Z", 2024, 1, 10},
    {INT64_C(951782400), "2000-02-29", "2000-02-29T00:00:00Z", 2000, 2, 29},
    {INT64_C(-30610224000), "1000-01-01", "1000-01-01T00:00:00Z", 1000, 1, 1},
    {INT64_C(253402300799), "9999-12-31", "9999-12-31T23:59:59Z", 9999, 12, 31},
    /* out of range: clamped to four-digit years */
    {INT64_MAX, "9999-12-31", "9999-12-31T23:59:59Z", 9999, 12, 31},
    {INT64_MIN, "0000-01-01", "0000-01-01T00:00:00Z", 0, 1, 1},
};

static void test_format(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof format_cases / sizeof format_cases[0]; i++) {
        const format_case *c = &format_cases[i];
        char day[11], iso[21];
        int y, m, d;
        nx_date_format_day(c->epoch, day);
        nx_date_format_iso(c->epoch, iso);
        nx_date_split(c->epoch, &y, &m, &d);
        assert_string_equal(day, c->day);
        assert_string_equal(iso, c->iso);
        assert_int_equal(y, c->year);
        assert_int_equal(m, c->month);
        assert_int_equal(d, c->dayno);
    }
    nx_date_split(0, NULL, NULL, NULL); /* NULL outputs are allowed */
}

/* Every day from 1000-01-01 to 9999-12-31: format, parse back, compare. This
 * also checks the leap-year rule against consecutive day numbers. */
static void test_round_trip_every_day(void **state)
{
    (void)state;
    int64_t first = INT64_C(-30610224000), last = INT64_C(253402300799);
    int64_t expect = first;
    long days = 0, feb29 = 0;
    for (int64_t t = first; t <= last; t += 86400, expect += 86400, days++) {
        char day[11];
        int64_t back;
        nx_date_format_day(t, day);
        if (nx_date_parse(day, &back, NULL) != NEWSDEX_OK || back != expect)
            fail_msg("round trip failed at %s", day);
        feb29 += strcmp(day + 4, "-02-29") == 0;
    }
    /* 9000 years: 2250 multiples of 4, minus 90 centuries, plus 22 of 400 */
    assert_int_equal(feb29, 2250 - 90 + 22);
    assert_int_equal(days, 9000L * 365 + feb29);
}

static void test_round_trip_iso(void **state)
{
    (void)state;
    static const char *const texts[] = {"2024-01-10T12:34:56Z", "1999-12-31T23:59:59Z",
                                        "2000-01-01T00:00:00Z", "1066-10-14T09:00:00Z"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        int64_t t;
        char iso[21];
        assert_int_equal(nx_date_parse(texts[i], &t, NULL), NEWSDEX_OK);
        nx_date_format_iso(t, iso);
        assert_string_equal(iso, texts[i]);
    }
    int64_t t;
    char iso[21];
    assert_int_equal(nx_date_parse("2024-01-01T01:00+02:00", &t, NULL), NEWSDEX_OK);
    nx_date_format_iso(t, iso);
    assert_string_equal(iso, "2023-12-31T23:00:00Z");
}

/* Article dates: every form nx_date_parse() reads, and those feeds write. */
static void test_article_forms(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof valid_cases / sizeof valid_cases[0]; i++) {
        int64_t t = 0;
        assert_int_equal(nx_date_parse_article(valid_cases[i].text, &t, NULL), NEWSDEX_OK);
        assert_true(t == valid_cases[i].epoch);
    }
    static const valid_case forms[] = {
        {"2024", INT64_C(1704067200)},
        {"2024-01", INT64_C(1704067200)},
        {"2024-02", INT64_C(1706745600)},
        {"Wed, 10 Jan 2024 14:03:00 GMT", T_2024_01_10 + 50580},
        {"Wed, 10 Jan 2024 14:03:00 +0100", T_2024_01_10 + 46980},
        {"Wed, 10 Jan 2024 14:03 EST", T_2024_01_10 + 68580},
        {"10 Jan 2024 14:03:00 UT", T_2024_01_10 + 50580},
        {"10 January 2024", T_2024_01_10},
        {"10 january 2024", T_2024_01_10},
        {"Wednesday, 10 January 2024", T_2024_01_10},
        {"January 10, 2024", T_2024_01_10},
        {"Jan 10 2024", T_2024_01_10},
        {"January 2024", INT64_C(1704067200)},
        {"Sept 1, 2024", INT64_C(1725148800)},
        {"25/12/2008", INT64_C(1230163200)},
        {"12/25/2008", INT64_C(1230163200)},
        {"04/04/2008", INT64_C(1207267200)},
    };
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        int64_t t = 0;
        nx_error err;
        nx_error_clear(&err);
        if (nx_date_parse_article(forms[i].text, &t, &err) != NEWSDEX_OK)
            fail_msg("\"%s\": %s", forms[i].text, err.message);
        if (t != forms[i].epoch)
            fail_msg("\"%s\": got %lld", forms[i].text, (long long)t);
    }
}

static void test_article_refusals(void **state)
{
    (void)state;
    static const invalid_case cases[] = {
        {"03/04/2008", "date \"03/04/2008\": ambiguous: day and month"},
        {"3.4.2008", "ambiguous"},
        {"2024-13", "month out of range"},
        {"999", "expected a month name"},
        {"31 February 2024", "day out of range"},
        {"Wed, 10 Foo 2024", "expected a month name"},
        {"January", "expected a day"},
        {"10 Jan 24", "four-digit year"},
        {"10 Jan 2024 14:03 XYZ", "unknown time zone"},
        {"10 Jan 2024 25:00", "hour out of range"},
        {"yesterday", "not a date form newsdex reads"},
        {"2024-01-10 junk", "expected time"},
        {"", "not a date form"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t t = 0;
        nx_error err;
        nx_error_clear(&err);
        if (nx_date_parse_article(cases[i].text, &t, &err) != NEWSDEX_ERR_INVALID)
            fail_msg("\"%s\" accepted", cases[i].text);
        if (!strstr(err.message, cases[i].message))
            fail_msg("\"%s\": message \"%s\" lacks \"%s\"", cases[i].text, err.message,
                     cases[i].message);
    }
    assert_int_equal(nx_date_parse_article(NULL, NULL, NULL), NEWSDEX_ERR_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_null_and_no_output),
        cmocka_unit_test(test_long_input_is_cut_in_message),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_round_trip_every_day),
        cmocka_unit_test(test_round_trip_iso),
        cmocka_unit_test(test_article_forms),
        cmocka_unit_test(test_article_refusals),
    };
    return cmocka_run_group_tests_name("date", tests, NULL, NULL);
}
