/* A 64-bit fingerprint of an article's content, stored with the article so
 * re-indexing an unchanged article can be skipped without writing. */
#ifndef NX_FINGERPRINT_H
#define NX_FINGERPRINT_H

#include <stdint.h>
#include "newsdex.h"

/* Bump when the way articles become documents changes: every article then
 * looks changed once, so a re-run rebuilds it with the new layout. */
#define NX_FINGERPRINT_VERSION 1

/* FNV-1a over every field (date_iso is the normalised date, or NULL), each
 * framed by its length so "ab"+"c" and "a"+"bc" differ. NULL equals "". */
uint64_t nx_fingerprint_article(const newsdex_article *article, const char *date_iso);

/* 8 bytes, big endian, as stored in the value slot. */
void nx_fingerprint_encode(uint64_t fp, char out[8]);

#endif
