/* Error reporting shared by every internal module: a status plus a message.
 * Library code fills an nx_error and returns its status; only main() prints. */
#ifndef NX_ERROR_H
#define NX_ERROR_H

#include "newsdex.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NX_ERROR_MAX 512

typedef struct nx_error {
    newsdex_status status;
    char message[NX_ERROR_MAX];
} nx_error;

/* Record @p status with a printf-style message; returns @p status so callers
 * can write `return nx_error_set(err, NEWSDEX_ERR_IO, "...")`. err may be NULL. */
/* Non-zero when a write error's message says there was no room to write:
 * Xapian reports a full disk as a generic DatabaseError carrying the errno
 * text, and a quota or a file size limit is the same problem for an
 * operator. */
int nx_error_is_no_space(const char *message);

newsdex_status nx_error_set(nx_error *err, newsdex_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reset to NEWSDEX_OK and an empty message. */
void nx_error_clear(nx_error *err);

/* malloc'd copy of the message (for the public char **error_message). */
char *nx_error_strdup(const nx_error *err);

/* Checks the schema version of the index at path, the value (len bytes,
 * "" when absent: version 1) of its NX_META_SCHEMA metadata (engine/terms.h):
 * NEWSDEX_ERR_VERSION, with a message naming path, if this library cannot
 * read it. */
newsdex_status nx_schema_check(const char *path, const char *value, size_t len, nx_error *err);

#ifdef __cplusplus
}
#endif
#endif
