/* Settings of newsdex.cgi: NEWSDEX_DB from the server's environment, else
 * newsdex.cgi.conf in the program's own directory. Never from the request. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgi.h"

#define CONF_NAME "newsdex.cgi.conf"

/* The directory of the running program, with a trailing '/'; "" if unknown. */
static void program_dir(char *dir, size_t cap)
{
    ssize_t n = readlink("/proc/self/exe", dir, cap - 1);
    dir[n > 0 ? n : 0] = '\0';
    char *slash = strrchr(dir, '/');
    if (slash)
        slash[1] = '\0';
    else
        dir[0] = '\0';
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

static void set_key(cgi_settings *s, const char *key, const char *value, const char *where)
{
    char *end = NULL;
    if (strcmp(key, "db") == 0 && strlen(value) < sizeof s->db) {
        if (!s->db[0]) /* NEWSDEX_DB, when set, wins */
            strcpy(s->db, value);
        return;
    }
    if (strcmp(key, "time_limit") == 0) {
        double t = strtod(value, &end);
        if (end != value && !*end && t > 0 && t <= 3600) {
            s->time_limit = t;
            return;
        }
    } else if (strcmp(key, "retry_after") == 0) {
        unsigned long r = strtoul(value, &end, 10);
        if (end != value && !*end && r <= 86400) {
            s->retry_after = (unsigned)r;
            return;
        }
    }
    fprintf(stderr, "newsdex.cgi: %s: ignoring %s = %s\n", where, key, value);
}

static void read_conf(cgi_settings *s, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char line[CGI_PATH_MAX + 64];
    while (fgets(line, sizeof line, f)) {
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *eq = strchr(line, '=');
        if (!eq) {
            if (*trim(line))
                fprintf(stderr, "newsdex.cgi: %s: ignoring a line without '='\n", path);
            continue;
        }
        *eq = '\0';
        set_key(s, trim(line), trim(eq + 1), path);
    }
    fclose(f);
}

void cgi_settings_load(cgi_settings *s)
{
    memset(s, 0, sizeof *s);
    s->time_limit = 5.0;
    s->retry_after = 30;
    const char *env = getenv("NEWSDEX_DB");
    if (env && *env && strlen(env) < sizeof s->db)
        strcpy(s->db, env);
    char path[CGI_PATH_MAX];
    program_dir(path, sizeof path - sizeof CONF_NAME);
    if (path[0]) {
        strcat(path, CONF_NAME);
        read_conf(s, path);
    }
}
