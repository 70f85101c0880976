/* The NULL-argument policy of include/newsdex.h, for every public function:
 * a NULL handle or NULL required pointer gives NEWSDEX_ERR_INVALID (with a
 * message on the handle when there is one), a function without a status
 * gives its documented neutral value (0, NULL, "" or -1), a void function
 * does nothing, and an enum value or index out of range is
 * NEWSDEX_ERR_INVALID (or the neutral value) too; never a crash.
 *
 * Each call runs in a forked child of its own, so a crash fails that case
 * only; a test reports every failing case of its table before it fails.
 * test_every_function_is_covered reads the header and checks that each
 * NEWSDEX_API function has a case here. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "newsdex.h"
#include "index_fixture.h"
#include "scratch_dir.h"

typedef struct fixture {
    char dir[64];
    char db_path[128];  /* an index of three articles */
    char wdb_path[128]; /* the index the open writer holds */
    newsdex_writer *w;
    newsdex_db *db;
    newsdex_results *r; /* a search with facets and a histogram */
} fixture;

static int group_setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    if (scratch_dir_make(f->dir, sizeof f->dir, "nx-api-null") != 0)
        return -1;
    snprintf(f->db_path, sizeof f->db_path, "%s/db", f->dir);
    snprintf(f->wdb_path, sizeof f->wdb_path, "%s/wdb", f->dir);
    if (oil_index_make(f->db_path) != 0)
        return -1;
    if (newsdex_writer_open(f->wdb_path, &f->w, NULL) != NEWSDEX_OK ||
        newsdex_db_open(f->db_path, &f->db, NULL) != NEWSDEX_OK)
        return -1;
    newsdex_search_options o;
    newsdex_search_options_init(&o);
    o.query = "oil";
    o.facets = 1;
    o.histogram = NEWSDEX_HISTOGRAM_YEAR;
    if (newsdex_search(f->db, &o, &f->r) != NEWSDEX_OK || newsdex_results_count(f->r) != 3 ||
        newsdex_results_facet_count(f->r, NEWSDEX_FACET_SOURCE) == 0 ||
        newsdex_results_histogram_count(f->r) == 0)
        return -1;
    *state = f;
    return 0;
}

static int group_teardown(void **state)
{
    fixture *f = *state;
    newsdex_results_free(f->r);
    newsdex_db_close(f->db);
    newsdex_writer_close(f->w);
    scratch_dir_remove(f->dir);
    free(f);
    return 0;
}

/* ---- Cases, each run in a child ---- */

/* In the child: report a failed expectation and leave with status 1. */
#define CHILD_CHECK(cond)                                                                 \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            fprintf(stderr, "# %s:%d: expected %s\n", __FILE__, __LINE__, #cond);        \
            _exit(1);                                                                     \
        }                                                                                 \
    } while (0)

/* st is NEWSDEX_ERR_INVALID (and the handle, if any, has a message). */
#define CHILD_INVALID(st) CHILD_CHECK((st) == NEWSDEX_ERR_INVALID)
#define CHILD_DB_SAYS(db) CHILD_CHECK(newsdex_db_last_error(db)[0] != '\0')

typedef struct api_case {
    const char *function; /* the public function called */
    const char *what;     /* with which argument wrong */
    void (*run)(fixture *f);
} api_case;

#define CASE(name) static void name(fixture *f)

/* Runs each case in a child; returns how many failed (each one named). */
static int run_cases(fixture *f, const api_case *cases, size_t n)
{
    int failed = 0;
    for (size_t i = 0; i < n; i++) {
        fflush(NULL);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            /* cmocka's own handlers would go on with the next test in here */
            const int crashes[] = {SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE};
            for (size_t s = 0; s < sizeof crashes / sizeof crashes[0]; s++)
                signal(crashes[s], SIG_DFL);
            cases[i].run(f);
            _exit(0);
        }
        int status = 0;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        if (WIFSIGNALED(status)) {
            fprintf(stderr, "# %s, %s: the call crashed (signal %d)\n", cases[i].function,
                    cases[i].what, WTERMSIG(status));
            failed++;
        } else if (WEXITSTATUS(status) != 0) {
            fprintf(stderr, "# %s, %s: a check failed (see above)\n", cases[i].function,
                    cases[i].what);
            failed++;
        }
    }
    return failed;
}

#define RUN_TABLE(state, table)                                                           \
    do {                                                                                  \
        int failed_ = run_cases(*(state), table, sizeof table / sizeof table[0]);         \
        if (failed_)                                                                      \
            fail_msg("%d of %zu cases failed", failed_, sizeof table / sizeof table[0]); \
    } while (0)

static newsdex_search_options options(const char *query)
{
    newsdex_search_options o;
    newsdex_search_options_init(&o);
    o.query = query;
    return o;
}

/* Something that is not NULL, to see outputs reset to NULL. */
static char junk;
#define JUNK ((void *)&junk)

/* ---- newsdex_status_to_string and the writer ---- */

CASE(status_negative)
{
    CHILD_CHECK(strcmp(newsdex_status_to_string((newsdex_status)-1), "unknown status") == 0);
}
CASE(status_too_big)
{
    CHILD_CHECK(strcmp(newsdex_status_to_string((newsdex_status)999), "unknown status") == 0);
}
CASE(writer_open_null_path)
{
    newsdex_writer *w = JUNK;
    char *msg = NULL;
    CHILD_INVALID(newsdex_writer_open(NULL, &w, &msg));
    CHILD_CHECK(w == NULL && msg && *msg);
}
CASE(writer_open_null_out)
{
    char *msg = NULL;
    CHILD_INVALID(newsdex_writer_open(f->wdb_path, NULL, &msg));
    CHILD_CHECK(msg && *msg);
}
CASE(writer_put_null_writer)
{
    newsdex_article a = {.id = "x", .title = "t"};
    CHILD_INVALID(newsdex_writer_put(NULL, &a, NULL));
}
CASE(writer_put_null_article)
{
    CHILD_INVALID(newsdex_writer_put(f->w, NULL, NULL));
    CHILD_CHECK(newsdex_writer_last_error(f->w)[0] != '\0');
}
CASE(builder_new_null_writer)
{
    newsdex_builder *b = JUNK;
    CHILD_INVALID(newsdex_builder_new(NULL, &b));
    CHILD_CHECK(b == NULL);
}
CASE(builder_new_null_out) { CHILD_INVALID(newsdex_builder_new(f->w, NULL)); }
CASE(builder_build_null_builder)
{
    newsdex_article a = {.id = "x", .title = "t"};
    newsdex_built *built = NULL;
    CHILD_INVALID(newsdex_builder_build(NULL, &a, &built));
}
CASE(builder_build_null_article)
{
    newsdex_builder *b = NULL;
    newsdex_built *built = JUNK;
    CHILD_CHECK(newsdex_builder_new(f->w, &b) == NEWSDEX_OK);
    CHILD_INVALID(newsdex_builder_build(b, NULL, &built));
    CHILD_CHECK(built == NULL && newsdex_builder_last_error(b)[0] != '\0');
    newsdex_builder_free(b);
}
CASE(builder_build_null_out)
{
    newsdex_builder *b = NULL;
    newsdex_article a = {.id = "x", .title = "t"};
    CHILD_CHECK(newsdex_builder_new(f->w, &b) == NEWSDEX_OK);
    CHILD_INVALID(newsdex_builder_build(b, &a, NULL));
    newsdex_builder_free(b);
}
CASE(builder_last_error_null) { CHILD_CHECK(strcmp(newsdex_builder_last_error(NULL), "") == 0); }
CASE(builder_free_null) { newsdex_builder_free(NULL); }
CASE(built_free_null) { newsdex_built_free(NULL); }
CASE(writer_put_built_null_writer)
{
    newsdex_builder *b = NULL;
    newsdex_built *built = NULL;
    newsdex_article a = {.id = "x", .title = "t"};
    CHILD_CHECK(newsdex_builder_new(f->w, &b) == NEWSDEX_OK);
    CHILD_CHECK(newsdex_builder_build(b, &a, &built) == NEWSDEX_OK);
    CHILD_INVALID(newsdex_writer_put_built(NULL, built, NULL)); /* takes built: no leak */
    newsdex_builder_free(b);
}
CASE(writer_put_built_null_built)
{
    CHILD_INVALID(newsdex_writer_put_built(f->w, NULL, NULL));
    CHILD_CHECK(newsdex_writer_last_error(f->w)[0] != '\0');
}
CASE(writer_commit_null) { CHILD_INVALID(newsdex_writer_commit(NULL)); }
CASE(writer_fold_null) { CHILD_INVALID(newsdex_writer_fold(NULL)); }
CASE(writer_count_null_writer)
{
    uint64_t n;
    CHILD_INVALID(newsdex_writer_count(NULL, &n));
}
CASE(writer_count_null_count) { CHILD_INVALID(newsdex_writer_count(f->w, NULL)); }
CASE(writer_last_error_null) { CHILD_CHECK(strcmp(newsdex_writer_last_error(NULL), "") == 0); }
CASE(writer_last_warning_null)
{
    CHILD_CHECK(strcmp(newsdex_writer_last_warning(NULL), "") == 0);
}
CASE(writer_truncated_null_writer)
{
    uint64_t n;
    CHILD_INVALID(newsdex_writer_truncated_count(NULL, &n));
}
CASE(writer_truncated_null_count) { CHILD_INVALID(newsdex_writer_truncated_count(f->w, NULL)); }
CASE(reader_skipped_null)
{
    const char *why = NULL;
    CHILD_CHECK(newsdex_reader_skipped_count(NULL) == 0);
    CHILD_CHECK(newsdex_reader_skipped(NULL, 0, &why) == NULL && why && !strcmp(why, ""));
}
CASE(writer_strict_dates_null) { CHILD_INVALID(newsdex_writer_set_strict_dates(NULL, 1)); }
CASE(writer_article_positions_null) { CHILD_INVALID(newsdex_writer_set_article_positions(NULL, 1)); }
CASE(writer_undated_null_writer)
{
    uint64_t n;
    CHILD_INVALID(newsdex_writer_undated_count(NULL, &n));
}
CASE(writer_undated_null_count) { CHILD_INVALID(newsdex_writer_undated_count(f->w, NULL)); }
CASE(writer_close_null) { CHILD_CHECK(newsdex_writer_close(NULL) == NEWSDEX_OK); }
CASE(writer_batch_null) { CHILD_INVALID(newsdex_writer_set_batch_size(NULL, 10)); }
CASE(writer_delete_null_writer) { CHILD_INVALID(newsdex_writer_delete(NULL, "x", NULL)); }
CASE(writer_delete_null_id)
{
    int found = 7;
    CHILD_INVALID(newsdex_writer_delete(f->w, NULL, &found));
}
static int keep_all(const char *id, void *ctx)
{
    (void)id, (void)ctx;
    return 1;
}
CASE(writer_prune_null_writer)
{
    uint64_t n;
    CHILD_INVALID(newsdex_writer_prune(NULL, keep_all, NULL, &n));
}
CASE(writer_prune_null_keep)
{
    uint64_t n;
    CHILD_INVALID(newsdex_writer_prune(f->w, NULL, NULL, &n));
}
CASE(writer_metadata_null_writer) { CHILD_INVALID(newsdex_writer_set_metadata(NULL, "k", "v")); }
CASE(writer_metadata_null_key) { CHILD_INVALID(newsdex_writer_set_metadata(f->w, NULL, "v")); }
CASE(writer_metadata_null_value) { CHILD_INVALID(newsdex_writer_set_metadata(f->w, "k", NULL)); }
CASE(writer_counts_null_writer)
{
    newsdex_writer_counts c;
    CHILD_INVALID(newsdex_writer_get_counts(NULL, &c));
}
CASE(writer_counts_null_counts) { CHILD_INVALID(newsdex_writer_get_counts(f->w, NULL)); }
CASE(writer_committed_null_writer)
{
    newsdex_writer_counts c;
    CHILD_INVALID(newsdex_writer_get_committed_counts(NULL, &c));
}
CASE(writer_committed_null_counts)
{
    CHILD_INVALID(newsdex_writer_get_committed_counts(f->w, NULL));
}
CASE(writer_counts_size_too_small)
{
    newsdex_writer_counts c;
    memset(&c, 0x5a, sizeof c);
    CHILD_INVALID(newsdex_writer_get_counts_sized(f->w, &c, sizeof c.size - 1));
    CHILD_INVALID(newsdex_writer_get_committed_counts_sized(f->w, &c, 0));
    CHILD_CHECK(c.added == 0x5a5a5a5a5a5a5a5aull); /* left alone */
}
CASE(version_string) { CHILD_CHECK(strcmp(newsdex_version(), NEWSDEX_VERSION_STRING) == 0); }
CASE(article_init_null) { newsdex_article_init_sized(NULL, sizeof(newsdex_article)); }
CASE(article_init_size_too_small)
{
    newsdex_article a;
    memset(&a, 0x5a, sizeof a);
    newsdex_article_init_sized(&a, sizeof a.size - 1);
    CHILD_CHECK(a.id == (const char *)(uintptr_t)0x5a5a5a5a5a5a5a5aull); /* left alone */
}

static void test_status_and_writer(void **state)
{
    static const api_case cases[] = {
        {"newsdex_status_to_string", "a negative status", status_negative},
        {"newsdex_status_to_string", "status 999", status_too_big},
        {"newsdex_version", "the header's version", version_string},
        {"newsdex_article_init_sized", "NULL article", article_init_null},
        {"newsdex_article_init_sized", "size too small", article_init_size_too_small},
        {"newsdex_writer_get_counts_sized", "size too small", writer_counts_size_too_small},
        {"newsdex_writer_open", "NULL path", writer_open_null_path},
        {"newsdex_writer_open", "NULL writer", writer_open_null_out},
        {"newsdex_writer_put", "NULL writer", writer_put_null_writer},
        {"newsdex_writer_put", "NULL article", writer_put_null_article},
        {"newsdex_builder_new", "NULL writer", builder_new_null_writer},
        {"newsdex_builder_new", "NULL builder", builder_new_null_out},
        {"newsdex_builder_build", "NULL builder", builder_build_null_builder},
        {"newsdex_builder_build", "NULL article", builder_build_null_article},
        {"newsdex_builder_build", "NULL built", builder_build_null_out},
        {"newsdex_builder_last_error", "NULL builder", builder_last_error_null},
        {"newsdex_builder_free", "NULL builder", builder_free_null},
        {"newsdex_built_free", "NULL built", built_free_null},
        {"newsdex_writer_put_built", "NULL writer", writer_put_built_null_writer},
        {"newsdex_writer_put_built", "NULL built", writer_put_built_null_built},
        {"newsdex_writer_commit", "NULL writer", writer_commit_null},
        {"newsdex_writer_fold", "NULL writer", writer_fold_null},
        {"newsdex_writer_count", "NULL writer", writer_count_null_writer},
        {"newsdex_writer_count", "NULL count", writer_count_null_count},
        {"newsdex_writer_last_error", "NULL writer", writer_last_error_null},
        {"newsdex_writer_last_warning", "NULL writer", writer_last_warning_null},
        {"newsdex_writer_truncated_count", "NULL writer", writer_truncated_null_writer},
        {"newsdex_writer_truncated_count", "NULL count", writer_truncated_null_count},
        {"newsdex_reader_skipped_count", "NULL reader", reader_skipped_null},
        {"newsdex_reader_skipped", "NULL reader", reader_skipped_null},
        {"newsdex_writer_set_strict_dates", "NULL writer", writer_strict_dates_null},
        {"newsdex_writer_set_article_positions", "NULL writer", writer_article_positions_null},
        {"newsdex_writer_undated_count", "NULL writer", writer_undated_null_writer},
        {"newsdex_writer_undated_count", "NULL count", writer_undated_null_count},
        {"newsdex_writer_close", "NULL writer", writer_close_null},
        {"newsdex_writer_set_batch_size", "NULL writer", writer_batch_null},
        {"newsdex_writer_delete", "NULL writer", writer_delete_null_writer},
        {"newsdex_writer_delete", "NULL id", writer_delete_null_id},
        {"newsdex_writer_prune", "NULL writer", writer_prune_null_writer},
        {"newsdex_writer_prune", "NULL keep", writer_prune_null_keep},
        {"newsdex_writer_set_metadata", "NULL writer", writer_metadata_null_writer},
        {"newsdex_writer_set_metadata", "NULL key", writer_metadata_null_key},
        {"newsdex_writer_set_metadata", "NULL value", writer_metadata_null_value},
        {"newsdex_writer_get_counts", "NULL writer", writer_counts_null_writer},
        {"newsdex_writer_get_counts", "NULL counts", writer_counts_null_counts},
        {"newsdex_writer_get_committed_counts", "NULL writer", writer_committed_null_writer},
        {"newsdex_writer_get_committed_counts", "NULL counts", writer_committed_null_counts},
    };
    RUN_TABLE(state, cases);
}

/* ---- Opening and the db handle ---- */

CASE(open_null_path)
{
    newsdex_db *db = JUNK;
    char *msg = NULL;
    CHILD_INVALID(newsdex_db_open(NULL, &db, &msg));
    CHILD_CHECK(db == NULL && msg && *msg);
    free(msg);
}
CASE(open_null_path_no_message)
{
    newsdex_db *db = JUNK;
    CHILD_INVALID(newsdex_db_open(NULL, &db, NULL));
    CHILD_CHECK(db == NULL);
}
CASE(open_null_out)
{
    char *msg = NULL;
    CHILD_INVALID(newsdex_db_open(f->db_path, NULL, &msg));
    CHILD_CHECK(msg && *msg);
    free(msg);
}
CASE(open_many_null_paths)
{
    newsdex_db *db = JUNK;
    char *msg = NULL;
    CHILD_INVALID(newsdex_db_open_many(NULL, 1, &db, &msg));
    CHILD_CHECK(db == NULL && msg && *msg);
    free(msg);
}
CASE(open_many_null_entry)
{
    const char *paths[] = {f->db_path, NULL};
    newsdex_db *db = JUNK;
    char *msg = NULL;
    CHILD_INVALID(newsdex_db_open_many(paths, 2, &db, &msg));
    CHILD_CHECK(db == NULL && msg && *msg);
    free(msg);
}
CASE(open_many_null_first)
{
    const char *paths[] = {NULL};
    newsdex_db *db = JUNK;
    CHILD_INVALID(newsdex_db_open_many(paths, 1, &db, NULL));
    CHILD_CHECK(db == NULL);
}
CASE(open_many_null_out)
{
    const char *paths[] = {f->db_path};
    char *msg = NULL;
    CHILD_INVALID(newsdex_db_open_many(paths, 1, NULL, &msg));
    CHILD_CHECK(msg && *msg);
    free(msg);
}
CASE(open_many_none)
{
    const char *paths[] = {f->db_path};
    newsdex_db *db = JUNK;
    CHILD_INVALID(newsdex_db_open_many(paths, 0, &db, NULL));
    CHILD_CHECK(db == NULL);
}
CASE(open_with_null_out)
{
    const char *paths[] = {f->db_path};
    char *msg = NULL;
    CHILD_INVALID(newsdex_db_open_with(paths, 1, NULL, NULL, &msg));
    CHILD_CHECK(msg && *msg);
    free(msg);
}
CASE(open_with_null_paths)
{
    newsdex_db *db = JUNK;
    CHILD_INVALID(newsdex_db_open_with(NULL, 1, NULL, &db, NULL));
    CHILD_CHECK(db == NULL);
}
CASE(open_with_null_options)
{
    const char *paths[] = {f->db_path};
    newsdex_db *db = NULL;
    CHILD_CHECK(newsdex_db_open_with(paths, 1, NULL, &db, NULL) == NEWSDEX_OK && db);
    newsdex_db_close(db);
}
CASE(open_options_init_null) { newsdex_db_open_options_init(NULL); }
CASE(open_options_init_size_too_small)
{
    newsdex_db_open_options o;
    memset(&o, 0x5a, sizeof o);
    newsdex_db_open_options_init_sized(&o, sizeof o.size - 1);
    CHILD_CHECK(o.partial == 0x5a5a5a5a); /* left alone */
}
CASE(count_null_db)
{
    uint64_t n;
    CHILD_INVALID(newsdex_db_count(NULL, &n));
}
CASE(count_null_count)
{
    CHILD_INVALID(newsdex_db_count(f->db, NULL));
    CHILD_DB_SAYS(f->db);
}
CASE(last_error_null) { CHILD_CHECK(strcmp(newsdex_db_last_error(NULL), "") == 0); }
CASE(close_null) { newsdex_db_close(NULL); }
CASE(reopen_null) { CHILD_INVALID(newsdex_db_reopen(NULL)); }
CASE(generation_null) { CHILD_CHECK(newsdex_db_generation(NULL) == 0); }
CASE(limit_null_db) { CHILD_CHECK(newsdex_db_limit(NULL, NEWSDEX_LIMIT_TIME_MS, 5) == -1); }
CASE(limit_negative_which)
{
    CHILD_CHECK(newsdex_db_limit(f->db, (newsdex_limit)-1, 5) == -1);
    CHILD_CHECK(newsdex_db_limit(f->db, (newsdex_limit)INT32_MIN, -1) == -1);
}
CASE(limit_which_too_big)
{
    int64_t before = newsdex_db_limit(f->db, NEWSDEX_LIMIT_DEPTH, -1);
    CHILD_CHECK(newsdex_db_limit(f->db, (newsdex_limit)NEWSDEX_LIMITS, 5) == -1);
    CHILD_CHECK(newsdex_db_limit(f->db, (newsdex_limit)INT32_MAX, 5) == -1);
    CHILD_CHECK(newsdex_db_limit(f->db, NEWSDEX_LIMIT_DEPTH, -1) == before);
}
CASE(fields_null_db)
{
    char **names = JUNK;
    size_t n = 7;
    CHILD_INVALID(newsdex_db_fields(NULL, &names, &n));
    CHILD_CHECK(names == NULL && n == 0);
}
CASE(fields_null_names)
{
    size_t n = 7;
    CHILD_INVALID(newsdex_db_fields(f->db, NULL, &n));
    CHILD_DB_SAYS(f->db);
}
CASE(fields_null_count)
{
    char **names = JUNK;
    CHILD_INVALID(newsdex_db_fields(f->db, &names, NULL));
    CHILD_CHECK(names == NULL);
    CHILD_DB_SAYS(f->db);
}
CASE(fields_free_null) { newsdex_fields_free(NULL, 5); }
CASE(options_init_null) { newsdex_search_options_init(NULL); }
CASE(options_init_size_too_small)
{
    newsdex_search_options o;
    memset(&o, 0x5a, sizeof o);
    newsdex_search_options_init_sized(&o, sizeof o.size - 1);
    CHILD_CHECK(o.limit == 0x5a5a5a5au); /* left alone */
}

static void test_db_handle(void **state)
{
    static const api_case cases[] = {
        {"newsdex_db_open", "NULL path", open_null_path},
        {"newsdex_db_open", "NULL path, no message", open_null_path_no_message},
        {"newsdex_db_open", "NULL db", open_null_out},
        {"newsdex_db_open_many", "NULL paths", open_many_null_paths},
        {"newsdex_db_open_many", "a NULL entry of paths", open_many_null_entry},
        {"newsdex_db_open_many", "one path, NULL", open_many_null_first},
        {"newsdex_db_open_many", "NULL db", open_many_null_out},
        {"newsdex_db_open_many", "n = 0", open_many_none},
        {"newsdex_db_open_with", "NULL db", open_with_null_out},
        {"newsdex_db_open_with", "NULL paths", open_with_null_paths},
        {"newsdex_db_open_with", "NULL options: the defaults", open_with_null_options},
        {"newsdex_db_open_options_init_sized", "NULL options", open_options_init_null},
        {"newsdex_db_open_options_init_sized", "size too small", open_options_init_size_too_small},
        {"newsdex_db_count", "NULL db", count_null_db},
        {"newsdex_db_count", "NULL count", count_null_count},
        {"newsdex_db_last_error", "NULL db", last_error_null},
        {"newsdex_db_close", "NULL db", close_null},
        {"newsdex_db_reopen", "NULL db", reopen_null},
        {"newsdex_db_generation", "NULL db", generation_null},
        {"newsdex_db_limit", "NULL db", limit_null_db},
        {"newsdex_db_limit", "a negative limit", limit_negative_which},
        {"newsdex_db_limit", "a limit past the last", limit_which_too_big},
        {"newsdex_db_fields", "NULL db", fields_null_db},
        {"newsdex_db_fields", "NULL names", fields_null_names},
        {"newsdex_db_fields", "NULL count", fields_null_count},
        {"newsdex_fields_free", "NULL names", fields_free_null},
        {"newsdex_search_options_init", "NULL options", options_init_null},
        {"newsdex_search_options_init_sized", "size too small", options_init_size_too_small},
    };
    RUN_TABLE(state, cases);
}

/* ---- Search, explain, similar ---- */

CASE(search_null_db)
{
    newsdex_search_options o = options("oil");
    newsdex_results *r = JUNK;
    CHILD_INVALID(newsdex_search(NULL, &o, &r));
    CHILD_CHECK(r == NULL);
}
CASE(search_null_options)
{
    newsdex_results *r = JUNK;
    CHILD_INVALID(newsdex_search(f->db, NULL, &r));
    CHILD_CHECK(r == NULL);
    CHILD_DB_SAYS(f->db);
}
CASE(search_null_query)
{
    newsdex_search_options o = options(NULL);
    newsdex_results *r = JUNK;
    CHILD_INVALID(newsdex_search(f->db, &o, &r));
    CHILD_CHECK(r == NULL);
    CHILD_DB_SAYS(f->db);
}
CASE(search_null_results)
{
    newsdex_search_options o = options("oil");
    CHILD_INVALID(newsdex_search(f->db, &o, NULL));
    CHILD_DB_SAYS(f->db);
}
CASE(search_bad_enums)
{
    newsdex_results *r = JUNK;
    int sorts[] = {-1, NEWSDEX_SORT_RECENT + 1, INT32_MAX, INT32_MIN};
    for (size_t i = 0; i < sizeof sorts / sizeof sorts[0]; i++) {
        newsdex_search_options o = options("oil");
        o.sort = sorts[i];
        CHILD_INVALID(newsdex_search(f->db, &o, &r));
        CHILD_CHECK(r == NULL);
        o = options("oil");
        o.histogram = sorts[i];
        CHILD_INVALID(newsdex_search(f->db, &o, &r));
        CHILD_CHECK(r == NULL);
    }
}
CASE(search_bad_numbers)
{
    newsdex_results *r = JUNK;
    newsdex_search_options o = options("oil");
    o.limit = 10001;
    CHILD_INVALID(newsdex_search(f->db, &o, &r));
    CHILD_CHECK(r == NULL);
    o = options("oil");
    o.sort = NEWSDEX_SORT_RECENT;
    o.half_life_days = -1;
    CHILD_INVALID(newsdex_search(f->db, &o, &r));
    CHILD_CHECK(r == NULL);
}
CASE(explain_null_db)
{
    newsdex_search_options o = options("oil");
    char *tree = JUNK, *xq = JUNK;
    CHILD_INVALID(newsdex_explain(NULL, &o, &tree, &xq));
    CHILD_CHECK(tree == NULL && xq == NULL);
}
CASE(explain_null_options)
{
    char *tree = JUNK, *xq = JUNK;
    CHILD_INVALID(newsdex_explain(f->db, NULL, &tree, &xq));
    CHILD_CHECK(tree == NULL && xq == NULL);
    CHILD_DB_SAYS(f->db);
}
CASE(explain_null_query)
{
    newsdex_search_options o = options(NULL);
    char *tree = JUNK, *xq = JUNK;
    CHILD_INVALID(newsdex_explain(f->db, &o, &tree, &xq));
    CHILD_CHECK(tree == NULL && xq == NULL);
}
CASE(explain_null_tree)
{
    newsdex_search_options o = options("oil");
    char *xq = JUNK;
    CHILD_INVALID(newsdex_explain(f->db, &o, NULL, &xq));
    CHILD_CHECK(xq == NULL);
    CHILD_DB_SAYS(f->db);
}
CASE(explain_null_xapian)
{
    newsdex_search_options o = options("oil");
    char *tree = JUNK;
    CHILD_INVALID(newsdex_explain(f->db, &o, &tree, NULL));
    CHILD_CHECK(tree == NULL);
    CHILD_DB_SAYS(f->db);
}
CASE(explain_bad_enums)
{
    char *tree = JUNK, *xq = JUNK;
    newsdex_search_options o = options("oil");
    o.sort = NEWSDEX_SORT_RECENT + 1;
    CHILD_INVALID(newsdex_explain(f->db, &o, &tree, &xq));
    CHILD_CHECK(tree == NULL && xq == NULL);
    o = options("oil");
    o.histogram = -1;
    CHILD_INVALID(newsdex_explain(f->db, &o, &tree, &xq));
    CHILD_CHECK(tree == NULL && xq == NULL);
}
CASE(similar_null_db)
{
    newsdex_search_options o = options(NULL);
    newsdex_results *r = JUNK;
    CHILD_INVALID(newsdex_similar(NULL, "n-1", &o, &r));
    CHILD_CHECK(r == NULL);
}
CASE(similar_null_id)
{
    newsdex_search_options o = options(NULL);
    newsdex_results *r = JUNK;
    CHILD_INVALID(newsdex_similar(f->db, NULL, &o, &r));
    CHILD_CHECK(r == NULL);
    CHILD_DB_SAYS(f->db);
}
CASE(similar_empty_id)
{
    newsdex_search_options o = options(NULL);
    newsdex_results *r = JUNK;
    CHILD_INVALID(newsdex_similar(f->db, "", &o, &r));
    CHILD_CHECK(r == NULL);
}
CASE(similar_null_options)
{
    newsdex_results *r = JUNK;
    CHILD_INVALID(newsdex_similar(f->db, "n-1", NULL, &r));
    CHILD_CHECK(r == NULL);
    CHILD_DB_SAYS(f->db);
}
CASE(similar_null_results)
{
    newsdex_search_options o = options(NULL);
    CHILD_INVALID(newsdex_similar(f->db, "n-1", &o, NULL));
    CHILD_DB_SAYS(f->db);
}
CASE(similar_bad_enums)
{
    newsdex_results *r = JUNK;
    newsdex_search_options o = options(NULL);
    o.sort = -1;
    CHILD_INVALID(newsdex_similar(f->db, "n-1", &o, &r));
    CHILD_CHECK(r == NULL);
    o = options(NULL);
    o.histogram = NEWSDEX_HISTOGRAM_MONTH + 1;
    CHILD_INVALID(newsdex_similar(f->db, "n-1", &o, &r));
    CHILD_CHECK(r == NULL);
}

static void test_search_explain_similar(void **state)
{
    static const api_case cases[] = {
        {"newsdex_search", "NULL db", search_null_db},
        {"newsdex_search", "NULL options", search_null_options},
        {"newsdex_search", "NULL options->query", search_null_query},
        {"newsdex_search", "NULL results", search_null_results},
        {"newsdex_search", "sort or histogram out of range", search_bad_enums},
        {"newsdex_search", "limit or half-life out of range", search_bad_numbers},
        {"newsdex_explain", "NULL db", explain_null_db},
        {"newsdex_explain", "NULL options", explain_null_options},
        {"newsdex_explain", "NULL options->query", explain_null_query},
        {"newsdex_explain", "NULL tree_text", explain_null_tree},
        {"newsdex_explain", "NULL xapian_text", explain_null_xapian},
        {"newsdex_explain", "sort or histogram out of range", explain_bad_enums},
        {"newsdex_similar", "NULL db", similar_null_db},
        {"newsdex_similar", "NULL id", similar_null_id},
        {"newsdex_similar", "empty id", similar_empty_id},
        {"newsdex_similar", "NULL options", similar_null_options},
        {"newsdex_similar", "NULL results", similar_null_results},
        {"newsdex_similar", "sort or histogram out of range", similar_bad_enums},
    };
    RUN_TABLE(state, cases);
}

/* ---- Results ---- */

CASE(results_count_null) { CHILD_CHECK(newsdex_results_count(NULL) == 0); }
CASE(results_total_null) { CHILD_CHECK(newsdex_results_total_estimate(NULL) == 0); }
CASE(results_exact_total_null) { CHILD_CHECK(newsdex_results_total(NULL) == 0); }
CASE(results_total_exact_null) { CHILD_CHECK(newsdex_results_total_exact(NULL) == 0); }
CASE(results_get_null_results)
{
    newsdex_hit h;
    CHILD_INVALID(newsdex_results_get(NULL, 0, &h));
}
CASE(results_get_null_hit) { CHILD_INVALID(newsdex_results_get(f->r, 0, NULL)); }
CASE(results_get_out_of_range)
{
    newsdex_hit h;
    CHILD_INVALID(newsdex_results_get(f->r, newsdex_results_count(f->r), &h));
    CHILD_INVALID(newsdex_results_get(f->r, SIZE_MAX, &h));
}
CASE(results_get_size_too_small)
{
    newsdex_hit h;
    memset(&h, 0x5a, sizeof h);
    CHILD_INVALID(newsdex_results_get_sized(f->r, 0, &h, sizeof h.size - 1));
    CHILD_CHECK(h.rank == 0x5a5a5a5au); /* left alone */
}
CASE(results_relaxed_null) { CHILD_CHECK(newsdex_results_relaxed(NULL) == 0); }
CASE(facet_count_null) { CHILD_CHECK(newsdex_results_facet_count(NULL, NEWSDEX_FACET_SOURCE) == 0); }
CASE(facet_count_bad_facet)
{
    CHILD_CHECK(newsdex_results_facet_count(f->r, (newsdex_facet)-1) == 0);
    CHILD_CHECK(newsdex_results_facet_count(f->r, (newsdex_facet)(NEWSDEX_FACET_YEAR + 1)) == 0);
    CHILD_CHECK(newsdex_results_facet_count(f->r, (newsdex_facet)INT32_MAX) == 0);
}
CASE(facet_get_null_results)
{
    const char *v;
    uint64_t c;
    CHILD_INVALID(newsdex_results_facet_get(NULL, NEWSDEX_FACET_SOURCE, 0, &v, &c));
}
CASE(facet_get_bad_facet)
{
    const char *v;
    uint64_t c;
    CHILD_INVALID(newsdex_results_facet_get(f->r, (newsdex_facet)-1, 0, &v, &c));
    CHILD_INVALID(newsdex_results_facet_get(f->r, (newsdex_facet)(NEWSDEX_FACET_YEAR + 1), 0, &v,
                                            &c));
    CHILD_INVALID(newsdex_results_facet_get(f->r, (newsdex_facet)INT32_MIN, 0, &v, &c));
}
CASE(facet_get_out_of_range)
{
    const char *v;
    uint64_t c;
    size_t n = newsdex_results_facet_count(f->r, NEWSDEX_FACET_SOURCE);
    CHILD_INVALID(newsdex_results_facet_get(f->r, NEWSDEX_FACET_SOURCE, n, &v, &c));
    CHILD_INVALID(newsdex_results_facet_get(f->r, NEWSDEX_FACET_YEAR, SIZE_MAX, &v, &c));
}
CASE(facet_get_null_value)
{
    uint64_t c;
    CHILD_INVALID(newsdex_results_facet_get(f->r, NEWSDEX_FACET_SOURCE, 0, NULL, &c));
}
CASE(facet_get_null_count)
{
    const char *v;
    CHILD_INVALID(newsdex_results_facet_get(f->r, NEWSDEX_FACET_SOURCE, 0, &v, NULL));
}
CASE(histogram_count_null) { CHILD_CHECK(newsdex_results_histogram_count(NULL) == 0); }
CASE(histogram_get_null_results)
{
    const char *p;
    uint64_t c;
    CHILD_INVALID(newsdex_results_histogram_get(NULL, 0, &p, &c));
}
CASE(histogram_get_out_of_range)
{
    const char *p;
    uint64_t c;
    size_t n = newsdex_results_histogram_count(f->r);
    CHILD_INVALID(newsdex_results_histogram_get(f->r, n, &p, &c));
    CHILD_INVALID(newsdex_results_histogram_get(f->r, SIZE_MAX, &p, &c));
}
CASE(histogram_get_null_period)
{
    uint64_t c;
    CHILD_INVALID(newsdex_results_histogram_get(f->r, 0, NULL, &c));
}
CASE(histogram_get_null_count)
{
    const char *p;
    CHILD_INVALID(newsdex_results_histogram_get(f->r, 0, &p, NULL));
}
CASE(suggestion_null) { CHILD_CHECK(strcmp(newsdex_results_suggestion(NULL), "") == 0); }
CASE(missing_count_null) { CHILD_CHECK(newsdex_results_missing_shard_count(NULL) == 0); }
CASE(missing_null) { CHILD_CHECK(strcmp(newsdex_results_missing_shard(NULL, 0), "") == 0); }
CASE(missing_out_of_range)
{
    CHILD_CHECK(newsdex_results_missing_shard_count(f->r) == 0);
    CHILD_CHECK(strcmp(newsdex_results_missing_shard(f->r, 0), "") == 0);
}
CASE(facet_missing_null) { CHILD_CHECK(newsdex_results_facet_missing(NULL, NEWSDEX_FACET_TOPIC) == 0); }
CASE(facet_missing_bad_facet)
{
    CHILD_CHECK(newsdex_results_facet_missing(f->r, (newsdex_facet)7) == 0);
}
CASE(similar_term_count_null) { CHILD_CHECK(newsdex_results_similar_term_count(NULL) == 0); }
CASE(similar_term_get_null_results)
{
    const char *t;
    double w;
    CHILD_INVALID(newsdex_results_similar_term_get(NULL, 0, &t, &w));
}
CASE(similar_term_get_out_of_range)
{
    const char *t;
    double w;
    CHILD_INVALID(newsdex_results_similar_term_get(f->r, 0, &t, &w));
}
CASE(similar_term_get_null_term)
{
    double w;
    CHILD_INVALID(newsdex_results_similar_term_get(f->r, 0, NULL, &w));
}
CASE(similar_term_get_null_weight)
{
    const char *t;
    CHILD_INVALID(newsdex_results_similar_term_get(f->r, 0, &t, NULL));
}
CASE(corrected_null) { CHILD_CHECK(strcmp(newsdex_results_corrected(NULL), "") == 0); }
CASE(results_free_null) { newsdex_results_free(NULL); }
CASE(to_json_null_results)
{
    newsdex_search_options o;
    newsdex_search_options_init(&o);
    char *json = (char *)"set";
    CHILD_INVALID(newsdex_results_to_json(NULL, "q", &o, &json));
    CHILD_CHECK(json == NULL);
}
CASE(to_json_null_options)
{
    char *json = NULL;
    CHILD_INVALID(newsdex_results_to_json(f->r, "q", NULL, &json));
}
CASE(to_json_null_json)
{
    newsdex_search_options o;
    newsdex_search_options_init(&o);
    CHILD_INVALID(newsdex_results_to_json(f->r, "q", &o, NULL));
}
CASE(to_json_null_query)
{
    newsdex_search_options o;
    newsdex_search_options_init(&o);
    char *json = NULL;
    CHILD_CHECK(newsdex_results_to_json(f->r, NULL, &o, &json) == NEWSDEX_OK);
    CHILD_CHECK(json && strstr(json, "\"query\":\"\""));
    free(json);
}

static void test_results(void **state)
{
    static const api_case cases[] = {
        {"newsdex_results_count", "NULL results", results_count_null},
        {"newsdex_results_total_estimate", "NULL results", results_total_null},
        {"newsdex_results_total", "NULL results", results_exact_total_null},
        {"newsdex_results_total_exact", "NULL results", results_total_exact_null},
        {"newsdex_results_get", "NULL results", results_get_null_results},
        {"newsdex_results_get", "NULL hit", results_get_null_hit},
        {"newsdex_results_get", "index out of range", results_get_out_of_range},
        {"newsdex_results_get_sized", "size too small", results_get_size_too_small},
        {"newsdex_results_relaxed", "NULL results", results_relaxed_null},
        {"newsdex_results_facet_count", "NULL results", facet_count_null},
        {"newsdex_results_facet_count", "facet out of range", facet_count_bad_facet},
        {"newsdex_results_facet_get", "NULL results", facet_get_null_results},
        {"newsdex_results_facet_get", "facet out of range", facet_get_bad_facet},
        {"newsdex_results_facet_get", "index out of range", facet_get_out_of_range},
        {"newsdex_results_facet_get", "NULL value", facet_get_null_value},
        {"newsdex_results_facet_get", "NULL count", facet_get_null_count},
        {"newsdex_results_histogram_count", "NULL results", histogram_count_null},
        {"newsdex_results_histogram_get", "NULL results", histogram_get_null_results},
        {"newsdex_results_histogram_get", "index out of range", histogram_get_out_of_range},
        {"newsdex_results_histogram_get", "NULL period", histogram_get_null_period},
        {"newsdex_results_histogram_get", "NULL count", histogram_get_null_count},
        {"newsdex_results_suggestion", "NULL results", suggestion_null},
        {"newsdex_results_missing_shard_count", "NULL results", missing_count_null},
        {"newsdex_results_missing_shard", "NULL results", missing_null},
        {"newsdex_results_missing_shard", "index out of range", missing_out_of_range},
        {"newsdex_results_corrected", "NULL results", corrected_null},
        {"newsdex_results_similar_term_count", "NULL results", similar_term_count_null},
        {"newsdex_results_similar_term_get", "NULL results", similar_term_get_null_results},
        {"newsdex_results_similar_term_get", "index out of range", similar_term_get_out_of_range},
        {"newsdex_results_similar_term_get", "NULL term", similar_term_get_null_term},
        {"newsdex_results_similar_term_get", "NULL weight", similar_term_get_null_weight},
        {"newsdex_results_facet_missing", "NULL results", facet_missing_null},
        {"newsdex_results_facet_missing", "facet out of range", facet_missing_bad_facet},
        {"newsdex_results_free", "NULL results", results_free_null},
        {"newsdex_results_to_json", "NULL results", to_json_null_results},
        {"newsdex_results_to_json", "NULL options", to_json_null_options},
        {"newsdex_results_to_json", "NULL json", to_json_null_json},
        {"newsdex_results_to_json", "NULL query", to_json_null_query},
    };
    RUN_TABLE(state, cases);
}

/* ---- Maintenance: stats, check, compaction, readers, the fatal hook ---- */

CASE(last_run_null_writer) { CHILD_INVALID(newsdex_writer_set_last_run(NULL, "{}")); }
CASE(last_run_null_json) { CHILD_INVALID(newsdex_writer_set_last_run(f->w, NULL)); }
CASE(stats_null_path)
{
    newsdex_stats s;
    char *msg = NULL;
    CHILD_INVALID(newsdex_index_stats(NULL, &s, &msg));
    CHILD_CHECK(msg && *msg);
    free(msg);
}
CASE(stats_null_stats)
{
    char *msg = NULL;
    CHILD_INVALID(newsdex_index_stats_sized(f->db_path, NULL, sizeof(newsdex_stats), &msg));
    CHILD_CHECK(msg && *msg);
    free(msg);
}
CASE(stats_size_too_small)
{
    newsdex_stats s;
    memset(&s, 0x5a, sizeof s);
    CHILD_INVALID(newsdex_index_stats_sized(f->db_path, &s, sizeof s.size, NULL));
    CHILD_CHECK(s.articles != 0); /* left alone */
}
CASE(stats_with_null_path)
{
    newsdex_stats s;
    char *msg = NULL;
    CHILD_INVALID(newsdex_index_stats_with(NULL, NULL, &s, &msg));
    CHILD_CHECK(msg && *msg);
    free(msg);
}
CASE(stats_with_null_stats)
{
    CHILD_INVALID(newsdex_index_stats_with_sized(f->db_path, NULL, NULL, sizeof(newsdex_stats),
                                                 NULL));
}
CASE(stats_with_zeroed_options) /* size 0: read as this release's struct */
{
    newsdex_db_open_options o;
    memset(&o, 0, sizeof o);
    newsdex_stats s;
    CHILD_CHECK(newsdex_index_stats_with(f->db_path, &o, &s, NULL) == NEWSDEX_OK);
    newsdex_stats_free(&s);
}
CASE(stats_free_null) { newsdex_stats_free(NULL); }
CASE(check_null_path)
{
    char *msg = NULL;
    CHILD_INVALID(newsdex_index_check(NULL, &msg));
    CHILD_CHECK(msg && *msg);
    free(msg);
}
CASE(compact_null_path) { CHILD_INVALID(newsdex_index_compact(NULL, "/nonexistent/x", NULL)); }
CASE(compact_null_copy) { CHILD_INVALID(newsdex_index_compact(f->db_path, NULL, NULL)); }
CASE(fatal_handler_null) { newsdex_set_fatal_handler(NULL); }
CASE(concatenate_null_writer)
{
    int can = 7;
    const char *shards[] = {"/nonexistent/a"};
    CHILD_INVALID(newsdex_writer_can_concatenate(NULL, shards, 1, &can));
    CHILD_CHECK(can == 0);
}
CASE(concatenate_null_can) { CHILD_INVALID(newsdex_writer_can_concatenate(f->w, NULL, 0, NULL)); }
CASE(concatenate_null_shard)
{
    int can = 7;
    const char *shards[] = {NULL};
    CHILD_INVALID(newsdex_writer_can_concatenate(f->w, shards, 1, &can));
}
CASE(merge_null_copy)
{
    char *msg = NULL;
    const char *shards[] = {"/nonexistent/a"};
    CHILD_INVALID(newsdex_index_merge(shards, 1, NULL, &msg));
    CHILD_CHECK(msg && *msg);
    free(msg);
}
CASE(merge_null_shards) { CHILD_INVALID(newsdex_index_merge(NULL, 2, "/nonexistent/x", NULL)); }
CASE(merge_shard_null_writer) { CHILD_INVALID(newsdex_writer_merge_shard(NULL, "/nonexistent/a", 1, 2)); }
CASE(merge_shard_null_shard)
{
    CHILD_INVALID(newsdex_writer_merge_shard(f->w, NULL, 1, 2));
    CHILD_CHECK(newsdex_writer_last_error(f->w)[0] != '\0');
}
CASE(open_sharded_null_path)
{
    newsdex_writer *w = JUNK;
    char *msg = NULL;
    CHILD_INVALID(newsdex_writer_open_sharded(NULL, NEWSDEX_SHARD_BY_YEAR, &w, &msg));
    CHILD_CHECK(w == NULL && msg && *msg);
    free(msg);
}
CASE(open_sharded_null_writer)
{
    char path[160], *msg = NULL;
    snprintf(path, sizeof path, "%s/archive", f->dir);
    CHILD_INVALID(newsdex_writer_open_sharded(path, NEWSDEX_SHARD_BY_YEAR, NULL, &msg));
    CHILD_CHECK(msg && *msg);
    free(msg);
}
CASE(open_sharded_bad_by)
{
    char path[160];
    newsdex_writer *w = JUNK;
    snprintf(path, sizeof path, "%s/archive", f->dir);
    CHILD_INVALID(newsdex_writer_open_sharded(path, (newsdex_shard_by)7, &w, NULL));
    CHILD_CHECK(w == NULL);
}
CASE(index_shards_null_path)
{
    newsdex_shard_by by;
    char *msg = NULL;
    CHILD_INVALID(newsdex_index_shards(NULL, &by, NULL, NULL, &msg));
    CHILD_CHECK(msg && *msg);
    free(msg);
}
CASE(index_shards_null_by) { CHILD_INVALID(newsdex_index_shards(f->db_path, NULL, NULL, NULL, NULL)); }
CASE(reader_open_null_path)
{
    newsdex_reader *r = JUNK;
    char *msg = NULL;
    CHILD_INVALID(newsdex_reader_open(NULL, NULL, &r, &msg));
    CHILD_CHECK(r == NULL && msg && *msg);
    free(msg);
}
CASE(reader_open_null_out)
{
    char *msg = NULL;
    CHILD_INVALID(newsdex_reader_open("-", NULL, NULL, &msg));
    CHILD_CHECK(msg && *msg);
    free(msg);
}
CASE(reader_open_bad_format)
{
    newsdex_reader *r = JUNK;
    CHILD_INVALID(newsdex_reader_open("-", "xml", &r, NULL));
    CHILD_CHECK(r == NULL);
}
CASE(reader_stop_null)
{
    static volatile sig_atomic_t flag;
    newsdex_reader_set_stop_flag(NULL, &flag);
}
CASE(reader_next_null_reader)
{
    const newsdex_article *a = JUNK;
    CHILD_CHECK(newsdex_reader_next(NULL, &a) == NEWSDEX_READ_FAILED);
    CHILD_CHECK(a == NULL);
}
CASE(reader_next_null_article)
{
    char path[160];
    snprintf(path, sizeof path, "%s/one.jsonl", f->dir);
    FILE *in = fopen(path, "w");
    CHILD_CHECK(in && fputs("{\"id\": \"a\", \"title\": \"A\"}\n", in) >= 0 && fclose(in) == 0);
    newsdex_reader *r = NULL;
    CHILD_CHECK(newsdex_reader_open(path, NULL, &r, NULL) == NEWSDEX_OK);
    CHILD_CHECK(newsdex_reader_next(r, NULL) == NEWSDEX_READ_FAILED);
    CHILD_CHECK(newsdex_reader_last_error(r)[0] != '\0');
    newsdex_reader_close(r);
}
CASE(reader_last_error_null) { CHILD_CHECK(strcmp(newsdex_reader_last_error(NULL), "") == 0); }
CASE(reader_path_null) { CHILD_CHECK(strcmp(newsdex_reader_path(NULL), "") == 0); }
CASE(reader_line_null) { CHILD_CHECK(newsdex_reader_line(NULL) == 0); }
CASE(reader_bytes_null) { CHILD_CHECK(newsdex_reader_bytes(NULL) == 0); }
CASE(reader_close_null) { newsdex_reader_close(NULL); }
CASE(reader_encoding_null_reader) { CHILD_INVALID(newsdex_reader_set_encoding(NULL, "cp1252")); }
CASE(reader_encoding_null_name)
{
    char path[160];
    snprintf(path, sizeof path, "%s/enc.jsonl", f->dir);
    FILE *in = fopen(path, "w");
    CHILD_CHECK(in && fputs("{\"id\": \"a\", \"title\": \"A\"}\n", in) >= 0 && fclose(in) == 0);
    newsdex_reader *r = NULL;
    CHILD_CHECK(newsdex_reader_open(path, NULL, &r, NULL) == NEWSDEX_OK);
    CHILD_INVALID(newsdex_reader_set_encoding(r, NULL));
    CHILD_CHECK(strstr(newsdex_reader_last_error(r), "encoding") != NULL);
    newsdex_reader_close(r);
}
CASE(reader_defaults_null) { CHILD_INVALID(newsdex_reader_set_defaults(NULL, "S", "2024")); }
CASE(reader_last_warning_null)
{
    CHILD_CHECK(strcmp(newsdex_reader_last_warning(NULL), "") == 0);
}
CASE(reader_invalid_null)
{
    unsigned long line = 7;
    uint64_t bytes = 7;
    CHILD_CHECK(newsdex_reader_invalid_count(NULL) == 0);
    CHILD_CHECK(newsdex_reader_invalid_file(NULL, 0, &line, &bytes) == NULL);
    CHILD_CHECK(line == 0 && bytes == 0);
}
CASE(remove_empty_null_path)
{
    char *msg = NULL;
    CHILD_INVALID(newsdex_index_remove_empty(NULL, 0, &msg));
    CHILD_CHECK(msg && *msg);
    free(msg);
}

static void test_maintenance(void **state)
{
    static const api_case cases[] = {
        {"newsdex_writer_set_last_run", "NULL writer", last_run_null_writer},
        {"newsdex_writer_set_last_run", "NULL json", last_run_null_json},
        {"newsdex_index_stats_sized", "NULL path", stats_null_path},
        {"newsdex_index_stats_sized", "NULL stats", stats_null_stats},
        {"newsdex_index_stats_sized", "size too small", stats_size_too_small},
        {"newsdex_index_stats_with_sized", "NULL path", stats_with_null_path},
        {"newsdex_index_stats_with_sized", "NULL stats", stats_with_null_stats},
        {"newsdex_index_stats_with_sized", "zeroed options", stats_with_zeroed_options},
        {"newsdex_stats_free", "NULL stats", stats_free_null},
        {"newsdex_index_check", "NULL path", check_null_path},
        {"newsdex_index_compact", "NULL path", compact_null_path},
        {"newsdex_index_compact", "NULL copy_path", compact_null_copy},
        {"newsdex_set_fatal_handler", "NULL hook", fatal_handler_null},
        {"newsdex_writer_can_concatenate", "NULL writer", concatenate_null_writer},
        {"newsdex_writer_can_concatenate", "NULL can", concatenate_null_can},
        {"newsdex_writer_can_concatenate", "NULL shard", concatenate_null_shard},
        {"newsdex_index_merge", "NULL copy_path", merge_null_copy},
        {"newsdex_index_merge", "NULL shards", merge_null_shards},
        {"newsdex_writer_merge_shard", "NULL writer", merge_shard_null_writer},
        {"newsdex_writer_merge_shard", "NULL shard", merge_shard_null_shard},
        {"newsdex_writer_open_sharded", "NULL path", open_sharded_null_path},
        {"newsdex_writer_open_sharded", "NULL writer", open_sharded_null_writer},
        {"newsdex_writer_open_sharded", "unknown by", open_sharded_bad_by},
        {"newsdex_index_shards", "NULL path", index_shards_null_path},
        {"newsdex_index_shards", "NULL by", index_shards_null_by},
        {"newsdex_reader_open", "NULL path", reader_open_null_path},
        {"newsdex_reader_open", "NULL reader", reader_open_null_out},
        {"newsdex_reader_open", "unknown format", reader_open_bad_format},
        {"newsdex_reader_set_stop_flag", "NULL reader", reader_stop_null},
        {"newsdex_reader_next", "NULL reader", reader_next_null_reader},
        {"newsdex_reader_next", "NULL article", reader_next_null_article},
        {"newsdex_reader_last_error", "NULL reader", reader_last_error_null},
        {"newsdex_reader_path", "NULL reader", reader_path_null},
        {"newsdex_reader_line", "NULL reader", reader_line_null},
        {"newsdex_reader_bytes", "NULL reader", reader_bytes_null},
        {"newsdex_reader_close", "NULL reader", reader_close_null},
        {"newsdex_reader_set_encoding", "NULL reader", reader_encoding_null_reader},
        {"newsdex_reader_set_encoding", "NULL encoding", reader_encoding_null_name},
        {"newsdex_reader_set_defaults", "NULL reader", reader_defaults_null},
        {"newsdex_reader_last_warning", "NULL reader", reader_last_warning_null},
        {"newsdex_reader_invalid_count", "NULL reader", reader_invalid_null},
        {"newsdex_reader_invalid_file", "NULL reader", reader_invalid_null},
        {"newsdex_index_remove_empty", "NULL path", remove_empty_null_path},
    };
    RUN_TABLE(state, cases);
}

/* ---- One stored article ---- */

CASE(document_null_db)
{
    newsdex_document *d = JUNK;
    CHILD_INVALID(newsdex_document_get(NULL, "n-1", "oil", &d));
    CHILD_CHECK(d == NULL);
}
CASE(document_null_id)
{
    newsdex_document *d = JUNK;
    CHILD_INVALID(newsdex_document_get(f->db, NULL, "oil", &d));
    CHILD_CHECK(d == NULL);
    CHILD_DB_SAYS(f->db);
}
CASE(document_empty_id)
{
    newsdex_document *d = JUNK;
    CHILD_INVALID(newsdex_document_get(f->db, "", NULL, &d));
    CHILD_CHECK(d == NULL);
    CHILD_DB_SAYS(f->db);
}
CASE(document_null_doc)
{
    CHILD_INVALID(newsdex_document_get(f->db, "n-1", "oil", NULL));
    CHILD_DB_SAYS(f->db);
}
CASE(document_null_query)
{
    newsdex_document *d = NULL;
    CHILD_CHECK(newsdex_document_get(f->db, "n-1", NULL, &d) == NEWSDEX_OK);
    CHILD_CHECK(d && d->n_title_marks == 0 && d->n_body_marks == 0);
    newsdex_document_free(d);
}
CASE(document_unknown_id)
{
    newsdex_document *d = JUNK;
    CHILD_CHECK(newsdex_document_get(f->db, "n-404", "oil", &d) == NEWSDEX_ERR_NOT_FOUND);
    CHILD_CHECK(d == NULL);
    CHILD_DB_SAYS(f->db);
}
CASE(document_free_null) { newsdex_document_free(NULL); }

static void test_document(void **state)
{
    static const api_case cases[] = {
        {"newsdex_document_get", "NULL db", document_null_db},
        {"newsdex_document_get", "NULL id", document_null_id},
        {"newsdex_document_get", "empty id", document_empty_id},
        {"newsdex_document_get", "NULL doc", document_null_doc},
        {"newsdex_document_get", "NULL query", document_null_query},
        {"newsdex_document_get", "unknown id", document_unknown_id},
        {"newsdex_document_free", "NULL doc", document_free_null},
    };
    RUN_TABLE(state, cases);
}

/* ---- Every NEWSDEX_API function of the header has a case ---- */

static const char *const covered[] = {
    "newsdex_status_to_string", "newsdex_version", "newsdex_article_init_sized",
    "newsdex_writer_open", "newsdex_writer_put", "newsdex_writer_commit", "newsdex_writer_fold",
    "newsdex_builder_new", "newsdex_builder_build", "newsdex_builder_last_error",
    "newsdex_builder_free", "newsdex_built_free", "newsdex_writer_put_built",
    "newsdex_writer_count", "newsdex_writer_last_error", "newsdex_writer_last_warning",
    "newsdex_writer_truncated_count", "newsdex_writer_close", "newsdex_writer_set_batch_size",
    "newsdex_writer_set_strict_dates", "newsdex_writer_set_article_positions",
    "newsdex_writer_undated_count",
    "newsdex_reader_skipped_count", "newsdex_reader_skipped",
    "newsdex_writer_delete", "newsdex_writer_prune", "newsdex_writer_set_metadata",
    "newsdex_writer_get_counts_sized", "newsdex_writer_get_committed_counts_sized",
    "newsdex_db_open", "newsdex_db_open_many", "newsdex_db_open_with",
    "newsdex_db_open_options_init_sized", "newsdex_results_missing_shard_count",
    "newsdex_results_missing_shard", "newsdex_db_count", "newsdex_db_last_error",
    "newsdex_db_close", "newsdex_db_reopen", "newsdex_db_generation", "newsdex_db_limit",
    "newsdex_db_fields", "newsdex_fields_free", "newsdex_search_options_init_sized",
    "newsdex_search", "newsdex_explain", "newsdex_similar",
    "newsdex_results_count", "newsdex_results_total_estimate", "newsdex_results_total",
    "newsdex_results_total_exact", "newsdex_results_get_sized",
    "newsdex_results_relaxed", "newsdex_results_facet_count", "newsdex_results_facet_get",
    "newsdex_results_histogram_count", "newsdex_results_histogram_get",
    "newsdex_results_suggestion", "newsdex_results_corrected", "newsdex_results_free",
    "newsdex_results_facet_missing", "newsdex_results_similar_term_count",
    "newsdex_results_similar_term_get",
    "newsdex_results_to_json",
    "newsdex_writer_set_last_run", "newsdex_index_stats_sized", "newsdex_index_stats_with_sized",
    "newsdex_stats_free", "newsdex_index_check", "newsdex_index_compact",
    "newsdex_set_fatal_handler", "newsdex_writer_can_concatenate", "newsdex_index_merge",
    "newsdex_writer_merge_shard", "newsdex_reader_open", "newsdex_reader_set_stop_flag",
    "newsdex_writer_open_sharded", "newsdex_index_shards",
    "newsdex_reader_next", "newsdex_reader_last_error", "newsdex_reader_path",
    "newsdex_reader_line", "newsdex_reader_bytes", "newsdex_reader_close",
    "newsdex_document_get", "newsdex_document_free",
    "newsdex_reader_set_encoding", "newsdex_reader_set_defaults", "newsdex_reader_last_warning",
    "newsdex_reader_invalid_count", "newsdex_reader_invalid_file", "newsdex_index_remove_empty",
};

static int is_covered(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof covered / sizeof covered[0]; i++)
        if (strlen(covered[i]) == len && strncmp(covered[i], name, len) == 0)
            return 1;
    return 0;
}

/* include/newsdex.h, from the repository root (where the tests run) or
 * found from this file's path. */
static FILE *open_header(void)
{
    FILE *h = fopen("include/newsdex.h", "r");
    const char *self = __FILE__, *tail = strstr(self, "tests/unit/");
    if (!h && tail) {
        char path[1024];
        snprintf(path, sizeof path, "%.*sinclude/newsdex.h", (int)(tail - self), self);
        h = fopen(path, "r");
    }
    return h;
}

static void test_every_function_is_covered(void **state)
{
    (void)state;
    FILE *h = open_header();
    if (!h)
        skip();
    char line[1024];
    int declared = 0, missing = 0;
    while (fgets(line, sizeof line, h)) {
        const char *at = strstr(line, "NEWSDEX_API ");
        const char *paren = at ? strchr(at, '(') : NULL;
        if (!at || !paren || strncmp(line, "#define", 7) == 0)
            continue;
        const char *start = paren;
        while (start > at && (start[-1] == '_' || (start[-1] >= 'a' && start[-1] <= 'z') ||
                              (start[-1] >= '0' && start[-1] <= '9')))
            start--;
        declared++;
        if (!is_covered(start, (size_t)(paren - start))) {
            fprintf(stderr, "# %.*s has no case here\n", (int)(paren - start), start);
            missing++;
        }
    }
    fclose(h);
    assert_int_equal(declared, (int)(sizeof covered / sizeof covered[0]));
    assert_int_equal(missing, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_and_writer),
        cmocka_unit_test(test_db_handle),
        cmocka_unit_test(test_search_explain_similar),
        cmocka_unit_test(test_results),
        cmocka_unit_test(test_maintenance),
        cmocka_unit_test(test_document),
        cmocka_unit_test(test_every_function_is_covered),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
