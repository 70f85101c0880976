/* Shared by the reader harnesses (fuzz_jsonl_reader.c, fuzz_sgml_reader.c,
 * fuzz_text_reader.c): writes each input to an in-memory file, reads every
 * record through nx_reader in one format and checks what comes out.
 *
 * Every record must be either an article whose strings are all valid UTF-8
 * (readers repair their input) or a rejection with a reason; reading must
 * end, and after NX_READ_FAILED must not go on. Any crash, leak, hang or
 * undefined behaviour is a bug. Built and run by scripts/fuzz. */
#ifndef NX_FUZZ_READER_H
#define NX_FUZZ_READER_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memfd_create */
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../engine/utf8.h"
#include "../../indexer/reader.h"

#define FUZZ_CHECK(cond)  \
    do {                  \
        if (!(cond))      \
            abort();      \
    } while (0)

/* One in-memory file for the whole run, rewritten for every input; readers
 * open it by name like any file (also as gzip when the input is gzip). */
static int fuzz_input_fd(char *path, size_t cap)
{
    static int fd = -1;
    if (fd < 0)
        fd = memfd_create("newsdex-fuzz", 0);
    if (fd < 0)
        abort();
    snprintf(path, cap, "/proc/self/fd/%d", fd);
    return fd;
}

static void fuzz_write_input(const uint8_t *data, size_t size, char *path, size_t cap)
{
    int fd = fuzz_input_fd(path, cap);
    FUZZ_CHECK(ftruncate(fd, 0) == 0);
    size_t done = 0;
    while (done < size) {
        ssize_t n = pwrite(fd, data + done, size - done, (off_t)done);
        FUZZ_CHECK(n > 0);
        done += (size_t)n;
    }
}

static void check_string(const char *s)
{
    if (s)
        FUZZ_CHECK(nx_utf8_valid(s, strlen(s)));
}

static void check_article(const newsdex_article *a)
{
    if (!a->deleted)
        FUZZ_CHECK(a->id || a->title || a->body);
    check_string(a->id);
    check_string(a->title);
    check_string(a->body);
    check_string(a->date);
    check_string(a->source);
    check_string(a->url);
    FUZZ_CHECK(a->n_lists == 0 || a->lists);
    for (size_t i = 0; i < a->n_lists; i++) {
        FUZZ_CHECK(a->lists[i].name && a->lists[i].name[0]);
        check_string(a->lists[i].name);
        FUZZ_CHECK(a->lists[i].count == 0 || a->lists[i].values);
        for (size_t k = 0; k < a->lists[i].count; k++) {
            FUZZ_CHECK(a->lists[i].values[k]);
            check_string(a->lists[i].values[k]);
        }
    }
}

/* A status the reader may fail with on hostile input. */
static int expected_failure(newsdex_status st)
{
    return st == NEWSDEX_ERR_INVALID || st == NEWSDEX_ERR_IO || st == NEWSDEX_ERR_NOMEM;
}

/* Reads every record of path as format; returns the number of records.
 * gzip: the input is gzip-compressed (its records come from the larger
 * decompressed text). */
static size_t fuzz_read_all(const char *path, const char *format, size_t size, int gzip)
{
    /* Each record uses up at least one byte of the text; deflate makes at
     * most 1032 bytes of text from one byte of input. */
    size_t max_records = (gzip ? size * 1032 : size) + 1;
    nx_reader *r = NULL;
    nx_error err;
    nx_error_clear(&err);
    newsdex_status st = nx_reader_open_format(path, format, &r, &err);
    if (st != NEWSDEX_OK) {
        FUZZ_CHECK(expected_failure(st) && err.message[0]);
        return 0;
    }
    size_t records = 0;
    unsigned long last_line = 0;
    for (;;) {
        newsdex_article a;
        memset(&a, 0, sizeof a);
        nx_error_clear(&err);
        nx_read_result res = nx_reader_next(r, &a, &err);
        if (res == NX_READ_END)
            break;
        if (res == NX_READ_FAILED) {
            FUZZ_CHECK(err.message[0] && !nx_reader_can_continue(r));
            break;
        }
        /* Every record starts on a later line (or the same one, for the
         * records of one line) and uses up at least one byte. */
        FUZZ_CHECK(++records <= max_records);
        FUZZ_CHECK(nx_reader_line(r) >= last_line);
        last_line = nx_reader_line(r);
        if (res == NX_READ_REJECTED)
            FUZZ_CHECK(err.message[0] != '\0');
        else
            check_article(&a);
    }
    FUZZ_CHECK(nx_reader_bytes(r) <= (unsigned long long)size + 1);
    nx_reader_close(r);
    return records;
}

static void fuzz_reader_one(const uint8_t *data, size_t size, const char *format)
{
    char path[64];
    fuzz_write_input(data, size, path, sizeof path);
    int gzip = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
    (void)fuzz_read_all(path, format, size, gzip);
}

#endif
