#include "query_parser.h"

#include <stdlib.h>
#include <string.h>

typedef enum tok_kind {
    T_END, T_WORD, T_PHRASE, T_LPAREN, T_RPAREN, T_AND, T_OR, T_NOT, T_MINUS, T_PLUS
} tok_kind;

typedef struct parser {
    const char *s;      /* query text (already cut to NX_QUERY_MAX_BYTES) */
    size_t len, pos;
    tok_kind kind;      /* current token */
    size_t tok_start, tok_len;
    size_t nodes;
    int depth;
    int truncated;
    int nomem;
} parser;

static int is_space(unsigned char c)
{
    return c == ' ' || (c < 0x20) || c == 0x7f; /* control characters separate too */
}

static int ends_word(unsigned char c)
{
    return is_space(c) || c == '(' || c == ')' || c == '"';
}

static int word_is(const parser *p, const char *op)
{
    size_t n = strlen(op);
    return p->tok_len == n && memcmp(p->s + p->tok_start, op, n) == 0;
}

/* Reads the next token into p->kind / tok_start / tok_len. */
static void next_token(parser *p)
{
    while (p->pos < p->len && is_space((unsigned char)p->s[p->pos]))
        p->pos++;
    p->tok_start = p->pos;
    p->tok_len = 0;
    if (p->pos >= p->len) {
        p->kind = T_END;
        return;
    }
    char c = p->s[p->pos];
    if (c == '(' || c == ')') {
        p->kind = c == '(' ? T_LPAREN : T_RPAREN;
        p->pos++;
        return;
    }
    if (c == '"') {
        size_t start = ++p->pos;
        while (p->pos < p->len && p->s[p->pos] != '"')
            p->pos++;
        p->kind = T_PHRASE;
        p->tok_start = start;
        p->tok_len = p->pos - start;
        if (p->pos < p->len)
            p->pos++; /* closing quote; a missing one closes at the end */
        return;
    }
    if ((c == '-' || c == '+') && p->pos + 1 < p->len &&
        !is_space((unsigned char)p->s[p->pos + 1]) && p->s[p->pos + 1] != ')') {
        p->kind = c == '-' ? T_MINUS : T_PLUS;
        p->pos++;
        return;
    }
    while (p->pos < p->len && !ends_word((unsigned char)p->s[p->pos]))
        p->pos++;
    p->tok_len = p->pos - p->tok_start;
    p->kind = T_WORD;
    if (word_is(p, "AND"))
        p->kind = T_AND;
    else if (word_is(p, "OR"))
        p->kind = T_OR;
    else if (word_is(p, "NOT"))
        p->kind = T_NOT;
}

static nx_qnode *new_node(parser *p, nx_qnode_kind kind)
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

static nx_qnode *text_node(parser *p, nx_qnode_kind kind)
{
    nx_qnode *n = new_node(p, kind);
    if (!n)
        return NULL;
    n->text = strndup(p->s + p->tok_start, p->tok_len);
    if (!n->text) {
        p->nomem = 1;
        free_node(n);
        return NULL;
    }
    return n;
}

static int add_kid(parser *p, nx_qnode *parent, nx_qnode *kid)
{
    nx_qnode **kids = realloc(parent->kids, (parent->n_kids + 1) * sizeof *kids);
    if (!kids) {
        p->nomem = 1;
        return -1;
    }
    parent->kids = kids;
    kids[parent->n_kids++] = kid;
    return 0;
}

/* Wraps kid in a NOT node. */
static nx_qnode *negate(parser *p, nx_qnode *kid)
{
    nx_qnode *n = kid ? new_node(p, NX_QN_NOT) : NULL;
    if (!n || add_kid(p, n, kid) != 0) {
        free_node(n);
        free_node(kid);
        return NULL;
    }
    return n;
}

/* A list node with one kid is just that kid. */
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

static nx_qnode *parse_or(parser *p);

static int starts_unary(tok_kind k)
{
    return k == T_WORD || k == T_PHRASE || k == T_LPAREN || k == T_MINUS || k == T_PLUS ||
           k == T_NOT;
}

/* unary := ('-' | 'NOT') unary | '+' unary | '(' or ')' | PHRASE | WORD */
static nx_qnode *parse_unary(parser *p)
{
    switch (p->kind) {
    case T_MINUS:
    case T_NOT:
        next_token(p);
        if (!starts_unary(p->kind))
            return NULL; /* stray operator: ignored */
        return negate(p, parse_unary(p));
    case T_PLUS:
        next_token(p); /* words are required already */
        return starts_unary(p->kind) ? parse_unary(p) : NULL;
    case T_LPAREN: {
        next_token(p);
        nx_qnode *inner = NULL;
        if (p->depth < NX_QUERY_MAX_DEPTH) {
            p->depth++;
            inner = parse_or(p);
            p->depth--;
        } else {
            p->truncated = 1;
            while (p->kind != T_END && p->kind != T_RPAREN)
                next_token(p);
        }
        if (p->kind == T_RPAREN)
            next_token(p); /* a missing ')' closes at the end */
        return inner;
    }
    case T_PHRASE:
    case T_WORD: {
        nx_qnode *n = text_node(p, p->kind == T_WORD ? NX_QN_WORD : NX_QN_PHRASE);
        next_token(p);
        return n;
    }
    default:
        return NULL;
    }
}

/* and := unary (['AND'] unary)*  -- juxtaposition means AND */
static nx_qnode *parse_and(parser *p)
{
    nx_qnode *list = new_node(p, NX_QN_AND);
    if (!list)
        return NULL;
    while (!p->nomem) {
        if (p->kind == T_AND) {
            next_token(p);
            continue;
        }
        if (!starts_unary(p->kind))
            break;
        nx_qnode *kid = parse_unary(p);
        if (kid && add_kid(p, list, kid) != 0)
            free_node(kid);
    }
    return collapse(list);
}

/* or := and ('OR' and)* */
static nx_qnode *parse_or(parser *p)
{
    nx_qnode *list = new_node(p, NX_QN_OR);
    if (!list)
        return NULL;
    while (!p->nomem) {
        nx_qnode *kid = parse_and(p);
        if (kid && add_kid(p, list, kid) != 0)
            free_node(kid);
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

newsdex_status nx_query_parse(const char *query, nx_query_tree *tree, nx_error *err)
{
    memset(tree, 0, sizeof *tree);
    size_t full = strlen(query);
    parser p = {.s = query, .len = cut_length(query, full, NX_QUERY_MAX_BYTES)};
    p.truncated = p.len < full;
    next_token(&p);
    nx_qnode *root = NULL;
    /* Top level: unmatched ')' are skipped and parsing goes on. */
    nx_qnode *top = new_node(&p, NX_QN_AND);
    while (top && !p.nomem && p.kind != T_END) {
        if (p.kind == T_RPAREN || p.kind == T_OR || p.kind == T_AND) {
            next_token(&p);
            continue;
        }
        nx_qnode *part = parse_or(&p);
        if (part && add_kid(&p, top, part) != 0)
            free_node(part);
        if (p.nodes >= NX_QUERY_MAX_NODES)
            break;
    }
    root = collapse(top);
    if (p.nomem) {
        free_node(root);
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory parsing the query");
    }
    if (p.kind != T_END)
        p.truncated = 1;
    tree->root = root;
    tree->truncated = p.truncated;
    return NEWSDEX_OK;
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

static void print_node(sbuf *b, const nx_qnode *n)
{
    static const char *const names[] = {"WORD", "PHRASE", "AND", "OR", "NOT"};
    switch (n->kind) {
    case NX_QN_WORD:
        puts_(b, n->text);
        return;
    case NX_QN_PHRASE:
        puts_(b, "\"");
        puts_(b, n->text);
        puts_(b, "\"");
        return;
    default:
        puts_(b, "(");
        puts_(b, names[n->kind]);
        for (size_t i = 0; i < n->n_kids; i++) {
            puts_(b, " ");
            print_node(b, n->kids[i]);
        }
        puts_(b, ")");
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
