/* nx_reader: picks a format from the file name (or --format) and forwards to
 * its vtable, so a new format is one new file and one table row. A
 * directory becomes a sorted list of files read one after another. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "reader.h"

#include "../engine/date.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

_Thread_local unsigned long long nx_reader_work_bytes;

unsigned long long nx_reader_work(void)
{
    return nx_reader_work_bytes;
}

/* Deeper than this is a bind-mount loop or a mistake, not an archive. */
#define WALK_DEPTH_MAX 64

/* One file of the input; error != 0 marks a directory that could not be
 * listed (is_dir), or an input file that cannot be read (a dangling symlink,
 * one that vanished, a FIFO or device): reported when its turn comes. */
typedef struct walk_entry {
    char *path;
    int error;
    int is_dir;
} walk_entry;

/* walk_entry.error for a file that is not a regular file. */
#define NOT_REGULAR (-1)

struct nx_reader {
    const nx_reader_format *forced;  /* --format, or NULL: by file name */
    const nx_reader_format *format;  /* the open file's format */
    void *state;                     /* the open file, or NULL */
    char *root;                      /* the path as given */
    walk_entry *files;
    size_t n_files, files_cap, next_file;
    int walk;                        /* root is a directory */
    int failed;                      /* the current file failed */
    int stopped;                     /* the stop flag was seen: nothing more */
    const volatile sig_atomic_t *stop;
    unsigned long long done_bytes;   /* bytes of the files already closed */
    nx_reader_passed *passed;        /* files read for nothing or passed over */
    size_t n_passed, passed_cap;
    unsigned long file_results;      /* results of the open file but its end */
    int file_noted;                  /* the open file's emptiness is noted */
    char *root_name;                 /* a directory's own name, leading its files' names */
    nx_encoding encoding;
    char *default_source, *default_date;
    nx_reader_invalid *invalid;      /* files with bytes replaced by U+FFFD */
    size_t n_invalid, invalid_cap;
    int invalid_noted;               /* the open file's replaced bytes are noted */
};

typedef struct suffix_format {
    const char *suffix;
    const nx_reader_format *format;
} suffix_format;

static const suffix_format formats[] = {
    {".jsonl", &nx_jsonl_format},  {".jsonl.gz", &nx_jsonl_format},
    {".ndjson", &nx_jsonl_format}, {".ndjson.gz", &nx_jsonl_format},
    {".json", &nx_jsonl_format},   {".json.gz", &nx_jsonl_format},
    {".sgm", &nx_sgml_format},     {".sgm.gz", &nx_sgml_format},
    {".txt", &nx_text_format},     {".txt.gz", &nx_text_format},
};

static const nx_reader_format *const named_formats[] = {&nx_jsonl_format, &nx_sgml_format,
                                                        &nx_text_format};

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* ASCII case-insensitive: "NEWS.JSONL" is as much JSON Lines as "news.jsonl". */
static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    if (k > n)
        return 0;
    for (size_t i = 0; i < k; i++)
        if (lower(s[n - k + i]) != suffix[i])
            return 0;
    return 1;
}

static const nx_reader_format *format_by_suffix(const char *path)
{
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (ends_with(path, formats[i].suffix))
            return formats[i].format;
    return NULL;
}

static char *copy_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    if (c)
        memcpy(c, s, n);
    return c;
}

/* ---- directory walk ------------------------------------------------ */

/* Takes ownership of @p path (freed on failure). */
static int add_entry(nx_reader *r, char *path, int error, int is_dir)
{
    if (r->n_files == r->files_cap) {
        size_t cap = r->files_cap ? r->files_cap * 2 : 16;
        walk_entry *grown = realloc(r->files, cap * sizeof *grown);
        if (!grown) {
            free(path);
            return 0;
        }
        r->files = grown;
        r->files_cap = cap;
    }
    r->files[r->n_files++] = (walk_entry){path, error, is_dir};
    return 1;
}

/* Note @p path (copied) as passed over for @p why; 0 when out of memory. */
static int note_passed(nx_reader *r, const char *path, const char *why)
{
    if (r->n_passed == r->passed_cap) {
        size_t cap = r->passed_cap ? r->passed_cap * 2 : 8;
        nx_reader_passed *grown = realloc(r->passed, cap * sizeof *grown);
        if (!grown)
            return 0;
        r->passed = grown;
        r->passed_cap = cap;
    }
    char *copy = copy_string(path);
    if (!copy)
        return 0;
    r->passed[r->n_passed++] = (nx_reader_passed){copy, why};
    return 1;
}

static char *join(const char *dir, const char *name)
{
    size_t d = strlen(dir), n = strlen(name);
    int slash = d > 0 && dir[d - 1] != '/';
    char *p = malloc(d + (size_t)slash + n + 1);
    if (p) {
        memcpy(p, dir, d);
        if (slash)
            p[d] = '/';
        memcpy(p + d + slash, name, n + 1);
    }
    return p;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static int push_name(char ***list, size_t *n, size_t *cap, const char *name)
{
    if (*n == *cap) {
        size_t grown_cap = *cap ? *cap * 2 : 32;
        char **grown = realloc(*list, grown_cap * sizeof *grown);
        if (!grown)
            return 0;
        *list = grown;
        *cap = grown_cap;
    }
    char *copy = copy_string(name);
    if (copy)
        (*list)[(*n)++] = copy;
    return copy != NULL;
}

/* The entries of @p dir but dot-files, sorted. Returns 1, or 0 if the
 * directory cannot be read (errno says why), or -1 when out of memory. */
static int list_dir(nx_reader *r, const char *dir, char ***names, size_t *count)
{
    *names = NULL;
    *count = 0;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.') { /* ".", "..", and hidden files alike */
            if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
                char *hidden = join(dir, de->d_name);
                int noted = hidden && note_passed(r, hidden, "hidden");
                free(hidden);
                if (!noted) {
                    closedir(d);
                    free_names(*names, *count);
                    return -1;
                }
            }
            continue;
        }
        if (!push_name(names, count, &cap, de->d_name)) {
            closedir(d);
            free_names(*names, *count);
            return -1;
        }
    }
    closedir(d);
    if (*count)
        qsort(*names, *count, sizeof **names, by_name);
    return 1;
}

static int collect(nx_reader *r, const char *dir, int depth);
static char *directory_name(const char *path);

/* Add @p path (owned) if it is an input file, or walk it if a directory.
 * Symlinks to files count; symlinks to directories are not followed, so a
 * walk cannot loop. A name that should be read (a known extension, or any
 * name under --format) but cannot be (vanished, a dangling symlink, not a
 * regular file) is an entry that fails in its turn: never skipped unsaid.
 * Returns 0 when out of memory. */
static int visit(nx_reader *r, char *path, int depth)
{
    struct stat st;
    int ok = lstat(path, &st) == 0;
    int error = ok ? 0 : errno;
    int linked = ok && S_ISLNK(st.st_mode);
    if (linked && !(ok = stat(path, &st) == 0))
        error = errno;
    if (ok && S_ISDIR(st.st_mode) && !linked) {
        if (depth >= WALK_DEPTH_MAX)
            return add_entry(r, path, ELOOP, 1);
        ok = collect(r, path, depth + 1);
        free(path);
        return ok;
    }
    if (!(r->forced || format_by_suffix(path)) || (ok && S_ISDIR(st.st_mode))) {
        /* not an input file, or a symlinked directory */
        int noted = note_passed(r, path,
                                ok && S_ISDIR(st.st_mode) ? "symbolic link to a directory"
                                                          : "unknown extension");
        free(path);
        return noted;
    }
    if (ok && !S_ISREG(st.st_mode))
        error = NOT_REGULAR;
    return add_entry(r, path, ok ? error : (error ? error : ENOENT), 0);
}

static int collect(nx_reader *r, const char *dir, int depth)
{
    char **names;
    size_t n;
    int listed = list_dir(r, dir, &names, &n);
    if (listed < 0)
        return 0;
    if (listed == 0) {
        int error = errno ? errno : EIO;
        char *copy = copy_string(dir);
        return copy && add_entry(r, copy, error, 1);
    }
    int ok = 1;
    for (size_t i = 0; ok && i < n; i++) {
        char *path = join(dir, names[i]);
        ok = path && visit(r, path, depth);
    }
    free_names(names, n);
    return ok;
}

static newsdex_status open_walk(nx_reader *r, nx_error *err)
{
    r->walk = 1;
    if (!(r->root_name = directory_name(r->root)))
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory opening \"%s\"", r->root);
    if (!collect(r, r->root, 0))
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory listing \"%s\"", r->root);
    if (r->n_files == 1 && r->files[0].error && strcmp(r->files[0].path, r->root) == 0)
        return nx_error_set(err, NEWSDEX_ERR_IO, "cannot read directory \"%s\": %s", r->root,
                            strerror(r->files[0].error));
    if (r->n_files == 0 && r->forced)
        return nx_error_set(err, NEWSDEX_ERR_IO, "cannot read \"%s\": %s with no files",
                            r->root, strerror(EISDIR));
    if (r->n_files == 0)
        return nx_error_set(err, NEWSDEX_ERR_IO,
                            "cannot read \"%s\": %s with no input files (.jsonl, .ndjson, "
                            ".json, .sgm, .txt, or any of them .gz)",
                            r->root, strerror(EISDIR));
    return NEWSDEX_OK;
}

/* ---- opening ------------------------------------------------------- */

/* The name a file's ids are made from, whatever way its path was typed:
 * in a directory walk ROOT_NAME/REL (REL the path under the directory
 * given, which the walk builds with single slashes), else the base name. */
static char *stable_name(const nx_reader *r, const char *path)
{
    if (!r->walk) {
        const char *slash = strrchr(path, '/');
        return copy_string(slash && slash[1] ? slash + 1 : path);
    }
    const char *rel = path + strlen(r->root);
    while (*rel == '/')
        rel++;
    return r->root_name[0] ? join(r->root_name, rel) : copy_string(rel);
}

/* A directory's own name: the last component of its real path ("" for
 * "/"), so "business", "./business/" and "/abs/business" agree. */
static char *directory_name(const char *path)
{
    char *real = realpath(path, NULL);
    const char *from = real ? real : path;
    size_t end = strlen(from);
    while (end > 0 && from[end - 1] == '/')
        end--;
    size_t start = end;
    while (start > 0 && from[start - 1] != '/')
        start--;
    char *name = malloc(end - start + 1);
    if (name) {
        memcpy(name, from + start, end - start);
        name[end - start] = '\0';
        if (!real && (!strcmp(name, ".") || !strcmp(name, "..")))
            name[0] = '\0';
    }
    free(real);
    return name;
}

static newsdex_status open_file(nx_reader *r, const walk_entry *e, nx_error *err)
{
    if (e->error && e->is_dir)
        return nx_error_set(err, NEWSDEX_ERR_IO, "cannot read directory \"%s\": %s", e->path,
                            strerror(e->error));
    if (e->error == NOT_REGULAR)
        return nx_error_set(err, NEWSDEX_ERR_IO,
                            "cannot read \"%s\": not a regular file (a FIFO, socket or device)",
                            e->path);
    if (e->error)
        return nx_error_set(err, NEWSDEX_ERR_IO, "cannot open \"%s\": %s", e->path,
                            strerror(e->error));
    const nx_reader_format *format = r->forced ? r->forced : format_by_suffix(e->path);
    if (strcmp(e->path, "-") == 0 && !r->forced)
        format = &nx_jsonl_format;
    if (!format)
        return nx_error_set(err, NEWSDEX_ERR_INVALID,
                            "cannot read \"%s\": unknown input format (expected .jsonl, .ndjson, "
                            ".json, .sgm or .txt, optionally .gz, or a directory; or give a "
                            "format)",
                            e->path);
    char *name = stable_name(r, e->path);
    if (!name)
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory opening \"%s\"", e->path);
    newsdex_status st = format->open(e->path, name, &r->state, err);
    free(name);
    if (st == NEWSDEX_OK) {
        r->format = format;
        format->set_stop(r->state, r->stop);
        nx_line_reader_set_encoding(format->lines(r->state), r->encoding);
    }
    else
        r->state = NULL;
    return st;
}

static newsdex_status format_named(const char *name, const nx_reader_format **out, nx_error *err)
{
    *out = NULL;
    if (!name || !name[0])
        return NEWSDEX_OK;
    for (size_t i = 0; i < sizeof named_formats / sizeof named_formats[0]; i++)
        if (strcmp(name, named_formats[i]->name) == 0) {
            *out = named_formats[i];
            return NEWSDEX_OK;
        }
    return nx_error_set(err, NEWSDEX_ERR_INVALID,
                        "unknown format \"%s\" (expected jsonl, sgml or text)", name);
}

static int is_directory(const char *path)
{
    struct stat st;
    return strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A single file is opened at once, so "cannot open" is an open error. */
static newsdex_status open_single(nx_reader *r, nx_error *err)
{
    char *copy = copy_string(r->root);
    if (!copy || !add_entry(r, copy, 0, 0))
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory opening \"%s\"", r->root);
    r->next_file = 1;
    return open_file(r, &r->files[0], err);
}

newsdex_status nx_reader_open_format(const char *path, const char *format, nx_reader **out,
                                     nx_error *err)
{
    *out = NULL;
    if (!path || !path[0])
        return nx_error_set(err, NEWSDEX_ERR_INVALID, "no input file given");
    const nx_reader_format *forced;
    newsdex_status st = format_named(format, &forced, err);
    if (st != NEWSDEX_OK)
        return st;
    nx_reader *r = calloc(1, sizeof *r);
    if (!r || !(r->root = copy_string(path))) {
        free(r);
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory opening \"%s\"", path);
    }
    r->forced = forced;
    st = is_directory(path) ? open_walk(r, err) : open_single(r, err);
    if (st != NEWSDEX_OK) {
        nx_reader_close(r);
        return st;
    }
    *out = r;
    return NEWSDEX_OK;
}

newsdex_status nx_reader_open(const char *path, nx_reader **out, nx_error *err)
{
    return nx_reader_open_format(path, NULL, out, err);
}

/* ---- reading ------------------------------------------------------- */

static void close_current(nx_reader *r)
{
    if (!r->state)
        return;
    r->done_bytes += r->format->bytes(r->state);
    r->format->close(r->state);
    r->state = NULL;
}

void nx_reader_set_stop(nx_reader *r, const volatile sig_atomic_t *stop)
{
    r->stop = stop;
    if (r->state)
        r->format->set_stop(r->state, stop);
}

static nx_read_result stopped(nx_reader *r, newsdex_article *article, nx_error *err)
{
    memset(article, 0, sizeof *article);
    r->stopped = 1;
    nx_error_set(err, NEWSDEX_ERR_IO, "reading stopped by a signal");
    return NX_READ_STOPPED;
}

/* Once per file, when its reading ends: how many bytes were replaced. */
static int note_invalid(nx_reader *r)
{
    if (r->invalid_noted || !r->state)
        return 1;
    r->invalid_noted = 1;
    unsigned long first = 0;
    unsigned long long bytes = nx_line_reader_invalid(r->format->lines(r->state), &first);
    if (!bytes)
        return 1;
    if (r->n_invalid == r->invalid_cap) {
        size_t cap = r->invalid_cap ? r->invalid_cap * 2 : 8;
        nx_reader_invalid *grown = realloc(r->invalid, cap * sizeof *grown);
        if (!grown)
            return 0;
        r->invalid = grown;
        r->invalid_cap = cap;
    }
    char *path = copy_string(nx_reader_current_path(r));
    if (!path)
        return 0;
    r->invalid[r->n_invalid++] = (nx_reader_invalid){path, first, bytes};
    return 1;
}

static void apply_defaults(const nx_reader *r, newsdex_article *a)
{
    if (a->deleted)
        return;
    if (r->default_source && (!a->source || !a->source[0]))
        a->source = r->default_source;
    if (r->default_date && (!a->date || !a->date[0]))
        a->date = r->default_date;
}

nx_read_result nx_reader_next(nx_reader *r, newsdex_article *article, nx_error *err)
{
    for (;;) {
        if (r->stopped || (r->stop && *r->stop)) { /* also between files of a walk */
            note_invalid(r);
            return stopped(r, article, err);
        }
        if (r->state && !(r->walk && r->failed)) {
            nx_read_result res = r->format->next(r->state, article, err);
            if (res == NX_READ_STOPPED) {
                note_invalid(r);
                return stopped(r, article, err);
            }
            if (res == NX_READ_ARTICLE)
                apply_defaults(r, article);
            if ((res == NX_READ_END || res == NX_READ_FAILED) && !note_invalid(r)) {
                nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory");
                r->failed = 1;
                return NX_READ_FAILED;
            }
            if (res != NX_READ_END)
                r->file_results++;
            else if (!r->file_results && !r->file_noted) {
                r->file_noted = 1;
                if (!note_passed(r, nx_reader_current_path(r), "empty")) {
                    nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory");
                    r->failed = 1;
                    return NX_READ_FAILED;
                }
            }
            r->failed = res == NX_READ_FAILED;
            if (res != NX_READ_END || !r->walk)
                return res; /* a single file keeps its own end and failure */
        }
        memset(article, 0, sizeof *article);
        if (!r->walk)
            return NX_READ_END; /* never opened: not reached after a good open */
        close_current(r);
        r->failed = 0;
        r->file_results = 0;
        r->file_noted = 0;
        r->invalid_noted = 0;
        if (r->next_file >= r->n_files)
            return NX_READ_END;
        if (open_file(r, &r->files[r->next_file++], err) != NEWSDEX_OK) {
            r->failed = 1;
            return NX_READ_FAILED;
        }
    }
}

void nx_reader_set_encoding(nx_reader *r, nx_encoding encoding)
{
    r->encoding = encoding;
    if (r->state && !r->file_results)
        nx_line_reader_set_encoding(r->format->lines(r->state), encoding);
}

static int replace_copy(char **slot, const char *value)
{
    char *copy = NULL;
    if (value && !(copy = copy_string(value)))
        return 0;
    free(*slot);
    *slot = copy;
    return 1;
}

newsdex_status nx_reader_set_defaults(nx_reader *r, const char *source, const char *date,
                                      nx_error *err)
{
    int64_t when;
    if (date && nx_date_parse_article(date, &when, err) != NEWSDEX_OK)
        return NEWSDEX_ERR_INVALID;
    if (!replace_copy(&r->default_source, source && source[0] ? source : NULL) ||
        !replace_copy(&r->default_date, date && date[0] ? date : NULL))
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory");
    return NEWSDEX_OK;
}

const char *nx_reader_warning(const nx_reader *r, unsigned long *line)
{
    if (line)
        *line = 0;
    if (!r || !r->state || !r->format->warning)
        return NULL;
    return r->format->warning(r->state, line);
}

size_t nx_reader_invalid_count(const nx_reader *r)
{
    return r ? r->n_invalid : 0;
}

const nx_reader_invalid *nx_reader_invalid_file(const nx_reader *r, size_t i)
{
    return r && i < r->n_invalid ? &r->invalid[i] : NULL;
}

int nx_reader_can_continue(const nx_reader *r)
{
    return r && r->walk && r->next_file < r->n_files;
}

const char *nx_reader_current_path(const nx_reader *r)
{
    if (!r)
        return "";
    return r->next_file > 0 ? r->files[r->next_file - 1].path : r->root;
}

unsigned long nx_reader_line(const nx_reader *r)
{
    return r && r->state ? r->format->line(r->state) : 0;
}

unsigned long long nx_reader_bytes(const nx_reader *r)
{
    if (!r)
        return 0;
    return r->done_bytes + (r->state ? r->format->bytes(r->state) : 0);
}

size_t nx_reader_passed_count(const nx_reader *r)
{
    return r ? r->n_passed : 0;
}

const nx_reader_passed *nx_reader_passed_file(const nx_reader *r, size_t i)
{
    return r && i < r->n_passed ? &r->passed[i] : NULL;
}

void nx_reader_close(nx_reader *r)
{
    if (!r)
        return;
    close_current(r);
    for (size_t i = 0; i < r->n_passed; i++)
        free(r->passed[i].path);
    free(r->passed);
    for (size_t i = 0; i < r->n_invalid; i++)
        free(r->invalid[i].path);
    free(r->invalid);
    free(r->root_name);
    free(r->default_source);
    free(r->default_date);
    for (size_t i = 0; i < r->n_files; i++)
        free(r->files[i].path);
    free(r->files);
    free(r->root);
    free(r);
}
