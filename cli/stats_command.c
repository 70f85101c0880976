/* `newsdex stats [--db DIR] [--json]`: what an index holds. Counts come
 * from term frequencies (Y<year>, XSOURCE:<source>, D<day>), so nothing is
 * read per article and the command stays fast on large indexes. */
#include <dirent.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "newsdex.h"
#include "commands.h"
#include "../engine/terms.h"
#include "../engine/xapian/xapian_check.h"
#include "../engine/xapian/xapian_wrapper.h"

/* A writer committing twice while we read invalidates what we read. */
#define MAX_ATTEMPTS 5

typedef struct count_entry {
    char *name;
    uint64_t count;
} count_entry;

typedef struct count_list {
    count_entry *items;
    size_t n, cap;
    int nomem;
} count_list;

typedef struct index_stats {
    uint64_t articles, dated, distinct_terms, size_bytes;
    char first_day[11], last_day[11];   /* "" when no article is dated */
    count_list years, sources;
    json_t *last_run;                   /* NULL if never recorded */
} index_stats;

static void usage(FILE *out)
{
    fputs("usage: newsdex stats [--db DIR] [--json]\n"
          "Shows what the index in DIR holds: articles, date range, articles per year\n"
          "and per source, distinct terms, size on disk and the last indexing run.\n"
          "  --db DIR   index directory (default: $NEWSDEX_DB)\n"
          "  --json     print one JSON object\n",
          out);
}

/* ---- Collecting ---- */

static int list_add(count_list *l, const char *name, uint64_t count)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        count_entry *grown = realloc(l->items, cap * sizeof *grown);
        if (!grown)
            return l->nomem = 1;
        l->items = grown;
        l->cap = cap;
    }
    if (!(l->items[l->n].name = strdup(name)))
        return l->nomem = 1;
    l->items[l->n++].count = count;
    return 0;
}

static void list_free(count_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i].name);
    free(l->items);
    memset(l, 0, sizeof *l);
}

static int add_year(const char *term, size_t len, uint64_t freq, void *ctx)
{
    index_stats *s = ctx;
    (void)len;
    s->dated += freq;
    return list_add(&s->years, term + strlen(NX_PREFIX_YEAR), freq);
}

/* D<YYYYMMDD> terms come in date order: keep the first and the last. */
static int add_day(const char *term, size_t len, uint64_t freq, void *ctx)
{
    index_stats *s = ctx;
    const char *d = term + strlen(NX_PREFIX_DAY);
    (void)freq;
    if (len != strlen(NX_PREFIX_DAY) + 8)
        return 0;
    char day[11];
    snprintf(day, sizeof day, "%.4s-%.2s-%.2s", d, d + 4, d + 6);
    if (!s->first_day[0])
        memcpy(s->first_day, day, sizeof day);
    memcpy(s->last_day, day, sizeof day);
    return 0;
}

static int add_source(const char *term, size_t len, uint64_t freq, void *ctx)
{
    (void)len;
    return list_add(ctx, term, freq); /* named after the scan (see name_sources) */
}

/* Source terms are folded ("reuters"); the writer kept each as written. */
static newsdex_status name_sources(nx_xdb *db, count_list *sources, nx_error *err)
{
    const size_t skip = strlen(NX_PREFIX_FIELD NX_FIELD_SOURCE ":");
    for (size_t i = 0; i < sources->n; i++) {
        char key[NX_TERM_MAX_BYTES + 64], *name = NULL;
        size_t len = 0;
        snprintf(key, sizeof key, "%s%s", NX_META_SOURCE, sources->items[i].name);
        newsdex_status st = nx_xdb_get_metadata(db, key, &name, &len, err);
        if (st != NEWSDEX_OK)
            return st;
        if (len > 0) {
            free(sources->items[i].name);
            sources->items[i].name = name;
        } else {
            free(name);
            char *folded = sources->items[i].name;
            memmove(folded, folded + skip, strlen(folded + skip) + 1);
        }
    }
    return NEWSDEX_OK;
}

static newsdex_status read_last_run(nx_xdb *db, index_stats *s, nx_error *err)
{
    char *text = NULL;
    size_t len = 0;
    newsdex_status st = nx_xdb_get_metadata(db, NX_META_LAST_RUN, &text, &len, err);
    if (st == NEWSDEX_OK && len > 0)
        s->last_run = json_loadb(text, len, 0, NULL); /* unreadable: shown as unknown */
    free(text);
    return st;
}

/* Regular files directly in the index directory (Xapian keeps it flat). */
static uint64_t directory_size(const char *path)
{
    DIR *dir = opendir(path);
    uint64_t total = 0;
    struct dirent *e;
    char file[4096];
    struct stat st;
    while (dir && (e = readdir(dir)) != NULL)
        if (snprintf(file, sizeof file, "%s/%s", path, e->d_name) < (int)sizeof file &&
            stat(file, &st) == 0 && S_ISREG(st.st_mode))
            total += (uint64_t)st.st_size;
    if (dir)
        closedir(dir);
    return total;
}

static void stats_free(index_stats *s)
{
    list_free(&s->years);
    list_free(&s->sources);
    json_decref(s->last_run);
    memset(s, 0, sizeof *s);
}

static newsdex_status collect_once(nx_xdb *db, index_stats *s, nx_error *err)
{
    newsdex_status st = nx_xdb_doccount(db, &s->articles, err);
    if (st == NEWSDEX_OK)
        st = nx_xdb_each_term(db, NX_PREFIX_YEAR, add_year, s, err);
    if (st == NEWSDEX_OK)
        st = nx_xdb_each_term(db, NX_PREFIX_DAY, add_day, s, err);
    if (st == NEWSDEX_OK)
        st = nx_xdb_each_term(db, NX_PREFIX_FIELD NX_FIELD_SOURCE ":", add_source, &s->sources,
                              err);
    if (st == NEWSDEX_OK && (s->years.nomem || s->sources.nomem))
        st = nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory");
    if (st == NEWSDEX_OK)
        st = name_sources(db, &s->sources, err);
    if (st == NEWSDEX_OK)
        st = nx_xdb_count_terms(db, "", &s->distinct_terms, err);
    if (st == NEWSDEX_OK)
        st = read_last_run(db, s, err);
    return st;
}

static newsdex_status collect(const char *path, index_stats *s, nx_error *err)
{
    nx_xdb *db = NULL;
    /* Counting the distinct terms walks the whole term table, where a
     * damaged block can crash Xapian: check the table's blocks first. */
    newsdex_status st = nx_xdb_check_terms(path, err);
    if (st == NEWSDEX_OK)
        st = nx_xdb_open_readonly(path, &db, err);
    if (st == NEWSDEX_ERR_NOT_FOUND)
        nx_error_set(err, st, "no index at %s (create one with: newsdex index --db %s FILE...)",
                     path, path);
    for (int attempt = 0; st == NEWSDEX_OK; attempt++) {
        st = collect_once(db, s, err);
        if (st != NEWSDEX_ERR_MODIFIED || attempt + 1 >= MAX_ATTEMPTS)
            break;
        stats_free(s);
        st = nx_xdb_reopen(db, err);
    }
    nx_error ignored;
    nx_xdb_close(db, &ignored);
    s->size_bytes = directory_size(path);
    return st;
}

/* ---- Printing ---- */

static int by_count_desc(const void *a, const void *b)
{
    const count_entry *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(x->name, y->name);
}

static json_int_t run_int(const json_t *run, const char *key)
{
    return json_integer_value(json_object_get(run, key));
}

static void print_last_run(const json_t *run)
{
    if (!run) {
        puts("last run:       none recorded");
        return;
    }
    const char *when = json_string_value(json_object_get(run, "finished"));
    const char *outcome = json_string_value(json_object_get(run, "outcome"));
    printf("last run:       %s, %s: %lld added, %lld replaced, %lld unchanged, %lld deleted, "
           "%lld rejected in %.2f s\n",
           when ? when : "?", outcome ? outcome : "?", (long long)run_int(run, "added"),
           (long long)run_int(run, "replaced"), (long long)run_int(run, "unchanged"),
           (long long)run_int(run, "deleted"), (long long)run_int(run, "rejected"),
           json_number_value(json_object_get(run, "seconds")));
}

static void print_text(const char *path, const index_stats *s)
{
    printf("index:          %s\n", path);
    printf("articles:       %llu\n", (unsigned long long)s->articles);
    if (s->first_day[0])
        printf("dates:          %s to %s (%llu undated)\n", s->first_day, s->last_day,
               (unsigned long long)(s->articles - s->dated));
    else
        puts("dates:          none");
    printf("distinct terms: %llu\n", (unsigned long long)s->distinct_terms);
    printf("size on disk:   %.1f MB (%llu bytes)\n", (double)s->size_bytes / 1e6,
           (unsigned long long)s->size_bytes);
    print_last_run(s->last_run);
    puts("per year:");
    for (size_t i = 0; i < s->years.n; i++)
        printf("  %-8s %llu\n", s->years.items[i].name, (unsigned long long)s->years.items[i].count);
    puts("per source:");
    for (size_t i = 0; i < s->sources.n; i++)
        printf("  %-30s %llu\n", s->sources.items[i].name,
               (unsigned long long)s->sources.items[i].count);
}

static json_t *nullable_string(const char *s)
{
    return *s ? json_string(s) : json_null();
}

static int print_json(const char *path, const index_stats *s)
{
    json_t *years = json_object(), *sources = json_array();
    for (size_t i = 0; years && i < s->years.n; i++)
        json_object_set_new(years, s->years.items[i].name,
                            json_integer((json_int_t)s->years.items[i].count));
    for (size_t i = 0; sources && i < s->sources.n; i++)
        json_array_append_new(sources, json_pack("{s:s, s:I}", "source", s->sources.items[i].name,
                                                 "articles",
                                                 (json_int_t)s->sources.items[i].count));
    json_t *o = json_pack(
        "{s:s, s:I, s:o, s:o, s:I, s:I, s:I, s:o, s:o, s:O?}", "index", path, "articles",
        (json_int_t)s->articles, "first_date", nullable_string(s->first_day), "last_date",
        nullable_string(s->last_day), "undated", (json_int_t)(s->articles - s->dated),
        "distinct_terms", (json_int_t)s->distinct_terms, "size_bytes", (json_int_t)s->size_bytes,
        "years", years, "sources", sources, "last_run", s->last_run);
    char *text = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(o);
    if (!text)
        return -1;
    puts(text);
    free(text);
    return 0;
}

int cmd_stats(int argc, char **argv)
{
    static const struct option options[] = {
        {"db", required_argument, NULL, 'd'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db_option = NULL;
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:jh", options, NULL)) != -1) {
        switch (c) {
        case 'd': db_option = optarg; break;
        case 'j': json = 1; break;
        case 'h': usage(stdout); return NX_EXIT_OK;
        default: usage(stderr); return NX_EXIT_USAGE;
        }
    }
    const char *db_path = nx_cli_db_path(db_option);
    if (!db_path || optind < argc) {
        fprintf(stderr, "newsdex stats: %s\n", !db_path ? "no index given (use --db DIR or set "
                                                          "NEWSDEX_DB)"
                                                        : "unexpected argument");
        usage(stderr);
        return NX_EXIT_USAGE;
    }
    index_stats s;
    memset(&s, 0, sizeof s);
    nx_error err;
    nx_error_clear(&err);
    newsdex_status st = collect(db_path, &s, &err);
    int rc = NX_EXIT_OK;
    if (st != NEWSDEX_OK) {
        fprintf(stderr, "newsdex: %s\n", err.message[0] ? err.message : newsdex_status_to_string(st));
        rc = nx_cli_exit_for_status(st);
    } else {
        if (s.sources.n)
            qsort(s.sources.items, s.sources.n, sizeof *s.sources.items, by_count_desc);
        if (json ? print_json(db_path, &s) != 0 : (print_text(db_path, &s), 0)) {
            fprintf(stderr, "newsdex: out of memory\n");
            rc = NX_EXIT_INDEX;
        }
    }
    stats_free(&s);
    return rc;
}
