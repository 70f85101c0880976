#include "bench_util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

/* ---- PRNG ---- */

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void bench_rng_seed(bench_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t bench_rng_next(bench_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t bench_rng_below(bench_rng *r, uint64_t n)
{
    /* Rejection keeps it unbiased; the loop almost never repeats. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do
        x = bench_rng_next(r);
    while (x >= limit);
    return x % n;
}

double bench_rng_unit(bench_rng *r)
{
    return (double)(bench_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* ---- Memory and buffers ---- */

void *bench_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fputs("bench: out of memory\n", stderr);
        exit(3);
    }
    return p;
}

void *bench_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("bench: out of memory\n", stderr);
        exit(3);
    }
    return q;
}

char *bench_xstrdup(const char *s)
{
    size_t n = strlen(s);
    char *d = bench_xmalloc(n + 1);
    memcpy(d, s, n + 1);
    return d;
}

void bench_buf_add(bench_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->data = bench_xrealloc(b->data, cap);
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
}

void bench_buf_puts(bench_buf *b, const char *s)
{
    bench_buf_add(b, s, strlen(s));
}

void bench_buf_putc(bench_buf *b, char c)
{
    bench_buf_add(b, &c, 1);
}

const char *bench_buf_str(bench_buf *b)
{
    bench_buf_add(b, "", 0);
    b->data[b->len] = '\0';
    return b->data;
}

void bench_buf_free(bench_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

/* Length of the valid UTF-8 sequence at s (0 if invalid). */
static size_t utf8_seq(const unsigned char *s, size_t left)
{
    unsigned c = s[0];
    size_t n;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4, min = 0x10000;
    else
        return 0;
    if (left < n)
        return 0;
    unsigned cp = c & (0x3f >> (n - 1));
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

void bench_json_string(bench_buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    size_t left = strlen(s);
    bench_buf_putc(b, '"');
    while (left > 0) {
        unsigned c = *p;
        size_t n = 1;
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            bench_buf_add(b, esc, 2);
        } else if (c == '\n') {
            bench_buf_add(b, "\\n", 2);
        } else if (c == '\t') {
            bench_buf_add(b, "\\t", 2);
        } else if (c < 0x20 || c == 0x7f) {
            char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            bench_buf_add(b, esc, 6);
        } else if (c < 0x80) {
            bench_buf_putc(b, (char)c);
        } else if ((n = utf8_seq(p, left)) > 0) {
            bench_buf_add(b, (const char *)p, n);
        } else {
            n = 1;
            bench_buf_add(b, "\xef\xbf\xbd", 3);
        }
        p += n;
        left -= n;
    }
    bench_buf_putc(b, '"');
}

uint64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* ---- Query set ---- */

int bench_queries_load(const char *path, bench_queries *out)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "bench: cannot open %s\n", path);
        return -1;
    }
    char *line = NULL;
    size_t cap = 0, alloc = 0;
    ssize_t len;
    unsigned long lineno = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        char *tab = strchr(line, '\t');
        if (!tab || tab == line || !tab[1]) {
            fprintf(stderr, "%s:%lu: expected shape<TAB>query\n", path, lineno);
            continue;
        }
        *tab = '\0';
        if (out->n == alloc) {
            alloc = alloc ? alloc * 2 : 256;
            out->q = bench_xrealloc(out->q, alloc * sizeof *out->q);
        }
        out->q[out->n].shape = bench_xstrdup(line);
        out->q[out->n].text = bench_xstrdup(tab + 1);
        out->n++;
    }
    free(line);
    fclose(f);
    if (out->n == 0) {
        fprintf(stderr, "bench: no queries in %s\n", path);
        return -1;
    }
    return 0;
}

void bench_queries_free(bench_queries *qs)
{
    for (size_t i = 0; i < qs->n; i++) {
        free(qs->q[i].shape);
        free(qs->q[i].text);
    }
    free(qs->q);
    memset(qs, 0, sizeof *qs);
}

void bench_emit(FILE *out, const char *engine, const char *shape, size_t qno, int round,
                double usec, size_t hits, unsigned long long estimate)
{
    fprintf(out, "%s\t%s\t%zu\t%d\t%.1f\t%zu\t%llu\n", engine, shape, qno, round, usec, hits,
            estimate);
}

/* ---- Filters ---- */

static int starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void copy_value(char *dst, size_t cap, const char *s, size_t n)
{
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, s, n);
    dst[n] = '\0';
}

char *bench_split_filters(const char *q, bench_filters *f)
{
    memset(f, 0, sizeof *f);
    bench_buf out = {0};
    size_t i = 0, n = strlen(q);
    while (i < n) {
        int at_start = i == 0 || q[i - 1] == ' ' || q[i - 1] == '(';
        if (q[i] == '"') { /* a phrase is copied whole */
            const char *end = strchr(q + i + 1, '"');
            size_t len = end ? (size_t)(end - (q + i)) + 1 : n - i;
            bench_buf_add(&out, q + i, len);
            i += len;
        } else if (at_start && starts(q + i, "topic:")) {
            size_t s = i + 6, e = s;
            while (e < n && q[e] != ' ' && q[e] != ')')
                e++;
            copy_value(f->topic, sizeof f->topic, q + s, e - s);
            i = e;
        } else if (at_start && starts(q + i, "source:\"")) {
            size_t s = i + 8, e = s;
            while (e < n && q[e] != '"')
                e++;
            copy_value(f->source, sizeof f->source, q + s, e - s);
            i = e < n ? e + 1 : e;
        } else if (at_start && starts(q + i, "date:")) {
            size_t s = i + 5, e = s;
            while (e < n && q[e] != ' ' && q[e] != ')')
                e++;
            const char *dots = strstr(q + s, "..");
            if (dots && (size_t)(dots - q) < e) {
                copy_value(f->date_from, sizeof f->date_from, q + s, (size_t)(dots - q) - s);
                copy_value(f->date_to, sizeof f->date_to, dots + 2, e - (size_t)(dots + 2 - q));
            }
            i = e;
        } else {
            bench_buf_putc(&out, q[i++]);
        }
    }
    /* Tidy the spaces the cut filters leave behind. */
    char *text = bench_xstrdup(bench_buf_str(&out));
    bench_buf_free(&out);
    size_t w = 0;
    for (size_t r = 0; text[r]; r++)
        if (!(text[r] == ' ' && (w == 0 || text[w - 1] == ' ')))
            text[w++] = text[r];
    while (w > 0 && text[w - 1] == ' ')
        w--;
    text[w] = '\0';
    return text;
}

int bench_has_filters(const bench_filters *f)
{
    return f->topic[0] || f->source[0] || f->date_from[0];
}

void bench_url_encode(bench_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            bench_buf_putc(b, (char)c);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            bench_buf_add(b, e, 3);
        }
    }
}
