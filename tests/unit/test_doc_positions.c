/* Unit tests for engine/doc_positions.c: the positions an article keeps in
 * its document data, framed before its stored record. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../engine/doc_positions.h"

static const char kRecord[] = "r\0\0\0\6stored";

/* Frames the positions added by add into out (caller frees). */
static char *frame(nx_docpos_builder *b, size_t *len)
{
    nx_error err;
    nx_error_clear(&err);
    char *out = NULL;
    assert_int_equal(nx_docpos_frame(b, kRecord, sizeof kRecord - 1, &out, len, &err), NEWSDEX_OK);
    return out;
}

static void add(nx_docpos_builder *b, const char *term, uint32_t pos)
{
    assert_int_equal(nx_docpos_add(b, term, strlen(term), pos, NULL), NEWSDEX_OK);
}

/* The positions of term in data, as "1 5 9", or "-" when it has none. */
static void positions_of(const char *data, size_t len, const char *term, char *out, size_t size)
{
    const char *kept, *record, *list;
    size_t kept_len, record_len, list_len, total = 0;
    assert_int_equal(nx_docpos_split(data, len, &kept, &kept_len, &record, &record_len), 0);
    assert_non_null(kept);
    assert_int_equal(record_len, sizeof kRecord - 1);
    assert_memory_equal(record, kRecord, record_len);
    int found = nx_docpos_find(kept, kept_len, term, strlen(term), &list, &list_len);
    assert_true(found == 0 || found == -1);
    if (found) {
        snprintf(out, size, "-");
        return;
    }
    uint32_t pos[64];
    long n = nx_docpos_decode(list, list_len, pos, 64, &total);
    assert_int_equal(n, (long)total);
    out[0] = '\0';
    for (long i = 0; i < n; i++)
        snprintf(out + strlen(out), size - strlen(out), "%s%u", i ? " " : "", pos[i]);
}

static void test_round_trip(void **state)
{
    (void)state;
    nx_docpos_builder *b = nx_docpos_builder_new();
    assert_non_null(b);
    /* Out of order, a term given twice at one position, terms that are
     * prefixes of others, a large position (several varint bytes). */
    add(b, "oil", 7);
    add(b, "XToil", 1);
    add(b, "oil", 1);
    add(b, "oils", 3);
    add(b, "o", 2);
    add(b, "oil", 7);
    add(b, "prices", 300000);
    add(b, "prices", 8);
    size_t len;
    char *data = frame(b, &len);
    assert_int_equal(data[0], NX_DOCPOS_FORMAT);
    char got[256];
    static const char *const want[][2] = {
        {"oil", "1 7"}, {"XToil", "1"}, {"oils", "3"}, {"o", "2"},
        {"prices", "8 300000"}, {"oi", "-"}, {"zebra", "-"}, {"", "-"}, {"XT", "-"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        positions_of(data, len, want[i][0], got, sizeof got);
        assert_string_equal(got, want[i][1]);
    }
    free(data);

    /* Cleared, the builder starts afresh; no terms at all still frames. */
    nx_docpos_builder_clear(b);
    data = frame(b, &len);
    positions_of(data, len, "oil", got, sizeof got);
    assert_string_equal(got, "-");
    free(data);
    nx_docpos_builder_free(b);
}

/* Data without the framing is a record alone. */
static void test_unframed(void **state)
{
    (void)state;
    const char *kept = "x", *record = NULL;
    size_t kept_len = 9, record_len = 0;
    assert_int_equal(nx_docpos_split(kRecord, sizeof kRecord - 1, &kept, &kept_len, &record,
                                     &record_len), 0);
    assert_null(kept);
    assert_int_equal(kept_len, 0);
    assert_ptr_equal(record, kRecord);
    assert_int_equal(record_len, sizeof kRecord - 1);
    assert_int_equal(nx_docpos_split("", 0, &kept, &kept_len, &record, &record_len), 0);
    assert_null(kept);
}

/* Every truncation and every single-byte change of a framed article is
 * read without running past its end: an error or some answer, never a
 * crash (ASan and valgrind check the reads). */
static void test_damaged(void **state)
{
    (void)state;
    nx_docpos_builder *b = nx_docpos_builder_new();
    for (uint32_t p = 1; p < 200; p += 3) {
        add(b, p % 2 ? "market" : "shares", p);
        add(b, "z", p * 1000);
    }
    size_t len;
    char *data = frame(b, &len);
    const char *terms[] = {"market", "shares", "z", "q"};
    uint32_t pos[512];
    size_t total;
    for (size_t cut = 0; cut <= len; cut++) {
        for (int flip = -1; flip < 256; flip += 37) {
            char *copy = malloc(cut ? cut : 1);
            memcpy(copy, data, cut);
            if (flip >= 0 && cut > 1)
                copy[cut / 2] = (char)flip;
            const char *kept, *record, *list;
            size_t kept_len, record_len, list_len;
            if (nx_docpos_split(copy, cut, &kept, &kept_len, &record, &record_len) == 0 && kept) {
                assert_true(kept + kept_len <= copy + cut);
                for (size_t t = 0; t < 4; t++)
                    if (nx_docpos_find(kept, kept_len, terms[t], strlen(terms[t]), &list,
                                       &list_len) == 0) {
                        assert_true(list + list_len <= kept + kept_len);
                        long n = nx_docpos_decode(list, list_len, pos, 512, &total);
                        assert_true(n >= -1 && n <= 512);
                    }
            }
            free(copy);
        }
    }
    /* A list whose gaps would pass 2^32 is damaged. */
    static const char wrap[] = {2, (char)0xff, (char)0xff, (char)0xff, (char)0xff, 0x0f, 5};
    assert_int_equal(nx_docpos_decode(wrap, sizeof wrap, pos, 512, &total), -1);
    /* A zero gap (a position twice) is damaged. */
    static const char zero_gap[] = {2, 4, 0};
    assert_int_equal(nx_docpos_decode(zero_gap, sizeof zero_gap, pos, 512, &total), -1);
    free(data);
    nx_docpos_builder_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_unframed),
        cmocka_unit_test(test_damaged),
    };
    return cmocka_run_group_tests_name("doc_positions", tests, NULL, NULL);
}
