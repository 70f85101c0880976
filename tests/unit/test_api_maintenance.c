/* The maintenance API of include/newsdex.h: reading archives
 * (newsdex_reader_*: articles, rejections located as FILE:LINE, the end,
 * a directory walk, the stop flag), statistics (newsdex_index_stats, and
 * over a remote shard that does not answer newsdex_index_stats_with), the
 * check of a damaged term table (newsdex_index_check) and compaction
 * (newsdex_index_compact). */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "newsdex.h"
#include "index_fixture.h"
#include "scratch_dir.h"

typedef struct fixture {
    char dir[64];
    char path[256];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || scratch_dir_make(f->dir, sizeof f->dir, "nx-test-maintenance") != 0) {
        free(f);
        return -1;
    }
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

/* Writes text to DIR/name; returns its path (in f->path). */
static const char *write_file(fixture *f, const char *name, const char *text)
{
    snprintf(f->path, sizeof f->path, "%s/%s", f->dir, name);
    FILE *out = fopen(f->path, "w");
    assert_non_null(out);
    assert_true(fputs(text, out) >= 0);
    assert_int_equal(fclose(out), 0);
    return f->path;
}

/* ---- Reading archives ---- */

static void test_reader_jsonl(void **state)
{
    fixture *f = *state;
    const char *path =
        write_file(f, "news.jsonl",
                   "{\"id\": \"a-1\", \"title\": \"Oil rises\", \"date\": \"1987-03-02\"}\n"
                   "{\"id\": \"a-2\", \"title\": \n"
                   "{\"id\": \"a-3\", \"deleted\": true}\n");
    newsdex_reader *r = NULL;
    char *msg = NULL;
    assert_int_equal(newsdex_reader_open(path, NULL, &r, &msg), NEWSDEX_OK);
    assert_null(msg);
    const newsdex_article *a = NULL;
    assert_int_equal(newsdex_reader_next(r, &a), NEWSDEX_READ_ARTICLE);
    assert_string_equal(a->id, "a-1");
    assert_string_equal(a->title, "Oil rises");
    assert_int_equal(newsdex_reader_line(r), 1);
    assert_string_equal(newsdex_reader_path(r), path);
    assert_string_equal(newsdex_reader_last_error(r), "");

    assert_int_equal(newsdex_reader_next(r, &a), NEWSDEX_READ_REJECTED);
    assert_null(a);
    char prefix[300];
    snprintf(prefix, sizeof prefix, "%s:2: ", path);
    const char *why = newsdex_reader_last_error(r);
    assert_true(strncmp(why, prefix, strlen(prefix)) == 0);
    assert_true(strlen(why) > strlen(prefix));

    assert_int_equal(newsdex_reader_next(r, &a), NEWSDEX_READ_ARTICLE);
    assert_string_equal(a->id, "a-3");
    assert_true(a->deleted);
    assert_int_equal(newsdex_reader_line(r), 3);
    assert_int_equal(newsdex_reader_next(r, &a), NEWSDEX_READ_END);
    assert_null(a);
    assert_int_equal(newsdex_reader_next(r, &a), NEWSDEX_READ_END);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(newsdex_reader_bytes(r), (uint64_t)st.st_size);
    newsdex_reader_close(r);
}

static void test_reader_sgml(void **state)
{
    fixture *f = *state;
    const char *path = write_file(
        f, "reut2-000.sgm",
        "<!DOCTYPE lewis SYSTEM \"lewis.dtd\">\n"
        "<REUTERS NEWID=\"1\">\n<DATE>26-FEB-1987 15:01:01.79</DATE>\n"
        "<TEXT><TITLE>COCOA EXPORTS</TITLE><BODY>Cocoa exports rose.</BODY></TEXT>\n"
        "</REUTERS>\n"
        "<REUTERS NEWID=\"2\">\n<TEXT><TITLE>NO END\n"
        "<REUTERS NEWID=\"3\">\n<TEXT><TITLE>GRAIN</TITLE><BODY>Grain fell.</BODY></TEXT>\n"
        "</REUTERS>\n");
    newsdex_reader *r = NULL;
    assert_int_equal(newsdex_reader_open(path, NULL, &r, NULL), NEWSDEX_OK);
    const newsdex_article *a = NULL;
    assert_int_equal(newsdex_reader_next(r, &a), NEWSDEX_READ_ARTICLE);
    assert_string_equal(a->title, "COCOA EXPORTS");
    assert_int_equal(newsdex_reader_line(r), 2);
    newsdex_read res;
    int rejected = 0, articles = 1;
    while ((res = newsdex_reader_next(r, &a)) != NEWSDEX_READ_END) {
        assert_true(res == NEWSDEX_READ_ARTICLE || res == NEWSDEX_READ_REJECTED);
        if (res == NEWSDEX_READ_REJECTED) {
            rejected++;
            char prefix[300];
            snprintf(prefix, sizeof prefix, "%s:6: ", path);
            assert_true(strncmp(newsdex_reader_last_error(r), prefix, strlen(prefix)) == 0);
        } else {
            articles++;
            assert_string_equal(a->title, "GRAIN");
        }
    }
    assert_int_equal(rejected, 1);
    assert_int_equal(articles, 2);
    newsdex_reader_close(r);
}

static void test_reader_text_directory(void **state)
{
    fixture *f = *state;
    char sub[128];
    snprintf(sub, sizeof sub, "%s/texts", f->dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    write_file(f, "texts/a.txt", "Oil rises\n\nCrude oil prices rose again.\n");
    write_file(f, "texts/b.txt", "Grain falls\n\nWheat fell.\n");
    newsdex_reader *r = NULL;
    assert_int_equal(newsdex_reader_open(sub, "text", &r, NULL), NEWSDEX_OK);
    const newsdex_article *a = NULL;
    assert_int_equal(newsdex_reader_next(r, &a), NEWSDEX_READ_ARTICLE);
    assert_non_null(strstr(newsdex_reader_path(r), "texts/a.txt"));
    assert_string_equal(a->title, "Oil rises");
    assert_int_equal(newsdex_reader_next(r, &a), NEWSDEX_READ_ARTICLE);
    assert_non_null(strstr(newsdex_reader_path(r), "texts/b.txt"));
    assert_int_equal(newsdex_reader_next(r, &a), NEWSDEX_READ_END);
    newsdex_reader_close(r);
}

static void test_reader_open_failures(void **state)
{
    fixture *f = *state;
    char missing[128];
    snprintf(missing, sizeof missing, "%s/missing.jsonl", f->dir);
    newsdex_reader *r = NULL;
    char *msg = NULL;
    assert_int_equal(newsdex_reader_open(missing, NULL, &r, &msg), NEWSDEX_ERR_IO);
    assert_null(r);
    assert_non_null(msg);
    assert_true(strncmp(msg, missing, strlen(missing)) == 0); /* "PATH: why" */
    free(msg);
    const char *path = write_file(f, "x.jsonl", "{}\n");
    assert_int_equal(newsdex_reader_open(path, "csv", &r, NULL), NEWSDEX_ERR_INVALID);
    assert_null(r);
}

static void test_reader_stop_flag(void **state)
{
    fixture *f = *state;
    const char *path = write_file(f, "s.jsonl", "{\"id\": \"a\", \"title\": \"A\"}\n"
                                                "{\"id\": \"b\", \"title\": \"B\"}\n");
    static volatile sig_atomic_t stop;
    stop = 0;
    newsdex_reader *r = NULL;
    assert_int_equal(newsdex_reader_open(path, NULL, &r, NULL), NEWSDEX_OK);
    newsdex_reader_set_stop_flag(r, &stop);
    const newsdex_article *a = NULL;
    assert_int_equal(newsdex_reader_next(r, &a), NEWSDEX_READ_ARTICLE);
    stop = 1;
    assert_int_equal(newsdex_reader_next(r, &a), NEWSDEX_READ_STOPPED);
    assert_null(a);
    stop = 0;
    assert_int_equal(newsdex_reader_next(r, &a), NEWSDEX_READ_STOPPED); /* every later call */
    newsdex_reader_close(r);
}

/* ---- Statistics, checking, compaction ---- */

/* The oil index with its undated article, and a last run recorded. */
static void make_small_index(const char *path)
{
    newsdex_writer *w = NULL;
    assert_int_equal(newsdex_writer_open(path, &w, NULL), NEWSDEX_OK);
    assert_int_equal(oil_index_write(w, OIL_INDEX_UNDATED), 0);
    assert_int_equal(newsdex_writer_set_last_run(w, "{\"outcome\":\"complete\"}"), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
}

static void test_stats(void **state)
{
    fixture *f = *state;
    char db[128];
    snprintf(db, sizeof db, "%s/db", f->dir);
    make_small_index(db);
    newsdex_stats s;
    char *msg = NULL;
    assert_int_equal(newsdex_index_stats(db, &s, &msg), NEWSDEX_OK);
    assert_null(msg);
    assert_int_equal(s.size, sizeof s);
    assert_int_equal(s.articles, 4);
    assert_int_equal(s.undated, 1);
    assert_string_equal(s.first_date, "1987-03-02");
    assert_string_equal(s.last_date, "1988-07-08");
    assert_true(s.distinct_terms > 10);
    assert_true(s.size_bytes > 0);
    assert_int_equal(s.n_years, 2);
    assert_string_equal(s.years[0].value, "1987");
    assert_int_equal(s.years[0].count, 1);
    assert_string_equal(s.years[1].value, "1988");
    assert_int_equal(s.years[1].count, 2);
    assert_int_equal(s.n_sources, 2);
    assert_string_equal(s.sources[0].value, "Gazette"); /* most articles first */
    assert_int_equal(s.sources[0].count, 3);
    assert_string_equal(s.sources[1].value, "Harbor Street Journal");
    assert_non_null(s.last_run);
    assert_string_equal(s.last_run, "{\"outcome\":\"complete\"}");
    newsdex_stats_free(&s);
    assert_null(s.years);
    assert_int_equal(s.size, sizeof s);

    char missing[128];
    snprintf(missing, sizeof missing, "%s/none", f->dir);
    assert_int_equal(newsdex_index_stats(missing, &s, &msg), NEWSDEX_ERR_NOT_FOUND);
    assert_non_null(msg);
    free(msg);
    newsdex_stats_free(&s);
    assert_int_equal(newsdex_index_check(db, NULL), NEWSDEX_OK);
}

/* A stub file listing an index and a remote shard nothing serves (port 1
 * of the loopback): without partial the shard fails the call and is named;
 * with partial the counts are the index's, and the shard is listed. */
static void test_stats_remote_shard_down(void **state)
{
    fixture *f = *state;
    char db[128];
    snprintf(db, sizeof db, "%s/db", f->dir);
    make_small_index(db);
    const char *stub = write_file(f, "mixed.stub", "auto db\nremote 127.0.0.1:1\n");
    newsdex_db_open_options o;
    newsdex_db_open_options_init(&o);
    o.shard_timeout_ms = 2000;
    newsdex_stats s;
    char *msg = NULL;
    assert_int_equal(newsdex_index_stats_with(stub, &o, &s, &msg), NEWSDEX_ERR_NETWORK);
    assert_non_null(msg);
    assert_non_null(strstr(msg, "shard tcp://127.0.0.1:1"));
    free(msg);
    newsdex_stats_free(&s);

    o.partial = 1;
    assert_int_equal(newsdex_index_stats_with(stub, &o, &s, &msg), NEWSDEX_OK);
    assert_null(msg);
    assert_int_equal(s.articles, 4);
    assert_int_equal(s.n_years, 2);
    assert_int_equal(s.n_missing_shards, 1);
    assert_string_equal(s.missing_shards[0], "tcp://127.0.0.1:1");
    newsdex_stats_free(&s);
    assert_int_equal(s.n_missing_shards, 0);

    assert_int_equal(newsdex_index_stats_with(db, &o, &s, NULL), NEWSDEX_OK);
    assert_int_equal(s.n_missing_shards, 0); /* nothing remote: a complete answer */
    assert_null(s.missing_shards);
    newsdex_stats_free(&s);
}

/* A posting-list table of several levels, then every leaf block's item
 * directory pointing past the block's end from item 5 on: what crashed
 * Xapian 1.4 in a walk over every term (as tests/e2e/api_hardening.t). */
static void damage_leaf_blocks(const char *table)
{
    FILE *t = fopen(table, "r+b");
    assert_non_null(t);
    assert_int_equal(fseek(t, 0, SEEK_END), 0);
    long size = ftell(t);
    for (long b = 0; b + 8192 <= size; b += 8192) {
        unsigned char head[11];
        assert_int_equal(fseek(t, b, SEEK_SET), 0);
        if (fread(head, 1, sizeof head, t) != sizeof head)
            break;
        if (head[4] != 0) /* leaf blocks only */
            continue;
        unsigned dir_end = (unsigned)head[9] << 8 | head[10];
        if (dir_end < 11 + 2 * 6)
            continue;
        assert_int_equal(fseek(t, b + 11 + 2 * 5, SEEK_SET), 0);
        for (unsigned i = 0; i < (dir_end - 11) / 2 - 5; i++) {
            const unsigned char far[2] = {0xff, 0xfe};
            assert_int_equal(fwrite(far, 1, 2, t), 2);
        }
    }
    assert_int_equal(fclose(t), 0);
}

static void test_check_damaged_terms(void **state)
{
    fixture *f = *state;
    char db[128], table[160];
    snprintf(db, sizeof db, "%s/many", f->dir);
    newsdex_writer *w = NULL;
    assert_int_equal(newsdex_writer_open(db, &w, NULL), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_set_batch_size(w, 0), NEWSDEX_OK);
    unsigned long x = 42;
    for (int i = 0; i < 3000; i++) {
        char id[16], body[700], title[40];
        size_t at = 0;
        for (int n = 0; n < 60; n++) {
            int len = 4 + (int)((x = (x * 1103515245 + 12345) % 2147483648UL) % 6);
            for (int c = 0; c < len; c++)
                body[at++] = (char)('a' + (x = (x * 1103515245 + 12345) % 2147483648UL) % 26);
            body[at++] = ' ';
        }
        body[at] = '\0';
        snprintf(id, sizeof id, "a%d", i);
        snprintf(title, sizeof title, "%.20s", body);
        newsdex_article a = {.id = id, .title = title, .body = body};
        assert_int_equal(newsdex_writer_put(w, &a, NULL), NEWSDEX_OK);
    }
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
    snprintf(table, sizeof table, "%s/postlist.glass", db);
    damage_leaf_blocks(table);
    char *msg = NULL;
    assert_int_equal(newsdex_index_check(db, &msg), NEWSDEX_ERR_CORRUPT);
    assert_non_null(msg);
    free(msg);
    newsdex_stats s;
    assert_int_equal(newsdex_index_stats(db, &s, &msg), NEWSDEX_ERR_CORRUPT);
    assert_non_null(msg);
    free(msg);
    newsdex_stats_free(&s);
}

static void test_compact(void **state)
{
    fixture *f = *state;
    char db[128], copy[128];
    snprintf(db, sizeof db, "%s/db", f->dir);
    snprintf(copy, sizeof copy, "%s/copy", f->dir);
    make_small_index(db);
    newsdex_writer *w = NULL; /* holds the index still, as a caller should */
    assert_int_equal(newsdex_writer_open(db, &w, NULL), NEWSDEX_OK);
    int found = 0;
    assert_int_equal(newsdex_writer_delete(w, "n-2", &found), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_commit(w), NEWSDEX_OK);
    char *msg = NULL;
    assert_int_equal(newsdex_index_compact(db, copy, &msg), NEWSDEX_OK);
    assert_null(msg);
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);

    assert_int_equal(articles_at(copy), 3);
    newsdex_stats s;
    assert_int_equal(newsdex_index_stats(copy, &s, NULL), NEWSDEX_OK);
    assert_string_equal(s.last_run, "{\"outcome\":\"complete\"}"); /* metadata kept */
    newsdex_stats_free(&s);

    char missing[128];
    snprintf(missing, sizeof missing, "%s/none", f->dir);
    snprintf(copy, sizeof copy, "%s/copy2", f->dir);
    assert_int_not_equal(newsdex_index_compact(missing, copy, &msg), NEWSDEX_OK);
    assert_non_null(msg);
    free(msg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reader_jsonl, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reader_sgml, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reader_text_directory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reader_open_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reader_stop_flag, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stats, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stats_remote_shard_down, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_damaged_terms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compact, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
