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
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
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

// What the checks of one query found, shared by the copies Xapian makes of
// its posting source: a search runs the query in several passes (best
// weight, ranking, counting), which would otherwise read the same
// articles' positions again. Keyed by shard (its UUID and revision: a
// search retried after a reopen may meet a replaced article), then docid.
using Verdicts = std::map<std::string, std::unordered_map<Xapian::docid, bool>>;

class PositionsCheck : public Xapian::PostingSource {
    bool near;
    Xapian::termcount window;
    std::shared_ptr<Verdicts> verdicts;
    std::unordered_map<Xapian::docid, bool> *known = nullptr; // this shard's
    std::vector<std::string> terms; // as the query lists them
    std::vector<std::string> distinct;
    std::vector<size_t> slot_of; // terms[i] == distinct[slot_of[i]]
    Xapian::Database db;
    // For next() and skip_to(), should Xapian call them: the articles with
    // every word (a leapfrog over the words' posting lists).
    std::vector<Xapian::PostingIterator> lists, ends;
    Xapian::docid current = 0;
    bool started = false;
    bool matched = true; // current matches (false after check() said no)
    bool xapian_only = false; // a shard of schema 2 or older: no positions of its own

    // Xapian's positions of distinct[s] in did, through the word's posting
    // list where it can (Xapian keeps that list's position cursor, as its
    // own phrase matching does; Database::positionlist_begin() seeks anew).
    void xapian_positions(Xapian::docid did, size_t s, Positions &p)
    {
        Xapian::PostingIterator &l = lists[s];
        if (l != ends[s] && *l > did) { // asked out of order
            for (auto i = db.positionlist_begin(did, distinct[s]);
                 i != db.positionlist_end(did, distinct[s]); ++i)
                p.push_back(*i);
            return;
        }
        if (l != ends[s] && *l < did)
            l.skip_to(did);
        if (l != ends[s] && *l == did)
            for (auto i = l.positionlist_begin(); i != l.positionlist_end(); ++i)
                p.push_back(*i);
    }

    // The positions of each distinct term in document did.
    bool read_positions(Xapian::docid did, std::vector<Positions> &out)
    {
        out.assign(distinct.size(), Positions());
        std::string data;
        if (!xapian_only)
            data = db.get_document(did, Xapian::DOC_ASSUME_VALID).get_data();
        const char *kept, *record;
        size_t kept_len, record_len;
        if (nx_docpos_split(data.data(), data.size(), &kept, &kept_len, &record, &record_len) != 0)
            throw Xapian::DatabaseCorruptError("document " + std::to_string(did) +
                                               " has damaged positions");
        for (size_t s = 0; s < distinct.size(); s++) {
            Positions &p = out[s];
            if (!kept) {
                xapian_positions(did, s, p);
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

    bool holds(Xapian::docid did)
    {
        auto seen = known->find(did);
        if (seen != known->end())
            return seen->second;
        bool verdict = read_and_test(did);
        known->emplace(did, verdict);
        return verdict;
    }

    bool read_and_test(Xapian::docid did)
    {
        std::vector<Positions> by_slot;
        if (!read_positions(did, by_slot))
            return false;
        std::vector<Positions> at; // by the query's words, in order
        at.reserve(terms.size());
        for (size_t i = 0; i < terms.size(); i++)
            at.push_back(by_slot[slot_of[i]]);
        return near ? near_holds(at, slot_of, window) : phrase_holds(at, window);
    }

    // The first article from `from` on with every word, or 0.
    Xapian::docid with_every_word(Xapian::docid from)
    {
        Xapian::docid did = from;
        for (size_t agreed = 0, i = 0; agreed < lists.size(); i = (i + 1) % lists.size()) {
            if (lists[i] != ends[i] && *lists[i] < did)
                lists[i].skip_to(did);
            if (lists[i] == ends[i])
                return 0;
            if (*lists[i] == did) {
                agreed++;
            } else {
                did = *lists[i];
                agreed = 1;
            }
        }
        return did;
    }

    // current: the first match from `from` on (0: none).
    void advance_to_match(Xapian::docid from)
    {
        for (current = with_every_word(from); current && !holds(current);)
            current = with_every_word(current + 1);
        matched = true;
    }

  public:
    PositionsCheck(bool near_, Xapian::termcount window_, std::vector<std::string> terms_,
                   std::shared_ptr<Verdicts> verdicts_)
        : near(near_), window(window_), verdicts(std::move(verdicts_)), terms(std::move(terms_))
    {
        for (const std::string &t : terms) {
            auto at = std::find(distinct.begin(), distinct.end(), t);
            slot_of.push_back(static_cast<size_t>(at - distinct.begin()));
            if (at == distinct.end())
                distinct.push_back(t);
        }
    }

    PostingSource *clone() const override
    {
        return new PositionsCheck(near, window, terms, verdicts);
    }

    void init(const Xapian::Database &db_) override
    {
        db = db_;
        known = &(*verdicts)[db.get_uuid() + "@" + std::to_string(db.get_revision())];
        xapian_only = nx_schema_of(db) < 3;
        lists.clear();
        ends.clear();
        for (const std::string &t : distinct) {
            lists.push_back(db.postlist_begin(t));
            ends.push_back(db.postlist_end(t));
        }
        started = false;
        current = 0;
        matched = true;
        set_maxweight(0);
        // The AND of the words beside it finds the candidates and asks
        // check() about each; an estimate above theirs keeps Xapian from
        // driving the match by this source's next().
        termfreq_min = 0;
        termfreq_max = db.get_doccount();
        termfreq_est = termfreq_max;
    }

    Xapian::doccount get_termfreq_min() const override { return termfreq_min; }
    Xapian::doccount get_termfreq_est() const override { return termfreq_est; }
    Xapian::doccount get_termfreq_max() const override { return termfreq_max; }

    void next(double) override
    {
        Xapian::docid from = started ? current + 1 : 1;
        started = true;
        advance_to_match(from);
    }

    void skip_to(Xapian::docid did, double) override
    {
        if (started && current >= did) {
            if (matched)
                return;
            did = current + 1;
        }
        started = true;
        advance_to_match(did);
    }

    // Xapian asks about the candidates its AND of the words found. No:
    // current is left "indeterminate" as Xapian allows, and next() or
    // skip_to() go on from it.
    bool check(Xapian::docid did, double) override
    {
        started = true;
        current = did;
        matched = holds(did);
        return matched;
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
    Xapian::Query check(
        (new PositionsCheck(near, window, terms, std::make_shared<Verdicts>()))->release());
    return Xapian::Query(Xapian::Query::OP_FILTER,
                         Xapian::Query(Xapian::Query::OP_AND, words.begin(), words.end()), check);
}

const Xapian::Query &nx_query_for(const nx_xquery *q, nx_xdb *db)
{
    if (!q->positional)
        return q->query;
    Xapian::Database &all = db->db();
    if (all.get_termfreq(NX_TERM_OWN_POSITIONS) == 0)
        return q->query; // every position is in Xapian's table: its own operators are faster
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
    throw Xapian::DatabaseVersionError(
        (unseen.empty() ? std::string("an index searched") : "index " + unseen) +
        " keeps word positions in its stored articles (schema version 3), which a search "
        "with remote shards cannot check: phrase and NEAR queries need every index of such "
        "a search built without newsdex_writer_set_article_positions()");
}

unsigned nx_schema_of(const Xapian::Database &db)
{
    std::string v = db.get_metadata(NX_META_SCHEMA);
    if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos)
        return 1;
    return static_cast<unsigned>(std::strtoul(v.c_str(), nullptr, 10));
}
