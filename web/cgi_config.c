/* Settings of newsdex.cgi: NEWSDEX_DB from the server's environment, else
 * newsdex.cgi.conf in the program's own directory. Never from the request.
 * The response cache's NEWSDEX_CACHE_ENTRIES and NEWSDEX_CACHE_MIB likewise
 * win over the file's cache_entries and cache_mib. A bad value is reported
 * on standard error (the server's log) and the setting keeps its value. */
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

#define CACHE_ENTRIES_MAX 1000000
#define CACHE_MIB_MAX 4096

/* A whole number from 0 to max, digits only; -1 if value is not one. */
static long whole_number(const char *value, long max)
{
    if (!isdigit((unsigned char)*value))
        return -1;
    char *end = NULL;
    unsigned long n = strtoul(value, &end, 10);
    return *end || n > (unsigned long)max ? -1 : (long)n;
}

static int set_cache_key(cgi_settings *s, const char *key, const char *value)
{
    int entries = strcmp(key, "cache_entries") == 0;
    long n = whole_number(value, entries ? CACHE_ENTRIES_MAX : CACHE_MIB_MAX);
    if (n < 0)
        return -1;
    if (entries)
        s->cache_entries = (size_t)n;
    else
        s->cache_mib = (size_t)n;
    return 0;
}

/* 0 if key took value; -1 if the value is bad. */
static int apply(cgi_settings *s, const char *key, const char *value)
{
    char *end = NULL;
    if (strcmp(key, "db") == 0 && strlen(value) < sizeof s->db) {
        if (!s->db[0]) /* NEWSDEX_DB, when set, wins */
            strcpy(s->db, value);
        return 0;
    }
    if (strcmp(key, "time_limit") == 0 || strcmp(key, "read_limit") == 0) {
        double t = strtod(value, &end);
        if (end != value && !*end && t > 0 && t <= 3600) {
            *(key[0] == 't' ? &s->time_limit : &s->read_limit) = t;
            return 0;
        }
    } else if (strcmp(key, "search_time_limit") == 0) {
        double t = strtod(value, &end);
        if (end != value && !*end && t >= 0 && t <= 3600) {
            s->search_time_limit = t;
            return 0;
        }
    } else if (strcmp(key, "retry_after") == 0) {
        unsigned long r = strtoul(value, &end, 10);
        if (end != value && !*end && r <= 86400) {
            s->retry_after = (unsigned)r;
            return 0;
        }
    } else if (strcmp(key, "cache_entries") == 0 || strcmp(key, "cache_mib") == 0) {
        return set_cache_key(s, key, value);
    } else if (strcmp(key, "shard_timeout") == 0) {
        double t = strtod(value, &end);
        if (end != value && !*end && t > 0 && t <= 3600) {
            s->shard_timeout_ms = (uint32_t)(t * 1000.0 + 0.5) ? (uint32_t)(t * 1000.0 + 0.5) : 1;
            return 0;
        }
    } else if (strcmp(key, "partial") == 0) {
        int yes = !strcmp(value, "yes") || !strcmp(value, "true") || !strcmp(value, "1");
        int no = !strcmp(value, "no") || !strcmp(value, "false") || !strcmp(value, "0");
        if (yes || no) {
            s->partial = yes;
            return 0;
        }
    }
    return -1;
}

/* What a good value of key looks like, for the message about a bad one. */
static const char *expected(const char *key)
{
    if (strcmp(key, "cache_entries") == 0)
        return "a whole number from 0 to 1000000; 0 turns the cache off";
    if (strcmp(key, "cache_mib") == 0)
        return "a whole number of MiB from 0 to 4096; 0 turns the cache off";
    if (strcmp(key, "search_time_limit") == 0)
        return "seconds from 0 (a share of time_limit) to 3600";
    if (strcmp(key, "time_limit") == 0 || strcmp(key, "read_limit") == 0)
        return "seconds, more than 0 and at most 3600";
    if (strcmp(key, "retry_after") == 0)
        return "whole seconds from 0 to 86400";
    if (strcmp(key, "db") == 0)
        return "a path shorter than 4096 bytes";
    if (strcmp(key, "shard_timeout") == 0)
        return "seconds, more than 0 and at most 3600";
    if (strcmp(key, "partial") == 0)
        return "yes or no";
    return "not a setting";
}

static void set_key(cgi_settings *s, const char *key, const char *value, const char *where)
{
    if (apply(s, key, value) != 0)
        fprintf(stderr, "newsdex.cgi: %s: ignoring %s = %s (%s)\n", where, key, value,
                expected(key));
}

/* The cache settings from the environment, over those of the file. */
static void read_env(cgi_settings *s)
{
    static const char *const vars[][2] = {{"NEWSDEX_CACHE_ENTRIES", "cache_entries"},
                                          {"NEWSDEX_CACHE_MIB", "cache_mib"}};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *value = getenv(vars[i][0]);
        if (value && *value && apply(s, vars[i][1], value) != 0)
            fprintf(stderr, "newsdex.cgi: environment: ignoring %s = %s (%s)\n", vars[i][0],
                    value, expected(vars[i][1]));
    }
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
    s->read_limit = 10.0;
    s->cache_entries = CGI_CACHE_ENTRIES_DEFAULT;
    s->cache_mib = CGI_CACHE_MIB_DEFAULT;
    const char *env = getenv("NEWSDEX_DB");
    if (env && *env && strlen(env) < sizeof s->db)
        strcpy(s->db, env);
    char path[CGI_PATH_MAX];
    program_dir(path, sizeof path - sizeof CONF_NAME);
    if (path[0]) {
        strcat(path, CONF_NAME);
        read_conf(s, path);
    }
    read_env(s);
}
