/* A unit test's scratch directory, the fixture the tests that write an index
 * share: scratch_dir_make() creates a fresh /tmp/NAME-XXXXXX (mkdtemp), and
 * scratch_dir_remove() removes it and everything in it, without a shell (no
 * quoting of the name to get wrong). Header-only, static inline: each
 * tests/unit/test_*.c is one translation unit.
 *
 *   typedef struct fixture { char dir[64]; ... } fixture;
 *   setup:    if (scratch_dir_make(f->dir, sizeof f->dir, "nx-mytest") != 0) ...
 *   teardown: scratch_dir_remove(f->dir);                                   */
#ifndef NEWSDEX_TESTS_UNIT_SCRATCH_DIR_H
#define NEWSDEX_TESTS_UNIT_SCRATCH_DIR_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* rm -r path, not following links; 0 when it is gone. */
static inline int remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return -1;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (!d)
            return -1;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            /* a path too long to build is left, so the rmdir below fails */
            char child[1024];
            int n = snprintf(child, sizeof child, "%s/%s", path, e->d_name);
            if (n > 0 && (size_t)n < sizeof child)
                remove_tree(child);
        }
        closedir(d);
        return rmdir(path);
    }
    return unlink(path);
}

/* A new empty directory /tmp/NAME-XXXXXX, its path in dir (size bytes);
 * 0 on success, -1 if it does not fit or mkdtemp() fails. */
static inline int scratch_dir_make(char *dir, size_t size, const char *name)
{
    int n = snprintf(dir, size, "/tmp/%s-XXXXXX", name);
    if (n < 0 || (size_t)n >= size)
        return -1;
    return mkdtemp(dir) ? 0 : -1;
}

/* Removes dir and all it holds; says so on standard error when it cannot.
 * 0 when it is gone. */
static inline int scratch_dir_remove(const char *dir)
{
    if (remove_tree(dir) == 0)
        return 0;
    fprintf(stderr, "could not remove %s\n", dir);
    return -1;
}

#endif
