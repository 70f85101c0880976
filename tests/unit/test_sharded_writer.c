/* Archives of per-year shards (newsdex_writer_open_sharded,
 * indexer/shard_archive.c, indexer/sharded_writer.c): the stub is replaced
 * whole and lists exactly the shards that exist; every reader opens the
 * archive as one index at every step; an article whose year changes
 * moves (never in two shards); a shard a crash left unlisted is listed
 * again; input jumping between years holds about four writers' memory; one
 * writer holds the whole archive; what is not an archive is refused. */
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
    if (!f || scratch_dir_make(f->dir, sizeof f->dir, "nx-test-sharded") != 0) {
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

static newsdex_status put(newsdex_writer *w, const char *id, const char *date,
                          newsdex_put_outcome *outcome)
{
    newsdex_article a = NEWSDEX_ARTICLE_INIT;
    a.id = id;
    a.title = "Crude oil prices";
    a.body = date ? date : "no date";
    a.date = date;
    return newsdex_writer_put(w, &a, outcome);
}

/* Every shard the stub lists is an index a reader opens. */
static void assert_stub_valid(const char *archive)
{
    nx_shard_names names;
    nx_error err;
    assert_int_equal(nx_archive_read_stub(archive, &names, &err), NEWSDEX_OK);
    for (size_t i = 0; i < names.n; i++) {
        char version[256];
        snprintf(version, sizeof version, "%s/%s/iamglass", archive, names.names[i]);
        assert_int_equal(access(version, F_OK), 0);
    }
    nx_shard_names_free(&names);
    char tmp[256];
    snprintf(tmp, sizeof tmp, "%s/" NX_ARCHIVE_STUB ".tmp", archive);
    assert_int_not_equal(access(tmp, F_OK), 0);
}

static void test_stub_rewrite(void **state)
{
    fixture *f = *state;
    nx_error err;
    assert_int_equal(mkdir(f->archive, 0777), 0);
    nx_shard_names names = {0}, back;
    assert_int_equal(nx_shard_names_add(&names, "undated"), 0);
    assert_int_equal(nx_shard_names_add(&names, "1990"), 0);
    assert_int_equal(nx_shard_names_add(&names, "1987"), 0);
    assert_int_equal(nx_shard_names_add(&names, "1990"), 0); /* once only */
    assert_int_equal(names.n, 3);
    /* A temporary file a crash left behind is overwritten, never read. */
    char tmp[256], stub[256];
    snprintf(tmp, sizeof tmp, "%s/" NX_ARCHIVE_STUB ".tmp", f->archive);
    snprintf(stub, sizeof stub, "%s/" NX_ARCHIVE_STUB, f->archive);
    FILE *junk = fopen(tmp, "w");
    assert_non_null(junk);
    fputs("auto 2001\nhalf a li", junk);
    fclose(junk);
    assert_int_equal(nx_archive_write_stub(f->archive, NEWSDEX_SHARD_BY_YEAR, &names, &err), NEWSDEX_OK);
    assert_int_equal(nx_archive_kind_of(f->archive), NX_ARCHIVE_YEARS);
    assert_int_equal(nx_archive_read_stub(f->archive, &back, &err), NEWSDEX_OK);
    assert_true(nx_shard_names_equal(&names, &back));
    assert_string_equal(back.names[0], "1987");
    assert_string_equal(back.names[1], "1990");
    assert_string_equal(back.names[2], "undated");
    nx_shard_names_free(&back);
    assert_int_not_equal(access(tmp, F_OK), 0);

    /* The rewrite is a new file renamed over the old one: a reader that
     * opened the old stub reads it whole, never a mix. */
    struct stat before, after;
    assert_int_equal(stat(stub, &before), 0);
    FILE *reader = fopen(stub, "r");
    assert_non_null(reader);
    assert_int_equal(nx_shard_names_add(&names, "1991"), 0);
    assert_int_equal(nx_archive_write_stub(f->archive, NEWSDEX_SHARD_BY_YEAR, &names, &err), NEWSDEX_OK);
    assert_int_equal(stat(stub, &after), 0);
    assert_true(before.st_ino != after.st_ino);
    char old[512] = "";
    size_t got = fread(old, 1, sizeof old - 1, reader);
    fclose(reader);
    old[got] = '\0';
    assert_null(strstr(old, "1991"));
    assert_non_null(strstr(old, "auto 1990\n"));
    assert_int_equal(nx_archive_read_stub(f->archive, &back, &err), NEWSDEX_OK);
    assert_int_equal(back.n, 4);
    assert_string_equal(back.names[2], "1991");
    nx_shard_names_free(&back);
    nx_shard_names_free(&names);

    /* A line that names no shard is a damaged stub. */
    FILE *bad = fopen(stub, "w");
    assert_non_null(bad);
    fputs(NX_ARCHIVE_MARKER "\nauto 1987\nauto ../elsewhere\n", bad);
    fclose(bad);
    assert_int_equal(nx_archive_read_stub(f->archive, &back, &err), NEWSDEX_ERR_CORRUPT);
    assert_non_null(strstr(err.message, ":3:"));
}

static void test_shard_names(void **state)
{
    (void)state;
    assert_true(nx_archive_is_shard_name("1987"));
    assert_true(nx_archive_is_shard_name("undated"));
    assert_false(nx_archive_is_shard_name("987"));
    assert_false(nx_archive_is_shard_name("19870"));
    assert_false(nx_archive_is_shard_name("19a7"));
    assert_false(nx_archive_is_shard_name(".."));
}

/* After every put and commit, the archive opens as one index holding
 * what was committed, and its stub names only shards that exist. */
static void test_years_and_undated(void **state)
{
    fixture *f = *state;
    newsdex_writer *w = NULL;
    char *msg = NULL;
    assert_int_equal(newsdex_writer_open_sharded(f->archive, NEWSDEX_SHARD_BY_YEAR, &w, &msg),
                     NEWSDEX_OK);
    assert_null(msg);
    assert_int_equal(articles_at(f->archive), 0); /* an empty stub: an empty index */
    assert_stub_valid(f->archive);
    const char *dates[] = {"1987-03-02", "1990-12-31T23:30:00-02:00", NULL, "1987-10-19",
                           "not a date"};
    const char *ids[] = {"a", "b", "c", "d", "e"};
    for (size_t i = 0; i < 5; i++) {
        newsdex_put_outcome outcome;
        assert_int_equal(put(w, ids[i], dates[i], &outcome), NEWSDEX_OK);
        assert_int_equal(outcome, NEWSDEX_PUT_ADDED);
        assert_stub_valid(f->archive);
        assert_int_equal(newsdex_writer_commit(w), NEWSDEX_OK);
        assert_int_equal(articles_at(f->archive), i + 1);
    }
    /* The year is the UTC year of the date the writer read. */
    char path[256];
    snprintf(path, sizeof path, "%s/1991", f->archive);
    assert_int_equal(articles_at(path), 1);
    snprintf(path, sizeof path, "%s/1987", f->archive);
    assert_int_equal(articles_at(path), 2);
    snprintf(path, sizeof path, "%s/undated", f->archive);
    assert_int_equal(articles_at(path), 2);
    uint64_t n = 0;
    assert_int_equal(newsdex_writer_count(w, &n), NEWSDEX_OK);
    assert_int_equal(n, 5);
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);

    newsdex_shard_by by = NEWSDEX_SHARD_NONE;
    char **shards = NULL;
    size_t count = 0;
    assert_int_equal(newsdex_index_shards(f->archive, &by, &shards, &count, NULL), NEWSDEX_OK);
    assert_int_equal(by, NEWSDEX_SHARD_BY_YEAR);
    assert_int_equal(count, 3);
    snprintf(path, sizeof path, "%s/undated", f->archive);
    assert_string_equal(shards[2], path);
    free(shards);
}

static void test_moving_year(void **state)
{
    fixture *f = *state;
    newsdex_writer *w = NULL;
    newsdex_put_outcome outcome;
    assert_int_equal(newsdex_writer_open_sharded(f->archive, NEWSDEX_SHARD_BY_YEAR, &w, NULL),
                     NEWSDEX_OK);
    assert_int_equal(put(w, "x", "1987-03-02", &outcome), NEWSDEX_OK);
    assert_int_equal(put(w, "y", "1988-03-02", &outcome), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_commit(w), NEWSDEX_OK);
    assert_int_equal(put(w, "x", "1990-01-01", &outcome), NEWSDEX_OK);
    assert_int_equal(outcome, NEWSDEX_PUT_REPLACED);
    /* Gone from 1987 at once; in 1990 once committed: never in two. */
    char old[256], new[256];
    snprintf(old, sizeof old, "%s/1987", f->archive);
    snprintf(new, sizeof new, "%s/1990", f->archive);
    assert_int_equal(articles_at(old), 0);
    assert_int_equal(articles_at(f->archive), 1);
    assert_int_equal(put(w, "y", NULL, &outcome), NEWSDEX_OK); /* dated to undated */
    assert_int_equal(outcome, NEWSDEX_PUT_REPLACED);
    assert_int_equal(newsdex_writer_commit(w), NEWSDEX_OK);
    assert_int_equal(articles_at(new), 1);
    assert_int_equal(articles_at(f->archive), 2);
    newsdex_writer_counts c;
    assert_int_equal(newsdex_writer_get_counts(w, &c), NEWSDEX_OK);
    assert_int_equal(c.added, 2);
    assert_int_equal(c.replaced, 2);
    assert_int_equal(c.deleted, 0);
    /* The same again changes nothing. */
    assert_int_equal(put(w, "x", "1990-01-01", &outcome), NEWSDEX_OK);
    assert_int_equal(outcome, NEWSDEX_PUT_UNCHANGED);
    /* A deletion reaches whichever shard holds the id. */
    int found = 0;
    assert_int_equal(newsdex_writer_delete(w, "y", &found), NEWSDEX_OK);
    assert_true(found);
    assert_int_equal(newsdex_writer_delete(w, "y", &found), NEWSDEX_OK);
    assert_false(found);
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
    assert_int_equal(articles_at(f->archive), 1);
}

/* A shard created and committed by a run killed before it rewrote the
 * stub is found and listed by the next writer. */
static void test_unlisted_shard_is_listed(void **state)
{
    fixture *f = *state;
    newsdex_writer *w = NULL;
    assert_int_equal(newsdex_writer_open_sharded(f->archive, NEWSDEX_SHARD_BY_YEAR, &w, NULL),
                     NEWSDEX_OK);
    assert_int_equal(put(w, "a", "1987-01-01", NULL), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
    char orphan[256];
    snprintf(orphan, sizeof orphan, "%s/1995", f->archive);
    assert_int_equal(newsdex_writer_open(orphan, &w, NULL), NEWSDEX_OK);
    assert_int_equal(put(w, "b", "1995-01-01", NULL), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
    assert_int_equal(articles_at(f->archive), 1);
    assert_int_equal(newsdex_writer_open_sharded(f->archive, NEWSDEX_SHARD_BY_YEAR, &w, NULL),
                     NEWSDEX_OK);
    uint64_t n = 0;
    assert_int_equal(newsdex_writer_count(w, &n), NEWSDEX_OK);
    assert_int_equal(n, 2);
    assert_int_equal(articles_at(f->archive), 2);
    assert_stub_valid(f->archive);
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
}

/* A long-running reader (newsdex_db_reopen before each search) sees a
 * shard added after it opened the archive, and a shard compacted. */
static void test_reader_sees_new_shard(void **state)
{
    fixture *f = *state;
    newsdex_writer *w = NULL;
    assert_int_equal(newsdex_writer_open_sharded(f->archive, NEWSDEX_SHARD_BY_YEAR, &w, NULL),
                     NEWSDEX_OK);
    assert_int_equal(put(w, "a", "1987-01-01", NULL), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_commit(w), NEWSDEX_OK);
    newsdex_db *db = NULL;
    uint64_t n = 0;
    assert_int_equal(newsdex_db_open(f->archive, &db, NULL), NEWSDEX_OK);
    uint64_t generation = newsdex_db_generation(db);
    assert_int_equal(put(w, "b", "2001-01-01", NULL), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
    assert_int_equal(newsdex_db_reopen(db), NEWSDEX_OK);
    assert_int_equal(newsdex_db_count(db, &n), NEWSDEX_OK);
    assert_int_equal(n, 2);
    assert_true(newsdex_db_generation(db) != generation);
    generation = newsdex_db_generation(db);
    assert_int_equal(newsdex_db_reopen(db), NEWSDEX_OK); /* nothing changed */
    assert_int_equal(newsdex_db_generation(db), generation);

    /* A shard replaced by a compacted copy (what `newsdex compact` swaps in). */
    char shard[256], copy[256], old[256];
    snprintf(shard, sizeof shard, "%s/2001", f->archive);
    snprintf(copy, sizeof copy, "%s/2001.copy", f->dir);
    snprintf(old, sizeof old, "%s/2001.old", f->dir);
    assert_int_equal(newsdex_index_compact(shard, copy, NULL), NEWSDEX_OK);
    assert_int_equal(rename(shard, old), 0);
    assert_int_equal(rename(copy, shard), 0);
    assert_int_equal(remove_tree(old), 0);
    assert_int_equal(newsdex_db_reopen(db), NEWSDEX_OK);
    assert_true(newsdex_db_generation(db) != generation);
    assert_int_equal(newsdex_db_count(db, &n), NEWSDEX_OK);
    assert_int_equal(n, 2);
    newsdex_db_close(db);
}

/* Input that jumps between years holds, in memory, about what four
 * writers hold, not what one per year holds: past four flushes' worth in
 * all, the shard holding most commits early. */
static void test_memory_bounded_across_years(void **state)
{
    fixture *f = *state;
    assert_int_equal(setenv("XAPIAN_FLUSH_THRESHOLD", "10", 1), 0);
    newsdex_writer *w = NULL;
    char *msg = NULL;
    assert_int_equal(newsdex_writer_open_sharded(f->archive, NEWSDEX_SHARD_BY_YEAR, &w, &msg),
                     NEWSDEX_OK);
    assert_int_equal(newsdex_writer_set_batch_size(w, 100000), NEWSDEX_OK);
    uint64_t most = 0;
    for (int i = 0; i < 300; i++) {
        char id[32], date[32];
        snprintf(id, sizeof id, "a%d", i);
        snprintf(date, sizeof date, "%d-06-01", 1980 + i % 12);
        newsdex_put_outcome outcome;
        assert_int_equal(put(w, id, date, &outcome), NEWSDEX_OK);
        newsdex_writer_counts c;
        assert_int_equal(newsdex_writer_get_counts(w, &c), NEWSDEX_OK);
        assert_int_equal(c.added, (uint64_t)i + 1);
        if (c.pending > most)
            most = c.pending;
    }
    /* Unbounded, all 300 would wait for the commit; past four flushes
     * (40) the largest of the twelve (about 4) commits. */
    assert_true(most >= 40 && most < 60);
    assert_int_equal(newsdex_writer_commit(w), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
    unsetenv("XAPIAN_FLUSH_THRESHOLD");
    assert_int_equal(articles_at(f->archive), 300);
    char path[256];
    snprintf(path, sizeof path, "%s/1985", f->archive);
    assert_int_equal(articles_at(path), 25);
}

static void test_one_writer_and_refusals(void **state)
{
    fixture *f = *state;
    newsdex_writer *w = NULL, *second = NULL;
    char *msg = NULL;
    assert_int_equal(newsdex_writer_open_sharded(f->archive, NEWSDEX_SHARD_BY_YEAR, &w, NULL),
                     NEWSDEX_OK);
    assert_int_equal(newsdex_writer_open_sharded(f->archive, NEWSDEX_SHARD_BY_YEAR, &second,
                                                 &msg),
                     NEWSDEX_ERR_LOCKED);
    assert_null(second);
    assert_non_null(strstr(msg, "locked"));
    free(msg);
    /* One index's writer would spread articles over the shards. */
    assert_int_equal(newsdex_writer_open(f->archive, &second, &msg), NEWSDEX_ERR_INVALID);
    assert_non_null(strstr(msg, "newsdex_writer_open_sharded"));
    free(msg);
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);

    char plain[256];
    snprintf(plain, sizeof plain, "%s/plain", f->dir);
    assert_int_equal(newsdex_writer_open(plain, &w, NULL), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_open_sharded(plain, NEWSDEX_SHARD_BY_YEAR, &w, &msg),
                     NEWSDEX_ERR_INVALID);
    assert_non_null(strstr(msg, "one index"));
    free(msg);
    newsdex_shard_by by = NEWSDEX_SHARD_BY_YEAR;
    assert_int_equal(newsdex_index_shards(plain, &by, NULL, NULL, NULL), NEWSDEX_OK);
    assert_int_equal(by, NEWSDEX_SHARD_NONE);

    char other[256];
    snprintf(other, sizeof other, "%s/other", f->dir);
    assert_int_equal(mkdir(other, 0777), 0);
    snprintf(plain, sizeof plain, "%.200s/notes.txt", other);
    FILE *notes = fopen(plain, "w");
    assert_non_null(notes);
    fclose(notes);
    assert_int_equal(newsdex_writer_open_sharded(other, NEWSDEX_SHARD_BY_YEAR, &w, &msg),
                     NEWSDEX_ERR_INVALID);
    assert_non_null(strstr(msg, "neither an archive"));
    free(msg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_stub_rewrite, setup, teardown),
        cmocka_unit_test(test_shard_names),
        cmocka_unit_test_setup_teardown(test_years_and_undated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_moving_year, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unlisted_shard_is_listed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reader_sees_new_shard, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memory_bounded_across_years, setup, teardown),
        cmocka_unit_test_setup_teardown(test_one_writer_and_refusals, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
