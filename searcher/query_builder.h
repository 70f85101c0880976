/* Query tree -> Xapian query. Words go through the same analyzer as the
 * indexed text and map to terms as engine/terms.h lays them out:
 *
 *   word            Z<stem> (any inflection), ranked higher by the exact
 *                   form (unprefixed; NX_EXACT_NAME_BOOST when typed with a
 *                   capital, else NX_EXACT_BOOST unless the word is its own
 *                   stem; the first NX_EXACT_MAX_WORDS such words); a
 *                   stopword is dropped unless
 *                   written +word or the whole query is stopwords; a year
 *                   1900-2099 requires Z<year> OR Y<year> (the article's
 *                   date) and only Y<year> adds weight, boosted
 *   "phrase"        unprefixed word forms in order (stopwords kept); a word
 *                   the analyzer splits (ad-free, U.S.-China) is a phrase too,
 *                   OR, when it is one hyphenated compound (Wal-Mart), its
 *                   joined form as a word (walmart)
 *   word*           the word forms starting with word (at most
 *                   NX_WILDCARD_MAX_TERMS, the most frequent)
 *   a NEAR/n b      the word forms within n other words, any order
 *   title:          ZS<stem> for words, S<word> for phrases and proximity
 *   source: topic: place: company: author: LIST:
 *                   the filter term X<LIST>:<folded value> (no weight)
 *   id:             Q<id> exactly
 *   date:           a value range on NX_SLOT_DATE (no weight)
 */
#ifndef NX_QUERY_BUILDER_H
#define NX_QUERY_BUILDER_H

#include "query_parser.h"
#include "../engine/analyzer.h"
#include "../engine/xapian/xsearch.h"

#define NX_WILDCARD_MAX_TERMS 1000
/* Weight of "dated in the year asked for", relative to one query word. */
#define NX_YEAR_DATE_BOOST 2.0
/* Weight of a word's exact form, relative to its stem's: for a word typed
 * in lower case, and for one typed with a capital (a name). */
#define NX_EXACT_BOOST 0.0001
#define NX_EXACT_NAME_BOOST 1.0
/* Words of one query whose exact form adds weight (the first ones); the
 * rest match their stem alone, so that hundreds of words do not double the
 * posting lists a query reads. */
#define NX_EXACT_MAX_WORDS 32

typedef struct nx_built_query {
    nx_xquery *query;   /* NULL if the query had nothing to search for */
    nx_xquery *relaxed; /* any-of-the-words fallback, or NULL (see below) */
    char **stems;       /* stems of the words to highlight (not negated ones) */
    size_t n_stems;
    size_t n_terms;     /* terms of the query (a wildcard counts one), for
                           NEWSDEX_LIMIT_QUERY_TERMS */
    char **wildcards;   /* each wildcard's term pattern (prefix of the terms it
                           expands to), for NEWSDEX_LIMIT_WILDCARD_TERMS */
    size_t n_wildcards;
} nx_built_query;

/* Builds the query. When the top level is an AND of two or more scoring
 * parts (words, phrases, groups, title:), `relaxed` ORs those parts while
 * keeping the filters and exclusions: the search falls back to it when the
 * strict query matches nothing. Errors are NEWSDEX_ERR_QUERY "position N: ...". */
newsdex_status nx_query_build(nx_analyzer *analyzer, const nx_query_tree *tree,
                              nx_built_query *out, nx_error *err);
void nx_built_query_free(nx_built_query *q);

/* The filter-term name of a list field (topic -> "topics", source -> "source"). */
const char *nx_query_list_name(const char *canonical_field);

#endif
