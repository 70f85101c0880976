#include "ranking.h"

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

newsdex_status nx_rank_recency(nx_xdb *xdb, const nx_xquery *q, unsigned slot,
                               double half_life_days, nx_xbudget *budget, nx_xrecency *out,
                               int *boost, nx_error *err)
{
    *boost = 0;
    char *value = NULL;
    size_t len = 0;
    newsdex_status st = nx_xdb_value_upper_bound(xdb, slot, &value, &len, err);
    if (st != NEWSDEX_OK)
        return st;
    double newest = nx_xdate_days(value, len);
    free(value);
    if (newest < 0 || half_life_days <= 0)
        return NEWSDEX_OK;
    nx_xbm25 bm25 = nx_rank_bm25();
    double best = 0;
    st = nx_xdb_best_weight(xdb, q, &bm25, budget, &best, err);
    double scale = (best > 0 ? best : 1.0) * NX_RECENCY_SHARE;
    if (st != NEWSDEX_OK || scale <= 0)
        return st;
    *out = (nx_xrecency){.slot = slot, .newest_days = newest, .half_life_days = half_life_days,
                         .scale = scale};
    *boost = 1;
    return NEWSDEX_OK;
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
