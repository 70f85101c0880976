/* `newsdex index` writes on a thread of its own: the main thread reads and
 * builds each article (newsdex_builder_build()), this queue's thread puts
 * them into the index (newsdex_writer_put_built()) in the order given, so
 * reading and analysis overlap Xapian's work. Every line the run prints
 * about its records goes through the queue too, and comes back, in input
 * order, to be printed by the main thread. */
#ifndef NX_CLI_WRITE_QUEUE_H
#define NX_CLI_WRITE_QUEUE_H

#include "newsdex.h"

typedef struct nx_write_queue nx_write_queue;

/* Starts the writing thread on @p writer, which only it then uses until
 * nx_write_queue_finish(). NULL (no memory, no thread): write directly. */
nx_write_queue *nx_write_queue_start(newsdex_writer *writer);

/* Queues @p built (taken) from PATH:LINE, waiting while the queue is full.
 * Returns 0, and frees built, once a write has failed. */
int nx_write_queue_put(nx_write_queue *q, newsdex_built *built, const char *path,
                       unsigned long line);

/* Queues a line to print once everything queued before it is written. */
void nx_write_queue_say(nx_write_queue *q, const char *line);

/* The next line to print (malloc'd; free() it), or NULL for none yet. */
char *nx_write_queue_take_line(nx_write_queue *q);

/* Whether a write failed (the index refused it): *status says how. */
int nx_write_queue_failed(nx_write_queue *q, newsdex_status *status);

/* Waits until everything queued is written (or dropped after a failure),
 * stops the thread and frees the queue. The lines not yet taken are
 * printed to stderr through @p print; *rejected gets the articles the index
 * refused one by one, and *status the failure (NEWSDEX_OK if none).
 * Returns 0, without stopping or freeing anything, when the writing thread
 * is lost (nx_write_queue_lose_writer()): the caller ends the process. */
int nx_write_queue_finish(nx_write_queue *q, void (*print)(const char *line, void *ctx),
                          void *ctx, unsigned long *rejected, newsdex_status *status);

/* Whether the calling thread is the queue's writing thread. */
int nx_write_queue_on_writer_thread(nx_write_queue *q);

/* For the writing thread, when the index failed in a way it cannot unwind
 * (newsdex_set_fatal_handler()): queues LINE, fails the queue for good,
 * wakes the main thread and never returns, so that the main thread, alone,
 * reports and ends the process. */
void nx_write_queue_lose_writer(nx_write_queue *q, newsdex_status status, const char *line)
    __attribute__((noreturn));

/* Whether the writing thread is lost: the run must end now. */
int nx_write_queue_lost(nx_write_queue *q);

#endif
