/* Compatibility of the public API across releases.
 *
 * Binary: a caller's struct with a leading size (newsdex.h) is read only up
 * to its size and written only up to its size. An "older" layout is a
 * struct cut short: it sits at the very end of a page whose next page is
 * inaccessible, so a read or write past it ends the test with SIGSEGV; and
 * in an ordinary buffer followed by a canary that must stay intact. A
 * "newer" layout is longer than this release's: the library fills what it
 * knows and zeroes the rest. The version macros and newsdex_version().
 *
 * Index: the writer records the schema version (newsdex:schema) with its
 * first commit; an index without it counts as version 1 and gets it with
 * its next commit; a later version is refused by newsdex_db_open(),
 * newsdex_db_open_many() and newsdex_writer_open() with NEWSDEX_ERR_VERSION. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "newsdex.h"
#include "index_fixture.h"
#include "scratch_dir.h"
#include "../../engine/terms.h"
#include "../../engine/xapian/xdb.h"

#define CANARY 0xA5
#define CANARY_BYTES 64

typedef struct fixture {
    char dir[64];
    char db_path[128];
    newsdex_db *db;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    if (scratch_dir_make(f->dir, sizeof f->dir, "nx-api-abi") != 0)
        return -1;
    snprintf(f->db_path, sizeof f->db_path, "%s/db", f->dir);
    if (oil_index_make(f->db_path) != 0 || newsdex_db_open(f->db_path, &f->db, NULL) != NEWSDEX_OK)
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

/* ---- Where an older layout lives ---- */

/* n bytes that end where an inaccessible page begins (n a multiple of 8,
 * so the struct is aligned). Free with guarded_free(). */
typedef struct guarded {
    unsigned char *map;
    size_t map_len;
    void *at;
} guarded;

static guarded guarded_alloc(size_t n)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    guarded g = {NULL, 2 * page, NULL};
    assert_true(n % 8 == 0 && n <= page);
    void *m = mmap(NULL, g.map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(m != MAP_FAILED);
    g.map = m;
    assert_int_equal(mprotect(g.map + page, page, PROT_NONE), 0);
    g.at = g.map + page - n;
    return g;
}

static void guarded_free(guarded *g)
{
    munmap(g->map, g->map_len);
}

/* n bytes for a struct, then CANARY_BYTES of CANARY; 8-aligned. */
static unsigned char *canaried_alloc(size_t n)
{
    unsigned char *b = aligned_alloc(8, (n + CANARY_BYTES + 7) / 8 * 8);
    assert_non_null(b);
    memset(b, 0x5a, n);
    memset(b + n, CANARY, CANARY_BYTES);
    return b;
}

static void assert_canary(const unsigned char *b, size_t n)
{
    for (size_t i = 0; i < CANARY_BYTES; i++)
        if (b[n + i] != CANARY)
            fail_msg("byte %zu after a %zu-byte struct was written", i, n);
}

static newsdex_results *search(newsdex_db *db, const char *query)
{
    newsdex_search_options o;
    newsdex_search_options_init(&o);
    o.query = query;
    newsdex_results *r = NULL;
    assert_int_equal(newsdex_search(db, &o, &r), NEWSDEX_OK);
    assert_int_equal(newsdex_results_count(r), 3);
    return r;
}

/* ---- The macros pass the caller's sizeof ---- */

static void test_macros_pass_sizeof(void **state)
{
    fixture *f = *state;
    newsdex_search_options o;
    memset(&o, 0x5a, sizeof o);
    newsdex_search_options_init(&o);
    assert_int_equal(o.size, sizeof o);
    assert_int_equal(o.limit, 10);
    assert_null(o.query);
    newsdex_results *r = search(f->db, "oil");
    newsdex_hit h;
    assert_int_equal(newsdex_results_get(r, 0, &h), NEWSDEX_OK);
    assert_int_equal(h.size, sizeof h);
    assert_int_equal(h.rank, 1);
    newsdex_results_free(r);

    newsdex_article a = NEWSDEX_ARTICLE_INIT, b;
    assert_int_equal(a.size, sizeof a);
    memset(&b, 0x5a, sizeof b);
    newsdex_article_init(&b);
    assert_int_equal(b.size, sizeof b);
    assert_null(b.id);
    assert_int_equal(b.deleted, 0);
}

/* ---- Results the library writes ---- */

static void test_hit_older_layout(void **state)
{
    fixture *f = *state;
    newsdex_results *r = search(f->db, "oil");
    newsdex_hit full;
    assert_int_equal(newsdex_results_get(r, 0, &full), NEWSDEX_OK);
    /* A layout that ends before the snippet's highlights. */
    const size_t n = offsetof(newsdex_hit, snippet_marks);
    guarded g = guarded_alloc(n);
    newsdex_hit *h = g.at;
    assert_int_equal(newsdex_results_get_sized(r, 0, h, n), NEWSDEX_OK);
    assert_int_equal(h->size, n);
    assert_int_equal(h->rank, full.rank);
    assert_string_equal(h->id, full.id);
    assert_string_equal(h->snippet, full.snippet);
    guarded_free(&g);

    unsigned char *b = canaried_alloc(n);
    assert_int_equal(newsdex_results_get_sized(r, 1, (newsdex_hit *)b, n), NEWSDEX_OK);
    assert_canary(b, n);
    assert_int_equal(((newsdex_hit *)b)->rank, 2);
    free(b);
    newsdex_results_free(r);
}

static void test_hit_newer_layout(void **state)
{
    fixture *f = *state;
    newsdex_results *r = search(f->db, "oil");
    const size_t n = sizeof(newsdex_hit) + 32; /* members this release does not know */
    unsigned char *b = canaried_alloc(n);
    assert_int_equal(newsdex_results_get_sized(r, 0, (newsdex_hit *)b, n), NEWSDEX_OK);
    assert_int_equal(((newsdex_hit *)b)->size, sizeof(newsdex_hit)); /* what it filled */
    for (size_t i = sizeof(newsdex_hit); i < n; i++)
        assert_int_equal(b[i], 0);
    assert_canary(b, n);
    free(b);
    newsdex_results_free(r);
}

static void test_counts_older_layout(void **state)
{
    fixture *f = *state;
    char path[160];
    snprintf(path, sizeof path, "%s/counts", f->dir);
    newsdex_writer *w = NULL;
    assert_int_equal(newsdex_writer_open(path, &w, NULL), NEWSDEX_OK);
    assert_int_equal(oil_index_put(w, "c-1", "Counted", NULL, NULL, NULL), NEWSDEX_OK);
    const size_t n = offsetof(newsdex_writer_counts, replaced); /* size and added */
    guarded g = guarded_alloc(n);
    newsdex_writer_counts *c = g.at;
    assert_int_equal(newsdex_writer_get_counts_sized(w, c, n), NEWSDEX_OK);
    assert_int_equal(c->size, n);
    assert_int_equal(c->added, 1);
    assert_int_equal(newsdex_writer_get_committed_counts_sized(w, c, n), NEWSDEX_OK);
    assert_int_equal(c->added, 0);
    guarded_free(&g);

    unsigned char *b = canaried_alloc(n);
    assert_int_equal(newsdex_writer_get_counts_sized(w, (newsdex_writer_counts *)b, n),
                     NEWSDEX_OK);
    assert_canary(b, n);
    free(b);
    newsdex_writer_counts all;
    assert_int_equal(newsdex_writer_get_counts(w, &all), NEWSDEX_OK);
    assert_int_equal(all.size, sizeof all);
    assert_int_equal(all.added, 1);
    assert_int_equal(all.pending, 1);
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
}

/* ---- Options the library reads ---- */

static void test_options_init_older_layout(void **state)
{
    (void)state;
    const size_t n = offsetof(newsdex_search_options, sort);
    guarded g = guarded_alloc(n);
    newsdex_search_options *o = g.at;
    newsdex_search_options_init_sized(o, n);
    assert_int_equal(o->size, n);
    assert_int_equal(o->limit, 10);
    assert_int_equal(o->snippets, 1);
    assert_int_equal(o->snippet_chars, 200);
    assert_null(o->to);
    guarded_free(&g);

    unsigned char *b = canaried_alloc(n);
    newsdex_search_options_init_sized((newsdex_search_options *)b, n);
    assert_canary(b, n);
    free(b);
}

/* Options cut after query: offset, limit, ... take their defaults. */
static void test_options_older_layout_read(void **state)
{
    fixture *f = *state;
    const size_t n = offsetof(newsdex_search_options, offset);
    guarded g = guarded_alloc(n);
    newsdex_search_options *o = g.at;
    o->size = n;
    o->query = "oil";
    newsdex_results *r = NULL;
    assert_int_equal(newsdex_search(f->db, o, &r), NEWSDEX_OK);
    assert_int_equal(newsdex_results_count(r), 3); /* limit 10 */
    newsdex_hit h;
    assert_int_equal(newsdex_results_get(r, 0, &h), NEWSDEX_OK);
    assert_true(h.snippet[0] != '\0'); /* snippets 1 */
    char *json = NULL;
    assert_int_equal(newsdex_results_to_json(r, "oil", o, &json), NEWSDEX_OK);
    assert_non_null(strstr(json, "\"offset\":0"));
    assert_null(strstr(json, "\"facets\""));
    free(json);
    newsdex_results_free(r);

    char *tree = NULL, *xq = NULL;
    assert_int_equal(newsdex_explain(f->db, o, &tree, &xq), NEWSDEX_OK);
    assert_string_equal(tree, "oil");
    free(tree);
    free(xq);
    assert_int_equal(newsdex_similar(f->db, "n-1", o, &r), NEWSDEX_OK);
    assert_true(newsdex_results_count(r) >= 1);
    newsdex_results_free(r);
    guarded_free(&g);
}

/* Options cut after `to`: the dates apply, the later members are defaults. */
static void test_options_older_layout_dates(void **state)
{
    fixture *f = *state;
    const size_t n = offsetof(newsdex_search_options, sort);
    guarded g = guarded_alloc(n);
    newsdex_search_options *o = g.at;
    newsdex_search_options_init_sized(o, n);
    o->query = "oil";
    o->from = "1988";
    newsdex_results *r = NULL;
    assert_int_equal(newsdex_search(f->db, o, &r), NEWSDEX_OK);
    assert_int_equal(newsdex_results_count(r), 2); /* n-2 and n-3 */
    newsdex_results_free(r);
    o->to = "1987";
    assert_int_equal(newsdex_search(f->db, o, &r), NEWSDEX_ERR_QUERY);
    assert_string_equal(newsdex_db_last_error(f->db),
                        "options->from (1988) is after options->to (1987)");
    guarded_free(&g);
}

/* size 0 (options filled without newsdex_search_options_init): this layout. */
static void test_options_size_zero(void **state)
{
    fixture *f = *state;
    newsdex_search_options o;
    memset(&o, 0, sizeof o);
    o.query = "oil";
    o.limit = 2;
    o.facets = 1;
    newsdex_results *r = NULL;
    assert_int_equal(newsdex_search(f->db, &o, &r), NEWSDEX_OK);
    assert_int_equal(newsdex_results_count(r), 2);
    assert_true(newsdex_results_facet_count(r, NEWSDEX_FACET_YEAR) == 2);
    newsdex_results_free(r);
}

/* ---- Articles ---- */

static void test_article_sizes(void **state)
{
    fixture *f = *state;
    char path[160];
    snprintf(path, sizeof path, "%s/articles", f->dir);
    newsdex_writer *w = NULL;
    assert_int_equal(newsdex_writer_open(path, &w, NULL), NEWSDEX_OK);
    newsdex_put_outcome out;

    newsdex_article zero = {.id = "z-1", .title = "Size zero"};
    assert_int_equal(newsdex_writer_put(w, &zero, &out), NEWSDEX_OK);
    assert_int_equal(out, NEWSDEX_PUT_ADDED);

    /* Smaller than this release's layout: refused, and not read past. */
    const size_t n = offsetof(newsdex_article, deleted) / 8 * 8;
    guarded g = guarded_alloc(n);
    newsdex_article *small = g.at;
    memset(small, 0, n);
    small->size = n;
    small->id = "s-1";
    small->title = "Too small";
    assert_int_equal(newsdex_writer_put(w, small, &out), NEWSDEX_ERR_INVALID);
    assert_non_null(strstr(newsdex_writer_last_error(w), "newsdex_article.size"));
    guarded_free(&g);

    /* Larger (a later layout): what this release knows is read. */
    const size_t big = sizeof(newsdex_article) + 32;
    unsigned char *b = canaried_alloc(big);
    newsdex_article *later = (newsdex_article *)b;
    newsdex_article_init_sized(later, big);
    assert_int_equal(later->size, big);
    for (size_t i = sizeof(newsdex_article); i < big; i++)
        assert_int_equal(b[i], 0);
    assert_canary(b, big);
    later->id = "l-1";
    later->title = "A later layout";
    memset(b + sizeof(newsdex_article), 0x77, 32); /* members unknown here */
    assert_int_equal(newsdex_writer_put(w, later, &out), NEWSDEX_OK);
    assert_int_equal(out, NEWSDEX_PUT_ADDED);
    free(b);

    newsdex_article del = NEWSDEX_ARTICLE_INIT;
    del.id = "z-1";
    del.deleted = 1;
    assert_int_equal(newsdex_writer_put(w, &del, &out), NEWSDEX_OK);
    assert_int_equal(out, NEWSDEX_PUT_DELETED);
    uint64_t count = 0;
    assert_int_equal(newsdex_writer_count(w, &count), NEWSDEX_OK);
    assert_int_equal(count, 1);
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
}

/* ---- Version ---- */

static void test_version(void **state)
{
    (void)state;
    char expected[32];
    snprintf(expected, sizeof expected, "%d.%d.%d", NEWSDEX_VERSION_MAJOR, NEWSDEX_VERSION_MINOR,
             NEWSDEX_VERSION_PATCH);
    assert_string_equal(NEWSDEX_VERSION_STRING, expected);
    assert_string_equal(newsdex_version(), NEWSDEX_VERSION_STRING);
    assert_true(NEWSDEX_CHECK_VERSION(1, 0, 0));
    assert_true(NEWSDEX_CHECK_VERSION(0, 9, 9));
    assert_true(NEWSDEX_CHECK_VERSION(NEWSDEX_VERSION_MAJOR, NEWSDEX_VERSION_MINOR,
                                      NEWSDEX_VERSION_PATCH));
    assert_false(NEWSDEX_CHECK_VERSION(NEWSDEX_VERSION_MAJOR, NEWSDEX_VERSION_MINOR,
                                       NEWSDEX_VERSION_PATCH + 1));
    assert_false(NEWSDEX_CHECK_VERSION(NEWSDEX_VERSION_MAJOR, NEWSDEX_VERSION_MINOR + 1, 0));
    assert_false(NEWSDEX_CHECK_VERSION(NEWSDEX_VERSION_MAJOR + 1, 0, 0));
}

/* ---- Index schema version ---- */

/* The index's newsdex:schema ("" when absent), malloc'd. */
static char *schema_of(const char *path)
{
    nx_error err;
    nx_error_clear(&err);
    nx_xdb *db = NULL;
    char *value = NULL;
    size_t len = 0;
    assert_int_equal(nx_xdb_open_readonly(path, &db, &err), NEWSDEX_OK);
    assert_int_equal(nx_xdb_get_metadata(db, NX_META_SCHEMA, &value, &len, &err), NEWSDEX_OK);
    nx_xdb_close(db, NULL);
    return value;
}

/* Sets newsdex:schema as a later (or an older) newsdex would ("": none). */
static void set_schema(const char *path, const char *value)
{
    nx_error err;
    nx_error_clear(&err);
    nx_xdb *db = NULL;
    assert_int_equal(nx_xdb_open_writable(path, &db, &err), NEWSDEX_OK);
    assert_int_equal(nx_xdb_set_metadata(db, NX_META_SCHEMA, value, strlen(value), &err),
                     NEWSDEX_OK);
    assert_int_equal(nx_xdb_close(db, &err), NEWSDEX_OK);
}

static void assert_schema(const char *path, const char *expected)
{
    char *value = schema_of(path);
    assert_string_equal(value, expected);
    free(value);
}

static void test_schema_recorded(void **state)
{
    fixture *f = *state;
    assert_schema(f->db_path, "2");
    /* A writer that commits nothing records nothing. */
    char path[160];
    snprintf(path, sizeof path, "%s/empty", f->dir);
    newsdex_writer *w = NULL;
    assert_int_equal(newsdex_writer_open(path, &w, NULL), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
    assert_schema(path, "");
}

/* An index with schema "before" (none: from before the key; "1": words
 * with digits have stem terms too) is read, and records this version with
 * the first commit that adds articles. */
static void check_upgrade(const fixture *f, const char *name, const char *before)
{
    char path[160];
    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    assert_int_equal(oil_index_make(path), 0);
    set_schema(path, before);
    assert_schema(path, before);
    newsdex_db *db = NULL;
    assert_int_equal(newsdex_db_open(path, &db, NULL), NEWSDEX_OK);
    newsdex_db_close(db);
    newsdex_writer *w = NULL;
    assert_int_equal(newsdex_writer_open(path, &w, NULL), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_commit(w), NEWSDEX_OK); /* nothing to commit */
    assert_schema(path, before);
    assert_int_equal(oil_index_put(w, "n-9", "Oil in 2024", NULL, NULL, NULL), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
    assert_schema(path, "2");
}

static void test_schema_absent_is_one(void **state)
{
    check_upgrade(*state, "old", "");
}

static void test_schema_one_upgraded(void **state)
{
    check_upgrade(*state, "one", "1");
}

/* Positions kept per article: a new index records 3 and stays 3 when
 * written to with Xapian's positions (it may hold both kinds), and the
 * articles of both kinds answer the same phrases. */
static void test_schema_article_positions(void **state)
{
    fixture *f = *state;
    char path[160];
    snprintf(path, sizeof path, "%s/article-positions", f->dir);
    newsdex_writer *w = NULL;
    assert_int_equal(newsdex_writer_open(path, &w, NULL), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_set_article_positions(w, 1), NEWSDEX_OK);
    assert_int_equal(oil_index_put(w, "x-1", "Crude oil prices fall", NULL, NULL, NULL), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
    assert_schema(path, "3");

    assert_int_equal(newsdex_writer_open(path, &w, NULL), NEWSDEX_OK);
    assert_int_equal(oil_index_put(w, "x-2", "Oil prices rise again", NULL, NULL, NULL), NEWSDEX_OK);
    assert_int_equal(oil_index_put(w, "x-3", "Prices of oil steady", NULL, NULL, NULL), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
    assert_schema(path, "3");

    newsdex_db *db = NULL;
    assert_int_equal(newsdex_db_open(path, &db, NULL), NEWSDEX_OK);
    static const struct {
        const char *query;
        uint64_t total;
    } cases[] = {
        {"title:\"oil prices\"", 2}, /* x-1 (its own positions), x-2 (Xapian's) */
        {"\"prices of oil\"", 1},    /* x-3 (Xapian's) */
        {"\"crude oil prices rose\"", 3},
        {"\"oil crude\"", 0},
        {"\"rose crude\"~2", 3}, /* any order, two words among them */
        {"rose NEAR/1 crude", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        newsdex_search_options o;
        newsdex_search_options_init(&o);
        o.query = cases[i].query;
        newsdex_results *r = NULL;
        assert_int_equal(newsdex_search(db, &o, &r), NEWSDEX_OK);
        if (newsdex_results_total(r) != cases[i].total)
            fail_msg("%s: %llu matches, not %llu", cases[i].query,
                     (unsigned long long)newsdex_results_total(r),
                     (unsigned long long)cases[i].total);
        newsdex_results_free(r);
    }
    newsdex_db_close(db);
}

static void expect_version_error(newsdex_status st, char *message, const char *path,
                                 const char *what)
{
    char expected[256];
    snprintf(expected, sizeof expected, "index %s has schema version %s", path, what);
    assert_int_equal(st, NEWSDEX_ERR_VERSION);
    assert_non_null(message);
    assert_memory_equal(message, expected, strlen(expected));
    free(message);
}

static void test_schema_later_refused(void **state)
{
    fixture *f = *state;
    char path[160];
    snprintf(path, sizeof path, "%s/later", f->dir);
    assert_int_equal(oil_index_make(path), 0);
    set_schema(path, "7");

    newsdex_db *db = NULL;
    char *message = NULL;
    newsdex_status st = newsdex_db_open(path, &db, &message);
    assert_null(db);
    char expected[256];
    snprintf(expected, sizeof expected,
             "index %s has schema version 7; this newsdex reads versions up to 3", path);
    assert_int_equal(st, NEWSDEX_ERR_VERSION);
    assert_string_equal(message, expected);
    free(message);

    newsdex_writer *w = NULL;
    message = NULL;
    st = newsdex_writer_open(path, &w, &message);
    assert_null(w);
    expect_version_error(st, message, path, "7;");
    assert_schema(path, "7"); /* left as it was */

    const char *paths[] = {path, f->db_path};
    message = NULL;
    st = newsdex_db_open_many(paths, 2, &db, &message);
    assert_null(db);
    expect_version_error(st, message, path, "7;");

    set_schema(path, "x");
    message = NULL;
    st = newsdex_db_open(path, &db, &message);
    expect_version_error(st, message, path, "\"x\"");
    set_schema(path, "1");
    assert_int_equal(newsdex_db_open(path, &db, NULL), NEWSDEX_OK);
    newsdex_db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_macros_pass_sizeof),
        cmocka_unit_test(test_hit_older_layout),
        cmocka_unit_test(test_hit_newer_layout),
        cmocka_unit_test(test_counts_older_layout),
        cmocka_unit_test(test_options_init_older_layout),
        cmocka_unit_test(test_options_older_layout_read),
        cmocka_unit_test(test_options_older_layout_dates),
        cmocka_unit_test(test_options_size_zero),
        cmocka_unit_test(test_article_sizes),
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_schema_recorded),
        cmocka_unit_test(test_schema_absent_is_one),
        cmocka_unit_test(test_schema_one_upgraded),
        cmocka_unit_test(test_schema_article_positions),
        cmocka_unit_test(test_schema_later_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
