#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"

const char *nx_cli_db_path(const char *from_option)
{
    if (from_option && *from_option)
        return from_option;
    const char *env = getenv("NEWSDEX_DB");
    return env && *env ? env : NULL;
}

int nx_cli_parse_uint(const char *text, const char *option, unsigned max, unsigned *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long v = (text[0] >= '0' && text[0] <= '9') ? strtoul(text, &end, 10) : 0;
    if (!end || *end || errno || v > max) {
        fprintf(stderr, "newsdex: %s expects a whole number from 0 to %u, not \"%s\"\n", option,
                max, text);
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}

void nx_cli_format_size(char *buf, size_t cap, uint64_t bytes)
{
    if (bytes >= 1024ull * 1024 * 1024)
        snprintf(buf, cap, "%.2f GiB", (double)bytes / (1024.0 * 1024 * 1024));
    else if (bytes >= 1024 * 1024)
        snprintf(buf, cap, "%.1f MiB", (double)bytes / (1024.0 * 1024));
    else
        snprintf(buf, cap, "%.1f KiB", (double)bytes / 1024.0);
}

void nx_cli_report_open_error(const char *db_path, newsdex_status st, const char *message)
{
    fprintf(stderr, "newsdex: %s", message ? message : newsdex_status_to_string(st));
    if (st == NEWSDEX_ERR_NOT_FOUND) /* the library's message names no command */
        fprintf(stderr, " (create one with: newsdex index --db %s FILE...)", db_path);
    fputc('\n', stderr);
}
