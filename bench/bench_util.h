/* Small helpers shared by the benchmark tools (not part of newsdex):
 * a seeded PRNG, a growable byte buffer, JSON string output, timing, and the
 * reader for bench/queries.txt. */
#ifndef NX_BENCH_UTIL_H
#define NX_BENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- PRNG: xoshiro256** seeded through splitmix64 ---- */
typedef struct bench_rng {
    uint64_t s[4];
} bench_rng;

void bench_rng_seed(bench_rng *r, uint64_t seed);
uint64_t bench_rng_next(bench_rng *r);
/* Uniform in [0, n); n > 0. */
uint64_t bench_rng_below(bench_rng *r, uint64_t n);
/* Uniform in [0, 1). */
double bench_rng_unit(bench_rng *r);

/* ---- Growable buffer; aborts the tool when out of memory ---- */
typedef struct bench_buf {
    char *data;
    size_t len, cap;
} bench_buf;

void bench_buf_add(bench_buf *b, const char *s, size_t n);
void bench_buf_puts(bench_buf *b, const char *s);
void bench_buf_putc(bench_buf *b, char c);
void bench_buf_free(bench_buf *b);
/* NUL-terminates and returns b->data (never NULL). */
const char *bench_buf_str(bench_buf *b);

void *bench_xmalloc(size_t n);
void *bench_xrealloc(void *p, size_t n);
char *bench_xstrdup(const char *s);

/* Appends s as a JSON string literal (with quotes); invalid UTF-8 becomes U+FFFD. */
void bench_json_string(bench_buf *b, const char *s);

/* Monotonic clock in nanoseconds. */
uint64_t bench_now_ns(void);

/* ---- The query set: one "shape<TAB>query" per line; '#' lines are comments ---- */
typedef struct bench_query {
    char *shape;
    char *text;
} bench_query;

typedef struct bench_queries {
    bench_query *q;
    size_t n;
} bench_queries;

/* Returns 0 on success; on failure prints why to stderr and returns -1. */
int bench_queries_load(const char *path, bench_queries *out);
void bench_queries_free(bench_queries *qs);

/* The filter forms of the query set, cut out of the free text:
 * topic:VALUE, source:"VALUE", date:YYYY-MM-DD..YYYY-MM-DD. */
typedef struct bench_filters {
    char topic[128];      /* "" if none */
    char source[128];     /* "" if none */
    char date_from[11];   /* "" if none */
    char date_to[11];
} bench_filters;

/* Returns the query without its filters (malloc'd) and fills f. */
char *bench_split_filters(const char *query, bench_filters *f);

/* Non-zero if the query has a filter form. */
int bench_has_filters(const bench_filters *f);

/* Appends s URL-encoded (for CGI query strings). */
void bench_url_encode(bench_buf *b, const char *s);

/* One measured query, written as a TSV line on @p out:
 * engine, shape, query number, round, microseconds, hits on the page, estimate. */
void bench_emit(FILE *out, const char *engine, const char *shape, size_t qno, int round,
                double usec, size_t hits, unsigned long long estimate);

#ifdef __cplusplus
}
#endif
#endif
