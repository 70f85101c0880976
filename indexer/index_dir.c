#include "index_dir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

#include "newsdex.h"
#include "../engine/error.h"
#include "../engine/xapian/xdb.h"

#define PID_FILE "newsdex.pid"
#define PATH_CAP 4096

static int join(char *buf, const char *dir, const char *name)
{
    return snprintf(buf, PATH_CAP, "%s/%s", dir, name) < PATH_CAP;
}

int nx_index_dir_write_pid(const char *dir)
{
    char tmp[PATH_CAP], final[PATH_CAP];
    if (!join(tmp, dir, PID_FILE ".tmp") || !join(final, dir, PID_FILE))
        return 0;
    FILE *f = fopen(tmp, "w");
    if (!f)
        return 0;
    int ok = fprintf(f, "%ld\n", (long)getpid()) > 0;
    ok &= fclose(f) == 0;
    ok = ok && rename(tmp, final) == 0; /* readers never see a half-written pid */
    if (!ok)
        remove(tmp);
    return ok;
}

void nx_index_dir_remove_pid(const char *dir)
{
    char path[PATH_CAP];
    if (join(path, dir, PID_FILE))
        remove(path);
}

long nx_index_dir_lock_holder(const char *dir)
{
    char path[PATH_CAP];
    long pid = 0;
    FILE *f = join(path, dir, PID_FILE) ? fopen(path, "r") : NULL;
    if (!f)
        return 0;
    if (fscanf(f, "%ld", &pid) != 1)
        pid = 0;
    fclose(f);
    if (pid <= 0 || pid == (long)getpid() || (kill((pid_t)pid, 0) != 0 && errno != EPERM))
        return 0;
    return pid;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Files glass writes while creating an index (tables, the version file
 * before its rename to "iamglass", the lock) plus our pid file. */
static int is_creation_file(const char *name)
{
    return !strcmp(name, "flintlock") || !strcmp(name, "v.tmp") || !strcmp(name, PID_FILE) ||
           ends_with(name, ".glass") || ends_with(name, ".tmp");
}

/* 1 if the directory holds only creation files and no "iamglass". */
static int looks_unfinished(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int unfinished = d != NULL, any = 0;
    while (unfinished && (e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        any = 1;
        unfinished = is_creation_file(e->d_name);
    }
    if (d)
        closedir(d);
    return unfinished && any;
}

/* Someone holds Xapian's lock (an fcntl lock on flintlock, which F_GETLK
 * sees whether it is a classic or an open-file-description lock). */
static int lock_held(const char *dir)
{
    char path[PATH_CAP];
    int fd = join(path, dir, "flintlock") ? open(path, O_RDWR) : -1;
    if (fd < 0)
        return errno != ENOENT;
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    int held = fcntl(fd, F_GETLK, &fl) != 0 || fl.l_type != F_UNLCK;
    close(fd);
    return held;
}

static void remove_creation_files(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[PATH_CAP];
    while (d && (e = readdir(d)) != NULL)
        if (is_creation_file(e->d_name) && join(path, dir, e->d_name))
            remove(path);
    if (d)
        closedir(d);
}

int nx_index_dir_clear_unfinished(const char *dir)
{
    char version[PATH_CAP];
    if (!join(version, dir, "iamglass") || access(version, F_OK) == 0 || errno != ENOENT)
        return 0;
    if (!looks_unfinished(dir) || lock_held(dir))
        return 0;
    remove_creation_files(dir);
    return 1;
}

/* The files of a finished index too: its version file. */
static int is_index_file(const char *name)
{
    return is_creation_file(name) || !strcmp(name, "iamglass");
}

static newsdex_status remove_index_files(const char *dir, nx_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return nx_error_set(err, NEWSDEX_ERR_IO, "cannot read %s: %s", dir, strerror(errno));
    struct dirent *e;
    char path[PATH_CAP];
    newsdex_status st = NEWSDEX_OK;
    while ((e = readdir(d)) != NULL)
        if (is_index_file(e->d_name) && join(path, dir, e->d_name) && remove(path) != 0 &&
            st == NEWSDEX_OK)
            st = nx_error_set(err, NEWSDEX_ERR_IO, "cannot remove %s: %s", path, strerror(errno));
    closedir(d);
    return st;
}

static newsdex_status remove_empty(const char *path, int keep_directory, nx_error *err)
{
    if (!path)
        return nx_error_set(err, NEWSDEX_ERR_INVALID, "path is NULL");
    if (lock_held(path))
        return nx_error_set(err, NEWSDEX_ERR_LOCKED, "index %s is locked by a writer", path);
    nx_xdb *db = NULL;
    uint64_t articles = 0;
    newsdex_status st = nx_xdb_open_readonly(path, &db, err);
    if (st == NEWSDEX_OK)
        st = nx_xdb_doccount(db, &articles, err);
    nx_xdb_close(db, NULL);
    if (st != NEWSDEX_OK)
        return st;
    if (articles)
        return nx_error_set(err, NEWSDEX_ERR_INVALID, "index %s holds %llu articles: kept", path,
                            (unsigned long long)articles);
    st = remove_index_files(path, err);
    if (st == NEWSDEX_OK && !keep_directory && rmdir(path) != 0 && errno != ENOTEMPTY &&
        errno != EEXIST)
        st = nx_error_set(err, NEWSDEX_ERR_IO, "cannot remove %s: %s", path, strerror(errno));
    return st;
}

newsdex_status newsdex_index_remove_empty(const char *path, int keep_directory,
                                          char **error_message)
{
    nx_error err;
    nx_error_clear(&err);
    newsdex_status st = remove_empty(path, keep_directory, &err);
    if (error_message)
        *error_message = st == NEWSDEX_OK ? NULL : strdup(err.message);
    return st;
}
