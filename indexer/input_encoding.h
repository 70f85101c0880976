/* The character encodings input files may be in, and their conversion to
 * the UTF-8 the index holds. Every byte that does not stand for a character
 * (invalid UTF-8, a byte cp1252 leaves undefined) becomes U+FFFD and is
 * counted, so a reader can say how much of a file it had to replace. */
#ifndef NX_INPUT_ENCODING_H
#define NX_INPUT_ENCODING_H

#include <stddef.h>

typedef enum nx_encoding {
    NX_ENCODING_UTF8 = 0, /* the default: invalid sequences replaced */
    NX_ENCODING_CP1252,   /* Windows-1252: 0x81, 0x8D, 0x8F, 0x90, 0x9D are undefined */
    NX_ENCODING_LATIN1    /* ISO-8859-1: every byte is the code point of its value */
} nx_encoding;

/* The encoding called @p name (ASCII case ignored): "utf-8"/"utf8",
 * "cp1252"/"windows-1252", "latin1"/"latin-1"/"iso-8859-1". Returns 0, or -1
 * for an unknown name. */
int nx_encoding_named(const char *name, nx_encoding *out);

/* The canonical name: "utf-8", "cp1252" or "latin1". */
const char *nx_encoding_name(nx_encoding encoding);

/* A scratch buffer the conversions grow and reuse. */
typedef struct nx_encoding_buffer {
    char *data;
    size_t cap;
} nx_encoding_buffer;

/* Convert s[0..len) from @p encoding to UTF-8. When the input needs no
 * change (valid UTF-8, or ASCII in any encoding), *out is @p s itself;
 * otherwise the converted text, NUL-terminated, in @p buf. NUL bytes pass
 * through unchanged. *invalid gets the number of input bytes replaced by
 * U+FFFD. Returns 0, or -1 when out of memory. */
int nx_encoding_convert(nx_encoding encoding, const char *s, size_t len, nx_encoding_buffer *buf,
                        const char **out, size_t *out_len, unsigned long long *invalid);

#endif
