#include "doc_values.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "terms.h"

typedef struct title_buf {
    char *buf;
    size_t cap, len;
} title_buf;

static int add_word(const nx_token *tok, void *ctx)
{
    title_buf *t = ctx;
    size_t need = tok->text_len + (t->len ? 1 : 0);
    if (t->len + need + 1 > t->cap)
        return 1; /* full: stop at a word end */
    if (t->len)
        t->buf[t->len++] = ' ';
    memcpy(t->buf + t->len, tok->text, tok->text_len);
    t->len += tok->text_len;
    t->buf[t->len] = '\0';
    return 0;
}

newsdex_status nx_normalised_title(nx_analyzer *analyzer, const char *title, char *buf,
                                   size_t cap, nx_error *err)
{
    title_buf t = {buf, cap, 0};
    if (cap)
        buf[0] = '\0';
    if (!title || !*title || cap < 2)
        return NEWSDEX_OK;
    return nx_analyze(analyzer, title, strlen(title), add_word, &t, err);
}

static newsdex_status set_string(nx_xdoc *doc, unsigned slot, const char *s, size_t len,
                                 nx_error *err)
{
    return len ? nx_xdoc_set_value(doc, slot, s, len, err) : NEWSDEX_OK;
}

/* The "topics" list as NUL-terminated values, one after another. */
static newsdex_status set_topics(const newsdex_article *a, nx_xdoc *doc, nx_error *err)
{
    for (size_t i = 0; i < a->n_lists; i++) {
        const newsdex_list_field *l = &a->lists[i];
        if (!l->name || strcmp(l->name, NX_LIST_TOPICS) != 0 || l->count == 0)
            continue;
        size_t total = 0;
        for (size_t j = 0; j < l->count; j++)
            total += strlen(l->values[j] ? l->values[j] : "") + 1;
        char *packed = malloc(total + 1), *p = packed;
        if (!packed)
            return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory");
        for (size_t j = 0; j < l->count; j++) {
            size_t n = strlen(l->values[j] ? l->values[j] : "");
            if (n)
                memcpy(p, l->values[j], n + 1);
            p += n ? n + 1 : 0;
        }
        newsdex_status st = set_string(doc, NX_SLOT_TOPICS, packed, (size_t)(p - packed), err);
        free(packed);
        return st;
    }
    return NEWSDEX_OK;
}

/* "YYYYMMDD normalised title" for dated articles with a title. */
static newsdex_status set_collapse_key(nx_analyzer *analyzer, const newsdex_article *a,
                                       int64_t when, nx_xdoc *doc, nx_error *err)
{
    char key[NX_COLLAPSE_KEY_MAX + 16];
    int y, m, d;
    nx_date_split(when, &y, &m, &d);
    int n = snprintf(key, sizeof key, "%04d%02d%02d ", y, m, d);
    newsdex_status st = nx_normalised_title(analyzer, a->title, key + n, sizeof key - (size_t)n,
                                            err);
    if (st != NEWSDEX_OK || key[n] == '\0')
        return st;
    return nx_xdoc_set_value(doc, NX_SLOT_COLLAPSE, key, strlen(key), err);
}

static size_t field_len(const char *s)
{
    return s ? strlen(s) : 0;
}

static char *put_field(char *p, const char *s, size_t n)
{
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p + n + 1;
}

/* The hit record (see NX_SLOT_HIT). */
static newsdex_status set_hit_record(const newsdex_article *a, int has_date, int64_t when,
                                     nx_xdoc *doc, nx_error *err)
{
    char day[11] = "";
    if (has_date)
        nx_date_format_day(when, day);
    size_t body = field_len(a->body);
    if (body > NX_HIT_BODY_MAX) {
        body = NX_HIT_BODY_MAX;
        while (body > 0 && ((unsigned char)a->body[body] & 0xC0) == 0x80)
            body--;
    }
    size_t n[6] = {field_len(a->id), field_len(a->title), strlen(day), field_len(a->source),
                   field_len(a->url), body};
    const char *f[6] = {a->id, a->title, day, a->source, a->url, a->body};
    size_t total = 1;
    for (int i = 0; i < 6; i++)
        total += n[i] + 1;
    char *rec = malloc(total), *p = rec;
    if (!rec)
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory");
    *p++ = NX_HIT_RECORD_FORMAT;
    for (int i = 0; i < 6; i++)
        p = put_field(p, f[i], n[i]);
    newsdex_status st = nx_xdoc_set_value(doc, NX_SLOT_HIT, rec, total, err);
    free(rec);
    return st;
}

newsdex_status nx_doc_values_add(nx_analyzer *analyzer, const newsdex_article *a, int has_date,
                                 int64_t when, nx_xdoc *doc, nx_error *err)
{
    newsdex_status st = set_string(doc, NX_SLOT_SOURCE, a->source ? a->source : "",
                                   a->source ? strlen(a->source) : 0, err);
    if (st == NEWSDEX_OK)
        st = set_topics(a, doc, err);
    if (st == NEWSDEX_OK && has_date)
        st = set_collapse_key(analyzer, a, when, doc, err);
    if (st == NEWSDEX_OK)
        st = set_hit_record(a, has_date, when, doc, err);
    return st;
}
