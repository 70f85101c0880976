// Exact counts over every match (xcount.h): a match spy inside a ranking
// pass, or a walk over the posting lists; per dimension through a
// handle's cached keys, the month map, the values or the terms.

#include "binding.hh"

#include <xapian.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace {

// Values are at most 8 bytes, packed big endian into a number so that
// numeric order is byte order.
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

// Sees every match of a ranking pass: marks its docid in a bitmap (for
// the dimensions counted through posting lists) and counts the dimensions
// read off a value slot, through the handle's key cache.
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
    // cached keys only list the match in `deferred`, counted afterwards
    // through the month map or the terms' posting lists.
    static constexpr uint64_t DIRECT_MAX = 300;
    uint64_t direct_max = DIRECT_MAX;
    std::vector<Xapian::docid> *deferred = nullptr;
    std::vector<ValueDim> dims;
    uint64_t seen = 0;
    nx_xbudget *budget = nullptr; // the clock and the matches that may be counted

    void operator()(const Xapian::Document &doc, double) override
    {
        if (++seen % 256 == 0)
            nx_budget_check_time(budget);
        nx_budget_check_counted(budget, seen);
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
        if (!read_values && deferred)
            deferred->push_back(did);
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
nx_count_list
unpacked_counts(const std::unordered_map<uint64_t, uint64_t> &counts, size_t bytes)
{
    std::vector<std::pair<uint64_t, uint64_t>> keyed(counts.begin(), counts.end());
    std::sort(keyed.begin(), keyed.end());
    nx_count_list out;
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
    nx_budget_check_counted(budget, m.size());
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
// term lists; zero counts left out), in byte order; *none gets how many
// hold no such term.
nx_count_list count_terms(Xapian::Database &db, const std::vector<bool> &bits,
                          const std::string &prefix, nx_xbudget *budget, uint64_t *none)
{
    uint64_t steps = 0;
    std::vector<Xapian::docid> few;
    for (size_t d = 0; d < bits.size() && few.size() <= TERMLIST_MAX; d++)
        if (bits[d])
            few.push_back(static_cast<Xapian::docid>(d));
    *none = 0;
    if (few.size() <= TERMLIST_MAX) {
        std::map<std::string, uint64_t> counts;
        for (Xapian::docid did : few) {
            Xapian::TermIterator t = db.termlist_begin(did), end = db.termlist_end(did);
            bool held = false;
            for (t.skip_to(prefix); t != end && (*t).compare(0, prefix.size(), prefix) == 0; ++t)
                counts[(*t).substr(prefix.size())]++, held = true;
            *none += !held;
        }
        return {counts.begin(), counts.end()};
    }
    nx_count_list out;
    std::vector<bool> held(bits.size()); // marked documents with some value
    for (Xapian::TermIterator t = db.allterms_begin(prefix); t != db.allterms_end(prefix); ++t) {
        const std::string term = *t;
        uint64_t n = 0;
        for (Xapian::PostingIterator it = db.postlist_begin(term); it != db.postlist_end(term); ++it) {
            if (*it < bits.size() && bits[*it])
                n++, held[*it] = true;
            if (++steps % 4096 == 0)
                nx_budget_check_time(budget);
        }
        if (n)
            out.emplace_back(term.substr(prefix.size()), n);
    }
    for (size_t d = 0; d < bits.size(); d++)
        *none += bits[d] && !held[d];
    return out;
}

// Two count lists in byte order, as one.
nx_count_list
merge_counts(const nx_count_list &a,
             const nx_count_list &b)
{
    std::map<std::string, uint64_t> sum;
    for (const auto &x : a)
        sum[x.first] += x.second;
    for (const auto &x : b)
        sum[x.first] += x.second;
    return {sum.begin(), sum.end()};
}

// A dimension with at most one value per document (a value slot).
bool is_value_dim(const nx_xcount &c)
{
    return c.value_bytes > 0 && c.value_bytes <= 8;
}

// How many of the listed matches fall in each value of dimension c:
// through keys (a handle's cached ones; may be null), else the month map
// when it serves c, else the terms' posting lists.
nx_count_list count_listed(Xapian::Database &db, const std::vector<uint64_t> *keys,
                           nx_months::Reader &months, const std::vector<Xapian::docid> &listed,
                           const nx_xcount &c, nx_xbudget *budget, uint64_t *none)
{
    *none = NX_NONE_DERIVED;
    nx_budget_check_time(budget);
    if (keys) { // a long-lived handle's own keys, once made, beat the map's chunks
        std::unordered_map<uint64_t, uint64_t> counts;
        for (Xapian::docid did : listed)
            if (did < keys->size() && (*keys)[did] != NO_KEY)
                counts[(*keys)[did]]++;
        return unpacked_counts(counts, c.value_bytes);
    }
    if (months.serves(c.slot, c.value_bytes)) {
        std::unordered_map<uint64_t, uint64_t> counts;
        uint64_t steps = 0;
        for (Xapian::docid did : listed) {
            if (++steps % 4096 == 0) // a chunk read per 512 docids
                nx_budget_check_time(budget);
            uint32_t code = months.code(did);
            if (code)
                counts[nx_months::packed(code, c.value_bytes)]++;
        }
        return unpacked_counts(counts, c.value_bytes);
    }
    std::vector<bool> bits;
    for (Xapian::docid did : listed)
        CountSpy::mark(bits, did);
    uint64_t by_terms = 0;
    nx_count_list out = count_terms(db, bits, c.prefix, budget, &by_terms);
    if (!is_value_dim(c))
        *none = by_terms;
    return out;
}

}  // namespace

/* ---- Counting inside a ranking pass ---- */

struct nx_pass_counter::State {
    Xapian::Database &db;
    nx_key_cache *cache;
    nx_months::Reader &months;
    const nx_xcount *counts;
    size_t n_counts;
    nx_xbudget *budget;
    std::unique_ptr<CountSpy> spy;
    std::vector<bool> matches;  // when counting through posting lists: every match
    bool spied = false;         // counted by the spy: the four below hold
    uint64_t n_matches = 0;
    std::vector<bool> from_spy; // per dimension: counted by the spy
    std::vector<bool> keyed;    // per dimension: the spy counted every match by cached keys
    std::vector<Xapian::docid> listed; // matches the spy left to the month map or posting lists
    std::vector<nx_count_list> value_counts; // per dimension
};

nx_pass_counter::nx_pass_counter(Xapian::Database &db, nx_key_cache *cache,
                                 nx_months::Reader &months, const nx_xcount *counts,
                                 size_t n_counts, nx_xbudget *budget)
    : s(new State{db, cache, months, counts, n_counts, budget, {}, {}, false, 0, {}, {}, {}, {}})
{
}

nx_pass_counter::~nx_pass_counter() = default;

// A spy for the dimensions: the value dimensions with cached keys it counts
// itself; the other value dimensions it reads or lists apart; for the rest
// it marks the docids.
Xapian::doccount nx_pass_counter::attach(Xapian::Enquire &enquire, const Xapian::Query &query)
{
    State &st = *s;
    if (st.n_counts == 0)
        return 0;
    if (nx_shard_uuids(st.db).size() > 1) {
        // A spy sees each shard's own docids: list the matches apart.
        all_matches(st.db, query, st.matches, st.budget);
        return 0;
    }
    uint64_t direct = 0;
    st.from_spy.assign(st.n_counts, false);
    st.keyed.assign(st.n_counts, false);
    st.spy.reset(new CountSpy);
    bool terms_only = false; // a facet counted through its terms needs every docid
    for (size_t d = 0; d < st.n_counts; d++)
        terms_only |= st.counts[d].value_bytes == 0 || st.counts[d].value_bytes > 8;
    for (size_t d = 0; d < st.n_counts; d++) {
        const nx_xcount &c = st.counts[d];
        const std::vector<uint64_t> *keys = cached_keys(st.db, st.cache, c.slot, c.value_bytes);
        bool mapped = st.months.serves(c.slot, c.value_bytes);
        if (keys || mapped || (!terms_only && c.value_bytes > 0 && c.value_bytes <= 8)) {
            st.spy->dims.push_back({keys, c.slot, c.value_bytes, {}});
            st.from_spy[d] = true;
            st.keyed[d] = keys != nullptr;
            if (!keys) {
                st.spy->deferred = &st.listed;
                if (!mapped)
                    direct = CountSpy::DIRECT_MAX;
            }
        } else {
            st.spy->bits = &st.matches;
        }
    }
    st.spy->direct_max = direct;
    st.spy->budget = st.budget;
    enquire.add_matchspy(st.spy.get());
    return st.db.get_doccount(); // every match is seen: exact counts
}

bool nx_pass_counter::drop_spy(Xapian::Enquire &enquire)
{
    if (!s->spy)
        return false;
    enquire.clear_matchspies();
    s->spy.reset();
    return true;
}

void nx_pass_counter::list_apart(const Xapian::Query &query)
{
    all_matches(s->db, query, s->matches, s->budget);
}

void nx_pass_counter::detach(Xapian::Enquire &enquire)
{
    State &st = *s;
    enquire.clear_matchspies();
    if (!st.spy)
        return;
    st.spied = true;
    st.n_matches = st.spy->seen;
    st.value_counts.assign(st.n_counts, {});
    for (size_t d = 0, v = 0; d < st.n_counts; d++)
        if (st.from_spy[d])
            st.value_counts[d] = unpacked_counts(st.spy->dims[v].counts, st.spy->dims[v].bytes), v++;
}

void nx_pass_counter::results(nx_xresults &r)
{
    State &st = *s;
    for (size_t d = 0; d < st.n_counts; d++) {
        uint64_t none = NX_NONE_DERIVED;
        // The listed matches are those the spy skipped for the dimensions
        // without cached keys; a keyed one has counted them already.
        if (st.spied && st.from_spy[d] && !st.keyed[d] && !st.listed.empty())
            r.counted.push_back(merge_counts(st.value_counts[d],
                                             count_listed(st.db, nullptr, st.months, st.listed,
                                                          st.counts[d], st.budget, &none)));
        else if (st.spied && st.from_spy[d])
            r.counted.push_back(std::move(st.value_counts[d]));
        else
            r.counted.push_back(
                count_terms(st.db, st.matches, st.counts[d].prefix, st.budget, &none));
        r.none.push_back(is_value_dim(st.counts[d]) ? NX_NONE_DERIVED : none);
    }
    if (st.spied) { // every match was seen
        r.estimate = st.n_matches;
        r.exact = true;
    } else if (st.n_counts > 0) {
        uint64_t n = 0;
        for (bool b : st.matches)
            n += b;
        r.estimate = n;
        r.exact = true;
    }
}

/* ---- Counting by walking the posting lists ---- */

extern "C" newsdex_status nx_xdb_walk_estimate(nx_xdb *db, const nx_xquery *q, int *walkable,
                                               double *estimate, int *known, nx_error *err)
{
    *walkable = 0;
    *estimate = 0;
    if (known)
        *known = 0;
    return nx_guard(err, [&] {
        nx_with_reopen(db, [&] {
            Xapian::Database &d = db->db();
            if (!q->expr || nx_shard_uuids(d).size() > 1)
                return;
            *walkable = 1;
            *estimate = nx_matchlist::estimate(d, *q->expr);
            if (known)
                *known = q->expr->op == nx_matchlist::Op::TERM ||
                         q->expr->op == nx_matchlist::Op::ALL;
        });
    });
}

namespace {

// The counts of q's matches walked off its posting lists; false when the
// month map does not serve every dimension read off a value, or the
// backend has no value streams.
bool count_walk(Xapian::Database &db, nx_key_cache *cache, const nx_matchlist::Expr &expr,
                const nx_xcount *counts, size_t n, nx_xbudget *budget, nx_xresults &r)
{
    nx_months::Reader months(db);
    for (size_t d = 0; d < n; d++) {
        const nx_xcount &c = counts[d];
        bool by_terms = c.value_bytes == 0 || c.value_bytes > 8;
        if (!by_terms && !months.serves(c.slot, c.value_bytes))
            return false;
    }
    std::vector<Xapian::docid> ids;
    uint64_t max = budget ? budget->max_counted : 0;
    try {
        ids = nx_matchlist::matches(db, expr, max ? max : SIZE_MAX,
                                    [budget] { nx_budget_check_time(budget); });
    } catch (const Xapian::UnimplementedError &) {
        return false; // a remote index without value streams
    }
    // Only the total (n == 0): past max_counted it is a lower bound, not
    // a failure.
    if (n > 0)
        nx_budget_check_counted(budget, ids.size());
    r.estimate = ids.size();
    r.exact = !(max && ids.size() > max);
    for (size_t d = 0; d < n; d++) {
        const nx_xcount &c = counts[d];
        uint64_t none = NX_NONE_DERIVED;
        r.counted.push_back(count_listed(db, cached_keys(db, cache, c.slot, c.value_bytes), months,
                                         ids, c, budget, &none));
        r.none.push_back(none);
    }
    return true;
}

}  // namespace

extern "C" newsdex_status nx_xdb_count_walk(nx_xdb *db, const nx_xquery *q,
                                            const nx_xcount *counts, size_t n,
                                            nx_xbudget *budget, nx_xresults **out, nx_error *err)
{
    *out = nullptr;
    return nx_guard(err, [&] {
        nx_with_reopen(db, [&] {
            Xapian::Database &d = db->db();
            if (!q->expr || nx_shard_uuids(d).size() > 1)
                return;
            std::unique_ptr<nx_xresults> r(new nx_xresults);
            if (count_walk(d, db->cache(), *q->expr, counts, n, budget, *r))
                *out = r.release();
        });
    });
}

/* ---- Reading the counts ---- */

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

extern "C" void nx_xresults_take_counts(nx_xresults *to, nx_xresults *from)
{
    to->estimate = from->estimate;
    to->exact = from->exact;
    to->counted = std::move(from->counted);
    to->none = std::move(from->none);
}

extern "C" uint64_t nx_xresults_none(const nx_xresults *r, size_t d)
{
    if (d >= r->counted.size())
        return 0;
    if (d < r->none.size() && r->none[d] != NX_NONE_DERIVED)
        return r->none[d];
    uint64_t held = 0;
    for (const auto &item : r->counted[d])
        held += item.second;
    return r->estimate > held ? r->estimate - held : 0;
}
