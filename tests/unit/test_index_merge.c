/* Merging the shards of a parallel build: the metadata rule, and that
 * newsdex_index_merge() and newsdex_writer_merge_shard() give the index,
 * month map, sources and counts that one writer gives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "newsdex.h"
#include "../../engine/terms.h"
#include "../../engine/xapian/xdb.h"
#include "../../engine/xapian/xmerge.h"
#include "scratch_dir.h"

typedef struct fixture {
    char dir[256];
    char path[4][320]; /* shard 1, shard 2, one writer, merged */
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || scratch_dir_make(f->dir, sizeof f->dir, "nx-merge") != 0)
        return -1;
    const char *names[] = {"part-1", "part-2", "single", "merged"};
    char dir[sizeof f->dir]; /* a copy: the compiler cannot tell f->dir and f->path apart */
    memcpy(dir, f->dir, sizeof dir);
    for (int i = 0; i < 4; i++)
        snprintf(f->path[i], sizeof f->path[i], "%s/%s", dir, names[i]);
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

/* Article i: one of 30 months, a source spelled two ways (the same
 * source: the spelling first written is kept). */
static void put(newsdex_writer *w, int i, const char *variant)
{
    char id[32], date[16], body[96];
    snprintf(id, sizeof id, "a-%04d", i);
    snprintf(date, sizeof date, "%04d-%02d-15", 1990 + i % 30 / 12, i % 12 + 1);
    snprintf(body, sizeof body, "oil price %s report number %d", variant, i % 7);
    newsdex_article a;
    newsdex_article_init(&a);
    a.id = id;
    a.title = "Market";
    a.body = body;
    a.date = i % 50 == 0 ? NULL : date; /* some undated */
    a.source = i < 700 ? "Harbor Wire" : "HARBOR wire";
    assert_int_equal(newsdex_writer_put(w, &a, NULL), NEWSDEX_OK);
}

/* Writes articles [from, to) into path, each i also given by `again`
 * (replacing it) when it is >= 0. */
static void write_range(const char *path, int from, int to, int again)
{
    newsdex_writer *w = NULL;
    assert_int_equal(newsdex_writer_open(path, &w, NULL), NEWSDEX_OK);
    for (int i = from; i < to; i++)
        put(w, i, "first");
    if (again >= 0)
        put(w, again, "second");
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
}

static char *meta(const char *path, const char *key)
{
    nx_xdb *db = NULL;
    char *v = NULL;
    size_t len = 0;
    assert_int_equal(nx_xdb_open_readonly(path, &db, NULL), NEWSDEX_OK);
    assert_int_equal(nx_xdb_get_metadata(db, key, &v, &len, NULL), NEWSDEX_OK);
    nx_xdb_close(db, NULL);
    return v;
}

/* Same month map chunks, schema, and stats (years, sources) in a and b. */
static void assert_same_bookkeeping(const char *a, const char *b)
{
    const char *keys[] = {NX_META_MONTHS, NX_META_MONTHS_CHUNK "0", NX_META_MONTHS_CHUNK "1",
                          NX_META_MONTHS_CHUNK "2", NX_META_MONTHS_CHUNK "3", NX_META_SCHEMA};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        char *x = meta(a, keys[i]), *y = meta(b, keys[i]);
        assert_string_equal(x, y);
        free(x);
        free(y);
    }
    char *complete = meta(b, NX_META_MONTHS);
    assert_string_equal(complete, "3:512");
    free(complete);
    newsdex_stats sa, sb;
    assert_int_equal(newsdex_index_stats(a, &sa, NULL), NEWSDEX_OK);
    assert_int_equal(newsdex_index_stats(b, &sb, NULL), NEWSDEX_OK);
    assert_int_equal(sa.articles, sb.articles);
    assert_int_equal(sa.undated, sb.undated);
    assert_int_equal(sa.n_years, sb.n_years);
    for (size_t i = 0; i < sa.n_years; i++) {
        assert_string_equal(sa.years[i].value, sb.years[i].value);
        assert_int_equal(sa.years[i].count, sb.years[i].count);
    }
    assert_int_equal(sa.n_sources, sb.n_sources);
    for (size_t i = 0; i < sa.n_sources; i++)
        assert_string_equal(sa.sources[i].value, sb.sources[i].value);
    newsdex_stats_free(&sa);
    newsdex_stats_free(&sb);
}

static void metadata_rule_takes_the_first_value(void **state)
{
    (void)state;
    const char *values[] = {"", "Harbor Wire", "HARBOR wire"};
    assert_string_equal(nx_xmerge_metadata(NX_META_SOURCE "x", 3, values), "Harbor Wire");
    const char *one[] = {"1"};
    assert_string_equal(nx_xmerge_metadata(NX_META_SCHEMA, 1, one), "1");
}

/* Shard 1 holds 0..899 (past a month-map chunk of 512), shard 2 900..1399
 * with a repeat inside it: concatenated, they equal one writer's index. */
static void concatenation_equals_one_writer(void **state)
{
    fixture *f = *state;
    write_range(f->path[0], 0, 900, -1);
    write_range(f->path[1], 900, 1400, 1000);
    newsdex_writer *single = NULL;
    assert_int_equal(newsdex_writer_open(f->path[2], &single, NULL), NEWSDEX_OK);
    for (int i = 0; i < 1400; i++)
        put(single, i, "first");
    put(single, 1000, "second");
    int can = 0;
    const char *shards[] = {f->path[0], f->path[1]};
    assert_int_equal(newsdex_writer_can_concatenate(single, shards, 2, &can), NEWSDEX_OK);
    assert_int_equal(can, 0); /* it holds documents */
    assert_int_equal(newsdex_writer_close(single), NEWSDEX_OK);

    char *msg = NULL;
    assert_int_equal(newsdex_index_merge(shards, 2, f->path[3], &msg), NEWSDEX_OK);
    assert_null(msg);
    assert_same_bookkeeping(f->path[2], f->path[3]);
}

static void overlapping_ids_cannot_be_concatenated(void **state)
{
    fixture *f = *state;
    write_range(f->path[0], 0, 10, -1);
    write_range(f->path[1], 5, 20, -1);
    newsdex_writer *w = NULL;
    assert_int_equal(newsdex_writer_open(f->path[3], &w, NULL), NEWSDEX_OK);
    const char *shards[] = {f->path[0], f->path[1]};
    int can = 1;
    assert_int_equal(newsdex_writer_can_concatenate(w, shards, 2, &can), NEWSDEX_OK);
    assert_int_equal(can, 0);
    assert_int_equal(newsdex_writer_can_concatenate(w, shards, 1, &can), NEWSDEX_OK);
    assert_int_equal(can, 1);

    /* Put through the writer instead: as one writer would count them. */
    assert_int_equal(newsdex_writer_merge_shard(w, f->path[0], 1, UINT64_MAX), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_merge_shard(w, f->path[1], 1, 3), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_merge_shard(w, f->path[1], 4, UINT64_MAX), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_merge_shard(w, f->path[0], 1, UINT64_MAX), NEWSDEX_OK);
    newsdex_writer_counts c;
    assert_int_equal(newsdex_writer_get_counts(w, &c), NEWSDEX_OK);
    assert_int_equal(c.added, 20);
    assert_int_equal(c.replaced, 0);
    assert_int_equal(c.unchanged, 5 + 10); /* same content again */
    uint64_t n = 0;
    assert_int_equal(newsdex_writer_count(w, &n), NEWSDEX_OK);
    assert_int_equal(n, 20);
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
    char *complete = meta(f->path[3], NX_META_MONTHS);
    assert_string_equal(complete, "3:512");
    free(complete);
}

static void missing_shard_is_an_error(void **state)
{
    fixture *f = *state;
    newsdex_writer *w = NULL;
    assert_int_equal(newsdex_writer_open(f->path[3], &w, NULL), NEWSDEX_OK);
    assert_int_not_equal(newsdex_writer_merge_shard(w, f->path[0], 1, 5), NEWSDEX_OK);
    assert_true(newsdex_writer_last_error(w)[0] != '\0');
    newsdex_writer_close(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(metadata_rule_takes_the_first_value),
        cmocka_unit_test_setup_teardown(concatenation_equals_one_writer, setup, teardown),
        cmocka_unit_test_setup_teardown(overlapping_ids_cannot_be_concatenated, setup, teardown),
        cmocka_unit_test_setup_teardown(missing_shard_is_an_error, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
