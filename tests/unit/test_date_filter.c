/* Date ranges as filters (searcher/date_filter.c): a range becomes the
 * fewest year, month and day terms that cover it, or the date value's range
 * when that takes more than NX_DATE_FILTER_TERMS_MAX terms or an end is
 * open. Checked on the terms it chooses (explain) and, through the public
 * API, on the counts of an index with one article a day across two year
 * ends, a leap day and articles whose local date is a day before their UTC
 * date: every range must count exactly the articles dated in it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "newsdex.h"
#include "../../searcher/date_filter.h"
#include "scratch_dir.h"

#define FIRST_DAY 0 /* 1999-11-01 */
#define DAYS 520    /* to 2001-04-03 */

typedef struct day {
    int y, m, d;
} day;

typedef struct fixture {
    char dir[64];
    newsdex_db *db;
    int per_day[DAYS]; /* articles dated on each day (UTC) */
} fixture;

static int month_days(int y, int m)
{
    static const int n[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) ? 29 : n[m - 1];
}

static day day_at(int index)
{
    day t = {1999, 11, 1};
    for (int i = 0; i < index; i++) {
        if (++t.d > month_days(t.y, t.m)) {
            t.d = 1;
            if (++t.m > 12) {
                t.m = 1;
                t.y++;
            }
        }
    }
    return t;
}

static void put(newsdex_writer *w, const char *id, const char *date)
{
    newsdex_article a = {.id = id, .title = "Daily report", .body = "The daily report.",
                         .date = date};
    newsdex_put_outcome outcome;
    if (newsdex_writer_put(w, &a, &outcome) != NEWSDEX_OK)
        fail_msg("put %s: %s", id, newsdex_writer_last_error(w));
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || scratch_dir_make(f->dir, sizeof f->dir, "nx-datefilter") != 0)
        return -1;
    char path[96];
    snprintf(path, sizeof path, "%s/db", f->dir);
    newsdex_writer *w = NULL;
    if (newsdex_writer_open(path, &w, NULL) != NEWSDEX_OK)
        return -1;
    char id[32], date[40];
    for (int i = 0; i < DAYS; i++) {
        day t = day_at(i);
        snprintf(id, sizeof id, "noon-%d", i);
        snprintf(date, sizeof date, "%04d-%02d-%02dT12:00:00Z", t.y, t.m, t.d);
        put(w, id, date);
        f->per_day[i]++;
        /* 23:30 in New York on a month's last day is the next day in UTC. */
        if (t.d == month_days(t.y, t.m) && i + 1 < DAYS) {
            snprintf(id, sizeof id, "late-%d", i);
            snprintf(date, sizeof date, "%04d-%02d-%02dT23:30:00-05:00", t.y, t.m, t.d);
            put(w, id, date);
            f->per_day[i + 1]++;
        }
    }
    put(w, "undated", NULL);
    if (newsdex_writer_close(w) != NEWSDEX_OK || newsdex_db_open(path, &f->db, NULL) != NEWSDEX_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    newsdex_db_close(f->db);
    scratch_dir_remove(f->dir);
    free(f);
    return 0;
}

/* The Xapian query of "report" from..to. */
static char *explained(fixture *f, const char *from, const char *to)
{
    newsdex_search_options o;
    newsdex_search_options_init(&o);
    o.query = "report";
    o.from = from;
    o.to = to;
    char *tree = NULL, *xapian = NULL;
    assert_int_equal(newsdex_explain(f->db, &o, &tree, &xapian), NEWSDEX_OK);
    free(tree);
    return xapian;
}

static void test_terms_chosen(void **state)
{
    fixture *f = *state;
    const struct {
        const char *from, *to, *expect;
    } cases[] = {
        {"2000-01-01", "2000-12-31", "0 * Y2000)"},
        {"2000", "2000", "0 * Y2000)"},
        {"2000-02", "2000-02", "0 * M200002)"}, /* the leap month whole */
        {"2000-02-01", "2000-02-29", "0 * M200002)"},
        {"2000-02-27", "2000-03-02",
         "0 * (D20000227 OR D20000228 OR D20000229 OR D20000301 OR D20000302))"},
        {"1999-12", "2001-01", "0 * (M199912 OR Y2000 OR M200101))"},
        {"1999-12-31", "2000-02-01", "0 * (D19991231 OR M200001 OR D20000201))"},
        {"2001-03-05", "2001-03-05", "0 * D20010305)"},
        /* 17 + 1 + 20 terms: past the bound, the value's range. */
        {"1999-12-15", "2001-01-20", "VALUE_RANGE 0 19991215000000 20010120235959"},
        {"2000-03-01", NULL, "VALUE_GE 0 20000301000000"},
        {NULL, "2000-03-01", "VALUE_LE 0 20000301235959"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *x = explained(f, cases[i].from, cases[i].to);
        if (!strstr(x, cases[i].expect))
            fail_msg("%s..%s: expected [%s] in [%s]", cases[i].from ? cases[i].from : "",
                     cases[i].to ? cases[i].to : "", cases[i].expect, x);
        free(x);
    }
}

/* The filter of [lo, hi] as Xapian describes it (malloc'd). */
static char *described(const char *lo, const char *hi)
{
    nx_xquery *q = NULL;
    char *text = NULL;
    nx_error err = {0};
    assert_int_equal(nx_query_date_filter(lo, hi, &q, &err), NEWSDEX_OK);
    assert_int_equal(nx_xquery_describe(q, &text, &err), NEWSDEX_OK);
    nx_xquery_free(q);
    return text;
}

/* The bound, exactly: 16 day terms are terms, 17 are the value's range. */
static void test_term_bound(void **state)
{
    (void)state;
    char *text = described("20000303", "20000318");
    assert_non_null(strstr(text, "D20000318"));
    free(text);
    text = described("20000303", "20000319");
    assert_non_null(strstr(text, "VALUE_RANGE 0 20000303000000 20000319235959"));
    free(text);
    /* A range that ends before it starts matches nothing. */
    text = described("20000303", "20000302");
    assert_string_equal(text, "Query()");
    free(text);
}

static uint64_t total_of(fixture *f, const char *query, const char *from, const char *to)
{
    newsdex_search_options o;
    newsdex_search_options_init(&o);
    o.query = query;
    o.from = from;
    o.to = to;
    o.limit = 0;
    newsdex_results *r = NULL;
    if (newsdex_search(f->db, &o, &r) != NEWSDEX_OK)
        fail_msg("%s from %s to %s: %s", query, from, to, newsdex_db_last_error(f->db));
    assert_true(newsdex_results_total_exact(r));
    uint64_t n = newsdex_results_total(r);
    newsdex_results_free(r);
    return n;
}

/* Every range between interesting days (and pseudo-random ones), through
 * --from/--to and date:, against the articles dated in it. */
static void test_counts(void **state)
{
    fixture *f = *state;
    int marks[64], n_marks = 0;
    for (int i = 0; i < DAYS; i++) {
        day t = day_at(i);
        if (t.d == 1 || t.d == 2 || t.d == month_days(t.y, t.m) || (t.m == 2 && t.d == 28))
            if (n_marks < 60 && (t.y == 2000 || t.m <= 3 || t.m >= 11))
                marks[n_marks++] = i;
    }
    unsigned seed = 12345;
    for (int k = 0; k < 400; k++) {
        int a, b;
        if (k < n_marks * 4) {
            a = marks[k % n_marks];
            b = marks[(k * 7 + 3) % n_marks];
        } else {
            seed = seed * 1103515245u + 12345u;
            a = (int)((seed >> 8) % DAYS);
            seed = seed * 1103515245u + 12345u;
            b = (int)((seed >> 8) % DAYS);
        }
        if (a > b) {
            int t = a;
            a = b;
            b = t;
        }
        uint64_t expect = 0;
        for (int i = a; i <= b; i++)
            expect += (uint64_t)f->per_day[i];
        day lo = day_at(a), hi = day_at(b);
        char from[16], to[16], query[64];
        snprintf(from, sizeof from, "%04d-%02d-%02d", lo.y, lo.m, lo.d);
        snprintf(to, sizeof to, "%04d-%02d-%02d", hi.y, hi.m, hi.d);
        snprintf(query, sizeof query, "report date:%s..%s", from, to);
        uint64_t got = total_of(f, "report", from, to);
        uint64_t got_field = total_of(f, query, NULL, NULL);
        if (got != expect || got_field != expect)
            fail_msg("%s..%s: expected %llu, got %llu (options) and %llu (date:)", from, to,
                     (unsigned long long)expect, (unsigned long long)got,
                     (unsigned long long)got_field);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_terms_chosen),
        cmocka_unit_test(test_term_bound),
        cmocka_unit_test(test_counts),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
