/* newsdex_similar: articles most like a given one. The words that set the
 * article apart (Xapian's expand set over it, stemmed terms, best first)
 * become an any-word query, ranked as usual; the article itself is left
 * out, and options->from and ->to still apply. The results keep those
 * words and their weights (newsdex_results_similar_term_get). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date_filter.h"
#include "query_builder.h"
#include "search_internal.h"
#include "../engine/stopwords.h"
#include "../engine/terms.h"
#include "../engine/utf8.h"

/* Words taken from the article. */
#define NX_SIMILAR_TERMS 24

typedef struct similar_query {
    char **terms;
    double *weights;    /* each term's expand weight */
    size_t n;
    char **stems;       /* the terms without their prefix (for highlighting) */
    nx_xquery *query;
} similar_query;

static void similar_free(similar_query *s)
{
    nx_xterms_free(s->terms, s->n);
    free(s->weights);
    free(s->stems);
    nx_xquery_free(s->query);
}

static newsdex_status or_of_terms(newsdex_db *db, similar_query *s)
{
    nx_xquery **parts = calloc(s->n, sizeof *parts);
    s->stems = calloc(s->n, sizeof *s->stems);
    newsdex_status st = parts && s->stems ? NEWSDEX_OK
                                          : nx_error_set(&db->err, NEWSDEX_ERR_NOMEM, "out of memory");
    size_t k = 0;
    for (; st == NEWSDEX_OK && k < s->n; k++) {
        s->stems[k] = s->terms[k] + strlen(NX_PREFIX_STEM);
        st = nx_xquery_term(s->terms[k], 1, 0, &parts[k], &db->err);
    }
    if (st == NEWSDEX_OK)
        st = nx_xquery_combine(NX_XQ_OR, parts, s->n, 0, &s->query, &db->err);
    for (size_t i = 0; parts && i < k; i++)
        nx_xquery_free(parts[i]);
    free(parts);
    return st;
}

/* s->query AND NOT the article itself. */
static newsdex_status leave_out(newsdex_db *db, const char *id_term, similar_query *s)
{
    nx_xquery *self = NULL, *q = NULL;
    newsdex_status st = nx_xquery_term(id_term, 1, 0, &self, &db->err);
    nx_xquery *parts[2] = {s->query, self};
    if (st == NEWSDEX_OK)
        st = nx_xquery_combine(NX_XQ_AND_NOT, parts, 2, 0, &q, &db->err);
    nx_xquery_free(self);
    if (st == NEWSDEX_OK) {
        nx_xquery_free(s->query);
        s->query = q;
    }
    return st;
}

static newsdex_status bound(newsdex_db *db, const char *text, int upper, const char *member,
                            char out[9])
{
    out[0] = '\0';
    if (!text || !*text)
        return NEWSDEX_OK;
    nx_error inner;
    if (nx_query_date_bound(text, strlen(text), upper, out, &inner) == NEWSDEX_OK)
        return NEWSDEX_OK;
    return nx_error_set(&db->err, NEWSDEX_ERR_QUERY, "%s: %s", member, inner.message);
}

/* options->from and ->to, as for a search. */
static newsdex_status filter_by_option_dates(newsdex_db *db, const newsdex_search_options *o,
                                             similar_query *s)
{
    char lo[9], hi[9];
    newsdex_status st = bound(db, o->from, 0, "options->from", lo);
    if (st == NEWSDEX_OK)
        st = bound(db, o->to, 1, "options->to", hi);
    if (st != NEWSDEX_OK || (!lo[0] && !hi[0]))
        return st;
    nx_xquery *dates = NULL, *q = NULL;
    st = nx_query_date_filter(lo, hi, &dates, &db->err);
    nx_xquery *parts[2] = {s->query, dates};
    if (st == NEWSDEX_OK)
        st = nx_xquery_combine(NX_XQ_FILTER, parts, 2, 0, &q, &db->err);
    nx_xquery_free(dates);
    if (st == NEWSDEX_OK) {
        nx_xquery_free(s->query);
        s->query = q;
    }
    return st;
}

/* Stopwords say nothing about what an article is about. */
static int telling(const char *term, size_t len, void *ctx)
{
    (void)ctx;
    size_t skip = strlen(NX_PREFIX_STEM);
    return len > skip + 1 && !nx_is_stopword(term + skip, len - skip);
}

static newsdex_status build(newsdex_db *db, const newsdex_search_options *o, const char *id,
                            similar_query *s)
{
    char id_term[NX_ID_MAX_BYTES + 8];
    snprintf(id_term, sizeof id_term, "%s%s", NX_PREFIX_ID, id);
    int found = 0;
    newsdex_status st = nx_xdb_describing_terms(db->xdb, id_term, NX_PREFIX_STEM,
                                                NX_PREFIX_TITLE_STEM, telling, NULL,
                                                NX_SIMILAR_TERMS, &s->terms, &s->weights,
                                                &s->n, &found, &db->err);
    if (st == NEWSDEX_OK && !found)
        st = nx_error_set(&db->err, NEWSDEX_ERR_NOT_FOUND, "no article has the id \"%.200s\"",
                          id);
    if (st == NEWSDEX_OK && s->n == 0)
        st = nx_xquery_match_nothing(&s->query, &db->err);
    else if (st == NEWSDEX_OK)
        st = or_of_terms(db, s);
    if (st == NEWSDEX_OK)
        st = leave_out(db, id_term, s);
    if (st == NEWSDEX_OK)
        st = filter_by_option_dates(db, o, s);
    return st;
}

newsdex_status newsdex_similar(newsdex_db *db, const char *id,
                               const newsdex_search_options *o, newsdex_results **out)
{
    if (out)
        *out = NULL;
    if (!db)
        return NEWSDEX_ERR_INVALID;
    nx_error_clear(&db->err);
    if (!out)
        return nx_error_set(&db->err, NEWSDEX_ERR_INVALID, "newsdex_similar: results is NULL");
    nx_budget_start(db);
    newsdex_search_options copy;
    o = nx_search_options_take(o, &copy);
    newsdex_status st = nx_search_check_options(db, o);
    if (st == NEWSDEX_OK && (!id || !*id || strlen(id) > NX_ID_MAX_BYTES ||
                             !nx_utf8_valid(id, strlen(id))))
        st = nx_error_set(&db->err, NEWSDEX_ERR_INVALID, "an article id is 1 to %d bytes of UTF-8",
                          NX_ID_MAX_BYTES);
    for (unsigned attempt = 0; st == NEWSDEX_OK; attempt++) {
        similar_query s = {0};
        st = build(db, o, id, &s);
        if (st == NEWSDEX_OK)
            st = nx_budget_time(db);
        if (st == NEWSDEX_OK) {
            nx_search_request req = {s.query, NULL, NULL, s.stems, s.n, ""};
            char end[9];
            if (o->to && bound(db, o->to, 1, "options->to", end) == NEWSDEX_OK)
                memcpy(req.range_end, end, sizeof end);
            st = nx_search_execute(db, o, &req, out);
        }
        if (st == NEWSDEX_OK) { /* the words used go with the results */
            (*out)->similar_terms = s.terms;
            (*out)->similar_weights = s.weights;
            (*out)->n_similar = s.n;
            s.terms = NULL;
            s.weights = NULL;
            s.n = 0;
        }
        similar_free(&s);
        if (!nx_db_recover(db, st, attempt))
            break;
        nx_budget_start(db);
        st = NEWSDEX_OK;
    }
    if (st == NEWSDEX_OK && (st = nx_results_note_missing(db, *out)) != NEWSDEX_OK) {
        newsdex_results_free(*out);
        *out = NULL;
    }
    return st;
}
