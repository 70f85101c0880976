/* newsdex_db_generation() through the public API: it changes when
 * newsdex_db_reopen() moves a read-only handle to what a writer committed,
 * stays the same when nothing changed, and is 0 for NULL. The FastCGI
 * response cache relies on exactly that to never serve a stale page. */
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

typedef struct fixture {
    char dir[64];
    newsdex_writer *w;
    newsdex_db *db;
} fixture;

static void put(newsdex_writer *w, const char *id, const char *title)
{
    newsdex_article a = {.id = id, .title = title, .body = "A story about a gen test.",
                         .date = "2024-05-01"};
    if (newsdex_writer_put(w, &a, NULL) != NEWSDEX_OK)
        fail_msg("put %s: %s", id, newsdex_writer_last_error(w));
}

static uint64_t hits(newsdex_db *db, const char *query)
{
    newsdex_search_options o;
    newsdex_search_options_init(&o);
    o.query = query;
    newsdex_results *r = NULL;
    if (newsdex_search(db, &o, &r) != NEWSDEX_OK)
        fail_msg("search %s: %s", query, newsdex_db_last_error(db));
    uint64_t n = newsdex_results_count(r);
    newsdex_results_free(r);
    return n;
}

/* An index with one article, a writer still holding it, a reader on it. */
static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    assert_int_equal(scratch_dir_make(f->dir, sizeof f->dir, "nx-generation"), 0);
    assert_int_equal(newsdex_writer_open(f->dir, &f->w, NULL), NEWSDEX_OK);
    put(f->w, "g1", "Quokka harbour opens");
    assert_int_equal(newsdex_writer_commit(f->w), NEWSDEX_OK);
    assert_int_equal(newsdex_db_open(f->dir, &f->db, NULL), NEWSDEX_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    newsdex_db_close(f->db);
    newsdex_writer_close(f->w);
    scratch_dir_remove(f->dir);
    free(f);
    return 0;
}

static void test_reopen_after_commit(void **state)
{
    fixture *f = *state;
    uint64_t g0 = newsdex_db_generation(f->db);
    assert_int_equal(hits(f->db, "wallaby"), 0);

    put(f->w, "g2", "Wallaby exports rise");
    assert_int_equal(newsdex_writer_commit(f->w), NEWSDEX_OK);
    assert_int_equal(newsdex_db_reopen(f->db), NEWSDEX_OK);
    uint64_t g1 = newsdex_db_generation(f->db);
    assert_true(g1 != g0);
    assert_int_equal(hits(f->db, "wallaby"), 1);

    /* Nothing new: the same generation, however often it is asked. */
    assert_int_equal(newsdex_db_reopen(f->db), NEWSDEX_OK);
    assert_true(newsdex_db_generation(f->db) == g1);
    assert_int_equal(newsdex_db_reopen(f->db), NEWSDEX_OK);
    assert_true(newsdex_db_generation(f->db) == g1);
    assert_int_equal(hits(f->db, "quokka"), 1);
    assert_true(newsdex_db_generation(f->db) == g1); /* a search changes nothing */

    /* Another commit, another generation. */
    put(f->w, "g3", "Numbat sale");
    assert_int_equal(newsdex_writer_commit(f->w), NEWSDEX_OK);
    assert_int_equal(newsdex_db_reopen(f->db), NEWSDEX_OK);
    assert_true(newsdex_db_generation(f->db) != g1);
    assert_int_equal(hits(f->db, "numbat"), 1);
}

/* A commit that changes nothing (the same article again) writes nothing. */
static void test_unchanged_put(void **state)
{
    fixture *f = *state;
    assert_int_equal(newsdex_db_reopen(f->db), NEWSDEX_OK);
    uint64_t g = newsdex_db_generation(f->db);
    newsdex_put_outcome out;
    newsdex_article a = {.id = "g1", .title = "Quokka harbour opens",
                         .body = "A story about a gen test.", .date = "2024-05-01"};
    assert_int_equal(newsdex_writer_put(f->w, &a, &out), NEWSDEX_OK);
    assert_int_equal(out, NEWSDEX_PUT_UNCHANGED);
    assert_int_equal(newsdex_writer_commit(f->w), NEWSDEX_OK);
    assert_int_equal(newsdex_db_reopen(f->db), NEWSDEX_OK);
    assert_true(newsdex_db_generation(f->db) == g);
}

static void test_null(void **state)
{
    (void)state;
    assert_true(newsdex_db_generation(NULL) == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reopen_after_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unchanged_put, setup, teardown),
        cmocka_unit_test(test_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
