// xapian_baseline: what a programmer would write with raw Xapian instead of
// newsdex. Not part of newsdex: a baseline for bench/ only.
//
//   xapian_baseline index DB CORPUS.jsonl
//   xapian_baseline add DB CORPUS.jsonl   (the same into an existing DB)
//       One WritableDatabase, Xapian::TermGenerator (English stemmer,
//       STEM_SOME, positions), title indexed twice (with prefix S and as
//       free text), body as free text; boolean terms Q<id>, XT<topic>,
//       XS<source>; value 0 = YYYYMMDD; data = id, title, date, source, url
//       and body. replace_document() by id, one commit at the end.
//   xapian_baseline search DB QUERIES [--rounds R] [--warmup W] [--snippets]
//       Xapian::QueryParser (default AND, boolean, phrases, +/-, prefixes
//       topic: and source:, range date:A..B) + Enquire, top 10, reading every
//       hit's document data; --snippets also makes MSet::snippet() of the body.
//       One TSV line per timed query on standard output.
#include <jansson.h>
#include <xapian.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "bench_util.h"
#include "xapian_search.h"

namespace {

std::string get_str(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? std::string(json_string_value(v)) : std::string();
}

std::string lower(std::string s)
{
    for (auto &c : s)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return s;
}

const char SEP = XAPIAN_BENCH_SEP;

int do_index(const char *db_path, const char *corpus, int open_mode)
{
    FILE *f = std::fopen(corpus, "r");
    if (!f) {
        std::fprintf(stderr, "xapian_baseline: cannot open %s\n", corpus);
        return 1;
    }
    Xapian::WritableDatabase db(db_path, open_mode);
    Xapian::TermGenerator tg;
    tg.set_stemmer(Xapian::Stem("english"));
    tg.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
    char *line = nullptr;
    size_t cap = 0;
    ssize_t len;
    unsigned long n = 0, bad = 0;
    unsigned long long bytes = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        bytes += static_cast<unsigned long long>(len);
        json_error_t jerr;
        json_t *obj = json_loadb(line, static_cast<size_t>(len), 0, &jerr);
        if (!json_is_object(obj)) {
            json_decref(obj);
            bad++;
            continue;
        }
        std::string id = get_str(obj, "id"), title = get_str(obj, "title"),
                    body = get_str(obj, "body"), date = get_str(obj, "date"),
                    source = get_str(obj, "source"), url = get_str(obj, "url");
        Xapian::Document doc;
        tg.set_document(doc);
        tg.index_text(title, 1, "S");
        tg.index_text(title, 3);
        tg.increase_termpos(100);
        tg.index_text(body);
        doc.add_boolean_term("Q" + id);
        // QueryParser's convention: a ':' between a multi-letter prefix and
        // a value that starts with a capital letter.
        if (!source.empty())
            doc.add_boolean_term((source[0] >= 'A' && source[0] <= 'Z' ? "XS:" : "XS") + source);
        json_t *topics = json_object_get(obj, "topics");
        size_t i;
        json_t *t;
        json_array_foreach(topics, i, t)
        {
            if (json_is_string(t))
                doc.add_boolean_term("XT" + lower(json_string_value(t)));
        }
        if (date.size() >= 10)
            doc.add_value(0, date.substr(0, 4) + date.substr(5, 2) + date.substr(8, 2));
        doc.set_data(id + SEP + title + SEP + date + SEP + source + SEP + url + SEP + body);
        db.replace_document("Q" + id, doc);
        json_decref(obj);
        n++;
    }
    std::free(line);
    std::fclose(f);
    db.commit();
    std::fprintf(stderr, "xapian_baseline: indexed %lu articles (%llu bytes), %lu bad lines; "
                         "index holds %u\n",
                 n, bytes, bad, db.get_doccount());
    return 0;
}

int do_search(const char *db_path, const char *queries_path, int rounds, int warmup,
              bool snippets, const char *engine)
{
    bench_queries qs;
    if (bench_queries_load(queries_path, &qs) != 0)
        return 1;
    XapianSearch search(db_path);
    unsigned long errors = 0;
    size_t touched = 0;
    for (int round = -warmup; round < rounds; round++) {
        for (size_t i = 0; i < qs.n; i++) {
            uint64_t t0 = bench_now_ns();
            size_t hits = 0;
            unsigned long long estimate = 0;
            try {
                hits = search.run(qs.q[i].text, snippets, &estimate, &touched);
            } catch (const Xapian::Error &e) {
                if (round == -warmup)
                    std::fprintf(stderr, "xapian_baseline: query %zu (%s): %s\n", i + 1,
                                 qs.q[i].text, e.get_description().c_str());
                errors++;
                continue;
            }
            uint64_t t1 = bench_now_ns();
            if (round >= 0)
                bench_emit(stdout, engine, qs.q[i].shape, i + 1, round,
                           static_cast<double>(t1 - t0) / 1e3, hits, estimate);
        }
    }
    std::fprintf(stderr, "xapian_baseline: %s: %zu queries, %d rounds, %lu errors (%zu bytes read)\n",
                 engine, qs.n, rounds, errors, touched);
    bench_queries_free(&qs);
    return errors ? 1 : 0;
}

void usage()
{
    std::fputs("usage: xapian_baseline index DB CORPUS.jsonl\n"
               "       xapian_baseline add DB CORPUS.jsonl\n"
               "       xapian_baseline search DB QUERIES [--rounds R] [--warmup W] [--snippets]"
               " [--engine NAME]\n",
               stderr);
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 4) {
        usage();
        return 2;
    }
    try {
        if (std::strcmp(argv[1], "index") == 0)
            return do_index(argv[2], argv[3], Xapian::DB_CREATE_OR_OVERWRITE);
        if (std::strcmp(argv[1], "add") == 0)
            return do_index(argv[2], argv[3], Xapian::DB_OPEN);
        if (std::strcmp(argv[1], "search") == 0) {
            int rounds = 5, warmup = 1;
            bool snippets = false;
            const char *engine = "xapian";
            for (int i = 4; i < argc; i++) {
                if (std::strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
                    rounds = std::atoi(argv[++i]);
                else if (std::strcmp(argv[i], "--warmup") == 0 && i + 1 < argc)
                    warmup = std::atoi(argv[++i]);
                else if (std::strcmp(argv[i], "--engine") == 0 && i + 1 < argc)
                    engine = argv[++i];
                else if (std::strcmp(argv[i], "--snippets") == 0)
                    snippets = true;
                else {
                    usage();
                    return 2;
                }
            }
            return do_search(argv[2], argv[3], rounds, warmup, snippets, engine);
        }
    } catch (const Xapian::Error &e) {
        std::fprintf(stderr, "xapian_baseline: %s\n", e.get_description().c_str());
        return 1;
    }
    usage();
    return 2;
}
