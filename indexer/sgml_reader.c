/* Reuters-21578 SGML: every <REUTERS ...> ... </REUTERS> record is one
 * article. Records are collected line by line through nx_line_reader (so
 * .sgm, .sgm.gz and stdin read alike) and handed out one at a time.
 *
 * The archive is 1987 newswire as published: character references for
 * control codes (&#2; &#3; &#127;), stray bytes that are not UTF-8, dates
 * with routing codes glued on. Text is cleaned here, never rejected for it:
 * control codes are dropped, invalid UTF-8 becomes U+FFFD, an unreadable
 * date leaves the article undated. Only a record without NEWID or without
 * its closing tag is rejected; one that is well formed but holds no text
 * at all (NEWID 12793 is one) is kept, titled EMPTY_TITLE, so the index
 * counts every record of the archive.
 *
 * Article: id "reuters-<NEWID>", source "Reuters", date from <DATE> as
 * ISO 8601 UTC, title from <TITLE>, body from <BODY> led by <DATELINE>
 * ("SALVADOR, Feb 26 - Showers continued..."), lists "topics", "places",
 * "people", "orgs", "exchanges", "companies" from their <D> values and
 * "authors" from <AUTHOR>. Without <BODY> the loose text of <TEXT> is the
 * body (TYPE="UNPROC"; its first line is the title if there is no <TITLE>),
 * except for TYPE="BRIEF", a headline whose loose text is only filler.
 *
 * Nothing is skipped unsaid: a record that is unterminated, cut off by the
 * next one, longer than SGML_RECORD_MAX or holding a line longer than
 * NX_LINE_MAX is rejected, and so is a line longer than NX_LINE_MAX between
 * records (it may hold records). Only text between records is ignored.
 *
 * Linear time, whatever the input: every search for a tag goes forward
 * from where the last search for that tag ended (tag_memo), a tag ends at
 * the next '<' at the latest, and the text between records is scanned in
 * place, never copied or searched again. */
#include "reader.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/date.h"
#include "../engine/utf8.h"
#include "line_reader.h"

/* A record longer than this is rejected rather than buffered without end;
 * real records are a few KiB. */
#define SGML_RECORD_MAX ((size_t)32 * 1024 * 1024)
#define NEWID_MAX 64
#define NONE SIZE_MAX /* "no string" in offset fields */
#define EMPTY_TITLE "(no text)"

/* The <D> lists of the header, in article order, then <AUTHOR>. */
static const char *const list_tags[] = {"TOPICS", "PLACES", "PEOPLE", "ORGS", "EXCHANGES",
                                        "COMPANIES"};
static const char *const list_names[] = {"topics", "places", "people", "orgs", "exchanges",
                                         "companies"};
#define N_HEAD_LISTS (sizeof list_tags / sizeof list_tags[0])
#define N_LISTS (N_HEAD_LISTS + 1)

/* A growable byte buffer. Out of memory is sticky and checked once per
 * record, which keeps every append a one-liner. */
typedef struct text_buf {
    char *data;
    size_t len, cap;
    int oom;
} text_buf;

typedef struct span {
    const char *p;
    size_t n;
} span;

/* One element found in a range: where its tag starts, its attributes, its
 * content, and the first byte after its closing tag. */
typedef struct element {
    size_t start, end;
    span attrs, content;
} element;

/* A search for one tag in one range, remembered: the first match at or
 * after `from` is `at` (the range's end: none), so every later search from
 * [from, at] has the same answer. Searches that move forward through a
 * range thus look at each byte once. `end` is tag_end(at), once asked. */
typedef struct tag_memo {
    size_t from, at, end;
    int valid, has_end;
} tag_memo;

/* The element searches of one name in one range (see find_element_in). */
typedef struct element_finder {
    const char *name;
    tag_memo open, close;
} element_finder;

typedef struct sgml_state {
    nx_line_reader *lines;
    text_buf rec;        /* raw record: from "<REUTERS" to "</REUTERS" */
    span cur;            /* the line being scanned, from the line reader */
    size_t cur_pos;      /* where scanning cur goes on */
    unsigned long cur_line;
    int have_line;       /* cur holds a line not scanned to its end */
    tag_memo open_memo, close_memo; /* "<REUTERS", "</REUTERS" in cur */
    int at_end;          /* input ended; only NX_READ_END from now on */
    unsigned long line;  /* line where the last record returned starts */
    text_buf out;        /* every string of the current article */
    text_buf scratch;    /* text between elements, the date */
    size_t *value_offs;  /* list values, as offsets into out */
    size_t n_values, values_cap;
    const char **values; /* the same as pointers, once out stops moving */
    size_t values_ptr_cap;
    size_t list_first[N_LISTS], list_count[N_LISTS];
    newsdex_list_field lists[N_LISTS];
    char date[32];
} sgml_state;

/* ---- buffers ------------------------------------------------------- */

static int tb_reserve(text_buf *b, size_t extra)
{
    if (!b->oom && extra <= SIZE_MAX / 4 - b->len) {
        if (b->len + extra <= b->cap)
            return 1;
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->len + extra)
            cap *= 2;
        char *grown = realloc(b->data, cap);
        if (grown) {
            b->data = grown;
            b->cap = cap;
            return 1;
        }
    }
    b->oom = 1;
    return 0;
}

static void tb_put(text_buf *b, const char *s, size_t n)
{
    if (n && tb_reserve(b, n)) {
        memcpy(b->data + b->len, s, n);
        b->len += n;
    }
}

static void tb_putc(text_buf *b, char c)
{
    if (tb_reserve(b, 1))
        b->data[b->len++] = c;
}

static void tb_free(text_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

/* ---- tags ---------------------------------------------------------- */

static char upper(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* s[0..n) starts with @p name, ASCII case-insensitively (SGML names are). */
static int has_name(const char *s, size_t n, const char *name)
{
    size_t k = strlen(name);
    if (k > n)
        return 0;
    for (size_t i = 0; i < k; i++)
        if (upper(s[i]) != name[i])
            return 0;
    return 1;
}

/* Offset of the first "<NAME" (or "</NAME" when @p closing) at or after
 * @p from whose name ends there ("<DATE" must not match "<DATELINE"), or n. */
static size_t find_tag(const char *s, size_t n, size_t from, const char *name, int closing)
{
    size_t k = strlen(name), start = from;
    while (from < n) {
        const char *lt = memchr(s + from, '<', n - from);
        if (!lt)
            break;
        size_t at = (size_t)(lt - s), i = at + 1;
        from = at + 1;
        if (closing && (i >= n || s[i++] != '/'))
            continue;
        if (!has_name(s + i, n - i, name))
            continue;
        size_t e = i + k;
        if (e == n || s[e] == '>' || s[e] == '/' || is_space(s[e])) {
            NX_READER_WORK(e - start);
            return at;
        }
    }
    NX_READER_WORK(n - start);
    return n;
}

/* Offset just past the '>' ending the tag that starts at @p at, skipping
 * quoted attribute values; 0 if the tag is not closed within s[0..n). A
 * '<' ends the search even inside quotes: a tag never runs into the next
 * one, so no byte is looked at for two tags. */
static size_t tag_end(const char *s, size_t n, size_t at)
{
    char quote = 0;
    for (size_t i = at + 1; i < n; i++) {
        if (s[i] == '<') {
            NX_READER_WORK(i - at);
            return 0; /* the next tag begins: this one was never closed */
        }
        if (quote)
            quote = s[i] == quote ? 0 : quote;
        else if (s[i] == '"' || s[i] == '\'')
            quote = s[i];
        else if (s[i] == '>') {
            NX_READER_WORK(i - at);
            return i + 1;
        }
    }
    NX_READER_WORK(n - at);
    return 0;
}

/* find_tag() through @p m: no search from where an earlier one already
 * looked. One memo serves one name, one direction and one range. */
static size_t memo_find(tag_memo *m, const char *s, size_t n, size_t from, const char *name,
                        int closing)
{
    if (m->valid && from >= m->from && from <= m->at)
        return m->at;
    *m = (tag_memo){.from = from, .at = find_tag(s, n, from, name, closing), .valid = 1};
    return m->at;
}

/* tag_end() of the tag memo_find() found last, computed once. */
static size_t memo_end(tag_memo *m, const char *s, size_t n)
{
    if (!m->has_end) {
        m->end = m->at < n ? tag_end(s, n, m->at) : 0;
        m->has_end = 1;
    }
    return m->end;
}

/* First element f->name in s[from..n). An element whose closing tag is
 * missing runs to the end of the range: lenient, as the archive needs.
 * Calls with the same finder must share the range and never go back. */
static int find_element_in(element_finder *f, const char *s, size_t n, size_t from, element *e)
{
    size_t at = memo_find(&f->open, s, n, from, f->name, 0);
    if (at == n)
        return 0;
    size_t open_end = memo_end(&f->open, s, n);
    if (!open_end)
        return 0;
    size_t name_end = at + 1 + strlen(f->name);
    size_t close = memo_find(&f->close, s, n, open_end, f->name, 1);
    size_t close_end = close < n ? memo_end(&f->close, s, n) : 0;
    e->start = at;
    e->attrs = (span){s + name_end, open_end - 1 - name_end};
    e->content = (span){s + open_end, close - open_end};
    e->end = close_end ? close_end : close;
    return 1;
}

static int find_element(const char *s, size_t n, size_t from, const char *name, element *e)
{
    element_finder f = {.name = name};
    return find_element_in(&f, s, n, from, e);
}

/* Value of attribute @p name in a start tag's attribute text: quoted with
 * " or ', or a bare token as SGML allows. */
static int attr_value(span attrs, const char *name, span *value)
{
    const char *s = attrs.p;
    size_t n = attrs.n, k = strlen(name), i = 0;
    NX_READER_WORK(n);
    while (i < n) {
        while (i < n && is_space(s[i]))
            i++;
        size_t key = i;
        while (i < n && !is_space(s[i]) && s[i] != '=')
            i++;
        size_t key_len = i - key;
        while (i < n && is_space(s[i]))
            i++;
        if (i >= n || s[i] != '=')
            continue; /* a valueless word: skip it */
        i++;
        while (i < n && is_space(s[i]))
            i++;
        size_t start = i, stop;
        if (i < n && (s[i] == '"' || s[i] == '\'')) {
            const char *q = memchr(s + i + 1, s[i], n - i - 1);
            start = i + 1;
            stop = q ? (size_t)(q - s) : n;
            i = q ? stop + 1 : n;
        } else {
            while (i < n && !is_space(s[i]))
                i++;
            stop = i;
        }
        if (key_len == k && has_name(s + key, key_len, name)) {
            *value = (span){s + start, stop - start};
            return 1;
        }
    }
    return 0;
}

/* ---- text ---------------------------------------------------------- */

/* Code points that carry no text: C0 (but tab and newlines), DEL, C1. */
static int is_control(int32_t cp)
{
    return (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || (cp >= 0x7F && cp <= 0x9F);
}

static int32_t numeric_ref(const char *s, size_t n, size_t *len)
{
    size_t i = 2;
    int hex = i < n && (s[i] == 'x' || s[i] == 'X');
    i += (size_t)hex;
    int32_t cp = 0;
    size_t digits = 0;
    for (; i < n && digits < (hex ? 6u : 7u); i++, digits++) { /* no overflow */
        char c = s[i];
        int d = c >= '0' && c <= '9' ? c - '0'
                : hex && upper(c) >= 'A' && upper(c) <= 'F' ? upper(c) - 'A' + 10
                                                          : -1;
        if (d < 0)
            break;
        cp = cp * (hex ? 16 : 10) + d;
    }
    if (!digits || i >= n || s[i] != ';')
        return -2;
    *len = i + 1;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0xFFFD;
    return cp;
}

/* A character reference at s[0] == '&': its code point and *len, or -2
 * when it is not one (the '&' is then kept as text). */
static int32_t char_ref(const char *s, size_t n, size_t *len)
{
    static const struct {
        const char *name;
        int32_t cp;
    } named[] = {{"lt;", '<'}, {"gt;", '>'}, {"amp;", '&'}, {"quot;", '"'}, {"apos;", '\''}};
    if (n > 2 && s[1] == '#')
        return numeric_ref(s, n, len);
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        size_t k = strlen(named[i].name);
        if (k < n && memcmp(s + 1, named[i].name, k) == 0) {
            *len = k + 1;
            return named[i].cp;
        }
    }
    return -2;
}

/* Length of markup (a tag, comment or declaration) at s[i] == '<', or 0
 * when the '<' is plain text. Unknown inline tags are dropped. *gt is the
 * first '>' at or after some earlier i (n: none; NONE: not looked for yet),
 * kept by the caller, so
 * that a million "<a" without a '>' do not search the rest a million times. */
static size_t markup_len(const char *s, size_t n, size_t i, size_t *gt)
{
    if (n - i < 2)
        return 0;
    char c = upper(s[i + 1]);
    if (!((c >= 'A' && c <= 'Z') || c == '/' || c == '!' || c == '?'))
        return 0;
    if (*gt == NONE || *gt < i) {
        const char *p = memchr(s + i, '>', n - i);
        *gt = p ? (size_t)(p - s) : n;
        NX_READER_WORK(*gt - i);
    }
    return *gt < n ? *gt - i + 1 : 0;
}

static void put_code_point(text_buf *b, int32_t cp)
{
    char u[4];
    size_t k;
    if (cp < 0x80) {
        u[0] = (char)cp;
        k = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        k = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        k = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        k = 4;
    }
    tb_put(b, u, k);
}

/* How one piece of text is laid out: titles and list values become one
 * line (collapse), bodies keep their lines and indents (tables of figures). */
typedef struct emitter {
    text_buf *out;
    size_t start;  /* where this piece begins in out */
    int collapse;
    int pending_space;
} emitter;

static void emit_code_point(emitter *e, int32_t cp)
{
    int empty = e->out->len == e->start;
    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r') {
        if (e->collapse)
            e->pending_space = !empty;
        else if (!empty && cp != '\r') /* CR of CRLF is noise */
            tb_putc(e->out, (char)cp);
        return;
    }
    if (cp < 0 || is_control(cp))
        return;
    if (e->pending_space)
        tb_putc(e->out, ' ');
    e->pending_space = 0;
    put_code_point(e->out, cp);
}

/* Length of the run at s of printable ASCII that needs no decoding: most
 * of the text, copied in one go. */
static size_t plain_run(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c <= ' ' || c >= 0x7F || c == '<' || c == '&')
            break;
        i++;
    }
    return i;
}

/* Append the text of raw SGML s[0..n): markup dropped, references decoded,
 * control codes dropped, invalid UTF-8 as U+FFFD, ends trimmed. */
static void emit_text(emitter *e, const char *s, size_t n)
{
    size_t i = 0, len, gt = NONE; /* NONE: no '>' looked for yet */
    NX_READER_WORK(n);
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        int32_t cp;
        if ((len = plain_run(s + i, n - i)) > 0) {
            if (e->pending_space)
                tb_putc(e->out, ' ');
            e->pending_space = 0;
            tb_put(e->out, s + i, len);
            i += len;
            continue;
        }
        if (c == '<' && (len = markup_len(s, n, i, &gt)) > 0) {
            i += len;
            continue;
        }
        if (c == '&' && (cp = char_ref(s + i, n - i, &len)) != -2) {
            i += len;
        } else if (c < 0x80) {
            cp = c;
            i++;
        } else {
            cp = nx_utf8_decode(s + i, n - i, &len);
            cp = cp < 0 ? 0xFFFD : cp;
            i += len;
        }
        emit_code_point(e, cp);
    }
    while (e->out->len > e->start && is_space(e->out->data[e->out->len - 1]))
        e->out->len--;
}

static emitter emitter_at(text_buf *out, int collapse)
{
    return (emitter){.out = out, .start = out->len, .collapse = collapse};
}

/* The text of s[0..n) as a new NUL-terminated string in out; its offset,
 * or NONE if it is empty. */
static size_t add_string(text_buf *out, span raw, int collapse)
{
    emitter e = emitter_at(out, collapse);
    emit_text(&e, raw.p, raw.n);
    if (out->len == e.start)
        return NONE;
    tb_putc(out, '\0');
    return e.start;
}

/* ---- fields -------------------------------------------------------- */

static int month_of(const char *s)
{
    static const char months[] = "JANFEBMARAPRMAYJUNJULAUGSEPOCTNOVDEC";
    for (int m = 0; m < 12; m++)
        if (upper(s[0]) == months[3 * m] && upper(s[1]) == months[3 * m + 1] &&
            upper(s[2]) == months[3 * m + 2])
            return m + 1;
    return 0;
}

/* Up to @p max digits at *p into *value; the number of digits read. */
static int digits(const char **p, const char *end, int max, int *value)
{
    int k = 0;
    *value = 0;
    while (*p < end && k < max && **p >= '0' && **p <= '9') {
        *value = *value * 10 + (**p - '0');
        (*p)++;
        k++;
    }
    return k;
}

/* "HH:MM:SS" or "HH:MM" at p; anything after it (".79", routing codes)
 * is ignored. Returns 0 if there is no such time. */
static int parse_clock(const char *p, const char *end, int *h, int *mi, int *sec)
{
    while (p < end && *p == ' ')
        p++;
    *sec = 0;
    if (!digits(&p, end, 2, h) || p >= end || *p++ != ':' || digits(&p, end, 2, mi) != 2)
        return 0;
    if (p < end && *p == ':' && (p++, digits(&p, end, 2, sec) != 2))
        return 0;
    return p >= end || !(*p >= '0' && *p <= '9'); /* "605:12" is no time */
}

static int date_ok(const char *iso)
{
    int64_t when;
    nx_error ignored;
    return nx_date_parse(iso, &when, &ignored) == NEWSDEX_OK;
}

/* "26-FEB-1987 15:01:01.79" -> "1987-02-26T15:01:01Z"; the day alone if
 * the time is garbled; NULL (undated) if the day is. */
static const char *parse_date(sgml_state *s, span raw)
{
    s->scratch.len = 0;
    emitter e = emitter_at(&s->scratch, 1);
    emit_text(&e, raw.p, raw.n);
    if (s->scratch.len == 0)
        return NULL;
    const char *p = s->scratch.data, *end = p + s->scratch.len;
    int day, mon, year, h, mi, sec;
    if (!digits(&p, end, 2, &day) || end - p < 5 || *p != '-' ||
        !(mon = month_of(p + 1)) || p[4] != '-')
        return NULL;
    p += 5;
    if (digits(&p, end, 4, &year) != 4)
        return NULL;
    if (parse_clock(p, end, &h, &mi, &sec)) {
        snprintf(s->date, sizeof s->date, "%04d-%02d-%02dT%02d:%02d:%02dZ", year, mon, day, h, mi,
                 sec);
        if (date_ok(s->date))
            return s->date;
    }
    snprintf(s->date, sizeof s->date, "%04d-%02d-%02d", year, mon, day);
    return date_ok(s->date) ? s->date : NULL;
}

static void push_value(sgml_state *s, size_t off)
{
    if (s->n_values == s->values_cap) {
        size_t cap = s->values_cap ? s->values_cap * 2 : 64;
        size_t *grown = realloc(s->value_offs, cap * sizeof *grown);
        if (!grown) {
            s->out.oom = 1;
            return;
        }
        s->value_offs = grown;
        s->values_cap = cap;
    }
    s->value_offs[s->n_values++] = off;
}

/* Every <D> value of a list element. A <D> ends at the next </D> or <D>,
 * so a missing end tag or a nested <D> still gives each value once. */
static void add_d_values(sgml_state *s, span list, size_t which)
{
    const char *p = list.p;
    tag_memo opens = {0}, closes = {0};
    size_t n = list.n, at = memo_find(&opens, p, n, 0, "D", 0);
    s->list_first[which] = s->n_values;
    while (at < n) {
        size_t from = memo_end(&opens, p, n);
        if (!from)
            break;
        size_t next_open = memo_find(&opens, p, n, from, "D", 0);
        size_t next_close = memo_find(&closes, p, n, from, "D", 1);
        size_t stop = next_open < next_close ? next_open : next_close;
        size_t off = add_string(&s->out, (span){p + from, stop - from}, 1);
        if (off != NONE)
            push_value(s, off);
        at = next_open;
    }
    s->list_count[which] = s->n_values - s->list_first[which];
}

static int ends_with_ci(const char *s, size_t n, const char *tail)
{
    size_t k = strlen(tail);
    return n >= k && has_name(s + n - k, k, tail);
}

/* Cut "Norma Cohen and Geert Linnebank" (NUL-terminated at out[start..])
 * into one value per name. */
static void push_names(sgml_state *s, size_t start)
{
    char *base = s->out.data;
    size_t pos = start, end = s->out.len - 1; /* at the NUL */
    for (size_t i = start; i < end; i++) {
        if (base[i] == ' ' && i > pos && has_name(base + i, end - i, " AND ")) {
            base[i] = '\0';
            push_value(s, pos);
            pos = i + 5;
            i += 4;
        }
    }
    if (base[pos])
        push_value(s, pos);
}

/* "<AUTHOR> By Peter Torday, Reuters</AUTHOR>" -> "Peter Torday". */
static void add_author(sgml_state *s, span raw)
{
    text_buf *out = &s->out;
    emitter e = emitter_at(out, 1);
    emit_text(&e, raw.p, raw.n);
    size_t start = e.start;
    if (out->len == start)
        return;
    if (out->len - start > 3 && has_name(out->data + start, 3, "BY "))
        start += 3;
    if (ends_with_ci(out->data + start, out->len - start, ", REUTERS"))
        out->len -= strlen(", REUTERS");
    else if (ends_with_ci(out->data + start, out->len - start, ", REUTER"))
        out->len -= strlen(", REUTER");
    s->list_first[N_HEAD_LISTS] = s->n_values;
    if (out->len > start) {
        tb_putc(out, '\0');
        if (!out->oom)
            push_names(s, start);
    } else {
        out->len = e.start;
    }
    s->list_count[N_HEAD_LISTS] = s->n_values - s->list_first[N_HEAD_LISTS];
}

/* The text of <TEXT> outside its TITLE, DATELINE, AUTHOR and BODY, into
 * scratch: all there is of TYPE="UNPROC" records. */
static span residual_text(sgml_state *s, span text)
{
    element_finder skip[] = {{.name = "TITLE"}, {.name = "DATELINE"}, {.name = "AUTHOR"},
                             {.name = "BODY"}};
    s->scratch.len = 0;
    size_t pos = 0;
    while (pos < text.n) {
        element first = {.start = text.n, .end = text.n}, e;
        for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
            if (find_element_in(&skip[i], text.p, text.n, pos, &e) && e.start < first.start)
                first = e;
        tb_put(&s->scratch, text.p + pos, first.start - pos);
        pos = first.end > first.start ? first.end : text.n;
    }
    /* "" when scratch was never grown: arithmetic on NULL is undefined
     * (found by tests/fuzz/fuzz_sgml_reader.c). */
    return (span){s->scratch.data ? s->scratch.data : "", s->scratch.len};
}

/* Title from the first line of untitled text that has any; *rest gets
 * what follows it. */
static size_t first_line_title(text_buf *out, span *raw)
{
    const char *p = raw->p, *end = p + raw->n;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl : end;
        size_t off = add_string(out, (span){p, (size_t)(stop - p)}, 1);
        p = nl ? nl + 1 : end;
        if (off != NONE) {
            *raw = (span){p, (size_t)(end - p)};
            return off;
        }
    }
    *raw = (span){end, 0};
    return NONE;
}

/* The body: the dateline ("SALVADOR, Feb 26 -") leads it, as on the wire. */
static size_t add_body(text_buf *out, const element *dateline, span raw)
{
    emitter e = emitter_at(out, 1);
    if (dateline)
        emit_text(&e, dateline->content.p, dateline->content.n);
    size_t before = out->len;
    if (out->len > e.start)
        tb_putc(out, ' ');
    emitter b = emitter_at(out, 0);
    emit_text(&b, raw.p, raw.n);
    if (out->len == b.start)
        out->len = before; /* no body text: drop the separator */
    if (out->len == e.start)
        return NONE;
    tb_putc(out, '\0');
    return e.start;
}

typedef struct text_fields {
    size_t title, body;
} text_fields;

/* Title, body and author from <TEXT>. Without <BODY>, the loose text is the
 * body; TYPE="BRIEF" records are headlines whose loose text is only the
 * wire's filler ("******Blah blah blah."), so they keep their title alone. */
static text_fields read_text(sgml_state *s, const element *text)
{
    span c = text->content, type = {"", 0};
    text_fields f = {NONE, NONE};
    element title, dateline, body, author;
    attr_value(text->attrs, "TYPE", &type);
    int brief = type.n == 5 && has_name(type.p, 5, "BRIEF");
    if (find_element(c.p, c.n, 0, "TITLE", &title))
        f.title = add_string(&s->out, title.content, 1);
    int has_dateline = find_element(c.p, c.n, 0, "DATELINE", &dateline);
    span raw = {"", 0};
    if (find_element(c.p, c.n, 0, "BODY", &body)) {
        raw = body.content;
    } else if (!brief || f.title == NONE) {
        raw = residual_text(s, c);
        if (f.title == NONE) /* UNPROC: the first line is the headline */
            f.title = first_line_title(&s->out, &raw);
    }
    f.body = add_body(&s->out, has_dateline ? &dateline : NULL, raw);
    if (find_element(c.p, c.n, 0, "AUTHOR", &author))
        add_author(s, author.content);
    return f;
}

/* Point the article's lists into out, now that out no longer moves.
 * Returns 0 when out of memory. */
static int finish_lists(sgml_state *s, newsdex_article *a)
{
    if (s->n_values > s->values_ptr_cap) {
        const char **grown = realloc(s->values, s->n_values * sizeof *grown);
        if (!grown)
            return 0;
        s->values = grown;
        s->values_ptr_cap = s->n_values;
    }
    for (size_t i = 0; i < s->n_values; i++)
        s->values[i] = s->out.data + s->value_offs[i];
    size_t n = 0;
    for (size_t i = 0; i < N_LISTS; i++) {
        if (!s->list_count[i])
            continue;
        s->lists[n].name = i < N_HEAD_LISTS ? list_names[i] : "authors";
        s->lists[n].values = s->values + s->list_first[i];
        s->lists[n++].count = s->list_count[i];
    }
    a->lists = n ? s->lists : NULL;
    a->n_lists = n;
    return 1;
}

static nx_read_result out_of_memory(newsdex_article *a, nx_error *err)
{
    memset(a, 0, sizeof *a);
    nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory reading a record");
    return NX_READ_FAILED;
}

static nx_read_result reject(newsdex_article *a, nx_error *err, const char *why, span id)
{
    memset(a, 0, sizeof *a);
    if (id.n) /* quoted back, cut short */
        nx_error_set(err, NEWSDEX_ERR_INVALID, "<REUTERS NEWID=\"%.*s\">: %s",
                     (int)(id.n > 40 ? 40 : id.n), id.p, why);
    else
        nx_error_set(err, NEWSDEX_ERR_INVALID, "%s", why);
    return NX_READ_REJECTED;
}

static int valid_newid(span v)
{
    if (v.n < 1 || v.n > NEWID_MAX)
        return 0;
    for (size_t i = 0; i < v.n; i++) {
        char c = upper(v.p[i]);
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.'))
            return 0;
    }
    return 1;
}

/* The header lists and the date live before <TEXT>. */
static void read_head(sgml_state *s, span head, newsdex_article *a)
{
    element e;
    if (find_element(head.p, head.n, 0, "DATE", &e))
        a->date = parse_date(s, e.content);
    for (size_t i = 0; i < N_HEAD_LISTS; i++) {
        s->list_first[i] = s->n_values;
        s->list_count[i] = 0;
        if (find_element(head.p, head.n, 0, list_tags[i], &e))
            add_d_values(s, e.content, i);
    }
}

/* Turn the record in s->rec[0..n) (from "<REUTERS") into an article. */
static nx_read_result parse_record(sgml_state *s, size_t n, newsdex_article *a, nx_error *err)
{
    const char *r = s->rec.data;
    size_t open_end = tag_end(r, n, 0);
    span newid = {"", 0};
    if (!open_end)
        return reject(a, err, "the <REUTERS> start tag has no closing \">\"", newid);
    if (!attr_value((span){r + 8, open_end - 9}, "NEWID", &newid) || newid.n == 0)
        return reject(a, err, "<REUTERS> record without a NEWID attribute", (span){"", 0});
    if (!valid_newid(newid)) /* not quoted back: it may hold anything */
        return reject(a, err, "<REUTERS> record with an invalid NEWID (expected 1 to 64 "
                              "letters, digits, '-', '_' or '.')", (span){"", 0});
    s->out.len = 0;
    s->n_values = 0;
    memset(s->list_count, 0, sizeof s->list_count);
    size_t id = s->out.len;
    tb_put(&s->out, "reuters-", 8);
    tb_put(&s->out, newid.p, newid.n);
    tb_putc(&s->out, '\0');
    span body = {r + open_end, n - open_end};
    element text;
    int has_text = find_element(body.p, body.n, 0, "TEXT", &text);
    read_head(s, (span){body.p, has_text ? text.start : body.n}, a);
    text_fields f = has_text ? read_text(s, &text) : (text_fields){NONE, NONE};
    if (s->out.oom || s->scratch.oom || !finish_lists(s, a))
        return out_of_memory(a, err);
    a->id = s->out.data + id;
    a->title = f.title == NONE ? NULL : s->out.data + f.title;
    if (f.title == NONE && f.body == NONE)
        a->title = EMPTY_TITLE; /* the writer needs a title or a body */
    a->body = f.body == NONE ? NULL : s->out.data + f.body;
    a->source = "Reuters";
    return NX_READ_ARTICLE;
}

/* ---- records ------------------------------------------------------- */

static newsdex_status sgml_open(const char *path, const char *name, void **state,
                                nx_error *err)
{
    (void)name; /* ids come from the records */
    sgml_state *s = calloc(1, sizeof *s);
    if (!s)
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory opening \"%s\"", path);
    newsdex_status st = nx_line_reader_open(path, &s->lines, err);
    if (st != NEWSDEX_OK) {
        free(s);
        return st;
    }
    *state = s;
    return NEWSDEX_OK;
}

/* Load the next input line into cur, to be scanned from its start. */
static nx_line_result load_line(sgml_state *s, nx_error *err)
{
    s->have_line = 0;
    nx_line_result res = nx_line_reader_next(s->lines, &s->cur.p, &s->cur.n, err);
    s->cur_line = nx_line_reader_line(s->lines);
    if (res == NX_LINE_OK) {
        s->have_line = 1;
        s->cur_pos = 0;
        s->open_memo.valid = s->close_memo.valid = 0;
    }
    return res;
}

static nx_read_result input_failed(sgml_state *s, nx_line_result res)
{
    if (res == NX_LINE_END) {
        s->at_end = 1;
        return NX_READ_END;
    }
    if (res == NX_LINE_STOPPED)
        return NX_READ_STOPPED;
    s->line = nx_line_reader_line(s->lines);
    return NX_READ_FAILED;
}

/* Find the next "<REUTERS": cur_pos is then on it and s->line its line.
 * NX_READ_ARTICLE when found; a line too long to scan is a rejection, as
 * records it held are lost with it. */
static nx_read_result find_start(sgml_state *s, newsdex_article *a, nx_error *err)
{
    for (;;) {
        if (!s->have_line) {
            nx_line_result res = load_line(s, err);
            if (res == NX_LINE_TOO_LONG) {
                s->line = s->cur_line;
                memset(a, 0, sizeof *a);
                nx_error_set(err, NEWSDEX_ERR_INVALID,
                             "line longer than %zu bytes: skipped, with any <REUTERS> records "
                             "on it",
                             NX_LINE_MAX);
                return NX_READ_REJECTED;
            }
            if (res != NX_LINE_OK)
                return input_failed(s, res);
        }
        size_t at = memo_find(&s->open_memo, s->cur.p, s->cur.n, s->cur_pos, "REUTERS", 0);
        if (at < s->cur.n) {
            s->cur_pos = at;
            s->line = s->cur_line;
            return NX_READ_ARTICLE;
        }
        s->have_line = 0; /* text between records */
    }
}

/* Add cur[from..to) to the record, unless it has grown too long. */
static void keep(sgml_state *s, size_t from, size_t to, int newline, int *too_long)
{
    size_t n = to - from + (size_t)(newline != 0);
    if (*too_long || n > SGML_RECORD_MAX - s->rec.len) {
        *too_long = 1;
        return;
    }
    tb_put(&s->rec, s->cur.p + from, to - from);
    if (newline)
        tb_putc(&s->rec, '\n');
}

/* Where scanning goes on after the "</REUTERS" at @p at: past its '>', or
 * past the name when a '<' comes first (nothing after it is lost). */
static size_t after_end_tag(const span *line, size_t at)
{
    size_t i = at + 9; /* strlen("</REUTERS") */
    for (size_t k = i; k < line->n && line->p[k] != '<'; k++)
        if (line->p[k] == '>') {
            NX_READER_WORK(k + 1 - at);
            return k + 1;
        }
    return i;
}

static nx_read_result too_long_record(newsdex_article *a, nx_error *err)
{
    memset(a, 0, sizeof *a);
    nx_error_set(err, NEWSDEX_ERR_INVALID, "<REUTERS> record longer than %zu bytes",
                 SGML_RECORD_MAX);
    return NX_READ_REJECTED;
}

/* Collect the record starting at cur_pos into rec and parse it. A record
 * too long to keep is still scanned to its end, so whatever follows it on
 * the same line is read as usual. */
static nx_read_result read_record(sgml_state *s, newsdex_article *a, nx_error *err)
{
    s->rec.len = 0;
    size_t seg = s->cur_pos, from = s->cur_pos + 1; /* past the "<" of "<REUTERS" */
    int too_long = 0;
    for (;;) {
        const span *c = &s->cur;
        size_t close = memo_find(&s->close_memo, c->p, c->n, from, "REUTERS", 1);
        size_t open = memo_find(&s->open_memo, c->p, c->n, from, "REUTERS", 0);
        if (open < close) {
            keep(s, seg, open, 0, &too_long);
            s->cur_pos = open;
            if (too_long)
                return too_long_record(a, err);
            return reject(a, err, "<REUTERS> record not closed before the next one",
                          (span){"", 0});
        }
        if (close < c->n) {
            keep(s, seg, close, 0, &too_long);
            s->cur_pos = after_end_tag(c, close);
            if (too_long)
                return too_long_record(a, err);
            if (s->rec.oom)
                return out_of_memory(a, err);
            return parse_record(s, s->rec.len, a, err);
        }
        keep(s, seg, c->n, 1, &too_long);
        if (s->rec.oom)
            return out_of_memory(a, err);
        nx_line_result res = load_line(s, err);
        if (res == NX_LINE_TOO_LONG) {
            nx_error_set(err, NEWSDEX_ERR_INVALID,
                         "<REUTERS> record with a line longer than %zu bytes (line %lu): "
                         "skipped, with any records on that line",
                         NX_LINE_MAX, s->cur_line);
            memset(a, 0, sizeof *a);
            return NX_READ_REJECTED;
        }
        if (res == NX_LINE_END) {
            s->at_end = 1;
            if (too_long)
                return too_long_record(a, err);
            return reject(a, err, "unterminated <REUTERS> record: the file ends before </REUTERS>",
                          (span){"", 0});
        }
        if (res != NX_LINE_OK)
            return input_failed(s, res);
        seg = from = 0;
    }
}

static nx_read_result sgml_next(void *state, newsdex_article *a, nx_error *err)
{
    sgml_state *s = state;
    memset(a, 0, sizeof *a);
    if (s->at_end)
        return NX_READ_END;
    nx_read_result res = find_start(s, a, err);
    if (res != NX_READ_ARTICLE)
        return res;
    return read_record(s, a, err);
}

static unsigned long sgml_line(const void *state)
{
    return ((const sgml_state *)state)->line;
}

static unsigned long long sgml_bytes(const void *state)
{
    return nx_line_reader_bytes(((const sgml_state *)state)->lines);
}

static void sgml_set_stop(void *state, const volatile sig_atomic_t *stop)
{
    nx_line_reader_set_stop(((sgml_state *)state)->lines, stop);
}

static nx_line_reader *sgml_lines(void *state)
{
    return ((sgml_state *)state)->lines;
}

static void sgml_close(void *state)
{
    sgml_state *s = state;
    if (!s)
        return;
    nx_line_reader_close(s->lines);
    tb_free(&s->rec);
    tb_free(&s->out);
    tb_free(&s->scratch);
    free(s->value_offs);
    free(s->values);
    free(s);
}

const nx_reader_format nx_sgml_format = {
    .name = "sgml",
    .open = sgml_open,
    .next = sgml_next,
    .line = sgml_line,
    .bytes = sgml_bytes,
    .close = sgml_close,
    .set_stop = sgml_set_stop,
    .lines = sgml_lines,
};
