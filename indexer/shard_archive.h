/* An archive of shards on disk (newsdex_writer_open_sharded): a directory
 * holding one index per shard (by year: DIR/YYYY/ for a year, DIR/undated/;
 * by arrival: DIR/main-a/ or DIR/main-b/, the archive as last folded, and
 * DIR/recent/, what came since), a
 * Xapian stub file DIR/XAPIANDB listing the shards that exist, so that
 * every reader opens DIR as one index, and DIR/newsdex.lock, which the one
 * writer of the whole archive holds. The stub's first line marks it as an
 * archive newsdex keeps; it is only ever replaced whole (a temporary file
 * renamed over it), so a reader sees the old list or the new one. */
#ifndef NX_SHARD_ARCHIVE_H
#define NX_SHARD_ARCHIVE_H

#include <stddef.h>

#include "newsdex.h"
#include "../engine/error.h"

#define NX_ARCHIVE_STUB "XAPIANDB"
#define NX_ARCHIVE_MARKER "# newsdex archive of shards: shard-by "
#define NX_ARCHIVE_UNDATED "undated"
#define NX_ARCHIVE_RECENT "recent"
#define NX_ARCHIVE_MAIN_A "main-a"
#define NX_ARCHIVE_MAIN_B "main-b"
#define NX_ARCHIVE_NAME_MAX 16 /* a shard's name with its NUL */

/* What a path holds, for a writer about to open it. */
typedef enum nx_archive_kind {
    NX_ARCHIVE_ABSENT = 0,  /* nothing there (or an empty directory) */
    NX_ARCHIVE_YEARS = 1,   /* an archive of per-year shards */
    NX_ARCHIVE_ARRIVAL = 5, /* an archive of a folded main shard and a recent one */
    NX_ARCHIVE_INDEX = 2,   /* one index (or the leftovers of its creation) */
    NX_ARCHIVE_STUB_FILE = 3, /* a stub file (XAPIANDB) newsdex did not write */
    NX_ARCHIVE_OTHER = 4    /* a file, or a directory of other things */
} nx_archive_kind;

nx_archive_kind nx_archive_kind_of(const char *path);
/* Non-zero for either kind of archive. */
int nx_archive_kind_is_archive(nx_archive_kind kind);
/* The archive kind a newsdex_shard_by makes (NX_ARCHIVE_OTHER for none). */
nx_archive_kind nx_archive_kind_for(newsdex_shard_by by);

/* Non-zero for a shard's name: four digits (a year) or "undated" in an
 * archive by year; "main-a", "main-b" or "recent" by arrival. */
int nx_archive_is_shard_name(const char *name);

/* A sorted list of shard names: years in order, then "undated"; or the
 * main shard, then "recent". */
typedef struct nx_shard_names {
    char (*names)[NX_ARCHIVE_NAME_MAX];
    size_t n, cap;
} nx_shard_names;

void nx_shard_names_free(nx_shard_names *l);
/* Adds name (kept sorted, no duplicates); -1 when out of memory. */
int nx_shard_names_add(nx_shard_names *l, const char *name);
int nx_shard_names_equal(const nx_shard_names *a, const nx_shard_names *b);

/* The shard directories of the archive at path: with complete set, only
 * those holding a finished index (a Xapian version file), which a reader
 * can open. */
newsdex_status nx_archive_scan(const char *path, int complete, nx_shard_names *out,
                               nx_error *err);

/* The shards the archive's stub lists (NEWSDEX_ERR_NOT_FOUND without a
 * stub; NEWSDEX_ERR_CORRUPT for a line that names no shard). */
newsdex_status nx_archive_read_stub(const char *path, nx_shard_names *out, nx_error *err);

/* Replaces the stub with one listing names, atomically: written to
 * XAPIANDB.tmp, flushed, renamed over XAPIANDB, the directory flushed. */
newsdex_status nx_archive_write_stub(const char *path, newsdex_shard_by by,
                                     const nx_shard_names *names, nx_error *err);

/* Removes the shard directory path/name and the files in it (an index
 * directory holds no subdirectories). Only under the archive's lock, for a
 * shard the stub does not list. */
newsdex_status nx_archive_remove_shard(const char *path, const char *name, nx_error *err);

/* Takes the archive's writer lock (DIR/newsdex.lock, held until
 * nx_archive_unlock): NEWSDEX_ERR_LOCKED when another writer holds it. */
newsdex_status nx_archive_lock(const char *path, int *fd, nx_error *err);
void nx_archive_unlock(int fd);

#endif
