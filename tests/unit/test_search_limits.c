/* Limits on the work of a search (newsdex_db_limit) through the public API:
 * each limit, when a search goes over it, gives NEWSDEX_ERR_LIMIT with a
 * message naming the limit and its value; raising the limit lets the same
 * search run; the defaults stop a pathological query. No wall-clock
 * timings are asserted: the time limit is tested with 1 ms against a
 * query that does far more work than that. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "newsdex.h"
#include "scratch_dir.h"

/* Article i has the words common, kw<i>a..kw<i>d and, for even i, "red fox"
 * (a phrase: counted through the matcher, not the match lists). */
#define N_ARTICLES 2000

typedef struct fixture {
    char dir[64];
    newsdex_db *db;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    assert_int_equal(scratch_dir_make(f->dir, sizeof f->dir, "nx-limits"), 0);
    newsdex_writer *w = NULL;
    assert_int_equal(newsdex_writer_open(f->dir, &w, NULL), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_set_batch_size(w, 0), NEWSDEX_OK);
    for (int i = 0; i < N_ARTICLES; i++) {
        char id[32], title[64], body[256], date[16];
        snprintf(id, sizeof id, "a%d", i);
        snprintf(title, sizeof title, "Item %d", i);
        snprintf(body, sizeof body, "common kw%da kw%db kw%dc kw%dd%s", i, i, i, i,
                 i % 2 ? "" : " the red fox ran");
        snprintf(date, sizeof date, "%04d-%02d-01", 1990 + i % 30, 1 + i % 12);
        const char *topic[1] = {i % 3 ? "grain" : "crude"};
        newsdex_list_field topics = {"topics", topic, 1};
        newsdex_article a = {.id = id, .title = title, .body = body, .date = date,
                             .source = i % 2 ? "Wire" : "Post", .lists = &topics, .n_lists = 1};
        if (newsdex_writer_put(w, &a, NULL) != NEWSDEX_OK)
            fail_msg("put %s: %s", id, newsdex_writer_last_error(w));
    }
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
    assert_int_equal(newsdex_db_open(f->dir, &f->db, NULL), NEWSDEX_OK);
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

static newsdex_search_options options(const char *query)
{
    newsdex_search_options o;
    newsdex_search_options_init(&o);
    o.query = query;
    return o;
}

/* Runs o: its status, and the message when it failed. */
static newsdex_status run(fixture *f, const newsdex_search_options *o, uint64_t *total)
{
    newsdex_results *r = NULL;
    newsdex_status st = newsdex_search(f->db, o, &r);
    if (st == NEWSDEX_OK && total)
        *total = newsdex_results_total_estimate(r);
    assert_true(st == NEWSDEX_OK ? r != NULL : r == NULL);
    newsdex_results_free(r);
    return st;
}

static void expect_limit(fixture *f, const newsdex_search_options *o, const char *named)
{
    newsdex_status st = run(f, o, NULL);
    if (st != NEWSDEX_ERR_LIMIT)
        fail_msg("[%.60s]: expected NEWSDEX_ERR_LIMIT naming %s, got %d (%s)", o->query, named,
                 st, newsdex_db_last_error(f->db));
    if (!strstr(newsdex_db_last_error(f->db), named))
        fail_msg("[%.60s]: the message \"%s\" does not name %s", o->query,
                 newsdex_db_last_error(f->db), named);
}

static void expect_ok(fixture *f, const newsdex_search_options *o)
{
    newsdex_status st = run(f, o, NULL);
    if (st != NEWSDEX_OK)
        fail_msg("[%.60s]: %s", o->query, newsdex_db_last_error(f->db));
}

/* A query of 90 wildcards kw10* .. kw99*: each expands to 444 terms here
 * (kw10a, kw100a..kw109d, kw1000a..kw1099d), about 40,000 in all. */
static char *many_wildcards(void)
{
    char *q = malloc(90 * 10 + 1); /* " OR kwNN*" */
    assert_non_null(q);
    q[0] = '\0';
    for (int i = 10; i < 100; i++)
        sprintf(q + strlen(q), "%skw%d*", i > 10 ? " OR " : "", i);
    return q;
}

static void test_status_and_accessor(void **state)
{
    fixture *f = *state;
    assert_string_equal(newsdex_status_to_string(NEWSDEX_ERR_LIMIT), "search went over a limit");
    assert_int_equal(NEWSDEX_ERR_LIMIT, 14);
    assert_int_equal(newsdex_db_limit(f->db, NEWSDEX_LIMIT_TIME_MS, -1),
                     NEWSDEX_LIMIT_TIME_MS_DEFAULT);
    assert_int_equal(newsdex_db_limit(f->db, NEWSDEX_LIMIT_WILDCARD_TERMS, -1),
                     NEWSDEX_LIMIT_WILDCARD_TERMS_DEFAULT);
    assert_int_equal(newsdex_db_limit(f->db, NEWSDEX_LIMIT_COUNTED_MATCHES, -1),
                     NEWSDEX_LIMIT_COUNTED_MATCHES_DEFAULT);
    assert_int_equal(newsdex_db_limit(f->db, NEWSDEX_LIMIT_QUERY_TERMS, -1),
                     NEWSDEX_LIMIT_QUERY_TERMS_DEFAULT);
    assert_int_equal(newsdex_db_limit(f->db, NEWSDEX_LIMIT_DEPTH, -1), NEWSDEX_LIMIT_DEPTH_DEFAULT);
    /* Setting returns the previous value; a negative value only reads. */
    assert_int_equal(newsdex_db_limit(f->db, NEWSDEX_LIMIT_DEPTH, 77), NEWSDEX_LIMIT_DEPTH_DEFAULT);
    assert_int_equal(newsdex_db_limit(f->db, NEWSDEX_LIMIT_DEPTH, -5), 77);
    assert_int_equal(newsdex_db_limit(f->db, NEWSDEX_LIMIT_DEPTH, NEWSDEX_LIMIT_DEPTH_DEFAULT), 77);
    /* Not a limit, or no handle: -1 and nothing set. */
    assert_int_equal(newsdex_db_limit(f->db, (newsdex_limit)NEWSDEX_LIMITS, 5), -1);
    assert_int_equal(newsdex_db_limit(f->db, (newsdex_limit)-1, 5), -1);
    assert_int_equal(newsdex_db_limit(NULL, NEWSDEX_LIMIT_TIME_MS, 5), -1);
}

static void test_wildcard_terms(void **state)
{
    fixture *f = *state;
    newsdex_search_options o = options("kw12*"); /* kw12a..d, kw120a..kw129d, kw1200a..kw1299d */
    newsdex_db_limit(f->db, NEWSDEX_LIMIT_WILDCARD_TERMS, 100);
    expect_limit(f, &o, "NEWSDEX_LIMIT_WILDCARD_TERMS (100");
    newsdex_db_limit(f->db, NEWSDEX_LIMIT_WILDCARD_TERMS, 444);
    expect_ok(f, &o);
    /* The wildcards of a query count together. */
    o.query = "kw12* OR kw13*";
    expect_limit(f, &o, "NEWSDEX_LIMIT_WILDCARD_TERMS (444");
    newsdex_db_limit(f->db, NEWSDEX_LIMIT_WILDCARD_TERMS, 888);
    expect_ok(f, &o);
    /* explain and similar run under the same limits. */
    newsdex_db_limit(f->db, NEWSDEX_LIMIT_WILDCARD_TERMS, 10);
    char *tree = NULL, *xq = NULL;
    assert_int_equal(newsdex_explain(f->db, &o, &tree, &xq), NEWSDEX_ERR_LIMIT);
    assert_null(tree);
    assert_null(xq);
    newsdex_db_limit(f->db, NEWSDEX_LIMIT_WILDCARD_TERMS, NEWSDEX_LIMIT_WILDCARD_TERMS_DEFAULT);
}

static void test_query_terms(void **state)
{
    fixture *f = *state;
    newsdex_search_options o = options("common kw5a \"red fox\"");
    newsdex_db_limit(f->db, NEWSDEX_LIMIT_QUERY_TERMS, 3);
    expect_limit(f, &o, "NEWSDEX_LIMIT_QUERY_TERMS (3");
    newsdex_db_limit(f->db, NEWSDEX_LIMIT_QUERY_TERMS, 4);
    expect_ok(f, &o);
    newsdex_db_limit(f->db, NEWSDEX_LIMIT_QUERY_TERMS, NEWSDEX_LIMIT_QUERY_TERMS_DEFAULT);
}

static void test_counted_matches(void **state)
{
    fixture *f = *state;
    uint64_t total = 0;
    /* "common" (every article: counted off the posting lists) and a phrase
     * (1000 articles: counted by the matcher) with facets or a histogram. */
    const char *queries[] = {"common", "\"red fox\""};
    const uint64_t matches[] = {N_ARTICLES, N_ARTICLES / 2};
    for (int q = 0; q < 2; q++) {
        for (int how = 0; how < 2; how++) {
            newsdex_search_options o = options(queries[q]);
            o.facets = how == 0;
            o.histogram = how == 1 ? NEWSDEX_HISTOGRAM_MONTH : NEWSDEX_HISTOGRAM_NONE;
            newsdex_db_limit(f->db, NEWSDEX_LIMIT_COUNTED_MATCHES, 500);
            expect_limit(f, &o, "NEWSDEX_LIMIT_COUNTED_MATCHES (500");
            /* Exactly as many as may be counted is fine, and exact. */
            newsdex_db_limit(f->db, NEWSDEX_LIMIT_COUNTED_MATCHES, (int64_t)matches[q]);
            assert_int_equal(run(f, &o, &total), NEWSDEX_OK);
            assert_int_equal(total, matches[q]);
            newsdex_db_limit(f->db, NEWSDEX_LIMIT_COUNTED_MATCHES, (int64_t)matches[q] - 1);
            expect_limit(f, &o, "NEWSDEX_LIMIT_COUNTED_MATCHES");
        }
        /* Without counts nothing is counted: no limit to go over. */
        newsdex_search_options plain = options(queries[q]);
        newsdex_db_limit(f->db, NEWSDEX_LIMIT_COUNTED_MATCHES, 10);
        expect_ok(f, &plain);
    }
    /* newsdex_similar counts under the same limit. */
    newsdex_search_options o = options(NULL);
    o.facets = 1;
    newsdex_results *r = NULL;
    newsdex_db_limit(f->db, NEWSDEX_LIMIT_COUNTED_MATCHES, 1);
    /* a2's telling words are red and fox: 1000 articles are like it. */
    assert_int_equal(newsdex_similar(f->db, "a2", &o, &r), NEWSDEX_ERR_LIMIT);
    assert_null(r);
    assert_non_null(strstr(newsdex_db_last_error(f->db), "NEWSDEX_LIMIT_COUNTED_MATCHES (1 "));
    newsdex_db_limit(f->db, NEWSDEX_LIMIT_COUNTED_MATCHES, 1000);
    assert_int_equal(newsdex_similar(f->db, "a2", &o, &r), NEWSDEX_OK);
    assert_true(newsdex_results_total_estimate(r) > 1);
    newsdex_results_free(r);
    newsdex_db_limit(f->db, NEWSDEX_LIMIT_COUNTED_MATCHES, NEWSDEX_LIMIT_COUNTED_MATCHES_DEFAULT);
}

static void test_depth(void **state)
{
    fixture *f = *state;
    newsdex_search_options o = options("common");
    o.offset = 45;
    o.limit = 10;
    newsdex_db_limit(f->db, NEWSDEX_LIMIT_DEPTH, 50);
    expect_limit(f, &o, "NEWSDEX_LIMIT_DEPTH (50)");
    o.offset = 40;
    expect_ok(f, &o);
    newsdex_db_limit(f->db, NEWSDEX_LIMIT_DEPTH, NEWSDEX_LIMIT_DEPTH_DEFAULT);
}

static void test_time(void **state)
{
    fixture *f = *state;
    char *q = many_wildcards();
    newsdex_search_options o = options(q);
    o.facets = 1;
    o.histogram = NEWSDEX_HISTOGRAM_MONTH;
    o.sort = NEWSDEX_SORT_RECENT;
    o.limit = 1000;
    newsdex_db_limit(f->db, NEWSDEX_LIMIT_WILDCARD_TERMS, 0); /* only time holds it */
    newsdex_db_limit(f->db, NEWSDEX_LIMIT_TIME_MS, 1);
    expect_limit(f, &o, "NEWSDEX_LIMIT_TIME_MS (1 ms)");
    newsdex_db_limit(f->db, NEWSDEX_LIMIT_TIME_MS, 0); /* off */
    expect_ok(f, &o);
    newsdex_db_limit(f->db, NEWSDEX_LIMIT_TIME_MS, NEWSDEX_LIMIT_TIME_MS_DEFAULT);
    newsdex_db_limit(f->db, NEWSDEX_LIMIT_WILDCARD_TERMS, NEWSDEX_LIMIT_WILDCARD_TERMS_DEFAULT);
    free(q);
}

/* The defaults alone stop the pathological query, quickly and cleanly. */
static void test_defaults_bound_pathological(void **state)
{
    fixture *f = *state;
    char *q = many_wildcards();
    newsdex_search_options o = options(q);
    o.facets = 1;
    o.histogram = NEWSDEX_HISTOGRAM_MONTH;
    o.sort = NEWSDEX_SORT_RECENT;
    expect_limit(f, &o, "NEWSDEX_LIMIT_WILDCARD_TERMS (5000");
    /* The handle works on as before. */
    newsdex_search_options fine = options("kw7a");
    uint64_t total = 0;
    assert_int_equal(run(f, &fine, &total), NEWSDEX_OK);
    assert_int_equal(total, 1);
    free(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_and_accessor),
        cmocka_unit_test(test_wildcard_terms),
        cmocka_unit_test(test_query_terms),
        cmocka_unit_test(test_counted_matches),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_time),
        cmocka_unit_test(test_defaults_bound_pathological),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
