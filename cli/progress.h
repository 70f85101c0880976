/* The progress line of long index runs: articles, articles/s, MB/s, percent
 * of input bytes and ETA. Formatting only: the command decides whether and
 * where to show it (library code never prints). */
#ifndef NX_PROGRESS_H
#define NX_PROGRESS_H

#include <stddef.h>

/* "12345 articles  2345/s  5.6 MB/s  45%  ETA 0:23". Percent and ETA are left
 * out when total_bytes is 0 (unknown, e.g. standard input). */
void nx_progress_format(char *buf, size_t cap, unsigned long long articles,
                        unsigned long long bytes, unsigned long long total_bytes,
                        double elapsed_seconds);

/* Size of an input: a file's size, or the sum of the regular files under a
 * directory; 0 if unknown ("-", pipes, unreadable). */
unsigned long long nx_progress_input_size(const char *path);

#endif
