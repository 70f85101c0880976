/* Unit tests for engine/xapian/glass_version.h: a writer stores article
 * records as given instead of having Xapian deflate them again, from the
 * first open and again after a compaction; the switch is made only under
 * Xapian's lock, and a version file it does not recognise is left byte for
 * byte as it was. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
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
#include "../../engine/xapian/glass_version.h"
#include "../../engine/xapian/xapian_compact.h"
#include "../../engine/xapian/xdb.h"
#include "../../engine/xapian/xsearch.h"
#include "scratch_dir.h"

typedef struct fixture {
    char dir[64];
    char db[128];   /* dir/db */
    char copy[128]; /* dir/copy: a compaction's output */
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    if (scratch_dir_make(f->dir, sizeof f->dir, "nx-glass-version") != 0) {
        free(f);
        return -1;
    }
    snprintf(f->db, sizeof f->db, "%s/db", f->dir);
    snprintf(f->copy, sizeof f->copy, "%s/copy", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    scratch_dir_remove(f->dir);
    free(f);
    return 0;
}

/* Records that zlib shrinks to almost nothing: RECORDS of RECORD_BYTES. */
enum { RECORDS = 24, RECORD_BYTES = 6000 };

static void add_records(const char *path)
{
    nx_error err;
    nx_error_clear(&err);
    nx_xdb *db = NULL;
    assert_int_equal(nx_xdb_open_writable(path, &db, &err), NEWSDEX_OK);
    char *record = malloc(RECORD_BYTES);
    assert_non_null(record);
    for (int i = 0; i < RECORDS; i++) {
        memset(record, 'a' + i, RECORD_BYTES);
        nx_xdoc *doc = NULL;
        assert_int_equal(nx_xdoc_new(&doc, &err), NEWSDEX_OK);
        assert_int_equal(nx_xdoc_add_posting(doc, "word", 1, 1, &err), NEWSDEX_OK);
        assert_int_equal(nx_xdoc_set_data(doc, record, RECORD_BYTES, &err), NEWSDEX_OK);
        assert_int_equal(nx_xdb_add(db, doc, &err), NEWSDEX_OK);
        nx_xdoc_free(doc);
    }
    free(record);
    assert_int_equal(nx_xdb_close(db, &err), NEWSDEX_OK);
}

static off_t file_size(const char *dir, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return st.st_size;
}

static size_t read_file(const char *dir, const char *name, char *buf, size_t cap)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    size_t n = fread(buf, 1, cap, fp);
    fclose(fp);
    return n;
}

static void write_file(const char *dir, const char *name, const char *buf, size_t len)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(buf, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

/* Every record reads back as written (each is one letter, repeated). */
static void expect_records(const char *path)
{
    nx_error err;
    nx_error_clear(&err);
    nx_xdb *db = NULL;
    assert_int_equal(nx_xdb_open_readonly(path, &db, &err), NEWSDEX_OK);
    nx_xquery *q = NULL;
    assert_int_equal(nx_xquery_match_all(&q, &err), NEWSDEX_OK);
    nx_xrank_params p = {.offset = 0, .limit = 2 * RECORDS,
                         .bm25 = {.k1 = 1, .k2 = 0, .k3 = 1, .b = 0.5, .min_normlen = 0.5}};
    nx_xresults *r = NULL;
    int settled = 0;
    assert_int_equal(nx_xdb_rank(db, q, &p, &r, &settled, &err), NEWSDEX_OK);
    size_t n = nx_xresults_count(r);
    assert_true(n > 0);
    unsigned seen = 0;
    for (size_t i = 0; i < n; i++) {
        double w;
        const char *data;
        size_t len;
        nx_xresults_get(r, i, &w, &data, &len);
        assert_int_equal(len, RECORD_BYTES);
        assert_true(data[0] >= 'a' && data[0] < 'a' + RECORDS);
        for (size_t k = 0; k < len; k++)
            if (data[k] != data[0])
                fail_msg("record %zu byte %zu changed", i, k);
        seen |= 1u << (data[0] - 'a');
    }
    assert_int_equal(seen, (1u << RECORDS) - 1);
    nx_xresults_free(r);
    nx_xquery_free(q);
    assert_int_equal(nx_xdb_close(db, &err), NEWSDEX_OK);
}

static void test_new_index_stores_records_as_given(void **state)
{
    fixture *f = *state;
    add_records(f->db);
    assert_int_equal(nx_glass_docdata_compression(f->db), NX_GLASS_RAW);
    /* Deflated, the records would fit in a block or two. */
    assert_true(file_size(f->db, "docdata.glass") >= (off_t)RECORDS * RECORD_BYTES);
    expect_records(f->db);
    /* Xapian's commits keep the setting. */
    add_records(f->db);
    assert_int_equal(nx_glass_docdata_compression(f->db), NX_GLASS_RAW);
}

/* The records in f->db, compacted into f->copy: Xapian lays the copy out
 * with its own defaults, so its records are deflated again. */
static void make_compacted_copy(const fixture *f)
{
    add_records(f->db);
    nx_error err;
    nx_error_clear(&err);
    assert_int_equal(nx_xdb_compact(f->db, f->copy, &err), NEWSDEX_OK);
}

static void test_compacted_index_is_switched_at_next_write(void **state)
{
    fixture *f = *state;
    make_compacted_copy(f);
    assert_int_equal(nx_glass_docdata_compression(f->copy), NX_GLASS_DEFLATED);
    expect_records(f->copy);
    nx_error err;
    nx_error_clear(&err);
    nx_xdb *db = NULL;
    assert_int_equal(nx_xdb_open_writable(f->copy, &db, &err), NEWSDEX_OK);
    assert_int_equal(nx_xdb_close(db, &err), NEWSDEX_OK);
    assert_int_equal(nx_glass_docdata_compression(f->copy), NX_GLASS_RAW);
    expect_records(f->copy);
    /* Nothing left beside the version file. */
    char tmp[256];
    snprintf(tmp, sizeof tmp, "%s/iamglass.newsdex-tmp", f->copy);
    assert_int_equal(access(tmp, F_OK), -1);
}

/* A child holding Xapian's lock the way Xapian does without
 * open-file-description locks: a process-associated fcntl lock on byte 0
 * of flintlock. */
typedef struct holder {
    pid_t pid;
    int release; /* closing it lets the child go */
} holder;

static holder hold_xapian_lock(const char *dir)
{
    int ready[2], release[2];
    assert_int_equal(pipe(ready), 0);
    assert_int_equal(pipe(release), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char path[256];
        snprintf(path, sizeof path, "%s/flintlock", dir);
        int fd = open(path, O_RDWR);
        struct flock fl;
        memset(&fl, 0, sizeof fl);
        fl.l_type = F_WRLCK;
        fl.l_whence = SEEK_SET;
        fl.l_start = 0;
        fl.l_len = 1;
        char ok = (fd >= 0 && fcntl(fd, F_SETLK, &fl) == 0) ? 'y' : 'n';
        close(release[1]);
        if (write(ready[1], &ok, 1) != 1)
            _exit(1);
        char c;
        while (read(release[0], &c, 1) > 0)
            ;
        _exit(0);
    }
    close(ready[1]);
    close(release[0]);
    char ok = 0;
    assert_int_equal(read(ready[0], &ok, 1), 1);
    close(ready[0]);
    assert_int_equal(ok, 'y');
    holder h = {pid, release[1]};
    return h;
}

static void let_go(holder h)
{
    close(h.release);
    int status = 0;
    assert_int_equal(waitpid(h.pid, &status, 0), h.pid);
}

static void test_locked_index_is_left_alone(void **state)
{
    fixture *f = *state;
    make_compacted_copy(f);
    char before[512], after[512];
    size_t n = read_file(f->copy, "iamglass", before, sizeof before);

    holder h = hold_xapian_lock(f->copy);
    assert_int_equal(nx_glass_store_docdata_raw(f->copy), 0);
    nx_error err;
    nx_error_clear(&err);
    nx_xdb *db = NULL;
    newsdex_status st = nx_xdb_open_writable(f->copy, &db, &err);
    if (st == NEWSDEX_OK)
        nx_xdb_close(db, NULL);
    let_go(h);
    assert_int_equal(st, NEWSDEX_ERR_LOCKED);
    assert_int_equal(read_file(f->copy, "iamglass", after, sizeof after), n);
    assert_memory_equal(before, after, n);
    assert_int_equal(nx_glass_docdata_compression(f->copy), NX_GLASS_DEFLATED);

    /* Once the lock is free, the rewrite happens. */
    assert_int_equal(nx_glass_store_docdata_raw(f->copy), 1);
    assert_int_equal(nx_glass_docdata_compression(f->copy), NX_GLASS_RAW);
    assert_int_equal(nx_glass_store_docdata_raw(f->copy), 0); /* already so */
    expect_records(f->copy);
}

/* A version file laid out otherwise than expected: not touched. */
static void expect_untouched(const fixture *f, const char *bytes, size_t len)
{
    write_file(f->copy, "iamglass", bytes, len);
    assert_int_equal(nx_glass_docdata_compression(f->copy), NX_GLASS_UNKNOWN);
    assert_int_equal(nx_glass_store_docdata_raw(f->copy), 0);
    char now[1024];
    assert_int_equal(read_file(f->copy, "iamglass", now, sizeof now), len);
    assert_memory_equal(now, bytes, len);
}

static void test_unrecognised_version_files_are_untouched(void **state)
{
    fixture *f = *state;
    make_compacted_copy(f);
    char good[512], bad[1024];
    size_t n = read_file(f->copy, "iamglass", good, sizeof good);
    assert_true(n > 40 && n < 256);

    for (size_t len = 0; len < n; len++) /* every truncation */
        expect_untouched(f, good, len);

    memcpy(bad, good, n); /* another magic */
    bad[3] = 'Q';
    expect_untouched(f, bad, n);

    memcpy(bad, good, n); /* another glass format version */
    bad[15] ^= 1;
    expect_untouched(f, bad, n);

    memcpy(bad, good, n); /* something after the statistics */
    bad[n] = 0;
    expect_untouched(f, bad, n + 1);

    memset(bad, 0x80, 300); /* longer than Xapian reads, numbers that never end */
    memcpy(bad, good, 32);
    expect_untouched(f, bad, 300);

    assert_int_equal(unlink(f->copy), -1); /* a directory: no version file at all */
    char missing[160];
    snprintf(missing, sizeof missing, "%s/none", f->dir);
    assert_int_equal(nx_glass_docdata_compression(missing), NX_GLASS_UNKNOWN);
    assert_int_equal(nx_glass_store_docdata_raw(missing), 0);

    /* The good file again: recognised. */
    write_file(f->copy, "iamglass", good, n);
    assert_int_equal(nx_glass_docdata_compression(f->copy), NX_GLASS_DEFLATED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_new_index_stores_records_as_given, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compacted_index_is_switched_at_next_write, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_locked_index_is_left_alone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unrecognised_version_files_are_untouched, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
