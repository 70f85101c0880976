/* Plain text: one article per file (none for a file of blanks only, noted
 * as empty by reader.c like an empty file of any format). Optional header
 * lines open the file (text_header.h): "Title:", "Date:", "Source:", "URL:",
 * "Topics:", up to a blank line. Without a Title header the first
 * non-blank line is the title; the rest is the body. The id is the file's
 * stable name (reader.h: the same however its path was typed). Lines come
 * through nx_line_reader, so .txt, .txt.gz and stdin read alike, CRLF is
 * normalised and the text is UTF-8; control codes are dropped. */
#include "reader.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/terms.h"
#include "../engine/utf8.h"
#include "line_reader.h"
#include "text_header.h"

/* A file longer than this is rejected instead of held in memory whole. */
#define TEXT_FILE_MAX ((size_t)64 * 1024 * 1024)

typedef struct text_state {
    nx_line_reader *lines;
    size_t input_len;   /* bytes of the file as read, before conversion */
    char *path;
    char *name;         /* the stable name ids are made from */
    nx_text_header header;
    char id[24];        /* "txt-" + 16 hex digits, for paths unfit as ids */
    char *text;         /* the file's text, cleaned; title and body point in */
    size_t len, cap;
    unsigned long line; /* 1 once the file's one record was read */
    int done;
} text_state;

static char *copy_string(const char *text)
{
    size_t n = strlen(text) + 1;
    char *copy = malloc(n);
    if (copy)
        memcpy(copy, text, n);
    return copy;
}

static newsdex_status text_open(const char *path, const char *name, void **state, nx_error *err)
{
    text_state *s = calloc(1, sizeof *s);
    if (!s || !(s->path = copy_string(path)) || !(s->name = copy_string(name))) {
        if (s)
            free(s->path);
        free(s);
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory opening \"%s\"", path);
    }
    newsdex_status st = nx_line_reader_open(path, &s->lines, err);
    if (st != NEWSDEX_OK) {
        free(s->name);
        free(s->path);
        free(s);
        return st;
    }
    *state = s;
    return NEWSDEX_OK;
}

/* 64-bit FNV-1a: a stable, dependency-free fingerprint of a path. */
static uint64_t fnv1a(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* The stable name itself, unless the index cannot take it as an id (too
 * long, or a file name that is not UTF-8): then its hash. */
static const char *article_id(text_state *s)
{
    size_t n = strlen(s->name);
    if (n <= NX_ID_MAX_BYTES && nx_utf8_valid(s->name, n))
        return s->name;
    snprintf(s->id, sizeof s->id, "txt-%016" PRIx64, fnv1a(s->name));
    return s->id;
}

static int append(text_state *s, const char *p, size_t n)
{
    if (s->len + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 4096;
        while (cap < s->len + n + 1)
            cap *= 2;
        char *grown = realloc(s->text, cap);
        if (!grown)
            return 0;
        s->text = grown;
        s->cap = cap;
    }
    memcpy(s->text + s->len, p, n);
    s->len += n;
    s->text[s->len] = '\0';
    return 1;
}

/* Read every line into s->text, joined by "\n". */
static nx_read_result slurp(text_state *s, nx_error *err)
{
    for (;;) {
        const char *line;
        size_t len;
        nx_line_result res = nx_line_reader_next(s->lines, &line, &len, err);
        if (res == NX_LINE_END)
            return NX_READ_ARTICLE;
        if (res == NX_LINE_TOO_LONG) {
            nx_error_set(err, NEWSDEX_ERR_INVALID,
                         "line %lu is longer than %zu bytes: the whole file is rejected",
                         nx_line_reader_line(s->lines), NX_LINE_MAX);
            return NX_READ_REJECTED;
        }
        if (res == NX_LINE_STOPPED)
            return NX_READ_STOPPED;
        if (res != NX_LINE_OK) {
            s->line = nx_line_reader_line(s->lines); /* where reading failed */
            return NX_READ_FAILED;
        }
        s->input_len += (s->input_len > 0) + nx_line_reader_input_len(s->lines);
        if (s->input_len > TEXT_FILE_MAX) {
            nx_error_set(err, NEWSDEX_ERR_INVALID,
                         "file longer than %zu bytes (at line %lu): the whole file is rejected",
                         TEXT_FILE_MAX, nx_line_reader_line(s->lines));
            return NX_READ_REJECTED;
        }
        if ((s->len && !append(s, "\n", 1)) || !append(s, line, len)) {
            nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory reading \"%s\"", s->path);
            return NX_READ_FAILED;
        }
    }
}

static int is_control(int32_t cp)
{
    return (cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0x7F && cp <= 0x9F) ||
           cp == 0xFEFF; /* a byte-order mark is no text either */
}

/* Drop control codes (and NUL bytes, which the repair drops), in place.
 * The line reader made the text UTF-8. */
static nx_read_result clean(text_state *s, nx_error *err)
{
    if (!nx_utf8_valid(s->text, s->len)) {
        size_t n;
        char *fixed = nx_utf8_repair(s->text, s->len, &n);
        if (!fixed) {
            nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory repairing UTF-8");
            return NX_READ_FAILED;
        }
        free(s->text);
        s->text = fixed;
        s->len = n;
        s->cap = n + 1;
    }
    size_t o = 0, i = 0, k;
    NX_READER_WORK(2 * s->len); /* the check above, and this pass */
    while (i < s->len) { /* valid now: decoding cannot fail */
        int32_t cp = nx_utf8_decode(s->text + i, s->len - i, &k);
        if (!is_control(cp)) {
            memmove(s->text + o, s->text + i, k);
            o += k;
        }
        i += k;
    }
    s->len = o;
    s->text[o] = '\0';
    return NX_READ_ARTICLE;
}

static int blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n';
}

/* Split text[0..len) into title and body (NULL when empty), trimmed; with
 * a title from the header, all of it is the body. */
static void split(char *p, size_t len, const char *title, newsdex_article *a)
{
    char *end = p + len;
    while (p < end && blank(*p))
        p++;
    char *body = p;
    if (!title) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *title_end = nl ? nl : end;
        body = nl ? nl + 1 : end;
        while (title_end > p && blank(title_end[-1]))
            title_end--;
        *title_end = '\0';
        title = p;
    }
    while (body < end && blank(*body))
        body++;
    while (end > body && blank(end[-1]))
        end--;
    *end = '\0';
    a->title = title;
    a->body = body < end ? body : NULL;
}

static nx_read_result text_next(void *state, newsdex_article *a, nx_error *err)
{
    text_state *s = state;
    memset(a, 0, sizeof *a);
    if (s->done)
        return NX_READ_END;
    s->done = 1;
    s->line = 1;
    nx_read_result res = slurp(s, err);
    if (res == NX_READ_ARTICLE && s->len)
        res = clean(s, err);
    if (res != NX_READ_ARTICLE)
        return res;
    if (!s->text || !s->text[strspn(s->text, " \t\n")])
        return NX_READ_END; /* no article, as an empty file of any format */
    char *rest;
    size_t rest_len;
    if (nx_text_header_parse(&s->header, s->text, s->len, &rest, &rest_len) != 0) {
        nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory reading \"%s\"", s->path);
        return NX_READ_FAILED;
    }
    split(rest, rest_len, s->header.title, a);
    a->date = s->header.date;
    a->source = s->header.source;
    a->url = s->header.url;
    if (s->header.topics.count) {
        a->lists = &s->header.topics;
        a->n_lists = 1;
    }
    a->id = article_id(s);
    return NX_READ_ARTICLE;
}

static unsigned long text_line(const void *state)
{
    return ((const text_state *)state)->line;
}

static unsigned long long text_bytes(const void *state)
{
    return nx_line_reader_bytes(((const text_state *)state)->lines);
}

static void text_set_stop(void *state, const volatile sig_atomic_t *stop)
{
    nx_line_reader_set_stop(((text_state *)state)->lines, stop);
}

static nx_line_reader *text_lines(void *state)
{
    return ((text_state *)state)->lines;
}

static const char *text_warning(const void *state, unsigned long *line)
{
    const nx_text_header *h = &((const text_state *)state)->header;
    if (line)
        *line = h->warning_line;
    return h->warning[0] ? h->warning : NULL;
}

static void text_close(void *state)
{
    text_state *s = state;
    if (!s)
        return;
    nx_line_reader_close(s->lines);
    nx_text_header_free(&s->header);
    free(s->name);
    free(s->path);
    free(s->text);
    free(s);
}

const nx_reader_format nx_text_format = {
    .name = "text",
    .open = text_open,
    .next = text_next,
    .line = text_line,
    .bytes = text_bytes,
    .close = text_close,
    .set_stop = text_set_stop,
    .lines = text_lines,
    .warning = text_warning,
};
