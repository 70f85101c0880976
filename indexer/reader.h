/* Article readers: turn an input file into newsdex_article records.
 * The format is chosen from the file name (.jsonl, .jsonl.gz, ...).
 * "-" reads JSON Lines from standard input (gzip detected automatically). */
#ifndef NX_READER_H
#define NX_READER_H

#include "newsdex.h"
#include "../engine/error.h"

typedef enum nx_read_result {
    NX_READ_ARTICLE,   /* *article holds the next record */
    NX_READ_REJECTED,  /* a bad record was skipped; err says why; reading may go on */
    NX_READ_END,       /* no more input */
    NX_READ_FAILED     /* input cannot be read further (I/O error, corrupt gzip); err says why */
} nx_read_result;

typedef struct nx_reader nx_reader;

/* Open @p path. Fails with NEWSDEX_ERR_IO (unreadable) or
 * NEWSDEX_ERR_INVALID (unknown format). */
newsdex_status nx_reader_open(const char *path, nx_reader **out, nx_error *err);

/* Next record. The article and every string it points to stay valid until
 * the next call or nx_reader_close(). */
nx_read_result nx_reader_next(nx_reader *reader, newsdex_article *article, nx_error *err);

/* 1-based line where the record last returned (or rejected) starts. */
unsigned long nx_reader_line(const nx_reader *reader);

/* Bytes of input consumed so far (compressed bytes for .gz), for progress. */
unsigned long long nx_reader_bytes(const nx_reader *reader);

void nx_reader_close(nx_reader *reader);

/* ---- For format implementations (one file each, e.g. jsonl_reader.c) ----
 * nx_reader dispatches to one of these; `state` is the format's own object. */
typedef struct nx_reader_format {
    const char *name;
    newsdex_status (*open)(const char *path, void **state, nx_error *err);
    nx_read_result (*next)(void *state, newsdex_article *article, nx_error *err);
    unsigned long (*line)(const void *state);
    unsigned long long (*bytes)(const void *state);
    void (*close)(void *state);
} nx_reader_format;

/* JSON Lines: one object per line (jsonl_reader.c). */
extern const nx_reader_format nx_jsonl_format;

#endif
