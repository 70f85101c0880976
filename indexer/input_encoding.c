/* Conversion of input lines to UTF-8 (input_encoding.h). ASCII and valid
 * UTF-8 are handed back as they are, so the common case copies nothing. */
#include "input_encoding.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/utf8.h"

/* Windows-1252's 0x80..0x9F; 0 marks the five bytes it leaves undefined. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

static const struct {
    const char *name;
    nx_encoding encoding;
} names[] = {
    {"utf-8", NX_ENCODING_UTF8},       {"utf8", NX_ENCODING_UTF8},
    {"cp1252", NX_ENCODING_CP1252},    {"windows-1252", NX_ENCODING_CP1252},
    {"latin1", NX_ENCODING_LATIN1},    {"latin-1", NX_ENCODING_LATIN1},
    {"iso-8859-1", NX_ENCODING_LATIN1},
};

static int same_ascii_case(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
        if (x != *b)
            return 0;
    }
    return *a == *b;
}

int nx_encoding_named(const char *name, nx_encoding *out)
{
    for (size_t i = 0; name && i < sizeof names / sizeof names[0]; i++)
        if (same_ascii_case(name, names[i].name)) {
            *out = names[i].encoding;
            return 0;
        }
    return -1;
}

const char *nx_encoding_name(nx_encoding encoding)
{
    switch (encoding) {
    case NX_ENCODING_CP1252: return "cp1252";
    case NX_ENCODING_LATIN1: return "latin1";
    case NX_ENCODING_UTF8: break;
    }
    return "utf-8";
}

/* Room for @p need bytes in @p buf; 0 when out of memory. */
static int reserve(nx_encoding_buffer *buf, size_t need)
{
    if (need <= buf->cap)
        return 1;
    size_t cap = buf->cap ? buf->cap : 256;
    while (cap < need)
        cap *= 2;
    char *grown = realloc(buf->data, cap);
    if (!grown)
        return 0;
    buf->data = grown;
    buf->cap = cap;
    return 1;
}

static size_t put_code_point(char *o, uint32_t cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    o[0] = (char)(0xE0 | (cp >> 12));
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
}

#define REPLACEMENT 0xFFFD

/* Each byte is one character: at most 3 bytes of UTF-8 out. */
static int convert_single_byte(nx_encoding encoding, const char *s, size_t len,
                               nx_encoding_buffer *buf, size_t *out_len,
                               unsigned long long *invalid)
{
    if (len > (SIZE_MAX - 1) / 3 || !reserve(buf, 3 * len + 1))
        return -1;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp = c;
        if (encoding == NX_ENCODING_CP1252 && c >= 0x80 && c <= 0x9F) {
            cp = cp1252_high[c - 0x80];
            if (!cp) {
                cp = REPLACEMENT;
                ++*invalid;
            }
        }
        o += put_code_point(buf->data + o, cp);
    }
    buf->data[o] = '\0';
    *out_len = o;
    return 0;
}

/* Each maximal invalid subpart becomes one U+FFFD (3 bytes), never longer
 * than the bytes it replaces times 3. */
static int repair_utf8(const char *s, size_t len, nx_encoding_buffer *buf, size_t *out_len,
                       unsigned long long *invalid)
{
    if (len > (SIZE_MAX - 1) / 3 || !reserve(buf, 3 * len + 1))
        return -1;
    size_t o = 0, i = 0, n;
    while (i < len) {
        if (nx_utf8_decode(s + i, len - i, &n) < 0) {
            o += put_code_point(buf->data + o, REPLACEMENT);
            *invalid += n;
        } else {
            memcpy(buf->data + o, s + i, n);
            o += n;
        }
        i += n;
    }
    buf->data[o] = '\0';
    *out_len = o;
    return 0;
}

/* Valid UTF-8 but for NUL bytes, which pass through. */
static int valid_utf8(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        const char *nul = memchr(s + i, '\0', len - i);
        size_t run = nul ? (size_t)(nul - (s + i)) : len - i;
        if (!nx_utf8_valid(s + i, run))
            return 0;
        i += run + (nul != NULL);
    }
    return 1;
}

static int ascii(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0x80)
            return 0;
    return 1;
}

int nx_encoding_convert(nx_encoding encoding, const char *s, size_t len, nx_encoding_buffer *buf,
                        const char **out, size_t *out_len, unsigned long long *invalid)
{
    *invalid = 0;
    *out = s;
    *out_len = len;
    if (encoding == NX_ENCODING_UTF8 ? valid_utf8(s, len) : ascii(s, len))
        return 0;
    int rc = encoding == NX_ENCODING_UTF8
                 ? repair_utf8(s, len, buf, out_len, invalid)
                 : convert_single_byte(encoding, s, len, buf, out_len, invalid);
    if (rc == 0)
        *out = buf->data;
    return rc;
}
