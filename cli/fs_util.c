/* See fs_util.h. */
#define _GNU_SOURCE /* renameat2 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "commands.h"
#include "fs_util.h"

#define TMP_RANDOM 6 /* mkdtemp's XXXXXX */
/* Directories nested deeper than this are not removed: an index is flat,
 * the temporary directory of `index --jobs` holds indexes. */
#define REMOVE_DEPTH 8

int nx_fs_place_at(nx_fs_place *p, const char *real)
{
    p->parent_fd = -1;
    const char *slash = strrchr(real, '/');
    if (!slash || !slash[1] || strlen(real) >= sizeof p->dir)
        return -1;
    memcpy(p->dir, real, strlen(real) + 1);
    p->base = p->dir + (slash - real) + 1;
    snprintf(p->parent, sizeof p->parent, "%.*s", slash == real ? 1 : (int)(slash - real), real);
    p->parent_fd = open(p->parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (p->parent_fd < 0) {
        fprintf(stderr, "newsdex: cannot open %s: %s\n", p->parent, strerror(errno));
        return -2;
    }
    return 0;
}

int nx_fs_make_tmp(const nx_fs_place *p, const char *infix, char *path, size_t cap)
{
    if (snprintf(path, cap, "%s/.%s%sXXXXXX", p->parent, p->base, infix) >= (int)cap ||
        strlen(p->base) + 1 + strlen(infix) + TMP_RANDOM > NAME_MAX) {
        path[0] = '\0';
        fprintf(stderr, "newsdex: the index's name is too long for a temporary name beside it\n");
        return NX_EXIT_INDEX;
    }
    if (!mkdtemp(path)) {
        int e = errno;
        path[0] = '\0';
        fprintf(stderr, "newsdex: cannot create a temporary directory beside the index, in %s: %s\n",
                p->parent, strerror(e));
        return e == ENOSPC || e == EDQUOT ? NX_EXIT_NOSPACE : NX_EXIT_INDEX;
    }
    return NX_EXIT_OK;
}

/* 1 if name is one nx_fs_make_tmp gives for this index and infix. */
static int is_tmp_name(const nx_fs_place *p, const char *infix, const char *name)
{
    size_t base = strlen(p->base), n = strlen(infix);
    return name[0] == '.' && !strncmp(name + 1, p->base, base) &&
           !strncmp(name + 1 + base, infix, n) && strlen(name + 1 + base + n) == TMP_RANDOM;
}

void nx_fs_remove_stale(const nx_fs_place *p, const char *infix, const char *what)
{
    int fd = openat(p->parent_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return;
    }
    struct dirent *e;
    struct stat st;
    while ((e = readdir(d)) != NULL) {
        if (!is_tmp_name(p, infix, e->d_name) ||
            fstatat(p->parent_fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISDIR(st.st_mode))
            continue;
        if (nx_fs_remove_tree(p->parent_fd, e->d_name) == 0)
            fprintf(stderr, "newsdex: removed %s/%s, left by an interrupted %s\n", p->parent,
                    e->d_name, what);
        else
            fprintf(stderr, "newsdex: could not remove %s/%s, left by an interrupted %s: %s\n",
                    p->parent, e->d_name, what, strerror(errno));
    }
    closedir(d);
}

static int remove_tree(int at, const char *name, int depth)
{
    int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? 0 : -1;
    DIR *d = fdopendir(fd);
    if (!d) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    int failure = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (unlinkat(fd, e->d_name, 0) == 0 || errno == ENOENT)
            continue;
        if (errno == EISDIR && depth < REMOVE_DEPTH && remove_tree(fd, e->d_name, depth + 1) == 0)
            continue;
        if (!failure)
            failure = errno;
    }
    closedir(d);
    if (unlinkat(at, name, AT_REMOVEDIR) != 0 && errno != ENOENT && !failure)
        failure = errno;
    errno = failure;
    return failure ? -1 : 0;
}

int nx_fs_remove_tree(int at, const char *name)
{
    return remove_tree(at, name, 0);
}

/* glibc >= 2.28 declares renameat2 (and RENAME_EXCHANGE) in <stdio.h>;
 * older C libraries get the system call itself. */
int nx_fs_exchange(int a_fd, const char *a, int b_fd, const char *b)
{
#if defined(RENAME_EXCHANGE)
    return renameat2(a_fd, a, b_fd, b, RENAME_EXCHANGE);
#elif defined(SYS_renameat2)
    return (int)syscall(SYS_renameat2, a_fd, a, b_fd, b, 1u << 1 /* RENAME_EXCHANGE */);
#else
    (void)a_fd, (void)a, (void)b_fd, (void)b;
    errno = ENOSYS;
    return -1;
#endif
}
