// Phrase and NEAR checked by newsdex (binding.hh: nx_positions_checked):
// a posting source, put under OP_FILTER beside the AND of the words, that
// accepts an article when its words stand as the phrase or NEAR asks. It
// reads the positions an article keeps in its document data
// (engine/doc_positions.h, schema 3) or, for an article without them,
// Xapian's position lists, so an index holding both kinds answers alike.

#include "binding.hh"
#include "../doc_positions.h"
#include "../terms.h"

#include <xapian.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

namespace {

using Positions = std::vector<uint32_t>;

// Exact phrase (window <= words): word i at p + i for some p. Longer
// windows: the words in order, the last within window - 1 of the first.
bool phrase_holds(const std::vector<Positions> &at, Xapian::termcount window)
{
    size_t n = at.size();
    for (uint32_t first : at[0]) {
        uint32_t prev = first;
        size_t i = 1;
        for (; i < n; i++) {
            const Positions &p = at[i];
            if (window <= n) {
                if (!std::binary_search(p.begin(), p.end(), first + static_cast<uint32_t>(i)))
                    break;
                prev = first + static_cast<uint32_t>(i);
            } else {
                auto next = std::upper_bound(p.begin(), p.end(), prev);
                if (next == p.end() || *next - first >= window)
                    break;
                prev = *next;
            }
        }
        if (i == n)
            return true;
    }
    return false;
}

// NEAR: one distinct position per word of the query (a word given twice
// needs two), all within a span shorter than window.
bool near_holds(const std::vector<Positions> &at, const std::vector<size_t> &slot_of,
                Xapian::termcount window)
{
    // (position, distinct word) for every position of every distinct word.
    std::vector<size_t> need;
    std::vector<std::pair<uint32_t, size_t>> all;
    for (size_t i = 0; i < at.size(); i++) {
        size_t s = slot_of[i];
        if (s >= need.size())
            need.resize(s + 1, 0);
        if (need[s]++ == 0)
            for (uint32_t p : at[i])
                all.emplace_back(p, s);
    }
    std::sort(all.begin(), all.end());
    std::vector<size_t> have(need.size(), 0);
    size_t short_of = need.size(); // distinct words still short of their count
    size_t lo = 0;
    for (size_t hi = 0; hi < all.size(); hi++) {
        size_t s = all[hi].second;
        if (++have[s] == need[s])
            short_of--;
        while (all[hi].first - all[lo].first >= window) {
            size_t t = all[lo++].second;
            if (have[t]-- == need[t])
                short_of++;
        }
        if (short_of == 0)
            return true;
    }
    return false;
}

class PositionsCheck : public Xapian::PostingSource {
    bool near;
    Xapian::termcount window;
    std::vector<std::string> terms; // as the query lists them
    std::vector<std::string> distinct;
    std::vector<size_t> slot_of; // terms[i] == distinct[slot_of[i]]
    Xapian::Database db;
    Xapian::PostingIterator it, end; // candidates for next()/skip_to(): the rarest term's
    Xapian::docid current = 0;
    bool started = false;

    // The positions of each distinct term in document did.
    bool read_positions(Xapian::docid did, std::vector<Positions> &out) const
    {
        out.assign(distinct.size(), Positions());
        std::string data = db.get_document(did, Xapian::DOC_ASSUME_VALID).get_data();
        const char *kept, *record;
        size_t kept_len, record_len;
        if (nx_docpos_split(data.data(), data.size(), &kept, &kept_len, &record, &record_len) != 0)
            throw Xapian::DatabaseCorruptError("document " + std::to_string(did) +
                                               " has damaged positions");
        for (size_t s = 0; s < distinct.size(); s++) {
            Positions &p = out[s];
            if (!kept) {
                for (auto i = db.positionlist_begin(did, distinct[s]);
                     i != db.positionlist_end(did, distinct[s]); ++i)
                    p.push_back(*i);
            } else {
                const char *list;
                size_t list_len, total = 0;
                int found = nx_docpos_find(kept, kept_len, distinct[s].data(), distinct[s].size(),
                                           &list, &list_len);
                if (found == -2)
                    throw Xapian::DatabaseCorruptError("document " + std::to_string(did) +
                                                       " has damaged positions");
                if (found == 0) {
                    if (nx_docpos_decode(list, list_len, nullptr, 0, &total) < 0)
                        throw Xapian::DatabaseCorruptError("document " + std::to_string(did) +
                                                           " has damaged positions");
                    p.resize(total);
                    if (nx_docpos_decode(list, list_len, p.data(), total, &total) !=
                        static_cast<long>(p.size()))
                        throw Xapian::DatabaseCorruptError("document " + std::to_string(did) +
                                                           " has damaged positions");
                }
            }
            if (p.empty())
                return false;
        }
        return true;
    }

    bool holds(Xapian::docid did) const
    {
        std::vector<Positions> by_slot;
        if (!read_positions(did, by_slot))
            return false;
        if (!near) {
            std::vector<Positions> at;
            at.reserve(terms.size());
            for (size_t i = 0; i < terms.size(); i++)
                at.push_back(by_slot[slot_of[i]]);
            return phrase_holds(at, window);
        }
        std::vector<Positions> at(terms.size());
        for (size_t i = 0; i < terms.size(); i++)
            at[i] = by_slot[slot_of[i]];
        return near_holds(at, slot_of, window);
    }

    void advance_to_match()
    {
        while (it != end && !holds(*it))
            ++it;
    }

  public:
    PositionsCheck(bool near_, Xapian::termcount window_, std::vector<std::string> terms_)
        : near(near_), window(window_), terms(std::move(terms_))
    {
        for (const std::string &t : terms) {
            auto at = std::find(distinct.begin(), distinct.end(), t);
            slot_of.push_back(static_cast<size_t>(at - distinct.begin()));
            if (at == distinct.end())
                distinct.push_back(t);
        }
    }

    PostingSource *clone() const override { return new PositionsCheck(near, window, terms); }

    void init(const Xapian::Database &db_) override
    {
        db = db_;
        std::string rarest = distinct[0];
        for (const std::string &t : distinct)
            if (db.get_termfreq(t) < db.get_termfreq(rarest))
                rarest = t;
        it = db.postlist_begin(rarest);
        end = db.postlist_end(rarest);
        started = false;
        current = 0;
        Xapian::doccount freq = db.get_termfreq(rarest);
        set_maxweight(0);
        termfreq_min = 0;
        termfreq_max = freq;
        termfreq_est = freq / 2;
    }

    Xapian::doccount get_termfreq_min() const override { return termfreq_min; }
    Xapian::doccount get_termfreq_est() const override { return termfreq_est; }
    Xapian::doccount get_termfreq_max() const override { return termfreq_max; }

    void next(double) override
    {
        if (started && current && it != end && *it == current)
            ++it;
        else if (started && current && it != end && *it < current)
            it.skip_to(current + 1);
        started = true;
        advance_to_match();
        current = it == end ? 0 : *it;
    }

    void skip_to(Xapian::docid did, double) override
    {
        started = true;
        if (it != end && *it < did)
            it.skip_to(did);
        advance_to_match();
        current = it == end ? 0 : *it;
    }

    bool check(Xapian::docid did, double) override
    {
        started = true;
        current = did; // next() moves on from here
        if (holds(did))
            return true;
        return false;
    }

    bool at_end() const override { return started && current == 0; }
    Xapian::docid get_docid() const override { return current; }

    std::string get_description() const override
    {
        std::string d = near ? "newsdex NEAR " : "newsdex PHRASE ";
        d += std::to_string(window);
        for (const std::string &t : terms)
            d += " " + t;
        return d;
    }

  private:
    Xapian::doccount termfreq_min = 0, termfreq_est = 0, termfreq_max = 0;
};

}  // namespace

Xapian::Query nx_positions_checked(bool near, const std::vector<std::string> &terms,
                                   Xapian::termcount window)
{
    std::vector<Xapian::Query> words;
    for (const std::string &t : terms)
        words.emplace_back(t);
    Xapian::Query check((new PositionsCheck(near, window, terms))->release());
    return Xapian::Query(Xapian::Query::OP_FILTER,
                         Xapian::Query(Xapian::Query::OP_AND, words.begin(), words.end()), check);
}

const Xapian::Query &nx_query_for(const nx_xquery *q, const nx_xdb *db)
{
    if (!q->positional)
        return q->query;
    std::string unseen = db->shards.positions_per_article;
    bool remote = false;
    for (const nx_shard &s : db->shards.shards)
        remote = remote || s.port;
    for (const std::string &p : db->paths) {
        if (p.compare(0, 6, "tcp://") != 0)
            continue;
        remote = true;
        // One remote index opened by name: the handle is that index.
        if (unseen.empty() && db->paths.size() == 1 && nx_schema_of(db->rdb) >= 3)
            unseen = p;
    }
    if (!remote)
        return q->checked;
    if (!unseen.empty())
        throw Xapian::DatabaseVersionError(
            "index " + unseen +
            " keeps word positions in its stored articles (schema version 3), which a search "
            "with remote shards cannot check: phrase and NEAR queries need every index of such "
            "a search built with newsdex_writer_set_xapian_positions()");
    return q->query;
}

unsigned nx_schema_of(const Xapian::Database &db)
{
    std::string v = db.get_metadata(NX_META_SCHEMA);
    if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos)
        return 1;
    return static_cast<unsigned>(std::strtoul(v.c_str(), nullptr, 10));
}
