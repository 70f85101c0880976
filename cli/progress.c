#include "progress.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Deep enough for any archive layout, shallow enough to stop symlink loops. */
#define MAX_DEPTH 32

static void format_eta(char *buf, size_t cap, double seconds)
{
    unsigned long s = seconds > 0 ? (unsigned long)(seconds + 0.5) : 0;
    if (s >= 3600)
        snprintf(buf, cap, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(buf, cap, "%lu:%02lu", s / 60, s % 60);
}

void nx_progress_format(char *buf, size_t cap, unsigned long long articles,
                        unsigned long long bytes, unsigned long long total_bytes,
                        double elapsed)
{
    double t = elapsed > 0.001 ? elapsed : 0.001;
    int n = snprintf(buf, cap, "%llu articles  %.0f/s  %.1f MiB/s", articles,
                     (double)articles / t, (double)bytes / (1024.0 * 1024) / t);
    if (total_bytes == 0 || n < 0 || (size_t)n >= cap)
        return;
    double done = (double)bytes / (double)total_bytes;
    if (done > 1)
        done = 1;
    char eta[32] = "?";
    if (bytes > 0)
        format_eta(eta, sizeof eta, t / done - t);
    snprintf(buf + n, cap - (size_t)n, "  %.0f%%  ETA %s", done * 100, eta);
}

double nx_monotonic_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

double nx_seconds_since(const struct timespec *started)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - started->tv_sec) + (double)(now.tv_nsec - started->tv_nsec) / 1e9;
}

void nx_progress_clear(nx_progress_line *p)
{
    if (p->shown) {
        fputs("\r\033[K", stderr);
        p->shown = 0;
    }
}

void nx_progress_show(nx_progress_line *p, const struct timespec *started,
                      unsigned long long articles, unsigned long long bytes,
                      unsigned long long total_bytes)
{
    if (!p->tty && !p->lines)
        return;
    double t = nx_seconds_since(started);
    if (t - p->last_shown < (p->tty ? 0.2 : 5.0))
        return;
    p->last_shown = t;
    char line[160];
    nx_progress_format(line, sizeof line, articles, bytes, total_bytes, t);
    if (p->tty) {
        fprintf(stderr, "\r%s\033[K", line);
        p->shown = 1;
    } else {
        fprintf(stderr, "newsdex: %s\n", line);
    }
}

static unsigned long long tree_size(const char *path, int depth)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;
    if (S_ISREG(st.st_mode))
        return (unsigned long long)st.st_size;
    if (!S_ISDIR(st.st_mode) || depth >= MAX_DEPTH)
        return 0;
    DIR *dir = opendir(path);
    if (!dir)
        return 0;
    unsigned long long total = 0;
    struct dirent *e;
    char child[4096];
    while ((e = readdir(dir)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (snprintf(child, sizeof child, "%s/%s", path, e->d_name) < (int)sizeof child)
            total += tree_size(child, depth + 1);
    }
    closedir(dir);
    return total;
}

unsigned long long nx_progress_input_size(const char *path)
{
    return strcmp(path, "-") == 0 ? 0 : tree_size(path, 0);
}
