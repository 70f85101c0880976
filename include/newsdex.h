/**
 * @file newsdex.h
 * @brief The public, embeddable C API of newsdex.
 *
 * Every call returns a ::newsdex_status. Calls that create a handle take a
 * `char **error_message` (set to a malloc'd message the caller frees, or NULL);
 * later errors are kept on the handle and read with the matching *_last_error().
 * The library never exits and never prints.
 */
#ifndef NEWSDEX_H
#define NEWSDEX_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define NEWSDEX_API __attribute__((visibility("default")))
#else
#define NEWSDEX_API
#endif

/** Result of every call. Numbers are stable and never reused. */
typedef enum newsdex_status {
    NEWSDEX_OK = 0,               /**< Success. */
    NEWSDEX_ERR_NOMEM = 1,        /**< Out of memory. */
    NEWSDEX_ERR_INVALID = 2,      /**< Invalid argument or invalid record. */
    NEWSDEX_ERR_NOT_FOUND = 3,    /**< Index (or item) does not exist. */
    NEWSDEX_ERR_LOCKED = 4,       /**< Index is locked by another writer. */
    NEWSDEX_ERR_CORRUPT = 5,      /**< Index files are corrupt. */
    NEWSDEX_ERR_VERSION = 6,      /**< Index format version not supported. */
    NEWSDEX_ERR_MODIFIED = 7,     /**< Index changed under a reader; reopen. */
    NEWSDEX_ERR_IO = 8,           /**< Reading or writing files failed. */
    NEWSDEX_ERR_QUERY = 9,        /**< Query could not be understood. */
    NEWSDEX_ERR_NETWORK = 10,     /**< Remote index unreachable. */
    NEWSDEX_ERR_INTERNAL = 11,    /**< Unexpected internal error. */
    NEWSDEX_ERR_UNKNOWN = 12      /**< Unknown exception crossed the boundary. */
} newsdex_status;

/** A short English name for @p status ("out of memory", ...). Never NULL. */
NEWSDEX_API const char *newsdex_status_to_string(newsdex_status status);

/* ------------------------------------------------------------------ */
/* Articles and the index writer                                       */
/* ------------------------------------------------------------------ */

/** A named list of strings attached to an article (authors, topics, ...). */
typedef struct newsdex_list_field {
    const char *name;            /**< Field name, e.g. "topics". */
    const char *const *values;   /**< @p count UTF-8 strings. */
    size_t count;                /**< Number of values. */
} newsdex_list_field;

/** One article as handed to the writer. Strings are UTF-8; NULL = absent. */
typedef struct newsdex_article {
    const char *id;       /**< Required, unique, at most 200 bytes. */
    const char *title;    /**< Title; title or body is required. */
    const char *body;     /**< Body text. */
    const char *date;     /**< ISO 8601 date or date-time, or NULL. */
    const char *source;   /**< Publication name, or NULL. */
    const char *url;      /**< Link to the article, or NULL. */
    const newsdex_list_field *lists; /**< "authors", "topics", other filter lists. */
    size_t n_lists;       /**< Number of entries in @p lists. */
} newsdex_article;

/** What newsdex_writer_put() did with an article. */
typedef enum newsdex_put_outcome {
    NEWSDEX_PUT_ADDED = 0,     /**< The id was new. */
    NEWSDEX_PUT_REPLACED = 1   /**< An article with this id was replaced. */
} newsdex_put_outcome;

/** An index opened for writing. Only one writer may hold an index at once. */
typedef struct newsdex_writer newsdex_writer;

/**
 * Open (creating if needed) the index in directory @p path for writing.
 * @return NEWSDEX_ERR_LOCKED if another writer holds it.
 */
NEWSDEX_API newsdex_status newsdex_writer_open(const char *path, newsdex_writer **writer,
                                               char **error_message);

/**
 * Add @p article, or replace the article with the same id.
 * An invalid article (no id, no title and no body, bad date, ...) gives
 * NEWSDEX_ERR_INVALID and leaves the index unchanged.
 */
NEWSDEX_API newsdex_status newsdex_writer_put(newsdex_writer *writer,
                                              const newsdex_article *article,
                                              newsdex_put_outcome *outcome);

/** Make every article put so far durable and visible to searchers. */
NEWSDEX_API newsdex_status newsdex_writer_commit(newsdex_writer *writer);

/** Number of articles in the index, as the writer sees it. */
NEWSDEX_API newsdex_status newsdex_writer_count(newsdex_writer *writer, uint64_t *count);

/** Message for the last failed call on @p writer ("" if none). */
NEWSDEX_API const char *newsdex_writer_last_error(const newsdex_writer *writer);

/** Commit, release the lock and free @p writer (NULL is allowed). */
NEWSDEX_API newsdex_status newsdex_writer_close(newsdex_writer *writer);

/* ------------------------------------------------------------------ */
/* Searching                                                           */
/* ------------------------------------------------------------------ */

/** An index opened read-only. */
typedef struct newsdex_db newsdex_db;

/** Open the index in directory @p path read-only. */
NEWSDEX_API newsdex_status newsdex_db_open(const char *path, newsdex_db **db,
                                           char **error_message);

/** Number of articles in the index. */
NEWSDEX_API newsdex_status newsdex_db_count(newsdex_db *db, uint64_t *count);

/** Message for the last failed call on @p db ("" if none). */
NEWSDEX_API const char *newsdex_db_last_error(const newsdex_db *db);

/** Free @p db (NULL is allowed). Results from it must be freed first. */
NEWSDEX_API void newsdex_db_close(newsdex_db *db);

/** What to search for; fill with newsdex_search_options_init() first. */
typedef struct newsdex_search_options {
    const char *query;     /**< Query in the newsdex query language. */
    uint32_t offset;       /**< Results to skip (default 0). */
    uint32_t limit;        /**< Results to return (default 10, at most 10000). */
    int snippets;          /**< Non-zero: make a snippet per result (default 1). */
    uint32_t snippet_chars;/**< Approximate snippet length (default 200). */
} newsdex_search_options;

/** Set @p options to the defaults. */
NEWSDEX_API void newsdex_search_options_init(newsdex_search_options *options);

/** A page of results. */
typedef struct newsdex_results newsdex_results;

/** One result; strings stay valid until the results are freed. */
typedef struct newsdex_hit {
    uint32_t rank;         /**< 1-based rank over the whole result list. */
    double score;          /**< BM25 relevance score. */
    const char *id;        /**< Article id. */
    const char *title;     /**< Title ("" if none). */
    const char *date;      /**< "YYYY-MM-DD" or "" if undated. */
    const char *source;    /**< Source ("" if none). */
    const char *url;       /**< URL ("" if none). */
    const char *snippet;   /**< Snippet ("" if snippets were off). */
} newsdex_hit;

/**
 * Run a search. On NEWSDEX_ERR_QUERY the message (newsdex_db_last_error)
 * says what in the query was wrong.
 */
NEWSDEX_API newsdex_status newsdex_search(newsdex_db *db, const newsdex_search_options *options,
                                          newsdex_results **results);

/** Number of hits on this page. */
NEWSDEX_API size_t newsdex_results_count(const newsdex_results *results);

/** Estimated number of matching articles in the whole index. */
NEWSDEX_API uint64_t newsdex_results_total_estimate(const newsdex_results *results);

/** Read hit @p index (0-based, below newsdex_results_count()). */
NEWSDEX_API newsdex_status newsdex_results_get(const newsdex_results *results, size_t index,
                                               newsdex_hit *hit);

/** Free @p results (NULL is allowed). */
NEWSDEX_API void newsdex_results_free(newsdex_results *results);

#ifdef __cplusplus
}
#endif
#endif /* NEWSDEX_H */
