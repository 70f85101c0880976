/* The source and topic filters of the page, added to the query in the
 * query language (newsdex-query(7)): q source:"..." topic:"...". */
#include <string.h>

#include "cgi.h"

/* An uppercase OR standing as a word: the filters would bind to its last
 * operand only (AND binds tighter than OR), so q goes in parentheses. */
static int has_or(const char *q)
{
    for (const char *at = strstr(q, "OR"); at; at = strstr(at + 1, "OR")) {
        int before = at == q || strchr(" \t\r\n()", at[-1]);
        int after = !at[2] || strchr(" \t\r\n()", at[2]);
        if (before && after)
            return 1;
    }
    return 0;
}

typedef struct text_out {
    char *buf;
    size_t cap, len;
    int full;
} text_out;

static void put(text_out *t, const char *s, size_t n)
{
    if (t->full || t->len + n >= t->cap) {
        t->full = 1;
        return;
    }
    memcpy(t->buf + t->len, s, n);
    t->len += n;
    t->buf[t->len] = '\0';
}

static void put_str(text_out *t, const char *s)
{
    put(t, s, strlen(s));
}

/* field:"value"; a double quote cannot stand inside one and reads as a
 * space, which separates words as punctuation does in the index. */
static void put_filter(text_out *t, const char *field, const char *value)
{
    if (!value[0])
        return;
    if (t->len)
        put_str(t, " ");
    put_str(t, field);
    put_str(t, ":\"");
    for (const char *c = value; *c; c++)
        put(t, *c == '"' ? " " : c, 1);
    put_str(t, "\"");
}

int cgi_filtered_query(const cgi_params *p, char *out, size_t cap)
{
    text_out t = {out, cap, 0, cap == 0};
    if (cap)
        out[0] = '\0';
    int wrap = p->has_q && (p->source[0] || p->topic[0]) && has_or(p->q);
    if (p->has_q) {
        put_str(&t, wrap ? "(" : "");
        put_str(&t, p->q);
        put_str(&t, wrap ? ")" : "");
    }
    put_filter(&t, "source", p->source);
    put_filter(&t, "topic", p->topic);
    return t.full ? -1 : 0;
}

const char *cgi_without_filters(const cgi_params *p, const char *query, char *buf, size_t cap)
{
    if (!p->has_q || (!p->source[0] && !p->topic[0]))
        return query;
    /* What cgi_filtered_query puts after q: " source:... topic:..." (the
     * "q" stands for q, so that the first filter gets its space). */
    char after[CGI_FILTERED_QUERY_MAX];
    text_out t = {after, sizeof after, 0, 0};
    put_str(&t, "q");
    put_filter(&t, "source", p->source);
    put_filter(&t, "topic", p->topic);
    const char *suffix = after + 1;
    size_t n = strlen(query), k = t.len - 1;
    if (t.full || n <= k || strcmp(query + n - k, suffix) != 0)
        return query;
    n -= k;
    if (has_or(p->q) && n >= 2 && query[0] == '(' && query[n - 1] == ')') {
        query++;
        n -= 2;
    }
    if (n >= cap)
        return query;
    memcpy(buf, query, n);
    buf[n] = '\0';
    return buf;
}

int cgi_wants_search(const cgi_params *p)
{
    return p->has_q || p->source[0] || p->topic[0];
}
