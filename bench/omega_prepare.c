/* omega_prepare: JSON Lines corpus -> scriptindex input for Xapian omega
 * (records of NAME=VALUE lines separated by a blank line; a value's further
 * lines start with '='). bench/omega.script says how each field is indexed.
 *
 * usage: omega_prepare CORPUS.jsonl > corpus.scriptindex */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "bench_util.h"

/* One-line field: line breaks become spaces. */
static void put_line_field(const char *name, const char *v)
{
    if (!v || !v[0])
        return;
    printf("%s=", name);
    for (; *v; v++)
        putchar(*v == '\n' || *v == '\r' ? ' ' : *v);
    putchar('\n');
}

static void put_multiline_field(const char *name, const char *v)
{
    if (!v || !v[0])
        return;
    printf("%s=", name);
    for (; *v; v++) {
        if (*v == '\r')
            continue;
        putchar(*v);
        if (*v == '\n')
            putchar('=');
    }
    putchar('\n');
}

static const char *str_field(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: omega_prepare CORPUS.jsonl > corpus.scriptindex\n", stderr);
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        fprintf(stderr, "omega_prepare: cannot open %s\n", argv[1]);
        return 1;
    }
    static char iobuf[1 << 20];
    setvbuf(stdout, iobuf, _IOFBF, sizeof iobuf);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    unsigned long n = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        json_error_t jerr;
        json_t *obj = json_loadb(line, (size_t)len, 0, &jerr);
        if (!json_is_object(obj)) {
            json_decref(obj);
            continue;
        }
        put_line_field("id", str_field(obj, "id"));
        put_line_field("title", str_field(obj, "title"));
        put_line_field("source", str_field(obj, "source"));
        put_line_field("url", str_field(obj, "url"));
        const char *date = str_field(obj, "date");
        if (date && strlen(date) >= 10)
            printf("date=%.4s%.2s%.2s\n", date, date + 5, date + 8);
        size_t i;
        json_t *t;
        json_array_foreach(json_object_get(obj, "topics"), i, t)
        {
            if (json_is_string(t))
                put_line_field("topic", json_string_value(t));
        }
        put_multiline_field("body", str_field(obj, "body"));
        putchar('\n');
        json_decref(obj);
        n++;
    }
    free(line);
    fclose(f);
    fprintf(stderr, "omega_prepare: %lu records\n", n);
    return fflush(stdout) == 0 ? 0 : 1;
}
