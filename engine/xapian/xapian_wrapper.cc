// The only C++ in newsdex: Xapian behind the C interface of xapian_wrapper.h.
// Every entry point runs its body inside guard(), which turns any exception
// into a status and a message, so nothing C++ ever crosses into C.

#include "xapian_wrapper.h"

#include "match_list.h"
#include "month_map.h"

#include <xapian.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <cstring>
#include <ctime>
#include <new>
#include <string>
#include <vector>

// Per read-only handle: the first value_bytes of a value slot for every
// docid, packed (see CountSpy), made when a handle counts that dimension
// a second time (a long-lived handle, such as FastCGI's, will go on
// counting; a one-shot search does not pay for it). Valid for the
// handle's snapshot of the index: dropped whenever the handle reopens.
struct nx_key_cache {
    std::map<std::pair<Xapian::valueno, size_t>, std::vector<uint64_t>> keys;
    std::map<std::pair<Xapian::valueno, size_t>, unsigned> uses;
    void clear()
    {
        keys.clear();
        uses.clear();
    }
};

struct nx_xdb {
    Xapian::WritableDatabase wdb;  // valid when writable
    Xapian::Database rdb;          // valid when read-only
    bool writable = false;
    nx_months::Writer months;      // writable handles: the month map
    nx_key_cache key_cache;        // read-only handles only
    uint64_t generation = 0;       // read-only handles: reopens that moved
    Xapian::Database &db() { return writable ? static_cast<Xapian::Database &>(wdb) : rdb; }
    void reopen()
    {
        if (!writable && rdb.reopen()) {
            key_cache.clear();
            generation++;
        }
    }
};

struct nx_xdoc {
    Xapian::Document doc;
};

struct nx_xquery {
    Xapian::Query query;
    nx_matchlist::PlanPtr plan; // its matches without the matcher; null for phrases and such
};

struct nx_xmatches {
    uint64_t estimate = 0;
    std::vector<double> weights;
    std::vector<std::string> data;
};

// Read-only open of a directory, a stub file or "tcp://HOST:PORT" (remote
// shards): defined in xapian_remote.cc.
Xapian::Database nx_open_database(const char *path);
// Also in xapian_remote.cc. Throws DatabaseCorruptError when path is a
// stub file that names itself (directly or through others) or nests too
// deep, before Xapian would recurse into it.
void nx_check_stub(const char *path);
// Throws nx_permission_error when path (or a file of the index in it) is
// not readable (or writable, with write): called after an open failed.
void nx_check_access(const char *path, bool write);

namespace {

newsdex_status fail(nx_error *err, newsdex_status status, const std::string &what)
{
    return nx_error_set(err, status, "%s", what.c_str());
}

// Maps the exception being handled to a status. Most derived classes first.
newsdex_status map_exception(nx_error *err)
{
    try {
        throw;
    } catch (const nx_limit_error &e) {
        return fail(err, NEWSDEX_ERR_LIMIT, e.what());
    } catch (const Xapian::DatabaseLockError &e) {
        return fail(err, NEWSDEX_ERR_LOCKED, e.get_msg());
    } catch (const Xapian::DatabaseNotFoundError &e) {
        return fail(err, NEWSDEX_ERR_NOT_FOUND, e.get_msg());
    } catch (const Xapian::DatabaseVersionError &e) {
        return fail(err, NEWSDEX_ERR_VERSION, e.get_msg());
    } catch (const Xapian::DatabaseCorruptError &e) {
        return fail(err, NEWSDEX_ERR_CORRUPT, e.get_msg());
    } catch (const Xapian::DatabaseModifiedError &e) {
        return fail(err, NEWSDEX_ERR_MODIFIED, e.get_msg());
    } catch (const Xapian::DatabaseOpeningError &e) {
        return fail(err, NEWSDEX_ERR_IO, e.get_msg());
    } catch (const Xapian::DatabaseError &e) {
        // Includes write failures such as a full disk.
        return fail(err, NEWSDEX_ERR_IO, e.get_msg() + (e.get_error_string() ? std::string(" (") + e.get_error_string() + ")" : std::string()));
    } catch (const Xapian::NetworkError &e) {
        return fail(err, NEWSDEX_ERR_NETWORK, e.get_msg());
    } catch (const Xapian::QueryParserError &e) {
        return fail(err, NEWSDEX_ERR_QUERY, e.get_msg());
    } catch (const Xapian::InvalidOperationError &e) {
        return fail(err, NEWSDEX_ERR_INVALID, e.get_msg());
    } catch (const Xapian::InvalidArgumentError &e) {
        return fail(err, NEWSDEX_ERR_INVALID, e.get_msg());
    } catch (const Xapian::RangeError &e) {
        return fail(err, NEWSDEX_ERR_INVALID, e.get_msg());
    } catch (const Xapian::Error &e) {
        return fail(err, NEWSDEX_ERR_INTERNAL, e.get_type() + std::string(": ") + e.get_msg());
    } catch (const nx_permission_error &e) {
        return fail(err, NEWSDEX_ERR_PERMISSION, e.what());
    } catch (const std::bad_alloc &) {
        return fail(err, NEWSDEX_ERR_NOMEM, "out of memory");
    } catch (const std::exception &e) {
        return fail(err, NEWSDEX_ERR_INTERNAL, e.what());
    } catch (...) {
        return fail(err, NEWSDEX_ERR_UNKNOWN, "unknown exception");
    }
}

template <typename Body>
newsdex_status guard(nx_error *err, Body body)
{
    try {
        body();
        return NEWSDEX_OK;
    } catch (...) {
        return map_exception(err);
    }
}

Xapian::Query::op to_xapian_op(nx_xquery_op op)
{
    switch (op) {
    case NX_XQ_AND: return Xapian::Query::OP_AND;
    case NX_XQ_OR: return Xapian::Query::OP_OR;
    case NX_XQ_AND_NOT: return Xapian::Query::OP_AND_NOT;
    case NX_XQ_AND_MAYBE: return Xapian::Query::OP_AND_MAYBE;
    case NX_XQ_FILTER: return Xapian::Query::OP_FILTER;
    case NX_XQ_PHRASE: return Xapian::Query::OP_PHRASE;
    case NX_XQ_NEAR: return Xapian::Query::OP_NEAR;
    }
    throw Xapian::InvalidArgumentError("unknown query operator");
}

// The match-list plan of op over plans (match_list.h); null where the
// matcher must decide (positions).
nx_matchlist::PlanPtr plan_of(nx_xquery_op op, const std::vector<nx_matchlist::PlanPtr> &plans)
{
    switch (op) {
    case NX_XQ_AND:
    case NX_XQ_FILTER: return nx_matchlist::combine(nx_matchlist::Op::AND, plans);
    case NX_XQ_OR: return nx_matchlist::combine(nx_matchlist::Op::OR, plans);
    case NX_XQ_AND_NOT: return nx_matchlist::combine(nx_matchlist::Op::AND_NOT, plans);
    case NX_XQ_AND_MAYBE: return nx_matchlist::combine(nx_matchlist::Op::AND_MAYBE, plans);
    case NX_XQ_PHRASE:
    case NX_XQ_NEAR: return nullptr;
    }
    return nullptr;
}

}  // namespace

newsdex_status nx_map_exception(nx_error *err)
{
    return map_exception(err);
}

/* ---- Limits of a search (nx_xbudget) ---- */

extern "C" uint64_t nx_clock_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return static_cast<uint64_t>(t.tv_sec) * 1000000000u + static_cast<uint64_t>(t.tv_nsec);
}

void nx_budget_check_time(nx_xbudget *b)
{
    if (b && b->deadline_ns && nx_clock_ns() > b->deadline_ns) {
        b->hit = NEWSDEX_LIMIT_TIME_MS;
        throw nx_limit_error();
    }
}

/* ---- Databases ---- */

extern "C" newsdex_status nx_xdb_open_writable(const char *path, nx_xdb **out, nx_error *err)
{
    *out = nullptr;
    return guard(err, [&] {
        nx_check_stub(path);
        nx_xdb *h = new nx_xdb;
        try {
            h->wdb = Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OPEN | Xapian::DB_BACKEND_GLASS);
        } catch (const Xapian::DatabaseError &) {
            delete h;
            nx_check_access(path, true);
            throw;
        } catch (...) {
            delete h;
            throw;
        }
        h->writable = true;
        *out = h;
    });
}

extern "C" newsdex_status nx_xdb_open_readonly(const char *path, nx_xdb **out, nx_error *err)
{
    *out = nullptr;
    return guard(err, [&] {
        nx_xdb *h = new nx_xdb;
        try {
            h->rdb = nx_open_database(path);
        } catch (...) {
            delete h;
            throw;
        }
        *out = h;
    });
}

extern "C" newsdex_status nx_xdb_close(nx_xdb *db, nx_error *err)
{
    if (!db)
        return NEWSDEX_OK;
    newsdex_status st = guard(err, [&] {
        if (db->writable) // close() commits what is pending outside a transaction
            db->months.flush(db->wdb);
        db->db().close();
    });
    try {
        delete db;
    } catch (...) {
        // Destructors of Xapian handles do not throw; nothing else to do.
    }
    return st;
}

extern "C" newsdex_status nx_xdb_commit(nx_xdb *db, nx_error *err)
{
    return guard(err, [&] {
        if (!db->writable)
            throw Xapian::InvalidOperationError("index is open read-only");
        db->months.flush(db->wdb);
        db->wdb.commit();
    });
}

extern "C" newsdex_status nx_xdb_doccount(nx_xdb *db, uint64_t *count, nx_error *err)
{
    return guard(err, [&] { *count = db->db().get_doccount(); });
}

extern "C" newsdex_status nx_xdb_term_exists(nx_xdb *db, const char *term, int *exists,
                                             nx_error *err)
{
    return guard(err, [&] { *exists = db->db().term_exists(term) ? 1 : 0; });
}

extern "C" newsdex_status nx_xdb_termfreq(nx_xdb *db, const char *term, uint64_t *freq,
                                          nx_error *err)
{
    return guard(err, [&] { *freq = db->db().get_termfreq(term); });
}

extern "C" newsdex_status nx_xdb_replace(nx_xdb *db, const char *unique_term, const nx_xdoc *doc,
                                         nx_error *err)
{
    return guard(err, [&] {
        if (!db->writable)
            throw Xapian::InvalidOperationError("index is open read-only");
        db->months.prepare(db->wdb);
        Xapian::docid did = db->wdb.replace_document(unique_term, doc->doc);
        db->months.set(db->wdb, did, doc->doc);
    });
}

/* ---- Documents ---- */

extern "C" newsdex_status nx_xdoc_new(nx_xdoc **out, nx_error *err)
{
    *out = nullptr;
    return guard(err, [&] { *out = new nx_xdoc; });
}

extern "C" void nx_xdoc_free(nx_xdoc *doc)
{
    delete doc;
}

extern "C" newsdex_status nx_xdoc_add_posting(nx_xdoc *doc, const char *term, uint32_t position,
                                              uint32_t wdf_inc, nx_error *err)
{
    return guard(err, [&] { doc->doc.add_posting(term, position, wdf_inc); });
}

extern "C" size_t nx_xdoc_term_count(const nx_xdoc *doc)
{
    try {
        return doc->doc.termlist_count();
    } catch (...) {
        return 0;
    }
}

extern "C" newsdex_status nx_xdoc_add_term(nx_xdoc *doc, const char *term, uint32_t wdf_inc,
                                           nx_error *err)
{
    return guard(err, [&] { doc->doc.add_term(term, wdf_inc); });
}

extern "C" newsdex_status nx_xdoc_add_boolean_term(nx_xdoc *doc, const char *term, nx_error *err)
{
    return guard(err, [&] { doc->doc.add_boolean_term(term); });
}

extern "C" newsdex_status nx_xdoc_set_value(nx_xdoc *doc, unsigned slot, const char *bytes,
                                            size_t len, nx_error *err)
{
    return guard(err, [&] { doc->doc.add_value(slot, std::string(bytes, len)); });
}

extern "C" newsdex_status nx_xdoc_set_data(nx_xdoc *doc, const char *bytes, size_t len,
                                           nx_error *err)
{
    return guard(err, [&] { doc->doc.set_data(std::string(bytes, len)); });
}

/* ---- Queries ---- */

extern "C" newsdex_status nx_xquery_term(const char *term, uint32_t wqf, uint32_t position,
                                         nx_xquery **out, nx_error *err)
{
    *out = nullptr;
    return guard(err, [&] {
        *out = new nx_xquery{Xapian::Query(term, wqf ? wqf : 1, position), nx_matchlist::term(term)};
    });
}

extern "C" newsdex_status nx_xquery_combine(nx_xquery_op op, nx_xquery *const *subs, size_t n,
                                            uint32_t window, nx_xquery **out, nx_error *err)
{
    *out = nullptr;
    return guard(err, [&] {
        std::vector<Xapian::Query> parts;
        std::vector<nx_matchlist::PlanPtr> plans;
        parts.reserve(n);
        for (size_t i = 0; i < n; i++) {
            parts.push_back(subs[i]->query);
            plans.push_back(subs[i]->plan);
        }
        *out = new nx_xquery{Xapian::Query(to_xapian_op(op), parts.begin(), parts.end(), window),
                             plan_of(op, plans)};
    });
}

extern "C" newsdex_status nx_xquery_match_all(nx_xquery **out, nx_error *err)
{
    *out = nullptr;
    return guard(err, [&] { *out = new nx_xquery{Xapian::Query::MatchAll, nx_matchlist::all()}; });
}

extern "C" newsdex_status nx_xquery_match_nothing(nx_xquery **out, nx_error *err)
{
    *out = nullptr;
    return guard(err, [&] {
        *out = new nx_xquery{Xapian::Query::MatchNothing, nx_matchlist::nothing()};
    });
}

extern "C" newsdex_status nx_xquery_scale(const nx_xquery *q, double factor, nx_xquery **out,
                                          nx_error *err)
{
    *out = nullptr;
    return guard(err, [&] {
        *out = new nx_xquery{Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q->query, factor),
                             q->plan};
    });
}

extern "C" newsdex_status nx_xquery_describe(const nx_xquery *q, char **out, nx_error *err)
{
    *out = nullptr;
    return guard(err, [&] {
        std::string text = q->query.get_description();
        char *copy = static_cast<char *>(std::malloc(text.size() + 1));
        if (!copy)
            throw std::bad_alloc();
        std::memcpy(copy, text.c_str(), text.size() + 1);
        *out = copy;
    });
}

extern "C" void nx_xquery_free(nx_xquery *q)
{
    delete q;
}

/* ---- Searching ---- */

extern "C" newsdex_status nx_xdb_search(nx_xdb *db, const nx_xquery *q, uint32_t offset,
                                        uint32_t limit, nx_xmatches **out, nx_error *err)
{
    *out = nullptr;
    return guard(err, [&] {
        // A writer committing while we read invalidates old revisions: reopen
        // and try again so a search during indexing sees a consistent state.
        for (int attempt = 0;; attempt++) {
            try {
                Xapian::Enquire enquire(db->db());
                enquire.set_query(q->query);
                enquire.set_weighting_scheme(Xapian::BM25Weight());
                Xapian::MSet mset = enquire.get_mset(offset, limit);
                nx_xmatches *m = new nx_xmatches;
                try {
                    m->estimate = mset.get_matches_estimated();
                    for (Xapian::MSetIterator it = mset.begin(); it != mset.end(); ++it) {
                        m->weights.push_back(it.get_weight());
                        m->data.push_back(it.get_document().get_data());
                    }
                } catch (...) {
                    delete m;
                    throw;
                }
                *out = m;
                return;
            } catch (const Xapian::DatabaseModifiedError &) {
                if (attempt >= 5)
                    throw;
                db->reopen();
            }
        }
    });
}

extern "C" size_t nx_xmatches_count(const nx_xmatches *m)
{
    return m->weights.size();
}

extern "C" uint64_t nx_xmatches_estimate(const nx_xmatches *m)
{
    return m->estimate;
}

extern "C" void nx_xmatches_get(const nx_xmatches *m, size_t i, double *weight, const char **data,
                                size_t *len)
{
    *weight = m->weights[i];
    *data = m->data[i].data();
    *len = m->data[i].size();
}

extern "C" void nx_xmatches_free(nx_xmatches *m)
{
    delete m;
}

/* ==================================================================== *
 * Indexer-side additions: batches, deletion, fingerprints, metadata,   *
 * term listing for --prune and `newsdex stats`.                        *
 * ==================================================================== */

namespace {

Xapian::WritableDatabase &writable(nx_xdb *db)
{
    if (!db->writable)
        throw Xapian::InvalidOperationError("index is open read-only");
    return db->wdb;
}

}  // namespace

extern "C" newsdex_status nx_xdb_begin_transaction(nx_xdb *db, nx_error *err)
{
    // Flushed: commit_transaction() makes the batch durable, not just visible.
    return guard(err, [&] { writable(db).begin_transaction(true); });
}

extern "C" newsdex_status nx_xdb_commit_transaction(nx_xdb *db, nx_error *err)
{
    return guard(err, [&] {
        db->months.flush(writable(db)); // in the same commit as the documents
        db->wdb.commit_transaction();
    });
}

extern "C" newsdex_status nx_xdb_cancel_transaction(nx_xdb *db, nx_error *err)
{
    return guard(err, [&] {
        db->months.discard();
        writable(db).cancel_transaction();
    });
}

extern "C" newsdex_status nx_xdb_delete_unique(nx_xdb *db, const char *unique_term,
                                               nx_error *err)
{
    return guard(err, [&] { writable(db).delete_document(unique_term); });
}

extern "C" newsdex_status nx_xdb_unique_value(nx_xdb *db, const char *unique_term, unsigned slot,
                                              char *buf, size_t cap, size_t *len, int *found,
                                              nx_error *err)
{
    *found = 0;
    *len = 0;
    return guard(err, [&] {
        Xapian::Database &d = db->db();
        Xapian::PostingIterator it = d.postlist_begin(unique_term);
        if (it == d.postlist_end(unique_term))
            return;
        // Lazy document: only the value slot is read, not data or terms.
        std::string value = d.get_document(*it, Xapian::DOC_ASSUME_VALID).get_value(slot);
        *found = 1;
        *len = value.size();
        std::memcpy(buf, value.data(), value.size() < cap ? value.size() : cap);
    });
}

extern "C" newsdex_status nx_xdb_set_metadata(nx_xdb *db, const char *key, const char *value,
                                              size_t len, nx_error *err)
{
    return guard(err, [&] { writable(db).set_metadata(key, std::string(value, len)); });
}

extern "C" newsdex_status nx_xdb_get_metadata(nx_xdb *db, const char *key, char **out,
                                              size_t *len, nx_error *err)
{
    *out = nullptr;
    *len = 0;
    return guard(err, [&] {
        std::string value = db->db().get_metadata(key);
        char *copy = static_cast<char *>(std::malloc(value.size() + 1));
        if (!copy)
            throw std::bad_alloc();
        std::memcpy(copy, value.data(), value.size());
        copy[value.size()] = '\0';
        *out = copy;
        *len = value.size();
    });
}

extern "C" newsdex_status nx_xdb_each_term(nx_xdb *db, const char *prefix, nx_xterm_fn fn,
                                           void *ctx, nx_error *err)
{
    return guard(err, [&] {
        Xapian::Database &d = db->db();
        for (Xapian::TermIterator it = d.allterms_begin(prefix); it != d.allterms_end(prefix);
             ++it) {
            std::string term = *it;
            if (fn(term.c_str(), term.size(), it.get_termfreq(), ctx))
                break;
        }
    });
}

extern "C" newsdex_status nx_xdb_count_terms(nx_xdb *db, const char *prefix, uint64_t *count,
                                             nx_error *err)
{
    *count = 0;
    return guard(err, [&] {
        Xapian::Database &d = db->db();
        uint64_t n = 0;
        for (Xapian::TermIterator it = d.allterms_begin(prefix); it != d.allterms_end(prefix);
             ++it)
            n++;
        *count = n;
    });
}

extern "C" newsdex_status nx_xdb_lastdocid(nx_xdb *db, uint64_t *docid, nx_error *err)
{
    return guard(err, [&] { *docid = db->db().get_lastdocid(); });
}

extern "C" newsdex_status nx_xdb_total_length(nx_xdb *db, uint64_t *length, nx_error *err)
{
    return guard(err, [&] { *length = db->db().get_total_length(); });
}

extern "C" uint64_t nx_xdb_generation(const nx_xdb *db)
{
    return db ? db->generation : 0;
}

extern "C" newsdex_status nx_xdb_reopen(nx_xdb *db, nx_error *err)
{
    return guard(err, [&] {
        db->reopen();
    });
}

/* ---- Query language additions (query_builder.c) ---- */

extern "C" newsdex_status nx_xquery_value_range(unsigned slot, const char *lo, const char *hi,
                                                nx_xquery **out, nx_error *err)
{
    *out = nullptr;
    return guard(err, [&] {
        // No match-list plan: the matcher checks values as fast (match_list.h).
        if (lo && hi)
            *out = new nx_xquery{Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, lo, hi), nullptr};
        else if (lo)
            *out = new nx_xquery{Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, lo), nullptr};
        else if (hi)
            *out = new nx_xquery{Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, hi), nullptr};
        else
            throw Xapian::InvalidArgumentError("value range without ends");
    });
}

extern "C" newsdex_status nx_xquery_wildcard(const char *prefix, uint32_t max_expansion,
                                             nx_xquery **out, nx_error *err)
{
    *out = nullptr;
    return guard(err, [&] {
        *out = new nx_xquery{Xapian::Query(Xapian::Query::OP_WILDCARD, prefix, max_expansion,
                                           Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT),
                             nullptr}; // expanded by the matcher: no plan
    });
}

/* ==================================================================== *
 * Several indexes at once (newsdex_db_open_many).                      *
 * ==================================================================== */

extern "C" newsdex_status nx_xdb_open_readonly_many(const char *const *paths, size_t n,
                                                    nx_xdb **out, size_t *failed, nx_error *err)
{
    *out = nullptr;
    size_t at = n;
    newsdex_status st = guard(err, [&] {
        if (n == 0)
            throw Xapian::InvalidArgumentError("no index given");
        nx_xdb *h = new nx_xdb;
        try {
            for (at = 0; at < n; at++)
                h->rdb.add_database(nx_open_database(paths[at]));
            at = n;
        } catch (...) {
            delete h;
            throw;
        }
        *out = h;
    });
    if (failed)
        *failed = st == NEWSDEX_OK ? n : at;
    return st;
}

/* ==================================================================== *
 * Results section (searcher/search.c, similar, facets): sorting,       *
 * recency, exact counts over every match, similar.                     *
 * ==================================================================== */

#include <algorithm>
#include <climits>
#include <cmath>
#include <map>
#include <memory>
#include <unordered_map>
#include <utility>

struct nx_xresults {
    uint64_t estimate = 0;
    std::vector<double> weights;
    std::vector<std::string> data;
    std::vector<std::vector<std::pair<std::string, uint64_t>>> counted;
};

namespace {

// BM25 with Xapian's defaults (k1 1, k2 0, k3 1, b 0.5) except the floor on
// document length: a quarter of the average instead of a half, nearer to
// BM25 as published (no floor). Short articles are not held back as much;
// on the NPL collection MAP goes from 0.2948 to 0.2985 (scripts/eval).
Xapian::BM25Weight bm25()
{
    return Xapian::BM25Weight(1, 0, 1, 0.5, 0.25);
}

// Days since 1970-01-01 of a value "YYYYMMDD[hh...]"; < 0 when it is not one.
double value_days(const std::string &v)
{
    if (v.size() < 8)
        return -1;
    int n[8];
    for (int i = 0; i < 8; i++) {
        if (v[i] < '0' || v[i] > '9')
            return -1;
        n[i] = v[i] - '0';
    }
    long y = n[0] * 1000 + n[1] * 100 + n[2] * 10 + n[3];
    unsigned m = static_cast<unsigned>(n[4] * 10 + n[5]), d = static_cast<unsigned>(n[6] * 10 + n[7]);
    if (m < 1 || m > 12 || d < 1 || d > 31)
        return -1;
    // Days from civil (Howard Hinnant's algorithm).
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = static_cast<unsigned>(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    double days = static_cast<double>(era * 146097 + static_cast<long>(doe) - 719468);
    if (v.size() >= 10 && v[8] >= '0' && v[8] <= '9' && v[9] >= '0' && v[9] <= '9')
        days += ((v[8] - '0') * 10 + (v[9] - '0')) / 24.0;
    return days;
}

// Adds scale * 2^(-age / half_life) to every dated document, the age counted
// from `newest` (the newest date in the index). Undated documents get nothing.
class RecencySource : public Xapian::ValuePostingSource {
    double newest, half_life, scale;

  public:
    RecencySource(Xapian::valueno slot, double newest_, double half_life_, double scale_)
        : Xapian::ValuePostingSource(slot), newest(newest_), half_life(half_life_), scale(scale_)
    {
        set_maxweight(scale);
    }
    double get_weight() const override
    {
        double days = value_days(get_value());
        if (days < 0)
            return 0;
        double age = newest > days ? newest - days : 0;
        return scale * std::exp2(-age / half_life);
    }
    RecencySource *clone() const override
    {
        return new RecencySource(get_slot(), newest, half_life, scale);
    }
    std::string name() const override { return "NxRecencySource"; }
};

// Marks every matching document in a bitmap over docids.
// Sees every match of the first stage: marks its docid (for the
// dimensions counted through posting lists) and counts the dimensions
// read off a value slot, through the handle's key cache. Values are at
// most 8 bytes, packed big endian into a number so that numeric order is
// byte order.
constexpr uint64_t NO_KEY = UINT64_MAX; // no value, or a value too short

uint64_t pack_key(const std::string &v, size_t bytes)
{
    if (v.size() < bytes)
        return NO_KEY;
    uint64_t key = 0;
    for (size_t i = 0; i < bytes; i++)
        key = key << 8 | static_cast<unsigned char>(v[i]);
    return key;
}

class CountSpy : public Xapian::MatchSpy {
  public:
    struct ValueDim {
        const std::vector<uint64_t> *keys; // by docid; null: read the value itself
        Xapian::valueno slot;
        size_t bytes;
        std::unordered_map<uint64_t, uint64_t> counts;
    };
    std::vector<bool> *bits = nullptr; // null when no dimension needs the docids
    // Reading a value costs a lookup per match: past direct_max matches
    // (none when the month map serves the dates) the dimensions without
    // cached keys only list the match in `late`, counted afterwards through
    // the month map or the terms' posting lists.
    static constexpr uint64_t DIRECT_MAX = 300;
    uint64_t direct_max = DIRECT_MAX;
    std::vector<Xapian::docid> *late = nullptr;
    std::vector<ValueDim> dims;
    uint64_t seen = 0;
    nx_xbudget *budget = nullptr; // the clock and the matches that may be counted

    void operator()(const Xapian::Document &doc, double) override
    {
        if (++seen % 256 == 0)
            nx_budget_check_time(budget);
        if (budget && budget->max_counted && seen > budget->max_counted) {
            budget->hit = NEWSDEX_LIMIT_COUNTED_MATCHES;
            throw nx_limit_error();
        }
        Xapian::docid did = doc.get_docid();
        if (bits)
            mark(*bits, did);
        bool read_values = seen <= direct_max;
        for (ValueDim &d : dims) {
            uint64_t key = NO_KEY;
            if (d.keys && did < d.keys->size())
                key = (*d.keys)[did];
            else if (d.keys || read_values)
                key = pack_key(doc.get_value(d.slot), d.bytes);
            else
                continue; // listed below
            if (key != NO_KEY)
                d.counts[key]++;
        }
        if (!read_values && late)
            late->push_back(did);
    }
    static void mark(std::vector<bool> &v, Xapian::docid did)
    {
        if (did >= v.size())
            v.resize(did + 1);
        v[did] = true;
    }
    std::string name() const override { return "NxCountSpy"; }

};

// Counts by packed key as values and counts, in byte order.
std::vector<std::pair<std::string, uint64_t>>
unpacked_counts(const std::unordered_map<uint64_t, uint64_t> &counts, size_t bytes)
{
    std::vector<std::pair<uint64_t, uint64_t>> keyed(counts.begin(), counts.end());
    std::sort(keyed.begin(), keyed.end());
    std::vector<std::pair<std::string, uint64_t>> out;
    for (const auto &k : keyed) {
        std::string value(bytes, '\0');
        for (size_t i = 0; i < bytes; i++)
            value[i] = static_cast<char>(k.first >> (8 * (bytes - 1 - i)));
        out.emplace_back(value, k.second);
    }
    return out;
}

// The cached keys of (slot, bytes), made on the second use; null before.
const std::vector<uint64_t> *cached_keys(Xapian::Database &db, nx_key_cache *cache,
                                         Xapian::valueno slot, size_t bytes)
{
    if (!cache || bytes == 0 || bytes > 8)
        return nullptr;
    auto dim = std::make_pair(slot, bytes);
    auto found = cache->keys.find(dim);
    if (found != cache->keys.end())
        return &found->second;
    unsigned &uses = cache->uses[dim];
    if (uses == UINT_MAX || uses++ == 0)
        return nullptr;
    std::vector<uint64_t> keys(static_cast<size_t>(db.get_lastdocid()) + 1, NO_KEY);
    try {
        for (Xapian::ValueIterator v = db.valuestream_begin(slot); v != db.valuestream_end(slot);
             ++v)
            if (v.get_docid() < keys.size())
                keys[v.get_docid()] = pack_key(*v, bytes);
    } catch (const Xapian::UnimplementedError &) {
        uses = UINT_MAX; // a backend without value streams: count through the terms
        return nullptr;
    }
    return &(cache->keys[dim] = std::move(keys));
}

// Every match of query, for several shards (a spy sees each shard's own
// docids; remote shards cannot run one at all): an unranked list in docid
// order, with the docids of the database searched.
// Past the budget's max_counted matches it stops (nx_limit_error).
void all_matches(Xapian::Database &db, const Xapian::Query &query, std::vector<bool> &bits,
                 nx_xbudget *budget)
{
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    enquire.set_docid_order(Xapian::Enquire::ASCENDING);
    Xapian::doccount most = db.get_doccount();
    uint64_t max = budget ? budget->max_counted : 0;
    if (max && max < most)
        most = static_cast<Xapian::doccount>(max + 1);
    Xapian::MSet m = enquire.get_mset(0, most);
    nx_budget_check_time(budget);
    if (max && m.size() > max) {
        budget->hit = NEWSDEX_LIMIT_COUNTED_MATCHES;
        throw nx_limit_error();
    }
    for (Xapian::MSetIterator it = m.begin(); it != m.end(); ++it) {
        if (*it >= bits.size())
            bits.resize(*it + 1);
        bits[*it] = true;
    }
}

// Up to this many marked documents, their own term lists (a lookup and a
// decompression each, 10-20 us) beat reading every posting of every term
// with the prefix, which costs the same however few the matches (1.2 ms for
// sources and topics on Reuters). Measured (bench queries, --facets): 30
// took 23% less time than the posting lists alone, 60 12%, 200 33% more.
constexpr size_t TERMLIST_MAX = 30;

// How many of the marked documents hold each term starting with prefix
// (the terms' posting lists against the bitmap, or the few documents'
// term lists; zero counts left out), in byte order.
std::vector<std::pair<std::string, uint64_t>> count_terms(Xapian::Database &db,
                                                          const std::vector<bool> &bits,
                                                          const std::string &prefix,
                                                          nx_xbudget *budget)
{
    uint64_t steps = 0;
    std::vector<Xapian::docid> few;
    for (size_t d = 0; d < bits.size() && few.size() <= TERMLIST_MAX; d++)
        if (bits[d])
            few.push_back(static_cast<Xapian::docid>(d));
    if (few.size() <= TERMLIST_MAX) {
        std::map<std::string, uint64_t> counts;
        for (Xapian::docid did : few) {
            Xapian::TermIterator t = db.termlist_begin(did), end = db.termlist_end(did);
            for (t.skip_to(prefix); t != end && (*t).compare(0, prefix.size(), prefix) == 0; ++t)
                counts[(*t).substr(prefix.size())]++;
        }
        return {counts.begin(), counts.end()};
    }
    std::vector<std::pair<std::string, uint64_t>> out;
    for (Xapian::TermIterator t = db.allterms_begin(prefix); t != db.allterms_end(prefix); ++t) {
        const std::string term = *t;
        uint64_t n = 0;
        for (Xapian::PostingIterator it = db.postlist_begin(term); it != db.postlist_end(term); ++it) {
            n += *it < bits.size() && bits[*it];
            if (++steps % 4096 == 0)
                nx_budget_check_time(budget);
        }
        if (n)
            out.emplace_back(term.substr(prefix.size()), n);
    }
    return out;
}

// q with the recency boost; its scale is a share of q's best score.
Xapian::Query with_recency(Xapian::Database &db, const Xapian::Query &q,
                           const nx_xsearch_params *p, Xapian::PostingSource **source)
{
    double newest = value_days(db.get_value_upper_bound(p->date_slot));
    if (newest < 0 || p->half_life_days <= 0)
        return q;
    Xapian::Enquire top(db);
    top.set_query(q);
    top.set_weighting_scheme(bm25());
    double best = top.get_mset(0, 1).get_max_attained();
    nx_budget_check_time(p->budget);
    double scale = (best > 0 ? best : 1.0) * p->recency_share;
    if (scale <= 0)
        return q;
    *source = new RecencySource(p->date_slot, newest, p->half_life_days, scale);
    return Xapian::Query(Xapian::Query::OP_AND_MAYBE, q, Xapian::Query(*source));
}

std::vector<std::string> shard_uuids(const Xapian::Database &db)
{
    std::vector<std::string> out;
    std::string all = db.get_uuid();
    for (size_t at = 0; at <= all.size();) {
        size_t end = all.find(':', at);
        if (end == std::string::npos)
            end = all.size();
        out.push_back(all.substr(at, end - at));
        at = end + 1;
    }
    return out;
}

struct Ranked {
    Xapian::docid did;
    double weight;
};

std::vector<Ranked> ranked_of(const Xapian::MSet &mset)
{
    std::vector<Ranked> out;
    for (Xapian::MSetIterator it = mset.begin(); it != mset.end(); ++it)
        out.push_back({*it, it.get_weight()});
    return out;
}

// What the first stage found: the ranked documents of the window asked
// for, the estimate and, when counting, every match.
struct Stage {
    std::vector<Ranked> ranked;
    Xapian::doccount estimate = 0;
    std::vector<bool> matches; // when counting through posting lists: every match
    bool spied = false;        // counted by a CountSpy: the three below hold
    uint64_t n_matches = 0;
    std::vector<bool> from_spy; // per dimension: counted by the spy
    std::vector<Xapian::docid> late; // matches the spy left to the month map or posting lists
    std::vector<std::vector<std::pair<std::string, uint64_t>>> value_counts; // per dimension
};

// A spy for p's dimensions: the value dimensions with cached keys it
// counts itself; the other value dimensions it reads or lists in `late`;
// for the rest it marks the docids.
std::unique_ptr<CountSpy> count_spy(Xapian::Database &db, nx_key_cache *cache,
                                    nx_months::Reader &months, const nx_xsearch_params *p,
                                    Stage &out)
{
    uint64_t direct = 0;
    out.from_spy.assign(p->n_counts, false);
    out.matches.clear(); // a second pass (exact ties) counts afresh
    out.late.clear();
    std::unique_ptr<CountSpy> spy(new CountSpy);
    bool terms_only = false; // a facet counted through its terms needs every docid
    for (size_t d = 0; d < p->n_counts; d++)
        terms_only |= p->counts[d].value_bytes == 0 || p->counts[d].value_bytes > 8;
    for (size_t d = 0; d < p->n_counts; d++) {
        const nx_xcount &c = p->counts[d];
        const std::vector<uint64_t> *keys = cached_keys(db, cache, c.slot, c.value_bytes);
        bool mapped = months.serves(c.slot, c.value_bytes);
        if (keys || mapped || (!terms_only && c.value_bytes > 0 && c.value_bytes <= 8)) {
            spy->dims.push_back({keys, c.slot, c.value_bytes, {}});
            out.from_spy[d] = true;
            if (!keys) {
                spy->late = &out.late;
                if (!mapped)
                    direct = CountSpy::DIRECT_MAX;
            }
        } else {
            spy->bits = &out.matches;
        }
    }
    spy->direct_max = direct;
    return spy;
}

// Moves what the spy counted into the stage.
void take_counts(const nx_xsearch_params *p, CountSpy &spy, Stage &out)
{
    out.spied = true;
    out.n_matches = spy.seen;
    out.value_counts.assign(p->n_counts, {});
    for (size_t d = 0, v = 0; d < p->n_counts; d++)
        if (out.from_spy[d])
            out.value_counts[d] = unpacked_counts(spy.dims[v].counts, spy.dims[v].bytes), v++;
}

void setup(Xapian::Enquire &enquire, const Xapian::Query &query, const nx_xsearch_params *p,
           bool exact_ties)
{
    enquire.set_query(query);
    enquire.set_weighting_scheme(bm25());
    if (p->sort == NX_XSORT_DATE)
        enquire.set_sort_by_value_then_relevance(p->date_slot, true);
    else if (exact_ties)
        enquire.set_sort_by_relevance_then_value(p->date_slot, true);
}

// Equal scores, newest first (as Xapian's relevance-then-value order does,
// undated last); Xapian's own order for ties is by docid.
// Orders each group of equal scores that starts before `end` newest first.
void sort_ties_by_date(Xapian::Database &db, std::vector<Ranked> &ranked, Xapian::valueno slot,
                       size_t end, nx_xbudget *budget)
{
    for (size_t from = 0; from < ranked.size() && from < end;) {
        size_t to = from + 1;
        while (to < ranked.size() && ranked[to].weight == ranked[from].weight)
            to++;
        if (to - from > 1) {
            std::vector<std::pair<std::string, Ranked>> tied;
            nx_budget_check_time(budget);
            for (size_t i = from; i < to; i++)
                tied.emplace_back(db.get_document(ranked[i].did).get_value(slot), ranked[i]);
            std::stable_sort(tied.begin(), tied.end(),
                             [](const auto &a, const auto &b) { return a.first > b.first; });
            for (size_t i = from; i < to; i++)
                ranked[i] = tied[i - from].second;
        }
        from = to;
    }
}

// Ranks [first, first + count). Sorting by relevance then date in Xapian
// reads a value for every candidate, which cost a tenth of the search: the
// cheap way sorts by relevance, fetches one more document before the
// window and `extra` (at least one) after it, and orders ties by date
// itself. It returns false when it cannot know the order: a tie with the
// document before the window, or a tie across the window's end that runs
// past what it fetched. The caller then asks again with more extra, and at
// last with exact_ties.
bool fetch(Xapian::Database &db, nx_key_cache *cache, nx_months::Reader &months,
           const Xapian::Query &query, const nx_xsearch_params *p, Xapian::doccount first,
           Xapian::doccount count, bool exact_ties, Xapian::doccount extra, Stage &out)
{
    Xapian::Enquire enquire(db);
    setup(enquire, query, p, exact_ties);
    std::unique_ptr<CountSpy> spy;
    Xapian::doccount check = 0;
    bool shards = shard_uuids(db).size() > 1;
    if (p->n_counts > 0 && !shards) {
        spy = count_spy(db, cache, months, p, out);
        spy->budget = p->budget;
        enquire.add_matchspy(spy.get());
        check = db.get_doccount(); // every match is seen: exact counts
    } else if (p->n_counts > 0) {
        // A spy sees each shard's own docids: list the matches apart.
        all_matches(db, query, out.matches, p->budget);
    }
    bool cheap = !exact_ties && p->sort != NX_XSORT_DATE && count > 0;
    Xapian::doccount head = cheap && first > 0 ? 1 : 0;
    Xapian::doccount asked = count + (cheap ? head + std::max<Xapian::doccount>(extra, 1) : 0);
    Xapian::MSet mset;
    try {
        mset = enquire.get_mset(first - head, asked, check);
    } catch (const Xapian::UnimplementedError &) {
        if (!spy) // remote shards: rank, then list the matches apart
            throw;
        enquire.clear_matchspies();
        spy.reset();
        mset = enquire.get_mset(first - head, asked, check);
        all_matches(db, query, out.matches, p->budget);
    }
    // Xapian's own time limit (Enquire::set_time_limit) only stops checking
    // matches beyond the page, which would leave counts silently short: the
    // spy watches the clock instead, and the ranking pass is bounded by the
    // query's size (the term limits); the clock is read again as it ends.
    nx_budget_check_time(p->budget);
    out.estimate = mset.get_matches_estimated();
    out.ranked = ranked_of(mset);
    enquire.clear_matchspies();
    if (spy)
        take_counts(p, *spy, out);
    if (!cheap)
        return true;
    std::vector<Ranked> &r = out.ranked;
    size_t end = head + count;
    if (head && r.size() > head && r[0].weight == r[head].weight)
        return false;
    if (r.size() > end && r[end - 1].weight == r[end].weight) {
        size_t e = end; // the tie across the end: complete only if it ends before the list does
        while (e < r.size() && r[e].weight == r[end - 1].weight)
            e++;
        if (e == r.size() && r.size() == asked)
            return false;
    }
    r.erase(r.begin(), r.begin() + static_cast<long>(std::min<size_t>(head, r.size())));
    sort_ties_by_date(db, r, p->date_slot, count, p->budget);
    if (r.size() > count)
        r.resize(count);
    return true;
}

// Two count lists in byte order, as one.
std::vector<std::pair<std::string, uint64_t>>
merge_counts(const std::vector<std::pair<std::string, uint64_t>> &a,
             const std::vector<std::pair<std::string, uint64_t>> &b)
{
    std::map<std::string, uint64_t> sum;
    for (const auto &x : a)
        sum[x.first] += x.second;
    for (const auto &x : b)
        sum[x.first] += x.second;
    return {sum.begin(), sum.end()};
}

// How many of the late matches fall in each value of dimension c: through
// keys (a handle's cached ones; may be null), else the month map when it
// serves c, else the terms' posting lists.
std::vector<std::pair<std::string, uint64_t>> count_late(Xapian::Database &db,
                                                         const std::vector<uint64_t> *keys,
                                                         nx_months::Reader &months,
                                                         const std::vector<Xapian::docid> &late,
                                                         const nx_xcount &c, nx_xbudget *budget)
{
    nx_budget_check_time(budget);
    if (keys) { // a long-lived handle's own keys, once made, beat the map's chunks
        std::unordered_map<uint64_t, uint64_t> counts;
        for (Xapian::docid did : late)
            if (did < keys->size() && (*keys)[did] != NO_KEY)
                counts[(*keys)[did]]++;
        return unpacked_counts(counts, c.value_bytes);
    }
    if (months.serves(c.slot, c.value_bytes)) {
        std::unordered_map<uint64_t, uint64_t> counts;
        uint64_t steps = 0;
        for (Xapian::docid did : late) {
            if (++steps % 4096 == 0) // a chunk read per 512 docids
                nx_budget_check_time(budget);
            uint32_t code = months.code(did);
            if (code)
                counts[nx_months::packed(code, c.value_bytes)]++;
        }
        return unpacked_counts(counts, c.value_bytes);
    }
    std::vector<bool> bits;
    for (Xapian::docid did : late)
        CountSpy::mark(bits, did);
    return count_terms(db, bits, c.prefix, budget);
}

void read_results(Xapian::Database &db, nx_months::Reader &months, Stage &stage,
                  const nx_xsearch_params *p, nx_xresults *r)
{
    std::vector<Ranked> &ranked = stage.ranked;
    r->estimate = stage.estimate;
    for (size_t i = 0; i < ranked.size() && i < p->limit; i++) {
        if (i % 64 == 0)
            nx_budget_check_time(p->budget);
        r->weights.push_back(ranked[i].weight);
        r->data.push_back(db.get_document(ranked[i].did).get_data());
    }
    for (size_t d = 0; d < p->n_counts; d++) {
        if (stage.spied && stage.from_spy[d] && !stage.late.empty())
            r->counted.push_back(merge_counts(stage.value_counts[d],
                                              count_late(db, nullptr, months, stage.late, p->counts[d],
                                                         p->budget)));
        else if (stage.spied && stage.from_spy[d])
            r->counted.push_back(std::move(stage.value_counts[d]));
        else
            r->counted.push_back(count_terms(db, stage.matches, p->counts[d].prefix, p->budget));
    }
    if (stage.spied) { // every match was seen
        r->estimate = stage.n_matches;
    } else if (p->n_counts > 0) {
        uint64_t n = 0;
        for (bool b : stage.matches)
            n += b;
        r->estimate = n;
    }
}

// Counts for p's dimensions (and the total) from q's match list, when it
// has one, it promises enough matches for the walk to pay (match_list.h)
// and the month map serves every dimension read off a value; false when
// the matcher's spy must count instead.
constexpr double PLAN_MIN_MATCHES = 1000;

bool count_by_plan(Xapian::Database &db, nx_key_cache *cache, nx_months::Reader &months,
                   const nx_matchlist::Plan *plan, const nx_xsearch_params *p, nx_xresults &r)
{
    if (!plan || p->n_counts == 0 || shard_uuids(db).size() > 1 ||
        nx_matchlist::estimate(db, *plan) < PLAN_MIN_MATCHES)
        return false;
    for (size_t d = 0; d < p->n_counts; d++) {
        const nx_xcount &c = p->counts[d];
        bool by_terms = c.value_bytes == 0 || c.value_bytes > 8;
        if (!by_terms && !months.serves(c.slot, c.value_bytes))
            return false;
    }
    std::vector<Xapian::docid> ids;
    nx_xbudget *budget = p->budget;
    uint64_t max = budget ? budget->max_counted : 0;
    try {
        ids = nx_matchlist::matches(db, *plan, max ? max : SIZE_MAX,
                                    [budget] { nx_budget_check_time(budget); });
    } catch (const Xapian::UnimplementedError &) {
        return false; // a remote index without value streams
    }
    if (max && ids.size() > max) {
        budget->hit = NEWSDEX_LIMIT_COUNTED_MATCHES;
        throw nx_limit_error();
    }
    r.estimate = ids.size();
    for (size_t d = 0; d < p->n_counts; d++) {
        const nx_xcount &c = p->counts[d];
        r.counted.push_back(count_late(db, cached_keys(db, cache, c.slot, c.value_bytes), months, ids, c,
                                       budget));
    }
    return true;
}

nx_xresults *run_ranked(Xapian::Database &db, nx_key_cache *cache, const Xapian::Query &q,
                        const nx_matchlist::Plan *plan, const nx_xsearch_params *p)
{
    Xapian::PostingSource *source = nullptr;
    std::unique_ptr<Xapian::PostingSource> owned;
    Xapian::Query query = q;
    if (p->sort == NX_XSORT_RECENT) {
        query = with_recency(db, q, p, &source);
        owned.reset(source);
    }
    // Ties across the page's end are common (short articles with the same
    // words score the same). A few documents past the page settle most of
    // them; a much wider first window slows the typical query (Xapian
    // prunes less), so only a second match, which costs a whole pass, goes
    // wide; counting reads every match anyway, so it starts wide.
    Stage stage;
    nx_months::Reader months(db);
    std::unique_ptr<nx_xresults> counts(new nx_xresults);
    nx_xsearch_params ranking = *p; // counted apart: the ranking counts nothing
    if (count_by_plan(db, cache, months, plan, p, *counts))
        ranking.n_counts = 0;
    else
        counts.reset();
    const nx_xsearch_params *rp = &ranking;
    Xapian::doccount wide = rp->limit + 20;
    if (!(rp->n_counts == 0 &&
          fetch(db, cache, months, query, rp, rp->offset, rp->limit, false, 4, stage)) &&
        !fetch(db, cache, months, query, rp, rp->offset, rp->limit, false, wide, stage))
        fetch(db, cache, months, query, rp, rp->offset, rp->limit, true, 0, stage);
    std::unique_ptr<nx_xresults> r(new nx_xresults);
    read_results(db, months, stage, rp, r.get());
    if (counts) {
        r->estimate = counts->estimate;
        r->counted = std::move(counts->counted);
    }
    return r.release();
}

class PrefixDecider : public Xapian::ExpandDecider {
    std::string prefix, avoid;
    nx_xterm_keep_fn keep;
    void *ctx;

  public:
    PrefixDecider(const char *p, const char *a, nx_xterm_keep_fn k, void *c)
        : prefix(p ? p : ""), avoid(a ? a : ""), keep(k), ctx(c)
    {
    }
    bool operator()(const std::string &term) const override
    {
        if (term.compare(0, prefix.size(), prefix) != 0)
            return false;
        if (!avoid.empty() && term.compare(0, avoid.size(), avoid) == 0)
            return false;
        return !keep || keep(term.c_str(), term.size(), ctx);
    }
};

char *copy_string(const std::string &s)
{
    char *c = static_cast<char *>(std::malloc(s.size() + 1));
    if (!c)
        throw std::bad_alloc();
    std::memcpy(c, s.data(), s.size());
    c[s.size()] = '\0';
    return c;
}

}  // namespace

extern "C" newsdex_status nx_xdb_search_ranked(nx_xdb *db, const nx_xquery *q,
                                               const nx_xsearch_params *p, nx_xresults **out,
                                               nx_error *err)
{
    *out = nullptr;
    return guard(err, [&] {
        // As nx_xdb_search: a writer committing under us means reopen and retry.
        for (int attempt = 0;; attempt++) {
            try {
                *out = run_ranked(db->db(), db->writable ? nullptr : &db->key_cache, q->query,
                                  q->plan.get(), p);
                return;
            } catch (const Xapian::DatabaseModifiedError &) {
                if (attempt >= 5)
                    throw;
                db->reopen();
            } catch (const Xapian::UnimplementedError &e) {
                // Remote shards run only Xapian's own posting sources, not
                // the recency boost.
                if (p->sort != NX_XSORT_RECENT)
                    throw;
                throw Xapian::InvalidArgumentError(
                    "sorting by recency cannot run on remote shards (" + e.get_msg() + ")");
            }
        }
    });
}

extern "C" size_t nx_xresults_count(const nx_xresults *r)
{
    return r->weights.size();
}

extern "C" uint64_t nx_xresults_estimate(const nx_xresults *r)
{
    return r->estimate;
}

extern "C" void nx_xresults_get(const nx_xresults *r, size_t i, double *weight, const char **data,
                                size_t *len)
{
    *weight = r->weights[i];
    *data = r->data[i].data();
    *len = r->data[i].size();
}

extern "C" size_t nx_xresults_values(const nx_xresults *r, size_t d)
{
    return d < r->counted.size() ? r->counted[d].size() : 0;
}

extern "C" void nx_xresults_value(const nx_xresults *r, size_t d, size_t i, const char **value,
                                  size_t *len, uint64_t *count)
{
    const auto &item = r->counted[d][i];
    *value = item.first.data();
    *len = item.first.size();
    *count = item.second;
}

extern "C" newsdex_status nx_xresults_reorder(nx_xresults *r, const size_t *order,
                                              const double *weights, size_t n, nx_error *err)
{
    return guard(err, [&] {
        std::vector<double> w;
        std::vector<std::string> d;
        w.reserve(n);
        d.reserve(n);
        for (size_t i = 0; i < n; i++) {
            if (order[i] >= r->data.size())
                throw Xapian::InvalidArgumentError("reorder: no such entry");
            w.push_back(weights[i]);
            d.push_back(r->data[order[i]]);
        }
        r->weights.swap(w);
        r->data.swap(d);
    });
}

extern "C" void nx_xresults_free(nx_xresults *r)
{
    delete r;
}

extern "C" newsdex_status nx_xdb_describing_terms(nx_xdb *db, const char *unique_term,
                                                  const char *prefix, const char *avoid,
                                                  nx_xterm_keep_fn keep, void *ctx,
                                                  size_t max_terms, char ***terms, size_t *n,
                                                  int *found, nx_error *err)
{
    *terms = nullptr;
    *n = 0;
    *found = 0;
    return guard(err, [&] {
        Xapian::Database &d = db->db();
        Xapian::PostingIterator it = d.postlist_begin(unique_term);
        if (it == d.postlist_end(unique_term))
            return;
        *found = 1;
        Xapian::RSet rset;
        rset.add_document(*it);
        Xapian::Enquire enquire(d);
        PrefixDecider decider(prefix, avoid, keep, ctx);
        Xapian::ESet eset = enquire.get_eset(static_cast<Xapian::termcount>(max_terms), rset,
                                             &decider);
        char **list = static_cast<char **>(std::calloc(eset.size() + 1, sizeof *list));
        if (!list)
            throw std::bad_alloc();
        size_t k = 0;
        try {
            for (Xapian::ESetIterator e = eset.begin(); e != eset.end(); ++e)
                list[k++] = copy_string(*e);
        } catch (...) {
            nx_xterms_free(list, k);
            throw;
        }
        *terms = list;
        *n = k;
    });
}

extern "C" void nx_xterms_free(char **terms, size_t n)
{
    for (size_t i = 0; terms && i < n; i++)
        std::free(terms[i]);
    std::free(terms);
}

/* ---- Last resort for failures Xapian lets escape to std::terminate ---- */

namespace {

void (*fatal_handler)(const char *) = nullptr;

[[noreturn]] void on_terminate()
{
    std::string msg = "uncaught exception in Xapian";
    try {
        std::exception_ptr e = std::current_exception();
        if (e)
            std::rethrow_exception(e);
    } catch (const Xapian::Error &e) {
        msg = e.get_msg();
        if (e.get_error_string())
            msg += std::string(" (") + e.get_error_string() + ")";
    } catch (const std::exception &e) {
        msg = e.what();
    } catch (...) {
    }
    if (fatal_handler)
        fatal_handler(msg.c_str());
    std::abort();
}

}  // namespace

extern "C" void nx_set_fatal_handler(void (*handler)(const char *message))
{
    fatal_handler = handler;
    std::set_terminate(on_terminate);
}
