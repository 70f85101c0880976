// Match lists (match_list.h): plans, and cursors that walk them.

#include "match_list.h"

#include <algorithm>

namespace nx_matchlist {

/* ---- Plans ---- */

PlanPtr term(const std::string &t)
{
    auto p = std::make_shared<Plan>();
    p->op = Op::TERM;
    p->term = t;
    return p;
}

PlanPtr all()
{
    auto p = std::make_shared<Plan>();
    p->op = Op::ALL;
    return p;
}

PlanPtr nothing()
{
    auto p = std::make_shared<Plan>();
    p->op = Op::NOTHING;
    return p;
}

PlanPtr combine(Op op, const std::vector<PlanPtr> &subs)
{
    for (const PlanPtr &s : subs)
        if (!s)
            return nullptr;
    if (subs.empty())
        return nothing(); // as Xapian: an empty combination matches nothing
    auto p = std::make_shared<Plan>();
    p->op = op;
    p->subs = subs;
    return p;
}

PlanPtr value_range(Xapian::valueno slot, const char *lo, const char *hi)
{
    if ((lo && !*lo) || (hi && !*hi))
        return nullptr; // empty ends: Xapian's own rules, left to the matcher
    auto p = std::make_shared<Plan>();
    p->op = Op::VALUE_RANGE;
    p->slot = slot;
    p->has_lo = lo != nullptr;
    p->has_hi = hi != nullptr;
    p->lo = lo ? lo : "";
    p->hi = hi ? hi : "";
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
    // Whether did matches; a filter answers without scanning for the next.
    virtual bool accepts(Xapian::docid did) { return seek(did) == did; }
    // Roughly how many documents match: the rarest leads an AND.
    virtual double size() const = 0;
    // Checked rather than walked inside an AND (values are read per docid).
    virtual bool is_filter() const { return false; }

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

class ValueRangeCursor : public Cursor {
    Xapian::ValueIterator it, end;
    const Plan &plan;
    double n;

    bool in_range(const std::string &v) const
    {
        return (!plan.has_lo || v >= plan.lo) && (!plan.has_hi || v <= plan.hi);
    }

  public:
    ValueRangeCursor(const Xapian::Database &db, const Plan &p)
        : it(db.valuestream_begin(p.slot)), end(db.valuestream_end(p.slot)), plan(p),
          n(db.get_value_freq(p.slot))
    {
    }
    double size() const override { return n; }
    bool is_filter() const override { return true; }
    bool accepts(Xapian::docid did) override
    {
        if (it != end && it.get_docid() < did)
            it.skip_to(did);
        return it != end && it.get_docid() == did && in_range(*it);
    }

  protected:
    Xapian::docid find(Xapian::docid did) override
    {
        if (it != end && it.get_docid() < did)
            it.skip_to(did);
        while (it != end && !in_range(*it))
            ++it;
        return it == end ? 0 : it.get_docid();
    }
};

class AndCursor : public Cursor {
    std::vector<CursorPtr> lead;    // walked, the rarest first
    std::vector<CursorPtr> filters; // checked on what the lead agrees on

  public:
    explicit AndCursor(std::vector<CursorPtr> subs)
    {
        std::stable_sort(subs.begin(), subs.end(),
                         [](const CursorPtr &a, const CursorPtr &b) { return a->size() < b->size(); });
        for (CursorPtr &c : subs)
            (c->is_filter() ? filters : lead).push_back(std::move(c));
        if (lead.empty()) { // filters only: the first one walks
            lead.push_back(std::move(filters.front()));
            filters.erase(filters.begin());
        }
    }
    double size() const override { return lead.front()->size(); }

  protected:
    Xapian::docid find(Xapian::docid did) override
    {
        Xapian::docid target = did;
        for (;;) {
            bool agreed = true;
            for (CursorPtr &c : lead) {
                Xapian::docid d = c->seek(target);
                if (d == 0)
                    return 0;
                if (d != target) {
                    target = d;
                    agreed = false;
                    break;
                }
            }
            if (!agreed)
                continue;
            bool kept = true;
            for (CursorPtr &f : filters)
                if (!f->accepts(target)) {
                    kept = false;
                    break;
                }
            if (kept)
                return target;
            target++;
        }
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
            d = keep->seek(d + 1);
        return d;
    }
};

CursorPtr cursor(const Xapian::Database &db, const Plan &p)
{
    std::vector<CursorPtr> subs;
    switch (p.op) {
    case Op::TERM:
        return CursorPtr(new PostingCursor(db, p.term));
    case Op::ALL:
        return CursorPtr(new PostingCursor(db, std::string()));
    case Op::NOTHING:
        return CursorPtr(new NothingCursor);
    case Op::VALUE_RANGE:
        return CursorPtr(new ValueRangeCursor(db, p));
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
        for (const PlanPtr &s : p.subs)
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

std::vector<Xapian::docid> matches(const Xapian::Database &db, const Plan &plan)
{
    std::vector<Xapian::docid> out;
    CursorPtr c = cursor(db, plan);
    for (Xapian::docid d = c->seek(1); d != 0; d = c->seek(d + 1))
        out.push_back(d);
    return out;
}

}  // namespace nx_matchlist
