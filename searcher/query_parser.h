/* The query parser: query text -> syntax tree. It knows the query language
 * but not the index; query_builder.c turns the tree into a Xapian query
 * using the shared analyzer. The caller passes the list fields the index
 * has so that unknown field names can be reported.
 *
 * Lenient where a reading is obvious: unbalanced quotes and parentheses are
 * closed at the end, a stray ')' and stray operators (AND, OR, NOT, NEAR, a
 * lone - or +) are ignored, over-long queries are cut (NX_QUERY_MAX_*).
 * Strict where guessing would mislead: unknown fields, a field with no value,
 * bad dates, short wildcards and NEAR without words give NEWSDEX_ERR_QUERY
 * with a message "position N: ..." (N counts characters from 1).
 * The full language is documented in query_help.c (`newsdex help query`). */
#ifndef NX_QUERY_PARSER_H
#define NX_QUERY_PARSER_H

#include <stddef.h>
#include "../engine/error.h"

#define NX_QUERY_MAX_BYTES 4096  /* longer query text is cut here */
#define NX_QUERY_MAX_NODES 512   /* words and operators beyond this are dropped */
#define NX_QUERY_MAX_DEPTH 32    /* deeper parentheses are read flat (signs kept) */
#define NX_QUERY_MAX_NEAR 100    /* largest NEAR/N or "..."~N */
#define NX_QUERY_NEAR_DEFAULT 10 /* NEAR without /N */
#define NX_QUERY_WILDCARD_MIN 3  /* characters needed before a trailing '*' */

typedef enum nx_qnode_kind {
    NX_QN_WORD,       /* bare word: any inflection */
    NX_QN_PHRASE,     /* "quoted words": in order, exact forms */
    NX_QN_AND,        /* all children */
    NX_QN_OR,         /* any child */
    NX_QN_NOT,        /* the single child must not match */
    NX_QN_FIELD,      /* text = canonical field name; one child: the value */
    NX_QN_DATE_RANGE, /* lo..hi inclusive, as YYYYMMDD ("" = open end) */
    NX_QN_NEAR,       /* children (words, phrases) within `window` extra words */
    NX_QN_WILDCARD    /* text = the part before the trailing '*' */
} nx_qnode_kind;

typedef struct nx_qnode {
    nx_qnode_kind kind;
    char *text;                /* WORD, PHRASE, WILDCARD: raw text; FIELD: name */
    struct nx_qnode **kids;    /* AND, OR, NOT, FIELD, NEAR */
    size_t n_kids;
    size_t pos;                /* byte offset in the query where it starts */
    size_t column;             /* the same as a 1-based character position */
    unsigned window;           /* NEAR: other words allowed among the words */
    int forced;                /* WORD written +word: kept even if a stopword */
    char lo[9], hi[9];         /* DATE_RANGE bounds */
} nx_qnode;

typedef struct nx_query_tree {
    nx_qnode *root;   /* NULL when the query has no words */
    int truncated;    /* non-zero if limits cut the query */
} nx_query_tree;

/* Field names always known, canonical forms first (title, source, topic,
 * place, company, author, id, date); NULL-terminated. */
extern const char *const nx_query_builtin_fields[];

/* Parses with the built-in fields only. */
newsdex_status nx_query_parse(const char *query, nx_query_tree *tree, nx_error *err);

/* list_fields: the index's list-field names in lower case ("topics",
 * "tickers", ...); each is accepted as NAME: (n may be 0). */
newsdex_status nx_query_parse_fields(const char *query, const char *const *list_fields,
                                     size_t n, nx_query_tree *tree, nx_error *err);

/* Longest list-field name accepted in a query. */
#define NX_QUERY_FIELD_MAX 63

/* Asked about a name that is not built in (lower case, at most
 * NX_QUERY_FIELD_MAX bytes): non-zero if the index has that list field.
 * Lets a searcher look names up only when a query uses them. */
typedef int (*nx_query_field_fn)(const char *name, void *ctx);
newsdex_status nx_query_parse_with(const char *query, nx_query_field_fn known, void *ctx,
                                   nx_query_tree *tree, nx_error *err);
void nx_query_tree_free(nx_query_tree *tree);

/* malloc'd S-expression of the tree, e.g. (AND layoffs (PHRASE "rate cut")),
 * or NULL when out of memory. */
char *nx_query_tree_to_string(const nx_query_tree *tree);

/* One date bound "YYYY", "YYYY-MM" or "YYYY-MM-DD" (len bytes) -> "YYYYMMDD",
 * the first day of that period, or the last one if `upper`. On failure
 * NEWSDEX_ERR_QUERY with a message such as `date "2024-13": month out of range`. */
newsdex_status nx_query_date_bound(const char *text, size_t len, int upper, char out[9],
                                   nx_error *err);


#endif
