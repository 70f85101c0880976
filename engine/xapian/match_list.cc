// Match lists (match_list.h): expressions, and cursors that walk them.

#include "match_list.h"

#include <algorithm>
#include <limits>

namespace nx_matchlist {

/* ---- Expressions ---- */

ExprPtr term(const std::string &t)
{
    auto p = std::make_shared<Expr>();
    p->op = Op::TERM;
    p->term = t;
    return p;
}

ExprPtr all()
{
    auto p = std::make_shared<Expr>();
    p->op = Op::ALL;
    return p;
}

ExprPtr nothing()
{
    auto p = std::make_shared<Expr>();
    p->op = Op::NOTHING;
    return p;
}

ExprPtr combine(Op op, const std::vector<ExprPtr> &subs)
{
    for (const ExprPtr &s : subs)
        if (!s)
            return nullptr;
    if (subs.empty())
        return nothing(); // as Xapian: an empty combination matches nothing
    auto p = std::make_shared<Expr>();
    p->op = op;
    p->subs = subs;
    return p;
}

/* ---- Cursors ----
 * seek(did) gives the first match >= did, 0 past the last (docids start
 * at 1); calls only ever go forward, so a cursor keeps its place. */

namespace {

class Cursor {
  public:
    virtual ~Cursor() = default;
    Xapian::docid seek(Xapian::docid did)
    {
        if (ended)
            return 0;
        if (cur >= did)
            return cur;
        cur = find(did);
        ended = cur == 0;
        return cur;
    }
    bool accepts(Xapian::docid did) { return seek(did) == did; }
    // The first match after did (none after the largest docid).
    Xapian::docid after(Xapian::docid did)
    {
        return did == std::numeric_limits<Xapian::docid>::max() ? 0 : seek(did + 1);
    }
    // Roughly how many documents match: the rarest leads an AND.
    virtual double size() const = 0;

  protected:
    virtual Xapian::docid find(Xapian::docid did) = 0;

  private:
    Xapian::docid cur = 0;
    bool ended = false;
};

using CursorPtr = std::unique_ptr<Cursor>;

class PostingCursor : public Cursor {
    Xapian::PostingIterator it, end;
    double n;

  public:
    PostingCursor(const Xapian::Database &db, const std::string &term)
        : it(db.postlist_begin(term)), end(db.postlist_end(term)),
          n(term.empty() ? db.get_doccount() : db.get_termfreq(term))
    {
    }
    double size() const override { return n; }

  protected:
    Xapian::docid find(Xapian::docid did) override
    {
        if (it != end && *it < did)
            it.skip_to(did);
        return it == end ? 0 : *it;
    }
};

class NothingCursor : public Cursor {
  public:
    double size() const override { return 0; }

  protected:
    Xapian::docid find(Xapian::docid) override { return 0; }
};

// Leapfrog: the rarest list proposes, the others skip to it or past it.
class AndCursor : public Cursor {
    std::vector<CursorPtr> subs; // the rarest first

  public:
    explicit AndCursor(std::vector<CursorPtr> s) : subs(std::move(s))
    {
        std::stable_sort(subs.begin(), subs.end(),
                         [](const CursorPtr &a, const CursorPtr &b) { return a->size() < b->size(); });
    }
    double size() const override { return subs.front()->size(); }

  protected:
    Xapian::docid find(Xapian::docid did) override
    {
        Xapian::docid target = did;
        for (size_t i = 0; i < subs.size();) {
            Xapian::docid d = subs[i]->seek(target);
            if (d == 0)
                return 0;
            if (d != target) { // past it: every list again from the new target
                target = d;
                i = i == 0 ? 1 : 0;
                continue;
            }
            i++;
        }
        return target;
    }
};

class OrCursor : public Cursor {
    std::vector<CursorPtr> subs;

  public:
    explicit OrCursor(std::vector<CursorPtr> s) : subs(std::move(s)) {}
    double size() const override
    {
        double n = 0;
        for (const CursorPtr &c : subs)
            n += c->size();
        return n;
    }

  protected:
    Xapian::docid find(Xapian::docid did) override
    {
        Xapian::docid best = 0;
        for (CursorPtr &c : subs) {
            Xapian::docid d = c->seek(did);
            if (d && (!best || d < best))
                best = d;
        }
        return best;
    }
};

class AndNotCursor : public Cursor {
    CursorPtr keep, drop;

  public:
    AndNotCursor(CursorPtr k, CursorPtr d) : keep(std::move(k)), drop(std::move(d)) {}
    double size() const override { return keep->size(); }

  protected:
    Xapian::docid find(Xapian::docid did) override
    {
        Xapian::docid d = keep->seek(did);
        while (d && drop->accepts(d))
            d = keep->after(d);
        return d;
    }
};

CursorPtr cursor(const Xapian::Database &db, const Expr &p)
{
    std::vector<CursorPtr> subs;
    switch (p.op) {
    case Op::TERM:
        return CursorPtr(new PostingCursor(db, p.term));
    case Op::ALL:
        return CursorPtr(new PostingCursor(db, std::string()));
    case Op::NOTHING:
        return CursorPtr(new NothingCursor);
    case Op::AND_MAYBE: // the rest only weighs
        return cursor(db, *p.subs.front());
    case Op::AND_NOT: {
        for (size_t i = 1; i < p.subs.size(); i++)
            subs.push_back(cursor(db, *p.subs[i]));
        CursorPtr drop = subs.empty()  ? CursorPtr(new NothingCursor)
                         : subs.size() == 1 ? std::move(subs.front())
                                            : CursorPtr(new OrCursor(std::move(subs)));
        return CursorPtr(new AndNotCursor(cursor(db, *p.subs.front()), std::move(drop)));
    }
    case Op::AND:
    case Op::OR:
        for (const ExprPtr &s : p.subs)
            subs.push_back(cursor(db, *s));
        if (subs.size() == 1)
            return std::move(subs.front());
        if (p.op == Op::AND)
            return CursorPtr(new AndCursor(std::move(subs)));
        return CursorPtr(new OrCursor(std::move(subs)));
    }
    return CursorPtr(new NothingCursor);
}

}  // namespace

double estimate(const Xapian::Database &db, const Expr &expr)
{
    double n = db.get_doccount();
    switch (expr.op) {
    case Op::TERM: return expr.term.empty() ? n : db.get_termfreq(expr.term);
    case Op::ALL: return n;
    case Op::NOTHING: return 0;
    case Op::AND_NOT:
    case Op::AND_MAYBE: return estimate(db, *expr.subs.front());
    case Op::AND: {
        double e = n;
        for (const ExprPtr &s : expr.subs)
            e *= n > 0 ? estimate(db, *s) / n : 0;
        return e;
    }
    case Op::OR: {
        double e = 0;
        for (const ExprPtr &s : expr.subs)
            e += estimate(db, *s);
        return e < n ? e : n;
    }
    }
    return n;
}

std::vector<Xapian::docid> matches(const Xapian::Database &db, const Expr &expr, size_t max,
                                   const std::function<void()> &check)
{
    std::vector<Xapian::docid> out;
    CursorPtr c = cursor(db, expr);
    for (Xapian::docid d = c->seek(1); d != 0 && out.size() <= max; d = c->after(d)) {
        out.push_back(d);
        if (check && out.size() % 4096 == 0)
            check();
    }
    return out;
}

}  // namespace nx_matchlist
