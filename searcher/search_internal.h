/* Shared inside the searcher: the handles behind newsdex_db and
 * newsdex_results, and the one search pipeline that newsdex_search and
 * newsdex_similar both run. */
#ifndef NX_SEARCH_INTERNAL_H
#define NX_SEARCH_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "newsdex.h"
#include "../engine/analyzer.h"
#include "../engine/xapian/xcount.h"
#include "../engine/xapian/xdb.h"
#include "../engine/xapian/xsearch.h"
#include "hit_decode.h"
#include "ranking.h"
#include "snippet.h"

#define NX_SEARCH_LIMIT_MAX 10000
/* Suggest a spelling when fewer articles than this match. */
#define NX_SUGGEST_BELOW 5
/* --collapse folds at most this many top matches. */
#define NX_COLLAPSE_WINDOW_MAX 20000

struct newsdex_db {
    nx_xdb *xdb;
    nx_analyzer *analyzer;
    nx_inflater *inflater; /* reused for every stored article read */
    nx_error err;
    int64_t limits[NEWSDEX_LIMITS]; /* newsdex_db_limit(); 0: none */
    nx_xbudget budget;              /* of the call running (nx_budget_start) */
};

/* ---- Limits (search.c) ----
 * Each public call (search, similar, explain) starts a budget from the
 * handle's limits; every stage checks it, cheaply (the clock every so many
 * steps). Going over a limit fails the call with NEWSDEX_ERR_LIMIT. */
void nx_budget_start(newsdex_db *db);
/* NEWSDEX_ERR_LIMIT, with the message naming limit `which` and its value. */
newsdex_status nx_limit_fail(newsdex_db *db, newsdex_limit which);
/* NEWSDEX_OK, or the time limit's failure once the deadline has passed. */
newsdex_status nx_budget_time(newsdex_db *db);
/* Status st of an engine call: a limit the engine hit gets its message. */
newsdex_status nx_budget_status(newsdex_db *db, newsdex_status st);
/* Check the clock every this many steps of a loop over articles. */
#define NX_BUDGET_EVERY 16

typedef struct nx_count_item {
    char *value;
    uint64_t count;
} nx_count_item;

typedef struct nx_count_list {
    nx_count_item *v;
    size_t n;
} nx_count_list;

#define NX_FACETS 3 /* newsdex_facet values */

struct newsdex_results {
    uint64_t total_estimate; /* total less the near-duplicates folded */
    uint64_t total;          /* matches: exact, or a lower bound (total_exact 0) */
    int total_exact;
    size_t n;
    newsdex_hit *hits;   /* strings and marks are malloc'd and owned here */
    int relaxed;         /* ranked by any of the words */
    nx_count_list facets[NX_FACETS];
    uint64_t facet_missing[NX_FACETS]; /* matches without a value of each facet */
    nx_count_list histogram;
    char *suggestion;    /* NULL: none */
    char **missing;      /* shards left out (partial handles), n_missing of them */
    size_t n_missing;
    char *corrected;     /* the query searched instead of the one typed; NULL: none */
    char **similar_terms;    /* newsdex_similar: the stem terms it used (prefixed) */
    double *similar_weights; /* and their expand weights */
    size_t n_similar;
};

/* ---- Shards that do not answer (db_shards.c) ---- */
/* A call that failed with st on attempt `attempt` (0, 1, ...): non-zero
 * when it should run again (a partial handle left out the shard that did
 * not answer); else db->err names the shard where it can. */
#define NX_RECOVER_MAX 8
int nx_db_recover(newsdex_db *db, newsdex_status st, unsigned attempt);
/* Copies the handle's missing shards into r. */
newsdex_status nx_results_note_missing(newsdex_db *db, newsdex_results *r);
void nx_results_free_missing(newsdex_results *r);

/* What to search for: the matching query, its any-word fallback (or
 * NULL), the words weighed for proximity, the stems to highlight, and the
 * last day of its date range ("YYYYMMDD", "" for none: nx_rank_range_end),
 * from which --sort recent counts ages. */
typedef struct nx_search_request {
    const nx_xquery *query;
    const nx_xquery *relaxed;
    const nx_near_words *near;
    char *const *stems;
    size_t n_stems;
    char range_end[9];
} nx_search_request;

/* Runs req with options o into a new *out (free with newsdex_results_free):
 * the pipeline of search_pipeline.c, which newsdex_search and
 * newsdex_similar share. */
newsdex_status nx_search_execute(newsdex_db *db, const newsdex_search_options *o,
                                 const nx_search_request *req, newsdex_results **out);

/* Which matches make the page: entries of m (page->which[i], or i when
 * which is NULL) and how many near-duplicates each stands for (dups, or
 * none when NULL). */
typedef struct nx_page {
    const size_t *which;
    const uint32_t *dups;
    size_t n;
    uint64_t folded;  /* near-duplicates left out of the total */
} nx_page;

/* An article the proximity stage read already: its fields and, when
 * snippets are asked for, its snippet (has_snippet). */
typedef struct nx_read_hit {
    nx_hit_fields f;
    nx_snippet snippet;
    int has_snippet;
} nx_read_hit;

/* Hits of one page, made from the matches, and the counts (results.c).
 * read (or NULL) holds, per entry of m, the article already read. */
newsdex_status nx_results_fill(newsdex_db *db, const newsdex_search_options *o,
                               const nx_search_request *req, const nx_xresults *m,
                               nx_read_hit *read, const int *dims, const nx_page *page,
                               newsdex_results *r);

/* --collapse (collapse.c): folds the matches of m, in rank order, that
 * share a normalised title and a day into the first of them, and describes
 * entries [skip, skip + limit) of the folded list in *page (its arrays are
 * malloc'd; free them with nx_page_free). *folded_all is the length of the
 * whole folded list. */
newsdex_status nx_collapse(newsdex_db *db, const nx_xresults *m, size_t skip, size_t limit,
                           nx_page *page, size_t *folded_all);
void nx_page_free(nx_page *page);

/* Which counted dimension (index into the nx_xrank_params counts) holds
 * what; -1 when not counted. */
enum { NX_DIM_SOURCE, NX_DIM_TOPIC, NX_DIM_YEAR, NX_DIM_MONTH, NX_DIMS };

/* Checks o's limit, offset (the depth limit), sort, half-life and
 * histogram. */
newsdex_status nx_search_check_options(newsdex_db *db, const newsdex_search_options *o);

/* The caller's options `in` as this release lays them out, in *copy:
 * members past in->size take their defaults (the size rule of newsdex.h).
 * Returns copy, or NULL for a NULL in. */
const newsdex_search_options *nx_search_options_take(const newsdex_search_options *in,
                                                     newsdex_search_options *copy);

/* *out: a malloc'd corrected query when some rare word of query has a
 * likelier spelling in the index; NULL if none (spelling.c). */
newsdex_status nx_spell_suggest(newsdex_db *db, const char *query, char **out);

#endif
