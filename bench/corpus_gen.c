/* corpus_gen: writes a benchmark corpus as JSON Lines, deterministically.
 *
 * It reads a source archive through newsdex's own readers (nx_reader_open
 * picks the format by file name), splits bodies into sentences, and then
 * either
 *   --verbatim     writes every source article once, text unchanged, or
 *   --count N      writes N articles resampled from the source: each new
 *                  article takes a real title, topics and length from a seed
 *                  article and fills its body with real sentences (half from
 *                  the seed, the rest from articles on the same topic or from
 *                  anywhere). Numbers are redrawn and some proper names are
 *                  replaced by names recombined from real ones, so the
 *                  vocabulary keeps growing with N as a real archive's does.
 * Either way every article gets a date spread over 1987-2024 and one of a
 * handful of (invented) sources, drawn from the seeded PRNG.
 *
 * usage: corpus_gen [--seed S] (--verbatim | --count N) [--out FILE]
 *                   [--fallback FILE] [--meta FILE] SOURCE...
 * A SOURCE directory contributes every file in it that a reader accepts.
 * If no article can be read from the SOURCEs, the --fallback file is used. */
#include <ctype.h>
#include <dirent.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench_util.h"
#include "newsdex.h"
#include "../engine/date.h"
#include "../indexer/reader.h"

#define DATE_FIRST 536457600LL   /* 1987-01-01T00:00:00Z */
#define DATE_END 1735689600LL    /* 2025-01-01T00:00:00Z */
#define NAME_PROBABILITY 0.10    /* share of eligible proper names replaced */

typedef struct src_list {
    char *name;
    char **values;
    size_t n;
} src_list;

typedef struct src_article {
    char *id, *title, *body;
    size_t first_sent, n_sent;
    src_list *lists;
    size_t n_lists;
    size_t topic;      /* index into the topic table; SIZE_MAX if none */
    int signoff;       /* the body ended with the wire's sign-off ("Reuter") */
} src_article;

/* A string set with insertion order kept (open addressing). */
typedef struct str_set {
    char **items;      /* in insertion order */
    size_t n;
    size_t *slots;     /* index + 1 into items; 0 = empty */
    size_t n_slots;
} str_set;

typedef struct topic_members {
    size_t *arts;
    size_t n, cap;
} topic_members;

typedef struct source_set {
    src_article *a;
    size_t n, cap;
    char **sent;
    size_t n_sent, cap_sent;
    str_set topics;
    topic_members *members;   /* per topic */
    size_t members_cap;
    str_set proper;           /* capitalised words seen inside sentences */
    unsigned long rejected, files, unreadable;
} source_set;

static const char *const sources[] = {"Northgate Wire",   "Harbor Ledger",
                                      "Capital Desk",     "Meridian Business Daily",
                                      "Tidewater Times",  "Pinecrest Financial"};
static const double source_weights[] = {0.35, 0.20, 0.15, 0.12, 0.10, 0.08};
static const char *const source_slugs[] = {"northgate", "harborledger", "capitaldesk",
                                           "meridian",  "tidewater",    "pinecrest"};

/* ---------------------------------------------------------------- */

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* Returns the index of s in the set, adding a copy if new. */
static size_t set_add(str_set *set, const char *s)
{
    if ((set->n + 1) * 2 > set->n_slots) {
        size_t n_slots = set->n_slots ? set->n_slots * 2 : 1024;
        size_t *slots = calloc(n_slots, sizeof *slots);
        if (!slots) {
            fputs("corpus_gen: out of memory\n", stderr);
            exit(3);
        }
        for (size_t i = 0; i < set->n; i++) {
            size_t h = hash_str(set->items[i]) & (n_slots - 1);
            while (slots[h])
                h = (h + 1) & (n_slots - 1);
            slots[h] = i + 1;
        }
        free(set->slots);
        set->slots = slots;
        set->n_slots = n_slots;
        set->items = bench_xrealloc(set->items, n_slots / 2 * sizeof *set->items);
    }
    size_t h = hash_str(s) & (set->n_slots - 1);
    while (set->slots[h]) {
        if (strcmp(set->items[set->slots[h] - 1], s) == 0)
            return set->slots[h] - 1;
        h = (h + 1) & (set->n_slots - 1);
    }
    set->items[set->n] = bench_xstrdup(s);
    set->slots[h] = ++set->n;
    return set->n - 1;
}

/* ---------------------------------------------------------------- */
/* Sentence splitting                                               */

static const char *const abbreviations[] = {
    "Mr", "Mrs", "Ms", "Dr", "Inc", "Corp", "Co", "Cos", "Ltd", "Bhd", "Plc", "Jan", "Feb",
    "Mar", "Apr", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "St", "Jr", "Sr", "No", "vs",
    "Gov", "Sen", "Rep", "Gen", "Lt", "Col", "Ave", "Dept", "Mt", "Ft", "approx", "est"};

/* Is the word that ends cur (just before a '.') an abbreviation? */
static int ends_in_abbreviation(const bench_buf *cur)
{
    size_t end = cur->len - 1; /* the '.' */
    size_t start = end;
    while (start > 0 && cur->data[start - 1] != ' ')
        start--;
    size_t n = end - start;
    const char *w = cur->data + start;
    if (n == 1 && isupper((unsigned char)w[0]))
        return 1; /* "J. Smith", the S of "U.S." */
    if (memchr(w, '.', n))
        return 1; /* U.S., a.m. */
    for (size_t i = 0; i < sizeof abbreviations / sizeof abbreviations[0]; i++)
        if (strlen(abbreviations[i]) == n && memcmp(abbreviations[i], w, n) == 0)
            return 1;
    return 0;
}

static void note_proper_names(source_set *ss, const char *s)
{
    size_t i = 0, n = strlen(s);
    int first = 1;
    char word[64];
    while (i < n) {
        if (!isalpha((unsigned char)s[i])) {
            i++;
            continue;
        }
        size_t j = i;
        int lower = 0;
        while (j < n && isalpha((unsigned char)s[j])) {
            lower |= islower((unsigned char)s[j]) != 0;
            j++;
        }
        size_t len = j - i;
        if (!first && isupper((unsigned char)s[i]) && lower && len >= 4 && len < sizeof word) {
            memcpy(word, s + i, len);
            word[len] = '\0';
            set_add(&ss->proper, word);
        }
        first = 0;
        i = j;
    }
}

/* A sign-off line ("Reuter") closes an article; it is not a sentence. */
static int is_signoff(const char *s)
{
    return strcmp(s, "Reuter") == 0 || strcmp(s, "REUTER") == 0;
}

/* Returns 1 if cur was a sign-off, 0 for a sentence, -1 for nothing. */
static int flush_sentence(source_set *ss, bench_buf *cur)
{
    while (cur->len > 0 && cur->data[cur->len - 1] == ' ')
        cur->len--;
    if (is_signoff(bench_buf_str(cur))) {
        cur->len = 0;
        return 1;
    }
    int letters = 0;
    for (size_t i = 0; i < cur->len && !letters; i++)
        letters = isalpha((unsigned char)cur->data[i]) != 0;
    if (letters) {
        if (ss->n_sent == ss->cap_sent) {
            ss->cap_sent = ss->cap_sent ? ss->cap_sent * 2 : 4096;
            ss->sent = bench_xrealloc(ss->sent, ss->cap_sent * sizeof *ss->sent);
        }
        char *s = bench_xstrdup(bench_buf_str(cur));
        note_proper_names(ss, s);
        ss->sent[ss->n_sent++] = s;
    }
    cur->len = 0;
    return letters ? 0 : -1;
}

static void note_flush(int *signoff, int flushed)
{
    if (flushed >= 0)
        *signoff = flushed;
}

/* Splits body into sentences, whitespace collapsed; paragraph breaks (a blank
 * line, or a new line indented as in newswire copy) end a sentence too. */
static int split_body(source_set *ss, const char *body)
{
    int signoff = 0;
    bench_buf cur = {0};
    size_t i = 0, n = strlen(body);
    while (i < n) {
        unsigned char c = (unsigned char)body[i];
        if (isspace(c) || c < 0x20) {
            int newlines = 0, indent = 0;
            while (i < n && (isspace((unsigned char)body[i]) || (unsigned char)body[i] < 0x20)) {
                if (body[i] == '\n') {
                    newlines++;
                    indent = 0;
                } else if (newlines) {
                    indent++;
                }
                i++;
            }
            if (newlines >= 2 || (newlines == 1 && indent >= 2))
                note_flush(&signoff, flush_sentence(ss, &cur));
            else if (cur.len > 0)
                bench_buf_putc(&cur, ' ');
            continue;
        }
        bench_buf_putc(&cur, (char)c);
        i++;
        if ((c == '.' || c == '!' || c == '?') && i < n && isspace((unsigned char)body[i]) &&
            !(c == '.' && ends_in_abbreviation(&cur))) {
            size_t j = i;
            while (j < n && isspace((unsigned char)body[j]))
                j++;
            if (j >= n || isupper((unsigned char)body[j]) || isdigit((unsigned char)body[j]) ||
                body[j] == '"')
                note_flush(&signoff, flush_sentence(ss, &cur));
        }
    }
    note_flush(&signoff, flush_sentence(ss, &cur));
    bench_buf_free(&cur);
    return signoff;
}

/* ---------------------------------------------------------------- */
/* Loading the source archive                                       */

static void add_article(source_set *ss, const newsdex_article *in)
{
    if (ss->n == ss->cap) {
        ss->cap = ss->cap ? ss->cap * 2 : 1024;
        ss->a = bench_xrealloc(ss->a, ss->cap * sizeof *ss->a);
    }
    src_article *a = &ss->a[ss->n];
    memset(a, 0, sizeof *a);
    a->id = bench_xstrdup(in->id ? in->id : "");
    a->title = bench_xstrdup(in->title ? in->title : "");
    a->body = bench_xstrdup(in->body ? in->body : "");
    a->first_sent = ss->n_sent;
    a->signoff = split_body(ss, a->body);
    a->n_sent = ss->n_sent - a->first_sent;
    a->topic = SIZE_MAX;
    if (!a->title[0] && a->n_sent == 0)
        return; /* nothing to resample */
    a->lists = bench_xmalloc((in->n_lists ? in->n_lists : 1) * sizeof *a->lists);
    for (size_t i = 0; i < in->n_lists; i++) {
        const newsdex_list_field *f = &in->lists[i];
        src_list *l = &a->lists[a->n_lists];
        if (!f->name || f->count == 0)
            continue;
        l->name = bench_xstrdup(f->name);
        l->values = bench_xmalloc(f->count * sizeof *l->values);
        l->n = f->count;
        for (size_t k = 0; k < f->count; k++)
            l->values[k] = bench_xstrdup(f->values[k] ? f->values[k] : "");
        if (strcmp(f->name, "topics") == 0 && a->topic == SIZE_MAX)
            a->topic = set_add(&ss->topics, l->values[0]);
        a->n_lists++;
    }
    if (a->topic != SIZE_MAX) {
        if (ss->topics.n > ss->members_cap) {
            size_t cap = ss->topics.n * 2;
            ss->members = bench_xrealloc(ss->members, cap * sizeof *ss->members);
            memset(ss->members + ss->members_cap, 0,
                   (cap - ss->members_cap) * sizeof *ss->members);
            ss->members_cap = cap;
        }
        topic_members *m = &ss->members[a->topic];
        if (m->n == m->cap) {
            m->cap = m->cap ? m->cap * 2 : 16;
            m->arts = bench_xrealloc(m->arts, m->cap * sizeof *m->arts);
        }
        m->arts[m->n++] = ss->n;
    }
    ss->n++;
}

/* Reads one file; returns -1 if no reader knows its format. */
static int load_file(source_set *ss, const char *path, int quiet_unknown)
{
    nx_error err;
    nx_error_clear(&err);
    nx_reader *r = NULL;
    newsdex_status st = nx_reader_open(path, &r, &err);
    if (st != NEWSDEX_OK) {
        if (!(quiet_unknown && st == NEWSDEX_ERR_INVALID))
            fprintf(stderr, "corpus_gen: %s: %s\n", path, err.message);
        return -1;
    }
    ss->files++;
    newsdex_article art;
    for (;;) {
        nx_read_result res = nx_reader_next(r, &art, &err);
        if (res == NX_READ_END)
            break;
        if (res == NX_READ_ARTICLE)
            add_article(ss, &art);
        else if (res == NX_READ_REJECTED)
            ss->rejected++;
        else {
            fprintf(stderr, "corpus_gen: %s:%lu: %s\n", path, nx_reader_line(r), err.message);
            break;
        }
    }
    nx_reader_close(r);
    return 0;
}

static void load_path(source_set *ss, const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        fprintf(stderr, "corpus_gen: cannot read %s\n", path);
        return;
    }
    if (!S_ISDIR(sb.st_mode)) {
        if (load_file(ss, path, 0) != 0)
            ss->unreadable++;
        return;
    }
    /* Notes and category lists beside an archive (README.txt, ...) would
     * read as plain-text articles: .txt files count only in a directory
     * that holds nothing else readable. */
    struct dirent **names = NULL;
    int n = scandir(path, &names, NULL, alphasort);
    for (int pass = 0; pass < 2; pass++) {
        unsigned long before = ss->files;
        for (int i = 0; i < n; i++) {
            const char *name = names[i]->d_name;
            size_t len = strlen(name);
            int txt = (len > 4 && strcmp(name + len - 4, ".txt") == 0) ||
                      (len > 7 && strcmp(name + len - 7, ".txt.gz") == 0);
            if (name[0] == '.' || txt != pass)
                continue;
            bench_buf full = {0};
            bench_buf_puts(&full, path);
            bench_buf_putc(&full, '/');
            bench_buf_puts(&full, name);
            const char *p = bench_buf_str(&full);
            if (stat(p, &sb) == 0 && S_ISREG(sb.st_mode) && load_file(ss, p, 1) != 0)
                ss->unreadable++;
            bench_buf_free(&full);
        }
        if (ss->files > before)
            break;
    }
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* ---------------------------------------------------------------- */
/* Generation                                                       */

/* A proper name that does not occur in the source: the head of one real
 * name joined to the tail of another, chosen by the name's number. */
static void synth_name(const source_set *ss, uint64_t seed, uint64_t k, bench_buf *out)
{
    bench_rng r;
    bench_rng_seed(&r, seed ^ (k * 0x9e3779b97f4a7c15ULL) ^ 0x6e616d6573ULL);
    const char *a = ss->proper.items[bench_rng_below(&r, ss->proper.n)];
    const char *b = ss->proper.items[bench_rng_below(&r, ss->proper.n)];
    size_t la = strlen(a), lb = strlen(b); /* both >= 4 */
    size_t head = 2 + bench_rng_below(&r, la - 2 < 4 ? la - 2 : 4);
    size_t tail = 2 + bench_rng_below(&r, lb - 2 < 4 ? lb - 2 : 4);
    bench_buf_add(out, a, head);
    for (size_t i = lb - tail; i < lb; i++)
        bench_buf_putc(out, (char)tolower((unsigned char)b[i]));
}

typedef struct gen {
    const source_set *ss;
    bench_rng rng;
    uint64_t seed;
    uint64_t name_pool;   /* synthesized names available; grows with N */
} gen;

/* Appends s with numbers redrawn (when redraw) and some proper names replaced. */
static void transform(gen *g, const char *s, int redraw, bench_buf *out)
{
    size_t i = 0, n = strlen(s);
    int first = 1;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (isdigit(c)) {
            size_t j = i;
            while (j < n && isdigit((unsigned char)s[j]))
                j++;
            int year = j - i == 4 && (strncmp(s + i, "19", 2) == 0 || strncmp(s + i, "20", 2) == 0);
            for (size_t k = i; k < j; k++) {
                char d = s[k];
                if (redraw && !year)
                    d = (char)('0' + (k == i && d != '0' ? 1 + bench_rng_below(&g->rng, 9)
                                                         : bench_rng_below(&g->rng, 10)));
                bench_buf_putc(out, d);
            }
            first = 0;
            i = j;
        } else if (isalpha(c)) {
            size_t j = i;
            int lower = 0;
            while (j < n && isalpha((unsigned char)s[j])) {
                lower |= islower((unsigned char)s[j]) != 0;
                j++;
            }
            if (!first && isupper(c) && lower && j - i >= 4 && g->ss->proper.n > 0 &&
                bench_rng_unit(&g->rng) < NAME_PROBABILITY) {
                /* Zipf-like: a few synthetic names are common, most are rare. */
                double u = bench_rng_unit(&g->rng);
                uint64_t k = (uint64_t)((double)g->name_pool * u * u * u);
                synth_name(g->ss, g->seed, k, out);
            } else {
                bench_buf_add(out, s + i, j - i);
            }
            first = 0;
            i = j;
        } else {
            bench_buf_putc(out, (char)c);
            i++;
        }
    }
}

static const char *pick_sentence(gen *g, const src_article *seed, size_t j)
{
    const source_set *ss = g->ss;
    double u = bench_rng_unit(&g->rng);
    if (u < 0.5 && j < seed->n_sent)
        return ss->sent[seed->first_sent + j];
    if (u < 0.8 && seed->topic != SIZE_MAX) {
        const topic_members *m = &ss->members[seed->topic];
        const src_article *other = &ss->a[m->arts[bench_rng_below(&g->rng, m->n)]];
        if (other->n_sent > 0)
            return ss->sent[other->first_sent + bench_rng_below(&g->rng, other->n_sent)];
    }
    return ss->sent[bench_rng_below(&g->rng, ss->n_sent)];
}

static size_t pick_source(gen *g)
{
    double u = bench_rng_unit(&g->rng), acc = 0;
    size_t n = sizeof sources / sizeof sources[0];
    for (size_t i = 0; i < n; i++) {
        acc += source_weights[i];
        if (u < acc)
            return i;
    }
    return n - 1;
}

static void write_lists(bench_buf *out, const src_article *a)
{
    for (size_t i = 0; i < a->n_lists; i++) {
        const src_list *l = &a->lists[i];
        bench_buf_putc(out, ',');
        bench_json_string(out, l->name);
        bench_buf_puts(out, ":[");
        for (size_t k = 0; k < l->n; k++) {
            if (k)
                bench_buf_putc(out, ',');
            bench_json_string(out, l->values[k]);
        }
        bench_buf_putc(out, ']');
    }
}

/* One JSON line: metadata drawn here, text given. */
static void write_article(gen *g, FILE *f, const char *id, const char *title, const char *body,
                          const src_article *lists_from)
{
    int64_t when = DATE_FIRST + (int64_t)bench_rng_below(&g->rng, DATE_END - DATE_FIRST);
    char date[21];
    nx_date_format_iso(when, date);
    size_t src = pick_source(g);
    bench_buf line = {0}, url = {0};
    bench_buf_puts(&url, "https://news.example.com/");
    bench_buf_puts(&url, source_slugs[src]);
    bench_buf_putc(&url, '/');
    bench_buf_add(&url, date, 10);
    bench_buf_putc(&url, '/');
    bench_buf_puts(&url, id);
    bench_buf_puts(&line, "{\"id\":");
    bench_json_string(&line, id);
    bench_buf_puts(&line, ",\"date\":");
    bench_json_string(&line, date);
    bench_buf_puts(&line, ",\"source\":");
    bench_json_string(&line, sources[src]);
    bench_buf_puts(&line, ",\"url\":");
    bench_json_string(&line, bench_buf_str(&url));
    if (title[0]) {
        bench_buf_puts(&line, ",\"title\":");
        bench_json_string(&line, title);
    }
    write_lists(&line, lists_from);
    if (body[0]) {
        bench_buf_puts(&line, ",\"body\":");
        bench_json_string(&line, body);
    }
    bench_buf_puts(&line, "}\n");
    fwrite(line.data, 1, line.len, f);
    bench_buf_free(&line);
    bench_buf_free(&url);
}

static void generate(gen *g, FILE *f, unsigned long count)
{
    const source_set *ss = g->ss;
    bench_buf title = {0}, body = {0};
    char id[32];
    for (unsigned long i = 0; i < count; i++) {
        const src_article *seed = &ss->a[bench_rng_below(&g->rng, ss->n)];
        int redraw = bench_rng_unit(&g->rng) < 0.5;
        title.len = body.len = 0;
        transform(g, seed->title, redraw, &title);
        size_t para = 2 + bench_rng_below(&g->rng, 3);
        for (size_t j = 0; j < seed->n_sent && ss->n_sent > 0; j++) {
            if (j > 0)
                bench_buf_puts(&body, j % para == 0 ? "\n\n" : " ");
            transform(g, pick_sentence(g, seed, j), bench_rng_unit(&g->rng) < 0.5, &body);
        }
        if (seed->signoff && body.len > 0)
            bench_buf_puts(&body, "\n\nReuter");
        snprintf(id, sizeof id, "gen-%07lu", i + 1);
        write_article(g, f, id, bench_buf_str(&title), bench_buf_str(&body), seed);
        if ((i + 1) % 100000 == 0)
            fprintf(stderr, "corpus_gen: %lu articles\n", i + 1);
    }
    bench_buf_free(&title);
    bench_buf_free(&body);
}

static void usage(FILE *out)
{
    fputs("usage: corpus_gen [--seed S] (--verbatim | --count N) [--out FILE]\n"
          "                  [--fallback FILE] [--meta FILE] SOURCE...\n",
          out);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"seed", required_argument, NULL, 's'},   {"count", required_argument, NULL, 'n'},
        {"verbatim", no_argument, NULL, 'v'},     {"out", required_argument, NULL, 'o'},
        {"fallback", required_argument, NULL, 'f'}, {"meta", required_argument, NULL, 'm'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    uint64_t seed = 19870226;
    unsigned long count = 0;
    int verbatim = 0;
    const char *out_path = NULL, *fallback = NULL, *meta_path = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "s:n:vo:f:m:h", longopts, NULL)) != -1) {
        switch (c) {
        case 's': seed = strtoull(optarg, NULL, 10); break;
        case 'n': count = strtoul(optarg, NULL, 10); break;
        case 'v': verbatim = 1; break;
        case 'o': out_path = optarg; break;
        case 'f': fallback = optarg; break;
        case 'm': meta_path = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind >= argc || (!verbatim && count == 0)) {
        usage(stderr);
        return 2;
    }
    source_set ss;
    memset(&ss, 0, sizeof ss);
    bench_buf used = {0};
    for (int i = optind; i < argc; i++) {
        load_path(&ss, argv[i]);
        bench_buf_puts(&used, i > optind ? " " : "");
        bench_buf_puts(&used, argv[i]);
    }
    if (ss.n == 0 && fallback) {
        fprintf(stderr, "corpus_gen: no readable articles in the source (%lu files in formats "
                        "this build cannot read); using %s\n", ss.unreadable, fallback);
        used.len = 0;
        bench_buf_puts(&used, fallback);
        load_path(&ss, fallback);
    }
    if (ss.n == 0) {
        fputs("corpus_gen: no articles to sample from\n", stderr);
        return 1;
    }
    fprintf(stderr, "corpus_gen: %zu articles, %zu sentences, %zu proper names from %s\n", ss.n,
            ss.n_sent, ss.proper.n, bench_buf_str(&used));

    FILE *f = out_path ? fopen(out_path, "w") : stdout;
    if (!f) {
        fprintf(stderr, "corpus_gen: cannot write %s\n", out_path);
        return 1;
    }
    static char iobuf[1 << 20];
    setvbuf(f, iobuf, _IOFBF, sizeof iobuf);
    gen g = {.ss = &ss, .seed = seed};
    bench_rng_seed(&g.rng, seed);
    unsigned long written = verbatim ? ss.n : count;
    g.name_pool = written / 2 > 1000 ? written / 2 : 1000;
    if (verbatim) {
        for (size_t i = 0; i < ss.n; i++)
            write_article(&g, f, ss.a[i].id, ss.a[i].title, ss.a[i].body, &ss.a[i]);
    } else {
        generate(&g, f, count);
    }
    if (fflush(f) != 0 || ferror(f) || (out_path && fclose(f) != 0)) {
        fprintf(stderr, "corpus_gen: write failed\n");
        return 1;
    }
    if (meta_path) {
        FILE *m = fopen(meta_path, "w");
        if (m) {
            fprintf(m, "source=%s\nsource_files=%lu\nsource_unreadable_files=%lu\n"
                       "source_articles=%zu\nsource_rejected=%lu\nsource_sentences=%zu\n"
                       "mode=%s\narticles=%lu\nseed=%llu\n",
                    bench_buf_str(&used), ss.files, ss.unreadable, ss.n, ss.rejected, ss.n_sent,
                    verbatim ? "verbatim" : "resample", written, (unsigned long long)seed);
            fclose(m);
        }
    }
    fprintf(stderr, "corpus_gen: wrote %lu articles\n", written);
    bench_buf_free(&used);
    return 0; /* the source set is freed by the exit */
}
