// Inside the Xapian binding, shared by its .cc files and never included by
// C: the structs behind the opaque handles of xdb.h, xsearch.h and
// xcount.h, the exception guard every entry point runs its body in, the
// limits of a search as C++ sees them, and the counting that runs inside a
// ranking pass (xcount.cc, called by xsearch.cc).
#ifndef NX_BINDING_HH
#define NX_BINDING_HH

#include "match_list.h"
#include "month_map.h"
#include "xcount.h"
#include "xdb.h"
#include "xsearch.h"

#include <xapian.h>

#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

// ---- Handles ----

// Per read-only handle: the first `bytes` of a value slot for every docid,
// packed (nx_pack_key), made when a handle counts that dimension a second
// time (a long-lived handle, such as FastCGI's, will go on counting; a
// one-shot search does not pay for it). Valid for the handle's snapshot of
// the index: dropped whenever the handle reopens.
struct nx_key_cache {
    std::map<std::pair<Xapian::valueno, size_t>, std::vector<uint64_t>> keys;
    std::map<std::pair<Xapian::valueno, size_t>, unsigned> uses;
    void clear()
    {
        keys.clear();
        uses.clear();
    }
};

// The shards behind a read-only handle, each local (path) or remote
// (host and port), as nx_shards_add() found them in the paths given:
// tcp:// names and the lines of stub files (xapian_remote.cc).
struct nx_shard {
    std::string name; // for messages: the path, or tcp://HOST:PORT
    bool whole = false; // name is a path given, not a line of a stub file
    std::string path; // local shards: what Xapian opens
    std::string host; // remote shards
    unsigned port = 0; // 0: local
    bool missing = false; // left out: did not answer (partial handles only)
};

struct nx_shard_set {
    std::vector<nx_shard> shards;
    unsigned timeout_ms = NX_XDB_REMOTE_TIMEOUT_MS;
    bool partial = false; // leave out remote shards that do not answer
    // With remote shards: the first shard whose articles may keep their
    // positions per article (schema 3), which Xapian's phrase and NEAR,
    // all a remote search can run, would not see ("" if none).
    std::string positions_per_article;
};

struct nx_xdb {
    Xapian::WritableDatabase wdb;  // valid when writable
    Xapian::Database rdb;          // valid when read-only
    bool writable = false;
    nx_months::Writer months;      // writable handles: the month map
    nx_key_cache key_cache;        // read-only handles only
    uint64_t generation = 0;       // read-only handles: reopens that moved
    nx_shard_set shards;           // read-only handles opened by nx_xdb_open_shards
    // Read-only handles: the paths opened and what they named then
    // (nx_local_signature): when a stub is rewritten (a new shard) or a
    // directory swapped in (a compacted shard), reopen() opens them afresh.
    std::vector<std::string> paths;
    std::string signature;
    Xapian::Database &db() { return writable ? static_cast<Xapian::Database &>(wdb) : rdb; }
    nx_key_cache *cache() { return writable ? nullptr : &key_cache; }
    void reopen(); // xdb.cc
};

// Adds the shards of path (a directory, a stub file, tcp://HOST:PORT) to
// set. A stub file whose lines are all "auto", "glass", "chert" or "honey"
// paths or "remote HOST:PORT" is read line by line (nested stubs too);
// any other is left to Xapian whole.
void nx_shards_add(nx_shard_set &set, const char *path);
// Opens every shard of set not missing, as one database. With
// set.partial, a remote shard that does not answer is marked missing and
// left out (NetworkError when none is left); else the error names it
// (unless the shard is all a path named) and *failed (may be null) is its
// index in set.shards.
Xapian::Database nx_shards_open(nx_shard_set &set, size_t *failed = nullptr);
// The shard a NetworkError's context ("remote:tcp(HOST:PORT)") names, or
// -1. nx_map_exception() keeps the context of the last one it handled
// (per thread): nx_take_network_context() returns it and forgets it.
long nx_shard_of_context(const nx_shard_set &set, const std::string &context);
std::string nx_take_network_context();

struct nx_xdoc {
    Xapian::Document doc;
};

struct nx_xquery {
    Xapian::Query query;
    // The same matches as a match-list expression (match_list.h), walked
    // for exact counts; null when the matcher must decide (phrases, NEAR,
    // wildcards, value ranges).
    nx_matchlist::ExprPtr expr;
    // With phrases or NEAR inside: the same query with each of them as the
    // AND of its words filtered by newsdex's positions check
    // (positions_check.cc), which reads positions kept per article and
    // Xapian's alike; `query` has Xapian's OP_PHRASE and OP_NEAR, which
    // see Xapian's positions only. nx_query_for() picks one.
    bool positional = false;
    Xapian::Query checked = Xapian::Query();
};
// The form of q to run on db: `query` when no article of db keeps its
// own positions (NX_TERM_OWN_POSITIONS), else `checked`. Throws
// DatabaseVersionError for a phrase or NEAR over remote shards when some
// article does: xapian-tcpsrv cannot run newsdex's check, and Xapian's
// operators would silently miss that article's phrases.
const Xapian::Query &nx_query_for(const nx_xquery *q, nx_xdb *db);
// Xapian's OP_PHRASE or OP_NEAR of terms (window as Xapian's) as the
// AND of the terms filtered by newsdex's positions check.
Xapian::Query nx_positions_checked(bool near, const std::vector<std::string> &terms,
                                   Xapian::termcount window);
// The schema version db records (NX_META_SCHEMA; 1 when it has none).
unsigned nx_schema_of(const Xapian::Database &db);

using nx_count_list = std::vector<std::pair<std::string, uint64_t>>;

struct nx_xresults {
    uint64_t estimate = 0;
    bool exact = false; // estimate is the exact number of matches
    std::vector<double> weights;
    std::vector<std::string> data;
    std::vector<nx_count_list> counted; // per counted dimension
    // Per counted dimension: the matches holding none of its values, or
    // NX_NONE_DERIVED when every match holds at most one (a value slot):
    // the total less the counts.
    std::vector<uint64_t> none;
};
constexpr uint64_t NX_NONE_DERIVED = UINT64_MAX;

// Read-only open of a directory, a stub file or "tcp://HOST:PORT" (remote
// shards): xapian_remote.cc.
Xapian::Database nx_open_database(const char *path);
// Throws DatabaseCorruptError when path is a stub file that names itself
// (directly or through others) or nests too deep, before Xapian would
// recurse into it (xapian_remote.cc).
void nx_check_stub(const char *path);
// What a local path names: the identity (device, inode) of the path, of
// its stub file and, through "auto" lines, of everything the stub names;
// "" for a remote index. Two equal signatures mean the same files.
std::string nx_local_signature(const char *path);
// The signatures of paths, each followed by "|": what nx_xdb::signature holds.
std::string nx_paths_signature(const std::vector<std::string> &paths);

// Opening reads a stub, or an index's version file, and then the files
// they name: a copy swapped in meanwhile (`newsdex compact`, or
// xapian-replicate rewriting a stub and removing the copy it named) can
// leave a mix of the two or a name that no longer exists. open() is called
// again, up to kOpenAttempts times in all, while paths name something else
// after it (succeeded or failed with a DatabaseError) than before it.
// before holds their signature before the first call, and on return the
// one before the call whose result is returned: a change the last attempt
// saw stays visible to the next reopen.
constexpr int kOpenAttempts = 4;
template <class Open>
auto nx_open_steady(const std::vector<std::string> &paths, std::string &before, Open open)
    -> decltype(open())
{
    for (int attempt = 1;; attempt++) {
        std::string now;
        try {
            auto db = open();
            now = nx_paths_signature(paths);
            if (now == before || attempt >= kOpenAttempts)
                return db;
        } catch (const Xapian::DatabaseError &) {
            now = nx_paths_signature(paths);
            if (now == before || attempt >= kOpenAttempts)
                throw;
        }
        before = std::move(now);
    }
}
// Throws nx_permission_error when path (or a file of the index in it) is
// not readable (or writable, with write): called after an open failed
// (xapian_remote.cc).
void nx_check_access(const char *path, bool write);

// The UUIDs of db's shards: more than one when several indexes are open
// as one (their docids then interleave).
std::vector<std::string> nx_shard_uuids(const Xapian::Database &db);

// A malloc'd, NUL-terminated copy of s (throws std::bad_alloc).
char *nx_copy_string(const std::string &s);

// ---- The exception guard ----

// Thrown when a search goes over a limit of its nx_xbudget (the budget's
// `hit` says which); the guard gives NEWSDEX_ERR_LIMIT.
struct nx_limit_error : std::exception {
    const char *what() const noexcept override { return "the search went over a limit"; }
};

// Thrown when an index (or a stub file naming shards) cannot be opened for
// lack of permission; the guard gives NEWSDEX_ERR_PERMISSION.
struct nx_permission_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Called inside a catch block: records the exception being handled in
// *err and returns its status, most derived classes first.
newsdex_status nx_map_exception(nx_error *err);

// Runs body, turning any exception into a status and a message: every
// entry point of the binding returns through here, so nothing C++ ever
// crosses into C.
template <typename Body>
newsdex_status nx_guard(nx_error *err, Body body)
{
    try {
        body();
        return NEWSDEX_OK;
    } catch (...) {
        return nx_map_exception(err);
    }
}

// Runs body against db's index; a writer committing meanwhile invalidates
// old revisions (DatabaseModifiedError): reopen and run it again, so that
// a search during indexing sees a consistent state.
template <typename Body>
void nx_with_reopen(nx_xdb *db, Body body)
{
    for (int attempt = 0;; attempt++) {
        try {
            body();
            return;
        } catch (const Xapian::DatabaseModifiedError &) {
            if (attempt >= 5)
                throw;
            db->reopen();
        }
    }
}

// Throws nx_limit_error (setting b->hit) once b's deadline has passed.
void nx_budget_check_time(nx_xbudget *b);
// Throws nx_limit_error (setting b->hit) when n matches are more than b
// lets a search count.
void nx_budget_check_counted(nx_xbudget *b, uint64_t n);

// ---- Counting inside a ranking pass (xcount.cc) ----

// Exact counts of the dimensions `counts` over every match of one ranking
// pass: attached to the pass's Enquire (a match spy, or a separate listing
// of the matches when several shards are open), then read into results.
class nx_pass_counter {
  public:
    nx_pass_counter(Xapian::Database &db, nx_key_cache *cache, nx_months::Reader &months,
                    const nx_xcount *counts, size_t n_counts, nx_xbudget *budget);
    ~nx_pass_counter();
    // Before the ranking: what get_mset's checkatleast must be (every match).
    Xapian::doccount attach(Xapian::Enquire &enquire, const Xapian::Query &query);
    // The ranking threw UnimplementedError (remote shards cannot run a
    // spy): false when there was no spy to blame; else the spy is gone, the
    // pass can run again, and list_apart() then lists the matches.
    bool drop_spy(Xapian::Enquire &enquire);
    void list_apart(const Xapian::Query &query);
    // After the ranking: takes the spy's counts.
    void detach(Xapian::Enquire &enquire);
    // The counts of every dimension into r, and the exact total as its
    // estimate (when counting).
    void results(nx_xresults &r);

  private:
    struct State;
    std::unique_ptr<State> s;
};

#endif
