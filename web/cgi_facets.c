/* Facets as filters: the sources, topics and years of the matches, each a
 * link to the same search narrowed by it (source=, topic=, or from= and
 * to= for a year); the active filters, each with a link that removes it;
 * and the search form's source control. */
#include <inttypes.h>
#include <string.h>

#include "cgi.h"

#define FACET_SHOWN 10   /* values listed per facet */
#define SOURCES_OFFERED 30 /* sources in the form's list */

static void esc(FILE *out, const char *s)
{
    cgi_html_escape(out, s, strlen(s));
}

/* A link to the search p at its first page; text escaped. */
static void write_filter_link(FILE *out, const cgi_params *p, const char *attrs,
                              const char *text)
{
    fputs("<a href=\"", out);
    cgi_html_link(out, p, 1);
    fprintf(out, "\"%s>", attrs);
    esc(out, text);
    fputs("</a>", out);
}

/* ---- Active filters ---- */

static void write_removal(FILE *out, const cgi_params *without, const char *label,
                          const char *value)
{
    fputs("<li><a href=\"", out);
    cgi_html_link(out, without, 1);
    fputs("\" aria-label=\"Remove the filter ", out);
    esc(out, label);
    fputs(" ", out);
    esc(out, value);
    fputs("\">", out);
    esc(out, label);
    fputs(" ", out);
    esc(out, value);
    fputs(" <span aria-hidden=\"true\">\xc3\x97</span></a></li>\n", out);
}

void cgi_facets_active(FILE *out, const cgi_page *pg)
{
    const cgi_params *p = pg->params;
    if (!p->source[0] && !p->topic[0] && !p->from[0] && !p->to[0])
        return;
    static cgi_params without; /* 2 KiB: kept off the stack */
    fputs("<ul class=\"filters\" aria-label=\"Active filters\">\n", out);
    if (p->source[0]) {
        without = *p;
        without.source[0] = '\0';
        write_removal(out, &without, "source:", p->source);
    }
    if (p->topic[0]) {
        without = *p;
        without.topic[0] = '\0';
        write_removal(out, &without, "topic:", p->topic);
    }
    if (p->from[0] || p->to[0]) {
        char range[32];
        if (strcmp(p->from, p->to) == 0)
            snprintf(range, sizeof range, "%s", p->from);
        else
            snprintf(range, sizeof range, "%s\xe2\x80\x93%s", p->from, p->to);
        without = *p;
        without.from[0] = without.to[0] = '\0';
        write_removal(out, &without, "date:", range);
    }
    fputs("</ul>\n", out);
}

/* ---- Facet lists ---- */

/* p narrowed by value of facet into *narrowed; 0 if it cannot be (a value
 * too long for the parameter, or a year that is not one). */
static int narrow(const cgi_params *p, newsdex_facet facet, const char *value,
                  cgi_params *narrowed)
{
    size_t len = strlen(value);
    *narrowed = *p;
    narrowed->offset = 0;
    narrowed->page = 1;
    if (facet == NEWSDEX_FACET_YEAR) {
        if (len != 4 || strspn(value, "0123456789") != 4 || value[0] == '0')
            return 0;
        memcpy(narrowed->from, value, 5);
        memcpy(narrowed->to, value, 5);
        return 1;
    }
    if (len == 0 || len > CGI_FILTER_MAX || !cgi_utf8_valid(value, len))
        return 0;
    memcpy(facet == NEWSDEX_FACET_SOURCE ? narrowed->source : narrowed->topic, value,
           len + 1);
    return 1;
}

static int is_active(const cgi_params *p, newsdex_facet facet, const char *value)
{
    switch (facet) {
    case NEWSDEX_FACET_SOURCE: return strcmp(p->source, value) == 0;
    case NEWSDEX_FACET_TOPIC: return strcmp(p->topic, value) == 0;
    default: return strcmp(p->from, value) == 0 && strcmp(p->to, value) == 0;
    }
}

/* Matches without a value: listed, counted, but no link (the query
 * language cannot ask for them). */
static void write_missing(FILE *out, const cgi_page *pg, newsdex_facet facet)
{
    uint64_t missing = newsdex_results_facet_missing(pg->results, facet);
    if (missing == 0)
        return;
    const char *label = facet == NEWSDEX_FACET_SOURCE  ? "(no source)"
                        : facet == NEWSDEX_FACET_TOPIC ? "(no topic)"
                                                       : "undated";
    fprintf(out, "<li class=\"missing\"><em>%s</em> <span class=\"n\">%" PRIu64 "</span></li>\n",
            label, missing);
}

static void write_facet(FILE *out, const cgi_page *pg, newsdex_facet facet, const char *name)
{
    size_t n = newsdex_results_facet_count(pg->results, facet);
    if (n == 0 && newsdex_results_facet_missing(pg->results, facet) == 0)
        return;
    static cgi_params narrowed;
    fprintf(out, "<section>\n<h2>%s</h2>\n<ul>\n", name);
    for (size_t i = 0, shown = 0; i < n && shown < FACET_SHOWN; i++) {
        const char *value = NULL;
        uint64_t count = 0;
        if (newsdex_results_facet_get(pg->results, facet, i, &value, &count) != NEWSDEX_OK ||
            !value || !value[0])
            continue;
        shown++;
        fputs("<li>", out);
        if (is_active(pg->params, facet, value)) {
            fputs("<strong aria-current=\"true\">", out);
            esc(out, value);
            fputs("</strong>", out);
        } else if (narrow(pg->params, facet, value, &narrowed)) {
            write_filter_link(out, &narrowed, "", value);
        } else {
            esc(out, value);
        }
        fprintf(out, " <span class=\"n\">%" PRIu64 "</span></li>\n", count);
    }
    write_missing(out, pg, facet);
    fputs("</ul>\n</section>\n", out);
}

void cgi_facets_write(FILE *out, const cgi_page *pg)
{
    if (!pg->results || newsdex_results_count(pg->results) == 0)
        return;
    fputs("<nav class=\"facets\" aria-label=\"Narrow the results\">\n", out);
    write_facet(out, pg, NEWSDEX_FACET_SOURCE, "Source");
    write_facet(out, pg, NEWSDEX_FACET_TOPIC, "Topic");
    write_facet(out, pg, NEWSDEX_FACET_YEAR, "Year");
    fputs("</nav>\n", out);
}

/* ---- The form's source control ---- */

static void write_source_option(FILE *out, const char *value, int selected)
{
    fputs("<option value=\"", out);
    esc(out, value);
    fprintf(out, "\"%s>", selected ? " selected" : "");
    esc(out, value);
    fputs("</option>", out);
}

void cgi_facets_source_control(FILE *out, const cgi_page *pg)
{
    const cgi_params *p = pg->params;
    size_t n = pg->results ? newsdex_results_facet_count(pg->results, NEWSDEX_FACET_SOURCE) : 0;
    if (p->topic[0]) { /* kept when the form is sent again */
        fputs("<input type=\"hidden\" name=\"topic\" value=\"", out);
        esc(out, p->topic);
        fputs("\">\n", out);
    }
    if (n == 0 && !p->source[0])
        return;
    fputs("<label>Source<select name=\"source\"><option value=\"\">All sources</option>", out);
    if (p->source[0])
        write_source_option(out, p->source, 1);
    for (size_t i = 0; i < n && i < SOURCES_OFFERED; i++) {
        const char *value = NULL;
        uint64_t count;
        if (newsdex_results_facet_get(pg->results, NEWSDEX_FACET_SOURCE, i, &value, &count) !=
                NEWSDEX_OK ||
            !value || !value[0] || strlen(value) > CGI_FILTER_MAX || strcmp(value, p->source) == 0)
            continue;
        write_source_option(out, value, 0);
    }
    fputs("</select></label>\n", out);
}
