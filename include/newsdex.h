/**
 * @file newsdex.h
 * @brief The public, embeddable C API of newsdex.
 *
 * Every call returns a ::newsdex_status. Calls that create a handle take a
 * `char **error_message` (set to a malloc'd message the caller frees, or NULL);
 * later errors are kept on the handle and read with the matching *_last_error().
 * The library never exits and never prints.
 *
 * NULL arguments: every function checks its handle and its required
 * pointers (including the name and values of a ::newsdex_list_field) and
 * returns NEWSDEX_ERR_INVALID for a NULL one, with a message on the handle
 * when the handle itself is not NULL; functions that return no status give
 * their neutral value instead (0, NULL, "" or -1, as each one says; a void
 * function does nothing). Out-of-range enum values and indexes are
 * NEWSDEX_ERR_INVALID too (or the neutral value, without a status). Output
 * pointers documented as "may be NULL" are optional. Closing or freeing the
 * same handle twice (newsdex_db_close(), newsdex_writer_close(),
 * newsdex_results_free(), ...) is the caller's bug: the behaviour is
 * undefined, as for free().
 *
 * Binary compatibility: a program built against this header keeps working
 * with every later libnewsdex.so.1. The objects (::newsdex_db,
 * ::newsdex_writer, ::newsdex_results, ...) are opaque handles. A struct
 * that the caller allocates and whose layout may grow starts with a
 * `size_t size` holding the caller's own sizeof of it; a later release
 * only appends members, each at or past the end (sizeof) of the layout
 * before, so the size tells which members the caller has. The library
 * reads a caller's struct only up to its size (members beyond it take
 * their defaults) and writes a result struct only up to its size. The
 * size is set for the caller by the init functions
 * (newsdex_search_options_init(), newsdex_article_init(),
 * NEWSDEX_ARTICLE_INIT) and passed by the getter macros
 * (newsdex_results_get(), newsdex_writer_get_counts(), ...), each of which
 * calls a `_sized` function with sizeof of the caller's struct. A size of 0
 * in a struct the caller fills (`= {0}`, designated initializers) means
 * the layout of this release (SOVERSION 1). ::newsdex_list_field, an
 * element of caller arrays, has a frozen layout.
 *
 * Threads: the library has no global state but the fatal-error hook
 * (newsdex_set_fatal_handler(), for the whole process). A handle
 * (::newsdex_db, ::newsdex_writer) holds its Xapian database, its caches
 * and its last error, so it must be used by one thread at a time (the
 * caller's lock, or one handle per thread); separate handles, even on the
 * same index, may be used in separate threads at once. A ::newsdex_results
 * does not refer to its handle: it may be read by several threads at once
 * (its getters change nothing) and freed by one, once they are done. Only
 * one writer may hold an index at a time, in any thread or process (the
 * lock is per index: newsdex_writer_open() gives NEWSDEX_ERR_LOCKED);
 * writers of different indexes may run in parallel.
 *
 * Build against the installed library with
 * `cc prog.c $(pkg-config --cflags --libs newsdex)`; `pkg-config --static`
 * adds the libraries that libnewsdex.a needs (see the README).
 */
#ifndef NEWSDEX_H
#define NEWSDEX_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Marks every function of the public API. The library is built with
 * hidden visibility, so these are the only symbols libnewsdex.so exports.
 */
#if defined(__GNUC__)
#define NEWSDEX_API __attribute__((visibility("default")))
#else
#define NEWSDEX_API
#endif

/* ------------------------------------------------------------------ */
/* Status and version                                                  */
/* ------------------------------------------------------------------ */

/** Result of every call. Numbers are stable and never reused. */
typedef enum newsdex_status {
    NEWSDEX_OK = 0,               /**< Success. */
    NEWSDEX_ERR_NOMEM = 1,        /**< Out of memory. */
    NEWSDEX_ERR_INVALID = 2,      /**< Invalid argument or invalid record. */
    NEWSDEX_ERR_NOT_FOUND = 3,    /**< Index (or item) does not exist. */
    NEWSDEX_ERR_LOCKED = 4,       /**< Index is locked by another writer. */
    NEWSDEX_ERR_CORRUPT = 5,      /**< Index files are corrupt. */
    NEWSDEX_ERR_VERSION = 6,      /**< Index format or schema version not supported. */
    NEWSDEX_ERR_MODIFIED = 7,     /**< Index changed under a reader; reopen. */
    NEWSDEX_ERR_IO = 8,           /**< Reading or writing files failed. */
    NEWSDEX_ERR_QUERY = 9,        /**< Query could not be understood. */
    NEWSDEX_ERR_NETWORK = 10,     /**< Remote index unreachable. */
    NEWSDEX_ERR_INTERNAL = 11,    /**< Unexpected internal error. */
    NEWSDEX_ERR_UNKNOWN = 12,     /**< Unknown exception crossed the boundary. */
    NEWSDEX_ERR_NOSPACE = 13,     /**< Disk full (or a file size or quota limit) while writing. */
    NEWSDEX_ERR_LIMIT = 14,       /**< A search went over a limit set with newsdex_db_limit(). */
    NEWSDEX_ERR_PERMISSION = 15   /**< No permission to read (or write) the index or a file of it. */
} newsdex_status;

/** A short English name for @p status ("out of memory", ...); "unknown status" for a
 *  value that is not a ::newsdex_status. Never NULL. */
NEWSDEX_API const char *newsdex_status_to_string(newsdex_status status);

/** Major version of this header: a new major version may break programs built before it
 *  (the soname, libnewsdex.so.MAJOR, changes with it). */
#define NEWSDEX_VERSION_MAJOR 1
/** Minor version of this header: additions that keep programs built before working. */
#define NEWSDEX_VERSION_MINOR 0
/** Patch version of this header: fixes only. */
#define NEWSDEX_VERSION_PATCH 0
/** "MAJOR.MINOR.PATCH" of this header. */
#define NEWSDEX_VERSION_STRING "1.0.0"

/**
 * Non-zero if this header is version @p major.@p minor.@p patch or later,
 * e.g. `#if NEWSDEX_CHECK_VERSION(1, 2, 0)`.
 */
#define NEWSDEX_CHECK_VERSION(major, minor, patch)                                          \
    (NEWSDEX_VERSION_MAJOR > (major) ||                                                     \
     (NEWSDEX_VERSION_MAJOR == (major) && NEWSDEX_VERSION_MINOR > (minor)) ||               \
     (NEWSDEX_VERSION_MAJOR == (major) && NEWSDEX_VERSION_MINOR == (minor) &&               \
      NEWSDEX_VERSION_PATCH >= (patch)))

/** "MAJOR.MINOR.PATCH" of the library running, which may be later than the header a
 *  program was built with. Never NULL. */
NEWSDEX_API const char *newsdex_version(void);

/* ------------------------------------------------------------------ */
/* Articles and the writer                                             */
/* ------------------------------------------------------------------ */

/** A named list of strings attached to an article (authors, topics, ...). Its layout is
 *  frozen: it is an element of caller arrays and never grows. */
typedef struct newsdex_list_field {
    const char *name;            /**< Field name, e.g. "topics". */
    const char *const *values;   /**< @p count UTF-8 strings. */
    size_t count;                /**< Number of values. */
} newsdex_list_field;

/**
 * One article as handed to the writer. Strings are UTF-8; NULL = absent.
 * Fill it from NEWSDEX_ARTICLE_INIT or newsdex_article_init(), or with
 * `= {0}` or designated initializers (@c size 0: this release's layout).
 */
typedef struct newsdex_article {
    size_t size;          /**< sizeof (newsdex_article) as the caller knows it, or 0 for
                               this release's layout; less than that layout is
                               NEWSDEX_ERR_INVALID. */
    const char *id;       /**< Required, unique, at most 200 bytes. */
    const char *title;    /**< Title; title or body is required. */
    const char *body;     /**< Body text. */
    const char *date;     /**< Date or date-time, or NULL: ISO 8601, "YYYY", "YYYY-MM",
                               RFC 2822 ("Wed, 10 Jan 2024 14:03:00 GMT"),
                               "10 January 2024" or "January 10, 2024". */
    const char *source;   /**< Publication name, or NULL. */
    const char *url;      /**< Link to the article, or NULL. */
    const newsdex_list_field *lists; /**< "authors", "topics", other filter lists. */
    size_t n_lists;       /**< Number of entries in @p lists. */
    int deleted;          /**< Non-zero: a deletion record; only @p id is used
                               and newsdex_writer_put() deletes that article. */
} newsdex_article;

/** An initializer for an empty ::newsdex_article with its size set:
 *  `newsdex_article a = NEWSDEX_ARTICLE_INIT;`. */
#define NEWSDEX_ARTICLE_INIT {sizeof(newsdex_article), 0, 0, 0, 0, 0, 0, 0, 0, 0}

/**
 * Zero the first @p size bytes of @p article and set its @c size to @p
 * size; call it through newsdex_article_init(), which passes sizeof. NULL,
 * or a @p size smaller than the @c size member: does nothing.
 */
NEWSDEX_API void newsdex_article_init_sized(newsdex_article *article, size_t size);

/** Empty @p article (a ::newsdex_article *) and set its size. */
#define newsdex_article_init(article) newsdex_article_init_sized((article), sizeof *(article))

/** What newsdex_writer_put() did with an article. */
typedef enum newsdex_put_outcome {
    NEWSDEX_PUT_ADDED = 0,     /**< The id was new. */
    NEWSDEX_PUT_REPLACED = 1,  /**< An article with this id was replaced. */
    NEWSDEX_PUT_UNCHANGED = 2, /**< Same content as the stored article (or a deletion
                                    of an id not in the index): nothing written. */
    NEWSDEX_PUT_DELETED = 3    /**< A deletion record removed the article. */
} newsdex_put_outcome;

/** An index opened for writing. Only one writer may hold an index at once. */
typedef struct newsdex_writer newsdex_writer;

/**
 * Open (creating if needed) the index in directory @p path for writing.
 * The index records its schema version with its first commit.
 * @return NEWSDEX_ERR_LOCKED if another writer holds it;
 *         NEWSDEX_ERR_PERMISSION if the directory or a file of the index is
 *         not readable and writable by this process (the message names it);
 *         NEWSDEX_ERR_VERSION if the index has a schema version newer than
 *         this library reads ("index DIR has schema version 3; this newsdex
 *         reads versions up to 2");
 *         NEWSDEX_ERR_INVALID if @p path is an archive of shards (open it with
 *         newsdex_writer_open_sharded()).
 */
NEWSDEX_API newsdex_status newsdex_writer_open(const char *path, newsdex_writer **writer,
                                               char **error_message);

/** How newsdex_writer_open_sharded() splits an archive into indexes. */
typedef enum newsdex_shard_by {
    NEWSDEX_SHARD_NONE = 0,     /**< One index: newsdex_writer_open(). */
    NEWSDEX_SHARD_BY_YEAR = 1,  /**< One index per year of the articles' dates (UTC). */
    NEWSDEX_SHARD_BY_ARRIVAL = 2 /**< The archive as last folded, and the articles
                                      added since (newsdex_writer_fold()). */
} newsdex_shard_by;

/**
 * Open (creating if needed) the archive in directory @p path for writing,
 * split as @p by says (NEWSDEX_SHARD_NONE: newsdex_writer_open()).
 *
 * NEWSDEX_SHARD_BY_YEAR: @p path holds one index per year, PATH/YYYY/,
 * named by the year of each article's date as newsdex_writer_put() reads
 * it, and one for articles without a date, PATH/undated/, each created
 * when its first article comes; and a Xapian stub file PATH/XAPIANDB
 * listing them, so that newsdex_db_open(), newsdex_index_stats() and
 * every reader open @p path as one index of every year. The stub is
 * replaced atomically (a new file renamed over it) once a new shard's
 * first commit is done, so it never names a shard that does not exist.
 * An article is in one shard only: when an article comes with another
 * year than the one it has (the same id, its date changed), it is
 * deleted from its old shard (committed at once), then written to the
 * new one, and counts as replaced. Batches are per shard (each commits
 * atomically); when the shards together hold more than four of Xapian's
 * flushes in memory (XAPIAN_FLUSH_THRESHOLD articles each, 1000 unless
 * set), the shard holding most commits its batch early, so input that
 * jumps between years takes the memory of about four writers. Each shard
 * keeps about 13 files open while written (6 while searched): past the
 * process's RLIMIT_NOFILE, the call that opens them fails with
 * NEWSDEX_ERR_IO and a message that says so. One writer holds the whole
 * archive (NEWSDEX_ERR_LOCKED); every other call works as for one index:
 * newsdex_writer_delete() and newsdex_writer_prune() cover every shard,
 * newsdex_writer_count() and the counts sum them, metadata goes to every
 * shard.
 *
 * NEWSDEX_SHARD_BY_ARRIVAL: @p path holds the archive as last folded,
 * PATH/main-a/ or PATH/main-b/, and the articles that came since,
 * PATH/recent/, listed in the same kind of stub. A new article goes to
 * the recent shard, so that adding a night's articles costs what adding
 * them to a small index costs, however large the main shard is; an
 * article either shard holds is replaced (or found unchanged) where it
 * is. newsdex_writer_fold() merges the two into a new main shard.
 * Searches see both shards as one index, slower than one folded
 * index while the recent shard exists. Every other call works as for an
 * archive by year. A directory the stub does not list (left by a writer
 * or a fold that was killed) is removed when a writer next opens the
 * archive: a shard is listed before any article is written to it.
 *
 * @return NEWSDEX_ERR_INVALID if @p path is one index (newsdex_writer_open()
 *         writes it), a stub file newsdex did not write, or a directory
 *         holding other things, or if @p by is not a ::newsdex_shard_by;
 *         NEWSDEX_ERR_LOCKED, NEWSDEX_ERR_PERMISSION, NEWSDEX_ERR_VERSION as
 *         for newsdex_writer_open() (newsdex_writer_open() on an archive gives
 *         NEWSDEX_ERR_INVALID).
 */
NEWSDEX_API newsdex_status newsdex_writer_open_sharded(const char *path, newsdex_shard_by by,
                                                       newsdex_writer **writer,
                                                       char **error_message);

/**
 * Fold the shards of an archive by arrival (NEWSDEX_SHARD_BY_ARRIVAL) into
 * one new main shard: what the writer has not committed is committed, the
 * shards are merged as newsdex_index_merge() merges (main first, then
 * recent; blocks fully packed, as newsdex_index_compact() packs them), the
 * result is checked to hold every article, the stub is replaced to list it
 * alone, and the old shards are removed. Readers see the old shards or the
 * new one, never both; a reader open across the fold reopens
 * (newsdex_db_reopen()). A fold killed half-way leaves the archive as it
 * was, and its partial shard is removed when a writer next opens it. With
 * only a main shard it is compacted. Article ids stay; internal document
 * ids may change (the recent shard's follow the main shard's).
 * @return NEWSDEX_ERR_INVALID for a NULL writer or one that is not of an
 *         archive by arrival; NEWSDEX_ERR_NOSPACE for a full disk (the
 *         archive stays as it was).
 */
NEWSDEX_API newsdex_status newsdex_writer_fold(newsdex_writer *writer);

/**
 * Whether @p path is an archive of shards (newsdex_writer_open_sharded()):
 * *by gets how it is split (NEWSDEX_SHARD_NONE for anything else: one
 * index, a missing path, ...) and *shards (may be NULL) one malloc'd block
 * (free() it) of *count (may be NULL) paths "PATH/NAME" of the shards the
 * archive's stub lists, oldest year first, "undated" last (by arrival: the
 * main shard, then "recent"; no paths, and NULL, for NEWSDEX_SHARD_NONE).
 * @return NEWSDEX_ERR_INVALID for a NULL path or by; NEWSDEX_ERR_CORRUPT for
 *         a stub that names something other than a shard.
 */
NEWSDEX_API newsdex_status newsdex_index_shards(const char *path, newsdex_shard_by *by,
                                                char ***shards, size_t *count,
                                                char **error_message);

/**
 * Add @p article, or replace the article with the same id.
 * An article whose date cannot be read (or is ambiguous, like
 * "03/04/2008") is added without a date, and newsdex_writer_last_warning()
 * says why; with newsdex_writer_set_strict_dates() it is invalid instead.
 * An invalid article (no id, no title and no body, a string that
 * is not valid UTF-8, a NULL list name or value, a @c size below this
 * release's layout, ...) gives NEWSDEX_ERR_INVALID and leaves the index
 * unchanged.
 *
 * A very large article (more than 1,000,000 words, or 200,000 distinct
 * terms) is still added and stored whole, but only its words up to that
 * bound (and the list values that fit) become searchable: the call succeeds
 * and newsdex_writer_last_warning() says what was left out.
 */
NEWSDEX_API newsdex_status newsdex_writer_put(newsdex_writer *writer,
                                              const newsdex_article *article,
                                              newsdex_put_outcome *outcome);

/**
 * Building ahead of the writer. newsdex_writer_put() validates and analyzes
 * an article, builds its document (terms, positions, stored copy), then
 * writes it. A ::newsdex_builder does the first part without writing to
 * the index, so a program can build the next articles on one thread while
 * another thread writes: newsdex_builder_build() then
 * newsdex_writer_put_built() does what newsdex_writer_put() does, with the
 * same status, outcome, counts, warnings and messages.
 *
 * A builder for an index that holds articles when the builder is made
 * reads that index, as last committed, on its own handle: an article the
 * index holds unchanged is then not built, only copied, and the writer
 * builds it itself in the rare case it has written another version of it
 * since. Into a new index every article is built.
 *
 * A builder is used by one thread at a time; it shares nothing with its
 * writer or with other builders. A ::newsdex_built is owned by whoever
 * holds it: newsdex_writer_put_built() takes it, newsdex_built_free()
 * drops it.
 */
typedef struct newsdex_builder newsdex_builder;
/** An article built by newsdex_builder_build(), ready for newsdex_writer_put_built(). */
typedef struct newsdex_built newsdex_built;

/**
 * A builder that builds as @p writer's newsdex_writer_put() does now
 * (its newsdex_writer_set_strict_dates() and
 * newsdex_writer_set_article_positions() settings are copied; later changes
 * to the writer do not reach the builder).
 * @return NEWSDEX_ERR_INVALID for a NULL argument; NEWSDEX_ERR_NOMEM.
 */
NEWSDEX_API newsdex_status newsdex_builder_new(const newsdex_writer *writer,
                                               newsdex_builder **builder);

/**
 * Validate and build @p article (which the call does not keep: its
 * strings may change once it returns). A deletion record is only copied.
 * @return NEWSDEX_ERR_INVALID, with newsdex_builder_last_error(), for an
 *         article newsdex_writer_put() would refuse; NEWSDEX_ERR_NOMEM.
 */
NEWSDEX_API newsdex_status newsdex_builder_build(newsdex_builder *builder,
                                                 const newsdex_article *article,
                                                 newsdex_built **built);

/** Message for the last failed call on @p builder ("" if none, and for NULL). */
NEWSDEX_API const char *newsdex_builder_last_error(const newsdex_builder *builder);

/** Free @p builder (NULL is allowed). */
NEWSDEX_API void newsdex_builder_free(newsdex_builder *builder);

/** Free a built article that will not be written (NULL is allowed). */
NEWSDEX_API void newsdex_built_free(newsdex_built *built);

/**
 * Write @p built (always taken, whatever the status) as newsdex_writer_put()
 * writes an article: added, replaced, unchanged or deleted, counted, with
 * newsdex_writer_last_warning() and newsdex_writer_last_error() set alike.
 */
NEWSDEX_API newsdex_status newsdex_writer_put_built(newsdex_writer *writer, newsdex_built *built,
                                                    newsdex_put_outcome *outcome);

/** Make every article put so far durable and visible to searchers. */
NEWSDEX_API newsdex_status newsdex_writer_commit(newsdex_writer *writer);

/** Number of articles in the index, as the writer sees it. */
NEWSDEX_API newsdex_status newsdex_writer_count(newsdex_writer *writer, uint64_t *count);

/** Message for the last failed call on @p writer ("" if none, and for NULL). */
NEWSDEX_API const char *newsdex_writer_last_error(const newsdex_writer *writer);

/**
 * Warning about the last successful newsdex_writer_put() on @p writer: ""
 * if the article was indexed whole (and for NULL), else which part of it is
 * not searchable because it reached a per-article bound (see
 * newsdex_writer_put()).
 */
NEWSDEX_API const char *newsdex_writer_last_warning(const newsdex_writer *writer);

/**
 * Number of articles put since @p writer was opened that were indexed only
 * in part (each one had a newsdex_writer_last_warning()).
 */
NEWSDEX_API newsdex_status newsdex_writer_truncated_count(const newsdex_writer *writer,
                                                          uint64_t *count);

/**
 * Non-zero @p strict: an article whose date cannot be read is invalid
 * (NEWSDEX_ERR_INVALID) instead of being added without a date. Off when
 * the writer is opened.
 */
NEWSDEX_API newsdex_status newsdex_writer_set_strict_dates(newsdex_writer *writer, int strict);

/**
 * Where @p writer puts the word positions that phrase and NEAR queries
 * need. Zero (the default when the writer is opened): in Xapian's
 * position table (index schema version 2). Non-zero: in each article's
 * stored document (schema version 3), which newsdex checks itself. That
 * table is ordered by word, then article, so each batch of articles is
 * merged into blocks all over it; stored documents are written in article
 * order: builds and nightly increments are faster and the index smaller,
 * but a phrase or NEAR query reads the stored document of every article
 * holding all its words, where Xapian reads each word's positions
 * together, so those queries are slower (several times, on large
 * indexes). A search with remote shards (xapian-tcpsrv) cannot check such
 * positions: a phrase or NEAR query there fails while any article of the
 * search keeps its own. An index of version 3 stays 3, and may hold both
 * kinds. Builders made by newsdex_builder_new() copy the setting.
 * @return NEWSDEX_ERR_INVALID for a NULL writer; NEWSDEX_ERR_NOMEM.
 */
NEWSDEX_API newsdex_status newsdex_writer_set_article_positions(newsdex_writer *writer,
                                                                int article);

/** Number of articles put since @p writer was opened that were added without their
 *  unreadable date (each one had a newsdex_writer_last_warning()). */
NEWSDEX_API newsdex_status newsdex_writer_undated_count(const newsdex_writer *writer,
                                                        uint64_t *count);

/** Commit, release the lock and free @p writer (NULL is allowed; closing it twice is not). */
NEWSDEX_API newsdex_status newsdex_writer_close(newsdex_writer *writer);

/* Batches: writes (added, replaced, deleted articles) are grouped in
 * batches that are committed atomically: after a crash the index holds
 * exactly the batches committed before it. An unchanged article writes
 * nothing. */

/** Default number of writes per atomic batch. Each commit writes out and
 * syncs every block the batch changed, so fewer commits build a large index
 * faster (60,000 articles: about a fifth less time than with 1000), while
 * a crash costs at most one batch of work to redo. */
#define NEWSDEX_WRITER_BATCH_DEFAULT 10000

/**
 * Commit automatically after every @p batch_size writes (default
 * NEWSDEX_WRITER_BATCH_DEFAULT). 0 commits only in newsdex_writer_commit()
 * and newsdex_writer_close(); everything in between is then one batch.
 */
NEWSDEX_API newsdex_status newsdex_writer_set_batch_size(newsdex_writer *writer,
                                                         size_t batch_size);

/**
 * Delete the article with @p id. *found (may be NULL) says whether it was
 * in the index; deleting an absent id is not an error.
 */
NEWSDEX_API newsdex_status newsdex_writer_delete(newsdex_writer *writer, const char *id,
                                                 int *found);

/** Return non-zero to keep the article with @p id (see newsdex_writer_prune()). */
typedef int (*newsdex_keep_fn)(const char *id, void *ctx);

/**
 * Commit, then delete every article for which @p keep returns 0, in
 * batches. *deleted (may be NULL) receives the number deleted.
 */
NEWSDEX_API newsdex_status newsdex_writer_prune(newsdex_writer *writer, newsdex_keep_fn keep,
                                                void *ctx, uint64_t *deleted);

/**
 * Store @p value under @p key with the index (Xapian user metadata), in the
 * current batch. Keys starting with "newsdex:" are reserved for newsdex:
 * such a key gives NEWSDEX_ERR_INVALID.
 */
NEWSDEX_API newsdex_status newsdex_writer_set_metadata(newsdex_writer *writer, const char *key,
                                                       const char *value);

/** What a writer has done since it was opened (newsdex_writer_get_counts()). */
typedef struct newsdex_writer_counts {
    size_t size;         /**< Bytes of this struct the library filled (the getter macros
                              pass the caller's sizeof). */
    uint64_t added;      /**< New articles. */
    uint64_t replaced;   /**< Replaced articles. */
    uint64_t unchanged;  /**< Articles (and deletions of absent ids) that needed no write. */
    uint64_t deleted;    /**< Deleted articles. */
    uint64_t pending;    /**< How many of the writes above are not committed yet. */
} newsdex_writer_counts;

/**
 * Work done since open, including the open batch (see @c pending), into
 * the first @p size bytes of @p counts; call it through
 * newsdex_writer_get_counts(), which passes sizeof. A batch that fails to
 * commit is dropped from the counts: after a successful
 * newsdex_writer_commit() they are exactly what the index holds.
 * NEWSDEX_ERR_INVALID for a @p size smaller than the @c size member.
 */
NEWSDEX_API newsdex_status newsdex_writer_get_counts_sized(const newsdex_writer *writer,
                                                           newsdex_writer_counts *counts,
                                                           size_t size);

/** Work done since open into *@p counts (a ::newsdex_writer_counts *). */
#define newsdex_writer_get_counts(writer, counts)                                           \
    newsdex_writer_get_counts_sized((writer), (counts), sizeof *(counts))

/**
 * Committed work only: what the index holds from this writer if the open
 * batch is lost (pending is 0). Reads no files, so it is safe to call while
 * reporting a fatal write failure. Call it through
 * newsdex_writer_get_committed_counts(), which passes sizeof.
 */
NEWSDEX_API newsdex_status newsdex_writer_get_committed_counts_sized(
    const newsdex_writer *writer, newsdex_writer_counts *counts, size_t size);

/** Committed work only into *@p counts (a ::newsdex_writer_counts *). */
#define newsdex_writer_get_committed_counts(writer, counts)                                 \
    newsdex_writer_get_committed_counts_sized((writer), (counts), sizeof *(counts))

/* ------------------------------------------------------------------ */
/* The database                                                        */
/* ------------------------------------------------------------------ */

/** An index opened read-only. */
typedef struct newsdex_db newsdex_db;

/**
 * Open the index in directory @p path read-only. NEWSDEX_ERR_PERMISSION if
 * it (or a file of it) is not readable; NEWSDEX_ERR_CORRUPT for a stub file
 * that names itself (directly or through other stub files) or nests them
 * more than 16 deep; NEWSDEX_ERR_VERSION if the index has a schema version
 * newer than this library reads ("index DIR has schema version 3; this
 * newsdex reads versions up to 2").
 */
NEWSDEX_API newsdex_status newsdex_db_open(const char *path, newsdex_db **db,
                                           char **error_message);

/**
 * Open several indexes read-only as one: a search ranks the articles of all
 * of them together (BM25 statistics are combined), and newsdex_db_count()
 * and newsdex_db_fields() cover them all. The indexes are not merged or
 * checked against each other: an id is unique in the results only if the
 * caller keeps every id in one index alone. With @p n == 1 this is
 * newsdex_db_open(paths[0], ...). The schema version is checked as the
 * combined index reports it (that of the first index).
 *
 * @param paths          @p n index directories (none may be NULL).
 * @param n              Number of directories, at least 1.
 * @param[out] db        The handle, or NULL on failure; free it with
 *                       newsdex_db_close().
 * @param[out] error_message  On failure, a malloc'd message naming the index
 *                       that could not be opened (may be NULL).
 * @return NEWSDEX_ERR_INVALID if @p n is 0 or a path is NULL;
 *         NEWSDEX_ERR_NOT_FOUND if an index does not exist;
 *         NEWSDEX_ERR_VERSION as for newsdex_db_open().
 */
NEWSDEX_API newsdex_status newsdex_db_open_many(const char *const *paths, size_t n,
                                                newsdex_db **db, char **error_message);

/** Default newsdex_db_open_options::shard_timeout_ms: 10 s. */
#define NEWSDEX_SHARD_TIMEOUT_MS_DEFAULT 10000

/** How newsdex_db_open_with() opens; fill with newsdex_db_open_options_init() first. */
typedef struct newsdex_db_open_options {
    size_t size;               /**< sizeof (newsdex_db_open_options) as the caller knows
                                    it (set by newsdex_db_open_options_init()). */
    uint32_t shard_timeout_ms; /**< Remote shards (tcp://HOST:PORT, "remote" lines of
                                    stub files): connecting, and each exchange during
                                    a search, give up after this many milliseconds;
                                    0: NEWSDEX_SHARD_TIMEOUT_MS_DEFAULT. */
    int partial;               /**< Non-zero: a remote shard that does not answer, at
                                    open or during a search, is left out and the
                                    search answers from the others, saying so
                                    (newsdex_results_missing_shard_count()). 0
                                    (default): the call fails with
                                    NEWSDEX_ERR_NETWORK, its message naming the
                                    shard. */
} newsdex_db_open_options;

/**
 * Set the first @p size bytes of @p options to the defaults and its @c size
 * to @p size; call it through newsdex_db_open_options_init(). NULL, or a
 * @p size smaller than the @c size member: does nothing.
 */
NEWSDEX_API void newsdex_db_open_options_init_sized(newsdex_db_open_options *options,
                                                    size_t size);

/** Set @p options (a ::newsdex_db_open_options *) to the defaults. */
#define newsdex_db_open_options_init(options)                                               \
    newsdex_db_open_options_init_sized((options), sizeof *(options))

/**
 * newsdex_db_open_many() with @p options (NULL: the defaults, which open
 * as newsdex_db_open_many() does). Each shard of the paths (a tcp:// name,
 * each line of a stub file) is opened apart; an error about a shard of a
 * stub file names the shard. With options->partial, NEWSDEX_ERR_NETWORK
 * only when no shard answers.
 */
NEWSDEX_API newsdex_status newsdex_db_open_with(const char *const *paths, size_t n,
                                                const newsdex_db_open_options *options,
                                                newsdex_db **db, char **error_message);

/** Number of articles in the index. */
NEWSDEX_API newsdex_status newsdex_db_count(newsdex_db *db, uint64_t *count);

/** Message for the last failed call on @p db ("" if none, and for NULL). */
NEWSDEX_API const char *newsdex_db_last_error(const newsdex_db *db);

/** Free @p db (NULL is allowed; closing it twice is not). Results from it must be freed first. */
NEWSDEX_API void newsdex_db_close(newsdex_db *db);

/**
 * The field names a query may use (FIELD:value): the built-in ones (title,
 * source, topic, place, company, author, id, date) then every other list
 * field found in the index, in byte order. *names is an array of *count
 * strings; free it with newsdex_fields_free().
 */
NEWSDEX_API newsdex_status newsdex_db_fields(newsdex_db *db, char ***names, size_t *count);

/** Free what newsdex_db_fields() returned (NULL is allowed). */
NEWSDEX_API void newsdex_fields_free(char **names, size_t count);

/* Limits on the work of one search: every newsdex_search(),
 * newsdex_similar() and newsdex_explain() on a handle runs within the
 * handle's limits. A call that would go over one stops and returns
 * NEWSDEX_ERR_LIMIT, with a message (newsdex_db_last_error) naming the
 * limit and its value, e.g. "the search went over NEWSDEX_LIMIT_TIME_MS
 * (10000 ms)"; it never returns partial counts or a partial page instead.
 * The defaults bound the time and memory of any request whatever its
 * text. */

/** What newsdex_db_limit() sets. Numbers are stable and never reused. */
typedef enum newsdex_limit {
    NEWSDEX_LIMIT_TIME_MS = 0,         /**< Milliseconds of wall-clock time per call,
                                            checked all along the search. */
    NEWSDEX_LIMIT_WILDCARD_TERMS = 1,  /**< Terms that all the wildcards of a query
                                            together may expand to (each wildcard
                                            counts its terms, at most its 1000 most
                                            frequent). */
    NEWSDEX_LIMIT_COUNTED_MATCHES = 2, /**< Matches a search may count: with facets or
                                            a histogram, every match is counted (more
                                            fail the search); without them, more make
                                            newsdex_results_total() a lower bound. */
    NEWSDEX_LIMIT_QUERY_TERMS = 3,     /**< Terms of the query after analysis (words,
                                            words of phrases, fields; a wildcard counts
                                            one). */
    NEWSDEX_LIMIT_DEPTH = 4            /**< How deep in the ranking a page may end:
                                            offset + limit. */
} newsdex_limit;

/** Number of ::newsdex_limit values. */
#define NEWSDEX_LIMITS 5

/** Default NEWSDEX_LIMIT_TIME_MS of a newly opened handle: 10 s. */
#define NEWSDEX_LIMIT_TIME_MS_DEFAULT 10000
/** Default NEWSDEX_LIMIT_WILDCARD_TERMS. */
#define NEWSDEX_LIMIT_WILDCARD_TERMS_DEFAULT 5000
/** Default NEWSDEX_LIMIT_COUNTED_MATCHES. */
#define NEWSDEX_LIMIT_COUNTED_MATCHES_DEFAULT 1000000
/** Default NEWSDEX_LIMIT_QUERY_TERMS. */
#define NEWSDEX_LIMIT_QUERY_TERMS_DEFAULT 1000
/** Default NEWSDEX_LIMIT_DEPTH (the web search's deepest page is 10000). */
#define NEWSDEX_LIMIT_DEPTH_DEFAULT 100000

/**
 * Set limit @p which of @p db to @p value when @p value >= 0 (0 turns the
 * limit off), or only read it when @p value < 0. Applies to every later
 * search, similar and explain on @p db.
 * @return The value the limit had before the call; -1 if @p db is NULL or
 *         @p which is not a ::newsdex_limit (nothing is set then).
 */
NEWSDEX_API int64_t newsdex_db_limit(newsdex_db *db, newsdex_limit which, int64_t value);

/**
 * Move @p db to the latest version of the index: what a writer committed
 * since it was opened (or last reopened) becomes visible. Cheap when nothing
 * changed, so a long-running searcher may call it before every search.
 * Results already returned stay valid. An index directory, a stub file or
 * a shard it names that was replaced since (a compaction swapped it, an
 * archive of shards gained a shard) is opened afresh by this call; one
 * that was deleted gives an error until it is back.
 */
NEWSDEX_API newsdex_status newsdex_db_reopen(newsdex_db *db);

/**
 * A number that changes whenever @p db moves to another version of the
 * index: newsdex_db_reopen() found new commits, or a search met a writer's
 * commit and reopened by itself. What @p db returns is the same while it
 * stays the same, so a long-running searcher can keep results (rendered
 * pages, say) under it and drop them when it changes. 0 for NULL.
 */
NEWSDEX_API uint64_t newsdex_db_generation(const newsdex_db *db);

/* ------------------------------------------------------------------ */
/* Searching                                                           */
/* ------------------------------------------------------------------ */

/** Order of the results (newsdex_search_options::sort). */
typedef enum newsdex_sort {
    NEWSDEX_SORT_RELEVANCE = 0, /**< Best match first (BM25; title words weigh more, words
                                     standing together rank higher); ties newest first. */
    NEWSDEX_SORT_DATE = 1,      /**< Newest first (undated last); ties best match first. */
    NEWSDEX_SORT_RECENT = 2     /**< Relevance blended with recency: each dated article
                                     gains the best match's score times
                                     2^(-age / half_life_days), in steps of an eighth of
                                     the half-life (none past eight half-lives), its age
                                     counted from the end of the query's date range
                                     (options->to, date:) or else from the newest
                                     article in the index; ties newest first. The same
                                     over remote shards. */
} newsdex_sort;

/** Matches over time (newsdex_search_options::histogram). */
typedef enum newsdex_histogram {
    NEWSDEX_HISTOGRAM_NONE = 0,  /**< No histogram (default). */
    NEWSDEX_HISTOGRAM_YEAR = 1,  /**< Matches per year ("YYYY"). */
    NEWSDEX_HISTOGRAM_MONTH = 2  /**< Matches per month ("YYYY-MM"). */
} newsdex_histogram;

/** Default newsdex_search_options::half_life_days. */
#define NEWSDEX_HALF_LIFE_DEFAULT 90.0

/** What to search for; fill with newsdex_search_options_init() first. */
typedef struct newsdex_search_options {
    size_t size;           /**< sizeof (newsdex_search_options) as the caller knows it (set
                                by newsdex_search_options_init()); 0: this release's
                                layout. */
    const char *query;     /**< Query in the newsdex query language. */
    uint32_t offset;       /**< Results to skip (default 0). */
    uint32_t limit;        /**< Results to return (default 10, at most 10000). */
    int snippets;          /**< Non-zero: make a snippet per result (default 1). */
    uint32_t snippet_chars;/**< Approximate snippet length (default 200). */
    const char *from;      /**< Only articles dated on or after this UTC day:
                                "YYYY", "YYYY-MM" or "YYYY-MM-DD" (its first
                                day); NULL (default) for no lower bound. */
    const char *to;        /**< Only articles dated on or before this UTC day
                                (the last day of a year or month); NULL
                                (default) for no upper bound. */
    int sort;              /**< A ::newsdex_sort (default NEWSDEX_SORT_RELEVANCE). */
    double half_life_days; /**< NEWSDEX_SORT_RECENT: age in days at which the recency
                                boost halves (default NEWSDEX_HALF_LIFE_DEFAULT). */
    int any;               /**< Non-zero: rank by any of the words, none required (for
                                natural-language queries); filters and exclusions still
                                apply. Default 0: every word is required. */
    int facets;            /**< Non-zero: count every match per source, topic and year
                                (exact; read with newsdex_results_facet_get()). */
    int histogram;         /**< A ::newsdex_histogram: count every match per year or month
                                (read with newsdex_results_histogram_get()). */
    int collapse;          /**< Non-zero: fold near-duplicates (same normalised title,
                                same day) into one hit; see newsdex_hit::collapsed. */
    int suggest;           /**< Non-zero (default): when few articles match, look for a
                                spelling suggestion (newsdex_results_suggestion()). */
    int correct;           /**< Non-zero (default; needs @c suggest): when no article has
                                every word of the query and the spelling suggestion's query
                                finds articles with all of its words, the results are the
                                suggestion's (newsdex_results_corrected()). This comes
                                before the any-word fallback (newsdex_results_relaxed()):
                                the query as typed with all its words, then the
                                correction with all its words, then the query as typed
                                with any word. 0: only suggest. */
} newsdex_search_options;

/**
 * Set the first @p size bytes of @p options to the defaults and its @c size
 * to @p size; call it through newsdex_search_options_init(), which passes
 * sizeof. NULL, or a @p size smaller than the @c size member: does nothing.
 */
NEWSDEX_API void newsdex_search_options_init_sized(newsdex_search_options *options,
                                                   size_t size);

/** Set @p options (a ::newsdex_search_options *) to the defaults (NULL: does nothing). */
#define newsdex_search_options_init(options)                                                \
    newsdex_search_options_init_sized((options), sizeof *(options))

/** A page of results. */
typedef struct newsdex_results newsdex_results;

/**
 * Run a search. On NEWSDEX_ERR_QUERY the message (newsdex_db_last_error)
 * says what in the query was wrong. Errors about the options name their
 * members, e.g. "options->from (2025) is after options->to (2024)".
 */
NEWSDEX_API newsdex_status newsdex_search(newsdex_db *db, const newsdex_search_options *options,
                                          newsdex_results **results);

/**
 * What a query means: *tree_text gets the parsed query as an S-expression,
 * e.g. (AND layoffs (FIELD source "Harbor Street Journal")), and
 * *xapian_text the Xapian query it became (options->from and ->to
 * included). Both are malloc'd; the caller frees them. Errors as for
 * newsdex_search(). The query language is documented in newsdex-query(7).
 */
NEWSDEX_API newsdex_status newsdex_explain(newsdex_db *db, const newsdex_search_options *options,
                                           char **tree_text, char **xapian_text);

/**
 * Articles most like the one with @p id (by the words that set it apart),
 * the article itself left out. options->query is ignored (may be NULL); the
 * other options apply. NEWSDEX_ERR_NOT_FOUND if no article has @p id.
 */
NEWSDEX_API newsdex_status newsdex_similar(newsdex_db *db, const char *id,
                                           const newsdex_search_options *options,
                                           newsdex_results **results);

/* ------------------------------------------------------------------ */
/* Results                                                             */
/* ------------------------------------------------------------------ */

/** One result; strings stay valid until the results are freed. */
typedef struct newsdex_hit {
    size_t size;           /**< Bytes of this struct the library filled (newsdex_results_get()
                                passes the caller's sizeof). */
    uint32_t rank;         /**< 1-based rank over the whole result list. */
    double score;          /**< BM25 relevance score. */
    const char *id;        /**< Article id. */
    const char *title;     /**< Title ("" if none). */
    const char *date;      /**< "YYYY-MM-DD" or "" if undated. */
    const char *source;    /**< Source ("" if none). */
    const char *url;       /**< URL ("" if none). */
    const char *snippet;   /**< Snippet ("" if snippets were off). */
    const size_t *snippet_marks; /**< 2 * n_snippet_marks byte offsets into @c snippet:
                                      bytes [marks[2i], marks[2i+1]) are a word that
                                      matches the query (any inflection). */
    size_t n_snippet_marks;      /**< Number of highlighted words in the snippet. */
    uint32_t collapsed;          /**< With newsdex_search_options::collapse: how many
                                      other matching articles (among the top matches
                                      folded) were folded into this one. */
} newsdex_hit;

/** Number of hits on this page (0 for NULL). */
NEWSDEX_API size_t newsdex_results_count(const newsdex_results *results);

/**
 * Number of articles in the whole index that match the query (the relaxed
 * query when newsdex_results_relaxed()): exact, whatever the page's offset
 * and limit (a limit of 0 included). When more articles match than the
 * handle's NEWSDEX_LIMIT_COUNTED_MATCHES, counting may stop past that limit:
 * the total is then a lower bound (more than the limit), and
 * newsdex_results_total_exact() says 0. 0 for NULL.
 */
NEWSDEX_API uint64_t newsdex_results_total(const newsdex_results *results);

/** 1 when newsdex_results_total() is exact, 0 when it is a lower bound (and for NULL). */
NEWSDEX_API int newsdex_results_total_exact(const newsdex_results *results);

/**
 * newsdex_results_total() less the near-duplicates folded into other hits
 * with newsdex_search_options::collapse (only among the top matches
 * compared, so an estimate of the folded list's length); without collapse
 * the same as newsdex_results_total(). 0 for NULL.
 */
NEWSDEX_API uint64_t newsdex_results_total_estimate(const newsdex_results *results);

/**
 * Read hit @p index (0-based, below newsdex_results_count(); NEWSDEX_ERR_INVALID if not)
 * into the first @p size bytes of @p hit; call it through newsdex_results_get(), which
 * passes sizeof. NEWSDEX_ERR_INVALID for a @p size smaller than the @c size member.
 */
NEWSDEX_API newsdex_status newsdex_results_get_sized(const newsdex_results *results,
                                                     size_t index, newsdex_hit *hit,
                                                     size_t size);

/** Read hit @p index into *@p hit (a ::newsdex_hit *). */
#define newsdex_results_get(results, index, hit)                                            \
    newsdex_results_get_sized((results), (index), (hit), sizeof *(hit))

/**
 * Non-zero if no article matched every word of the query, so the results
 * are ranked by any of the words instead (only for queries of two or more
 * words; filters and exclusions still apply). 0 for NULL.
 */
NEWSDEX_API int newsdex_results_relaxed(const newsdex_results *results);

/* Facets and the histogram count every match, not just the page (with
 * either, more matches than NEWSDEX_LIMIT_COUNTED_MATCHES fail the search). */

/** What newsdex_results_facet_get() counts. */
typedef enum newsdex_facet {
    NEWSDEX_FACET_SOURCE = 0, /**< Sources, as first written in the index. */
    NEWSDEX_FACET_TOPIC = 1,  /**< Topics as a topic: query matches them: lower case,
                                   accents and punctuation folded (an article counts
                                   once per topic). */
    NEWSDEX_FACET_YEAR = 2    /**< Years of the articles' dates ("YYYY", UTC). */
} newsdex_facet;

/** Number of distinct values counted for @p facet (0 unless options->facets, and 0 for
 *  NULL or a value that is not a ::newsdex_facet). */
NEWSDEX_API size_t newsdex_results_facet_count(const newsdex_results *results,
                                               newsdex_facet facet);

/**
 * How many matches have no value of @p facet: no source, no topic, or no
 * date (NEWSDEX_FACET_YEAR). Exact, like the other counts; the query
 * language cannot ask for these articles. 0 unless options->facets, and 0
 * for NULL or a value that is not a ::newsdex_facet.
 */
NEWSDEX_API uint64_t newsdex_results_facet_missing(const newsdex_results *results,
                                                   newsdex_facet facet);

/**
 * Value @p index of @p facet and how many matches have it. Sources and
 * topics come most frequent first (ties in byte order), years newest first.
 * *value stays valid until the results are freed. NEWSDEX_ERR_INVALID for
 * an unknown @p facet or an @p index at or past newsdex_results_facet_count().
 */
NEWSDEX_API newsdex_status newsdex_results_facet_get(const newsdex_results *results,
                                                     newsdex_facet facet, size_t index,
                                                     const char **value, uint64_t *count);

/**
 * Number of periods in the histogram (0 unless options->histogram): every
 * year ("YYYY") or month ("YYYY-MM") from the first to the last dated match,
 * in order, including those with no match. 0 for NULL.
 */
NEWSDEX_API size_t newsdex_results_histogram_count(const newsdex_results *results);

/** Period @p index of the histogram and its number of matches (NEWSDEX_ERR_INVALID for an
 *  @p index at or past newsdex_results_histogram_count()). */
NEWSDEX_API newsdex_status newsdex_results_histogram_get(const newsdex_results *results,
                                                         size_t index, const char **period,
                                                         uint64_t *count);

/**
 * A corrected query when few articles matched and a likelier spelling of
 * some word finds more (e.g. "layofs" gives "layoffs"), written with the
 * user's capitals ("Layofs" gives "Layoffs"); "" if none, when the results
 * are already the corrected query's (newsdex_results_corrected()), and for NULL.
 */
NEWSDEX_API const char *newsdex_results_suggestion(const newsdex_results *results);

/**
 * The corrected query these results are for, when newsdex_search_options::correct
 * searched for it instead of the query as typed (which matched nothing with all its
 * words); "" when the results are the query's own (and for NULL).
 */
NEWSDEX_API const char *newsdex_results_corrected(const newsdex_results *results);

/**
 * Results of newsdex_similar(): how many words it searched for (the stemmed
 * terms that best set the article apart); 0 for newsdex_search() results
 * and NULL.
 */
NEWSDEX_API size_t newsdex_results_similar_term_count(const newsdex_results *results);

/**
 * Word @p index of newsdex_similar()'s query, best first: *term, its stem as
 * indexed (e.g. "layoff" for "layoffs"), and *weight, how strongly it sets
 * the article apart (Xapian's expand weight; the articles found are then
 * ranked by BM25 over these words, as a search is). *term stays valid until
 * the results are freed. NEWSDEX_ERR_INVALID for NULL arguments or an
 * @p index at or past newsdex_results_similar_term_count().
 */
NEWSDEX_API newsdex_status newsdex_results_similar_term_get(const newsdex_results *results,
                                                            size_t index, const char **term,
                                                            double *weight);

/**
 * The page of results as one line of JSON (no newline), the shape that
 * `newsdex search --json` prints: {"query", "total" (newsdex_results_total()),
 * "total_exact", "total_estimate", "offset",
 * "relaxed", "results": [{"id", "score", "date", "source", "title", "url",
 * "snippet", "highlights", "collapsed" (with options->collapse)}...],
 * "suggestion" (if any), "corrected_query" and "original_query" (only when
 * the results are a correction's: newsdex_results_corrected() and @p query),
 * "facets" (with options->facets), "histogram" (with options->histogram),
 * "partial": true and "missing_shards" (names, when
 * newsdex_results_missing_shard_count() is not 0)}. @p query is echoed as "query" (NULL: "");
 * @p options must be those the search ran with. Invalid UTF-8 is repaired.
 * *json is malloc'd; the caller frees it.
 * @return NEWSDEX_ERR_INVALID for a NULL results, options or json.
 */
NEWSDEX_API newsdex_status newsdex_results_to_json(const newsdex_results *results,
                                                   const char *query,
                                                   const newsdex_search_options *options,
                                                   char **json);

/**
 * Number of shards left out of these results because they did not answer
 * (only on a handle opened with newsdex_db_open_options::partial): the
 * results, counts and totals then cover the other shards alone. 0 for a
 * complete answer and for NULL.
 */
NEWSDEX_API size_t newsdex_results_missing_shard_count(const newsdex_results *results);

/** Name of missing shard @p index (tcp://HOST:PORT, or a path); "" past the end or for NULL. */
NEWSDEX_API const char *newsdex_results_missing_shard(const newsdex_results *results,
                                                      size_t index);

/** Free @p results (NULL is allowed). */
NEWSDEX_API void newsdex_results_free(newsdex_results *results);

/* ------------------------------------------------------------------ */
/* One stored article, read by id                                     */
/* ------------------------------------------------------------------ */

/**
 * An article as the index stores it, with the words of a query marked
 * (newsdex_document_get()). The library allocates it and fills @c size
 * bytes: a caller built with an older header reads the members it knows.
 * Strings are UTF-8 ("" when absent) and stay valid until
 * newsdex_document_free().
 */
typedef struct newsdex_document {
    size_t size;              /**< sizeof (newsdex_document) as the library filled it. */
    const char *id;           /**< Article id. */
    const char *title;        /**< Title ("" if none). */
    const char *date;         /**< "YYYY-MM-DD" (UTC) or "" if undated. */
    const char *source;       /**< Source ("" if none). */
    const char *url;          /**< URL ("" if none). */
    const char *body;         /**< The whole body, as given to the writer ("" if none). */
    const char *const *topics;/**< The "topics" list, n_topics strings as written. */
    size_t n_topics;          /**< Number of @c topics. */
    const size_t *title_marks;/**< 2 * n_title_marks byte offsets into @c title: bytes
                                   [marks[2i], marks[2i+1]) are a word that matches the
                                   query (any inflection, as in snippets); ascending. */
    size_t n_title_marks;     /**< Number of marked words in @c title. */
    const size_t *body_marks; /**< The same for @c body. */
    size_t n_body_marks;      /**< Number of marked words in @c body. */
} newsdex_document;

/**
 * Read the article with @p id into a new *@p doc, its title and body
 * marked with the words of @p query (the newsdex query language; negated
 * words are not marked; NULL or "" marks nothing). NEWSDEX_ERR_NOT_FOUND
 * if no article has @p id; NEWSDEX_ERR_INVALID for a NULL db or doc or an
 * id that is not 1 to 200 bytes of UTF-8; NEWSDEX_ERR_QUERY (message as
 * for newsdex_search()) for a query that does not parse. Free *@p doc
 * with newsdex_document_free().
 */
NEWSDEX_API newsdex_status newsdex_document_get(newsdex_db *db, const char *id,
                                                const char *query, newsdex_document **doc);

/** Free @p doc (NULL is allowed). */
NEWSDEX_API void newsdex_document_free(newsdex_document *doc);

/* ------------------------------------------------------------------ */
/* Maintenance: statistics, checking, compaction, reading archives,    */
/* fatal errors                                                        */
/* ------------------------------------------------------------------ */

/**
 * Store @p json, a summary of the indexing run that @p writer is doing (a
 * JSON object, e.g. {"finished": ..., "added": ...}), with the index, in
 * the current batch. newsdex_index_stats() returns it as
 * newsdex_stats::last_run. NEWSDEX_ERR_INVALID for a NULL writer or json.
 */
NEWSDEX_API newsdex_status newsdex_writer_set_last_run(newsdex_writer *writer, const char *json);

/** How many articles have one value (a year, a source): see ::newsdex_stats. */
typedef struct newsdex_stats_count {
    const char *value;  /**< The year ("YYYY") or the source as first written. */
    uint64_t count;     /**< Number of articles with it. */
} newsdex_stats_count;

/**
 * What an index holds (newsdex_index_stats()). The caller allocates it;
 * newsdex_index_stats() passes its sizeof, sets @c size to it and fills
 * the members that fit in it. Strings and arrays stay valid until
 * newsdex_stats_free().
 */
typedef struct newsdex_stats {
    size_t size;                  /**< sizeof (newsdex_stats) as the caller knows it. */
    uint64_t articles;            /**< Number of articles. */
    uint64_t undated;             /**< Articles without a date. */
    char first_date[11];          /**< First day with an article, "YYYY-MM-DD" ("" if none). */
    char last_date[11];           /**< Last day with an article ("" if none). */
    uint64_t distinct_terms;      /**< Distinct terms in the index. */
    uint64_t size_bytes;          /**< Bytes of the files of the index directory (of an
                                       archive of shards: its own and its shards'). */
    const newsdex_stats_count *years; /**< Articles per year, oldest first. */
    size_t n_years;               /**< Entries in @c years. */
    const newsdex_stats_count *sources; /**< Articles per source, most first (ties in byte
                                             order of the source). */
    size_t n_sources;             /**< Entries in @c sources. */
    const char *last_run;         /**< What newsdex_writer_set_last_run() stored last (JSON
                                       text), or NULL if nothing was. */
    void *internal;               /**< The library's (what newsdex_stats_free() frees). */
    size_t n_missing_shards;      /**< Remote shards left out because they did not answer
                                       (newsdex_index_stats_with() with partial): the
                                       counts cover the others alone. 0 otherwise. */
    const char *const *missing_shards; /**< Their names (tcp://HOST:PORT), as
                                            newsdex_results_missing_shard() gives them. */
} newsdex_stats;

/**
 * Read what the index in directory @p path holds into *@p stats, of
 * @p size bytes; call it through newsdex_index_stats(), which passes
 * sizeof. *stats is overwritten (free what an earlier call put there
 * first); free it with newsdex_stats_free(), after a failure too. Counts
 * come from term frequencies, so no article is read. The term table is
 * checked first (newsdex_index_check()). A writer committing meanwhile is
 * retried a few times, then gives NEWSDEX_ERR_MODIFIED. Remote shards are
 * opened with the defaults of ::newsdex_db_open_options (see
 * newsdex_index_stats_with()).
 * @return NEWSDEX_ERR_NOT_FOUND if there is no index at @p path;
 *         NEWSDEX_ERR_CORRUPT for a damaged term table;
 *         NEWSDEX_ERR_INVALID for a NULL path or stats, or a @p size
 *         smaller than the first release of ::newsdex_stats.
 */
NEWSDEX_API newsdex_status newsdex_index_stats_sized(const char *path, newsdex_stats *stats,
                                                     size_t size, char **error_message);

/** What the index at @p path holds into *@p stats (a ::newsdex_stats *). */
#define newsdex_index_stats(path, stats, error_message)                                     \
    newsdex_index_stats_sized((path), (stats), sizeof *(stats), (error_message))

/**
 * newsdex_index_stats_sized() with @p options (NULL: the defaults), as
 * newsdex_db_open_with() takes them, for the remote shards of @p path
 * (tcp://HOST:PORT, "remote" lines of a stub file): connecting and each
 * exchange give up after options->shard_timeout_ms, NEWSDEX_ERR_NETWORK
 * with a message naming the shard; with options->partial a shard that
 * does not answer is left out, the counts cover the others and
 * newsdex_stats::missing_shards names it (NEWSDEX_ERR_NETWORK only when
 * no shard answers). Call it through newsdex_index_stats_with().
 */
NEWSDEX_API newsdex_status newsdex_index_stats_with_sized(const char *path,
                                                          const newsdex_db_open_options *options,
                                                          newsdex_stats *stats, size_t size,
                                                          char **error_message);

/** newsdex_index_stats() with @p options (a const ::newsdex_db_open_options *, or NULL). */
#define newsdex_index_stats_with(path, options, stats, error_message)                       \
    newsdex_index_stats_with_sized((path), (options), (stats), sizeof *(stats), (error_message))

/** Free what newsdex_index_stats() put in @p stats and zero its other members (NULL, or a
 *  @c size too small: does nothing). */
NEWSDEX_API void newsdex_stats_free(newsdex_stats *stats);

/**
 * Check the structure of the term table of the index in directory @p path,
 * reading each of its blocks once: NEWSDEX_ERR_CORRUPT, with what is
 * damaged, where a walk over every term could otherwise crash the process.
 * An archive of shards (newsdex_writer_open_sharded()): each of its shards.
 * Another stub file, a remote index or a missing index is left to the open
 * that follows: NEWSDEX_OK. NEWSDEX_ERR_INVALID for a NULL path.
 */
NEWSDEX_API newsdex_status newsdex_index_check(const char *path, char **error_message);

/**
 * Write a compact copy of the index in directory @p path into directory
 * @p copy_path (created if missing; an existing one must be empty): the
 * same articles under the same internal document ids, the same metadata,
 * its blocks fully packed (often half the size after incremental indexing).
 * @p path is only read; hold its writer (newsdex_writer_open()) meanwhile so
 * that nothing changes it. The copy is checked: it must open and hold as
 * many articles, with the same last document id, as @p path
 * (NEWSDEX_ERR_CORRUPT if not). What becomes of the copy is the caller's
 * choice (e.g. exchange the two directories).
 * @return NEWSDEX_ERR_NOSPACE for a full disk, a quota or a file size
 *         limit (@p copy_path is then left half-written for the caller to
 *         remove); NEWSDEX_ERR_INVALID for a NULL path or copy_path.
 */
NEWSDEX_API newsdex_status newsdex_index_compact(const char *path, const char *copy_path,
                                                 char **error_message);

/* Parallel builds: parts of one input indexed into separate "shards" (new
 * indexes, each written by its own newsdex_writer) and merged, in input
 * order, into the index they were meant for, with the result a single
 * writer reading every part in order would have given. */

/**
 * *@p can = 1 when the shards (index directories, in input order) can be
 * concatenated by newsdex_index_merge() to replace the index of @p writer:
 * that index has never held a document, each shard numbers its documents
 * without a gap (no article was deleted in it), and no article id is in two
 * shards. Otherwise *@p can = 0: merge with newsdex_writer_merge_shard().
 * Commits the writer's open batch first.
 * @return NEWSDEX_ERR_INVALID for a NULL writer, can or shard path.
 */
NEWSDEX_API newsdex_status newsdex_writer_can_concatenate(newsdex_writer *writer,
                                                          const char *const *shards, size_t n,
                                                          int *can);

/**
 * Write the articles of @p shards[0..n-1], in that order, into a new index
 * in directory @p copy_path (created; an existing one must be empty): each
 * shard's articles get the document ids that follow the previous shard's,
 * the metadata of the shards is merged (source names as first written) and
 * the per-month counting data is laid out again for the new ids. The blocks
 * are fully packed, as newsdex_index_compact() packs them. The shards are
 * only read. What becomes of the copy is the caller's choice (e.g. exchange
 * it with the target directory while holding the target's writer).
 * @return NEWSDEX_ERR_NOSPACE for a full disk, a quota or a file size limit
 *         (@p copy_path is then left half-written for the caller to remove);
 *         NEWSDEX_ERR_INVALID for a NULL shards entry or copy_path.
 */
NEWSDEX_API newsdex_status newsdex_index_merge(const char *const *shards, size_t n,
                                               const char *copy_path, char **error_message);

/**
 * Put the articles of the shard in directory @p shard whose document ids
 * are in [@p first, @p last] (1 and UINT64_MAX: all), in id order, into
 * @p writer's index as newsdex_writer_put() puts articles: unchanged ones
 * are skipped, others added or replaced by id, in the writer's batches, and
 * counted (newsdex_writer_get_counts()). The documents are copied as the
 * shard's writer analysed them. The shard is only read.
 * @return NEWSDEX_ERR_NOT_FOUND (or another open error) for a missing
 *         shard; NEWSDEX_ERR_INVALID for a NULL writer or shard.
 */
NEWSDEX_API newsdex_status newsdex_writer_merge_shard(newsdex_writer *writer, const char *shard,
                                                      uint64_t first, uint64_t last);

/**
 * Called when the index engine fails in a way it cannot unwind (a full disk
 * during a commit can make Xapian abort), with NEWSDEX_ERR_NOSPACE or
 * NEWSDEX_ERR_IO and the reason. The process ends when the hook returns: a
 * hook reports what it must (whatever was committed before is intact) and
 * may end the process itself with the exit status of its choice.
 */
typedef void (*newsdex_fatal_fn)(newsdex_status status, const char *message);

/** Install @p hook (NULL: none; the process then just aborts), for the whole process. */
NEWSDEX_API void newsdex_set_fatal_handler(newsdex_fatal_fn hook);

/**
 * Reads articles from archive files, the way `newsdex index` does: JSON
 * Lines (.jsonl, .ndjson, .json), Reuters-21578 SGML (.sgm) and plain text
 * (.txt), each also gzip'd (.gz). A text file is one article: optional
 * header lines ("Title:", "Date:", "Source:", "URL:", "Topics:" with
 * comma-separated values) up to a blank line, else the first line is the
 * title; its id is, in a directory opened, that directory's own name then
 * the path under it (however the directory's path is written), and for a
 * file opened by itself its base name.
 */
typedef struct newsdex_reader newsdex_reader;

/** What newsdex_reader_next() found. */
typedef enum newsdex_read {
    NEWSDEX_READ_ARTICLE = 0,  /**< *article is the next record. */
    NEWSDEX_READ_REJECTED = 1, /**< A bad record was skipped; newsdex_reader_last_error() says
                                    why; reading goes on. */
    NEWSDEX_READ_END = 2,      /**< No more input. */
    NEWSDEX_READ_FAILED = 3,   /**< Input could not be read (I/O error, damaged gzip, a file
                                    of a directory that cannot be opened);
                                    newsdex_reader_last_error() says why. In a directory,
                                    the next call goes on with the next file; otherwise it
                                    gives NEWSDEX_READ_END. */
    NEWSDEX_READ_STOPPED = 4   /**< The stop flag was set (newsdex_reader_set_stop_flag()):
                                    the input is not finished; every later call says so. */
} newsdex_read;

/**
 * Open @p path for reading: a file, a directory (read recursively in name
 * order: every file with a known extension, or every file when @p format
 * is given; dot-files and symbolic links to directories are skipped) or
 * "-" for standard input (gzip detected; JSON Lines unless @p format says
 * otherwise). @p format is "jsonl", "sgml" or "text" to read every file so,
 * or NULL (or "") to go by file name. *error_message reads "PATH: what is
 * wrong".
 * @return NEWSDEX_ERR_IO if @p path cannot be read (or is a directory with
 *         no input file); NEWSDEX_ERR_INVALID for an unknown format or an
 *         unknown file extension, or a NULL path or reader.
 */
NEWSDEX_API newsdex_status newsdex_reader_open(const char *path, const char *format,
                                               newsdex_reader **reader, char **error_message);

/**
 * Have @p reader check *@p flag (set by a signal handler, say; NULL: no
 * flag) at least once per 8 KiB of input, however long a line or a record,
 * and give NEWSDEX_READ_STOPPED once it is non-zero. Does nothing for a NULL
 * reader.
 */
NEWSDEX_API void newsdex_reader_set_stop_flag(newsdex_reader *reader,
                                              const volatile sig_atomic_t *flag);

/**
 * Read the next record. With NEWSDEX_READ_ARTICLE, *article (an article, or
 * a deletion record: newsdex_article::deleted) and the strings it points to
 * stay valid until the next call or newsdex_reader_close(); otherwise
 * *article is NULL. NEWSDEX_READ_FAILED for a NULL reader or article.
 */
NEWSDEX_API newsdex_read newsdex_reader_next(newsdex_reader *reader,
                                             const newsdex_article **article);

/**
 * Why the last record was rejected or reading failed, as "FILE:LINE: what
 * was wrong" (or "FILE: what was wrong" when no line applies); "" if nothing
 * was, and for NULL.
 */
NEWSDEX_API const char *newsdex_reader_last_error(const newsdex_reader *reader);

/**
 * The file the last record (or failure) came from: the path as opened, or
 * DIR/NAME inside a directory; "" for NULL. Valid until
 * newsdex_reader_close().
 */
NEWSDEX_API const char *newsdex_reader_path(const newsdex_reader *reader);

/** Line (from 1) where the last record starts; 0 when no line applies, and for NULL. */
NEWSDEX_API unsigned long newsdex_reader_line(const newsdex_reader *reader);

/**
 * Bytes of input read so far (compressed bytes for .gz), over every file of
 * a directory, for a progress display; 0 for NULL.
 */
NEWSDEX_API uint64_t newsdex_reader_bytes(const newsdex_reader *reader);

/**
 * Number of files read so far that gave no record, or were passed over:
 * a file with no record ("empty"; the same for every format), and in a
 * directory "unknown extension", "hidden" (a file or directory whose name
 * starts with a dot) or "symbolic link to a directory". 0 for NULL.
 */
NEWSDEX_API size_t newsdex_reader_skipped_count(const newsdex_reader *reader);

/**
 * The @p i th (from 0) such file, as newsdex_reader_path() names files, and
 * in *@p why (unless @p why is NULL) the reason as above; NULL (and "") for
 * a NULL reader or an @p i past newsdex_reader_skipped_count(). Valid until
 * newsdex_reader_close().
 */
NEWSDEX_API const char *newsdex_reader_skipped(const newsdex_reader *reader, size_t i,
                                               const char **why);

/**
 * Read the input as @p encoding instead of UTF-8: "utf-8", "cp1252"
 * ("windows-1252") or "latin1" ("iso-8859-1"), any letter case; every
 * format, .gz included, gives UTF-8 text. Applies to the files not read yet
 * (call it before the first newsdex_reader_next()). Bytes that are not
 * characters of the encoding (invalid UTF-8; 0x81, 0x8D, 0x8F, 0x90 and
 * 0x9D in cp1252) become U+FFFD and are counted per file
 * (newsdex_reader_invalid_file()).
 * @return NEWSDEX_ERR_INVALID for an unknown or NULL @p encoding (with
 *         newsdex_reader_last_error() saying so) or a NULL reader.
 */
NEWSDEX_API newsdex_status newsdex_reader_set_encoding(newsdex_reader *reader,
                                                       const char *encoding);

/**
 * Give every article read from now on that has no source, or no date (NULL
 * or ""), @p source and @p date (each may be NULL: no default); a record's
 * own value always wins, even a date that cannot be read. Deletion records
 * are left alone. The strings are copied.
 * @return NEWSDEX_ERR_INVALID for a NULL reader, or a @p date in none of
 *         the forms of newsdex_article::date (newsdex_reader_last_error()
 *         says why; the defaults are then unchanged).
 */
NEWSDEX_API newsdex_status newsdex_reader_set_defaults(newsdex_reader *reader,
                                                       const char *source, const char *date);

/**
 * What was noticed in the article last read but kept as it was, as
 * "FILE:LINE: warning: what" (a malformed header line of a text file, kept as body
 * text); "" if nothing, and for NULL.
 */
NEWSDEX_API const char *newsdex_reader_last_warning(const newsdex_reader *reader);

/**
 * Number of files read so far in which bytes that are not characters of
 * the encoding (newsdex_reader_set_encoding(); UTF-8 by default) were
 * replaced by U+FFFD; a file is counted once its reading ends. 0 for NULL.
 */
NEWSDEX_API size_t newsdex_reader_invalid_count(const newsdex_reader *reader);

/**
 * The @p i th (from 0) such file, as newsdex_reader_path() names files;
 * *@p first_line gets the line of its first replaced byte and *@p bytes
 * how many bytes were replaced in it (either may be NULL). NULL (and 0s)
 * for a NULL reader or an @p i past newsdex_reader_invalid_count(). Valid
 * until newsdex_reader_close().
 */
NEWSDEX_API const char *newsdex_reader_invalid_file(const newsdex_reader *reader, size_t i,
                                                    unsigned long *first_line,
                                                    uint64_t *bytes);

/** Close @p reader (NULL is allowed; closing it twice is not). */
NEWSDEX_API void newsdex_reader_close(newsdex_reader *reader);

/**
 * Remove the index in directory @p path if it holds no article and no
 * writer has it open: its files, then the directory itself unless @p
 * keep_directory is non-zero (a directory still holding other files is
 * kept). For a program that created an index and then wrote nothing to it.
 * @return NEWSDEX_ERR_INVALID for a NULL path or an index holding articles
 *         (nothing is removed); NEWSDEX_ERR_LOCKED while a writer has it;
 *         the status of newsdex_db_open() if it cannot be opened;
 *         NEWSDEX_ERR_IO if a file cannot be removed.
 */
NEWSDEX_API newsdex_status newsdex_index_remove_empty(const char *path, int keep_directory,
                                                      char **error_message);

#ifdef __cplusplus
}
#endif
#endif /* NEWSDEX_H */
