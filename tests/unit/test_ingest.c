/* Unit tests for the indexer's bookkeeping: content fingerprints, the
 * string set, and the writer's batches, unchanged
 * detection, deletion, pruning and counts. Writer tests use their own
 * mkdtemp() directory, removed at the end. */
#include <dirent.h>
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
#include "../../indexer/fingerprint.h"
#include "../../indexer/strset.h"
#include "../../engine/xapian/xdb.h"
#include "scratch_dir.h"

/* ---- fingerprints ---- */

static newsdex_article sample(void)
{
    static const char *const topics[] = {"earnings", "retail"};
    static const newsdex_list_field lists[] = {{"topics", topics, 2}};
    newsdex_article a = {.id = "a-1", .title = "Acme posts record", .body = "Sales rose.",
                         .source = "Gazette", .url = "https://x", .lists = lists, .n_lists = 1};
    return a;
}

static void test_fingerprint_stable(void **state)
{
    newsdex_article a = sample(), b = sample();
    assert_true(nx_fingerprint_article(&a, "2024-01-10T00:00:00Z") ==
                nx_fingerprint_article(&b, "2024-01-10T00:00:00Z"));
}

static void test_fingerprint_every_field_counts(void **state)
{
    newsdex_article base = sample();
    uint64_t fp = nx_fingerprint_article(&base, NULL);
    newsdex_article a = base;
    a.title = "Acme posts record!";
    assert_true(nx_fingerprint_article(&a, NULL) != fp);
    a = base;
    a.url = NULL;
    assert_true(nx_fingerprint_article(&a, NULL) != fp);
    a = base;
    assert_true(nx_fingerprint_article(&a, "2024-01-10T00:00:00Z") != fp);
    a = base;
    a.n_lists = 0;
    assert_true(nx_fingerprint_article(&a, NULL) != fp);
    static const char *const other[] = {"earnings", "retails"};
    static const newsdex_list_field changed[] = {{"topics", other, 2}};
    a = base;
    a.lists = changed;
    assert_true(nx_fingerprint_article(&a, NULL) != fp);
}

static void test_fingerprint_framing(void **state)
{
    newsdex_article a = {.id = "x", .title = "ab", .body = "c"};
    newsdex_article b = {.id = "x", .title = "a", .body = "bc"};
    assert_true(nx_fingerprint_article(&a, NULL) != nx_fingerprint_article(&b, NULL));
    newsdex_article c = {.id = "x", .title = "t", .body = ""};
    newsdex_article d = {.id = "x", .title = "t", .body = NULL};
    assert_true(nx_fingerprint_article(&c, NULL) == nx_fingerprint_article(&d, NULL));
}

static void test_fingerprint_encode(void **state)
{
    char out[8];
    nx_fingerprint_encode(0x0102030405060708ULL, out);
    assert_memory_equal(out, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
}

/* ---- string set ---- */

static void test_strset(void **state)
{
    nx_strset *set = nx_strset_new();
    assert_non_null(set);
    char key[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "id-%d", i);
        assert_int_equal(nx_strset_add(set, key), 1);
    }
    assert_int_equal(nx_strset_add(set, "id-42"), 0);
    assert_int_equal(nx_strset_size(set), 5000);
    assert_true(nx_strset_has(set, "id-4999"));
    assert_false(nx_strset_has(set, "id-5000"));
    assert_false(nx_strset_has(set, ""));
    nx_strset_free(set);
    nx_strset_free(NULL);
}

/* ---- the writer ---- */

typedef struct fixture {
    char dir[64];
    char db[128];
    newsdex_writer *w;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || scratch_dir_make(f->dir, sizeof f->dir, "nx-ingest") != 0)
        return -1;
    snprintf(f->db, sizeof f->db, "%s/db", f->dir);
    if (newsdex_writer_open(f->db, &f->w, NULL) != NEWSDEX_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    newsdex_writer_close(f->w);
    scratch_dir_remove(f->dir);
    free(f);
    return 0;
}

static newsdex_put_outcome put(newsdex_writer *w, const char *id, const char *title)
{
    newsdex_article a = {.id = id, .title = title};
    newsdex_put_outcome outcome = (newsdex_put_outcome)-1;
    assert_int_equal(newsdex_writer_put(w, &a, &outcome), NEWSDEX_OK);
    return outcome;
}

/* Articles a reader sees: only committed batches. */
static uint64_t committed(const fixture *f)
{
    newsdex_db *db = NULL;
    uint64_t n = 0;
    assert_int_equal(newsdex_db_open(f->db, &db, NULL), NEWSDEX_OK);
    assert_int_equal(newsdex_db_count(db, &n), NEWSDEX_OK);
    newsdex_db_close(db);
    return n;
}

static void test_writer_outcomes(void **state)
{
    fixture *f = *state;
    assert_int_equal(put(f->w, "a", "first"), NEWSDEX_PUT_ADDED);
    assert_int_equal(put(f->w, "a", "first"), NEWSDEX_PUT_UNCHANGED);
    assert_int_equal(put(f->w, "a", "second"), NEWSDEX_PUT_REPLACED);
    newsdex_article del = {.id = "a", .deleted = 1};
    newsdex_put_outcome outcome;
    assert_int_equal(newsdex_writer_put(f->w, &del, &outcome), NEWSDEX_OK);
    assert_int_equal(outcome, NEWSDEX_PUT_DELETED);
    assert_int_equal(newsdex_writer_put(f->w, &del, &outcome), NEWSDEX_OK);
    assert_int_equal(outcome, NEWSDEX_PUT_UNCHANGED);
    newsdex_writer_counts c;
    newsdex_writer_get_counts(f->w, &c);
    assert_int_equal(c.added, 1);
    assert_int_equal(c.replaced, 1);
    assert_int_equal(c.unchanged, 2);
    assert_int_equal(c.deleted, 1);
    assert_int_equal(c.pending, 3);
}

static void test_writer_batches(void **state)
{
    fixture *f = *state;
    assert_int_equal(newsdex_writer_set_batch_size(f->w, 3), NEWSDEX_OK);
    put(f->w, "a", "t");
    put(f->w, "b", "t");
    assert_int_equal(committed(f), 0);
    put(f->w, "c", "t"); /* third write: the batch commits */
    assert_int_equal(committed(f), 3);
    put(f->w, "c", "t"); /* unchanged: not a write */
    put(f->w, "d", "t");
    newsdex_writer_counts c;
    newsdex_writer_get_counts(f->w, &c);
    assert_int_equal(c.pending, 1);
    assert_int_equal(committed(f), 3);
    assert_int_equal(newsdex_writer_commit(f->w), NEWSDEX_OK);
    assert_int_equal(committed(f), 4);
}

static void test_writer_delete(void **state)
{
    fixture *f = *state;
    int found = -1;
    put(f->w, "a", "t");
    assert_int_equal(newsdex_writer_delete(f->w, "a", &found), NEWSDEX_OK);
    assert_int_equal(found, 1);
    assert_int_equal(newsdex_writer_delete(f->w, "a", &found), NEWSDEX_OK);
    assert_int_equal(found, 0);
    assert_int_equal(newsdex_writer_delete(f->w, "", &found), NEWSDEX_ERR_INVALID);
    uint64_t n = 9;
    newsdex_writer_count(f->w, &n);
    assert_int_equal(n, 0);
}

static int keep_even(const char *id, void *ctx)
{
    (void)ctx;
    return (id[strlen(id) - 1] - '0') % 2 == 0;
}

static void test_writer_prune(void **state)
{
    fixture *f = *state;
    char id[16];
    for (int i = 0; i < 10; i++) {
        snprintf(id, sizeof id, "id%d", i);
        put(f->w, id, "t");
    }
    uint64_t pruned = 0, n = 0;
    assert_int_equal(newsdex_writer_prune(f->w, keep_even, NULL, &pruned), NEWSDEX_OK);
    assert_int_equal(pruned, 5);
    newsdex_writer_count(f->w, &n);
    assert_int_equal(n, 5);
}

static void test_writer_metadata(void **state)
{
    fixture *f = *state;
    assert_int_equal(newsdex_writer_set_metadata(f->w, "app:test", "v"), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_set_metadata(f->w, "", "v"), NEWSDEX_ERR_INVALID);
    /* "newsdex:" keys are newsdex's own bookkeeping */
    assert_int_equal(newsdex_writer_set_metadata(f->w, "newsdex:test", "v"), NEWSDEX_ERR_INVALID);
    assert_non_null(strstr(newsdex_writer_last_error(f->w), "key"));
    assert_int_equal(newsdex_writer_commit(f->w), NEWSDEX_OK);
}

static uint64_t termfreq(const char *path, const char *term)
{
    nx_error err;
    nx_error_clear(&err);
    nx_xdb *db = NULL;
    uint64_t freq = 99;
    assert_int_equal(nx_xdb_open_readonly(path, &db, &err), NEWSDEX_OK);
    assert_int_equal(nx_xdb_termfreq(db, term, &freq, &err), NEWSDEX_OK);
    nx_xdb_close(db, NULL);
    return freq;
}

/* A word with a digit is not stemmed: its stem terms would repeat its own
 * posting for posting, so it has none (engine/terms.h). */
static void test_writer_digit_words(void **state)
{
    fixture *f = *state;
    newsdex_article a = {.id = "d", .title = "Oil at 27 dollars", .body = "F16 jets in the 1980s"};
    newsdex_put_outcome outcome;
    assert_int_equal(newsdex_writer_put(f->w, &a, &outcome), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_commit(f->w), NEWSDEX_OK);
    const char *present[] = {"27", "S27", "f16", "1980s", "Zoil", "ZSoil", "Zjet", "oil"};
    const char *absent[] = {"Z27", "ZS27", "Zf16", "Z1980s"};
    for (size_t i = 0; i < sizeof present / sizeof *present; i++)
        assert_int_equal(termfreq(f->db, present[i]), 1);
    for (size_t i = 0; i < sizeof absent / sizeof *absent; i++)
        assert_int_equal(termfreq(f->db, absent[i]), 0);
}

/* An article over the per-article bounds is added, but reported. */
static void test_writer_truncation(void **state)
{
    fixture *f = *state;
    const size_t words = 150000; /* distinct: over the bound of distinct terms */
    char *body = malloc(words * 9 + 1);
    assert_non_null(body);
    size_t len = 0;
    for (size_t i = 0; i < words; i++) { /* letters: a word and its stem term each */
        char word[8] = "q";
        for (size_t k = 1, v = i; k < 6; k++, v /= 26)
            word[k] = (char)('a' + v % 26);
        len += (size_t)sprintf(body + len, "%s%s", i ? " " : "", word);
    }
    newsdex_article big = {.id = "big", .title = "Huge", .body = body};
    newsdex_put_outcome outcome;
    uint64_t truncated = 99;
    assert_int_equal(newsdex_writer_put(f->w, &big, &outcome), NEWSDEX_OK);
    assert_int_equal(outcome, NEWSDEX_PUT_ADDED);
    assert_non_null(strstr(newsdex_writer_last_warning(f->w), "truncated"));
    assert_non_null(strstr(newsdex_writer_last_warning(f->w), "\"big\""));
    assert_int_equal(newsdex_writer_truncated_count(f->w, &truncated), NEWSDEX_OK);
    assert_int_equal(truncated, 1);
    free(body);

    put(f->w, "small", "an ordinary article");
    assert_string_equal(newsdex_writer_last_warning(f->w), "");
    assert_int_equal(newsdex_writer_truncated_count(f->w, &truncated), NEWSDEX_OK);
    assert_int_equal(truncated, 1);
    assert_int_equal(newsdex_writer_truncated_count(NULL, &truncated), NEWSDEX_ERR_INVALID);
    assert_string_equal(newsdex_writer_last_warning(NULL), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fingerprint_stable),
        cmocka_unit_test(test_fingerprint_every_field_counts),
        cmocka_unit_test(test_fingerprint_framing),
        cmocka_unit_test(test_fingerprint_encode),
        cmocka_unit_test(test_strset),
        cmocka_unit_test_setup_teardown(test_writer_outcomes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writer_batches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writer_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writer_truncation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writer_digit_words, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writer_prune, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writer_metadata, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
