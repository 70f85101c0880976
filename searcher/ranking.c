#include "ranking.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/stopwords.h"
#include "../engine/terms.h"

#define WORD_BYTES (NX_TOKEN_MAX_BYTES + 1)

typedef struct word_set {
    char text[NX_PROXIMITY_MAX_WORDS][WORD_BYTES];
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
    memcpy(s->stem[s->n], s->last_stem, WORD_BYTES);
    memcpy(s->text[s->n++], s->last, WORD_BYTES);
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

/* ---- The forms of a word: singular and plural ----
 * Looking up every indexed form with the word's stem (a term-list scan per
 * word) cost more than the whole rest of the boost, so the boost takes the
 * word as written and its plural or singular (-s, -es, -ies), when the
 * analyzer gives them the same stem: layoff and layoffs, rate and rates,
 * company and companies. */

typedef struct forms {
    char v[NX_PROXIMITY_FORMS][WORD_BYTES];
    size_t n;
    const char *stem;
    nx_analyzer *an;
    char got[WORD_BYTES];
} forms;

static int stem_of(const nx_token *tok, void *ctx)
{
    forms *f = ctx;
    snprintf(f->got, sizeof f->got, "%s", tok->stem);
    return 1;
}

/* Adds base + suffix when it has the word's stem. */
static void try_form(forms *f, const char *base, size_t len, const char *suffix)
{
    char w[WORD_BYTES];
    if (f->n == NX_PROXIMITY_FORMS || len + strlen(suffix) >= sizeof w)
        return;
    memcpy(w, base, len);
    strcpy(w + len, suffix);
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->v[i], w) == 0)
            return;
    f->got[0] = '\0';
    if (nx_analyze(f->an, w, strlen(w), stem_of, f, NULL) == NEWSDEX_OK &&
        strcmp(f->got, f->stem) == 0)
        memcpy(f->v[f->n++], w, sizeof w);
}

static int ends_with(const char *w, size_t n, const char *end)
{
    size_t k = strlen(end);
    return n > k && memcmp(w + n - k, end, k) == 0;
}

/* w[0, n) ends in s, x, z, ch or sh: its plural adds -es. */
static int sibilant(const char *w, size_t n)
{
    return ends_with(w, n, "s") || ends_with(w, n, "x") || ends_with(w, n, "z") ||
           ends_with(w, n, "ch") || ends_with(w, n, "sh");
}

/* A plural-looking word gets its singular, any other word its plural. */
static void find_forms(const char *text, forms *f)
{
    size_t n = strlen(text);
    memcpy(f->v[f->n++], text, n + 1);
    if (ends_with(text, n, "ies"))
        try_form(f, text, n - 3, "y");
    else if (ends_with(text, n, "es") && sibilant(text, n - 2))
        try_form(f, text, n - 2, "");
    else if (ends_with(text, n, "s") && !ends_with(text, n, "ss"))
        try_form(f, text, n - 1, "");
    else if (ends_with(text, n, "y"))
        try_form(f, text, n - 1, "ies");
    else
        try_form(f, text, n, sibilant(text, n) ? "es" : "s");
}

/* The word as OR of its forms (or the word itself). */
static newsdex_status word_query(nx_analyzer *an, const char *text, const char *stem,
                                 nx_xquery **out, nx_error *err)
{
    forms *f = calloc(1, sizeof *f);
    if (!f)
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory");
    f->stem = stem;
    f->an = an;
    find_forms(text, f);
    newsdex_status st = NEWSDEX_OK;
    if (f->n <= 1) {
        st = nx_xquery_term(f->n ? f->v[0] : text, 1, 0, out, err);
        free(f);
        return st;
    }
    nx_xquery *parts[NX_PROXIMITY_FORMS] = {NULL};
    size_t k = 0;
    for (; k < f->n && st == NEWSDEX_OK; k++)
        st = nx_xquery_term(f->v[k], 1, 0, &parts[k], err);
    if (st == NEWSDEX_OK)
        st = nx_xquery_combine(NX_XQ_OR, parts, f->n, 0, out, err);
    for (size_t i = 0; i < k; i++)
        nx_xquery_free(parts[i]);
    free(f);
    return st;
}

/* NEAR of every word (any form), within 2n + 4 positions, scaled. */
static newsdex_status near_query(nx_analyzer *an, const word_set *s,
                                 nx_xquery **out, nx_error *err)
{
    nx_xquery *parts[NX_PROXIMITY_MAX_WORDS] = {NULL}, *near = NULL;
    newsdex_status st = NEWSDEX_OK;
    size_t k = 0;
    for (; k < s->n && st == NEWSDEX_OK; k++)
        st = word_query(an, s->text[k], s->stem[k], &parts[k], err);
    if (st == NEWSDEX_OK)
        st = nx_xquery_combine(NX_XQ_NEAR, parts, s->n, (uint32_t)(2 * s->n + 4), &near, err);
    if (st == NEWSDEX_OK)
        st = nx_xquery_scale(near, NX_PROXIMITY_SCALE, out, err);
    nx_xquery_free(near);
    for (size_t i = 0; i < k; i++)
        nx_xquery_free(parts[i]);
    return st;
}

newsdex_status nx_rank_proximity(nx_analyzer *analyzer, const nx_query_tree *tree,
                                 nx_xquery **out, nx_error *err)
{
    *out = NULL;
    word_set *s = calloc(1, sizeof *s);
    if (!s)
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory");
    newsdex_status st = tree->root ? collect_words(analyzer, tree->root, s, err) : NEWSDEX_OK;
    if (st == NEWSDEX_OK && s->n >= 2 && !s->too_many)
        st = near_query(analyzer, s, out, err);
    free(s);
    return st;
}

newsdex_status nx_rank_boost(const nx_xquery *q, const nx_xquery *boost, nx_xquery **out,
                             nx_error *err)
{
    nx_xquery *parts[2] = {(nx_xquery *)q, (nx_xquery *)boost};
    return nx_xquery_combine(NX_XQ_AND_MAYBE, parts, 2, 0, out, err);
}
