/* Per-article word positions (doc_positions.h). */
#include <stdlib.h>
#include <string.h>

#include "doc_positions.h"

typedef struct entry {
    size_t term_at; /* in terms */
    const char *term; /* terms + term_at, set once terms stops moving */
    uint32_t term_len;
    uint32_t pos;
} entry;

struct nx_docpos_builder {
    entry *entries;
    size_t n, cap;
    char *terms; /* the terms' bytes, one copy per entry */
    size_t terms_len, terms_cap;
};

nx_docpos_builder *nx_docpos_builder_new(void)
{
    return calloc(1, sizeof(nx_docpos_builder));
}

void nx_docpos_builder_free(nx_docpos_builder *b)
{
    if (!b)
        return;
    free(b->entries);
    free(b->terms);
    free(b);
}

void nx_docpos_builder_clear(nx_docpos_builder *b)
{
    b->n = 0;
    b->terms_len = 0;
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 1;
    size_t c = *cap ? *cap : 256;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * size);
    if (!q)
        return 0;
    *p = q;
    *cap = c;
    return 1;
}

newsdex_status nx_docpos_add(nx_docpos_builder *b, const char *term, size_t len, uint32_t pos,
                             nx_error *err)
{
    if (!grow((void **)&b->entries, &b->cap, b->n + 1, sizeof *b->entries) ||
        !grow((void **)&b->terms, &b->terms_cap, b->terms_len + len, 1))
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory");
    memcpy(b->terms + b->terms_len, term, len);
    b->entries[b->n++] = (entry){b->terms_len, NULL, (uint32_t)len, pos};
    b->terms_len += len;
    return NEWSDEX_OK;
}

static int entry_cmp(const void *pa, const void *pb)
{
    const entry *a = pa, *b = pb;
    size_t n = a->term_len < b->term_len ? a->term_len : b->term_len;
    int c = memcmp(a->term, b->term, n);
    if (c)
        return c;
    if (a->term_len != b->term_len)
        return a->term_len < b->term_len ? -1 : 1;
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

static size_t put_varint(unsigned char *out, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        out[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (unsigned char)v;
    return n;
}

static size_t varint_len(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

/* Reads a varint at *p (< end); 0 when it runs past end or over 64 bits. */
static int get_varint(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
    uint64_t r = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (*p >= end)
            return 0;
        unsigned char c = *(*p)++;
        r |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            *v = r;
            return 1;
        }
    }
    return 0;
}

static int same_term(const entry *a, const entry *b)
{
    return a->term_len == b->term_len && memcmp(a->term, b->term, a->term_len) == 0;
}

/* Bytes of the list of entries [i, j) (one term). */
static size_t list_bytes(const entry *e, size_t i, size_t j)
{
    size_t n = varint_len(j - i) + varint_len(e[i].pos);
    for (size_t k = i + 1; k < j; k++)
        n += varint_len(e[k].pos - e[k - 1].pos);
    return n;
}

newsdex_status nx_docpos_frame(nx_docpos_builder *b, const char *record, size_t record_len,
                               char **out, size_t *out_len, nx_error *err)
{
    *out = NULL;
    *out_len = 0;
    entry *e = b->entries;
    for (size_t i = 0; i < b->n; i++)
        e[i].term = b->terms + e[i].term_at;
    if (b->n > 1)
        qsort(e, b->n, sizeof *e, entry_cmp);
    /* A position given twice for a term counts once. */
    size_t kept = 0;
    for (size_t i = 0; i < b->n; i++)
        if (!kept || !same_term(&e[kept - 1], &e[i]) || e[kept - 1].pos != e[i].pos)
            e[kept++] = e[i];
    b->n = kept;

    size_t terms = 0, body = 0;
    for (size_t i = 0, j; i < b->n; i = j) {
        for (j = i + 1; j < b->n && same_term(&e[i], &e[j]); j++)
            ;
        size_t lb = list_bytes(e, i, j);
        body += varint_len(e[i].term_len) + e[i].term_len + varint_len(lb) + lb;
        terms++;
    }
    body += varint_len(terms);
    size_t total = 1 + varint_len(body) + body + record_len;
    unsigned char *o = malloc(total);
    if (!o)
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory");
    size_t at = 0;
    o[at++] = NX_DOCPOS_FORMAT;
    at += put_varint(o + at, body);
    at += put_varint(o + at, terms);
    for (size_t i = 0, j; i < b->n; i = j) {
        for (j = i + 1; j < b->n && same_term(&e[i], &e[j]); j++)
            ;
        at += put_varint(o + at, e[i].term_len);
        memcpy(o + at, e[i].term, e[i].term_len);
        at += e[i].term_len;
        at += put_varint(o + at, list_bytes(e, i, j));
        at += put_varint(o + at, j - i);
        at += put_varint(o + at, e[i].pos);
        for (size_t k = i + 1; k < j; k++)
            at += put_varint(o + at, e[k].pos - e[k - 1].pos);
    }
    memcpy(o + at, record, record_len);
    *out = (char *)o;
    *out_len = at + record_len;
    return NEWSDEX_OK;
}

int nx_docpos_split(const char *data, size_t len, const char **positions, size_t *positions_len,
                    const char **record, size_t *record_len)
{
    *positions = NULL;
    *positions_len = 0;
    *record = data;
    *record_len = len;
    if (len == 0 || data[0] != NX_DOCPOS_FORMAT)
        return 0;
    const unsigned char *p = (const unsigned char *)data + 1, *end = (const unsigned char *)data + len;
    uint64_t n;
    if (!get_varint(&p, end, &n) || n > (uint64_t)(end - p))
        return -1;
    *positions = (const char *)p;
    *positions_len = (size_t)n;
    *record = (const char *)p + n;
    *record_len = (size_t)(end - p - n);
    return 0;
}

int nx_docpos_find(const char *positions, size_t len, const char *term, size_t term_len,
                   const char **list, size_t *list_len)
{
    const unsigned char *p = (const unsigned char *)positions, *end = p + len;
    uint64_t terms;
    if (!get_varint(&p, end, &terms))
        return -2;
    for (uint64_t t = 0; t < terms; t++) {
        uint64_t tl, lb;
        if (!get_varint(&p, end, &tl) || tl > (uint64_t)(end - p))
            return -2;
        const unsigned char *name = p;
        p += tl;
        if (!get_varint(&p, end, &lb) || lb > (uint64_t)(end - p))
            return -2;
        size_t n = tl < term_len ? (size_t)tl : term_len;
        int c = memcmp(name, term, n);
        if (c == 0 && tl == term_len) {
            *list = (const char *)p;
            *list_len = (size_t)lb;
            return 0;
        }
        if (c > 0 || (c == 0 && tl > term_len))
            return -1; /* sorted: past where term would be */
        p += lb;
    }
    return -1;
}

long nx_docpos_decode(const char *list, size_t len, uint32_t *out, size_t max, size_t *total)
{
    const unsigned char *p = (const unsigned char *)list, *end = p + len;
    uint64_t count, v, pos = 0;
    *total = 0;
    if (!get_varint(&p, end, &count) || count > len)
        return -1;
    *total = (size_t)count;
    size_t n = 0;
    for (uint64_t i = 0; i < count && n < max; i++) {
        if (!get_varint(&p, end, &v) || (i > 0 && v == 0) || v > UINT32_MAX - pos)
            return -1;
        pos += v;
        out[n++] = (uint32_t)pos;
    }
    return (long)n;
}
