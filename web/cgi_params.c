/* GET parameters of the web search: see cgi_params.h. Every value is hostile
 * until checked: lengths are bounded before anything is copied, numbers are
 * plain digits within their limits, dates are real days, q is valid UTF-8. */
#include "cgi_params.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define VALUE_MAX (CGI_QUERY_STRING_MAX + 1) /* a decoded value is never longer */

static int fail(cgi_param_error *err, const char *parameter, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(cgi_param_error *err, const char *parameter, const char *fmt, ...)
{
    err->parameter = parameter;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return -1;
}

/* ---- Decoding ---- */

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

long cgi_percent_decode(const char *src, size_t len, char *dst, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = src[i];
        if (c == '%') {
            int hi = i + 2 < len ? hex_value(src[i + 1]) : -1;
            int lo = i + 2 < len ? hex_value(src[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                return -1;
            c = (char)(hi * 16 + lo);
            i += 2;
        } else if (c == '+') {
            c = ' ';
        }
        if (n + 1 >= cap)
            return -1;
        dst[n++] = c;
    }
    if (cap)
        dst[n] = '\0';
    return (long)n;
}

/* Length of the UTF-8 sequence starting with byte b and the smallest code
 * point it may encode; 0 for a byte that cannot start one. */
static int utf8_lead(unsigned char b, unsigned *min)
{
    *min = 0;
    if (b < 0x80)
        return 1;
    if (b >= 0xc2 && b <= 0xdf)
        return *min = 0x80, 2;
    if (b >= 0xe0 && b <= 0xef)
        return *min = 0x800, 3;
    if (b >= 0xf0 && b <= 0xf4)
        return *min = 0x10000, 4;
    return 0;
}

int cgi_utf8_valid(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        unsigned min;
        int n = utf8_lead(u[i], &min);
        if (n == 0 || (size_t)n > len - i)
            return 0;
        unsigned cp = n == 1 ? u[i] : u[i] & (0x7fu >> n);
        for (int k = 1; k < n; k++) {
            if ((u[i + k] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (u[i + k] & 0x3fu);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += (size_t)n;
    }
    return 1;
}

void cgi_utf8_sanitize(char *s)
{
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        unsigned min;
        int n = utf8_lead((unsigned char)s[i], &min);
        if (n > 0 && (size_t)n <= len - i && cgi_utf8_valid(s + i, (size_t)n)) {
            i += (size_t)n;
            continue;
        }
        s[i++] = '?';
    }
}

/* ---- One parameter at a time ---- */

static int set_q(cgi_params *p, const char *v, size_t n, cgi_param_error *err)
{
    if (n > CGI_Q_MAX)
        return fail(err, "q", "q is longer than %d bytes", CGI_Q_MAX);
    if (!cgi_utf8_valid(v, n))
        return fail(err, "q", "q is not valid UTF-8");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
            return fail(err, "q", "q holds a control character");
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            p->has_q = 1;
    }
    memcpy(p->q, v, n);
    p->q[n] = '\0';
    return 0;
}

/* A whole number of at most 9 digits, no sign, no spaces, at most max. */
static int parse_uint(const char *v, size_t n, unsigned max, unsigned *out)
{
    if (n == 0 || n > 9)
        return -1;
    unsigned long x = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return -1;
        x = x * 10 + (unsigned long)(v[i] - '0');
    }
    if (x > max)
        return -1;
    *out = (unsigned)x;
    return 0;
}

static int set_limit(cgi_params *p, const char *v, size_t n, cgi_param_error *err)
{
    if (parse_uint(v, n, CGI_LIMIT_MAX, &p->limit) != 0 || p->limit == 0)
        return fail(err, "limit", "limit must be a whole number from 1 to %d", CGI_LIMIT_MAX);
    return 0;
}

static int set_offset(cgi_params *p, const char *v, size_t n, cgi_param_error *err)
{
    if (parse_uint(v, n, CGI_OFFSET_MAX, &p->offset) != 0)
        return fail(err, "offset", "offset must be a whole number from 0 to %d",
                    CGI_OFFSET_MAX);
    return 0;
}

static int set_page(cgi_params *p, const char *v, size_t n, cgi_param_error *err)
{
    if (parse_uint(v, n, CGI_OFFSET_MAX + 1, &p->page) != 0 || p->page == 0)
        return fail(err, "page", "page must be a whole number from 1 to %d",
                    CGI_OFFSET_MAX + 1);
    return 0;
}

static int is_value(const char *v, size_t n, const char *word)
{
    return strlen(word) == n && memcmp(v, word, n) == 0;
}

static int set_sort(cgi_params *p, const char *v, size_t n, cgi_param_error *err)
{
    for (int s = CGI_SORT_RELEVANCE; s <= CGI_SORT_RECENT; s++)
        if (is_value(v, n, cgi_sort_name((cgi_sort)s))) {
            p->sort = (cgi_sort)s;
            return 0;
        }
    return fail(err, "sort", "sort must be relevance, date or recent");
}

static int set_format(cgi_params *p, const char *v, size_t n, cgi_param_error *err)
{
    p->format_given = 1;
    if (is_value(v, n, "json"))
        p->format = CGI_FORMAT_JSON;
    else if (is_value(v, n, "html"))
        p->format = CGI_FORMAT_HTML;
    else
        return fail(err, "format", "format must be json or html");
    return 0;
}

/* nofix=1: the results of the query as typed, never its spelling correction's. */
static int set_nofix(cgi_params *p, const char *v, size_t n, cgi_param_error *err)
{
    if (!is_value(v, n, "1") && !is_value(v, n, "0"))
        return fail(err, "nofix", "nofix must be 1 or 0");
    p->nofix = v[0] == '1';
    return 0;
}

/* facets=source,topic,year (any of them, comma-separated), all or none. */
static int set_facets(cgi_params *p, const char *v, size_t n, cgi_param_error *err)
{
    static const struct { const char *name; unsigned bit; } names[] = {
        {"source", CGI_FACET_SOURCE}, {"topic", CGI_FACET_TOPIC}, {"year", CGI_FACET_YEAR},
        {"all", CGI_FACET_SOURCE | CGI_FACET_TOPIC | CGI_FACET_YEAR}, {"none", 0}};
    p->facets = 0;
    p->facets_given = 1;
    for (size_t at = 0; at <= n;) {
        size_t end = at;
        while (end < n && v[end] != ',')
            end++;
        size_t k = 0;
        while (k < sizeof names / sizeof names[0] && !is_value(v + at, end - at, names[k].name))
            k++;
        if (k == sizeof names / sizeof names[0])
            return fail(err, "facets", "facets must be a comma-separated list of source, "
                                       "topic and year, or all, or none");
        p->facets |= names[k].bit;
        at = end + 1;
    }
    return 0;
}

/* A text value of at most max bytes: valid UTF-8 without control
 * characters (they could not be typed, and a page would show them). */
static int set_text(char *out, size_t max, const char *name, const char *v, size_t n,
                    cgi_param_error *err)
{
    if (n > max)
        return fail(err, name, "%s is longer than %zu bytes", name, max);
    if (!cgi_utf8_valid(v, n))
        return fail(err, name, "%s is not valid UTF-8", name);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
            return fail(err, name, "%s holds a control character", name);
    memcpy(out, v, n);
    out[n] = '\0';
    return 0;
}

static int set_id(cgi_params *p, const char *v, size_t n, cgi_param_error *err)
{
    return set_text(p->id, CGI_ID_MAX, "id", v, n, err);
}

static int set_source(cgi_params *p, const char *v, size_t n, cgi_param_error *err)
{
    return set_text(p->source, CGI_FILTER_MAX, "source", v, n, err);
}

static int set_topic(cgi_params *p, const char *v, size_t n, cgi_param_error *err)
{
    return set_text(p->topic, CGI_FILTER_MAX, "topic", v, n, err);
}

/* ---- Dates ---- */

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

static int digits(const char *v, size_t at, size_t n, int *out)
{
    unsigned x;
    if (parse_uint(v + at, n, 9999, &x) != 0)
        return 0;
    *out = (int)x;
    return 1;
}

/* YYYY, YYYY-MM or YYYY-MM-DD: its first (upper = 0) or last day as
 * YYYYMMDD in ymd. Returns 0 if it is not a real day, month or year. */
static int date_bound(const char *v, size_t n, int upper, char ymd[9])
{
    int y = 0, m = upper ? 12 : 1, d = 1;
    int ok = (n == 4 || n == 7 || n == 10) && digits(v, 0, 4, &y) && y >= 1000 &&
             (n < 7 || (v[4] == '-' && digits(v, 5, 2, &m) && m >= 1 && m <= 12));
    if (ok && n == 10)
        ok = v[7] == '-' && digits(v, 8, 2, &d) && d >= 1 && d <= days_in_month(y, m);
    else if (ok && upper)
        d = days_in_month(y, m);
    if (ok)
        snprintf(ymd, 9, "%04u%02u%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
                 (unsigned)d % 100u);
    return ok;
}

static int set_date(char out[11], const char *name, const char *v, size_t n,
                    cgi_param_error *err)
{
    char ymd[9];
    if (!date_bound(v, n, 0, ymd))
        return fail(err, name, "%s must be a date: YYYY, YYYY-MM or YYYY-MM-DD", name);
    memcpy(out, v, n);
    out[n] = '\0';
    return 0;
}

static int set_from(cgi_params *p, const char *v, size_t n, cgi_param_error *err)
{
    return set_date(p->from, "from", v, n, err);
}

static int set_to(cgi_params *p, const char *v, size_t n, cgi_param_error *err)
{
    return set_date(p->to, "to", v, n, err);
}

/* ---- The whole query string ---- */

typedef int (*setter)(cgi_params *, const char *, size_t, cgi_param_error *);

static const struct param_def {
    const char *name;
    setter set;
} params[] = {
    {"q", set_q},         {"page", set_page}, {"offset", set_offset}, {"limit", set_limit},
    {"id", set_id},       {"source", set_source}, {"topic", set_topic},
    {"sort", set_sort},   {"from", set_from}, {"to", set_to},         {"facets", set_facets},
    {"format", set_format}, {"nofix", set_nofix},
};
#define N_PARAMS (sizeof params / sizeof params[0])
#define SEEN_OFFSET (1u << 2) /* params[2] */

const char *cgi_sort_name(cgi_sort sort)
{
    switch (sort) {
    case CGI_SORT_DATE: return "date";
    case CGI_SORT_RECENT: return "recent";
    default: return "relevance";
    }
}

/* One name=value pair; *seen has a bit per known parameter. */
static int take_pair(cgi_params *p, const char *s, size_t len, unsigned *seen,
                     cgi_param_error *err)
{
    const char *eq = memchr(s, '=', len);
    size_t name_len = eq ? (size_t)(eq - s) : len;
    char name[16], value[VALUE_MAX];
    long nn = cgi_percent_decode(s, name_len, name, sizeof name);
    if (nn < 0)
        return 0; /* not a name of ours (too long or garbled): ignored */
    size_t k = 0;
    while (k < N_PARAMS && !is_value(name, (size_t)nn, params[k].name))
        k++;
    if (k == N_PARAMS)
        return 0;
    const char *v = eq ? eq + 1 : s + len;
    long vn = cgi_percent_decode(v, (size_t)(s + len - v), value, sizeof value);
    if (vn < 0)
        return fail(err, params[k].name, "%s is not properly percent-encoded or too long",
                    params[k].name);
    if (*seen & (1u << k))
        return fail(err, params[k].name, "%s is given more than once", params[k].name);
    *seen |= 1u << k;
    return vn == 0 ? 0 : params[k].set(p, value, (size_t)vn, err);
}

/* Checks that need several parameters: page against offset, from before to. */
static int finish(cgi_params *p, unsigned seen, cgi_param_error *err)
{
    if (p->page) {
        unsigned long offset = (unsigned long)(p->page - 1) * p->limit;
        if (seen & SEEN_OFFSET)
            return fail(err, "page", "give page or offset, not both");
        if (offset > CGI_OFFSET_MAX)
            return fail(err, "page", "page %u starts past result %d, the deepest allowed",
                        p->page, CGI_OFFSET_MAX);
        p->offset = (unsigned)offset;
    }
    p->page = p->offset / p->limit + 1;
    char lo[9], hi[9];
    if (p->from[0] && p->to[0] && date_bound(p->from, strlen(p->from), 0, lo) &&
        date_bound(p->to, strlen(p->to), 1, hi) && strcmp(lo, hi) > 0)
        return fail(err, "from", "from %s is after to %s", p->from, p->to);
    return 0;
}

static void set_defaults(cgi_params *p)
{
    memset(p, 0, sizeof *p);
    p->limit = CGI_LIMIT_DEFAULT;
    p->sort = CGI_SORT_RELEVANCE;
    p->format = CGI_FORMAT_HTML;
}

/* Reads format= first, so that an error elsewhere is answered in it. */
static void peek_format(cgi_params *p, const char *qs, size_t len)
{
    for (size_t at = 0; at < len;) {
        const char *amp = memchr(qs + at, '&', len - at);
        size_t end = amp ? (size_t)(amp - qs) : len;
        if (end - at == 11 && memcmp(qs + at, "format=json", 11) == 0)
            p->format = CGI_FORMAT_JSON;
        at = end + 1;
    }
}

int cgi_params_parse(const char *qs, size_t len, cgi_params *p, cgi_param_error *err)
{
    set_defaults(p);
    err->parameter = NULL;
    err->message[0] = '\0';
    if (!qs)
        len = 0;
    peek_format(p, qs, len);
    if (len > CGI_QUERY_STRING_MAX)
        return fail(err, "query string", "the query string is longer than %d bytes",
                    CGI_QUERY_STRING_MAX);
    unsigned seen = 0;
    for (size_t at = 0; at < len;) {
        const char *amp = memchr(qs + at, '&', len - at);
        size_t end = amp ? (size_t)(amp - qs) : len;
        if (end > at && take_pair(p, qs + at, end - at, &seen, err) != 0)
            return -1;
        at = end + 1;
    }
    return finish(p, seen, err);
}
