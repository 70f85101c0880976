/* Unit tests for the plain-text reader (indexer/text_reader.c) and for what
 * indexer/reader.c adds around every format: directory walks, an explicit
 * format, standard input, the current file's name. */
#include <fcntl.h>
#include <inttypes.h>
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

#include "../../indexer/reader.h"
#include "reader_files.h"

/* ---- helpers ------------------------------------------------------- */

/* Write tmpdir/name (creating no directories) and return its full path. */
static const char *put(const char *name, const char *text)
{
    static char path[512];
    path_of(path, sizeof path, name);
    write_file(path, text, strlen(text));
    return path;
}

static void make_dir(const char *name)
{
    char path[512];
    path_of(path, sizeof path, name);
    assert_int_equal(mkdir(path, 0700), 0);
}

static nx_reader *open_format(const char *path, const char *format)
{
    nx_reader *r = NULL;
    nx_error err;
    nx_error_clear(&err);
    if (nx_reader_open_format(path, format, &r, &err) != NEWSDEX_OK)
        fail_msg("open %s: %s", path, err.message);
    return r;
}

/* Next record must be an article with this id, from file tmpdir/@p file. */
static void expect_article(nx_reader *r, newsdex_article *a, const char *id, const char *file,
                           unsigned long line)
{
    next_article(r, a, id);
    if (file) {
        char path[512];
        path_of(path, sizeof path, file);
        assert_string_equal(nx_reader_current_path(r), path);
    }
    assert_int_equal(nx_reader_line(r), line);
}

static void expect_result(nx_reader *r, nx_read_result want, const char *fragment)
{
    newsdex_article a;
    nx_error err;
    nx_error_clear(&err);
    nx_read_result res = nx_reader_next(r, &a, &err);
    if (res != want || !strstr(err.message, fragment))
        fail_msg("%s:%lu: want result %d '%s', got %d '%s'", nx_reader_current_path(r),
                 nx_reader_line(r), (int)want, fragment, (int)res, err.message);
    assert_null(a.id);
}

static int make_tmpdir(void **state)
{
    (void)state;
    return create_tmpdir("nx_text_test");
}

/* ---- plain text ---------------------------------------------------- */

static void test_title_and_body(void **state)
{
    (void)state;
    const char *path = put("story.txt", "\n \n  Acme posts record quarter  \n\n"
                                        "Acme Corp. said on Wednesday ...\n"
                                        "\tSecond line.\n\n\n");
    nx_reader *r = open_format(path, NULL);
    newsdex_article a;
    expect_article(r, &a, "story.txt", "story.txt", 1);
    assert_string_equal(a.title, "Acme posts record quarter");
    assert_string_equal(a.body, "Acme Corp. said on Wednesday ...\n\tSecond line.");
    assert_null(a.date);
    assert_null(a.source);
    assert_null(a.url);
    assert_int_equal(a.n_lists, 0);
    expect_end(r);
    nx_reader_close(r);

    path = put("TITLE.TXT", "Only a title, no newline");
    r = open_format(path, NULL);
    expect_article(r, &a, "TITLE.TXT", NULL, 1);
    assert_string_equal(a.title, "Only a title, no newline");
    assert_null(a.body);
    expect_end(r);
    nx_reader_close(r);
}

/* A BOM, CRLF, control codes and bytes that are not UTF-8. */
static void test_dirty_text(void **state)
{
    (void)state;
    const char *path = put("dirty.txt", "\xEF\xBB\xBFHeadline\x07 caf\xE9\r\n"
                                        "body\x01\x1b[0m with\x7f \xC3\xA9t\xC3\xA9\r\n"
                                        "and a NUL:\0 gone\r\n");
    nx_reader *r = open_format(path, NULL);
    newsdex_article a;
    expect_article(r, &a, "dirty.txt", NULL, 1);
    assert_string_equal(a.title, "Headline caf\xEF\xBF\xBD");
    assert_string_equal(a.body, "body[0m with \xC3\xA9t\xC3\xA9\nand a NUL:");
    nx_reader_close(r);

    /* the NUL ends the C string, nothing more: write with it, read past it */
    static const char nul[] = "T\nbefore\0after\n";
    char full[512];
    path_of(full, sizeof full, "nul.txt");
    write_file(full, nul, sizeof nul - 1);
    r = open_format(full, NULL);
    expect_article(r, &a, "nul.txt", NULL, 1);
    assert_string_equal(a.body, "beforeafter");
    nx_reader_close(r);
}

static void test_empty_files(void **state)
{
    (void)state;
    static const char *const texts[] = {"", "\n\n", " \t \r\n \n", "\x01\x02\n\xEF\xBB\xBF"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "empty%zu.txt", i);
        nx_reader *r = open_format(put(name, texts[i]), NULL);
        expect_end(r); /* no article and no rejection: as an empty .jsonl */
        expect_end(r);
        assert_int_equal(nx_reader_passed_count(r), 1);
        assert_string_equal(nx_reader_passed_file(r, 0)->why, "empty");
        assert_string_equal(nx_reader_passed_file(r, 0)->path, nx_reader_current_path(r));
        assert_null(nx_reader_passed_file(r, 1));
        nx_reader_close(r);
    }
}

/* 64-bit FNV-1a, written out again so the test does not trust the reader. */
static uint64_t fnv1a(const char *s)
{
    uint64_t h = 14695981039346656037ULL;
    while (*s) {
        h ^= (uint8_t)*s++;
        h *= 1099511628211ULL;
    }
    return h;
}

/* Relative paths stay as given; a path over 200 bytes (or not UTF-8) gets
 * a stable "txt-<hash>" id instead. */
static void test_ids(void **state)
{
    (void)state;
    char cwd[512];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(tmpdir), 0);
    write_file("rel.txt", "T\n", 2);
    nx_reader *r = open_format("./rel.txt", NULL);
    newsdex_article a;
    expect_article(r, &a, "rel.txt", NULL, 1);
    nx_reader_close(r);

    char name[256];
    memset(name, 'n', 200);
    strcpy(name + 200, ".txt"); /* 204 bytes */
    write_file(name, "Long\n", 5);
    char want[32];
    snprintf(want, sizeof want, "txt-%016" PRIx64, fnv1a(name));
    r = open_format(name, NULL);
    expect_article(r, &a, want, NULL, 1);
    assert_int_equal(strlen(a.id), 20);
    nx_reader_close(r);

    name[196] = '\0';
    strcat(name, ".txt"); /* exactly 200 bytes: kept */
    write_file(name, "Edge\n", 5);
    r = open_format(name, NULL);
    expect_article(r, &a, name, NULL, 1);
    nx_reader_close(r);

    write_file("caf\xE9.txt", "Latin-1 name\n", 13);
    snprintf(want, sizeof want, "txt-%016" PRIx64, fnv1a("caf\xE9.txt"));
    r = open_format("caf\xE9.txt", NULL);
    expect_article(r, &a, want, NULL, 1);
    nx_reader_close(r);
    assert_int_equal(chdir(cwd), 0);
}

/* Ids do not depend on how the directory was typed: its own name, then the
 * path under it; a file given by itself is its base name. */
static void test_ids_across_spellings(void **state)
{
    (void)state;
    make_dir("biz");
    make_dir("biz/sub");
    put("biz/sub/x.txt", "X\n");
    char cwd[512];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(tmpdir), 0);
    char absolute[512], dotted[512];
    path_of(absolute, sizeof absolute, "biz/");
    path_of(dotted, sizeof dotted, "./biz/../biz//sub/..");
    const char *spellings[] = {"biz", "biz/", "./biz", ".//biz//", absolute, dotted};
    for (size_t i = 0; i < sizeof spellings / sizeof spellings[0]; i++) {
        nx_reader *r = open_format(spellings[i], NULL);
        newsdex_article a;
        next_article(r, &a, "biz/sub/x.txt");
        expect_end(r);
        nx_reader_close(r);
    }
    assert_int_equal(chdir("biz"), 0);
    nx_reader *r = open_format(".", NULL); /* the directory's own name, not "." */
    newsdex_article a;
    next_article(r, &a, "biz/sub/x.txt");
    nx_reader_close(r);
    r = open_format("sub/x.txt", NULL);
    next_article(r, &a, "x.txt");
    nx_reader_close(r);
    r = open_format("./sub//x.txt", NULL);
    next_article(r, &a, "x.txt");
    nx_reader_close(r);
    assert_int_equal(chdir(cwd), 0);
}

/* ---- header lines ---------------------------------------------------- */

static void expect_no_warning(nx_reader *r)
{
    assert_null(nx_reader_warning(r, NULL));
}

static void test_header_lines(void **state)
{
    (void)state;
    nx_reader *r = open_format(put("head.txt", "Title: Oil rises again\n"
                                               "date: 2024-01-10\n"
                                               "SOURCE:  Wire  \n"
                                               "URL: https://example.com/oil\n"
                                               "Topics: oil, energy ,, crude\n"
                                               "\n"
                                               "First body line.\nSecond.\n"),
                               NULL);
    newsdex_article a;
    expect_article(r, &a, "head.txt", NULL, 1);
    assert_string_equal(a.title, "Oil rises again");
    assert_string_equal(a.body, "First body line.\nSecond.");
    assert_string_equal(a.date, "2024-01-10");
    assert_string_equal(a.source, "Wire");
    assert_string_equal(a.url, "https://example.com/oil");
    static const char *const topics[] = {"oil", "energy", "crude", NULL};
    expect_list(&a, "topics", topics);
    expect_no_warning(r);
    nx_reader_close(r);

    /* without Title, the first line after the header is the title */
    r = open_format(put("notitle.txt", "Date: 2008\n\nThe title\nThe body\n"), NULL);
    expect_article(r, &a, "notitle.txt", NULL, 1);
    assert_string_equal(a.title, "The title");
    assert_string_equal(a.body, "The body");
    assert_string_equal(a.date, "2008");
    assert_null(a.source);
    assert_int_equal(a.n_lists, 0);
    nx_reader_close(r);

    /* a first line that is no header name: no header, as before */
    r = open_format(put("plain.txt", "Note: markets fell\nDate: 2008\n\nbody\n"), NULL);
    expect_article(r, &a, "plain.txt", NULL, 1);
    assert_string_equal(a.title, "Note: markets fell");
    assert_string_equal(a.body, "Date: 2008\n\nbody");
    assert_null(a.date);
    expect_no_warning(r);
    nx_reader_close(r);
}

/* A bad header line is kept as body text, and said where: never dropped. */
static void test_malformed_header(void **state)
{
    (void)state;
    nx_reader *r = open_format(put("bad.txt", "Title: Kept title\n"
                                              "Author: Bob\n"
                                              "just words\n"
                                              "Title: again\n"
                                              "Source:\n"
                                              "Source: Wire\n"
                                              "\n"
                                              "Body.\n"),
                               NULL);
    newsdex_article a;
    expect_article(r, &a, "bad.txt", NULL, 1);
    assert_string_equal(a.title, "Kept title");
    assert_string_equal(a.source, "Wire");
    assert_string_equal(a.body, "Author: Bob\njust words\nTitle: again\nSource:\nBody.");
    unsigned long line = 0;
    const char *w = nx_reader_warning(r, &line);
    assert_non_null(w);
    assert_int_equal(line, 2);
    assert_non_null(strstr(w, "malformed header line kept as body text"));
    assert_non_null(strstr(w, "unknown name \"Author\""));
    assert_non_null(strstr(w, "and 3 more header lines after it"));
    nx_reader_close(r);

    /* a header that never ends: the whole file; its bad lines are the text */
    r = open_format(put("endless.txt", "Date: 2024-01-10\nOil prices rise\nMore text"), NULL);
    expect_article(r, &a, "endless.txt", NULL, 1);
    assert_string_equal(a.title, "Oil prices rise");
    assert_string_equal(a.body, "More text");
    assert_string_equal(a.date, "2024-01-10");
    w = nx_reader_warning(r, &line);
    assert_non_null(w);
    assert_int_equal(line, 2);
    assert_non_null(strstr(w, "not \"Name: value\""));
    nx_reader_close(r);
}

/* ---- encodings and defaults ----------------------------------------- */

static void test_encodings(void **state)
{
    (void)state;
    static const char cp1252[] = "Caf\xE9 M\xFCller\n\x93Quoted\x94 \x80 5\x81 x\x9D\n";
    /* by default, UTF-8: each bad byte replaced, counted once for the file */
    nx_reader *r = open_format(put("cp.txt", cp1252), NULL);
    newsdex_article a;
    expect_article(r, &a, "cp.txt", NULL, 1);
    assert_string_equal(a.title, "Caf\xEF\xBF\xBD M\xEF\xBF\xBDller");
    assert_int_equal(nx_reader_invalid_count(r), 0); /* noted when the file ends */
    expect_end(r);
    assert_int_equal(nx_reader_invalid_count(r), 1);
    const nx_reader_invalid *bad = nx_reader_invalid_file(r, 0);
    assert_string_equal(bad->path, nx_reader_current_path(r));
    assert_int_equal(bad->first_line, 1);
    assert_int_equal(bad->bytes, 7);
    assert_null(nx_reader_invalid_file(r, 1));
    nx_reader_close(r);

    /* cp1252 converts; its five undefined bytes are still invalid */
    r = open_format(put("cp2.txt", cp1252), NULL);
    nx_reader_set_encoding(r, NX_ENCODING_CP1252);
    expect_article(r, &a, "cp2.txt", NULL, 1);
    assert_string_equal(a.title, "Caf\xC3\xA9 M\xC3\xBCller");
    assert_string_equal(a.body, "\xE2\x80\x9CQuoted\xE2\x80\x9D \xE2\x82\xAC 5\xEF\xBF\xBD "
                                "x\xEF\xBF\xBD");
    expect_end(r);
    assert_int_equal(nx_reader_invalid_count(r), 1);
    assert_int_equal(nx_reader_invalid_file(r, 0)->first_line, 2);
    assert_int_equal(nx_reader_invalid_file(r, 0)->bytes, 2);
    nx_reader_close(r);

    /* latin1: every byte is a character (0x80..0x9F are control codes, dropped) */
    char path[512];
    path_of(path, sizeof path, "latin.txt.gz");
    write_gz(path, cp1252, sizeof cp1252 - 1);
    r = open_format(path, NULL);
    nx_reader_set_encoding(r, NX_ENCODING_LATIN1);
    expect_article(r, &a, "latin.txt.gz", NULL, 1);
    assert_string_equal(a.title, "Caf\xC3\xA9 M\xC3\xBCller");
    assert_string_equal(a.body, "Quoted  5 x");
    expect_end(r);
    assert_int_equal(nx_reader_invalid_count(r), 0);
    nx_reader_close(r);

    /* valid UTF-8 is not touched by the default */
    r = open_format(put("utf8.txt", "Caf\xC3\xA9\n"), NULL);
    expect_article(r, &a, "utf8.txt", NULL, 1);
    assert_string_equal(a.title, "Caf\xC3\xA9");
    expect_end(r);
    assert_int_equal(nx_reader_invalid_count(r), 0);
    nx_reader_close(r);

    nx_encoding e;
    assert_int_equal(nx_encoding_named("Windows-1252", &e), 0);
    assert_int_equal(e, NX_ENCODING_CP1252);
    assert_int_equal(nx_encoding_named("ISO-8859-1", &e), 0);
    assert_int_equal(e, NX_ENCODING_LATIN1);
    assert_int_equal(nx_encoding_named("UTF8", &e), 0);
    assert_int_equal(e, NX_ENCODING_UTF8);
    assert_int_equal(nx_encoding_named("ebcdic", &e), -1);
}

/* --source and --date: for the articles without their own. */
static void test_defaults(void **state)
{
    (void)state;
    make_dir("defaults");
    put("defaults/a.txt", "Source: Own\nDate: 2001-02-03\n\nHas both\n");
    put("defaults/b.txt", "Has neither\n");
    char root[512];
    path_of(root, sizeof root, "defaults");
    nx_reader *r = open_format(root, NULL);
    nx_error err;
    assert_int_equal(nx_reader_set_defaults(r, "Archive", "03/04/2008", &err),
                     NEWSDEX_ERR_INVALID);
    assert_non_null(strstr(err.message, "ambiguous"));
    assert_int_equal(nx_reader_set_defaults(r, "Archive", "2019-05", &err), NEWSDEX_OK);
    newsdex_article a;
    expect_article(r, &a, "defaults/a.txt", NULL, 1);
    assert_string_equal(a.source, "Own");
    assert_string_equal(a.date, "2001-02-03");
    expect_article(r, &a, "defaults/b.txt", NULL, 1);
    assert_string_equal(a.source, "Archive");
    assert_string_equal(a.date, "2019-05");
    expect_end(r);
    nx_reader_close(r);
}

static void test_gzip_text(void **state)
{
    (void)state;
    char path[512];
    path_of(path, sizeof path, "zipped.txt.gz");
    write_gz(path, "Zipped title\nzipped body\n", 25);
    nx_reader *r = open_format(path, NULL);
    newsdex_article a;
    expect_article(r, &a, "zipped.txt.gz", NULL, 1);
    assert_string_equal(a.title, "Zipped title");
    assert_string_equal(a.body, "zipped body");
    expect_end(r);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(nx_reader_bytes(r), (unsigned long long)st.st_size);
    nx_reader_close(r);
}

/* ---- directories --------------------------------------------------- */

static const char sgml_two[] =
    "<REUTERS NEWID=\"1\"><TEXT><TITLE>ONE</TITLE></TEXT></REUTERS>\n"
    "<REUTERS><TEXT><TITLE>NO ID</TITLE></TEXT></REUTERS>\n"
    "<REUTERS NEWID=\"2\"><TEXT><TITLE>TWO</TITLE></TEXT></REUTERS>\n";

/* tree/ with formats mixed, hidden files, other files, nested folders. */
static void make_tree(void)
{
    make_dir("tree");
    make_dir("tree/sub");
    make_dir("tree/sub/deeper");
    make_dir("tree/.git");
    make_dir("tree/empty");
    put("tree/b.jsonl",
        "{\"id\":\"j1\",\"title\":\"J1\"}\nnot json\n{\"id\":\"j2\",\"title\":\"J2\"}\n");
    put("tree/a.txt", "A title\nA body\n");
    put("tree/notes.md", "# not an input file\n");
    put("tree/.hidden.txt", "hidden\n");
    put("tree/.git/x.jsonl", "{\"id\":\"git\"}\n");
    put("tree/sub/c.sgm", sgml_two);
    put("tree/sub/deeper/d.ndjson", "{\"id\":\"d1\",\"body\":\"deep\"}\n");
    put("tree/Z.TXT", "Upper case\n");
    char path[512];
    path_of(path, sizeof path, "tree/z.txt.gz");
    write_gz(path, "Gzipped\n", 8);
}

static void test_directory_walk(void **state)
{
    (void)state;
    make_tree();
    char root[512];
    path_of(root, sizeof root, "tree");
    nx_reader *r = open_format(root, NULL);
    assert_string_equal(nx_reader_current_path(r), root);
    newsdex_article a;
    char id[512];
    expect_article(r, &a, "tree/Z.TXT", "tree/Z.TXT", 1); /* byte order: "Z" < "a" */
    expect_article(r, &a, "tree/a.txt", "tree/a.txt", 1);
    assert_string_equal(a.title, "A title");
    expect_article(r, &a, "j1", "tree/b.jsonl", 1);
    expect_result(r, NX_READ_REJECTED, "invalid JSON");
    path_of(id, sizeof id, "tree/b.jsonl");
    assert_string_equal(nx_reader_current_path(r), id);
    assert_int_equal(nx_reader_line(r), 2);
    expect_article(r, &a, "j2", "tree/b.jsonl", 3);
    expect_article(r, &a, "reuters-1", "tree/sub/c.sgm", 1);
    expect_result(r, NX_READ_REJECTED, "without a NEWID");
    assert_int_equal(nx_reader_line(r), 2);
    expect_article(r, &a, "reuters-2", "tree/sub/c.sgm", 3);
    expect_article(r, &a, "d1", "tree/sub/deeper/d.ndjson", 1);
    expect_article(r, &a, "tree/z.txt.gz", "tree/z.txt.gz", 1);
    expect_end(r);
    /* what the walk passed over, each named with its reason */
    static const char *const passed[][2] = {{"tree/.git", "hidden"},
                                            {"tree/.hidden.txt", "hidden"},
                                            {"tree/notes.md", "unknown extension"}};
    assert_int_equal(nx_reader_passed_count(r), 3);
    for (size_t i = 0; i < 3; i++) {
        int found = 0;
        path_of(id, sizeof id, passed[i][0]);
        for (size_t j = 0; j < 3; j++)
            found |= !strcmp(nx_reader_passed_file(r, j)->path, id) &&
                     !strcmp(nx_reader_passed_file(r, j)->why, passed[i][1]);
        if (!found)
            fail_msg("%s (%s) not noted", passed[i][0], passed[i][1]);
    }
    nx_reader_close(r);

    /* "tree/" keeps its slash and gains no second one */
    size_t n = strlen(root);
    root[n] = '/';
    root[n + 1] = '\0';
    r = open_format(root, NULL);
    expect_article(r, &a, "tree/Z.TXT", "tree/Z.TXT", 1);
    nx_reader_close(r);
}

/* Bytes over a walk add up to the files' sizes. */
static void test_walk_bytes(void **state)
{
    (void)state;
    make_dir("bytes");
    const char *texts[] = {"One\n", "Two\ntwo\n", "{\"id\":\"x\"}\n"};
    const char *names[] = {"bytes/1.txt", "bytes/2.txt", "bytes/3.jsonl"};
    unsigned long long total = 0;
    for (int i = 0; i < 3; i++) {
        put(names[i], texts[i]);
        total += strlen(texts[i]);
    }
    char root[512];
    path_of(root, sizeof root, "bytes");
    nx_reader *r = open_format(root, NULL);
    newsdex_article a;
    nx_error err;
    int n = 0;
    while (nx_reader_next(r, &a, &err) == NX_READ_ARTICLE)
        n++;
    assert_int_equal(n, 3);
    assert_int_equal(nx_reader_bytes(r), total);
    nx_reader_close(r);
}

/* A damaged file fails alone: the walk goes on with the next one. */
static void test_walk_failure_continues(void **state)
{
    (void)state;
    make_dir("damaged");
    put("damaged/1.jsonl", "{\"id\":\"before\"}\n");
    char path[512];
    path_of(path, sizeof path, "damaged/2.jsonl.gz");
    write_file(path, "\x1f\x8b\x08\x00garbage that is not deflate data at all", 44);
    put("damaged/3.txt", "After\n");
    char root[512];
    path_of(root, sizeof root, "damaged");
    nx_reader *r = open_format(root, NULL);
    newsdex_article a;
    expect_article(r, &a, "before", "damaged/1.jsonl", 1);
    expect_result(r, NX_READ_FAILED, "gzip");
    assert_string_equal(nx_reader_current_path(r), path);
    assert_true(nx_reader_can_continue(r));
    expect_article(r, &a, "damaged/3.txt", "damaged/3.txt", 1);
    expect_end(r);
    nx_reader_close(r);

    /* a single file is done for good */
    path_of(path, sizeof path, "damaged/2.jsonl.gz");
    r = open_format(path, NULL);
    expect_result(r, NX_READ_FAILED, "gzip");
    assert_false(nx_reader_can_continue(r));
    nx_reader_close(r);
}

/* Symlinked files are read; symlinked directories are not followed; a
 * dangling symlink is input that cannot be read, never skipped unsaid. */
static void test_walk_symlinks(void **state)
{
    (void)state;
    make_dir("links");
    make_dir("links/real");
    put("links/real/r.txt", "Real\n");
    char target[512], link[512];
    path_of(target, sizeof target, "links/real");
    path_of(link, sizeof link, "links/loop");
    assert_int_equal(symlink(target, link), 0); /* would read r.txt twice, or loop */
    path_of(target, sizeof target, "links/real/r.txt");
    path_of(link, sizeof link, "links/alias.txt");
    assert_int_equal(symlink(target, link), 0);
    path_of(link, sizeof link, "links/dangling.txt");
    assert_int_equal(symlink("/nonexistent/nx", link), 0);
    char root[512];
    path_of(root, sizeof root, "links");
    nx_reader *r = open_format(root, NULL);
    newsdex_article a;
    expect_article(r, &a, "links/alias.txt", "links/alias.txt", 1);
    expect_result(r, NX_READ_FAILED, "cannot open");
    assert_non_null(strstr(nx_reader_current_path(r), "links/dangling.txt"));
    assert_true(nx_reader_can_continue(r));
    expect_article(r, &a, "links/real/r.txt", "links/real/r.txt", 1);
    expect_end(r);
    nx_reader_close(r);
}

/* A directory with nothing to read is an input error, as is a missing path. */
static void test_empty_directory(void **state)
{
    (void)state;
    make_dir("nothing");
    make_dir("nothing/.hidden");
    put("nothing/.hidden/x.txt", "x\n");
    put("nothing/readme.md", "x\n");
    char root[512];
    path_of(root, sizeof root, "nothing");
    nx_reader *r = (nx_reader *)&r;
    nx_error err;
    assert_int_equal(nx_reader_open(root, &r, &err), NEWSDEX_ERR_IO);
    assert_null(r);
    assert_non_null(strstr(err.message, "Is a directory with no input files"));

    /* an explicit format takes every (non-hidden) file: readme.md as text */
    r = open_format(root, "text");
    newsdex_article a;
    expect_article(r, &a, "nothing/readme.md", "nothing/readme.md", 1);
    expect_end(r);
    nx_reader_close(r);

    make_dir("nothing2");
    path_of(root, sizeof root, "nothing2");
    assert_int_equal(nx_reader_open_format(root, "sgml", &r, &err), NEWSDEX_ERR_IO);
    assert_non_null(strstr(err.message, "Is a directory with no files"));
}

/* ---- explicit format, standard input -------------------------------- */

static void test_explicit_format(void **state)
{
    (void)state;
    const char *path = put("wire.dat", "<REUTERS NEWID=\"9\"><TEXT><TITLE>NINE</TITLE>"
                                       "</TEXT></REUTERS>\n");
    nx_reader *r = open_format(path, "sgml");
    newsdex_article a;
    expect_article(r, &a, "reuters-9", NULL, 1);
    expect_end(r);
    nx_reader_close(r);

    path = put("looks.jsonl", "{\"id\":\"x\"}\n");
    r = open_format(path, "text"); /* the format wins over the name */
    expect_article(r, &a, "looks.jsonl", NULL, 1);
    assert_string_equal(a.title, "{\"id\":\"x\"}");
    nx_reader_close(r);

    r = open_format(path, ""); /* "" = by name */
    expect_article(r, &a, "x", NULL, 1);
    nx_reader_close(r);

    nx_error err;
    r = (nx_reader *)&r;
    assert_int_equal(nx_reader_open_format(path, "xml", &r, &err), NEWSDEX_ERR_INVALID);
    assert_null(r);
    assert_string_equal(err.message, "unknown format \"xml\" (expected jsonl, sgml or text)");

    assert_int_equal(nx_reader_open("notes.md", &r, &err), NEWSDEX_ERR_INVALID);
    assert_non_null(strstr(err.message, "unknown input format"));
    assert_int_equal(nx_reader_open("", &r, &err), NEWSDEX_ERR_INVALID);
}

/* Read "-" with standard input redirected from @p path. */
static nx_reader *open_stdin(const char *path, const char *format)
{
    int saved = dup(0);
    int fd = open(path, O_RDONLY);
    assert_true(saved >= 0 && fd >= 0);
    assert_int_equal(dup2(fd, 0), 0);
    close(fd);
    nx_reader *r;
    nx_error err;
    newsdex_status st = nx_reader_open_format("-", format, &r, &err);
    dup2(saved, 0); /* the reader has its own duplicate */
    close(saved);
    if (st != NEWSDEX_OK)
        fail_msg("stdin: %s", err.message);
    return r;
}

static void test_stdin_formats(void **state)
{
    (void)state;
    nx_reader *r = open_stdin(put("in.any", "{\"id\":\"s1\"}\n"), NULL);
    newsdex_article a;
    expect_article(r, &a, "s1", NULL, 1); /* JSON Lines by default */
    assert_string_equal(nx_reader_current_path(r), "-");
    expect_end(r);
    nx_reader_close(r);

    char path[512];
    path_of(path, sizeof path, "in.gz");
    write_gz(path, sgml_two, sizeof sgml_two - 1);
    r = open_stdin(path, "sgml");
    expect_article(r, &a, "reuters-1", NULL, 1);
    expect_result(r, NX_READ_REJECTED, "NEWID");
    expect_article(r, &a, "reuters-2", NULL, 3);
    expect_end(r);
    nx_reader_close(r);

    r = open_stdin(put("in.txt", "Piped title\npiped body\n"), "text");
    expect_article(r, &a, "-", NULL, 1);
    assert_string_equal(a.title, "Piped title");
    nx_reader_close(r);
}

/* ---- size limit, linear time (issue 14) ------------------------------ */

#define FILE_LIMIT ((size_t)64 * 1024 * 1024) /* TEXT_FILE_MAX */

/* A file at the limit full of what the reader must clean: control codes
 * and bytes that are not UTF-8; and one line at the line limit. */
static void test_linear_at_limit(void **state)
{
    (void)state;
    big_input b = {0};
    big_add(&b, "Title\n");
    big_fill(&b, "a\x01\xff\x7f ", FILE_LIMIT - 1024, 4096);
    size_t size = b.len;
    read_tally t = read_big("dirty.txt", &b, NULL);
    assert_int_equal(t.articles, 1);
    expect_linear("control codes and bad bytes", &t, size, 8);

    big_add(&b, "Title\n");
    big_fill(&b, "word ", (size_t)16 * 1024 * 1024, 0);
    size = b.len;
    t = read_big("oneline.txt", &b, NULL);
    assert_int_equal(t.articles, 1);
    expect_linear("one line at the line limit", &t, size, 8);
}

/* A file over the limit, or with a line over the line limit, is rejected
 * as a whole, saying where. */
static void test_over_limits(void **state)
{
    (void)state;
    big_input b = {0};
    big_add(&b, "Title\n");
    big_fill(&b, "x", (size_t)16 * 1024 * 1024 + 7, 0);
    big_add(&b, "\nmore\n");
    read_tally t = read_big("longline.txt", &b, NULL);
    assert_int_equal(t.rejected, 1);
    assert_int_equal(t.articles, 0);
    big_fill(&b, "words words words words words words words words words words words\n",
             FILE_LIMIT + 100, 0);
    t = read_big("huge.txt", &b, NULL);
    assert_int_equal(t.rejected, 1);
    assert_int_equal(t.articles, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_title_and_body),
        cmocka_unit_test(test_dirty_text),
        cmocka_unit_test(test_empty_files),
        cmocka_unit_test(test_ids),
        cmocka_unit_test(test_ids_across_spellings),
        cmocka_unit_test(test_header_lines),
        cmocka_unit_test(test_malformed_header),
        cmocka_unit_test(test_encodings),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_gzip_text),
        cmocka_unit_test(test_directory_walk),
        cmocka_unit_test(test_walk_bytes),
        cmocka_unit_test(test_walk_failure_continues),
        cmocka_unit_test(test_walk_symlinks),
        cmocka_unit_test(test_empty_directory),
        cmocka_unit_test(test_explicit_format),
        cmocka_unit_test(test_stdin_formats),
        cmocka_unit_test(test_linear_at_limit),
        cmocka_unit_test(test_over_limits),
    };
    return cmocka_run_group_tests_name("text_reader", tests, make_tmpdir, remove_tmpdir);
}
