/* Word positions kept per article, in the article's document data, instead
 * of in Xapian's position table. That table is keyed by term, then article,
 * so each batch of new articles is merged into blocks all over it; a value
 * per article is written in article order, appended by a night's
 * increment, and smaller (the term is not repeated in every entry's key).
 * Phrase and NEAR are then checked by newsdex (engine/xapian/xsearch.cc)
 * over the candidates Xapian finds for the words.
 *
 * Document data: either a stored record (engine/stored_doc.h) alone, or
 *   'p' varint(L) positions(L bytes) record
 * positions: varint(terms) then, for each term in byte order,
 *   varint(term length) term varint(N) list(N bytes)
 * list: varint(count) varint(first position) varint(gap)...  (gaps > 0) */
#ifndef NX_DOC_POSITIONS_H
#define NX_DOC_POSITIONS_H

#include <stddef.h>
#include <stdint.h>

#include "newsdex.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NX_DOCPOS_FORMAT 'p'

/* Collects one article's (term, position) pairs. */
typedef struct nx_docpos_builder nx_docpos_builder;
nx_docpos_builder *nx_docpos_builder_new(void); /* NULL: out of memory */
void nx_docpos_builder_free(nx_docpos_builder *b);
void nx_docpos_builder_clear(nx_docpos_builder *b);
newsdex_status nx_docpos_add(nx_docpos_builder *b, const char *term, size_t len, uint32_t pos,
                             nx_error *err);
/* The document data: the positions collected, framed as above, then
 * record. *out is malloc'd. */
newsdex_status nx_docpos_frame(nx_docpos_builder *b, const char *record, size_t record_len,
                               char **out, size_t *out_len, nx_error *err);

/* Splits document data: *positions (NULL, 0 when the data has none) and
 * the stored record. 0 on success, -1 when the framing is damaged. */
int nx_docpos_split(const char *data, size_t len, const char **positions, size_t *positions_len,
                    const char **record, size_t *record_len);

/* The position list of term in positions, or -1 when the term has none
 * (0: found, *list and *list_len set); -2 when positions is damaged. */
int nx_docpos_find(const char *positions, size_t len, const char *term, size_t term_len,
                   const char **list, size_t *list_len);

/* Decodes a list into out (at most max positions, ascending); the count
 * decoded, or -1 when the list is damaged. *total gets the list's count. */
long nx_docpos_decode(const char *list, size_t len, uint32_t *out, size_t max, size_t *total);

#ifdef __cplusplus
}
#endif

#endif
