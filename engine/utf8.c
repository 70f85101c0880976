#include "utf8.h"

#include <stdlib.h>
#include <string.h>

/* Second-byte bounds come from the lead byte: they are what rules out
 * overlongs (E0, F0), surrogates (ED) and code points above U+10FFFF (F4).
 * Stopping at the first out-of-range byte yields the maximal invalid subpart
 * (Unicode's "substitution of maximal subparts" practice). */
int32_t nx_utf8_decode(const char *str, size_t len, size_t *n)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned char b = s[0], lo = 0x80, hi = 0xBF;
    size_t need;
    int32_t cp;

    if (b < 0x80) {
        *n = 1;
        return b;
    }
    if (b >= 0xC2 && b <= 0xDF) {
        need = 1;
        cp = b & 0x1F;
    } else if (b >= 0xE0 && b <= 0xEF) {
        need = 2;
        cp = b & 0x0F;
        lo = b == 0xE0 ? 0xA0 : 0x80;
        hi = b == 0xED ? 0x9F : 0xBF;
    } else if (b >= 0xF0 && b <= 0xF4) {
        need = 3;
        cp = b & 0x07;
        lo = b == 0xF0 ? 0x90 : 0x80;
        hi = b == 0xF4 ? 0x8F : 0xBF;
    } else {
        *n = 1; /* stray continuation byte, C0/C1, F5..FF */
        return -1;
    }
    for (size_t i = 1; i <= need; i++) {
        if (i >= len || s[i] < lo || s[i] > hi) {
            *n = i;
            return -1;
        }
        cp = (cp << 6) | (s[i] & 0x3F);
        lo = 0x80;
        hi = 0xBF;
    }
    *n = need + 1;
    return cp;
}

int nx_utf8_valid(const char *s, size_t len)
{
    size_t i = 0, n;
    while (i < len) {
        if (nx_utf8_decode(s + i, len - i, &n) <= 0)
            return 0;
        i += n;
    }
    return 1;
}

static const char replacement[3] = {(char)0xEF, (char)0xBF, (char)0xBD};

/* Bytes s[0..len) becomes once repaired; writes them to out unless NULL. */
static size_t repair_into(const char *s, size_t len, char *out)
{
    size_t i = 0, o = 0, n;
    while (i < len) {
        int32_t cp = nx_utf8_decode(s + i, len - i, &n);
        if (cp < 0) {
            if (out)
                memcpy(out + o, replacement, sizeof replacement);
            o += sizeof replacement;
        } else if (cp > 0) {
            if (out)
                memcpy(out + o, s + i, n);
            o += n;
        }
        i += n;
    }
    return o;
}

char *nx_utf8_repair(const char *s, size_t len, size_t *out_len)
{
    /* Two passes so the copy is sized exactly, however hostile the input. */
    size_t size = repair_into(s, len, NULL);
    char *out = malloc(size + 1);
    if (!out)
        return NULL;
    repair_into(s, len, out);
    out[size] = '\0';
    if (out_len)
        *out_len = size;
    return out;
}
