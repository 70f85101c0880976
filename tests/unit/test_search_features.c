/* Search-side features through the public API: sorting (relevance with ties
 * by date, date, recent), --any, the proximity boost, facets (exact),
 * histograms, collapsing, spelling suggestions, similar articles, snippet
 * highlights (every analyzer match and nothing else), the HTML helper, the
 * fast stored-article reader and the edit distance. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include "newsdex.h"
#include "../../engine/analyzer.h"
#include "../../engine/stored_dictionary.h"
#include "../../engine/stored_doc.h"
#include "../../engine/terms.h"
#include "../../engine/xapian/xdb.h"
#include "../../searcher/hit_decode.h"
#include "../../searcher/snippet.h"
#include "../../searcher/spelling.h"
#include "scratch_dir.h"

typedef struct doc {
    const char *id, *date, *source, *title, *body;
    const char *topics[3];
} doc;

/* Written in this order (docids ascend), which matters for the tie test. */
static const doc docs[] = {
    {"d01", "2024-03-01T09:00:00Z", "Harbor Street Journal", "Acme cuts jobs",
     "Acme announced layoffs of 500 workers on Friday.", {"layoffs", "manufacturing"}},
    {"d02", "2023-06-15", "The Ledger Daily", "Layoffs at Acme spread",
     "More layoffs hit Acme plants as orders fell.", {"layoffs"}},
    {"d03", "2022-01-10", "Harbor Street Journal", "Bank rates rise",
     "The central bank raised rates again.", {"interest rates"}},
    {"d04", NULL, "Northgate Tech Report", "Undated note", "Layoffs continue at Acme.",
     {"layoffs", "manufacturing"}},
    /* Near-duplicates of d01: same normalised title, same day. */
    {"d05", "2024-03-01T17:30:00Z", "The Ledger Daily", "ACME cuts jobs!",
     "Acme announced layoffs of 500 workers on Friday, the company said.", {"layoffs"}},
    {"d06", "2024-03-01", "Meridian Business Wire", "Acme  cuts  jobs",
     "Report: Acme announced layoffs of 500 workers on Friday.", {"layoffs"}},
    /* Proximity: the same words, together in d07 and apart in d08. */
    {"d07", "2021-05-05", "Prox Wire", "Quarterly note",
     "Analysts said widget exports rose while the other figures barely moved at all today.",
     {0}},
    {"d08", "2021-05-05", "Prox Wire", "Quarterly memo",
     "Analysts said widget demand barely moved while the other figures and exports rose today.",
     {0}},
    /* Ties: the same text, d10 newer but written later. */
    {"d09", "2020-01-01", "Tie Times", "Gizmo sale", "A gizmo sale.", {0}},
    {"d10", "2021-01-01", "Tie Times", "Gizmo sale", "A gizmo sale.", {0}},
    /* Recency: d11 new and weak, d12 old and strong. */
    {"d11", "2024-06-01", "Zed Post", "Markets", "Traders noted a zephyr of optimism in a long day "
     "of otherwise quiet trading across many markets and sectors worldwide.", {0}},
    {"d12", "2010-01-01", "Zed Post", "Zephyr zephyr", "Zephyr rises. Zephyr falls.", {0}},
};
#define N_DOCS (sizeof docs / sizeof docs[0])

typedef struct fixture {
    char dir[64];
    newsdex_db *db;
} fixture;

static void put(newsdex_writer *w, const doc *d)
{
    size_t n = 0;
    while (n < 3 && d->topics[n])
        n++;
    newsdex_list_field topics = {"topics", d->topics, n};
    newsdex_article a = {.id = d->id, .title = d->title, .body = d->body, .date = d->date,
                         .source = d->source, .lists = n ? &topics : NULL, .n_lists = n ? 1 : 0};
    if (newsdex_writer_put(w, &a, NULL) != NEWSDEX_OK)
        fail_msg("put %s: %s", d->id, newsdex_writer_last_error(w));
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    assert_int_equal(scratch_dir_make(f->dir, sizeof f->dir, "nx-features"), 0);
    newsdex_writer *w = NULL;
    assert_int_equal(newsdex_writer_open(f->dir, &w, NULL), NEWSDEX_OK);
    for (size_t i = 0; i < N_DOCS; i++)
        put(w, &docs[i]);
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
    assert_int_equal(newsdex_db_open(f->dir, &f->db, NULL), NEWSDEX_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    newsdex_db_close(f->db);
    scratch_dir_remove(f->dir);
    free(f);
    return 0;
}

/* Runs o and writes the ids, space-separated, into ids. */
static newsdex_results *search(fixture *f, newsdex_search_options *o, char *ids, size_t cap)
{
    newsdex_results *r = NULL;
    newsdex_status st = newsdex_search(f->db, o, &r);
    if (st != NEWSDEX_OK)
        fail_msg("[%s]: %s", o->query, newsdex_db_last_error(f->db));
    ids[0] = '\0';
    for (size_t i = 0; i < newsdex_results_count(r); i++) {
        newsdex_hit h;
        assert_int_equal(newsdex_results_get(r, i, &h), NEWSDEX_OK);
        size_t len = strlen(ids);
        snprintf(ids + len, cap - len, "%s%s", len ? " " : "", h.id);
    }
    return r;
}

static void expect_ids(fixture *f, newsdex_search_options *o, const char *want)
{
    char ids[512];
    newsdex_results_free(search(f, o, ids, sizeof ids));
    if (strcmp(ids, want) != 0)
        fail_msg("[%s] sort %d: expected [%s], got [%s]", o->query, o->sort, want, ids);
}

static newsdex_search_options options(const char *query)
{
    newsdex_search_options o;
    newsdex_search_options_init(&o);
    o.query = query;
    o.limit = 100;
    return o;
}

/* ---- Ranking and sorting ---- */

static void test_defaults(void **state)
{
    (void)state;
    newsdex_search_options o;
    newsdex_search_options_init(&o);
    assert_int_equal(o.sort, NEWSDEX_SORT_RELEVANCE);
    assert_true(o.half_life_days == NEWSDEX_HALF_LIFE_DEFAULT);
    assert_int_equal(o.any, 0);
    assert_int_equal(o.facets, 0);
    assert_int_equal(o.histogram, NEWSDEX_HISTOGRAM_NONE);
    assert_int_equal(o.collapse, 0);
    assert_int_equal(o.suggest, 1);
}

static void test_ties_break_by_date(void **state)
{
    fixture *f = *state;
    newsdex_search_options o = options("gizmo sale");
    expect_ids(f, &o, "d10 d09"); /* equal scores: newest first, not docid order */
    o.offset = 1;
    o.limit = 1;
    expect_ids(f, &o, "d09"); /* a page boundary inside the tie */
    o.offset = 0;
    expect_ids(f, &o, "d10");
}

static void test_pages(void **state)
{
    fixture *f = *state;
    char all[512], page[512], joined[1100] = "";
    newsdex_search_options o = options("acme OR layoffs OR rates OR widget");
    newsdex_results_free(search(f, &o, all, sizeof all));
    for (uint32_t off = 0; off < 12; off += 3) { /* pages join up to the whole list */
        o.offset = off;
        o.limit = 3;
        newsdex_results_free(search(f, &o, page, sizeof page));
        if (page[0])
            snprintf(joined + strlen(joined), sizeof joined - strlen(joined), "%s%s",
                     joined[0] ? " " : "", page);
    }
    assert_string_equal(joined, all);
    o.offset = 5000; /* past the end, with and without counting */
    expect_ids(f, &o, "");
    o.facets = 1;
    o.histogram = NEWSDEX_HISTOGRAM_MONTH;
    expect_ids(f, &o, "");
    o.limit = 0;
    o.offset = 0;
    expect_ids(f, &o, "");
}

static void test_sort_date(void **state)
{
    fixture *f = *state;
    newsdex_search_options o = options("layoffs");
    o.sort = NEWSDEX_SORT_DATE;
    expect_ids(f, &o, "d05 d01 d06 d02 d04"); /* newest first; undated last */
}

static void test_sort_recent(void **state)
{
    fixture *f = *state;
    newsdex_search_options o = options("zephyr");
    expect_ids(f, &o, "d12 d11");
    o.sort = NEWSDEX_SORT_RECENT;
    o.half_life_days = 30;
    expect_ids(f, &o, "d11 d12");
    o.half_life_days = 1e6; /* recency hardly matters */
    expect_ids(f, &o, "d12 d11");
    o.half_life_days = 0;
    newsdex_results *r = NULL;
    assert_int_equal(newsdex_search(f->db, &o, &r), NEWSDEX_ERR_INVALID);
    assert_null(r);
}

static void test_any(void **state)
{
    fixture *f = *state;
    char ids[512];
    newsdex_search_options o = options("zephyr gizmo");
    newsdex_results *r = search(f, &o, ids, sizeof ids);
    assert_true(newsdex_results_relaxed(r)); /* nothing has both: relaxed */
    newsdex_results_free(r);
    o.any = 1;
    r = search(f, &o, ids, sizeof ids);
    assert_false(newsdex_results_relaxed(r)); /* asked for: not a fallback */
    assert_int_equal(newsdex_results_count(r), 4);
    newsdex_results_free(r);
    o.query = "zephyr -markets gizmo"; /* exclusions still apply */
    expect_ids(f, &o, "d12 d10 d09");
}

static void test_proximity(void **state)
{
    fixture *f = *state;
    newsdex_search_options o = options("widget exports");
    expect_ids(f, &o, "d07 d08"); /* together above apart */
    o.query = "widget export"; /* any inflection: export/exports */
    expect_ids(f, &o, "d07 d08");
    char *tree = NULL, *xapian = NULL;
    assert_int_equal(newsdex_explain(f->db, &o, &tree, &xapian), NEWSDEX_OK);
    assert_non_null(strstr(xapian, "proximity stage"));
    free(tree);
    free(xapian);
}

/* ---- Facets, histogram, collapsing ---- */

static uint64_t facet(const newsdex_results *r, newsdex_facet which, const char *value)
{
    for (size_t i = 0; i < newsdex_results_facet_count(r, which); i++) {
        const char *v;
        uint64_t n;
        assert_int_equal(newsdex_results_facet_get(r, which, i, &v, &n), NEWSDEX_OK);
        if (strcmp(v, value) == 0)
            return n;
    }
    return 0;
}

/* The total is exact whatever the limit (0 included), never relaxed when
 * the strict query matches, and a lower bound past the counted-matches
 * limit, which says so. */
static void test_exact_total(void **state)
{
    fixture *f = *state;
    char ids[512];
    static const uint32_t limits[] = {0, 1, 2, 100};
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
        newsdex_search_options o = options("acme layoffs");
        o.limit = limits[i];
        newsdex_results *r = search(f, &o, ids, sizeof ids);
        assert_int_equal(newsdex_results_count(r), limits[i] < 5 ? limits[i] : 5);
        assert_int_equal(newsdex_results_total(r), 5);
        assert_int_equal(newsdex_results_total_exact(r), 1);
        assert_int_equal(newsdex_results_total_estimate(r), 5);
        assert_int_equal(newsdex_results_relaxed(r), 0);
        newsdex_results_free(r);
    }
    int64_t was = newsdex_db_limit(f->db, NEWSDEX_LIMIT_COUNTED_MATCHES, 2);
    newsdex_search_options o = options("acme");
    o.limit = 0;
    newsdex_results *r = search(f, &o, ids, sizeof ids);
    if (newsdex_results_total_exact(r)) { /* Xapian happened to check every match */
        assert_int_equal(newsdex_results_total(r), 5);
    } else { /* a lower bound: more than the limit */
        assert_true(newsdex_results_total(r) > 2);
        assert_true(newsdex_results_total(r) <= 5);
    }
    newsdex_results_free(r);
    newsdex_db_limit(f->db, NEWSDEX_LIMIT_COUNTED_MATCHES, was);
}

static void test_facets(void **state)
{
    fixture *f = *state;
    char ids[512];
    newsdex_search_options o = options("acme");
    o.limit = 1; /* counts cover every match, not the page */
    o.facets = 1;
    newsdex_results *r = search(f, &o, ids, sizeof ids);
    assert_int_equal(newsdex_results_total_estimate(r), 5);
    assert_int_equal(facet(r, NEWSDEX_FACET_SOURCE, "Harbor Street Journal"), 1);
    assert_int_equal(facet(r, NEWSDEX_FACET_SOURCE, "The Ledger Daily"), 2);
    assert_int_equal(facet(r, NEWSDEX_FACET_SOURCE, "Northgate Tech Report"), 1);
    assert_int_equal(facet(r, NEWSDEX_FACET_TOPIC, "layoffs"), 5);
    assert_int_equal(facet(r, NEWSDEX_FACET_TOPIC, "manufacturing"), 2);
    assert_int_equal(facet(r, NEWSDEX_FACET_TOPIC, "interest rates"), 0);
    assert_int_equal(facet(r, NEWSDEX_FACET_YEAR, "2024"), 3);
    assert_int_equal(facet(r, NEWSDEX_FACET_YEAR, "2023"), 1);
    assert_int_equal(newsdex_results_facet_count(r, NEWSDEX_FACET_YEAR), 2); /* d04 undated */
    const char *v;
    uint64_t n;
    /* Most frequent first; years newest first. */
    assert_int_equal(newsdex_results_facet_get(r, NEWSDEX_FACET_TOPIC, 0, &v, &n), NEWSDEX_OK);
    assert_string_equal(v, "layoffs");
    assert_int_equal(newsdex_results_facet_get(r, NEWSDEX_FACET_YEAR, 0, &v, &n), NEWSDEX_OK);
    assert_string_equal(v, "2024");
    assert_int_equal(newsdex_results_facet_get(r, NEWSDEX_FACET_YEAR, 9, &v, &n),
                     NEWSDEX_ERR_INVALID);
    newsdex_results_free(r);
}

static void test_histogram(void **state)
{
    fixture *f = *state;
    char ids[512];
    newsdex_search_options o = options("acme OR rates");
    o.histogram = NEWSDEX_HISTOGRAM_YEAR;
    newsdex_results *r = search(f, &o, ids, sizeof ids);
    const char *want[] = {"2022", "2023", "2024"};
    const uint64_t counts[] = {1, 1, 3};
    assert_int_equal(newsdex_results_histogram_count(r), 3);
    for (size_t i = 0; i < 3; i++) {
        const char *p;
        uint64_t n;
        assert_int_equal(newsdex_results_histogram_get(r, i, &p, &n), NEWSDEX_OK);
        assert_string_equal(p, want[i]);
        assert_int_equal(n, counts[i]);
    }
    newsdex_results_free(r);
    o.histogram = NEWSDEX_HISTOGRAM_MONTH; /* every month from first to last, gaps at 0 */
    r = search(f, &o, ids, sizeof ids);
    assert_int_equal(newsdex_results_histogram_count(r), 27); /* 2022-01 .. 2024-03 */
    const char *p;
    uint64_t n, total = 0;
    for (size_t i = 0; i < 27; i++) {
        assert_int_equal(newsdex_results_histogram_get(r, i, &p, &n), NEWSDEX_OK);
        total += n;
    }
    assert_string_equal(p, "2024-03");
    assert_int_equal(n, 3);
    assert_int_equal(total, 5);
    assert_int_equal(newsdex_results_histogram_get(r, 1, &p, &n), NEWSDEX_OK);
    assert_string_equal(p, "2022-02");
    assert_int_equal(n, 0);
    newsdex_results_free(r);
}

static void test_collapse(void **state)
{
    fixture *f = *state;
    char ids[512];
    newsdex_search_options o = options("acme announced layoffs");
    newsdex_results_free(search(f, &o, ids, sizeof ids));
    assert_non_null(strstr(ids, "d01"));
    assert_non_null(strstr(ids, "d05"));
    o.collapse = 1;
    newsdex_results *r = search(f, &o, ids, sizeof ids);
    assert_int_equal(newsdex_results_count(r), 1);
    newsdex_hit h;
    assert_int_equal(newsdex_results_get(r, 0, &h), NEWSDEX_OK);
    assert_int_equal(h.collapsed, 2);
    newsdex_results_free(r);
}

/* ---- Suggestions and similar articles ---- */

static void test_suggestion(void **state)
{
    fixture *f = *state;
    char ids[512];
    newsdex_search_options o = options("layofs");
    o.correct = 0; /* suggest only */
    newsdex_results *r = search(f, &o, ids, sizeof ids);
    assert_int_equal(newsdex_results_count(r), 0);
    assert_string_equal(newsdex_results_suggestion(r), "layoffs");
    assert_string_equal(newsdex_results_corrected(r), "");
    newsdex_results_free(r);
    o.query = "acme layofs -rates";
    r = search(f, &o, ids, sizeof ids);
    assert_string_equal(newsdex_results_suggestion(r), "acme layoffs -rates");
    newsdex_results_free(r);
    o.query = "Acme Layofs"; /* the user's capitals are kept */
    r = search(f, &o, ids, sizeof ids);
    assert_string_equal(newsdex_results_suggestion(r), "Acme Layoffs");
    newsdex_results_free(r);
    o.query = "LAYOFS";
    r = search(f, &o, ids, sizeof ids);
    assert_string_equal(newsdex_results_suggestion(r), "LAYOFFS");
    newsdex_results_free(r);
    o.query = "layoffs"; /* well spelled */
    r = search(f, &o, ids, sizeof ids);
    assert_string_equal(newsdex_results_suggestion(r), "");
    newsdex_results_free(r);
    o.query = "layofs";
    o.suggest = 0;
    r = search(f, &o, ids, sizeof ids);
    assert_string_equal(newsdex_results_suggestion(r), "");
    newsdex_results_free(r);
    o.suggest = 1;
    o.query = "qwxzvb"; /* nothing close */
    r = search(f, &o, ids, sizeof ids);
    assert_string_equal(newsdex_results_suggestion(r), "");
    newsdex_results_free(r);
}

/* Nothing has all the words, the correction has: its results, before
 * any relaxing of the query as typed. */
static void test_correction(void **state)
{
    fixture *f = *state;
    char ids[512], want[512];
    newsdex_search_options o = options("layoffs");
    newsdex_results *r = search(f, &o, want, sizeof want);
    uint64_t total = newsdex_results_total(r);
    newsdex_results_free(r);
    o.query = "layofs";
    r = search(f, &o, ids, sizeof ids);
    assert_string_equal(newsdex_results_corrected(r), "layoffs");
    assert_string_equal(newsdex_results_suggestion(r), "");
    assert_string_equal(ids, want);
    assert_int_equal(newsdex_results_total(r), total);
    newsdex_results_free(r);
    o.query = "Acme Layofs"; /* acme alone matches: corrected, not relaxed */
    r = search(f, &o, ids, sizeof ids);
    assert_string_equal(newsdex_results_corrected(r), "Acme Layoffs");
    assert_int_equal(newsdex_results_relaxed(r), 0);
    assert_true(newsdex_results_count(r) > 0);
    newsdex_results_free(r);
    o.correct = 0;
    r = search(f, &o, ids, sizeof ids);
    assert_string_equal(newsdex_results_corrected(r), "");
    assert_string_equal(newsdex_results_suggestion(r), "Acme Layoffs");
    assert_int_equal(newsdex_results_relaxed(r), 1);
    newsdex_results_free(r);
    o.correct = 1;
    o.query = "acme layofs qwxzvb"; /* the correction has no match with all words either */
    r = search(f, &o, ids, sizeof ids);
    assert_string_equal(newsdex_results_corrected(r), "");
    assert_int_equal(newsdex_results_relaxed(r), 1);
    newsdex_results_free(r);
    o.query = "layofs";
    o.suggest = 0; /* no spelling at all */
    r = search(f, &o, ids, sizeof ids);
    assert_string_equal(newsdex_results_corrected(r), "");
    assert_int_equal(newsdex_results_count(r), 0);
    newsdex_results_free(r);
}

static void test_similar(void **state)
{
    fixture *f = *state;
    newsdex_search_options o = options(NULL);
    newsdex_results *r = NULL;
    assert_int_equal(newsdex_similar(f->db, "d01", &o, &r), NEWSDEX_OK);
    assert_true(newsdex_results_count(r) >= 2);
    char first[2][8];
    for (size_t i = 0; i < newsdex_results_count(r); i++) {
        newsdex_hit h;
        assert_int_equal(newsdex_results_get(r, i, &h), NEWSDEX_OK);
        assert_string_not_equal(h.id, "d01");
        if (i < 2)
            snprintf(first[i], sizeof first[i], "%s", h.id);
    }
    /* The near-duplicates are the most similar. */
    assert_true((!strcmp(first[0], "d05") && !strcmp(first[1], "d06")) ||
                (!strcmp(first[0], "d06") && !strcmp(first[1], "d05")));
    /* The words it searched for: stems of d01, best first, none a stopword. */
    size_t n = newsdex_results_similar_term_count(r);
    assert_true(n > 0);
    double last = 1e300;
    int acme = 0;
    for (size_t i = 0; i < n; i++) {
        const char *term;
        double w;
        assert_int_equal(newsdex_results_similar_term_get(r, i, &term, &w), NEWSDEX_OK);
        assert_true(w > 0 && w <= last);
        last = w;
        acme |= strcmp(term, "acm") == 0; /* the stem of "Acme" */
        assert_string_not_equal(term, "of");
    }
    assert_true(acme);
    const char *term;
    double w;
    assert_int_equal(newsdex_results_similar_term_get(r, n, &term, &w), NEWSDEX_ERR_INVALID);
    newsdex_results_free(r);
    o.query = "acme"; /* a search has no such words */
    char ids[512];
    r = search(f, &o, ids, sizeof ids);
    assert_int_equal(newsdex_results_similar_term_count(r), 0);
    newsdex_results_free(r);
    o.query = NULL;
    o.from = "2024";
    assert_int_equal(newsdex_similar(f->db, "d01", &o, &r), NEWSDEX_OK);
    assert_int_equal(newsdex_results_count(r), 2); /* d05 d06 */
    newsdex_results_free(r);
    assert_int_equal(newsdex_similar(f->db, "nope", &o, &r), NEWSDEX_ERR_NOT_FOUND);
    assert_null(r);
    assert_int_equal(newsdex_similar(f->db, "", &o, &r), NEWSDEX_ERR_INVALID);
}

/* ---- Snippets and highlights ---- */

typedef struct stems_of {
    char stems[64][NX_TOKEN_MAX_BYTES + 1];
    size_t n;
    size_t want[128][2]; /* tokens of the text whose stem is in stems */
    size_t n_want;
} stems_of;

static int add_stem(const nx_token *t, void *ctx)
{
    stems_of *s = ctx;
    if (s->n < 64)
        snprintf(s->stems[s->n++], sizeof s->stems[0], "%s", t->stem);
    return 0;
}

static int add_want(const nx_token *t, void *ctx)
{
    stems_of *s = ctx;
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(t->stem, s->stems[i]) == 0 && s->n_want < 128) {
            s->want[s->n_want][0] = t->start;
            s->want[s->n_want++][1] = t->end;
            break;
        }
    return 0;
}

/* The snippet of a short text highlights exactly the words the analyzer
 * matches: nothing is lost to the quick first look. */
static void check_highlights(nx_analyzer *an, const char *text, const char *query)
{
    stems_of *s = calloc(1, sizeof *s);
    nx_error err;
    assert_non_null(s);
    assert_int_equal(nx_analyze(an, query, strlen(query), add_stem, s, &err), NEWSDEX_OK);
    assert_int_equal(nx_analyze(an, text, strlen(text), add_want, s, &err), NEWSDEX_OK);
    char *stems[64];
    for (size_t i = 0; i < s->n; i++)
        stems[i] = s->stems[i];
    nx_snippet snip;
    assert_int_equal(nx_snippet_make(an, text, stems, s->n, 400, &snip, &err), NEWSDEX_OK);
    /* The text is short and has no runs of spaces: offsets are the same. */
    assert_string_equal(snip.text, text);
    if (snip.n_marks != s->n_want)
        fail_msg("[%s] / [%s]: %zu marks, the analyzer matches %zu", text, query, snip.n_marks,
                 s->n_want);
    for (size_t i = 0; i < snip.n_marks; i++) {
        assert_int_equal(snip.marks[2 * i], s->want[i][0]);
        assert_int_equal(snip.marks[2 * i + 1], s->want[i][1]);
    }
    nx_snippet_free(&snip);
    free(s);
}

static void test_highlights_match_analyzer(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"Layoffs spread; the layoff tracker counts LAYOFFS.", "layoff"},
        {"Amazon's results and Amazon\xE2\x80\x99s shares at Amazon.com", "amazons"},
        {"the U.S. economy and the US dollar", "U.S."},
        {"Nestl\xC3\xA9 raised prices, nestle said", "Nestle"},
        {"don't panic, O'Neill said", "dont oneill"},
        {"infor\xC2\xAD" "mation and zero\xE2\x80\x8Bwidth", "information width"},
        {"cut 27,000 jobs in 2024", "27000 2024"},
        {"dying trees, skies and happiness", "die sky happy"},
        {"companies cried; a company cries", "company cry"},
        {"\xE6\x9D\xB1\xE4\xBA\xAC\xE3\x81\xAE\xE6\xA0\xAA\xE5\xBC\x8F", "\xE6\x9D\xB1\xE4\xBA\xAC"},
        {"x\xE2\x80\x94layoffs and ad-free tiers", "layoffs free"},
        {"Rates rose; rating agencies rated it", "rate"},
        /* Long words and runs: the scan skips sixteen bytes at a time. */
        {"Antidisestablishmentarianism layoffs; supercalifragilistic2024layoffs layoffs", "layoff"},
        {"abcdefghijklmnopqrstuvwxyz0123456789ABCDEF.layoffs xyzxyzxyzxyzxyzxyz'layoffs", "layoffs"},
        {"llllllllllllllll\xC3\xA9layoffs lllllllllllllllllayoffs layoffs", "layoffs"},
    };
    nx_analyzer *an;
    nx_error err;
    assert_int_equal(nx_analyzer_new(NULL, &an, &err), NEWSDEX_OK);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_highlights(an, cases[i][0], cases[i][1]);
    nx_analyzer_free(an);
}

static void test_snippet_window(void **state)
{
    (void)state;
    nx_analyzer *an;
    nx_error err;
    assert_int_equal(nx_analyzer_new(NULL, &an, &err), NEWSDEX_OK);
    char text[4096] = "";
    for (int i = 0; i < 40; i++)
        strcat(text, "filler words here. ");
    strcat(text, "The layoffs hit Acme hard. ");
    for (int i = 0; i < 40; i++)
        strcat(text, "more filler text. ");
    char *stems[] = {"layoff", "acm"};
    nx_snippet s;
    assert_int_equal(nx_snippet_make(an, text, stems, 2, 200, &s, &err), NEWSDEX_OK);
    assert_true(strncmp(s.text, "\xE2\x80\xA6", 3) == 0); /* cut: ellipses both ends */
    assert_true(strcmp(s.text + strlen(s.text) - 3, "\xE2\x80\xA6") == 0);
    assert_true(strlen(s.text) <= 200 + 6);
    assert_int_equal(s.n_marks, 2);
    assert_true(strncmp(s.text + s.marks[0], "layoffs", 7) == 0);
    assert_true(strncmp(s.text + s.marks[2], "Acme", 4) == 0);
    /* Cut at word boundaries: the passage is in the text between spaces. */
    size_t n = strlen(s.text) - 6;
    char *inner = strndup(s.text + 3, n);
    const char *at = strstr(text, inner);
    assert_non_null(at);
    assert_true(at > text && at[-1] == ' ' && at[n] == ' ');
    free(inner);
    nx_snippet_free(&s);
    nx_analyzer_free(an);
}

/* Year counts over many matches: through the month map the writer keeps in
 * the index (engine/xapian/month_map.h); without one (an index written before it
 * existed), read off each match's date for the first few hundred and
 * through the year terms for the rest; and from a per-handle cache once a
 * handle has counted twice. Every way gives the same counts, ties (all
 * scores equal), reindexing, replacing and a cancelled batch included. */
static void expect_years_page(newsdex_db *db, const char *query, uint32_t limit,
                              const uint64_t *want, size_t n_years)
{
    newsdex_search_options o;
    newsdex_search_options_init(&o);
    o.query = query;
    o.limit = limit;
    o.histogram = NEWSDEX_HISTOGRAM_YEAR;
    newsdex_results *r = NULL;
    assert_int_equal(newsdex_search(db, &o, &r), NEWSDEX_OK);
    assert_int_equal(newsdex_results_histogram_count(r), n_years);
    uint64_t total = 0;
    for (size_t i = 0; i < n_years; i++) {
        const char *p;
        uint64_t n;
        char year[8];
        snprintf(year, sizeof year, "%zu", 2000 + i);
        assert_int_equal(newsdex_results_histogram_get(r, i, &p, &n), NEWSDEX_OK);
        assert_string_equal(p, year);
        if (n != want[i])
            fail_msg("%s: %s has %llu, not %llu", query, p, (unsigned long long)n,
                     (unsigned long long)want[i]);
        total += n;
    }
    assert_int_equal(newsdex_results_total_estimate(r), total);
    newsdex_results_free(r);
}

/* A page of 3: the scores tie across its end, so the search matches a
 * second time and the handle's cache makes its keys then. */
static void expect_years(newsdex_db *db, const char *query, const uint64_t *want, size_t n_years)
{
    expect_years_page(db, query, 3, want, n_years);
}

static void put_many(const char *dir, size_t from, size_t to, uint64_t *per_year, size_t n_years)
{
    newsdex_writer *w = NULL;
    assert_int_equal(newsdex_writer_open(dir, &w, NULL), NEWSDEX_OK);
    for (size_t i = from; i < to; i++) {
        char id[32], date[16];
        size_t y = (i * 7) % n_years; /* years interleaved in docid order */
        snprintf(id, sizeof id, "m%zu", i);
        snprintf(date, sizeof date, "%zu-0%zu-15", 2000 + y, 1 + i % 9);
        newsdex_article a = {.id = id, .title = "Widget report", .date = date,
                             .body = i % 2 ? "Widget sales rose." : "Widget sales fell."};
        assert_int_equal(newsdex_writer_put(w, &a, NULL), NEWSDEX_OK);
        per_year[y]++;
    }
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
}

/* Through the wrapper: the writer's own calls, to reach what the public API
 * does only on failures (a cancelled batch) or never (an index without
 * the month map). */
static nx_xdb *open_raw(const char *dir)
{
    nx_error err;
    nx_error_clear(&err);
    nx_xdb *x = NULL;
    if (nx_xdb_open_writable(dir, &x, &err) != NEWSDEX_OK)
        fail_msg("open %s: %s", dir, err.message);
    return x;
}

static void close_raw(nx_xdb *x)
{
    nx_error err;
    nx_error_clear(&err);
    if (nx_xdb_close(x, &err) != NEWSDEX_OK)
        fail_msg("close: %s", err.message);
}

/* Article id, now dated `date` and holding no words: it matches nothing. */
static void replace_raw(nx_xdb *x, const char *id, const char *date)
{
    nx_error err;
    nx_error_clear(&err);
    nx_xdoc *doc = NULL;
    char term[64];
    snprintf(term, sizeof term, "%s%s", NX_PREFIX_ID, id);
    assert_int_equal(nx_xdoc_new(&doc, &err), NEWSDEX_OK);
    assert_int_equal(nx_xdoc_add_boolean_term(doc, term, &err), NEWSDEX_OK);
    assert_int_equal(nx_xdoc_set_value(doc, NX_SLOT_DATE, date, strlen(date), &err), NEWSDEX_OK);
    assert_int_equal(nx_xdb_replace(x, term, doc, &err), NEWSDEX_OK);
    nx_xdoc_free(doc);
}

static int has_month_map(const char *dir)
{
    nx_error err;
    nx_error_clear(&err);
    nx_xdb *x = NULL;
    char *flag = NULL;
    size_t len = 0;
    assert_int_equal(nx_xdb_open_readonly(dir, &x, &err), NEWSDEX_OK);
    assert_int_equal(nx_xdb_get_metadata(x, NX_META_MONTHS, &flag, &len, &err), NEWSDEX_OK);
    nx_xdb_close(x, &err);
    free(flag);
    return len > 0;
}

/* Counts seen by a fresh handle matching once (counts only: no cache, the
 * month map or else the values and terms), then with pages of 3. */
static void expect_years_every_way(const char *dir, const char *query, const uint64_t *want,
                                   size_t n_years)
{
    newsdex_db *db = NULL;
    assert_int_equal(newsdex_db_open(dir, &db, NULL), NEWSDEX_OK);
    expect_years_page(db, query, 0, want, n_years);
    for (int round = 0; round < 3; round++)
        expect_years(db, query, want, n_years);
    newsdex_db_close(db);
}

static void test_year_counts_many(void **state)
{
    (void)state;
    char dir[64];
    assert_int_equal(scratch_dir_make(dir, sizeof dir, "nx-years"), 0);
    enum { YEARS = 5 };
    uint64_t per_year[YEARS] = {0};
    put_many(dir, 0, 900, per_year, YEARS);
    newsdex_db *db = NULL;
    assert_int_equal(newsdex_db_open(dir, &db, NULL), NEWSDEX_OK);
    for (int round = 0; round < 3; round++) /* direct + terms, cache made, cache used */
        expect_years(db, "widget", per_year, YEARS);
    uint64_t rose[YEARS] = {0};
    for (size_t i = 1; i < 900; i += 2)
        rose[(i * 7) % YEARS]++;
    expect_years(db, "rose", rose, YEARS);
    /* More articles: the handle sees them after a reopen, cache or not. */
    put_many(dir, 900, 1000, per_year, YEARS);
    assert_int_equal(newsdex_db_reopen(db), NEWSDEX_OK);
    expect_years(db, "widget", per_year, YEARS);
    expect_years(db, "widget", per_year, YEARS);
    newsdex_db_close(db);
    assert_true(has_month_map(dir));

    /* A batch cancelled: the map keeps what was committed. m0 is in 2000. */
    nx_error err;
    nx_error_clear(&err);
    nx_xdb *x = open_raw(dir);
    assert_int_equal(nx_xdb_begin_transaction(x, &err), NEWSDEX_OK);
    replace_raw(x, "m0", "20030101000000");
    assert_int_equal(nx_xdb_cancel_transaction(x, &err), NEWSDEX_OK);
    close_raw(x);
    expect_years_every_way(dir, "widget", per_year, YEARS);
    /* Committed: m0 no longer matches, so 2000 has one fewer. */
    x = open_raw(dir);
    assert_int_equal(nx_xdb_begin_transaction(x, &err), NEWSDEX_OK);
    replace_raw(x, "m0", "20030101000000");
    assert_int_equal(nx_xdb_commit_transaction(x, &err), NEWSDEX_OK);
    close_raw(x);
    per_year[0]--;
    expect_years_every_way(dir, "widget", per_year, YEARS);

    /* An index from before the month map: the values and the year terms
     * count; the next writer builds the whole map. */
    x = open_raw(dir);
    assert_int_equal(nx_xdb_set_metadata(x, NX_META_MONTHS, "", 0, &err), NEWSDEX_OK);
    assert_int_equal(nx_xdb_set_metadata(x, NX_META_MONTHS_CHUNK "0", "", 0, &err), NEWSDEX_OK);
    close_raw(x);
    assert_false(has_month_map(dir));
    expect_years_every_way(dir, "widget", per_year, YEARS);
    put_many(dir, 1000, 1010, per_year, YEARS);
    assert_true(has_month_map(dir));
    expect_years_every_way(dir, "widget", per_year, YEARS);
    for (size_t i = 901; i < 1010; i += 2) /* the odd ones rose */
        rose[(i * 7) % YEARS]++;
    expect_years_every_way(dir, "rose", rose, YEARS);
    assert_int_equal(scratch_dir_remove(dir), 0);
}

/* Years of query's matches in the year facet, as want, with a histogram by
 * month asked for too (whose months must add up to the same total). */
static void expect_year_facet_with_months(newsdex_db *db, const char *query,
                                          const uint64_t *want, size_t n_years)
{
    newsdex_search_options o;
    newsdex_search_options_init(&o);
    o.query = query;
    o.limit = 3;
    o.facets = 1;
    o.histogram = NEWSDEX_HISTOGRAM_MONTH;
    newsdex_results *r = NULL;
    assert_int_equal(newsdex_search(db, &o, &r), NEWSDEX_OK);
    uint64_t total = 0, months = 0;
    for (size_t i = 0; i < n_years; i++)
        total += want[i];
    assert_int_equal(newsdex_results_facet_count(r, NEWSDEX_FACET_YEAR), n_years);
    for (size_t i = 0; i < n_years; i++) {
        const char *year;
        uint64_t n;
        assert_int_equal(newsdex_results_facet_get(r, NEWSDEX_FACET_YEAR, i, &year, &n),
                         NEWSDEX_OK);
        size_t y = (size_t)atoi(year) - 2000;
        assert_true(y < n_years);
        if (n != want[y])
            fail_msg("%s: year %s has %llu, not %llu", query, year, (unsigned long long)n,
                     (unsigned long long)want[y]);
    }
    for (size_t i = 0; i < newsdex_results_histogram_count(r); i++) {
        const char *p;
        uint64_t n;
        assert_int_equal(newsdex_results_histogram_get(r, i, &p, &n), NEWSDEX_OK);
        months += n;
    }
    assert_int_equal(months, total);
    assert_int_equal(newsdex_results_total_estimate(r), total);
    newsdex_results_free(r);
}

/* Articles m0..m(n-1) whose "widget" scores all differ (article i says it
 * i + 1 times), so a search settles its page in one ranking pass. */
static void put_distinct_scores(const char *dir, size_t n, uint64_t *per_year, size_t n_years)
{
    newsdex_writer *w = NULL;
    assert_int_equal(newsdex_writer_open(dir, &w, NULL), NEWSDEX_OK);
    char *body = malloc(8 * n + 1);
    assert_non_null(body);
    body[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        char id[32], date[16];
        size_t y = (i * 7) % n_years;
        snprintf(id, sizeof id, "m%zu", i);
        snprintf(date, sizeof date, "%zu-0%zu-15", 2000 + y, 1 + i % 9);
        strcat(body, "widget ");
        newsdex_article a = {.id = id, .title = "Report", .date = date, .body = body};
        assert_int_equal(newsdex_writer_put(w, &a, NULL), NEWSDEX_OK);
        per_year[y]++;
    }
    free(body);
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
}

/* A long-lived handle caches the year keys of the date slot once it counts
 * years twice; a later search that also counts months (not cached yet)
 * must still count each match once per year, not once more for the
 * matches it lists for the months. */
static void test_year_counts_cached_and_listed(void **state)
{
    (void)state;
    char dir[64];
    assert_int_equal(scratch_dir_make(dir, sizeof dir, "nx-mixed"), 0);
    enum { YEARS = 5 };
    uint64_t per_year[YEARS] = {0};
    put_distinct_scores(dir, 600, per_year, YEARS);
    newsdex_db *db = NULL;
    assert_int_equal(newsdex_db_open(dir, &db, NULL), NEWSDEX_OK);
    for (int round = 0; round < 3; round++)
        expect_years(db, "widget", per_year, YEARS);
    for (int round = 0; round < 3; round++)
        expect_year_facet_with_months(db, "widget", per_year, YEARS);
    newsdex_db_close(db);
    assert_int_equal(scratch_dir_remove(dir), 0);
}

/* The month map holds any year the indexer takes, 1000 to 9999 (codes of
 * 17 bits), and months across years (histogram by month). */
static void test_month_map_extreme_years(void **state)
{
    (void)state;
    char dir[64];
    assert_int_equal(scratch_dir_make(dir, sizeof dir, "nx-far-years"), 0);
    static const char *const dates[] = {"1000-01-01", "5461-06-30", "9999-12-31", "9999-11-01"};
    newsdex_writer *w = NULL;
    assert_int_equal(newsdex_writer_open(dir, &w, NULL), NEWSDEX_OK);
    for (size_t i = 0; i < 4; i++) {
        char id[8];
        snprintf(id, sizeof id, "far%zu", i);
        newsdex_article a = {.id = id, .title = "Almanac", .date = dates[i], .body = "Almanac entry."};
        assert_int_equal(newsdex_writer_put(w, &a, NULL), NEWSDEX_OK);
    }
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
    assert_true(has_month_map(dir));
    newsdex_db *db = NULL;
    assert_int_equal(newsdex_db_open(dir, &db, NULL), NEWSDEX_OK);
    newsdex_search_options o;
    newsdex_search_options_init(&o);
    o.query = "almanac";
    o.limit = 0; /* one match, counted once: through the map */
    o.facets = 1;
    newsdex_results *r = NULL;
    assert_int_equal(newsdex_search(db, &o, &r), NEWSDEX_OK);
    static const char *const years[] = {"9999", "5461", "1000"}; /* newest first */
    static const uint64_t counts[] = {2, 1, 1};
    assert_int_equal(newsdex_results_facet_count(r, NEWSDEX_FACET_YEAR), 3);
    for (size_t i = 0; i < 3; i++) {
        const char *value;
        uint64_t n;
        assert_int_equal(newsdex_results_facet_get(r, NEWSDEX_FACET_YEAR, i, &value, &n),
                         NEWSDEX_OK);
        assert_string_equal(value, years[i]);
        assert_int_equal(n, counts[i]);
    }
    newsdex_results_free(r);
    o.facets = 0;
    o.query = "almanac date:9999";
    o.histogram = NEWSDEX_HISTOGRAM_MONTH;
    assert_int_equal(newsdex_search(db, &o, &r), NEWSDEX_OK);
    assert_int_equal(newsdex_results_histogram_count(r), 2); /* 9999-11, 9999-12 */
    const char *period;
    uint64_t n;
    assert_int_equal(newsdex_results_histogram_get(r, 1, &period, &n), NEWSDEX_OK);
    assert_string_equal(period, "9999-12");
    assert_int_equal(n, 1);
    newsdex_results_free(r);
    newsdex_db_close(db);
    assert_int_equal(scratch_dir_remove(dir), 0);
}

/* Equal scores across the end of a page: every page holds the newest of
 * the tied articles not shown before, whether the tie is a few articles
 * long (settled past the page), longer (a wider window) or longer still
 * (Xapian's own sort by date). */
static void expect_tie_pages(newsdex_db *db, size_t n_docs, uint32_t limit)
{
    size_t want = n_docs; /* ids are "t<day>": the newest is the highest day */
    for (uint32_t offset = 0; offset < n_docs; offset += limit) {
        newsdex_search_options o;
        newsdex_search_options_init(&o);
        o.query = "gadget";
        o.offset = offset;
        o.limit = limit;
        newsdex_results *r = NULL;
        assert_int_equal(newsdex_search(db, &o, &r), NEWSDEX_OK);
        for (size_t i = 0; i < newsdex_results_count(r); i++) {
            newsdex_hit h;
            char id[32];
            assert_int_equal(newsdex_results_get(r, i, &h), NEWSDEX_OK);
            snprintf(id, sizeof id, "t%02zu", want--);
            if (strcmp(h.id, id) != 0)
                fail_msg("%zu tied, page at %u: rank %zu is %s, not %s", n_docs, offset, i + 1, h.id, id);
        }
        newsdex_results_free(r);
    }
    assert_int_equal(want, 0);
}

static void test_ties_across_pages(void **state)
{
    (void)state;
    static const size_t sizes[] = {13, 27, 60};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        char dir[64];
        assert_int_equal(scratch_dir_make(dir, sizeof dir, "nx-ties"), 0);
        newsdex_writer *w = NULL;
        assert_int_equal(newsdex_writer_open(dir, &w, NULL), NEWSDEX_OK);
        for (size_t i = 1; i <= sizes[k]; i++) {
            /* Written in a shuffled order, so docid order is not date order. */
            unsigned day = (unsigned)(1 + (i * 7) % sizes[k]) % 100;
            char id[32], date[32];
            snprintf(id, sizeof id, "t%02u", day);
            snprintf(date, sizeof date, "2020-%02u-%02u", 1 + day / 28, 1 + day % 28);
            newsdex_article a = {.id = id, .title = "Gadget", .body = "A gadget.", .date = date};
            assert_int_equal(newsdex_writer_put(w, &a, NULL), NEWSDEX_OK);
        }
        assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
        newsdex_db *db = NULL;
        assert_int_equal(newsdex_db_open(dir, &db, NULL), NEWSDEX_OK);
        expect_tie_pages(db, sizes[k], 10);
        expect_tie_pages(db, sizes[k], 7);
        newsdex_db_close(db);
        assert_int_equal(scratch_dir_remove(dir), 0);
    }
}

/* nx_text_near and the snippet's own answer agree, on spans of words. */
static int near(nx_analyzer *an, const char *text, char **words, size_t n, size_t window)
{
    nx_error err;
    int alone = -1;
    assert_int_equal(nx_text_near(an, text, words, n, window, &alone, &err), NEWSDEX_OK);
    char *stems[] = {words[0], "zzzother", words[n - 1]}; /* highlights: not all words */
    nx_near_ask ask = {words, n, window, -1};
    nx_snippet s;
    assert_int_equal(nx_snippet_make_near(an, text, stems, 3, 200, &ask, &s, &err), NEWSDEX_OK);
    nx_snippet_free(&s);
    char *all[] = {words[0], words[1], n > 2 ? words[2] : "zzzother"};
    ask.near = -1;
    assert_int_equal(nx_snippet_make_near(an, text, all, 3, 200, &ask, &s, &err), NEWSDEX_OK);
    nx_snippet_free(&s);
    if (ask.near != alone)
        fail_msg("[%s]: alone %d, with the snippet %d", text, alone, ask.near);
    return alone;
}

static void test_text_near(void **state)
{
    (void)state;
    nx_analyzer *an;
    nx_error err;
    assert_int_equal(nx_analyzer_new(NULL, &an, &err), NEWSDEX_OK);
    char *two[] = {"layoff", "amazon"}, *three[] = {"interest", "rate", "fed"};
    assert_true(near(an, "Amazon layoffs continue", two, 2, 8));
    assert_true(near(an, "layoffs at the big online retailer Amazon.com", two, 2, 8));
    /* 9 words from the first to the last: not within 8, within 9. */
    const char *apart = "Layoffs one two three four five six seven Amazon";
    assert_false(near(an, apart, two, 2, 8));
    assert_true(near(an, apart, two, 2, 9));
    assert_false(near(an, "Amazon only, twice: Amazon", two, 2, 100));
    /* The shortest span counts, wherever it is: a far pair first, a close one later. */
    assert_true(near(an, "Fed, a b c d e f g h i j k l m n o p, interest rates; the Fed "
                         "raised interest rates", three, 3, 10));
    assert_false(near(an, "interest a b c d e f g h i j k l rates a b c d e f g h i j Fed",
                      three, 3, 10));
    /* One word, or none: never near. */
    assert_false(near(an, "layoffs layoffs", (char *[]){"layoff", "layoff"}, 2, 0));
    int n = -1;
    assert_int_equal(nx_text_near(an, "layoffs", two, 1, 10, &n, &err), NEWSDEX_OK);
    assert_false(n);
    nx_analyzer_free(an);
}

static void test_hit_marks_in_results(void **state)
{
    fixture *f = *state;
    char ids[512];
    newsdex_search_options o = options("layoff acme");
    newsdex_results *r = search(f, &o, ids, sizeof ids);
    assert_true(newsdex_results_count(r) > 0);
    for (size_t i = 0; i < newsdex_results_count(r); i++) {
        newsdex_hit h;
        assert_int_equal(newsdex_results_get(r, i, &h), NEWSDEX_OK);
        assert_true(h.n_snippet_marks > 0);
        for (size_t k = 0; k < h.n_snippet_marks; k++) {
            const char *w = h.snippet + h.snippet_marks[2 * k];
            size_t n = h.snippet_marks[2 * k + 1] - h.snippet_marks[2 * k];
            assert_true(n > 0 && h.snippet_marks[2 * k + 1] <= strlen(h.snippet));
            assert_true(!strncasecmp(w, "layoff", 6) || !strncasecmp(w, "acme", 4));
        }
    }
    newsdex_results_free(r);
}

/* ---- The fast stored-article reader ---- */

static void test_hit_parse_json(void **state)
{
    (void)state;
    nx_hit_fields f;
    char ok[] = "{\"id\":\"a\\\"1\",\"title\":\"T\\u00e9st \\ud83d\\ude00\",\"body\":\"l1\\nl2\\\\"
                "\",\"lists\":{\"topics\":[\"x\",\"y\"],\"n\":{\"a\":[1,2]}},\"url\":\"u/\\/v\"}";
    assert_int_equal(nx_hit_parse_json(ok, strlen(ok), &f), 0);
    assert_string_equal(f.id, "a\"1");
    assert_string_equal(f.title, "T\xC3\xA9st \xF0\x9F\x98\x80");
    assert_string_equal(f.body, "l1\nl2\\");
    assert_string_equal(f.url, "u//v");
    assert_string_equal(f.date, "");
    assert_string_equal(f.source, "");
    char nul[] = "{\"id\":\"a\\u0000b\"}";
    assert_int_equal(nx_hit_parse_json(nul, strlen(nul), &f), -1);
    char lone[] = "{\"id\":\"\\udc00\"}";
    assert_int_equal(nx_hit_parse_json(lone, strlen(lone), &f), -1);
    char trunc[] = "{\"id\":\"abc";
    assert_int_equal(nx_hit_parse_json(trunc, strlen(trunc), &f), -1);
    char notstr[] = "{\"id\":5}";
    assert_int_equal(nx_hit_parse_json(notstr, strlen(notstr), &f), -1);
    char empty[] = " { } ";
    assert_int_equal(nx_hit_parse_json(empty, strlen(empty), &f), 0);
}

static void test_hit_decode_round_trip(void **state)
{
    (void)state;
    const char *topics[] = {"a", "b"};
    newsdex_list_field lists[] = {{"topics", topics, 2}};
    newsdex_article a = {.id = "x-1", .title = "Ti\"tle\xE2\x80\x94", .body = "Body\twith\x01" "ctl",
                         .source = "S", .url = "http://u", .lists = lists, .n_lists = 1};
    char *data = NULL;
    size_t len = 0;
    nx_error err;
    assert_int_equal(nx_stored_encode(&a, "2024-01-02T03:04:05Z", &data, &len, &err), NEWSDEX_OK);
    nx_inflater *inf = NULL;
    nx_hit_fields f;
    assert_int_equal(nx_hit_decode(&inf, data, len, &f, &err), NEWSDEX_OK);
    assert_int_equal(data[0], 'r');
    assert_non_null(f.doc.text); /* the record, not the slow path's JSON */
    assert_null(f.doc.json_root);
    assert_string_equal(f.id, "x-1");
    assert_string_equal(f.title, a.title);
    assert_string_equal(f.body, a.body);
    assert_string_equal(f.date, "2024-01-02T03:04:05Z");
    assert_string_equal(f.source, "S");
    assert_string_equal(f.url, "http://u");
    nx_hit_fields_free(&f);
    free(data);
    assert_int_equal(nx_hit_decode(&inf, "zzz", 3, &f, &err), NEWSDEX_ERR_CORRUPT);
    /* A damaged stream: the fast path refuses it, the slow path reports it. */
    assert_int_equal(nx_stored_encode(&a, "2024-01-02T03:04:05Z", &data, &len, &err), NEWSDEX_OK);
    data[len - 3] ^= 0x5A;
    data[len / 2] ^= 0x5A;
    assert_int_equal(nx_hit_decode(&inf, data, len, &f, &err), NEWSDEX_ERR_CORRUPT);
    free(data);
    nx_inflater_free(inf);
}

/* What nx_stored_encode() gives back through nx_stored_decode(), lists too;
 * and every article cut short or with a bit flipped is an error. */
static void test_stored_record_round_trip(void **state)
{
    (void)state;
    const char *topics[] = {"oil", "", "gas \"prices\""};
    const char *authors[] = {"Jane Doe"};
    newsdex_list_field lists[] = {{"authors", authors, 1}, {"topics", topics, 3}, {"empty", NULL, 0}};
    newsdex_article a = {.id = "r-7", .title = NULL, .body = "B\xC3\xA9\x01", .source = "",
                         .url = "u", .lists = lists, .n_lists = 3};
    char *data = NULL;
    size_t len = 0;
    nx_error err;
    assert_int_equal(nx_stored_encode(&a, NULL, &data, &len, &err), NEWSDEX_OK);
    nx_stored_decoder *dec = nx_stored_decoder_new();
    assert_non_null(dec);
    nx_stored_doc d;
    assert_int_equal(nx_stored_decode_with(dec, data, len, &d, &err), NEWSDEX_OK);
    assert_string_equal(d.id, "r-7");
    assert_string_equal(d.title, "");
    assert_string_equal(d.date, "");
    assert_string_equal(d.source, "");
    assert_string_equal(d.url, "u");
    assert_string_equal(d.body, a.body);
    assert_int_equal(d.n_lists, 3);
    size_t n = 9;
    const char **v = nx_stored_list_values(&d, "topics", &n);
    assert_int_equal(n, 3);
    assert_string_equal(v[0], "oil");
    assert_string_equal(v[1], "");
    assert_string_equal(v[2], topics[2]);
    v = nx_stored_list_values(&d, "authors", &n);
    assert_int_equal(n, 1);
    assert_string_equal(v[0], "Jane Doe");
    nx_stored_list_values(&d, "empty", &n);
    assert_int_equal(n, 0);
    assert_null(nx_stored_list_values(&d, "places", &n));
    assert_int_equal(n, 0);
    nx_stored_doc_free(&d);
    for (size_t cut = 0; cut < len; cut++) {
        assert_int_equal(nx_stored_decode_with(dec, data, cut, &d, &err), NEWSDEX_ERR_CORRUPT);
        assert_string_equal(d.id, "");
        nx_stored_doc_free(&d);
    }
    /* A flipped bit is caught by the checksum, unless it falls where the
     * frame allows either value (its window size): then nothing changed. */
    for (size_t i = 0; i < len; i++)
        for (int bit = 0; bit < 8; bit++) {
            data[i] ^= (char)(1 << bit);
            newsdex_status st = nx_stored_decode_with(dec, data, len, &d, &err);
            if (st == NEWSDEX_OK) {
                assert_string_equal(d.id, "r-7");
                assert_string_equal(d.body, a.body);
                assert_string_equal(nx_stored_list_values(&d, "topics", &n)[2], topics[2]);
            } else {
                assert_int_equal(st, NEWSDEX_ERR_CORRUPT);
            }
            nx_stored_doc_free(&d);
            data[i] ^= (char)(1 << bit);
        }
    free(data);
    nx_stored_decoder_free(dec);
}

/* Indexes written before format 'r' hold format 'z': a JSON object in a
 * zlib stream. Both readers still read it, lists too. */
static void test_stored_zjson_still_read(void **state)
{
    (void)state;
    const char json[] = "{\"id\":\"old-1\",\"title\":\"Old \\\"t\\\"\",\"body\":\"b\\nc\","
                        "\"date\":\"1987-02-26T15:01:01Z\",\"lists\":{\"topics\":[\"grain\",\"wheat\"]}}";
    unsigned char data[512];
    uLongf n = sizeof data - 5;
    assert_int_equal(compress(data + 5, &n, (const Bytef *)json, sizeof json - 1), Z_OK);
    size_t text_len = sizeof json - 1;
    data[0] = 'z';
    data[1] = 0;
    data[2] = 0;
    data[3] = (unsigned char)(text_len >> 8);
    data[4] = (unsigned char)text_len;
    nx_error err;
    nx_stored_doc d;
    assert_int_equal(nx_stored_decode((const char *)data, n + 5, &d, &err), NEWSDEX_OK);
    assert_string_equal(d.id, "old-1");
    assert_string_equal(d.title, "Old \"t\"");
    assert_string_equal(d.body, "b\nc");
    assert_string_equal(d.date, "1987-02-26T15:01:01Z");
    size_t count = 0;
    const char **v = nx_stored_list_values(&d, "topics", &count);
    assert_int_equal(count, 2);
    assert_string_equal(v[1], "wheat");
    nx_stored_doc_free(&d);
    nx_inflater *inf = NULL;
    nx_hit_fields f;
    assert_int_equal(nx_hit_decode(&inf, (const char *)data, n + 5, &f, &err), NEWSDEX_OK);
    assert_non_null(f.text); /* format 'z''s fast path */
    assert_string_equal(f.title, "Old \"t\"");
    assert_string_equal(f.body, "b\nc");
    nx_hit_fields_free(&f);
    nx_inflater_free(inf);
}

/* Format 'r' reads back only with the dictionary it was written with. */
#define STORED_DICTIONARY_CRC32 0xca7f985cUL
static void test_stored_dictionary_unchanged(void **state)
{
    (void)state;
    assert_int_equal(nx_stored_dictionary_size, 32768);
    uLong crc = crc32(0L, nx_stored_dictionary, (uInt)nx_stored_dictionary_size);
    assert_int_equal(crc, STORED_DICTIONARY_CRC32);
}

static void test_edit_distance(void **state)
{
    (void)state;
    assert_int_equal(nx_edit_distance("layofs", 6, "layoffs", 7, 2), 1);
    assert_int_equal(nx_edit_distance("layoffs", 7, "layoffs", 7, 2), 0);
    assert_int_equal(nx_edit_distance("ealry", 5, "early", 5, 2), 1); /* a swap */
    assert_int_equal(nx_edit_distance("kitten", 6, "sitting", 7, 3), 3);
    assert_int_equal(nx_edit_distance("kitten", 6, "sitting", 7, 2), 3); /* above max */
    assert_int_equal(nx_edit_distance("a", 1, "abcd", 4, 2), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_ties_break_by_date),
        cmocka_unit_test(test_pages),
        cmocka_unit_test(test_sort_date),
        cmocka_unit_test(test_sort_recent),
        cmocka_unit_test(test_any),
        cmocka_unit_test(test_proximity),
        cmocka_unit_test(test_exact_total),
        cmocka_unit_test(test_facets),
        cmocka_unit_test(test_histogram),
        cmocka_unit_test(test_collapse),
        cmocka_unit_test(test_suggestion),
        cmocka_unit_test(test_correction),
        cmocka_unit_test(test_similar),
        cmocka_unit_test(test_hit_marks_in_results),
        cmocka_unit_test(test_highlights_match_analyzer),
        cmocka_unit_test(test_snippet_window),
        cmocka_unit_test(test_text_near),
        cmocka_unit_test(test_year_counts_many),
        cmocka_unit_test(test_year_counts_cached_and_listed),
        cmocka_unit_test(test_month_map_extreme_years),
        cmocka_unit_test(test_ties_across_pages),
        cmocka_unit_test(test_hit_parse_json),
        cmocka_unit_test(test_hit_decode_round_trip),
        cmocka_unit_test(test_stored_record_round_trip),
        cmocka_unit_test(test_stored_zjson_still_read),
        cmocka_unit_test(test_stored_dictionary_unchanged),
        cmocka_unit_test(test_edit_distance),
    };
    /* The tests without a fixture ignore it. */
    return cmocka_run_group_tests(tests, setup, teardown);
}
