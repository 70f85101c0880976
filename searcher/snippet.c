#include "snippet.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Only the start of very long articles is scanned: snippets must stay cheap. */
#define SCAN_LIMIT (256 * 1024)

typedef struct span {
    size_t start, end;
    int stem;           /* index into the query stems, or -1 */
} span;

typedef struct scan {
    span *v;
    size_t n, cap;
    char *const *stems;
    size_t n_stems;
    int nomem;
} scan;

static int record(const nx_token *tok, void *ctx)
{
    scan *s = ctx;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        span *v = realloc(s->v, cap * sizeof *v);
        if (!v) {
            s->nomem = 1;
            return 1;
        }
        s->v = v;
        s->cap = cap;
    }
    int match = -1;
    for (size_t i = 0; i < s->n_stems; i++)
        if (strcmp(tok->stem, s->stems[i]) == 0) {
            match = (int)i;
            break;
        }
    s->v[s->n++] = (span){tok->start, tok->end, match};
    return 0;
}

/* Index of the token that starts the best window: most distinct query words,
 * then most matches. Returns 0 when nothing matched (start of the text). */
static size_t best_window(const scan *s, size_t max_bytes)
{
    size_t best = 0, best_score = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (s->v[i].stem < 0)
            continue;
        uint64_t seen = 0;
        size_t hits = 0;
        for (size_t j = i; j < s->n && s->v[j].end - s->v[i].start <= max_bytes; j++)
            if (s->v[j].stem >= 0) {
                seen |= UINT64_C(1) << (s->v[j].stem % 64);
                hits++;
            }
        size_t score = (size_t)__builtin_popcountll(seen) * 1000 + hits;
        if (score > best_score) {
            best_score = score;
            best = i;
        }
    }
    /* Step back to give the first match some leading context. */
    size_t first = best;
    while (first > 0 && s->v[best].start - s->v[first - 1].start <= max_bytes / 4)
        first--;
    return first;
}

typedef struct out_buf {
    char *s;
    size_t len;
    size_t *marks;
    size_t n_marks;
} out_buf;

static int is_ws(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\v';
}

/* Copies text[from, to) collapsing whitespace, and records the marks. */
static void copy_window(const char *text, const scan *s, size_t first, size_t from, size_t to,
                        out_buf *o)
{
    size_t k = first;
    int in_space = 0;
    for (size_t i = from; i < to; i++) {
        while (k < s->n && s->v[k].end <= i)
            k++;
        if (k < s->n && s->v[k].stem >= 0 && s->v[k].start == i)
            o->marks[2 * o->n_marks] = o->len;
        if (is_ws(text[i])) {
            if (!in_space)
                o->s[o->len++] = ' ';
            in_space = 1;
        } else {
            o->s[o->len++] = text[i];
            in_space = 0;
        }
        if (k < s->n && s->v[k].stem >= 0 && s->v[k].end == i + 1)
            o->marks[2 * o->n_marks++ + 1] = o->len;
    }
}

/* Start at the beginning of a written word ("Amazon.com", not "com"). */
static size_t snap_to_space(const char *text, size_t at)
{
    size_t i = at;
    while (i > 0 && at - i < 24 && !is_ws(text[i - 1]))
        i--;
    return i > 0 && !is_ws(text[i - 1]) ? at : i;
}

/* Never show more than limit bytes; cut at a UTF-8 character boundary. */
static size_t clamp_end(const char *text, size_t from, size_t to, size_t limit)
{
    if (to - from <= limit)
        return to;
    to = from + limit;
    while (to > from && ((unsigned char)text[to] & 0xC0) == 0x80)
        to--;
    return to;
}

newsdex_status nx_snippet_make(nx_analyzer *analyzer, const char *text, char *const *stems,
                               size_t n_stems, size_t max_bytes, nx_snippet *out, nx_error *err)
{
    memset(out, 0, sizeof *out);
    size_t len = strlen(text);
    size_t scan_len = len < SCAN_LIMIT ? len : SCAN_LIMIT;
    scan s = {.stems = stems, .n_stems = n_stems};
    newsdex_status st = nx_analyze(analyzer, text, scan_len, record, &s, err);
    if (st == NEWSDEX_OK && s.nomem)
        st = nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory making a snippet");
    if (st != NEWSDEX_OK) {
        free(s.v);
        return st;
    }
    size_t first = best_window(&s, max_bytes);
    size_t from = first < s.n && first > 0 ? snap_to_space(text, s.v[first].start) : 0;
    size_t last = first;
    while (last < s.n && s.v[last].end - from <= max_bytes)
        last++;
    size_t to = len; /* everything scanned fits */
    if (last < s.n)
        to = s.v[last - (last > first)].end;
    else if (scan_len < len && s.n > 0)
        to = s.v[s.n - 1].end;
    if (last == first && last < s.n) /* one giant token: show it anyway */
        to = s.v[first].end;
    to = clamp_end(text, from, to, max_bytes * 2);

    out_buf o = {0};
    o.s = malloc(to - from + 8);
    o.marks = malloc((s.n + 1) * 2 * sizeof *o.marks);
    if (!o.s || !o.marks) {
        free(o.s);
        free(o.marks);
        free(s.v);
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory making a snippet");
    }
    static const char ellipsis[] = "\xE2\x80\xA6"; /* … */
    if (from > 0) {
        memcpy(o.s, ellipsis, 3);
        o.len = 3;
    }
    copy_window(text, &s, first, from, to, &o);
    while (o.len > 0 && o.s[o.len - 1] == ' ')
        o.len--;
    if (to < len) {
        memcpy(o.s + o.len, ellipsis, 3);
        o.len += 3;
    }
    o.s[o.len] = '\0';
    free(s.v);
    out->text = o.s;
    out->marks = o.marks;
    out->n_marks = o.n_marks;
    return NEWSDEX_OK;
}

void nx_snippet_free(nx_snippet *s)
{
    if (s) {
        free(s->text);
        free(s->marks);
        memset(s, 0, sizeof *s);
    }
}
