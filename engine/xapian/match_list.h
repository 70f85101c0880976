// Every document a boolean query matches, read straight off the posting
// lists and value streams, for exact counts (facets, the per-year chart,
// the total). Xapian's matcher gives the same set, but to hand each match
// to a MatchSpy it must weigh every one (BM25 looks up each document's
// length) and make a Document for it: about three times the cost of
// ranking the top 10 on a broad query. Walking the posting lists costs a
// few nanoseconds a posting, and the ranking then runs without counting.
//
// An expression mirrors the query built alongside it (xsearch.cc builds
// both): terms, match-all, match-nothing, AND, OR, AND_NOT, AND_MAYBE,
// FILTER and scaled weights. Phrases, NEAR, wildcards and value ranges
// (dates) have no expression: such queries count through the matcher,
// which checks positions and values at least as fast as a walk here could.
//
// Walking costs a second pass over the posting lists the ranking reads
// anyway, which only pays when there are many matches to count: the
// searcher asks for estimate() first (nx_xdb_walk_estimate, xcount.h). Measured on Reuters (batch of the bench
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

struct Expr;
using ExprPtr = std::shared_ptr<const Expr>;

enum class Op { TERM, ALL, NOTHING, AND, OR, AND_NOT, AND_MAYBE };

struct Expr {
    Op op;
    std::string term;           // TERM
    std::vector<ExprPtr> subs;  // AND, OR, AND_NOT (first minus the rest), AND_MAYBE (first)
};

ExprPtr term(const std::string &t);
ExprPtr all();
ExprPtr nothing();
// Null when any sub is null (a part without an expression).
ExprPtr combine(Op op, const std::vector<ExprPtr> &subs);

// Roughly how many documents expr matches in db, from term frequencies
// (words taken as independent, as Xapian's own estimates take them).
double estimate(const Xapian::Database &db, const Expr &expr);

// The docids expr matches in db, ascending: at most max + 1 of them (more
// than max means "over max"); check() runs every 4096 docids and may throw
// to stop the walk (a search's time limit).
std::vector<Xapian::docid> matches(const Xapian::Database &db, const Expr &expr,
                                   size_t max = SIZE_MAX,
                                   const std::function<void()> &check = nullptr);

}  // namespace nx_matchlist

#endif
