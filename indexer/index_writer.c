/* The index writer: newsdex_article -> Xapian document, added or replaced
 * by id. Implements the newsdex_writer_* part of the public API. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "newsdex.h"
#include "../engine/analyzer.h"
#include "../engine/date.h"
#include "../engine/field_terms.h"
#include "../engine/stored_doc.h"
#include "../engine/terms.h"
#include "../engine/utf8.h"
#include "../engine/xapian_wrapper.h"

struct newsdex_writer {
    nx_xdb *db;
    nx_analyzer *analyzer;
    char *path;
    nx_error err;
};

/* State while turning one text field into postings. */
typedef struct posting_ctx {
    nx_xdoc *doc;
    nx_error *err;
    uint32_t base;       /* first position of this field */
    uint32_t next;       /* one past the last position used */
    uint32_t wdf;        /* wdf per occurrence */
    int title;           /* also add S/ZS terms */
    newsdex_status status;
    char term[NX_TERM_MAX_BYTES + 8];
} posting_ctx;

static newsdex_status add_prefixed(posting_ctx *c, const char *prefix, const char *word,
                                   int positional, uint32_t pos)
{
    snprintf(c->term, sizeof c->term, "%s%s", prefix, word);
    if (positional)
        return nx_xdoc_add_posting(c->doc, c->term, pos, c->wdf, c->err);
    return nx_xdoc_add_term(c->doc, c->term, c->wdf, c->err);
}

static int add_token(const nx_token *tok, void *ctx)
{
    posting_ctx *c = ctx;
    uint32_t pos = c->base + tok->position + 1; /* Xapian positions start at 1 */
    newsdex_status st = add_prefixed(c, "", tok->text, 1, pos);
    if (st == NEWSDEX_OK)
        st = add_prefixed(c, NX_PREFIX_STEM, tok->stem, 0, 0);
    if (st == NEWSDEX_OK && c->title)
        st = add_prefixed(c, NX_PREFIX_TITLE, tok->text, 1, pos);
    if (st == NEWSDEX_OK && c->title)
        st = add_prefixed(c, NX_PREFIX_TITLE_STEM, tok->stem, 0, 0);
    c->next = pos + 1;
    c->status = st;
    return st != NEWSDEX_OK;
}

static newsdex_status index_text(newsdex_writer *w, posting_ctx *c, const char *text)
{
    if (!text || !*text)
        return NEWSDEX_OK;
    c->status = NEWSDEX_OK;
    newsdex_status st = nx_analyze(w->analyzer, text, strlen(text), add_token, c, &w->err);
    return st != NEWSDEX_OK ? st : c->status;
}

static newsdex_status add_filter(newsdex_writer *w, nx_xdoc *doc, const char *field,
                                 const char *value)
{
    char term[NX_TERM_MAX_BYTES + 8];
    newsdex_status st = nx_field_term(w->analyzer, field, value, term, sizeof term, &w->err);
    if (st == NEWSDEX_OK && term[0])
        st = nx_xdoc_add_boolean_term(doc, term, &w->err);
    return st;
}

static newsdex_status add_date_terms(newsdex_writer *w, nx_xdoc *doc, int64_t when)
{
    int y, m, d;
    char term[32];
    nx_date_split(when, &y, &m, &d);
    snprintf(term, sizeof term, "%s%04d", NX_PREFIX_YEAR, y);
    newsdex_status st = nx_xdoc_add_term(doc, term, 1, &w->err);
    snprintf(term, sizeof term, "%s%04d%02d", NX_PREFIX_MONTH, y, m);
    if (st == NEWSDEX_OK)
        st = nx_xdoc_add_boolean_term(doc, term, &w->err);
    snprintf(term, sizeof term, "%s%04d%02d%02d", NX_PREFIX_DAY, y, m, d);
    if (st == NEWSDEX_OK)
        st = nx_xdoc_add_boolean_term(doc, term, &w->err);
    char iso[21], slot[15];
    nx_date_format_iso(when, iso);
    /* "YYYY-MM-DDTHH:MM:SSZ" -> "YYYYMMDDhhmmss" */
    snprintf(slot, sizeof slot, "%.4s%.2s%.2s%.2s%.2s%.2s", iso, iso + 5, iso + 8, iso + 11,
             iso + 14, iso + 17);
    if (st == NEWSDEX_OK)
        st = nx_xdoc_set_value(doc, NX_SLOT_DATE, slot, 14, &w->err);
    return st;
}

/* Checks what the reader cannot: id shape, title or body, date syntax. */
static newsdex_status validate(newsdex_writer *w, const newsdex_article *a, int64_t *when,
                               int *has_date)
{
    if (!a->id || !*a->id)
        return nx_error_set(&w->err, NEWSDEX_ERR_INVALID, "missing \"id\"");
    size_t id_len = strlen(a->id);
    if (id_len > NX_ID_MAX_BYTES)
        return nx_error_set(&w->err, NEWSDEX_ERR_INVALID, "\"id\" is longer than %d bytes",
                            NX_ID_MAX_BYTES);
    if (!nx_utf8_valid(a->id, id_len))
        return nx_error_set(&w->err, NEWSDEX_ERR_INVALID, "\"id\" is not valid UTF-8");
    if ((!a->title || !*a->title) && (!a->body || !*a->body))
        return nx_error_set(&w->err, NEWSDEX_ERR_INVALID, "needs a \"title\" or a \"body\"");
    *has_date = a->date && *a->date;
    if (*has_date)
        return nx_date_parse(a->date, when, &w->err);
    return NEWSDEX_OK;
}

static newsdex_status build_document(newsdex_writer *w, const newsdex_article *a, int has_date,
                                     int64_t when, nx_xdoc *doc)
{
    posting_ctx c = {.doc = doc, .err = &w->err, .wdf = NX_TITLE_WDF, .title = 1};
    newsdex_status st = index_text(w, &c, a->title);
    c.base = c.next + NX_TITLE_BODY_GAP;
    c.wdf = 1;
    c.title = 0;
    if (st == NEWSDEX_OK)
        st = index_text(w, &c, a->body);
    if (st == NEWSDEX_OK && has_date)
        st = add_date_terms(w, doc, when);
    if (st == NEWSDEX_OK && a->source && *a->source)
        st = add_filter(w, doc, NX_FIELD_SOURCE, a->source);
    for (size_t i = 0; st == NEWSDEX_OK && i < a->n_lists; i++)
        for (size_t j = 0; st == NEWSDEX_OK && j < a->lists[i].count; j++)
            st = add_filter(w, doc, a->lists[i].name, a->lists[i].values[j]);

    char iso[21];
    if (has_date)
        nx_date_format_iso(when, iso);
    char *data = NULL;
    size_t data_len = 0;
    if (st == NEWSDEX_OK)
        st = nx_stored_encode(a, has_date ? iso : NULL, &data, &data_len, &w->err);
    if (st == NEWSDEX_OK)
        st = nx_xdoc_set_data(doc, data, data_len, &w->err);
    free(data);
    return st;
}

newsdex_status newsdex_writer_open(const char *path, newsdex_writer **writer, char **error_message)
{
    *writer = NULL;
    if (error_message)
        *error_message = NULL;
    nx_error err;
    nx_error_clear(&err);
    newsdex_writer *w = calloc(1, sizeof *w);
    newsdex_status st = w ? NEWSDEX_OK : nx_error_set(&err, NEWSDEX_ERR_NOMEM, "out of memory");
    if (st == NEWSDEX_OK && !(w->path = strdup(path)))
        st = nx_error_set(&err, NEWSDEX_ERR_NOMEM, "out of memory");
    if (st == NEWSDEX_OK)
        st = nx_analyzer_new(NULL, &w->analyzer, &err);
    if (st == NEWSDEX_OK)
        st = nx_xdb_open_writable(path, &w->db, &err);
    if (st != NEWSDEX_OK) {
        if (st == NEWSDEX_ERR_LOCKED)
            nx_error_set(&err, st, "index %s is locked by another writer", path);
        else {
            char inner[NX_ERROR_MAX];
            memcpy(inner, err.message, sizeof inner);
            nx_error_set(&err, st, "cannot open index %s for writing: %.400s", path, inner);
        }
        if (error_message)
            *error_message = nx_error_strdup(&err);
        newsdex_writer_close(w);
        return st;
    }
    nx_error_clear(&w->err);
    *writer = w;
    return NEWSDEX_OK;
}

newsdex_status newsdex_writer_put(newsdex_writer *w, const newsdex_article *a,
                                  newsdex_put_outcome *outcome)
{
    nx_error_clear(&w->err);
    int64_t when = 0;
    int has_date = 0;
    newsdex_status st = validate(w, a, &when, &has_date);
    if (st != NEWSDEX_OK)
        return st;

    char id_term[NX_ID_MAX_BYTES + 8];
    snprintf(id_term, sizeof id_term, "%s%s", NX_PREFIX_ID, a->id);
    int exists = 0;
    nx_xdoc *doc = NULL;
    st = nx_xdb_term_exists(w->db, id_term, &exists, &w->err);
    if (st == NEWSDEX_OK)
        st = nx_xdoc_new(&doc, &w->err);
    if (st == NEWSDEX_OK)
        st = nx_xdoc_add_boolean_term(doc, id_term, &w->err);
    if (st == NEWSDEX_OK)
        st = build_document(w, a, has_date, when, doc);
    if (st == NEWSDEX_OK)
        st = nx_xdb_replace(w->db, id_term, doc, &w->err);
    nx_xdoc_free(doc);
    if (st == NEWSDEX_OK && outcome)
        *outcome = exists ? NEWSDEX_PUT_REPLACED : NEWSDEX_PUT_ADDED;
    return st;
}

newsdex_status newsdex_writer_commit(newsdex_writer *w)
{
    nx_error_clear(&w->err);
    return nx_xdb_commit(w->db, &w->err);
}

newsdex_status newsdex_writer_count(newsdex_writer *w, uint64_t *count)
{
    nx_error_clear(&w->err);
    return nx_xdb_doccount(w->db, count, &w->err);
}

const char *newsdex_writer_last_error(const newsdex_writer *w)
{
    return w ? w->err.message : "";
}

newsdex_status newsdex_writer_close(newsdex_writer *w)
{
    if (!w)
        return NEWSDEX_OK;
    newsdex_status st = nx_xdb_close(w->db, &w->err);
    nx_analyzer_free(w->analyzer);
    free(w->path);
    free(w);
    return st;
}
