/* UTF-8 validation, decoding and repair. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "../../engine/utf8.h"

#define R "\xEF\xBF\xBD" /* U+FFFD; always concatenated, hex escapes are greedy */

typedef struct utf8_case {
    const char *input;
    size_t len;
    int valid;
    const char *repaired;
} utf8_case;

#define CASE(in, valid, out) {in, sizeof(in) - 1, valid, out}

static const utf8_case cases[] = {
    CASE("", 1, ""),
    CASE("plain ascii", 1, "plain ascii"),
    CASE("\xC3\xA9", 1, "\xC3\xA9"),                 /* é */
    CASE("\xE2\x82\xAC", 1, "\xE2\x82\xAC"),         /* € */
    CASE("\xF0\x9D\x84\x9E", 1, "\xF0\x9D\x84\x9E"), /* U+1D11E */
    CASE("\xC2\x80", 1, "\xC2\x80"),                 /* smallest 2-byte */
    CASE("\xE0\xA0\x80", 1, "\xE0\xA0\x80"),         /* smallest 3-byte */
    CASE("\xF0\x90\x80\x80", 1, "\xF0\x90\x80\x80"), /* smallest 4-byte */
    CASE("\xED\x9F\xBF", 1, "\xED\x9F\xBF"),         /* U+D7FF, before surrogates */
    CASE("\xEE\x80\x80", 1, "\xEE\x80\x80"),         /* U+E000, after them */
    CASE("\xEF\xBF\xBF", 1, "\xEF\xBF\xBF"),         /* U+FFFF */
    CASE("\xF4\x8F\xBF\xBF", 1, "\xF4\x8F\xBF\xBF"), /* U+10FFFF */
    CASE(R, 1, R),
    /* NUL is dropped */
    CASE("a\0b", 0, "ab"),
    CASE("\0", 0, ""),
    /* stray continuation bytes: one U+FFFD each */
    CASE("\x80", 0, R),
    CASE("\x80\xBF", 0, R R),
    CASE("a\x80" "b", 0, "a" R "b"),
    /* overlongs */
    CASE("\xC0\x80", 0, R R),
    CASE("\xC1\xBF", 0, R R),
    CASE("\xC0\xAF", 0, R R),
    CASE("\xE0\x80\xAF", 0, R R R),
    CASE("\xE0\x9F\xBF", 0, R R R),
    CASE("\xF0\x80\x80\xAF", 0, R R R R),
    CASE("\xF0\x8F\xBF\xBF", 0, R R R R),
    /* surrogates */
    CASE("\xED\xA0\x80", 0, R R R),
    CASE("\xED\xBF\xBF", 0, R R R),
    CASE("\xED\xA0\xBD\xED\xB8\x80", 0, R R R R R R), /* CESU-8 pair */
    /* above U+10FFFF and bytes never used */
    CASE("\xF4\x90\x80\x80", 0, R R R R),
    CASE("\xF5\x80\x80\x80", 0, R R R R),
    CASE("\xF8\x88\x80\x80\x80", 0, R R R R R),
    CASE("\xFE", 0, R),
    CASE("\xFF", 0, R),
    CASE("\xFF\xFE" "ab", 0, R R "ab"),
    /* truncated: the whole prefix is one maximal subpart */
    CASE("\xC3", 0, R),
    CASE("\xE2\x82", 0, R),
    CASE("\xF0\x9F\x98", 0, R),
    CASE("abc\xF0\x9F\x98", 0, "abc" R),
    CASE("\xF0\x9F\x98" "a", 0, R "a"),
    CASE("\xE1\x80" "A", 0, R "A"),
    CASE("\xC3\xC3\xA9", 0, R "\xC3\xA9"),
    /* Unicode 15 table 3-8 example */
    CASE("\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64", 0,
         "a" R R R "b" R "c" R R "d"),
};

static void test_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const utf8_case *c = &cases[i];
        char *copy = malloc(c->len ? c->len : 1); /* exact size: ASan sees overreads */
        assert_non_null(copy);
        memcpy(copy, c->input, c->len);
        if (nx_utf8_valid(copy, c->len) != c->valid)
            fail_msg("case %zu: valid should be %d", i, c->valid);
        size_t out_len = 12345;
        char *out = nx_utf8_repair(copy, c->len, &out_len);
        assert_non_null(out);
        if (out_len != strlen(c->repaired) || memcmp(out, c->repaired, out_len) != 0)
            fail_msg("case %zu: repair gave %zu bytes, expected %zu", i, out_len,
                     strlen(c->repaired));
        assert_int_equal(out[out_len], '\0');
        assert_true(nx_utf8_valid(out, out_len));
        free(out);
        free(copy);
    }
}

typedef struct decode_case {
    const char *input;
    size_t len;
    int32_t cp;
    size_t n;
} decode_case;

static void test_decode(void **state)
{
    (void)state;
    static const decode_case d[] = {
        {"A", 1, 'A', 1},
        {"\0", 1, 0, 1},
        {"\xC3\xA9z", 3, 0xE9, 2},
        {"\xE2\x80\x99", 3, 0x2019, 3},
        {"\xF0\x9F\x98\x80", 4, 0x1F600, 4},
        {"\xF4\x8F\xBF\xBF", 4, 0x10FFFF, 4},
        {"\xE2\x80\x99", 2, -1, 2}, /* len cuts the sequence */
        {"\xF0\x9F\x98\x80", 1, -1, 1},
        {"\xED\xA0\x80", 3, -1, 1},
        {"\xE0\x80\x80", 3, -1, 1},
        {"\xF0\x9F" "A", 3, -1, 2},
        {"\x80", 1, -1, 1},
        {"\xC1\x81", 2, -1, 1},
    };
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++) {
        size_t n = 0;
        int32_t cp = nx_utf8_decode(d[i].input, d[i].len, &n);
        if (cp != d[i].cp || n != d[i].n)
            fail_msg("decode %zu: got %d/%zu", i, (int)cp, n);
    }
}

static void test_repair_edges(void **state)
{
    (void)state;
    char *out = nx_utf8_repair(NULL, 0, NULL);
    assert_non_null(out);
    assert_string_equal(out, "");
    free(out);
    out = nx_utf8_repair("abc\xFF", 4, NULL); /* out_len is optional */
    assert_string_equal(out, "abc" R);
    free(out);
}

/* A megabyte of 0xFF triples in size and must not overflow anything. */
static void test_repair_large(void **state)
{
    (void)state;
    size_t n = 1 << 20, out_len = 0;
    char *in = malloc(n);
    assert_non_null(in);
    memset(in, 0xFF, n);
    assert_false(nx_utf8_valid(in, n));
    char *out = nx_utf8_repair(in, n, &out_len);
    assert_non_null(out);
    assert_int_equal(out_len, 3 * n);
    assert_true(nx_utf8_valid(out, out_len));
    free(out);
    free(in);
}

/* Random bytes: repair always yields valid UTF-8 and fixes nothing twice. */
static void test_repair_random(void **state)
{
    (void)state;
    uint32_t seed = 99;
    unsigned char buf[64];
    for (int iter = 0; iter < 20000; iter++) {
        size_t len = iter % sizeof buf;
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            unsigned char b = (unsigned char)(seed >> 16);
            buf[i] = (seed >> 30) ? (unsigned char)(0x80 | (b & 0x7F)) : b;
        }
        size_t n1, n2;
        char *once = nx_utf8_repair((const char *)buf, len, &n1);
        assert_non_null(once);
        assert_true(nx_utf8_valid(once, n1));
        assert_int_equal(nx_utf8_valid((const char *)buf, len),
                         n1 == len && memcmp(once, buf, len) == 0);
        char *twice = nx_utf8_repair(once, n1, &n2);
        assert_non_null(twice);
        assert_int_equal(n1, n2);
        assert_memory_equal(once, twice, n1);
        free(once);
        free(twice);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_decode),
        cmocka_unit_test(test_repair_edges),
        cmocka_unit_test(test_repair_large),
        cmocka_unit_test(test_repair_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
