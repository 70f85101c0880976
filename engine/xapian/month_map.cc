// The month map (month_map.h): codes, the writer's chunks, the reader's.

#include "month_map.h"

#include "../terms.h"

namespace nx_months {

namespace {

// Small chunks: a search with few matches reads few bytes (a chunk is one
// B-tree item); one with many reads more chunks, each as cheap.
constexpr uint32_t CHUNK_DOCS = 512;
constexpr size_t CODE_BYTES = 3;
// The value of NX_META_MONTHS: the layout the map is complete in.
const std::string COMPLETE = std::to_string(CODE_BYTES) + ":" + std::to_string(CHUNK_DOCS);

std::string chunk_key(uint32_t n)
{
    return NX_META_MONTHS_CHUNK + std::to_string(n);
}

int digits(const std::string &v, size_t at, size_t n)
{
    int x = 0;
    for (size_t i = at; i < at + n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return -1;
        x = x * 10 + (v[i] - '0');
    }
    return x;
}

// CODE_BYTES per docid, little endian, without the trailing zeros.
std::string encode(const std::vector<uint32_t> &codes)
{
    size_t n = codes.size();
    while (n > 0 && codes[n - 1] == 0)
        n--;
    std::string out(CODE_BYTES * n, '\0');
    for (size_t i = 0; i < n; i++)
        for (size_t b = 0; b < CODE_BYTES; b++)
            out[CODE_BYTES * i + b] = static_cast<char>(codes[i] >> (8 * b) & 0xff);
    return out;
}

uint32_t decode_at(const std::string &chunk, size_t i)
{
    if (CODE_BYTES * i + CODE_BYTES > chunk.size())
        return 0;
    uint32_t code = 0;
    for (size_t b = 0; b < CODE_BYTES; b++)
        code |= uint32_t{static_cast<unsigned char>(chunk[CODE_BYTES * i + b])} << (8 * b);
    return code;
}

}  // namespace

uint32_t code_of(const std::string &value)
{
    if (value.size() < 6)
        return 0;
    int year = digits(value, 0, 4), month = digits(value, 4, 2);
    if (year < 0 || month < 1 || month > 12)
        return 0;
    return static_cast<uint32_t>(1 + year * 12 + month - 1); // at most 120,000: 17 bits
}

uint64_t packed(uint32_t code, size_t bytes)
{
    unsigned year = (code - 1u) / 12, month = (code - 1u) % 12 + 1;
    unsigned char text[6] = {
        static_cast<unsigned char>('0' + year / 1000), static_cast<unsigned char>('0' + year / 100 % 10),
        static_cast<unsigned char>('0' + year / 10 % 10), static_cast<unsigned char>('0' + year % 10),
        static_cast<unsigned char>('0' + month / 10), static_cast<unsigned char>('0' + month % 10)};
    uint64_t key = 0;
    for (size_t i = 0; i < bytes && i < 6; i++)
        key = key << 8 | text[i];
    return key;
}

/* ---- Writer ---- */

std::vector<uint32_t> &Writer::chunk(Xapian::WritableDatabase &db, uint32_t n)
{
    auto found = chunks.find(n);
    if (found != chunks.end())
        return found->second;
    std::vector<uint32_t> &codes = chunks[n];
    codes.assign(CHUNK_DOCS, 0);
    std::string stored = db.get_metadata(chunk_key(n));
    for (size_t i = 0; i < CHUNK_DOCS; i++)
        codes[i] = decode_at(stored, i);
    return codes;
}

void Writer::prepare(Xapian::WritableDatabase &db)
{
    if (prepared)
        return;
    prepared = true;
    if (db.get_metadata(NX_META_MONTHS) == COMPLETE)
        return;
    mark_complete = true;
    if (db.get_lastdocid() == 0)
        return; // a new index: what this session writes is the whole map
    // Written before the map existed (or in another layout): every stored
    // date, once, over whatever chunks there were.
    for (Xapian::docid did = 0; did <= db.get_lastdocid(); did += CHUNK_DOCS) {
        chunks[did / CHUNK_DOCS].assign(CHUNK_DOCS, 0);
        dirty.insert(did / CHUNK_DOCS);
    }
    for (Xapian::ValueIterator v = db.valuestream_begin(NX_SLOT_DATE);
         v != db.valuestream_end(NX_SLOT_DATE); ++v)
        chunks[v.get_docid() / CHUNK_DOCS][v.get_docid() % CHUNK_DOCS] = code_of(*v);
}

void Writer::set(Xapian::WritableDatabase &db, Xapian::docid did, const Xapian::Document &doc)
{
    uint32_t n = did / CHUNK_DOCS;
    uint32_t code = code_of(doc.get_value(NX_SLOT_DATE));
    std::vector<uint32_t> &codes = chunk(db, n);
    if (codes[did % CHUNK_DOCS] != code) {
        codes[did % CHUNK_DOCS] = code;
        dirty.insert(n);
    }
}

void Writer::flush(Xapian::WritableDatabase &db)
{
    for (uint32_t n : dirty)
        db.set_metadata(chunk_key(n), encode(chunks[n]));
    dirty.clear();
    if (mark_complete && prepared) {
        db.set_metadata(NX_META_MONTHS, COMPLETE);
        mark_complete = false;
    }
}

void Writer::discard()
{
    chunks.clear();
    dirty.clear();
    prepared = false;
    mark_complete = false;
}

/* ---- Reader ---- */

Reader::Reader(const Xapian::Database &db_) : db(db_)
{
}

bool Reader::serves(Xapian::valueno slot, size_t bytes)
{
    if (slot != NX_SLOT_DATE || (bytes != 4 && bytes != 6))
        return false;
    if (complete < 0)
        complete = db.get_metadata(NX_META_MONTHS) == COMPLETE;
    return complete;
}

uint32_t Reader::code(Xapian::docid did)
{
    uint32_t n = did / CHUNK_DOCS;
    auto found = chunks.find(n);
    if (found == chunks.end())
        found = chunks.emplace(n, db.get_metadata(chunk_key(n))).first;
    return decode_at(found->second, did % CHUNK_DOCS);
}

}  // namespace nx_months
