/* A C face for the parts of Xapian newsdex uses. All C++ lives behind this
 * header (in xapian_wrapper.cc): handles are opaque, and every call catches
 * every exception and returns a status with a message in *err. */
#ifndef NX_XAPIAN_WRAPPER_H
#define NX_XAPIAN_WRAPPER_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nx_xdb nx_xdb;           /* an index, read-only or writable */
typedef struct nx_xdoc nx_xdoc;         /* a document being built */
typedef struct nx_xquery nx_xquery;     /* a query (sub)tree */
typedef struct nx_xmatches nx_xmatches; /* one page of ranked matches */

/* ---- Databases ---- */
newsdex_status nx_xdb_open_writable(const char *path, nx_xdb **out, nx_error *err);
newsdex_status nx_xdb_open_readonly(const char *path, nx_xdb **out, nx_error *err);
/* Writable: commits first. Always frees db, even on error. NULL is allowed. */
newsdex_status nx_xdb_close(nx_xdb *db, nx_error *err);
newsdex_status nx_xdb_commit(nx_xdb *db, nx_error *err);
newsdex_status nx_xdb_doccount(nx_xdb *db, uint64_t *count, nx_error *err);
newsdex_status nx_xdb_term_exists(nx_xdb *db, const char *term, int *exists, nx_error *err);
/* Number of documents containing term. */
newsdex_status nx_xdb_termfreq(nx_xdb *db, const char *term, uint64_t *freq, nx_error *err);
/* Replace the document indexed by unique_term (or add it). */
newsdex_status nx_xdb_replace(nx_xdb *db, const char *unique_term, const nx_xdoc *doc,
                              nx_error *err);

/* ---- Documents ---- */
newsdex_status nx_xdoc_new(nx_xdoc **out, nx_error *err);
void nx_xdoc_free(nx_xdoc *doc);
newsdex_status nx_xdoc_add_posting(nx_xdoc *doc, const char *term, uint32_t position,
                                   uint32_t wdf_inc, nx_error *err);
newsdex_status nx_xdoc_add_term(nx_xdoc *doc, const char *term, uint32_t wdf_inc, nx_error *err);
/* A term that filters but adds nothing to the document length. */
newsdex_status nx_xdoc_add_boolean_term(nx_xdoc *doc, const char *term, nx_error *err);
newsdex_status nx_xdoc_set_value(nx_xdoc *doc, unsigned slot, const char *bytes, size_t len,
                                 nx_error *err);
newsdex_status nx_xdoc_set_data(nx_xdoc *doc, const char *bytes, size_t len, nx_error *err);

/* ---- Queries (each node is freed by its creator; combining copies) ---- */
typedef enum nx_xquery_op {
    NX_XQ_AND,
    NX_XQ_OR,
    NX_XQ_AND_NOT,    /* first AND NOT (any of the rest) */
    NX_XQ_AND_MAYBE,  /* first, ranked higher by the rest */
    NX_XQ_FILTER,     /* first, restricted by the rest without weight */
    NX_XQ_PHRASE,     /* subqueries in order within window (0 = exact) */
    NX_XQ_NEAR        /* subqueries in any order within window */
} nx_xquery_op;

newsdex_status nx_xquery_term(const char *term, uint32_t wqf, uint32_t position,
                              nx_xquery **out, nx_error *err);
newsdex_status nx_xquery_combine(nx_xquery_op op, nx_xquery *const *subs, size_t n,
                                 uint32_t window, nx_xquery **out, nx_error *err);
newsdex_status nx_xquery_match_all(nx_xquery **out, nx_error *err);
newsdex_status nx_xquery_match_nothing(nx_xquery **out, nx_error *err);
/* Multiply the weight of q's matches by factor. */
newsdex_status nx_xquery_scale(const nx_xquery *q, double factor, nx_xquery **out,
                               nx_error *err);
/* malloc'd human-readable form (Xapian's description). */
newsdex_status nx_xquery_describe(const nx_xquery *q, char **out, nx_error *err);
void nx_xquery_free(nx_xquery *q);

/* ---- Searching: BM25 ranking; stored data of each match is read eagerly ---- */
newsdex_status nx_xdb_search(nx_xdb *db, const nx_xquery *q, uint32_t offset, uint32_t limit,
                             nx_xmatches **out, nx_error *err);
size_t nx_xmatches_count(const nx_xmatches *m);
uint64_t nx_xmatches_estimate(const nx_xmatches *m);
/* Weight and stored data of match i; data stays valid until nx_xmatches_free. */
void nx_xmatches_get(const nx_xmatches *m, size_t i, double *weight, const char **data,
                     size_t *len);
void nx_xmatches_free(nx_xmatches *m);

#ifdef __cplusplus
}
#endif
#endif
