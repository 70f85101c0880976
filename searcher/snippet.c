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

/* ---- A cheap first look ----
 * Analyzing a whole article (folding, stemming every word) cost more than
 * finding it. A word can only stem to a query stem if it starts with the
 * stem's first letters (Snowball changes endings; the few exceptions such
 * as dying -> die start with the same letter), so a byte scan finds the
 * places where a match may start, and only the text around them is
 * analyzed. Words with non-ASCII bytes are always looked at (accents fold
 * away), and stems that are not plain a-z letters turn the scan off. */

#define PROBE_MAX 4
#define MAX_PROBES 64

typedef struct probes {
    char p[MAX_PROBES][PROBE_MAX];
    size_t len[MAX_PROBES];
    size_t n;
} probes;

static int make_probes(char *const *stems, size_t n_stems, probes *pr)
{
    pr->n = 0;
    if (n_stems == 0 || n_stems > MAX_PROBES)
        return -1;
    for (size_t i = 0; i < n_stems; i++) {
        const char *st = stems[i];
        size_t n = strlen(st);
        for (size_t k = 0; k < n; k++)
            if (st[k] < 'a' || st[k] > 'z')
                return -1;
        if (n == 0)
            return -1;
        /* All but the stem's last letter (happi: happy, cri: cry), at most
         * PROBE_MAX; dying, lying and tying are the only words whose second
         * letter differs from their stem's. */
        size_t plen = n - (n > 1);
        plen = plen < PROBE_MAX ? plen : PROBE_MAX;
        if (!strcmp(st, "die") || !strcmp(st, "lie") || !strcmp(st, "tie"))
            plen = 1;
        memcpy(pr->p[pr->n], st, plen);
        pr->len[pr->n++] = plen;
    }
    return 0;
}

static int ascii_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int in_run(unsigned char c)
{
    return ascii_alnum(c) || c >= 0x80 || c == '.' || c == '\'';
}

/* Does a probe match the letters at text[at..end), dots and apostrophes
 * skipped (U.S. is "us", O'Neil "oneil"), ASCII case ignored? */
static int probe_at(const char *text, size_t at, size_t end, const probes *pr)
{
    for (size_t i = 0; i < pr->n; i++) {
        size_t k = 0, j = at;
        for (; k < pr->len[i] && j < end; j++) {
            unsigned char c = (unsigned char)text[j];
            if (c == '.' || c == '\'')
                continue;
            if ((c | 0x20) != (unsigned char)pr->p[i][k])
                break;
            k++;
        }
        if (k == pr->len[i])
            return 1;
    }
    return 0;
}

/* Is there a possible match in the run text[start, end) of word bytes? */
static int run_may_match(const char *text, size_t start, size_t end, const probes *pr)
{
    for (size_t j = start; j < end; j++)
        if ((unsigned char)text[j] >= 0x80)
            return 1;
    for (size_t j = start; j < end; j++) {
        unsigned char c = (unsigned char)text[j];
        int starts = j == start || text[j - 1] == '.' || text[j - 1] == '\'';
        if (starts && ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') && probe_at(text, j, end, pr))
            return 1;
    }
    return 0;
}

typedef struct regions {
    size_t (*v)[2];
    size_t n, cap;
} regions;

static int add_region(regions *r, size_t from, size_t to)
{
    if (r->n && from <= r->v[r->n - 1][1]) {
        if (to > r->v[r->n - 1][1])
            r->v[r->n - 1][1] = to;
        return 0;
    }
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 16;
        size_t(*v)[2] = realloc(r->v, cap * sizeof *v);
        if (!v)
            return -1;
        r->v = v;
        r->cap = cap;
    }
    r->v[r->n][0] = from;
    r->v[r->n++][1] = to;
    return 0;
}

/* Moves at back (or forward) to whitespace, at most 64 bytes; -1 if none. */
static int snap(const char *text, size_t len, size_t *at, int forward)
{
    for (size_t k = 0; k <= 64; k++) {
        size_t p = forward ? *at + k : *at - k;
        if (forward ? p >= len : k > *at) {
            *at = forward ? len : 0;
            return 0;
        }
        char c = text[p];
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            *at = p;
            return 0;
        }
    }
    return -1;
}

/* The start of the text, enough for a snippet without matches. */
static int add_start(const char *text, size_t len, size_t max_bytes, regions *r)
{
    size_t to = 3 * max_bytes < len ? 3 * max_bytes : len;
    return snap(text, len, &to, 1) || add_region(r, 0, to) ? -1 : 0;
}

/* The stretches to analyze: around each possible match, enough for a
 * window and its lead-in; the start of the text when there is none. */
static int find_regions(const char *text, size_t len, const probes *pr, size_t max_bytes,
                        regions *r)
{
    for (size_t i = 0; i < len;) {
        if (!in_run((unsigned char)text[i])) {
            i++;
            continue;
        }
        size_t end = i;
        while (end < len && in_run((unsigned char)text[end]))
            end++;
        if (run_may_match(text, i, end, pr)) {
            size_t from = i > max_bytes ? i - max_bytes : 0, to = end + 2 * max_bytes;
            to = to < len ? to : len;
            if (snap(text, len, &from, 0) || snap(text, len, &to, 1) || add_region(r, from, to))
                return -1;
        }
        i = end;
    }
    return r->n == 0 ? add_start(text, len, max_bytes, r) : 0;
}

/* Analyzes text[from, to) into s, with offsets into the whole text. */
typedef struct shifted {
    scan *s;
    size_t base;
} shifted;

static int record_shifted(const nx_token *tok, void *ctx)
{
    shifted *sh = ctx;
    nx_token t = *tok;
    t.start += sh->base;
    t.end += sh->base;
    return record(&t, sh->s);
}

static newsdex_status analyze_regions(nx_analyzer *analyzer, const char *text,
                                      const regions *r, scan *s, size_t *covered, nx_error *err)
{
    newsdex_status st = NEWSDEX_OK;
    for (size_t i = 0; i < r->n && st == NEWSDEX_OK && !s->nomem; i++) {
        shifted sh = {s, r->v[i][0]};
        st = nx_analyze(analyzer, text + r->v[i][0], r->v[i][1] - r->v[i][0], record_shifted,
                        &sh, err);
    }
    *covered = r->n ? r->v[r->n - 1][1] : 0;
    return st;
}

static int any_match(const scan *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].stem >= 0)
            return 1;
    return 0;
}

/* Fills s from the regions worth analyzing (or the whole text); *covered
 * is the end of the last stretch analyzed. */
static newsdex_status analyze_text(nx_analyzer *analyzer, const char *text, size_t len,
                                   size_t max_bytes, scan *s, size_t *covered, nx_error *err)
{
    probes pr;
    regions r = {0};
    if (make_probes(s->stems, s->n_stems, &pr) != 0 ||
        find_regions(text, len, &pr, max_bytes, &r) != 0) {
        free(r.v);
        *covered = len;
        return nx_analyze(analyzer, text, len, record, s, err);
    }
    newsdex_status st = analyze_regions(analyzer, text, &r, s, covered, err);
    if (st == NEWSDEX_OK && !s->nomem && !any_match(s) && r.v[0][0] > 0) {
        /* Only false alarms: the snippet is the start of the text. */
        s->n = r.n = 0;
        st = add_start(text, len, max_bytes, &r) ? NEWSDEX_ERR_NOMEM
                                                  : analyze_regions(analyzer, text, &r, s,
                                                                    covered, err);
        if (st == NEWSDEX_ERR_NOMEM)
            s->nomem = 1, st = NEWSDEX_OK;
    }
    free(r.v);
    return st;
}

newsdex_status nx_snippet_make(nx_analyzer *analyzer, const char *text, char *const *stems,
                               size_t n_stems, size_t max_bytes, nx_snippet *out, nx_error *err)
{
    memset(out, 0, sizeof *out);
    size_t len = strlen(text);
    size_t scan_len = len < SCAN_LIMIT ? len : SCAN_LIMIT;
    scan s = {.stems = stems, .n_stems = n_stems};
    newsdex_status st = analyze_text(analyzer, text, scan_len, max_bytes, &s, &scan_len, err);
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
