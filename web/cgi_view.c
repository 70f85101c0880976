/* One article's page (?id=ID&q=QUERY): the stored article whole, with the
 * query's words marked, and a link back to the results; or the same as
 * JSON. Every piece of article or request text is escaped. */
#include <jansson.h>
#include <string.h>

#include "cgi.h"

static void esc(FILE *out, const char *s)
{
    cgi_html_escape(out, s, strlen(s));
}

void cgi_html_marked(FILE *out, const char *text, const size_t *marks, size_t n)
{
    size_t len = strlen(text), at = 0;
    for (size_t i = 0; marks && i < n; i++) {
        size_t start = marks[2 * i], end = marks[2 * i + 1];
        if (start < at || start >= end || end > len)
            continue; /* out of order or out of bounds: not trusted */
        cgi_html_escape(out, text + at, start - at);
        fputs("<mark>", out);
        cgi_html_escape(out, text + start, end - start);
        fputs("</mark>", out);
        at = end;
    }
    cgi_html_escape(out, text + at, len - at);
}

static void write_back(FILE *out, const cgi_params *p)
{
    if (!cgi_wants_search(p)) {
        fputs("<p class=\"back\"><a href=\"?\">New search</a></p>\n", out);
        return;
    }
    fputs("<p class=\"back\"><a href=\"", out);
    cgi_html_link(out, p, p->page);
    fputs("\">\xe2\x86\x90 Back to the results</a></p>\n", out);
}

static void write_meta(FILE *out, const newsdex_document *d)
{
    if (!d->date[0] && !d->source[0])
        return;
    fputs("<p class=\"meta\">", out);
    if (d->date[0])
        cgi_html_date(out, d->date);
    if (d->date[0] && d->source[0])
        fputs(" \xc2\xb7 ", out);
    esc(out, d->source);
    fputs("</p>\n", out);
}

static void write_topics(FILE *out, const newsdex_document *d)
{
    if (d->n_topics == 0)
        return;
    fputs("<p class=\"topics\">Topics: ", out);
    for (size_t i = 0; i < d->n_topics; i++) {
        if (i)
            fputs(", ", out);
        esc(out, d->topics[i]);
    }
    fputs("</p>\n", out);
}

void cgi_view_html(FILE *out, const cgi_page *pg)
{
    const newsdex_document *d = pg->document;
    write_back(out, pg->params);
    fputs("<article class=\"view\">\n<h1>", out);
    if (d->title[0])
        cgi_html_marked(out, d->title, d->title_marks, d->n_title_marks);
    else
        fputs("(untitled)", out);
    fputs("</h1>\n", out);
    write_meta(out, d);
    write_topics(out, d);
    if (cgi_html_safe_url(d->url)) {
        fputs("<p class=\"url\"><a href=\"", out);
        esc(out, d->url);
        fputs("\" rel=\"noopener noreferrer\">Original article</a></p>\n", out);
    }
    fputs("<div class=\"body\">", out);
    cgi_html_marked(out, d->body, d->body_marks, d->n_body_marks);
    fputs("</div>\n</article>\n", out);
}

/* ---- JSON ---- */

static json_t *marks_json(const char *text, const size_t *marks, size_t n)
{
    json_t *list = json_array();
    size_t len = strlen(text), at = 0;
    for (size_t i = 0; list && marks && i < n; i++) {
        size_t start = marks[2 * i], end = marks[2 * i + 1];
        if (start < at || start >= end || end > len)
            continue;
        at = end;
        if (json_array_append_new(list, json_pack("[I, I]", (json_int_t)start,
                                                  (json_int_t)end)) != 0) {
            json_decref(list);
            return NULL;
        }
    }
    return list;
}

static json_t *topics_json(const newsdex_document *d)
{
    json_t *list = json_array();
    for (size_t i = 0; list && i < d->n_topics; i++)
        if (json_array_append_new(list, json_string(d->topics[i])) != 0) {
            json_decref(list);
            return NULL;
        }
    return list;
}

int cgi_view_json(FILE *out, const newsdex_document *d)
{
    json_t *root = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o?, s:s, s:{s:o?, s:o?}}", "id",
                             d->id, "title", d->title, "date", d->date, "source", d->source,
                             "url", d->url, "topics", topics_json(d), "body", d->body,
                             "highlights", "title",
                             marks_json(d->title, d->title_marks, d->n_title_marks), "body",
                             marks_json(d->body, d->body_marks, d->n_body_marks));
    if (!root)
        return -1;
    int rc = json_dumpf(root, out, JSON_COMPACT);
    fputc('\n', out);
    json_decref(root);
    return rc;
}
