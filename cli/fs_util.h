/* Directory work of the commands that rebuild an index beside itself and
 * swap it in (`newsdex index --jobs`, `newsdex compact`): where the index
 * and its parent are, a temporary directory ".NAME<infix>XXXXXX" beside
 * it (made, and removed with everything in it, also when a run killed
 * outright left it), and the atomic exchange of two names. */
#ifndef NX_FS_UTIL_H
#define NX_FS_UTIL_H

#include <stddef.h>

#define NX_FS_PATH_CAP 4096

/* An index directory and its parent, where the temporary directory goes. */
typedef struct nx_fs_place {
    char dir[NX_FS_PATH_CAP];    /* the index directory, symbolic links resolved */
    char parent[NX_FS_PATH_CAP]; /* its parent directory */
    const char *base;            /* its name in parent (points into dir) */
    int parent_fd;               /* parent, open; -1 when not */
} nx_fs_place;

/* Fills *p for real, a path realpath() returned, and opens its parent.
 * Returns 0; -1 if real is the root (nothing printed: the caller says
 * what it cannot do there); -2 if the parent does not open (printed). */
int nx_fs_place_at(nx_fs_place *p, const char *real);

/* Makes the temporary directory PARENT/.BASE<infix>XXXXXX (mkdtemp) into
 * path, of cap bytes. Returns an NX_EXIT_* status, having printed why not
 * (path is then ""). */
int nx_fs_make_tmp(const nx_fs_place *p, const char *infix, char *path, size_t cap);

/* Removes every directory beside the index named as nx_fs_make_tmp names
 * them: left by runs killed outright, and stale, since the caller holds
 * the index's writer lock, which every run holds until its temporary
 * directory is gone. Says what it removed, or could not ("left by an
 * interrupted <what>"). */
void nx_fs_remove_stale(const nx_fs_place *p, const char *infix, const char *what);

/* Removes the directory `name` of `at` and everything in it, following no
 * symbolic link. Returns 0 (also when it is not there), or -1 with errno
 * of the first failure. */
int nx_fs_remove_tree(int at, const char *name);

/* Swaps the names a (of directory a_fd) and b (of b_fd) in one step: each
 * reader sees one or the other. Returns 0, or -1 with errno (ENOSYS, EINVAL
 * where the system or the file system cannot). */
int nx_fs_exchange(int a_fd, const char *a, int b_fd, const char *b);

#endif
