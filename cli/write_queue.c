/* The writing thread of `newsdex index` (write_queue.h). */
#define _GNU_SOURCE /* vasprintf */
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "newsdex.h"
#include "write_queue.h"

/* Enough to keep the writer busy while the reader builds; each holds one
 * built document, so memory stays small. */
#define DEPTH 256
/* Each side sleeps until the other has done a stretch of work, not one
 * item: waking a thread per article costs more than writing an unchanged
 * one. A waiting writer is woken once this many articles wait (or a line,
 * or the end); a reader waiting on a full queue once it is half empty. */
#define WAKE_WRITER 16
#define WAKE_READER (DEPTH / 2)

typedef struct item {
    newsdex_built *built; /* NULL: a line to pass on */
    char *text;           /* the line, or the record's PATH */
    unsigned long line;
} item;

typedef struct out_line {
    struct out_line *next;
    char *text;
} out_line;

struct nx_write_queue {
    newsdex_writer *writer;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t has_items;  /* for the writer: items came, or the queue closed */
    pthread_cond_t has_room;   /* for the reader: room came, or a write failed */
    int writer_waits, reader_waits;
    item items[DEPTH];
    size_t head, count;
    int closing;
    out_line *out, **out_tail; /* lines for the main thread, in order */
    int failed;
    int lost;                  /* the writing thread failed for good and is parked */
    int done;                  /* the writing thread has ended */
    newsdex_status status;
    unsigned long rejected;
};

static void append_line(nx_write_queue *q, char *text)
{
    out_line *l = malloc(sizeof *l);
    if (!l || !text) { /* out of memory: the line is lost, never the article */
        free(l);
        free(text);
        return;
    }
    l->next = NULL;
    l->text = text;
    pthread_mutex_lock(&q->lock);
    *q->out_tail = l;
    q->out_tail = &l->next;
    pthread_mutex_unlock(&q->lock);
}

static char *format(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    return s;
}

/* Worded as `newsdex index` words what newsdex_writer_put() says. */
static void write_item(nx_write_queue *q, item *it)
{
    pthread_mutex_lock(&q->lock);
    int failed = q->failed;
    pthread_mutex_unlock(&q->lock);
    if (failed) {
        newsdex_built_free(it->built);
        return;
    }
    newsdex_status st = newsdex_writer_put_built(q->writer, it->built, NULL);
    if (st == NEWSDEX_OK) {
        const char *warning = newsdex_writer_last_warning(q->writer);
        if (warning[0])
            append_line(q, format("%s:%lu: warning: %s", it->text, it->line, warning));
        return;
    }
    const char *why = newsdex_writer_last_error(q->writer);
    if (st == NEWSDEX_ERR_INVALID) {
        append_line(q, format("%s:%lu: %s", it->text, it->line, why));
        q->rejected++;
        return;
    }
    append_line(q, format("%s:%lu: cannot write to the index: %s", it->text, it->line, why));
    pthread_mutex_lock(&q->lock);
    q->failed = 1;
    q->status = st;
    pthread_mutex_unlock(&q->lock);
}

static void *run_writer(void *arg)
{
    nx_write_queue *q = arg;
    for (;;) {
        pthread_mutex_lock(&q->lock);
        while (!q->count && !q->closing) {
            q->writer_waits = 1;
            pthread_cond_wait(&q->has_items, &q->lock);
        }
        q->writer_waits = 0;
        if (!q->count) {
            q->done = 1;
            pthread_cond_broadcast(&q->has_room);
            pthread_mutex_unlock(&q->lock);
            return NULL;
        }
        item it = q->items[q->head];
        q->head = (q->head + 1) % DEPTH;
        q->count--;
        if (q->reader_waits && (q->count <= WAKE_READER || q->failed))
            pthread_cond_signal(&q->has_room);
        pthread_mutex_unlock(&q->lock);
        if (it.built)
            write_item(q, &it);
        else
            append_line(q, it.text), it.text = NULL;
        free(it.text);
    }
}

nx_write_queue *nx_write_queue_start(newsdex_writer *writer)
{
    nx_write_queue *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->writer = writer;
    q->out_tail = &q->out;
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->has_items, NULL);
    pthread_cond_init(&q->has_room, NULL);
    /* SIGINT and SIGTERM stay with the main thread, which reads and stops. */
    sigset_t stop, old;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, &old);
    int started = pthread_create(&q->thread, NULL, run_writer, q) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!started) {
        pthread_cond_destroy(&q->has_items);
        pthread_cond_destroy(&q->has_room);
        pthread_mutex_destroy(&q->lock);
        free(q);
        return NULL;
    }
    return q;
}

static int push(nx_write_queue *q, item it)
{
    pthread_mutex_lock(&q->lock);
    /* After a failure built articles are dropped at once; lines still wait
     * their turn (the thread goes on emptying the queue). */
    while (q->count == DEPTH && !q->lost && !(q->failed && it.built)) {
        q->reader_waits = 1;
        pthread_cond_wait(&q->has_room, &q->lock);
    }
    q->reader_waits = 0;
    int ok = !q->lost && (!q->failed || !it.built);
    if (ok) {
        q->items[(q->head + q->count) % DEPTH] = it;
        q->count++;
        if (q->writer_waits && (q->count >= WAKE_WRITER || !it.built))
            pthread_cond_signal(&q->has_items);
    }
    pthread_mutex_unlock(&q->lock);
    if (!ok) {
        newsdex_built_free(it.built);
        free(it.text);
    }
    return ok;
}

int nx_write_queue_put(nx_write_queue *q, newsdex_built *built, const char *path,
                       unsigned long line)
{
    char *copy = strdup(path);
    if (!copy) {
        newsdex_built_free(built);
        pthread_mutex_lock(&q->lock);
        q->failed = 1;
        q->status = NEWSDEX_ERR_NOMEM;
        pthread_mutex_unlock(&q->lock);
        return 0;
    }
    return push(q, (item){built, copy, line});
}

void nx_write_queue_say(nx_write_queue *q, const char *line)
{
    char *copy = strdup(line);
    if (copy)
        push(q, (item){NULL, copy, 0});
}

char *nx_write_queue_take_line(nx_write_queue *q)
{
    pthread_mutex_lock(&q->lock);
    out_line *l = q->out;
    if (l) {
        q->out = l->next;
        if (!q->out)
            q->out_tail = &q->out;
    }
    pthread_mutex_unlock(&q->lock);
    char *text = l ? l->text : NULL;
    free(l);
    return text;
}

int nx_write_queue_failed(nx_write_queue *q, newsdex_status *status)
{
    pthread_mutex_lock(&q->lock);
    int failed = q->failed;
    *status = q->status;
    pthread_mutex_unlock(&q->lock);
    return failed;
}

int nx_write_queue_on_writer_thread(nx_write_queue *q)
{
    return pthread_equal(pthread_self(), q->thread);
}

void nx_write_queue_lose_writer(nx_write_queue *q, newsdex_status status, const char *line)
{
    char *copy = strdup(line);
    pthread_mutex_lock(&q->lock);
    q->failed = q->lost = 1;
    q->status = status;
    pthread_cond_broadcast(&q->has_room);
    pthread_mutex_unlock(&q->lock);
    append_line(q, copy);
    for (;;)
        pause(); /* until the main thread ends the process */
}

int nx_write_queue_lost(nx_write_queue *q)
{
    pthread_mutex_lock(&q->lock);
    int lost = q->lost;
    pthread_mutex_unlock(&q->lock);
    return lost;
}

int nx_write_queue_finish(nx_write_queue *q, void (*print)(const char *line, void *ctx),
                          void *ctx, unsigned long *rejected, newsdex_status *status)
{
    pthread_mutex_lock(&q->lock);
    q->closing = 1;
    pthread_cond_signal(&q->has_items);
    while (!q->done && !q->lost)
        pthread_cond_wait(&q->has_room, &q->lock);
    int lost = q->lost;
    pthread_mutex_unlock(&q->lock);
    for (char *line; (line = nx_write_queue_take_line(q)); free(line))
        print(line, ctx);
    *rejected = q->rejected;
    *status = q->failed ? q->status : NEWSDEX_OK;
    if (lost)
        return 0; /* the thread still uses q: left for the process's end */
    pthread_join(q->thread, NULL);
    pthread_cond_destroy(&q->has_items);
    pthread_cond_destroy(&q->has_room);
    pthread_mutex_destroy(&q->lock);
    free(q);
    return 1;
}
