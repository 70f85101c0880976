/* JSON Lines: one article object per line, parsed with jansson.
 * Only the shape of each record is checked here (types, required "id");
 * id length, dates and title-or-body are the index writer's business. */
#include "reader.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/utf8.h"
#include "line_reader.h"

#define LIST_NAME_MAX 64

typedef struct jsonl_state {
    nx_line_reader *lines;
    json_t *doc;                 /* current record; the article points into it */
    char *repaired;              /* repaired copy of the current line, if needed */
    newsdex_list_field *lists;   /* reusable array behind article->lists */
    size_t lists_cap;
    const char **values;         /* reusable pool behind every list's values */
    size_t values_cap;
} jsonl_state;

/* The string fields of an article, in order. */
static const char *const string_fields[] = {"id", "title", "body", "date", "source", "url"};
/* List fields with a fixed place; every other string array is an extra list. */
static const char *const named_lists[] = {"authors", "topics"};

static newsdex_status jsonl_open(const char *path, const char *name, void **state,
                                 nx_error *err)
{
    (void)name; /* ids come from the records */
    jsonl_state *s = calloc(1, sizeof *s);
    if (!s)
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory opening \"%s\"", path);
    newsdex_status st = nx_line_reader_open(path, &s->lines, err);
    if (st != NEWSDEX_OK) {
        free(s);
        return st;
    }
    *state = s;
    return NEWSDEX_OK;
}

/* Drop the previous record; the caller was told it lives until this call. */
static void release_record(jsonl_state *s)
{
    json_decref(s->doc);
    s->doc = NULL;
    free(s->repaired);
    s->repaired = NULL;
}

static int is_blank(const char *line, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!strchr(" \t\r\f\v", line[i]) || line[i] == '\0')
            return 0;
    return 1;
}

static int is_known_field(const char *key)
{
    for (size_t i = 0; i < sizeof string_fields / sizeof string_fields[0]; i++)
        if (strcmp(key, string_fields[i]) == 0)
            return 1;
    for (size_t i = 0; i < sizeof named_lists / sizeof named_lists[0]; i++)
        if (strcmp(key, named_lists[i]) == 0)
            return 1;
    return 0;
}

/* Extra list names become index field names: keep them tame. */
static int is_valid_list_name(const char *key)
{
    size_t n = strlen(key);
    if (n < 1 || n > LIST_NAME_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = key[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return 0;
    }
    return 1;
}

static int all_strings(const json_t *array)
{
    size_t i;
    const json_t *v;
    json_array_foreach(array, i, v)
        if (!json_is_string(v))
            return 0;
    return 1;
}

/* A string field: absent or null gives NULL; any other non-string is an error. */
static newsdex_status get_string(const json_t *doc, const char *name, const char **out,
                                 nx_error *err)
{
    const json_t *v = json_object_get(doc, name);
    *out = NULL;
    if (!v || json_is_null(v))
        return NEWSDEX_OK;
    if (!json_is_string(v))
        return nx_error_set(err, NEWSDEX_ERR_INVALID, "\"%s\" must be a string", name);
    *out = json_string_value(v);
    return NEWSDEX_OK;
}

/* A named list: absent, null or [] gives NULL; it must otherwise hold strings. */
static newsdex_status get_named_list(const json_t *doc, const char *name, const json_t **out,
                                     nx_error *err)
{
    const json_t *v = json_object_get(doc, name);
    *out = NULL;
    if (!v || json_is_null(v))
        return NEWSDEX_OK;
    if (!json_is_array(v))
        return nx_error_set(err, NEWSDEX_ERR_INVALID, "\"%s\" must be a list of strings", name);
    size_t i;
    const json_t *item;
    json_array_foreach(v, i, item)
        if (!json_is_string(item))
            return nx_error_set(err, NEWSDEX_ERR_INVALID, "\"%s\"[%zu] must be a string", name,
                                i);
    if (json_array_size(v) > 0)
        *out = v;
    return NEWSDEX_OK;
}

/* An unknown field becomes an extra list only if it is a non-empty array of
 * strings with a tame name; anything else is silently ignored. */
static int is_extra_list(const char *key, const json_t *value)
{
    return json_is_array(value) && json_array_size(value) > 0 && !is_known_field(key) &&
           is_valid_list_name(key) && all_strings(value);
}

/* Grow a reusable array to hold @p need items of @p size bytes. */
static int reserve(void **buf, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 1;
    size_t n = *cap ? *cap : 8;
    while (n < need)
        n *= 2;
    void *grown = realloc(*buf, n * size);
    if (!grown)
        return 0;
    *buf = grown;
    *cap = n;
    return 1;
}

static void add_list(jsonl_state *s, size_t *n_lists, size_t *n_values, const char *name,
                     const json_t *array)
{
    size_t i;
    const json_t *item;
    newsdex_list_field *f = &s->lists[(*n_lists)++];
    f->name = name;
    f->values = s->values + *n_values;
    f->count = json_array_size(array);
    json_array_foreach(array, i, item)
        s->values[(*n_values)++] = json_string_value(item);
}

/* Collect authors, topics and the extra lists into the reusable buffers. */
static newsdex_status build_lists(jsonl_state *s, newsdex_article *a, nx_error *err)
{
    const json_t *named[sizeof named_lists / sizeof named_lists[0]];
    size_t want_lists = 0, want_values = 0;
    for (size_t i = 0; i < sizeof named_lists / sizeof named_lists[0]; i++) {
        newsdex_status st = get_named_list(s->doc, named_lists[i], &named[i], err);
        if (st != NEWSDEX_OK)
            return st;
        if (named[i]) {
            want_lists++;
            want_values += json_array_size(named[i]);
        }
    }
    const char *key;
    const json_t *value;
    json_object_foreach(s->doc, key, value) {
        if (is_extra_list(key, value)) {
            want_lists++;
            want_values += json_array_size(value);
        }
    }
    if (!reserve((void **)&s->lists, &s->lists_cap, want_lists, sizeof *s->lists) ||
        !reserve((void **)&s->values, &s->values_cap, want_values, sizeof *s->values))
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory reading a record");

    size_t n_lists = 0, n_values = 0;
    for (size_t i = 0; i < sizeof named_lists / sizeof named_lists[0]; i++)
        if (named[i])
            add_list(s, &n_lists, &n_values, named_lists[i], named[i]);
    json_object_foreach(s->doc, key, value) {
        if (is_extra_list(key, value))
            add_list(s, &n_lists, &n_values, key, value);
    }
    a->lists = n_lists ? s->lists : NULL;
    a->n_lists = n_lists;
    return NEWSDEX_OK;
}

/* Fill @p a from the parsed object in s->doc. */
static newsdex_status read_fields(jsonl_state *s, newsdex_article *a, nx_error *err)
{
    const json_t *id = json_object_get(s->doc, "id");
    if (!id)
        return nx_error_set(err, NEWSDEX_ERR_INVALID, "missing \"id\"");
    if (!json_is_string(id) || json_string_length(id) == 0)
        return nx_error_set(err, NEWSDEX_ERR_INVALID, "\"id\" must be a non-empty string");
    const char **slots[] = {&a->id, &a->title, &a->body, &a->date, &a->source, &a->url};
    for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++) {
        newsdex_status st = get_string(s->doc, string_fields[i], slots[i], err);
        if (st != NEWSDEX_OK)
            return st;
    }
    /* {"id": "...", "deleted": true} deletes; anything but a boolean is too
     * risky to guess at. */
    const json_t *deleted = json_object_get(s->doc, "deleted");
    if (deleted && !json_is_boolean(deleted) && !json_is_null(deleted))
        return nx_error_set(err, NEWSDEX_ERR_INVALID, "\"deleted\" must be true or false");
    a->deleted = json_is_true(deleted);
    return build_lists(s, a, err);
}

/* jansson's wording, made readable where it names its own flags. */
static nx_read_result json_syntax_error(const json_error_t *jerr, nx_error *err)
{
    if (json_error_code(jerr) == json_error_out_of_memory) {
        nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory parsing JSON");
        return NX_READ_FAILED;
    }
    const char *text = strstr(jerr->text, "JSON_ALLOW_NUL")
                           ? "\\u0000 (NUL) is not allowed in strings"
                           : jerr->text;
    if (jerr->column > 0)
        nx_error_set(err, NEWSDEX_ERR_INVALID, "invalid JSON: %s at column %d", text,
                     jerr->column);
    else
        nx_error_set(err, NEWSDEX_ERR_INVALID, "invalid JSON: %s", text);
    return NX_READ_REJECTED;
}

static nx_read_result parse_line(jsonl_state *s, const char *line, size_t len,
                                 newsdex_article *a, nx_error *err)
{
    if (!nx_utf8_valid(line, len)) { /* repaired, never fatal */
        s->repaired = nx_utf8_repair(line, len, &len);
        if (!s->repaired) {
            nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory repairing UTF-8");
            return NX_READ_FAILED;
        }
        line = s->repaired;
    }
    json_error_t jerr;
    s->doc = json_loadb(line, len, JSON_DECODE_ANY, &jerr);
    if (!s->doc)
        return json_syntax_error(&jerr, err);
    if (!json_is_object(s->doc)) {
        nx_error_set(err, NEWSDEX_ERR_INVALID, "expected a JSON object");
        return NX_READ_REJECTED;
    }
    newsdex_status st = read_fields(s, a, err);
    if (st == NEWSDEX_OK)
        return NX_READ_ARTICLE;
    memset(a, 0, sizeof *a);
    return st == NEWSDEX_ERR_NOMEM ? NX_READ_FAILED : NX_READ_REJECTED;
}

static nx_read_result jsonl_next(void *state, newsdex_article *a, nx_error *err)
{
    jsonl_state *s = state;
    memset(a, 0, sizeof *a);
    release_record(s);
    for (;;) {
        const char *line;
        size_t len;
        switch (nx_line_reader_next(s->lines, &line, &len, err)) {
        case NX_LINE_OK:
            break;
        case NX_LINE_TOO_LONG: /* err says so; the line is the record */
            return NX_READ_REJECTED;
        case NX_LINE_END:
            return NX_READ_END;
        case NX_LINE_STOPPED:
            return NX_READ_STOPPED;
        default:
            return NX_READ_FAILED;
        }
        if (!is_blank(line, len)) {
            NX_READER_WORK(2 * len); /* the UTF-8 check, then jansson's one pass */
            return parse_line(s, line, len, a, err);
        }
        NX_READER_WORK(len);
    }
}

static unsigned long jsonl_line(const void *state)
{
    return nx_line_reader_line(((const jsonl_state *)state)->lines);
}

static unsigned long long jsonl_bytes(const void *state)
{
    return nx_line_reader_bytes(((const jsonl_state *)state)->lines);
}

static void jsonl_set_stop(void *state, const volatile sig_atomic_t *stop)
{
    nx_line_reader_set_stop(((jsonl_state *)state)->lines, stop);
}

static nx_line_reader *jsonl_lines(void *state)
{
    return ((jsonl_state *)state)->lines;
}

static void jsonl_close(void *state)
{
    jsonl_state *s = state;
    if (!s)
        return;
    release_record(s);
    nx_line_reader_close(s->lines);
    free(s->lists);
    free(s->values);
    free(s);
}

const nx_reader_format nx_jsonl_format = {
    .name = "jsonl",
    .open = jsonl_open,
    .next = jsonl_next,
    .line = jsonl_line,
    .bytes = jsonl_bytes,
    .close = jsonl_close,
    .set_stop = jsonl_set_stop,
    .lines = jsonl_lines,
};
