/* Removing a unit test's scratch directory and everything in it, without a
 * shell (no quoting of the name to get wrong). Header-only, static inline:
 * each tests/unit/test_*.c is one translation unit. */
#ifndef NEWSDEX_TESTS_UNIT_SCRATCH_DIR_H
#define NEWSDEX_TESTS_UNIT_SCRATCH_DIR_H

#include <dirent.h>
#include <stdio.h>
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

#endif
