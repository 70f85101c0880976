// Merging the shards of a parallel build (xmerge.h). Like every entry point
// of engine/, each function catches everything and maps it to a status and
// a message (nx_guard, binding.hh).

#include "xmerge.h"
#include "binding.hh"

#include "../terms.h"

#include <xapian.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

struct nx_xshard {
    Xapian::Database db;
};

namespace {

// Xapian copies a key that one shard holds as it is and asks about a key
// that several hold.
class MetadataMerger : public Xapian::Compactor {
  public:
    std::string resolve_duplicate_metadata(const std::string &key, size_t num_tags,
                                           const std::string tags[]) override
    {
        std::vector<const char *> values(num_tags);
        for (size_t i = 0; i < num_tags; i++)
            values[i] = tags[i].c_str();
        const char *chosen = nx_xmerge_metadata(key.c_str(), num_tags, values.data());
        for (size_t i = 0; i < num_tags; i++)
            if (values[i] == chosen)
                return tags[i];
        return tags[0];
    }
};

newsdex_status no_space_aware(nx_error *e, newsdex_status st)
{
    if (st == NEWSDEX_ERR_IO && nx_error_is_no_space(e->message))
        st = e->status = NEWSDEX_ERR_NOSPACE;
    return st;
}

// After compaction: the month map of each shard numbers documents as the
// shard did, so it is dropped and built once more from the date values, in
// the merged numbering; and a source's name is the first shard's, as one
// writer keeps the spelling it wrote first (Xapian hands duplicates to
// resolve_duplicate_metadata in no documented order).
void finish_metadata(const std::string &dir, const std::vector<Xapian::Database> &shards)
{
    Xapian::WritableDatabase db(dir, Xapian::DB_OPEN | Xapian::DB_BACKEND_GLASS);
    std::map<std::string, std::string> sources;
    for (const Xapian::Database &shard : shards)
        for (auto k = shard.metadata_keys_begin(NX_META_SOURCE);
             k != shard.metadata_keys_end(NX_META_SOURCE); ++k)
            sources.emplace(*k, shard.get_metadata(*k));
    for (const auto &kv : sources)
        db.set_metadata(kv.first, kv.second);
    std::vector<std::string> keys;
    for (auto k = db.metadata_keys_begin(NX_META_MONTHS); k != db.metadata_keys_end(NX_META_MONTHS);
         ++k)
        keys.push_back(*k);
    for (const std::string &k : keys)
        db.set_metadata(k, "");
    nx_months::Writer months;
    months.prepare(db);
    months.flush(db);
    db.commit();
    db.close();
}

}  // namespace

extern "C" const char *nx_xmerge_metadata(const char *key, size_t n, const char *const *values)
{
    // The schema: the highest, which describes every shard's articles
    // (a version 3 index may hold articles of version 2, not the reverse).
    if (std::strcmp(key, NX_META_SCHEMA) == 0) {
        const char *best = nullptr;
        unsigned long high = 0;
        for (size_t i = 0; i < n; i++) {
            unsigned long v = values[i] && values[i][0] ? std::strtoul(values[i], nullptr, 10) : 0;
            if (!best || v > high) {
                best = values[i];
                high = v;
            }
        }
        if (best)
            return best;
    }
    // Sources: a single writer keeps the name as first written, which is
    // the first shard's; the last run is the same in every shard (the
    // caller records the run's own summary after merging).
    for (size_t i = 0; i < n; i++)
        if (values[i] && values[i][0])
            return values[i];
    return n ? values[0] : "";
}

extern "C" newsdex_status nx_xmerge_check(const char *const *shards, size_t n, int *ok,
                                          nx_error *err)
{
    *ok = 0;
    return nx_guard(err, [&] {
        std::unordered_map<std::string, size_t> owner;
        for (size_t i = 0; i < n; i++) {
            Xapian::Database db(shards[i], Xapian::DB_BACKEND_GLASS);
            if (db.get_doccount() != db.get_lastdocid())
                return; // a gap: some document of the shard was deleted
            for (auto t = db.allterms_begin(NX_PREFIX_ID); t != db.allterms_end(NX_PREFIX_ID); ++t)
                if (!owner.emplace(*t, i).second)
                    return; // the id is in two shards
        }
        *ok = 1;
    });
}

extern "C" newsdex_status nx_xmerge_compact(const char *const *shards, size_t n,
                                            const char *dst_dir, nx_error *err)
{
    nx_error local;
    nx_error *e = err ? err : &local;
    newsdex_status st = nx_guard(e, [&] {
        Xapian::Database all;
        std::vector<Xapian::Database> used_shards;
        size_t used = 0;
        for (size_t i = 0; i < n; i++) {
            Xapian::Database db(shards[i], Xapian::DB_BACKEND_GLASS);
            if (db.get_lastdocid() == 0)
                continue; // nothing to number: a part whose records were all rejected
            all.add_database(db);
            used_shards.push_back(db);
            used++;
        }
        if (used == 0) {
            Xapian::WritableDatabase empty(dst_dir, Xapian::DB_CREATE | Xapian::DB_BACKEND_GLASS);
            empty.commit();
            return;
        }
        MetadataMerger merger;
        // Renumbering (no NO_RENUMBER): each shard's ids follow the last id of
        // the one before, as one writer reading all parts in order numbers them.
        all.compact(dst_dir, Xapian::Compactor::FULL, 0, merger);
        finish_metadata(dst_dir, used_shards);
    });
    return st == NEWSDEX_OK ? st : no_space_aware(e, st);
}

extern "C" newsdex_status nx_xshard_open(const char *path, nx_xshard **out, nx_error *err)
{
    *out = nullptr;
    return nx_guard(err, [&] {
        nx_xshard *s = new nx_xshard;
        try {
            s->db = Xapian::Database(path, Xapian::DB_BACKEND_GLASS);
        } catch (...) {
            delete s;
            throw;
        }
        *out = s;
    });
}

extern "C" void nx_xshard_close(nx_xshard *shard)
{
    delete shard;
}

extern "C" newsdex_status nx_xshard_lastdocid(nx_xshard *shard, uint64_t *docid, nx_error *err)
{
    return nx_guard(err, [&] { *docid = shard->db.get_lastdocid(); });
}

extern "C" newsdex_status nx_xshard_each(nx_xshard *shard, uint64_t first, uint64_t last,
                                         nx_xshard_fn fn, void *ctx, nx_error *err)
{
    newsdex_status result = NEWSDEX_OK;
    newsdex_status st = nx_guard(err, [&] {
        Xapian::PostingIterator p = shard->db.postlist_begin("");
        if (first > 1)
            p.skip_to(static_cast<Xapian::docid>(first));
        for (; p != shard->db.postlist_end(""); ++p) {
            Xapian::docid did = *p;
            if (did > last)
                break;
            Xapian::Document doc = shard->db.get_document(did);
            Xapian::TermIterator t = doc.termlist_begin();
            t.skip_to(NX_PREFIX_ID);
            if (t == doc.termlist_end() || (*t).compare(0, strlen(NX_PREFIX_ID), NX_PREFIX_ID) != 0)
                throw Xapian::DatabaseCorruptError("document " + std::to_string(did) +
                                                   " of the shard has no id term");
            std::string term = *t, data = doc.get_data(), fp = doc.get_value(NX_SLOT_FINGERPRINT);
            result = fn(did, term.c_str(), data.data(), data.size(), fp.data(), fp.size(), ctx);
            if (result != NEWSDEX_OK)
                return;
        }
    });
    return st != NEWSDEX_OK ? st : result;
}

extern "C" newsdex_status nx_xdb_replace_copy(nx_xdb *db, const char *unique_term,
                                              nx_xshard *shard, uint64_t docid, nx_error *err)
{
    return nx_guard(err, [&] {
        if (!db->writable)
            throw Xapian::InvalidOperationError("index is open read-only");
        Xapian::Document doc = shard->db.get_document(static_cast<Xapian::docid>(docid));
        db->months.prepare(db->wdb);
        Xapian::docid did = db->wdb.replace_document(unique_term, doc);
        db->months.set(db->wdb, did, doc);
    });
}
