/* newsdex_reader: the public face of the article readers (reader.h). It
 * adds what an embedding program needs around nx_reader: messages located
 * as FILE:LINE, and an input that cannot go on after a failure ending with
 * NEWSDEX_READ_END instead of failing again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "newsdex.h"
#include "reader.h"

struct newsdex_reader {
    nx_reader *reader;
    newsdex_article article;
    int done;                        /* a failure the input cannot go on from */
    char message[NX_ERROR_MAX + 1100]; /* "FILE:LINE: what was wrong" */
    char warning[NX_ERROR_MAX + 1100]; /* "FILE:LINE: what was kept as it was" */
};

/* "PATH:LINE: message", or "PATH: message" without a line. */
static void locate(char *buf, size_t cap, const char *path, unsigned long line,
                   const char *message)
{
    if (line)
        snprintf(buf, cap, "%.1000s:%lu: %s", path, line, message);
    else
        snprintf(buf, cap, "%.1000s: %s", path, message);
}

newsdex_status newsdex_reader_open(const char *path, const char *format, newsdex_reader **out,
                                   char **error_message)
{
    if (error_message)
        *error_message = NULL;
    if (out)
        *out = NULL;
    nx_error err;
    nx_error_clear(&err);
    if (!path || !out) {
        nx_error_set(&err, NEWSDEX_ERR_INVALID, "%s is NULL", !path ? "path" : "reader");
    } else {
        newsdex_reader *r = calloc(1, sizeof *r);
        if (!r)
            nx_error_set(&err, NEWSDEX_ERR_NOMEM, "out of memory");
        else if (nx_reader_open_format(path, format, &r->reader, &err) == NEWSDEX_OK) {
            *out = r;
            return NEWSDEX_OK;
        }
        free(r);
    }
    if (error_message) {
        char located[sizeof ((newsdex_reader *)0)->message];
        locate(located, sizeof located, path ? path : "(null)", 0, err.message);
        *error_message = strdup(located);
    }
    return err.status;
}

void newsdex_reader_set_stop_flag(newsdex_reader *r, const volatile sig_atomic_t *flag)
{
    if (r)
        nx_reader_set_stop(r->reader, flag);
}

newsdex_read newsdex_reader_next(newsdex_reader *r, const newsdex_article **article)
{
    if (article)
        *article = NULL;
    if (!r || !article) {
        if (r)
            snprintf(r->message, sizeof r->message, "article is NULL");
        return NEWSDEX_READ_FAILED;
    }
    r->message[0] = '\0';
    r->warning[0] = '\0';
    if (r->done)
        return NEWSDEX_READ_END;
    nx_error err;
    nx_error_clear(&err);
    nx_read_result res = nx_reader_next(r->reader, &r->article, &err);
    unsigned long warning_line;
    const char *warning = nx_reader_warning(r->reader, &warning_line);
    switch (res) {
    case NX_READ_ARTICLE:
        if (warning) {
            char text[NX_ERROR_MAX + 16];
            snprintf(text, sizeof text, "warning: %s", warning);
            locate(r->warning, sizeof r->warning, newsdex_reader_path(r), warning_line, text);
        }
        *article = &r->article;
        return NEWSDEX_READ_ARTICLE;
    case NX_READ_END: return NEWSDEX_READ_END;
    case NX_READ_STOPPED: return NEWSDEX_READ_STOPPED;
    case NX_READ_REJECTED:
    case NX_READ_FAILED: break;
    }
    locate(r->message, sizeof r->message, newsdex_reader_path(r), nx_reader_line(r->reader),
           err.message);
    if (res == NX_READ_REJECTED)
        return NEWSDEX_READ_REJECTED;
    r->done = !nx_reader_can_continue(r->reader);
    return NEWSDEX_READ_FAILED;
}

size_t newsdex_reader_skipped_count(const newsdex_reader *r)
{
    return r ? nx_reader_passed_count(r->reader) : 0;
}

const char *newsdex_reader_skipped(const newsdex_reader *r, size_t i, const char **why)
{
    const nx_reader_passed *p = r ? nx_reader_passed_file(r->reader, i) : NULL;
    if (why)
        *why = p ? p->why : "";
    return p ? p->path : NULL;
}

const char *newsdex_reader_last_error(const newsdex_reader *r)
{
    return r ? r->message : "";
}

newsdex_status newsdex_reader_set_encoding(newsdex_reader *r, const char *encoding)
{
    if (!r)
        return NEWSDEX_ERR_INVALID;
    nx_encoding e;
    if (!encoding || nx_encoding_named(encoding, &e) != 0) {
        snprintf(r->message, sizeof r->message,
                 "encoding \"%.100s\" is not known (expected utf-8, cp1252 (windows-1252) or "
                 "latin1 (iso-8859-1))",
                 encoding ? encoding : "(null)");
        return NEWSDEX_ERR_INVALID;
    }
    nx_reader_set_encoding(r->reader, e);
    return NEWSDEX_OK;
}

newsdex_status newsdex_reader_set_defaults(newsdex_reader *r, const char *source,
                                           const char *date)
{
    if (!r)
        return NEWSDEX_ERR_INVALID;
    nx_error err;
    nx_error_clear(&err);
    newsdex_status st = nx_reader_set_defaults(r->reader, source, date, &err);
    if (st != NEWSDEX_OK)
        snprintf(r->message, sizeof r->message, "default date: %s", err.message);
    return st;
}

const char *newsdex_reader_last_warning(const newsdex_reader *r)
{
    return r ? r->warning : "";
}

size_t newsdex_reader_invalid_count(const newsdex_reader *r)
{
    return r ? nx_reader_invalid_count(r->reader) : 0;
}

const char *newsdex_reader_invalid_file(const newsdex_reader *r, size_t i,
                                        unsigned long *first_line, uint64_t *bytes)
{
    const nx_reader_invalid *f = r ? nx_reader_invalid_file(r->reader, i) : NULL;
    if (first_line)
        *first_line = f ? f->first_line : 0;
    if (bytes)
        *bytes = f ? (uint64_t)f->bytes : 0;
    return f ? f->path : NULL;
}

const char *newsdex_reader_path(const newsdex_reader *r)
{
    return r ? nx_reader_current_path(r->reader) : "";
}

unsigned long newsdex_reader_line(const newsdex_reader *r)
{
    return r ? nx_reader_line(r->reader) : 0;
}

uint64_t newsdex_reader_bytes(const newsdex_reader *r)
{
    return r ? (uint64_t)nx_reader_bytes(r->reader) : 0;
}

void newsdex_reader_close(newsdex_reader *r)
{
    if (!r)
        return;
    nx_reader_close(r->reader);
    free(r);
}
