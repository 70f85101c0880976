/* Header lines of plain-text articles (text_header.h). */
#include "text_header.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"

enum { TITLE, DATE, SOURCE, URL, TOPICS, N_NAMES };
static const char *const names[N_NAMES] = {"Title", "Date", "Source", "URL", "Topics"};

static int same_name(const char *s, size_t n, const char *name)
{
    if (strlen(name) != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char a = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 'a' + 'A') : s[i];
        char b = name[i] >= 'a' && name[i] <= 'z' ? (char)(name[i] - 'a' + 'A') : name[i];
        if (a != b)
            return 0;
    }
    return 1;
}

/* The header name line[0..len) starts with ("Name:"), or -1. */
static int name_of(const char *line, size_t len)
{
    const char *colon = memchr(line, ':', len);
    if (!colon)
        return -1;
    for (int i = 0; i < N_NAMES; i++)
        if (same_name(line, (size_t)(colon - line), names[i]))
            return i;
    return -1;
}

static int blank_line(const char *line, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (line[i] != ' ' && line[i] != '\t')
            return 0;
    return 1;
}

static char *trimmed(char *s, char **end)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    *e = '\0';
    if (end)
        *end = e;
    return s;
}

/* Split the Topics value in place into h->values. */
static int split_topics(nx_text_header *h, char *value)
{
    size_t n = 1;
    for (const char *p = value; *p; p++)
        n += *p == ',';
    if (!(h->values = malloc(n * sizeof *h->values)))
        return -1;
    size_t count = 0;
    for (char *p = value;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        char *topic = trimmed(p, NULL);
        if (*topic)
            h->values[count++] = topic;
        if (!comma)
            break;
        p = comma + 1;
    }
    h->topics = (newsdex_list_field){"topics", h->values, count};
    return 0;
}

/* Take the value of @p line (NUL-terminated, in h->copy), or say in
 * @p why (of @p cap bytes) why it is not a good header line: returns 0 then. */
static int take_line(nx_text_header *h, char *line, const char **field[N_NAMES],
                     int *topics_seen, char *why, size_t cap)
{
    char *colon = strchr(line, ':');
    if (!colon) {
        snprintf(why, cap, "not \"Name: value\"");
        return 0;
    }
    int name = name_of(line, strlen(line));
    if (name < 0) {
        snprintf(why, cap, "unknown name \"%.*s\" (the names are Title, Date, Source, URL and "
                           "Topics)", (int)(colon - line < 40 ? colon - line : 40), line);
        return 0;
    }
    char *value = trimmed(colon + 1, NULL);
    int twice = name == TOPICS ? *topics_seen : *field[name] != NULL;
    if (!*value || twice) {
        snprintf(why, cap, "%s %s", names[name], twice ? "given twice" : "with an empty value");
        return 0;
    }
    if (name == TOPICS) {
        *topics_seen = 1;
        return split_topics(h, value) == 0 ? 1 : -1;
    }
    *field[name] = value;
    return 1;
}

/* Append line[0..len) and "\n" to h->kept at *used. */
static void keep(nx_text_header *h, size_t *used, const char *line, size_t len)
{
    memcpy(h->kept + *used, line, len);
    *used += len;
    h->kept[(*used)++] = '\n';
}

int nx_text_header_parse(nx_text_header *h, char *text, size_t len, char **rest,
                         size_t *rest_len)
{
    nx_text_header_free(h);
    *rest = text;
    *rest_len = len;
    const char *nl = memchr(text, '\n', len);
    if (name_of(text, nl ? (size_t)(nl - text) : len) < 0)
        return 0; /* no header */
    /* The header: every line up to the first blank one or the end. */
    size_t end = 0, after = len;
    while (end < len) {
        const char *line = text + end;
        const char *eol = memchr(line, '\n', len - end);
        size_t n = eol ? (size_t)(eol - line) : len - end;
        if (blank_line(line, n)) {
            after = eol ? end + n + 1 : len;
            break;
        }
        end += n + (eol != NULL);
    }
    NX_READER_WORK(end);
    if (!(h->copy = malloc(end + 1)) || !(h->kept = malloc(end + 1 + len - after + 1)))
        return -1;
    memcpy(h->copy, text, end);
    h->copy[end] = '\0';
    const char **field[N_NAMES] = {&h->title, &h->date, &h->source, &h->url, NULL};
    int topics_seen = 0;
    size_t used = 0, bad = 0;
    unsigned long line_no = 1;
    for (char *line = h->copy; line < h->copy + end; line_no++) {
        char *eol = strchr(line, '\n');
        if (eol)
            *eol = '\0';
        size_t n = strlen(line);
        const char *text_line = text + (line - h->copy); /* untouched by take_line */
        char why[160];
        int taken = take_line(h, line, field, &topics_seen, why, sizeof why);
        if (taken < 0)
            return -1;
        if (!taken) {
            if (!bad++) {
                h->warning_line = line_no;
                snprintf(h->warning, sizeof h->warning,
                         "malformed header line kept as body text: %s", why);
            }
            keep(h, &used, text_line, n);
        }
        line = eol ? eol + 1 : h->copy + end;
    }
    if (bad > 1) {
        size_t w = strlen(h->warning);
        snprintf(h->warning + w, sizeof h->warning - w, ", and %zu more header line%s after it",
                 bad - 1, bad == 2 ? "" : "s");
    }
    if (!bad) {
        *rest = text + after;
        *rest_len = len - after;
        return 0;
    }
    memcpy(h->kept + used, text + after, len - after);
    used += len - after;
    h->kept[used] = '\0';
    *rest = h->kept;
    *rest_len = used;
    return 0;
}

void nx_text_header_free(nx_text_header *h)
{
    free(h->copy);
    free(h->kept);
    free(h->values);
    memset(h, 0, sizeof *h);
}
