/* Article readers: turn an input file into newsdex_article records.
 * The format is chosen from the file name (.jsonl, .ndjson, .json: JSON Lines;
 * .sgm: Reuters-21578 SGML; .txt: plain text; each also gzip'd as .gz), or
 * given explicitly. "-" reads standard input (gzip detected automatically):
 * JSON Lines unless a format is given. A directory is read recursively, in
 * name order: every file with a known extension (every file when a format
 * is given), skipping dot-files, dot-directories and symlinked directories;
 * a file it should read but cannot (dangling symlink, vanished, FIFO,
 * device) fails in its turn (NX_READ_FAILED), never passed over unsaid. */
#ifndef NX_READER_H
#define NX_READER_H

#include <signal.h>

#include "newsdex.h"
#include "../engine/error.h"
#include "input_encoding.h"
#include "line_reader.h"

/* Nothing is skipped silently: input a reader cannot use (a bad or
 * unterminated record, an over-long line or record, whatever an over-long
 * line held) is NX_READ_REJECTED with the reason, and input it cannot read
 * on (an I/O error, damaged gzip, a directory entry that cannot be read) is
 * NX_READ_FAILED. Only what is not a record by definition passes unreported:
 * blank lines of JSON Lines, the text between SGML records. */
typedef enum nx_read_result {
    NX_READ_ARTICLE,   /* *article holds the next record */
    NX_READ_REJECTED,  /* a bad record was skipped; err says why; reading may go on */
    NX_READ_END,       /* no more input */
    NX_READ_FAILED,    /* input cannot be read further (I/O error, corrupt gzip); err says why */
    NX_READ_STOPPED    /* the stop flag was set (nx_reader_set_stop()): reading ended
                        * early, the input is not finished; every further call says so */
} nx_read_result;

typedef struct nx_reader nx_reader;

/* Open @p path (a file, a directory or "-"), format chosen by file name.
 * Fails with NEWSDEX_ERR_IO (unreadable, or a directory holding no input
 * files) or NEWSDEX_ERR_INVALID (unknown format). */
newsdex_status nx_reader_open(const char *path, nx_reader **out, nx_error *err);

/* As nx_reader_open(), with @p format "jsonl", "sgml" or "text" overriding
 * the file name (NULL or "" = by file name). An unknown format name fails
 * with NEWSDEX_ERR_INVALID. */
newsdex_status nx_reader_open_format(const char *path, const char *format, nx_reader **out,
                                     nx_error *err);

/* Have every read check *@p stop (a flag a SIGINT/SIGTERM handler sets; NULL:
 * none) at least once per 8 KiB of input, however long a line, a record or
 * a run of files without records, and end with NX_READ_STOPPED once it is
 * non-zero. Stays in force for every file of a directory walk. */
void nx_reader_set_stop(nx_reader *reader, const volatile sig_atomic_t *stop);

/* Read every file as @p encoding (default UTF-8); for the files still to
 * be read, the open one included if nothing was read from it yet. */
void nx_reader_set_encoding(nx_reader *reader, nx_encoding encoding);

/* Give every article (not deletion records) that lacks a source or a date
 * (NULL or "") these ones (NULL: none); its own values win. A date is
 * checked as the writer reads article dates: NEWSDEX_ERR_INVALID, with
 * the reason, if it cannot be read. The strings are copied. */
newsdex_status nx_reader_set_defaults(nx_reader *reader, const char *source, const char *date,
                                      nx_error *err);

/* Next record. The article and every string it points to stay valid until
 * the next call or nx_reader_close(). In a directory walk, NX_READ_FAILED
 * ends only the current file (or one that could not be opened): calling
 * again goes on with the next file; see nx_reader_can_continue(). */
nx_read_result nx_reader_next(nx_reader *reader, newsdex_article *article, nx_error *err);

/* After NX_READ_FAILED: non-zero if calling nx_reader_next() again reads on
 * (the next file of a directory); zero if the input is done for good. */
int nx_reader_can_continue(const nx_reader *reader);

/* The file the last record (or failure) came from: the path as given, or
 * inside a directory walk DIR/NAME. Report records as CURRENT_PATH:LINE.
 * Valid until nx_reader_close(). */
const char *nx_reader_current_path(const nx_reader *reader);

/* 1-based line where the record last returned (or rejected) starts; 0 when
 * no line applies (a file of a directory walk could not be opened). */
unsigned long nx_reader_line(const nx_reader *reader);

/* Bytes of input consumed so far (compressed bytes for .gz), for progress;
 * summed over the files of a directory walk. */
unsigned long long nx_reader_bytes(const nx_reader *reader);

/* Files read for nothing or passed over so far: a file that held no record
 * ("empty", in any format), and in a directory walk a file with no known
 * extension ("unknown extension"), a hidden name ("hidden", file or
 * directory) or a symbolic link to a directory. */
typedef struct nx_reader_passed {
    char *path;      /* as nx_reader_current_path() would say it */
    const char *why; /* "empty", "unknown extension", "hidden", ... */
} nx_reader_passed;

size_t nx_reader_passed_count(const nx_reader *reader);

/* What the format noticed in the record last returned without rejecting
 * it (a malformed header line of a text file kept as text), or NULL;
 * *line (may be NULL) gets its line. Valid until the next read. */
const char *nx_reader_warning(const nx_reader *reader, unsigned long *line);

/* Files in which bytes that are not characters of the encoding were
 * replaced by U+FFFD, each noted once, when its reading ends. */
typedef struct nx_reader_invalid {
    char *path;                /* as nx_reader_current_path() would say it */
    unsigned long first_line;  /* line of the first replaced byte */
    unsigned long long bytes;  /* bytes replaced in the file */
} nx_reader_invalid;

size_t nx_reader_invalid_count(const nx_reader *reader);

/* The @p i th (from 0) of them, or NULL. Valid until nx_reader_close(). */
const nx_reader_invalid *nx_reader_invalid_file(const nx_reader *reader, size_t i);

/* The @p i th (from 0) of them, or NULL. Valid until nx_reader_close(). */
const nx_reader_passed *nx_reader_passed_file(const nx_reader *reader, size_t i);

void nx_reader_close(nx_reader *reader);

/* Bytes examined by the readers of the calling thread so far: every scan
 * the line reader and the formats make over their input adds what it
 * looked at. Tests read it before and after a read to check that reading
 * stays linear in the input, whatever its shape. */
unsigned long long nx_reader_work(void);

/* For the implementations: count @p n more bytes examined. */
extern _Thread_local unsigned long long nx_reader_work_bytes;
#define NX_READER_WORK(n) (nx_reader_work_bytes += (unsigned long long)(n))

/* ---- For format implementations (one file each, e.g. jsonl_reader.c) ----
 * nx_reader dispatches to one of these; `state` is the format's own object. */
typedef struct nx_reader_format {
    const char *name;
    /* @p name is the file's stable name, for formats whose ids come from
     * the file (text): its path under the directory given, led by that
     * directory's own name, or the base name of a file given by itself. */
    newsdex_status (*open)(const char *path, const char *name, void **state, nx_error *err);
    nx_read_result (*next)(void *state, newsdex_article *article, nx_error *err);
    unsigned long (*line)(const void *state);
    unsigned long long (*bytes)(const void *state);
    void (*close)(void *state);
    /* Check *stop as nx_reader_set_stop() says (NULL: no flag); called
     * after open, and again whenever the flag is set. */
    void (*set_stop)(void *state, const volatile sig_atomic_t *stop);
    /* The line reader under the format (for the encoding and its count). */
    nx_line_reader *(*lines)(void *state);
    /* NULL, or as nx_reader_warning() says, for the last record. */
    const char *(*warning)(const void *state, unsigned long *line);
} nx_reader_format;

/* JSON Lines: one object per line (jsonl_reader.c). */
extern const nx_reader_format nx_jsonl_format;
/* Reuters-21578 SGML: one article per <REUTERS> record (sgml_reader.c). */
extern const nx_reader_format nx_sgml_format;
/* Plain text: one article per file (text_reader.c). */
extern const nx_reader_format nx_text_format;

#endif
