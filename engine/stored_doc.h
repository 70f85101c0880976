/* What the index stores per article so a search can show it without the
 * original archive. Format 'r' (written): the fields as NUL-terminated
 * strings, compressed with zstd against a preset dictionary
 * (engine/stored_dictionary.h). Format 'z' (read, written by earlier
 * versions): a JSON object in a zlib stream. */
#ifndef NX_STORED_DOC_H
#define NX_STORED_DOC_H

#include <stddef.h>
#include "newsdex.h"
#include "error.h"

typedef struct nx_stored_list {
    const char *name;
    size_t count;
    const char **values;
} nx_stored_list;

typedef struct nx_stored_doc {
    const char *id, *title, *body, *date, *source, *url; /* never NULL ("" if absent) */
    nx_stored_list *lists;                               /* "topics", "authors", ... */
    size_t n_lists;
    char *text;      /* owner of the strings (format 'r') */
    void *json_root; /* owner of the strings (format 'z') */
} nx_stored_doc;

/* date_iso: normalised "YYYY-MM-DDTHH:MM:SSZ" or NULL. *out is malloc'd. */
newsdex_status nx_stored_encode(const newsdex_article *article, const char *date_iso,
                                char **out, size_t *out_len, nx_error *err);

/* A compressor kept between nx_stored_encode_with() calls (one writer's):
 * the same bytes as nx_stored_encode() without setting up a compressor and
 * its dictionary, about a megabyte, per article. NULL when out of memory. */
typedef struct nx_stored_encoder nx_stored_encoder;
nx_stored_encoder *nx_stored_encoder_new(void);
void nx_stored_encoder_free(nx_stored_encoder *enc);
/* nx_stored_encode() through enc (NULL: a compressor of its own). */
newsdex_status nx_stored_encode_with(nx_stored_encoder *enc, const newsdex_article *article,
                                     const char *date_iso, char **out, size_t *out_len,
                                     nx_error *err);

/* A decompressor kept between nx_stored_decode_with() calls (one reader's).
 * NULL when out of memory. */
typedef struct nx_stored_decoder nx_stored_decoder;
nx_stored_decoder *nx_stored_decoder_new(void);
void nx_stored_decoder_free(nx_stored_decoder *dec);

/* Either format; a damaged article is NEWSDEX_ERR_CORRUPT. Free doc with
 * nx_stored_doc_free() whatever the status. */
newsdex_status nx_stored_decode(const char *data, size_t len, nx_stored_doc *doc, nx_error *err);
/* nx_stored_decode() through dec (NULL: a decompressor of its own). */
newsdex_status nx_stored_decode_with(nx_stored_decoder *dec, const char *data, size_t len,
                                     nx_stored_doc *doc, nx_error *err);
/* The values of the list named name: NULL (and *count 0) if it has none. */
const char **nx_stored_list_values(const nx_stored_doc *doc, const char *name, size_t *count);
void nx_stored_doc_free(nx_stored_doc *doc);

#endif
