/* Tokenizer: finds word boundaries and gathers each token's kept code points.
 *
 * Choices worth knowing (tests/unit/test_analyzer.c pins each down):
 * - Apostrophes (' U+2019 U+02BC) between two letters are dropped and the
 *   parts joined (don't -> dont). A final "'s" after a letter or digit is a
 *   possessive and dropped (Amazon's -> amazon, 1990's -> 1990); [start, end)
 *   still covers it so a highlighter marks the whole word.
 * - A digit run continues over "." followed by a digit (8.5, 3.14.15) and over
 *   "," followed by exactly three digits, the comma being dropped
 *   (1,234,567 -> 1234567). Any other comma separates: "8,5" -> 8 5.
 * - Single letters each followed by "." form one token without the dots
 *   (U.S. -> us, e.g. -> eg); the final dot is part of the token's range.
 *   Any other "." after letters separates: tickers "MSFT.O" -> msft o,
 *   "E.ON" -> e on, "example.com" -> example com.
 * - Soft hyphens and zero-width (non-)joiners between word characters are
 *   skipped, not separators, since they sit inside words (Persian, Indic).
 * - Hyphens separate (Wal-Mart -> wal mart); nx_scan_compound gathers the
 *   parts of such a compound for its joined form (walmart).
 */
#include "analyzer_internal.h"

#include <string.h>
#include <utf8proc.h>

#include "utf8.h"

static inline nx_kind ascii_kind(unsigned char b)
{
    if ((unsigned)((b | 0x20) - 'a') < 26)
        return NX_K_LETTER;
    if ((unsigned)(b - '0') < 10)
        return NX_K_DIGIT;
    switch (b) {
    case '\'': return NX_K_APOS;
    case '.': return NX_K_DOT;
    case ',': return NX_K_COMMA;
    default: return NX_K_SEP;
    }
}

/* Ideographs, kana and Hangul syllables become one token each: without a
 * dictionary we cannot find Chinese or Japanese word boundaries, and single
 * characters still let a phrase query match a word. */
static int is_cjk(int32_t cp)
{
    return (cp >= 0x3005 && cp <= 0x3007) || (cp >= 0x3021 && cp <= 0x3029) ||
           (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x31F0 && cp <= 0x31FF) ||
           (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
           (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0xFF66 && cp <= 0xFF9D) || (cp >= 0x1B000 && cp <= 0x1B16F) ||
           (cp >= 0x20000 && cp <= 0x3FFFF);
}

static nx_kind unicode_kind(int32_t cp)
{
    if (cp == 0x2019 || cp == 0x02BC)
        return NX_K_APOS;
    if (cp == 0x00AD || cp == 0x200C || cp == 0x200D || cp == 0x2060)
        return NX_K_JOINER;
    if (cp == 0xFF9E || cp == 0xFF9F) /* halfwidth (semi-)voiced sound marks */
        return NX_K_MARK;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
        return is_cjk(cp) ? NX_K_CJK : NX_K_LETTER;
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
        return is_cjk(cp) ? NX_K_CJK : NX_K_DIGIT;
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
        return NX_K_MARK;
    default:
        return NX_K_SEP;
    }
}

static nx_char char_at_slow(const char *s, size_t len, size_t pos)
{
    nx_char c = {-1, 0, NX_K_SEP};
    c.cp = nx_utf8_decode(s + pos, len - pos, &c.n);
    if (c.cp >= 0)
        c.kind = unicode_kind(c.cp);
    return c;
}

/* The one way the scanner reads input: never past len. */
static inline nx_char char_at(const char *s, size_t len, size_t pos)
{
    if (pos >= len)
        return (nx_char){-1, 0, NX_K_SEP};
    unsigned char b = (unsigned char)s[pos];
    if (b < 0x80)
        return (nx_char){b, 1, ascii_kind(b)};
    return char_at_slow(s, len, pos);
}

int nx_strip_mark(int32_t cp)
{
    return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x0483 && cp <= 0x0489) ||
           (cp >= 0x0591 && cp <= 0x05C7) || (cp >= 0x0610 && cp <= 0x061A) ||
           (cp >= 0x064B && cp <= 0x065F) || cp == 0x0670 ||
           (cp >= 0x06D6 && cp <= 0x06ED) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
           (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
           (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xFE20 && cp <= 0xFE2F) ||
           (cp >= 0xE0100 && cp <= 0xE01EF);
}

static void raw_reset(nx_raw *r)
{
    r->len = 0;
    r->units = 0;
    r->ascii = 1;
    r->digits = 0;
    r->cjk = 0;
}

static void raw_add(nx_raw *r, const char *bytes, nx_char c)
{
    if (c.kind == NX_K_DIGIT)
        r->digits = 1;
    /* Stripped marks would vanish in folding; skipping them here also keeps
     * a letter followed by a million accents from growing anything. */
    if ((c.kind == NX_K_MARK && nx_strip_mark(c.cp)) || r->units >= NX_RAW_MAX_UNITS)
        return;
    memcpy(r->bytes + r->len, bytes, c.n);
    r->len += c.n;
    r->units++;
    if (c.n > 1)
        r->ascii = 0;
}

/* Fast path for the common case: a run of ASCII letters and digits. */
static size_t add_ascii_run(nx_raw *r, const char *s, size_t len, size_t pos, nx_kind *prev)
{
    size_t from = pos;
    for (; pos < len; pos++) {
        nx_kind k = (unsigned char)s[pos] < 0x80 ? ascii_kind((unsigned char)s[pos]) : NX_K_SEP;
        if (k != NX_K_LETTER && k != NX_K_DIGIT)
            break;
        if (k == NX_K_DIGIT)
            r->digits = 1;
        *prev = k;
    }
    size_t n = pos - from, room = NX_RAW_MAX_UNITS - r->units;
    if (n > room)
        n = room;
    memcpy(r->bytes + r->len, s + from, n);
    r->len += n;
    r->units += n;
    return pos;
}

static int in_word(nx_kind k)
{
    return k == NX_K_LETTER || k == NX_K_DIGIT || k == NX_K_MARK;
}

/* p is just past a single letter and its marks. Returns the end of a dotted
 * acronym (U.S., e.g.) starting before p, or 0 if there is none. */
static size_t acronym_end(const char *s, size_t len, size_t p)
{
    size_t pairs = 0;
    while (char_at(s, len, p).kind == NX_K_DOT) {
        nx_char l = char_at(s, len, p + 1);
        if (l.kind != NX_K_LETTER)
            break;
        size_t q = p + 1 + l.n;
        nx_char c;
        while ((c = char_at(s, len, q)).kind == NX_K_MARK)
            q += c.n;
        if (c.kind == NX_K_LETTER || c.kind == NX_K_DIGIT || c.kind == NX_K_CJK)
            break; /* "U.Sa": not a single letter */
        pairs++;
        p = q;
    }
    if (!pairs)
        return 0;
    return char_at(s, len, p).kind == NX_K_DOT ? p + 1 : p;
}

static void add_acronym(nx_raw *r, const char *s, size_t pos, size_t end)
{
    while (pos < end) {
        nx_char c = char_at(s, end, pos);
        if (c.kind != NX_K_DOT)
            raw_add(r, s + pos, c);
        pos += c.n;
    }
}

/* After a digit: does the "." or "," at p-1 continue the number? */
static int number_continues(const char *s, size_t len, size_t p, nx_kind sep)
{
    size_t digits = 0;
    nx_char c;
    while (digits < 4 && (c = char_at(s, len, p)).kind == NX_K_DIGIT) {
        digits++;
        p += c.n;
    }
    return sep == NX_K_DOT ? digits > 0 : digits == 3;
}

static int is_s(int32_t cp)
{
    return cp == 's' || cp == 'S';
}

/* pos is at a letter or digit that starts a token; returns the token's end. */
static size_t scan_word(const char *s, size_t len, size_t pos, nx_raw *r)
{
    nx_kind prev = NX_K_SEP;
    size_t end = pos;
    for (;;) {
        nx_char c = char_at(s, len, pos);
        size_t next = pos + c.n;
        switch (c.kind) {
        case NX_K_MARK:
            if (prev != NX_K_LETTER)
                return end;
            /* fall through */
        case NX_K_LETTER: case NX_K_DIGIT:
            if (c.n == 1) {
                pos = end = add_ascii_run(r, s, len, pos, &prev);
                break;
            }
            raw_add(r, s + pos, c);
            if (c.kind != NX_K_MARK)
                prev = c.kind;
            pos = end = next;
            break;
        case NX_K_JOINER:
            if (!in_word(char_at(s, len, next).kind))
                return end;
            pos = next;
            break;
        case NX_K_APOS: {
            nx_char n1 = char_at(s, len, next);
            if (is_s(n1.cp) && !in_word(char_at(s, len, next + 1).kind))
                return next + 1; /* possessive */
            if (prev != NX_K_LETTER || n1.kind != NX_K_LETTER)
                return end;
            pos = next;
            break;
        }
        case NX_K_DOT: case NX_K_COMMA:
            if (prev != NX_K_DIGIT || !number_continues(s, len, next, c.kind))
                return end;
            if (c.kind == NX_K_DOT)
                raw_add(r, ".", c);
            pos = next;
            break;
        default:
            return end;
        }
    }
}

/* A CJK character plus any marks on it (kana voicing marks). */
static size_t scan_cjk(const char *s, size_t len, size_t pos, nx_raw *r)
{
    nx_char c = char_at(s, len, pos);
    r->cjk = 1;
    do {
        raw_add(r, s + pos, c);
        pos += c.n;
        c = char_at(s, len, pos);
    } while (c.kind == NX_K_MARK);
    return pos;
}

static size_t scan_token(const char *s, size_t len, size_t pos, nx_char first, nx_raw *r)
{
    if (first.kind == NX_K_CJK)
        return scan_cjk(s, len, pos, r);
    if (first.kind == NX_K_LETTER) {
        size_t q = pos + first.n;
        nx_char c;
        while ((c = char_at(s, len, q)).kind == NX_K_MARK)
            q += c.n;
        size_t acr = c.kind == NX_K_DOT ? acronym_end(s, len, q) : 0;
        if (acr) {
            add_acronym(r, s, pos, acr);
            return acr;
        }
    }
    return scan_word(s, len, pos, r);
}

int nx_scan_next(const char *s, size_t len, size_t *pos, nx_raw *raw,
                 size_t *start, size_t *end)
{
    size_t p = *pos;
    while (p < len) {
        nx_char c = char_at(s, len, p);
        if (c.kind == NX_K_LETTER || c.kind == NX_K_DIGIT || c.kind == NX_K_CJK) {
            raw_reset(raw);
            *start = p;
            *end = *pos = scan_token(s, len, p, c, raw);
            return 1;
        }
        p += c.n;
    }
    *pos = p;
    return 0;
}

size_t nx_hyphen_at(const char *s, size_t len, size_t pos)
{
    if (pos < len && s[pos] == '-')
        return 1;
    /* U+2010 HYPHEN, U+2011 NON-BREAKING HYPHEN: E2 80 90, E2 80 91 */
    if (pos + 2 < len && (unsigned char)s[pos] == 0xE2 && (unsigned char)s[pos + 1] == 0x80 &&
        ((unsigned char)s[pos + 2] == 0x90 || (unsigned char)s[pos + 2] == 0x91))
        return 3;
    return 0;
}

static int joinable(const nx_raw *r)
{
    return !r->digits && !r->cjk && r->units < NX_RAW_MAX_UNITS;
}

int nx_scan_compound(const char *s, size_t len, size_t end, const nx_raw *first,
                     nx_raw *joined, size_t *joined_end, unsigned *parts)
{
    if (!joinable(first))
        return 0;
    *joined = *first;
    *parts = 1;
    size_t h;
    while ((h = nx_hyphen_at(s, len, end)) != 0) {
        nx_kind k = char_at(s, len, end + h).kind;
        if (k != NX_K_LETTER && k != NX_K_DIGIT && k != NX_K_CJK)
            break; /* "Wal- " or "Wal--": the compound ends before the hyphen */
        if (++*parts > NX_COMPOUND_MAX_PARTS)
            return 0;
        nx_raw part;
        size_t pos = end + h, start;
        nx_scan_next(s, len, &pos, &part, &start, &end);
        /* Units below the cap keep the bytes within the buffer (4 a unit). */
        if (!joinable(&part) || joined->units + part.units >= NX_RAW_MAX_UNITS)
            return 0;
        memcpy(joined->bytes + joined->len, part.bytes, part.len);
        joined->len += part.len;
        joined->units += part.units;
        joined->ascii = joined->ascii && part.ascii;
    }
    *joined_end = end;
    return *parts >= 2;
}
