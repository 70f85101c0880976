/* --sort recent (searcher/ranking.c): the bands of the boost (ages rounded
 * down to whole steps of half_life / NX_RECENCY_STEPS days, weights halving
 * every half-life, stopping NX_RECENCY_HALF_LIVES half-lives back or at the
 * oldest article), the end of the query's date range that ages count from,
 * and, through the public API, a date range that moves the anchor. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "newsdex.h"
#include "../../searcher/query_parser.h"
#include "../../searcher/ranking.h"
#include "scratch_dir.h"

static double days(const char *yyyymmdd)
{
    return nx_xdate_days(yyyymmdd, strlen(yyyymmdd));
}

static void test_bands_step_and_weights(void **state)
{
    (void)state;
    nx_xrecency r;
    nx_rank_recency_bands(days("19871020"), days("19870226"), days("19871020"), 90, 10.0, 0, &r);
    /* 90 / 8 = 11.25: steps of 11 days back from 1987-10-20. */
    assert_string_equal(r.band[0].from, "19871010000000");
    assert_string_equal(r.band[0].to, "");
    assert_true(r.band[0].weight == 10.0);
    assert_string_equal(r.band[1].from, "19870929000000");
    assert_string_equal(r.band[1].to, "19871009235959");
    assert_true(fabs(r.band[1].weight - 10.0 * exp2(-11.0 / 90)) < 1e-12);
    /* Contiguous, older and lighter band after band, down to the oldest article. */
    for (size_t i = 1; i < r.n; i++) {
        assert_true(r.band[i].weight < r.band[i - 1].weight);
        assert_true(strcmp(r.band[i].from, r.band[i - 1].from) < 0);
        assert_memory_equal(r.band[i].to + 8, "235959", 6);
    }
    assert_true(strcmp(r.band[r.n - 1].from, "19870226000000") <= 0);
    assert_true(strcmp(r.band[r.n - 2].from, "19870226000000") > 0);
    assert_int_equal(r.n, 22); /* 236 days in steps of 11 */
    /* Each band names the day terms of its days. */
    assert_int_equal(r.band[0].n_terms, 11);
    assert_string_equal(r.terms[r.band[0].first], "D19871010");
    assert_string_equal(r.terms[r.band[0].first + 10], "D19871020");
    assert_string_equal(r.terms[r.band[1].first], "D19870929");
    assert_int_equal(r.band[1].n_terms, 11); /* its own days only */
}

/* Whole months and years are one term each. */
static void band_terms_are(const nx_xrecency *r, size_t band, const char *want)
{
    char got[512] = "";
    for (size_t t = 0; t < r->band[band].n_terms; t++) {
        strcat(got, t ? " " : "");
        strcat(got, r->terms[r->band[band].first + t]);
    }
    if (strcmp(got, want) != 0)
        fail_msg("band %zu: \"%s\", want \"%s\"", band, got, want);
}

static void test_band_terms(void **state)
{
    (void)state;
    nx_xrecency r;
    /* Steps of 46 days (365 / 8) back from 2024-03-31; articles up to 2024-04-02. */
    nx_rank_recency_bands(days("20240331"), days("20200101"), days("20240402"), 365, 1.0, 0, &r);
    band_terms_are(&r, 0, "D20240215 D20240216 D20240217 D20240218 D20240219 D20240220 "
                          "D20240221 D20240222 D20240223 D20240224 D20240225 D20240226 "
                          "D20240227 D20240228 D20240229 M202403 D20240401 D20240402");
    /* Steps of a year and more take whole years. */
    nx_rank_recency_bands(days("20231231"), days("19000101"), days("20231231"), 8 * 730, 1.0, 0,
                          &r);
    band_terms_are(&r, 0, "Y2022 Y2023");
}

static void test_bands_stop_at_eight_half_lives(void **state)
{
    (void)state;
    nx_xrecency r;
    nx_rank_recency_bands(days("20240110"), days("19900101"), days("20240110"), 1, 2.0, 0, &r);
    /* Steps of one day; ages 0..8 days, the last at 2^-8. */
    assert_int_equal(r.n, NX_RECENCY_HALF_LIVES + 1);
    assert_string_equal(r.band[0].from, "20240110000000");
    assert_string_equal(r.band[8].from, "20240102000000");
    assert_string_equal(r.band[8].to, "20240102235959");
    assert_true(fabs(r.band[8].weight - 2.0 / 256) < 1e-12);
    /* Ten years (steps of 456 days) over a thousand years of articles:
     * every band to 8 half-lives fits those the binding takes. */
    nx_rank_recency_bands(days("20240110"), days("10000101"), days("20240110"), 3650, 1.0, 0,
                          &r);
    assert_int_equal(r.n, NX_RECENCY_STEPS * NX_RECENCY_HALF_LIVES + 1);
    assert_true(r.n <= NX_XRECENCY_BANDS_MAX);
}

static void range_end_of(const char *query, const char *to, const char *want)
{
    nx_query_tree tree;
    nx_error err;
    assert_int_equal(nx_query_parse(query, &tree, &err), NEWSDEX_OK);
    char end[9];
    nx_rank_range_end(&tree, to, end);
    if (strcmp(end, want) != 0)
        fail_msg("\"%s\" (to \"%s\"): range end \"%s\", want \"%s\"", query, to, end, want);
    nx_query_tree_free(&tree);
}

static void test_range_end(void **state)
{
    (void)state;
    range_end_of("oil", "", "");
    range_end_of("oil", "19870415", "19870415");
    range_end_of("oil date:1987-03", "", "19870331");
    range_end_of("date:1987", "", "19871231");
    range_end_of("oil date:1987-03", "19870315", "19870315");
    range_end_of("oil date:1987-03", "19871231", "19870331");
    range_end_of("oil date:1987-02..1987-05", "", "19870531");
    range_end_of("oil date:1987-02..", "", "");         /* no upper end */
    range_end_of("oil OR date:1987-03", "", "");        /* not every match is in it */
    range_end_of("oil -date:1987-03", "", "");          /* excluded, not a range */
}

/* X is the stronger match, Y the newer one within 1987, Z (1990) the newest. */
static void test_search_counts_age_from_range_end(void **state)
{
    (void)state;
    char dir[64], path[128];
    assert_int_equal(scratch_dir_make(dir, sizeof dir, "nx-recency"), 0);
    snprintf(path, sizeof path, "%s/db", dir);
    newsdex_writer *w = NULL;
    assert_int_equal(newsdex_writer_open(path, &w, NULL), NEWSDEX_OK);
    const char *rows[][4] = {
        {"x", "1987-01-05", "Oil oil oil", "Oil output, oil prices and oil stocks."},
        {"y", "1987-12-20", "Markets", "Traders mentioned oil once among many other things."},
        {"z", "1990-01-01", "Later", "Nothing about the commodity here at all."},
    };
    for (size_t i = 0; i < 3; i++) {
        newsdex_article a = {.id = rows[i][0], .date = rows[i][1], .title = rows[i][2],
                             .body = rows[i][3]};
        assert_int_equal(newsdex_writer_put(w, &a, NULL), NEWSDEX_OK);
    }
    assert_int_equal(newsdex_writer_close(w), NEWSDEX_OK);
    newsdex_db *db = NULL;
    assert_int_equal(newsdex_db_open(path, &db, NULL), NEWSDEX_OK);
    const char *queries[][3] = {
        /* query, to, first id */
        {"oil", NULL, "x"},          /* both two years and more older than z: relevance */
        {"oil date:1987", NULL, "y"}, /* ages from 1987-12-31: y is new */
        {"oil", "1987", "y"},         /* the same from options->to */
    };
    for (size_t i = 0; i < 3; i++) {
        newsdex_search_options o;
        newsdex_search_options_init(&o);
        o.query = queries[i][0];
        o.to = queries[i][1];
        o.sort = NEWSDEX_SORT_RECENT;
        o.half_life_days = 30;
        o.snippets = 0;
        newsdex_results *r = NULL;
        assert_int_equal(newsdex_search(db, &o, &r), NEWSDEX_OK);
        assert_int_equal(newsdex_results_count(r), 2);
        newsdex_hit h;
        newsdex_results_get(r, 0, &h);
        if (strcmp(h.id, queries[i][2]) != 0)
            fail_msg("\"%s\" (to %s): first %s, want %s", o.query, o.to ? o.to : "-", h.id,
                     queries[i][2]);
        newsdex_results_free(r);
    }
    newsdex_db_close(db);
    assert_int_equal(scratch_dir_remove(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bands_step_and_weights),
        cmocka_unit_test(test_bands_stop_at_eight_half_lives),
        cmocka_unit_test(test_band_terms),
        cmocka_unit_test(test_range_end),
        cmocka_unit_test(test_search_counts_age_from_range_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
