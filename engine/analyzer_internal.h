/* Private to the analyzer: the tokenizer (analyzer_scan.c) hands raw,
 * unfolded tokens to analyzer.c, which folds, stems and emits them. */
#ifndef NX_ANALYZER_INTERNAL_H
#define NX_ANALYZER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "analyzer.h"

/* What a code point means to the tokenizer. */
typedef enum nx_kind {
    NX_K_SEP,     /* separator, including invalid UTF-8 and NUL */
    NX_K_LETTER,  /* L*, outside CJK */
    NX_K_MARK,    /* M*: part of a word only right after a letter */
    NX_K_DIGIT,   /* N*, outside CJK */
    NX_K_CJK,     /* ideograph, kana or Hangul syllable: a token by itself */
    NX_K_APOS,    /* ' U+2019 U+02BC */
    NX_K_DOT,
    NX_K_COMMA,
    NX_K_JOINER   /* soft hyphen, ZWJ, ZWNJ, word joiner: invisible inside words */
} nx_kind;

typedef struct nx_char {
    int32_t cp;   /* -1 for invalid bytes or past the end */
    size_t n;     /* bytes it spans (0 past the end) */
    nx_kind kind;
} nx_char;

/* A cap on kept code points ("units") bounds the buffer: every unit folds to
 * at least one byte, so a token with more than NX_TOKEN_MAX_BYTES units is
 * too long whatever folding does, and the rest of it need not be stored. */
#define NX_RAW_MAX_UNITS (NX_TOKEN_MAX_BYTES + 1)

/* One token before folding: its kept code points as UTF-8, with the joining
 * apostrophes, thousands commas, acronym dots and diacritics left out. */
typedef struct nx_raw {
    char bytes[4 * NX_RAW_MAX_UNITS + 1];
    size_t len;
    size_t units;
    int ascii;   /* every byte < 0x80: fold by lowercasing */
    int digits;  /* holds an N* code point: not stemmed */
    int cjk;     /* single CJK character: not stemmed */
} nx_raw;

/* Non-zero for a diacritic that folding removes (Latin/Greek/Cyrillic
 * accents, Hebrew points, Arabic harakat, variation selectors). */
int nx_strip_mark(int32_t cp);

/* Finds the next token at or after *pos in s[0..len). Returns 0 when none is
 * left; else fills raw, sets [*start, *end) and moves *pos past it. */
int nx_scan_next(const char *s, size_t len, size_t *pos, nx_raw *raw,
                 size_t *start, size_t *end);

/* Bytes of the hyphen (U+002D, U+2010, U+2011) at s[pos], or 0. */
size_t nx_hyphen_at(const char *s, size_t len, size_t pos);

/* The token ending at `end` is the first part of a hyphenated compound
 * (analyzer.h): gathers the compound's parts, `first` and those after it,
 * into *joined and sets *joined_end and *parts. Returns 0 when it is not one
 * to join (a part with digits or CJK, more than NX_COMPOUND_MAX_PARTS
 * parts, too long), leaving *joined undefined. */
int nx_scan_compound(const char *s, size_t len, size_t end, const nx_raw *first,
                     nx_raw *joined, size_t *joined_end, unsigned *parts);

#endif
