/* Scaffolding shared by the reader unit tests (test_jsonl_reader.c,
 * test_sgml_reader.c, test_text_reader.c): a scratch directory for the test
 * group, files written into it, readers opened on them and the checks on
 * reader results that those tests make the same way.
 *
 * Header-only: each tests/unit/test_*.c is built as one translation unit, so
 * everything here is static; and static inline, so a test that does not use
 * a helper builds clean under -Wunused-function. */
#ifndef NEWSDEX_TESTS_UNIT_READER_FILES_H
#define NEWSDEX_TESTS_UNIT_READER_FILES_H

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "../../indexer/reader.h"
#include "scratch_dir.h"

/* The group's scratch directory, made by create_tmpdir(). */
static char tmpdir[64];

/* ---- scratch directory ---------------------------------------------- */

/* Make a fresh /tmp/<prefix>-XXXXXX as tmpdir (scratch_dir.h); the prefix
 * tells whose leftovers a stray directory is. Returns 0, or -1 as a group
 * setup does. */
static inline int create_tmpdir(const char *prefix)
{
    return scratch_dir_make(tmpdir, sizeof tmpdir, prefix);
}

/* Group teardown: remove tmpdir and all the tests left in it. */
static inline int remove_tmpdir(void **state)
{
    (void)state;
    return scratch_dir_remove(tmpdir);
}

/* ---- files ----------------------------------------------------------- */

/* tmpdir/@p name into @p out; fails the test if it does not fit. */
static inline void path_of(char *out, size_t size, const char *name)
{
    int n = snprintf(out, size, "%s/%s", tmpdir, name);
    assert_true(n > 0 && (size_t)n < size);
}

static inline void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        fail_msg("cannot write %s", path);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static inline void write_gz(const char *path, const void *data, size_t len)
{
    gzFile gz = gzopen(path, "wb");
    if (!gz)
        fail_msg("cannot write %s", path);
    assert_int_equal(gzwrite(gz, data, (unsigned)len), (int)len);
    assert_int_equal(gzclose(gz), Z_OK);
}

/* Write @p len bytes as tmpdir/name and open a reader on it (format by name). */
static inline nx_reader *open_bytes(const char *name, const char *data, size_t len)
{
    char path[256];
    path_of(path, sizeof path, name);
    write_file(path, data, len);
    nx_reader *r = NULL;
    nx_error err;
    nx_error_clear(&err);
    if (nx_reader_open(path, &r, &err) != NEWSDEX_OK)
        fail_msg("open %s: %s", path, err.message);
    return r;
}

/* Write @p text (NUL-terminated) as tmpdir/name and open a reader on it. */
static inline nx_reader *open_text(const char *name, const char *text)
{
    return open_bytes(name, text, strlen(text));
}

/* ---- reader results -------------------------------------------------- */

/* Read the next record, which must be an article with this id; a failure
 * names the record as CURRENT_PATH:LINE, as the reader's users report it. */
static inline void next_article(nx_reader *r, newsdex_article *a, const char *id)
{
    nx_error err;
    nx_error_clear(&err);
    nx_read_result res = nx_reader_next(r, a, &err);
    if (res != NX_READ_ARTICLE)
        fail_msg("%s:%lu: want article \"%s\", got result %d: %s", nx_reader_current_path(r),
                 nx_reader_line(r), id, (int)res, err.message);
    assert_string_equal(a->id, id);
}

/* Next record must be rejected as invalid, with @p fragment in the message. */
static inline void expect_rejected(nx_reader *r, const char *fragment, unsigned long line)
{
    newsdex_article a;
    nx_error err;
    nx_error_clear(&err);
    nx_read_result res = nx_reader_next(r, &a, &err);
    if (res != NX_READ_REJECTED || err.status != NEWSDEX_ERR_INVALID ||
        !strstr(err.message, fragment))
        fail_msg("line %lu: want rejection '%s', got result %d status %d: '%s'",
                 nx_reader_line(r), fragment, (int)res, (int)err.status, err.message);
    assert_int_equal(nx_reader_line(r), line);
    assert_null(a.id);
}

static inline void expect_end(nx_reader *r)
{
    newsdex_article a;
    nx_error err;
    assert_int_equal(nx_reader_next(r, &a, &err), NX_READ_END);
    assert_int_equal(nx_reader_next(r, &a, &err), NX_READ_END); /* stays at the end */
}

static inline const newsdex_list_field *find_list(const newsdex_article *a, const char *name)
{
    for (size_t i = 0; i < a->n_lists; i++)
        if (strcmp(a->lists[i].name, name) == 0)
            return &a->lists[i];
    return NULL;
}

/* List @p name must hold exactly the NULL-terminated @p values. */
static inline void expect_list(const newsdex_article *a, const char *name,
                               const char *const *values)
{
    const newsdex_list_field *f = find_list(a, name);
    if (!f)
        fail_msg("list \"%s\" missing", name);
    size_t n = 0;
    while (values[n])
        n++;
    assert_int_equal(f->count, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(f->values[i], values[i]);
}

/* ---- inputs at the size limits ----------------------------------------- */

/* A growing byte buffer for inputs of tens of MiB. */
typedef struct big_input {
    char *data;
    size_t len, cap;
} big_input;

static inline void big_add_n(big_input *b, const char *s, size_t n)
{
    if (n == 0)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 1 << 20;
        while (cap < b->len + n)
            cap *= 2;
        b->data = realloc(b->data, cap);
        assert_non_null(b->data);
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
}

static inline void big_add(big_input *b, const char *s)
{
    big_add_n(b, s, strlen(s));
}

/* Append @p unit until the buffer holds at least @p until bytes, breaking
 * the line every @p line_len bytes (0: never). */
static inline void big_fill(big_input *b, const char *unit, size_t until, size_t line_len)
{
    size_t k = strlen(unit), on_line = 0;
    while (b->len < until) {
        big_add_n(b, unit, k);
        on_line += k;
        if (line_len && on_line >= line_len) {
            big_add_n(b, "\n", 1);
            on_line = 0;
        }
    }
}

typedef struct read_tally {
    size_t articles, rejected;
    unsigned long long work; /* bytes examined, from nx_reader_work() */
} read_tally;

/* Write @p b as tmpdir/name, read every record, free the buffer; what was
 * read, and how much work that took. Reading must end without failing. */
static inline read_tally read_big(const char *name, big_input *b, const char *format)
{
    char path[256];
    path_of(path, sizeof path, name);
    write_file(path, b->data, b->len);
    free(b->data);
    *b = (big_input){0};
    nx_reader *r = NULL;
    nx_error err;
    if (nx_reader_open_format(path, format, &r, &err) != NEWSDEX_OK)
        fail_msg("open %s: %s", path, err.message);
    read_tally t = {0, 0, 0};
    unsigned long long before = nx_reader_work();
    newsdex_article a;
    nx_read_result res;
    while ((res = nx_reader_next(r, &a, &err)) != NX_READ_END) {
        if (res == NX_READ_FAILED || res == NX_READ_STOPPED)
            fail_msg("%s:%lu: %s", name, nx_reader_line(r), err.message);
        t.articles += res == NX_READ_ARTICLE;
        t.rejected += res == NX_READ_REJECTED;
    }
    t.work = nx_reader_work() - before;
    nx_reader_close(r);
    unlink(path);
    return t;
}

/* Reading @p size bytes must have looked at no more than @p factor times
 * as many: linear, whatever the shape of the input. */
static inline void expect_linear(const char *what, const read_tally *t, size_t size,
                                 unsigned factor)
{
    print_message("# %s: %zu bytes, %llu examined (%.1f per byte)\n", what, size, t->work,
                  (double)t->work / (double)size);
    if (t->work > (unsigned long long)factor * size)
        fail_msg("%s: %llu bytes examined for %zu bytes of input (more than %u times)", what,
                 t->work, size, factor);
    assert_true(t->work >= size); /* the counter counts */
}

#endif
