/* The query language, table-driven: each row is a query and the tree
 * nx_query_tree_to_string() prints for it, or the exact error message.
 * The parser is given two list fields from an imaginary index, "tickers"
 * and "sectors". Then hostile input: huge, deep, random and invalid bytes,
 * all either parsed or refused with "position N: ...", never crashing,
 * hanging or leaking (run under ASan: make SANITIZE=1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../engine/stopwords.h"
#include "../../searcher/query_parser.h"

static const char *const list_fields[] = {"tickers", "sectors"};

typedef struct lang_case {
    const char *query;
    const char *expect; /* tree, or the error message when is_error */
    int is_error;
} lang_case;

#define OK(q, tree) {q, tree, 0}
#define ERR(q, message) {q, message, 1}

static const lang_case cases[] = {
    OK("layoffs", "layoffs"),
    OK("Prime Video layoffs 2024", "(AND Prime Video layoffs 2024)"),
    OK("a AND b", "(AND a b)"),
    OK("a OR b OR c", "(OR a b c)"),
    OK("a b OR c", "(OR (AND a b) c)"),
    OK("a OR b c", "(OR a (AND b c))"),
    OK("(a OR b) c", "(AND (OR a b) c)"),
    OK("a AND (b OR NOT c)", "(AND a (OR b (NOT c)))"),
    OK("NOT a", "(NOT a)"),
    OK("a NOT b", "(AND a (NOT b))"),
    OK("-a", "(NOT a)"),
    OK("amazon -twitch", "(AND amazon (NOT twitch))"),
    OK("+the", "+the"),
    OK("+the who", "(AND +the who)"),
    OK("+-a", "(NOT a)"),
    OK("-+a", "(NOT a)"),
    OK("and or not", "(AND and or not)"),
    OK("And Or Not", "(AND And Or Not)"),
    OK("ANDroid ORacle NOTE NEARby", "(AND ANDroid ORacle NOTE NEARby)"),
    OK("a and b", "(AND a and b)"),
    OK("\"bank of england\"", "\"bank of england\""),
    OK("\"prime video\" layoffs", "(AND \"prime video\" layoffs)"),
    OK("-\"prime video\" amazon", "(AND (NOT \"prime video\") amazon)"),
    OK("\"AND OR NOT ( ) -x title:y\"", "\"AND OR NOT ( ) -x title:y\""),
    OK("“curly quotes” work", "(AND \"curly quotes\" work)"),
    OK("„low quote“", "\"low quote\""),
    OK("\"unbalanced quote", "\"unbalanced quote\""),
    OK("a \"b c", "(AND a \"b c\")"),
    OK("\"\"", "\"\""),
    OK("\"a\"\"b\"", "(AND \"a\" \"b\")"),
    OK("\"rate cut\"~5", "(NEAR/5 \"rate cut\")"),
    OK("\"rate cut\"~0", "(NEAR/0 \"rate cut\")"),
    OK("\"rate cut\"~100", "(NEAR/100 \"rate cut\")"),
    OK("rate NEAR/5 cut", "(NEAR/5 rate cut)"),
    OK("rate NEAR cut", "(NEAR/10 rate cut)"),
    OK("rate NEAR/0 cut", "(NEAR/0 rate cut)"),
    OK("a NEAR/2 b NEAR/7 c", "(NEAR/7 a b c)"),
    OK("\"interest rate\" NEAR/3 hike", "(NEAR/3 \"interest rate\" hike)"),
    OK("\"rate cut\"~3 NEAR/8 bank", "(NEAR/8 \"rate cut\" bank)"),
    OK("x NEAR", "x"),
    OK("NEAR x", "x"),
    OK("a NEAR OR b", "(OR a b)"),
    OK("near a", "(AND near a)"),
    OK("Near/5 a", "(AND Near/5 a)"),
    OK("a NEAR/5 b c", "(AND (NEAR/5 a b) c)"),
    ERR("title:rate NEAR/3 cut",
        "position 12: NEAR needs a word or a \"phrase\" on each side"),
    OK("layoff*", "layoff*"),
    OK("layoffs*", "layoffs*"),
    OK("Layoff* amazon", "(AND Layoff* amazon)"),
    OK("lay*off", "lay*off"),
    OK("***layoff", "***layoff"),
    OK("café*", "café*"),
    OK("東京都*", "東京都*"),
    ERR("U.S.*",
        "position 1: wildcard \"U.S.*\" needs at least 3 letters before *"),
    OK("title:layoff*", "(FIELD title layoff*)"),
    OK("company:amaz*", "(FIELD company amaz*)"),
    OK("id:ndx-00*", "(FIELD id ndx-00*)"),
    OK("title:layoffs", "(FIELD title layoffs)"),
    OK("Title:layoffs", "(FIELD title layoffs)"),
    OK("TITLE:\"rate cut\"", "(FIELD title \"rate cut\")"),
    OK("title:\"rate cut\"~4", "(FIELD title (NEAR/4 \"rate cut\"))"),
    OK("title:(rate OR cut)", "(FIELD title (OR rate cut))"),
    OK("title:(rate -cut)", "(FIELD title (AND rate (NOT cut)))"),
    OK("title:AND", "(FIELD title AND)"),
    OK("title:-x", "(FIELD title -x)"),
    OK("title:ad-free", "(FIELD title ad-free)"),
    OK("source:\"Harbor Street Journal\"", "(FIELD source \"Harbor Street Journal\")"),
    OK("source:Reuters", "(FIELD source Reuters)"),
    OK("source:“Harbor Street Journal”", "(FIELD source \"Harbor Street Journal\")"),
    OK("topic:energy", "(FIELD topic energy)"),
    OK("topics:energy", "(FIELD topic energy)"),
    OK("topic:\"interest rates\"", "(FIELD topic \"interest rates\")"),
    OK("topic:(energy OR oil)", "(FIELD topic (OR energy oil))"),
    OK("place:Taiwan", "(FIELD place Taiwan)"),
    OK("places:Taiwan", "(FIELD place Taiwan)"),
    OK("company:Nvidia", "(FIELD company Nvidia)"),
    OK("companies:Nvidia", "(FIELD company Nvidia)"),
    OK("author:\"Jane Doe\"", "(FIELD author \"Jane Doe\")"),
    OK("authors:\"Jane Doe\"", "(FIELD author \"Jane Doe\")"),
    OK("id:ndx-0029", "(FIELD id ndx-0029)"),
    OK("id:\"ndx 29\"", "(FIELD id \"ndx 29\")"),
    OK("tickers:AMZN", "(FIELD tickers AMZN)"),
    OK("Tickers:MSFT.O", "(FIELD tickers MSFT.O)"),
    OK("sectors:banks", "(FIELD sectors banks)"),
    OK("-source:\"Harbor Street Journal\" layoffs", "(AND (NOT (FIELD source \"Harbor Street Journal\")) layoffs)"),
    OK("layoffs OR topic:layoffs", "(OR layoffs (FIELD topic layoffs))"),
    OK("https://example.com/a", "https://example.com/a"),
    OK("10:30 meeting", "(AND 10:30 meeting)"),
    OK("date:2024", "(DATE 20240101..20241231)"),
    OK("date:2024-01", "(DATE 20240101..20240131)"),
    OK("date:2024-02", "(DATE 20240201..20240229)"),
    OK("date:2023-02", "(DATE 20230201..20230228)"),
    OK("date:2024-01-10", "(DATE 20240110..20240110)"),
    OK("date:2024-01-01..2024-03-31", "(DATE 20240101..20240331)"),
    OK("date:2024..2025", "(DATE 20240101..20251231)"),
    OK("date:2024-06..2024-07", "(DATE 20240601..20240731)"),
    OK("date:..2023-12-31", "(DATE ..20231231)"),
    OK("date:2023-06..", "(DATE 20230601..)"),
    OK("date:2023-06...", "(DATE 20230601..)"),
    OK("date:\"2024-01..2024-02\"", "(DATE 20240101..20240229)"),
    OK("date:2024 layoffs", "(AND (DATE 20240101..20241231) layoffs)"),
    OK("-date:2024 layoffs", "(AND (NOT (DATE 20240101..20241231)) layoffs)"),
    OK("date:2023 OR date:2025", "(OR (DATE 20230101..20231231) (DATE 20250101..20251231))"),
    OK("date:2024-02-29", "(DATE 20240229..20240229)"),
    OK("date:1000", "(DATE 10000101..10001231)"),
    OK("date:9999-12", "(DATE 99991201..99991231)"),
    OK("date:2024)", "(DATE 20240101..20241231)"),
    OK("(date:2024 layoffs)", "(AND (DATE 20240101..20241231) layoffs)"),
    OK("()", "()"),
    OK("( ) ) (", "()"),
    OK("a ) b", "(AND a b)"),
    OK("((((a", "a"),
    OK("OR a", "a"),
    OK("a OR", "a"),
    OK("AND", "()"),
    OK("NOT", "()"),
    OK("a AND OR b", "(OR a b)"),
    OK("a OR OR b", "(OR a b)"),
    OK("-", "-"),
    OK("a - b", "(AND a - b)"),
    OK("a -", "(AND a -)"),
    OK("(a -)", "(AND a -)"),
    OK("--a", "(NOT (NOT a))"),
    OK("NOT NOT a", "(NOT (NOT a))"),
    ERR("\"a b\"~",
        "position 6: expected a number after ~"),
    OK("a~5", "a~5"),
    OK("C++ AT&T 3.5% $8.5", "(AND C++ AT&T 3.5% $8.5)"),
    OK("U.S. MSFT.O 27,000", "(AND U.S. MSFT.O 27,000)"),
    ERR("colour:red",
        "position 1: unknown field \"colour\""),
    ERR("layoffs 2024 colour:red",
        "position 14: unknown field \"colour\""),
    ERR("Zürich colour:red",
        "position 8: unknown field \"colour\""),
    ERR("foo:",
        "position 1: unknown field \"foo\""),
    ERR("title:",
        "position 1: field \"title\" has no value"),
    ERR("title: layoffs",
        "position 1: field \"title\" has no value"),
    ERR("title:)",
        "position 1: field \"title\" has no value"),
    ERR("title:()",
        "position 1: field \"title\" has no value"),
    ERR("source:",
        "position 1: field \"source\" has no value"),
    ERR("date:",
        "position 1: field \"date\" has no value"),
    ERR("date:2024-13",
        "position 6: date \"2024-13\": month out of range"),
    ERR("date:2024-13-01",
        "position 6: date \"2024-13-01\": month out of range"),
    ERR("date:2024-02-30",
        "position 6: date \"2024-02-30\": day out of range"),
    ERR("date:2023-02-29",
        "position 6: date \"2023-02-29\": day out of range"),
    ERR("date:0999",
        "position 6: date \"0999\": year out of range"),
    ERR("date:24",
        "position 6: date \"24\": expected YYYY, YYYY-MM or YYYY-MM-DD"),
    ERR("date:2024-1",
        "position 6: date \"2024-1\": expected YYYY, YYYY-MM or YYYY-MM-DD"),
    ERR("date:2024/01/02",
        "position 6: date \"2024/01/02\": expected YYYY, YYYY-MM or YYYY-MM-DD"),
    ERR("date:jan",
        "position 6: date \"jan\": expected YYYY, YYYY-MM or YYYY-MM-DD"),
    ERR("date:2024-01-10T10:00",
        "position 6: date \"2024-01-10T10:00\": expected YYYY, YYYY-MM or YYYY-MM-DD"),
    ERR("date:..",
        "position 6: date range \"..\" needs a start or an end"),
    ERR("date:2024..2023",
        "position 6: date range \"2024..2023\" ends before it starts"),
    ERR("date:2024-03..2024-01",
        "position 6: date range \"2024-03..2024-01\" ends before it starts"),
    ERR("date:2024..x",
        "position 12: date \"x\": expected YYYY, YYYY-MM or YYYY-MM-DD"),
    ERR("date:(2024)",
        "position 6: date: takes a date or a range (date:2024-01..2024-03), not a group"),
    ERR("la*",
        "position 1: wildcard \"la*\" needs at least 3 letters before *"),
    ERR("ab*",
        "position 1: wildcard \"ab*\" needs at least 3 letters before *"),
    ERR("*",
        "position 1: wildcard \"*\" needs at least 3 letters before *"),
    ERR("a*b*",
        "position 1: wildcard \"a*b*\" needs at least 3 letters before *"),
    ERR("\"a\"*",
        "position 4: wildcard \"*\" needs at least 3 letters before *"),
    ERR("title:ab*",
        "position 7: wildcard \"ab*\" needs at least 3 letters before *"),
    ERR("rate NEAR/x cut",
        "position 6: expected a number after NEAR/"),
    ERR("rate NEAR/ cut",
        "position 6: expected a number after NEAR/"),
    ERR("rate NEAR/101 cut",
        "position 6: distance after NEAR/ is above 100"),
    ERR("\"rate cut\"~101",
        "position 11: distance after ~ is above 100"),
    ERR("\"rate cut\"~x",
        "position 11: expected a number after ~"),
    ERR("\"rate cut\"~",
        "position 11: expected a number after ~"),
    ERR("a NEAR (b c)",
        "position 3: NEAR needs a word or a \"phrase\" on each side"),
    ERR("(a b) NEAR c",
        "position 7: NEAR needs a word or a \"phrase\" on each side"),
    ERR("-a NEAR b",
        "position 4: NEAR needs a word or a \"phrase\" on each side"),
    ERR("a NEAR b*",
        "position 8: wildcard \"b*\" needs at least 3 letters before *"),
    ERR("a NEAR title:b",
        "position 3: NEAR needs a word or a \"phrase\" on each side"),
    ERR("title:(source:x)",
        "position 8: field \"source\" inside another field's value"),
    ERR("topic:(energy date:2024)",
        "position 15: field \"date\" inside another field's value"),
    ERR("Re: Amazon",
        "position 1: unknown field \"Re\""),
};

/* Parses q; returns the tree string (with " [cut]" if truncated) or
 * "ERROR <message>". malloc'd. */
static char *reading(const char *q, newsdex_status *status)
{
    nx_query_tree tree;
    nx_error err;
    nx_error_clear(&err);
    newsdex_status st = nx_query_parse_fields(q, list_fields, 2, &tree, &err);
    if (status)
        *status = st;
    char *out = malloc(NX_ERROR_MAX + 16);
    assert_non_null(out);
    if (st != NEWSDEX_OK) {
        assert_null(tree.root);
        snprintf(out, NX_ERROR_MAX + 16, "ERROR %s", err.message);
        return out;
    }
    char *text = nx_query_tree_to_string(&tree);
    assert_non_null(text);
    free(out);
    size_t n = strlen(text) + 8;
    out = malloc(n);
    assert_non_null(out);
    snprintf(out, n, "%s%s", text, tree.truncated ? " [cut]" : "");
    free(text);
    nx_query_tree_free(&tree);
    return out;
}

static void test_table(void **state)
{
    (void)state;
    size_t failures = 0, errors = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const lang_case *c = &cases[i];
        newsdex_status st;
        char *got = reading(c->query, &st);
        char want[NX_ERROR_MAX + 16];
        snprintf(want, sizeof want, "%s%s", c->is_error ? "ERROR " : "", c->expect);
        if (strcmp(got, want) != 0 || (c->is_error && st != NEWSDEX_ERR_QUERY)) {
            print_error("case %zu [%s]\n  expected [%s]\n  got      [%s]\n", i, c->query, want,
                        got);
            failures++;
        }
        errors += c->is_error;
        free(got);
    }
    print_message("# %zu queries, %zu of them errors\n", sizeof cases / sizeof cases[0], errors);
    assert_true(sizeof cases / sizeof cases[0] >= 120);
    assert_int_equal(failures, 0);
}

/* ------------------------------------------------------------------ */
/* Node details                                                        */
/* ------------------------------------------------------------------ */

static void test_node_details(void **state)
{
    (void)state;
    nx_query_tree tree;
    nx_error err;
    const char *q = "Zürich +the \"rate cut\"~4 date:2024-02 company:amaz* x NEAR/3 y";
    assert_int_equal(nx_query_parse_fields(q, list_fields, 2, &tree, &err), NEWSDEX_OK);
    const nx_qnode *root = tree.root;
    assert_int_equal(root->kind, NX_QN_AND);
    assert_int_equal(root->n_kids, 6);
    const nx_qnode *const *k = (const nx_qnode *const *)root->kids;
    assert_int_equal(k[0]->kind, NX_QN_WORD);
    assert_int_equal(k[0]->pos, 0);
    assert_int_equal(k[1]->kind, NX_QN_WORD);
    assert_true(k[1]->forced);
    assert_int_equal(k[1]->pos, 9);    /* bytes from 0: ü is two */
    assert_int_equal(k[1]->column, 9); /* characters from 1: "Zürich +" is 8 */
    assert_int_equal(k[0]->column, 1);
    assert_int_equal(k[2]->kind, NX_QN_NEAR);
    assert_int_equal(k[2]->window, 4);
    assert_int_equal(k[2]->kids[0]->kind, NX_QN_PHRASE);
    assert_string_equal(k[2]->kids[0]->text, "rate cut");
    assert_int_equal(k[3]->kind, NX_QN_DATE_RANGE);
    assert_string_equal(k[3]->lo, "20240201");
    assert_string_equal(k[3]->hi, "20240229");
    assert_int_equal(k[4]->kind, NX_QN_FIELD);
    assert_string_equal(k[4]->text, "company");
    assert_int_equal(k[4]->kids[0]->kind, NX_QN_WILDCARD);
    assert_string_equal(k[4]->kids[0]->text, "amaz");
    assert_int_equal(k[5]->kind, NX_QN_NEAR);
    assert_int_equal(k[5]->window, 3);
    assert_int_equal(k[5]->n_kids, 2);
    nx_query_tree_free(&tree);
}

/* The index is asked only about names that are not built in, once each. */
static int known_calls;
static int only_isin(const char *name, void *ctx)
{
    (void)ctx;
    known_calls++;
    return strcmp(name, "isin") == 0;
}

static void test_field_callback(void **state)
{
    (void)state;
    nx_query_tree tree;
    nx_error err;
    known_calls = 0;
    assert_int_equal(nx_query_parse_with("title:a topics:b ISIN:US123 c", only_isin, NULL,
                                         &tree, &err),
                     NEWSDEX_OK);
    assert_int_equal(known_calls, 1);
    char *text = nx_query_tree_to_string(&tree);
    assert_string_equal(text, "(AND (FIELD title a) (FIELD topic b) (FIELD isin US123) c)");
    free(text);
    nx_query_tree_free(&tree);

    assert_int_equal(nx_query_parse_with("lei:x", only_isin, NULL, &tree, &err),
                     NEWSDEX_ERR_QUERY);
    assert_string_equal(err.message, "position 1: unknown field \"lei\"");
    /* Without a callback only the built-in fields exist. */
    assert_int_equal(nx_query_parse("tickers:x", &tree, &err), NEWSDEX_ERR_QUERY);
    /* Names longer than NX_QUERY_FIELD_MAX are never asked about. */
    char q[NX_QUERY_FIELD_MAX + 16];
    memset(q, 'n', NX_QUERY_FIELD_MAX + 1);
    strcpy(q + NX_QUERY_FIELD_MAX + 1, ":x");
    known_calls = 0;
    assert_int_equal(nx_query_parse_with(q, only_isin, NULL, &tree, &err), NEWSDEX_ERR_QUERY);
    assert_int_equal(known_calls, 0);
    assert_int_equal(nx_query_parse(NULL, &tree, &err), NEWSDEX_ERR_INVALID);
}

/* ------------------------------------------------------------------ */
/* Dates                                                               */
/* ------------------------------------------------------------------ */

typedef struct bound_case {
    const char *text;
    int upper;
    const char *expect; /* YYYYMMDD, or the error message */
} bound_case;

static const bound_case bounds[] = {
    {"2024", 0, "20240101"},
    {"2024", 1, "20241231"},
    {"2024-02", 1, "20240229"},
    {"1900-02", 1, "19000228"}, /* not a leap year */
    {"2000-02", 1, "20000229"}, /* a leap year */
    {"2023-04", 1, "20230430"},
    {"2024-01-10", 0, "20240110"},
    {"2024-01-10", 1, "20240110"},
    {"2024-00", 0, "date \"2024-00\": month out of range"},
    {"2024-04-31", 1, "date \"2024-04-31\": day out of range"},
    {"2024-01-00", 0, "date \"2024-01-00\": day out of range"},
    {"", 0, "date \"\": expected YYYY, YYYY-MM or YYYY-MM-DD"},
    {"20240110", 0, "date \"20240110\": expected YYYY, YYYY-MM or YYYY-MM-DD"},
    {"2024-01-10Z", 0, "date \"2024-01-10Z\": expected YYYY, YYYY-MM or YYYY-MM-DD"},
    {"\x01\xff" "2024", 0, "date \"??2024\": expected YYYY, YYYY-MM or YYYY-MM-DD"},
    {"+024", 0, "date \"+024\": expected YYYY, YYYY-MM or YYYY-MM-DD"},
};

static void test_date_bounds(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bounds / sizeof bounds[0]; i++) {
        const bound_case *b = &bounds[i];
        char out[9] = "";
        nx_error err;
        nx_error_clear(&err);
        newsdex_status st = nx_query_date_bound(b->text, strlen(b->text), b->upper, out, &err);
        const char *got = st == NEWSDEX_OK ? out : err.message;
        if (strcmp(got, b->expect) != 0)
            fail_msg("bound %zu [%s]: expected [%s], got [%s]", i, b->text, b->expect, got);
        assert_int_equal(st, b->expect[0] == 'd' ? NEWSDEX_ERR_QUERY : NEWSDEX_OK);
    }
    /* A long bad value is quoted short. */
    char big[300];
    memset(big, '9', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    char out[9];
    nx_error err;
    assert_int_equal(nx_query_date_bound(big, strlen(big), 0, out, &err), NEWSDEX_ERR_QUERY);
    assert_true(strlen(err.message) < 120);
}

/* ------------------------------------------------------------------ */
/* Stopwords                                                           */
/* ------------------------------------------------------------------ */

static void test_stopwords(void **state)
{
    (void)state;
    size_t n = 0;
    for (; nx_stopwords[n]; n++)
        if (n > 0)
            assert_true(strcmp(nx_stopwords[n - 1], nx_stopwords[n]) < 0); /* bsearch needs it */
    assert_true(n > 50);
    for (size_t i = 0; i < n; i++)
        assert_true(nx_is_stopword(nx_stopwords[i], strlen(nx_stopwords[i])));
    static const char *const stop[] = {"the", "of", "and", "a", "to", "in", "is", "yourselves"};
    for (size_t i = 0; i < sizeof stop / sizeof stop[0]; i++)
        assert_true(nx_is_stopword(stop[i], strlen(stop[i])));
    /* Business words that look like stopwords stay searchable. */
    static const char *const keep[] = {"us", "it", "who", "may", "up", "down", "off", "out",
                                       "over", "all", "will", "can", "new", "no", "more",
                                       "th", "thee", "", "zzz", "aa", "yourselvesx"};
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++)
        assert_false(nx_is_stopword(keep[i], strlen(keep[i])));
    assert_true(nx_is_stopword("other words", 5)); /* only len bytes count */
}

/* ------------------------------------------------------------------ */
/* Hostile input                                                       */
/* ------------------------------------------------------------------ */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Either a tree or a "position N: ..." error; never anything else. */
static void check_any(const char *q)
{
    nx_query_tree tree;
    nx_error err;
    nx_error_clear(&err);
    newsdex_status st = nx_query_parse_fields(q, list_fields, 2, &tree, &err);
    if (st == NEWSDEX_OK) {
        char *text = nx_query_tree_to_string(&tree);
        assert_non_null(text);
        free(text);
        nx_query_tree_free(&tree);
        return;
    }
    assert_int_equal(st, NEWSDEX_ERR_QUERY);
    assert_null(tree.root);
    if (strncmp(err.message, "position ", 9) != 0)
        fail_msg("[%s]: error without a position: %s", q, err.message);
}

static void test_ten_thousand_words(void **state)
{
    (void)state;
    static const char *const words[] = {"layoffs", "OR", "title:cuts", "-x", "\"a b\"",
                                        "NEAR/3 c", "date:2024", "(", ")", "jobs*"};
    size_t cap = 10000 * 12, len = 0;
    char *q = malloc(cap);
    assert_non_null(q);
    for (int i = 0; i < 10000; i++)
        len += (size_t)snprintf(q + len, cap - len, "%s ", words[i % 10]);
    double t0 = now_seconds();
    char *got = reading(q, NULL);
    assert_true(now_seconds() - t0 < 1.0);
    assert_non_null(strstr(got, "[cut]"));
    free(got);
    free(q);
}

static void test_deep_and_long(void **state)
{
    (void)state;
    size_t n = 20000;
    char *q = malloc(n + 32);
    assert_non_null(q);
    /* Deep groups inside a field value. */
    strcpy(q, "title:");
    memset(q + 6, '(', n);
    strcpy(q + 6 + n, "a");
    check_any(q);
    /* A long NEAR chain: the node limit stops it. */
    size_t len = 0;
    for (int i = 0; i < 1000; i++)
        len += (size_t)sprintf(q + len, "w NEAR ");
    char *got = reading(q, NULL);
    assert_non_null(strstr(got, "(NEAR/10 w w"));
    free(got);
    /* A huge phrase, a huge date, a huge field name, a huge wildcard. */
    static const char *const starts[] = {"\"", "date:", "", "x"};
    static const char fill[] = {'w', '9', 'f', 'y'};
    static const char *const ends[] = {"\"~5", "", ":x", "*"};
    for (size_t i = 0; i < 4; i++) {
        len = (size_t)sprintf(q, "%s", starts[i]);
        memset(q + len, fill[i], n);
        strcpy(q + len + n, ends[i]);
        check_any(q);
    }
    free(q);
}

/* Random sequences of pieces of the language and of bad bytes. */
static void test_random_queries(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "a", "layoffs", "AND", "OR", "NOT", "NEAR", "NEAR/3", "NEAR/x", "-", "+", "-x", "(",
        ")", "\"", "\"p q\"", "~", "~5", "*", "abc*", "title:", "date:", "2024", "..", "-01",
        ":", "source:", "tickers:", "colour:", "\xe2\x80\x9c", "\xe2\x80\x9d", " ", "\t",
        "\x01", "\xff", "\xc3", "\xc3\xa9", "\xe2\x80", "id:", "://", "2024-02-30",
    };
    const size_t n_pieces = sizeof pieces / sizeof pieces[0];
    uint32_t x = 2463534242u;
    char q[700];
    for (int round = 0; round < 30000; round++) {
        size_t len = 0;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        int n = 1 + (int)(x % 50);
        for (int i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            const char *p = pieces[x % n_pieces];
            size_t pl = strlen(p);
            if (len + pl + 2 >= sizeof q)
                break;
            memcpy(q + len, p, pl);
            len += pl;
            if (x & 0x300)
                q[len++] = ' ';
        }
        q[len] = '\0';
        check_any(q);
    }
}

/* Every single byte, and every pair of ASCII characters after a field. */
static void test_all_bytes(void **state)
{
    (void)state;
    char q[16];
    for (int c = 1; c < 256; c++) {
        snprintf(q, sizeof q, "%c", c);
        check_any(q);
        snprintf(q, sizeof q, "title:%c", c);
        check_any(q);
        snprintf(q, sizeof q, "date:%c", c);
        check_any(q);
        for (int d = 1; d < 128; d++) {
            snprintf(q, sizeof q, "a%c%cb", c, d);
            check_any(q);
        }
    }
}

/* Past NX_QUERY_MAX_DEPTH groups are read flat; every word keeps its sign. */
static void test_deep_signs(void **state)
{
    (void)state;
    static const char *const inner[][2] = {
        {"x -(a -(b OR c)) d", "(AND x (NOT a) b c d) [cut]"},
        {"x -(twitch)", "(AND x (NOT twitch)) [cut]"},
        {"a OR -(b (c OR NOT d)) e", "(OR a (AND (NOT b) (NOT c) d e)) [cut]"},
        {"+the (\"rate cut\"~2 title:(x y))", "(AND +the (NEAR/2 \"rate cut\") "
                                              "(FIELD title (AND x y))) [cut]"},
        {"NOT NOT (a)", "a [cut]"},
    };
    for (size_t i = 0; i < sizeof inner / sizeof inner[0]; i++) {
        char q[256];
        size_t n = NX_QUERY_MAX_DEPTH + 1;
        memset(q, '(', n);
        size_t len = n + (size_t)sprintf(q + n, "%s", inner[i][0]);
        memset(q + len, ')', n);
        q[len + n] = '\0';
        char *got = reading(q, NULL);
        /* The outer groups print nothing: strip nothing, compare. */
        if (strcmp(got, inner[i][1]) != 0)
            fail_msg("[%s] deep: expected [%s], got [%s]", inner[i][0], inner[i][1], got);
        free(got);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_node_details),
        cmocka_unit_test(test_field_callback),
        cmocka_unit_test(test_date_bounds),
        cmocka_unit_test(test_stopwords),
        cmocka_unit_test(test_ten_thousand_words),
        cmocka_unit_test(test_deep_signs),
        cmocka_unit_test(test_deep_and_long),
        cmocka_unit_test(test_random_queries),
        cmocka_unit_test(test_all_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
