#include "stored_doc.h"

#include <jansson.h>
#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* Format byte, so the layout can change without misreading old indexes. */
#define STORED_FORMAT_ZJSON 'z'

static int set_string(json_t *obj, const char *key, const char *value)
{
    if (!value || !*value)
        return 0;
    return json_object_set_new(obj, key, json_string(value));
}

static json_t *article_to_json(const newsdex_article *a, const char *date_iso)
{
    json_t *obj = json_object();
    if (!obj)
        return NULL;
    int rc = set_string(obj, "id", a->id) | set_string(obj, "title", a->title) |
             set_string(obj, "body", a->body) | set_string(obj, "date", date_iso) |
             set_string(obj, "source", a->source) | set_string(obj, "url", a->url);
    json_t *lists = json_object();
    rc |= lists ? json_object_set_new(obj, "lists", lists) : -1;
    for (size_t i = 0; rc == 0 && i < a->n_lists; i++) {
        json_t *arr = json_array();
        rc |= arr ? json_object_set_new(lists, a->lists[i].name, arr) : -1;
        for (size_t j = 0; rc == 0 && j < a->lists[i].count; j++)
            rc |= json_array_append_new(arr, json_string(a->lists[i].values[j]));
    }
    if (rc != 0) {
        json_decref(obj);
        return NULL;
    }
    return obj;
}

/* Level 6 through libdeflate: a zlib stream any inflater reads, made in
 * about half the time zlib's own level 6 takes (a tenth of indexing was
 * zlib), and no larger. */
#define STORED_LEVEL 6

struct nx_stored_encoder {
    struct libdeflate_compressor *c;
};

nx_stored_encoder *nx_stored_encoder_new(void)
{
    nx_stored_encoder *enc = calloc(1, sizeof *enc);
    if (enc && !(enc->c = libdeflate_alloc_compressor(STORED_LEVEL))) {
        free(enc);
        return NULL;
    }
    return enc;
}

void nx_stored_encoder_free(nx_stored_encoder *enc)
{
    if (!enc)
        return;
    libdeflate_free_compressor(enc->c);
    free(enc);
}

/* text into out (cap bytes): the compressed length, 0 when it fails. */
static size_t compress_text(nx_stored_encoder *enc, unsigned char *out, size_t cap,
                            const char *text, size_t text_len)
{
    nx_stored_encoder *own = enc ? NULL : nx_stored_encoder_new();
    nx_stored_encoder *use = enc ? enc : own;
    size_t n = use ? libdeflate_zlib_compress(use->c, text, text_len, out, cap) : 0;
    nx_stored_encoder_free(own);
    return n;
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
    json_t *obj = article_to_json(article, date_iso);
    char *text = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
    json_decref(obj);
    if (!text)
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory encoding article");
    size_t text_len = strlen(text);
    size_t cap = libdeflate_zlib_compress_bound(NULL, text_len);
    unsigned char *buf = malloc(cap + 5);
    if (!buf) {
        free(text);
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory encoding article");
    }
    /* Header: format byte, then the uncompressed length (32-bit big endian). */
    buf[0] = STORED_FORMAT_ZJSON;
    buf[1] = (unsigned char)(text_len >> 24);
    buf[2] = (unsigned char)(text_len >> 16);
    buf[3] = (unsigned char)(text_len >> 8);
    buf[4] = (unsigned char)text_len;
    size_t n = compress_text(enc, buf + 5, cap, text, text_len);
    free(text);
    if (n == 0) {
        free(buf);
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory compressing article");
    }
    *out = (char *)buf;
    *out_len = n + 5;
    return NEWSDEX_OK;
}

static const char *get_string(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

newsdex_status nx_stored_decode(const char *data, size_t len, nx_stored_doc *doc, nx_error *err)
{
    memset(doc, 0, sizeof *doc);
    const unsigned char *b = (const unsigned char *)data;
    if (len < 5 || b[0] != STORED_FORMAT_ZJSON)
        return nx_error_set(err, NEWSDEX_ERR_CORRUPT, "stored article has an unknown format");
    uLongf text_len = ((uLongf)b[1] << 24) | ((uLongf)b[2] << 16) | ((uLongf)b[3] << 8) | b[4];
    char *text = malloc(text_len + 1);
    if (!text)
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory decoding article");
    uLongf got = text_len;
    int zrc = uncompress((Bytef *)text, &got, b + 5, len - 5);
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
    return NEWSDEX_OK;
}

void nx_stored_doc_free(nx_stored_doc *doc)
{
    if (doc && doc->json_root) {
        json_decref((json_t *)doc->json_root);
        doc->json_root = NULL;
    }
}
