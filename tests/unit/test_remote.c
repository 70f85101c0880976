/* Opening shards (engine/xapian/xapian_remote.cc): tcp:// names and stub files.
 * Servers are not needed: a closed loopback port must give
 * NEWSDEX_ERR_NETWORK, a malformed name NEWSDEX_ERR_INVALID. Searching real remote shards is tests/e2e/shards.t. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../engine/xapian/xdb.h"
#include "scratch_dir.h"

/* A loopback port nothing listens on: 1 (tcpmux) is never served here. */
#define CLOSED "127.0.0.1:1"

static void expect_open(const char *path, newsdex_status want, const char *in_message)
{
    nx_xdb *db = (nx_xdb *)1;
    nx_error err;
    nx_error_clear(&err);
    newsdex_status st = nx_xdb_open_readonly(path, &db, &err);
    if (st != want || (in_message && !strstr(err.message, in_message)))
        fail_msg("open \"%s\": status %d (want %d), message \"%s\" (want \"%s\" in it)", path,
                 (int)st, (int)want, err.message, in_message ? in_message : "");
    assert_null(db);
}

static void test_malformed_names(void **state)
{
    (void)state;
    const char *bad[] = {"tcp://",         "tcp://host",       "tcp://host:",
                         "tcp://:8000",    "tcp://host:0",     "tcp://host:65536",
                         "tcp://host:80x", "tcp://host:+80",   "tcp://host:123456",
                         "tcp://[]:80"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_open(bad[i], NEWSDEX_ERR_INVALID, "must be tcp://HOST:PORT");
}

static void test_unreachable(void **state)
{
    (void)state;
    expect_open("tcp://" CLOSED, NEWSDEX_ERR_NETWORK, "Connection refused");
    expect_open("tcp://[::1]:1", NEWSDEX_ERR_NETWORK, NULL);
    const char *two[] = {"tcp://" CLOSED, "tcp://" CLOSED};
    nx_xdb *db = NULL;
    size_t failed = 9;
    nx_error err;
    assert_int_equal(nx_xdb_open_readonly_many(two, 2, &db, &failed, &err), NEWSDEX_ERR_NETWORK);
    assert_null(db);
    assert_int_equal(failed, 0);
}

/* A stub file is opened by Xapian itself: its shards count together. */
static void test_stub_file(void **state)
{
    (void)state;
    char dir[64];
    assert_int_equal(scratch_dir_make(dir, sizeof dir, "nx-remote"), 0);
    char a[128], b[128], stub[128];
    snprintf(a, sizeof a, "%s/a", dir);
    snprintf(b, sizeof b, "%s/b", dir);
    snprintf(stub, sizeof stub, "%s/all.stub", dir);
    nx_error err;
    const char *shards[] = {a, b};
    for (int i = 0; i < 2; i++) {
        nx_xdb *w = NULL;
        nx_xdoc *doc = NULL;
        assert_int_equal(nx_xdb_open_writable(shards[i], &w, &err), NEWSDEX_OK);
        assert_int_equal(nx_xdoc_new(&doc, &err), NEWSDEX_OK);
        assert_int_equal(nx_xdoc_add_term(doc, "Zshard", 1, &err), NEWSDEX_OK);
        assert_int_equal(nx_xdb_replace(w, i ? "Qb" : "Qa", doc, &err), NEWSDEX_OK);
        nx_xdoc_free(doc);
        assert_int_equal(nx_xdb_close(w, &err), NEWSDEX_OK);
    }
    FILE *f = fopen(stub, "w");
    assert_non_null(f);
    fprintf(f, "auto %s\nglass %s\n", a, b);
    fclose(f);
    nx_xdb *db = NULL;
    uint64_t count = 0, freq = 0;
    assert_int_equal(nx_xdb_open_readonly(stub, &db, &err), NEWSDEX_OK);
    assert_int_equal(nx_xdb_doccount(db, &count, &err), NEWSDEX_OK);
    assert_int_equal(nx_xdb_termfreq(db, "Zshard", &freq, &err), NEWSDEX_OK);
    assert_int_equal(count, 2);
    assert_int_equal(freq, 2);
    nx_xdb_close(db, &err);
    /* A stub naming a missing shard fails; so does one naming a closed server. */
    f = fopen(stub, "w");
    assert_non_null(f);
    fprintf(f, "auto %s\nauto %s/missing\n", a, dir);
    fclose(f);
    assert_int_not_equal(nx_xdb_open_readonly(stub, &db, &err), NEWSDEX_OK);
    f = fopen(stub, "w");
    assert_non_null(f);
    fprintf(f, "remote " CLOSED "\n");
    fclose(f);
    assert_int_equal(nx_xdb_open_readonly(stub, &db, &err), NEWSDEX_ERR_NETWORK);
    assert_int_equal(scratch_dir_remove(dir), 0);
}

/* Shards opened one by one (nx_xdb_open_shards): a stub's remote line that
 * cannot be reached is named; with partial it is left out, and only a
 * handle with no shard left fails. */
static void test_shards_named_and_partial(void **state)
{
    (void)state;
    char dir[64];
    assert_int_equal(scratch_dir_make(dir, sizeof dir, "nx-remote"), 0);
    char a[128], stub[128];
    snprintf(a, sizeof a, "%s/a", dir);
    snprintf(stub, sizeof stub, "%s/mixed.stub", dir);
    nx_error err;
    nx_xdb *w = NULL;
    nx_xdoc *doc = NULL;
    assert_int_equal(nx_xdb_open_writable(a, &w, &err), NEWSDEX_OK);
    assert_int_equal(nx_xdoc_new(&doc, &err), NEWSDEX_OK);
    assert_int_equal(nx_xdb_replace(w, "Qa", doc, &err), NEWSDEX_OK);
    nx_xdoc_free(doc);
    assert_int_equal(nx_xdb_close(w, &err), NEWSDEX_OK);
    FILE *f = fopen(stub, "w");
    assert_non_null(f);
    fprintf(f, "# two shards\nauto a\nremote " CLOSED "\n");
    fclose(f);

    const char *paths[] = {stub};
    nx_xdb *db = NULL;
    size_t failed = 9;
    nx_xopen strict = {500, 0}, partial = {500, 1};
    assert_int_equal(nx_xdb_open_shards(paths, 1, &strict, &db, &failed, &err),
                     NEWSDEX_ERR_NETWORK);
    assert_null(db);
    assert_int_equal(failed, 0);
    assert_non_null(strstr(err.message, "shard tcp://" CLOSED ": Couldn't connect"));

    assert_int_equal(nx_xdb_open_shards(paths, 1, &partial, &db, &failed, &err), NEWSDEX_OK);
    uint64_t count = 0;
    assert_int_equal(nx_xdb_doccount(db, &count, &err), NEWSDEX_OK);
    assert_int_equal(count, 1);
    assert_int_equal(nx_xdb_missing_count(db), 1);
    assert_string_equal(nx_xdb_missing_name(db, 0), "tcp://" CLOSED);
    assert_string_equal(nx_xdb_missing_name(db, 1), "");
    nx_xdb_close(db, &err);

    /* Partial with nothing that answers: an error all the same. */
    const char *remote[] = {"tcp://" CLOSED, "tcp://" CLOSED};
    assert_int_equal(nx_xdb_open_shards(remote, 2, &partial, &db, &failed, &err),
                     NEWSDEX_ERR_NETWORK);
    assert_null(db);
    assert_non_null(strstr(err.message, "no shard answered"));
    /* The second path is where a strict open fails when the first opens. */
    const char *second[] = {a, "tcp://" CLOSED};
    assert_int_equal(nx_xdb_open_shards(second, 2, &strict, &db, &failed, &err),
                     NEWSDEX_ERR_NETWORK);
    assert_int_equal(failed, 1);
    assert_int_equal(scratch_dir_remove(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_malformed_names),
        cmocka_unit_test(test_unreachable),
        cmocka_unit_test(test_stub_file),
        cmocka_unit_test(test_shards_named_and_partial),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
