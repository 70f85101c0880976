// Every document a boolean query matches, read straight off the posting
// lists and value streams, for exact counts (facets, the per-year chart,
// the total). Xapian's matcher gives the same set, but to hand each match
// to a MatchSpy it must weigh every one (BM25 looks up each document's
// length) and make a Document for it: about three times the cost of
// ranking the top 10 on a broad query. Walking the posting lists costs a
// few nanoseconds a posting, and the ranking then runs without counting.
//
// A plan mirrors the query built alongside it (xapian_wrapper.cc builds
// both): terms, match-all, match-nothing, AND, OR, AND_NOT, AND_MAYBE,
// FILTER, scaled weights and value ranges. Phrases, NEAR and wildcards
// have no plan: such queries count through the matcher as before.
#ifndef NX_MATCH_LIST_H
#define NX_MATCH_LIST_H

#include <xapian.h>

#include <memory>
#include <string>
#include <vector>

namespace nx_matchlist {

struct Plan;
using PlanPtr = std::shared_ptr<const Plan>;

enum class Op { TERM, ALL, NOTHING, AND, OR, AND_NOT, AND_MAYBE, VALUE_RANGE };

struct Plan {
    Op op;
    std::string term;           // TERM
    std::vector<PlanPtr> subs;  // AND, OR, AND_NOT (first minus the rest), AND_MAYBE (first)
    Xapian::valueno slot = 0;   // VALUE_RANGE: lo <= value <= hi, either end open
    std::string lo, hi;
    bool has_lo = false, has_hi = false;
};

PlanPtr term(const std::string &t);
PlanPtr all();
PlanPtr nothing();
// Null when any sub is null (a part without a plan).
PlanPtr combine(Op op, const std::vector<PlanPtr> &subs);
PlanPtr value_range(Xapian::valueno slot, const char *lo, const char *hi);

// The docids plan matches in db, ascending.
std::vector<Xapian::docid> matches(const Xapian::Database &db, const Plan &plan);

}  // namespace nx_matchlist

#endif
