/* Allocation failure in the analyzer and the query language.
 *
 * This test is linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,
 * --wrap=strdup,--wrap=strndup,--wrap=free (see its rule in the Makefile),
 * so every allocation made by libnewsdex.a's own code goes through the
 * __wrap_* functions below; allocations inside Xapian, libstemmer or libc
 * are not seen. Each case runs once as a reference, then again failing the
 * Nth allocation, for N = 1, 2, ... until a run makes fewer than N, in two
 * modes: only the Nth allocation fails, or the Nth and every one after it.
 * Every run must
 *   - return NEWSDEX_OK or NEWSDEX_ERR_NOMEM, and NOMEM only when an
 *     allocation did fail;
 *   - when it returns OK, give exactly the reference result (nothing
 *     silently dropped);
 *   - free everything it allocated (counted here, and checked again by
 *     LeakSanitizer under make check-asan) and never crash.
 * The number of trials is printed as a TAP comment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../engine/analyzer.h"
#include "../../searcher/query_builder.h"
#include "../../searcher/query_parser.h"

/* ------------------------------------------------------------------ */
/* The allocation hook                                                 */
/* ------------------------------------------------------------------ */

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void __real_free(void *p);

static struct {
    int armed;         /* count and fail only while armed */
    long fail_at;      /* 1-based call to fail; 0: none */
    int sticky;        /* fail every call from fail_at on */
    long calls;        /* allocation calls while armed */
    long failures;     /* calls failed on purpose */
    long live;         /* allocations made and not yet freed, while armed */
} hook;

/* Non-zero if this allocation call is to fail. */
static int inject(void)
{
    if (!hook.armed)
        return 0;
    hook.calls++;
    if (hook.fail_at && (hook.calls == hook.fail_at || (hook.sticky && hook.calls > hook.fail_at))) {
        hook.failures++;
        return 1;
    }
    return 0;
}

static void *counted(void *p)
{
    if (p && hook.armed)
        hook.live++;
    return p;
}

void *__wrap_malloc(size_t size)
{
    return inject() ? NULL : counted(__real_malloc(size));
}

void *__wrap_calloc(size_t n, size_t size)
{
    return inject() ? NULL : counted(__real_calloc(n, size));
}

void *__wrap_realloc(void *p, size_t size)
{
    if (inject())
        return NULL;
    void *q = __real_realloc(p, size);
    if (!p)
        return counted(q);
    if (!q && size == 0 && hook.armed)
        hook.live--; /* freed */
    return q;
}

char *__wrap_strdup(const char *s)
{
    return inject() ? NULL : counted(__real_strdup(s));
}

char *__wrap_strndup(const char *s, size_t n)
{
    return inject() ? NULL : counted(__real_strndup(s, n));
}

void __wrap_free(void *p)
{
    if (p && hook.armed)
        hook.live--;
    __real_free(p);
}

static void arm(long fail_at, int sticky)
{
    hook.armed = 1;
    hook.fail_at = fail_at;
    hook.sticky = sticky;
    hook.calls = 0;
    hook.failures = 0;
    hook.live = 0;
}

static void disarm(void)
{
    hook.armed = 0;
}

/* ------------------------------------------------------------------ */
/* Running a case under every failure                                  */
/* ------------------------------------------------------------------ */

/* One case: runs the code under test from scratch and frees all it made.
 * Returns its status; *digest summarises its result when the status is OK
 * (malloc'd by the test's own, unarmed, code). */
typedef newsdex_status (*case_fn)(const char *input, char **digest);

static long total_trials;

static char *copy(const char *s)
{
    char *c = __real_strdup(s);
    assert_non_null(c);
    return c;
}

/* Runs fn(input) once failing allocation fail_at (0: none); checks the
 * status, the result and the balance. Returns the number of calls. */
static long trial(case_fn fn, const char *input, long fail_at, int sticky, const char *want)
{
    char *digest = NULL;
    arm(fail_at, sticky);
    newsdex_status st = fn(input, &digest);
    disarm();
    total_trials++;
    long calls = hook.calls, failures = hook.failures, live = hook.live;
    if (live != 0 || (st != NEWSDEX_OK && st != NEWSDEX_ERR_NOMEM) ||
        (st == NEWSDEX_ERR_NOMEM && failures == 0) ||
        (st == NEWSDEX_OK && want && (!digest || strcmp(digest, want) != 0)))
        fail_msg("input \"%s\", allocation %ld of %ld failed%s: status %d, %ld allocations "
                 "left unfreed, result \"%s\" (want \"%s\")",
                 input, fail_at, calls, sticky ? " (and all after it)" : "", (int)st, live,
                 digest ? digest : "(none)", want ? want : "(none)");
    __real_free(digest);
    return calls;
}

static void under_every_failure(case_fn fn, const char *input)
{
    char *want = NULL;
    arm(0, 0);
    newsdex_status st = fn(input, &want);
    disarm();
    assert_int_equal(st, NEWSDEX_OK);
    assert_int_equal(hook.live, 0);
    long calls = hook.calls;
    assert_true(calls > 0); /* else this case tests nothing */
    for (int sticky = 0; sticky <= 1; sticky++)
        for (long n = 1; n <= calls; n++)
            (void)trial(fn, input, n, sticky, want);
    __real_free(want);
}

/* ------------------------------------------------------------------ */
/* The cases                                                           */
/* ------------------------------------------------------------------ */

typedef struct digest_buf {
    char text[4096];
    size_t len;
} digest_buf;

static int add_token(const nx_token *t, void *ctx)
{
    digest_buf *d = ctx;
    int n = snprintf(d->text + d->len, sizeof d->text - d->len, "%s/%s@%u ", t->text, t->stem,
                     (unsigned)t->position);
    if (n > 0 && (size_t)n < sizeof d->text - d->len)
        d->len += (size_t)n;
    return 0;
}

/* A new analyzer (its allocations included), one text, freed. */
static newsdex_status analyze_case(const char *input, char **digest)
{
    nx_analyzer *an = NULL;
    nx_error err;
    newsdex_status st = nx_analyzer_new(NULL, &an, &err);
    if (st != NEWSDEX_OK)
        return st;
    digest_buf d = {{0}, 0};
    st = nx_analyze(an, input, strlen(input), add_token, &d, &err);
    nx_analyzer_free(an);
    if (st == NEWSDEX_OK)
        *digest = copy(d.text);
    return st;
}

static int known_field(const char *name, void *ctx)
{
    (void)ctx;
    return strcmp(name, "tickers") == 0;
}

/* Parse; the tree printed (a NULL print is allowed only as NOMEM). */
static newsdex_status parse_case(const char *input, char **digest)
{
    nx_query_tree tree;
    nx_error err;
    newsdex_status st = nx_query_parse_with(input, known_field, NULL, &tree, &err);
    if (st != NEWSDEX_OK)
        return st;
    char *text = nx_query_tree_to_string(&tree);
    nx_query_tree_free(&tree);
    if (!text)
        return NEWSDEX_ERR_NOMEM;
    *digest = copy(text);
    free(text);
    return NEWSDEX_OK;
}

/* Parse, then build the Xapian query with a new analyzer; the result is
 * Xapian's description of the query plus the stems to highlight. */
static newsdex_status build_digest(const nx_built_query *bq, char **digest)
{
    char *text = NULL;
    nx_error err;
    newsdex_status st = bq->query ? nx_xquery_describe(bq->query, &text, &err) : NEWSDEX_OK;
    if (st != NEWSDEX_OK)
        return st;
    digest_buf d = {{0}, 0};
    snprintf(d.text, sizeof d.text, "%s relaxed=%d stems:", text ? text : "(none)",
             bq->relaxed != NULL);
    d.len = strlen(d.text);
    for (size_t i = 0; i < bq->n_stems && d.len + 70 < sizeof d.text; i++)
        d.len += (size_t)snprintf(d.text + d.len, sizeof d.text - d.len, " %.64s", bq->stems[i]);
    free(text);
    *digest = copy(d.text);
    return NEWSDEX_OK;
}

static newsdex_status build_case(const char *input, char **digest)
{
    nx_analyzer *an = NULL;
    nx_query_tree tree = {NULL, 0};
    nx_built_query bq;
    nx_error err;
    newsdex_status st = nx_analyzer_new(NULL, &an, &err);
    if (st == NEWSDEX_OK)
        st = nx_query_parse_with(input, known_field, NULL, &tree, &err);
    if (st == NEWSDEX_OK) {
        st = nx_query_build(an, &tree, &bq, &err);
        nx_query_tree_free(&tree);
        if (st == NEWSDEX_OK) {
            st = build_digest(&bq, digest);
            nx_built_query_free(&bq);
        }
    }
    nx_analyzer_free(an);
    return st;
}

static const char *texts[] = {
    "Amazon's Prime Video cuts 27,000 jobs in the U.S.; shares rose 8.5%.",
    "Nestl\xc3\xa9 und die Stra\xc3\x9f" "e: \xc3\x89" "conomie fran\xc3\xa7" "aise, "
    "\xe6\x9d\xb1\xe4\xba\xac \xed\x95\x9c\xea\xb5\xad \xd8\xa7\xd9\x84\xd9\x8f\xd8\xa8",
    /* a long accented word and a long mark run: the folding buffer grows */
    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
    "\xef\xac\x83\xef\xac\x83\xef\xac\x83\xef\xac\x83\xef\xac\x83\xef\xac\x83 \xe2\x91\xb4x",
    NULL, /* filled by test_analyzer(): one word of 60 U+FDFA, each folding to 18 code points */
};

static const char *const queries[] = {
    "Prime Video layoffs 2024",
    "\"interest rates\" AND (fed OR \"federal reserve\") -bond",
    "topic:layoffs source:\"Harbor Street Journal\" date:2024-01..2024-03-31",
    "\"rate cut\"~5 title:bank* rate NEAR/5 cut NEAR/3 hike",
    "tickers:AMZN company:amaz* id:ndx-0029 Nestl\xc3\xa9 ad-free U.S. 8.5 $8.5",
    "((a OR b) NOT c) +the -x topic:(energy OR oil) \"unbalanced (",
    "the who",
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty OR a OR b OR c OR d OR e OR f",
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static void test_analyzer(void **state)
{
    (void)state;
    static char ligatures[60 * 3 + 1];
    for (size_t i = 0; i < 60; i++)
        memcpy(ligatures + 3 * i, "\xef\xb7\xba", 3); /* U+FDFA */
    texts[N_OF(texts) - 1] = ligatures;
    long before = total_trials;
    for (size_t i = 0; i < N_OF(texts); i++)
        under_every_failure(analyze_case, texts[i]);
    fprintf(stderr, "# analyzer: %ld allocation-failure trials\n", total_trials - before);
}

static void test_query_parser(void **state)
{
    (void)state;
    long before = total_trials;
    for (size_t i = 0; i < N_OF(queries); i++)
        under_every_failure(parse_case, queries[i]);
    fprintf(stderr, "# query parser: %ld allocation-failure trials\n", total_trials - before);
}

static void test_query_builder(void **state)
{
    (void)state;
    long before = total_trials;
    for (size_t i = 0; i < N_OF(queries); i++)
        under_every_failure(build_case, queries[i]);
    fprintf(stderr, "# query parser + builder: %ld allocation-failure trials\n", total_trials - before);
}

/* The hook itself: a failed call returns NULL and is counted. The calls go
 * through volatile pointers so the compiler keeps them, in order. */
static void test_hook(void **state)
{
    (void)state;
    void *(*volatile m)(size_t) = malloc;
    void *(*volatile c)(size_t, size_t) = calloc;
    char *(*volatile d)(const char *) = strdup;
    arm(2, 0);
    void *p1 = m(8);
    void *p2 = m(8);
    void *p3 = c(1, 8);
    char *p4 = d("x");
    disarm();
    assert_non_null(p1);
    assert_null(p2);
    assert_non_null(p3);
    assert_non_null(p4);
    assert_int_equal(hook.calls, 4);
    assert_int_equal(hook.failures, 1);
    assert_int_equal(hook.live, 3);
    free(p1);
    free(p3);
    free(p4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hook),
        cmocka_unit_test(test_analyzer),
        cmocka_unit_test(test_query_parser),
        cmocka_unit_test(test_query_builder),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    fprintf(stderr, "# %ld allocation-failure trials\n", total_trials);
    return rc;
}
