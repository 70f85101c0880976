/* Unit tests for the Xapian binding (engine/xapian/xdb.h, xsearch.h): error
 * paths (missing, locked and corrupt indexes, over-long terms, writes
 * through a read-only handle) and the basics (replace by unique term,
 * term_exists, doccount, queries, ranking).
 * Every test works in its own mkdtemp() directory under /tmp, removed at the
 * end. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "newsdex.h"
#include "../../engine/xapian/xdb.h"
#include "../../engine/xapian/xsearch.h"
#include "scratch_dir.h"

/* ------------------------------------------------------------------ */
/* Temp directories                                                    */
/* ------------------------------------------------------------------ */

typedef struct fixture {
    char dir[64];   /* the mkdtemp() directory */
    char db[128];   /* dir/db: where the index goes */
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    if (scratch_dir_make(f->dir, sizeof f->dir, "nx-xapian-wrapper") != 0) {
        free(f);
        return -1;
    }
    snprintf(f->db, sizeof f->db, "%s/db", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (f) {
        scratch_dir_remove(f->dir);
        free(f);
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static int status_is_failure_for_bad_index(newsdex_status st)
{
    return st == NEWSDEX_ERR_CORRUPT || st == NEWSDEX_ERR_IO || st == NEWSDEX_ERR_NOT_FOUND ||
           st == NEWSDEX_ERR_VERSION;
}

/* Adds a document with unique term Q<id>, the given words as postings at
 * positions 1, 2, ... and the id as its data. */
static void put_doc(nx_xdb *db, const char *id, const char *const *words)
{
    nx_error err;
    nx_error_clear(&err);
    nx_xdoc *doc = NULL;
    assert_int_equal(nx_xdoc_new(&doc, &err), NEWSDEX_OK);
    assert_non_null(doc);
    char unique[64];
    snprintf(unique, sizeof unique, "Q%s", id);
    assert_int_equal(nx_xdoc_add_boolean_term(doc, unique, &err), NEWSDEX_OK);
    for (uint32_t i = 0; words[i]; i++)
        assert_int_equal(nx_xdoc_add_posting(doc, words[i], i + 1, 1, &err), NEWSDEX_OK);
    assert_int_equal(nx_xdoc_set_data(doc, id, strlen(id), &err), NEWSDEX_OK);
    assert_int_equal(nx_xdoc_set_value(doc, 0, "20240110000000", 14, &err), NEWSDEX_OK);
    assert_int_equal(nx_xdb_replace(db, unique, doc, &err), NEWSDEX_OK);
    nx_xdoc_free(doc);
}

static const char *const doc_a[] = {"amazon", "cuts", "jobs", "at", "prime", "video", NULL};
static const char *const doc_b[] = {"twitch", "cuts", "500", "jobs", NULL};
static const char *const doc_c[] = {"video", "prime", "ads", "start", NULL};
static const char *const doc_d[] = {"fed", "holds", "rates", NULL};

/* The small four-document index every search test uses. */
static void build_small_index(const char *path)
{
    nx_error err;
    nx_error_clear(&err);
    nx_xdb *db = NULL;
    assert_int_equal(nx_xdb_open_writable(path, &db, &err), NEWSDEX_OK);
    assert_non_null(db);
    put_doc(db, "a", doc_a);
    put_doc(db, "b", doc_b);
    put_doc(db, "c", doc_c);
    put_doc(db, "d", doc_d);
    assert_int_equal(nx_xdb_close(db, &err), NEWSDEX_OK);
}

/* Runs q against db and writes the matching ids (the stored data), sorted,
 * comma-separated, into out. Returns the search status. */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Ranks [offset, offset + limit) of q's matches by plain BM25 (Xapian's
 * defaults), ties in the order Xapian settles them. */
static newsdex_status rank_page(nx_xdb *db, const nx_xquery *q, uint32_t offset, uint32_t limit,
                                nx_xresults **out, nx_error *err)
{
    nx_xrank_params p = {.offset = offset, .limit = limit,
                         .bm25 = {.k1 = 1, .k2 = 0, .k3 = 1, .b = 0.5, .min_normlen = 0.5}};
    int settled = 0;
    newsdex_status st = nx_xdb_rank(db, q, &p, out, &settled, err);
    assert_true(st != NEWSDEX_OK || settled);
    return st;
}

static newsdex_status search_ids(nx_xdb *db, const nx_xquery *q, char *out, size_t out_size)
{
    nx_error err;
    nx_error_clear(&err);
    nx_xresults *m = NULL;
    out[0] = '\0';
    newsdex_status st = rank_page(db, q, 0, 100, &m, &err);
    if (st != NEWSDEX_OK)
        return st;
    size_t n = nx_xresults_count(m);
    char ids[32][16];
    const char *ptrs[32];
    assert_true(n <= 32);
    for (size_t i = 0; i < n; i++) {
        double weight;
        const char *data;
        size_t len;
        nx_xresults_get(m, i, &weight, &data, &len);
        assert_true(len < sizeof ids[i]);
        memcpy(ids[i], data, len);
        ids[i][len] = '\0';
        ptrs[i] = ids[i];
    }
    qsort(ptrs, n, sizeof ptrs[0], cmp_str);
    for (size_t i = 0; i < n; i++) {
        if (i)
            strncat(out, ",", out_size - strlen(out) - 1);
        strncat(out, ptrs[i], out_size - strlen(out) - 1);
    }
    nx_xresults_free(m);
    return NEWSDEX_OK;
}

static nx_xquery *term(const char *t, uint32_t position)
{
    nx_error err;
    nx_error_clear(&err);
    nx_xquery *q = NULL;
    assert_int_equal(nx_xquery_term(t, 1, position, &q, &err), NEWSDEX_OK);
    assert_non_null(q);
    return q;
}

static nx_xquery *combine2(nx_xquery_op op, nx_xquery *a, nx_xquery *b, uint32_t window)
{
    nx_error err;
    nx_error_clear(&err);
    nx_xquery *subs[2] = {a, b};
    nx_xquery *q = NULL;
    assert_int_equal(nx_xquery_combine(op, subs, 2, window, &q, &err), NEWSDEX_OK);
    assert_non_null(q);
    nx_xquery_free(a);
    nx_xquery_free(b);
    return q;
}

/* Searches with q (then frees it) and checks the sorted id list. */
static void expect_ids(nx_xdb *db, nx_xquery *q, const char *expected)
{
    char got[256];
    assert_int_equal(search_ids(db, q, got, sizeof got), NEWSDEX_OK);
    assert_string_equal(got, expected);
    nx_xquery_free(q);
}

/* ---- Running something in a child process ---- */

typedef struct child {
    pid_t pid;
    int release_fd; /* parent closes this to let the child finish */
} child;

/* Forks a child that opens path for writing (through the wrapper if
 * public_api is 0, newsdex_writer_open otherwise), reports on a pipe that it
 * holds the lock, and keeps it until the parent closes release_fd. */
static child hold_lock_in_child(const char *path, int public_api)
{
    int ready[2], release[2];
    assert_int_equal(pipe(ready), 0);
    assert_int_equal(pipe(release), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(ready[0]);
        close(release[1]);
        char ok = 'n';
        nx_xdb *db = NULL;
        newsdex_writer *w = NULL;
        if (public_api) {
            char *message = NULL;
            if (newsdex_writer_open(path, &w, &message) == NEWSDEX_OK)
                ok = 'y';
            free(message);
        } else {
            nx_error err;
            nx_error_clear(&err);
            if (nx_xdb_open_writable(path, &db, &err) == NEWSDEX_OK)
                ok = 'y';
        }
        if (write(ready[1], &ok, 1) != 1)
            _exit(2);
        char c;
        while (read(release[0], &c, 1) > 0)
            ; /* wait for EOF */
        if (public_api)
            newsdex_writer_close(w);
        else
            nx_xdb_close(db, NULL);
        _exit(ok == 'y' ? 0 : 1);
    }
    close(ready[1]);
    close(release[0]);
    char ok = 0;
    assert_int_equal(read(ready[0], &ok, 1), 1);
    close(ready[0]);
    assert_int_equal(ok, 'y');
    child c = {pid, release[1]};
    return c;
}

static void release_child(child c)
{
    close(c.release_fd);
    int status = 0;
    assert_int_equal(waitpid(c.pid, &status, 0), c.pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* ------------------------------------------------------------------ */
/* Opening                                                             */
/* ------------------------------------------------------------------ */

static void test_open_readonly_missing_path(void **state)
{
    fixture *f = *state;
    nx_error err;
    nx_error_clear(&err);
    nx_xdb *db = (nx_xdb *)&err; /* must be reset to NULL */
    assert_int_equal(nx_xdb_open_readonly(f->db, &db, &err), NEWSDEX_ERR_NOT_FOUND);
    assert_null(db);
    assert_int_equal(err.status, NEWSDEX_ERR_NOT_FOUND);
    assert_true(strlen(err.message) > 0);
}

static void test_open_readonly_empty_dir(void **state)
{
    fixture *f = *state;
    nx_error err;
    nx_error_clear(&err);
    nx_xdb *db = NULL;
    assert_int_equal(mkdir(f->db, 0700), 0);
    assert_int_equal(nx_xdb_open_readonly(f->db, &db, &err), NEWSDEX_ERR_NOT_FOUND);
    assert_null(db);
    assert_true(strlen(err.message) > 0);
}

static void test_public_db_open_missing_says_no_index(void **state)
{
    fixture *f = *state;
    newsdex_db *db = NULL;
    char *message = NULL;
    assert_int_equal(newsdex_db_open(f->db, &db, &message), NEWSDEX_ERR_NOT_FOUND);
    assert_null(db);
    assert_non_null(message);
    assert_non_null(strstr(message, "no index at"));
    assert_non_null(strstr(message, f->db));
    free(message);
}

static void test_open_writable_creates_empty_index(void **state)
{
    fixture *f = *state;
    nx_error err;
    nx_error_clear(&err);
    nx_xdb *db = NULL;
    assert_int_equal(nx_xdb_open_writable(f->db, &db, &err), NEWSDEX_OK);
    uint64_t count = 99;
    assert_int_equal(nx_xdb_doccount(db, &count, &err), NEWSDEX_OK);
    assert_int_equal(count, 0);
    assert_int_equal(nx_xdb_close(db, &err), NEWSDEX_OK);
    /* Now a reader can open it. */
    assert_int_equal(nx_xdb_open_readonly(f->db, &db, &err), NEWSDEX_OK);
    assert_int_equal(nx_xdb_doccount(db, &count, &err), NEWSDEX_OK);
    assert_int_equal(count, 0);
    assert_int_equal(nx_xdb_close(db, &err), NEWSDEX_OK);
}

static void test_close_null_is_ok(void **state)
{
    (void)state;
    nx_error err;
    nx_error_clear(&err);
    assert_int_equal(nx_xdb_close(NULL, &err), NEWSDEX_OK);
    assert_int_equal(nx_xdb_close(NULL, NULL), NEWSDEX_OK);
    nx_xdoc_free(NULL);
    nx_xquery_free(NULL);
    nx_xresults_free(NULL);
}

/* ------------------------------------------------------------------ */
/* Locking                                                             */
/* ------------------------------------------------------------------ */

/* Xapian 1.4 locks with open-file-description locks, so a second writer in
 * the same process is refused too. */
static void test_open_writable_twice_same_process_locked(void **state)
{
    fixture *f = *state;
    nx_error err;
    nx_error_clear(&err);
    nx_xdb *first = NULL, *second = NULL;
    assert_int_equal(nx_xdb_open_writable(f->db, &first, &err), NEWSDEX_OK);
    newsdex_status st = nx_xdb_open_writable(f->db, &second, &err);
    if (st == NEWSDEX_OK) {
        /* Per-process locking: not an error in itself; the forked test below
         * checks the cross-process lock. */
        print_message("# note: a second writer in the same process was allowed\n");
        nx_xdb_close(second, NULL);
    } else {
        assert_int_equal(st, NEWSDEX_ERR_LOCKED);
        assert_null(second);
        assert_true(strlen(err.message) > 0);
    }
    assert_int_equal(nx_xdb_close(first, &err), NEWSDEX_OK);
    /* Once released, the lock can be taken again. */
    nx_error_clear(&err);
    assert_int_equal(nx_xdb_open_writable(f->db, &second, &err), NEWSDEX_OK);
    assert_int_equal(nx_xdb_close(second, &err), NEWSDEX_OK);
}

static void test_open_writable_locked_by_other_process(void **state)
{
    fixture *f = *state;
    child c = hold_lock_in_child(f->db, 0);
    nx_error err;
    nx_error_clear(&err);
    nx_xdb *db = NULL;
    newsdex_status st = nx_xdb_open_writable(f->db, &db, &err);
    if (st == NEWSDEX_OK)
        nx_xdb_close(db, NULL);
    release_child(c);
    assert_int_equal(st, NEWSDEX_ERR_LOCKED);
    assert_null(db);
    assert_true(strlen(err.message) > 0);

    /* A reader is not blocked by a writer. */
    c = hold_lock_in_child(f->db, 0);
    nx_error_clear(&err);
    st = nx_xdb_open_readonly(f->db, &db, &err);
    nx_xdb_close(db, NULL);
    release_child(c);
    assert_int_equal(st, NEWSDEX_OK);

    /* After the child let go, we get the lock. */
    nx_error_clear(&err);
    assert_int_equal(nx_xdb_open_writable(f->db, &db, &err), NEWSDEX_OK);
    assert_int_equal(nx_xdb_close(db, &err), NEWSDEX_OK);
}

/* "index DIR is locked by another writer", optionally followed by
 * " (pid N)" naming the holder: holder_pid if known, else any pid. */
static void expect_writer_locked_message(const fixture *f, newsdex_status st, char *message,
                                         pid_t holder_pid)
{
    assert_int_equal(st, NEWSDEX_ERR_LOCKED);
    assert_non_null(message);
    char expected[256];
    int n = snprintf(expected, sizeof expected, "index %s is locked by another writer", f->db);
    if (strcmp(message, expected) != 0) {
        assert_memory_equal(message, expected, (size_t)n);
        long pid = 0;
        char end = 0;
        assert_int_equal(sscanf(message + n, " (pid %ld%c", &pid, &end), 2);
        assert_int_equal(end, ')');
        assert_true(pid > 0);
        if (holder_pid > 0)
            assert_int_equal(pid, (long)holder_pid);
    }
    free(message);
}

static void test_public_writer_open_twice_same_process(void **state)
{
    fixture *f = *state;
    newsdex_writer *first = NULL, *second = NULL;
    char *message = NULL;
    assert_int_equal(newsdex_writer_open(f->db, &first, &message), NEWSDEX_OK);
    assert_null(message);
    newsdex_status st = newsdex_writer_open(f->db, &second, &message);
    if (st == NEWSDEX_OK) {
        print_message("# note: a second public writer in the same process was allowed\n");
        newsdex_writer_close(second);
        free(message);
    } else {
        assert_null(second);
        expect_writer_locked_message(f, st, message, getpid());
    }
    assert_int_equal(newsdex_writer_close(first), NEWSDEX_OK);
}

static void test_public_writer_open_locked_by_other_process(void **state)
{
    fixture *f = *state;
    child c = hold_lock_in_child(f->db, 1);
    newsdex_writer *w = NULL;
    char *message = NULL;
    newsdex_status st = newsdex_writer_open(f->db, &w, &message);
    if (st == NEWSDEX_OK)
        newsdex_writer_close(w);
    release_child(c);
    assert_null(w);
    expect_writer_locked_message(f, st, message, c.pid);
}

/* ------------------------------------------------------------------ */
/* Corrupt indexes                                                     */
/* ------------------------------------------------------------------ */

/* Applies damage() to every *.glass file in dir; returns how many. */
static int for_each_glass(const char *dir, void (*damage)(const char *path, off_t size))
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len < 6 || strcmp(de->d_name + len - 6, ".glass") != 0)
            continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        struct stat sb;
        assert_int_equal(stat(path, &sb), 0);
        damage(path, sb.st_size);
        n++;
    }
    closedir(d);
    return n;
}

/* Garbage over every byte: the middle of a glass block can be free space that
 * Xapian never reads, so only overwriting all of it corrupts reliably. */
static void fill_with_garbage(const char *path, off_t size)
{
    int fd = open(path, O_WRONLY);
    assert_true(fd >= 0);
    char block[4096];
    uint32_t x = 2463534242u;
    for (off_t done = 0; done < size;) {
        for (size_t i = 0; i < sizeof block; i++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            block[i] = (char)(x & 0xff);
        }
        size_t n = (size_t)(size - done) < sizeof block ? (size_t)(size - done) : sizeof block;
        assert_int_equal(pwrite(fd, block, n, done), (ssize_t)n);
        done += (off_t)n;
    }
    close(fd);
}

static void truncate_to_half(const char *path, off_t size)
{
    assert_int_equal(truncate(path, size / 2), 0);
}

static void truncate_to_zero(const char *path, off_t size)
{
    (void)size;
    assert_int_equal(truncate(path, 0), 0);
}

/* Opens path read-only, counts and searches; returns the first failure
 * (NEWSDEX_OK if everything worked) and names it in the TAP output. */
static newsdex_status open_and_search(const char *path, const char *what)
{
    nx_error err;
    nx_error_clear(&err);
    nx_xdb *db = NULL;
    const char *step = "open";
    newsdex_status st = nx_xdb_open_readonly(path, &db, &err);
    if (st == NEWSDEX_OK) {
        step = "doccount";
        uint64_t count;
        st = nx_xdb_doccount(db, &count, &err);
    }
    if (st == NEWSDEX_OK) {
        step = "search";
        nx_xquery *q = combine2(NX_XQ_OR, term("jobs", 0), term("video", 0), 0);
        nx_xresults *m = NULL;
        st = rank_page(db, q, 0, 10, &m, &err);
        nx_xquery_free(q);
        nx_xresults_free(m);
    }
    nx_xdb_close(db, NULL);
    print_message("# %s: %s gave %s (%d): %s\n", what, step, newsdex_status_to_string(st), (int)st,
                  err.message);
    if (st != NEWSDEX_OK)
        assert_true(strlen(err.message) > 0);
    return st;
}

static void test_corrupt_glass_files_garbage(void **state)
{
    fixture *f = *state;
    build_small_index(f->db);
    assert_true(for_each_glass(f->db, fill_with_garbage) > 0);
    newsdex_status st = open_and_search(f->db, "garbage in every *.glass file");
    assert_int_not_equal(st, NEWSDEX_OK);
    assert_true(status_is_failure_for_bad_index(st));
    /* Preferred: Xapian reports DatabaseCorruptError, mapped to CORRUPT. */
    assert_int_equal(st, NEWSDEX_ERR_CORRUPT);
}

static void test_corrupt_glass_files_truncated(void **state)
{
    fixture *f = *state;
    build_small_index(f->db);
    assert_true(for_each_glass(f->db, truncate_to_half) > 0);
    newsdex_status st = open_and_search(f->db, "every *.glass file cut in half");
    assert_int_not_equal(st, NEWSDEX_OK);
    assert_true(status_is_failure_for_bad_index(st));
}

static void test_corrupt_glass_files_empty(void **state)
{
    fixture *f = *state;
    build_small_index(f->db);
    assert_true(for_each_glass(f->db, truncate_to_zero) > 0);
    newsdex_status st = open_and_search(f->db, "every *.glass file emptied");
    assert_int_not_equal(st, NEWSDEX_OK);
    assert_true(status_is_failure_for_bad_index(st));
}

static void write_file(const char *path, const char *bytes, size_t len)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(bytes, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

static void test_corrupt_iamglass_only(void **state)
{
    fixture *f = *state;
    assert_int_equal(mkdir(f->db, 0700), 0);
    char path[256];
    snprintf(path, sizeof path, "%s/iamglass", f->db);
    static const char garbage[] = "this is not a glass version file\x01\x02\xff\xfe";
    write_file(path, garbage, sizeof garbage - 1);
    newsdex_status st = open_and_search(f->db, "directory with a garbage iamglass");
    assert_int_not_equal(st, NEWSDEX_OK);
    assert_true(status_is_failure_for_bad_index(st));
}

static void test_corrupt_iamglass_of_real_index(void **state)
{
    fixture *f = *state;
    build_small_index(f->db);
    char path[256];
    snprintf(path, sizeof path, "%s/iamglass", f->db);
    write_file(path, "garbage", 7);
    newsdex_status st = open_and_search(f->db, "real index with a garbage iamglass");
    assert_int_not_equal(st, NEWSDEX_OK);
    assert_true(status_is_failure_for_bad_index(st));
    /* Nor may a writer open it (and silently start over). */
    nx_error err;
    nx_error_clear(&err);
    nx_xdb *db = NULL;
    st = nx_xdb_open_writable(f->db, &db, &err);
    if (st == NEWSDEX_OK)
        nx_xdb_close(db, NULL);
    assert_int_not_equal(st, NEWSDEX_OK);
    assert_true(status_is_failure_for_bad_index(st));
}

static void test_public_db_open_corrupt(void **state)
{
    fixture *f = *state;
    build_small_index(f->db);
    assert_true(for_each_glass(f->db, fill_with_garbage) > 0);
    newsdex_db *db = NULL;
    char *message = NULL;
    newsdex_status st = newsdex_db_open(f->db, &db, &message);
    if (st == NEWSDEX_OK) {
        newsdex_search_options o;
        newsdex_search_options_init(&o);
        o.query = "jobs";
        newsdex_results *r = NULL;
        st = newsdex_search(db, &o, &r);
        newsdex_results_free(r);
        newsdex_db_close(db);
    } else {
        assert_null(db);
        assert_non_null(message);
        assert_non_null(strstr(message, f->db));
    }
    free(message);
    assert_int_not_equal(st, NEWSDEX_OK);
    assert_true(status_is_failure_for_bad_index(st));
}

/* ------------------------------------------------------------------ */
/* Documents, terms, counts                                            */
/* ------------------------------------------------------------------ */

static void test_replace_by_unique_term_keeps_count(void **state)
{
    fixture *f = *state;
    nx_error err;
    nx_error_clear(&err);
    nx_xdb *db = NULL;
    assert_int_equal(nx_xdb_open_writable(f->db, &db, &err), NEWSDEX_OK);
    put_doc(db, "a", doc_a);
    put_doc(db, "b", doc_b);
    uint64_t count = 0;
    assert_int_equal(nx_xdb_doccount(db, &count, &err), NEWSDEX_OK);
    assert_int_equal(count, 2);

    /* Same unique term, new content: replaced, not added. */
    put_doc(db, "a", doc_d);
    assert_int_equal(nx_xdb_doccount(db, &count, &err), NEWSDEX_OK);
    assert_int_equal(count, 2);
    int exists = -1;
    assert_int_equal(nx_xdb_term_exists(db, "amazon", &exists, &err), NEWSDEX_OK);
    assert_int_equal(exists, 0); /* the old content is gone */
    assert_int_equal(nx_xdb_term_exists(db, "fed", &exists, &err), NEWSDEX_OK);
    assert_int_equal(exists, 1);
    uint64_t freq = 99;
    assert_int_equal(nx_xdb_termfreq(db, "Qa", &freq, &err), NEWSDEX_OK);
    assert_int_equal(freq, 1);
    assert_int_equal(nx_xdb_termfreq(db, "jobs", &freq, &err), NEWSDEX_OK);
    assert_int_equal(freq, 1); /* only b now */

    put_doc(db, "c", doc_c);
    assert_int_equal(nx_xdb_doccount(db, &count, &err), NEWSDEX_OK);
    assert_int_equal(count, 3);
    assert_int_equal(nx_xdb_commit(db, &err), NEWSDEX_OK);
    assert_int_equal(nx_xdb_close(db, &err), NEWSDEX_OK);

    /* A reader sees the committed state. */
    assert_int_equal(nx_xdb_open_readonly(f->db, &db, &err), NEWSDEX_OK);
    assert_int_equal(nx_xdb_doccount(db, &count, &err), NEWSDEX_OK);
    assert_int_equal(count, 3);
    assert_int_equal(nx_xdb_term_exists(db, "Qb", &exists, &err), NEWSDEX_OK);
    assert_int_equal(exists, 1);
    assert_int_equal(nx_xdb_term_exists(db, "Qzzz", &exists, &err), NEWSDEX_OK);
    assert_int_equal(exists, 0);
    assert_int_equal(nx_xdb_termfreq(db, "nosuchterm", &freq, &err), NEWSDEX_OK);
    assert_int_equal(freq, 0);
    assert_int_equal(nx_xdb_close(db, &err), NEWSDEX_OK);
}

static void test_close_commits_writer(void **state)
{
    fixture *f = *state;
    nx_error err;
    nx_error_clear(&err);
    nx_xdb *db = NULL;
    assert_int_equal(nx_xdb_open_writable(f->db, &db, &err), NEWSDEX_OK);
    put_doc(db, "a", doc_a);
    /* No explicit commit: close must commit. */
    assert_int_equal(nx_xdb_close(db, &err), NEWSDEX_OK);
    uint64_t count = 0;
    assert_int_equal(nx_xdb_open_readonly(f->db, &db, &err), NEWSDEX_OK);
    assert_int_equal(nx_xdb_doccount(db, &count, &err), NEWSDEX_OK);
    assert_int_equal(count, 1);
    assert_int_equal(nx_xdb_close(db, &err), NEWSDEX_OK);
}

static void test_term_too_long_is_an_error(void **state)
{
    fixture *f = *state;
    nx_error err;
    nx_error_clear(&err);
    nx_xdb *db = NULL;
    assert_int_equal(nx_xdb_open_writable(f->db, &db, &err), NEWSDEX_OK);
    char long_term[400];
    memset(long_term, 'x', sizeof long_term - 1);
    long_term[sizeof long_term - 1] = '\0';

    nx_xdoc *doc = NULL;
    assert_int_equal(nx_xdoc_new(&doc, &err), NEWSDEX_OK);
    newsdex_status st = nx_xdoc_add_posting(doc, long_term, 1, 1, &err);
    if (st == NEWSDEX_OK)
        st = nx_xdb_replace(db, "Qlong", doc, &err);
    nx_xdoc_free(doc);
    assert_int_not_equal(st, NEWSDEX_OK);
    assert_true(strlen(err.message) > 0);
    print_message("# 399-byte term: %s (%d): %.60s...\n", newsdex_status_to_string(st), (int)st,
                  err.message);

    /* A 246-byte boolean term, too. */
    nx_error_clear(&err);
    assert_int_equal(nx_xdoc_new(&doc, &err), NEWSDEX_OK);
    long_term[246] = '\0';
    st = nx_xdoc_add_boolean_term(doc, long_term, &err);
    if (st == NEWSDEX_OK)
        st = nx_xdb_replace(db, "Qlong", doc, &err);
    nx_xdoc_free(doc);
    assert_int_not_equal(st, NEWSDEX_OK);

    /* A too-long unique term is only looked up (Xapian does not add it to
     * the document), so replace may succeed; it must simply not crash, and
     * on success the document is added. */
    nx_error_clear(&err);
    assert_int_equal(nx_xdoc_new(&doc, &err), NEWSDEX_OK);
    assert_int_equal(nx_xdoc_add_term(doc, "fine", 1, &err), NEWSDEX_OK);
    st = nx_xdb_replace(db, long_term, doc, &err);
    nx_xdoc_free(doc);
    uint64_t count = 0;
    assert_int_equal(nx_xdb_doccount(db, &count, &err), NEWSDEX_OK);
    assert_int_equal(count, st == NEWSDEX_OK ? 1 : 0);

    /* 245 bytes is still fine, and the handle still works after the errors. */
    nx_error_clear(&err);
    long_term[245] = '\0';
    assert_int_equal(nx_xdoc_new(&doc, &err), NEWSDEX_OK);
    assert_int_equal(nx_xdoc_add_posting(doc, long_term, 1, 1, &err), NEWSDEX_OK);
    assert_int_equal(nx_xdb_replace(db, "Qok", doc, &err), NEWSDEX_OK);
    nx_xdoc_free(doc);
    uint64_t before = count;
    assert_int_equal(nx_xdb_doccount(db, &count, &err), NEWSDEX_OK);
    assert_int_equal(count, before + 1);
    int exists = 0;
    assert_int_equal(nx_xdb_term_exists(db, long_term, &exists, &err), NEWSDEX_OK);
    assert_int_equal(exists, 1);
    assert_int_equal(nx_xdb_close(db, &err), NEWSDEX_OK);
}

static void test_long_term_in_query_does_not_crash(void **state)
{
    fixture *f = *state;
    build_small_index(f->db);
    nx_error err;
    nx_error_clear(&err);
    nx_xdb *db = NULL;
    assert_int_equal(nx_xdb_open_readonly(f->db, &db, &err), NEWSDEX_OK);
    char long_term[1000];
    memset(long_term, 'y', sizeof long_term - 1);
    long_term[sizeof long_term - 1] = '\0';
    int exists = -1;
    newsdex_status st = nx_xdb_term_exists(db, long_term, &exists, &err);
    assert_true(st != NEWSDEX_OK || exists == 0);
    nx_xquery *q = NULL;
    st = nx_xquery_term(long_term, 1, 0, &q, &err);
    if (st == NEWSDEX_OK) {
        char got[64];
        st = search_ids(db, q, got, sizeof got);
        assert_true(st != NEWSDEX_OK || got[0] == '\0');
        nx_xquery_free(q);
    }
    assert_int_equal(nx_xdb_close(db, &err), NEWSDEX_OK);
}

static void test_write_through_readonly_handle_fails(void **state)
{
    fixture *f = *state;
    build_small_index(f->db);
    nx_error err;
    nx_error_clear(&err);
    nx_xdb *db = NULL;
    assert_int_equal(nx_xdb_open_readonly(f->db, &db, &err), NEWSDEX_OK);

    nx_xdoc *doc = NULL;
    assert_int_equal(nx_xdoc_new(&doc, &err), NEWSDEX_OK);
    assert_int_equal(nx_xdoc_add_term(doc, "new", 1, &err), NEWSDEX_OK);
    newsdex_status st = nx_xdb_replace(db, "Qnew", doc, &err);
    nx_xdoc_free(doc);
    assert_int_not_equal(st, NEWSDEX_OK);
    assert_true(strlen(err.message) > 0);
    print_message("# replace on a read-only handle: %s (%d): %s\n", newsdex_status_to_string(st),
                  (int)st, err.message);

    nx_error_clear(&err);
    st = nx_xdb_commit(db, &err);
    assert_int_not_equal(st, NEWSDEX_OK);
    assert_true(strlen(err.message) > 0);

    uint64_t count = 0;
    assert_int_equal(nx_xdb_doccount(db, &count, &err), NEWSDEX_OK);
    assert_int_equal(count, 4);
    assert_int_equal(nx_xdb_close(db, &err), NEWSDEX_OK);
}

/* ------------------------------------------------------------------ */
/* Queries and searching                                               */
/* ------------------------------------------------------------------ */

static void test_query_term_and_or(void **state)
{
    fixture *f = *state;
    build_small_index(f->db);
    nx_error err;
    nx_error_clear(&err);
    nx_xdb *db = NULL;
    assert_int_equal(nx_xdb_open_readonly(f->db, &db, &err), NEWSDEX_OK);

    expect_ids(db, term("jobs", 0), "a,b");
    expect_ids(db, term("video", 0), "a,c");
    expect_ids(db, term("nothing", 0), "");
    expect_ids(db, combine2(NX_XQ_AND, term("jobs", 0), term("video", 0), 0), "a");
    expect_ids(db, combine2(NX_XQ_OR, term("twitch", 0), term("fed", 0), 0), "b,d");
    expect_ids(db, combine2(NX_XQ_OR, term("jobs", 0), term("nothing", 0), 0), "a,b");
    expect_ids(db, combine2(NX_XQ_AND, term("jobs", 0), term("nothing", 0), 0), "");
    expect_ids(db, combine2(NX_XQ_AND_NOT, term("jobs", 0), term("twitch", 0), 0), "a");
    expect_ids(db, combine2(NX_XQ_FILTER, term("cuts", 0), term("Qb", 0), 0), "b");
    expect_ids(db, combine2(NX_XQ_AND_MAYBE, term("video", 0), term("twitch", 0), 0), "a,c");

    /* Nested: (jobs OR fed) AND NOT amazon. */
    nx_xquery *either = combine2(NX_XQ_OR, term("jobs", 0), term("fed", 0), 0);
    expect_ids(db, combine2(NX_XQ_AND_NOT, either, term("amazon", 0), 0), "b,d");

    /* Combining copies: the parts may be freed first, and used again. */
    nx_xquery *jobs = term("jobs", 0);
    nx_xquery *subs[3] = {jobs, jobs, jobs};
    nx_xquery *q = NULL;
    assert_int_equal(nx_xquery_combine(NX_XQ_AND, subs, 3, 0, &q, &err), NEWSDEX_OK);
    nx_xquery_free(jobs);
    expect_ids(db, q, "a,b");
    assert_int_equal(nx_xdb_close(db, &err), NEWSDEX_OK);
}

static void test_query_phrase_and_near(void **state)
{
    fixture *f = *state;
    build_small_index(f->db);
    nx_error err;
    nx_error_clear(&err);
    nx_xdb *db = NULL;
    assert_int_equal(nx_xdb_open_readonly(f->db, &db, &err), NEWSDEX_OK);

    /* a: "... prime video"; c: "video prime ...". */
    expect_ids(db, combine2(NX_XQ_PHRASE, term("prime", 1), term("video", 2), 0), "a");
    expect_ids(db, combine2(NX_XQ_PHRASE, term("video", 1), term("prime", 2), 0), "c");
    expect_ids(db, combine2(NX_XQ_AND, term("video", 1), term("prime", 2), 0), "a,c");
    /* Adjacent in a ("cuts jobs"), not in b ("cuts 500 jobs"). */
    expect_ids(db, combine2(NX_XQ_PHRASE, term("cuts", 1), term("jobs", 2), 0), "a");
    /* Within a window of 3, "cuts 500 jobs" matches too. */
    expect_ids(db, combine2(NX_XQ_PHRASE, term("cuts", 1), term("jobs", 2), 3), "a,b");
    /* NEAR ignores order. */
    expect_ids(db, combine2(NX_XQ_NEAR, term("video", 1), term("prime", 2), 2), "a,c");

    /* Three-word phrase. */
    nx_xquery *subs[3] = {term("jobs", 1), term("at", 2), term("prime", 3)};
    nx_xquery *q = NULL;
    assert_int_equal(nx_xquery_combine(NX_XQ_PHRASE, subs, 3, 0, &q, &err), NEWSDEX_OK);
    for (int i = 0; i < 3; i++)
        nx_xquery_free(subs[i]);
    expect_ids(db, q, "a");
    assert_int_equal(nx_xdb_close(db, &err), NEWSDEX_OK);
}

static void test_match_all_nothing_scale(void **state)
{
    fixture *f = *state;
    build_small_index(f->db);
    nx_error err;
    nx_error_clear(&err);
    nx_xdb *db = NULL;
    assert_int_equal(nx_xdb_open_readonly(f->db, &db, &err), NEWSDEX_OK);
    nx_xquery *q = NULL;
    assert_int_equal(nx_xquery_match_all(&q, &err), NEWSDEX_OK);
    expect_ids(db, q, "a,b,c,d");
    assert_int_equal(nx_xquery_match_nothing(&q, &err), NEWSDEX_OK);
    expect_ids(db, q, "");

    /* Scaling changes weights, not the match set. */
    nx_xquery *jobs = term("jobs", 0);
    nx_xquery *scaled = NULL;
    assert_int_equal(nx_xquery_scale(jobs, 2.0, &scaled, &err), NEWSDEX_OK);
    nx_xresults *m1 = NULL, *m2 = NULL;
    assert_int_equal(rank_page(db, jobs, 0, 10, &m1, &err), NEWSDEX_OK);
    assert_int_equal(rank_page(db, scaled, 0, 10, &m2, &err), NEWSDEX_OK);
    assert_int_equal(nx_xresults_count(m1), 2);
    assert_int_equal(nx_xresults_count(m2), 2);
    double w1, w2;
    const char *data;
    size_t len;
    nx_xresults_get(m1, 0, &w1, &data, &len);
    nx_xresults_get(m2, 0, &w2, &data, &len);
    assert_true(w1 > 0.0);
    assert_true(w2 > 1.99 * w1 && w2 < 2.01 * w1);
    nx_xresults_free(m1);
    nx_xresults_free(m2);
    nx_xquery_free(jobs);
    nx_xquery_free(scaled);
    assert_int_equal(nx_xdb_close(db, &err), NEWSDEX_OK);
}

static void test_search_paging_and_data(void **state)
{
    fixture *f = *state;
    build_small_index(f->db);
    nx_error err;
    nx_error_clear(&err);
    nx_xdb *db = NULL;
    assert_int_equal(nx_xdb_open_readonly(f->db, &db, &err), NEWSDEX_OK);
    nx_xquery *q = NULL;
    assert_int_equal(nx_xquery_match_all(&q, &err), NEWSDEX_OK);

    nx_xresults *all = NULL, *page = NULL;
    assert_int_equal(rank_page(db, q, 0, 10, &all, &err), NEWSDEX_OK);
    assert_int_equal(nx_xresults_count(all), 4);
    assert_int_equal(nx_xresults_estimate(all), 4);
    assert_int_equal(rank_page(db, q, 1, 2, &page, &err), NEWSDEX_OK);
    assert_int_equal(nx_xresults_count(page), 2);
    assert_int_equal(nx_xresults_estimate(page), 4);
    for (size_t i = 0; i < 2; i++) {
        double wa, wp;
        const char *da, *dp;
        size_t la, lp;
        nx_xresults_get(all, i + 1, &wa, &da, &la);
        nx_xresults_get(page, i, &wp, &dp, &lp);
        assert_int_equal(la, lp);
        assert_memory_equal(da, dp, la);
        assert_int_equal(la, 1); /* data is the one-letter id */
    }
    nx_xresults_free(page);
    page = NULL;
    /* Past the end: no matches, not an error. */
    assert_int_equal(rank_page(db, q, 10, 5, &page, &err), NEWSDEX_OK);
    assert_int_equal(nx_xresults_count(page), 0);
    nx_xresults_free(page);
    /* limit 0: an empty page. */
    assert_int_equal(rank_page(db, q, 0, 0, &page, &err), NEWSDEX_OK);
    assert_int_equal(nx_xresults_count(page), 0);
    nx_xresults_free(page);
    nx_xresults_free(all);
    nx_xquery_free(q);
    assert_int_equal(nx_xdb_close(db, &err), NEWSDEX_OK);
}

static void test_ranking_prefers_more_matching_terms(void **state)
{
    fixture *f = *state;
    build_small_index(f->db);
    nx_error err;
    nx_error_clear(&err);
    nx_xdb *db = NULL;
    assert_int_equal(nx_xdb_open_readonly(f->db, &db, &err), NEWSDEX_OK);
    /* OR(amazon, jobs): a has both, b has one. */
    nx_xquery *q = combine2(NX_XQ_OR, term("amazon", 0), term("jobs", 0), 0);
    nx_xresults *m = NULL;
    assert_int_equal(rank_page(db, q, 0, 10, &m, &err), NEWSDEX_OK);
    assert_int_equal(nx_xresults_count(m), 2);
    double w0, w1;
    const char *data;
    size_t len;
    nx_xresults_get(m, 0, &w0, &data, &len);
    assert_int_equal(len, 1);
    assert_int_equal(data[0], 'a');
    nx_xresults_get(m, 1, &w1, &data, &len);
    assert_true(w0 > w1);
    nx_xresults_free(m);
    nx_xquery_free(q);
    assert_int_equal(nx_xdb_close(db, &err), NEWSDEX_OK);
}

static void test_describe(void **state)
{
    (void)state;
    nx_error err;
    nx_error_clear(&err);
    nx_xquery *q = combine2(NX_XQ_PHRASE, term("prime", 1), term("video", 2), 0);
    nx_xquery *both = combine2(NX_XQ_AND, q, term("layoff", 0), 0);
    char *text = NULL;
    assert_int_equal(nx_xquery_describe(both, &text, &err), NEWSDEX_OK);
    assert_non_null(text);
    assert_true(strlen(text) > 0);
    assert_non_null(strstr(text, "prime"));
    assert_non_null(strstr(text, "video"));
    assert_non_null(strstr(text, "layoff"));
    assert_non_null(strstr(text, "PHRASE"));
    assert_non_null(strstr(text, "AND"));
    free(text);
    nx_xquery_free(both);

    nx_xquery *all = NULL;
    assert_int_equal(nx_xquery_match_all(&all, &err), NEWSDEX_OK);
    assert_int_equal(nx_xquery_describe(all, &text, &err), NEWSDEX_OK);
    assert_non_null(text);
    assert_true(strlen(text) > 0);
    free(text);
    nx_xquery_free(all);
}

static void test_utf8_and_binary_terms(void **state)
{
    fixture *f = *state;
    nx_error err;
    nx_error_clear(&err);
    nx_xdb *db = NULL;
    assert_int_equal(nx_xdb_open_writable(f->db, &db, &err), NEWSDEX_OK);
    static const char *const words[] = {"nestlé", "société", "škoda", "\xff\xfe", NULL};
    put_doc(db, "u", words);
    assert_int_equal(nx_xdb_close(db, &err), NEWSDEX_OK);
    assert_int_equal(nx_xdb_open_readonly(f->db, &db, &err), NEWSDEX_OK);
    expect_ids(db, term("nestlé", 0), "u");
    expect_ids(db, term("nestle", 0), "");
    expect_ids(db, term("\xff\xfe", 0), "u");
    assert_int_equal(nx_xdb_close(db, &err), NEWSDEX_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_readonly_missing_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_readonly_empty_dir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_public_db_open_missing_says_no_index, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_open_writable_creates_empty_index, setup, teardown),
        cmocka_unit_test(test_close_null_is_ok),
        cmocka_unit_test_setup_teardown(test_open_writable_twice_same_process_locked, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_open_writable_locked_by_other_process, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_public_writer_open_twice_same_process, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_public_writer_open_locked_by_other_process, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_glass_files_garbage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_glass_files_truncated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_glass_files_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_iamglass_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_iamglass_of_real_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_public_db_open_corrupt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replace_by_unique_term_keeps_count, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_commits_writer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_term_too_long_is_an_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_term_in_query_does_not_crash, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_through_readonly_handle_fails, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_query_term_and_or, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_phrase_and_near, setup, teardown),
        cmocka_unit_test_setup_teardown(test_match_all_nothing_scale, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_paging_and_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ranking_prefers_more_matching_terms, setup,
                                        teardown),
        cmocka_unit_test(test_describe),
        cmocka_unit_test_setup_teardown(test_utf8_and_binary_terms, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
