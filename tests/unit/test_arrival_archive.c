/* Archives by arrival (NEWSDEX_SHARD_BY_ARRIVAL, indexer/sharded_writer.c):
 * new articles go to the recent shard, known ones stay where they are, a
 * fold merges everything into the other main shard and lists it alone,
 * what the stub does not list is removed when a writer opens, a reader
 * follows a fold, and the other kinds of index are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "newsdex.h"
#include "index_fixture.h"
#include "scratch_dir.h"
#include "../../indexer/shard_archive.h"

typedef struct fixture {
    char dir[64];
    char archive[128];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || scratch_dir_make(f->dir, sizeof f->dir, "nx-test-arrival") != 0) {
        free(f);
        return -1;
    }
    snprintf(f->archive, sizeof f->archive, "%s/archive", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    scratch_dir_remove(f->dir);
    free(f);
    return 0;
}

static newsdex_status put(newsdex_writer *w, const char *id, const char *title,
                          newsdex_put_outcome *outcome)
{
    newsdex_article a = NEWSDEX_ARTICLE_INIT;
    a.id = id;
    a.title = title;
    a.body = "Crude oil prices rose on Monday.";
    a.date = "1987-02-26";
    return newsdex_writer_put(w, &a, outcome);
}

static newsdex_writer *open_arrival(const char *archive)
{
    newsdex_writer *w = NULL;
    assert_int_equal(newsdex_writer_open_sharded(archive, NEWSDEX_SHARD_BY_ARRIVAL, &w, NULL),
                     NEWSDEX_OK);
    return w;
}

/* The stub lists exactly the names given (a space-separated list). */
static void assert_listed(const char *archive, const char *expected)
{
    nx_shard_names names;
    nx_error err;
    char got[128] = "";
    assert_int_equal(nx_archive_read_stub(archive, &names, &err), NEWSDEX_OK);
    for (size_t i = 0; i < names.n; i++) {
        strcat(got, i ? " " : "");
        strcat(got, names.names[i]);
    }
    nx_shard_names_free(&names);
    assert_string_equal(got, expected);
}

static int exists_in(const char *archive, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", archive, name);
    return access(path, F_OK) == 0;
}

static uint64_t articles_in(const char *archive, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", archive, name);
    return articles_at(path);
}

static void test_recent_then_fold(void **state)
{
    fixture *f = *state;
    newsdex_writer *w = open_arrival(f->archive);
    assert_int_equal(put(w, "a", "Oil rises", NULL), NEWSDEX_OK);
    assert_int_equal(put(w, "b", "Oil falls", NULL), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
    assert_listed(f->archive, "recent");
    assert_int_equal(articles_at(f->archive), 2);
    newsdex_shard_by by = NEWSDEX_SHARD_NONE;
    assert_int_equal(newsdex_index_shards(f->archive, &by, NULL, NULL, NULL), NEWSDEX_OK);
    assert_int_equal(by, NEWSDEX_SHARD_BY_ARRIVAL);

    w = open_arrival(f->archive);
    assert_int_equal(newsdex_writer_fold(w), NEWSDEX_OK);
    assert_listed(f->archive, "main-a");
    assert_false(exists_in(f->archive, "recent"));
    assert_int_equal(articles_in(f->archive, "main-a"), 2);

    /* New: to recent. Known and changed: replaced where it is. */
    newsdex_put_outcome outcome;
    assert_int_equal(put(w, "c", "Gold steady", &outcome), NEWSDEX_OK);
    assert_int_equal(outcome, NEWSDEX_PUT_ADDED);
    assert_int_equal(put(w, "a", "Oil rises again", &outcome), NEWSDEX_OK);
    assert_int_equal(outcome, NEWSDEX_PUT_REPLACED);
    assert_int_equal(put(w, "b", "Oil falls", &outcome), NEWSDEX_OK);
    assert_int_equal(outcome, NEWSDEX_PUT_UNCHANGED);
    assert_int_equal(put(w, "c", "Gold steady", &outcome), NEWSDEX_OK);
    assert_int_equal(outcome, NEWSDEX_PUT_UNCHANGED);
    int found = 0;
    assert_int_equal(newsdex_writer_delete(w, "b", &found), NEWSDEX_OK);
    assert_true(found);
    assert_int_equal(newsdex_writer_commit(w), NEWSDEX_OK);
    assert_listed(f->archive, "main-a recent");
    assert_int_equal(articles_in(f->archive, "main-a"), 1);
    assert_int_equal(articles_in(f->archive, "recent"), 1);
    assert_int_equal(articles_at(f->archive), 2);

    /* The next fold writes the other main shard; the counts carry over. */
    assert_int_equal(newsdex_writer_fold(w), NEWSDEX_OK);
    assert_listed(f->archive, "main-b");
    assert_false(exists_in(f->archive, "main-a"));
    assert_false(exists_in(f->archive, "recent"));
    assert_int_equal(articles_at(f->archive), 2);
    newsdex_writer_counts c;
    assert_int_equal(newsdex_writer_get_counts(w, &c), NEWSDEX_OK);
    assert_int_equal(c.added, 1);
    assert_int_equal(c.replaced, 1);
    assert_int_equal(c.unchanged, 2);
    assert_int_equal(c.deleted, 1);
    uint64_t n = 0;
    assert_int_equal(newsdex_writer_count(w, &n), NEWSDEX_OK);
    assert_int_equal(n, 2);
    assert_int_equal(put(w, "d", "Copper", &outcome), NEWSDEX_OK);
    assert_int_equal(outcome, NEWSDEX_PUT_ADDED);
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
    assert_listed(f->archive, "main-b recent");
    assert_int_equal(articles_at(f->archive), 3);
}

/* A fold or a new recent shard that a crash left unlisted is removed when
 * a writer opens; readers never saw it. */
static void test_unlisted_shards_removed(void **state)
{
    fixture *f = *state;
    newsdex_writer *w = open_arrival(f->archive);
    assert_int_equal(put(w, "a", "Oil rises", NULL), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_fold(w), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
    assert_listed(f->archive, "main-a");
    const char *orphans[] = {"main-b", "recent"};
    for (size_t i = 0; i < 2; i++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", f->archive, orphans[i]);
        assert_int_equal(newsdex_writer_open(path, &w, NULL), NEWSDEX_OK);
        assert_int_equal(put(w, "z", "Half-made", NULL), NEWSDEX_OK);
        assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
    }
    assert_int_equal(articles_at(f->archive), 1);
    w = open_arrival(f->archive);
    uint64_t n = 0;
    assert_int_equal(newsdex_writer_count(w, &n), NEWSDEX_OK);
    assert_int_equal(n, 1);
    assert_false(exists_in(f->archive, "main-b"));
    assert_false(exists_in(f->archive, "recent"));
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
    assert_listed(f->archive, "main-a");
    assert_int_equal(articles_at(f->archive), 1);
}

/* A long-running reader follows a fold with newsdex_db_reopen(). */
static void test_reader_across_fold(void **state)
{
    fixture *f = *state;
    newsdex_writer *w = open_arrival(f->archive);
    assert_int_equal(put(w, "a", "Oil rises", NULL), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_fold(w), NEWSDEX_OK);
    assert_int_equal(put(w, "b", "Oil falls", NULL), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_commit(w), NEWSDEX_OK);
    newsdex_db *db = NULL;
    uint64_t n = 0;
    assert_int_equal(newsdex_db_open(f->archive, &db, NULL), NEWSDEX_OK);
    assert_int_equal(newsdex_db_count(db, &n), NEWSDEX_OK);
    assert_int_equal(n, 2);
    assert_int_equal(newsdex_writer_fold(w), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
    assert_int_equal(newsdex_db_reopen(db), NEWSDEX_OK);
    assert_int_equal(newsdex_db_count(db, &n), NEWSDEX_OK);
    assert_int_equal(n, 2);
    newsdex_search_options o;
    newsdex_search_options_init(&o);
    o.query = "oil";
    newsdex_results *r = NULL;
    assert_int_equal(newsdex_search(db, &o, &r), NEWSDEX_OK);
    assert_int_equal(newsdex_results_count(r), 2);
    newsdex_results_free(r);
    newsdex_db_close(db);
}

static void test_refusals(void **state)
{
    fixture *f = *state;
    char *msg = NULL;
    newsdex_writer *w = open_arrival(f->archive), *other = NULL;
    assert_int_equal(put(w, "a", "Oil rises", NULL), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_open_sharded(f->archive, NEWSDEX_SHARD_BY_YEAR, &other, &msg),
                     NEWSDEX_ERR_INVALID);
    assert_non_null(strstr(msg, "NEWSDEX_SHARD_BY_ARRIVAL"));
    free(msg);
    assert_int_equal(newsdex_writer_open(f->archive, &other, &msg), NEWSDEX_ERR_INVALID);
    assert_non_null(strstr(msg, "NEWSDEX_SHARD_BY_ARRIVAL"));
    free(msg);

    char years[256], plain[256];
    snprintf(years, sizeof years, "%s/years", f->dir);
    assert_int_equal(newsdex_writer_open_sharded(years, NEWSDEX_SHARD_BY_YEAR, &w, NULL),
                     NEWSDEX_OK);
    assert_int_equal(newsdex_writer_fold(w), NEWSDEX_ERR_INVALID);
    assert_non_null(strstr(newsdex_writer_last_error(w), "not an archive by arrival"));
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_open_sharded(years, NEWSDEX_SHARD_BY_ARRIVAL, &w, &msg),
                     NEWSDEX_ERR_INVALID);
    assert_non_null(strstr(msg, "NEWSDEX_SHARD_BY_YEAR"));
    free(msg);

    snprintf(plain, sizeof plain, "%s/plain", f->dir);
    assert_int_equal(newsdex_writer_open(plain, &w, NULL), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_fold(w), NEWSDEX_ERR_INVALID);
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_fold(NULL), NEWSDEX_ERR_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_recent_then_fold, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unlisted_shards_removed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reader_across_fold, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
