#define _DEFAULT_SOURCE /* flock */
#include "shard_archive.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index_dir.h"

#define PATH_CAP 4096
#define LOCK_FILE "newsdex.lock"

static int join(char *buf, const char *dir, const char *name)
{
    return snprintf(buf, PATH_CAP, "%s/%s", dir, name) < PATH_CAP;
}

static int is_arrival_name(const char *name)
{
    return !strcmp(name, NX_ARCHIVE_MAIN_A) || !strcmp(name, NX_ARCHIVE_MAIN_B) ||
           !strcmp(name, NX_ARCHIVE_RECENT);
}

static int is_year_name(const char *name)
{
    if (!strcmp(name, NX_ARCHIVE_UNDATED))
        return 1;
    for (int i = 0; i < 4; i++)
        if (name[i] < '0' || name[i] > '9')
            return 0;
    return name[4] == '\0';
}

int nx_archive_is_shard_name(const char *name)
{
    return is_year_name(name) || is_arrival_name(name);
}

/* Whether name is a shard of an archive of that kind. */
static int name_fits(nx_archive_kind kind, const char *name)
{
    return kind == NX_ARCHIVE_ARRIVAL ? is_arrival_name(name) : is_year_name(name);
}

int nx_archive_kind_is_archive(nx_archive_kind kind)
{
    return kind == NX_ARCHIVE_YEARS || kind == NX_ARCHIVE_ARRIVAL;
}

nx_archive_kind nx_archive_kind_for(newsdex_shard_by by)
{
    return by == NEWSDEX_SHARD_BY_YEAR      ? NX_ARCHIVE_YEARS
           : by == NEWSDEX_SHARD_BY_ARRIVAL ? NX_ARCHIVE_ARRIVAL
                                            : NX_ARCHIVE_OTHER;
}

static const char *shard_by_word(newsdex_shard_by by)
{
    return by == NEWSDEX_SHARD_BY_ARRIVAL ? "arrival" : "year";
}

/* ---- Lists of names ---- */

void nx_shard_names_free(nx_shard_names *l)
{
    free(l->names);
    memset(l, 0, sizeof *l);
}

int nx_shard_names_add(nx_shard_names *l, const char *name)
{
    size_t at = 0;
    while (at < l->n && strcmp(l->names[at], name) < 0)
        at++;
    if (at < l->n && !strcmp(l->names[at], name))
        return 0;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        void *grown = realloc(l->names, cap * sizeof *l->names);
        if (!grown)
            return -1;
        l->names = grown;
        l->cap = cap;
    }
    memmove(l->names + at + 1, l->names + at, (l->n - at) * sizeof *l->names);
    snprintf(l->names[at], NX_ARCHIVE_NAME_MAX, "%s", name);
    l->n++;
    return 0;
}

int nx_shard_names_equal(const nx_shard_names *a, const nx_shard_names *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->names[i], b->names[i]))
            return 0;
    return 1;
}

/* ---- What a path holds ---- */

/* The first line of the stub marks an archive newsdex keeps, and says
 * which kind: NX_ARCHIVE_STUB_FILE for any other stub. */
static nx_archive_kind stub_kind(const char *file)
{
    char line[128] = "";
    FILE *f = fopen(file, "r");
    if (!f)
        return NX_ARCHIVE_STUB_FILE;
    nx_archive_kind kind = NX_ARCHIVE_STUB_FILE;
    size_t n = strlen(NX_ARCHIVE_MARKER);
    if (fgets(line, sizeof line, f) && !strncmp(line, NX_ARCHIVE_MARKER, n)) {
        line[strcspn(line, "\r\n")] = '\0';
        kind = !strcmp(line + n, "year")      ? NX_ARCHIVE_YEARS
               : !strcmp(line + n, "arrival") ? NX_ARCHIVE_ARRIVAL
                                              : NX_ARCHIVE_STUB_FILE;
    }
    fclose(f);
    return kind;
}

/* Files a writer of the archive leaves while creating it: an archive
 * killed before its first stub is still empty. */
static int is_archive_creation_file(const char *name)
{
    return !strcmp(name, LOCK_FILE) || !strcmp(name, "newsdex.pid") ||
           !strcmp(name, "newsdex.pid.tmp") || !strcmp(name, NX_ARCHIVE_STUB ".tmp");
}

nx_archive_kind nx_archive_kind_of(const char *path)
{
    struct stat st;
    char file[PATH_CAP];
    if (stat(path, &st) != 0)
        return errno == ENOENT ? NX_ARCHIVE_ABSENT : NX_ARCHIVE_OTHER;
    if (!S_ISDIR(st.st_mode))
        return NX_ARCHIVE_OTHER;
    if (join(file, path, NX_ARCHIVE_STUB) && stat(file, &st) == 0)
        return stub_kind(file);
    DIR *d = opendir(path);
    if (!d)
        return NX_ARCHIVE_OTHER;
    nx_archive_kind kind = NX_ARCHIVE_ABSENT;
    struct dirent *e;
    while (kind == NX_ARCHIVE_ABSENT && (e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
            is_archive_creation_file(e->d_name))
            continue;
        size_t n = strlen(e->d_name);
        kind = !strcmp(e->d_name, "iamglass") || !strcmp(e->d_name, "flintlock") ||
                       (n > 6 && !strcmp(e->d_name + n - 6, ".glass"))
                   ? NX_ARCHIVE_INDEX
                   : NX_ARCHIVE_OTHER;
    }
    closedir(d);
    return kind;
}

newsdex_status nx_archive_scan(const char *path, int complete, nx_shard_names *out,
                               nx_error *err)
{
    memset(out, 0, sizeof *out);
    nx_archive_kind kind = nx_archive_kind_of(path);
    DIR *d = opendir(path);
    if (!d)
        return nx_error_set(err, errno == ENOENT ? NEWSDEX_ERR_NOT_FOUND : NEWSDEX_ERR_IO,
                            "cannot list archive %s: %s", path, strerror(errno));
    struct dirent *e;
    char dir[PATH_CAP], version[PATH_CAP];
    struct stat st;
    newsdex_status status = NEWSDEX_OK;
    while (status == NEWSDEX_OK && (e = readdir(d)) != NULL) {
        if (!name_fits(kind, e->d_name) || !join(dir, path, e->d_name) ||
            stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        if (complete && (!join(version, dir, "iamglass") || access(version, F_OK) != 0))
            continue;
        if (nx_shard_names_add(out, e->d_name) < 0)
            status = nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory");
    }
    closedir(d);
    if (status != NEWSDEX_OK)
        nx_shard_names_free(out);
    return status;
}

/* ---- The stub ---- */

newsdex_status nx_archive_read_stub(const char *path, nx_shard_names *out, nx_error *err)
{
    memset(out, 0, sizeof *out);
    nx_archive_kind kind = nx_archive_kind_of(path);
    char file[PATH_CAP], line[256];
    FILE *f = join(file, path, NX_ARCHIVE_STUB) ? fopen(file, "r") : NULL;
    if (!f)
        return nx_error_set(err, errno == ENOENT ? NEWSDEX_ERR_NOT_FOUND : NEWSDEX_ERR_IO,
                            "cannot read %s: %s", file, strerror(errno));
    newsdex_status status = NEWSDEX_OK;
    for (unsigned long n = 1; status == NEWSDEX_OK && fgets(line, sizeof line, f); n++) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        const char *name = !strncmp(line, "auto ", 5) ? line + 5 : "";
        if (!name_fits(kind, name))
            status = nx_error_set(err, NEWSDEX_ERR_CORRUPT,
                                  "%s:%lu: \"%.60s\" names no shard of the archive", file, n,
                                  line);
        else if (nx_shard_names_add(out, name) < 0)
            status = nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory");
    }
    fclose(f);
    if (status != NEWSDEX_OK)
        nx_shard_names_free(out);
    return status;
}

static newsdex_status write_failed(nx_error *err, const char *file)
{
    int e = errno;
    return nx_error_set(err, e == ENOSPC || e == EDQUOT || e == EFBIG ? NEWSDEX_ERR_NOSPACE
                             : e == EACCES                           ? NEWSDEX_ERR_PERMISSION
                                                                     : NEWSDEX_ERR_IO,
                        "cannot write %s: %s", file, strerror(e));
}

static int sync_directory(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

newsdex_status nx_archive_write_stub(const char *path, newsdex_shard_by by,
                                     const nx_shard_names *names, nx_error *err)
{
    char tmp[PATH_CAP], final[PATH_CAP];
    if (!join(tmp, path, NX_ARCHIVE_STUB ".tmp") || !join(final, path, NX_ARCHIVE_STUB))
        return nx_error_set(err, NEWSDEX_ERR_INVALID, "path %.200s... is too long", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return write_failed(err, tmp);
    int ok = fprintf(f, "%s%s\n# Written by newsdex whenever its shards change: do not edit.\n",
                     NX_ARCHIVE_MARKER, shard_by_word(by)) > 0;
    for (size_t i = 0; ok && i < names->n; i++)
        ok = fprintf(f, "auto %s\n", names->names[i]) > 0;
    ok = ok && fflush(f) == 0 && fsync(fileno(f)) == 0;
    int saved = errno;
    ok &= fclose(f) == 0;
    if (!ok || rename(tmp, final) != 0) {
        if (ok)
            saved = errno;
        remove(tmp);
        errno = saved;
        return write_failed(err, final);
    }
    if (sync_directory(path) != 0)
        return write_failed(err, path);
    return NEWSDEX_OK;
}

newsdex_status nx_archive_remove_shard(const char *path, const char *name, nx_error *err)
{
    char dir[PATH_CAP], file[PATH_CAP];
    if (!join(dir, path, name))
        return nx_error_set(err, NEWSDEX_ERR_INVALID, "path %.200s... is too long", path);
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? NEWSDEX_OK
                               : nx_error_set(err, NEWSDEX_ERR_IO, "cannot list %s: %s", dir,
                                              strerror(errno));
    struct dirent *e;
    int failed = 0;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (!join(file, dir, e->d_name) || unlink(file) != 0)
            failed = errno ? errno : ENAMETOOLONG;
    }
    closedir(d);
    if (failed || rmdir(dir) != 0)
        return nx_error_set(err, NEWSDEX_ERR_IO, "cannot remove shard %s: %s", dir,
                            strerror(failed ? failed : errno));
    return sync_directory(path) == 0 ? NEWSDEX_OK
                                     : nx_error_set(err, NEWSDEX_ERR_IO, "cannot sync %s: %s",
                                                    path, strerror(errno));
}

/* ---- The lock ---- */

newsdex_status nx_archive_lock(const char *path, int *fd, nx_error *err)
{
    char file[PATH_CAP];
    *fd = -1;
    if (!join(file, path, LOCK_FILE))
        return nx_error_set(err, NEWSDEX_ERR_INVALID, "path %.200s... is too long", path);
    int f = open(file, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (f < 0)
        return nx_error_set(err, errno == EACCES ? NEWSDEX_ERR_PERMISSION : NEWSDEX_ERR_IO,
                            "cannot open %s: %s", file, strerror(errno));
    /* flock: held per open file, so a second writer in this process is
     * refused too, and released when the process dies however it dies. */
    if (flock(f, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        close(f);
        if (e != EWOULDBLOCK)
            return nx_error_set(err, NEWSDEX_ERR_IO, "cannot lock %s: %s", file, strerror(e));
        long pid = nx_index_dir_lock_holder(path);
        if (pid)
            return nx_error_set(err, NEWSDEX_ERR_LOCKED,
                                "index %s is locked by another writer (pid %ld)", path, pid);
        return nx_error_set(err, NEWSDEX_ERR_LOCKED, "index %s is locked by another writer",
                            path);
    }
    *fd = f;
    return NEWSDEX_OK;
}

void nx_archive_unlock(int fd)
{
    if (fd >= 0)
        close(fd); /* releases the flock */
}

/* ---- What the public API says about an archive ---- */

newsdex_status newsdex_index_shards(const char *path, newsdex_shard_by *by, char ***shards,
                                    size_t *count, char **error_message)
{
    nx_error err;
    nx_error_clear(&err);
    if (error_message)
        *error_message = NULL;
    if (shards)
        *shards = NULL;
    if (count)
        *count = 0;
    if (!path || !by) {
        nx_error_set(&err, NEWSDEX_ERR_INVALID, "newsdex_index_shards: %s is NULL",
                     !path ? "path" : "by");
        if (error_message)
            *error_message = nx_error_strdup(&err);
        return NEWSDEX_ERR_INVALID;
    }
    *by = NEWSDEX_SHARD_NONE;
    nx_archive_kind kind = nx_archive_kind_of(path);
    if (!nx_archive_kind_is_archive(kind))
        return NEWSDEX_OK;
    nx_shard_names names;
    newsdex_status st = nx_archive_read_stub(path, &names, &err);
    /* One block: the pointers, then the strings they point to. */
    size_t each = strlen(path) + 1 + NX_ARCHIVE_NAME_MAX;
    char **block = NULL;
    if (st == NEWSDEX_OK && shards &&
        !(block = malloc(names.n * (sizeof *block + each) + sizeof *block)))
        st = nx_error_set(&err, NEWSDEX_ERR_NOMEM, "out of memory");
    if (st != NEWSDEX_OK) {
        if (error_message)
            *error_message = nx_error_strdup(&err);
        return st;
    }
    *by = kind == NX_ARCHIVE_ARRIVAL ? NEWSDEX_SHARD_BY_ARRIVAL : NEWSDEX_SHARD_BY_YEAR;
    for (size_t i = 0; block && i < names.n; i++) {
        block[i] = (char *)(block + names.n) + i * each;
        snprintf(block[i], each, "%s/%s", path, names.names[i]);
    }
    if (shards)
        *shards = block;
    if (count)
        *count = names.n;
    nx_shard_names_free(&names);
    return NEWSDEX_OK;
}
