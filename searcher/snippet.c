/* Snippets: the best passage of about max_bytes, cut at word boundaries
 * (whitespace), with "…" where the text goes on, and the byte ranges of the
 * words that match the query.
 *
 * Whether a word matches is decided by the shared analyzer (every inflection
 * of a query word counts), but analyzing a whole article (folding and
 * stemming every word) cost more than finding it. So a byte scan first picks
 * the words that may match: a word can only stem to a query stem if it
 * starts with the stem's letters but the last (Snowball changes endings:
 * happi <- happy, cri <- cry; dying, lying and tying, whose second letter
 * differs, are special-cased). Words holding non-ASCII bytes are always
 * candidates (accents fold away), and only candidates go through the
 * analyzer. Stems that are not plain a-z letters (numbers, other scripts)
 * turn the scan off and the whole text is analyzed. */
#include "snippet.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Only the start of very long articles is scanned: snippets must stay cheap. */
#define SCAN_LIMIT (256 * 1024)
#define PROBE_MAX 4
#define MAX_PROBES 64

typedef struct match {
    size_t start, end;
    int stem;    /* index into the query stems */
    size_t word; /* number of the run of word bytes holding it (when known) */
} match;

typedef struct matches {
    match *v;
    size_t n, cap;
    char *const *stems;
    size_t n_stems;
    size_t base; /* offset of the text being analyzed */
    size_t run;  /* number of the run being analyzed */
    int runs_known; /* every match's word is set (the scan counted runs) */
    int nomem;
} matches;

static int record(const nx_token *tok, void *ctx)
{
    matches *m = ctx;
    int stem = -1;
    for (size_t i = 0; i < m->n_stems; i++)
        if (strcmp(tok->stem, m->stems[i]) == 0) {
            stem = (int)i;
            break;
        }
    if (stem < 0)
        return 0;
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 32;
        match *v = realloc(m->v, cap * sizeof *v);
        if (!v) {
            m->nomem = 1;
            return 1;
        }
        m->v = v;
        m->cap = cap;
    }
    m->v[m->n++] = (match){m->base + tok->start, m->base + tok->end, stem, m->run};
    return 0;
}

/* ---- Which words may match ---- */

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
        size_t plen = n - (n > 1);
        plen = plen < PROBE_MAX ? plen : PROBE_MAX;
        if (!strcmp(st, "die") || !strcmp(st, "lie") || !strcmp(st, "tie"))
            plen = 1;
        memcpy(pr->p[i], st, plen);
        pr->len[i] = plen;
    }
    pr->n = n_stems;
    return 0;
}

/* Byte kinds for the scan: 0 separator, 1 ASCII letter or digit, 2 dot or
 * apostrophe (inside words: U.S., O'Neil), 3 non-ASCII. */
enum { K_SEP, K_ALNUM, K_JOIN, K_HIGH };
static const unsigned char byte_kind[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 2, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
};

/* Does a probe match the letters at text[at, end), dots and apostrophes
 * skipped (U.S. is "us"), ASCII case ignored? */
static int probe_at(const char *text, size_t at, size_t end, const probes *pr)
{
    for (size_t i = 0; i < pr->n; i++) {
        size_t k = 0;
        for (size_t j = at; k < pr->len[i] && j < end; j++) {
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

/* The first letters of the probes, as a bit mask over a-z. */
static uint32_t first_letters(const probes *pr)
{
    uint32_t mask = 0;
    for (size_t i = 0; i < pr->n; i++)
        mask |= UINT32_C(1) << (pr->p[i][0] - 'a');
    return mask;
}

/* Scans the run of word bytes (letters, digits, dots, apostrophes and
 * non-ASCII) at text[*at]; moves *at past it and says whether it may hold a
 * match: a token starts at the run's start or after a dot or apostrophe
 * (Amazon.com), and non-ASCII always may. */
/* The first byte at or after `at` that is not an ASCII letter or digit
 * (len if none): sixteen bytes at a time where SSE2 is there (every x86-64),
 * since most of a text is the rest of words that cannot match. */
static size_t skip_alnum(const unsigned char *t, size_t at, size_t len)
{
#ifdef __SSE2__
    const __m128i before0 = _mm_set1_epi8('0' - 1), after9 = _mm_set1_epi8('9' + 1);
    const __m128i before_a = _mm_set1_epi8('a' - 1), after_z = _mm_set1_epi8('z' + 1);
    const __m128i lower = _mm_set1_epi8(0x20);
    while (len - at >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(t + at));
        __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, before0), _mm_cmplt_epi8(v, after9));
        __m128i folded = _mm_or_si128(v, lower); /* bytes >= 0x80 stay negative: no match */
        __m128i letter =
            _mm_and_si128(_mm_cmpgt_epi8(folded, before_a), _mm_cmplt_epi8(folded, after_z));
        unsigned alnum = (unsigned)_mm_movemask_epi8(_mm_or_si128(digit, letter));
        if (alnum != 0xFFFFu)
            return at + (size_t)__builtin_ctz(~alnum);
        at += 16;
    }
#endif
    while (at < len && byte_kind[t[at]] == K_ALNUM)
        at++;
    return at;
}

static int scan_run(const char *text, size_t len, size_t *at, const probes *pr,
                    uint32_t firsts)
{
    const unsigned char *t = (const unsigned char *)text;
    size_t end = *at;
    int may = 0;
    while (end < len) { /* at a token start */
        unsigned k = byte_kind[t[end]];
        if (k == K_SEP)
            break;
        if (k == K_HIGH) {
            may = 1;
            break;
        }
        if (k == K_JOIN) {
            end++;
            continue;
        }
        unsigned letter = (unsigned)((t[end] | 0x20) - 'a');
        if (letter < 26 && ((firsts >> letter) & 1) && probe_at(text, end, len, pr)) {
            may = 1;
            break;
        }
        /* The rest of this token cannot start one: skip it whole. */
        end = skip_alnum(t, end + 1, len);
    }
    if (may) /* the end of the run is all that is left to find */
        while (end < len && byte_kind[t[end]] != K_SEP)
            end++;
    *at = end;
    return may;
}

static newsdex_status analyze_at(nx_analyzer *analyzer, const char *text, size_t from,
                                 size_t to, matches *m, nx_error *err)
{
    m->base = from;
    return nx_analyze(analyzer, text + from, to - from, record, m, err);
}

/* Finds the matches in text[0, len): the candidate words only when the
 * stems allow it, else everything. */
static newsdex_status find_matches(nx_analyzer *analyzer, const char *text, size_t len,
                                   matches *m, nx_error *err)
{
    probes pr;
    if (make_probes(m->stems, m->n_stems, &pr) != 0)
        return analyze_at(analyzer, text, 0, len, m, err);
    uint32_t firsts = first_letters(&pr);
    newsdex_status st = NEWSDEX_OK;
    m->runs_known = 1; /* runs are counted here, for proximity */
    m->run = 0;
    for (size_t i = 0; i < len && st == NEWSDEX_OK && !m->nomem;) {
        if (byte_kind[(unsigned char)text[i]] == K_SEP) {
            i++;
            continue;
        }
        size_t start = i;
        if (scan_run(text, len, &i, &pr, firsts))
            st = analyze_at(analyzer, text, start, i, m, err);
        m->run++;
    }
    return st;
}

/* ---- Proximity: are all the words close together? ---- */

/* Word number of each match (words counted as runs of non-separator
 * bytes, as the scan sees them), into pos[0, m->n). */
static void word_numbers(const char *text, const matches *m, size_t *pos)
{
    size_t word = 0, at = 0;
    int in_word = 0;
    for (size_t i = 0; i < m->n; i++) {
        for (; at < m->v[i].start; at++) {
            int sep = byte_kind[(unsigned char)text[at]] == K_SEP;
            word += !sep && !in_word;
            in_word = !sep;
        }
        pos[i] = word;
    }
}

/* The fewest consecutive words holding a match of every word (0: not all
 * occur); word_of[stem] says which word a match's stem stands for (-1:
 * none). */
static size_t shortest_span(const matches *m, const size_t *pos, const int *word_of,
                            size_t n_words)
{
    size_t count[NX_NEAR_MAX_WORDS] = {0}, distinct = 0, best = 0;
    for (size_t lo = 0, hi = 0; hi < m->n; hi++) {
        int w = word_of[m->v[hi].stem];
        if (w >= 0 && count[w]++ == 0)
            distinct++;
        while (distinct == n_words && lo <= hi) {
            size_t span = pos[hi] - pos[lo] + 1;
            if (best == 0 || span < best)
                best = span;
            int v = word_of[m->v[lo++].stem];
            if (v >= 0 && --count[v] == 0)
                distinct--;
        }
    }
    return best;
}

/* Whether the matches m of text hold every word within window words. */
static newsdex_status near_in(const char *text, const matches *m, const int *word_of,
                              size_t n_words, size_t window, int *near, nx_error *err)
{
    *near = 0;
    if (m->n < n_words)
        return NEWSDEX_OK;
    size_t *pos = malloc(m->n * sizeof *pos);
    if (!pos)
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory weighing proximity");
    if (m->runs_known)
        for (size_t i = 0; i < m->n; i++)
            pos[i] = m->v[i].word;
    else
        word_numbers(text, m, pos);
    size_t span = shortest_span(m, pos, word_of, n_words);
    *near = span > 0 && span <= window;
    free(pos);
    return NEWSDEX_OK;
}

newsdex_status nx_text_near(nx_analyzer *analyzer, const char *text, char *const *stems,
                            size_t n_stems, size_t window, int *near, nx_error *err)
{
    *near = 0;
    if (n_stems < 2 || n_stems > NX_NEAR_MAX_WORDS)
        return NEWSDEX_OK;
    size_t len = strlen(text);
    matches m = {.stems = stems, .n_stems = n_stems};
    newsdex_status st = find_matches(analyzer, text, len < SCAN_LIMIT ? len : SCAN_LIMIT, &m, err);
    if (st == NEWSDEX_OK && m.nomem)
        st = nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory weighing proximity");
    int word_of[NX_NEAR_MAX_WORDS];
    for (size_t i = 0; i < n_stems; i++)
        word_of[i] = (int)i;
    if (st == NEWSDEX_OK)
        st = near_in(text, &m, word_of, n_stems, window, near, err);
    free(m.v);
    return st;
}

/* ---- The best window ---- */

/* Index of the match that starts the best window: most distinct query
 * words, then most matches. */
static size_t best_window(const matches *m, size_t max_bytes)
{
    size_t best = 0, best_score = 0;
    for (size_t i = 0; i < m->n; i++) {
        uint64_t seen = 0;
        size_t hits = 0;
        for (size_t j = i; j < m->n && m->v[j].end - m->v[i].start <= max_bytes; j++) {
            seen |= UINT64_C(1) << (m->v[j].stem % 64);
            hits++;
        }
        size_t score = (size_t)__builtin_popcountll(seen) * 1000 + hits;
        if (score > best_score) {
            best_score = score;
            best = i;
        }
    }
    return best;
}

static int is_ws(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\v';
}

/* The start of the written word holding byte at ("Amazon.com", not
 * "com"), looking back at most 24 bytes; at itself if there is none. */
static size_t word_start(const char *text, size_t at)
{
    size_t i = at;
    while (i > 0 && at - i < 24 && !is_ws(text[i - 1]))
        i--;
    return i > 0 && !is_ws(text[i - 1]) ? at : i;
}

/* Where the window starts: about max_bytes / 4 before the match at `at`,
 * at the start of a written word. */
static size_t window_start(const char *text, size_t at, size_t max_bytes)
{
    size_t from = at > max_bytes / 4 ? at - max_bytes / 4 : 0;
    size_t start = word_start(text, from);
    if (start != from || from == 0 || is_ws(text[from - 1]))
        return start;
    for (size_t i = from; i < at; i++) /* a long word: the next one */
        if (is_ws(text[i]))
            return i + 1;
    return word_start(text, at);
}

/* Never cut inside a UTF-8 character. */
static size_t char_boundary(const char *text, size_t from, size_t to)
{
    while (to > from && ((unsigned char)text[to] & 0xC0) == 0x80)
        to--;
    return to;
}

/* Where the window ends: the last whitespace within max_bytes (at least
 * past `must`); a single giant word is cut at 2 * max_bytes. */
static size_t window_end(const char *text, size_t len, size_t from, size_t must,
                         size_t max_bytes)
{
    if (len - from <= max_bytes)
        return len;
    size_t limit = from + max_bytes;
    if (must > limit)
        limit = must;
    for (size_t i = limit; i > from && i >= must; i--)
        if (is_ws(text[i]))
            return i;
    size_t i = limit;
    while (i < len && !is_ws(text[i]) && i - from < 2 * max_bytes)
        i++;
    return i < len && !is_ws(text[i]) ? char_boundary(text, from, i) : i;
}

/* ---- Output ---- */

typedef struct out_buf {
    char *s;
    size_t len;
    size_t *marks;
    size_t n_marks;
} out_buf;

/* Copies text[from, to) collapsing whitespace, and maps the matches that
 * lie wholly inside it (matches are in order and do not overlap). */
static void copy_window(const char *text, const matches *m, size_t from, size_t to,
                        out_buf *o)
{
    size_t k = 0;
    int in_space = 0, open = 0;
    for (size_t i = from; i < to; i++) {
        while (!open && k < m->n && (m->v[k].start < i || (m->v[k].start == i && m->v[k].end > to)))
            k++;
        if (!open && k < m->n && m->v[k].start == i) {
            o->marks[2 * o->n_marks] = o->len;
            open = 1;
        }
        if (is_ws(text[i])) {
            if (!in_space)
                o->s[o->len++] = ' ';
            in_space = 1;
        } else {
            o->s[o->len++] = text[i];
            in_space = 0;
        }
        if (open && m->v[k].end == i + 1) {
            o->marks[2 * o->n_marks++ + 1] = o->len;
            open = 0;
            k++;
        }
    }
}

static const char ellipsis[] = "\xE2\x80\xA6"; /* … */

static newsdex_status build(const char *text, size_t len, size_t scanned, const matches *m,
                            size_t from, size_t to, nx_snippet *out, nx_error *err)
{
    out_buf o = {0};
    o.s = malloc(to - from + 8);
    o.marks = malloc((m->n + 1) * 2 * sizeof *o.marks);
    if (!o.s || !o.marks) {
        free(o.s);
        free(o.marks);
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory making a snippet");
    }
    if (from > 0) {
        memcpy(o.s, ellipsis, 3);
        o.len = 3;
    }
    copy_window(text, m, from, to, &o);
    while (o.len > 0 && o.s[o.len - 1] == ' ')
        o.len--;
    if (to < scanned || scanned < len) {
        memcpy(o.s + o.len, ellipsis, 3);
        o.len += 3;
    }
    o.s[o.len] = '\0';
    out->text = o.s;
    out->marks = o.marks;
    out->n_marks = o.n_marks;
    return NEWSDEX_OK;
}

/* The snippet from text's matches m. */
static newsdex_status snippet_of(const char *text, size_t len, size_t scanned, matches *m,
                                 size_t max_bytes, nx_snippet *out, nx_error *err)
{
    size_t best = best_window(m, max_bytes);
    size_t from = m->n ? window_start(text, m->v[best].start, max_bytes) : 0;
    while (from < scanned && is_ws(text[from]))
        from++;
    size_t to = window_end(text, scanned, from, m->n ? m->v[best].end : from, max_bytes);
    return build(text, len, scanned, m, from, to, out, err);
}

newsdex_status nx_snippet_make(nx_analyzer *analyzer, const char *text, char *const *stems,
                               size_t n_stems, size_t max_bytes, nx_snippet *out, nx_error *err)
{
    return nx_snippet_make_near(analyzer, text, stems, n_stems, max_bytes, NULL, out, err);
}

newsdex_status nx_snippet_make_near(nx_analyzer *analyzer, const char *text, char *const *stems,
                                    size_t n_stems, size_t max_bytes, nx_near_ask *near,
                                    nx_snippet *out, nx_error *err)
{
    memset(out, 0, sizeof *out);
    size_t len = strlen(text);
    size_t scanned = len < SCAN_LIMIT ? len : SCAN_LIMIT;
    matches m = {.stems = stems, .n_stems = n_stems};
    newsdex_status st = find_matches(analyzer, text, scanned, &m, err);
    if (st == NEWSDEX_OK && m.nomem)
        st = nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory making a snippet");
    if (st == NEWSDEX_OK)
        st = snippet_of(text, len, scanned, &m, max_bytes, out, err);
    if (st == NEWSDEX_OK && near) {
        /* The words are among the highlighted stems as a rule; if one is
         * not, the text is scanned again for them alone. */
        int *word_of = calloc(n_stems ? n_stems : 1, sizeof *word_of);
        size_t found = 0;
        for (size_t i = 0; word_of && i < n_stems; i++) {
            word_of[i] = -1;
            for (size_t w = 0; w < near->n_words; w++)
                if (strcmp(stems[i], near->words[w]) == 0) {
                    word_of[i] = (int)w;
                    found++;
                    break;
                }
        }
        if (!word_of)
            st = nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory weighing proximity");
        else if (found == near->n_words && near->n_words >= 2 &&
                 near->n_words <= NX_NEAR_MAX_WORDS)
            st = near_in(text, &m, word_of, near->n_words, near->window, &near->near, err);
        else
            st = nx_text_near(analyzer, text, near->words, near->n_words, near->window,
                              &near->near, err);
        free(word_of);
    }
    free(m.v);
    if (st != NEWSDEX_OK)
        nx_snippet_free(out);
    return st;
}

void nx_snippet_free(nx_snippet *s)
{
    if (s) {
        free(s->text);
        free(s->marks);
        memset(s, 0, sizeof *s);
    }
}
