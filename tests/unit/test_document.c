/* newsdex_document_get: the stored article whole, found by id (in one
 * index or several), and the query's words marked as byte ranges of the
 * title and body: every inflection, never a negated word, never a word that
 * only shares letters. */
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
    char a[128], b[128];
    newsdex_db *db;
} fixture;

static int put(const char *path, const char *id, const char *title, const char *body,
               const char *date, const char *url)
{
    const char *topics[] = {"Energy & Oil", "markets"};
    newsdex_list_field lists[] = {{"topics", topics, 2}};
    newsdex_article art = {.id = id, .title = title, .body = body, .date = date,
                           .source = "Gazette", .url = url, .lists = lists, .n_lists = 1};
    newsdex_writer *w = NULL;
    if (newsdex_writer_open(path, &w, NULL) != NEWSDEX_OK)
        return -1;
    int rc = newsdex_writer_put(w, &art, NULL) == NEWSDEX_OK ? 0 : -1;
    return newsdex_writer_close(w) == NEWSDEX_OK ? rc : -1;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || scratch_dir_make(f->dir, sizeof f->dir, "nx-document") != 0)
        return -1;
    snprintf(f->a, sizeof f->a, "%s/a", f->dir);
    snprintf(f->b, sizeof f->b, "%s/b", f->dir);
    if (put(f->a, "d-1", "Oil rises; oilfield quiet",
            "Crude oil prices rose.\n\nThe oils & <crude> spreads: OIL!", "2024-01-10T22:30:00Z",
            "https://example.com/1") != 0 ||
        put(f->b, "d-2", "Second index", "Only in the second index: layoffs.", NULL, NULL) != 0)
        return -1;
    const char *paths[] = {f->a, f->b};
    if (newsdex_db_open_many(paths, 2, &f->db, NULL) != NEWSDEX_OK)
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

/* The marked words of text, joined with '|'. */
static void marked(const char *text, const size_t *marks, size_t n, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        assert_true(marks[2 * i] < marks[2 * i + 1]);
        assert_true(marks[2 * i + 1] <= strlen(text));
        if (i)
            assert_true(marks[2 * i] >= marks[2 * i - 1]);
        len += (size_t)snprintf(out + len, cap - len, "%s%.*s", i ? "|" : "",
                                (int)(marks[2 * i + 1] - marks[2 * i]), text + marks[2 * i]);
    }
}

static void test_fields(void **state)
{
    fixture *f = *state;
    newsdex_document *d = NULL;
    assert_int_equal(newsdex_document_get(f->db, "d-1", NULL, &d), NEWSDEX_OK);
    assert_true(d->size >= sizeof *d);
    assert_string_equal(d->id, "d-1");
    assert_string_equal(d->title, "Oil rises; oilfield quiet");
    assert_string_equal(d->body, "Crude oil prices rose.\n\nThe oils & <crude> spreads: OIL!");
    assert_string_equal(d->date, "2024-01-10");
    assert_string_equal(d->source, "Gazette");
    assert_string_equal(d->url, "https://example.com/1");
    assert_int_equal(d->n_topics, 2);
    assert_string_equal(d->topics[0], "Energy & Oil");
    assert_string_equal(d->topics[1], "markets");
    assert_int_equal(d->n_title_marks + d->n_body_marks, 0);
    newsdex_document_free(d);
}

static void test_marks(void **state)
{
    fixture *f = *state;
    newsdex_document *d = NULL;
    char got[256];
    assert_int_equal(newsdex_document_get(f->db, "d-1", "oil -crude", &d), NEWSDEX_OK);
    marked(d->title, d->title_marks, d->n_title_marks, got, sizeof got);
    assert_string_equal(got, "Oil"); /* not "oilfield", which only shares letters */
    marked(d->body, d->body_marks, d->n_body_marks, got, sizeof got);
    assert_string_equal(got, "oil|oils|OIL"); /* every inflection; "crude" is negated */
    newsdex_document_free(d);

    assert_int_equal(newsdex_document_get(f->db, "d-1", "title:\"oil rises\" topic:crude", &d),
                     NEWSDEX_OK);
    marked(d->title, d->title_marks, d->n_title_marks, got, sizeof got);
    assert_string_equal(got, "Oil|rises");
    marked(d->body, d->body_marks, d->n_body_marks, got, sizeof got);
    assert_string_equal(got, "oil|oils|OIL"); /* rose is not rise; a filter value is not marked */
    newsdex_document_free(d);

    assert_int_equal(newsdex_document_get(f->db, "d-1", "tickers:XOM oil", &d), NEWSDEX_OK);
    assert_int_equal(d->n_title_marks, 1); /* a field the index lacks still marks the words */
    newsdex_document_free(d);
}

static void test_not_found_and_errors(void **state)
{
    fixture *f = *state;
    newsdex_document *d = NULL;
    assert_int_equal(newsdex_document_get(f->db, "d-2", "layoffs", &d), NEWSDEX_OK);
    assert_int_equal(d->n_body_marks, 1); /* found in the second index */
    assert_string_equal(d->date, "");
    assert_string_equal(d->url, "");
    assert_int_equal(d->n_topics, 2);
    newsdex_document_free(d);

    d = (newsdex_document *)1;
    assert_int_equal(newsdex_document_get(f->db, "d-3", NULL, &d), NEWSDEX_ERR_NOT_FOUND);
    assert_null(d);
    assert_non_null(strstr(newsdex_db_last_error(f->db), "d-3"));
    assert_int_equal(newsdex_document_get(f->db, "d-1", "oil date:2024-13", &d), NEWSDEX_ERR_QUERY);
    assert_null(d);
    char long_id[202];
    memset(long_id, 'x', 201);
    long_id[201] = '\0';
    assert_int_equal(newsdex_document_get(f->db, long_id, NULL, &d), NEWSDEX_ERR_INVALID);
    assert_int_equal(newsdex_document_get(f->db, "\xff", NULL, &d), NEWSDEX_ERR_INVALID);
    assert_non_null(strstr(newsdex_db_last_error(f->db), "id"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_marks),
        cmocka_unit_test(test_not_found_and_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
