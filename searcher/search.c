/* Searching: the newsdex_db_* and newsdex_search part of the public API.
 * query text -> parser -> builder -> Xapian -> stored articles -> hits.
 * A query that matches nothing with every word required is searched as
 * its spelling correction when that matches with every word
 * (options->correct), else run again with any word (the builder's
 * `relaxed` query); the results say which. */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "newsdex.h"
#include "date_filter.h"
#include "query_builder.h"
#include "query_parser.h"
#include "ranking.h"
#include "search_internal.h"
#include "../engine/stored_doc.h"
#include "../engine/terms.h"
#include "../engine/xapian/xdb.h"
#include "../engine/xapian/xsearch.h"

/* The index's schema version (engine/terms.h, NX_META_SCHEMA) is one this
 * library reads. A remote or combined index answers for its first index. */
static newsdex_status check_schema(nx_xdb *xdb, const char *path, nx_error *err)
{
    char *value = NULL;
    size_t len = 0;
    newsdex_status st = nx_xdb_get_metadata(xdb, NX_META_SCHEMA, &value, &len, err);
    if (st == NEWSDEX_OK)
        st = nx_schema_check(path, value, len, err);
    free(value);
    return st;
}

/* The message for indexes that could not be opened together: path
 * `failed` of `paths`, or n if no one path was at fault. */
static void open_message(nx_error *err, newsdex_status st, const char *const *paths, size_t n,
                         size_t failed)
{
    const char *path = failed < n ? paths[failed] : "";
    char inner[NX_ERROR_MAX];
    memcpy(inner, err->message, sizeof inner);
    if (st == NEWSDEX_ERR_NOT_FOUND && failed < n)
        nx_error_set(err, st, "no index at %s", path);
    else if (failed < n)
        nx_error_set(err, st, "cannot open index %s: %.400s", path, inner);
    else
        nx_error_set(err, st, "cannot open %zu indexes together: %.400s", n, inner);
}

/* Opens paths[0..n-1] (checked: n >= 1, none NULL) as one handle. */
static newsdex_status open_indexes(const char *const *paths, size_t n,
                                   const newsdex_db_open_options *options, newsdex_db **out,
                                   char **error_message)
{
    nx_error err;
    nx_error_clear(&err);
    nx_xopen how = {0, 0};
    if (options) {
        size_t size = options->size ? options->size : sizeof *options;
        if (size >= offsetof(newsdex_db_open_options, shard_timeout_ms) + sizeof(uint32_t))
            how.timeout_ms = options->shard_timeout_ms;
        if (size >= offsetof(newsdex_db_open_options, partial) + sizeof(int))
            how.partial = options->partial;
    }
    newsdex_db *db = calloc(1, sizeof *db);
    newsdex_status st = db ? NEWSDEX_OK : nx_error_set(&err, NEWSDEX_ERR_NOMEM, "out of memory");
    if (st == NEWSDEX_OK)
        st = nx_analyzer_new(NULL, &db->analyzer, &err);
    if (st == NEWSDEX_OK) {
        size_t failed = n;
        st = nx_xdb_open_shards(paths, n, &how, &db->xdb, &failed, &err);
        if (st != NEWSDEX_OK)
            open_message(&err, st, paths, n, failed);
    }
    if (st == NEWSDEX_OK)
        st = check_schema(db->xdb, paths[0], &err);
    if (st != NEWSDEX_OK) {
        if (error_message)
            *error_message = nx_error_strdup(&err);
        newsdex_db_close(db);
        return st;
    }
    nx_error_clear(&db->err);
    static const int64_t defaults[NEWSDEX_LIMITS] = {
        [NEWSDEX_LIMIT_TIME_MS] = NEWSDEX_LIMIT_TIME_MS_DEFAULT,
        [NEWSDEX_LIMIT_WILDCARD_TERMS] = NEWSDEX_LIMIT_WILDCARD_TERMS_DEFAULT,
        [NEWSDEX_LIMIT_COUNTED_MATCHES] = NEWSDEX_LIMIT_COUNTED_MATCHES_DEFAULT,
        [NEWSDEX_LIMIT_QUERY_TERMS] = NEWSDEX_LIMIT_QUERY_TERMS_DEFAULT,
        [NEWSDEX_LIMIT_DEPTH] = NEWSDEX_LIMIT_DEPTH_DEFAULT,
    };
    memcpy(db->limits, defaults, sizeof defaults);
    db->budget.hit = -1;
    *out = db;
    return NEWSDEX_OK;
}

newsdex_status newsdex_db_open(const char *path, newsdex_db **out, char **error_message)
{
    if (out)
        *out = NULL;
    if (error_message)
        *error_message = NULL;
    if (!path || !out) {
        nx_error err;
        nx_error_set(&err, NEWSDEX_ERR_INVALID, "newsdex_db_open: %s is NULL",
                     !path ? "path" : "db");
        if (error_message)
            *error_message = nx_error_strdup(&err);
        return NEWSDEX_ERR_INVALID;
    }
    return open_indexes(&path, 1, NULL, out, error_message);
}

/* ---- Limits ---- */

int64_t newsdex_db_limit(newsdex_db *db, newsdex_limit which, int64_t value)
{
    if (!db || (int)which < 0 || (int)which >= NEWSDEX_LIMITS)
        return -1;
    int64_t old = db->limits[which];
    if (value >= 0)
        db->limits[which] = value;
    return old;
}

void nx_budget_start(newsdex_db *db)
{
    int64_t ms = db->limits[NEWSDEX_LIMIT_TIME_MS];
    int64_t counted = db->limits[NEWSDEX_LIMIT_COUNTED_MATCHES];
    db->budget.deadline_ns = 0;
    if (ms > 0) /* a limit past the year 2262 is no limit */
        db->budget.deadline_ns = ms < INT64_MAX / 2000000 ? nx_clock_ns() + (uint64_t)ms * 1000000u
                                                          : 0;
    db->budget.max_counted = counted > 0 ? (uint64_t)counted : 0;
    db->budget.hit = -1;
}

newsdex_status nx_limit_fail(newsdex_db *db, newsdex_limit which)
{
    static const char *const what[NEWSDEX_LIMITS][3] = {
        [NEWSDEX_LIMIT_TIME_MS] = {"NEWSDEX_LIMIT_TIME_MS", " ms", "it took too long"},
        [NEWSDEX_LIMIT_WILDCARD_TERMS] = {"NEWSDEX_LIMIT_WILDCARD_TERMS", " terms",
                                          "the query's wildcards expand to more words"},
        [NEWSDEX_LIMIT_COUNTED_MATCHES] = {"NEWSDEX_LIMIT_COUNTED_MATCHES", " matches",
                                           "more articles match than may be counted"},
        [NEWSDEX_LIMIT_QUERY_TERMS] = {"NEWSDEX_LIMIT_QUERY_TERMS", " terms",
                                       "the query has more terms"},
        [NEWSDEX_LIMIT_DEPTH] = {"NEWSDEX_LIMIT_DEPTH", "",
                                 "offset + limit reaches deeper into the ranking"},
    };
    db->budget.hit = (int)which;
    return nx_error_set(&db->err, NEWSDEX_ERR_LIMIT, "the search went over %s (%" PRId64 "%s): %s",
                        what[which][0], db->limits[which], what[which][1], what[which][2]);
}

newsdex_status nx_budget_time(newsdex_db *db)
{
    if (db->budget.deadline_ns && nx_clock_ns() > db->budget.deadline_ns)
        return nx_limit_fail(db, NEWSDEX_LIMIT_TIME_MS);
    return NEWSDEX_OK;
}

newsdex_status nx_budget_status(newsdex_db *db, newsdex_status st)
{
    if (st == NEWSDEX_ERR_LIMIT && db->budget.hit >= 0 && db->budget.hit < NEWSDEX_LIMITS)
        return nx_limit_fail(db, (newsdex_limit)db->budget.hit);
    return st;
}

/* ---- Several indexes at once (newsdex_db_open_many, newsdex_db_open_with) ---- */

newsdex_status newsdex_db_open_with(const char *const *paths, size_t n,
                                    const newsdex_db_open_options *options, newsdex_db **out,
                                    char **error_message)
{
    if (out)
        *out = NULL;
    if (error_message)
        *error_message = NULL;
    nx_error err;
    nx_error_clear(&err);
    newsdex_status st = NEWSDEX_OK;
    if (!out)
        st = nx_error_set(&err, NEWSDEX_ERR_INVALID, "newsdex_db_open_many: db is NULL");
    else if (!paths || n == 0)
        st = nx_error_set(&err, NEWSDEX_ERR_INVALID, "no index given");
    for (size_t i = 0; st == NEWSDEX_OK && i < n; i++)
        if (!paths[i])
            st = nx_error_set(&err, NEWSDEX_ERR_INVALID, "index %zu of %zu has no path", i + 1, n);
    if (st != NEWSDEX_OK) {
        if (error_message)
            *error_message = nx_error_strdup(&err);
        return st;
    }
    return open_indexes(paths, n, options, out, error_message);
}

newsdex_status newsdex_db_open_many(const char *const *paths, size_t n, newsdex_db **out,
                                    char **error_message)
{
    return newsdex_db_open_with(paths, n, NULL, out, error_message);
}

newsdex_status newsdex_db_count(newsdex_db *db, uint64_t *count)
{
    if (!db)
        return NEWSDEX_ERR_INVALID;
    nx_error_clear(&db->err);
    if (!count)
        return nx_error_set(&db->err, NEWSDEX_ERR_INVALID, "newsdex_db_count: count is NULL");
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
    nx_inflater_free(db->inflater);
    free(db);
}

void newsdex_search_options_init_sized(newsdex_search_options *o, size_t size)
{
    if (!o || size < sizeof o->size)
        return;
    newsdex_search_options d = {
        .size = size,
        .limit = 10,
        .snippets = 1,
        .snippet_chars = 200,
        .sort = NEWSDEX_SORT_RELEVANCE,
        .half_life_days = NEWSDEX_HALF_LIFE_DEFAULT,
        .suggest = 1,
        .correct = 1,
    };
    memset(o, 0, size);
    memcpy(o, &d, size < sizeof d ? size : sizeof d);
}

const newsdex_search_options *nx_search_options_take(const newsdex_search_options *in,
                                                     newsdex_search_options *copy)
{
    if (!in)
        return NULL;
    newsdex_search_options_init(copy);
    size_t size = in->size ? in->size : sizeof *in;
/* Members wholly inside the caller's size; the others keep their defaults. */
#define TAKE(member)                                                                       \
    if (offsetof(newsdex_search_options, member) + sizeof in->member <= size)               \
        copy->member = in->member
    TAKE(query);
    TAKE(offset);
    TAKE(limit);
    TAKE(snippets);
    TAKE(snippet_chars);
    TAKE(from);
    TAKE(to);
    TAKE(sort);
    TAKE(half_life_days);
    TAKE(any);
    TAKE(facets);
    TAKE(histogram);
    TAKE(collapse);
    TAKE(suggest);
    TAKE(correct);
#undef TAKE
    return copy;
}

/* ---- From query text to Xapian queries ---- */

/* A query, parsed and built, with options->from and ->to applied. */
typedef struct prepared {
    nx_query_tree tree;
    nx_built_query bq;
    nx_near_words near; /* weighed for the proximity boost */
    char lo[9], hi[9]; /* options->from and ->to as YYYYMMDD, "" if not given */
} prepared;

static void prepared_free(prepared *p)
{
    nx_query_tree_free(&p->tree);
    nx_built_query_free(&p->bq);
}

static int stop_at_first(const char *term, size_t len, uint64_t freq, void *ctx)
{
    (void)term, (void)len, (void)freq;
    *(int *)ctx = 1;
    return 1;
}

/* Parser callback: is there any X<NAME>: term? One seek in the term list. */
static int index_has_field(const char *name, void *ctx)
{
    newsdex_db *db = ctx;
    char prefix[NX_QUERY_FIELD_MAX + 8];
    size_t n = 0;
    prefix[n++] = 'X';
    for (; *name && n < sizeof prefix - 2; name++)
        prefix[n++] = *name >= 'a' && *name <= 'z' ? (char)(*name - 'a' + 'A') : *name;
    prefix[n++] = ':';
    prefix[n] = '\0';
    int found = 0;
    if (nx_xdb_each_term(db->xdb, prefix, stop_at_first, &found, NULL) != NEWSDEX_OK)
        return 0;
    return found;
}

static newsdex_status option_date(newsdex_db *db, const char *text, int upper,
                                  const char *member, char out[9])
{
    out[0] = '\0';
    if (!text || !*text)
        return NEWSDEX_OK;
    nx_error inner;
    nx_error_clear(&inner);
    if (nx_query_date_bound(text, strlen(text), upper, out, &inner) == NEWSDEX_OK)
        return NEWSDEX_OK;
    return nx_error_set(&db->err, NEWSDEX_ERR_QUERY, "%s: %s", member, inner.message);
}

/* options->from and ->to as YYYYMMDD bounds in lo and hi ("" if not given). */
static newsdex_status option_dates(newsdex_db *db, const newsdex_search_options *o, char lo[9],
                                   char hi[9])
{
    newsdex_status st = option_date(db, o->from, 0, "options->from", lo);
    if (st == NEWSDEX_OK)
        st = option_date(db, o->to, 1, "options->to", hi);
    if (st == NEWSDEX_OK && lo[0] && hi[0] && strcmp(lo, hi) > 0)
        st = nx_error_set(&db->err, NEWSDEX_ERR_QUERY,
                          "options->from (%.20s) is after options->to (%.20s)", o->from, o->to);
    return st;
}

/* q restricted to the dates (a NULL q means "any article in the dates"). */
static newsdex_status filter_by_dates(newsdex_db *db, const nx_xquery *dates, nx_xquery **q)
{
    if (!dates)
        return NEWSDEX_OK;
    nx_xquery *restricted = NULL;
    nx_xquery *parts[2] = {*q, (nx_xquery *)dates};
    newsdex_status st = *q ? nx_xquery_combine(NX_XQ_FILTER, parts, 2, 0, &restricted, &db->err)
                           : nx_xquery_scale(dates, 0.0, &restricted, &db->err);
    if (st == NEWSDEX_OK) {
        nx_xquery_free(*q);
        *q = restricted;
    }
    return st;
}

static newsdex_status apply_dates(newsdex_db *db, prepared *p)
{
    if (!p->lo[0] && !p->hi[0])
        return NEWSDEX_OK;
    nx_xquery *dates = NULL;
    newsdex_status st = nx_query_date_filter(p->lo, p->hi, &dates, &db->err);
    int had_query = p->bq.query != NULL;
    if (st == NEWSDEX_OK)
        st = filter_by_dates(db, dates, &p->bq.query);
    if (st == NEWSDEX_OK && had_query && p->bq.relaxed)
        st = filter_by_dates(db, dates, &p->bq.relaxed);
    nx_xquery_free(dates);
    return st;
}

/* Counting what a wildcard expands to: at most `cap` terms. */
typedef struct expansion {
    newsdex_db *db;
    uint64_t n, cap;
    int out_of_time;
} expansion;

static int count_expansion(const char *term, size_t len, uint64_t freq, void *ctx)
{
    (void)term, (void)len, (void)freq;
    expansion *e = ctx;
    if (++e->n % 256 == 0 && nx_budget_time(e->db) != NEWSDEX_OK)
        return e->out_of_time = 1;
    return e->n >= e->cap;
}

/* NEWSDEX_LIMIT_QUERY_TERMS and NEWSDEX_LIMIT_WILDCARD_TERMS: each wildcard
 * expands to its terms, at most the NX_WILDCARD_MAX_TERMS most frequent. */
static newsdex_status check_size(newsdex_db *db, const nx_built_query *bq)
{
    int64_t max_terms = db->limits[NEWSDEX_LIMIT_QUERY_TERMS];
    if (max_terms > 0 && bq->n_terms > (uint64_t)max_terms)
        return nx_limit_fail(db, NEWSDEX_LIMIT_QUERY_TERMS);
    int64_t max = db->limits[NEWSDEX_LIMIT_WILDCARD_TERMS];
    uint64_t total = 0;
    for (size_t i = 0; i < bq->n_wildcards; i++) {
        uint64_t left = max > 0 ? (uint64_t)max - total : UINT64_MAX - 1;
        expansion e = {db, 0, left + 1 < NX_WILDCARD_MAX_TERMS ? left + 1 : NX_WILDCARD_MAX_TERMS,
                       0};
        newsdex_status st = nx_xdb_each_term(db->xdb, bq->wildcards[i], count_expansion, &e,
                                             &db->err);
        if (st != NEWSDEX_OK)
            return st;
        if (e.out_of_time)
            return nx_limit_fail(db, NEWSDEX_LIMIT_TIME_MS);
        total += e.n;
        if (max > 0 && total > (uint64_t)max)
            return nx_limit_fail(db, NEWSDEX_LIMIT_WILDCARD_TERMS);
    }
    return nx_budget_time(db);
}

static newsdex_status prepare(newsdex_db *db, const newsdex_search_options *o, prepared *p)
{
    memset(p, 0, sizeof *p);
    if (!o || !o->query)
        return nx_error_set(&db->err, NEWSDEX_ERR_INVALID, "no query given");
    newsdex_status st = option_dates(db, o, p->lo, p->hi);
    if (st == NEWSDEX_OK)
        st = nx_query_parse_with(o->query, index_has_field, db, &p->tree, &db->err);
    if (st == NEWSDEX_OK)
        st = nx_budget_time(db);
    if (st == NEWSDEX_OK)
        st = nx_query_build(db->analyzer, &p->tree, &p->bq, &db->err);
    if (st == NEWSDEX_OK)
        st = check_size(db, &p->bq);
    if (st == NEWSDEX_OK)
        st = apply_dates(db, p);
    if (st == NEWSDEX_OK && !p->bq.query)
        st = nx_error_set(&db->err, NEWSDEX_ERR_QUERY, "the query has no words to search for");
    if (st == NEWSDEX_OK)
        st = nx_rank_near_words(db->analyzer, &p->tree, &p->near, &db->err);
    if (st != NEWSDEX_OK)
        prepared_free(p);
    return st;
}

/* The request for a prepared query: options->any ranks by the any-word query. */
static nx_search_request request_of(const prepared *p, const newsdex_search_options *o)
{
    nx_search_request req = {p->bq.query, p->bq.relaxed, &p->near, p->bq.stems, p->bq.n_stems,
                             ""};
    nx_rank_range_end(&p->tree, p->hi, req.range_end);
    if (o->any && p->bq.relaxed) {
        req.query = p->bq.relaxed;
        req.relaxed = NULL;
    }
    return req;
}

static newsdex_status search_prepared(newsdex_db *db, const newsdex_search_options *o,
                                      newsdex_results **out)
{
    prepared p;
    newsdex_status st = prepare(db, o, &p);
    if (st != NEWSDEX_OK)
        return st;
    nx_search_request req = request_of(&p, o);
    st = nx_search_execute(db, o, &req, out);
    prepared_free(&p);
    return st;
}

/* Few or no matches: is there a spelling that finds more? */
static int wants_suggestion(const newsdex_search_options *o, const newsdex_results *r)
{
    return o->suggest && (r->relaxed || r->total_estimate < NX_SUGGEST_BELOW);
}

static int finds_more(const newsdex_results *corrected, const newsdex_results *r)
{
    if (corrected->total_estimate == 0)
        return 0;
    if (!corrected->relaxed && r->relaxed)
        return 1;
    return corrected->relaxed == r->relaxed && corrected->total_estimate > r->total_estimate;
}

/* No article has every word of the query (what options->correct fixes). */
static int nothing_with_all_words(const newsdex_results *r)
{
    return r->relaxed || r->total == 0;
}

/* The corrected query `text`, searched with the caller's own options when
 * the results may become its (options->correct), else with a one-hit probe. */
static newsdex_status search_corrected(newsdex_db *db, const newsdex_search_options *o,
                                       const newsdex_results *r, const char *text,
                                       newsdex_results **corrected)
{
    newsdex_search_options fixed = *o;
    fixed.query = text;
    fixed.suggest = 0;
    if (!(o->correct && nothing_with_all_words(r))) {
        fixed.offset = 0;
        fixed.limit = 1;
        fixed.snippets = fixed.facets = fixed.histogram = 0;
    }
    return search_prepared(db, &fixed, corrected);
}

/* Looks for a likelier spelling of the query. When the query matched
 * nothing with all its words and the correction does, the correction's
 * results replace *r (options->correct; they come before the any-word
 * fallback); else r->suggestion is set when the correction finds more.
 * Errors in the attempt only mean no suggestion, except running out of
 * memory or time (the search's own limits hold for the attempt too). */
static newsdex_status suggest(newsdex_db *db, const newsdex_search_options *o,
                              newsdex_results **r)
{
    char *text = NULL;
    newsdex_status st = nx_spell_suggest(db, o->query, &text);
    if (st == NEWSDEX_ERR_LIMIT)
        return nx_limit_fail(db, NEWSDEX_LIMIT_TIME_MS);
    if (st != NEWSDEX_OK || !text)
        return st == NEWSDEX_ERR_NOMEM ? st : NEWSDEX_OK;
    newsdex_results *corrected = NULL;
    st = search_corrected(db, o, *r, text, &corrected);
    if (st == NEWSDEX_OK && o->correct && nothing_with_all_words(*r) &&
        !nothing_with_all_words(corrected)) {
        newsdex_results_free(*r);
        *r = corrected;
        corrected = NULL;
        (*r)->corrected = text;
        text = NULL;
    } else if (st == NEWSDEX_OK && finds_more(corrected, *r)) {
        (*r)->suggestion = text;
        text = NULL;
    }
    newsdex_results_free(corrected);
    free(text);
    if (st == NEWSDEX_OK || st != NEWSDEX_ERR_LIMIT || db->budget.hit != NEWSDEX_LIMIT_TIME_MS) {
        nx_error_clear(&db->err);
        return NEWSDEX_OK;
    }
    return st; /* out of time: the message says so */
}

newsdex_status newsdex_search(newsdex_db *db, const newsdex_search_options *o,
                              newsdex_results **out)
{
    if (out)
        *out = NULL;
    if (!db)
        return NEWSDEX_ERR_INVALID;
    nx_error_clear(&db->err);
    if (!out)
        return nx_error_set(&db->err, NEWSDEX_ERR_INVALID, "newsdex_search: results is NULL");
    nx_budget_start(db);
    newsdex_search_options copy;
    o = nx_search_options_take(o, &copy);
    newsdex_status st = nx_search_check_options(db, o);
    for (unsigned attempt = 0; st == NEWSDEX_OK; attempt++) {
        st = search_prepared(db, o, out);
        if (st == NEWSDEX_OK && wants_suggestion(o, *out))
            st = suggest(db, o, out);
        if (!nx_db_recover(db, st, attempt))
            break;
        newsdex_results_free(*out);
        *out = NULL;
        nx_budget_start(db);
        st = NEWSDEX_OK;
    }
    if (st == NEWSDEX_OK)
        st = nx_results_note_missing(db, *out);
    if (st != NEWSDEX_OK) {
        newsdex_results_free(*out);
        *out = NULL;
    }
    return st;
}

/* ---- Explain ---- */

static char *tree_text(const prepared *p)
{
    char *tree = nx_query_tree_to_string(&p->tree);
    if (!tree || (!p->lo[0] && !p->hi[0] && !p->tree.truncated))
        return tree;
    const char *cut = p->tree.truncated ? " [the query was cut at the length limits]" : "";
    size_t n = strlen(tree) + strlen(cut) + 40;
    char *full = malloc(n);
    if (full && (p->lo[0] || p->hi[0]))
        snprintf(full, n, "(AND %s (DATE %s..%s))%s", tree, p->lo, p->hi, cut);
    else if (full)
        snprintf(full, n, "%s%s", tree, cut);
    free(tree);
    return full;
}

/* The Xapian query's description, followed by the proximity stage. */
static char *with_proximity(char *described, const nx_near_words *w)
{
    size_t n = strlen(described) + 96;
    for (size_t i = 0; i < w->n; i++)
        n += strlen(w->stem[i]) + 1;
    char *out = malloc(n);
    if (out) {
        int k = snprintf(out, n, "%s, then the proximity stage: x%.1f where", described,
                         1 + NX_PROXIMITY_SCALE);
        for (size_t i = 0; i < w->n; i++)
            k += snprintf(out + k, n - (size_t)k, " %s", w->stem[i]);
        snprintf(out + k, n - (size_t)k, " stand within %zu words", nx_rank_near_window(w));
    }
    free(described);
    return out;
}

newsdex_status newsdex_explain(newsdex_db *db, const newsdex_search_options *o,
                               char **tree_out, char **xapian_out)
{
    if (tree_out)
        *tree_out = NULL;
    if (xapian_out)
        *xapian_out = NULL;
    if (!db)
        return NEWSDEX_ERR_INVALID;
    nx_error_clear(&db->err);
    if (!tree_out || !xapian_out)
        return nx_error_set(&db->err, NEWSDEX_ERR_INVALID, "newsdex_explain: %s is NULL",
                            !tree_out ? "tree_text" : "xapian_text");
    nx_budget_start(db);
    /* The options are checked as newsdex_search() checks them. */
    newsdex_search_options copy;
    o = nx_search_options_take(o, &copy);
    newsdex_status st = nx_search_check_options(db, o);
    prepared p;
    if (st == NEWSDEX_OK)
        st = prepare(db, o, &p);
    if (st != NEWSDEX_OK)
        return st;
    nx_search_request req = request_of(&p, o);
    st = nx_xquery_describe(req.query, xapian_out, &db->err);
    if (st == NEWSDEX_OK && p.near.n && !(*xapian_out = with_proximity(*xapian_out, &p.near)))
        st = nx_error_set(&db->err, NEWSDEX_ERR_NOMEM, "out of memory");
    if (st == NEWSDEX_OK && !(*tree_out = tree_text(&p)))
        st = nx_error_set(&db->err, NEWSDEX_ERR_NOMEM, "out of memory");
    if (st != NEWSDEX_OK) {
        free(*xapian_out);
        *xapian_out = NULL;
    }
    prepared_free(&p);
    return st;
}

/* ---- Fields ---- */

typedef struct name_list {
    char **names;
    size_t n, cap;
    int nomem;
} name_list;

static int add_name(name_list *l, const char *s, size_t len)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        char **grown = realloc(l->names, cap * sizeof *grown);
        if (!grown)
            return l->nomem = 1, -1;
        l->names = grown;
        l->cap = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy)
        return l->nomem = 1, -1;
    for (size_t i = 0; i < len; i++)
        copy[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
    copy[len] = '\0';
    l->names[l->n++] = copy;
    return 0;
}

static int is_builtin_list(const char *name, size_t len)
{
    for (const char *const *f = nx_query_builtin_fields; *f; f++) {
        const char *list = nx_query_list_name(*f);
        if (strlen(list) == len && strncasecmp(list, name, len) == 0)
            return 1;
    }
    return 0;
}

/* Terms come sorted, so each new name differs from the last one added. */
static int collect_field(const char *term, size_t len, uint64_t freq, void *ctx)
{
    (void)freq;
    name_list *l = ctx;
    const char *colon = memchr(term, ':', len);
    size_t n = colon ? (size_t)(colon - term) - 1 : 0;
    if (n == 0 || n > NX_QUERY_FIELD_MAX || is_builtin_list(term + 1, n))
        return 0;
    const char *last = l->n ? l->names[l->n - 1] : "";
    if (strlen(last) == n && strncasecmp(last, term + 1, n) == 0)
        return 0;
    return add_name(l, term + 1, n) != 0;
}

newsdex_status newsdex_db_fields(newsdex_db *db, char ***names, size_t *count)
{
    if (names)
        *names = NULL;
    if (count)
        *count = 0;
    if (!db)
        return NEWSDEX_ERR_INVALID;
    nx_error_clear(&db->err);
    if (!names || !count)
        return nx_error_set(&db->err, NEWSDEX_ERR_INVALID, "newsdex_db_fields: %s is NULL",
                            !names ? "names" : "count");
    name_list l = {0};
    for (const char *const *f = nx_query_builtin_fields; *f && !l.nomem; f++)
        add_name(&l, *f, strlen(*f));
    newsdex_status st = l.nomem ? NEWSDEX_ERR_NOMEM
                                : nx_xdb_each_term(db->xdb, NX_PREFIX_FIELD, collect_field, &l,
                                                   &db->err);
    if (st == NEWSDEX_OK && l.nomem)
        st = NEWSDEX_ERR_NOMEM;
    if (st == NEWSDEX_ERR_NOMEM)
        nx_error_set(&db->err, st, "out of memory");
    if (st != NEWSDEX_OK) {
        newsdex_fields_free(l.names, l.n);
        return st;
    }
    *names = l.names;
    *count = l.n;
    return NEWSDEX_OK;
}

void newsdex_fields_free(char **names, size_t count)
{
    for (size_t i = 0; names && i < count; i++)
        free(names[i]);
    free(names);
}
