/* Exact counts from match lists (engine/xapian/match_list.cc): every boolean
 * operator the query builder uses, nested, over an index whose documents'
 * terms and dates follow from their number, so that the expected matches
 * are computed here by brute force. Totals and per-year counts must agree
 * exactly, across the month map's chunk boundaries (512 documents), with a
 * match-list expression and without one (phrases), walked and counted by
 * the ranking pass alike. */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../engine/terms.h"
#include "../../engine/xapian/xcount.h"
#include "../../engine/xapian/xdb.h"
#include "../../engine/xapian/xsearch.h"
#include "scratch_dir.h"

enum { N_DOCS = 5000, FIRST_YEAR = 1990, N_YEARS = 11 };

/* Document i (docid i, 1-based) and what it holds. */
static int has(int i, char t)
{
    switch (t) {
    case 'a': return i % 2 == 0;
    case 'b': return i % 3 == 0;
    case 'c': return i % 5 == 0;
    case 'd': return i % 7 == 0;
    case 'e': return i <= 10 || i == 4097;
    case 'f': return i % 10 != 0; /* f and g: common, so that their ANDs are walked */
    case 'g': return i % 10 != 3 && i % 17 != 0;
    }
    return 0;
}
static int dated(int i) { return i % 13 != 0; }

/* Positioned words for phrases: i % 4 == 0 "p q", 1 "q p", 2 "p x q", 3 none;
 * i % 6 == 0 "r r", 1 "r x r". */
typedef struct posting {
    const char *term;
    uint32_t pos;
} posting;

static size_t postings_of(int i, posting *out)
{
    size_t n = 0;
    switch (i % 4) {
    case 0: out[n++] = (posting){"p", 1}; out[n++] = (posting){"q", 2}; break;
    case 1: out[n++] = (posting){"q", 1}; out[n++] = (posting){"p", 2}; break;
    case 2: out[n++] = (posting){"p", 1}; out[n++] = (posting){"x", 2}; out[n++] = (posting){"q", 3}; break;
    }
    if (i % 6 == 0) {
        out[n++] = (posting){"r", 10};
        out[n++] = (posting){"r", 11};
    } else if (i % 6 == 1) {
        out[n++] = (posting){"r", 10};
        out[n++] = (posting){"x", 11};
        out[n++] = (posting){"r", 12};
    }
    return n;
}
static int year_of(int i) { return FIRST_YEAR + i % N_YEARS; }

typedef struct fixture {
    char dir[64];
    nx_xdb *db;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    assert_int_equal(scratch_dir_make(f->dir, sizeof f->dir, "nx-matchlist"), 0);
    nx_error err;
    nx_error_clear(&err);
    nx_xdb *w = NULL;
    assert_int_equal(nx_xdb_open_writable(f->dir, &w, &err), NEWSDEX_OK);
    assert_int_equal(nx_xdb_begin_transaction(w, &err), NEWSDEX_OK);
    for (int i = 1; i <= N_DOCS; i++) {
        nx_xdoc *doc = NULL;
        char id[32], date[16];
        assert_int_equal(nx_xdoc_new(&doc, &err), NEWSDEX_OK);
        snprintf(id, sizeof id, "%sd%d", NX_PREFIX_ID, i);
        assert_int_equal(nx_xdoc_add_boolean_term(doc, id, &err), NEWSDEX_OK);
        for (const char *t = "abcdefg"; *t; t++)
            if (has(i, *t)) {
                char term[2] = {*t, '\0'};
                assert_int_equal(nx_xdoc_add_term(doc, term, 1, &err), NEWSDEX_OK);
            }
        posting ps[8];
        for (size_t k = 0, n = postings_of(i, ps); k < n; k++)
            assert_int_equal(nx_xdoc_add_posting(doc, ps[k].term, ps[k].pos, 1, &err), NEWSDEX_OK);
        if (dated(i)) {
            snprintf(date, sizeof date, "%d0615120000", year_of(i));
            assert_int_equal(nx_xdoc_set_value(doc, NX_SLOT_DATE, date, strlen(date), &err),
                             NEWSDEX_OK);
        }
        assert_int_equal(nx_xdb_replace(w, id, doc, &err), NEWSDEX_OK);
        nx_xdoc_free(doc);
    }
    assert_int_equal(nx_xdb_commit_transaction(w, &err), NEWSDEX_OK);
    assert_int_equal(nx_xdb_close(w, &err), NEWSDEX_OK);
    assert_int_equal(nx_xdb_open_readonly(f->dir, &f->db, &err), NEWSDEX_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    nx_error err;
    nx_xdb_close(f->db, &err);
    scratch_dir_remove(f->dir);
    free(f);
    return 0;
}

/* ---- Queries, and the same as predicates ---- */

static nx_xquery *t(const char *term)
{
    nx_error err;
    nx_xquery *q = NULL;
    assert_int_equal(nx_xquery_term(term, 1, 0, &q, &err), NEWSDEX_OK);
    return q;
}

/* Combines and frees the parts. */
static nx_xquery *op(nx_xquery_op o, nx_xquery *a, nx_xquery *b)
{
    nx_error err;
    nx_xquery *parts[2] = {a, b}, *q = NULL;
    assert_int_equal(nx_xquery_combine(o, parts, 2, 0, &q, &err), NEWSDEX_OK);
    nx_xquery_free(a);
    nx_xquery_free(b);
    return q;
}

static nx_xquery *years(int from, int to) /* 0: open */
{
    char lo[16], hi[16];
    snprintf(lo, sizeof lo, "%d0101000000", from);
    snprintf(hi, sizeof hi, "%d1231235959", to);
    nx_error err;
    nx_xquery *q = NULL;
    assert_int_equal(nx_xquery_value_range(NX_SLOT_DATE, from ? lo : NULL, to ? hi : NULL, &q, &err),
                     NEWSDEX_OK);
    return q;
}

static nx_xquery *all(void)
{
    nx_error err;
    nx_xquery *q = NULL;
    assert_int_equal(nx_xquery_match_all(&q, &err), NEWSDEX_OK);
    return q;
}

static nx_xquery *none(void)
{
    nx_error err;
    nx_xquery *q = NULL;
    assert_int_equal(nx_xquery_match_nothing(&q, &err), NEWSDEX_OK);
    return q;
}

static nx_xquery *scaled(nx_xquery *a, double by)
{
    nx_error err;
    nx_xquery *q = NULL;
    assert_int_equal(nx_xquery_scale(a, by, &q, &err), NEWSDEX_OK);
    nx_xquery_free(a);
    return q;
}

static int in_years(int i, int from, int to)
{
    return dated(i) && (!from || year_of(i) >= from) && (!to || year_of(i) <= to);
}

/* ---- Checking ---- */

/* Checks r's total and years against want_total and want. */
static void check_years(const char *name, const char *how, const nx_xresults *r,
                        uint64_t want_total, const uint64_t *want)
{
    if (nx_xresults_estimate(r) != want_total)
        fail_msg("%s (%s): %llu matches, not %llu", name, how,
                 (unsigned long long)nx_xresults_estimate(r), (unsigned long long)want_total);
    uint64_t got[N_YEARS] = {0};
    for (size_t k = 0; k < nx_xresults_values(r, 0); k++) {
        const char *v;
        size_t len;
        uint64_t n;
        nx_xresults_value(r, 0, k, &v, &len, &n);
        assert_int_equal(len, 4);
        int y = atoi(v) - FIRST_YEAR;
        assert_true(y >= 0 && y < N_YEARS);
        got[y] = n;
    }
    for (int y = 0; y < N_YEARS; y++)
        if (got[y] != want[y])
            fail_msg("%s (%s): %d has %llu, not %llu", name, how, FIRST_YEAR + y,
                     (unsigned long long)got[y], (unsigned long long)want[y]);
}

/* Counts q's matches by year, walked off the posting lists (when q can be
 * walked) and as a ranking pass sees them, and checks the totals and every
 * year against matches(i) over all documents. */
static void expect(fixture *f, const char *name, nx_xquery *q, int (*matches)(int))
{
    uint64_t want_total = 0, want[N_YEARS] = {0};
    for (int i = 1; i <= N_DOCS; i++)
        if (matches(i)) {
            want_total++;
            if (dated(i))
                want[year_of(i) - FIRST_YEAR]++;
        }
    nx_xcount count = {NX_PREFIX_YEAR, NX_SLOT_DATE, 4};
    nx_error err;
    nx_error_clear(&err);
    int walkable = 0, known = 0;
    double estimate = 0;
    if (nx_xdb_walk_estimate(f->db, q, &walkable, &estimate, &known, &err) != NEWSDEX_OK)
        fail_msg("%s: %s", name, err.message);
    nx_xresults *r = NULL;
    if (walkable) {
        if (nx_xdb_count_walk(f->db, q, &count, 1, NULL, &r, &err) != NEWSDEX_OK)
            fail_msg("%s: %s", name, err.message);
        assert_non_null(r);
        check_years(name, "walked", r, want_total, want);
        nx_xresults_free(r);
        r = NULL;
    }
    nx_xrank_params p = {.offset = 0, .limit = 10,
                         .bm25 = {.k1 = 1, .k2 = 0, .k3 = 1, .b = 0.5, .min_normlen = 0.5},
                         .order = NX_XORDER_RELEVANCE, .date_slot = NX_SLOT_DATE,
                         .counts = &count, .n_counts = 1};
    int settled = 0;
    if (nx_xdb_rank(f->db, q, &p, &r, &settled, &err) != NEWSDEX_OK)
        fail_msg("%s: %s", name, err.message);
    assert_true(settled);
    check_years(name, "ranked", r, want_total, want);
    assert_true(nx_xresults_count(r) <= 10 && nx_xresults_count(r) <= want_total);
    nx_xresults_free(r);
    r = NULL;
    /* A pass that counts nothing and may stop early: a total it calls
     * exact is the true one, and one term's always is. */
    p.counts = NULL;
    p.n_counts = 0;
    if (nx_xdb_rank(f->db, q, &p, &r, &settled, &err) != NEWSDEX_OK)
        fail_msg("%s: %s", name, err.message);
    if (nx_xresults_total_exact(r) && nx_xresults_estimate(r) != want_total)
        fail_msg("%s: an early-stopping pass says exactly %" PRIu64 " matches, not %" PRIu64,
                 name, nx_xresults_estimate(r), want_total);
    if (known)
        assert_true(nx_xresults_total_exact(r));
    nx_xresults_free(r);
    nx_xquery_free(q);
}

static int m_and(int i) { return has(i, 'a') && has(i, 'b'); }
static int m_or(int i) { return has(i, 'a') || has(i, 'c'); }
static int m_and_not(int i) { return has(i, 'a') && !has(i, 'b'); }
static int m_or_not_or(int i) { return (has(i, 'a') || has(i, 'b')) && !(has(i, 'c') || has(i, 'd')); }
static int m_filter_range(int i) { return has(i, 'a') && in_years(i, 1995, 1998); }
static int m_range_ge(int i) { return in_years(i, 1996, 0); }
static int m_range_le_not(int i) { return in_years(i, 0, 1992) && !has(i, 'd'); }
static int m_all_not(int i) { return !has(i, 'a'); }
static int m_maybe(int i) { return has(i, 'e'); }
static int m_nested(int i)
{
    return (has(i, 'a') && has(i, 'b')) || (has(i, 'c') && has(i, 'd')) || has(i, 'e');
}
static int m_b(int i) { return has(i, 'b'); }
static int m_nothing(int i) { (void)i; return 0; }
static int m_scaled(int i) { return (has(i, 'a') || has(i, 'b')) && has(i, 'c'); }
static int m_c(int i) { return has(i, 'c'); }
static int m_narrow(int i) { return in_years(i, 1993, 1993) && has(i, 'a') && has(i, 'b') && has(i, 'c'); }
static int m_not_range(int i) { return has(i, 'd') && !in_years(i, 1991, 1999); }
static int m_fg(int i) { return has(i, 'f') && has(i, 'g'); }
static int m_fgb(int i) { return has(i, 'f') && has(i, 'g') && has(i, 'b'); }
static int m_fg_not_a(int i) { return has(i, 'f') && has(i, 'g') && !has(i, 'a'); }
static int m_f_or_ga(int i) { return has(i, 'f') || (has(i, 'g') && has(i, 'a')); }
static int m_pq(int i) { return i % 4 == 0; }
static int m_qp_or_b(int i) { return i % 4 == 1 || has(i, 'b'); }
static int m_rr_not_pq(int i) { return i % 6 == 0 && i % 4 != 0; }
static int m_pq_and_a_in(int i) { return i % 4 == 0 && has(i, 'c') && in_years(i, 1994, 1997); }

static nx_xquery *phrase2(const char *a, const char *b)
{
    return op(NX_XQ_PHRASE, t(a), t(b));
}

static nx_xquery *phrase3(const char *a, const char *b, const char *c)
{
    nx_error err;
    nx_xquery *parts[3] = {t(a), t(b), t(c)}, *q = NULL;
    assert_int_equal(nx_xquery_combine(NX_XQ_PHRASE, parts, 3, 0, &q, &err), NEWSDEX_OK);
    for (int i = 0; i < 3; i++)
        nx_xquery_free(parts[i]);
    return q;
}

static int m_pxq(int i) { return i % 4 == 2; }
static int m_rxr(int i) { return i % 6 == 1; }

static void test_operators(void **state)
{
    fixture *f = *state;
    expect(f, "a AND b", op(NX_XQ_AND, t("a"), t("b")), m_and);
    expect(f, "a OR c", op(NX_XQ_OR, t("a"), t("c")), m_or);
    expect(f, "a AND_NOT b", op(NX_XQ_AND_NOT, t("a"), t("b")), m_and_not);
    expect(f, "(a OR b) AND_NOT (c OR d)",
           op(NX_XQ_AND_NOT, op(NX_XQ_OR, t("a"), t("b")), op(NX_XQ_OR, t("c"), t("d"))),
           m_or_not_or);
    expect(f, "a FILTER 1995..1998", op(NX_XQ_FILTER, t("a"), years(1995, 1998)), m_filter_range);
    expect(f, ">= 1996", years(1996, 0), m_range_ge);
    expect(f, "<= 1992 AND_NOT d", op(NX_XQ_AND_NOT, years(0, 1992), t("d")), m_range_le_not);
    expect(f, "all AND_NOT a", op(NX_XQ_AND_NOT, all(), t("a")), m_all_not);
    expect(f, "e AND_MAYBE a", op(NX_XQ_AND_MAYBE, t("e"), t("a")), m_maybe);
    expect(f, "(a AND b) OR (c AND d) OR e",
           op(NX_XQ_OR, op(NX_XQ_OR, op(NX_XQ_AND, t("a"), t("b")), op(NX_XQ_AND, t("c"), t("d"))),
              t("e")),
           m_nested);
    expect(f, "nothing OR b", op(NX_XQ_OR, none(), t("b")), m_b);
    expect(f, "b alone", t("b"), m_b);
    expect(f, "a AND nothing", op(NX_XQ_AND, t("a"), none()), m_nothing);
    expect(f, "0 * (a OR b) AND c", op(NX_XQ_AND, scaled(op(NX_XQ_OR, t("a"), t("b")), 0), t("c")),
           m_scaled);
    expect(f, "absent OR c", op(NX_XQ_OR, t("zz"), t("c")), m_c);
    expect(f, "1993 AND a AND b AND c",
           op(NX_XQ_AND, op(NX_XQ_AND, years(1993, 1993), t("a")), op(NX_XQ_AND, t("b"), t("c"))),
           m_narrow);
    expect(f, "d AND_NOT 1991..1999", op(NX_XQ_AND_NOT, t("d"), years(1991, 1999)), m_not_range);
    /* Common words: many matches expected, so these are walked. */
    expect(f, "f AND g", op(NX_XQ_AND, t("f"), t("g")), m_fg);
    expect(f, "f AND g AND b", op(NX_XQ_AND, op(NX_XQ_AND, t("g"), t("f")), t("b")), m_fgb);
    expect(f, "(f AND g) AND_NOT a", op(NX_XQ_AND_NOT, op(NX_XQ_AND, t("f"), t("g")), t("a")),
           m_fg_not_a);
    expect(f, "f OR (g AND a)", op(NX_XQ_OR, t("f"), op(NX_XQ_AND, t("g"), t("a"))), m_f_or_ga);
}

/* Exact phrases (in order, adjacent, a word repeated) have no match-list
 * expression: such queries, and those that hold one, count through the
 * matcher, as exactly.
 * (Reading positions per candidate here cost four times the matcher's
 * way on a broad phrase, so phrases stay with it.) */
static void test_phrases(void **state)
{
    fixture *f = *state;
    expect(f, "\"p q\"", phrase2("p", "q"), m_pq);
    expect(f, "\"q p\" OR b", op(NX_XQ_OR, phrase2("q", "p"), t("b")), m_qp_or_b);
    expect(f, "\"r r\" AND_NOT \"p q\"", op(NX_XQ_AND_NOT, phrase2("r", "r"), phrase2("p", "q")),
           m_rr_not_pq);
    expect(f, "\"p x q\"", phrase3("p", "x", "q"), m_pxq);
    expect(f, "\"r x r\"", phrase3("r", "x", "r"), m_rxr);
    expect(f, "\"p q\" AND c FILTER 1994..1997",
           op(NX_XQ_FILTER, op(NX_XQ_AND, phrase2("p", "q"), t("c")), years(1994, 1997)),
           m_pq_and_a_in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_operators),
        cmocka_unit_test(test_phrases),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
