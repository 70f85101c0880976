// The month of every article's date by docid, kept in the index's metadata
// next to the documents it describes (same commits). A search that counts
// matches per year or month looks each match up here instead of reading its
// date value, a B-tree lookup apiece: the per-year chart of a one-shot
// process (newsdex.cgi) then costs a few metadata reads instead of one
// lookup per match.
//
// Layout: metadata "newsdex:months:N" holds docids [N * 512, N * 512 + 512),
// three bytes each, little endian, trailing zeros left out: 0 for no date,
// else 1 + year * 12 + month - 1 of the value "YYYYMM..." in the date slot
// (years 0000-9999 need 17 bits). "newsdex:months" = "3:512" (bytes per
// docid, docids per chunk) says the map covers every document; an index
// written before the map existed, or in another layout, lacks it, and
// searches read the values themselves until a writer next writes an article
// (which builds the whole map once).
#ifndef NX_MONTH_MAP_H
#define NX_MONTH_MAP_H

#include <xapian.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace nx_months {

// The code of a date value "YYYYMM...": 0 when it does not start with a
// year and a month 01-12.
uint32_t code_of(const std::string &value);

// The first `bytes` of the date value of a month code, packed big endian
// into a number as the match counting packs values (4: "YYYY", 6: "YYYYMM");
// only for codes other than 0 and bytes 4 or 6.
uint64_t packed(uint32_t code, size_t bytes);

// A writer's side: records the date of every document it writes and puts
// the changed chunks into the metadata before each commit.
class Writer {
  public:
    // Before the first write of a session (and after a cancelled
    // transaction): an index without a map gets one built from its values.
    void prepare(Xapian::WritableDatabase &db);
    // Document did was just written as doc (its date in the date slot).
    void set(Xapian::WritableDatabase &db, Xapian::docid did, const Xapian::Document &doc);
    // Inside the transaction about to commit (or before a plain commit).
    void flush(Xapian::WritableDatabase &db);
    // The transaction was cancelled: forget what it changed.
    void discard();

  private:
    std::vector<uint32_t> &chunk(Xapian::WritableDatabase &db, uint32_t n);
    std::map<uint32_t, std::vector<uint32_t>> chunks; // loaded or changed this session
    std::set<uint32_t> dirty;
    bool prepared = false;
    bool mark_complete = false; // the flush writes "newsdex:months" too
};

// A reader's side, for one search: chunks read as needed.
class Reader {
  public:
    explicit Reader(const Xapian::Database &db);
    // Whether the map gives the first `bytes` of the values in slot.
    bool serves(Xapian::valueno slot, size_t bytes);
    uint32_t code(Xapian::docid did);

  private:
    const Xapian::Database &db;
    int complete = -1; // unknown until asked: a search without counts reads nothing
    std::map<uint32_t, std::string> chunks;
};

}  // namespace nx_months

#endif
