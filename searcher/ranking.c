#include "ranking.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/stopwords.h"
#include "../engine/terms.h"

#define WORD_BYTES (NX_TOKEN_MAX_BYTES + 1)

typedef struct word_set {
    char stem[NX_PROXIMITY_MAX_WORDS][WORD_BYTES];
    size_t n;
    int too_many;
    size_t tokens; /* tokens of the word being analyzed */
    char last[WORD_BYTES], last_stem[WORD_BYTES];
} word_set;

static int one_token(const nx_token *tok, void *ctx)
{
    word_set *s = ctx;
    if (++s->tokens == 1) {
        snprintf(s->last, sizeof s->last, "%s", tok->text);
        snprintf(s->last_stem, sizeof s->last_stem, "%s", tok->stem);
    }
    return s->tokens > 1;
}

static int is_year(const char *w)
{
    return strlen(w) == 4 && (w[0] == '1' || w[0] == '2') && w[1] >= '0' && w[1] <= '9' &&
           w[2] >= '0' && w[2] <= '9' && w[3] >= '0' && w[3] <= '9';
}

static int seen(const word_set *s, const char *stem)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->stem[i], stem) == 0)
            return 1;
    return 0;
}

/* Adds the word of a WORD node when it is one plain, searchable token. */
static newsdex_status add_word(nx_analyzer *an, const nx_qnode *n, word_set *s, nx_error *err)
{
    s->tokens = 0;
    newsdex_status st = nx_analyze(an, n->text, strlen(n->text), one_token, s, err);
    if (st != NEWSDEX_OK || s->tokens != 1 || is_year(s->last) || seen(s, s->last_stem) ||
        (!n->forced && nx_is_stopword(s->last, strlen(s->last))))
        return st;
    if (s->n == NX_PROXIMITY_MAX_WORDS) {
        s->too_many = 1;
        return NEWSDEX_OK;
    }
    memcpy(s->stem[s->n++], s->last_stem, WORD_BYTES);
    return NEWSDEX_OK;
}

static newsdex_status collect_words(nx_analyzer *an, const nx_qnode *root, word_set *s,
                                    nx_error *err)
{
    if (root->kind == NX_QN_WORD)
        return add_word(an, root, s, err);
    if (root->kind != NX_QN_AND && root->kind != NX_QN_OR)
        return NEWSDEX_OK;
    newsdex_status st = NEWSDEX_OK;
    for (size_t i = 0; i < root->n_kids && st == NEWSDEX_OK; i++)
        if (root->kids[i]->kind == NX_QN_WORD)
            st = add_word(an, root->kids[i], s, err);
    return st;
}

newsdex_status nx_rank_near_words(nx_analyzer *analyzer, const nx_query_tree *tree,
                                  nx_near_words *out, nx_error *err)
{
    memset(out, 0, sizeof *out);
    word_set *s = calloc(1, sizeof *s);
    if (!s)
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory");
    newsdex_status st = tree->root ? collect_words(analyzer, tree->root, s, err) : NEWSDEX_OK;
    if (st == NEWSDEX_OK && s->n >= 2 && !s->too_many) {
        for (size_t i = 0; i < s->n; i++) {
            memcpy(out->stem[i], s->stem[i], WORD_BYTES);
            out->stems[i] = out->stem[i];
        }
        out->n = s->n;
    }
    free(s);
    return st;
}

newsdex_status nx_rank_is_near(nx_analyzer *analyzer, const nx_near_words *w, const char *title,
                               const char *body, int *near, nx_error *err)
{
    size_t window = nx_rank_near_window(w);
    newsdex_status st = nx_text_near(analyzer, title, w->stems, w->n, window, near, err);
    if (st == NEWSDEX_OK && !*near)
        st = nx_text_near(analyzer, body, w->stems, w->n, window, near, err);
    return st;
}

/* ---- What the binding is told ---- */

nx_xbm25 nx_rank_bm25(void)
{
    return (nx_xbm25){.k1 = 1, .k2 = 0, .k3 = 1, .b = 0.5, .min_normlen = 0.25};
}

/* "YYYYMMDD" of day `days` since 1970-01-01 (Howard Hinnant's algorithm). */
static void civil_of(long days, char out[9])
{
    long z = days + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp < 10 ? mp + 3 : mp - 9;
    long y = yoe + era * 400 + (m <= 2);
    if (y < 0 || y > 9999)
        y = y < 0 ? 0 : 9999;
    snprintf(out, 9, "%04u%02u%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
             (unsigned)d % 100u);
}

/* Days since 1970-01-01 of y-m-d (m may be 13: January of y + 1). */
static long days_of(long y, long m, long d)
{
    if (m > 12) {
        y++;
        m -= 12;
    }
    char v[9];
    snprintf(v, sizeof v, "%04u%02u%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
             (unsigned)d % 100u);
    return (long)nx_xdate_days(v, 8);
}

/* The year, month and day terms covering the days [from, to] into band b:
 * whole years as Y terms, whole months as M terms, other days as D terms.
 * Leaves b without terms (the binding then reads the dates' values) when
 * they would not fit. */
static void band_terms(nx_xrecency *r, nx_xrecency_band *b, long from, long to)
{
    size_t start = r->n_terms;
    b->first = start;
    b->n_terms = 0;
    for (long d = from; d <= to;) {
        if (r->n_terms == NX_XRECENCY_TERMS_MAX) {
            r->n_terms = start;
            b->n_terms = 0;
            return;
        }
        char day[9], *t = r->terms[r->n_terms++];
        civil_of(d, day);
        long y = (day[0] - '0') * 1000 + (day[1] - '0') * 100 + (day[2] - '0') * 10 + day[3] - '0';
        long m = (day[4] - '0') * 10 + day[5] - '0';
        long next_year = days_of(y + 1, 1, 1), next_month = days_of(y, m + 1, 1);
        if (!strcmp(day + 4, "0101") && next_year - 1 <= to) {
            snprintf(t, sizeof r->terms[0], "%s%.4s", NX_PREFIX_YEAR, day);
            d = next_year;
        } else if (!strcmp(day + 6, "01") && next_month - 1 <= to) {
            snprintf(t, sizeof r->terms[0], "%s%.6s", NX_PREFIX_MONTH, day);
            d = next_month;
        } else {
            snprintf(t, sizeof r->terms[0], "%s%s", NX_PREFIX_DAY, day);
            d++;
        }
    }
    b->n_terms = r->n_terms - start;
}

void nx_rank_recency_bands(double anchor, double oldest, double newest, double half_life_days,
                           double scale, unsigned slot, nx_xrecency *out)
{
    memset(out, 0, sizeof *out);
    out->slot = slot;
    long last = (long)floor(anchor), first = (long)floor(oldest);
    long step = lround(half_life_days / NX_RECENCY_STEPS);
    if (step < 1)
        step = 1;
    for (size_t k = 0; k < NX_XRECENCY_BANDS_MAX; k++) {
        double age = (double)k * (double)step;
        if (age > NX_RECENCY_HALF_LIVES * half_life_days)
            break;
        nx_xrecency_band *b = &out->band[out->n++];
        char day[9];
        civil_of(last - (long)(k + 1) * step + 1, day);
        snprintf(b->from, sizeof b->from, "%s000000", day);
        if (k > 0) {
            civil_of(last - (long)k * step, day);
            snprintf(b->to, sizeof b->to, "%s235959", day);
        }
        b->weight = scale * exp2(-age / half_life_days);
        /* The newest band reaches the newest article (past the anchor when
         * the query's date range is not every match's). */
        long top = last - (long)k * step;
        if (k == 0 && (long)floor(newest) > top)
            top = (long)floor(newest);
        band_terms(out, b, last - (long)(k + 1) * step + 1, top);
        if (last - (long)(k + 1) * step + 1 <= first)
            break; /* nothing older */
    }
}

newsdex_status nx_rank_recency(nx_xdb *xdb, const nx_xquery *q, unsigned slot,
                               double half_life_days, const char *range_end,
                               nx_xbudget *budget, nx_xrecency *out, int *boost, nx_error *err)
{
    *boost = 0;
    char *newest_value = NULL, *oldest_value = NULL;
    size_t len = 0, oldest_len = 0;
    newsdex_status st = nx_xdb_value_upper_bound(xdb, slot, &newest_value, &len, err);
    if (st == NEWSDEX_OK)
        st = nx_xdb_value_lower_bound(xdb, slot, &oldest_value, &oldest_len, err);
    double newest = st == NEWSDEX_OK ? nx_xdate_days(newest_value, len) : -1;
    double oldest = st == NEWSDEX_OK ? nx_xdate_days(oldest_value, oldest_len) : -1;
    free(newest_value);
    free(oldest_value);
    if (st != NEWSDEX_OK || newest < 0 || half_life_days <= 0)
        return st;
    double anchor = floor(newest);
    double end = range_end && range_end[0] ? nx_xdate_days(range_end, strlen(range_end)) : -1;
    if (end >= 0 && end < anchor)
        anchor = end;
    if (oldest < 0 || oldest > newest)
        oldest = newest;
    nx_xbm25 bm25 = nx_rank_bm25();
    double best = 0;
    st = nx_xdb_best_weight(xdb, q, &bm25, budget, &best, err);
    double scale = (best > 0 ? best : 1.0) * NX_RECENCY_SHARE;
    if (st != NEWSDEX_OK || scale <= 0)
        return st;
    nx_rank_recency_bands(anchor, oldest, newest, half_life_days, scale, slot, out);
    *boost = out->n > 0;
    return NEWSDEX_OK;
}

static void lower_end(const char *hi, char out[9])
{
    if (hi && hi[0] && (!out[0] || strcmp(hi, out) < 0))
        snprintf(out, 9, "%.8s", hi);
}

void nx_rank_range_end(const nx_query_tree *tree, const char *to, char out[9])
{
    out[0] = '\0';
    lower_end(to, out);
    const nx_qnode *root = tree ? tree->root : NULL;
    if (!root)
        return;
    if (root->kind == NX_QN_DATE_RANGE)
        lower_end(root->hi, out);
    if (root->kind == NX_QN_AND)
        for (size_t i = 0; i < root->n_kids; i++)
            if (root->kids[i]->kind == NX_QN_DATE_RANGE)
                lower_end(root->kids[i]->hi, out);
}

/* Ties across the page's end are common (short articles with the same
 * words score the same). A few documents past the page settle most of
 * them; a much wider first window slows the typical query (Xapian prunes
 * less), so only a second pass, which costs a whole ranking, goes wide,
 * and a third lets Xapian order ties by date itself. Counting reads every
 * match anyway, so it starts wide. */
#define TIE_LOOKAHEAD 4
#define TIE_LOOKAHEAD_WIDE 20 /* past the window's length */

newsdex_status nx_rank_window(nx_xdb *xdb, const nx_xquery *q, const nx_xrank_params *params,
                              nx_xresults **out, nx_error *err)
{
    nx_xrank_params p = *params;
    int settled = 0;
    newsdex_status st = NEWSDEX_OK;
    *out = NULL;
    if (p.n_counts == 0) {
        p.tie_lookahead = TIE_LOOKAHEAD;
        st = nx_xdb_rank(xdb, q, &p, out, &settled, err);
    }
    if (st == NEWSDEX_OK && !settled) {
        p.tie_lookahead = p.limit + TIE_LOOKAHEAD_WIDE;
        st = nx_xdb_rank(xdb, q, &p, out, &settled, err);
    }
    if (st == NEWSDEX_OK && !settled) {
        p.tie_lookahead = 0;
        st = nx_xdb_rank(xdb, q, &p, out, &settled, err);
    }
    return st;
}
