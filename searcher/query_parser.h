/* The query parser: query text -> syntax tree. It knows the query language
 * but not the index; query_builder.c turns the tree into a Xapian query
 * using the shared analyzer. Every input gets a reading: unbalanced quotes
 * and parentheses are closed at the end, stray operators are ignored, and
 * over-long queries are cut (see NX_QUERY_MAX_*). */
#ifndef NX_QUERY_PARSER_H
#define NX_QUERY_PARSER_H

#include <stddef.h>
#include "../engine/error.h"

#define NX_QUERY_MAX_BYTES 4096  /* longer query text is cut here */
#define NX_QUERY_MAX_NODES 512   /* words and operators beyond this are dropped */
#define NX_QUERY_MAX_DEPTH 32    /* deeper parentheses are read as plain grouping */

typedef enum nx_qnode_kind {
    NX_QN_WORD,    /* bare word: any inflection */
    NX_QN_PHRASE,  /* "quoted words": in order, exact forms */
    NX_QN_AND,     /* all children */
    NX_QN_OR,      /* any child */
    NX_QN_NOT      /* the single child must not match */
} nx_qnode_kind;

typedef struct nx_qnode {
    nx_qnode_kind kind;
    char *text;                /* WORD, PHRASE: the raw text */
    struct nx_qnode **kids;    /* AND, OR, NOT */
    size_t n_kids;
} nx_qnode;

typedef struct nx_query_tree {
    nx_qnode *root;   /* NULL when the query has no words */
    int truncated;    /* non-zero if limits cut the query */
} nx_query_tree;

newsdex_status nx_query_parse(const char *query, nx_query_tree *tree, nx_error *err);
void nx_query_tree_free(nx_query_tree *tree);

/* malloc'd S-expression of the tree, e.g. (AND layoffs (PHRASE "rate cut")). */
char *nx_query_tree_to_string(const nx_query_tree *tree);

#endif
