#include "query_builder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "date_filter.h"
#include "../engine/field_terms.h"
#include "../engine/stopwords.h"
#include "../engine/terms.h"

/* The words of one WORD or PHRASE node after analysis, and the joined form
 * of the first hyphenated compound among them (Wal-Mart: walmart). */
typedef struct word_list {
    char **texts, **stems;
    unsigned char *digits; /* the word holds a digit: it has no stem term */
    size_t n, cap;
    int nomem;
    char *joined_text, *joined_stem;
    unsigned joined_parts;
    size_t n_joined;
} word_list;

/* Where the words of a node are looked for. */
typedef enum field_kind { F_TEXT, F_TITLE, F_FILTER, F_ID } field_kind;

typedef struct scope {
    field_kind kind;
    const char *field;  /* canonical field name (F_FILTER, F_ID) */
    int negated;        /* inside a NOT: no highlighting */
} scope;

typedef struct builder {
    nx_analyzer *analyzer;
    nx_built_query *out;
    nx_error *err;
    newsdex_status status;
    int keep_stopwords; /* the query has nothing but stopwords */
    int shouted;        /* several words, all in capitals: no name stands out */
    size_t exact_words; /* words given their exact form so far (this pass) */
    int highlight;      /* remember stems (off while building `relaxed`) */
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

static int collect_joined(const nx_token *tok, word_list *w)
{
    if (w->n_joined++)
        return 0;
    w->joined_text = dup_n(tok->text, tok->text_len);
    w->joined_stem = dup_n(tok->stem, tok->stem_len);
    w->joined_parts = tok->joined;
    w->nomem = !w->joined_text || !w->joined_stem;
    return w->nomem;
}

static int collect_word(const nx_token *tok, void *ctx)
{
    word_list *w = ctx;
    if (tok->joined)
        return collect_joined(tok, w);
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 8;
        char **t = realloc(w->texts, cap * sizeof *t);
        if (t)
            w->texts = t;
        char **s = t ? realloc(w->stems, cap * sizeof *s) : NULL;
        if (s)
            w->stems = s;
        unsigned char *d = s ? realloc(w->digits, cap) : NULL;
        if (d)
            w->digits = d;
        if (!t || !s || !d) {
            w->nomem = 1;
            return 1;
        }
        w->cap = cap;
    }
    w->texts[w->n] = dup_n(tok->text, tok->text_len);
    w->stems[w->n] = dup_n(tok->stem, tok->stem_len);
    w->digits[w->n] = (unsigned char)tok->digits;
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
    free(w->digits);
    free(w->joined_text);
    free(w->joined_stem);
    memset(w, 0, sizeof *w);
}

static int fail(builder *b, newsdex_status st)
{
    if (b->status == NEWSDEX_OK)
        b->status = st;
    return st != NEWSDEX_OK;
}

static void *nomem(builder *b)
{
    fail(b, nx_error_set(b->err, NEWSDEX_ERR_NOMEM, "out of memory building the query"));
    return NULL;
}

/* Appends the analyzed words of text to w; 0 on failure. */
static int analyze(builder *b, const char *text, word_list *w)
{
    newsdex_status st =
        nx_analyze_compounds(b->analyzer, text, strlen(text), collect_word, w, b->err);
    if (st == NEWSDEX_OK && w->nomem)
        return nomem(b), 0;
    return !fail(b, st);
}

/* Remember a stem for highlighting (takes it: *stem becomes NULL). */
static void keep_stem(builder *b, char **stem)
{
    if (b->status != NEWSDEX_OK)
        return;
    char **grown = realloc(b->out->stems, (b->out->n_stems + 1) * sizeof *grown);
    if (!grown) {
        nomem(b);
        return;
    }
    b->out->stems = grown;
    b->out->stems[b->out->n_stems++] = *stem;
    *stem = NULL;
}

/* Remember the stems of w for highlighting (takes them out of w). */
static void keep_stems(builder *b, const scope *sc, word_list *w)
{
    if (!b->highlight || sc->negated)
        return;
    for (size_t i = 0; i < w->n; i++)
        keep_stem(b, &w->stems[i]);
}

/* counted: the term counts towards NEWSDEX_LIMIT_QUERY_TERMS; the exact
 * forms and joined compounds that accompany a word's stem do not, so the
 * limit counts words as documented. */
static nx_xquery *term_query_counted(builder *b, const char *prefix, const char *word,
                                     int counted)
{
    char term[NX_TERM_MAX_BYTES + 8];
    snprintf(term, sizeof term, "%s%s", prefix, word);
    nx_xquery *q = NULL;
    if (b->status == NEWSDEX_OK)
        fail(b, nx_xquery_term(term, 1, 0, &q, b->err));
    if (b->highlight && counted) /* the first pass: `relaxed` reuses the same terms */
        b->out->n_terms++;
    return q;
}

static nx_xquery *term_query(builder *b, const char *prefix, const char *word)
{
    return term_query_counted(b, prefix, word, 1);
}

/* Remember a wildcard's pattern, so the searcher can count what it expands to. */
static void keep_wildcard(builder *b, const char *pattern)
{
    if (!b->highlight || b->status != NEWSDEX_OK)
        return;
    b->out->n_terms++;
    char **grown = realloc(b->out->wildcards, (b->out->n_wildcards + 1) * sizeof *grown);
    char *copy = grown ? strdup(pattern) : NULL;
    if (grown)
        b->out->wildcards = grown;
    if (!copy) {
        nomem(b);
        return;
    }
    b->out->wildcards[b->out->n_wildcards++] = copy;
}

static nx_xquery *scaled(builder *b, nx_xquery *q, double factor);

/* Under AND and OR, k equal parts match what one does and weigh k times
 * as much: they become that one part with its weight scaled by k, so a
 * query that repeats itself ("the OR of OR and the OR of OR and ...")
 * reads each posting list once instead of k times. Returns the number of
 * parts left in parts[0, n). Parts are equal when Xapian describes them
 * alike (the description holds every term, operator, window and factor). */
static size_t merge_equal(builder *b, nx_xquery **parts, size_t n)
{
    if (b->status != NEWSDEX_OK)
        return n; /* nothing will be combined */
    char **text = calloc(n, sizeof *text);
    size_t *first = calloc(2 * n, sizeof *first), *times = first ? first + n : NULL;
    if (!text || !first)
        nomem(b);
    for (size_t i = 0; b->status == NEWSDEX_OK && i < n; i++)
        fail(b, nx_xquery_describe(parts[i], &text[i], b->err));
    size_t kept = n;
    if (b->status == NEWSDEX_OK) {
        /* parts[j] is the first of its kind, parts[first[j]] as given. */
        kept = 0;
        for (size_t i = 0; i < n; i++) {
            size_t j = 0;
            while (j < kept && strcmp(text[first[j]], text[i]) != 0)
                j++;
            if (j == kept) {
                first[kept] = i;
                times[kept] = 0;
                parts[kept++] = parts[i];
            } else {
                nx_xquery_free(parts[i]);
            }
            times[j]++;
        }
        for (size_t j = 0; j < kept; j++)
            if (times[j] > 1)
                parts[j] = scaled(b, parts[j], (double)times[j]);
    }
    for (size_t i = 0; text && i < n; i++)
        free(text[i]);
    free(text);
    free(first);
    return kept;
}

/* Combines and frees the parts (NULL parts are skipped). A single part is
 * returned as it is, except under the positional operators. */
static nx_xquery *combine(builder *b, nx_xquery_op op, nx_xquery **parts, size_t n,
                          uint32_t window)
{
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (parts[i])
            parts[kept++] = parts[i];
    if (kept > 1 && (op == NX_XQ_AND || op == NX_XQ_OR))
        kept = merge_equal(b, parts, kept);
    nx_xquery *q = NULL;
    if (kept == 1 && op != NX_XQ_PHRASE && op != NX_XQ_NEAR) {
        q = parts[0];
        parts[0] = NULL;
    } else if (kept > 0 && b->status == NEWSDEX_OK) {
        fail(b, nx_xquery_combine(op, parts, kept, window, &q, b->err));
    }
    for (size_t i = 0; i < kept; i++)
        nx_xquery_free(parts[i]);
    return q;
}

static nx_xquery *combine2(builder *b, nx_xquery_op op, nx_xquery *x, nx_xquery *y)
{
    nx_xquery *parts[2] = {x, y};
    return combine(b, op, parts, 2, 0);
}

/* q with its weight multiplied by factor (0: a pure filter). Frees q. */
static nx_xquery *scaled(builder *b, nx_xquery *q, double factor)
{
    nx_xquery *s = NULL;
    if (q && b->status == NEWSDEX_OK)
        fail(b, nx_xquery_scale(q, factor, &s, b->err));
    nx_xquery_free(q);
    return s;
}

/* A 4-digit year 1900-2099: matched in the text or as the article's year. */
static int is_year(const char *w)
{
    return strlen(w) == 4 && (strncmp(w, "19", 2) == 0 || strncmp(w, "20", 2) == 0) &&
           w[2] >= '0' && w[2] <= '9' && w[3] >= '0' && w[3] <= '9';
}

/* The year in the text OR the article's year is required, without weight;
 * only the date adds weight. Were the text to weigh too, a rare "2024" in
 * an article dated 2023 could outrank the articles dated 2024. */
static nx_xquery *year_query(builder *b, const char *year)
{
    nx_xquery *either = combine2(b, NX_XQ_OR, term_query(b, "", year),
                                 term_query(b, NX_PREFIX_YEAR, year));
    nx_xquery *dated = scaled(b, term_query(b, NX_PREFIX_YEAR, year), NX_YEAR_DATE_BOOST);
    return combine2(b, NX_XQ_AND_MAYBE, scaled(b, either, 0.0), dated);
}

/* Exact word forms in order (prefix "" or the title's "S"). */
static nx_xquery *positional(builder *b, const char *prefix, word_list *w, nx_xquery_op op,
                             uint32_t extra)
{
    if (w->n == 1)
        return term_query(b, prefix, w->texts[0]);
    nx_xquery **parts = calloc(w->n, sizeof *parts);
    if (!parts)
        return nomem(b);
    for (size_t i = 0; i < w->n; i++)
        parts[i] = term_query(b, prefix, w->texts[i]);
    nx_xquery *q = combine(b, op, parts, w->n, (uint32_t)w->n + extra);
    free(parts);
    return q;
}

/* Counts the capital and the small letters of s into cases[0], cases[1]. */
static void count_cases(const char *s, size_t cases[2])
{
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0) {
            i++;
            continue;
        }
        utf8proc_category_t c = utf8proc_category(cp);
        cases[0] += c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LT;
        cases[1] += c == UTF8PROC_CATEGORY_LL;
        i += (size_t)n;
    }
}

/* A word typed with a capital is taken for a name (Yukos, BP), unless the
 * whole query is in capitals. */
static int capitalised(const builder *b, const char *s)
{
    size_t cases[2] = {0, 0};
    count_cases(s, cases);
    return cases[0] > 0 && !b->shouted;
}

/* Counts the words and letter cases of the query's words and phrases. */
static void tree_cases(const nx_qnode *n, size_t cases[2], size_t *words)
{
    if (n->kind == NX_QN_WORD || n->kind == NX_QN_PHRASE) {
        count_cases(n->text, cases);
        ++*words;
    }
    if (n->kind != NX_QN_FIELD)
        for (size_t i = 0; i < n->n_kids; i++)
            tree_cases(n->kids[i], cases, words);
}

static int shouted(const nx_qnode *root)
{
    size_t cases[2] = {0, 0}, words = 0;
    tree_cases(root, cases, &words);
    return words > 1 && cases[0] > 0 && cases[1] == 0;
}

/* A word: any inflection (its stem term) matches; the word as written (its
 * exact folded form) adds weight, so that Yukos ranks the articles saying
 * "Yukos" above those saying only "Yuko", which shares the stem. */
static nx_xquery *word_query(builder *b, const scope *sc, const char *text, const char *stem,
                             int digits, const nx_qnode *n, int counted)
{
    int title = sc->kind == F_TITLE;
    if (digits) /* no stem term: the word's own (engine/terms.h) */
        return term_query_counted(b, title ? NX_PREFIX_TITLE : "", text, counted);
    nx_xquery *q =
        term_query_counted(b, title ? NX_PREFIX_TITLE_STEM : NX_PREFIX_STEM, stem, counted);
    /* An excluded word weighs nothing (and Xapian 1.4 reads uninitialised
     * memory for AND_MAYBE under AND_NOT); hundreds of words would read
     * twice the posting lists. */
    if (sc->negated || b->exact_words >= NX_EXACT_MAX_WORDS)
        return q;
    int name = capitalised(b, n->text);
    /* A lower-case word that is its own stem (oil, layoff) shares it only
     * with its own inflections (oils, layoffs), which rank alike; reading a
     * second posting list to break ties among them costs a tenth of a
     * query's time. */
    if (!name && strcmp(text, stem) == 0)
        return q;
    b->exact_words++;
    double boost = name ? NX_EXACT_NAME_BOOST : NX_EXACT_BOOST;
    nx_xquery *exact = term_query_counted(b, title ? NX_PREFIX_TITLE : "", text, 0);
    return combine2(b, NX_XQ_AND_MAYBE, q, scaled(b, exact, boost));
}

/* One unquoted word of free text or of title:. */
static nx_xquery *single_word(builder *b, const nx_qnode *n, const scope *sc, word_list *w)
{
    const char *text = w->texts[0];
    if (sc->kind != F_TITLE) {
        if (!n->forced && !b->keep_stopwords && nx_is_stopword(text, strlen(text))) {
            word_list_free(w); /* nothing to search or highlight */
            return NULL;
        }
        if (is_year(text))
            return year_query(b, text);
    }
    return word_query(b, sc, text, w->stems[0], w->digits[0], n, 1);
}

/* An unquoted hyphenated compound (Wal-Mart): its parts in order, or its
 * joined form (walmart, which the indexer also puts where the compound is). */
static nx_xquery *compound(builder *b, const nx_qnode *n, const scope *sc, word_list *w)
{
    const char *prefix = sc->kind == F_TITLE ? NX_PREFIX_TITLE : "";
    nx_xquery *parts = positional(b, prefix, w, NX_XQ_PHRASE, 0);
    if (w->n_joined != 1 || w->joined_parts != w->n)
        return parts; /* several compounds, or other words beside one */
    nx_xquery *joined = word_query(b, sc, w->joined_text, w->joined_stem, 0, n, 0);
    if (b->highlight && !sc->negated)
        keep_stem(b, &w->joined_stem);
    return combine2(b, NX_XQ_OR, parts, joined);
}

static nx_xquery *text_words(builder *b, const nx_qnode *n, const scope *sc, int phrase)
{
    word_list w = {0};
    nx_xquery *q = NULL;
    if (analyze(b, n->text, &w) && w.n > 0) {
        const char *prefix = sc->kind == F_TITLE ? NX_PREFIX_TITLE : "";
        if (!phrase && w.n == 1)
            q = single_word(b, n, sc, &w);
        else if (!phrase)
            q = compound(b, n, sc, &w);
        else
            q = positional(b, prefix, &w, NX_XQ_PHRASE, 0);
        keep_stems(b, sc, &w);
    }
    word_list_free(&w);
    return q;
}

/* ---- Fields ---- */

const char *nx_query_list_name(const char *field)
{
    static const char *const map[][2] = {
        {"source", "source"}, {"topic", "topics"}, {"place", "places"},
        {"company", "companies"}, {"author", "authors"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(field, map[i][0]) == 0)
            return map[i][1];
    return field;
}

static newsdex_status query_error(builder *b, const nx_qnode *n, const char *fmt,
                                  const char *arg)
{
    char msg[NX_ERROR_MAX / 2];
    snprintf(msg, sizeof msg, fmt, arg);
    return nx_error_set(b->err, NEWSDEX_ERR_QUERY, "position %zu: %s", n->column, msg);
}

/* X<LIST>:<value> or Q<id>; *term is "" when the value has no words. */
static void filter_term(builder *b, const nx_qnode *n, const scope *sc, char *term, size_t cap)
{
    term[0] = '\0';
    if (sc->kind == F_ID) {
        if (strlen(n->text) <= NX_ID_MAX_BYTES)
            snprintf(term, cap, "%s%s", NX_PREFIX_ID, n->text);
        return;
    }
    fail(b, nx_field_term(b->analyzer, nx_query_list_name(sc->field), n->text, term, cap,
                          b->err));
    if (!term[0] && b->status == NEWSDEX_OK)
        fail(b, nx_error_set(b->err, NEWSDEX_ERR_QUERY,
                             "position %zu: %s: \"%.60s\" has no words to search for",
                             n->column, sc->field, n->text));
}

/* A filter value: the whole value is one term, without weight. */
static nx_xquery *filter_value(builder *b, const nx_qnode *n, const scope *sc)
{
    char term[NX_TERM_MAX_BYTES + 8];
    filter_term(b, n, sc, term, sizeof term);
    if (b->status != NEWSDEX_OK)
        return NULL;
    if (!term[0]) { /* an id too long to exist */
        nx_xquery *none = NULL;
        fail(b, nx_xquery_match_nothing(&none, b->err));
        return none;
    }
    return scaled(b, term_query(b, "", term), 0.0);
}

/* Characters (code points) in s. */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* The wildcard's minimum length holds for the word part of the term the
 * analyzer produced (after the term's prefix), not for the text typed:
 * the analyzer drops soft hyphens, combining marks and zero-width
 * characters, which would otherwise count. */
static int wildcard_too_short(builder *b, const nx_qnode *n, const char *word)
{
    if (utf8_chars(word) >= NX_QUERY_WILDCARD_MIN)
        return 0;
    fail(b, nx_error_set(b->err, NEWSDEX_ERR_QUERY,
                         "position %zu: wildcard \"%.60s*\" needs at least %d letters before *"
                         " (it searches for \"%.60s*\")",
                         n->column, n->text, NX_QUERY_WILDCARD_MIN, word));
    return 1;
}

/* prefix_len: bytes of the term prefix in pattern, before the word. */
static nx_xquery *wildcard_query(builder *b, const nx_qnode *n, const char *pattern,
                                 size_t prefix_len, double factor)
{
    nx_xquery *q = NULL;
    if (b->status != NEWSDEX_OK || wildcard_too_short(b, n, pattern + prefix_len))
        return NULL;
    fail(b, nx_xquery_wildcard(pattern, NX_WILDCARD_MAX_TERMS, &q, b->err));
    keep_wildcard(b, pattern);
    return factor == 1.0 ? q : scaled(b, q, factor);
}

static nx_xquery *build_wildcard(builder *b, const nx_qnode *n, const scope *sc)
{
    char pattern[NX_TERM_MAX_BYTES + 8];
    if (sc->kind == F_FILTER || sc->kind == F_ID) {
        filter_term(b, n, sc, pattern, sizeof pattern);
        if (b->status != NEWSDEX_OK || !pattern[0])
            return NULL;
        const char *colon = sc->kind == F_ID ? NULL : strchr(pattern, ':');
        size_t prefix_len = colon ? (size_t)(colon + 1 - pattern) : strlen(NX_PREFIX_ID);
        return wildcard_query(b, n, pattern, prefix_len, 0.0);
    }
    word_list w = {0};
    nx_xquery *q = NULL;
    if (analyze(b, n->text, &w) && w.n != 1)
        fail(b, query_error(b, n, "wildcard \"%.60s*\" must be a single word", n->text));
    else if (b->status == NEWSDEX_OK) {
        const char *prefix = sc->kind == F_TITLE ? NX_PREFIX_TITLE : "";
        snprintf(pattern, sizeof pattern, "%s%s", prefix, w.texts[0]);
        q = wildcard_query(b, n, pattern, strlen(prefix), 1.0);
    }
    word_list_free(&w);
    return q;
}

/* The words of every child, in any order within n->window other words. */
static nx_xquery *build_near(builder *b, const nx_qnode *n, const scope *sc)
{
    if (sc->kind == F_FILTER || sc->kind == F_ID) {
        fail(b, query_error(b, n, "proximity searches text, not the field \"%s\"", sc->field));
        return NULL;
    }
    word_list w = {0};
    for (size_t i = 0; i < n->n_kids && b->status == NEWSDEX_OK; i++)
        analyze(b, n->kids[i]->text, &w);
    nx_xquery *q = NULL;
    if (b->status == NEWSDEX_OK && w.n > 0) {
        q = positional(b, sc->kind == F_TITLE ? NX_PREFIX_TITLE : "", &w, NX_XQ_NEAR, n->window);
        keep_stems(b, sc, &w);
    }
    word_list_free(&w);
    return q;
}

static nx_xquery *build_date(builder *b, const nx_qnode *n)
{
    nx_xquery *q = NULL;
    if (b->status == NEWSDEX_OK)
        fail(b, nx_query_date_filter(n->lo, n->hi, &q, b->err));
    return q;
}

/* ---- Tree ---- */

static nx_xquery *build_node(builder *b, const nx_qnode *n, const scope *sc);

static nx_xquery *match_all_but(builder *b, nx_xquery *excluded)
{
    if (!excluded)
        return NULL;
    nx_xquery *all = NULL;
    if (b->status == NEWSDEX_OK)
        fail(b, nx_xquery_match_all(&all, b->err));
    return combine2(b, NX_XQ_AND_NOT, all, excluded);
}

static scope negate(const scope *sc)
{
    scope neg = *sc;
    neg.negated = !sc->negated;
    return neg;
}

/* AND: the positive children are all required, the NOT children excluded. */
static nx_xquery *build_and(builder *b, const nx_qnode *n, const scope *sc)
{
    nx_xquery **pos = calloc(n->n_kids + 1, sizeof *pos);
    nx_xquery **neg = calloc(n->n_kids + 1, sizeof *neg);
    size_t np = 0, nn = 0;
    if (!pos || !neg) {
        free(pos);
        free(neg);
        return nomem(b);
    }
    scope neg_sc = negate(sc);
    for (size_t i = 0; i < n->n_kids; i++) {
        const nx_qnode *kid = n->kids[i];
        if (kid->kind == NX_QN_NOT)
            neg[nn++] = build_node(b, kid->kids[0], &neg_sc);
        else
            pos[np++] = build_node(b, kid, sc);
    }
    nx_xquery *q = combine(b, NX_XQ_AND, pos, np, 0);
    nx_xquery *excluded = combine(b, NX_XQ_OR, neg, nn, 0);
    free(pos);
    free(neg);
    if (excluded && q)
        return combine2(b, NX_XQ_AND_NOT, q, excluded);
    return excluded ? match_all_but(b, excluded) : q;
}

static nx_xquery *build_or(builder *b, const nx_qnode *n, const scope *sc)
{
    nx_xquery **parts = calloc(n->n_kids + 1, sizeof *parts);
    if (!parts)
        return nomem(b);
    for (size_t i = 0; i < n->n_kids; i++)
        parts[i] = build_node(b, n->kids[i], sc);
    nx_xquery *q = combine(b, NX_XQ_OR, parts, n->n_kids, 0);
    free(parts);
    return q;
}

static nx_xquery *build_field(builder *b, const nx_qnode *n, const scope *sc)
{
    scope inner = *sc;
    inner.field = n->text;
    inner.kind = strcmp(n->text, "title") == 0 ? F_TITLE
                 : strcmp(n->text, "id") == 0  ? F_ID
                                               : F_FILTER;
    return build_node(b, n->kids[0], &inner);
}

static nx_xquery *build_node(builder *b, const nx_qnode *n, const scope *sc)
{
    if (b->status != NEWSDEX_OK)
        return NULL;
    int filter = sc->kind == F_FILTER || sc->kind == F_ID;
    switch (n->kind) {
    case NX_QN_WORD:
    case NX_QN_PHRASE:
        return filter ? filter_value(b, n, sc) : text_words(b, n, sc, n->kind == NX_QN_PHRASE);
    case NX_QN_WILDCARD:
        return build_wildcard(b, n, sc);
    case NX_QN_NEAR:
        return build_near(b, n, sc);
    case NX_QN_DATE_RANGE:
        return build_date(b, n);
    case NX_QN_FIELD:
        return build_field(b, n, sc);
    case NX_QN_NOT: {
        scope neg = negate(sc);
        return match_all_but(b, build_node(b, n->kids[0], &neg));
    }
    case NX_QN_AND:
        return build_and(b, n, sc);
    case NX_QN_OR:
        return build_or(b, n, sc);
    }
    return NULL;
}

/* ---- Stopwords: dropped unless the query has nothing else ---- */

static int word_has_content(builder *b, const nx_qnode *n)
{
    word_list w = {0};
    int content = 1;
    if (analyze(b, n->text, &w))
        content = w.n > 1 || n->forced ||
                  (w.n == 1 && !nx_is_stopword(w.texts[0], strlen(w.texts[0])));
    word_list_free(&w);
    return content;
}

/* Does the query want anything besides stopwords (outside NOT)? */
static int has_content(builder *b, const nx_qnode *n)
{
    switch (n->kind) {
    case NX_QN_WORD:
        return word_has_content(b, n);
    case NX_QN_NOT:
        return 0;
    case NX_QN_AND:
    case NX_QN_OR:
        for (size_t i = 0; i < n->n_kids; i++)
            if (has_content(b, n->kids[i]))
                return 1;
        return 0;
    default:
        return 1;
    }
}

/* ---- Relaxed fallback ---- */

static void free_parts(nx_xquery **parts, size_t n)
{
    for (size_t i = 0; i < n; i++)
        nx_xquery_free(parts[i]);
}

static int is_filter(const nx_qnode *n)
{
    return n->kind == NX_QN_DATE_RANGE ||
           (n->kind == NX_QN_FIELD && strcmp(n->text, "title") != 0);
}

/* OR of the scoring parts of the top-level AND, filtered and excluded as
 * the strict query is; NULL when fewer than two parts score. */
static nx_xquery *build_relaxed(builder *b, const nx_qnode *root)
{
    size_t k = root->n_kids, ns = 0, nf = 0, nn = 0;
    nx_xquery **score = calloc(k + 1, sizeof *score);
    nx_xquery **filters = calloc(k + 2, sizeof *filters);
    nx_xquery **neg = calloc(k + 1, sizeof *neg);
    if (!score || !filters || !neg) {
        free(score);
        free(filters);
        free(neg);
        return nomem(b);
    }
    scope text = {F_TEXT, NULL, 0}, negated = {F_TEXT, NULL, 1};
    for (size_t i = 0; i < k; i++) {
        const nx_qnode *kid = root->kids[i];
        if (kid->kind == NX_QN_NOT)
            neg[nn++] = build_node(b, kid->kids[0], &negated);
        else if (is_filter(kid))
            filters[nf++] = build_node(b, kid, &text);
        else if ((score[ns] = build_node(b, kid, &text)) != NULL)
            ns++;
    }
    nx_xquery *q = NULL;
    if (ns >= 2) {
        filters[nf++] = combine(b, NX_XQ_OR, score, ns, 0);
        q = combine(b, NX_XQ_AND, filters, nf, 0);
        nx_xquery *excluded = combine(b, NX_XQ_OR, neg, nn, 0);
        q = excluded ? combine2(b, NX_XQ_AND_NOT, q, excluded) : q;
    } else {
        free_parts(score, ns);
        free_parts(filters, nf);
        free_parts(neg, nn);
    }
    free(score);
    free(filters);
    free(neg);
    return q;
}

newsdex_status nx_query_build(nx_analyzer *analyzer, const nx_query_tree *tree,
                              nx_built_query *out, nx_error *err)
{
    memset(out, 0, sizeof *out);
    builder b = {analyzer, out, err, NEWSDEX_OK, 0, 0, 0, 1};
    if (tree->root) {
        b.keep_stopwords = !has_content(&b, tree->root);
        b.shouted = shouted(tree->root);
        scope text = {F_TEXT, NULL, 0};
        out->query = build_node(&b, tree->root, &text);
        b.highlight = 0;
        b.exact_words = 0;
        if (tree->root->kind == NX_QN_AND && b.status == NEWSDEX_OK)
            out->relaxed = build_relaxed(&b, tree->root);
    }
    if (b.status != NEWSDEX_OK) {
        nx_built_query_free(out);
        return b.status;
    }
    return NEWSDEX_OK;
}

void nx_built_query_free(nx_built_query *q)
{
    nx_xquery_free(q->query);
    nx_xquery_free(q->relaxed);
    for (size_t i = 0; i < q->n_stems; i++)
        free(q->stems[i]);
    free(q->stems);
    for (size_t i = 0; i < q->n_wildcards; i++)
        free(q->wildcards[i]);
    free(q->wildcards);
    memset(q, 0, sizeof *q);
}
