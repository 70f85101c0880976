/* Line-by-line input through zlib, so plain and gzip files (and stdin) read
 * the same way. The base of every line-oriented article format. */
#ifndef NX_LINE_READER_H
#define NX_LINE_READER_H

#include <signal.h>
#include <stddef.h>
#include "../engine/error.h"
#include "input_encoding.h"

/* Longest line kept, in bytes without its "\n" / "\r\n". */
#define NX_LINE_MAX ((size_t)16 * 1024 * 1024)

typedef enum nx_line_result {
    NX_LINE_OK,        /* *line holds the next line */
    NX_LINE_TOO_LONG,  /* a line over NX_LINE_MAX was skipped; err says so (INVALID).
                        * The caller must turn it into a rejected record: the line
                        * may have held records of its own. */
    NX_LINE_END,       /* no more input */
    NX_LINE_FAILED,    /* input cannot be read further; err says why */
    NX_LINE_STOPPED    /* the stop flag is set (nx_line_reader_set_stop): nothing more
                        * is read, every further call says so too */
} nx_line_result;

typedef struct nx_line_reader nx_line_reader;

/* Open @p path ("-" = standard input). Fails with NEWSDEX_ERR_IO
 * (`cannot open "x": No such file or directory`) or NEWSDEX_ERR_NOMEM. */
newsdex_status nx_line_reader_open(const char *path, nx_line_reader **out, nx_error *err);

/* Make every read check *@p stop (a signal handler's flag; NULL: none) at
 * least once per 8 KiB of input, also while an over-long line is skipped,
 * and return NX_LINE_STOPPED once it is non-zero. */
void nx_line_reader_set_stop(nx_line_reader *reader, const volatile sig_atomic_t *stop);

/* Read the input as @p encoding (the default is UTF-8): each line comes
 * out as UTF-8, every byte that is not a character of the encoding
 * replaced by U+FFFD and counted (nx_line_reader_invalid()). */
void nx_line_reader_set_encoding(nx_line_reader *reader, nx_encoding encoding);

/* Length of the line last returned as it was in the input, before its
 * conversion to UTF-8 (which may make it up to 3 times longer). */
size_t nx_line_reader_input_len(const nx_line_reader *reader);

/* Bytes replaced by U+FFFD so far; *first_line (may be NULL) gets the line
 * of the first of them (0 when none). */
unsigned long long nx_line_reader_invalid(const nx_line_reader *reader,
                                          unsigned long *first_line);

/* Next line, without "\n" and one trailing "\r", converted to UTF-8. *line is NUL-terminated but
 * may hold NUL bytes; *len is its length. Valid until the next call or close.
 * A final line without "\n" is a line, except when the input fails there.
 * After NX_LINE_FAILED every further call fails the same way. */
nx_line_result nx_line_reader_next(nx_line_reader *reader, const char **line, size_t *len,
                                   nx_error *err);

/* 1-based number of the line last returned or skipped (0 before the first);
 * after NX_LINE_FAILED, the line on which reading failed. */
unsigned long nx_line_reader_line(const nx_line_reader *reader);

/* Input consumed so far: compressed bytes for gzip files, otherwise bytes of
 * the lines returned (also for gzip on a pipe, where the offset is unknown). */
unsigned long long nx_line_reader_bytes(const nx_line_reader *reader);

void nx_line_reader_close(nx_line_reader *reader);

#endif
