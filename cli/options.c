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
