#include "hit_decode.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libdeflate.h>

#include "../engine/doc_positions.h"

#define FORMAT_ZJSON 'z'  /* engine/stored_doc.c's format bytes */
#define FORMAT_RECORD 'r'

struct nx_inflater {
    struct libdeflate_decompressor *zjson;
    nx_stored_decoder *record;
};

static nx_inflater *inflater(nx_inflater **inf)
{
    if (!*inf)
        *inf = calloc(1, sizeof **inf);
    return *inf;
}

typedef struct cursor {
    char *p, *end;
} cursor;

static void skip_ws(cursor *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\n' || *c->p == '\r' || *c->p == '\t'))
        c->p++;
}

static int hex4(const char *s, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        char h = s[i];
        int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
                : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        v = v * 16 + (uint32_t)d;
    }
    *out = v;
    return 0;
}

static char *put_utf8(char *w, uint32_t cp)
{
    if (cp < 0x80) {
        *w++ = (char)cp;
    } else if (cp < 0x800) {
        *w++ = (char)(0xC0 | (cp >> 6));
        *w++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *w++ = (char)(0xE0 | (cp >> 12));
        *w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *w++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *w++ = (char)(0xF0 | (cp >> 18));
        *w++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *w++ = (char)(0x80 | (cp & 0x3F));
    }
    return w;
}

/* \uXXXX (and a following low surrogate) at c->p (past the 'u'). */
static int unicode_escape(cursor *c, char **w)
{
    uint32_t cp, low;
    if (c->end - c->p < 4 || hex4(c->p, &cp) != 0)
        return -1;
    c->p += 4;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (c->end - c->p < 6 || c->p[0] != '\\' || c->p[1] != 'u' || hex4(c->p + 2, &low) != 0 ||
            low < 0xDC00 || low > 0xDFFF)
            return -1;
        c->p += 6;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    } else if ((cp >= 0xDC00 && cp <= 0xDFFF) || cp == 0) {
        return -1; /* a lone low surrogate, or NUL: let jansson decide */
    }
    *w = put_utf8(*w, cp);
    return 0;
}

static int simple_escape(char e, char *out)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *at = e ? strchr(from, e) : NULL;
    if (!at)
        return -1;
    *out = to[at - from];
    return 0;
}

/* The string at c->p (its opening quote), unescaped in place and
 * NUL-terminated; *out points at it. The writer never overtakes the reader.
 * Runs without escapes are found with strcspn (the text ends with a NUL and
 * holds no other: jansson escapes control characters). */
static int read_string(cursor *c, char **out)
{
    if (c->p >= c->end || *c->p != '"')
        return -1;
    char *w = ++c->p;
    *out = w;
    for (;;) {
        size_t n = strcspn(c->p, "\"\\");
        if (n >= (size_t)(c->end - c->p))
            return -1;
        if (w != c->p)
            memmove(w, c->p, n);
        w += n;
        c->p += n;
        if (*c->p++ == '"') {
            *w = '\0';
            return 0;
        }
        if (c->p >= c->end)
            return -1;
        char e = *c->p++;
        if (e == 'u' ? unicode_escape(c, &w) != 0 : simple_escape(e, w++) != 0)
            return -1;
    }
}

/* Skips any JSON value that is not a string (objects, arrays, numbers, true,
 * false, null), strings inside it included. */
static int skip_value(cursor *c)
{
    int depth = 0;
    char *ignored;
    do {
        skip_ws(c);
        if (c->p >= c->end)
            return -1;
        char ch = *c->p;
        if (ch == '"') {
            if (read_string(c, &ignored) != 0)
                return -1;
            continue;
        }
        if (ch == '{' || ch == '[')
            depth++;
        else if (ch == '}' || ch == ']')
            depth--;
        else if (depth == 0 && (ch == ',' || ch == '}'))
            return 0;
        c->p++;
        if (depth < 0)
            return -1;
    } while (depth > 0 || (c->p < c->end && *c->p != ',' && *c->p != '}'));
    return 0;
}

static const char **field_for(nx_hit_fields *f, const char *key)
{
    switch (key[0]) {
    case 'i': return strcmp(key, "id") == 0 ? &f->id : NULL;
    case 't': return strcmp(key, "title") == 0 ? &f->title : NULL;
    case 'b': return strcmp(key, "body") == 0 ? &f->body : NULL;
    case 'd': return strcmp(key, "date") == 0 ? &f->date : NULL;
    case 's': return strcmp(key, "source") == 0 ? &f->source : NULL;
    case 'u': return strcmp(key, "url") == 0 ? &f->url : NULL;
    }
    return NULL;
}

static int read_member(cursor *c, nx_hit_fields *f)
{
    char *key, *value;
    skip_ws(c);
    if (read_string(c, &key) != 0)
        return -1;
    skip_ws(c);
    if (c->p >= c->end || *c->p++ != ':')
        return -1;
    skip_ws(c);
    const char **slot = field_for(f, key);
    if (c->p < c->end && *c->p == '"') {
        if (read_string(c, &value) != 0)
            return -1;
        if (slot)
            *slot = value;
        return 0;
    }
    return slot ? -1 : skip_value(c); /* a known field that is not a string */
}

int nx_hit_parse_json(char *text, size_t len, nx_hit_fields *f)
{
    cursor c = {text, text + len};
    f->id = f->title = f->body = f->date = f->source = f->url = "";
    skip_ws(&c);
    if (c.p >= c.end || *c.p++ != '{')
        return -1;
    skip_ws(&c);
    if (c.p < c.end && *c.p == '}')
        return 0;
    for (;;) {
        if (read_member(&c, f) != 0)
            return -1;
        skip_ws(&c);
        if (c.p >= c.end)
            return -1;
        char ch = *c.p++;
        if (ch == '}')
            break;
        if (ch != ',')
            return -1;
    }
    skip_ws(&c);
    return c.p == c.end ? 0 : -1;
}

/* Inflates the zlib stream z[0, n) into out[0, out_len) exactly, its
 * Adler-32 checked (a damaged article fails here, and nx_stored_decode then
 * reports it). libdeflate, not zlib's inflate: on the articles of a results
 * page it takes half the time. */
static int inflate_exact(nx_inflater **inf, const unsigned char *z, size_t n, char *out,
                         size_t out_len)
{
    nx_inflater *in = inflater(inf);
    if (!in || (!in->zjson && !(in->zjson = libdeflate_alloc_decompressor())))
        return -1;
    size_t got = 0;
    enum libdeflate_result rc = libdeflate_zlib_decompress(in->zjson, z, n, out, out_len, &got);
    return rc == LIBDEFLATE_SUCCESS && got == out_len ? 0 : -1;
}

/* The fast path; -1 sends the article to nx_stored_decode. */
static int decode_fast(nx_inflater **inf, const char *data, size_t len, nx_hit_fields *f)
{
    const unsigned char *b = (const unsigned char *)data;
    if (len < 5 || b[0] != FORMAT_ZJSON)
        return -1;
    size_t text_len = ((size_t)b[1] << 24) | ((size_t)b[2] << 16) | ((size_t)b[3] << 8) | b[4];
    f->text = malloc(text_len + 1);
    if (!f->text || inflate_exact(inf, b + 5, len - 5, f->text, text_len) != 0 ||
        memchr(f->text, '\0', text_len))
        return -1;
    f->text[text_len] = '\0';
    return nx_hit_parse_json(f->text, text_len, f);
}

newsdex_status nx_hit_decode(nx_inflater **inf, const char *data, size_t len, nx_hit_fields *f,
                             nx_error *err)
{
    memset(f, 0, sizeof *f);
    const char *positions;
    size_t positions_len;
    if (nx_docpos_split(data, len, &positions, &positions_len, &data, &len) != 0)
        return nx_error_set(err, NEWSDEX_ERR_CORRUPT, "stored article has damaged positions");
    nx_stored_decoder *record = NULL;
    if (len > 0 && data[0] == FORMAT_RECORD) {
        nx_inflater *in = inflater(inf);
        if (in && !in->record)
            in->record = nx_stored_decoder_new();
        record = in ? in->record : NULL; /* NULL: a decoder for this article only */
    } else if (decode_fast(inf, data, len, f) == 0) {
        return NEWSDEX_OK;
    }
    free(f->text);
    f->text = NULL;
    newsdex_status st = nx_stored_decode_with(record, data, len, &f->doc, err);
    if (st != NEWSDEX_OK)
        return st;
    f->id = f->doc.id;
    f->title = f->doc.title;
    f->body = f->doc.body;
    f->date = f->doc.date;
    f->source = f->doc.source;
    f->url = f->doc.url;
    return NEWSDEX_OK;
}

void nx_hit_fields_free(nx_hit_fields *f)
{
    if (!f)
        return;
    free(f->text);
    nx_stored_doc_free(&f->doc);
    memset(f, 0, sizeof *f);
}

void nx_inflater_free(nx_inflater *inf)
{
    if (!inf)
        return;
    libdeflate_free_decompressor(inf->zjson);
    nx_stored_decoder_free(inf->record);
    free(inf);
}
