#include "error.h"
#include "terms.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const status_names[] = {
    [NEWSDEX_OK] = "ok",
    [NEWSDEX_ERR_NOMEM] = "out of memory",
    [NEWSDEX_ERR_INVALID] = "invalid argument",
    [NEWSDEX_ERR_NOT_FOUND] = "not found",
    [NEWSDEX_ERR_LOCKED] = "index locked",
    [NEWSDEX_ERR_CORRUPT] = "index corrupt",
    [NEWSDEX_ERR_VERSION] = "index version not supported",
    [NEWSDEX_ERR_MODIFIED] = "index modified, reopen",
    [NEWSDEX_ERR_IO] = "input/output error",
    [NEWSDEX_ERR_QUERY] = "query error",
    [NEWSDEX_ERR_NETWORK] = "network error",
    [NEWSDEX_ERR_INTERNAL] = "internal error",
    [NEWSDEX_ERR_UNKNOWN] = "unknown error",
    [NEWSDEX_ERR_NOSPACE] = "disk full",
    [NEWSDEX_ERR_LIMIT] = "search went over a limit",
    [NEWSDEX_ERR_PERMISSION] = "permission denied",
};

const char *newsdex_status_to_string(newsdex_status status)
{
    size_t i = (size_t)status;
    if (i < sizeof status_names / sizeof status_names[0] && status_names[i])
        return status_names[i];
    return "unknown status";
}

const char *newsdex_version(void)
{
    return NEWSDEX_VERSION_STRING;
}

newsdex_status nx_schema_check(const char *path, const char *value, size_t len, nx_error *err)
{
    unsigned long version = 0;
    size_t i = 0;
    for (; i < len && i < 9 && value[i] >= '0' && value[i] <= '9'; i++)
        version = version * 10 + (unsigned long)(value[i] - '0');
    if (len == 0 || (i == len && version >= 1 && version <= NX_SCHEMA_VERSION))
        return NEWSDEX_OK;
    if (i == len && version > NX_SCHEMA_VERSION)
        return nx_error_set(err, NEWSDEX_ERR_VERSION,
                            "index %s has schema version %lu; this newsdex reads versions up to %d",
                            path, version, NX_SCHEMA_VERSION);
    return nx_error_set(err, NEWSDEX_ERR_VERSION,
                        "index %s has schema version \"%.*s\", which this newsdex does not know "
                        "(it reads versions up to %d)",
                        path, (int)(len < 40 ? len : 40), value, NX_SCHEMA_VERSION);
}

newsdex_status nx_error_set(nx_error *err, newsdex_status status, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->status = status;
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return status;
}

void nx_error_clear(nx_error *err)
{
    if (err) {
        err->status = NEWSDEX_OK;
        err->message[0] = '\0';
    }
}

char *nx_error_strdup(const nx_error *err)
{
    const char *msg = err && err->message[0] ? err->message
                                             : newsdex_status_to_string(err ? err->status : NEWSDEX_OK);
    size_t n = strlen(msg) + 1;
    char *copy = malloc(n);
    if (copy)
        memcpy(copy, msg, n);
    return copy;
}

int nx_error_is_no_space(const char *message)
{
    const int codes[] = {ENOSPC, EDQUOT, EFBIG};
    for (size_t i = 0; message && i < sizeof codes / sizeof codes[0]; i++)
        if (strstr(message, strerror(codes[i])))
            return 1;
    return 0;
}
