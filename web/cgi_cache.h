/* The response cache of a FastCGI newsdex.cgi process (cgi_cache.c).
 *
 * A repeated request (the same QUERY_STRING bytes) is answered from memory
 * instead of searching. Only 200 responses are kept, each under the version
 * of the index it was rendered from: a lookup under another version (the
 * indexer committed, or the index was opened afresh) empties the cache, so
 * an answer is never older than the index the process has open. Entries also
 * expire after a TTL, because sort=recent depends on the clock.
 *
 * Bounded by a number of entries and a byte budget (keys, bodies and
 * bookkeeping together); the least recently used entries go first, and an
 * entry bigger than 1/8 of the budget (a huge page) is never kept. Times
 * are seconds on a monotonic clock: cgi_cache_clock() in the program, any
 * number in tests.
 *
 * Self-contained (libc only) so the unit test links it alone. */
#ifndef NX_CGI_CACHE_H
#define NX_CGI_CACHE_H

#include <stddef.h>
#include <stdint.h>

#define CGI_CACHE_ENTRIES_DEFAULT 256
#define CGI_CACHE_MIB_DEFAULT 32
#define CGI_CACHE_TTL_DEFAULT 60.0   /* seconds */

typedef struct cgi_cache cgi_cache;

/* Which version of the index an answer comes from: the cgi_index's count of
 * opens (a new handle) and newsdex_db_generation() of the handle. */
typedef struct cgi_cache_version {
    uint64_t index;
    uint64_t generation;
} cgi_cache_version;

/* A response as kept; a hit's pointers stay valid until the next call that
 * changes the cache (get, put, free). */
typedef struct cgi_cached {
    int status;
    const char *content_type;
    const char *body;
    size_t len;
} cgi_cached;

/* NULL when max_entries or max_bytes is 0 (no cache) or out of memory; every
 * function below takes NULL as a cache that never hits and stores nothing. */
cgi_cache *cgi_cache_new(size_t max_entries, size_t max_bytes, double ttl);
void cgi_cache_free(cgi_cache *c);

/* CLOCK_MONOTONIC in seconds. */
double cgi_cache_clock(void);

/* 1 with *out filled on a hit, 0 on a miss. A version other than the last
 * one seen drops every entry first; an expired entry is dropped. */
int cgi_cache_get(cgi_cache *c, const char *key, size_t key_len, cgi_cache_version v,
                  double now, cgi_cached *out);

/* Keeps r (copied) under key, replacing an older entry with the same key.
 * 0 if kept; -1 if refused (not a 200, too big, no cache, out of memory). */
int cgi_cache_put(cgi_cache *c, const char *key, size_t key_len, cgi_cache_version v,
                  const cgi_cached *r, double now);

size_t cgi_cache_count(const cgi_cache *c);
size_t cgi_cache_bytes(const cgi_cache *c);   /* what counts against the budget */

#endif
