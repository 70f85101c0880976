/* nx_reader: picks a format from the file name and forwards to its vtable,
 * so new formats (SGML, plain text) are one new file and one table row. */
#include "reader.h"

#include <stdlib.h>
#include <string.h>

struct nx_reader {
    const nx_reader_format *format;
    void *state;
};

typedef struct suffix_format {
    const char *suffix;
    const nx_reader_format *format;
} suffix_format;

static const suffix_format formats[] = {
    {".jsonl", &nx_jsonl_format},  {".jsonl.gz", &nx_jsonl_format},
    {".ndjson", &nx_jsonl_format}, {".ndjson.gz", &nx_jsonl_format},
    {".json", &nx_jsonl_format},   {".json.gz", &nx_jsonl_format},
};

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* ASCII case-insensitive: "NEWS.JSONL" is as much JSON Lines as "news.jsonl". */
static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    if (k > n)
        return 0;
    for (size_t i = 0; i < k; i++)
        if (lower(s[n - k + i]) != suffix[i])
            return 0;
    return 1;
}

static const nx_reader_format *format_for(const char *path)
{
    if (strcmp(path, "-") == 0)
        return &nx_jsonl_format;
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (ends_with(path, formats[i].suffix))
            return formats[i].format;
    return NULL;
}

newsdex_status nx_reader_open(const char *path, nx_reader **out, nx_error *err)
{
    *out = NULL;
    if (!path || !path[0])
        return nx_error_set(err, NEWSDEX_ERR_INVALID, "no input file given");
    const nx_reader_format *format = format_for(path);
    if (!format)
        return nx_error_set(err, NEWSDEX_ERR_INVALID,
                            "cannot read \"%s\": unknown input format (expected .jsonl or .jsonl.gz)",
                            path);
    nx_reader *r = malloc(sizeof *r);
    if (!r)
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory opening \"%s\"", path);
    r->format = format;
    newsdex_status st = format->open(path, &r->state, err);
    if (st != NEWSDEX_OK) {
        free(r);
        return st;
    }
    *out = r;
    return NEWSDEX_OK;
}

nx_read_result nx_reader_next(nx_reader *r, newsdex_article *article, nx_error *err)
{
    return r->format->next(r->state, article, err);
}

unsigned long nx_reader_line(const nx_reader *r)
{
    return r ? r->format->line(r->state) : 0;
}

unsigned long long nx_reader_bytes(const nx_reader *r)
{
    return r ? r->format->bytes(r->state) : 0;
}

void nx_reader_close(nx_reader *r)
{
    if (!r)
        return;
    r->format->close(r->state);
    free(r);
}
