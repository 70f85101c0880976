#include "ranking.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/stopwords.h"
#include "../engine/terms.h"

typedef struct word_set {
    char w[NX_PROXIMITY_MAX_WORDS][NX_TOKEN_MAX_BYTES + 1];
    size_t n;
    size_t tokens; /* tokens of the word being analyzed */
    char last[NX_TOKEN_MAX_BYTES + 1];
} word_set;

static int one_token(const nx_token *tok, void *ctx)
{
    word_set *s = ctx;
    if (++s->tokens == 1)
        snprintf(s->last, sizeof s->last, "%s", tok->text);
    return s->tokens > 1;
}

static int is_year(const char *w)
{
    return strlen(w) == 4 && (w[0] == '1' || w[0] == '2') && w[1] >= '0' && w[1] <= '9' &&
           w[2] >= '0' && w[2] <= '9' && w[3] >= '0' && w[3] <= '9';
}

/* Adds the word of a WORD node when it is one plain, searchable token. */
static newsdex_status add_word(nx_analyzer *an, const nx_qnode *n, word_set *s, nx_error *err)
{
    s->tokens = 0;
    newsdex_status st = nx_analyze(an, n->text, strlen(n->text), one_token, s, err);
    if (st != NEWSDEX_OK || s->tokens != 1 || s->n == NX_PROXIMITY_MAX_WORDS)
        return st;
    if (is_year(s->last) || (!n->forced && nx_is_stopword(s->last, strlen(s->last))))
        return NEWSDEX_OK;
    memcpy(s->w[s->n++], s->last, sizeof s->last);
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

/* NEAR(a, b) over the unprefixed (positional) word forms. */
static newsdex_status pair_query(const char *a, const char *b, nx_xquery **out, nx_error *err)
{
    nx_xquery *terms[2] = {NULL, NULL};
    newsdex_status st = nx_xquery_term(a, 1, 0, &terms[0], err);
    if (st == NEWSDEX_OK)
        st = nx_xquery_term(b, 1, 0, &terms[1], err);
    if (st == NEWSDEX_OK)
        st = getenv("NX_PROX_AND") ? nx_xquery_combine(NX_XQ_AND, terms, 2, 0, out, err) : nx_xquery_combine(NX_XQ_NEAR, terms, 2, (getenv("NX_PROX_GAP") ? atoi(getenv("NX_PROX_GAP")) : NX_PROXIMITY_GAP) + 2, out, err);
    nx_xquery_free(terms[0]);
    nx_xquery_free(terms[1]);
    return st;
}

static newsdex_status pairs_query(const word_set *s, nx_xquery **out, nx_error *err)
{
    nx_xquery *pairs[NX_PROXIMITY_MAX_WORDS] = {NULL};
    size_t n = 0;
    newsdex_status st = NEWSDEX_OK;
    for (size_t i = 0; i + 1 < s->n && st == NEWSDEX_OK; i++)
        if (strcmp(s->w[i], s->w[i + 1]) != 0 && (st = pair_query(s->w[i], s->w[i + 1],
                                                                  &pairs[n], err)) == NEWSDEX_OK)
            n++;
    nx_xquery *any = NULL;
    if (st == NEWSDEX_OK && n > 0)
        st = nx_xquery_combine(NX_XQ_OR, pairs, n, 0, &any, err);
    if (st == NEWSDEX_OK && any)
        st = nx_xquery_scale(any, getenv("NX_PROX_SCALE") ? atof(getenv("NX_PROX_SCALE")) : NX_PROXIMITY_SCALE, out, err);
    nx_xquery_free(any);
    for (size_t i = 0; i < n; i++)
        nx_xquery_free(pairs[i]);
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
    if (st == NEWSDEX_OK && s->n >= 2 && !getenv("NX_PROX_OFF"))
        st = pairs_query(s, out, err);
    free(s);
    return st;
}

newsdex_status nx_rank_boost(const nx_xquery *q, const nx_xquery *boost, nx_xquery **out,
                             nx_error *err)
{
    nx_xquery *parts[2] = {(nx_xquery *)q, (nx_xquery *)boost};
    return nx_xquery_combine(NX_XQ_AND_MAYBE, parts, 2, 0, out, err);
}
