/* Query text -> tree. A hand-written tokenizer and recursive-descent parser:
 *
 *   query   := (or | stray)*          stray ')' AND OR NEAR are skipped
 *   or      := and ('OR' and)*
 *   and     := near (['AND'] near)*   juxtaposition means AND
 *   near    := unary (NEAR[/N] unary)*
 *   unary   := ('-' | 'NOT' | '+')* primary
 *   primary := '(' or ')' | PHRASE ['~'N] | WORD | WILDCARD | FIELD ':' value
 *
 * Every loop consumes a token and every structure is bounded by the byte,
 * node and depth limits, so no input can hang the parser or grow it. */
#include "query_parser.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/date.h"

const char *const nx_query_builtin_fields[] = {
    "title", "source", "topic", "place", "company", "author", "id", "date", NULL,
};

/* Names accepted for the built-in fields (plurals are the input's list names). */
static const struct {
    const char *name, *canonical;
} field_aliases[] = {
    {"title", "title"},     {"source", "source"},       {"topic", "topic"},
    {"topics", "topic"},    {"place", "place"},         {"places", "place"},
    {"company", "company"}, {"companies", "company"},   {"author", "author"},
    {"authors", "author"},  {"id", "id"},               {"date", "date"},
};

typedef enum tok_kind {
    T_END, T_WORD, T_PHRASE, T_LPAREN, T_RPAREN, T_AND, T_OR, T_NOT, T_MINUS, T_PLUS,
    T_FIELD, T_NEAR, T_WILDCARD
} tok_kind;

typedef struct parser {
    const char *s;      /* query text (already cut to NX_QUERY_MAX_BYTES) */
    size_t len, pos;
    tok_kind kind;      /* current token */
    size_t tok_pos;     /* where the current token starts */
    size_t tok_start, tok_len; /* its text: word, phrase content, field name */
    int window;         /* T_NEAR: N; T_PHRASE: ~N, or -1 if none */
    size_t nodes;
    int depth;
    int in_field;       /* parsing a field's value */
    int truncated;
    int nomem;
    int failed;         /* an error is in *err; stop everything */
    nx_error *err;
    nx_query_field_fn known; /* does the index have this list field? */
    void *known_ctx;
    char field[NX_QUERY_FIELD_MAX + 1]; /* T_FIELD: canonical name */
} parser;

/* ---- Errors ---- */

/* 1-based character position of byte offset pos. */
static size_t column_of(const char *s, size_t pos)
{
    size_t col = 1;
    for (size_t i = 0; i < pos; i++)
        col += ((unsigned char)s[i] & 0xC0) != 0x80;
    return col;
}

static void fail_at(parser *p, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail_at(parser *p, size_t pos, const char *fmt, ...)
{
    if (p->failed)
        return;
    char msg[NX_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    nx_error_set(p->err, NEWSDEX_ERR_QUERY, "position %zu: %s", column_of(p->s, pos), msg);
    p->failed = 1;
    p->kind = T_END;
}

/* A printable excerpt of user text for messages: at most 40 bytes, with
 * control characters and non-ASCII bytes shown as '?'. */
static const char *echo(const char *s, size_t n, char out[48])
{
    size_t k = 0;
    for (; k < n && k < 40; k++) {
        unsigned char c = (unsigned char)s[k];
        out[k] = c < 0x20 || c >= 0x7F ? '?' : (char)c;
    }
    if (k < n) {
        memcpy(out + k, "...", 3);
        k += 3;
    }
    out[k] = '\0';
    return out;
}

/* ---- Characters ---- */

static int is_space(unsigned char c)
{
    return c == ' ' || c < 0x20 || c == 0x7f; /* control characters separate too */
}

/* Length of a quote mark at s[i]: " or the curly “ ” „ that pasted text has. */
static size_t quote_len(const parser *p, size_t i)
{
    if (i >= p->len)
        return 0;
    if (p->s[i] == '"')
        return 1;
    if (i + 2 < p->len && (unsigned char)p->s[i] == 0xE2 && (unsigned char)p->s[i + 1] == 0x80) {
        unsigned char c = (unsigned char)p->s[i + 2];
        if (c == 0x9C || c == 0x9D || c == 0x9E)
            return 3;
    }
    return 0;
}

static int ends_word(const parser *p, size_t i)
{
    unsigned char c = (unsigned char)p->s[i];
    return is_space(c) || c == '(' || c == ')' || quote_len(p, i) > 0;
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Characters that count towards a wildcard's length: not ASCII punctuation. */
static size_t word_chars(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80 ? (c & 0xC0) != 0x80 : (is_alpha((char)c) || is_digit((char)c)))
            count++;
    }
    return count;
}

static int span_is(const parser *p, size_t start, size_t n, const char *word)
{
    return strlen(word) == n && memcmp(p->s + start, word, n) == 0;
}

/* ---- Fields ---- */

static int name_equal(const char *s, size_t n, const char *name)
{
    if (strlen(name) != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
        if (c != name[i])
            return 0;
    }
    return 1;
}

/* Puts the canonical (lower-case) name of field s[0..n) in p->field;
 * returns 0 if there is no such field. */
static int lookup_field(parser *p, const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof field_aliases / sizeof field_aliases[0]; i++)
        if (name_equal(s, n, field_aliases[i].name)) {
            strcpy(p->field, field_aliases[i].canonical);
            return 1;
        }
    if (n > NX_QUERY_FIELD_MAX || !p->known)
        return 0;
    for (size_t i = 0; i < n; i++)
        p->field[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
    p->field[n] = '\0';
    return p->known(p->field, p->known_ctx) != 0;
}

/* Length of "name" if s[0..n) starts with "name:" (a letter, then letters,
 * digits, '_' or '-'), else 0. */
static size_t field_name_len(const char *s, size_t n)
{
    if (n < 2 || !is_alpha(s[0]))
        return 0;
    for (size_t i = 1; i < n; i++) {
        if (s[i] == ':')
            return i;
        if (!is_alpha(s[i]) && !is_digit(s[i]) && s[i] != '_' && s[i] != '-')
            return 0;
    }
    return 0;
}

/* ---- Tokenizer ---- */

/* Reads digits at p->pos as a NEAR distance; -1 (and an error) if none. */
static int read_distance(parser *p, size_t op_pos, const char *what)
{
    size_t start = p->pos;
    long v = 0;
    while (p->pos < p->len && is_digit(p->s[p->pos])) {
        if (v <= NX_QUERY_MAX_NEAR)
            v = v * 10 + (p->s[p->pos] - '0');
        p->pos++;
    }
    if (p->pos == start || (p->pos < p->len && !ends_word(p, p->pos))) {
        fail_at(p, op_pos, "expected a number after %s", what);
        return -1;
    }
    if (v > NX_QUERY_MAX_NEAR) {
        fail_at(p, op_pos, "distance after %s is above %d", what, NX_QUERY_MAX_NEAR);
        return -1;
    }
    return (int)v;
}

static void read_phrase(parser *p)
{
    p->pos += quote_len(p, p->pos);
    size_t start = p->pos;
    while (p->pos < p->len && !quote_len(p, p->pos))
        p->pos++;
    p->kind = T_PHRASE;
    p->tok_start = start;
    p->tok_len = p->pos - start;
    p->window = -1;
    p->pos += quote_len(p, p->pos); /* a missing closing quote closes at the end */
    if (p->pos < p->len && p->s[p->pos] == '~') {
        size_t tilde = p->pos++;
        p->window = read_distance(p, tilde, "~");
    }
}

/* Scans a run of word characters from p->pos (tok_start/tok_len). */
static void scan_word(parser *p)
{
    p->tok_start = p->pos;
    while (p->pos < p->len && !ends_word(p, p->pos))
        p->pos++;
    p->tok_len = p->pos - p->tok_start;
}

/* A word ending in '*' is a wildcard; the prefix needs enough characters. */
static int classify_wildcard(parser *p)
{
    size_t n = p->tok_len;
    while (n > 0 && p->s[p->tok_start + n - 1] == '*')
        n--;
    if (n == p->tok_len)
        return 0;
    if (word_chars(p->s + p->tok_start, n) < NX_QUERY_WILDCARD_MIN) {
        char shown[48];
        fail_at(p, p->tok_pos, "wildcard \"%s\" needs at least %d letters before *",
                echo(p->s + p->tok_start, p->tok_len, shown), NX_QUERY_WILDCARD_MIN);
        return 1;
    }
    p->tok_len = n;
    p->kind = T_WILDCARD;
    return 1;
}

/* Operators are uppercase words: AND OR NOT NEAR NEAR/N. */
static int classify_operator(parser *p)
{
    size_t st = p->tok_start, n = p->tok_len;
    if (span_is(p, st, n, "AND"))
        p->kind = T_AND;
    else if (span_is(p, st, n, "OR"))
        p->kind = T_OR;
    else if (span_is(p, st, n, "NOT"))
        p->kind = T_NOT;
    else if (span_is(p, st, n, "NEAR")) {
        p->kind = T_NEAR;
        p->window = NX_QUERY_NEAR_DEFAULT;
    } else if (n >= 5 && memcmp(p->s + st, "NEAR/", 5) == 0) {
        p->kind = T_NEAR;
        p->pos = st + 5;
        p->window = read_distance(p, st, "NEAR/");
    } else
        return 0;
    return 1;
}

/* name:value. Unknown names are errors, except URLs (http://...). */
static int classify_field(parser *p)
{
    size_t n = field_name_len(p->s + p->tok_start, p->tok_len);
    if (!n)
        return 0;
    const char *after = p->s + p->tok_start + n + 1;
    size_t rest = p->tok_len - n - 1;
    if (!lookup_field(p, p->s + p->tok_start, n)) {
        if (rest >= 2 && after[0] == '/' && after[1] == '/')
            return 0;
        char shown[48];
        fail_at(p, p->tok_pos, "unknown field \"%s\"", echo(p->s + p->tok_start, n, shown));
        return 1;
    }
    p->kind = T_FIELD;
    p->tok_len = n;
    p->pos = p->tok_start + n + 1; /* the value is read by parse_field */
    return 1;
}

/* Reads the next token into p->kind / tok_*. A '-' or '+' followed by a
 * space, ')' or the end is a word (with no terms in it). */
static void next_token(parser *p)
{
    while (p->pos < p->len && is_space((unsigned char)p->s[p->pos]))
        p->pos++;
    p->tok_pos = p->tok_start = p->pos;
    p->tok_len = 0;
    if (p->failed || p->pos >= p->len) {
        p->kind = T_END;
        return;
    }
    char c = p->s[p->pos];
    if (c == '(' || c == ')') {
        p->kind = c == '(' ? T_LPAREN : T_RPAREN;
        p->pos++;
        return;
    }
    if (quote_len(p, p->pos)) {
        read_phrase(p);
        return;
    }
    if ((c == '-' || c == '+') && p->pos + 1 < p->len &&
        !is_space((unsigned char)p->s[p->pos + 1]) && p->s[p->pos + 1] != ')') {
        p->kind = c == '-' ? T_MINUS : T_PLUS;
        p->pos++;
        return;
    }
    scan_word(p);
    p->kind = T_WORD;
    if (!classify_operator(p) && !classify_field(p))
        classify_wildcard(p);
}

/* ---- Nodes ---- */

static nx_qnode *new_node(parser *p, nx_qnode_kind kind, size_t pos)
{
    if (p->nodes >= NX_QUERY_MAX_NODES) {
        p->truncated = 1;
        return NULL;
    }
    nx_qnode *n = calloc(1, sizeof *n);
    if (!n) {
        p->nomem = 1;
        return NULL;
    }
    p->nodes++;
    n->kind = kind;
    n->pos = pos;
    n->column = column_of(p->s, pos);
    return n;
}

static void free_node(nx_qnode *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n_kids; i++)
        free_node(n->kids[i]);
    free(n->kids);
    free(n->text);
    free(n);
}

static nx_qnode *text_node(parser *p, nx_qnode_kind kind, const char *s, size_t len, size_t pos)
{
    nx_qnode *n = new_node(p, kind, pos);
    if (!n)
        return NULL;
    n->text = strndup(s, len);
    if (!n->text) {
        p->nomem = 1;
        free_node(n);
        return NULL;
    }
    return n;
}

/* Appends kid to parent; on failure frees kid. */
static int add_kid(parser *p, nx_qnode *parent, nx_qnode *kid)
{
    nx_qnode **kids = realloc(parent->kids, (parent->n_kids + 1) * sizeof *kids);
    if (!kids) {
        p->nomem = 1;
        free_node(kid);
        return -1;
    }
    parent->kids = kids;
    kids[parent->n_kids++] = kid;
    return 0;
}

/* Wraps kid in a one-child node of `kind`; frees kid on failure. */
static nx_qnode *wrap(parser *p, nx_qnode_kind kind, nx_qnode *kid, size_t pos)
{
    nx_qnode *n = kid ? new_node(p, kind, pos) : NULL;
    if (!n) {
        free_node(kid);
        return NULL;
    }
    return add_kid(p, n, kid) == 0 ? n : (free_node(n), NULL);
}

/* A list node with one kid is just that kid; with none it is nothing. */
static nx_qnode *collapse(nx_qnode *list)
{
    if (list && list->n_kids == 1) {
        nx_qnode *only = list->kids[0];
        list->n_kids = 0;
        free_node(list);
        return only;
    }
    if (list && list->n_kids == 0) {
        free_node(list);
        return NULL;
    }
    return list;
}

static int stop(const parser *p)
{
    return p->nomem || p->failed;
}

/* ---- Dates ---- */

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

static int take_number(const char *s, size_t len, size_t at, size_t digits, int *v)
{
    if (at + digits > len)
        return 0;
    *v = 0;
    for (size_t i = at; i < at + digits; i++) {
        if (!is_digit(s[i]))
            return 0;
        *v = *v * 10 + (s[i] - '0');
    }
    return 1;
}

newsdex_status nx_query_date_bound(const char *text, size_t len, int upper, char out[9],
                                   nx_error *err)
{
    char shown[48];
    int y = 0, m = 1, d = 1;
    int has_m = len >= 7, has_d = len == 10;
    int shape = (len == 4 || len == 7 || len == 10) && take_number(text, len, 0, 4, &y) &&
                (!has_m || (text[4] == '-' && take_number(text, len, 5, 2, &m))) &&
                (!has_d || (text[7] == '-' && take_number(text, len, 8, 2, &d)));
    const char *why = !shape ? "expected YYYY, YYYY-MM or YYYY-MM-DD"
                      : y < 1000 ? "year out of range"
                      : m < 1 || m > 12 ? "month out of range" : NULL;
    if (!why && has_d) {
        /* The one date validator (engine/date.h) decides on full dates. */
        char day[40];
        int64_t when;
        snprintf(day, sizeof day, "%04d-%02d-%02d", y, m, d);
        nx_error inner;
        if (nx_date_parse(day, &when, &inner) != NEWSDEX_OK)
            return nx_error_set(err, NEWSDEX_ERR_QUERY, "%s", inner.message);
    }
    if (why)
        return nx_error_set(err, NEWSDEX_ERR_QUERY, "date \"%s\": %s", echo(text, len, shown),
                            why);
    if (upper && !has_m)
        m = 12;
    if (upper && !has_d)
        d = days_in_month(y, m);
    char ymd[40]; /* fields are at most 4 and 2 digits: 8 bytes are used */
    snprintf(ymd, sizeof ymd, "%04d%02d%02d", y, m, d);
    memcpy(out, ymd, 9);
    return NEWSDEX_OK;
}

/* One bound of a date: value; on error prefixes the position. */
static int date_bound_at(parser *p, size_t at, size_t len, int upper, char out[9])
{
    nx_error inner;
    nx_error_clear(&inner);
    if (nx_query_date_bound(p->s + at, len, upper, out, &inner) == NEWSDEX_OK)
        return 1;
    fail_at(p, at, "%s", inner.message);
    return 0;
}

/* date:VALUE with VALUE = D, D..D, ..D or D.. (a third '.' is forgiven). */
static nx_qnode *date_node(parser *p, size_t at, size_t len, size_t field_pos)
{
    const char *v = p->s + at;
    size_t dots = 0;
    while (dots + 1 < len && !(v[dots] == '.' && v[dots + 1] == '.'))
        dots++;
    int range = dots + 1 < len;
    size_t lo_len = range ? dots : len;
    size_t hi_at = range ? dots + 2 : len;
    if (range && hi_at < len && v[hi_at] == '.')
        hi_at++;
    size_t hi_len = len - hi_at;
    char lo[9] = "", hi[9] = "", shown[48];
    if (range && !lo_len && !hi_len) {
        fail_at(p, at, "date range \"%s\" needs a start or an end", echo(v, len, shown));
        return NULL;
    }
    if (lo_len && !date_bound_at(p, at, lo_len, 0, lo))
        return NULL;
    if (range && hi_len && !date_bound_at(p, at + hi_at, hi_len, 1, hi))
        return NULL;
    if (!range)
        date_bound_at(p, at, len, 1, hi);
    if (lo[0] && hi[0] && strcmp(lo, hi) > 0) {
        fail_at(p, at, "date range \"%s\" ends before it starts", echo(v, len, shown));
        return NULL;
    }
    nx_qnode *n = p->failed ? NULL : new_node(p, NX_QN_DATE_RANGE, field_pos);
    if (n) {
        memcpy(n->lo, lo, sizeof lo);
        memcpy(n->hi, hi, sizeof hi);
    }
    return n;
}

/* ---- Grammar ---- */

static nx_qnode *parse_or(parser *p);
static nx_qnode *parse_primary(parser *p);
static nx_qnode *parse_flat(parser *p);

static int starts_unary(tok_kind k)
{
    return k == T_WORD || k == T_PHRASE || k == T_LPAREN || k == T_MINUS || k == T_PLUS ||
           k == T_NOT || k == T_FIELD || k == T_WILDCARD;
}

/* Adds the current AND list to the alternatives (kids are freed on failure). */
static void end_alternative(parser *p, nx_qnode *alts, nx_qnode *all)
{
    nx_qnode *kid = collapse(all);
    if (kid)
        add_kid(p, alts, kid);
}

/* A group too deep to recurse into, read in a loop with an explicit stack:
 * inner parentheses only carry the sign of a '-' or NOT before them, so
 * every word keeps exactly the sign it had (an excluded word never becomes
 * a required one). OR separates alternatives at the group's own level;
 * inside deeper parentheses, and for NEAR, the words are ANDed. */
static nx_qnode *parse_flat(parser *p)
{
    p->truncated = 1;
    unsigned char *sign = malloc(p->len + 1); /* sign[level]: 1 = negated */
    nx_qnode *alts = new_node(p, NX_QN_OR, p->tok_pos);
    nx_qnode *all = new_node(p, NX_QN_AND, p->tok_pos);
    size_t level = 0;
    int pending = 0, forced = 0; /* prefixes read before the next item */
    if (!sign)
        p->nomem = 1;
    else
        sign[0] = 0;
    while (sign && alts && all && !stop(p) && p->kind != T_END) {
        tok_kind k = p->kind;
        if (k == T_RPAREN && level == 0) {
            next_token(p);
            break;
        }
        if (k == T_WORD || k == T_PHRASE || k == T_WILDCARD || k == T_FIELD) {
            nx_qnode *n = parse_primary(p);
            if (n && forced && !pending && n->kind == NX_QN_WORD)
                n->forced = 1;
            if (n && (sign[level] ^ pending))
                n = wrap(p, NX_QN_NOT, n, n->pos);
            if (n)
                add_kid(p, all, n);
            pending = forced = 0;
            continue;
        }
        if (k == T_LPAREN) {
            sign[level + 1] = (unsigned char)(sign[level] ^ pending);
            level++;
        } else if (k == T_RPAREN) {
            level--;
        } else if (k == T_OR && level == 0) {
            end_alternative(p, alts, all);
            all = new_node(p, NX_QN_AND, p->tok_pos);
        }
        if (k == T_MINUS || k == T_NOT)
            pending ^= 1;
        else if (k == T_PLUS)
            forced = 1;
        else if (k != T_AND && k != T_NEAR)
            pending = forced = 0;
        next_token(p);
    }
    free(sign);
    if (alts && all)
        end_alternative(p, alts, all);
    else
        free_node(all);
    return collapse(alts);
}

static nx_qnode *parse_group(parser *p)
{
    next_token(p);
    if (p->depth >= NX_QUERY_MAX_DEPTH)
        return parse_flat(p);
    p->depth++;
    nx_qnode *inner = parse_or(p);
    p->depth--;
    if (p->kind == T_RPAREN)
        next_token(p); /* a missing ')' closes at the end */
    return inner;
}

static nx_qnode *parse_phrase(parser *p)
{
    size_t at = p->tok_pos;
    int window = p->window;
    nx_qnode *n = text_node(p, NX_QN_PHRASE, p->s + p->tok_start, p->tok_len, at);
    next_token(p);
    if (n && window >= 0) {
        n = wrap(p, NX_QN_NEAR, n, at);
        if (n)
            n->window = (unsigned)window;
    }
    return n;
}

/* The value of a field that is neither quoted nor grouped: one raw word, in
 * which operators and names mean nothing (title:AND, id:ndx-0001). */
static nx_qnode *field_word(parser *p)
{
    scan_word(p);
    size_t at = p->tok_start, n = p->tok_len;
    p->tok_pos = at;
    nx_qnode_kind kind = NX_QN_WORD;
    p->kind = T_WORD;
    if (classify_wildcard(p)) {
        if (p->failed)
            return NULL;
        kind = NX_QN_WILDCARD;
        n = p->tok_len;
    }
    nx_qnode *v = text_node(p, kind, p->s + at, n, at);
    next_token(p);
    return v;
}

/* date:VALUE or date:"VALUE". */
static nx_qnode *date_value(parser *p, size_t name_pos)
{
    size_t at = p->pos;
    if (p->s[at] == '(') {
        fail_at(p, at, "date: takes a date or a range (date:2024-01..2024-03), not a group");
        return NULL;
    }
    if (quote_len(p, at)) {
        read_phrase(p);
        at = p->tok_start;
    } else
        scan_word(p);
    nx_qnode *n = date_node(p, at, p->tok_len, name_pos);
    next_token(p);
    return n;
}

static nx_qnode *field_value(parser *p, const char *name, size_t name_pos)
{
    size_t at = p->pos;
    if (at >= p->len || is_space((unsigned char)p->s[at]) || p->s[at] == ')') {
        fail_at(p, name_pos, "field \"%s\" has no value", name);
        return NULL;
    }
    if (strcmp(name, "date") == 0)
        return date_value(p, name_pos);
    if (p->s[at] == '(' || quote_len(p, at)) {
        next_token(p);
        p->in_field = 1;
        nx_qnode *v = parse_primary(p);
        p->in_field = 0;
        return v;
    }
    return field_word(p);
}

static nx_qnode *parse_field(parser *p)
{
    size_t name_pos = p->tok_pos;
    char canonical[sizeof p->field];
    memcpy(canonical, p->field, sizeof canonical);
    if (p->in_field) {
        char shown[48];
        fail_at(p, name_pos, "field \"%s\" inside another field's value",
                echo(p->s + p->tok_start, p->tok_len, shown));
        return NULL;
    }
    nx_qnode *value = field_value(p, canonical, name_pos);
    if (!value && !stop(p) && p->nodes < NX_QUERY_MAX_NODES)
        fail_at(p, name_pos, "field \"%s\" has no value", canonical);
    if (!value || value->kind == NX_QN_DATE_RANGE)
        return value;
    nx_qnode *n = wrap(p, NX_QN_FIELD, value, name_pos);
    if (n && !(n->text = strdup(canonical))) {
        p->nomem = 1;
        free_node(n);
        return NULL;
    }
    return n;
}

static nx_qnode *parse_primary(parser *p)
{
    switch (p->kind) {
    case T_LPAREN:
        return parse_group(p);
    case T_PHRASE:
        return parse_phrase(p);
    case T_FIELD:
        return parse_field(p);
    case T_WORD:
    case T_WILDCARD: {
        nx_qnode_kind kind = p->kind == T_WORD ? NX_QN_WORD : NX_QN_WILDCARD;
        nx_qnode *n = text_node(p, kind, p->s + p->tok_start, p->tok_len, p->tok_pos);
        next_token(p);
        return n;
    }
    default:
        next_token(p); /* never reached with a valid start; always progress */
        return NULL;
    }
}

/* ('-' | 'NOT' | '+')* primary, read in a loop so long chains cannot
 * recurse. '+' marks a word as wanted even if it is a stopword. Prefixes
 * before nothing are ignored; NOTs beyond the node limit are dropped. */
static nx_qnode *parse_unary(parser *p)
{
    size_t nots = 0, at = p->tok_pos;
    int forced = 0;
    for (; p->kind == T_MINUS || p->kind == T_NOT || p->kind == T_PLUS; next_token(p)) {
        if (p->kind == T_PLUS)
            forced = 1;
        else
            nots++;
    }
    if (!starts_unary(p->kind))
        return NULL;
    nx_qnode *n = parse_primary(p);
    if (n && forced && !nots && n->kind == NX_QN_WORD)
        n->forced = 1;
    for (; n && nots > 0; nots--) {
        if (p->nodes >= NX_QUERY_MAX_NODES) {
            p->truncated = 1;
            break;
        }
        n = wrap(p, NX_QN_NOT, n, at);
    }
    return n;
}

static int near_operand(const nx_qnode *n)
{
    return n->kind == NX_QN_WORD || n->kind == NX_QN_PHRASE || n->kind == NX_QN_NEAR;
}

/* Adds operand to the NEAR node (a ~N phrase is merged into it). */
static void near_add(parser *p, nx_qnode *near, nx_qnode *operand)
{
    if (operand->kind != NX_QN_NEAR) {
        add_kid(p, near, operand);
        return;
    }
    if (operand->window > near->window)
        near->window = operand->window;
    for (size_t i = 0; i < operand->n_kids && !p->nomem; i++) {
        add_kid(p, near, operand->kids[i]);
        operand->kids[i] = NULL; /* free_node skips moved kids */
    }
    free_node(operand);
}

/* unary (NEAR[/N] unary)*: one NEAR node for the chain, widest window. */
static nx_qnode *parse_near(parser *p)
{
    nx_qnode *left = parse_unary(p);
    nx_qnode *near = NULL;
    while (p->kind == T_NEAR && !stop(p)) {
        size_t op_pos = p->tok_pos;
        unsigned window = (unsigned)p->window;
        next_token(p);
        nx_qnode *right = starts_unary(p->kind) ? parse_unary(p) : NULL;
        if (!left || !right) { /* NEAR with nothing on one side: ignored */
            if (!left)
                left = right;
            continue;
        }
        if (!near_operand(left) || !near_operand(right)) {
            free_node(right);
            fail_at(p, op_pos, "NEAR needs a word or a \"phrase\" on each side");
            break;
        }
        if (!near) {
            near = left->kind == NX_QN_NEAR ? left : wrap(p, NX_QN_NEAR, left, left->pos);
            left = near;
            if (!near) {
                free_node(right);
                break;
            }
        }
        if (window > near->window)
            near->window = window;
        near_add(p, near, right);
    }
    return left;
}

/* and := near (['AND'] near)* ; a stray NEAR here is skipped too */
static nx_qnode *parse_and(parser *p)
{
    nx_qnode *list = new_node(p, NX_QN_AND, p->tok_pos);
    if (!list)
        return NULL;
    while (!stop(p)) {
        if (p->kind == T_AND || p->kind == T_NEAR) {
            next_token(p);
            continue;
        }
        if (!starts_unary(p->kind))
            break;
        nx_qnode *kid = parse_near(p);
        if (kid)
            add_kid(p, list, kid);
    }
    return collapse(list);
}

/* or := and ('OR' and)* */
static nx_qnode *parse_or(parser *p)
{
    nx_qnode *list = new_node(p, NX_QN_OR, p->tok_pos);
    if (!list)
        return NULL;
    while (!stop(p)) {
        nx_qnode *kid = parse_and(p);
        if (kid)
            add_kid(p, list, kid);
        if (p->kind != T_OR)
            break;
        next_token(p);
    }
    return collapse(list);
}

/* Cut at a UTF-8 character boundary at or below max. */
static size_t cut_length(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return max;
}

/* Top level: unmatched ')' and stray operators are skipped. */
static nx_qnode *parse_top(parser *p)
{
    nx_qnode *top = new_node(p, NX_QN_AND, 0);
    while (top && !stop(p) && p->kind != T_END && p->nodes < NX_QUERY_MAX_NODES) {
        if (!starts_unary(p->kind)) {
            next_token(p);
            continue;
        }
        nx_qnode *part = parse_or(p);
        if (part)
            add_kid(p, top, part);
    }
    return collapse(top);
}

newsdex_status nx_query_parse_with(const char *query, nx_query_field_fn known, void *ctx,
                                   nx_query_tree *tree, nx_error *err)
{
    memset(tree, 0, sizeof *tree);
    if (!query)
        return nx_error_set(err, NEWSDEX_ERR_INVALID, "no query given");
    size_t full = strlen(query);
    parser p = {.s = query, .len = cut_length(query, full, NX_QUERY_MAX_BYTES), .err = err,
                .known = known, .known_ctx = ctx};
    p.truncated = p.len < full;
    next_token(&p);
    nx_qnode *root = parse_top(&p);
    if (p.nomem || p.failed) {
        free_node(root);
        if (p.nomem)
            return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory parsing the query");
        return NEWSDEX_ERR_QUERY;
    }
    tree->root = root;
    tree->truncated = p.truncated || p.kind != T_END;
    return NEWSDEX_OK;
}

typedef struct field_list {
    const char *const *names;
    size_t n;
} field_list;

static int in_list(const char *name, void *ctx)
{
    const field_list *l = ctx;
    for (size_t i = 0; i < l->n; i++)
        if (l->names[i] && strcmp(l->names[i], name) == 0)
            return 1;
    return 0;
}

newsdex_status nx_query_parse_fields(const char *query, const char *const *list_fields,
                                     size_t n, nx_query_tree *tree, nx_error *err)
{
    field_list l = {list_fields, list_fields ? n : 0};
    return nx_query_parse_with(query, in_list, &l, tree, err);
}

newsdex_status nx_query_parse(const char *query, nx_query_tree *tree, nx_error *err)
{
    return nx_query_parse_with(query, NULL, NULL, tree, err);
}

void nx_query_tree_free(nx_query_tree *tree)
{
    if (tree) {
        free_node(tree->root);
        tree->root = NULL;
    }
}

/* ---- S-expression printing (tests and --explain) ---- */

typedef struct sbuf {
    char *s;
    size_t len, cap;
    int failed;
} sbuf;

static void put(sbuf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->cap ? b->cap * 2 : 64) + n;
        char *grown = realloc(b->s, cap);
        if (!grown) {
            b->failed = 1;
            return;
        }
        b->s = grown;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void puts_(sbuf *b, const char *s)
{
    put(b, s, strlen(s));
}

static void print_node(sbuf *b, const nx_qnode *n);

static void print_list(sbuf *b, const char *head, const nx_qnode *n)
{
    puts_(b, "(");
    puts_(b, head);
    for (size_t i = 0; i < n->n_kids; i++) {
        puts_(b, " ");
        print_node(b, n->kids[i]);
    }
    puts_(b, ")");
}

static void print_node(sbuf *b, const nx_qnode *n)
{
    static const char *const names[] = {"WORD", "PHRASE", "AND", "OR", "NOT"};
    char head[32];
    switch (n->kind) {
    case NX_QN_WORD:
        puts_(b, n->forced ? "+" : "");
        puts_(b, n->text);
        return;
    case NX_QN_PHRASE:
        puts_(b, "\"");
        puts_(b, n->text);
        puts_(b, "\"");
        return;
    case NX_QN_WILDCARD:
        puts_(b, n->text);
        puts_(b, "*");
        return;
    case NX_QN_DATE_RANGE:
        puts_(b, "(DATE ");
        puts_(b, n->lo);
        puts_(b, "..");
        puts_(b, n->hi);
        puts_(b, ")");
        return;
    case NX_QN_FIELD:
        snprintf(head, sizeof head, "FIELD %.20s", n->text);
        return print_list(b, head, n);
    case NX_QN_NEAR:
        snprintf(head, sizeof head, "NEAR/%u", n->window);
        return print_list(b, head, n);
    default:
        print_list(b, names[n->kind], n);
    }
}

char *nx_query_tree_to_string(const nx_query_tree *tree)
{
    sbuf b = {0};
    if (tree->root)
        print_node(&b, tree->root);
    else
        puts_(&b, "()");
    if (b.failed) {
        free(b.s);
        return NULL;
    }
    return b.s;
}
