/* Analyzer unit tests: a table of input -> "text/stem ..." cases, then
 * positions, offsets, limits and hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>

#include "../../engine/analyzer.h"
#include "../../engine/utf8.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

typedef struct got_token {
    char text[NX_TOKEN_MAX_BYTES + 1];
    char stem[2 * NX_TOKEN_MAX_BYTES + 1];
    uint32_t position;
    size_t start, end;
    unsigned joined;
} got_token;

typedef struct collector {
    got_token *tokens;
    size_t count, cap;
    size_t stop_after; /* 0: never stop */
    size_t input_len;
    int compounds; /* nx_analyze_compounds: joined forms share a position */
} collector;

/* Checks what every token must satisfy, then records it. */
static int collect(const nx_token *t, void *ctx)
{
    collector *c = ctx;
    assert_true(t->text_len > 0 && t->text_len <= NX_TOKEN_MAX_BYTES);
    assert_int_equal(strlen(t->text), t->text_len);
    assert_int_equal(strlen(t->stem), t->stem_len);
    assert_true(nx_utf8_valid(t->text, t->text_len));
    assert_true(t->start < t->end && t->end <= c->input_len);
    assert_true(!t->joined || (c->compounds && t->joined >= 2 &&
                               t->joined <= NX_COMPOUND_MAX_PARTS));
    if (c->count && c->tokens[c->count - 1].joined)
        assert_true(t->position == c->tokens[c->count - 1].position); /* the first part */
    else if (c->count)
        assert_true(t->position > c->tokens[c->count - 1].position);
    if (c->count == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 16;
        c->tokens = realloc(c->tokens, c->cap * sizeof *c->tokens);
        assert_non_null(c->tokens);
    }
    got_token *g = &c->tokens[c->count++];
    assert_true(t->stem_len < sizeof g->stem);
    memcpy(g->text, t->text, t->text_len + 1);
    memcpy(g->stem, t->stem, t->stem_len + 1);
    g->position = t->position;
    g->start = t->start;
    g->end = t->end;
    g->joined = t->joined;
    return c->stop_after && c->count >= c->stop_after;
}

/* Analyzes a private, exactly sized copy so ASan catches reads past len. */
static collector run(nx_analyzer *an, const char *in, size_t len)
{
    collector c = {0};
    c.input_len = len;
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, in, len);
    nx_error err = {0};
    assert_int_equal(nx_analyze(an, copy, len, collect, &c, &err), NEWSDEX_OK);
    free(copy);
    return c;
}

/* "text/stem text/stem ..." */
static char *render(const collector *c)
{
    size_t n = 1;
    for (size_t i = 0; i < c->count; i++)
        n += strlen(c->tokens[i].text) + strlen(c->tokens[i].stem) + 2;
    char *out = malloc(n), *p = out;
    assert_non_null(out);
    *p = '\0';
    for (size_t i = 0; i < c->count; i++)
        p += sprintf(p, "%s%s/%s", i ? " " : "", c->tokens[i].text, c->tokens[i].stem);
    return out;
}

static int setup(void **state)
{
    nx_analyzer *an = NULL;
    nx_error err = {0};
    if (nx_analyzer_new(NULL, &an, &err) != NEWSDEX_OK)
        return -1;
    *state = an;
    return 0;
}

static int teardown(void **state)
{
    nx_analyzer_free(*state);
    return 0;
}

/* ------------------------------------------------------------------ */
/* The table                                                           */
/* ------------------------------------------------------------------ */

typedef struct analyzer_case {
    const char *input;
    size_t len;
    const char *expect;
} analyzer_case;

/* sizeof keeps embedded NUL bytes inside the input. */
#define CASE(in, out) {in, sizeof(in) - 1, out}

static const analyzer_case cases[] = {
    /* folding: NFKC, case, accents */
    CASE("Nestlé", "nestle/nestl"),
    CASE("ÉCOLE", "ecole/ecol"),
    CASE("\xEF\xAC\x81nance", "finance/financ"), /* U+FB01 ligature */
    CASE("Straße", "strasse/strass"),
    CASE("Nestle\xCC\x81", "nestle/nestl"), /* decomposed e + U+0301 */
    CASE("ＦＩＮＡＮＣＥ", "finance/financ"),
    CASE("İstanbul", "istanbul/istanbul"),
    CASE("Crème Brûlée", "creme/creme brulee/brule"),
    CASE("Zürich São Paulo", "zurich/zurich sao/sao paulo/paulo"),
    CASE("\xE2\x91\xB4", "1/1"), /* U+2474 "(1)": no parentheses in terms */
    CASE("x\xC2\xB2", "x2/x2"), /* superscript two */
    /* apostrophes */
    CASE("Amazon's", "amazon/amazon"),
    CASE("Amazon\xE2\x80\x99s", "amazon/amazon"),
    CASE("Amazon\xCA\xBCs", "amazon/amazon"),
    CASE("AMAZON'S shares", "amazon/amazon shares/share"),
    CASE("companies' results", "companies/compani results/result"),
    CASE("don't", "dont/dont"),
    CASE("O'Neill", "oneill/oneil"),
    CASE("O\xE2\x80\x99Reilly", "oreilly/oreilli"),
    CASE("'quoted'", "quoted/quot"),
    CASE("rock 'n' roll", "rock/rock n/n roll/roll"),
    CASE("1990's", "1990/1990"),
    CASE("it's", "it/it"),
    CASE("Amazon's.", "amazon/amazon"),
    CASE("Macy'sbig", "macysbig/macysbig"),
    /* numbers */
    CASE("27,000", "27000/27000"),
    CASE("8.5", "8.5/8.5"),
    CASE("4.25%", "4.25/4.25"),
    CASE("1,234,567", "1234567/1234567"),
    CASE("3.14.15", "3.14.15/3.14.15"),
    CASE("in 2024.", "in/in 2024/2024"),
    CASE("in 2024, then", "in/in 2024/2024 then/then"),
    CASE("rose 5, 6 and 7", "rose/rose 5/5 6/6 and/and 7/7"),
    CASE("8,5", "8/8 5/5"),
    CASE("1,2345", "1/1 2345/2345"),
    CASE("$1,234.56", "1234.56/1234.56"),
    CASE("35%", "35/35"),
    CASE("Q3 results", "q3/q3 results/result"),
    CASE("A320neo jets", "a320neo/a320neo jets/jet"),
    CASE("v2.0", "v2.0/v2.0"),
    CASE("１２３", "123/123"),
    CASE("\xD9\xA2\xD9\xA0\xD9\xA2\xD9\xA4", "\xD9\xA2\xD9\xA0\xD9\xA2\xD9\xA4/"
                                             "\xD9\xA2\xD9\xA0\xD9\xA2\xD9\xA4"),
    /* dotted acronyms and tickers */
    CASE("U.S.", "us/us"),
    CASE("U.K. economy", "uk/uk economy/economi"),
    CASE("e.g.", "eg/eg"),
    CASE("U.S.-China", "us/us china/china"),
    CASE("the U.S", "the/the us/us"),
    CASE("J.P. Morgan", "jp/jp morgan/morgan"),
    CASE("John F. Kennedy", "john/john f/f kennedy/kennedi"),
    CASE("MSFT.O", "msft/msft o/o"),
    CASE("E.ON", "e/e on/on"),
    CASE("example.com", "example/exampl com/com"),
    /* separators */
    CASE("ad-free", "ad/ad free/free"),
    CASE("and/or", "and/and or/or"),
    CASE("state\xE2\x80\x93owned", "state/state owned/own"),
    CASE("a\tb\nc\r\nd", "a/a b/b c/c d/d"),
    /* stemming */
    CASE("layoffs layoff cutting jobs studios rates",
         "layoffs/layoff layoff/layoff cutting/cut jobs/job studios/studio rates/rate"),
    /* CJK: one token per character */
    CASE("東京", "東/東 京/京"),
    CASE("トヨタ", "ト/ト ヨ/ヨ タ/タ"),
    CASE("한국은행", "한/한 국/국 은/은 행/행"),
    CASE("2024年", "2024/2024 年/年"),
    CASE("iPhone手机", "iphone/iphon 手/手 机/机"),
    CASE("ｶﾞ", "ガ/ガ"), /* halfwidth kana + voicing mark -> one character */
    CASE("Tesla特斯拉Model", "tesla/tesla 特/特 斯/斯 拉/拉 model/model"),
    /* other scripts */
    CASE("Москва", "москва/москва"),
    CASE("Ελλάδα", "ελλαδα/ελλαδα"),
    CASE("שלום עולם", "שלום/שלום עולם/עולם"),
    CASE("\xE2\x80\x8Fمرحبا\xE2\x80\x8F", "مرحبا/مرحبا"), /* RLM around Arabic */
    CASE("हिन्दी", "हिन्दी/हिन्दी"), /* vowel signs are kept */
    CASE("ภาษาไทย", "ภาษาไทย/ภาษาไทย"),
    /* zero-width and invisible characters */
    CASE("a\xE2\x80\x8D" "b", "ab/ab"),
    CASE("infor\xC2\xAD" "mation", "information/inform"),
    CASE("می\xE2\x80\x8Cخواهم", "میخواهم/میخواهم"), /* ZWNJ inside a Persian word */
    CASE("\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x92\xBB", ""), /* ZWJ emoji sequence */
    CASE("a\xE2\x80\x8D", "a/a"),
    CASE("a\xE2\x80\x8B" "b", "a/a b/b"), /* zero-width space separates */
    /* emoji and marks */
    CASE("\xF0\x9F\x98\x80 growth \xF0\x9F\x93\x88", "growth/growth"),
    CASE("\xCC\x81\xCC\x81", ""),
    CASE(" \xCC\x81" "abc", "abc/abc"),
    CASE("1\xEF\xB8\x8F\xE2\x83\xA3", "1/1"), /* keycap one */
    CASE("a\xEF\xB8\x8F", "a/a"),
    /* hostile input */
    CASE("", ""),
    CASE("  ,.;!?--'''...", ""),
    CASE("\x80" "abc\x80", "abc/abc"),
    CASE("ab\x80" "cd", "ab/ab cd/cd"),
    CASE("abc\xF0\x9F\x98", "abc/abc"),
    CASE("a\xC0\xAF" "b", "a/a b/b"),
    CASE("a\xE0\x80\x80" "b", "a/a b/b"),
    CASE("a\xED\xA0\x80" "b", "a/a b/b"),
    CASE("a\xF4\x90\x80\x80" "b", "a/a b/b"),
    CASE("\xFFx\xFE", "x/x"),
    CASE("ab\0cd", "ab/ab cd/cd"),
    CASE("\0\0\0", ""),
    CASE("Nestl\xC3", "nestl/nestl"),
    /* length limit, measured after folding */
    CASE("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", /* 64 */
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/"
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
    CASE("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa b", "b/b"), /* 65 */
    CASE("ßßßßßßßßßßßßßßßßßßßßßßßßßßßßßßßßß x", "x/x"), /* 33 x "ss" = 66 */
};

static void test_table(void **state)
{
    size_t failures = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        collector c = run(*state, cases[i].input, cases[i].len);
        char *got = render(&c);
        if (strcmp(got, cases[i].expect) != 0) {
            print_error("case %zu \"%s\": expected \"%s\", got \"%s\"\n", i, cases[i].input,
                        cases[i].expect, got);
            failures++;
        }
        free(got);
        free(c.tokens);
    }
    assert_int_equal(failures, 0);
}

/* ------------------------------------------------------------------ */
/* Positions and offsets                                               */
/* ------------------------------------------------------------------ */

typedef struct span_case {
    const char *input;
    size_t index;       /* which emitted token */
    uint32_t position;
    size_t start, end;
} span_case;

static const span_case spans[] = {
    {"ad-free", 0, 0, 0, 2},
    {"ad-free", 1, 1, 3, 7},
    {"Amazon's rise", 0, 0, 0, 8},    /* possessive inside the range */
    {"Amazon's rise", 1, 1, 9, 13},
    {"in the U.S. now", 2, 2, 7, 11}, /* acronym's last dot included */
    {"in 2024.", 1, 1, 3, 7},         /* sentence dot excluded */
    {"$27,000 fee", 0, 0, 1, 7},
    {"Nestlé SA", 1, 1, 8, 10},       /* byte offsets, é is two bytes */
    {"東京", 1, 1, 3, 6},
    {"don't stop", 1, 1, 6, 10},
    {"a\xE2\x80\x8D" "b c", 1, 1, 6, 7},
    /* a dropped 70-byte token still takes position 1 */
    {"alpha xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx beta", 1, 2, 77, 81},
    {"x \x80\x80 y", 1, 1, 5, 6},
    /* 33 x "ss" is over the limit only once folded; it still takes position 0 */
    {"ßßßßßßßßßßßßßßßßßßßßßßßßßßßßßßßßß x", 0, 1, 67, 68},
};

static void test_spans(void **state)
{
    for (size_t i = 0; i < sizeof spans / sizeof spans[0]; i++) {
        const span_case *s = &spans[i];
        collector c = run(*state, s->input, strlen(s->input));
        assert_true(s->index < c.count);
        got_token *t = &c.tokens[s->index];
        if (t->position != s->position || t->start != s->start || t->end != s->end)
            fail_msg("span %zu \"%s\": got pos %u [%zu,%zu)", i, s->input, t->position,
                     t->start, t->end);
        free(c.tokens);
    }
}

/* Re-analyzing a token's own byte range yields that token alone. */
static void test_ranges_reanalyze(void **state)
{
    const char *text = "Amazon's U.S. unit cut 27,000 jobs (8.5%) in 2024; Nestlé's "
                       "ad-free 東京 O'Neill e.g. MSFT.O a\xE2\x80\x8D" "b \xCC\x81x.";
    collector all = run(*state, text, strlen(text));
    assert_true(all.count > 15);
    for (size_t i = 0; i < all.count; i++) {
        got_token *t = &all.tokens[i];
        collector one = run(*state, text + t->start, t->end - t->start);
        assert_int_equal(one.count, 1);
        assert_string_equal(one.tokens[0].text, t->text);
        assert_int_equal(one.tokens[0].position, 0);
        free(one.tokens);
    }
    free(all.tokens);
}

/* ------------------------------------------------------------------ */
/* Hyphenated compounds (nx_analyze_compounds)                         */
/* ------------------------------------------------------------------ */

static collector run_compounds(nx_analyzer *an, const char *in, size_t len)
{
    collector c = {0};
    c.input_len = len;
    c.compounds = 1;
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, in, len);
    nx_error err = {0};
    assert_int_equal(nx_analyze_compounds(an, copy, len, collect, &c, &err), NEWSDEX_OK);
    free(copy);
    return c;
}

/* "text/stem:position ...", joined forms marked with a leading "+". */
static char *render_compounds(const collector *c)
{
    size_t n = 1;
    for (size_t i = 0; i < c->count; i++)
        n += strlen(c->tokens[i].text) + strlen(c->tokens[i].stem) + 16;
    char *out = malloc(n), *p = out;
    assert_non_null(out);
    *p = '\0';
    for (size_t i = 0; i < c->count; i++)
        p += sprintf(p, "%s%s%s/%s:%u", i ? " " : "", c->tokens[i].joined ? "+" : "",
                     c->tokens[i].text, c->tokens[i].stem, (unsigned)c->tokens[i].position);
    return out;
}

static const analyzer_case compounds[] = {
    CASE("Wal-Mart Stores", "+walmart/walmart:0 wal/wal:0 mart/mart:1 stores/store:2"),
    CASE("new e-mails", "new/new:0 +emails/email:1 e/e:1 mails/mail:2"),
    CASE("Coca\xE2\x80\x91" "Cola and Coca\xE2\x80\x90" "Cola",
         "+cocacola/cocacola:0 coca/coca:0 cola/cola:1 and/and:2 "
         "+cocacola/cocacola:3 coca/coca:3 cola/cola:4"),
    CASE("mother-in-law", "+motherinlaw/motherinlaw:0 mother/mother:0 in/in:1 law/law:2"),
    CASE("a-b-c-d", "+abcd/abcd:0 a/a:0 b/b:1 c/c:2 d/d:3"),
    CASE("U.S.-China", "+uschina/uschina:0 us/us:0 china/china:1"),
    CASE("O'Neill-Smith", "+oneillsmith/oneillsmith:0 oneill/oneil:0 smith/smith:1"),
    CASE("Nestl\xC3\xA9-Z\xC3\xBCrich", "+nestlezurich/nestlezurich:0 nestle/nestl:0 zurich/zurich:1"),
    /* not joined: too many parts, digits, CJK, no word right after the hyphen */
    CASE("a-b-c-d-e", "a/a:0 b/b:1 c/c:2 d/d:3 e/e:4"),
    CASE("Wal-Mart-Wal-Mart-x y-z", "wal/wal:0 mart/mart:1 wal/wal:2 mart/mart:3 x/x:4 "
                                    "+yz/yz:5 y/y:5 z/z:6"),
    CASE("F-16 COVID-19 1990-91", "f/f:0 16/16:1 covid/covid:2 19/19:3 1990/1990:4 91/91:5"),
    CASE("F-16-Wal-Mart", "f/f:0 16/16:1 wal/wal:2 mart/mart:3"),
    CASE("\xE6\x9D\xB1-Tokyo", "\xE6\x9D\xB1/\xE6\x9D\xB1:0 tokyo/tokyo:1"),
    CASE("Wal- Mart Wal--Mart -Mart Wal-", "wal/wal:0 mart/mart:1 wal/wal:2 mart/mart:3 "
                                          "mart/mart:4 wal/wal:5"),
    CASE("state\xE2\x80\x93owned", "state/state:0 owned/own:1"), /* an en dash */
    /* a first part of marks alone folds to nothing: no token, no joined form */
    CASE("\xEF\xB1\xA2-R", "r/r:1"),
    CASE("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:0 "
         "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb:1"),
};

static void test_compounds(void **state)
{
    for (size_t i = 0; i < sizeof compounds / sizeof compounds[0]; i++) {
        collector c = run_compounds(*state, compounds[i].input, compounds[i].len);
        char *got = render_compounds(&c);
        if (strcmp(got, compounds[i].expect) != 0)
            fail_msg("compound %zu \"%s\":\n  got    %s\n  expect %s", i, compounds[i].input,
                     got, compounds[i].expect);
        free(got);
        free(c.tokens);
    }
}

/* The joined form spans the compound; nx_analyze never joins; a stop
 * asked for at the joined form is honoured. */
static void test_compound_spans(void **state)
{
    collector c = run_compounds(*state, "x Wal-Mart y", 12);
    assert_int_equal(c.count, 5);
    assert_int_equal(c.tokens[1].joined, 2);
    assert_int_equal(c.tokens[1].start, 2);
    assert_int_equal(c.tokens[1].end, 10);
    assert_int_equal(c.tokens[2].start, 2);
    assert_int_equal(c.tokens[2].end, 5);
    free(c.tokens);

    c = run(*state, "x Wal-Mart y", 12);
    char *got = render(&c);
    assert_string_equal(got, "x/x wal/wal mart/mart y/y");
    free(got);
    free(c.tokens);

    collector stop = {0};
    stop.compounds = 1;
    stop.stop_after = 1;
    stop.input_len = 8;
    nx_error err = {0};
    assert_int_equal(nx_analyze_compounds(*state, "Wal-Mart", 8, collect, &stop, &err),
                     NEWSDEX_OK);
    assert_int_equal(stop.count, 1);
    assert_string_equal(stop.tokens[0].text, "walmart");
    free(stop.tokens);
}

/* A megabyte of one long hyphen chain and of many short compounds: every
 * part is a token, and only the short compounds are joined. */
static void test_compound_chains(void **state)
{
    size_t n = 1 << 20;
    char *text = malloc(n);
    assert_non_null(text);
    for (size_t i = 0; i < n; i++)
        text[i] = i % 2 ? '-' : 'a';
    collector c = run_compounds(*state, text, n);
    assert_int_equal(c.count, n / 2);
    for (size_t i = 0; i < c.count; i++)
        assert_int_equal(c.tokens[i].joined, 0);
    free(c.tokens);
    for (size_t i = 0; i < n; i++)
        text[i] = "ab-cd "[i % 6];
    c = run_compounds(*state, text, n);
    size_t compounds_seen = 0;
    for (size_t i = 0; i < c.count; i++)
        compounds_seen += c.tokens[i].joined == 2;
    assert_int_equal(n % 6, 4); /* the text ends in "ab-c", a compound too */
    assert_int_equal(compounds_seen, n / 6 + 1);
    assert_int_equal(c.count, 3 * (n / 6 + 1));
    free(c.tokens);
    free(text);
}

/* ------------------------------------------------------------------ */
/* API behaviour                                                       */
/* ------------------------------------------------------------------ */

static void test_early_stop(void **state)
{
    collector c = {0};
    c.stop_after = 2;
    c.input_len = 15;
    nx_error err = {0};
    assert_int_equal(nx_analyze(*state, "one two three 4", 15, collect, &c, &err), NEWSDEX_OK);
    assert_int_equal(c.count, 2);
    assert_string_equal(c.tokens[1].text, "two");
    free(c.tokens);
}

static void test_reuse_restarts_positions(void **state)
{
    for (int round = 0; round < 3; round++) {
        collector c = run(*state, "Prime Video layoffs", 19);
        assert_int_equal(c.count, 3);
        assert_int_equal(c.tokens[0].position, 0);
        assert_int_equal(c.tokens[2].position, 2);
        free(c.tokens);
    }
}

static void test_len_is_respected(void **state)
{
    collector c = run(*state, "abcdef", 3); /* no NUL after "abc" in the copy */
    assert_int_equal(c.count, 1);
    assert_string_equal(c.tokens[0].text, "abc");
    free(c.tokens);
    c = run(*state, "8.5", 2); /* "8." : the dot needs a digit after it */
    assert_int_equal(c.count, 1);
    assert_string_equal(c.tokens[0].text, "8");
    free(c.tokens);
    c = run(*state, "Amazon's", 7);
    assert_int_equal(c.count, 1);
    assert_string_equal(c.tokens[0].text, "amazon");
    free(c.tokens);
}

static void test_invalid_arguments(void **state)
{
    nx_error err = {0};
    collector c = {0};
    assert_int_equal(nx_analyze(*state, NULL, 3, collect, &c, &err), NEWSDEX_ERR_INVALID);
    assert_int_equal(nx_analyze(*state, NULL, 0, collect, &c, &err), NEWSDEX_OK);
    assert_int_equal(nx_analyze(*state, "x", 1, NULL, &c, &err), NEWSDEX_ERR_INVALID);
    assert_int_equal(nx_analyze(NULL, "x", 1, collect, &c, &err), NEWSDEX_ERR_INVALID);
    assert_int_equal(c.count, 0);
}

static void test_languages(void **state)
{
    (void)state;
    nx_analyzer *an = (nx_analyzer *)1;
    nx_error err = {0};
    assert_int_equal(nx_analyzer_new("xx", &an, &err), NEWSDEX_ERR_INVALID);
    assert_null(an);
    assert_int_equal(err.status, NEWSDEX_ERR_INVALID);
    assert_string_equal(err.message, "unknown stemming language \"xx\"");
    assert_int_equal(nx_analyzer_new("", &an, &err), NEWSDEX_ERR_INVALID);

    assert_int_equal(nx_analyzer_new("french", &an, &err), NEWSDEX_OK);
    collector c = run(an, "Sociétés nationales", 21);
    char *got = render(&c);
    assert_string_equal(got, "societes/societ nationales/national");
    free(got);
    free(c.tokens);
    nx_analyzer_free(an);

    assert_int_equal(nx_analyzer_new("english", &an, &err), NEWSDEX_OK);
    nx_analyzer_free(an);
    nx_analyzer_free(NULL);
}

/* ------------------------------------------------------------------ */
/* Size and hostile input                                              */
/* ------------------------------------------------------------------ */

static void test_megabyte_token(void **state)
{
    size_t n = 1 << 20;
    char *buf = malloc(n + 2);
    assert_non_null(buf);
    memset(buf, 'a', n);
    memcpy(buf + n, " x", 2);
    collector c = run(*state, buf, n + 2);
    assert_int_equal(c.count, 1);
    assert_string_equal(c.tokens[0].text, "x");
    assert_int_equal(c.tokens[0].position, 1); /* the dropped token took 0 */
    assert_int_equal(c.tokens[0].start, n + 1);
    free(c.tokens);
    free(buf);
}

/* One letter and a megabyte of accents folds to one letter. */
static void test_megabyte_of_marks(void **state)
{
    size_t marks = 1 << 19;
    char *buf = malloc(1 + 2 * marks);
    assert_non_null(buf);
    buf[0] = 'E';
    for (size_t i = 0; i < marks; i++)
        memcpy(buf + 1 + 2 * i, "\xCC\x81", 2);
    collector c = run(*state, buf, 1 + 2 * marks);
    assert_int_equal(c.count, 1);
    assert_string_equal(c.tokens[0].text, "e");
    assert_int_equal(c.tokens[0].end, 1 + 2 * marks);
    free(c.tokens);
    free(buf);
}

static int count_only(const nx_token *t, void *ctx)
{
    size_t *n = ctx;
    assert_int_equal(t->position, *n);
    (*n)++;
    return 0;
}

static void test_many_tokens(void **state)
{
    size_t words = 100000;
    char *buf = malloc(words * 8 + 1), *p = buf;
    assert_non_null(buf);
    for (size_t i = 0; i < words; i++)
        p += sprintf(p, "%s ", i % 2 ? "w\xC3\xA9" : "jobs");
    size_t n = 0;
    nx_error err = {0};
    assert_int_equal(nx_analyze(*state, buf, (size_t)(p - buf), count_only, &n, &err),
                     NEWSDEX_OK);
    assert_int_equal(n, words);
    free(buf);
}

static int check_stem(const nx_token *t, void *ctx)
{
    struct sb_stemmer *direct = ctx;
    const sb_symbol *s = sb_stemmer_stem(direct, (const sb_symbol *)t->text, (int)t->text_len);
    assert_non_null(s);
    assert_int_equal(t->stem_len, sb_stemmer_length(direct));
    assert_memory_equal(t->stem, s, t->stem_len);
    assert_int_equal(t->stem[t->stem_len], '\0');
    return 0;
}

/* Many distinct words overflow and collide in the stem cache; every stem
 * must still match libstemmer's, on a cold and on a warm pass. */
static void test_stem_cache(void **state)
{
    static const char *const suffixes[] = {"ing", "ed", "es", "ations", "ers", "ly", "ness", ""};
    size_t words = 50000;
    char *buf = malloc(words * 16), *p = buf;
    assert_non_null(buf);
    for (size_t i = 0; i < words; i++) {
        for (size_t v = i + 26; v; v /= 26)
            *p++ = (char)('a' + v % 26);
        p += sprintf(p, "%s ", suffixes[i % 8]);
    }
    struct sb_stemmer *direct = sb_stemmer_new("english", "UTF_8");
    assert_non_null(direct);
    nx_error err = {0};
    for (int pass = 0; pass < 2; pass++)
        assert_int_equal(nx_analyze(*state, buf, (size_t)(p - buf), check_stem, direct, &err),
                         NEWSDEX_OK);
    sb_stemmer_delete(direct);
    free(buf);
}

/* Random bytes, weighted towards UTF-8 lead and continuation bytes and
 * the tokenizer's special characters: collect() checks the invariants. */
static void test_random_bytes(void **state)
{
    static const unsigned char pool[] = {'a', 'Z', '0', '9', '\'', '.', ',', ' ', '-', 0,
                                         0x80, 0xBF, 0xC3, 0xA9, 0xE2, 0x80, 0x99, 0xED,
                                         0xF0, 0x9F, 0xF4, 0xFF, 0xCC, 0x81, 0xE6, 0x9D};
    uint32_t seed = 12345;
    unsigned char buf[256];
    for (int iter = 0; iter < 20000; iter++) {
        size_t len = 0;
        seed = seed * 1103515245u + 12345u;
        size_t want = (seed >> 16) % sizeof buf;
        while (len < want) {
            seed = seed * 1103515245u + 12345u;
            buf[len++] = (seed >> 24) & 1 ? pool[(seed >> 16) % sizeof pool]
                                          : (unsigned char)(seed >> 8);
        }
        collector c = run(*state, (const char *)buf, len);
        free(c.tokens);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_spans),
        cmocka_unit_test(test_compounds),
        cmocka_unit_test(test_compound_spans),
        cmocka_unit_test(test_compound_chains),
        cmocka_unit_test(test_ranges_reanalyze),
        cmocka_unit_test(test_early_stop),
        cmocka_unit_test(test_reuse_restarts_positions),
        cmocka_unit_test(test_len_is_respected),
        cmocka_unit_test(test_invalid_arguments),
        cmocka_unit_test(test_languages),
        cmocka_unit_test(test_megabyte_token),
        cmocka_unit_test(test_megabyte_of_marks),
        cmocka_unit_test(test_many_tokens),
        cmocka_unit_test(test_stem_cache),
        cmocka_unit_test(test_random_bytes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
