/* The Xapian binding, for C callers: index handles, documents, metadata,
 * terms and values (engine/xapian/README says what runs in C++ and why).
 * Handles are opaque; every call catches every exception and returns a
 * status with a message in *err (err may be NULL). xsearch.h runs
 * searches, xcount.h counts their matches. */
#ifndef NX_XDB_H
#define NX_XDB_H

#include <stddef.h>
#include <stdint.h>
#include "../error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nx_xdb nx_xdb;   /* an index, read-only or writable */
typedef struct nx_xdoc nx_xdoc; /* a document being built */

/* ---- Opening and closing ---- */

newsdex_status nx_xdb_open_writable(const char *path, nx_xdb **out, nx_error *err);
/* How many documents a writable database holds in memory before Xapian
 * moves them into its tables (within a transaction too): the
 * XAPIAN_FLUSH_THRESHOLD a writer opens with (newsdex's 1000 unless the
 * user set it). */
unsigned long nx_xdb_flush_threshold(void);

/* path is an index directory, a Xapian stub file listing shards (lines
 * "auto PATH", "glass PATH", "remote HOST:PORT") or "tcp://HOST:PORT"
 * (HOST may be [IPV6]): an index served by xapian-tcpsrv
 * (xapian_remote.cc). A remote that cannot be reached gives
 * NEWSDEX_ERR_NETWORK; a malformed tcp:// name NEWSDEX_ERR_INVALID.
 * Connecting and each exchange time out after NX_XDB_REMOTE_TIMEOUT_MS. */
newsdex_status nx_xdb_open_readonly(const char *path, nx_xdb **out, nx_error *err);
#define NX_XDB_REMOTE_TIMEOUT_MS 10000

/* Opens paths[0..n-1] read-only as one index (each as nx_xdb_open_readonly
 * takes it): a search ranks the articles of all of them together. n must
 * be at least 1. On failure *failed (may be NULL) is the index of the path
 * that could not be opened (n if the failure was not about one path). */
newsdex_status nx_xdb_open_readonly_many(const char *const *paths, size_t n, nx_xdb **out,
                                         size_t *failed, nx_error *err);

/* How nx_xdb_open_shards() opens. */
typedef struct nx_xopen {
    unsigned timeout_ms; /* remote shards: connecting and each exchange give up
                            after this; 0: NX_XDB_REMOTE_TIMEOUT_MS */
    int partial;         /* non-zero: leave out remote shards that do not answer */
} nx_xopen;

/* As nx_xdb_open_readonly_many(), with each shard of the paths (tcp://
 * names, the lines of stub files) opened apart under o's timeout (o may be
 * NULL: the defaults). With o->partial, remote shards that do not answer
 * are left out (nx_xdb_missing_count); NEWSDEX_ERR_NETWORK only when
 * none answers. Errors about a shard of a stub file name the shard. */
newsdex_status nx_xdb_open_shards(const char *const *paths, size_t n, const nx_xopen *o,
                                  nx_xdb **out, size_t *failed, nx_error *err);
/* Shards left out of a handle opened with partial, and their names. */
size_t nx_xdb_missing_count(const nx_xdb *db);
const char *nx_xdb_missing_name(const nx_xdb *db, size_t i);
/* After a call on db failed with NEWSDEX_ERR_NETWORK: finds the shard that
 * did not answer (the message in err then names it). With partial, the
 * handle is opened again without it and *retry is 1: run the call again.
 * Otherwise *retry is 0 and the status is the failure's. */
newsdex_status nx_xdb_recover(nx_xdb *db, int *retry, nx_error *err);

/* Writable: commits first. Always frees db, even on error. NULL is allowed. */
newsdex_status nx_xdb_close(nx_xdb *db, nx_error *err);

/* Read-only: move to the latest committed revision (a writer may have
 * committed since open). Writable: no-op. */
newsdex_status nx_xdb_reopen(nx_xdb *db, nx_error *err);
/* Changes whenever the handle moved to another version of the index (a
 * reopen that found commits); a writable handle always says 0. */
uint64_t nx_xdb_generation(const nx_xdb *db);

/* ---- Writing (writable handles only) ---- */

newsdex_status nx_xdb_commit(nx_xdb *db, nx_error *err);

/* Atomic batches: everything between begin and commit becomes visible (and
 * durable) at once, or not at all. Cancel drops the batch. */
newsdex_status nx_xdb_begin_transaction(nx_xdb *db, nx_error *err);
newsdex_status nx_xdb_commit_transaction(nx_xdb *db, nx_error *err);
newsdex_status nx_xdb_cancel_transaction(nx_xdb *db, nx_error *err);

/* Replace the document indexed by unique_term (or add it). */
newsdex_status nx_xdb_replace(nx_xdb *db, const char *unique_term, const nx_xdoc *doc,
                              nx_error *err);
/* Add doc as a new document (the next docid), for a caller that knows no
 * document holds its unique term: what nx_xdb_replace does then, without
 * looking the term up. */
newsdex_status nx_xdb_add(nx_xdb *db, const nx_xdoc *doc, nx_error *err);
/* Delete every document indexed by unique_term (none is not an error). */
newsdex_status nx_xdb_delete_unique(nx_xdb *db, const char *unique_term, nx_error *err);

/* ---- Documents ---- */

newsdex_status nx_xdoc_new(nx_xdoc **out, nx_error *err);
void nx_xdoc_free(nx_xdoc *doc);
newsdex_status nx_xdoc_add_posting(nx_xdoc *doc, const char *term, uint32_t position,
                                   uint32_t wdf_inc, nx_error *err);
newsdex_status nx_xdoc_add_term(nx_xdoc *doc, const char *term, uint32_t wdf_inc, nx_error *err);
/* The same two for a term of len bytes (no NUL needed). */
newsdex_status nx_xdoc_add_posting_n(nx_xdoc *doc, const char *term, size_t len,
                                     uint32_t position, uint32_t wdf_inc, nx_error *err);
newsdex_status nx_xdoc_add_term_n(nx_xdoc *doc, const char *term, size_t len, uint32_t wdf_inc,
                                  nx_error *err);
/* Number of distinct terms in doc so far (no copy, no lookup). */
size_t nx_xdoc_term_count(const nx_xdoc *doc);
/* A term that filters but adds nothing to the document length. */
newsdex_status nx_xdoc_add_boolean_term(nx_xdoc *doc, const char *term, nx_error *err);
newsdex_status nx_xdoc_set_value(nx_xdoc *doc, unsigned slot, const char *bytes, size_t len,
                                 nx_error *err);
newsdex_status nx_xdoc_set_data(nx_xdoc *doc, const char *bytes, size_t len, nx_error *err);

/* ---- Reading the index ---- */

newsdex_status nx_xdb_doccount(nx_xdb *db, uint64_t *count, nx_error *err);
/* Highest document id ever used. */
newsdex_status nx_xdb_lastdocid(nx_xdb *db, uint64_t *docid, nx_error *err);

newsdex_status nx_xdb_term_exists(nx_xdb *db, const char *term, int *exists, nx_error *err);
/* Number of documents containing term. */
newsdex_status nx_xdb_termfreq(nx_xdb *db, const char *term, uint64_t *freq, nx_error *err);

/* Calls fn for every term starting with prefix (all terms for ""), in
 * byte order, with the number of documents holding it; fn returns non-zero
 * to stop early. term is NUL-terminated and valid only during the call. */
typedef int (*nx_xterm_fn)(const char *term, size_t len, uint64_t termfreq, void *ctx);
newsdex_status nx_xdb_each_term(nx_xdb *db, const char *prefix, nx_xterm_fn fn, void *ctx,
                                nx_error *err);
/* Number of distinct terms starting with prefix (all terms for ""). */
newsdex_status nx_xdb_count_terms(nx_xdb *db, const char *prefix, uint64_t *count,
                                  nx_error *err);

/* Value in slot of the document indexed by unique_term: *found is 0 if no
 * document has the term. Copies at most cap bytes into buf; *len is the
 * full length. One posting-list lookup and one value read. */
newsdex_status nx_xdb_unique_value(nx_xdb *db, const char *unique_term, unsigned slot, char *buf,
                                   size_t cap, size_t *len, int *found, nx_error *err);
/* The greatest value in slot over every document ("" when none has one):
 * *out is malloc'd and NUL-terminated; *len excludes the NUL. */
newsdex_status nx_xdb_value_upper_bound(nx_xdb *db, unsigned slot, char **out, size_t *len,
                                        nx_error *err);
/* The same for the least value: a bound (deleted documents may leave it
 * lower than any value left), "" when no document has one. */
newsdex_status nx_xdb_value_lower_bound(nx_xdb *db, unsigned slot, char **out, size_t *len,
                                        nx_error *err);

/* User metadata (key/value strings stored with the index; "" = absent).
 * Setting it (writable only) joins the open transaction, if any.
 * get: *out is malloc'd and NUL-terminated; *len excludes the NUL. */
newsdex_status nx_xdb_set_metadata(nx_xdb *db, const char *key, const char *value, size_t len,
                                   nx_error *err);
newsdex_status nx_xdb_get_metadata(nx_xdb *db, const char *key, char **out, size_t *len,
                                   nx_error *err);
/* The same, read from each shard in turn until one has it: several
 * indexes open as one read only the first one's metadata (what describes
 * every article, such as a source as written, may be in any). */
newsdex_status nx_xdb_get_metadata_any(nx_xdb *db, const char *key, char **out, size_t *len,
                                       nx_error *err);

/* ---- Limits of a search ---- */

/* The limits of one search (newsdex_db_limit), as the binding checks them
 * while Xapian runs. Going over one stops the call with NEWSDEX_ERR_LIMIT
 * and `hit` set to the newsdex_limit gone over. */
typedef struct nx_xbudget {
    uint64_t deadline_ns;  /* nx_clock_ns() time to stop at; 0: none */
    uint64_t max_counted;  /* matches that may be counted; 0: no limit */
    int hit;               /* out: the newsdex_limit gone over, -1 when none */
} nx_xbudget;

/* CLOCK_MONOTONIC in nanoseconds (read through the vDSO: no system call). */
uint64_t nx_clock_ns(void);

/* ---- Failures that cannot be caught ----
 * Xapian 1.4 can throw from a destructor while a failed write unwinds (seen
 * with a full disk during commit), which ends in std::terminate. The caller
 * may register a handler to report the failure before the process aborts;
 * the handler gets Xapian's message and should not return. */
void nx_set_fatal_handler(void (*handler)(const char *message));

#ifdef __cplusplus
}
#endif
#endif
