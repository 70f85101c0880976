/* Filter terms for field values (topics, sources, ...), built the same way
 * when indexing and when querying: X<FIELD>:<value folded by the analyzer>. */
#ifndef NX_FIELD_TERMS_H
#define NX_FIELD_TERMS_H

#include <stddef.h>
#include "analyzer.h"

/* Writes the term into buf (NUL-terminated). A value with no words gives an
 * empty term (buf[0] == 0). Over-long terms are cut at a character boundary. */
newsdex_status nx_field_term(nx_analyzer *analyzer, const char *field, const char *value,
                             char *buf, size_t cap, nx_error *err);

#endif
