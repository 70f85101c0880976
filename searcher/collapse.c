/* --collapse: near-duplicates (the same normalised title on the same day,
 * e.g. one wire story run by several sources) are folded into the best
 * ranked of them, which shows how many it stands for. The key comes from
 * each match's stored title and date, so the index needs nothing extra and
 * any index can be collapsed. Folding looks at a window of the top matches
 * (search_pipeline.c widens it until the page is full): duplicates ranked below
 * it are not counted. */
#include <stdlib.h>
#include <string.h>

#include "hit_decode.h"
#include "search_internal.h"

#define TITLE_MAX 200

typedef struct title_buf {
    char buf[TITLE_MAX + 1];
    size_t len;
} title_buf;

static int add_word(const nx_token *tok, void *ctx)
{
    title_buf *t = ctx;
    if (t->len + tok->text_len + 2 > sizeof t->buf)
        return 1;
    if (t->len)
        t->buf[t->len++] = ' ';
    memcpy(t->buf + t->len, tok->text, tok->text_len);
    t->len += tok->text_len;
    return 0;
}

static uint64_t fnv1a(uint64_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= UINT64_C(1099511628211);
    }
    return h;
}

/* The key of a stored article: a hash of its day and normalised title
 * (the analyzer's words: case, accents and punctuation aside); 0 when it
 * has no date or no title words (never folded). */
static uint64_t key_of(newsdex_db *db, const char *data, size_t len)
{
    nx_hit_fields f;
    nx_error ignored;
    if (nx_hit_decode(&db->inflater, data, len, &f, &ignored) != NEWSDEX_OK)
        return 0;
    title_buf t = {.len = 0};
    uint64_t key = 0;
    if (strlen(f.date) >= 10 && f.title[0] &&
        nx_analyze(db->analyzer, f.title, strlen(f.title), add_word, &t, &ignored) == NEWSDEX_OK &&
        t.len > 0) {
        key = fnv1a(UINT64_C(14695981039346656037), f.date, 10);
        key = fnv1a(key, t.buf, t.len);
        key += key == 0;
    }
    nx_hit_fields_free(&f);
    return key;
}

/* The folded list: for each kept match its index in m and how many later
 * matches it stands for; keys find an entry by key (open addressing over
 * slots, each 1 + an index into the list, 0 when empty). */
typedef struct folded {
    size_t *which;
    uint32_t *dups;
    size_t n;
    uint64_t *keys;  /* per slot */
    size_t *slot;    /* per slot */
    size_t mask;
} folded;

/* The entry with key, or where to put it: *at is its slot. */
static size_t *lookup(folded *f, uint64_t key)
{
    size_t i = (size_t)(key ^ (key >> 29)) & f->mask;
    while (f->slot[i] && f->keys[i] != key)
        i = (i + 1) & f->mask;
    f->keys[i] = key;
    return &f->slot[i];
}

static newsdex_status fold(newsdex_db *db, const nx_xresults *m, folded *f)
{
    size_t n = nx_xresults_count(m), slots = 16;
    while (slots < 2 * n)
        slots *= 2;
    f->mask = slots - 1;
    f->which = calloc(n + 1, sizeof *f->which);
    f->dups = calloc(n + 1, sizeof *f->dups);
    f->keys = calloc(slots, sizeof *f->keys);
    f->slot = calloc(slots, sizeof *f->slot);
    if (!f->which || !f->dups || !f->keys || !f->slot)
        return nx_error_set(&db->err, NEWSDEX_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        double weight;
        const char *data;
        size_t len;
        if (i % (4 * NX_BUDGET_EVERY) == 0 && nx_budget_time(db) != NEWSDEX_OK)
            return NEWSDEX_ERR_LIMIT;
        nx_xresults_get(m, i, &weight, &data, &len);
        uint64_t key = key_of(db, data, len);
        size_t *entry = key ? lookup(f, key) : NULL;
        if (entry && *entry) {
            f->dups[*entry - 1]++;
            continue;
        }
        if (entry)
            *entry = f->n + 1;
        f->which[f->n++] = i;
    }
    return NEWSDEX_OK;
}

newsdex_status nx_collapse(newsdex_db *db, const nx_xresults *m, size_t skip, size_t limit,
                           nx_page *page, size_t *folded_all)
{
    memset(page, 0, sizeof *page);
    folded f = {0};
    newsdex_status st = fold(db, m, &f);
    *folded_all = f.n;
    if (st == NEWSDEX_OK) {
        size_t from = skip < f.n ? skip : f.n;
        size_t n = f.n - from < limit ? f.n - from : limit;
        memmove(f.which, f.which + from, n * sizeof *f.which);
        memmove(f.dups, f.dups + from, n * sizeof *f.dups);
        page->which = f.which;
        page->dups = f.dups;
        page->n = n;
        page->folded = nx_xresults_count(m) - f.n;
        f.which = NULL;
        f.dups = NULL;
    }
    free(f.which);
    free(f.dups);
    free(f.keys);
    free(f.slot);
    return st;
}

void nx_page_free(nx_page *page)
{
    free((size_t *)page->which);
    free((uint32_t *)page->dups);
    memset(page, 0, sizeof *page);
}
