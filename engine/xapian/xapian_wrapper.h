/* A C face for the parts of Xapian newsdex uses. All C++ lives behind this
 * header (in xapian_wrapper.cc): handles are opaque, and every call catches
 * every exception and returns a status with a message in *err. */
#ifndef NX_XAPIAN_WRAPPER_H
#define NX_XAPIAN_WRAPPER_H

#include <stddef.h>
#include <stdint.h>
#include "../error.h"

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
/* Number of distinct terms in doc so far (cheap). */
size_t nx_xdoc_term_count(const nx_xdoc *doc);
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

/* ==================================================================== *
 * Indexer-side additions: batches, deletion, fingerprints, metadata,   *
 * term listing for --prune and `newsdex stats`. Same rules as above:   *
 * every call catches everything and returns a status.                  *
 * ==================================================================== */

/* Atomic batches: everything between begin and commit becomes visible (and
 * durable) at once, or not at all. Cancel drops the batch. Writable only. */
newsdex_status nx_xdb_begin_transaction(nx_xdb *db, nx_error *err);
newsdex_status nx_xdb_commit_transaction(nx_xdb *db, nx_error *err);
newsdex_status nx_xdb_cancel_transaction(nx_xdb *db, nx_error *err);

/* Delete every document indexed by unique_term (none is not an error). */
newsdex_status nx_xdb_delete_unique(nx_xdb *db, const char *unique_term, nx_error *err);

/* Value in @p slot of the document indexed by unique_term: *found is 0 if no
 * document has the term. Copies at most cap bytes into buf; *len is the full
 * length. Cheap: one posting-list lookup and one value read. */
newsdex_status nx_xdb_unique_value(nx_xdb *db, const char *unique_term, unsigned slot, char *buf,
                                   size_t cap, size_t *len, int *found, nx_error *err);

/* User metadata (key/value strings stored with the index; "" = absent).
 * Setting it on a writable index joins the open transaction, if any.
 * get: *out is malloc'd and NUL-terminated; *len excludes the NUL. */
newsdex_status nx_xdb_set_metadata(nx_xdb *db, const char *key, const char *value, size_t len,
                                   nx_error *err);
newsdex_status nx_xdb_get_metadata(nx_xdb *db, const char *key, char **out, size_t *len,
                                   nx_error *err);

/* Calls fn for every term starting with prefix (all terms for ""), in
 * byte order, with the number of documents holding it; fn returns non-zero
 * to stop early. term is NUL-terminated and valid only during the call. */
typedef int (*nx_xterm_fn)(const char *term, size_t len, uint64_t termfreq, void *ctx);
newsdex_status nx_xdb_each_term(nx_xdb *db, const char *prefix, nx_xterm_fn fn, void *ctx,
                                nx_error *err);

/* Number of distinct terms starting with prefix (all terms for ""). */
newsdex_status nx_xdb_count_terms(nx_xdb *db, const char *prefix, uint64_t *count,
                                  nx_error *err);

/* Highest document id ever used, and the sum of all document lengths. */
newsdex_status nx_xdb_lastdocid(nx_xdb *db, uint64_t *docid, nx_error *err);
newsdex_status nx_xdb_total_length(nx_xdb *db, uint64_t *length, nx_error *err);

/* Read-only: move to the latest committed revision (a writer may have
 * committed since open). Writable: no-op. */
newsdex_status nx_xdb_reopen(nx_xdb *db, nx_error *err);
/* Changes whenever the handle moved to another version of the index (a
 * reopen that found commits); a read-write handle always says 0. */
uint64_t nx_xdb_generation(const nx_xdb *db);

/* ---- Query language additions (query_builder.c) ---- */

/* Documents whose value in slot lies in [lo, hi] (byte order); lo or hi
 * may be NULL for an open end (not both). Contributes no weight. */
newsdex_status nx_xquery_value_range(unsigned slot, const char *lo, const char *hi,
                                     nx_xquery **out, nx_error *err);
/* Terms starting with prefix, at most max_expansion of them (the most
 * frequent ones win), weighted as one synonym. */
newsdex_status nx_xquery_wildcard(const char *prefix, uint32_t max_expansion, nx_xquery **out,
                                  nx_error *err);

/* ==================================================================== *
 * Several indexes at once (newsdex_db_open_many).                      *
 * ==================================================================== */

/* Opens paths[0..n-1] read-only as one index (Xapian add_database): a
 * search ranks the articles of all of them together. n must be at least 1.
 * On failure *failed (may be NULL) is the index of the path that could not
 * be opened (n if the failure was not about one path). */
newsdex_status nx_xdb_open_readonly_many(const char *const *paths, size_t n, nx_xdb **out,
                                         size_t *failed, nx_error *err);


/* ==================================================================== *
 * Results section (searcher/search.c, similar, facets): sorting,       *
 * recency, exact counts over every match, similar.                     *
 * ==================================================================== */

typedef enum nx_xsort {
    NX_XSORT_RELEVANCE, /* best score first, ties newest first */
    NX_XSORT_DATE,      /* newest first, ties best score first */
    NX_XSORT_RECENT     /* score plus a recency boost, ties newest first */
} nx_xsort;

/* One dimension of exact counts: every term starting with prefix is a
 * value (the rest of the term), counted once per matching document that
 * holds it. Counting reads the terms' posting lists, which costs the same
 * however few the matches are. When value_bytes > 0 the same counts can
 * be read off value slot `slot` instead (its first value_bytes bytes are
 * the value; shorter values count for nothing): for the date slot through
 * the month map (engine/xapian/month_map.h), else once per match as the matcher
 * passes it. The matches themselves come from the posting lists directly
 * when the query promises many and has no phrase, NEAR, wildcard or value
 * range (engine/xapian/match_list.h), else from the matcher. The terms stay the
 * fallback (remote shards, or value_bytes > 8). */
typedef struct nx_xcount {
    const char *prefix;
    unsigned slot;
    unsigned value_bytes;
} nx_xcount;

/* The limits of one search (newsdex_db_limit), as the engine checks them.
 * Going over one throws inside and returns NEWSDEX_ERR_LIMIT with `hit` set
 * to the newsdex_limit that stopped the search. */
typedef struct nx_xbudget {
    uint64_t deadline_ns;  /* nx_clock_ns() time to stop at; 0: none */
    uint64_t max_counted;  /* matches that may be counted; 0: no limit */
    int hit;               /* out: the newsdex_limit gone over, -1 when none */
} nx_xbudget;

/* CLOCK_MONOTONIC in nanoseconds (cheap: no system call). */
uint64_t nx_clock_ns(void);

typedef struct nx_xsearch_params {
    nx_xbudget *budget;       /* may be NULL: no limits */
    uint32_t offset, limit;
    nx_xsort sort;
    unsigned date_slot;       /* values "YYYYMMDD[hhmmss]" (sorting, recency) */
    double half_life_days;    /* RECENT: age at which the boost halves */
    double recency_share;     /* RECENT: boost of the newest article, as a share of the
                                 best score of the plain query */
    const nx_xcount *counts;  /* dimensions counted over every match (exact) */
    size_t n_counts;
} nx_xsearch_params;

typedef struct nx_xresults nx_xresults;

/* Ranks q as p says. Counting (n_counts > 0) lists every match, which
 * also makes the estimate exact. */
newsdex_status nx_xdb_search_ranked(nx_xdb *db, const nx_xquery *q, const nx_xsearch_params *p,
                                    nx_xresults **out, nx_error *err);
size_t nx_xresults_count(const nx_xresults *r);
uint64_t nx_xresults_estimate(const nx_xresults *r);
/* Hit i: weight and stored data (valid until freed). */
void nx_xresults_get(const nx_xresults *r, size_t i, double *weight, const char **data,
                     size_t *len);
/* Counted dimension d (in the order of p->counts): n distinct values (the
 * terms without the prefix) in byte order, those with a count of 0 left
 * out; value i (not NUL-terminated) and its count. */
size_t nx_xresults_values(const nx_xresults *r, size_t d);
void nx_xresults_value(const nx_xresults *r, size_t d, size_t i, const char **value,
                       size_t *len, uint64_t *count);
/* Keeps n hits: hit order[i] (with weight weights[i]) becomes hit i. */
newsdex_status nx_xresults_reorder(nx_xresults *r, const size_t *order, const double *weights,
                                   size_t n, nx_error *err);
void nx_xresults_free(nx_xresults *r);

/* The terms that best tell the document indexed by unique_term from the
 * rest (Xapian's expand set over it): at most max_terms terms starting with
 * prefix but not with avoid (may be NULL) and for which keep (may be NULL)
 * returns non-zero, best first. *found is 0 when no document has
 * unique_term. *terms is an array of *n malloc'd strings; free it with
 * nx_xterms_free. */
typedef int (*nx_xterm_keep_fn)(const char *term, size_t len, void *ctx);
newsdex_status nx_xdb_describing_terms(nx_xdb *db, const char *unique_term, const char *prefix,
                                       const char *avoid, nx_xterm_keep_fn keep, void *ctx,
                                       size_t max_terms, char ***terms, size_t *n, int *found,
                                       nx_error *err);
void nx_xterms_free(char **terms, size_t n);


/* ==================================================================== *
 * Remote shards (scaling out).                                         *
 * ==================================================================== */

/* nx_xdb_open_readonly() and nx_xdb_open_readonly_many() take, besides an
 * index directory, a Xapian stub file listing shards (lines "auto PATH",
 * "glass PATH", "remote HOST:PORT") and "tcp://HOST:PORT" (HOST may be
 * [IPV6]): an index served by xapian-tcpsrv (engine/xapian/xapian_remote.cc). A
 * remote that cannot be reached gives NEWSDEX_ERR_NETWORK; a malformed
 * tcp:// name NEWSDEX_ERR_INVALID. Connecting and each exchange time out
 * after: */
#define NX_XDB_REMOTE_TIMEOUT_MS 10000

#ifdef __cplusplus
}
#endif
#endif

/* ---- Last resort for Xapian failures that cannot be caught ----
 * Xapian 1.4 can throw from a destructor while a failed write unwinds (seen
 * with a full disk during commit), which ends in std::terminate. The caller
 * may register a handler to report the failure before the process aborts;
 * the handler gets Xapian's message and should not return. */
#ifdef __cplusplus
extern "C" {
#endif
void nx_set_fatal_handler(void (*handler)(const char *message));
#ifdef __cplusplus
}
/* C++ only: thrown when a search goes over a limit of its nx_xbudget (the
 * budget's `hit` says which); map_exception gives NEWSDEX_ERR_LIMIT. */
#include <exception>
struct nx_limit_error : std::exception {
    const char *what() const noexcept override { return "the search went over a limit"; }
};
/* Throws nx_limit_error (setting b->hit to limit) once b's deadline has passed. */
void nx_budget_check_time(nx_xbudget *b);
/* C++ only: thrown when an index (or a stub file naming shards) cannot be
 * opened for lack of permission; map_exception gives NEWSDEX_ERR_PERMISSION. */
#include <stdexcept>
struct nx_permission_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};
/* C++ only, for the other C++ files of engine/: called inside a catch block,
 * records the exception being handled in *err and returns its status, the
 * same way every call of this header does. */
newsdex_status nx_map_exception(nx_error *err);
#endif
