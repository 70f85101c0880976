/* The Xapian binding, for C callers: exact counts over every match of a
 * query (facets, the per-year or per-month chart, the total), in one of
 * two ways the caller chooses between:
 *   - during the ranking pass (nx_xrank_params.counts, xsearch.h): a match
 *     spy sees each match as Xapian's matcher finds it;
 *   - by walking the query's posting lists and value streams directly
 *     (nx_xdb_count_walk), before a ranking pass that counts nothing: a few
 *     nanoseconds a posting instead of the matcher weighing and building a
 *     document for every match, which pays only when there are many.
 * How each dimension is then read (a handle's cached keys, the month map,
 * the values themselves, the terms' posting lists or the few documents'
 * term lists) the binding settles by what the index offers. */
#ifndef NX_XCOUNT_H
#define NX_XCOUNT_H

#include <stddef.h>
#include <stdint.h>
#include "xdb.h"
#include "xsearch.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One dimension of exact counts: every term starting with prefix is a
 * value (the rest of the term), counted once per matching document that
 * holds it. When value_bytes is 1 to 8 the same counts can be read off
 * value slot `slot` instead (its first value_bytes bytes are the value;
 * shorter values count for nothing): for the date slot through the month
 * map (month_map.h), else once per match as the matcher passes it. The
 * terms stay the fallback (several shards, or value_bytes 0 or over 8). */
typedef struct nx_xcount {
    const char *prefix;
    unsigned slot;
    unsigned value_bytes;
} nx_xcount;

/* Whether q's matches can be walked in db (*walkable: q has no phrase,
 * NEAR, wildcard or value range, and db is one index) and, if so, roughly
 * how many there are, from term frequencies; *known (may be NULL) is 1
 * when q is one term or every document, whose number Xapian's ranking
 * pass knows exactly without checking every match. */
newsdex_status nx_xdb_walk_estimate(nx_xdb *db, const nx_xquery *q, int *walkable,
                                    double *estimate, int *known, nx_error *err);

/* Counts the n dimensions over every match of q by walking its posting
 * lists: *out gets no hits, only the counts and the exact total; *out is
 * NULL when the walk cannot serve every dimension (a value dimension the
 * month map does not hold, a backend without value streams, q not
 * walkable). Over budget's max_counted matches: NEWSDEX_ERR_LIMIT, except
 * with n 0 (the total alone), which is then a lower bound
 * (nx_xresults_total_exact 0). */
newsdex_status nx_xdb_count_walk(nx_xdb *db, const nx_xquery *q, const nx_xcount *counts,
                                 size_t n, nx_xbudget *budget, nx_xresults **out,
                                 nx_error *err);

/* Counted dimension d (in the order of the counts asked for): n distinct
 * values (the terms without the prefix) in byte order, those with a count
 * of 0 left out; value i (not NUL-terminated) and its count. */
size_t nx_xresults_values(const nx_xresults *r, size_t d);
void nx_xresults_value(const nx_xresults *r, size_t d, size_t i, const char **value,
                       size_t *len, uint64_t *count);

/* How many matches hold no value of counted dimension d: exact when the
 * counts are (a value dimension holds at most one value per document). */
uint64_t nx_xresults_none(const nx_xresults *r, size_t d);

/* Moves the counts and the total of `from` (nx_xdb_count_walk) into `to`
 * (a ranking that counted nothing). */
void nx_xresults_take_counts(nx_xresults *to, nx_xresults *from);

#ifdef __cplusplus
}
#endif
#endif
