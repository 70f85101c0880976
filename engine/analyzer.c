/* Analyzer: folds and stems the tokens found by analyzer_scan.c.
 *
 * Folding is NFKC + case folding + diacritic removal, done with utf8proc's
 * lower-level calls on a reused code point buffer so no token allocates.
 * Instead of UTF8PROC_STRIPMARK (which drops every mark, turning Hindi or
 * Thai vowel signs into nothing and merging unrelated words) only the marks
 * nx_strip_mark() lists are removed: accents, Hebrew points, Arabic harakat.
 * Tokens are then reduced to word characters, so compatibility forms such
 * as U+2474 "(1)" cannot smuggle punctuation into a term. */
#include "analyzer.h"

#include <libstemmer.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "analyzer_internal.h"

/* Word frequencies are skewed, so a direct-mapped cache of stems skips most
 * libstemmer calls, which were three quarters of the analysis time. */
#define STEM_CACHE_SLOTS 8192 /* a power of two; ~1 MB, touched lazily */

_Static_assert(NX_TOKEN_MAX_BYTES <= 255, "stem_slot lengths are bytes");

typedef struct stem_slot {
    unsigned char text_len; /* 0: empty slot */
    unsigned char stem_len;
    char text[NX_TOKEN_MAX_BYTES];
    char stem[NX_TOKEN_MAX_BYTES + 1];
} stem_slot;

struct nx_analyzer {
    struct sb_stemmer *stemmer;
    stem_slot *cache;
    nx_raw raw;
    nx_raw joined; /* a compound's parts together (nx_scan_compound) */
    utf8proc_int32_t *cps; /* folding workspace; then the folded UTF-8 text */
    size_t cps_cap;
    char *stem;
    size_t stem_cap;
};

static int known_language(const char *language)
{
    for (const char **name = sb_stemmer_list(); *name; name++)
        if (strcmp(*name, language) == 0)
            return 1;
    return 0;
}

newsdex_status nx_analyzer_new(const char *language, nx_analyzer **out, nx_error *err)
{
    if (!out)
        return nx_error_set(err, NEWSDEX_ERR_INVALID, "nx_analyzer_new: out is NULL");
    *out = NULL;
    if (!language)
        language = "english";
    struct sb_stemmer *stemmer = sb_stemmer_new(language, "UTF_8");
    /* libstemmer returns NULL for both; its list tells them apart. */
    if (!stemmer && !known_language(language))
        return nx_error_set(err, NEWSDEX_ERR_INVALID, "unknown stemming language \"%.100s\"",
                            language);
    nx_analyzer *an = stemmer ? calloc(1, sizeof *an) : NULL;
    if (an)
        an->cache = calloc(STEM_CACHE_SLOTS, sizeof *an->cache);
    if (!an || !an->cache) {
        sb_stemmer_delete(stemmer);
        free(an);
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory creating analyzer");
    }
    an->stemmer = stemmer;
    *out = an;
    return NEWSDEX_OK;
}

void nx_analyzer_free(nx_analyzer *an)
{
    if (!an)
        return;
    sb_stemmer_delete(an->stemmer);
    free(an->cache);
    free(an->cps);
    free(an->stem);
    free(an);
}

static int grow(void **buf, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 1;
    size_t n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    void *p = realloc(*buf, n * elem);
    if (!p)
        return 0;
    *buf = p;
    *cap = n;
    return 1;
}

static int keep_folded(utf8proc_int32_t cp)
{
    if (cp == '.') /* only numbers keep dots; trimmed at the ends below */
        return 1;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
        return cp != 0x02BC; /* apostrophe, e.g. from U+0149 */
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
        return 1;
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
        return !nx_strip_mark(cp);
    default:
        return 0;
    }
}

/* Filters cps[0..n) in place; returns the new count. */
static size_t filter_folded(utf8proc_int32_t *cps, size_t n)
{
    size_t o = 0, first = 0;
    for (size_t i = 0; i < n; i++)
        if (keep_folded(cps[i]))
            cps[o++] = cps[i];
    while (o > 0 && cps[o - 1] == '.')
        o--;
    while (first < o && cps[first] == '.')
        first++;
    memmove(cps, cps + first, (o - first) * sizeof *cps);
    return o - first;
}

/* Folds a non-ASCII raw token into an->cps as UTF-8. Returns its length,
 * -1 when out of memory, or -2 when utf8proc rejects it (token dropped). */
static long fold_unicode(nx_analyzer *an, const nx_raw *r)
{
    const utf8proc_option_t decompose =
        UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD;
    utf8proc_ssize_t n;
    for (;;) {
        n = utf8proc_decompose((const utf8proc_uint8_t *)r->bytes,
                               (utf8proc_ssize_t)r->len, an->cps,
                               (utf8proc_ssize_t)an->cps_cap, decompose);
        if (n < 0)
            return -2;
        /* +1: utf8proc_reencode writes a NUL after up to 4 bytes per cp. */
        if ((size_t)n < an->cps_cap)
            break;
        if (!grow((void **)&an->cps, &an->cps_cap, (size_t)n + 1, sizeof *an->cps))
            return -1;
    }
    n = (utf8proc_ssize_t)filter_folded(an->cps, (size_t)n);
    n = utf8proc_reencode(an->cps, n, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    return n < 0 ? -2 : (long)n;
}

/* Sets tok->text from r; leaves it NULL when the token is dropped. */
static newsdex_status fold(nx_analyzer *an, nx_raw *r, nx_token *tok, nx_error *err)
{
    tok->text = NULL;
    if (r->units >= NX_RAW_MAX_UNITS)
        return NEWSDEX_OK; /* too long whatever folding does */
    if (r->ascii) {
        for (size_t i = 0; i < r->len; i++)
            if (r->bytes[i] >= 'A' && r->bytes[i] <= 'Z')
                r->bytes[i] = (char)(r->bytes[i] + ('a' - 'A'));
        r->bytes[r->len] = '\0';
        tok->text = r->bytes;
        tok->text_len = r->len;
        return NEWSDEX_OK;
    }
    long n = fold_unicode(an, r);
    if (n == -1)
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory folding a token");
    if (n > 0 && n <= NX_TOKEN_MAX_BYTES) {
        tok->text = (const char *)an->cps;
        tok->text_len = (size_t)n;
    }
    return NEWSDEX_OK;
}

static stem_slot *cache_slot(nx_analyzer *an, const char *text, size_t len)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)text[i]) * 16777619u;
    return &an->cache[h & (STEM_CACHE_SLOTS - 1)];
}

/* Runs libstemmer and remembers the result in slot, unless the stem is
 * longer than a slot holds (then it goes to an->stem). */
static newsdex_status stem_uncached(nx_analyzer *an, stem_slot *slot, nx_token *tok,
                                    nx_error *err)
{
    const sb_symbol *s = sb_stemmer_stem(an->stemmer, (const sb_symbol *)tok->text,
                                         (int)tok->text_len);
    if (!s)
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory stemming a token");
    size_t n = (size_t)sb_stemmer_length(an->stemmer);
    char *dst = slot->stem;
    slot->text_len = 0;
    if (n > NX_TOKEN_MAX_BYTES) {
        if (!grow((void **)&an->stem, &an->stem_cap, n + 1, 1))
            return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory stemming a token");
        dst = an->stem;
    } else {
        memcpy(slot->text, tok->text, tok->text_len);
        slot->text_len = (unsigned char)tok->text_len;
        slot->stem_len = (unsigned char)n;
    }
    memcpy(dst, s, n); /* own copy: libstemmer does not promise a NUL */
    dst[n] = '\0';
    tok->stem = dst;
    tok->stem_len = n;
    return NEWSDEX_OK;
}

static newsdex_status stem(nx_analyzer *an, const nx_raw *r, nx_token *tok, nx_error *err)
{
    tok->digits = r->digits != 0;
    if (r->digits || r->cjk) {
        tok->stem = tok->text;
        tok->stem_len = tok->text_len;
        return NEWSDEX_OK;
    }
    stem_slot *slot = cache_slot(an, tok->text, tok->text_len);
    if (slot->text_len != tok->text_len || memcmp(slot->text, tok->text, tok->text_len) != 0)
        return stem_uncached(an, slot, tok, err);
    tok->stem = slot->stem;
    tok->stem_len = slot->stem_len;
    return NEWSDEX_OK;
}

/* Folds, stems and hands over r as tok; *stop when fn asks to stop. */
static newsdex_status emit(nx_analyzer *an, nx_raw *r, nx_token *tok, nx_token_fn fn,
                           void *ctx, int *stop, nx_error *err)
{
    newsdex_status st = fold(an, r, tok, err);
    if (st == NEWSDEX_OK && tok->text)
        st = stem(an, r, tok, err);
    if (st == NEWSDEX_OK && tok->text && fn(tok, ctx))
        *stop = 1;
    return st;
}

/* Does the token at start follow the one ending at prev_end across a
 * hyphen, as a later part of a compound? */
static int later_part(const char *text, size_t len, size_t prev_end, size_t start)
{
    size_t h = prev_end < start ? nx_hyphen_at(text, len, prev_end) : 0;
    return h && prev_end + h == start;
}

static newsdex_status analyze(nx_analyzer *an, const char *text, size_t len, nx_token_fn fn,
                              void *ctx, int compounds, nx_error *err)
{
    if (!an || !fn || (!text && len))
        return nx_error_set(err, NEWSDEX_ERR_INVALID, "nx_analyze: invalid argument");
    size_t pos = 0, prev_end = 0;
    int stop = 0;
    nx_token tok;
    tok.position = 0;
    while (!stop && nx_scan_next(text, len, &pos, &an->raw, &tok.start, &tok.end)) {
        newsdex_status st = NEWSDEX_OK;
        size_t end = tok.end;
        unsigned parts;
        if (compounds && !(tok.position && later_part(text, len, prev_end, tok.start)) &&
            nx_hyphen_at(text, len, tok.end) &&
            nx_scan_compound(text, len, tok.end, &an->raw, &an->joined, &tok.end, &parts)) {
            /* The joined form goes just before its first part, so only
             * when that part is a token: one of marks alone folds to
             * nothing. */
            nx_token first = tok;
            st = fold(an, &an->raw, &first, err);
            tok.joined = parts;
            if (st == NEWSDEX_OK && first.text)
                st = emit(an, &an->joined, &tok, fn, ctx, &stop, err);
            tok.end = end;
        }
        prev_end = end;
        tok.joined = 0;
        if (st == NEWSDEX_OK && !stop)
            st = emit(an, &an->raw, &tok, fn, ctx, &stop, err);
        if (st != NEWSDEX_OK)
            return st;
        tok.position++; /* dropped tokens still take a position */
    }
    return NEWSDEX_OK;
}

newsdex_status nx_analyze(nx_analyzer *an, const char *text, size_t len,
                          nx_token_fn fn, void *ctx, nx_error *err)
{
    return analyze(an, text, len, fn, ctx, 0, err);
}

newsdex_status nx_analyze_compounds(nx_analyzer *an, const char *text, size_t len,
                                    nx_token_fn fn, void *ctx, nx_error *err)
{
    return analyze(an, text, len, fn, ctx, 1, err);
}
