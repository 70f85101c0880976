/* UTF-8 validation and repair. Text from the outside world may hold invalid
 * bytes; they are replaced, never trusted and never fatal. */
#ifndef NX_UTF8_H
#define NX_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Non-zero if s[0..len) is valid UTF-8 (no overlongs, surrogates or NULs). */
int nx_utf8_valid(const char *s, size_t len);

/* malloc'd NUL-terminated copy of s[0..len) with each invalid sequence
 * replaced by U+FFFD and NUL bytes dropped; *out_len gets its length
 * (out_len may be NULL). Returns NULL only when out of memory. */
char *nx_utf8_repair(const char *s, size_t len, size_t *out_len);

/* Decode one code point from s[0..len), len > 0. Returns it and sets *n to
 * its byte length; for invalid input returns -1 and sets *n to the length of
 * the maximal invalid subpart (at least 1), the unit replaced by one U+FFFD.
 * A NUL byte decodes as 0. */
int32_t nx_utf8_decode(const char *s, size_t len, size_t *n);

#endif
