/* `newsdex index --jobs N` (cli/index_jobs.c: the parent; cli/index_worker.c:
 * each worker). N worker processes index contiguous parts of the input, in
 * input order, into temporary shards beside the index; the parent, which
 * holds the index's writer lock throughout, merges them into it. */
#ifndef NX_CLI_INDEX_JOBS_H
#define NX_CLI_INDEX_JOBS_H

#include <stddef.h>
#include <stdint.h>

#include "newsdex.h"

typedef struct nx_jobs_options {
    const char *db_path;
    const char *format;     /* --format, or NULL */
    unsigned batch_size;
    unsigned wait_lock;     /* seconds */
    int strict_dates;
    int progress;           /* 0 auto, 1 always, 2 never */
    unsigned jobs;          /* at least 2 */
    const char *encoding;   /* --encoding, or NULL: UTF-8 */
    const char *source;     /* --source, or NULL */
    const char *date;       /* --date, or NULL */
    unsigned shard_articles; /* articles per temporary shard; 0: one shard per part */
    int article_positions;   /* --article-positions */
} nx_jobs_options;

/* "UTF-8" for NULL or utf-8, else the name given: for messages. */
const char *nx_jobs_encoding_label(const char *encoding);

/* Runs the whole command; returns the exit status. */
int nx_cli_index_jobs(const nx_jobs_options *o, int n_inputs, char **inputs);

/* ---- Between the parent and a worker ----
 * The input is one stream of bytes (every input in turn, as the reader
 * counts them); a record belongs to the worker that owns the position just
 * after it, so parts are contiguous and every worker agrees on them. Each
 * worker reads from the start up to the end of its part: FILE:LINE stay
 * those of the whole input. */
unsigned nx_jobs_owner(uint64_t pos, uint64_t total, unsigned jobs);

/* A worker writes its part into shards of at most o->shard_articles articles
 * (a small index takes articles faster than a large one), named
 * SHARD_DIR, SHARD_DIR.2, SHARD_DIR.3, ...; the last one takes the rest
 * once a run's workers hold NX_JOBS_SHARDS_MAX between them. */
#define NX_JOBS_SHARDS_MAX 64
#define NX_JOBS_SHARD_ARTICLES_DEFAULT 25000
#define NX_JOBS_PATH_MAX 4200 /* a shard's path: the temporary directory's and a name */
void nx_jobs_shard_path(const char *shard_dir, unsigned n, char *buf, size_t cap); /* n from 0 */

/* Messages on a worker's pipe: a type byte, a 4-byte length, the payload. */
enum nx_jobs_message {
    NX_JOBS_TEXT = 'M',     /* a line for stderr (no newline) */
    NX_JOBS_PROGRESS = 'P', /* nx_jobs_progress */
    NX_JOBS_DELETION = 'D', /* uint64_t articles of the part added before it, then the id */
    NX_JOBS_SHARD = 'S',    /* uint64_t articles added to the shard just closed, in order */
    NX_JOBS_RESULT = 'R'    /* nx_jobs_result, last */
};

typedef struct nx_jobs_progress {
    uint64_t records;       /* records of its part read */
    uint64_t bytes;         /* bytes of its part read */
} nx_jobs_progress;

typedef struct nx_jobs_result {
    uint64_t added, replaced, unchanged, deleted; /* in the part's shards */
    uint64_t deletions_logged;   /* deletions of ids not in the shard (sent as D) */
    uint64_t records, rejected, unidentified, truncated, undated, empty, skipped;
    uint64_t invalid_files, invalid_bytes; /* bytes replaced by U+FFFD, and in how many files */
    int input_failed;
    int index_status;            /* newsdex_status of a failed shard write, else 0 */
    char skipped_names[1024];
} nx_jobs_result;

/* Worker k of o->jobs: indexes its part into shard_dir, talks on fd, and
 * ends the process. */
void nx_jobs_worker(const nx_jobs_options *o, int n_inputs, char **inputs, uint64_t total,
                    unsigned k, const char *shard_dir, int fd) __attribute__((noreturn));

/* Reads every input from the start, calling fn for each record (article
 * is NULL for a rejected or failed one, message then says why) and
 * skipped(path, why) for each file a directory walk passed over (why
 * "empty" for an empty file) as each input ends. fn returns 0 to go on, 1
 * to stop. For the workers and the parent's own single-process pass. */
typedef int (*nx_jobs_record_fn)(void *ctx, uint64_t pos, const char *path, unsigned long line,
                                 newsdex_read r, const newsdex_article *article,
                                 const char *message);
/* skipped: a file passed over (why: "empty", or why it was skipped), or
 * one with bytes that were not characters (why: "invalid:BYTES:LINE",
 * LINE that of the first). */
typedef void (*nx_jobs_skipped_fn)(void *ctx, uint64_t pos, const char *path, const char *why);
void nx_jobs_read_inputs(const nx_jobs_options *o, int n_inputs, char **inputs,
                         nx_jobs_record_fn fn, nx_jobs_skipped_fn skipped, void *ctx);

#endif
