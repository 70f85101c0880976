// fcgi_xapian: the least a FastCGI search over raw Xapian does per request,
// for scripts/bench's web section (not part of newsdex). It keeps the raw
// Xapian index open ($NEWSDEX_DB, the benchmark's xapian.db) and answers
// GET ?q=... with the top 10 titles of bench/xapian_search.h's search: no
// snippets, no counts, no chart, no escaping beyond what the page needs.
// Timed under the same ab load as newsdex.cgi, it shows how far any
// Xapian-based FastCGI endpoint can get ahead of a process per request.
#include <xapian.h>

#include <fcgiapp.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "xapian_search.h"

namespace {

int hex(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                        : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

// The value of q in a query string, %-decoded, '+' as space.
std::string query_of(const char *qs)
{
    std::string out;
    for (const char *p = qs; p && *p;) {
        const char *end = std::strchr(p, '&');
        size_t len = end ? static_cast<size_t>(end - p) : std::strlen(p);
        if (len > 2 && p[0] == 'q' && p[1] == '=') {
            for (size_t i = 2; i < len; i++) {
                if (p[i] == '%' && i + 2 < len && hex(p[i + 1]) >= 0 && hex(p[i + 2]) >= 0) {
                    out += static_cast<char>(hex(p[i + 1]) * 16 + hex(p[i + 2]));
                    i += 2;
                } else {
                    out += p[i] == '+' ? ' ' : p[i];
                }
            }
        }
        p = end ? end + 1 : nullptr;
    }
    return out;
}

void put_text(FCGX_Stream *out, const std::string &s)
{
    for (char c : s) {
        if (c == '<')
            FCGX_PutS("&lt;", out);
        else if (c == '&')
            FCGX_PutS("&amp;", out);
        else
            FCGX_PutChar(c, out);
    }
}

}  // namespace

int main()
{
    const char *db = std::getenv("NEWSDEX_DB");
    if (!db) {
        std::fputs("fcgi_xapian: NEWSDEX_DB is not set\n", stderr);
        return 2;
    }
    XapianSearch search(db);
    FCGX_Request req;
    FCGX_Init();
    FCGX_InitRequest(&req, 0, 0);
    while (FCGX_Accept_r(&req) >= 0) {
        std::string q = query_of(FCGX_GetParam("QUERY_STRING", req.envp));
        FCGX_PutS("Content-Type: text/html; charset=utf-8\r\n\r\n<!DOCTYPE html><title>", req.out);
        put_text(req.out, q);
        FCGX_PutS("</title><ol>\n", req.out);
        try {
            unsigned long long estimate = 0;
            size_t touched = 0;
            std::vector<std::string> titles;
            search.run(q.c_str(), false, &estimate, &touched, &titles);
            for (const std::string &t : titles) {
                FCGX_PutS("<li>", req.out);
                put_text(req.out, t);
                FCGX_PutS("\n", req.out);
            }
            FCGX_FPrintF(req.out, "</ol><p>about %llu matches</p>\n", estimate);
        } catch (const Xapian::Error &e) {
            FCGX_PutS("</ol><p>error</p>\n", req.out);
        }
        FCGX_Finish_r(&req);
    }
    return 0;
}
