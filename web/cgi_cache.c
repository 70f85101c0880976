/* The response cache of a FastCGI newsdex.cgi process: a hash table of
 * rendered 200 responses keyed by the exact query string, with a list in
 * order of use for evicting the least recently used. See cgi_cache.h. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cgi_cache.h"

typedef struct entry {
    struct entry *chain;          /* next in the same hash bucket */
    struct entry *newer, *older;  /* the list in order of use */
    uint64_t hash;
    cgi_cache_version version;
    double expires;
    size_t cost;                  /* what it counts against the budget */
    int status;
    size_t key_len, len;
    char *key, *type, *body;      /* in the same allocation, after the entry */
} entry;

struct cgi_cache {
    entry **buckets;
    size_t n_buckets;             /* a power of two */
    entry *newest, *oldest;
    size_t count, bytes;
    size_t max_entries, max_bytes;
    double ttl;
    cgi_cache_version version;    /* of every entry kept */
};

cgi_cache *cgi_cache_new(size_t max_entries, size_t max_bytes, double ttl)
{
    if (max_entries == 0 || max_bytes == 0)
        return NULL;
    cgi_cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    /* About one entry per bucket; the cap only keeps a silly setting from
     * asking for gigabytes of buckets (chains just get longer). */
    size_t n = 16;
    while (n < max_entries && n < ((size_t)1 << 24))
        n <<= 1;
    c->buckets = calloc(n, sizeof *c->buckets);
    if (!c->buckets) {
        free(c);
        return NULL;
    }
    c->n_buckets = n;
    c->max_entries = max_entries;
    c->max_bytes = max_bytes;
    c->ttl = ttl;
    return c;
}

double cgi_cache_clock(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

size_t cgi_cache_count(const cgi_cache *c)
{
    return c ? c->count : 0;
}

size_t cgi_cache_bytes(const cgi_cache *c)
{
    return c ? c->bytes : 0;
}

/* FNV-1a: query strings are short and the table is small. */
static uint64_t hash_key(const char *key, size_t len)
{
    uint64_t h = 14695981039346656037u;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)key[i];
        h *= 1099511628211u;
    }
    return h;
}

static entry **bucket(cgi_cache *c, uint64_t hash)
{
    return &c->buckets[hash & (c->n_buckets - 1)];
}

static entry *find(cgi_cache *c, const char *key, size_t len, uint64_t hash)
{
    for (entry *e = *bucket(c, hash); e; e = e->chain)
        if (e->hash == hash && e->key_len == len && memcmp(e->key, key, len) == 0)
            return e;
    return NULL;
}

static void unlink_use(cgi_cache *c, entry *e)
{
    if (e->newer)
        e->newer->older = e->older;
    else
        c->newest = e->older;
    if (e->older)
        e->older->newer = e->newer;
    else
        c->oldest = e->newer;
    e->newer = e->older = NULL;
}

static void mark_used(cgi_cache *c, entry *e)
{
    e->older = c->newest;
    e->newer = NULL;
    if (c->newest)
        c->newest->newer = e;
    c->newest = e;
    if (!c->oldest)
        c->oldest = e;
}

static void drop(cgi_cache *c, entry *e)
{
    entry **p = bucket(c, e->hash);
    while (*p != e)
        p = &(*p)->chain;
    *p = e->chain;
    unlink_use(c, e);
    c->count--;
    c->bytes -= e->cost;
    free(e);
}

static void drop_all(cgi_cache *c)
{
    while (c->oldest)
        drop(c, c->oldest);
}

static int same_version(cgi_cache_version a, cgi_cache_version b)
{
    return a.index == b.index && a.generation == b.generation;
}

/* Answers rendered from another version of the index are never served. */
static void follow_version(cgi_cache *c, cgi_cache_version v)
{
    if (!same_version(c->version, v)) {
        drop_all(c);
        c->version = v;
    }
}

void cgi_cache_free(cgi_cache *c)
{
    if (!c)
        return;
    drop_all(c);
    free(c->buckets);
    free(c);
}

int cgi_cache_get(cgi_cache *c, const char *key, size_t key_len, cgi_cache_version v,
                  double now, cgi_cached *out)
{
    if (!c || (!key && key_len))
        return 0;
    key = key ? key : ""; /* memcmp and memcpy want a pointer even for 0 bytes */
    follow_version(c, v);
    uint64_t h = hash_key(key, key_len);
    entry *e = find(c, key, key_len, h);
    if (!e)
        return 0;
    if (now >= e->expires || !same_version(e->version, v)) {
        drop(c, e);
        return 0;
    }
    unlink_use(c, e);
    mark_used(c, e);
    out->status = e->status;
    out->content_type = e->type;
    out->body = e->body;
    out->len = e->len;
    return 1;
}

/* The entry for key and r in one allocation, or NULL. */
static entry *new_entry(const char *key, size_t key_len, const cgi_cached *r, size_t type_len)
{
    entry *e = malloc(sizeof *e + key_len + type_len + 1 + r->len);
    if (!e)
        return NULL;
    memset(e, 0, sizeof *e);
    e->key = (char *)(e + 1);
    e->type = e->key + key_len;
    e->body = e->type + type_len + 1;
    if (key_len)
        memcpy(e->key, key, key_len);
    memcpy(e->type, r->content_type, type_len + 1);
    if (r->len)
        memcpy(e->body, r->body, r->len);
    e->key_len = key_len;
    e->len = r->len;
    e->status = r->status;
    return e;
}

int cgi_cache_put(cgi_cache *c, const char *key, size_t key_len, cgi_cache_version v,
                  const cgi_cached *r, double now)
{
    if (!c || !r || r->status != 200 || !r->content_type || (!key && key_len) ||
        (!r->body && r->len))
        return -1;
    key = key ? key : "";
    /* One big page must not push out many small ones: at most 1/8 of the
     * budget per entry (checked piecewise first, so the sum cannot wrap). */
    size_t limit = c->max_bytes / 8, type_len = strlen(r->content_type);
    if (r->len > limit || key_len > limit || type_len > limit)
        return -1;
    size_t cost = sizeof(entry) + key_len + type_len + 1 + r->len;
    if (cost > limit)
        return -1;
    follow_version(c, v);
    uint64_t h = hash_key(key, key_len);
    entry *old = find(c, key, key_len, h);
    if (old)
        drop(c, old);
    while (c->oldest && (c->count >= c->max_entries || c->bytes + cost > c->max_bytes))
        drop(c, c->oldest);
    entry *e = new_entry(key, key_len, r, type_len);
    if (!e)
        return -1;
    e->hash = h;
    e->version = v;
    e->expires = now + c->ttl;
    e->cost = cost;
    e->chain = *bucket(c, h);
    *bucket(c, h) = e;
    mark_used(c, e);
    c->count++;
    c->bytes += cost;
    return 0;
}
