/* newsdex_bench: times newsdex_search over the query set through the public
 * API, as an embedding program would call it: top 10, snippets on (unless
 * --no-snippets), every hit read with newsdex_results_get.
 *
 * usage: newsdex_bench --db DIR --queries FILE [--engine NAME] [--rounds R]
 *                      [--warmup W] [--no-snippets] [--filters auto|run|skip]
 * Writes one TSV line per timed query (see bench_emit) on standard output.
 *
 * The query set's filter forms (topic:, source:"...", date:A..B) are for a
 * query language that newsdex may not have yet. --filters auto (the default)
 * finds out: every query was drawn from an article that matches it, so a
 * form that newsdex understands gives hits for most of its queries, and one
 * it reads as plain words gives almost none. Queries using a form found
 * missing are left out, and a line "newsdex_bench: filters: ..." on standard
 * error says which forms were measured. run: time them all; skip: none. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "newsdex_query.h"
#include "newsdex.h"

enum { FORM_TOPIC, FORM_SOURCE, FORM_DATE, N_FORMS };
static const char *const form_names[N_FORMS] = {"topic", "source", "date"};

static unsigned forms_of(const char *query)
{
    bench_filters f;
    free(bench_split_filters(query, &f));
    return (f.topic[0] ? 1u << FORM_TOPIC : 0) | (f.source[0] ? 1u << FORM_SOURCE : 0) |
           (f.date_from[0] ? 1u << FORM_DATE : 0);
}

static size_t count_hits(newsdex_db *db, const char *query)
{
    size_t n = 0, touched = 0;
    uint64_t estimate = 0;
    return bench_newsdex_query(db, query, 0, &n, &estimate, &touched) == NEWSDEX_OK ? n : 0;
}

/* Marks in skip[] the queries to leave out; returns how many. */
static size_t probe_filters(newsdex_db *db, const bench_queries *qs, const char *mode, char *skip)
{
    size_t asked[N_FORMS] = {0}, matched[N_FORMS] = {0};
    unsigned missing = 0;
    if (strcmp(mode, "skip") == 0)
        missing = (1u << N_FORMS) - 1;
    for (size_t i = 0; i < qs->n && strcmp(mode, "auto") == 0; i++) {
        unsigned forms = forms_of(qs->q[i].text);
        size_t hits = forms ? count_hits(db, qs->q[i].text) : 0;
        for (int f = 0; f < N_FORMS; f++)
            if (forms & (1u << f)) {
                asked[f]++;
                matched[f] += hits > 0;
            }
    }
    for (int f = 0; f < N_FORMS; f++)
        if (asked[f] > 0 && matched[f] * 2 < asked[f])
            missing |= 1u << f;
    fputs("newsdex_bench: filters:", stderr);
    for (int f = 0; f < N_FORMS; f++) {
        if (strcmp(mode, "auto") == 0)
            fprintf(stderr, " %s:%s (%zu/%zu matched)", form_names[f],
                    missing & (1u << f) ? "no" : "yes", matched[f], asked[f]);
        else
            fprintf(stderr, " %s:%s", form_names[f], missing & (1u << f) ? "skipped" : "run");
    }
    fputc('\n', stderr);
    size_t skipped = 0;
    for (size_t i = 0; i < qs->n; i++)
        if (forms_of(qs->q[i].text) & missing) {
            skip[i] = 1;
            skipped++;
        }
    return skipped;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},      {"queries", required_argument, NULL, 'q'},
        {"engine", required_argument, NULL, 'e'},  {"rounds", required_argument, NULL, 'r'},
        {"warmup", required_argument, NULL, 'w'},  {"no-snippets", no_argument, NULL, 'n'},
        {"filters", required_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
    const char *db_path = NULL, *queries_path = NULL, *engine = "newsdex";
    const char *filters = "auto";
    int rounds = 5, warmup = 1, snippets = 1, c;
    while ((c = getopt_long(argc, argv, "d:q:e:r:w:nf:", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': db_path = optarg; break;
        case 'q': queries_path = optarg; break;
        case 'e': engine = optarg; break;
        case 'r': rounds = atoi(optarg); break;
        case 'w': warmup = atoi(optarg); break;
        case 'n': snippets = 0; break;
        case 'f': filters = optarg; break;
        default: return 2;
        }
    }
    if (!db_path || !queries_path) {
        fputs("usage: newsdex_bench --db DIR --queries FILE [--engine NAME] [--rounds R]\n"
              "                     [--warmup W] [--no-snippets] [--filters auto|run|skip]\n",
              stderr);
        return 2;
    }
    bench_queries qs;
    if (bench_queries_load(queries_path, &qs) != 0)
        return 1;
    char *msg = NULL;
    newsdex_db *db = NULL;
    newsdex_status st = newsdex_db_open(db_path, &db, &msg);
    if (st != NEWSDEX_OK) {
        fprintf(stderr, "newsdex_bench: %s\n", msg ? msg : newsdex_status_to_string(st));
        free(msg);
        return 1;
    }
    char *skip = calloc(qs.n, 1);
    if (!skip)
        return 3;
    size_t skipped = probe_filters(db, &qs, filters, skip);
    unsigned long errors = 0;
    size_t touched = 0; /* keeps the reads from being optimised away */
    for (int round = -warmup; round < rounds; round++) {
        for (size_t i = 0; i < qs.n; i++) {
            if (skip[i])
                continue;
            size_t n = 0;
            uint64_t estimate = 0;
            uint64_t t0 = bench_now_ns();
            st = bench_newsdex_query(db, qs.q[i].text, snippets, &n, &estimate, &touched);
            uint64_t t1 = bench_now_ns();
            if (st != NEWSDEX_OK) {
                if (round == -warmup || warmup == 0)
                    fprintf(stderr, "newsdex_bench: query %zu (%s): %s\n", i + 1, qs.q[i].text,
                            newsdex_db_last_error(db));
                errors++;
                continue;
            }
            if (round >= 0)
                bench_emit(stdout, engine, qs.q[i].shape, i + 1, round, (double)(t1 - t0) / 1e3,
                           n, (unsigned long long)estimate);
        }
    }
    fprintf(stderr, "newsdex_bench: %s: %zu queries (%zu with filters newsdex lacks left out), %d rounds, "
                    "%lu errors (%zu bytes read)\n",
            engine, qs.n - skipped, skipped, rounds, errors, touched);
    free(skip);
    newsdex_db_close(db);
    bench_queries_free(&qs);
    return errors ? 1 : 0;
}
