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
// FILTER and scaled weights. Phrases, NEAR, wildcards and value ranges
// (dates) have no plan: such queries count through the matcher as before,
// which checks positions and values at least as fast as a walk here could.
//
// Walking costs a second pass over the posting lists the ranking reads
// anyway, which only pays when there are many matches to count: the
// caller asks estimate() first. Measured on Reuters (batch of the bench
// queries with --histogram year): a single common word (1,600 matches)
// took 10% less; queries with a few hundred matches took 7-12% more.
#ifndef NX_MATCH_LIST_H
#define NX_MATCH_LIST_H

#include <xapian.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace nx_matchlist {

struct Plan;
using PlanPtr = std::shared_ptr<const Plan>;

enum class Op { TERM, ALL, NOTHING, AND, OR, AND_NOT, AND_MAYBE };

struct Plan {
    Op op;
    std::string term;           // TERM
    std::vector<PlanPtr> subs;  // AND, OR, AND_NOT (first minus the rest), AND_MAYBE (first)
};

PlanPtr term(const std::string &t);
PlanPtr all();
PlanPtr nothing();
// Null when any sub is null (a part without a plan).
PlanPtr combine(Op op, const std::vector<PlanPtr> &subs);

// Roughly how many documents plan matches in db, from term frequencies
// (words taken as independent, as Xapian's own estimates take them).
double estimate(const Xapian::Database &db, const Plan &plan);

// The docids plan matches in db, ascending: at most max + 1 of them (more
// than max means "over max"); check() runs every 4096 docids and may throw
// to stop the walk (a search's time limit).
std::vector<Xapian::docid> matches(const Xapian::Database &db, const Plan &plan,
                                   size_t max = SIZE_MAX,
                                   const std::function<void()> &check = nullptr);

}  // namespace nx_matchlist

#endif
