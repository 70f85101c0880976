#include "stored_doc.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "doc_positions.h"
#include "stored_dictionary.h"

/* Format byte, so the layout can change without misreading old indexes.
 * Both are followed by the uncompressed length (32-bit big endian). */
#define STORED_FORMAT_RECORD 'r' /* NUL-terminated fields, zstd with the dictionary */
#define STORED_FORMAT_ZJSON 'z'  /* a JSON object, zlib (read only) */
#define STORED_HEADER 5

/* Level 6 against the dictionary: on Reuters-21578, records a fifth
 * smaller than the JSON objects deflated at level 6 that format 'z' held,
 * in about the same time, and read back faster. */
#define STORED_LEVEL 6

/* ---- Writing ---- */

struct nx_stored_encoder {
    ZSTD_CCtx *cctx;
    ZSTD_CDict *cdict;
};

nx_stored_encoder *nx_stored_encoder_new(void)
{
    nx_stored_encoder *enc = calloc(1, sizeof *enc);
    if (!enc)
        return NULL;
    enc->cctx = ZSTD_createCCtx();
    enc->cdict = ZSTD_createCDict(nx_stored_dictionary, nx_stored_dictionary_size,
                                              STORED_LEVEL);
    /* The header holds the length and the dictionary is implied by the
     * format byte; the checksum makes a damaged article an error. */
    if (!enc->cctx || !enc->cdict || ZSTD_isError(ZSTD_CCtx_refCDict(enc->cctx, enc->cdict)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(enc->cctx, ZSTD_c_contentSizeFlag, 0)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(enc->cctx, ZSTD_c_dictIDFlag, 0)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(enc->cctx, ZSTD_c_checksumFlag, 1))) {
        nx_stored_encoder_free(enc);
        return NULL;
    }
    return enc;
}

void nx_stored_encoder_free(nx_stored_encoder *enc)
{
    if (!enc)
        return;
    ZSTD_freeCCtx(enc->cctx);
    ZSTD_freeCDict(enc->cdict);
    free(enc);
}

static size_t length(const char *s)
{
    return s ? strlen(s) : 0;
}

static char *put_string(char *p, const char *s)
{
    size_t n = length(s);
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p + n + 1;
}

/* The record: id, title, date, source, url and body, then each list as
 * its name, its number of values in decimal and the values, every string
 * NUL-terminated (no field of an article holds a NUL). */
static char *record_of(const newsdex_article *a, const char *date_iso, size_t *len)
{
    const char *fields[6] = {a->id, a->title, date_iso, a->source, a->url, a->body};
    size_t n = 0;
    for (size_t i = 0; i < 6; i++)
        n += length(fields[i]) + 1;
    for (size_t i = 0; i < a->n_lists; i++) {
        n += length(a->lists[i].name) + 1 + 21;
        for (size_t j = 0; j < a->lists[i].count; j++)
            n += length(a->lists[i].values[j]) + 1;
    }
    char *text = malloc(n ? n : 1), *p = text;
    if (!text)
        return NULL;
    for (size_t i = 0; i < 6; i++)
        p = put_string(p, fields[i]);
    for (size_t i = 0; i < a->n_lists; i++) {
        p = put_string(p, a->lists[i].name);
        p += sprintf(p, "%zu", a->lists[i].count) + 1;
        for (size_t j = 0; j < a->lists[i].count; j++)
            p = put_string(p, a->lists[i].values[j]);
    }
    *len = (size_t)(p - text);
    return text;
}

newsdex_status nx_stored_encode(const newsdex_article *article, const char *date_iso,
                                char **out, size_t *out_len, nx_error *err)
{
    return nx_stored_encode_with(NULL, article, date_iso, out, out_len, err);
}

newsdex_status nx_stored_encode_with(nx_stored_encoder *enc, const newsdex_article *article,
                                     const char *date_iso, char **out, size_t *out_len,
                                     nx_error *err)
{
    *out = NULL;
    size_t text_len = 0;
    char *text = record_of(article, date_iso, &text_len);
    if (!text)
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory encoding article");
    if (text_len > UINT32_MAX) {
        free(text);
        return nx_error_set(err, NEWSDEX_ERR_INVALID, "article is larger than 4 GiB");
    }
    nx_stored_encoder *own = enc ? NULL : nx_stored_encoder_new();
    nx_stored_encoder *use = enc ? enc : own;
    size_t cap = ZSTD_compressBound(text_len);
    unsigned char *buf = use ? malloc(cap + STORED_HEADER) : NULL;
    size_t n = buf ? ZSTD_compress2(use->cctx, buf + STORED_HEADER, cap, text, text_len) : 0;
    nx_stored_encoder_free(own);
    free(text);
    if (!buf || ZSTD_isError(n)) {
        free(buf);
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory compressing article");
    }
    buf[0] = STORED_FORMAT_RECORD;
    buf[1] = (unsigned char)(text_len >> 24);
    buf[2] = (unsigned char)(text_len >> 16);
    buf[3] = (unsigned char)(text_len >> 8);
    buf[4] = (unsigned char)text_len;
    *out = (char *)buf;
    *out_len = n + STORED_HEADER;
    return NEWSDEX_OK;
}

/* ---- Reading ---- */

struct nx_stored_decoder {
    ZSTD_DCtx *dctx;
    ZSTD_DDict *ddict;
};

nx_stored_decoder *nx_stored_decoder_new(void)
{
    nx_stored_decoder *dec = calloc(1, sizeof *dec);
    if (!dec)
        return NULL;
    dec->dctx = ZSTD_createDCtx();
    dec->ddict = ZSTD_createDDict(nx_stored_dictionary, nx_stored_dictionary_size);
    if (!dec->dctx || !dec->ddict) {
        nx_stored_decoder_free(dec);
        return NULL;
    }
    return dec;
}

void nx_stored_decoder_free(nx_stored_decoder *dec)
{
    if (!dec)
        return;
    ZSTD_freeDCtx(dec->dctx);
    ZSTD_freeDDict(dec->ddict);
    free(dec);
}

static newsdex_status corrupt(nx_error *err, const char *what)
{
    return nx_error_set(err, NEWSDEX_ERR_CORRUPT, "stored article is corrupt (%s)", what);
}

static newsdex_status add_list(nx_stored_doc *doc, const char *name, size_t count, nx_error *err)
{
    nx_stored_list *grown = realloc(doc->lists, (doc->n_lists + 1) * sizeof *grown);
    if (!grown)
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory decoding article");
    doc->lists = grown;
    nx_stored_list *l = &doc->lists[doc->n_lists++];
    l->name = name;
    l->count = 0;
    l->values = malloc((count ? count : 1) * sizeof *l->values);
    if (!l->values)
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory decoding article");
    return NEWSDEX_OK;
}

/* The next NUL-terminated string of text[*at, end), or NULL. */
static const char *next_string(const char *text, size_t *at, size_t end)
{
    const char *s = text + *at;
    const char *nul = *at < end ? memchr(s, '\0', end - *at) : NULL;
    if (!nul)
        return NULL;
    *at = (size_t)(nul - text) + 1;
    return s;
}

static newsdex_status parse_record(nx_stored_doc *doc, size_t len, nx_error *err)
{
    const char **fields[6] = {&doc->id, &doc->title, &doc->date, &doc->source, &doc->url,
                              &doc->body};
    size_t at = 0;
    for (size_t i = 0; i < 6; i++)
        if (!(*fields[i] = next_string(doc->text, &at, len)))
            return corrupt(err, "a field is cut short");
    while (at < len) {
        const char *name = next_string(doc->text, &at, len);
        const char *digits = name ? next_string(doc->text, &at, len) : NULL;
        size_t count = 0;
        for (const char *d = digits; d && *d; d++) {
            if (*d < '0' || *d > '9')
                return corrupt(err, "a list's length is not a number");
            /* Each value takes a byte at least: a larger count is damage. */
            if ((count = count * 10 + (size_t)(*d - '0')) > len)
                return corrupt(err, "a list is cut short");
        }
        if (!digits || !*digits || count > len - at)
            return corrupt(err, "a list is cut short");
        newsdex_status st = add_list(doc, name, count, err);
        nx_stored_list *l = &doc->lists[doc->n_lists - 1];
        for (; st == NEWSDEX_OK && l->count < count; l->count++)
            if (!(l->values[l->count] = next_string(doc->text, &at, len)))
                return corrupt(err, "a list is cut short");
        if (st != NEWSDEX_OK)
            return st;
    }
    return NEWSDEX_OK;
}

static newsdex_status decode_record(nx_stored_decoder *dec, const unsigned char *b, size_t len,
                                    size_t text_len, nx_stored_doc *doc, nx_error *err)
{
    nx_stored_decoder *own = dec ? NULL : nx_stored_decoder_new();
    nx_stored_decoder *use = dec ? dec : own;
    doc->text = use ? malloc(text_len + 1) : NULL;
    if (!doc->text) {
        nx_stored_decoder_free(own);
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory decoding article");
    }
    size_t got = ZSTD_decompress_usingDDict(use->dctx, doc->text, text_len, b + STORED_HEADER,
                                            len - STORED_HEADER, use->ddict);
    nx_stored_decoder_free(own);
    if (ZSTD_isError(got) || got != text_len)
        return nx_error_set(err, NEWSDEX_ERR_CORRUPT, "stored article is corrupt (zstd: %s)",
                            ZSTD_isError(got) ? ZSTD_getErrorName(got) : "short");
    doc->text[text_len] = '\0';
    return parse_record(doc, text_len, err);
}

static const char *get_string(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

static newsdex_status decode_zjson(const unsigned char *b, size_t len, size_t text_len,
                                   nx_stored_doc *doc, nx_error *err)
{
    char *text = malloc(text_len + 1);
    if (!text)
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory decoding article");
    uLongf got = text_len;
    int zrc = uncompress((Bytef *)text, &got, b + STORED_HEADER, len - STORED_HEADER);
    if (zrc != Z_OK || got != text_len) {
        free(text);
        return nx_error_set(err, NEWSDEX_ERR_CORRUPT, "stored article is corrupt (zlib %d)", zrc);
    }
    json_error_t jerr;
    json_t *root = json_loadb(text, text_len, 0, &jerr);
    free(text);
    if (!json_is_object(root)) {
        json_decref(root);
        return nx_error_set(err, NEWSDEX_ERR_CORRUPT, "stored article is not valid JSON");
    }
    doc->json_root = root;
    doc->id = get_string(root, "id");
    doc->title = get_string(root, "title");
    doc->body = get_string(root, "body");
    doc->date = get_string(root, "date");
    doc->source = get_string(root, "source");
    doc->url = get_string(root, "url");
    const char *name;
    json_t *values;
    json_object_foreach(json_object_get(root, "lists"), name, values)
    {
        size_t n = json_array_size(values);
        newsdex_status st = add_list(doc, name, n, err);
        nx_stored_list *l = &doc->lists[doc->n_lists - 1];
        for (size_t i = 0; st == NEWSDEX_OK && i < n; i++) {
            const char *v = json_string_value(json_array_get(values, i));
            if (v)
                l->values[l->count++] = v;
        }
        if (st != NEWSDEX_OK)
            return st;
    }
    return NEWSDEX_OK;
}

newsdex_status nx_stored_decode(const char *data, size_t len, nx_stored_doc *doc, nx_error *err)
{
    return nx_stored_decode_with(NULL, data, len, doc, err);
}

newsdex_status nx_stored_decode_with(nx_stored_decoder *dec, const char *data, size_t len,
                                     nx_stored_doc *doc, nx_error *err)
{
    memset(doc, 0, sizeof *doc);
    doc->id = doc->title = doc->body = doc->date = doc->source = doc->url = "";
    const char *positions;
    size_t positions_len;
    if (data && nx_docpos_split(data, len, &positions, &positions_len, &data, &len) != 0)
        return nx_error_set(err, NEWSDEX_ERR_CORRUPT, "stored article has damaged positions");
    const unsigned char *b = (const unsigned char *)data;
    if (!b || len < STORED_HEADER ||
        (b[0] != STORED_FORMAT_RECORD && b[0] != STORED_FORMAT_ZJSON))
        return nx_error_set(err, NEWSDEX_ERR_CORRUPT, "stored article has an unknown format");
    size_t text_len = ((size_t)b[1] << 24) | ((size_t)b[2] << 16) | ((size_t)b[3] << 8) | b[4];
    newsdex_status st = b[0] == STORED_FORMAT_RECORD
                            ? decode_record(dec, b, len, text_len, doc, err)
                            : decode_zjson(b, len, text_len, doc, err);
    if (st != NEWSDEX_OK) {
        nx_stored_doc_free(doc);
        doc->id = doc->title = doc->body = doc->date = doc->source = doc->url = "";
    }
    return st;
}

const char **nx_stored_list_values(const nx_stored_doc *doc, const char *name, size_t *count)
{
    for (size_t i = 0; i < doc->n_lists; i++)
        if (strcmp(doc->lists[i].name, name) == 0) {
            *count = doc->lists[i].count;
            return doc->lists[i].values;
        }
    *count = 0;
    return NULL;
}

void nx_stored_doc_free(nx_stored_doc *doc)
{
    if (!doc)
        return;
    for (size_t i = 0; i < doc->n_lists; i++)
        free(doc->lists[i].values);
    free(doc->lists);
    free(doc->text);
    json_decref((json_t *)doc->json_root);
    doc->lists = NULL;
    doc->n_lists = 0;
    doc->text = NULL;
    doc->json_root = NULL;
}
