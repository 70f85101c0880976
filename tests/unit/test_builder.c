/* Building ahead of the writer (newsdex_builder_*, newsdex_writer_put_built):
 * the same articles put through newsdex_writer_put() and through a builder
 * give the same statuses, outcomes, warnings, messages, counts and index,
 * for one index and for an archive of per-year shards; a builder keeps the
 * writer's setting of the time it was made; a built article that is never
 * written is freed without touching the index; into an index that holds
 * articles, one it holds as it is is left unbuilt, and built by the writer
 * when the run has written its id again since. */
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
#include "../../indexer/article_builder.h"

typedef struct fixture {
    char dir[64];
    char direct[128], built[128];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || scratch_dir_make(f->dir, sizeof f->dir, "nx-test-builder") != 0) {
        free(f);
        return -1;
    }
    snprintf(f->direct, sizeof f->direct, "%s/direct", f->dir);
    snprintf(f->built, sizeof f->built, "%s/built", f->dir);
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

/* One step of the script: an article as a reader would give it. */
typedef struct step {
    const char *id, *title, *body, *date, *source;
    int deleted;
    size_t size; /* 0: this release's layout */
} step;

static const char *const topics[] = {"crude", "opec"};
static const newsdex_list_field lists[] = {{"topics", topics, 2}};

static char *huge_body(void)
{
    /* One word more than the per-article bound on positions. */
    size_t words = 1000001;
    char *s = malloc(words * 2 + 1);
    for (size_t i = 0; s && i < words; i++)
        memcpy(s + 2 * i, "w ", 2);
    if (s)
        s[words * 2] = '\0';
    return s;
}

static const step script[] = {
    {"a1", "Crude oil prices rise", "OPEC said output would fall.", "1987-03-02", "Reuters", 0, 0},
    {"a2", "Oil stocks", "Stocks of crude fell.", "03/04/2008", "Reuters", 0, 0}, /* ambiguous */
    {"a3", "", "", "1987-03-02", NULL, 0, 0},                                     /* no text */
    {"a4", "Bad \xff title", "body", NULL, NULL, 0, 0},                           /* not UTF-8 */
    {"a1", "Crude oil prices rise", "OPEC said output would fall.", "1987-03-02", "Reuters", 0, 0},
    {"a1", "Crude oil prices rise", "OPEC said output would rise.", "1987-03-02", "Reuters", 0, 0},
    {"a5", "Gold", "Gold rose in 1988.", "1988-01-05", "AP", 0, 0},
    {"a5", "Gold", "Gold rose in 1988.", "1989-01-05", "AP", 0, 0}, /* another year */
    {"a2", NULL, NULL, NULL, NULL, 1, 0},                           /* deletion */
    {"zz", NULL, NULL, NULL, NULL, 1, 0},                           /* of nothing */
    {"a6", "Short layout", "body", NULL, NULL, 0, 8},               /* size too small */
    {"", "No id", "body", NULL, NULL, 0, 0},
    {"a7", "Huge", NULL, "1987-04-01", NULL, 0, 0},                 /* body: huge_body() */
};
#define STEPS (sizeof script / sizeof script[0])

typedef struct outcome_text {
    newsdex_status st;
    newsdex_put_outcome outcome;
    char warning[600], error[600];
} outcome_text;

static void fill(const step *s, newsdex_article *a, char *huge)
{
    newsdex_article_init(a);
    a->id = s->id;
    a->title = s->title;
    a->body = strcmp(s->id, "a7") == 0 ? huge : s->body;
    a->date = s->date;
    a->source = s->source;
    a->deleted = s->deleted;
    if (!s->deleted) {
        a->lists = lists;
        a->n_lists = 1;
    }
    if (s->size)
        a->size = s->size;
}

static void run_script(newsdex_writer *w, int through_builder, outcome_text out[STEPS])
{
    char *huge = huge_body();
    assert_non_null(huge);
    newsdex_builder *b = NULL;
    if (through_builder)
        assert_int_equal(newsdex_builder_new(w, &b), NEWSDEX_OK);
    for (size_t i = 0; i < STEPS; i++) {
        newsdex_article a;
        fill(&script[i], &a, huge);
        out[i].outcome = (newsdex_put_outcome)-1;
        if (!through_builder) {
            out[i].st = newsdex_writer_put(w, &a, &out[i].outcome);
            snprintf(out[i].error, sizeof out[i].error, "%s", newsdex_writer_last_error(w));
        } else {
            newsdex_built *built = NULL;
            out[i].st = newsdex_builder_build(b, &a, &built);
            if (out[i].st == NEWSDEX_OK) {
                assert_non_null(built);
                out[i].st = newsdex_writer_put_built(w, built, &out[i].outcome);
                snprintf(out[i].error, sizeof out[i].error, "%s", newsdex_writer_last_error(w));
            } else {
                assert_null(built);
                snprintf(out[i].error, sizeof out[i].error, "%s", newsdex_builder_last_error(b));
            }
        }
        snprintf(out[i].warning, sizeof out[i].warning, "%s",
                 out[i].st == NEWSDEX_OK ? newsdex_writer_last_warning(w) : "");
    }
    newsdex_builder_free(b);
    free(huge);
}

static char *search_json(const char *path, const char *query)
{
    newsdex_db *db = NULL;
    assert_int_equal(newsdex_db_open(path, &db, NULL), NEWSDEX_OK);
    newsdex_search_options o;
    newsdex_search_options_init(&o);
    o.query = query;
    o.limit = 50;
    newsdex_results *r = NULL;
    assert_int_equal(newsdex_search(db, &o, &r), NEWSDEX_OK);
    char *json = NULL;
    assert_int_equal(newsdex_results_to_json(r, query, &o, &json), NEWSDEX_OK);
    newsdex_results_free(r);
    newsdex_db_close(db);
    return json;
}

static void compare_runs(const char *direct, const char *built, newsdex_shard_by by)
{
    outcome_text want[STEPS], got[STEPS];
    newsdex_writer *w = NULL, *v = NULL;
    assert_int_equal(newsdex_writer_open_sharded(direct, by, &w, NULL), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_open_sharded(built, by, &v, NULL), NEWSDEX_OK);
    run_script(w, 0, want);
    run_script(v, 1, got);
    for (size_t i = 0; i < STEPS; i++) {
        print_message("# step %zu (%s): status %d outcome %d\n", i, script[i].id, want[i].st,
                      (int)want[i].outcome);
        assert_int_equal(got[i].st, want[i].st);
        if (want[i].st == NEWSDEX_OK)
            assert_int_equal(got[i].outcome, want[i].outcome);
        assert_string_equal(got[i].warning, want[i].warning);
        if (want[i].st != NEWSDEX_OK)
            assert_string_equal(got[i].error, want[i].error);
    }
    /* The script meets every case it is there for. */
    assert_int_equal(want[1].st, NEWSDEX_OK);
    assert_non_null(strstr(want[1].warning, "without a date"));
    assert_int_equal(want[2].st, NEWSDEX_ERR_INVALID);
    assert_int_equal(want[3].st, NEWSDEX_ERR_INVALID);
    assert_int_equal(want[4].outcome, NEWSDEX_PUT_UNCHANGED);
    assert_int_equal(want[5].outcome, NEWSDEX_PUT_REPLACED);
    assert_int_equal(want[7].outcome, NEWSDEX_PUT_REPLACED);
    assert_int_equal(want[8].outcome, NEWSDEX_PUT_DELETED);
    assert_int_equal(want[9].outcome, NEWSDEX_PUT_UNCHANGED);
    assert_int_equal(want[10].st, NEWSDEX_ERR_INVALID);
    assert_int_equal(want[11].st, NEWSDEX_ERR_INVALID);
    assert_non_null(strstr(want[12].warning, "truncated"));

    newsdex_writer_counts cw, cv;
    assert_int_equal(newsdex_writer_get_counts(w, &cw), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_get_counts(v, &cv), NEWSDEX_OK);
    assert_memory_equal(&cw, &cv, sizeof cw);
    uint64_t nw, nv;
    assert_int_equal(newsdex_writer_undated_count(w, &nw), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_undated_count(v, &nv), NEWSDEX_OK);
    assert_int_equal(nw, 1);
    assert_int_equal(nv, nw);
    assert_int_equal(newsdex_writer_truncated_count(w, &nw), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_truncated_count(v, &nv), NEWSDEX_OK);
    assert_int_equal(nw, 1);
    assert_int_equal(nv, nw);
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_close(v), NEWSDEX_OK);

    const char *queries[] = {"oil", "\"crude oil\"", "title:gold", "topics:opec", "output rise",
                             "w", "date:1989"};
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        char *a = search_json(direct, queries[i]), *b = search_json(built, queries[i]);
        assert_string_equal(b, a);
        free(a);
        free(b);
    }
}

static void test_same_as_put(void **state)
{
    fixture *f = *state;
    compare_runs(f->direct, f->built, NEWSDEX_SHARD_NONE);
}

static void test_same_as_put_sharded(void **state)
{
    fixture *f = *state;
    compare_runs(f->direct, f->built, NEWSDEX_SHARD_BY_YEAR);
}

/* The builder takes the writer's strict-dates setting when it is made. */
static void test_strict_dates_copied(void **state)
{
    fixture *f = *state;
    newsdex_writer *w = NULL;
    assert_int_equal(newsdex_writer_open(f->direct, &w, NULL), NEWSDEX_OK);
    newsdex_builder *lenient = NULL, *strict = NULL;
    assert_int_equal(newsdex_builder_new(w, &lenient), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_set_strict_dates(w, 1), NEWSDEX_OK);
    assert_int_equal(newsdex_builder_new(w, &strict), NEWSDEX_OK);
    newsdex_article a = NEWSDEX_ARTICLE_INIT;
    a.id = "d";
    a.title = "Dated";
    a.date = "03/04/2008";
    newsdex_built *built = NULL;
    assert_int_equal(newsdex_builder_build(strict, &a, &built), NEWSDEX_ERR_INVALID);
    assert_null(built);
    assert_non_null(strstr(newsdex_builder_last_error(strict), "03/04/2008"));
    assert_int_equal(newsdex_builder_build(lenient, &a, &built), NEWSDEX_OK);
    /* Built but never written: freed, and the index stays empty. */
    newsdex_built_free(built);
    uint64_t n = 1;
    assert_int_equal(newsdex_writer_count(w, &n), NEWSDEX_OK);
    assert_int_equal(n, 0);
    newsdex_builder_free(lenient);
    newsdex_builder_free(strict);
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
}

/* Into an index that already holds articles. */
static void put_text_article(newsdex_writer *w, newsdex_builder *b, const char *id,
                             const char *body, newsdex_put_outcome want, int want_unbuilt)
{
    newsdex_article a = NEWSDEX_ARTICLE_INIT;
    a.id = id;
    a.title = "Copper";
    a.body = body;
    a.date = "1987-05-01";
    newsdex_put_outcome got = (newsdex_put_outcome)-1;
    if (!b) {
        assert_int_equal(newsdex_writer_put(w, &a, &got), NEWSDEX_OK);
    } else {
        newsdex_built *built = NULL;
        assert_int_equal(newsdex_builder_build(b, &a, &built), NEWSDEX_OK);
        print_message("# %s \"%s\": %s\n", id, body, built->doc ? "built" : "left unbuilt");
        assert_int_equal(built->doc == NULL, want_unbuilt);
        assert_int_equal(built->later != NULL, want_unbuilt);
        assert_int_equal(newsdex_writer_put_built(w, built, &got), NEWSDEX_OK);
    }
    assert_int_equal(got, want);
}

static void reindex(const char *path, int through_builder)
{
    newsdex_writer *w = NULL;
    assert_int_equal(newsdex_writer_open(path, &w, NULL), NEWSDEX_OK);
    put_text_article(w, NULL, "c1", "Copper output rose", NEWSDEX_PUT_ADDED, 0);
    put_text_article(w, NULL, "c2", "Copper stocks fell", NEWSDEX_PUT_ADDED, 0);
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);

    assert_int_equal(newsdex_writer_open(path, &w, NULL), NEWSDEX_OK);
    newsdex_builder *b = NULL;
    if (through_builder)
        assert_int_equal(newsdex_builder_new(w, &b), NEWSDEX_OK);
    /* the index holds it: unbuilt, and unchanged */
    put_text_article(w, b, "c1", "Copper output rose", NEWSDEX_PUT_UNCHANGED, 1);
    put_text_article(w, b, "c2", "Copper stocks rose", NEWSDEX_PUT_REPLACED, 0);
    /* as committed it is the old text, but the run wrote another since */
    put_text_article(w, b, "c2", "Copper stocks fell", NEWSDEX_PUT_REPLACED, 1);
    put_text_article(w, b, "c3", "Zinc", NEWSDEX_PUT_ADDED, 0);
    newsdex_builder_free(b);
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
}

static void test_reindex_unchanged(void **state)
{
    fixture *f = *state;
    reindex(f->direct, 0);
    reindex(f->built, 1);
    const char *queries[] = {"copper", "fell", "rose", "zinc", "\"stocks fell\""};
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        char *a = search_json(f->direct, queries[i]), *b = search_json(f->built, queries[i]);
        assert_string_equal(b, a);
        free(a);
        free(b);
    }
    char *fell = search_json(f->built, "\"stocks fell\"");
    assert_non_null(strstr(fell, "\"c2\""));
    free(fell);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_same_as_put, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_as_put_sharded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_strict_dates_copied, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reindex_unchanged, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
