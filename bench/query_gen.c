/* query_gen: writes the benchmark query set (bench/queries.txt) from a corpus,
 * deterministically. Each query is anchored on a randomly drawn article, so
 * it has at least one true match in the corpus it was drawn from, and uses
 * words whose document frequency puts them in the shape's class:
 *
 *   common   1-3 frequent words                    oil prices
 *   rare     2-4 rarer words                       cocoa temporao bahia
 *   phrase   a 2-3 word phrase, maybe plus a word  "interest rates" bundesbank
 *   boolean  OR, NOT, -word, parentheses, phrases  (crude OR opec) output -saudi
 *   field    a topic or source filter + words      topic:crude output quota
 *   date     a date range + words                  date:1990-01-01..1994-12-31 trade deficit
 *
 * The syntax is newsdex's query language; `topic:`, `source:"..."` and
 * `date:FROM..TO` are the filter forms each engine translates.
 *
 * usage: query_gen [--seed S] [--per-shape N] CORPUS.jsonl > bench/queries.txt */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "newsdex.h"
#include "../indexer/reader.h"

#define WORD_MAX 24

static const char *const stopwords[] = {
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and",
    "any", "are", "as", "at", "be", "because", "been", "before", "being", "below", "between",
    "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during",
    "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her",
    "here", "hers", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself",
    "just", "may", "me", "more", "most", "my", "near", "no", "nor", "not", "now", "of", "off",
    "on", "once", "one", "only", "or", "other", "our", "out", "over", "own", "same", "she",
    "should", "so", "some", "such", "than", "that", "the", "their", "them", "then", "there",
    "these", "they", "this", "those", "through", "to", "too", "two", "under", "until", "up",
    "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom",
    "why", "will", "with", "would", "you", "your", "said", "says", "say", "reuter", "reuters",
    "mln", "dlrs", "dlr", "pct", "cts", "shr", "shrs", "vs", "qtr", "avg", "inc", "corp", "ltd",
    "co", "year", "last", "new", "three", "four", "five", "per", "told", "billion", "million",
    "included", "including", "note", "prior", "made", "make", "week", "month", "non", "stg",
    "revs", "oper", "qtly", "div", "pay", "record", "avg"};

/* ---- Word table: word -> id, document frequency ---- */
typedef struct word_entry {
    char *text;
    unsigned df;
    unsigned last_doc;
    int stop;
} word_entry;

typedef struct table {
    word_entry *e;
    size_t n, cap_e;
    size_t *slots; /* id + 1 */
    size_t n_slots;
} table;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static void table_grow(table *t)
{
    size_t n_slots = t->n_slots ? t->n_slots * 2 : 1 << 16;
    size_t *slots = calloc(n_slots, sizeof *slots);
    if (!slots) {
        fputs("query_gen: out of memory\n", stderr);
        exit(3);
    }
    for (size_t i = 0; i < t->n; i++) {
        size_t h = hash_str(t->e[i].text) & (n_slots - 1);
        while (slots[h])
            h = (h + 1) & (n_slots - 1);
        slots[h] = i + 1;
    }
    free(t->slots);
    t->slots = slots;
    t->n_slots = n_slots;
}

/* Id of s; adds it when add is set, else returns SIZE_MAX for unknown words. */
static size_t table_get(table *t, const char *s, int add)
{
    if (add && (t->n + 1) * 2 > t->n_slots)
        table_grow(t);
    if (!t->n_slots)
        return SIZE_MAX;
    size_t h = hash_str(s) & (t->n_slots - 1);
    while (t->slots[h]) {
        if (strcmp(t->e[t->slots[h] - 1].text, s) == 0)
            return t->slots[h] - 1;
        h = (h + 1) & (t->n_slots - 1);
    }
    if (!add)
        return SIZE_MAX;
    if (t->n == t->cap_e) {
        t->cap_e = t->cap_e ? t->cap_e * 2 : 1 << 15;
        t->e = bench_xrealloc(t->e, t->cap_e * sizeof *t->e);
    }
    word_entry *w = &t->e[t->n];
    w->text = bench_xstrdup(s);
    w->df = 0;
    w->last_doc = UINT32_MAX;
    w->stop = 0;
    t->slots[h] = ++t->n;
    return t->n - 1;
}

/* Counts s once per document. */
static size_t table_count(table *t, const char *s, unsigned doc)
{
    size_t id = table_get(t, s, 1);
    if (t->e[id].last_doc != doc) {
        t->e[id].last_doc = doc;
        t->e[id].df++;
    }
    return id;
}

/* ---- Documents kept for anchoring ---- */
typedef struct doc {
    unsigned *words;   /* word ids in order */
    unsigned char *brk;/* brk[i]: punctuation (or a field change) before word i */
    size_t n;
    char date[11];     /* YYYY-MM-DD or "" */
    char *source;
    char *topic;       /* first topic or NULL */
} doc;

typedef struct corpus {
    doc *d;
    size_t n, cap;
    table words, grams; /* grams: "w1 w2" and "w1 w2 w3" */
} corpus;

static void tokenize(corpus *c, const char *text, unsigned docno, bench_buf *tmp_ids)
{
    size_t i = 0, n = strlen(text);
    int brk = 1;
    char w[WORD_MAX + 1];
    while (i < n) {
        unsigned char ch = (unsigned char)text[i];
        if (!isalpha(ch)) {
            if (!isspace(ch))
                brk = 1;
            i++;
            continue;
        }
        size_t j = i, len = 0;
        while (j < n && isalpha((unsigned char)text[j])) {
            if (len < WORD_MAX)
                w[len] = (char)tolower((unsigned char)text[j]);
            len++;
            j++;
        }
        /* Words glued to digits (10-K, 1987A) or too long are not query material. */
        if (len > WORD_MAX || (j < n && isdigit((unsigned char)text[j])) ||
            (i > 0 && isdigit((unsigned char)text[i - 1]))) {
            brk = 1;
            i = j;
            continue;
        }
        w[len] = '\0';
        unsigned id = (unsigned)table_count(&c->words, w, docno);
        bench_buf_add(tmp_ids, (const char *)&id, sizeof id);
        bench_buf_putc(tmp_ids, (char)brk);
        brk = 0;
        i = j;
    }
}

static void add_doc(corpus *c, const newsdex_article *a)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 4096;
        c->d = bench_xrealloc(c->d, c->cap * sizeof *c->d);
    }
    unsigned docno = (unsigned)c->n;
    doc *d = &c->d[c->n++];
    memset(d, 0, sizeof *d);
    bench_buf ids = {0};
    if (a->title)
        tokenize(c, a->title, docno, &ids);
    if (a->body)
        tokenize(c, a->body, docno, &ids);
    size_t rec = sizeof(unsigned) + 1;
    d->n = ids.len / rec;
    d->words = bench_xmalloc(d->n * sizeof *d->words);
    d->brk = bench_xmalloc(d->n ? d->n : 1);
    for (size_t i = 0; i < d->n; i++) {
        memcpy(&d->words[i], ids.data + i * rec, sizeof(unsigned));
        d->brk[i] = (unsigned char)ids.data[i * rec + sizeof(unsigned)];
    }
    bench_buf_free(&ids);
    /* Phrases: runs of 2 and 3 words with nothing but spaces between them. */
    bench_buf g = {0};
    for (size_t i = 0; i + 1 < d->n; i++) {
        for (size_t k = 2; k <= 3 && i + k <= d->n; k++) {
            if (d->brk[i + k - 1])
                break;
            g.len = 0;
            for (size_t m = 0; m < k; m++) {
                if (m)
                    bench_buf_putc(&g, ' ');
                bench_buf_puts(&g, c->words.e[d->words[i + m]].text);
            }
            table_count(&c->grams, bench_buf_str(&g), docno);
        }
    }
    bench_buf_free(&g);
    if (a->date && strlen(a->date) >= 10) {
        memcpy(d->date, a->date, 10);
        d->date[10] = '\0';
    }
    d->source = a->source && a->source[0] ? bench_xstrdup(a->source) : NULL;
    for (size_t i = 0; i < a->n_lists; i++)
        if (a->lists[i].name && strcmp(a->lists[i].name, "topics") == 0 && a->lists[i].count > 0)
            d->topic = bench_xstrdup(a->lists[i].values[0]);
}

/* ---- Query construction ---- */
typedef struct qgen {
    corpus *c;
    bench_rng rng;
    unsigned common_min_df;          /* df at or above: a common word */
    unsigned rare_min_df, rare_max_df;
    unsigned phrase_min_df, phrase_max_df;
} qgen;

static const char *wtext(const qgen *q, unsigned id)
{
    return q->c->words.e[id].text;
}

static int usable(const qgen *q, unsigned id)
{
    const word_entry *w = &q->c->words.e[id];
    return !w->stop && strlen(w->text) >= 3;
}

static int is_common(const qgen *q, unsigned id)
{
    return usable(q, id) && q->c->words.e[id].df >= q->common_min_df;
}

static int is_rare(const qgen *q, unsigned id)
{
    const word_entry *w = &q->c->words.e[id];
    return usable(q, id) && strlen(w->text) >= 4 && w->df >= q->rare_min_df &&
           w->df <= q->rare_max_df;
}

/* Picks up to k distinct words of doc d that pass keep(); returns how many. */
static size_t pick_words(qgen *q, const doc *d, int (*keep)(const qgen *, unsigned), size_t k,
                         unsigned *out)
{
    size_t got = 0;
    for (size_t tries = 0; got < k && tries < 200 && d->n > 0; tries++) {
        unsigned id = d->words[bench_rng_below(&q->rng, d->n)];
        if (!keep(q, id))
            continue;
        int dup = 0;
        for (size_t i = 0; i < got; i++)
            dup |= out[i] == id;
        if (!dup)
            out[got++] = id;
    }
    return got;
}

/* A common word that does not occur in d (for exclusions that keep d a match). */
static int absent_common(qgen *q, const doc *d, unsigned *out)
{
    for (int tries = 0; tries < 500; tries++) {
        const doc *o = &q->c->d[bench_rng_below(&q->rng, q->c->n)];
        if (o->n == 0)
            continue;
        unsigned id = o->words[bench_rng_below(&q->rng, o->n)];
        if (!is_common(q, id))
            continue;
        /* Not even an inflection of it: no word of d shares its first 5 letters. */
        const char *x = wtext(q, id);
        size_t k = strlen(x) < 5 ? strlen(x) : 5;
        int present = 0;
        for (size_t i = 0; i < d->n && !present; i++)
            present = strncmp(wtext(q, d->words[i]), x, k) == 0;
        if (!present) {
            *out = id;
            return 1;
        }
    }
    return 0;
}

/* A phrase of 2-3 words from d within the phrase df band, written "a b". */
static int pick_phrase(qgen *q, const doc *d, bench_buf *out)
{
    bench_buf g = {0};
    int found = 0;
    for (int tries = 0; tries < 300 && !found && d->n > 2; tries++) {
        size_t i = bench_rng_below(&q->rng, d->n - 1);
        size_t k = 2 + bench_rng_below(&q->rng, 2);
        if (i + k > d->n)
            continue;
        int ok = 1;
        for (size_t m = 1; m < k; m++)
            ok &= !d->brk[i + m];
        /* No stopword at either end; inner words may be anything. */
        ok = ok && usable(q, d->words[i]) && usable(q, d->words[i + k - 1]);
        if (!ok)
            continue;
        g.len = 0;
        for (size_t m = 0; m < k; m++) {
            if (m)
                bench_buf_putc(&g, ' ');
            bench_buf_puts(&g, wtext(q, d->words[i + m]));
        }
        size_t id = table_get(&q->c->grams, bench_buf_str(&g), 0);
        if (id == SIZE_MAX)
            continue;
        unsigned df = q->c->grams.e[id].df;
        if (df < q->phrase_min_df || df > q->phrase_max_df)
            continue;
        bench_buf_putc(out, '"');
        bench_buf_puts(out, g.data);
        bench_buf_putc(out, '"');
        found = 1;
    }
    bench_buf_free(&g);
    return found;
}

static void put_words(qgen *q, bench_buf *out, const unsigned *ids, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (out->len)
            bench_buf_putc(out, ' ');
        bench_buf_puts(out, wtext(q, ids[i]));
    }
}

static const doc *anchor(qgen *q)
{
    for (;;) {
        const doc *d = &q->c->d[bench_rng_below(&q->rng, q->c->n)];
        if (d->n >= 20)
            return d;
    }
}

static int make_common(qgen *q, bench_buf *out)
{
    unsigned ids[3];
    size_t k = 1 + bench_rng_below(&q->rng, 3);
    if (pick_words(q, anchor(q), is_common, k, ids) < k)
        return 0;
    put_words(q, out, ids, k);
    return 1;
}

static int make_rare(qgen *q, bench_buf *out)
{
    unsigned ids[4];
    size_t k = 2 + bench_rng_below(&q->rng, 3);
    if (pick_words(q, anchor(q), is_rare, k, ids) < k)
        return 0;
    put_words(q, out, ids, k);
    return 1;
}

static int make_phrase(qgen *q, bench_buf *out)
{
    const doc *d = anchor(q);
    if (!pick_phrase(q, d, out))
        return 0;
    unsigned id;
    if (bench_rng_unit(&q->rng) < 0.3 && pick_words(q, d, is_common, 1, &id) == 1)
        put_words(q, out, &id, 1);
    return 1;
}

static int make_boolean(qgen *q, bench_buf *out)
{
    const doc *d = anchor(q);
    unsigned a[3], x;
    bench_buf p = {0};
    int ok = 0;
    switch (bench_rng_below(&q->rng, 5)) {
    case 0: /* c1 (c2 OR r1) */
        if (pick_words(q, d, is_common, 2, a) == 2 && pick_words(q, d, is_rare, 1, a + 2) == 1) {
            bench_buf_puts(out, wtext(q, a[0]));
            bench_buf_puts(out, " (");
            bench_buf_puts(out, wtext(q, a[1]));
            bench_buf_puts(out, " OR ");
            bench_buf_puts(out, wtext(q, a[2]));
            bench_buf_putc(out, ')');
            ok = 1;
        }
        break;
    case 1: /* c1 c2 -c3 */
        if (pick_words(q, d, is_common, 2, a) == 2 && absent_common(q, d, &x)) {
            put_words(q, out, a, 2);
            bench_buf_puts(out, " -");
            bench_buf_puts(out, wtext(q, x));
            ok = 1;
        }
        break;
    case 2: /* (c1 OR c2) AND "phrase" */
        if (pick_words(q, d, is_common, 2, a) == 2 && pick_phrase(q, d, &p)) {
            bench_buf_putc(out, '(');
            bench_buf_puts(out, wtext(q, a[0]));
            bench_buf_puts(out, " OR ");
            bench_buf_puts(out, wtext(q, a[1]));
            bench_buf_puts(out, ") AND ");
            bench_buf_puts(out, bench_buf_str(&p));
            ok = 1;
        }
        break;
    case 3: /* r1 OR r2 OR r3 */
        if (pick_words(q, d, is_rare, 3, a) == 3) {
            for (int i = 0; i < 3; i++) {
                bench_buf_puts(out, i ? " OR " : "");
                bench_buf_puts(out, wtext(q, a[i]));
            }
            ok = 1;
        }
        break;
    default: /* c1 r1 NOT c2 */
        if (pick_words(q, d, is_common, 1, a) == 1 && pick_words(q, d, is_rare, 1, a + 1) == 1 &&
            absent_common(q, d, &x)) {
            put_words(q, out, a, 2);
            bench_buf_puts(out, " NOT ");
            bench_buf_puts(out, wtext(q, x));
            ok = 1;
        }
        break;
    }
    bench_buf_free(&p);
    return ok;
}

static int word_or_phrase(qgen *q, const doc *d, bench_buf *out)
{
    unsigned ids[2];
    size_t k = 1 + bench_rng_below(&q->rng, 2);
    if (bench_rng_unit(&q->rng) < 0.5) {
        if (pick_words(q, d, is_common, k, ids) < k)
            return 0;
    } else if (pick_words(q, d, is_rare, 1, ids) == 1 && pick_words(q, d, is_common, 1, ids + 1)) {
        k = 2;
    } else {
        return 0;
    }
    put_words(q, out, ids, k);
    return 1;
}

static int make_field(qgen *q, bench_buf *out)
{
    /* 60% topic filters, 40% source filters; the anchor must have a topic
     * for the former (many newswire articles carry none). */
    int want_topic = bench_rng_unit(&q->rng) < 0.6;
    const doc *d = anchor(q);
    for (int tries = 0; want_topic && !d->topic && tries < 1000; tries++)
        d = anchor(q);
    if ((want_topic && !d->topic) || (!want_topic && !d->source))
        return 0;
    bench_buf words = {0};
    int ok = word_or_phrase(q, d, &words);
    if (ok && want_topic) {
        bench_buf_puts(out, "topic:");
        bench_buf_puts(out, d->topic);
    } else if (ok) {
        bench_buf_puts(out, "source:\"");
        bench_buf_puts(out, d->source);
        bench_buf_putc(out, '"');
    }
    if (ok) {
        bench_buf_putc(out, ' ');
        bench_buf_puts(out, bench_buf_str(&words));
    }
    bench_buf_free(&words);
    return ok;
}

/* Days in month (Gregorian). */
static int month_days(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

static int make_date(qgen *q, bench_buf *out)
{
    const doc *d = anchor(q);
    int y, m, day;
    if (!d->date[0] || sscanf(d->date, "%d-%d-%d", &y, &m, &day) != 3)
        return 0;
    bench_buf words = {0};
    if (!word_or_phrase(q, d, &words)) {
        bench_buf_free(&words);
        return 0;
    }
    char range[40];
    switch (bench_rng_below(&q->rng, 3)) {
    case 0: /* the article's month */
        snprintf(range, sizeof range, "%04d-%02d-01..%04d-%02d-%02d", y, m, y, m,
                 month_days(y, m));
        break;
    case 1: /* its year */
        snprintf(range, sizeof range, "%04d-01-01..%04d-12-31", y, y);
        break;
    default: { /* a span of several years around it */
        int from = y - (int)bench_rng_below(&q->rng, 4);
        int to = y + (int)bench_rng_below(&q->rng, 4);
        snprintf(range, sizeof range, "%04d-01-01..%04d-12-31", from, to);
        break;
    }
    }
    bench_buf_puts(out, "date:");
    bench_buf_puts(out, range);
    bench_buf_putc(out, ' ');
    bench_buf_puts(out, bench_buf_str(&words));
    bench_buf_free(&words);
    return 1;
}

typedef struct shape {
    const char *name;
    int (*make)(qgen *, bench_buf *);
    int weight; /* queries per shape = per_shape * weight / 4 */
} shape;

static const shape shapes[] = {
    {"common", make_common, 4}, {"rare", make_rare, 4},   {"phrase", make_phrase, 4},
    {"boolean", make_boolean, 4}, {"field", make_field, 3}, {"date", make_date, 3}};

/* The document frequency at rank `rank` among usable words (descending). */
static unsigned df_at_rank(const qgen *q, size_t rank)
{
    const table *t = &q->c->words;
    unsigned *dfs = bench_xmalloc((t->n ? t->n : 1) * sizeof *dfs);
    size_t n = 0;
    for (size_t i = 0; i < t->n; i++)
        if (usable(q, (unsigned)i))
            dfs[n++] = t->e[i].df;
    /* Counting sort is overkill; a partial selection by repeated max is fine
     * for small ranks but ranks go to a few hundred: sort instead. */
    for (size_t gap = n / 2; gap > 0; gap /= 2) /* shell sort, descending */
        for (size_t i = gap; i < n; i++)
            for (size_t j = i; j >= gap && dfs[j - gap] < dfs[j]; j -= gap) {
                unsigned tmp = dfs[j];
                dfs[j] = dfs[j - gap];
                dfs[j - gap] = tmp;
            }
    unsigned df = n == 0 ? 1 : dfs[rank < n ? rank : n - 1];
    free(dfs);
    return df;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {{"seed", required_argument, NULL, 's'},
                                             {"per-shape", required_argument, NULL, 'n'},
                                             {NULL, 0, NULL, 0}};
    uint64_t seed = 4242;
    unsigned long per_shape = 40;
    int c;
    while ((c = getopt_long(argc, argv, "s:n:", longopts, NULL)) != -1) {
        if (c == 's')
            seed = strtoull(optarg, NULL, 10);
        else if (c == 'n')
            per_shape = strtoul(optarg, NULL, 10);
        else
            return 2;
    }
    if (optind + 1 != argc) {
        fputs("usage: query_gen [--seed S] [--per-shape N] CORPUS.jsonl\n", stderr);
        return 2;
    }
    const char *path = argv[optind];
    corpus corp;
    memset(&corp, 0, sizeof corp);
    nx_error err;
    nx_error_clear(&err);
    nx_reader *r = NULL;
    if (nx_reader_open(path, &r, &err) != NEWSDEX_OK) {
        fprintf(stderr, "query_gen: %s: %s\n", path, err.message);
        return 1;
    }
    newsdex_article a;
    nx_read_result res;
    while ((res = nx_reader_next(r, &a, &err)) != NX_READ_END) {
        if (res == NX_READ_ARTICLE)
            add_doc(&corp, &a);
        else if (res == NX_READ_FAILED)
            break;
    }
    nx_reader_close(r);
    if (corp.n < 10) {
        fprintf(stderr, "query_gen: too few articles in %s\n", path);
        return 1;
    }
    for (size_t i = 0; i < sizeof stopwords / sizeof stopwords[0]; i++) {
        size_t id = table_get(&corp.words, stopwords[i], 0);
        if (id != SIZE_MAX)
            corp.words.e[id].stop = 1;
    }
    qgen q = {.c = &corp};
    bench_rng_seed(&q.rng, seed);
    /* Bands scale with the corpus: common = the 300 most frequent usable
     * words; rare = in 0.02%..0.5% of articles; phrases in 0.02%..2%. */
    unsigned n = (unsigned)corp.n;
    q.common_min_df = df_at_rank(&q, 300);
    q.rare_min_df = n / 5000 > 3 ? n / 5000 : 3;
    q.rare_max_df = n / 200 > q.rare_min_df + 5 ? n / 200 : q.rare_min_df + 5;
    q.phrase_min_df = q.rare_min_df;
    q.phrase_max_df = n / 50 > q.phrase_min_df + 5 ? n / 50 : q.phrase_min_df + 5;

    printf("# newsdex benchmark queries: shape<TAB>query, in newsdex syntax plus the filter\n"
           "# forms topic:VALUE, source:\"VALUE\" and date:YYYY-MM-DD..YYYY-MM-DD.\n"
           "# Generated by bench/query_gen --seed %llu --per-shape %lu from %zu articles\n"
           "# (common: df >= %u; rare: %u..%u; phrases: %u..%u). Do not edit by hand.\n",
           (unsigned long long)seed, per_shape, corp.n, q.common_min_df, q.rare_min_df,
           q.rare_max_df, q.phrase_min_df, q.phrase_max_df);
    bench_buf out = {0};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        unsigned long want = per_shape * (unsigned long)shapes[s].weight / 4;
        unsigned long made = 0;
        for (unsigned long tries = 0; made < want && tries < want * 200; tries++) {
            out.len = 0;
            if (shapes[s].make(&q, &out)) {
                printf("%s\t%s\n", shapes[s].name, bench_buf_str(&out));
                made++;
            }
        }
        if (made < want)
            fprintf(stderr, "query_gen: only %lu %s queries\n", made, shapes[s].name);
    }
    bench_buf_free(&out);
    return 0;
}
