/* Searching: the newsdex_db_* and newsdex_search part of the public API.
 * query text -> parser -> builder -> Xapian -> stored articles -> hits. */
#include <stdlib.h>
#include <string.h>

#include "newsdex.h"
#include "query_builder.h"
#include "query_parser.h"
#include "snippet.h"
#include "../engine/stored_doc.h"
#include "../engine/xapian_wrapper.h"

#define LIMIT_MAX 10000

struct newsdex_db {
    nx_xdb *xdb;
    nx_analyzer *analyzer;
    nx_error err;
};

struct newsdex_results {
    uint64_t total_estimate;
    size_t n;
    newsdex_hit *hits;   /* strings are malloc'd and owned here */
};

newsdex_status newsdex_db_open(const char *path, newsdex_db **out, char **error_message)
{
    *out = NULL;
    if (error_message)
        *error_message = NULL;
    nx_error err;
    nx_error_clear(&err);
    newsdex_db *db = calloc(1, sizeof *db);
    newsdex_status st = db ? NEWSDEX_OK : nx_error_set(&err, NEWSDEX_ERR_NOMEM, "out of memory");
    if (st == NEWSDEX_OK)
        st = nx_analyzer_new(NULL, &db->analyzer, &err);
    if (st == NEWSDEX_OK) {
        st = nx_xdb_open_readonly(path, &db->xdb, &err);
        if (st == NEWSDEX_ERR_NOT_FOUND)
            nx_error_set(&err, st, "no index at %s (create one with: newsdex index --db %s FILE...)",
                         path, path);
        else if (st != NEWSDEX_OK) {
            char inner[NX_ERROR_MAX];
            memcpy(inner, err.message, sizeof inner);
            nx_error_set(&err, st, "cannot open index %s: %.400s", path, inner);
        }
    }
    if (st != NEWSDEX_OK) {
        if (error_message)
            *error_message = nx_error_strdup(&err);
        newsdex_db_close(db);
        return st;
    }
    nx_error_clear(&db->err);
    *out = db;
    return NEWSDEX_OK;
}

newsdex_status newsdex_db_count(newsdex_db *db, uint64_t *count)
{
    nx_error_clear(&db->err);
    return nx_xdb_doccount(db->xdb, count, &db->err);
}

const char *newsdex_db_last_error(const newsdex_db *db)
{
    return db ? db->err.message : "";
}

void newsdex_db_close(newsdex_db *db)
{
    if (!db)
        return;
    nx_xdb_close(db->xdb, NULL);
    nx_analyzer_free(db->analyzer);
    free(db);
}

void newsdex_search_options_init(newsdex_search_options *o)
{
    memset(o, 0, sizeof *o);
    o->limit = 10;
    o->snippets = 1;
    o->snippet_chars = 200;
}

static char *copy_str(const char *s)
{
    return strdup(s ? s : "");
}

static void free_hit(newsdex_hit *h)
{
    free((char *)h->id);
    free((char *)h->title);
    free((char *)h->date);
    free((char *)h->source);
    free((char *)h->url);
    free((char *)h->snippet);
}

/* Fills hit from one stored article. */
static newsdex_status make_hit(newsdex_db *db, const newsdex_search_options *o,
                               const nx_built_query *bq, const char *data, size_t len,
                               newsdex_hit *hit)
{
    nx_stored_doc doc;
    newsdex_status st = nx_stored_decode(data, len, &doc, &db->err);
    if (st != NEWSDEX_OK)
        return st;
    nx_snippet snip = {0};
    if (o->snippets)
        st = nx_snippet_make(db->analyzer, doc.body[0] ? doc.body : doc.title, bq->stems,
                             bq->n_stems, o->snippet_chars ? o->snippet_chars : 200, &snip,
                             &db->err);
    char day[11] = "";
    if (strlen(doc.date) >= 10) {
        memcpy(day, doc.date, 10);
        day[10] = '\0';
    }
    hit->id = copy_str(doc.id);
    hit->title = copy_str(doc.title);
    hit->date = copy_str(day);
    hit->source = copy_str(doc.source);
    hit->url = copy_str(doc.url);
    hit->snippet = copy_str(snip.text);
    nx_snippet_free(&snip);
    nx_stored_doc_free(&doc);
    if (st == NEWSDEX_OK && (!hit->id || !hit->title || !hit->date || !hit->source ||
                             !hit->url || !hit->snippet))
        st = nx_error_set(&db->err, NEWSDEX_ERR_NOMEM, "out of memory");
    return st;
}

static newsdex_status collect_hits(newsdex_db *db, const newsdex_search_options *o,
                                   const nx_built_query *bq, nx_xmatches *m,
                                   newsdex_results *r)
{
    size_t n = nx_xmatches_count(m);
    r->total_estimate = nx_xmatches_estimate(m);
    r->hits = calloc(n ? n : 1, sizeof *r->hits);
    if (!r->hits)
        return nx_error_set(&db->err, NEWSDEX_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const char *data;
        size_t len;
        newsdex_hit *hit = &r->hits[r->n++];
        nx_xmatches_get(m, i, &hit->score, &data, &len);
        hit->rank = o->offset + (uint32_t)i + 1;
        newsdex_status st = make_hit(db, o, bq, data, len, hit);
        if (st != NEWSDEX_OK)
            return st;
    }
    return NEWSDEX_OK;
}

newsdex_status newsdex_search(newsdex_db *db, const newsdex_search_options *o,
                              newsdex_results **out)
{
    *out = NULL;
    nx_error_clear(&db->err);
    if (!o || !o->query)
        return nx_error_set(&db->err, NEWSDEX_ERR_INVALID, "no query given");
    if (o->limit > LIMIT_MAX)
        return nx_error_set(&db->err, NEWSDEX_ERR_INVALID, "limit %u is above the maximum %d",
                            o->limit, LIMIT_MAX);
    nx_query_tree tree;
    newsdex_status st = nx_query_parse(o->query, &tree, &db->err);
    nx_built_query bq = {0};
    if (st == NEWSDEX_OK)
        st = nx_query_build(db->analyzer, &tree, &bq, &db->err);
    nx_query_tree_free(&tree);
    if (st == NEWSDEX_OK && !bq.query)
        st = nx_error_set(&db->err, NEWSDEX_ERR_QUERY, "the query has no words to search for");
    nx_xmatches *m = NULL;
    if (st == NEWSDEX_OK)
        st = nx_xdb_search(db->xdb, bq.query, o->offset, o->limit, &m, &db->err);
    newsdex_results *r = NULL;
    if (st == NEWSDEX_OK && !(r = calloc(1, sizeof *r)))
        st = nx_error_set(&db->err, NEWSDEX_ERR_NOMEM, "out of memory");
    if (st == NEWSDEX_OK)
        st = collect_hits(db, o, &bq, m, r);
    nx_xmatches_free(m);
    nx_built_query_free(&bq);
    if (st != NEWSDEX_OK) {
        newsdex_results_free(r);
        return st;
    }
    *out = r;
    return NEWSDEX_OK;
}

size_t newsdex_results_count(const newsdex_results *r)
{
    return r ? r->n : 0;
}

uint64_t newsdex_results_total_estimate(const newsdex_results *r)
{
    return r ? r->total_estimate : 0;
}

newsdex_status newsdex_results_get(const newsdex_results *r, size_t index, newsdex_hit *hit)
{
    if (!r || index >= r->n)
        return NEWSDEX_ERR_INVALID;
    *hit = r->hits[index];
    return NEWSDEX_OK;
}

void newsdex_results_free(newsdex_results *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        free_hit(&r->hits[i]);
    free(r->hits);
    free(r);
}
