// Index handles, documents, metadata, terms and values (xdb.h), and the
// exception guard every entry point of the binding runs in (binding.hh).

#include "binding.hh"
#include "glass_version.h"

#include <xapian.h>

#include <cstdlib>
#include <cstring>
#include <ctime>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include <sys/resource.h>

namespace {

newsdex_status fail(nx_error *err, newsdex_status status, const std::string &what)
{
    return nx_error_set(err, status, "%s", what.c_str());
}

// Which remote shard the last NetworkError came from (nx_xdb_recover).
thread_local std::string last_network_context;

}  // namespace

std::string nx_take_network_context()
{
    std::string c;
    c.swap(last_network_context);
    return c;
}

// Xapian's message and the system's reason; when the reason is the limit
// on open files (which an archive of many shards reaches), what it is and
// what a shard takes.
std::string with_reason(const Xapian::Error &e)
{
    std::string m = e.get_msg();
    const char *why = e.get_error_string();
    if (why && *why)
        m += std::string(" (") + why + ")";
    if (strcasestr(m.c_str(), "too many open files")) {
        struct rlimit r;
        if (getrlimit(RLIMIT_NOFILE, &r) == 0)
            m += "; the open-file limit (RLIMIT_NOFILE) is " +
                 (r.rlim_cur == RLIM_INFINITY ? std::string("unlimited")
                                              : std::to_string(r.rlim_cur)) +
                 ", and each shard of an archive keeps about 6 files open to be searched, "
                 "13 to be indexed";
    }
    return m;
}

newsdex_status nx_map_exception(nx_error *err)
{
    try {
        throw;
    } catch (const nx_limit_error &e) {
        return fail(err, NEWSDEX_ERR_LIMIT, e.what());
    } catch (const Xapian::DatabaseLockError &e) {
        // Xapian says "already locked" for another writer; anything else
        // (too many open files, no locking on this file system) is not one.
        if (e.get_msg().find("already locked") == std::string::npos)
            return fail(err, NEWSDEX_ERR_IO, with_reason(e));
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
        return fail(err, NEWSDEX_ERR_IO, with_reason(e));
    } catch (const Xapian::DatabaseError &e) {
        // Includes write failures such as a full disk.
        return fail(err, NEWSDEX_ERR_IO, with_reason(e));
    } catch (const Xapian::NetworkError &e) {
        last_network_context = e.get_context();
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

std::vector<std::string> nx_shard_uuids(const Xapian::Database &db)
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

char *nx_copy_string(const std::string &s)
{
    char *c = static_cast<char *>(std::malloc(s.size() + 1));
    if (!c)
        throw std::bad_alloc();
    std::memcpy(c, s.data(), s.size());
    c[s.size()] = '\0';
    return c;
}

/* ---- Limits of a search ---- */

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

void nx_budget_check_counted(nx_xbudget *b, uint64_t n)
{
    if (b && b->max_counted && n > b->max_counted) {
        b->hit = NEWSDEX_LIMIT_COUNTED_MATCHES;
        throw nx_limit_error();
    }
}

namespace {

Xapian::WritableDatabase &writable(nx_xdb *db)
{
    if (!db->writable)
        throw Xapian::InvalidOperationError("index is open read-only");
    return db->wdb;
}

}  // namespace

/* ---- Opening and closing ---- */

namespace {

// Xapian keeps a transaction's postings in memory, in trees whose every
// insertion gets slower as they grow, until it flushes them into the tables
// (every XAPIAN_FLUSH_THRESHOLD documents, default 10000, even inside a
// transaction; the transaction stays atomic). Every flush rewrites the
// blocks of each posting list its documents touch, so flushing less often
// pays on a large index (5,000 articles into 195,000: about a third less
// time with 1000 than with 250), while letting the trees grow to 10000
// documents costs a fifth more CPU on a full build (a 60,000-article
// build took 1.2 to 2 times as long). With 1000 a full Reuters build
// takes the same time as with 250, in 34 MiB instead of 18; a default
// batch (10000) is flushed ten times and committed once. Xapian 1.4 reads
// the threshold from the environment when a writable database opens and
// offers no other way to set it: it is set for the open only, unless the
// user set it.
const char FLUSH_VARIABLE[] = "XAPIAN_FLUSH_THRESHOLD";
const char FLUSH_DOCUMENTS[] = "1000";

Xapian::WritableDatabase open_glass(const char *path)
{
    const char *set = std::getenv(FLUSH_VARIABLE);
    bool ours = !set && setenv(FLUSH_VARIABLE, FLUSH_DOCUMENTS, 0) == 0;
    try {
        const int flags = Xapian::DB_CREATE_OR_OPEN | Xapian::DB_BACKEND_GLASS;
        Xapian::WritableDatabase db(path, flags);
        // Once per index (and again after a compaction, whose output
        // Xapian lays out afresh): stop Xapian deflating the records,
        // which zstd already compressed (glass_version.h). Xapian reads
        // the setting when a writer opens, so open again after it.
        if (nx_glass_docdata_compression(path) == NX_GLASS_DEFLATED) {
            db.close();
            (void)nx_glass_store_docdata_raw(path);
            db = Xapian::WritableDatabase(path, flags);
        }
        if (ours)
            unsetenv(FLUSH_VARIABLE);
        return db;
    } catch (...) {
        if (ours)
            unsetenv(FLUSH_VARIABLE);
        throw;
    }
}

}  // namespace

extern "C" unsigned long nx_xdb_flush_threshold(void)
{
    const char *set = std::getenv(FLUSH_VARIABLE);
    if (!set)
        return std::strtoul(FLUSH_DOCUMENTS, nullptr, 10);
    // As Xapian reads it: a number, and 0 (or none) for its own default.
    unsigned long n = std::strtoul(set, nullptr, 10);
    return n ? n : 10000;
}

extern "C" newsdex_status nx_xdb_open_writable(const char *path, nx_xdb **out, nx_error *err)
{
    *out = nullptr;
    return nx_guard(err, [&] {
        nx_check_stub(path);
        nx_xdb *h = new nx_xdb;
        try {
            h->wdb = open_glass(path);
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

void nx_xdb::reopen()
{
    if (writable)
        return;
    std::string now = nx_paths_signature(paths);
    if (!paths.empty() && now != signature) {
        if (!shards.shards.empty()) { // opened by nx_xdb_open_shards: same timeout and partial
            nx_shard_set set;
            rdb = nx_open_steady(paths, now, [&] {
                set.shards.clear();
                set.timeout_ms = shards.timeout_ms;
                set.partial = shards.partial;
                for (const std::string &p : paths)
                    nx_shards_add(set, p.c_str());
                return nx_shards_open(set);
            });
            shards = std::move(set);
        } else {
            Xapian::Database fresh;
            for (const std::string &p : paths)
                fresh.add_database(nx_open_database(p.c_str()));
            rdb = fresh;
        }
        signature = now;
    } else if (!rdb.reopen()) {
        return;
    }
    key_cache.clear();
    generation++;
}

// Remembers what the paths of a read-only handle name before they are
// opened, so that a change during the open is seen by the next reopen.
static void remember_paths(nx_xdb *h, const char *const *paths, size_t n)
{
    h->paths.assign(paths, paths + n);
    h->signature = nx_paths_signature(h->paths);
}

extern "C" newsdex_status nx_xdb_open_readonly(const char *path, nx_xdb **out, nx_error *err)
{
    *out = nullptr;
    return nx_guard(err, [&] {
        nx_xdb *h = new nx_xdb;
        try {
            remember_paths(h, &path, 1);
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
    newsdex_status st = nx_guard(err, [&] {
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
    return nx_guard(err, [&] {
        if (!db->writable)
            throw Xapian::InvalidOperationError("index is open read-only");
        db->months.flush(db->wdb);
        db->wdb.commit();
    });
}

extern "C" newsdex_status nx_xdb_doccount(nx_xdb *db, uint64_t *count, nx_error *err)
{
    return nx_guard(err, [&] { *count = db->db().get_doccount(); });
}

extern "C" newsdex_status nx_xdb_term_exists(nx_xdb *db, const char *term, int *exists,
                                             nx_error *err)
{
    return nx_guard(err, [&] { *exists = db->db().term_exists(term) ? 1 : 0; });
}

extern "C" newsdex_status nx_xdb_termfreq(nx_xdb *db, const char *term, uint64_t *freq,
                                          nx_error *err)
{
    return nx_guard(err, [&] { *freq = db->db().get_termfreq(term); });
}

extern "C" newsdex_status nx_xdb_replace(nx_xdb *db, const char *unique_term, const nx_xdoc *doc,
                                         nx_error *err)
{
    return nx_guard(err, [&] {
        if (!db->writable)
            throw Xapian::InvalidOperationError("index is open read-only");
        db->months.prepare(db->wdb);
        Xapian::docid did = db->wdb.replace_document(unique_term, doc->doc);
        db->months.set(db->wdb, did, doc->doc);
    });
}

extern "C" newsdex_status nx_xdb_add(nx_xdb *db, const nx_xdoc *doc, nx_error *err)
{
    return nx_guard(err, [&] {
        db->months.prepare(writable(db));
        Xapian::docid did = db->wdb.add_document(doc->doc);
        db->months.set(db->wdb, did, doc->doc);
    });
}

extern "C" newsdex_status nx_xdb_open_readonly_many(const char *const *paths, size_t n,
                                                    nx_xdb **out, size_t *failed, nx_error *err)
{
    *out = nullptr;
    size_t at = n;
    newsdex_status st = nx_guard(err, [&] {
        if (n == 0)
            throw Xapian::InvalidArgumentError("no index given");
        nx_xdb *h = new nx_xdb;
        try {
            remember_paths(h, paths, n);
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

extern "C" newsdex_status nx_xdb_open_shards(const char *const *paths, size_t n,
                                             const nx_xopen *o, nx_xdb **out, size_t *failed,
                                             nx_error *err)
{
    *out = nullptr;
    size_t at = n;
    newsdex_status st = nx_guard(err, [&] {
        if (n == 0)
            throw Xapian::InvalidArgumentError("no index given");
        std::unique_ptr<nx_xdb> h(new nx_xdb);
        remember_paths(h.get(), paths, n);
        h->shards.timeout_ms = o && o->timeout_ms ? o->timeout_ms : NX_XDB_REMOTE_TIMEOUT_MS;
        h->shards.partial = o && o->partial;
        std::vector<size_t> origin; // the path each shard comes from
        size_t bad = 0;
        // The stubs are read again for each attempt: a replica switches
        // copies by rewriting its stub.
        auto open = [&] {
            h->shards.shards.clear();
            origin.clear();
            for (at = 0; at < n; at++) {
                nx_shards_add(h->shards, paths[at]);
                origin.resize(h->shards.shards.size(), at);
            }
            bad = origin.size();
            return nx_shards_open(h->shards, &bad);
        };
        try {
            h->rdb = nx_open_steady(h->paths, h->signature, open);
        } catch (...) {
            if (at == n) // opening failed, not reading the paths
                at = bad < origin.size() ? origin[bad] : n;
            throw;
        }
        at = n;
        *out = h.release();
    });
    if (failed)
        *failed = st == NEWSDEX_OK ? n : at;
    return st;
}

extern "C" size_t nx_xdb_missing_count(const nx_xdb *db)
{
    size_t k = 0;
    for (const nx_shard &s : db->shards.shards)
        k += s.missing;
    return k;
}

extern "C" const char *nx_xdb_missing_name(const nx_xdb *db, size_t i)
{
    for (const nx_shard &s : db->shards.shards)
        if (s.missing && i-- == 0)
            return s.name.c_str();
    return "";
}

extern "C" newsdex_status nx_xdb_recover(nx_xdb *db, int *retry, nx_error *err)
{
    *retry = 0;
    std::string context = nx_take_network_context();
    nx_shard_set &set = db->shards;
    long which = nx_shard_of_context(set, context);
    if (which >= 0 && !set.partial) {
        char inner[NX_ERROR_MAX];
        std::memcpy(inner, err->message, sizeof inner);
        return nx_error_set(err, NEWSDEX_ERR_NETWORK, "shard %s did not answer within %u ms: %.400s",
                            set.shards[static_cast<size_t>(which)].name.c_str(), set.timeout_ms,
                            inner);
    }
    if (!set.partial || set.shards.empty())
        return err->status;
    if (which >= 0)
        set.shards[static_cast<size_t>(which)].missing = true;
    return nx_guard(err, [&] {
        // Every shard anew: a connection left in the middle of an exchange
        // cannot be used again. Those that do not answer now are left out.
        db->rdb = nx_shards_open(set);
        db->key_cache.clear();
        db->generation++;
        *retry = 1;
    });
}

/* ---- Documents ---- */

extern "C" newsdex_status nx_xdoc_new(nx_xdoc **out, nx_error *err)
{
    *out = nullptr;
    return nx_guard(err, [&] { *out = new nx_xdoc; });
}

extern "C" void nx_xdoc_free(nx_xdoc *doc)
{
    delete doc;
}

extern "C" newsdex_status nx_xdoc_add_posting(nx_xdoc *doc, const char *term, uint32_t position,
                                              uint32_t wdf_inc, nx_error *err)
{
    return nx_guard(err, [&] { doc->doc.add_posting(term, position, wdf_inc); });
}

extern "C" newsdex_status nx_xdoc_add_posting_n(nx_xdoc *doc, const char *term, size_t len,
                                                uint32_t position, uint32_t wdf_inc,
                                                nx_error *err)
{
    return nx_guard(err, [&] { doc->doc.add_posting(std::string(term, len), position, wdf_inc); });
}

extern "C" newsdex_status nx_xdoc_add_term_n(nx_xdoc *doc, const char *term, size_t len,
                                             uint32_t wdf_inc, nx_error *err)
{
    return nx_guard(err, [&] { doc->doc.add_term(std::string(term, len), wdf_inc); });
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
    return nx_guard(err, [&] { doc->doc.add_term(term, wdf_inc); });
}

extern "C" newsdex_status nx_xdoc_add_boolean_term(nx_xdoc *doc, const char *term, nx_error *err)
{
    return nx_guard(err, [&] { doc->doc.add_boolean_term(term); });
}

extern "C" newsdex_status nx_xdoc_set_value(nx_xdoc *doc, unsigned slot, const char *bytes,
                                            size_t len, nx_error *err)
{
    return nx_guard(err, [&] { doc->doc.add_value(slot, std::string(bytes, len)); });
}

extern "C" newsdex_status nx_xdoc_set_data(nx_xdoc *doc, const char *bytes, size_t len,
                                           nx_error *err)
{
    return nx_guard(err, [&] { doc->doc.set_data(std::string(bytes, len)); });
}

/* ---- Writing, and reading the index ---- */

extern "C" newsdex_status nx_xdb_begin_transaction(nx_xdb *db, nx_error *err)
{
    // Flushed: commit_transaction() makes the batch durable, not just visible.
    return nx_guard(err, [&] { writable(db).begin_transaction(true); });
}

extern "C" newsdex_status nx_xdb_commit_transaction(nx_xdb *db, nx_error *err)
{
    return nx_guard(err, [&] {
        db->months.flush(writable(db)); // in the same commit as the documents
        db->wdb.commit_transaction();
    });
}

extern "C" newsdex_status nx_xdb_cancel_transaction(nx_xdb *db, nx_error *err)
{
    return nx_guard(err, [&] {
        db->months.discard();
        writable(db).cancel_transaction();
    });
}

extern "C" newsdex_status nx_xdb_delete_unique(nx_xdb *db, const char *unique_term,
                                               nx_error *err)
{
    return nx_guard(err, [&] { writable(db).delete_document(unique_term); });
}

extern "C" newsdex_status nx_xdb_unique_value(nx_xdb *db, const char *unique_term, unsigned slot,
                                              char *buf, size_t cap, size_t *len, int *found,
                                              nx_error *err)
{
    *found = 0;
    *len = 0;
    return nx_guard(err, [&] {
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
    return nx_guard(err, [&] { writable(db).set_metadata(key, std::string(value, len)); });
}

extern "C" newsdex_status nx_xdb_get_metadata(nx_xdb *db, const char *key, char **out,
                                              size_t *len, nx_error *err)
{
    *out = nullptr;
    *len = 0;
    return nx_guard(err, [&] {
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

extern "C" newsdex_status nx_xdb_get_metadata_any(nx_xdb *db, const char *key, char **out,
                                               size_t *len, nx_error *err)
{
    *out = nullptr;
    *len = 0;
    return nx_guard(err, [&] {
        Xapian::Database &d = db->db();
        std::string value = d.get_metadata(key);
        // Each shard as a database of its own (Xapian's handle on one shard).
        for (size_t i = 1; value.empty() && i < d.size(); i++)
            value = Xapian::Database(d.internal[i].get()).get_metadata(key);
        *out = nx_copy_string(value);
        *len = value.size();
    });
}

extern "C" newsdex_status nx_xdb_each_term(nx_xdb *db, const char *prefix, nx_xterm_fn fn,
                                           void *ctx, nx_error *err)
{
    return nx_guard(err, [&] {
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
    return nx_guard(err, [&] {
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
    return nx_guard(err, [&] { *docid = db->db().get_lastdocid(); });
}

extern "C" uint64_t nx_xdb_generation(const nx_xdb *db)
{
    return db ? db->generation : 0;
}

extern "C" newsdex_status nx_xdb_reopen(nx_xdb *db, nx_error *err)
{
    return nx_guard(err, [&] {
        db->reopen();
    });
}

extern "C" newsdex_status nx_xdb_value_upper_bound(nx_xdb *db, unsigned slot, char **out,
                                                   size_t *len, nx_error *err)
{
    *out = nullptr;
    *len = 0;
    return nx_guard(err, [&] {
        std::string value = db->db().get_value_upper_bound(slot);
        *out = nx_copy_string(value);
        *len = value.size();
    });
}

extern "C" newsdex_status nx_xdb_value_lower_bound(nx_xdb *db, unsigned slot, char **out,
                                                   size_t *len, nx_error *err)
{
    *out = nullptr;
    *len = 0;
    return nx_guard(err, [&] {
        std::string value = db->db().get_value_lower_bound(slot);
        *out = nx_copy_string(value);
        *len = value.size();
    });
}

/* ---- Failures that cannot be caught ---- */

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
