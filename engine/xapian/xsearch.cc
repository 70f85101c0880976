// Queries and ranking (xsearch.h): Xapian's matcher with BM25, a date
// order or a recency boost, and the window's ties ordered by date.

#include "binding.hh"

#include <xapian.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <utility>
#include <vector>

namespace {

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

// The match-list expression of op over exprs (match_list.h); null where
// the matcher must decide (positions).
nx_matchlist::ExprPtr expr_of(nx_xquery_op op, const std::vector<nx_matchlist::ExprPtr> &exprs)
{
    switch (op) {
    case NX_XQ_AND:
    case NX_XQ_FILTER: return nx_matchlist::combine(nx_matchlist::Op::AND, exprs);
    case NX_XQ_OR: return nx_matchlist::combine(nx_matchlist::Op::OR, exprs);
    case NX_XQ_AND_NOT: return nx_matchlist::combine(nx_matchlist::Op::AND_NOT, exprs);
    case NX_XQ_AND_MAYBE: return nx_matchlist::combine(nx_matchlist::Op::AND_MAYBE, exprs);
    case NX_XQ_PHRASE:
    case NX_XQ_NEAR: return nullptr;
    }
    return nullptr;
}

// The terms of a phrase or NEAR, in order: the query builder gives only
// single terms there.
std::vector<std::string> terms_of(nx_xquery *const *subs, size_t n)
{
    std::vector<std::string> terms;
    for (size_t i = 0; i < n; i++) {
        const Xapian::Query &q = subs[i]->query;
        if (q.get_type() != Xapian::Query::LEAF_TERM || subs[i]->positional)
            throw Xapian::UnimplementedError("a phrase or NEAR of anything but words");
        terms.push_back(*q.get_terms_begin());
    }
    return terms;
}

}  // namespace

/* ---- Queries ---- */

extern "C" newsdex_status nx_xquery_term(const char *term, uint32_t wqf, uint32_t position,
                                         nx_xquery **out, nx_error *err)
{
    *out = nullptr;
    return nx_guard(err, [&] {
        *out = new nx_xquery{Xapian::Query(term, wqf ? wqf : 1, position), nx_matchlist::term(term)};
    });
}

extern "C" newsdex_status nx_xquery_combine(nx_xquery_op op, nx_xquery *const *subs, size_t n,
                                            uint32_t window, nx_xquery **out, nx_error *err)
{
    *out = nullptr;
    return nx_guard(err, [&] {
        std::vector<Xapian::Query> parts, checked;
        std::vector<nx_matchlist::ExprPtr> exprs;
        parts.reserve(n);
        bool positional = op == NX_XQ_PHRASE || op == NX_XQ_NEAR;
        for (size_t i = 0; i < n; i++) {
            parts.push_back(subs[i]->query);
            checked.push_back(subs[i]->positional ? subs[i]->checked : subs[i]->query);
            exprs.push_back(subs[i]->expr);
            positional = positional || subs[i]->positional;
        }
        Xapian::Query query(to_xapian_op(op), parts.begin(), parts.end(), window);
        *out = new nx_xquery{query, expr_of(op, exprs), positional, Xapian::Query()};
        if (op == NX_XQ_PHRASE || op == NX_XQ_NEAR)
            (*out)->checked = nx_positions_checked(op == NX_XQ_NEAR, terms_of(subs, n), window);
        else if (positional)
            (*out)->checked = Xapian::Query(to_xapian_op(op), checked.begin(), checked.end(), window);
    });
}

extern "C" newsdex_status nx_xquery_match_all(nx_xquery **out, nx_error *err)
{
    *out = nullptr;
    return nx_guard(err, [&] { *out = new nx_xquery{Xapian::Query::MatchAll, nx_matchlist::all()}; });
}

extern "C" newsdex_status nx_xquery_match_nothing(nx_xquery **out, nx_error *err)
{
    *out = nullptr;
    return nx_guard(err, [&] {
        *out = new nx_xquery{Xapian::Query::MatchNothing, nx_matchlist::nothing()};
    });
}

extern "C" newsdex_status nx_xquery_scale(const nx_xquery *q, double factor, nx_xquery **out,
                                          nx_error *err)
{
    *out = nullptr;
    return nx_guard(err, [&] {
        *out = new nx_xquery{Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q->query, factor),
                             q->expr, q->positional, Xapian::Query()};
        if (q->positional)
            (*out)->checked = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q->checked, factor);
    });
}

extern "C" newsdex_status nx_xquery_describe(const nx_xquery *q, char **out, nx_error *err)
{
    *out = nullptr;
    return nx_guard(err, [&] {
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

extern "C" newsdex_status nx_xquery_value_range(unsigned slot, const char *lo, const char *hi,
                                                nx_xquery **out, nx_error *err)
{
    *out = nullptr;
    return nx_guard(err, [&] {
        // No match-list expression: the matcher checks values as fast (match_list.h).
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
    return nx_guard(err, [&] {
        *out = new nx_xquery{Xapian::Query(Xapian::Query::OP_WILDCARD, prefix, max_expansion,
                                           Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT),
                             nullptr}; // expanded by the matcher: no expression
    });
}

/* ---- Ranking ---- */

extern "C" double nx_xdate_days(const char *v, size_t len)
{
    if (len < 8)
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
    if (len >= 10 && v[8] >= '0' && v[8] <= '9' && v[9] >= '0' && v[9] <= '9')
        days += ((v[8] - '0') * 10 + (v[9] - '0')) / 24.0;
    return days;
}

namespace {

Xapian::BM25Weight bm25_of(const nx_xbm25 &w)
{
    return Xapian::BM25Weight(w.k1, w.k2, w.k3, w.b, w.min_normlen);
}

// The recency boost (nx_xrecency): per band, a fixed weight for the
// matches dated in it. FixedWeightPostingSource and value ranges are
// registered with every Xapian server, so a remote shard runs this too.
Xapian::Query recency_boost(const nx_xrecency &r)
{
    std::vector<Xapian::Query> bands;
    for (size_t i = 0; i < r.n && i < NX_XRECENCY_BANDS_MAX; i++) {
        const nx_xrecency_band &b = r.band[i];
        // Date terms skip through their posting lists; a value range would
        // read the date of every document for each band.
        std::vector<Xapian::Query> terms;
        for (size_t t = b.first; t < b.first + b.n_terms && t < NX_XRECENCY_TERMS_MAX; t++)
            terms.push_back(Xapian::Query(r.terms[t]));
        Xapian::Query dated =
            !terms.empty() ? Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end())
            : b.to[0]      ? Xapian::Query(Xapian::Query::OP_VALUE_RANGE, r.slot, b.from, b.to)
                           : Xapian::Query(Xapian::Query::OP_VALUE_GE, r.slot, b.from);
        Xapian::Query weight((new Xapian::FixedWeightPostingSource(b.weight))->release());
        bands.push_back(Xapian::Query(Xapian::Query::OP_FILTER, weight, dated));
    }
    return Xapian::Query(Xapian::Query::OP_OR, bands.begin(), bands.end());
}

// The same bands computed inside the matcher from each match's date value:
// as fast as reading one value, but only a local index can run it (a
// remote server knows no such source). Its weights are the bands' own, so
// a local index ranks exactly as remote shards do.
class RecencyBandSource : public Xapian::ValuePostingSource {
    std::vector<std::pair<std::string, double>> bands; // from, weight; newest first

  public:
    explicit RecencyBandSource(const nx_xrecency &r) : Xapian::ValuePostingSource(r.slot)
    {
        for (size_t i = 0; i < r.n && i < NX_XRECENCY_BANDS_MAX; i++)
            bands.emplace_back(r.band[i].from, r.band[i].weight);
        set_maxweight(bands.empty() ? 0 : bands[0].second);
    }
    RecencyBandSource(Xapian::valueno slot, std::vector<std::pair<std::string, double>> b)
        : Xapian::ValuePostingSource(slot), bands(std::move(b))
    {
        set_maxweight(bands.empty() ? 0 : bands[0].second);
    }
    double get_weight() const override
    {
        std::string value = get_value();
        for (const auto &b : bands) // contiguous: the first band it reaches holds it
            if (value >= b.first)
                return b.second;
        return 0;
    }
    RecencyBandSource *clone() const override { return new RecencyBandSource(get_slot(), bands); }
    std::string name() const override { return "NxRecencyBandSource"; }
};

// Whether every shard of db is local (nx_shards_add found no remote one).
bool all_local(const nx_xdb *db)
{
    if (db->shards.shards.empty())
        return true;
    for (const nx_shard &s : db->shards.shards)
        if (s.port)
            return false;
    return true;
}

// Reads the clock as the matcher accepts matches. Xapian's own time limit
// (Enquire::set_time_limit) only stops the counting past the page, so a
// pass over a query whose every match is costly (hundreds of phrases) ran
// on after the deadline until it ended. Remote shards have their own
// timeout and no such spy.
class ClockSpy : public Xapian::MatchSpy {
    nx_xbudget *budget;
    uint64_t seen = 0;

  public:
    explicit ClockSpy(nx_xbudget *b) : budget(b) {}
    void operator()(const Xapian::Document &, double) override
    {
        if (++seen % 64 == 0)
            nx_budget_check_time(budget);
    }
};

// Whether a pass over db should carry a ClockSpy.
bool wants_clock(const nx_xdb *db, const nx_xbudget *budget)
{
    return budget && budget->deadline_ns && all_local(db);
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

void setup(Xapian::Enquire &enquire, const Xapian::Query &query, const nx_xrank_params *p,
           bool exact_ties)
{
    enquire.set_query(query);
    enquire.set_weighting_scheme(bm25_of(p->bm25));
    if (p->order == NX_XORDER_DATE)
        enquire.set_sort_by_value_then_relevance(p->date_slot, true);
    else if (exact_ties)
        enquire.set_sort_by_relevance_then_value(p->date_slot, true);
}

// A document the matcher has just returned from the same snapshot: it
// exists, so Xapian need not look up its length to check (a block read per
// hit, a sixth of a query's reads).
Xapian::Document matched_document(Xapian::Database &db, Xapian::docid did)
{
    return db.get_document(did, Xapian::DOC_ASSUME_VALID);
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
                tied.emplace_back(matched_document(db, ranked[i].did).get_value(slot), ranked[i]);
            std::stable_sort(tied.begin(), tied.end(),
                             [](const auto &a, const auto &b) { return a.first > b.first; });
            for (size_t i = from; i < to; i++)
                ranked[i] = tied[i - from].second;
        }
        from = to;
    }
}

// Ranks the window p asks for into *ranked. Sorting by relevance then date
// in Xapian reads a value for every candidate, which cost a tenth of the
// search: with a tie_lookahead the pass sorts by relevance alone, ranks
// one more document before the window and tie_lookahead after it, and
// orders ties by date itself. It returns false when it cannot know the
// order: a tie with the document before the window, or a tie across the
// window's end that runs past what it ranked.
bool rank_pass(Xapian::Database &db, const Xapian::Query &query, const nx_xrank_params *p,
               nx_pass_counter &counter, ClockSpy *clock, std::vector<Ranked> &ranked,
               Xapian::doccount &estimate, bool &exact)
{
    Xapian::doccount first = p->offset, count = p->limit;
    bool exact_ties = p->tie_lookahead == 0;
    Xapian::Enquire enquire(db);
    setup(enquire, query, p, exact_ties);
    Xapian::doccount check = counter.attach(enquire, query);
    if (check == 0 && clock) // a counting spy reads the clock itself
        enquire.add_matchspy(clock);
    // exact_total: the matcher checks every match (up to max_counted + 1:
    // past it the total is a lower bound, not a failure).
    bool total_only = check == 0 && p->exact_total;
    if (total_only) {
        uint64_t max = p->budget ? p->budget->max_counted : 0;
        check = db.get_doccount();
        if (max && max < check)
            check = static_cast<Xapian::doccount>(max + 1);
    }
    bool lookahead = !exact_ties && p->order != NX_XORDER_DATE && count > 0;
    Xapian::doccount head = lookahead && first > 0 ? 1 : 0;
    Xapian::doccount asked = count + (lookahead ? head + p->tie_lookahead : 0);
    Xapian::MSet mset;
    try {
        mset = enquire.get_mset(first - head, asked, check);
    } catch (const Xapian::UnimplementedError &) {
        if (!counter.drop_spy(enquire)) // remote shards: rank, then list the matches apart
            throw;
        mset = enquire.get_mset(first - head, asked, check);
        counter.list_apart(query);
    }
    // Xapian's own time limit (Enquire::set_time_limit) only stops checking
    // matches beyond the page, which would leave counts silently short: the
    // spy watches the clock instead, and the ranking pass is bounded by the
    // query's size (the term limits); the clock is read again as it ends.
    nx_budget_check_time(p->budget);
    estimate = mset.get_matches_estimated();
    if (!total_only && check == 0 &&
        mset.get_matches_lower_bound() == mset.get_matches_upper_bound()) {
        estimate = mset.get_matches_lower_bound(); // the matcher saw every match
        exact = true;
    }
    if (total_only) {
        estimate = mset.get_matches_lower_bound();
        exact = estimate == mset.get_matches_upper_bound();
    }
    ranked = ranked_of(mset);
    counter.detach(enquire);
    if (!lookahead)
        return true;
    std::vector<Ranked> &r = ranked;
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

// The window's hits (weights and stored data), then the counts.
nx_xresults *read_results(Xapian::Database &db, const std::vector<Ranked> &ranked,
                          Xapian::doccount estimate, bool exact, const nx_xrank_params *p,
                          nx_pass_counter &counter)
{
    std::unique_ptr<nx_xresults> r(new nx_xresults);
    r->estimate = estimate;
    r->exact = exact;
    for (size_t i = 0; i < ranked.size() && i < p->limit; i++) {
        if (i % 64 == 0)
            nx_budget_check_time(p->budget);
        r->weights.push_back(ranked[i].weight);
        r->data.push_back(matched_document(db, ranked[i].did).get_data());
    }
    counter.results(*r);
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

}  // namespace

extern "C" newsdex_status nx_xdb_rank(nx_xdb *db, const nx_xquery *q, const nx_xrank_params *p,
                                      nx_xresults **out, int *settled, nx_error *err)
{
    *out = nullptr;
    *settled = 0;
    bool local = all_local(db);
    auto rank = [&] {
        nx_with_reopen(db, [&] {
            Xapian::Database &d = db->db();
            const Xapian::Query &asked = nx_query_for(q, db);
            Xapian::Query query = asked;
            if (p->recency && p->recency->n) {
                if (local) {
                    Xapian::Query boost((new RecencyBandSource(*p->recency))->release());
                    query = Xapian::Query(Xapian::Query::OP_AND_MAYBE, asked, boost);
                } else {
                    query = Xapian::Query(Xapian::Query::OP_AND_MAYBE, asked,
                                          recency_boost(*p->recency));
                }
            }
            nx_months::Reader months(d);
            nx_pass_counter counter(d, db->cache(), months, p->counts, p->n_counts, p->budget);
            ClockSpy clock(p->budget);
            std::vector<Ranked> ranked;
            Xapian::doccount estimate = 0;
            bool exact = false;
            if (!rank_pass(d, query, p, counter, wants_clock(db, p->budget) ? &clock : nullptr,
                           ranked, estimate, exact))
                return;
            *out = read_results(d, ranked, estimate, exact, p, counter);
            *settled = 1;
        });
    };
    return nx_guard(err, [&] {
        try {
            rank();
        } catch (const Xapian::UnimplementedError &) {
            // A remote shard Xapian opened from a stub file itself: the
            // bands as Xapian's own parts.
            if (!local || !p->recency || !p->recency->n)
                throw;
            local = false;
            rank();
        }
    });
}

extern "C" newsdex_status nx_xdb_best_weight(nx_xdb *db, const nx_xquery *q,
                                             const nx_xbm25 *bm25, nx_xbudget *budget,
                                             double *best, nx_error *err)
{
    *best = 0;
    return nx_guard(err, [&] {
        nx_with_reopen(db, [&] {
            Xapian::Enquire top(db->db());
            top.set_query(nx_query_for(q, db));
            top.set_weighting_scheme(bm25_of(*bm25));
            ClockSpy clock(budget);
            if (wants_clock(db, budget))
                top.add_matchspy(&clock);
            // Every match considered: asked for the top one alone, Xapian
            // 1.4's matcher can stop at a lesser one over several local
            // shards (AND of a word and an OR), so the boost would depend
            // on how the archive is split.
            Xapian::MSet m = top.get_mset(0, 1, db->db().get_doccount());
            *best = m.empty() ? 0 : m.begin().get_weight();
        });
        nx_budget_check_time(budget);
    });
}

/* ---- Ranked hits ---- */

extern "C" size_t nx_xresults_count(const nx_xresults *r)
{
    return r->weights.size();
}

extern "C" int nx_xresults_total_exact(const nx_xresults *r)
{
    return r->exact;
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

extern "C" newsdex_status nx_xresults_reorder(nx_xresults *r, const size_t *order,
                                              const double *weights, size_t n, nx_error *err)
{
    return nx_guard(err, [&] {
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

/* ---- Similar articles ---- */

extern "C" newsdex_status nx_xdb_describing_terms(nx_xdb *db, const char *unique_term,
                                                  const char *prefix, const char *avoid,
                                                  nx_xterm_keep_fn keep, void *ctx,
                                                  size_t max_terms, char ***terms,
                                                  double **weights, size_t *n, int *found,
                                                  nx_error *err)
{
    *terms = nullptr;
    if (weights)
        *weights = nullptr;
    *n = 0;
    *found = 0;
    return nx_guard(err, [&] {
        Xapian::Database &d = db->db();
        Xapian::PostingIterator it = d.postlist_begin(unique_term);
        if (it == d.postlist_end(unique_term))
            return;
        *found = 1;
        Xapian::RSet rset;
        rset.add_document(*it);
        Xapian::Enquire enquire(d);
        PrefixDecider decider(prefix, avoid, keep, ctx);
        // Exact term frequencies: over several shards Xapian would otherwise
        // estimate them from the shard holding the article alone, and the
        // terms would depend on how the archive is split.
        Xapian::ESet eset = enquire.get_eset(static_cast<Xapian::termcount>(max_terms), rset,
                                             Xapian::Enquire::USE_EXACT_TERMFREQ, &decider);
        char **list = static_cast<char **>(std::calloc(eset.size() + 1, sizeof *list));
        double *w = weights && eset.size()
                        ? static_cast<double *>(std::calloc(eset.size(), sizeof *w))
                        : nullptr;
        if (!list || (weights && eset.size() && !w)) {
            std::free(list);
            std::free(w);
            throw std::bad_alloc();
        }
        size_t k = 0;
        try {
            for (Xapian::ESetIterator e = eset.begin(); e != eset.end(); ++e) {
                if (w)
                    w[k] = e.get_weight();
                list[k++] = nx_copy_string(*e);
            }
        } catch (...) {
            nx_xterms_free(list, k);
            std::free(w);
            throw;
        }
        *terms = list;
        if (weights)
            *weights = w;
        *n = k;
    });
}

extern "C" void nx_xterms_free(char **terms, size_t n)
{
    for (size_t i = 0; terms && i < n; i++)
        std::free(terms[i]);
    std::free(terms);
}

