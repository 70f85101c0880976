/* The HTML results page: a search form, the count, notices, a chart of
 * matches per year (inline SVG), the results with highlighted snippets and
 * pagination. No JavaScript, no outside resources. Every piece of text that
 * comes from the request or from an article goes through cgi_html_escape(). */
#include <inttypes.h>
#include <string.h>
#include <strings.h>

#include "cgi.h"

static const char page_style[] =
    "body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:0 auto;padding:0 1rem;"
    "color:#1a1a1a;background:#fff}"
    "form{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin:1.5rem 0 1rem}"
    "label{display:flex;flex-direction:column;font-size:.85rem}"
    "label.q{flex:1 1 18rem}input,select,button{font:inherit;padding:.3rem .4rem}"
    "button{cursor:pointer}ol.results{padding-left:1.5rem}ol.results li{margin:0 0 1.2rem}"
    "h2{font-size:1.1rem;margin:0}.meta{color:#555;font-size:.85rem;margin:0}"
    ".snippet{margin:.2rem 0 0}mark{background:#ffe58a;color:inherit}"
    ".notice,.suggest{background:#f3f6fa;border-left:4px solid #5b7fa6;padding:.4rem .7rem}"
    ".error{background:#fdf0f0;border-left:4px solid #b03030;padding:.4rem .7rem}"
    "nav.pages{display:flex;flex-wrap:wrap;gap:.6rem;margin:1.5rem 0 3rem}"
    "nav.pages [aria-current]{font-weight:bold}"
    "figure{margin:1rem 0}figcaption{font-size:.85rem;color:#555}"
    "svg.chart{max-width:100%;height:auto}svg.chart rect{fill:#5b7fa6}"
    "svg.chart text{font-size:10px;fill:#555}";

/* The article page, the facets and the filters. */
static const char view_style[] =
    "body{overflow-wrap:anywhere}select{max-width:100%}"
    "a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible"
    "{outline:3px solid #1a5fb4;outline-offset:2px}"
    ".view h1{font-size:1.5rem;line-height:1.25;margin:.5rem 0}"
    ".view .body{white-space:pre-line}.topics{font-size:.85rem;margin:.3rem 0}"
    ".filters{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;list-style:none;"
    "padding:0;margin:.5rem 0}"
    ".filters a{border:1px solid #5b7fa6;border-radius:1rem;padding:0 .6rem;"
    "text-decoration:none}"
    ".facets{display:flex;flex-wrap:wrap;gap:1rem 2rem;margin:1rem 0 0}"
    ".facets h2{font-size:.95rem}.facets ul{list-style:none;padding:0;margin:.2rem 0}"
    ".facets li{margin:.15rem 0}.facets .n{color:#555;font-size:.85rem}"
    ".hit-view{font-size:.85rem;font-weight:normal;margin-left:.5rem}";

void cgi_html_escape(FILE *out, const char *s, size_t len)
{
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        const char *entity = NULL;
        switch (s[i]) {
        case '&': entity = "&amp;"; break;
        case '<': entity = "&lt;"; break;
        case '>': entity = "&gt;"; break;
        case '"': entity = "&quot;"; break;
        case '\'': entity = "&#39;"; break;
        default: continue;
        }
        fwrite(s + start, 1, i - start, out);
        fputs(entity, out);
        start = i + 1;
    }
    fwrite(s + start, 1, len - start, out);
}

static void esc(FILE *out, const char *s)
{
    cgi_html_escape(out, s, strlen(s));
}

/* ---- Links back to this page: "?q=...&amp;page=N..." ---- */

static void url_encode(FILE *out, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *u = (const unsigned char *)s; *u; u++) {
        if ((*u >= 'a' && *u <= 'z') || (*u >= 'A' && *u <= 'Z') || (*u >= '0' && *u <= '9') ||
            *u == '-' || *u == '.' || *u == '_' || *u == '~')
            fputc(*u, out);
        else
            fprintf(out, "%%%c%c", hex[*u >> 4], hex[*u & 15]);
    }
}

static void write_filter_params(FILE *out, const cgi_params *p)
{
    if (p->source[0]) {
        fputs("&amp;source=", out);
        url_encode(out, p->source);
    }
    if (p->topic[0]) {
        fputs("&amp;topic=", out);
        url_encode(out, p->topic);
    }
}

/* The current search with another query text (NULL: the same) and page. */
static void write_link(FILE *out, const cgi_params *p, const char *q, unsigned page)
{
    fputs("?q=", out);
    url_encode(out, q ? q : p->q);
    if (p->sort != CGI_SORT_RELEVANCE)
        fprintf(out, "&amp;sort=%s", cgi_sort_name(p->sort));
    if (p->from[0])
        fprintf(out, "&amp;from=%s", p->from); /* checked: digits and '-' only */
    if (p->to[0])
        fprintf(out, "&amp;to=%s", p->to);
    if (p->limit != CGI_LIMIT_DEFAULT)
        fprintf(out, "&amp;limit=%u", p->limit);
    write_filter_params(out, p);
    if (page > 1)
        fprintf(out, "&amp;page=%u", page);
    if (p->nofix && !q) /* the same query, still as typed */
        fputs("&amp;nofix=1", out);
}

/* ---- Head and search form ---- */

static void write_head(FILE *out, const cgi_params *p, const newsdex_document *d)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta name=\"robots\" content=\"noindex\">\n<title>",
          out);
    if (d) {
        esc(out, d->title[0] ? d->title : d->id);
        fputs(" \xe2\x80\x93 ", out);
    } else if (p->has_q) {
        esc(out, p->q);
        fputs(" \xe2\x80\x93 ", out);
    }
    fprintf(out, "News search</title>\n<style>%s%s</style>\n</head>\n<body>\n", page_style,
            view_style);
}

static void write_option(FILE *out, const cgi_params *p, cgi_sort sort, const char *label)
{
    fprintf(out, "<option value=\"%s\"%s>%s</option>", cgi_sort_name(sort),
            p->sort == sort ? " selected" : "", label);
}

static void write_date_field(FILE *out, const char *name, const char *label,
                             const char *value)
{
    fprintf(out,
            "<label>%s<input name=\"%s\" value=\"%s\" size=\"10\" maxlength=\"10\" "
            "placeholder=\"YYYY-MM-DD\" pattern=\"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?\" "
            "inputmode=\"numeric\"></label>\n",
            label, name, value);
}

static void write_form(FILE *out, const cgi_page *pg)
{
    const cgi_params *p = pg->params;
    fputs("<header>\n<form role=\"search\" method=\"get\">\n"
          "<label class=\"q\">Search the news\n"
          "<input type=\"search\" name=\"q\" maxlength=\"1024\" autofocus value=\"",
          out);
    esc(out, p->q);
    fputs("\"></label>\n<label>Sort<select name=\"sort\">", out);
    write_option(out, p, CGI_SORT_RELEVANCE, "Best match");
    write_option(out, p, CGI_SORT_DATE, "Newest first");
    write_option(out, p, CGI_SORT_RECENT, "Recent and relevant");
    fputs("</select></label>\n", out);
    write_date_field(out, "from", "From", p->from);
    write_date_field(out, "to", "To", p->to);
    cgi_facets_source_control(out, pg);
    if (p->limit != CGI_LIMIT_DEFAULT)
        fprintf(out, "<input type=\"hidden\" name=\"limit\" value=\"%u\">\n", p->limit);
    fputs("<button type=\"submit\">Search</button>\n</form>\n</header>\n<main id=\"main\">\n",
          out);
}

/* ---- Count, notices, chart ---- */

/* n with thousands separators: 1234567 -> "1,234,567". */
static void write_count(FILE *out, uint64_t n)
{
    char digits[24];
    int len = snprintf(digits, sizeof digits, "%" PRIu64, n);
    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            fputc(',', out);
        fputc(digits[i], out);
    }
}

/* A search by filters alone (no words): the count, and the filters listed
 * below it stand for the query. */
static void write_filter_status(FILE *out, const cgi_page *pg)
{
    uint64_t total = newsdex_results_total(pg->results);
    size_t n = newsdex_results_count(pg->results);
    fputs("<p class=\"count\" role=\"status\">", out);
    if (total == 0) {
        fputs("No articles match these filters.</p>\n", out);
        return;
    }
    if (!newsdex_results_total_exact(pg->results))
        fputs("At least ", out);
    write_count(out, total);
    fprintf(out, " article%s match%s these filters", total == 1 ? "" : "s",
            total == 1 ? "es" : "");
    if (n)
        fprintf(out, "; showing %u\xe2\x80\x93%u.</p>\n", pg->params->offset + 1,
                pg->params->offset + (unsigned)n);
    else
        fputs("; none on this page.</p>\n", out);
}

static void write_status(FILE *out, const cgi_page *pg)
{
    const cgi_params *p = pg->params;
    if (!p->has_q) {
        write_filter_status(out, pg);
        return;
    }
    uint64_t total = newsdex_results_total(pg->results);
    size_t n = newsdex_results_count(pg->results);
    fputs("<p class=\"count\" role=\"status\">", out);
    if (total && !newsdex_results_total_exact(pg->results))
        fputs("At least ", out);
    if (n == 0 && total == 0) {
        fputs("No articles match <q>", out);
        esc(out, p->q);
        fputs("</q>.</p>\n", out);
        return;
    }
    write_count(out, total);
    fprintf(out, " result%s for <q>", total == 1 ? "" : "s");
    char unfixed[CGI_FILTERED_QUERY_MAX];
    const char *corrected = cgi_without_filters(pg->params, newsdex_results_corrected(pg->results),
                                                unfixed, sizeof unfixed);
    esc(out, corrected[0] ? corrected : p->q);
    if (n)
        fprintf(out, "</q>; showing %u\xe2\x80\x93%u.</p>\n", p->offset + 1,
                p->offset + (unsigned)n);
    else
        fputs("</q>; none on this page.</p>\n", out);
}

/* The results are a spelling correction's: a link to the query as typed. */
static void write_correction(FILE *out, const cgi_page *pg, const char *corrected)
{
    fputs("<p class=\"suggest\">Showing results for <b>", out);
    esc(out, corrected);
    fputs("</b>; search instead for <a href=\"", out);
    write_link(out, pg->params, NULL, 1);
    fputs("&amp;nofix=1\">", out);
    esc(out, pg->params->q);
    fputs("</a>.</p>\n", out);
}

static void write_notices(FILE *out, const cgi_page *pg)
{
    char unfixed[CGI_FILTERED_QUERY_MAX];
    const char *corrected = cgi_without_filters(pg->params, newsdex_results_corrected(pg->results),
                                                unfixed, sizeof unfixed);
    if (corrected[0])
        write_correction(out, pg, corrected);
    const char *suggestion = cgi_suggestion(pg->results);
    char unfiltered[CGI_FILTERED_QUERY_MAX];
    if (suggestion)
        suggestion = cgi_without_filters(pg->params, suggestion, unfiltered, sizeof unfiltered);
    if (suggestion) {
        fputs("<p class=\"suggest\">Did you mean <a href=\"", out);
        write_link(out, pg->params, suggestion, 1);
        fputs("\">", out);
        esc(out, suggestion);
        fputs("</a>?</p>\n", out);
    }
    size_t missing = newsdex_results_missing_shard_count(pg->results);
    if (missing) {
        fputs("<p class=\"notice partial\">Partial results: no answer from ", out);
        for (size_t i = 0; i < missing; i++) {
            fputs(i ? ", " : "", out);
            esc(out, newsdex_results_missing_shard(pg->results, i));
        }
        fputs(missing > 1 ? "; the counts leave out their articles.</p>\n"
                          : "; the counts leave out its articles.</p>\n",
              out);
    }
    if (newsdex_results_relaxed(pg->results) && newsdex_results_total_estimate(pg->results))
        fputs("<p class=\"notice\">No article has all of the words; these have some of "
              "them.</p>\n",
              out);
}

#define BAR_W 28
#define BAR_GAP 6
#define BAR_H 80
#define BAR_TOP 14 /* room for the counts above the bars */

static uint64_t max_count(const cgi_year_count *y, long n)
{
    uint64_t m = 0;
    for (long i = 0; i < n; i++)
        if (y[i].count > m)
            m = y[i].count;
    return m;
}

static void write_bar(FILE *out, const cgi_year_count *y, long i, uint64_t max, long step)
{
    int x = (int)i * (BAR_W + BAR_GAP);
    int h = y[i].count ? (int)(1 + (double)(BAR_H - 1) * (double)y[i].count / (double)max) : 0;
    fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"><title>%d: %" PRIu64
                 "</title></rect>",
            x, BAR_H - h, BAR_W, h, y[i].year, y[i].count);
    if (step == 1 && y[i].count)
        fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%" PRIu64 "</text>",
                x + BAR_W / 2, BAR_H - h - 3, y[i].count);
    if (i % step == 0)
        fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%d</text>",
                x + BAR_W / 2, BAR_H + 14, y[i].year);
    fputc('\n', out);
}

/* Bars of matches per year; the picture's text alternative lists them all. */
static void write_chart(FILE *out, const cgi_page *pg)
{
    if (pg->n_years < 0) {
        fputs("<!-- matches per year: not available from this libnewsdex -->\n", out);
        return;
    }
    if (pg->n_years == 0)
        return;
    const cgi_year_count *y = pg->years;
    long n = pg->n_years, step = n <= 24 ? 1 : (n + 23) / 24;
    uint64_t max = max_count(y, n);
    int width = (int)n * (BAR_W + BAR_GAP);
    fprintf(out,
            "<figure>\n<svg class=\"chart\" role=\"img\" aria-labelledby=\"chart-title\" "
            "width=\"%d\" height=\"%d\" viewBox=\"0 %d %d %d\">\n<title id=\"chart-title\">"
            "Matches per year:",
            width, BAR_H + BAR_TOP + 20, -BAR_TOP, width, BAR_H + BAR_TOP + 20);
    for (long i = 0; i < n; i++)
        fprintf(out, "%s %d: %" PRIu64, i ? "," : "", y[i].year, y[i].count);
    fputs("</title>\n", out);
    for (long i = 0; i < n; i++)
        write_bar(out, y, i, max, step);
    fputs("</svg>\n<figcaption>Matches per year</figcaption>\n</figure>\n", out);
}

/* ---- Results ---- */

static int safe_url(const char *url)
{
    return strncasecmp(url, "https://", 8) == 0 || strncasecmp(url, "http://", 7) == 0;
}

static void write_snippet(FILE *out, const newsdex_hit *h)
{
    size_t pairs[2 * 64];
    size_t n = cgi_hit_marks(h, pairs, 64), at = 0;
    fputs("<p class=\"snippet\">", out);
    for (size_t i = 0; i < n; i++) {
        cgi_html_escape(out, h->snippet + at, pairs[2 * i] - at);
        fputs("<mark>", out);
        cgi_html_escape(out, h->snippet + pairs[2 * i], pairs[2 * i + 1] - pairs[2 * i]);
        fputs("</mark>", out);
        at = pairs[2 * i + 1];
    }
    esc(out, h->snippet + at);
    fputs("</p>\n", out);
}

static const char *const month_names[] = {"January", "February", "March",     "April",
                                          "May",     "June",     "July",      "August",
                                          "September", "October", "November", "December"};

/* "2024-01-10" as "10 January 2024" in a <time> element. */
static void write_date(FILE *out, const char *date)
{
    int y, m, d;
    fputs("<time datetime=\"", out);
    esc(out, date);
    fputs("\">", out);
    if (strlen(date) == 10 && sscanf(date, "%4d-%2d-%2d", &y, &m, &d) == 3 && m >= 1 &&
        m <= 12)
        fprintf(out, "%d %s %d", d, month_names[m - 1], y);
    else
        esc(out, date);
    fputs("</time>", out);
}

/* The link to the article's own page: ?id=...&amp;q=... (the search kept
 * for the way back). */
static void write_view_href(FILE *out, const cgi_params *p, const newsdex_hit *h)
{
    fputs(" href=\"", out);
    write_link(out, p, NULL, p->page);
    fputs("&amp;id=", out);
    url_encode(out, h->id);
    fputs("\"", out);
}

/* The title links to the article's URL when it has one (with a link to its
 * page beside it), else to its page. */
static void write_hit_title(FILE *out, const cgi_params *p, const newsdex_hit *h)
{
    const char *title = h->title[0] ? h->title : "(untitled)";
    fputs("<h2>", out);
    if (safe_url(h->url)) {
        fputs("<a href=\"", out);
        esc(out, h->url);
        fputs("\">", out);
        esc(out, title);
        fputs("</a><a class=\"hit-view\"", out);
        write_view_href(out, p, h);
        fputs(" aria-label=\"View the stored article: ", out);
        esc(out, title);
        fputs("\">view</a>", out);
    } else {
        fputs("<a", out);
        write_view_href(out, p, h);
        fputs(">", out);
        esc(out, title);
        fputs("</a>", out);
    }
    fputs("</h2>\n", out);
}

static void write_hit(FILE *out, const cgi_params *p, const newsdex_hit *h)
{
    fputs("<li><article>\n", out);
    write_hit_title(out, p, h);
    fputs("<p class=\"meta\">", out);
    if (h->date[0])
        write_date(out, h->date);
    if (h->date[0] && h->source[0])
        fputs(" \xc2\xb7 ", out);
    esc(out, h->source);
    fputs("</p>\n", out);
    if (h->snippet[0])
        write_snippet(out, h);
    fputs("</article></li>\n", out);
}

static void write_hits(FILE *out, const cgi_page *pg)
{
    size_t n = newsdex_results_count(pg->results);
    if (n == 0)
        return;
    fprintf(out, "<ol class=\"results\" start=\"%u\">\n", pg->params->offset + 1);
    for (size_t i = 0; i < n; i++) {
        newsdex_hit h;
        if (newsdex_results_get(pg->results, i, &h) == NEWSDEX_OK)
            write_hit(out, pg->params, &h);
    }
    fputs("</ol>\n", out);
}

/* ---- Pagination: never past the results, never past offset 10,000 ---- */

static unsigned last_page(const cgi_page *pg)
{
    const cgi_params *p = pg->params;
    uint64_t total = newsdex_results_total(pg->results);
    uint64_t pages = (total + p->limit - 1) / p->limit;
    uint64_t deepest = CGI_OFFSET_MAX / p->limit + 1;
    return (unsigned)(pages < deepest ? pages : deepest);
}

static void write_page_link(FILE *out, const cgi_params *p, unsigned page, const char *text,
                            const char *rel)
{
    if (page == p->page && !rel) {
        fprintf(out, "<span aria-current=\"page\">%u</span>\n", page);
        return;
    }
    fputs("<a href=\"", out);
    write_link(out, p, NULL, page);
    fprintf(out, "\"%s%s%s>%s</a>\n", rel ? " rel=\"" : "", rel ? rel : "", rel ? "\"" : "",
            text);
}

static void write_pages(FILE *out, const cgi_page *pg)
{
    const cgi_params *p = pg->params;
    unsigned last = last_page(pg);
    if (last <= 1 && p->page <= 1)
        return;
    unsigned lo = p->page > 3 ? p->page - 2 : 1, hi = p->page + 2 < last ? p->page + 2 : last;
    char text[16];
    fputs("<nav class=\"pages\" aria-label=\"Result pages\">\n", out);
    if (p->page > 1)
        write_page_link(out, p, p->page - 1 < last ? p->page - 1 : last, "Previous", "prev");
    if (lo > 1)
        write_page_link(out, p, 1, "1", NULL);
    if (lo > 2)
        fputs("<span>\xe2\x80\xa6</span>\n", out);
    for (unsigned k = lo; k <= hi; k++) {
        snprintf(text, sizeof text, "%u", k);
        write_page_link(out, p, k, text, NULL);
    }
    if (p->page < last)
        write_page_link(out, p, p->page + 1, "Next", "next");
    fputs("</nav>\n", out);
}

/* ---- The page ---- */

static void write_help(FILE *out)
{
    fputs("<p>Words are all required and match any inflection; "
          "<code>\"quoted phrases\"</code> match in order; <code>a OR b</code>; "
          "<code>-word</code> excludes; <code>title:</code>, <code>source:\"...\"</code>, "
          "<code>topic:</code> and <code>date:2024-01</code> narrow the search.</p>\n",
          out);
}

int cgi_html_page(FILE *out, const cgi_page *pg)
{
    write_head(out, pg->params, pg->document);
    write_form(out, pg);
    if (pg->document) {
        cgi_view_html(out, pg);
    } else if (pg->error) {
        fputs("<p class=\"error\" role=\"alert\">", out);
        esc(out, pg->error);
        fputs("</p>\n", out);
        write_help(out);
    } else if (!pg->results) {
        write_help(out);
    } else {
        write_status(out, pg);
        cgi_facets_active(out, pg);
        write_notices(out, pg);
        write_chart(out, pg);
        write_hits(out, pg);
        cgi_facets_write(out, pg);
        write_pages(out, pg);
    }
    fputs("</main>\n</body>\n</html>\n", out);
    return ferror(out) ? -1 : 0;
}

/* ---- Shared with the article page and the facets ---- */

void cgi_html_link(FILE *out, const cgi_params *p, unsigned page)
{
    write_link(out, p, NULL, page);
}

void cgi_html_url_encode(FILE *out, const char *s)
{
    url_encode(out, s);
}

void cgi_html_date(FILE *out, const char *date)
{
    write_date(out, date);
}

int cgi_html_safe_url(const char *url)
{
    return safe_url(url);
}
