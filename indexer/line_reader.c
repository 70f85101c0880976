/* Lines through zlib's gz* API: gzread passes plain files through untouched,
 * so one code path serves .jsonl, .jsonl.gz and stdin (gzip or not). */
#include "line_reader.h"
#include "reader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* zlib's input buffer, and the chunk we ask gzread for. zlib drops all the
 * output of an inflate call that ends in a data error (a bad CRC included),
 * and each call fills its output buffer (twice GZ_BUFFER), so a small buffer
 * keeps the good lines lost before such an error to at most 16 KiB. */
#define GZ_BUFFER (8 * 1024)
#define CHUNK (8 * 1024)

/* Bytes buffered for one line: the maximum plus a "\r" that may be stripped. */
#define LINE_LIMIT (NX_LINE_MAX + 1)

struct nx_line_reader {
    gzFile gz;
    char chunk[CHUNK];
    size_t chunk_pos, chunk_len;
    char *line;              /* current line, NUL-terminated when returned */
    size_t line_len, line_cap;
    int too_long;            /* current line overflowed: skipping to "\n" */
    unsigned long line_no;
    unsigned long long raw_bytes;  /* uncompressed bytes consumed into lines */
    unsigned long long decoded;    /* uncompressed bytes gzread handed us */
    int direct;              /* input is not gzip (or not yet known) */
    int eof;
    int failed;              /* reading failed; `failure` says why */
    int stopped;             /* *stop was seen set: no more reading */
    const volatile sig_atomic_t *stop;
    nx_error failure;
    nx_encoding encoding;
    nx_encoding_buffer converted;  /* the current line in UTF-8, when it differs */
    unsigned long long invalid;    /* bytes replaced by U+FFFD */
    unsigned long first_invalid;   /* line of the first of them */
};

newsdex_status nx_line_reader_open(const char *path, nx_line_reader **out, nx_error *err)
{
    *out = NULL;
    int is_stdin = strcmp(path, "-") == 0;
    int fd = is_stdin ? dup(0) : open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd); /* zlib would only fail at the first read */
        fd = -1;
        errno = EISDIR;
    }
    if (fd < 0) {
        if (is_stdin)
            return nx_error_set(err, NEWSDEX_ERR_IO, "cannot read standard input: %s",
                                strerror(errno));
        return nx_error_set(err, NEWSDEX_ERR_IO, "cannot open \"%s\": %s", path, strerror(errno));
    }
    nx_line_reader *r = calloc(1, sizeof *r);
    gzFile gz = r ? gzdopen(fd, "rb") : NULL;
    if (!gz) {
        free(r);
        close(fd);
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory opening \"%s\"", path);
    }
    gzbuffer(gz, GZ_BUFFER);
    r->gz = gz;
    r->direct = 1;
    *out = r;
    return NEWSDEX_OK;
}

void nx_line_reader_set_stop(nx_line_reader *r, const volatile sig_atomic_t *stop)
{
    r->stop = stop;
}

static nx_line_result stop_now(nx_line_reader *r, nx_error *err)
{
    r->stopped = 1;
    nx_error_set(err, NEWSDEX_ERR_IO, "reading stopped by a signal");
    return NX_LINE_STOPPED;
}

/* gzerror() prefixes messages with "<fd:N>: " for gzdopen'd files. */
static const char *zlib_message(gzFile gz, int *errnum)
{
    const char *msg = gzerror(gz, errnum);
    if (strncmp(msg, "<fd:", 4) == 0) {
        const char *colon = strstr(msg, ">: ");
        if (colon)
            msg = colon + 3;
    }
    return msg;
}

static void record_failure(nx_line_reader *r)
{
    int errnum = Z_OK;
    const char *msg = zlib_message(r->gz, &errnum);
    r->failed = 1;
    if (errnum == Z_ERRNO)
        nx_error_set(&r->failure, NEWSDEX_ERR_IO, "read error: %s", msg);
    else if (errnum == Z_MEM_ERROR)
        nx_error_set(&r->failure, NEWSDEX_ERR_NOMEM, "out of memory reading gzip data");
    else
        nx_error_set(&r->failure, NEWSDEX_ERR_IO,
                     "gzip data truncated or corrupt after byte %llu: %s", r->decoded,
                     msg[0] ? msg : "unknown error");
}

/* Refill the chunk. On a truncated stream zlib flags the error (Z_BUF_ERROR)
 * while it still holds good data, so only a read that returns nothing is
 * checked for an error: everything before the damage is handed out first. */
static void fill(nx_line_reader *r)
{
    r->chunk_pos = r->chunk_len = 0;
    int n = gzread(r->gz, r->chunk, CHUNK);
    if (n > 0) {
        r->chunk_len = (size_t)n;
        r->decoded += (unsigned long long)n;
        r->direct = gzdirect(r->gz);
        return;
    }
    int errnum = Z_OK;
    gzerror(r->gz, &errnum);
    if (n < 0 || errnum != Z_OK)
        record_failure(r);
    else
        r->eof = 1;
}

/* Buffer part of the current line; past LINE_LIMIT just note the overflow.
 * Returns 0 when out of memory (the reader is then failed). */
static int append(nx_line_reader *r, const char *s, size_t n)
{
    if (r->too_long)
        return 1;
    if (n > LINE_LIMIT - r->line_len) {
        r->too_long = 1;
        return 1;
    }
    size_t need = r->line_len + n + 1; /* + NUL */
    if (need > r->line_cap) {
        size_t cap = r->line_cap ? r->line_cap : 4096;
        while (cap < need)
            cap *= 2;
        if (cap > LINE_LIMIT + 1)
            cap = LINE_LIMIT + 1;
        char *grown = realloc(r->line, cap);
        if (!grown) {
            nx_error_set(&r->failure, NEWSDEX_ERR_NOMEM, "out of memory reading a line");
            r->failed = 1;
            return 0;
        }
        r->line = grown;
        r->line_cap = cap;
    }
    memcpy(r->line + r->line_len, s, n);
    r->line_len += n;
    return 1;
}

static nx_line_result fail_now(nx_line_reader *r, nx_error *err)
{
    if (r->failed == 1) { /* first report: the damaged line is the next one */
        r->line_no++;
        r->failed = 2;
    }
    if (err)
        *err = r->failure;
    return NX_LINE_FAILED;
}

/* Hand out the buffered line (the "\n", if any, is already consumed). */
static nx_line_result finish_line(nx_line_reader *r, const char **line, size_t *len,
                                  nx_error *err)
{
    if (!r->line && !append(r, "", 0)) /* empty line before any buffer exists */
        return fail_now(r, err);
    r->line_no++;
    if (!r->too_long && r->line_len > 0 && r->line[r->line_len - 1] == '\r')
        r->line_len--;
    if (r->too_long || r->line_len > NX_LINE_MAX) {
        nx_error_set(err, NEWSDEX_ERR_INVALID, "line longer than %zu bytes", NX_LINE_MAX);
        return NX_LINE_TOO_LONG;
    }
    if (r->line_no == 1 && r->line_len >= 3 && memcmp(r->line, "\xEF\xBB\xBF", 3) == 0) {
        /* A UTF-8 byte-order mark opens the input, not its first record. */
        memmove(r->line, r->line + 3, r->line_len - 3);
        r->line_len -= 3;
    }
    r->line[r->line_len] = '\0';
    unsigned long long invalid = 0;
    if (nx_encoding_convert(r->encoding, r->line, r->line_len, &r->converted, line, len,
                            &invalid) != 0) {
        nx_error_set(&r->failure, NEWSDEX_ERR_NOMEM, "out of memory converting a line");
        r->failed = 2; /* this line is the one that failed */
        *line = NULL;
        *len = 0;
        if (err)
            *err = r->failure;
        return NX_LINE_FAILED;
    }
    NX_READER_WORK(r->line_len);
    if (invalid && !r->invalid)
        r->first_invalid = r->line_no;
    r->invalid += invalid;
    return NX_LINE_OK;
}

nx_line_result nx_line_reader_next(nx_line_reader *r, const char **line, size_t *len,
                                   nx_error *err)
{
    *line = NULL;
    *len = 0;
    r->line_len = 0;
    r->too_long = 0;
    if (r->failed == 2)
        return fail_now(r, err); /* failed for good, even with input left */
    for (;;) {
        if (r->stopped || (r->stop && *r->stop))
            return stop_now(r, err); /* checked once per chunk: an endless line ends too */
        if (r->chunk_pos == r->chunk_len) {
            if (r->failed)
                return fail_now(r, err); /* a partial last line is dropped */
            if (r->eof) {
                if (r->line_len > 0 || r->too_long)
                    return finish_line(r, line, len, err);
                return NX_LINE_END;
            }
            fill(r);
            continue;
        }
        const char *start = r->chunk + r->chunk_pos;
        size_t avail = r->chunk_len - r->chunk_pos;
        const char *nl = memchr(start, '\n', avail);
        size_t take = nl ? (size_t)(nl - start) : avail;
        NX_READER_WORK(take + (nl != NULL));
        if (!append(r, start, take))
            return fail_now(r, err);
        take += nl != NULL;
        r->chunk_pos += take;
        r->raw_bytes += take;
        if (nl)
            return finish_line(r, line, len, err);
    }
}

size_t nx_line_reader_input_len(const nx_line_reader *r)
{
    return r ? r->line_len : 0;
}

void nx_line_reader_set_encoding(nx_line_reader *r, nx_encoding encoding)
{
    r->encoding = encoding;
}

unsigned long long nx_line_reader_invalid(const nx_line_reader *r, unsigned long *first_line)
{
    if (first_line)
        *first_line = r ? r->first_invalid : 0;
    return r ? r->invalid : 0;
}

unsigned long nx_line_reader_line(const nx_line_reader *r)
{
    return r ? r->line_no : 0;
}

unsigned long long nx_line_reader_bytes(const nx_line_reader *r)
{
    if (!r)
        return 0;
    if (!r->direct) {
        z_off_t off = gzoffset(r->gz);
        if (off >= 0)
            return (unsigned long long)off;
    }
    return r->raw_bytes;
}

void nx_line_reader_close(nx_line_reader *r)
{
    if (!r)
        return;
    gzclose(r->gz);
    free(r->line);
    free(r->converted.data);
    free(r);
}
