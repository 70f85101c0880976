/* newsdex_document_get: one stored article by id, whole, with the words of
 * a query marked in its title and body. A word is marked when its stem is
 * one of the query's stems, as in snippets, so every inflection counts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query_builder.h"
#include "ranking.h"
#include "search_internal.h"
#include "../engine/stored_doc.h"
#include "../engine/terms.h"
#include "../engine/utf8.h"

/* The document handed out, first, and what it owns. */
typedef struct held_document {
    newsdex_document pub;
    char *strings[6]; /* id, title, date, source, url, body */
    char **topics;
    size_t *title_marks, *body_marks;
} held_document;

void newsdex_document_free(newsdex_document *doc)
{
    if (!doc)
        return;
    held_document *h = (held_document *)doc;
    for (size_t i = 0; i < sizeof h->strings / sizeof h->strings[0]; i++)
        free(h->strings[i]);
    for (size_t i = 0; h->topics && i < doc->n_topics; i++)
        free(h->topics[i]);
    free(h->topics);
    free(h->title_marks);
    free(h->body_marks);
    free(h);
}

/* ---- Marks ---- */

typedef struct marker {
    char *const *stems;
    size_t n_stems;
    size_t *v; /* pairs */
    size_t n, cap;
    int failed;
} marker;

static int mark_token(const nx_token *tok, void *ctx)
{
    marker *m = ctx;
    size_t i = 0;
    while (i < m->n_stems && strcmp(tok->stem, m->stems[i]) != 0)
        i++;
    if (i == m->n_stems)
        return 0;
    if (m->n == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 16;
        size_t *v = realloc(m->v, 2 * cap * sizeof *v);
        if (!v)
            return m->failed = 1;
        m->v = v;
        m->cap = cap;
    }
    m->v[2 * m->n] = tok->start;
    m->v[2 * m->n + 1] = tok->end;
    m->n++;
    return 0;
}

static newsdex_status mark_text(newsdex_db *db, const nx_built_query *bq, const char *text,
                                size_t **marks, size_t *n)
{
    marker m = {.stems = bq->stems, .n_stems = bq->n_stems};
    newsdex_status st = NEWSDEX_OK;
    if (bq->n_stems && *text)
        st = nx_analyze(db->analyzer, text, strlen(text), mark_token, &m, &db->err);
    if (st == NEWSDEX_OK && m.failed)
        st = nx_error_set(&db->err, NEWSDEX_ERR_NOMEM, "out of memory");
    if (st != NEWSDEX_OK) {
        free(m.v);
        return st;
    }
    *marks = m.v;
    *n = m.n;
    return NEWSDEX_OK;
}

/* Any field name is taken: only the words of the query matter here. */
static int any_field(const char *name, void *ctx)
{
    (void)name, (void)ctx;
    return 1;
}

static newsdex_status mark_query(newsdex_db *db, const char *query, held_document *h)
{
    if (!query || !*query)
        return NEWSDEX_OK;
    nx_query_tree tree = {0};
    nx_built_query bq = {0};
    newsdex_status st = nx_query_parse_with(query, any_field, NULL, &tree, &db->err);
    if (st == NEWSDEX_OK)
        st = nx_query_build(db->analyzer, &tree, &bq, &db->err);
    if (st == NEWSDEX_OK)
        st = mark_text(db, &bq, h->pub.title, &h->title_marks, &h->pub.n_title_marks);
    if (st == NEWSDEX_OK)
        st = mark_text(db, &bq, h->pub.body, &h->body_marks, &h->pub.n_body_marks);
    h->pub.title_marks = h->title_marks;
    h->pub.body_marks = h->body_marks;
    nx_built_query_free(&bq);
    nx_query_tree_free(&tree);
    return st;
}

/* ---- The stored article ---- */

static newsdex_status copy_topics(newsdex_db *db, const nx_stored_doc *sd, held_document *h)
{
    size_t n = 0;
    const char **topics = nx_stored_list_values(sd, "topics", &n);
    h->topics = calloc(n ? n : 1, sizeof *h->topics);
    if (!h->topics)
        return nx_error_set(&db->err, NEWSDEX_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        if (!(h->topics[h->pub.n_topics] = strdup(topics[i])))
            return nx_error_set(&db->err, NEWSDEX_ERR_NOMEM, "out of memory");
        h->pub.n_topics++;
    }
    h->pub.topics = (const char *const *)h->topics;
    return NEWSDEX_OK;
}

static newsdex_status copy_fields(newsdex_db *db, const nx_stored_doc *sd, held_document *h)
{
    char day[11] = "";
    if (strlen(sd->date) >= 10) {
        memcpy(day, sd->date, 10);
        day[10] = '\0';
    }
    const char *from[6] = {sd->id, sd->title, day, sd->source, sd->url, sd->body};
    for (size_t i = 0; i < 6; i++)
        if (!(h->strings[i] = strdup(from[i] ? from[i] : "")))
            return nx_error_set(&db->err, NEWSDEX_ERR_NOMEM, "out of memory");
    h->pub.id = h->strings[0];
    h->pub.title = h->strings[1];
    h->pub.date = h->strings[2];
    h->pub.source = h->strings[3];
    h->pub.url = h->strings[4];
    h->pub.body = h->strings[5];
    return copy_topics(db, sd, h);
}

/* The article indexed by Q<id>: the first match of that term, if any. */
static newsdex_status read_article(newsdex_db *db, const char *id, held_document *h)
{
    char id_term[NX_ID_MAX_BYTES + 8];
    snprintf(id_term, sizeof id_term, "%s%s", NX_PREFIX_ID, id);
    nx_xquery *q = NULL;
    nx_xresults *m = NULL;
    nx_xrank_params p = {.offset = 0, .limit = 1, .bm25 = nx_rank_bm25(),
                         .order = NX_XORDER_RELEVANCE, .date_slot = NX_SLOT_DATE,
                         .budget = &db->budget};
    newsdex_status st = nx_xquery_term(id_term, 1, 0, &q, &db->err);
    if (st == NEWSDEX_OK)
        st = nx_budget_status(db, nx_rank_window(db->xdb, q, &p, &m, &db->err));
    if (st == NEWSDEX_OK && nx_xresults_count(m) == 0)
        st = nx_error_set(&db->err, NEWSDEX_ERR_NOT_FOUND, "no article has id \"%s\"", id);
    if (st == NEWSDEX_OK) {
        double weight;
        const char *data;
        size_t len;
        nx_stored_doc sd = {0};
        nx_xresults_get(m, 0, &weight, &data, &len);
        st = nx_stored_decode(data, len, &sd, &db->err);
        if (st == NEWSDEX_OK)
            st = copy_fields(db, &sd, h);
        nx_stored_doc_free(&sd);
    }
    nx_xresults_free(m);
    nx_xquery_free(q);
    return st;
}

newsdex_status newsdex_document_get(newsdex_db *db, const char *id, const char *query,
                                    newsdex_document **doc)
{
    if (doc)
        *doc = NULL;
    if (!db)
        return NEWSDEX_ERR_INVALID;
    nx_error_clear(&db->err);
    if (!doc)
        return nx_error_set(&db->err, NEWSDEX_ERR_INVALID, "newsdex_document_get: doc is NULL");
    if (!id || !*id || strlen(id) > NX_ID_MAX_BYTES || !nx_utf8_valid(id, strlen(id)))
        return nx_error_set(&db->err, NEWSDEX_ERR_INVALID,
                            "id: an article id is 1 to %d bytes of UTF-8", NX_ID_MAX_BYTES);
    held_document *h = calloc(1, sizeof *h);
    if (!h)
        return nx_error_set(&db->err, NEWSDEX_ERR_NOMEM, "out of memory");
    h->pub.size = sizeof h->pub;
    nx_budget_start(db);
    newsdex_status st = read_article(db, id, h);
    if (st == NEWSDEX_OK)
        st = mark_query(db, query, h);
    if (st != NEWSDEX_OK) {
        newsdex_document_free(&h->pub);
        return st;
    }
    *doc = &h->pub;
    return NEWSDEX_OK;
}
