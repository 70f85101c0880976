// The raw-Xapian search of the benchmark (not part of newsdex): what a
// programmer would write with Xapian's QueryParser and Enquire. Shared by
// xapian_baseline (its own timing loop) and paired_bench (interleaved with
// newsdex, query by query).
#ifndef NX_BENCH_XAPIAN_SEARCH_H
#define NX_BENCH_XAPIAN_SEARCH_H

#include <xapian.h>

#include <string>
#include <vector>

// Fields of the document data, in order: id, title, date, source, url, body.
constexpr char XAPIAN_BENCH_SEP = '\x1f';

class XapianSearch {
  public:
    explicit XapianSearch(const char *db_path) : db(db_path), stem("english"), dates(0, "date:"), enquire(db)
    {
        qp.set_database(db);
        qp.set_stemmer(stem);
        qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
        qp.set_default_op(Xapian::Query::OP_AND);
        qp.add_boolean_prefix("topic", "XT");
        qp.add_boolean_prefix("source", "XS");
        qp.add_rangeprocessor(&dates);
    }

    // Top 10 of text, reading every hit's data (and a snippet of its body
    // when asked); adds the bytes read to *touched, and each hit's title to
    // *titles when given. Throws Xapian::Error.
    size_t run(const char *text, bool snippets, unsigned long long *estimate, size_t *touched,
               std::vector<std::string> *titles = nullptr)
    {
        const unsigned flags = Xapian::QueryParser::FLAG_BOOLEAN |
                               Xapian::QueryParser::FLAG_PHRASE |
                               Xapian::QueryParser::FLAG_LOVEHATE;
        enquire.set_query(qp.parse_query(text, flags));
        Xapian::MSet m = enquire.get_mset(0, 10);
        *estimate = m.get_matches_estimated();
        size_t hits = 0;
        for (Xapian::MSetIterator it = m.begin(); it != m.end(); ++it) {
            std::string data = it.get_document().get_data();
            *touched += data.size();
            if (titles) {
                size_t from = data.find(XAPIAN_BENCH_SEP);
                size_t to = from == std::string::npos ? from : data.find(XAPIAN_BENCH_SEP, from + 1);
                titles->push_back(from == std::string::npos ? std::string()
                                                            : data.substr(from + 1, to - from - 1));
            }
            if (snippets) {
                size_t body = 0;
                for (int k = 0; k < 5 && body != std::string::npos; k++)
                    body = data.find(XAPIAN_BENCH_SEP, body == 0 ? 0 : body + 1);
                std::string whole = body == std::string::npos ? data : data.substr(body + 1);
                *touched += m.snippet(whole, 200, stem).size();
            }
            hits++;
        }
        return hits;
    }

  private:
    Xapian::Database db;
    Xapian::Stem stem;
    Xapian::QueryParser qp;
    Xapian::DateRangeProcessor dates;
    Xapian::Enquire enquire;
};

#endif
