/* The analyzer: turns UTF-8 text into searchable tokens. One analyzer serves
 * both the indexer and the searcher, so a word is always reduced the same way.
 *
 * Per token: Unicode compatibility normalisation, case folding and accent
 * folding (Nestlé -> nestle), then Snowball stemming (layoffs -> layoff).
 * Invalid UTF-8 bytes act as separators; they are never fatal. */
#ifndef NX_ANALYZER_H
#define NX_ANALYZER_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

/* Longest token kept, in bytes after folding; longer ones are dropped
 * (their position is still counted). Xapian's term limit is 245 bytes. */
#define NX_TOKEN_MAX_BYTES 64

typedef struct nx_token {
    const char *text;   /* folded, unstemmed; NUL-terminated; valid during the callback */
    size_t text_len;
    const char *stem;   /* stemmed form of text; NUL-terminated; valid during the callback */
    size_t stem_len;
    uint32_t position;  /* 0-based word position within this nx_analyze() call */
    size_t start, end;  /* byte range [start, end) of the token in the input */
    unsigned joined;    /* 0 for a word; for the joined form of a hyphenated
                           compound (nx_analyze_compounds), how many parts it joins */
    unsigned digits;    /* holds a digit (27, 10.5, 1980s, f16): not stemmed, so
                           stem == text (engine/terms.h: no stem term) */
} nx_token;

/* Called once per token in order; return non-zero to stop early. */
typedef int (*nx_token_fn)(const nx_token *token, void *ctx);

typedef struct nx_analyzer nx_analyzer;

/* language: a Snowball algorithm name ("english", ...); NULL means "english". */
newsdex_status nx_analyzer_new(const char *language, nx_analyzer **out, nx_error *err);
void nx_analyzer_free(nx_analyzer *analyzer);

/* Tokenize text[0..len). Returns NEWSDEX_OK (also when stopped early by fn)
 * or NEWSDEX_ERR_NOMEM. Not thread-safe per analyzer (one per thread). */
newsdex_status nx_analyze(nx_analyzer *analyzer, const char *text, size_t len,
                          nx_token_fn fn, void *ctx, nx_error *err);

/* Compounds whose parts are joined by hyphens (U+002D, U+2010, U+2011)
 * have a joined form besides their parts: Wal-Mart -> walmart (joined = 2),
 * then wal, mart. So the spellings of one name with and without the hyphen
 * (Wal-Mart / Walmart, e-mail / email) share a term. Only compounds of 2 to
 * NX_COMPOUND_MAX_PARTS parts, each made of letters only (not F-16, not
 * 1990-91), short enough for one token, are joined. */
#define NX_COMPOUND_MAX_PARTS 4

/* nx_analyze, plus the joined form of each compound: it comes just before
 * the compound's first part, with that part's position (it takes no
 * position of its own), and its range covers the whole compound. The
 * indexer and the query builder use it; snippets, filter values and the
 * rest see the parts only. */
newsdex_status nx_analyze_compounds(nx_analyzer *analyzer, const char *text, size_t len,
                                    nx_token_fn fn, void *ctx, nx_error *err);

#endif
