/* Hardening of the public API (include/newsdex.h): invalid UTF-8 in any
 * field is NEWSDEX_ERR_INVALID (not out of memory); NULL handles, NULL
 * articles and NULL list names, values and arrays give NEWSDEX_ERR_INVALID
 * instead of a crash; the reserved "newsdex:" metadata keys are refused;
 * stub files that name themselves (or nest too deep) are an error, not a
 * recursion until the stack runs out.
 *
 * Calls that could crash run in a forked child, so a crash fails that test
 * only (the child reports through its exit status) and the runner goes on. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "newsdex.h"
#include "scratch_dir.h"

typedef struct fixture {
    char dir[64];
    char db[128];
    newsdex_writer *w;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    if (scratch_dir_make(f->dir, sizeof f->dir, "nx-api-hardening") != 0)
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

/* ---- Running what may crash in a child ---- */

/* In the child: report a failed expectation and leave with status 1. */
#define CHILD_CHECK(cond)                                                                 \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            fprintf(stderr, "# %s:%d: expected %s\n", __FILE__, __LINE__, #cond);        \
            _exit(1);                                                                     \
        }                                                                                 \
    } while (0)

/* Runs fn(arg) in a child process; the test fails if the child died of a
 * signal or one of its CHILD_CHECKs failed. */
static void in_child(void (*fn)(void *), void *arg, const char *what)
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* cmocka's own handlers would go on with the next test in here */
        const int crashes[] = {SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE};
        for (size_t i = 0; i < sizeof crashes / sizeof crashes[0]; i++)
            signal(crashes[i], SIG_DFL);
        fn(arg);
        _exit(0);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status))
        fail_msg("%s: the call crashed (signal %d)", what, WTERMSIG(status));
    if (WEXITSTATUS(status) != 0)
        fail_msg("%s: a check failed (see above)", what);
}

/* ---- Invalid UTF-8 (every field, lists included) ---- */

static const char bad_utf8[] = "caf\xc3 \xff\xfe";

static newsdex_article plain(void)
{
    newsdex_article a = {.id = "u-1", .title = "Title", .body = "Body text."};
    return a;
}

static void expect_invalid(newsdex_writer *w, const newsdex_article *a, const char *field)
{
    newsdex_status st = newsdex_writer_put(w, a, NULL);
    if (st != NEWSDEX_ERR_INVALID)
        fail_msg("invalid UTF-8 in %s: got status %d (%s), want NEWSDEX_ERR_INVALID", field,
                 (int)st, newsdex_status_to_string(st));
    const char *msg = newsdex_writer_last_error(w);
    if (!strstr(msg, field))
        fail_msg("invalid UTF-8 in %s: message \"%s\" does not name it", field, msg);
}

static void test_invalid_utf8_every_field(void **state)
{
    fixture *f = *state;
    newsdex_article a = plain();
    a.title = bad_utf8;
    expect_invalid(f->w, &a, "title");
    a = plain();
    a.body = bad_utf8;
    expect_invalid(f->w, &a, "body");
    a = plain();
    a.source = bad_utf8;
    expect_invalid(f->w, &a, "source");
    a = plain();
    a.url = bad_utf8;
    expect_invalid(f->w, &a, "url");

    const char *good_values[] = {"energy"};
    const char *bad_values[] = {"energy", bad_utf8};
    newsdex_list_field bad_name[] = {{bad_utf8, good_values, 1}};
    a = plain();
    a.lists = bad_name;
    a.n_lists = 1;
    expect_invalid(f->w, &a, "name");
    newsdex_list_field bad_value[] = {{"topics", bad_values, 2}};
    a.lists = bad_value;
    expect_invalid(f->w, &a, "topics");

    /* Nothing was written; a valid article still goes in. */
    uint64_t n = 99;
    assert_int_equal(newsdex_writer_count(f->w, &n), NEWSDEX_OK);
    assert_int_equal(n, 0);
    a = plain();
    assert_int_equal(newsdex_writer_put(f->w, &a, NULL), NEWSDEX_OK);
}

/* ---- NULL list names, values and arrays ---- */

static void put_null_lists(void *arg)
{
    newsdex_writer *w = arg;
    const char *values[] = {"energy"};
    const char *null_value[] = {"energy", NULL};
    newsdex_list_field no_name[] = {{NULL, values, 1}};
    newsdex_list_field no_values[] = {{"topics", NULL, 1}};
    newsdex_list_field a_null_value[] = {{"topics", null_value, 2}};
    newsdex_article a = plain();

    a.lists = NULL;
    a.n_lists = 1;
    CHILD_CHECK(newsdex_writer_put(w, &a, NULL) == NEWSDEX_ERR_INVALID);
    a.lists = no_name;
    CHILD_CHECK(newsdex_writer_put(w, &a, NULL) == NEWSDEX_ERR_INVALID);
    CHILD_CHECK(strstr(newsdex_writer_last_error(w), "name") != NULL);
    a.lists = no_values;
    CHILD_CHECK(newsdex_writer_put(w, &a, NULL) == NEWSDEX_ERR_INVALID);
    a.lists = a_null_value;
    CHILD_CHECK(newsdex_writer_put(w, &a, NULL) == NEWSDEX_ERR_INVALID);
    CHILD_CHECK(strstr(newsdex_writer_last_error(w), "topics") != NULL);
    uint64_t n = 99;
    CHILD_CHECK(newsdex_writer_count(w, &n) == NEWSDEX_OK && n == 0);
}

static void test_null_lists(void **state)
{
    fixture *f = *state;
    in_child(put_null_lists, f->w, "NULL list fields");
}

/* ---- NULL handles and required pointers ---- */

static int keep_all(const char *id, void *ctx)
{
    (void)id, (void)ctx;
    return 1;
}

static void writer_null_handles(void *arg)
{
    newsdex_writer *w = arg;
    newsdex_article a = plain();
    newsdex_writer_counts c;
    uint64_t n = 0;
    int found = 0;
    newsdex_writer *out = (newsdex_writer *)&a;
    char *msg = NULL;

    CHILD_CHECK(newsdex_writer_open(NULL, &out, &msg) == NEWSDEX_ERR_INVALID);
    CHILD_CHECK(out == NULL && msg != NULL);
    free(msg);
    CHILD_CHECK(newsdex_writer_open("/tmp/nx-unused", NULL, NULL) == NEWSDEX_ERR_INVALID);
    CHILD_CHECK(newsdex_writer_put(NULL, &a, NULL) == NEWSDEX_ERR_INVALID);
    CHILD_CHECK(newsdex_writer_put(w, NULL, NULL) == NEWSDEX_ERR_INVALID);
    CHILD_CHECK(newsdex_writer_commit(NULL) == NEWSDEX_ERR_INVALID);
    CHILD_CHECK(newsdex_writer_count(NULL, &n) == NEWSDEX_ERR_INVALID);
    CHILD_CHECK(newsdex_writer_count(w, NULL) == NEWSDEX_ERR_INVALID);
    CHILD_CHECK(newsdex_writer_set_batch_size(NULL, 10) == NEWSDEX_ERR_INVALID);
    CHILD_CHECK(newsdex_writer_delete(NULL, "x", &found) == NEWSDEX_ERR_INVALID);
    CHILD_CHECK(newsdex_writer_delete(w, NULL, &found) == NEWSDEX_ERR_INVALID);
    CHILD_CHECK(newsdex_writer_prune(NULL, keep_all, NULL, &n) == NEWSDEX_ERR_INVALID);
    CHILD_CHECK(newsdex_writer_prune(w, NULL, NULL, &n) == NEWSDEX_ERR_INVALID);
    CHILD_CHECK(newsdex_writer_set_metadata(NULL, "k", "v") == NEWSDEX_ERR_INVALID);
    CHILD_CHECK(newsdex_writer_set_metadata(w, NULL, "v") == NEWSDEX_ERR_INVALID);
    CHILD_CHECK(newsdex_writer_set_metadata(w, "k", NULL) == NEWSDEX_ERR_INVALID);
    CHILD_CHECK(newsdex_writer_get_counts(NULL, &c) == NEWSDEX_ERR_INVALID);
    CHILD_CHECK(newsdex_writer_get_counts(w, NULL) == NEWSDEX_ERR_INVALID);
    CHILD_CHECK(newsdex_writer_get_committed_counts(NULL, &c) == NEWSDEX_ERR_INVALID);
    CHILD_CHECK(newsdex_writer_get_committed_counts(w, NULL) == NEWSDEX_ERR_INVALID);
    CHILD_CHECK(strcmp(newsdex_writer_last_error(NULL), "") == 0);
    CHILD_CHECK(newsdex_writer_close(NULL) == NEWSDEX_OK);
}

static void test_writer_null_handles(void **state)
{
    fixture *f = *state;
    in_child(writer_null_handles, f->w, "NULL writer arguments");
}

/* ---- Reserved metadata keys ---- */

static void test_reserved_metadata(void **state)
{
    fixture *f = *state;
    assert_int_equal(newsdex_writer_set_metadata(f->w, "newsdex:last_run", "{}"),
                     NEWSDEX_ERR_INVALID);
    assert_non_null(strstr(newsdex_writer_last_error(f->w), "key"));
    assert_non_null(strstr(newsdex_writer_last_error(f->w), "newsdex:"));
    assert_int_equal(newsdex_writer_set_metadata(f->w, "newsdex:source:XSOURCE:x", "y"),
                     NEWSDEX_ERR_INVALID);
    assert_int_equal(newsdex_writer_set_metadata(f->w, "myapp:newsdex:x", "y"), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_commit(f->w), NEWSDEX_OK);
}

/* ---- Stub files ---- */

typedef struct stub_case {
    const char *path;
    newsdex_status want;
    const char *says; /* in the message, or NULL */
} stub_case;

static void open_stub(void *arg)
{
    const stub_case *c = arg;
    newsdex_db *db = NULL;
    char *msg = NULL;
    newsdex_status st = newsdex_db_open(c->path, &db, &msg);
    if (st != c->want)
        fprintf(stderr, "# %s: status %d (%s)\n", c->path, (int)st, msg ? msg : "");
    CHILD_CHECK(st == c->want);
    CHILD_CHECK(!c->says || (msg && strstr(msg, c->says)));
    free(msg);
    newsdex_db_close(db);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static void test_stub_cycles(void **state)
{
    fixture *f = *state;
    newsdex_article a = plain();
    assert_int_equal(newsdex_writer_put(f->w, &a, NULL), NEWSDEX_OK);
    assert_int_equal(newsdex_writer_commit(f->w), NEWSDEX_OK);
    char self[128], a_stub[128], b_stub[128], good[128], deep[128], text[160];

    /* A stub naming a real index opens. */
    snprintf(good, sizeof good, "%s/good.stub", f->dir);
    write_file(good, "auto db\n");
    stub_case ok_case = {good, NEWSDEX_OK, NULL};
    in_child(open_stub, &ok_case, "a stub naming an index");

    /* A stub naming itself, and two naming each other. */
    snprintf(self, sizeof self, "%s/self.stub", f->dir);
    write_file(self, "# shards\nauto self.stub\n");
    stub_case self_case = {self, NEWSDEX_ERR_CORRUPT, "self.stub"};
    in_child(open_stub, &self_case, "a stub naming itself");
    snprintf(a_stub, sizeof a_stub, "%s/a.stub", f->dir);
    snprintf(b_stub, sizeof b_stub, "%s/b.stub", f->dir);
    write_file(a_stub, "auto db\nauto b.stub\n");
    write_file(b_stub, "auto a.stub\n");
    stub_case cycle_case = {a_stub, NEWSDEX_ERR_CORRUPT, "stub"};
    in_child(open_stub, &cycle_case, "two stubs naming each other");

    /* A chain of 40 stubs, each naming the next: too deep. */
    for (int i = 0; i < 40; i++) {
        snprintf(deep, sizeof deep, "%s/deep%d.stub", f->dir, i);
        if (i == 39)
            snprintf(text, sizeof text, "auto db\n");
        else
            snprintf(text, sizeof text, "auto deep%d.stub\n", i + 1);
        write_file(deep, text);
    }
    snprintf(deep, sizeof deep, "%s/deep0.stub", f->dir);
    stub_case deep_case = {deep, NEWSDEX_ERR_CORRUPT, "deep"};
    in_child(open_stub, &deep_case, "stubs nested 40 deep");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_invalid_utf8_every_field, setup, teardown),
        cmocka_unit_test_setup_teardown(test_null_lists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writer_null_handles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reserved_metadata, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stub_cycles, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
