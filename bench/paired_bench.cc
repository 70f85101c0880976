// paired_bench: newsdex and raw Xapian on the same queries, interleaved
// query by query in one process (not part of newsdex). The per-round runs
// of newsdex_bench and xapian_baseline take turns a round at a time, so a
// burst of load from elsewhere on a shared machine can fall on one engine's
// round; here each query runs on both engines back to back (which goes
// first alternates), so such a burst falls on both alike.
//
//   paired_bench NEWSDEX_DB XAPIAN_DB QUERIES [--rounds R] [--warmup W]
//
// One TSV line per timed query and engine on standard output (engines
// "newsdex-paired": newsdex with snippets, "xapian-paired": raw Xapian
// without), as the other tools write them.
#include <xapian.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "bench_util.h"
#include "newsdex_query.h"
#include "xapian_search.h"

namespace {

struct Totals {
    unsigned long errors = 0;
    size_t touched = 0;
};

void time_newsdex(newsdex_db *db, const bench_query &q, size_t i, int round, Totals &t)
{
    size_t hits = 0;
    uint64_t estimate = 0;
    uint64_t t0 = bench_now_ns();
    newsdex_status st = bench_newsdex_query(db, q.text, 1, &hits, &estimate, &t.touched);
    uint64_t t1 = bench_now_ns();
    if (st != NEWSDEX_OK) {
        t.errors++;
        return;
    }
    if (round >= 0)
        bench_emit(stdout, "newsdex-paired", q.shape, i + 1, round,
                   static_cast<double>(t1 - t0) / 1e3, hits, static_cast<unsigned long long>(estimate));
}

void time_xapian(XapianSearch &x, const bench_query &q, size_t i, int round, Totals &t)
{
    unsigned long long estimate = 0;
    size_t hits = 0;
    uint64_t t0 = bench_now_ns();
    try {
        hits = x.run(q.text, false, &estimate, &t.touched);
    } catch (const Xapian::Error &) {
        t.errors++;
        return;
    }
    uint64_t t1 = bench_now_ns();
    if (round >= 0)
        bench_emit(stdout, "xapian-paired", q.shape, i + 1, round,
                   static_cast<double>(t1 - t0) / 1e3, hits, estimate);
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 4) {
        std::fputs("usage: paired_bench NEWSDEX_DB XAPIAN_DB QUERIES [--rounds R] [--warmup W]\n",
                   stderr);
        return 2;
    }
    int rounds = 15, warmup = 1;
    for (int i = 4; i < argc; i++) {
        if (std::strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
            rounds = std::atoi(argv[++i]);
        else if (std::strcmp(argv[i], "--warmup") == 0 && i + 1 < argc)
            warmup = std::atoi(argv[++i]);
        else {
            std::fprintf(stderr, "paired_bench: unknown argument %s\n", argv[i]);
            return 2;
        }
    }
    bench_queries qs;
    if (bench_queries_load(argv[3], &qs) != 0)
        return 1;
    char *msg = nullptr;
    newsdex_db *db = nullptr;
    if (newsdex_db_open(argv[1], &db, &msg) != NEWSDEX_OK) {
        std::fprintf(stderr, "paired_bench: %s\n", msg ? msg : "cannot open the newsdex index");
        std::free(msg);
        return 1;
    }
    Totals t;
    try {
        XapianSearch x(argv[2]);
        for (int round = -warmup; round < rounds; round++)
            for (size_t i = 0; i < qs.n; i++) {
                if ((i + static_cast<size_t>(round + warmup)) % 2 == 0) {
                    time_newsdex(db, qs.q[i], i, round, t);
                    time_xapian(x, qs.q[i], i, round, t);
                } else {
                    time_xapian(x, qs.q[i], i, round, t);
                    time_newsdex(db, qs.q[i], i, round, t);
                }
            }
    } catch (const Xapian::Error &e) {
        std::fprintf(stderr, "paired_bench: %s\n", e.get_description().c_str());
        newsdex_db_close(db);
        return 1;
    }
    std::fprintf(stderr, "paired_bench: %zu queries, %d rounds, %lu errors (%zu bytes read)\n", qs.n,
                 rounds, t.errors, t.touched);
    newsdex_db_close(db);
    bench_queries_free(&qs);
    return t.errors ? 1 : 0;
}
