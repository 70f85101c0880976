/* The progress line of long index runs: articles, articles/s, MB/s, percent
 * of input bytes and ETA, and showing it on standard error; the clock the
 * runs time themselves with. */
#ifndef NX_PROGRESS_H
#define NX_PROGRESS_H

#include <stddef.h>
#include <time.h>

/* Seconds on the monotonic clock (from an arbitrary start). */
double nx_monotonic_seconds(void);

/* Seconds since started (clock_gettime(CLOCK_MONOTONIC) at the start). */
double nx_seconds_since(const struct timespec *started);

/* Where the progress line goes: on a terminal (tty), one line redrawn 5
 * times a second, erased before anything else is printed; in a log
 * (lines), a line every 5 seconds; neither: nowhere. */
typedef struct nx_progress_line {
    int tty, lines;
    int shown;         /* a terminal line is on screen */
    double last_shown; /* seconds since the start; -1e9 before the first */
} nx_progress_line;

/* Erases the terminal's line, if one is shown. */
void nx_progress_clear(nx_progress_line *p);

/* Shows the line nx_progress_format() makes, when one is due. */
void nx_progress_show(nx_progress_line *p, const struct timespec *started,
                      unsigned long long articles, unsigned long long bytes,
                      unsigned long long total_bytes);

/* "12345 articles  2345/s  5.6 MB/s  45%  ETA 0:23". Percent and ETA are left
 * out when total_bytes is 0 (unknown, e.g. standard input). */
void nx_progress_format(char *buf, size_t cap, unsigned long long articles,
                        unsigned long long bytes, unsigned long long total_bytes,
                        double elapsed_seconds);

/* Size of an input: a file's size, or the sum of the regular files under a
 * directory; 0 if unknown ("-", pipes, unreadable). */
unsigned long long nx_progress_input_size(const char *path);

#endif
