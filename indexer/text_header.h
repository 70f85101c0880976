/* The optional header of a plain-text article: lines "Name: value" at the
 * very top of the file, up to the first blank line, with the names Title,
 * Date, Source, URL and Topics (comma-separated; any letter case). A file
 * whose first line is not one of them has no header. A line of the header
 * that is not a good one (not "Name: value", an unknown name, an empty
 * value, a name given twice) is kept as body text, and the first of them
 * is the warning. */
#ifndef NX_TEXT_HEADER_H
#define NX_TEXT_HEADER_H

#include <stddef.h>

#include "newsdex.h"

typedef struct nx_text_header {
    const char *title, *date, *source, *url; /* NULL when absent */
    newsdex_list_field topics;               /* "topics"; count 0 when absent */
    char warning[320];                       /* "" when the header was good */
    unsigned long warning_line;              /* line of the first bad one */
    char *copy;                              /* the header's lines: values point in */
    const char **values;                     /* behind topics */
    char *kept;                              /* bad lines then the rest, when any */
} nx_text_header;

/* Read the header of text[0..len) (lines joined by "\n", line 1 first),
 * replacing what an earlier call found. *rest and *rest_len get the text after
 * it: the rest of the file after the blank line, led by the bad lines of
 * the header if any (then in h->kept). Returns 0, or -1 when out of
 * memory. */
int nx_text_header_parse(nx_text_header *h, char *text, size_t len, char **rest,
                         size_t *rest_len);

void nx_text_header_free(nx_text_header *h);

#endif
