/* What the index stores per article so a search can show it without the
 * original archive: a JSON object in a zlib stream (made by libdeflate). */
#ifndef NX_STORED_DOC_H
#define NX_STORED_DOC_H

#include <stddef.h>
#include "newsdex.h"
#include "error.h"

typedef struct nx_stored_doc {
    const char *id, *title, *body, *date, *source, *url; /* never NULL ("" if absent) */
    void *json_root;                                     /* owner of the strings */
} nx_stored_doc;

/* date_iso: normalised "YYYY-MM-DDTHH:MM:SSZ" or NULL. *out is malloc'd. */
newsdex_status nx_stored_encode(const newsdex_article *article, const char *date_iso,
                                char **out, size_t *out_len, nx_error *err);

/* A compressor kept between nx_stored_encode_with() calls (one writer's):
 * the same bytes as nx_stored_encode() without setting up a compressor, a
 * few hundred KiB, per article. NULL when out of memory. */
typedef struct nx_stored_encoder nx_stored_encoder;
nx_stored_encoder *nx_stored_encoder_new(void);
void nx_stored_encoder_free(nx_stored_encoder *enc);
/* nx_stored_encode() through enc (NULL: a compressor of its own). */
newsdex_status nx_stored_encode_with(nx_stored_encoder *enc, const newsdex_article *article,
                                     const char *date_iso, char **out, size_t *out_len,
                                     nx_error *err);

newsdex_status nx_stored_decode(const char *data, size_t len, nx_stored_doc *doc, nx_error *err);
void nx_stored_doc_free(nx_stored_doc *doc);

#endif
