/* Reading the fields a hit shows from a stored article, fast, with
 * decompressors kept from one article to the next. Format 'r'
 * (engine/stored_doc.c) is read by nx_stored_decode_with(). Format 'z',
 * of indexes written by earlier versions, is a zlib-compressed JSON object
 * written by jansson; a general JSON parser spent more time on it than
 * Xapian spent finding the article, so it is read here with one in-place
 * pass and no allocation besides the decompressed text. Anything that pass
 * does not expect (unusual JSON) goes to nx_stored_decode(), so it is
 * never less correct, only faster. */
#ifndef NX_HIT_DECODE_H
#define NX_HIT_DECODE_H

#include <stddef.h>

#include "../engine/stored_doc.h"

typedef struct nx_hit_fields {
    const char *id, *title, *body, *date, *source, *url; /* never NULL ("" if absent) */
    char *text;         /* the decompressed JSON, unescaped in place (format 'z') */
    nx_stored_doc doc;  /* format 'r', or the slow path's document */
} nx_hit_fields;

/* Decompresses with *inf, made on first use (keep it for the next
 * article: making one costs as much as decompressing a short article);
 * free it with nx_inflater_free. */
typedef struct nx_inflater nx_inflater;
newsdex_status nx_hit_decode(nx_inflater **inf, const char *data, size_t len, nx_hit_fields *f,
                             nx_error *err);
void nx_inflater_free(nx_inflater *inf); /* NULL is fine */
void nx_hit_fields_free(nx_hit_fields *f);

/* Exposed for the unit tests: parses the JSON object text[0..len) (NUL
 * at text[len]) in place into f's fields; 0, or -1 if it is not the
 * expected shape (then f's fields are unspecified). */
int nx_hit_parse_json(char *text, size_t len, nx_hit_fields *f);

#endif
