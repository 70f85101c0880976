/* fts5_baseline: SQLite FTS5 through SQLite's C API, as a programmer would use
 * it instead of newsdex. Not part of newsdex: a baseline for bench/ only.
 *
 *   fts5_baseline index DB.sqlite CORPUS.jsonl
 *       One FTS5 table (tokenize='porter unicode61'): title, body, topics and
 *       source indexed; id, date (YYYY-MM-DD), url stored. Bulk insert in
 *       one transaction, then 'optimize'.
 *   fts5_baseline search DB.sqlite QUERIES [--rounds R] [--warmup W] [--snippets]
 *       The query is translated to FTS5 syntax (words and phrases quoted,
 *       -word -> NOT, topic:/source: -> column filters, date: -> WHERE on the
 *       date column) and run as MATCH ... ORDER BY rank LIMIT 10, reading
 *       every column of every hit; --snippets adds snippet() of the body.
 *       One TSV line per timed query on standard output. */
#include <getopt.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "bench_util.h"

static int check(sqlite3 *db, int rc, const char *what)
{
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "fts5_baseline: %s: %s\n", what, sqlite3_errmsg(db));
        return -1;
    }
    return 0;
}

static const char *str_field(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : "";
}

static int do_index(const char *db_path, const char *corpus)
{
    FILE *f = fopen(corpus, "r");
    if (!f) {
        fprintf(stderr, "fts5_baseline: cannot open %s\n", corpus);
        return 1;
    }
    remove(db_path);
    sqlite3 *db = NULL;
    if (sqlite3_open(db_path, &db) != SQLITE_OK) {
        fprintf(stderr, "fts5_baseline: cannot open %s\n", db_path);
        return 1;
    }
    int rc = sqlite3_exec(db,
                          "CREATE VIRTUAL TABLE docs USING fts5(title, body, topics, source,"
                          " id UNINDEXED, date UNINDEXED, url UNINDEXED,"
                          " tokenize='porter unicode61');"
                          "BEGIN;",
                          NULL, NULL, NULL);
    sqlite3_stmt *ins = NULL;
    if (check(db, rc, "create") == 0)
        rc = sqlite3_prepare_v2(db,
                                "INSERT INTO docs(title, body, topics, source, id, date, url)"
                                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                                -1, &ins, NULL);
    if (check(db, rc, "prepare") != 0)
        return 1;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    unsigned long n = 0, bad = 0;
    bench_buf topics = {0};
    while ((len = getline(&line, &cap, f)) >= 0) {
        json_error_t jerr;
        json_t *obj = json_loadb(line, (size_t)len, 0, &jerr);
        if (!json_is_object(obj)) {
            json_decref(obj);
            bad++;
            continue;
        }
        topics.len = 0;
        size_t i;
        json_t *t;
        json_array_foreach(json_object_get(obj, "topics"), i, t)
        {
            if (json_is_string(t)) {
                if (topics.len)
                    bench_buf_putc(&topics, ' ');
                bench_buf_puts(&topics, json_string_value(t));
            }
        }
        const char *date = str_field(obj, "date");
        sqlite3_bind_text(ins, 1, str_field(obj, "title"), -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 2, str_field(obj, "body"), -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 3, bench_buf_str(&topics), -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 4, str_field(obj, "source"), -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 5, str_field(obj, "id"), -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 6, date, strlen(date) >= 10 ? 10 : -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 7, str_field(obj, "url"), -1, SQLITE_STATIC);
        rc = sqlite3_step(ins);
        sqlite3_reset(ins);
        json_decref(obj);
        if (check(db, rc, "insert") != 0)
            return 1;
        n++;
    }
    free(line);
    fclose(f);
    bench_buf_free(&topics);
    sqlite3_finalize(ins);
    rc = sqlite3_exec(db, "COMMIT; INSERT INTO docs(docs) VALUES('optimize');", NULL, NULL,
                      NULL);
    if (check(db, rc, "commit/optimize") != 0)
        return 1;
    sqlite3_close(db);
    fprintf(stderr, "fts5_baseline: indexed %lu articles, %lu bad lines\n", n, bad);
    return 0;
}

/* Newsdex syntax (filters already cut out) -> FTS5 MATCH syntax. FTS5 only
 * juxtaposes phrases, so every implicit AND is written out. */
static void translate(const char *q, bench_buf *out)
{
    size_t i = 0, n = strlen(q);
    int after_operand = 0; /* the last thing written ends an operand */
    while (i < n) {
        char c = q[i];
        if (c == ' ') {
            i++;
            continue;
        }
        size_t e = i + 1;
        if (c == '"') {
            const char *end = strchr(q + i + 1, '"');
            e = end ? (size_t)(end - q) + 1 : n;
        } else if (c != '(' && c != ')') {
            e = i;
            while (e < n && q[e] != ' ' && q[e] != '(' && q[e] != ')')
                e++;
        }
        int is_op = (e - i == 2 && memcmp(q + i, "OR", 2) == 0) ||
                    (e - i == 3 && (memcmp(q + i, "AND", 3) == 0 || memcmp(q + i, "NOT", 3) == 0));
        int negated = c == '-' && e > i + 1;
        int starts_operand = !is_op && !negated && c != ')';
        if (out->len && c != ')' && out->data[out->len - 1] != '(')
            bench_buf_putc(out, ' ');
        if (after_operand && starts_operand)
            bench_buf_puts(out, "AND ");
        if (c == '(' || c == ')') {
            bench_buf_putc(out, c);
        } else if (is_op) {
            bench_buf_add(out, q + i, e - i);
        } else {
            size_t from = negated ? i + 1 : i;
            if (negated)
                bench_buf_puts(out, "NOT ");
            bench_buf_putc(out, '"');
            for (size_t k = from; k < e; k++)
                if (q[k] != '"')
                    bench_buf_putc(out, q[k]);
            bench_buf_putc(out, '"');
        }
        after_operand = c == ')' || (!is_op && c != '(');
        i = e;
    }
}

static void add_column_filter(bench_buf *m, const char *column, const char *value)
{
    if (!value[0])
        return;
    bench_buf_puts(m, m->len ? " AND " : "");
    bench_buf_puts(m, column);
    bench_buf_puts(m, " : \"");
    for (const char *p = value; *p; p++)
        if (*p != '"')
            bench_buf_putc(m, *p);
    bench_buf_putc(m, '"');
}

static int do_search(const char *db_path, const char *queries_path, int rounds, int warmup,
                     int snippets, const char *engine)
{
    bench_queries qs;
    if (bench_queries_load(queries_path, &qs) != 0)
        return 1;
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(stderr, "fts5_baseline: cannot open %s\n", db_path);
        return 1;
    }
    const char *cols = snippets
                           ? "SELECT id, title, date, source, url, body,"
                             " snippet(docs, 1, '<b>', '</b>', '...', 32) FROM docs"
                           : "SELECT id, title, date, source, url, body, '' FROM docs";
    char sql_plain[512], sql_dated[512];
    snprintf(sql_plain, sizeof sql_plain, "%s WHERE docs MATCH ?1 ORDER BY rank LIMIT 10", cols);
    snprintf(sql_dated, sizeof sql_dated,
             "%s WHERE docs MATCH ?1 AND date BETWEEN ?2 AND ?3 ORDER BY rank LIMIT 10", cols);
    sqlite3_stmt *plain = NULL, *dated = NULL;
    if (check(db, sqlite3_prepare_v2(db, sql_plain, -1, &plain, NULL), "prepare") != 0 ||
        check(db, sqlite3_prepare_v2(db, sql_dated, -1, &dated, NULL), "prepare") != 0)
        return 1;
    /* Translate once, outside the timing: a program would build its MATCH
     * string in microseconds; the engine's time is what is measured. */
    bench_buf *match = calloc(qs.n, sizeof *match);
    bench_filters *filt = calloc(qs.n, sizeof *filt);
    if (!match || !filt)
        return 3;
    for (size_t i = 0; i < qs.n; i++) {
        char *text = bench_split_filters(qs.q[i].text, &filt[i]);
        bench_buf m = {0};
        translate(text, &m);
        if (m.len && (filt[i].topic[0] || filt[i].source[0])) {
            bench_buf wrapped = {0};
            bench_buf_putc(&wrapped, '(');
            bench_buf_add(&wrapped, m.data, m.len);
            bench_buf_putc(&wrapped, ')');
            bench_buf_free(&m);
            m = wrapped;
        }
        add_column_filter(&m, "topics", filt[i].topic);
        add_column_filter(&m, "source", filt[i].source);
        bench_buf_str(&m);
        match[i] = m;
        free(text);
    }
    unsigned long errors = 0;
    size_t touched = 0;
    for (int round = -warmup; round < rounds; round++) {
        for (size_t i = 0; i < qs.n; i++) {
            int has_date = filt[i].date_from[0] != '\0';
            sqlite3_stmt *st = has_date ? dated : plain;
            uint64_t t0 = bench_now_ns();
            sqlite3_bind_text(st, 1, match[i].data, -1, SQLITE_STATIC);
            if (has_date) {
                sqlite3_bind_text(st, 2, filt[i].date_from, -1, SQLITE_STATIC);
                sqlite3_bind_text(st, 3, filt[i].date_to, -1, SQLITE_STATIC);
            }
            size_t hits = 0;
            int rc;
            while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                for (int col = 0; col < 7; col++) {
                    const unsigned char *v = sqlite3_column_text(st, col);
                    touched += v ? (size_t)sqlite3_column_bytes(st, col) : 0;
                }
                hits++;
            }
            sqlite3_reset(st);
            uint64_t t1 = bench_now_ns();
            if (rc != SQLITE_DONE) {
                if (round == -warmup)
                    fprintf(stderr, "fts5_baseline: query %zu (%s -> %s): %s\n", i + 1,
                            qs.q[i].text, match[i].data, sqlite3_errmsg(db));
                errors++;
                continue;
            }
            if (round >= 0)
                bench_emit(stdout, engine, qs.q[i].shape, i + 1, round, (double)(t1 - t0) / 1e3,
                           hits, 0);
        }
    }
    fprintf(stderr, "fts5_baseline: %s: %zu queries, %d rounds, %lu errors (%zu bytes read); "
                    "SQLite %s\n",
            engine, qs.n, rounds, errors, touched, sqlite3_libversion());
    for (size_t i = 0; i < qs.n; i++)
        bench_buf_free(&match[i]);
    free(match);
    free(filt);
    sqlite3_finalize(plain);
    sqlite3_finalize(dated);
    sqlite3_close(db);
    bench_queries_free(&qs);
    return errors ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
        printf("%s\n", sqlite3_libversion());
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "index") == 0)
        return do_index(argv[2], argv[3]);
    if (argc >= 4 && strcmp(argv[1], "search") == 0) {
        static const struct option longopts[] = {{"rounds", required_argument, NULL, 'r'},
                                                 {"warmup", required_argument, NULL, 'w'},
                                                 {"snippets", no_argument, NULL, 's'},
                                                 {"engine", required_argument, NULL, 'e'},
                                                 {NULL, 0, NULL, 0}};
        int rounds = 5, warmup = 1, snippets = 0, c;
        const char *engine = "fts5";
        optind = 4;
        while ((c = getopt_long(argc, argv, "r:w:se:", longopts, NULL)) != -1) {
            if (c == 'r')
                rounds = atoi(optarg);
            else if (c == 'w')
                warmup = atoi(optarg);
            else if (c == 's')
                snippets = 1;
            else if (c == 'e')
                engine = optarg;
            else
                return 2;
        }
        return do_search(argv[2], argv[3], rounds, warmup, snippets, engine);
    }
    fputs("usage: fts5_baseline index DB.sqlite CORPUS.jsonl\n"
          "       fts5_baseline search DB.sqlite QUERIES [--rounds R] [--warmup W] [--snippets]"
          " [--engine NAME]\n",
          stderr);
    return 2;
}
