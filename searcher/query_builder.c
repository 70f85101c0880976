#include "query_builder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/terms.h"

/* The words of one WORD or PHRASE node after analysis. */
typedef struct word_list {
    char **texts, **stems;
    size_t n, cap;
    int nomem;
} word_list;

typedef struct builder {
    nx_analyzer *analyzer;
    nx_built_query *out;
    nx_error *err;
    newsdex_status status;
} builder;

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static int collect_word(const nx_token *tok, void *ctx)
{
    word_list *w = ctx;
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 8;
        char **t = realloc(w->texts, cap * sizeof *t);
        if (t)
            w->texts = t;
        char **s = t ? realloc(w->stems, cap * sizeof *s) : NULL;
        if (s)
            w->stems = s;
        if (!t || !s) {
            w->nomem = 1;
            return 1;
        }
        w->cap = cap;
    }
    w->texts[w->n] = dup_n(tok->text, tok->text_len);
    w->stems[w->n] = dup_n(tok->stem, tok->stem_len);
    if (!w->texts[w->n] || !w->stems[w->n]) {
        free(w->texts[w->n]);
        free(w->stems[w->n]);
        w->nomem = 1;
        return 1;
    }
    w->n++;
    return 0;
}

static void word_list_free(word_list *w)
{
    for (size_t i = 0; i < w->n; i++) {
        free(w->texts[i]);
        free(w->stems[i]);
    }
    free(w->texts);
    free(w->stems);
}

static int fail(builder *b, newsdex_status st)
{
    if (b->status == NEWSDEX_OK)
        b->status = st;
    return st != NEWSDEX_OK;
}

/* Remember a stem for highlighting (takes ownership). */
static void keep_stem(builder *b, char *stem)
{
    char **grown = realloc(b->out->stems, (b->out->n_stems + 1) * sizeof *grown);
    if (!grown) {
        free(stem);
        fail(b, nx_error_set(b->err, NEWSDEX_ERR_NOMEM, "out of memory"));
        return;
    }
    b->out->stems = grown;
    b->out->stems[b->out->n_stems++] = stem;
}

static nx_xquery *term_query(builder *b, const char *prefix, const char *word)
{
    char term[NX_TERM_MAX_BYTES + 8];
    snprintf(term, sizeof term, "%s%s", prefix, word);
    nx_xquery *q = NULL;
    fail(b, nx_xquery_term(term, 1, 0, &q, b->err));
    return q;
}

/* Combines and frees the parts (NULL parts are skipped). */
static nx_xquery *combine(builder *b, nx_xquery_op op, nx_xquery **parts, size_t n,
                          uint32_t window)
{
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (parts[i])
            parts[kept++] = parts[i];
    nx_xquery *q = NULL;
    if (kept == 1 && op != NX_XQ_PHRASE) {
        q = parts[0];
        parts[0] = NULL;
    } else if (kept > 0 && b->status == NEWSDEX_OK) {
        fail(b, nx_xquery_combine(op, parts, kept, window, &q, b->err));
    }
    for (size_t i = 0; i < kept; i++)
        nx_xquery_free(parts[i]);
    return q;
}

/* A 4-digit year 1900-2099: matched in the text or as the article's year. */
static int is_year(const char *w)
{
    return strlen(w) == 4 && (strncmp(w, "19", 2) == 0 || strncmp(w, "20", 2) == 0) &&
           w[2] >= '0' && w[2] <= '9' && w[3] >= '0' && w[3] <= '9';
}

static nx_xquery *build_words(builder *b, const char *text, int phrase, int highlight)
{
    word_list w = {0};
    newsdex_status st = nx_analyze(b->analyzer, text, strlen(text), collect_word, &w, b->err);
    if (w.nomem)
        st = nx_error_set(b->err, NEWSDEX_ERR_NOMEM, "out of memory");
    nx_xquery *q = NULL;
    if (!fail(b, st) && w.n == 1 && !phrase) {
        nx_xquery *parts[2] = {term_query(b, NX_PREFIX_STEM, w.stems[0]), NULL};
        if (is_year(w.texts[0]))
            parts[1] = term_query(b, NX_PREFIX_YEAR, w.texts[0]);
        q = combine(b, NX_XQ_OR, parts, 2, 0);
    } else if (!fail(b, st) && w.n == 1) {
        q = term_query(b, "", w.texts[0]);
    } else if (!fail(b, st) && w.n > 1) {
        nx_xquery **parts = calloc(w.n, sizeof *parts);
        if (!parts)
            fail(b, nx_error_set(b->err, NEWSDEX_ERR_NOMEM, "out of memory"));
        for (size_t i = 0; parts && i < w.n; i++)
            parts[i] = term_query(b, "", w.texts[i]);
        if (parts)
            q = combine(b, NX_XQ_PHRASE, parts, w.n, (uint32_t)w.n);
        free(parts);
    }
    for (size_t i = 0; highlight && b->status == NEWSDEX_OK && i < w.n; i++) {
        keep_stem(b, w.stems[i]);
        w.stems[i] = NULL;
    }
    word_list_free(&w);
    return q;
}

static nx_xquery *build_node(builder *b, const nx_qnode *n, int negated);

static nx_xquery *match_all_but(builder *b, nx_xquery *excluded)
{
    if (!excluded)
        return NULL;
    nx_xquery *parts[2] = {NULL, excluded};
    fail(b, nx_xquery_match_all(&parts[0], b->err));
    return combine(b, NX_XQ_AND_NOT, parts, 2, 0);
}

/* AND: the positive children are all required, the NOT children excluded. */
static nx_xquery *build_and(builder *b, const nx_qnode *n, int negated)
{
    nx_xquery **pos = calloc(n->n_kids + 1, sizeof *pos);
    nx_xquery **neg = calloc(n->n_kids + 1, sizeof *neg);
    size_t np = 0, nn = 0;
    if (!pos || !neg)
        fail(b, nx_error_set(b->err, NEWSDEX_ERR_NOMEM, "out of memory"));
    for (size_t i = 0; pos && neg && i < n->n_kids; i++) {
        const nx_qnode *kid = n->kids[i];
        if (kid->kind == NX_QN_NOT)
            neg[nn++] = build_node(b, kid->kids[0], !negated);
        else
            pos[np++] = build_node(b, kid, negated);
    }
    nx_xquery *q = pos && neg ? combine(b, NX_XQ_AND, pos, np, 0) : NULL;
    nx_xquery *excluded = pos && neg ? combine(b, NX_XQ_OR, neg, nn, 0) : NULL;
    if (excluded && q) {
        nx_xquery *parts[2] = {q, excluded};
        q = combine(b, NX_XQ_AND_NOT, parts, 2, 0);
    } else if (excluded) {
        q = match_all_but(b, excluded);
    }
    free(pos);
    free(neg);
    return q;
}

static nx_xquery *build_node(builder *b, const nx_qnode *n, int negated)
{
    if (b->status != NEWSDEX_OK)
        return NULL;
    switch (n->kind) {
    case NX_QN_WORD:
        return build_words(b, n->text, 0, !negated);
    case NX_QN_PHRASE:
        return build_words(b, n->text, 1, !negated);
    case NX_QN_NOT:
        return match_all_but(b, build_node(b, n->kids[0], !negated));
    case NX_QN_AND:
        return build_and(b, n, negated);
    case NX_QN_OR: {
        nx_xquery **parts = calloc(n->n_kids + 1, sizeof *parts);
        if (!parts) {
            fail(b, nx_error_set(b->err, NEWSDEX_ERR_NOMEM, "out of memory"));
            return NULL;
        }
        for (size_t i = 0; i < n->n_kids; i++)
            parts[i] = build_node(b, n->kids[i], negated);
        nx_xquery *q = combine(b, NX_XQ_OR, parts, n->n_kids, 0);
        free(parts);
        return q;
    }
    }
    return NULL;
}

newsdex_status nx_query_build(nx_analyzer *analyzer, const nx_query_tree *tree,
                              nx_built_query *out, nx_error *err)
{
    memset(out, 0, sizeof *out);
    builder b = {analyzer, out, err, NEWSDEX_OK};
    if (tree->root)
        out->query = build_node(&b, tree->root, 0);
    if (b.status != NEWSDEX_OK) {
        nx_built_query_free(out);
        return b.status;
    }
    return NEWSDEX_OK;
}

void nx_built_query_free(nx_built_query *q)
{
    nx_xquery_free(q->query);
    for (size_t i = 0; i < q->n_stems; i++)
        free(q->stems[i]);
    free(q->stems);
    memset(q, 0, sizeof *q);
}
