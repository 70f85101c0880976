/* Unit tests for searcher/query_parser.c, table-driven: each row is a query,
 * the S-expression nx_query_tree_to_string() must print for it, and whether
 * the truncated flag is set. WORD prints its raw text, PHRASE prints "text",
 * lists print (AND a b), (OR a b), (NOT a); no words prints ().
 * Then the limits: long, deep, and random queries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "../../searcher/query_parser.h"

typedef struct parse_case {
    const char *name;      /* TAP test name */
    const char *query;
    const char *expected;  /* nx_query_tree_to_string() */
    int truncated;         /* expected tree.truncated: 0 or 1 */
} parse_case;

static const parse_case cases[] = {
    /* ---- Empty ---- */
    {"empty query", "", "()", 0},
    {"spaces only", "   ", "()", 0},
    {"whitespace and control chars only", "\t\n\r \x01\x7f", "()", 0},

    /* ---- Words and implicit AND ---- */
    {"one word", "layoffs", "layoffs", 0},
    {"implicit AND of two words", "prime video", "(AND prime video)", 0},
    {"implicit AND of four words", "Prime Video layoffs 2024", "(AND Prime Video layoffs 2024)", 0},
    {"extra spaces between words", "  prime    video  ", "(AND prime video)", 0},
    {"words keep their raw text", "U.S. AT&T MSFT.O 1,000 3.5%",
     "(AND U.S. AT&T MSFT.O 1,000 3.5%)", 0},
    {"hyphenated word is one word", "state-owned", "state-owned", 0},
    {"UTF-8 word", "Nestl\xc3\xa9 \xc5\xa0koda", "(AND Nestl\xc3\xa9 \xc5\xa0koda)", 0},

    /* ---- Uppercase operators ---- */
    {"explicit AND", "a AND b", "(AND a b)", 0},
    {"OR", "a OR b", "(OR a b)", 0},
    {"OR chain is one list", "a OR b OR c", "(OR a b c)", 0},
    {"NOT prefix", "NOT a", "(NOT a)", 0},
    {"NOT between words", "a NOT b", "(AND a (NOT b))", 0},
    {"a OR NOT b", "a OR NOT b", "(OR a (NOT b))", 0},
    {"NOT NOT", "NOT NOT a", "(NOT (NOT a))", 0},

    /* ---- Lowercase and mixed case operators are words ---- */
    {"lowercase and is a word", "a and b", "(AND a and b)", 0},
    {"lowercase or is a word", "a or b", "(AND a or b)", 0},
    {"lowercase not is a word", "not a", "(AND not a)", 0},
    {"mixed case operators are words", "And Or Not", "(AND And Or Not)", 0},
    {"operator prefixes of words", "ANDroid ORacle NOTE", "(AND ANDroid ORacle NOTE)", 0},

    /* ---- Precedence: AND (juxtaposition) binds tighter than OR ---- */
    {"a b OR c", "a b OR c", "(OR (AND a b) c)", 0},
    {"a OR b c", "a OR b c", "(OR a (AND b c))", 0},
    {"a AND b OR c AND d", "a AND b OR c AND d", "(OR (AND a b) (AND c d))", 0},
    {"-a OR b", "-a OR b", "(OR (NOT a) b)", 0},
    {"NOT (a b) OR c", "NOT (a b) OR c", "(OR (NOT (AND a b)) c)", 0},

    /* ---- Parentheses ---- */
    {"group then word", "(a OR b) c", "(AND (OR a b) c)", 0},
    {"word then group", "a (b OR c)", "(AND a (OR b c))", 0},
    {"redundant parentheses", "((a))", "a", 0},
    {"nested groups", "(a (b (c OR d)))", "(AND a (AND b (OR c d)))", 0},
    {"NOT inside a group", "a AND (b OR NOT c)", "(AND a (OR b (NOT c)))", 0},
    {"adjacent groups", "(a)(b)", "(AND a b)", 0},
    {"empty group", "()", "()", 0},
    {"empty group between words", "a () b", "(AND a b)", 0},
    {"parenthesis ends a word", "x)y", "(AND x y)", 0},

    /* ---- Minus and plus ---- */
    {"-word", "-twitch", "(NOT twitch)", 0},
    {"word -word", "amazon -twitch", "(AND amazon (NOT twitch))", 0},
    {"+word", "+amazon", "+amazon", 0},
    {"+a -b +c", "+amazon -twitch +jobs", "(AND +amazon (NOT twitch) +jobs)", 0},
    {"double minus", "--a", "(NOT (NOT a))", 0},
    {"NOT -a", "NOT -a", "(NOT (NOT a))", 0},
    {"+-a", "+-a", "(NOT a)", 0},
    {"-+a", "-+a", "(NOT a)", 0},
    {"minus group", "-(a OR b)", "(NOT (OR a b))", 0},
    {"minus phrase", "-\"prime video\"", "(NOT \"prime video\")", 0},
    {"minus phrase between words", "a -\"b c\" d", "(AND a (NOT \"b c\") d)", 0},
    {"hyphen inside a word", "state-owned -oil", "(AND state-owned (NOT oil))", 0},
    /* A '-' or '+' followed by a space, ')' or the end is not an operator;
     * the parser keeps it as a WORD and the analyzer finds no term in it. */
    {"lone minus", "-", "-", 0},
    {"lone plus", "+", "+", 0},
    {"minus with spaces", "a - b", "(AND a - b)", 0},
    {"trailing minus", "a -", "(AND a -)", 0},
    {"minus before )", "(a -)", "(AND a -)", 0},

    /* ---- Phrases ---- */
    {"phrase", "\"prime video\"", "\"prime video\"", 0},
    {"phrase and word", "\"prime video\" layoffs", "(AND \"prime video\" layoffs)", 0},
    {"phrase OR phrase", "\"video prime\" OR \"prime video\"",
     "(OR \"video prime\" \"prime video\")", 0},
    {"operators inside a phrase are text", "\"AND OR NOT ( ) -x\"", "\"AND OR NOT ( ) -x\"", 0},
    {"adjacent phrases", "\"a\"\"b\"", "(AND \"a\" \"b\")", 0},
    {"quote ends a word", "ab\"cd\"", "(AND ab \"cd\")", 0},
    {"empty phrase", "\"\"", "\"\"", 0},
    {"unbalanced quote closes at end", "\"unbalanced quote", "\"unbalanced quote\"", 0},
    {"unbalanced quote after a word", "a \"b c", "(AND a \"b c\")", 0},
    {"lone trailing quote", "a\"", "(AND a \"\")", 0},
    {"phrase keeps inner spacing", "\"a  b\"", "\"a  b\"", 0},

    /* ---- Unbalanced parentheses and stray operators ---- */
    {"missing )", "(a OR b", "(OR a b)", 0},
    {"missing ) after OR", "a OR (b", "(OR a b)", 0},
    {"many missing )", "((((a", "a", 0},
    {"stray ) at end", "a)", "a", 0},
    {"stray ) at start", ") a", "a", 0},
    {"stray ) in the middle", "a ) b", "(AND a b)", 0},
    /* A stray ')' ends the top-level group: what follows is ANDed. */
    {"stray ) splits an OR", "a OR b) OR c", "(AND (OR a b) c)", 0},
    {"only parentheses", "( ) ) (", "()", 0},
    {"OR at start", "OR a", "a", 0},
    {"OR at end", "a OR", "a", 0},
    {"AND at both ends", "AND a AND", "a", 0},
    {"lone NOT", "NOT", "()", 0},
    {"NOT at end", "a NOT", "a", 0},
    {"lone OR", "OR", "()", 0},
    {"lone AND", "AND", "()", 0},
    {"operators only", "OR AND NOT", "()", 0},
    {"doubled OR", "a OR OR b", "(OR a b)", 0},
    {"AND OR", "a AND OR b", "(OR a b)", 0},
    {"NOT before AND", "NOT AND a", "a", 0},
    {"minus then stray )", "-)", "-", 0},

    /* ---- Control characters separate words ---- */
    {"tab and newline separate", "a\tb\nc", "(AND a b c)", 0},
    {"C0 and DEL separate", "a\x01" "b\x7f", "(AND a b)", 0},
    {"escape sequence", "\x1b[31mred", "[31mred", 0},
    {"control char inside a phrase is kept", "\"a\x02" "b\"", "\"a\x02" "b\"", 0},

    /* ---- Invalid UTF-8 is kept as bytes ---- */
    {"invalid bytes", "\xff\xfe", "\xff\xfe", 0},
    {"truncated sequence", "caf\xc3", "caf\xc3", 0},
    {"lone continuation bytes", "a \x80\x80 b", "(AND a \x80\x80 b)", 0},
    {"overlong NUL encoding", "\xc0\x80", "\xc0\x80", 0},
};

#define N_CASES (sizeof cases / sizeof cases[0])

static void run_case(void **state)
{
    const parse_case *c = *state;
    nx_error err;
    nx_error_clear(&err);
    nx_query_tree tree;
    assert_int_equal(nx_query_parse(c->query, &tree, &err), NEWSDEX_OK);
    char *got = nx_query_tree_to_string(&tree);
    assert_non_null(got);
    if (strcmp(got, c->expected) != 0)
        print_message("# query [%s]: expected [%s], got [%s]\n", c->query, c->expected, got);
    assert_string_equal(got, c->expected);
    assert_int_equal(tree.truncated != 0, c->truncated);
    /* "()" exactly when there is no root. */
    assert_int_equal(tree.root == NULL, strcmp(c->expected, "()") == 0);
    free(got);
    nx_query_tree_free(&tree);
    assert_null(tree.root);
}

/* ------------------------------------------------------------------ */
/* Limits                                                              */
/* ------------------------------------------------------------------ */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Counts the WORD/PHRASE leaves and list nodes of an S-expression loosely:
 * every "(" that opens a list, plus every leaf separated by spaces. */
static size_t count_tokens(const char *s)
{
    size_t n = 0;
    int in_token = 0;
    for (; *s; s++) {
        if (*s == ' ' || *s == ')') {
            in_token = 0;
        } else if (*s == '(') {
            in_token = 0;
        } else if (!in_token) {
            in_token = 1;
            n++; /* list names (AND/OR/NOT) count as one token each too */
        }
    }
    return n;
}

static int parens_balanced(const char *s)
{
    long depth = 0;
    int in_phrase = 0;
    for (; *s; s++) {
        if (*s == '"')
            in_phrase = !in_phrase;
        else if (!in_phrase && *s == '(')
            depth++;
        else if (!in_phrase && *s == ')' && --depth < 0)
            return 0;
    }
    return depth == 0;
}

static void parse_ok(const char *query, nx_query_tree *tree, char **text)
{
    nx_error err;
    nx_error_clear(&err);
    assert_int_equal(nx_query_parse(query, tree, &err), NEWSDEX_OK);
    *text = nx_query_tree_to_string(tree);
    assert_non_null(*text);
}

static void test_ten_thousand_words(void **state)
{
    (void)state;
    size_t cap = 10000 * 8 + 1;
    char *q = malloc(cap);
    assert_non_null(q);
    size_t len = 0;
    for (int i = 0; i < 10000; i++)
        len += (size_t)snprintf(q + len, cap - len, "%sw%d", i ? " " : "", i);
    double t0 = now_seconds();
    nx_query_tree tree;
    char *text;
    parse_ok(q, &tree, &text);
    double elapsed = now_seconds() - t0;
    assert_true(tree.truncated);
    assert_non_null(tree.root);
    assert_int_equal(tree.root->kind, NX_QN_AND);
    assert_true(tree.root->n_kids <= NX_QUERY_MAX_NODES);
    assert_true(tree.root->n_kids > 10);
    assert_string_equal(tree.root->kids[0]->text, "w0");
    assert_true(strlen(text) <= NX_QUERY_MAX_BYTES + 16);
    assert_true(elapsed < 1.0);
    free(text);
    nx_query_tree_free(&tree);
    free(q);
}

/* Under the byte limit but over the node limit: 600 one-letter words. */
static void test_node_limit(void **state)
{
    (void)state;
    char q[1300];
    size_t len = 0;
    for (int i = 0; i < 600; i++)
        len += (size_t)snprintf(q + len, sizeof q - len, "%s%c", i ? " " : "", 'a' + i % 26);
    assert_true(len < NX_QUERY_MAX_BYTES);
    nx_query_tree tree;
    char *text;
    parse_ok(q, &tree, &text);
    assert_true(tree.truncated);
    assert_non_null(tree.root);
    assert_true(tree.root->n_kids < 600);
    assert_true(count_tokens(text) <= NX_QUERY_MAX_NODES);
    free(text);
    nx_query_tree_free(&tree);
}

/* 500 words fit: the node limit is not hit. */
static void test_below_node_limit(void **state)
{
    (void)state;
    char q[1100];
    size_t len = 0;
    for (int i = 0; i < 500; i++)
        len += (size_t)snprintf(q + len, sizeof q - len, "%s%c", i ? " " : "", 'a' + i % 26);
    nx_query_tree tree;
    char *text;
    parse_ok(q, &tree, &text);
    assert_false(tree.truncated);
    assert_non_null(tree.root);
    assert_int_equal(tree.root->n_kids, 500);
    free(text);
    nx_query_tree_free(&tree);
}

static char *repeat(const char *prefix, char c, size_t n, const char *suffix)
{
    size_t lp = strlen(prefix), ls = strlen(suffix);
    char *s = malloc(lp + n + ls + 1);
    assert_non_null(s);
    memcpy(s, prefix, lp);
    memset(s + lp, c, n);
    memcpy(s + lp + n, suffix, ls + 1);
    return s;
}

static void test_five_thousand_open_parens(void **state)
{
    (void)state;
    char *q = repeat("", '(', 5000, "a");
    nx_query_tree tree;
    char *text;
    parse_ok(q, &tree, &text);
    assert_true(tree.truncated);
    assert_true(parens_balanced(text));
    free(text);
    nx_query_tree_free(&tree);
    free(q);

    /* Balanced, and under the byte limit. */
    size_t n = 2000;
    char *open = repeat("", '(', n, "a b");
    char *both = repeat(open, ')', n, "");
    parse_ok(both, &tree, &text);
    assert_true(tree.truncated); /* deeper than NX_QUERY_MAX_DEPTH */
    assert_true(parens_balanced(text));
    free(text);
    nx_query_tree_free(&tree);
    free(open);
    free(both);

    /* 5,000 ')' and alternating ")(" do nothing either. */
    q = repeat("a ", ')', 5000, " b");
    parse_ok(q, &tree, &text);
    free(text);
    nx_query_tree_free(&tree);
    free(q);
    q = malloc(8001);
    assert_non_null(q);
    for (int i = 0; i < 8000; i++)
        q[i] = i % 2 ? '(' : ')';
    q[8000] = '\0';
    parse_ok(q, &tree, &text);
    assert_string_equal(text, "()");
    free(text);
    nx_query_tree_free(&tree);
    free(q);
}

/* Exactly NX_QUERY_MAX_DEPTH levels still parse normally. */
static void test_depth_at_limit(void **state)
{
    (void)state;
    char *open = repeat("", '(', NX_QUERY_MAX_DEPTH, "a OR b");
    char *q = repeat(open, ')', NX_QUERY_MAX_DEPTH, " c");
    nx_query_tree tree;
    char *text;
    parse_ok(q, &tree, &text);
    assert_false(tree.truncated);
    assert_string_equal(text, "(AND (OR a b) c)");
    free(text);
    nx_query_tree_free(&tree);
    free(open);
    free(q);
}

/* Parentheses deeper than NX_QUERY_MAX_DEPTH are dropped (query_parser.h):
 * the words inside them must survive, with the truncated flag set. */
static void test_depth_over_limit_keeps_words(void **state)
{
    (void)state;
    char *open = repeat("", '(', NX_QUERY_MAX_DEPTH + 8, "layoffs OR cuts");
    char *q = repeat(open, ')', NX_QUERY_MAX_DEPTH + 8, " amazon");
    nx_query_tree tree;
    char *text;
    parse_ok(q, &tree, &text);
    print_message("# %d levels: %s (truncated=%d)\n", NX_QUERY_MAX_DEPTH + 8, text,
                  tree.truncated);
    assert_true(tree.truncated);
    assert_non_null(strstr(text, "amazon"));
    assert_non_null(strstr(text, "layoffs"));
    assert_non_null(strstr(text, "cuts"));
    free(text);
    nx_query_tree_free(&tree);
    free(open);
    free(q);
}

/* Dropping a too-deep '(' must not drop the '-' or NOT in front of it: the
 * excluded words would silently become required ones. */
static void test_depth_over_limit_keeps_negation(void **state)
{
    (void)state;
    static const char *const inner[] = {"x -(twitch)", "x NOT (a OR b)"};
    char got[2][128];
    for (int i = 0; i < 2; i++) {
        char *open = repeat("", '(', NX_QUERY_MAX_DEPTH, inner[i]);
        char *q = repeat(open, ')', NX_QUERY_MAX_DEPTH, "");
        nx_query_tree tree;
        char *text;
        parse_ok(q, &tree, &text);
        print_message("# %d levels, %s: %s (truncated=%d)\n", NX_QUERY_MAX_DEPTH + 1, inner[i],
                      text, tree.truncated);
        snprintf(got[i], sizeof got[i], "%s", text);
        free(text);
        nx_query_tree_free(&tree);
        free(open);
        free(q);
    }
    /* Freed first, so a failure leaks nothing. */
    assert_string_equal(got[0], "(AND x (NOT twitch))");
    assert_non_null(strstr(got[1], "(NOT "));
}

static void test_long_negation_chains(void **state)
{
    (void)state;
    /* 4,000 '-' then a word: recursion without the depth limit. */
    char *q = repeat("", '-', 4000, "a");
    nx_query_tree tree;
    char *text;
    parse_ok(q, &tree, &text);
    assert_true(parens_balanced(text));
    assert_true(count_tokens(text) <= NX_QUERY_MAX_NODES);
    free(text);
    nx_query_tree_free(&tree);
    free(q);

    /* 1,000 "NOT " then a word. */
    size_t cap = 1000 * 4 + 2;
    q = malloc(cap);
    assert_non_null(q);
    for (int i = 0; i < 1000; i++)
        memcpy(q + i * 4, "NOT ", 4);
    memcpy(q + 4000, "a", 2);
    parse_ok(q, &tree, &text);
    assert_true(parens_balanced(text));
    free(text);
    nx_query_tree_free(&tree);
    free(q);

    /* A few levels are exact. */
    parse_ok("----a", &tree, &text);
    assert_string_equal(text, "(NOT (NOT (NOT (NOT a))))");
    assert_false(tree.truncated);
    free(text);
    nx_query_tree_free(&tree);
}

static void test_cut_at_max_bytes(void **state)
{
    (void)state;
    nx_query_tree tree;
    char *text;

    /* Exactly NX_QUERY_MAX_BYTES: not cut. */
    char *q = repeat("", 'a', NX_QUERY_MAX_BYTES, "");
    parse_ok(q, &tree, &text);
    assert_false(tree.truncated);
    assert_int_equal(strlen(text), NX_QUERY_MAX_BYTES);
    free(text);
    nx_query_tree_free(&tree);
    free(q);

    /* One more byte: cut to NX_QUERY_MAX_BYTES. */
    q = repeat("", 'a', NX_QUERY_MAX_BYTES + 1, "");
    parse_ok(q, &tree, &text);
    assert_true(tree.truncated);
    assert_int_equal(strlen(text), NX_QUERY_MAX_BYTES);
    free(text);
    nx_query_tree_free(&tree);
    free(q);

    /* A 2-byte character across the limit is dropped whole. */
    q = repeat("", 'a', NX_QUERY_MAX_BYTES - 1, "\xc3\xa9xyz");
    parse_ok(q, &tree, &text);
    assert_true(tree.truncated);
    assert_int_equal(strlen(text), NX_QUERY_MAX_BYTES - 1);
    assert_int_equal(text[NX_QUERY_MAX_BYTES - 2], 'a');
    free(text);
    nx_query_tree_free(&tree);
    free(q);

    /* A 2-byte character ending exactly at the limit is kept. */
    q = repeat("", 'a', NX_QUERY_MAX_BYTES - 2, "\xc3\xa9xyz");
    parse_ok(q, &tree, &text);
    assert_true(tree.truncated);
    assert_int_equal(strlen(text), NX_QUERY_MAX_BYTES);
    assert_memory_equal(text + NX_QUERY_MAX_BYTES - 2, "\xc3\xa9", 2);
    free(text);
    nx_query_tree_free(&tree);
    free(q);

    /* A 4-byte character across the limit, at each offset. */
    for (size_t k = 1; k <= 3; k++) {
        q = repeat("", 'a', NX_QUERY_MAX_BYTES - k, "\xf0\x9f\x93\xb0 news");
        parse_ok(q, &tree, &text);
        assert_true(tree.truncated);
        assert_int_equal(strlen(text), NX_QUERY_MAX_BYTES - k);
        free(text);
        nx_query_tree_free(&tree);
        free(q);
    }

    /* Words after the cut are gone; words before it stay. */
    q = repeat("first ", ' ', NX_QUERY_MAX_BYTES, "last");
    parse_ok(q, &tree, &text);
    assert_true(tree.truncated);
    assert_string_equal(text, "first");
    free(text);
    nx_query_tree_free(&tree);
    free(q);

    /* Only continuation bytes: cut to nothing, no crash. */
    q = repeat("", '\x80', NX_QUERY_MAX_BYTES + 10, "");
    parse_ok(q, &tree, &text);
    assert_true(tree.truncated);
    free(text);
    nx_query_tree_free(&tree);
    free(q);

    /* A phrase cut by the limit closes at the cut. */
    q = repeat("\"", 'b', NX_QUERY_MAX_BYTES + 100, "\"");
    parse_ok(q, &tree, &text);
    assert_true(tree.truncated);
    assert_int_equal(strlen(text), NX_QUERY_MAX_BYTES + 1); /* two quotes, minus one */
    assert_int_equal(text[0], '"');
    assert_int_equal(text[NX_QUERY_MAX_BYTES], '"');
    free(text);
    nx_query_tree_free(&tree);
    free(q);
}

/* Random mixes of words, operators, quotes, parentheses and odd bytes:
 * every one parses, prints balanced, and frees (run under ASan/valgrind for
 * leaks). */
static void test_random_queries(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "a", "b", "layoffs", "AND", "OR", "NOT", "and", "-", "+", "-x", "+y", "(", ")",
        "\"", "\"p q\"", " ", "  ", "\t", "\x01", "\xff", "\xc3", "\xc3\xa9", "--", "((", "))",
    };
    const size_t n_pieces = sizeof pieces / sizeof pieces[0];
    uint32_t x = 12345;
    char q[600];
    for (int round = 0; round < 5000; round++) {
        size_t len = 0;
        int n = 1 + (int)(x % 40);
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
            if (x & 0x100)
                q[len++] = ' ';
        }
        q[len] = '\0';
        nx_query_tree tree;
        char *text;
        parse_ok(q, &tree, &text);
        size_t opens = 0;
        for (size_t i = 0; i < len; i++)
            opens += q[i] == '(';
        if (opens <= NX_QUERY_MAX_DEPTH)
            assert_false(tree.truncated); /* short and shallow: nothing is cut */
        assert_true(parens_balanced(text));
        assert_int_equal(tree.root == NULL, strcmp(text, "()") == 0);
        free(text);
        nx_query_tree_free(&tree);
    }
}

/* The same with the rest of the language (fields, dates, NEAR, ~N,
 * wildcards, curly quotes): a parse may fail with NEWSDEX_ERR_QUERY and a
 * message, but never crash or leak. */
static void test_random_queries_full_language(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "a", "layoffs", "OR", "NOT", "-", "+", "(", ")", "\"", " ", " ", " ", "title:",
        "topic:", "date:", "2024", "2024-01..2024-03", "..", "NEAR", "NEAR/2", "NEAR/999",
        "~3", "~", "abc*", "ab*", "*", "\xe2\x80\x9c", "\xe2\x80\x9d", "http://x.com",
        ":", "id:ndx-0001", "\xff", "\xe2\x80", "nosuchfield:x",
    };
    const size_t n_pieces = sizeof pieces / sizeof pieces[0];
    uint32_t x = 99991;
    char q[600];
    int failures = 0;
    for (int round = 0; round < 5000; round++) {
        size_t len = 0;
        int n = 1 + (int)(x % 30);
        for (int i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            const char *p = pieces[x % n_pieces];
            size_t pl = strlen(p);
            if (len + pl + 1 >= sizeof q)
                break;
            memcpy(q + len, p, pl);
            len += pl;
        }
        q[len] = '\0';
        nx_error err;
        nx_error_clear(&err);
        nx_query_tree tree;
        newsdex_status st = nx_query_parse(q, &tree, &err);
        if (st == NEWSDEX_OK) {
            char *text = nx_query_tree_to_string(&tree);
            assert_non_null(text);
            assert_int_equal(tree.root == NULL, strcmp(text, "()") == 0);
            free(text);
        } else {
            assert_int_equal(st, NEWSDEX_ERR_QUERY);
            assert_null(tree.root);
            assert_true(strncmp(err.message, "position ", 9) == 0);
            failures++;
        }
        nx_query_tree_free(&tree);
    }
    assert_true(failures > 0 && failures < 5000); /* both kinds were tried */
}

/* ---- Signs survive the depth limit ---- */

typedef struct leaf_list {
    char items[64][48];
    size_t n;
} leaf_list;

/* Collects "text|parity" for every WORD/PHRASE leaf (parity: how many NOTs
 * are above it, mod 2). */
static void collect_leaves(const nx_qnode *n, int parity, leaf_list *out)
{
    if (!n)
        return;
    if (n->kind == NX_QN_WORD || n->kind == NX_QN_PHRASE) {
        assert_true(out->n < 64);
        snprintf(out->items[out->n++], sizeof out->items[0], "%s%s|%d",
                 n->kind == NX_QN_PHRASE ? "\"" : "", n->text, parity & 1);
        return;
    }
    for (size_t i = 0; i < n->n_kids; i++)
        collect_leaves(n->kids[i], parity + (n->kind == NX_QN_NOT), out);
}

static int cmp_leaf(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

static void leaves_of(const char *query, leaf_list *out, int *truncated)
{
    nx_error err;
    nx_error_clear(&err);
    nx_query_tree tree;
    assert_int_equal(nx_query_parse(query, &tree, &err), NEWSDEX_OK);
    out->n = 0;
    collect_leaves(tree.root, 0, out);
    qsort(out->items, out->n, sizeof out->items[0], cmp_leaf);
    *truncated = tree.truncated;
    nx_query_tree_free(&tree);
}

/* Random balanced queries of words, phrases, '-', NOT, '+', OR and
 * parentheses: read normally, and again inside NX_QUERY_MAX_DEPTH + 1
 * parentheses (where the flat reader takes over), every word and phrase
 * keeps its sign. */
static void test_random_deep_queries_keep_signs(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "a", "b", "c", "layoffs", "\"p q\"", "-", "NOT", "+", "OR", "(", ")",
    };
    const size_t n_pieces = sizeof pieces / sizeof pieces[0];
    uint32_t x = 4242;
    char q[400], deep[600];
    int mismatches = 0;
    for (int round = 0; round < 3000; round++) {
        size_t len = 0;
        int open = 0, n = 1 + (int)(x % 20);
        for (int i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            const char *p = pieces[x % n_pieces];
            if (strcmp(p, ")") == 0 && open == 0)
                continue;
            if (strcmp(p, "(") == 0 && open >= 8)
                continue;
            open += strcmp(p, "(") == 0;
            open -= strcmp(p, ")") == 0;
            /* '-' and '+' glue to what follows; others are space-separated. */
            int glue = strcmp(p, "-") == 0 || strcmp(p, "+") == 0;
            len += (size_t)snprintf(q + len, sizeof q - len, "%s%s", p, glue ? "" : " ");
        }
        while (open-- > 0)
            len += (size_t)snprintf(q + len, sizeof q - len, ")");
        size_t d = 0;
        for (int i = 0; i <= NX_QUERY_MAX_DEPTH; i++)
            deep[d++] = '(';
        d += (size_t)snprintf(deep + d, sizeof deep - d, "%s", q);
        for (int i = 0; i <= NX_QUERY_MAX_DEPTH; i++)
            deep[d++] = ')';
        deep[d] = '\0';

        leaf_list plain, flat;
        int t_plain, t_flat;
        leaves_of(q, &plain, &t_plain);
        leaves_of(deep, &flat, &t_flat);
        assert_false(t_plain);
        assert_true(t_flat || plain.n == 0);
        int same = plain.n == flat.n;
        for (size_t i = 0; same && i < plain.n; i++)
            same = strcmp(plain.items[i], flat.items[i]) == 0;
        if (!same && mismatches++ < 5)
            print_message("# signs differ for [%s]\n", q);
    }
    assert_int_equal(mismatches, 0);
}

static void test_free_is_safe(void **state)
{
    (void)state;
    nx_query_tree tree;
    char *text;
    parse_ok("a b", &tree, &text);
    free(text);
    nx_query_tree_free(&tree);
    nx_query_tree_free(&tree); /* root is NULL now: a second free is harmless */
    nx_query_tree_free(NULL);
    nx_query_tree empty = {0};
    text = nx_query_tree_to_string(&empty);
    assert_non_null(text);
    assert_string_equal(text, "()");
    free(text);
}

static void test_tree_shape(void **state)
{
    (void)state;
    nx_query_tree tree;
    char *text;
    parse_ok("amazon -\"prime video\" OR twitch", &tree, &text);
    assert_string_equal(text, "(OR (AND amazon (NOT \"prime video\")) twitch)");
    const nx_qnode *root = tree.root;
    assert_int_equal(root->kind, NX_QN_OR);
    assert_int_equal(root->n_kids, 2);
    const nx_qnode *and_ = root->kids[0];
    assert_int_equal(and_->kind, NX_QN_AND);
    assert_int_equal(and_->n_kids, 2);
    assert_int_equal(and_->kids[0]->kind, NX_QN_WORD);
    assert_string_equal(and_->kids[0]->text, "amazon");
    assert_int_equal(and_->kids[1]->kind, NX_QN_NOT);
    assert_int_equal(and_->kids[1]->n_kids, 1);
    assert_int_equal(and_->kids[1]->kids[0]->kind, NX_QN_PHRASE);
    assert_string_equal(and_->kids[1]->kids[0]->text, "prime video");
    assert_int_equal(root->kids[1]->kind, NX_QN_WORD);
    assert_null(root->kids[1]->kids);
    free(text);
    nx_query_tree_free(&tree);
}

int main(void)
{
    static const struct CMUnitTest fixed[] = {
        cmocka_unit_test(test_ten_thousand_words),
        cmocka_unit_test(test_node_limit),
        cmocka_unit_test(test_below_node_limit),
        cmocka_unit_test(test_five_thousand_open_parens),
        cmocka_unit_test(test_depth_at_limit),
        cmocka_unit_test(test_depth_over_limit_keeps_words),
        cmocka_unit_test(test_depth_over_limit_keeps_negation),
        cmocka_unit_test(test_long_negation_chains),
        cmocka_unit_test(test_cut_at_max_bytes),
        cmocka_unit_test(test_random_queries),
        cmocka_unit_test(test_random_queries_full_language),
        cmocka_unit_test(test_random_deep_queries_keep_signs),
        cmocka_unit_test(test_free_is_safe),
        cmocka_unit_test(test_tree_shape),
    };
    const size_t n_fixed = sizeof fixed / sizeof fixed[0];
    struct CMUnitTest *tests = calloc(N_CASES + n_fixed, sizeof *tests);
    if (!tests)
        return 1;
    for (size_t i = 0; i < N_CASES; i++) {
        tests[i].name = cases[i].name;
        tests[i].test_func = run_case;
        tests[i].initial_state = (void *)&cases[i];
    }
    for (size_t i = 0; i < n_fixed; i++)
        tests[N_CASES + i] = fixed[i];
    int failed = _cmocka_run_group_tests("query_parser", tests, N_CASES + n_fixed, NULL, NULL);
    free(tests);
    return failed;
}
