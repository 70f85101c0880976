#include "spelling.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query_parser.h"
#include "search_internal.h"
#include "../engine/stopwords.h"
#include "../engine/terms.h"

#define WORD_MAX 64

unsigned nx_edit_distance(const char *a, size_t na, const char *b, size_t nb, unsigned max)
{
    if (na > WORD_MAX || nb > WORD_MAX)
        return max + 1;
    if ((na > nb ? na - nb : nb - na) > max)
        return max + 1;
    unsigned rows[3][WORD_MAX + 1];
    unsigned *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= nb; j++)
        prev[j] = (unsigned)j;
    for (size_t i = 1; i <= na; i++) {
        unsigned row_min = cur[0] = (unsigned)i;
        for (size_t j = 1; j <= nb; j++) {
            unsigned cost = a[i - 1] != b[j - 1];
            unsigned v = prev[j - 1] + cost;
            if (prev[j] + 1 < v)
                v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                prev2[j - 2] + 1 < v)
                v = prev2[j - 2] + 1;
            cur[j] = v;
            row_min = v < row_min ? v : row_min;
        }
        if (row_min > max)
            return max + 1;
        unsigned *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[nb] <= max ? prev[nb] : max + 1;
}

/* ---- Finding the best candidate ---- */

typedef struct candidate_search {
    const char *word;
    size_t len;
    unsigned max;
    unsigned best_dist;
    uint64_t best_freq;
    char best[WORD_MAX + 1];
    newsdex_db *db;  /* for the time limit */
    uint64_t seen;
    int out_of_time; /* the search ran out of time */
} candidate_search;

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int consider(const char *term, size_t len, uint64_t freq, void *ctx)
{
    candidate_search *c = ctx;
    if (++c->seen % 1024 == 0 && nx_budget_time(c->db) != NEWSDEX_OK)
        return c->out_of_time = 1;
    if (len > WORD_MAX || all_digits(term, len))
        return 0;
    unsigned d = nx_edit_distance(c->word, c->len, term, len, c->max);
    if (d == 0 || d > c->max)
        return 0;
    if (d < c->best_dist || (d == c->best_dist && freq > c->best_freq)) {
        c->best_dist = d;
        c->best_freq = freq;
        memcpy(c->best, term, len);
        c->best[len] = '\0';
    }
    return 0;
}

/* ---- The query's words ---- */

typedef struct token_one {
    char text[WORD_MAX + 1], stem[WORD_MAX + 1];
    int digits; /* no stem term: the word's own counts (engine/terms.h) */
    size_t n;
} token_one;

static int first_token(const nx_token *tok, void *ctx)
{
    token_one *t = ctx;
    if (t->n++ == 0 && tok->text_len <= WORD_MAX) {
        memcpy(t->text, tok->text, tok->text_len + 1);
        memcpy(t->stem, tok->stem, tok->stem_len + 1);
        t->digits = (int)tok->digits;
    }
    return t->n > 1;
}

/* The single token of text, or -1 if text is not one token. */
static int one_token(newsdex_db *db, const char *text, token_one *t)
{
    memset(t, 0, sizeof *t);
    nx_error ignored;
    if (nx_analyze(db->analyzer, text, strlen(text), first_token, t, &ignored) != NEWSDEX_OK)
        return -1;
    return t->n == 1 && t->text[0] ? 0 : -1;
}

static uint64_t stem_freq(newsdex_db *db, const token_one *t)
{
    char term[WORD_MAX + 8];
    uint64_t freq = 0;
    snprintf(term, sizeof term, "%s%s", t->digits ? "" : NX_PREFIX_STEM, t->stem);
    if (nx_xdb_termfreq(db->xdb, term, &freq, NULL) != NEWSDEX_OK)
        return 0;
    return freq;
}

/* A likelier spelling of text in out, or -1 when there is none (-2: out
 * of time). */
static int correct_word(newsdex_db *db, const char *text, char *out, size_t cap)
{
    token_one t;
    if (one_token(db, text, &t) != 0 || strlen(t.text) < NX_SPELL_MIN_LEN ||
        all_digits(t.text, strlen(t.text)) || nx_is_stopword(t.text, strlen(t.text)))
        return -1;
    uint64_t freq = stem_freq(db, &t);
    if (freq >= NX_SPELL_RARE)
        return -1;
    candidate_search c = {.word = t.text, .len = strlen(t.text), .best_dist = 99, .db = db};
    c.max = c.len <= 4 ? 1 : 2;
    char prefix[2] = {t.text[0], '\0'};
    if (nx_xdb_each_term(db->xdb, prefix, consider, &c, NULL) != NEWSDEX_OK ||
        c.out_of_time || !c.best[0])
        return c.out_of_time ? -2 : -1;
    token_one fixed;
    if (c.best_freq < NX_SPELL_RARE || c.best_freq < 3 * freq ||
        one_token(db, c.best, &fixed) != 0 || strcmp(fixed.stem, t.stem) == 0)
        return -1;
    snprintf(out, cap, "%s", c.best);
    return 0;
}

/* ---- Rewriting the query text ---- */

typedef struct fix {
    size_t at, len;          /* bytes of the query replaced */
    char with[WORD_MAX + 1];
} fix;

typedef struct fix_list {
    fix v[NX_SPELL_MAX_WORDS];
    size_t n;
    int out_of_time;
} fix_list;

/* Where the text of node n is in the query (n->pos may point at a '+'). */
static int locate(const char *query, const nx_qnode *n, size_t *at)
{
    size_t len = strlen(n->text), qlen = strlen(query);
    for (size_t k = n->pos; k <= n->pos + 2 && k + len <= qlen; k++)
        if (memcmp(query + k, n->text, len) == 0) {
            *at = k;
            return 0;
        }
    return -1;
}

/* The correction written as the user wrote the word: all capitals
 * ("LEHMANN" gives "LEHMAN") or a capital first letter ("Lehmann" gives
 * "Lehman"); the index's terms are lower case. ASCII letters only. */
static void keep_case(const char *typed, char *fixed)
{
    int upper = 0, lower = 0;
    for (const char *p = typed; *p; p++) {
        upper += *p >= 'A' && *p <= 'Z';
        lower += *p >= 'a' && *p <= 'z';
    }
    if (upper > 1 && !lower) {
        for (char *p = fixed; *p; p++)
            if (*p >= 'a' && *p <= 'z')
                *p = (char)(*p - 'a' + 'A');
    } else if (typed[0] >= 'A' && typed[0] <= 'Z' && fixed[0] >= 'a' && fixed[0] <= 'z') {
        fixed[0] = (char)(fixed[0] - 'a' + 'A');
    }
}

static void collect_fixes(newsdex_db *db, const char *query, const nx_qnode *n, fix_list *f)
{
    if (f->n == NX_SPELL_MAX_WORDS || f->out_of_time || n->kind == NX_QN_NOT ||
        (n->kind == NX_QN_FIELD && strcmp(n->text, "title") != 0))
        return;
    if (n->kind == NX_QN_WORD) {
        fix *x = &f->v[f->n];
        int rc = locate(query, n, &x->at) == 0 ? correct_word(db, n->text, x->with, sizeof x->with)
                                               : -1;
        if (rc == 0) {
            keep_case(n->text, x->with);
            x->len = strlen(n->text);
            f->n++;
        }
        f->out_of_time = rc == -2;
        return;
    }
    for (size_t i = 0; i < n->n_kids; i++)
        collect_fixes(db, query, n->kids[i], f);
}

static char *apply_fixes(const char *query, const fix_list *f)
{
    size_t len = strlen(query) + 1;
    for (size_t i = 0; i < f->n; i++)
        len += strlen(f->v[i].with);
    char *out = malloc(len), *p = out;
    size_t from = 0;
    for (size_t i = 0; out && i < f->n; i++) {
        memcpy(p, query + from, f->v[i].at - from);
        p += f->v[i].at - from;
        p += sprintf(p, "%s", f->v[i].with);
        from = f->v[i].at + f->v[i].len;
    }
    if (out)
        strcpy(p, query + from);
    return out;
}

static int any_field(const char *name, void *ctx)
{
    (void)name, (void)ctx;
    return 1;
}

newsdex_status nx_spell_suggest(newsdex_db *db, const char *query, char **out)
{
    *out = NULL;
    nx_query_tree tree;
    nx_error ignored;
    if (!query || nx_query_parse_with(query, any_field, NULL, &tree, &ignored) != NEWSDEX_OK)
        return NEWSDEX_OK;
    fix_list f = {0};
    if (tree.root)
        collect_fixes(db, query, tree.root, &f);
    nx_query_tree_free(&tree);
    if (f.out_of_time)
        return nx_limit_fail(db, NEWSDEX_LIMIT_TIME_MS);
    if (f.n == 0)
        return NEWSDEX_OK;
    *out = apply_fixes(query, &f);
    return *out ? NEWSDEX_OK : nx_error_set(&db->err, NEWSDEX_ERR_NOMEM, "out of memory");
}
