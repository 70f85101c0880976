/* Value slots written for the search side: the source and topics counted
 * by facets, and the near-duplicate key used by --collapse (see terms.h).
 * The index writer calls nx_doc_values_add() once per article. */
#ifndef NX_DOC_VALUES_H
#define NX_DOC_VALUES_H

#include <stdint.h>
#include "analyzer.h"
#include "newsdex.h"
#include "xapian_wrapper.h"

/* NX_SLOT_HIT holds what a search shows for a hit, so that it need not
 * decompress and parse the stored article: id, title, date (YYYY-MM-DD or
 * ""), source, url and body, each followed by a NUL byte, after the format
 * byte NX_HIT_RECORD_FORMAT. The body is cut at NX_HIT_BODY_MAX bytes (at a
 * character boundary): snippets only look that far. */
#define NX_HIT_RECORD_FORMAT 'h'
#define NX_HIT_BODY_MAX (256 * 1024)

/* Longest collapse key kept, in bytes. */
#define NX_COLLAPSE_KEY_MAX 200

/* Sets NX_SLOT_SOURCE, NX_SLOT_TOPICS, NX_SLOT_COLLAPSE (each only when the
 * article has something to put there) and NX_SLOT_HIT on doc. when: the article's time
 * (UTC seconds), used when has_date. */
newsdex_status nx_doc_values_add(nx_analyzer *analyzer, const newsdex_article *article,
                                 int has_date, int64_t when, nx_xdoc *doc, nx_error *err);

/* The normalised title: the analyzer's folded words joined by single spaces,
 * cut at max bytes (at a word end). Writes at most cap bytes with the NUL. */
newsdex_status nx_normalised_title(nx_analyzer *analyzer, const char *title, char *buf,
                                   size_t cap, nx_error *err);

#endif
