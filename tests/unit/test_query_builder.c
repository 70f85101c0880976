/* Queries against real indexes built in /tmp with the public writer API:
 * which articles each query finds (and in what order where ranking is the
 * point), relaxed results, --from/--to, explain, fields, and the analysis
 * rules seen end to end (the same analyzer on both sides). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "newsdex.h"
#include "scratch_dir.h"

/* ------------------------------------------------------------------ */
/* Building the indexes                                                */
/* ------------------------------------------------------------------ */

typedef struct doc {
    const char *id, *date, *source, *title, *body;
    const char *topics[3], *companies[3], *places[2], *authors[2], *tickers[3];
} doc;

static const doc feature_docs[] = {
    {"f01", "2024-01-10", "Harbor Street Journal", "Amazon to cut jobs at Prime Video",
     "Amazon said layoffs will hit several hundred staff at Prime Video and MGM Studios this year.",
     {"layoffs", "streaming"}, {"Amazon", "MGM Studios"}, {"United States"}, {"Jane Doe"}, {0}},
    /* f02 says "2024" where f01 is dated 2024: the date must rank higher. */
    {"f02", "2023-05-02", "The Ledger Daily", "Amazon to cut jobs at Prime Video",
     "Amazon said layoffs will hit several hundred staff at Prime Video and MGM Studios in 2024.",
     {"streaming"}, {"Amazon"}, {0}, {0}, {0}},
    {"f03", "2024-03-15", "Harbor Street Journal", "Bank of England holds rates",
     "The Bank of England kept its key rate at 5.25% and signalled a rate cut later this year.",
     {"interest rates"}, {0}, {"United Kingdom"}, {"John Roe"}, {0}},
    {"f04", "2024-08-01", "Bayside Financial Post", "Fed weighs a cut",
     "A cut in the federal funds rate is expected soon, officials said.",
     {"interest rates"}, {0}, {"United States"}, {0}, {0}},
    {"f05", "2022-11-09", "Harbor Street Journal", "Meta lays off 11,000",
     "Meta announced mass layoffs affecting 11,000 staff.", {"layoffs"}, {"Meta Platforms"},
     {0}, {0}, {0}},
    {"f06", NULL, "Northgate Tech Report", "Undated note on layoffs", "Layoffs everywhere.",
     {"layoffs"}, {0}, {0}, {0}, {0}},
    {"f07", "2025-06-09", "Continental Markets Review", "Warner Bros. Discovery to split",
     "The company will split its cable networks from streaming.", {0},
     {"Warner Bros. Discovery"}, {0}, {0}, {"WBD"}},
    /* 23:30 in New York on New Year's Eve is 2024-01-01 in UTC. */
    {"f08", "2023-12-31T23:30:00-05:00", NULL, "New Year's Eve deal",
     "A late merger closed just before midnight.", {0}, {0}, {0}, {0}, {0}},
    {"f09", "2024-02-29", NULL, "Leap day results", "Quarterly results on a leap day.", {0},
     {0}, {0}, {0}, {0}},
    {"f10", "2021-03-01", NULL, "Layoff tracker", "layoffs at many firms", {0}, {0}, {0}, {0},
     {"AMZN", "MSFT.O"}},
    {"f11", "2020-01-01", NULL, "Term soup", NULL, {0}, {0}, {0}, {0}, {0}}, /* body: below */
};

static size_t count_values(const char *const *v, size_t max)
{
    size_t n = 0;
    while (n < max && v[n])
        n++;
    return n;
}

/* 1,500 distinct words zzq0000..zzq1499: more than a wildcard expands to. */
static char *term_soup(void)
{
    char *body = malloc(1500 * 8 + 1), *p = body;
    assert_non_null(body);
    for (int i = 0; i < 1500; i++)
        p += sprintf(p, "zzq%04d ", i);
    return body;
}

static void put_doc(newsdex_writer *w, const doc *d, const char *body)
{
    newsdex_list_field lists[5];
    size_t n = 0;
    const struct {
        const char *name;
        const char *const *values;
        size_t max;
    } fields[] = {{"topics", d->topics, 3},   {"companies", d->companies, 3},
                  {"places", d->places, 2},   {"authors", d->authors, 2},
                  {"tickers", d->tickers, 3}};
    for (size_t i = 0; i < 5; i++) {
        size_t count = count_values(fields[i].values, fields[i].max);
        if (count)
            lists[n++] = (newsdex_list_field){fields[i].name, fields[i].values, count};
    }
    newsdex_article a = {.id = d->id, .title = d->title, .body = body ? body : d->body,
                         .date = d->date, .source = d->source, .lists = lists, .n_lists = n};
    newsdex_put_outcome outcome;
    if (newsdex_writer_put(w, &a, &outcome) != NEWSDEX_OK)
        fail_msg("put %s: %s", d->id, newsdex_writer_last_error(w));
}

/* ------------------------------------------------------------------ */
/* Analysis rules, end to end: each case is its own article            */
/* ------------------------------------------------------------------ */

typedef struct analysis_case {
    const char *text;   /* the article body */
    const char *query;  /* searched together with id:<this article> */
    int match;
} analysis_case;

static const analysis_case analysis[] = {
    /* possessives, both apostrophes */
    {"Amazon's results", "amazon", 1},
    {"Amazon\xE2\x80\x99s results", "amazon", 1},
    {"Amazon results", "Amazon's", 1},
    {"Amazon results", "Amazon\xE2\x80\x99s", 1},
    {"AMAZON'S shares", "amazon shares", 1},
    {"companies' results", "company", 1},
    {"Macy's sales", "macy", 1},
    {"the 1990's boom", "1990", 1},
    {"don't panic", "dont", 1},
    {"O\xE2\x80\x99Neill said", "O'Neill", 1},
    {"O'Neill said", "oneill", 1},
    {"rock 'n' roll", "\"rock n roll\"", 1},
    /* hyphens: a phrase of the parts */
    {"an ad-free tier", "\"ad free\"", 1},
    {"an ad free tier", "ad-free", 1},
    {"an ad-free tier", "ad-free", 1},
    {"ads are free of charge", "ad-free", 0},
    {"free ad space", "ad-free", 0},
    {"a state\xE2\x80\x93owned lender", "state-owned", 1},
    {"U.S.-China trade", "\"us china\"", 1},
    /* hyphenated compounds also match their joined spelling, both ways */
    {"Wal-Mart Stores said", "walmart", 1},
    {"Walmart stores said", "Wal-Mart", 1},
    {"Wal-Marts everywhere", "Walmart", 1},
    {"Wal\xE2\x80\x90Mart said", "walmart", 1},
    {"Coca-Cola bottlers", "CocaCola", 1},
    {"CocaCola bottlers", "Coca-Cola", 1},
    {"send an e-mail", "email", 1},
    {"send an email", "e-mail", 1},
    {"Wal-Mart Stores said", "wal", 1},
    {"Wal-Mart Stores said", "\"wal-mart stores\"", 1},
    {"Walmart stores said", "\"wal-mart stores\"", 0},
    {"Walmart stores said", "\"wal mart\"", 0},
    {"a wal mart", "walmart", 0},
    {"F-16 jets", "f16", 0},
    {"a-b-c-d-e", "abcde", 0},
    {"a state\xE2\x80\x93owned lender", "stateowned", 0},
    /* numbers with separators; decimals stay one token */
    {"cut 27,000 jobs", "27000", 1},
    {"cut 27000 jobs", "27,000", 1},
    {"revenue of 8.5 billion", "8.5", 1},
    {"revenue of 8.5 billion", "8", 0},
    {"revenue of 8.5 billion", "5", 0},
    {"rates of 8,5 percent", "8.5", 0},
    {"1,234,567 shares", "1234567", 1},
    {"version 3.14.15", "3.14.15", 1},
    /* currency and percent */
    {"a $8.5 billion deal", "\"8.5 billion\"", 1},
    {"a $8.5 billion deal", "$8.5 billion", 1},
    {"sales rose 35%", "35%", 1},
    {"sales rose 35%", "35", 1},
    {"sales rose 35 percent", "35%", 1},
    {"a \xE2\x82\xAC" "1,200 fee", "1200", 1},
    {"a \xC2\xA3" "3.5bn loss", "3.5bn", 1},
    /* dotted acronyms */
    {"the U.S. economy", "US", 1},
    {"the US economy", "U.S.", 1},
    {"the U.S. economy", "u.s", 1},
    {"U.K. inflation", "UK inflation", 1},
    {"J.P. Morgan said", "\"JP Morgan\"", 1},
    /* tickers */
    {"shares of MSFT.O rose", "MSFT.O", 1},
    {"shares of MSFT.O rose", "msft", 1},
    {"AMZN fell", "amzn", 1},
    {"AMZN fell", "AMZN", 1},
    {"E.ON shares", "E.ON", 1},
    {"MSFT and O'Reilly", "MSFT.O", 0},
    /* accents and case */
    {"Nestl\xC3\xA9 raised", "nestle", 1},
    {"Nestle raised", "Nestl\xC3\xA9", 1},
    {"Soci\xC3\xA9t\xC3\xA9 G\xC3\xA9n\xC3\xA9rale", "societe generale", 1},
    {"\xC5\xA0koda Auto", "skoda", 1},
    {"Z\xC3\xBCrich office", "ZURICH", 1},
    {"Cr\xC3\xA8me br\xC3\xBBl\xC3\xA9" "e", "creme brulee", 1},
    {"NESTL\xC3\x89", "nestl\xC3\xA9", 1},
    /* stemming: any inflection, but not other words */
    {"Layoffs spread", "layoff", 1},
    {"the company laid off staff", "layoffs", 0},
    {"cutting jobs", "cuts job", 1},
    {"rates rose", "rate", 1},
    /* CJK and other scripts */
    {"\xE6\x9D\xB1\xE4\xBA\xAC\xE3\x81\xAE\xE6\xA0\xAA\xE5\xBC\x8F", "\xE6\x9D\xB1\xE4\xBA\xAC", 1},
    {"\xE6\x9D\xB1\xE4\xBA\xAC\xE3\x81\xAE\xE6\xA0\xAA\xE5\xBC\x8F", "\xE4\xBA\xAC\xE6\x9D\xB1", 0},
    {"\xE3\x83\x88\xE3\x83\xA8\xE3\x82\xBF\xE8\x87\xAA\xE5\x8B\x95\xE8\xBB\x8A",
     "\xE3\x83\x88\xE3\x83\xA8\xE3\x82\xBF", 1},
    {"\xED\x95\x9C\xEA\xB5\xAD\xEC\x9D\x80\xED\x96\x89 \xEA\xB8\x88\xEB\xA6\xAC",
     "\xED\x95\x9C\xEA\xB5\xAD\xEC\x9D\x80\xED\x96\x89", 1},
    {"\xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0 exchange",
     "\xD0\xBC\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0", 1},
    {"\xCE\x95\xCE\xBB\xCE\xBB\xCE\xAC\xCE\xB4\xCE\xB1", "\xCE\xB5\xCE\xBB\xCE\xBB\xCE\xB1\xCE\xB4\xCE\xB1", 1},
    {"Tesla\xE7\x89\xB9\xE6\x96\xAF\xE6\x8B\x89Model", "\xE7\x89\xB9\xE6\x96\xAF\xE6\x8B\x89", 1},
    /* hostile bytes and invisible characters */
    {"ab cd", "ab\x80" "cd", 1},
    {"layoffs", "lay\x01offs", 0},
    {"zero\xE2\x80\x8Bwidth", "zero width", 1},
    {"infor\xC2\xAD" "mation", "information", 1},
    {"emoji \xF0\x9F\x93\x88 growth", "growth \xF0\x9F\x93\x88", 1},
    {"growth", "\xFF\xFEgrowth\xC3", 1},
    /* stopwords: dropped from words, kept in phrases */
    {"Bank of England", "\"bank of england\"", 1},
    {"Bank for England", "\"bank of england\"", 0},
    {"Bank for England", "bank of england", 1},
    {"The Who", "the who", 1},
    {"bank england", "+of bank", 0},
};

#define N_ANALYSIS (sizeof analysis / sizeof analysis[0])

/* ------------------------------------------------------------------ */
/* Fixture                                                             */
/* ------------------------------------------------------------------ */

typedef struct fixture {
    char dir[64];
    char features[96], texts[96];
    newsdex_db *db;      /* the features index */
    newsdex_db *text_db; /* one article per analysis case */
} fixture;

static void build_features(const char *path)
{
    newsdex_writer *w = NULL;
    assert_int_equal(newsdex_writer_open(path, &w, NULL), NEWSDEX_OK);
    char *soup = term_soup();
    for (size_t i = 0; i < sizeof feature_docs / sizeof feature_docs[0]; i++)
        put_doc(w, &feature_docs[i], strcmp(feature_docs[i].id, "f11") == 0 ? soup : NULL);
    free(soup);
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
}

static void build_texts(const char *path)
{
    newsdex_writer *w = NULL;
    assert_int_equal(newsdex_writer_open(path, &w, NULL), NEWSDEX_OK);
    for (size_t i = 0; i < N_ANALYSIS; i++) {
        char id[16];
        snprintf(id, sizeof id, "t%03zu", i);
        doc d = {.id = id, .title = "case", .body = analysis[i].text};
        put_doc(w, &d, NULL);
    }
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    if (scratch_dir_make(f->dir, sizeof f->dir, "nx-query-builder") != 0)
        return -1;
    snprintf(f->features, sizeof f->features, "%s/features", f->dir);
    snprintf(f->texts, sizeof f->texts, "%s/texts", f->dir);
    build_features(f->features);
    build_texts(f->texts);
    if (newsdex_db_open(f->features, &f->db, NULL) != NEWSDEX_OK ||
        newsdex_db_open(f->texts, &f->text_db, NULL) != NEWSDEX_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    newsdex_db_close(f->db);
    newsdex_db_close(f->text_db);
    int rc = scratch_dir_remove(f->dir);
    free(f);
    return rc == 0 ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs a search; *ids gets the hit ids joined by spaces (sorted unless
 * ranked). Returns the status; *relaxed gets the relaxed flag. */
static newsdex_status run(newsdex_db *db, const char *query, const char *from, const char *to,
                          int ranked, char *ids, size_t cap, int *relaxed)
{
    newsdex_search_options o;
    newsdex_search_options_init(&o);
    o.query = query;
    o.from = from;
    o.to = to;
    o.limit = 100;
    o.snippets = 0;
    newsdex_results *r = NULL;
    ids[0] = '\0';
    newsdex_status st = newsdex_search(db, &o, &r);
    if (st != NEWSDEX_OK)
        return st;
    size_t n = newsdex_results_count(r);
    const char *list[100];
    for (size_t i = 0; i < n; i++) {
        newsdex_hit h;
        assert_int_equal(newsdex_results_get(r, i, &h), NEWSDEX_OK);
        list[i] = h.id;
    }
    if (!ranked)
        qsort(list, n, sizeof list[0], cmp_str);
    for (size_t i = 0; i < n; i++) {
        strncat(ids, i ? " " : "", cap - strlen(ids) - 1);
        strncat(ids, list[i], cap - strlen(ids) - 1);
    }
    *relaxed = newsdex_results_relaxed(r);
    newsdex_results_free(r);
    return st;
}

typedef struct query_case {
    const char *query;
    const char *ids;    /* sorted, space-separated; "" for none */
    int relaxed;
} query_case;

static const query_case queries[] = {
    /* words, operators */
    {"layoffs", "f01 f02 f05 f06 f10", 0},
    {"layoff", "f01 f02 f05 f06 f10", 0},
    {"LAYOFFS", "f01 f02 f05 f06 f10", 0},
    {"layoffs -meta", "f01 f02 f06 f10", 0},
    {"layoffs NOT meta", "f01 f02 f06 f10", 0},
    {"layoffs AND NOT meta", "f01 f02 f06 f10", 0},
    {"meta OR warner", "f05 f07", 0},
    {"(meta OR warner) split", "f07", 0},
    {"meta warner OR leap", "f09", 0},
    {"-layoffs", "f03 f04 f07 f08 f09 f11", 0},
    {"layoffs meta", "f05", 0},
    /* title */
    {"title:layoffs", "f06 f10", 0},
    {"title:\"prime video\"", "f01 f02", 0},
    {"title:(amazon OR meta)", "f01 f02 f05", 0},
    {"title:lay*", "f05 f06 f10", 0},
    {"title:\"cut jobs\"", "f01 f02", 0},
    {"title:staff", "", 0},
    /* list fields and source: whole values, case and accents aside */
    {"source:\"Harbor Street Journal\"", "f01 f03 f05", 0},
    {"source:\"harbor street JOURNAL\"", "f01 f03 f05", 0},
    {"source:harbor", "", 0},
    {"-source:\"Harbor Street Journal\" layoffs", "f02 f06 f10", 0},
    {"topic:layoffs", "f01 f05 f06", 0},
    {"topics:\"interest rates\"", "f03 f04", 0},
    {"topic:(layoffs OR streaming)", "f01 f02 f05 f06", 0},
    {"company:amazon", "f01 f02", 0},
    {"company:amaz*", "f01 f02", 0},
    {"companies:\"warner bros. discovery\"", "f07", 0},
    {"company:Warner", "", 0},
    {"place:\"united states\"", "f01 f04", 0},
    {"places:\"United Kingdom\"", "f03", 0},
    {"author:\"jane doe\"", "f01", 0},
    {"authors:\"JOHN ROE\"", "f03", 0},
    {"id:f03", "f03", 0},
    {"id:F03", "", 0},
    {"id:f10*", "f10", 0},
    {"tickers:wbd", "f07", 0},
    {"tickers:MSFT.O", "f10", 0},
    {"tickers:amzn layoffs", "f10", 0},
    /* dates, in UTC, ends included */
    {"date:2024", "f01 f03 f04 f08 f09", 0},
    {"date:2024-01", "f01 f08", 0},
    {"date:2024-01-01", "f08", 0},
    {"date:2023-12-31", "", 0},
    {"date:2023-12", "", 0},
    {"date:2024-02-29", "f09", 0},
    {"date:2024-02", "f09", 0},
    {"date:..2022-12-31", "f05 f10 f11", 0},
    {"date:2025..", "f07", 0},
    {"date:2024-01..2024-03", "f01 f03 f08 f09", 0},
    {"date:2024-01-10..2024-03-15", "f01 f03 f09", 0},
    {"date:2021..2022", "f05 f10", 0},
    {"-date:2024 layoffs", "f02 f05 f06 f10", 0},
    {"layoffs date:2023..2024", "f01 f02", 0},
    {"date:2024 OR date:2021", "f01 f03 f04 f08 f09 f10", 0},
    /* phrases and proximity: "~N" allows N other words between */
    {"\"rate cut\"", "f03", 0},
    {"\"cut rate\"", "", 0},
    {"\"rate cut\"~3", "f03", 0},
    {"\"rate cut\"~4", "f03 f04", 0},
    {"cut NEAR/4 rate", "f03 f04", 0},
    {"cut NEAR/3 rate", "f03", 0},
    {"rate NEAR cut", "f03 f04", 0},
    {"title:\"cut prime\"~2", "f01 f02", 0},
    /* wildcards, also past the expansion limit */
    {"layoff*", "f01 f02 f05 f06 f10", 0},
    {"zzq*", "f11", 0},
    {"zzq149*", "f11", 0},
    {"zzz*", "", 0},
    /* stopwords */
    {"of layoffs", "f01 f02 f05 f06 f10", 0},
    {"\"note on layoffs\"", "f06", 0},
    {"\"note of layoffs\"", "", 0},
    {"the", "f03 f04 f07", 0},
    {"+of layoffs", "f01 f02 f03 f05 f06 f10", 1},
    /* years: the text or the date */
    {"leap 2024", "f09", 0},
    {"deal 2024", "f08", 0},
    {"deal 2023", "f02 f08", 1}, /* relaxed: "deal" or dated 2023 */
    {"layoffs 2021", "f10", 0},
    {"\"2024\"", "f02", 0},
    /* relaxed: nothing has every word */
    {"zebra layoffs", "f01 f02 f05 f06 f10", 1},
    {"zebra", "", 0},
    {"zebra quagga", "", 1},
    {"zebra layoffs source:\"The Ledger Daily\"", "f02", 1},
    {"zebra layoffs -meta", "f01 f02 f06 f10", 1},
    {"zebra \"rate cut\" date:2024", "f03", 1},
};

static void test_queries(void **state)
{
    fixture *f = *state;
    size_t failures = 0;
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        const query_case *c = &queries[i];
        char ids[512];
        int relaxed = 0;
        newsdex_status st = run(f->db, c->query, NULL, NULL, 0, ids, sizeof ids, &relaxed);
        if (st != NEWSDEX_OK || strcmp(ids, c->ids) != 0 || relaxed != c->relaxed) {
            print_error("query [%s]: expected [%s]%s, got [%s]%s %s\n", c->query, c->ids,
                        c->relaxed ? " relaxed" : "", ids, relaxed ? " relaxed" : "",
                        st == NEWSDEX_OK ? "" : newsdex_db_last_error(f->db));
            failures++;
        }
    }
    assert_int_equal(failures, 0);
}

static void test_analysis(void **state)
{
    fixture *f = *state;
    size_t failures = 0;
    for (size_t i = 0; i < N_ANALYSIS; i++) {
        char query[256], ids[64], want[16];
        int relaxed;
        snprintf(query, sizeof query, "(%s) id:t%03zu", analysis[i].query, i);
        snprintf(want, sizeof want, analysis[i].match ? "t%03zu" : "", i);
        newsdex_status st = run(f->text_db, query, NULL, NULL, 0, ids, sizeof ids, &relaxed);
        if (st != NEWSDEX_OK || strcmp(ids, want) != 0) {
            print_error("case %zu: text [%s] query [%s]: expected %s, got [%s] %s\n", i,
                        analysis[i].text, analysis[i].query, analysis[i].match ? "a match" : "none",
                        ids, st == NEWSDEX_OK ? "" : newsdex_db_last_error(f->text_db));
            failures++;
        }
    }
    print_message("# %zu analysis cases\n", N_ANALYSIS);
    assert_true(N_ANALYSIS >= 60);
    assert_int_equal(failures, 0);
}

/* ------------------------------------------------------------------ */
/* Ranking                                                             */
/* ------------------------------------------------------------------ */

static void expect_ranked(fixture *f, const char *query, const char *prefix)
{
    char ids[512];
    int relaxed;
    assert_int_equal(run(f->db, query, NULL, NULL, 1, ids, sizeof ids, &relaxed), NEWSDEX_OK);
    if (strncmp(ids, prefix, strlen(prefix)) != 0)
        fail_msg("[%s]: expected ranking to start [%s], got [%s]", query, prefix, ids);
}

static void test_ranking(void **state)
{
    fixture *f = *state;
    /* Same words; f01 is dated 2024 and f02 only writes "2024". */
    expect_ranked(f, "Prime Video layoffs 2024", "f01 f02");
    expect_ranked(f, "amazon 2024", "f01 f02");
    expect_ranked(f, "amazon 2023", "f02");
    /* Relaxed: articles with more of the words come first. */
    expect_ranked(f, "layoffs prime zebra", "f0");
    char ids[512];
    int relaxed;
    assert_int_equal(run(f->db, "layoffs prime zebra", NULL, NULL, 1, ids, sizeof ids, &relaxed),
                     NEWSDEX_OK);
    assert_true(relaxed);
    assert_true(strncmp(ids, "f01 f02", 7) == 0 || strncmp(ids, "f02 f01", 7) == 0);
    /* A word said twice ranks as once (its weight doubles for every match). */
    char once[512], twice[512];
    assert_int_equal(run(f->db, "layoffs OR rate", NULL, NULL, 1, once, sizeof once, &relaxed),
                     NEWSDEX_OK);
    assert_int_equal(run(f->db, "layoffs OR rate OR layoffs OR rate", NULL, NULL, 1, twice,
                         sizeof twice, &relaxed),
                     NEWSDEX_OK);
    assert_string_equal(once, twice);
    /* Title words weigh more than body words: the two articles with "layoff"
     * in their titles (f06, f10) come before those with it only in the body. */
    assert_int_equal(run(f->db, "layoffs", NULL, NULL, 1, ids, sizeof ids, &relaxed), NEWSDEX_OK);
    assert_true(strncmp(ids, "f06 f10", 7) == 0 || strncmp(ids, "f10 f06", 7) == 0);
}

/* The exact form above words that share its stem ("yukos" and "yuko"
 * both stem to yuko); the two articles are otherwise alike. */
static void test_exact_form(void **state)
{
    fixture *f = *state;
    char path[128];
    snprintf(path, sizeof path, "%s/exact", f->dir);
    static const doc docs[] = {
        {"hirono", "2024-01-02", NULL, "World news", "Yuko Hirono met fans in Moscow.", {0}, {0}, {0}, {0}, {0}},
        {"oil", "2024-01-01", NULL, "World news", "Yukos shareholders met fans in Moscow.", {0}, {0}, {0}, {0}, {0}},
        {"layoff", "2024-01-01", NULL, "Jobs", "One layoff at the plant.", {0}, {0}, {0}, {0}, {0}},
        {"layoffs", "2024-01-02", NULL, "Jobs", "Two layoffs at the plant.", {0}, {0}, {0}, {0}, {0}},
    };
    newsdex_writer *w = NULL;
    assert_int_equal(newsdex_writer_open(path, &w, NULL), NEWSDEX_OK);
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
        put_doc(w, &docs[i], NULL);
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
    newsdex_db *db = NULL;
    assert_int_equal(newsdex_db_open(path, &db, NULL), NEWSDEX_OK);
    /* Newer first on a tie: without the exact form, hirono and layoffs lead.
     * A lower-case word that is its own stem (layoff) ranks its inflections
     * alike: a tie. */
    const struct {
        const char *query, *first, *second;
        int tie;
    } cases[] = {
        {"Yukos", "oil", "hirono", 0},       {"yukos", "oil", "hirono", 0},
        {"YUKOS", "oil", "hirono", 0},       {"Yuko", "hirono", "oil", 0},
        {"Yukos Moscow", "oil", "hirono", 0}, {"title:Yukos OR Yukos", "oil", "hirono", 0},
        {"Layoff", "layoff", "layoffs", 0},  {"layoffs", "layoffs", "layoff", 0},
        {"layoff", "layoffs", "layoff", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        newsdex_search_options o;
        newsdex_search_options_init(&o);
        o.query = cases[i].query;
        o.snippets = 0;
        newsdex_results *r = NULL;
        assert_int_equal(newsdex_search(db, &o, &r), NEWSDEX_OK);
        assert_int_equal(newsdex_results_count(r), 2);
        newsdex_hit a, b;
        assert_int_equal(newsdex_results_get(r, 0, &a), NEWSDEX_OK);
        assert_int_equal(newsdex_results_get(r, 1, &b), NEWSDEX_OK);
        if (strcmp(a.id, cases[i].first) != 0 || strcmp(b.id, cases[i].second) != 0 ||
            (cases[i].tie ? a.score != b.score : !(a.score > b.score)))
            fail_msg("[%s]: expected %s above %s, got %s (%g) then %s (%g)", cases[i].query,
                     cases[i].first, cases[i].second, a.id, a.score, b.id, b.score);
        newsdex_results_free(r);
    }
    /* The exact forms and joined compounds do not count as query terms:
     * two compounds are four terms, as before. */
    newsdex_search_options o;
    newsdex_search_options_init(&o);
    o.query = "Wal-Mart e-mail";
    newsdex_results *r = NULL;
    newsdex_db_limit(db, NEWSDEX_LIMIT_QUERY_TERMS, 4);
    assert_int_equal(newsdex_search(db, &o, &r), NEWSDEX_OK);
    newsdex_results_free(r);
    r = NULL;
    newsdex_db_limit(db, NEWSDEX_LIMIT_QUERY_TERMS, 3);
    assert_int_equal(newsdex_search(db, &o, &r), NEWSDEX_ERR_LIMIT);
    newsdex_results_free(r);
    newsdex_db_limit(db, NEWSDEX_LIMIT_QUERY_TERMS, NEWSDEX_LIMIT_QUERY_TERMS_DEFAULT);
    /* Only the first 32 words of a long query add their exact form (words
     * that are not their own stem: wa<xy>ts -> wa<xy>t). */
    char words[40 * 8] = "";
    for (int i = 0; i < 40; i++)
        sprintf(words + strlen(words), "%swa%c%cts", i ? " " : "", 'a' + i / 26, 'a' + i % 26);
    o.query = words;
    char *tree = NULL, *xapian = NULL;
    assert_int_equal(newsdex_explain(db, &o, &tree, &xapian), NEWSDEX_OK);
    size_t boosted = 0;
    for (const char *p = xapian; (p = strstr(p, "AND_MAYBE")) != NULL; p++)
        boosted++;
    assert_int_equal(boosted, 32);
    assert_non_null(strstr(xapian, "(Zwabft AND_MAYBE 0.0001")); /* word 31 */
    assert_null(strstr(xapian, "(Zwabgt AND_MAYBE"));               /* word 32 */
    free(tree);
    free(xapian);
    newsdex_db_close(db);
}

/* ------------------------------------------------------------------ */
/* --from / --to                                                       */
/* ------------------------------------------------------------------ */

typedef struct range_case {
    const char *query, *from, *to, *ids;
    int relaxed;
} range_case;

static const range_case ranges[] = {
    {"layoffs", "2024-01", "2024-01", "f01", 0},
    {"layoffs", "2024", NULL, "f01", 0},
    {"layoffs", NULL, "2022", "f05 f10", 0},
    {"layoffs", "", "", "f01 f02 f05 f06 f10", 0},
    {"deal", NULL, "2023-12-31", "", 0},
    {"deal", "2024-01-01", "2024-01-01", "f08", 0},
    {"zebra layoffs", "2024", NULL, "f01", 1},
    {"date:2024 layoffs", NULL, "2024-06", "f01", 0},
};

static void test_from_to(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
        const range_case *c = &ranges[i];
        char ids[512];
        int relaxed = 0;
        assert_int_equal(run(f->db, c->query, c->from, c->to, 0, ids, sizeof ids, &relaxed),
                         NEWSDEX_OK);
        if (strcmp(ids, c->ids) != 0 || relaxed != c->relaxed)
            fail_msg("[%s] from %s to %s: expected [%s], got [%s]", c->query, c->from, c->to,
                     c->ids, ids);
    }
    char ids[64];
    int relaxed;
    assert_int_equal(run(f->db, "x", "2024-13", NULL, 0, ids, sizeof ids, &relaxed),
                     NEWSDEX_ERR_QUERY);
    assert_string_equal(newsdex_db_last_error(f->db),
                        "options->from: date \"2024-13\": month out of range");
    assert_int_equal(run(f->db, "x", NULL, "tomorrow", 0, ids, sizeof ids, &relaxed),
                     NEWSDEX_ERR_QUERY);
    assert_string_equal(newsdex_db_last_error(f->db),
                        "options->to: date \"tomorrow\": expected YYYY, YYYY-MM or YYYY-MM-DD");
    assert_int_equal(run(f->db, "x", "2025", "2024", 0, ids, sizeof ids, &relaxed),
                     NEWSDEX_ERR_QUERY);
    assert_string_equal(newsdex_db_last_error(f->db), "options->from (2025) is after options->to (2024)");
}

/* ------------------------------------------------------------------ */
/* Errors, explain, fields                                             */
/* ------------------------------------------------------------------ */

typedef struct error_case {
    const char *query, *message;
} error_case;

static const error_case errors[] = {
    {"layoffs 2024 colour:red", "position 14: unknown field \"colour\""},
    {"date:2024-13", "position 6: date \"2024-13\": month out of range"},
    {"title:", "position 1: field \"title\" has no value"},
    {"ab*", "position 1: wildcard \"ab*\" needs at least 3 letters before *"},
    {"id:f0*", "position 4: wildcard \"f0*\" needs at least 3 letters before *"},
    {"abc-d*", "position 1: wildcard \"abc-d*\" must be a single word"},
    /* The minimum counts what the analyzer keeps: soft hyphens, combining
     * marks and zero-width spaces are dropped, so these are "a*". */
    {"a\xc2\xad\xc2\xad*", "position 1: wildcard \"a\xc2\xad\xc2\xad*\" needs at least 3 letters"
                          " before * (it searches for \"a*\")"},
    {"a\xcc\x81\xcc\x81*", "position 1: wildcard \"a\xcc\x81\xcc\x81*\" needs at least 3 letters"
                          " before * (it searches for \"a*\")"},
    {"a\xe2\x80\x8b\xe2\x80\x8b*", "position 1: wildcard \"a\xe2\x80\x8b\xe2\x80\x8b*\" needs at"
                                  " least 3 letters before * (it searches for \"a*\")"},
    {"title:a\xc2\xad\xc2\xad*", "position 7: wildcard \"a\xc2\xad\xc2\xad*\" needs at least 3"
                                " letters before * (it searches for \"a*\")"},
    {"topic:cr\xc2\xad\xc2\xad*", "position 7: wildcard \"cr\xc2\xad\xc2\xad*\" needs at least 3"
                                 " letters before * (it searches for \"cr*\")"},
    {"source:!!!", "position 8: source: \"!!!\" has no words to search for"},
    {"topic:(\"a b\"~2)", "position 8: proximity searches text, not the field \"topic\""},
    {"", "the query has no words to search for"},
    {"()", "the query has no words to search for"},
    {"- + !!! ...", "the query has no words to search for"},
    {"sectors:banks", "position 1: unknown field \"sectors\""},
};

static void test_errors(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
        char ids[64];
        int relaxed;
        newsdex_status st = run(f->db, errors[i].query, NULL, NULL, 0, ids, sizeof ids, &relaxed);
        if (st != NEWSDEX_ERR_QUERY || strcmp(newsdex_db_last_error(f->db), errors[i].message))
            fail_msg("[%s]: status %d, message [%s]", errors[i].query, st,
                     newsdex_db_last_error(f->db));
    }
}

static void test_explain(void **state)
{
    fixture *f = *state;
    newsdex_search_options o;
    newsdex_search_options_init(&o);
    char *tree = NULL, *xapian = NULL;
    o.query = "layoffs source:\"Harbor Street Journal\"";
    assert_int_equal(newsdex_explain(f->db, &o, &tree, &xapian), NEWSDEX_OK);
    assert_string_equal(tree, "(AND layoffs (FIELD source \"Harbor Street Journal\"))");
    assert_string_equal(xapian, "Query(((Zlayoff AND_MAYBE 0.00010000000000000000479 * layoffs)"
                                " AND 0 * XSOURCE:harbor street journal))");
    free(tree);
    free(xapian);

    o.query = "Prime Video layoffs 2024";
    o.from = "2024";
    assert_int_equal(newsdex_explain(f->db, &o, &tree, &xapian), NEWSDEX_OK);
    assert_string_equal(tree, "(AND (AND Prime Video layoffs 2024) (DATE 20240101..))");
    /* Capitalised words are names: their exact form weighs as much as the stem. */
    assert_non_null(strstr(xapian, "(Zprime AND_MAYBE 1 * prime) AND (Zvideo AND_MAYBE 1 * video)"
                                   " AND (Zlayoff AND_MAYBE 0.0001"));
    assert_non_null(strstr(xapian, "0 * (2024 OR Y2024) AND_MAYBE 2 * Y2024"));
    assert_non_null(strstr(xapian, "FILTER VALUE_GE 0 20240101000000"));
    free(tree);
    free(xapian);

    /* Words with a digit have no stem term: they are looked up as written. */
    o.query = "F16 title:1980s 10.5";
    o.from = NULL;
    assert_int_equal(newsdex_explain(f->db, &o, &tree, &xapian), NEWSDEX_OK);
    assert_non_null(strstr(xapian, "f16 AND S1980s AND 10.5"));
    assert_null(strstr(xapian, "Z"));
    free(tree);
    free(xapian);

    /* A lower-case word that is its own stem matches its inflections at
     * one weight; typed with a capital, it is a name and its form weighs. */
    o.from = NULL;
    o.query = "layoff Layoff";
    assert_int_equal(newsdex_explain(f->db, &o, &tree, &xapian), NEWSDEX_OK);
    assert_string_equal(xapian, "Query((Zlayoff AND (Zlayoff AND_MAYBE 1 * layoff)))");
    free(tree);
    free(xapian);

    o.query = "\"rate cut\"~3 title:layoff* the";
    assert_int_equal(newsdex_explain(f->db, &o, &tree, &xapian), NEWSDEX_OK);
    assert_string_equal(tree, "(AND (NEAR/3 \"rate cut\") (FIELD title layoff*) the)");
    assert_string_equal(xapian, "Query(((rate NEAR 5 cut) AND WILDCARD SYNONYM Slayoff))");
    free(tree);
    free(xapian);

    /* Equal parts of an AND or an OR are read once, their weight scaled by
     * how often they occur: a query that repeats itself costs what it
     * would once. */
    o.query = "rate OR cut OR rate OR (rate) OR \"rate cut\" OR \"rate cut\"";
    assert_int_equal(newsdex_explain(f->db, &o, &tree, &xapian), NEWSDEX_OK);
    assert_non_null(strstr(xapian, "(3 * Zrate OR Zcut OR 2 * (rate PHRASE 2 cut))"));
    assert_null(strstr(strstr(xapian, "Zrate") + 1, "Zrate"));
    free(tree);
    free(xapian);
    o.query = "layoffs layoffs prime prime prime";
    assert_int_equal(newsdex_explain(f->db, &o, &tree, &xapian), NEWSDEX_OK);
    assert_non_null(strstr(xapian, "2 * (Zlayoff AND_MAYBE"));
    assert_non_null(strstr(xapian, " AND 3 * Zprime"));
    free(tree);
    free(xapian);
    /* Phrases keep their repeated words. */
    o.query = "\"rate rate\"";
    assert_int_equal(newsdex_explain(f->db, &o, &tree, &xapian), NEWSDEX_OK);
    assert_string_equal(xapian, "Query((rate PHRASE 2 rate))");
    free(tree);
    free(xapian);

    o.query = "colour:red";
    assert_int_equal(newsdex_explain(f->db, &o, &tree, &xapian), NEWSDEX_ERR_QUERY);
    assert_null(tree);
    assert_null(xapian);
}

static void test_fields(void **state)
{
    fixture *f = *state;
    char **names = NULL;
    size_t n = 0;
    assert_int_equal(newsdex_db_fields(f->db, &names, &n), NEWSDEX_OK);
    static const char *const expect[] = {"title", "source", "topic", "place", "company",
                                         "author", "id", "date", "tickers"};
    assert_int_equal(n, sizeof expect / sizeof expect[0]);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(names[i], expect[i]);
    newsdex_fields_free(names, n);
    /* The text index has no list fields: only the built-in ones. */
    assert_int_equal(newsdex_db_fields(f->text_db, &names, &n), NEWSDEX_OK);
    assert_int_equal(n, 8);
    newsdex_fields_free(names, n);
    newsdex_fields_free(NULL, 0);
}

/* Random queries through the whole pipeline: a result or a query error. */
static void test_random_searches(void **state)
{
    fixture *f = *state;
    static const char *const pieces[] = {
        "layoffs", "prime", "the", "of", "2024", "AND", "OR", "NOT", "NEAR", "NEAR/2", "-", "+",
        "(", ")", "\"", "~3", "zzq*", "lay*", "title:", "source:", "date:", "2024-01", "..",
        "id:", "tickers:", "company:", "\xff", "\xc3\xa9", "-x", "\"rate cut\"", ":", "*",
    };
    uint32_t x = 88172645u;
    char q[400];
    for (int round = 0; round < 3000; round++) {
        size_t len = 0;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        for (int i = 0, n = 1 + (int)(x % 12); i < n; i++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            const char *p = pieces[x % (sizeof pieces / sizeof pieces[0])];
            size_t pl = strlen(p);
            if (len + pl + 2 >= sizeof q)
                break;
            memcpy(q + len, p, pl);
            len += pl;
            if (x & 0x300)
                q[len++] = ' ';
        }
        q[len] = '\0';
        char ids[1024];
        int relaxed;
        newsdex_status st = run(f->db, q, NULL, NULL, 0, ids, sizeof ids, &relaxed);
        if (st != NEWSDEX_OK && st != NEWSDEX_ERR_QUERY)
            fail_msg("[%s]: status %d: %s", q, st, newsdex_db_last_error(f->db));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_queries),
        cmocka_unit_test(test_analysis),
        cmocka_unit_test(test_ranking),
        cmocka_unit_test(test_from_to),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_explain),
        cmocka_unit_test(test_exact_form),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_random_searches),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
