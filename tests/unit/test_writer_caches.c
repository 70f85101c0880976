/* What the writer keeps between articles: the set of id hashes of a fresh
 * index (indexer/idset.h) and the stored-article compressor
 * (engine/stored_doc.h), which must give the bytes of the one-shot encoder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../engine/stored_doc.h"
#include "../../indexer/idset.h"

static void test_idset_add_has(void **state)
{
    (void)state;
    nx_idset *set = nx_idset_new();
    assert_non_null(set);
    char id[32];
    /* Enough ids to grow the table several times. */
    for (int i = 0; i < 20000; i++) {
        snprintf(id, sizeof id, "reuters-%d", i);
        assert_false(nx_idset_has(set, nx_idset_hash(id)));
        assert_int_equal(nx_idset_add(set, nx_idset_hash(id)), 1);
        assert_true(nx_idset_has(set, nx_idset_hash(id)));
    }
    for (int i = 0; i < 20000; i++) {
        snprintf(id, sizeof id, "reuters-%d", i);
        assert_int_equal(nx_idset_add(set, nx_idset_hash(id)), 0);
    }
    assert_false(nx_idset_has(set, nx_idset_hash("reuters-20000")));
    /* A hash of 0 (the empty-slot mark) is stored like any other. */
    assert_false(nx_idset_has(set, 0));
    assert_int_equal(nx_idset_add(set, 0), 1);
    assert_true(nx_idset_has(set, 0));
    assert_int_equal(nx_idset_add(set, 0), 0);
    nx_idset_free(set);
    nx_idset_free(NULL);
}

static void test_idset_hash_differs(void **state)
{
    (void)state;
    assert_true(nx_idset_hash("a") != nx_idset_hash("b"));
    assert_true(nx_idset_hash("") != 0);
    assert_int_equal(nx_idset_hash("gen-0000001"), nx_idset_hash("gen-0000001"));
}

static void test_encoder_same_bytes(void **state)
{
    (void)state;
    nx_stored_encoder *enc = nx_stored_encoder_new();
    assert_non_null(enc);
    static char body[20000];
    for (size_t i = 0; i + 1 < sizeof body; i++)
        body[i] = "the quick brown fox jumps over the lazy dog "[i % 44];
    const char *titles[] = {"First", "A second, longer title", "", "x"};
    /* Several articles through one encoder, each against the one-shot form. */
    for (size_t t = 0; t < sizeof titles / sizeof titles[0]; t++) {
        newsdex_article a;
        memset(&a, 0, sizeof a);
        a.id = "enc-1";
        a.title = titles[t];
        a.body = t == 2 ? "short" : body + t * 1000;
        char *one = NULL, *reused = NULL;
        size_t one_len = 0, reused_len = 0;
        nx_error err;
        nx_error_clear(&err);
        assert_int_equal(nx_stored_encode(&a, "2024-01-02T03:04:05Z", &one, &one_len, &err),
                         NEWSDEX_OK);
        assert_int_equal(nx_stored_encode_with(enc, &a, "2024-01-02T03:04:05Z", &reused,
                                               &reused_len, &err),
                         NEWSDEX_OK);
        assert_int_equal(one_len, reused_len);
        assert_memory_equal(one, reused, one_len);
        nx_stored_doc doc;
        assert_int_equal(nx_stored_decode(reused, reused_len, &doc, &err), NEWSDEX_OK);
        assert_string_equal(doc.title, titles[t]);
        nx_stored_doc_free(&doc);
        free(one);
        free(reused);
    }
    nx_stored_encoder_free(enc);
    nx_stored_encoder_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idset_add_has),
        cmocka_unit_test(test_idset_hash_differs),
        cmocka_unit_test(test_encoder_same_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
