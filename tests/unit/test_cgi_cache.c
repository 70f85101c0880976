/* The FastCGI response cache of newsdex.cgi (web/cgi_cache.c):
 * hits and misses, LRU eviction by count and by bytes, the TTL, a new
 * version of the index emptying it, oversize and non-200 responses refused,
 * and 0 entries or 0 bytes meaning no cache. Time is passed in, so the
 * tests never sleep. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../web/cgi_cache.h"

#define TYPE "application/json; charset=utf-8"
#define MIB ((size_t)1 << 20)

static const cgi_cache_version V1 = {1, 7};

static int put(cgi_cache *c, const char *key, const char *body, cgi_cache_version v, double now)
{
    cgi_cached r = {200, TYPE, body, strlen(body)};
    return cgi_cache_put(c, key, strlen(key), v, &r, now);
}

/* The body kept under key, or NULL on a miss (a static copy, NUL-ended). */
static const char *get(cgi_cache *c, const char *key, cgi_cache_version v, double now)
{
    static char text[16384];
    cgi_cached hit;
    if (!cgi_cache_get(c, key, strlen(key), v, now, &hit))
        return NULL;
    assert_int_equal(hit.status, 200);
    assert_string_equal(hit.content_type, TYPE);
    assert_true(hit.len < sizeof text);
    memcpy(text, hit.body, hit.len);
    text[hit.len] = '\0';
    return text;
}

static void test_hit_and_miss(void **state)
{
    cgi_cache *c = cgi_cache_new(8, MIB, 60);
    assert_non_null(c);
    assert_null(get(c, "q=layoffs", V1, 0));
    assert_int_equal(put(c, "q=layoffs", "{\"results\":[]}", V1, 0), 0);
    assert_string_equal(get(c, "q=layoffs", V1, 1), "{\"results\":[]}");
    /* The key is the exact bytes: another order or encoding is another key. */
    assert_null(get(c, "q=layoffs&format=json", V1, 1));
    assert_null(get(c, "format=json&q=layoffs", V1, 1));
    assert_null(get(c, "q=Layoffs", V1, 1));
    /* A put under the same key replaces. */
    assert_int_equal(put(c, "q=layoffs", "new", V1, 2), 0);
    assert_string_equal(get(c, "q=layoffs", V1, 2), "new");
    assert_int_equal(cgi_cache_count(c), 1);
    /* The empty query string is a key like any other. */
    assert_int_equal(put(c, "", "form", V1, 2), 0);
    assert_string_equal(get(c, "", V1, 2), "form");
    cgi_cache_free(c);
}

static void test_only_200_is_kept(void **state)
{
    cgi_cache *c = cgi_cache_new(8, MIB, 60);
    int statuses[] = {400, 405, 500, 503};
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
        cgi_cached r = {statuses[i], TYPE, "error", 5};
        assert_int_equal(cgi_cache_put(c, "q=x", 3, V1, &r, 0), -1);
    }
    assert_int_equal(cgi_cache_count(c), 0);
    assert_null(get(c, "q=x", V1, 0));
    cgi_cache_free(c);
}

static void test_lru_by_count(void **state)
{
    cgi_cache *c = cgi_cache_new(3, MIB, 60);
    put(c, "a", "A", V1, 0);
    put(c, "b", "B", V1, 0);
    put(c, "c", "C", V1, 0);
    assert_non_null(get(c, "a", V1, 1)); /* a is now the most recently used */
    put(c, "d", "D", V1, 2);             /* evicts b, the least recently used */
    assert_int_equal(cgi_cache_count(c), 3);
    assert_null(get(c, "b", V1, 3));
    assert_string_equal(get(c, "a", V1, 3), "A");
    assert_string_equal(get(c, "c", V1, 3), "C");
    assert_string_equal(get(c, "d", V1, 3), "D");
    put(c, "e", "E", V1, 4); /* a was used before c and d: a goes */
    assert_null(get(c, "a", V1, 5));
    assert_int_equal(cgi_cache_count(c), 3);
    cgi_cache_free(c);
}

static void test_lru_by_bytes(void **state)
{
    /* 64 KiB of budget: entries of 6 KB fit about ten at a time. */
    size_t budget = 64 * 1024;
    cgi_cache *c = cgi_cache_new(1000, budget, 60);
    static char body[6000];
    memset(body, 'x', sizeof body - 1);
    char key[32];
    for (int i = 0; i < 40; i++) {
        snprintf(key, sizeof key, "q=%d", i);
        assert_int_equal(put(c, key, body, V1, i), 0);
        assert_true(cgi_cache_bytes(c) <= budget);
    }
    size_t n = cgi_cache_count(c);
    assert_true(n >= 8 && n <= 10);
    /* The newest n are there, the older ones are gone. */
    for (int i = 0; i < 40; i++) {
        snprintf(key, sizeof key, "q=%d", i);
        if (i >= 40 - (int)n)
            assert_non_null(get(c, key, V1, 50));
        else
            assert_null(get(c, key, V1, 50));
    }
    assert_true(cgi_cache_bytes(c) >= n * sizeof body / 2);
    cgi_cache_free(c);
}

static void test_oversize_refused(void **state)
{
    size_t budget = 80 * 1024;
    cgi_cache *c = cgi_cache_new(100, budget, 60);
    put(c, "small", "s", V1, 0);
    char *big = malloc(budget / 8 + 1);
    assert_non_null(big);
    memset(big, 'b', budget / 8);
    big[budget / 8] = '\0';
    assert_int_equal(put(c, "big", big, V1, 0), -1); /* more than 1/8 of the budget */
    assert_null(get(c, "big", V1, 0));
    big[budget / 8 - 200] = '\0';                    /* comfortably under it */
    assert_int_equal(put(c, "big", big, V1, 0), 0);
    assert_non_null(get(c, "big", V1, 0));
    assert_string_equal(get(c, "small", V1, 0), "s"); /* a refusal evicts nothing */
    free(big);
    cgi_cache_free(c);
}

static void test_ttl(void **state)
{
    cgi_cache *c = cgi_cache_new(8, MIB, 60);
    put(c, "q=recent&sort=recent", "page", V1, 1000.0);
    assert_non_null(get(c, "q=recent&sort=recent", V1, 1059.9));
    assert_null(get(c, "q=recent&sort=recent", V1, 1060.0));
    assert_int_equal(cgi_cache_count(c), 0); /* an expired entry is dropped */
    /* A hit does not extend the life of an entry. */
    put(c, "k", "v", V1, 0);
    assert_non_null(get(c, "k", V1, 59));
    assert_null(get(c, "k", V1, 61));
    cgi_cache_free(c);
}

static void test_new_version_empties(void **state)
{
    cgi_cache *c = cgi_cache_new(8, MIB, 60);
    put(c, "a", "A", V1, 0);
    put(c, "b", "B", V1, 0);
    /* The indexer committed: the same handle, the next generation. */
    cgi_cache_version committed = {1, 8};
    assert_null(get(c, "a", committed, 1));
    assert_int_equal(cgi_cache_count(c), 0);
    /* And going back to the old version finds nothing either. */
    put(c, "a", "A2", committed, 1);
    assert_null(get(c, "a", V1, 1));
    /* A new handle (the index opened afresh) starts at any generation,
     * the old one's included: the index count tells them apart. */
    cgi_cache_version v2 = {2, 7};
    put(c, "a", "A3", V1, 1);
    assert_null(get(c, "a", v2, 1));
    put(c, "a", "A4", v2, 1);
    assert_string_equal(get(c, "a", v2, 2), "A4");
    cgi_cache_free(c);
}

static void test_disabled(void **state)
{
    assert_null(cgi_cache_new(0, MIB, 60));
    assert_null(cgi_cache_new(8, 0, 60));
    cgi_cache *none = NULL; /* what the program holds with cache_entries = 0 */
    assert_int_equal(put(none, "a", "A", V1, 0), -1);
    assert_null(get(none, "a", V1, 0));
    assert_int_equal(cgi_cache_count(none), 0);
    assert_int_equal(cgi_cache_bytes(none), 0);
    cgi_cache_free(none);
}

static void test_one_entry(void **state)
{
    cgi_cache *c = cgi_cache_new(1, MIB, 60);
    put(c, "a", "A", V1, 0);
    put(c, "b", "B", V1, 0);
    assert_null(get(c, "a", V1, 0));
    assert_string_equal(get(c, "b", V1, 0), "B");
    assert_int_equal(cgi_cache_count(c), 1);
    cgi_cache_free(c);
}

/* Many keys in few buckets: chains, replacement and eviction stay consistent. */
static void test_many_keys(void **state)
{
    cgi_cache *c = cgi_cache_new(100, MIB, 60);
    char key[32], body[32];
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < 1000; i++) {
            snprintf(key, sizeof key, "q=%d", i % 150);
            snprintf(body, sizeof body, "%d/%d", round, i);
            assert_int_equal(put(c, key, body, V1, 0), 0);
            assert_true(cgi_cache_count(c) <= 100);
        }
    assert_int_equal(cgi_cache_count(c), 100);
    assert_string_equal(get(c, "q=99", V1, 0), "2/999");
    assert_string_equal(get(c, "q=0", V1, 0), "2/900");
    assert_null(get(c, "q=149", V1, 0)); /* last written before the last 100 puts */
    size_t bytes = cgi_cache_bytes(c);
    cgi_cache_version v = {1, 9};
    get(c, "q=1", v, 0);
    assert_int_equal(cgi_cache_bytes(c), 0);
    assert_true(bytes > 0);
    cgi_cache_free(c);
}

static void test_clock(void **state)
{
    double a = cgi_cache_clock();
    double b = cgi_cache_clock();
    assert_true(a > 0);
    assert_true(b >= a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hit_and_miss),
        cmocka_unit_test(test_only_200_is_kept),
        cmocka_unit_test(test_lru_by_count),
        cmocka_unit_test(test_lru_by_bytes),
        cmocka_unit_test(test_oversize_refused),
        cmocka_unit_test(test_ttl),
        cmocka_unit_test(test_new_version_empties),
        cmocka_unit_test(test_disabled),
        cmocka_unit_test(test_one_entry),
        cmocka_unit_test(test_many_keys),
        cmocka_unit_test(test_clock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
