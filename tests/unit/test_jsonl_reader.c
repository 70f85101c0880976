/* Unit tests for the article readers: indexer/reader.c, jsonl_reader.c and
 * line_reader.c, against temporary files (plain, gzip, damaged gzip). */
#include <fcntl.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../indexer/line_reader.h"
#include "../../indexer/reader.h"
#include "reader_files.h"

/* ---- helpers ------------------------------------------------------- */

static void expect_article(nx_reader *r, newsdex_article *a, const char *id, unsigned long line)
{
    next_article(r, a, id);
    assert_int_equal(nx_reader_line(r), line);
}

/* Deterministic filler that gzip cannot squeeze much. */
static void noise(char *out, size_t n, uint32_t *seed)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        *seed = *seed * 1103515245u + 12345u;
        out[i] = hex[(*seed >> 16) & 15];
    }
    out[n] = '\0';
}

/* 1000 lines {"id":"doc-N","title":"<noise>"}; returns malloc'd text. */
static char *thousand_lines(size_t *len)
{
    size_t cap = 1000 * 128, used = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    uint32_t seed = 42;
    for (int i = 0; i < 1000; i++) {
        char title[65];
        noise(title, 64, &seed);
        used += (size_t)snprintf(text + used, cap - used, "{\"id\":\"doc-%d\",\"title\":\"%s\"}\n",
                                 i + 1, title);
    }
    *len = used;
    return text;
}

/* ---- fixtures ------------------------------------------------------ */

static int make_tmpdir(void **state)
{
    (void)state;
    return create_tmpdir("nx_reader_test");
}

/* ---- fields -------------------------------------------------------- */

static void test_all_fields(void **state)
{
    (void)state;
    char name65[66];
    memset(name65, 'a', 65);
    name65[65] = '\0';
    char text[2048];
    snprintf(text, sizeof text,
             "{\"id\":\"a1\",\"title\":\"Amazon cuts jobs\",\"body\":\"Body text.\","
             "\"date\":\"2024-01-10\",\"source\":\"Reuters\",\"url\":\"https://x.example/1\","
             "\"authors\":[\"Ann Lee\",\"Bo Ma\"],\"topics\":[\"tech\",\"jobs\",\"retail\"],"
             "\"tickers\":[\"AMZN\"],\"score\":3,\"meta\":{\"k\":[\"v\"]},\"flag\":true,"
             "\"lang\":\"en\",\"Bad-Name\":[\"x\"],\"%s\":[\"x\"],\"mixed\":[\"a\",1],"
             "\"empty\":[],\"nothing\":null,\"regions\":[\"US\",\"EU\"],"
             "\"name_64_%s\":[\"ok\"]}\n"
             "{\"id\":\"b2\",\"title\":null,\"body\":null,\"date\":null,\"source\":null,"
             "\"url\":null,\"authors\":null,\"topics\":[]}\n"
             "{\"id\":\"first\",\"title\":\"t\",\"id\":\"last\"}\n",
             name65, name65 + 9 /* 8 + 56 = 64 chars */);
    nx_reader *r = open_text("fields.jsonl", text);
    newsdex_article a;

    expect_article(r, &a, "a1", 1);
    assert_string_equal(a.title, "Amazon cuts jobs");
    assert_string_equal(a.body, "Body text.");
    assert_string_equal(a.date, "2024-01-10");
    assert_string_equal(a.source, "Reuters");
    assert_string_equal(a.url, "https://x.example/1");
    assert_int_equal(a.n_lists, 5);
    /* authors and topics first, then extras in the record's order */
    assert_string_equal(a.lists[0].name, "authors");
    assert_string_equal(a.lists[1].name, "topics");
    assert_string_equal(a.lists[2].name, "tickers");
    assert_string_equal(a.lists[3].name, "regions");
    assert_int_equal(strlen(a.lists[4].name), 64);
    expect_list(&a, "authors", (const char *const[]){"Ann Lee", "Bo Ma", NULL});
    expect_list(&a, "topics", (const char *const[]){"tech", "jobs", "retail", NULL});
    expect_list(&a, "tickers", (const char *const[]){"AMZN", NULL});
    expect_list(&a, "regions", (const char *const[]){"US", "EU", NULL});
    assert_null(find_list(&a, "Bad-Name"));
    assert_null(find_list(&a, name65));
    assert_null(find_list(&a, "mixed"));
    assert_null(find_list(&a, "empty"));

    expect_article(r, &a, "b2", 2);
    assert_null(a.title);
    assert_null(a.body);
    assert_null(a.date);
    assert_null(a.source);
    assert_null(a.url);
    assert_int_equal(a.n_lists, 0);

    expect_article(r, &a, "last", 3); /* duplicate keys: the last wins */
    assert_string_equal(a.title, "t");
    expect_end(r);
    nx_reader_close(r);
}

/* Lists grow the reusable buffers across records without stale pointers. */
static void test_lists_across_records(void **state)
{
    (void)state;
    size_t cap = 64 * 1024, used = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    for (int i = 1; i <= 40; i++) {
        used += (size_t)snprintf(text + used, cap - used, "{\"id\":\"r%d\",\"topics\":[", i);
        for (int j = 0; j < i; j++)
            used += (size_t)snprintf(text + used, cap - used, "%s\"t%d\"", j ? "," : "", j);
        used += (size_t)snprintf(text + used, cap - used, "],\"extra_%d\":[\"x\"]}\n", i);
    }
    nx_reader *r = open_text("lists.jsonl", text);
    free(text);
    for (int i = 1; i <= 40; i++) {
        newsdex_article a;
        char id[32], last[32], extra[32];
        snprintf(id, sizeof id, "r%d", i);
        snprintf(last, sizeof last, "t%d", i - 1);
        snprintf(extra, sizeof extra, "extra_%d", i);
        expect_article(r, &a, id, (unsigned long)i);
        assert_int_equal(a.n_lists, 2);
        assert_int_equal(a.lists[0].count, (size_t)i);
        assert_string_equal(a.lists[0].values[i - 1], last);
        assert_string_equal(a.lists[1].name, extra);
        assert_string_equal(a.lists[1].values[0], "x");
    }
    expect_end(r);
    nx_reader_close(r);
}

/* ---- lines and rejections ----------------------------------------- */

static void test_blank_lines_skipped(void **state)
{
    (void)state;
    nx_reader *r = open_text("blank.jsonl", "\n  \n{\"id\":\"a\"}\n\t\r\n\n{\"id\":\"b\"}\n \n\n");
    newsdex_article a;
    expect_article(r, &a, "a", 3);
    expect_article(r, &a, "b", 6);
    expect_end(r);
    nx_reader_close(r);
}

static void test_broken_line_in_middle(void **state)
{
    (void)state;
    nx_reader *r = open_text("broken.jsonl",
                             "{\"id\":\"a\"}\n{\"id\": \"b\",\n\n{\"id\":\"c\"}\n");
    newsdex_article a;
    expect_article(r, &a, "a", 1);
    expect_rejected(r, "invalid JSON: ", 2);
    expect_article(r, &a, "c", 4);
    expect_end(r);
    nx_reader_close(r);
}

typedef struct reject_case {
    const char *line;
    const char *message;
} reject_case;

static const reject_case reject_cases[] = {
    {"{\"title\":\"no id\"}", "missing \"id\""},
    {"{\"id\":\"\"}", "\"id\" must be a non-empty string"},
    {"{\"id\":5}", "\"id\" must be a non-empty string"},
    {"{\"id\":null}", "\"id\" must be a non-empty string"},
    {"{\"id\":[\"a\"]}", "\"id\" must be a non-empty string"},
    {"{\"id\":\"a\",\"title\":5}", "\"title\" must be a string"},
    {"{\"id\":\"a\",\"body\":[\"x\"]}", "\"body\" must be a string"},
    {"{\"id\":\"a\",\"date\":20240110}", "\"date\" must be a string"},
    {"{\"id\":\"a\",\"source\":{}}", "\"source\" must be a string"},
    {"{\"id\":\"a\",\"url\":true}", "\"url\" must be a string"},
    {"{\"id\":\"a\",\"topics\":\"tech\"}", "\"topics\" must be a list of strings"},
    {"{\"id\":\"a\",\"authors\":{\"x\":1}}", "\"authors\" must be a list of strings"},
    {"{\"id\":\"a\",\"topics\":[\"a\",\"b\",3]}", "\"topics\"[2] must be a string"},
    {"{\"id\":\"a\",\"authors\":[null]}", "\"authors\"[0] must be a string"},
    {"[1,2]", "expected a JSON object"},
    {"\"just a string\"", "expected a JSON object"},
    {"42", "expected a JSON object"},
    {"null", "expected a JSON object"},
    {"{\"id\":\"a\"} trailing", "invalid JSON: "},
    {"{\"id\":\"a\"", "invalid JSON: "},
    {"{id:\"a\"}", "at column 3"},
    {"{\"id\":\"a\",\"title\":\"nul \\u0000 here\"}", "\\u0000 (NUL) is not allowed"},
    {"{\"id\":\"a\",\"title\":\"\\ud800\"}", "invalid JSON: "},
};

/* Every bad record is rejected with its reason and reading goes on. */
static void test_rejections(void **state)
{
    (void)state;
    size_t n = sizeof reject_cases / sizeof reject_cases[0];
    size_t cap = 8192, used = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(text + used, cap - used, "%s\n{\"id\":\"ok%zu\"}\n",
                                 reject_cases[i].line, i);
    assert_true(used < cap);
    nx_reader *r = open_text("reject.jsonl", text);
    free(text);
    for (size_t i = 0; i < n; i++) {
        newsdex_article a;
        char id[16];
        snprintf(id, sizeof id, "ok%zu", i);
        expect_rejected(r, reject_cases[i].message, 2 * i + 1);
        expect_article(r, &a, id, 2 * i + 2);
    }
    expect_end(r);
    nx_reader_close(r);
}

static void test_invalid_utf8_repaired(void **state)
{
    (void)state;
    nx_reader *r = open_text("utf8.jsonl",
                             "{\"id\":\"u1\",\"title\":\"caf\xe9 ok\",\"topics\":[\"\xff\"],"
                             "\"k\xc0\":[\"x\"]}\n"
                             "{\"id\":\"u2\",\"title\":\"Nestl\xc3\xa9\"}\n");
    newsdex_article a;
    expect_article(r, &a, "u1", 1);
    assert_string_equal(a.title, "caf\xef\xbf\xbd ok");
    expect_list(&a, "topics", (const char *const[]){"\xef\xbf\xbd", NULL});
    assert_int_equal(a.n_lists, 1); /* "k\xc0" repaired to "k\ufffd": not a list name */
    expect_article(r, &a, "u2", 2);
    assert_string_equal(a.title, "Nestl\xc3\xa9"); /* valid UTF-8 untouched */
    expect_end(r);
    nx_reader_close(r);
}

/* Raw NUL bytes are dropped by the UTF-8 repair; a NUL-only line is a clean
 * rejection, never a crash. */
static void test_nul_bytes(void **state)
{
    (void)state;
    static const char text[] = "{\"id\":\"n\0ul\"}\n\0\0\0\n{\"id\":\"z\"}\0\n{\"id\":\"after\"}\n";
    char path[256];
    path_of(path, sizeof path, "nul.jsonl");
    write_file(path, text, sizeof text - 1);
    nx_reader *r = NULL;
    assert_int_equal(nx_reader_open(path, &r, NULL), NEWSDEX_OK);
    newsdex_article a;
    expect_article(r, &a, "nul", 1);
    expect_rejected(r, "invalid JSON", 2);
    expect_article(r, &a, "z", 3);
    expect_article(r, &a, "after", 4);
    expect_end(r);
    nx_reader_close(r);
}

static void test_crlf_and_last_line(void **state)
{
    (void)state;
    nx_reader *r = open_text("crlf.jsonl",
                             "{\"id\":\"a\"}\r\n\r\n{\"id\":\"b\",\"title\":\"t\"}\r\n{\"id\":\"c\"}");
    newsdex_article a;
    expect_article(r, &a, "a", 1);
    expect_article(r, &a, "b", 3);
    assert_string_equal(a.title, "t");
    expect_article(r, &a, "c", 4); /* no final newline */
    expect_end(r);
    nx_reader_close(r);
}

/* The line reader itself: one "\r" stripped, NUL bytes kept, final line. */
static void test_line_reader_lines(void **state)
{
    (void)state;
    static const char text[] = "one\r\ntwo\r\r\n\nn\0l\nlast";
    char path[256];
    path_of(path, sizeof path, "lines.txt");
    write_file(path, text, sizeof text - 1);
    nx_line_reader *lr;
    nx_error err;
    assert_int_equal(nx_line_reader_open(path, &lr, &err), NEWSDEX_OK);
    static const struct {
        const char *text;
        size_t len;
    } want[] = {{"one", 3}, {"two\r", 4}, {"", 0}, {"n\0l", 3}, {"last", 4}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const char *line;
        size_t len;
        assert_int_equal(nx_line_reader_next(lr, &line, &len, &err), NX_LINE_OK);
        assert_int_equal(len, want[i].len);
        assert_memory_equal(line, want[i].text, len);
        assert_int_equal(line[len], '\0');
        assert_int_equal(nx_line_reader_line(lr), i + 1);
    }
    const char *line;
    size_t len;
    assert_int_equal(nx_line_reader_next(lr, &line, &len, &err), NX_LINE_END);
    assert_int_equal(nx_line_reader_bytes(lr), sizeof text - 1);
    nx_line_reader_close(lr);
}

/* ---- gzip ---------------------------------------------------------- */

static void test_gzip(void **state)
{
    (void)state;
    size_t len;
    char *text = thousand_lines(&len);
    char path[256];
    path_of(path, sizeof path, "many.jsonl.gz");
    write_gz(path, text, len);
    free(text);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);

    nx_reader *r;
    nx_error err;
    assert_int_equal(nx_reader_open(path, &r, &err), NEWSDEX_OK);
    for (int i = 1; i <= 1000; i++) {
        newsdex_article a;
        char id[16];
        snprintf(id, sizeof id, "doc-%d", i);
        expect_article(r, &a, id, (unsigned long)i);
        assert_int_equal(strlen(a.title), 64);
    }
    expect_end(r);
    assert_int_equal(nx_reader_bytes(r), (unsigned long long)st.st_size); /* compressed */
    nx_reader_close(r);
}

/* Cut a 1000-line gzip file in half: every complete line before the cut is
 * returned, the partial one is not, then the read fails for good. */
static void test_gzip_truncated(void **state)
{
    (void)state;
    size_t len;
    char *text = thousand_lines(&len);
    char full[256], cut[256];
    path_of(full, sizeof full, "full.jsonl.gz");
    path_of(cut, sizeof cut, "cut.jsonl.gz");
    write_gz(full, text, len);
    free(text);
    struct stat st;
    assert_int_equal(stat(full, &st), 0);
    assert_int_equal(truncate(full, st.st_size / 2), 0);
    assert_int_equal(rename(full, cut), 0);

    nx_reader *r;
    nx_error err;
    assert_int_equal(nx_reader_open(cut, &r, &err), NEWSDEX_OK);
    newsdex_article a;
    unsigned long n = 0;
    nx_read_result res;
    while ((res = nx_reader_next(r, &a, &err)) == NX_READ_ARTICLE) {
        char id[16];
        snprintf(id, sizeof id, "doc-%lu", ++n);
        assert_string_equal(a.id, id);
        assert_int_equal(strlen(a.title), 64);
    }
    assert_int_equal(res, NX_READ_FAILED);
    assert_int_equal(err.status, NEWSDEX_ERR_IO);
    assert_non_null(strstr(err.message, "gzip data truncated or corrupt after byte "));
    if (n < 300 || n > 700)
        fail_msg("%lu lines before the cut: %s", n, err.message);
    assert_int_equal(nx_reader_line(r), n + 1); /* the damaged line */
    assert_int_equal(nx_reader_next(r, &a, &err), NX_READ_FAILED);
    assert_int_equal(nx_reader_line(r), n + 1);
    nx_reader_close(r);
}

/* Bytes flipped mid-stream: whatever comes out, it ends in a failure. */
static void test_gzip_corrupt(void **state)
{
    (void)state;
    size_t len;
    char *text = thousand_lines(&len);
    char path[256];
    path_of(path, sizeof path, "corrupt.jsonl.gz");
    write_gz(path, text, len);
    free(text);
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long size = ftell(f);
    assert_int_equal(fseek(f, size / 2, SEEK_SET), 0);
    for (int i = 0; i < 64; i++)
        fputc(0xff, f);
    assert_int_equal(fclose(f), 0);

    nx_reader *r;
    nx_error err;
    assert_int_equal(nx_reader_open(path, &r, &err), NEWSDEX_OK);
    newsdex_article a;
    int records = 0;
    nx_read_result res;
    while ((res = nx_reader_next(r, &a, &err)) == NX_READ_ARTICLE || res == NX_READ_REJECTED)
        records++;
    assert_int_equal(res, NX_READ_FAILED);
    assert_non_null(strstr(err.message, "gzip data truncated or corrupt"));
    assert_true(records < 1000);
    nx_reader_close(r);
}

/* A damaged CRC is only seen at the end: the lines before it come out (all
 * but what zlib drops with the failing call, at most 16 KiB), then failure. */
static void test_gzip_bad_crc(void **state)
{
    (void)state;
    size_t len;
    char *text = thousand_lines(&len);
    char path[256];
    path_of(path, sizeof path, "crc.jsonl.gz");
    write_gz(path, text, len);
    free(text);
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    assert_int_equal(fseek(f, -8, SEEK_END), 0); /* first byte of the CRC-32 */
    int c = fgetc(f);
    assert_int_equal(fseek(f, -8, SEEK_END), 0);
    fputc(c ^ 1, f);
    assert_int_equal(fclose(f), 0);

    nx_reader *r;
    nx_error err;
    assert_int_equal(nx_reader_open(path, &r, &err), NEWSDEX_OK);
    newsdex_article a;
    unsigned long n = 0;
    nx_read_result res;
    while ((res = nx_reader_next(r, &a, &err)) == NX_READ_ARTICLE) {
        char id[16];
        snprintf(id, sizeof id, "doc-%lu", ++n);
        assert_string_equal(a.id, id);
    }
    assert_int_equal(res, NX_READ_FAILED);
    assert_non_null(strstr(err.message, "incorrect data check"));
    if (n < 1000 - 16384 / 90 - 1)
        fail_msg("only %lu lines before the bad CRC", n);
    nx_reader_close(r);
}

/* Standard input, gzip detected by content. */
static void test_stdin(void **state)
{
    (void)state;
    static const char text[] = "{\"id\":\"s1\"}\n{\"id\":\"s2\"}\n";
    char path[256];
    path_of(path, sizeof path, "stdin.gz");
    write_gz(path, text, sizeof text - 1);
    int saved = dup(0);
    int fd = open(path, O_RDONLY);
    assert_true(saved >= 0 && fd >= 0);
    assert_int_equal(dup2(fd, 0), 0);
    close(fd);

    nx_reader *r;
    nx_error err;
    newsdex_status st = nx_reader_open("-", &r, &err);
    dup2(saved, 0); /* the reader has its own duplicate */
    close(saved);
    assert_int_equal(st, NEWSDEX_OK);
    newsdex_article a;
    expect_article(r, &a, "s1", 1);
    expect_article(r, &a, "s2", 2);
    expect_end(r);
    nx_reader_close(r);
}

/* ---- long lines ---------------------------------------------------- */

static char *line_of(size_t body_len, const char *id, size_t *len)
{
    /* {"id":"<id>","body":"xxx..."} with the whole line body_len bytes long */
    char head[64];
    int h = snprintf(head, sizeof head, "{\"id\":\"%s\",\"body\":\"", id);
    assert_true(body_len > (size_t)h + 2);
    char *s = malloc(body_len + 1);
    assert_non_null(s);
    memcpy(s, head, (size_t)h);
    memset(s + h, 'x', body_len - (size_t)h - 2);
    memcpy(s + body_len - 2, "\"}", 2);
    s[body_len] = '\0';
    *len = body_len;
    return s;
}

static void test_long_line_rejected(void **state)
{
    (void)state;
    size_t big_len;
    char *big = line_of(17u * 1024 * 1024, "big", &big_len);
    char path[256];
    path_of(path, sizeof path, "long.jsonl");
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("{\"id\":\"a\"}\n", f);
    fwrite(big, 1, big_len, f);
    fputs("\n{\"id\":\"c\"}\n", f);
    fwrite(big, 1, big_len, f); /* and once more as the unterminated last line */
    assert_int_equal(fclose(f), 0);
    free(big);

    nx_reader *r;
    assert_int_equal(nx_reader_open(path, &r, NULL), NEWSDEX_OK);
    newsdex_article a;
    expect_article(r, &a, "a", 1);
    expect_rejected(r, "line longer than 16777216 bytes", 2);
    expect_article(r, &a, "c", 3);
    expect_rejected(r, "line longer than 16777216 bytes", 4);
    expect_end(r);
    nx_reader_close(r);
}

/* Exactly NX_LINE_MAX bytes is kept (with or without "\r"); one more is not. */
static void test_line_limit_boundary(void **state)
{
    (void)state;
    size_t len;
    char *line = line_of(NX_LINE_MAX, "max", &len);
    char path[256];
    path_of(path, sizeof path, "limit.jsonl");
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fwrite(line, 1, len, f);
    fputs("\r\n", f);
    fwrite(line, 1, len, f);
    fputs("x\n", f);
    fwrite(line, 1, len, f);
    assert_int_equal(fclose(f), 0);
    free(line);

    nx_line_reader *lr;
    nx_error err;
    const char *text;
    size_t n;
    assert_int_equal(nx_line_reader_open(path, &lr, &err), NEWSDEX_OK);
    assert_int_equal(nx_line_reader_next(lr, &text, &n, &err), NX_LINE_OK);
    assert_int_equal(n, NX_LINE_MAX);
    assert_int_equal(nx_line_reader_next(lr, &text, &n, &err), NX_LINE_TOO_LONG);
    assert_int_equal(err.status, NEWSDEX_ERR_INVALID);
    assert_int_equal(nx_line_reader_next(lr, &text, &n, &err), NX_LINE_OK);
    assert_int_equal(n, NX_LINE_MAX);
    assert_int_equal(nx_line_reader_line(lr), 3);
    assert_int_equal(nx_line_reader_next(lr, &text, &n, &err), NX_LINE_END);
    nx_line_reader_close(lr);
}

/* ---- opening ------------------------------------------------------- */

static void test_empty_file(void **state)
{
    (void)state;
    nx_reader *r = open_text("empty.jsonl", "");
    expect_end(r);
    assert_int_equal(nx_reader_line(r), 0);
    assert_int_equal(nx_reader_bytes(r), 0);
    nx_reader_close(r);
    r = open_text("blank-only.ndjson", "\n \n\r\n");
    expect_end(r);
    nx_reader_close(r);
}

/* A UTF-8 byte-order mark before the first record is no part of it, in
 * every format and in gzip'd input; only the first line loses it. */
static void test_byte_order_mark(void **state)
{
    (void)state;
    newsdex_article a;
    const char jsonl[] = "\xEF\xBB\xBF{\"id\":\"bom-1\",\"title\":\"T\"}\n"
                         "{\"id\":\"bom-2\",\"title\":\"U\"}\n";
    nx_reader *r = open_text("bom.jsonl", jsonl);
    expect_article(r, &a, "bom-1", 1);
    expect_article(r, &a, "bom-2", 2);
    expect_end(r);
    nx_reader_close(r);

    char path[256];
    path_of(path, sizeof path, "bom.jsonl.gz");
    write_gz(path, jsonl, strlen(jsonl));
    nx_error err;
    nx_error_clear(&err);
    assert_int_equal(nx_reader_open(path, &r, &err), NEWSDEX_OK);
    expect_article(r, &a, "bom-1", 1);
    expect_article(r, &a, "bom-2", 2);
    expect_end(r);
    nx_reader_close(r);

    r = open_text("bom.txt", "\xEF\xBB\xBFTitle line\nBody.\n");
    next_article(r, &a, "bom.txt");
    assert_string_equal(a.title, "Title line");
    nx_reader_close(r);

    r = open_text("bom.sgm", "\xEF\xBB\xBF<REUTERS NEWID=\"7\">\n<TEXT><TITLE>T</TITLE>"
                             "<BODY>B</BODY></TEXT>\n</REUTERS>\n");
    next_article(r, &a, "reuters-7");
    nx_reader_close(r);
}

static void test_formats_by_name(void **state)
{
    (void)state;
    static const char *const ok[] = {"a.jsonl", "b.ndjson", "c.json", "D.JSONL", "e.Json"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        nx_reader *r = open_text(ok[i], "{\"id\":\"x\"}\n");
        newsdex_article a;
        expect_article(r, &a, "x", 1);
        nx_reader_close(r);
    }
    static const char *const gz[] = {"f.jsonl.gz", "g.ndjson.gz", "h.json.gz"};
    for (size_t i = 0; i < sizeof gz / sizeof gz[0]; i++) {
        char path[256];
        path_of(path, sizeof path, gz[i]);
        write_gz(path, "{\"id\":\"y\"}", 10);
        nx_reader *r;
        assert_int_equal(nx_reader_open(path, &r, NULL), NEWSDEX_OK);
        newsdex_article a;
        expect_article(r, &a, "y", 1);
        expect_end(r);
        nx_reader_close(r);
    }
}

static void test_unknown_format(void **state)
{
    (void)state;
    static const char *const bad[] = {"notes.md", "x.jsonl.bz2", "jsonl", "x.gz", "x.jsonlx"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        nx_reader *r = (nx_reader *)&r;
        nx_error err;
        assert_int_equal(nx_reader_open(bad[i], &r, &err), NEWSDEX_ERR_INVALID);
        assert_null(r);
        assert_int_equal(err.status, NEWSDEX_ERR_INVALID);
        assert_non_null(strstr(err.message, "unknown input format (expected .jsonl"));
    }
}

static void test_missing_and_unreadable(void **state)
{
    (void)state;
    char path[256], want[300];
    path_of(path, sizeof path, "missing.jsonl");
    nx_reader *r = (nx_reader *)&r;
    nx_error err;
    assert_int_equal(nx_reader_open(path, &r, &err), NEWSDEX_ERR_IO);
    assert_null(r);
    snprintf(want, sizeof want, "cannot open \"%s\": No such file or directory", path);
    assert_string_equal(err.message, want);

    path_of(path, sizeof path, "dir.jsonl");
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(nx_reader_open(path, &r, &err), NEWSDEX_ERR_IO);
    assert_non_null(strstr(err.message, "Is a directory"));

    nx_reader_close(NULL);
}

/* ---- size limits, linear time, stopping (issue 14) ------------------- */

#define LINE_LIMIT ((size_t)16 * 1024 * 1024) /* NX_LINE_MAX */

/* Lines at the limit, in shapes that load the reader rather than jansson's
 * parser: many lists, many values, bytes to repair, blank lines. */
static void test_linear_at_limit(void **state)
{
    (void)state;
    static const struct {
        const char *what, *head, *unit, *tail;
    } shapes[] = {
        {"many lists", "{\"id\": \"1\", \"title\": \"t\"", ", \"list_a\": [\"v\"]", "}\n"},
        {"many values", "{\"id\": \"1\", \"title\": \"t\", \"topics\": [\"v\"", ", \"v\"", "]}\n"},
        {"bytes to repair", "{\"id\": \"1\", \"body\": \"", "a\xff\xfe", "\"}\n"},
        {"blank lines", "", "   \n", "{\"id\": \"1\", \"title\": \"t\"}\n"},
    };
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        big_input b = {0};
        big_add(&b, shapes[i].head);
        big_fill(&b, shapes[i].unit, LINE_LIMIT - 64, 0);
        big_add(&b, shapes[i].tail);
        size_t size = b.len;
        read_tally t = read_big("shape.jsonl", &b, NULL);
        assert_int_equal(t.articles + t.rejected, 1);
        expect_linear(shapes[i].what, &t, size, 8);
    }
}

static volatile sig_atomic_t stop_flag;

static void raise_stop_flag(int sig)
{
    (void)sig;
    stop_flag = 1;
}

/* The stop flag ends a read between records, and inside a line that never
 * ends (/dev/zero): NX_READ_STOPPED, for good. */
static void test_stop_flag(void **state)
{
    (void)state;
    nx_reader *r = open_text("stop.jsonl", "{\"id\": \"1\", \"title\": \"a\"}\n"
                                           "{\"id\": \"2\", \"title\": \"b\"}\n");
    stop_flag = 0;
    nx_reader_set_stop(r, &stop_flag);
    newsdex_article a;
    nx_error err;
    next_article(r, &a, "1");
    stop_flag = 1;
    assert_int_equal(nx_reader_next(r, &a, &err), NX_READ_STOPPED);
    assert_null(a.id);
    stop_flag = 0;
    assert_int_equal(nx_reader_next(r, &a, &err), NX_READ_STOPPED);
    nx_reader_close(r);

    assert_int_equal(nx_reader_open_format("/dev/zero", "jsonl", &r, &err), NEWSDEX_OK);
    nx_reader_set_stop(r, &stop_flag);
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = raise_stop_flag;
    sigemptyset(&sa.sa_mask);
    assert_int_equal(sigaction(SIGALRM, &sa, &old), 0);
    alarm(1);
    assert_int_equal(nx_reader_next(r, &a, &err), NX_READ_STOPPED); /* not a hang */
    sigaction(SIGALRM, &old, NULL);
    nx_reader_close(r);
}

/* Lines in another encoding: replaced and counted by default, converted
 * with the encoding given (gzip'd too); defaults fill what records lack. */
static void test_encoding_and_defaults(void **state)
{
    (void)state;
    static const char lines[] = "{\"id\":\"e1\",\"title\":\"Caf\xE9\"}\n"
                                "{\"id\":\"e2\",\"title\":\"M\xFCller \x80\",\"source\":\"Own\","
                                "\"date\":\"2001\"}\n";
    nx_reader *r = open_text("cp.jsonl", lines);
    newsdex_article a;
    expect_article(r, &a, "e1", 1);
    assert_string_equal(a.title, "Caf\xEF\xBF\xBD");
    expect_article(r, &a, "e2", 2);
    expect_end(r);
    assert_int_equal(nx_reader_invalid_count(r), 1);
    assert_int_equal(nx_reader_invalid_file(r, 0)->first_line, 1);
    assert_int_equal(nx_reader_invalid_file(r, 0)->bytes, 3);
    nx_reader_close(r);

    char path[256];
    path_of(path, sizeof path, "cp.jsonl.gz");
    write_gz(path, lines, sizeof lines - 1);
    nx_error err;
    nx_error_clear(&err);
    assert_int_equal(nx_reader_open(path, &r, &err), NEWSDEX_OK);
    nx_reader_set_encoding(r, NX_ENCODING_CP1252);
    assert_int_equal(nx_reader_set_defaults(r, "Archive", "2019-05-06", &err), NEWSDEX_OK);
    expect_article(r, &a, "e1", 1);
    assert_string_equal(a.title, "Caf\xC3\xA9");
    assert_string_equal(a.source, "Archive");
    assert_string_equal(a.date, "2019-05-06");
    expect_article(r, &a, "e2", 2);
    assert_string_equal(a.title, "M\xC3\xBCller \xE2\x82\xAC");
    assert_string_equal(a.source, "Own");
    assert_string_equal(a.date, "2001");
    expect_end(r);
    assert_int_equal(nx_reader_invalid_count(r), 0);
    nx_reader_close(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_fields),
        cmocka_unit_test(test_lists_across_records),
        cmocka_unit_test(test_blank_lines_skipped),
        cmocka_unit_test(test_broken_line_in_middle),
        cmocka_unit_test(test_rejections),
        cmocka_unit_test(test_invalid_utf8_repaired),
        cmocka_unit_test(test_nul_bytes),
        cmocka_unit_test(test_crlf_and_last_line),
        cmocka_unit_test(test_line_reader_lines),
        cmocka_unit_test(test_gzip),
        cmocka_unit_test(test_gzip_truncated),
        cmocka_unit_test(test_gzip_corrupt),
        cmocka_unit_test(test_gzip_bad_crc),
        cmocka_unit_test(test_stdin),
        cmocka_unit_test(test_long_line_rejected),
        cmocka_unit_test(test_line_limit_boundary),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_byte_order_mark),
        cmocka_unit_test(test_encoding_and_defaults),
        cmocka_unit_test(test_formats_by_name),
        cmocka_unit_test(test_unknown_format),
        cmocka_unit_test(test_missing_and_unreadable),
        cmocka_unit_test(test_linear_at_limit),
        cmocka_unit_test(test_stop_flag),
    };
    return cmocka_run_group_tests_name("jsonl_reader", tests, make_tmpdir, remove_tmpdir);
}
