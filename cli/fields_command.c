/* `newsdex fields --db DIR`: the fields a query can search (FIELD:value),
 * the built-in ones and every list field the indexed input had. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "newsdex.h"
#include "commands.h"

static void usage(FILE *out)
{
    fputs("usage: newsdex fields [--db DIR] [--shard-timeout SECONDS] [--partial]\n"
          "Lists the fields a query can search as FIELD:value (see `newsdex help query`),\n"
          "each with an example taken from the index: its largest source, a topic, id and\n"
          "title word of that source's articles, its newest month (FIELD:VALUE where the\n"
          "index offers none).\n"
          "  --db DIR                 index directory (default: $NEWSDEX_DB)\n"
          "  --shard-timeout SECONDS  a remote shard that does not answer within this fails\n"
          "                           the command, naming it (default 10)\n"
          "  --partial                list what the shards that do answer hold, and say\n"
          "                           which did not\n",
          out);
}

/* What each built-in field searches; its examples come from the index. */
static const char *describe(const char *name)
{
    static const char *const text[][2] = {
        {"title", "words of the title"},
        {"source", "the publication (whole name)"},
        {"topic", "a topic (also topics:)"},
        {"place", "a place (also places:)"},
        {"company", "a company (also companies:)"},
        {"author", "an author (also authors:)"},
        {"id", "an article id, exactly"},
        {"date", "a day, month, year or range"},
    };
    for (size_t i = 0; i < sizeof text / sizeof text[0]; i++)
        if (strcmp(name, text[i][0]) == 0)
            return text[i][1];
    return NULL;
}

/* Example values taken from the index itself: its largest source, a topic,
 * id and title word of that source's articles, its newest month. */
typedef struct examples {
    char source[160], topic[160], id[160], title[64], date[32];
} examples;

/* FIELD:value, quoted when the value has a space. */
static void field_value(char *buf, size_t cap, const char *field, const char *value)
{
    snprintf(buf, cap, strchr(value, ' ') ? "%s:\"%s\"" : "%s:%s", field, value);
}

static void title_word(char *buf, size_t cap, const char *title)
{
    const char *p = title;
    while (*p) {
        size_t n = strcspn(p, " \t,.;:!?\"'()[]");
        int letters = n >= 5;
        for (size_t i = 0; i < n && letters; i++)
            letters = (p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z');
        if (letters && n < cap) {
            for (size_t i = 0; i < n; i++)
                buf[i] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] - 'A' + 'a' : p[i]);
            buf[n] = '\0';
            return;
        }
        p += n ? n : 1;
    }
}

static void find_examples(const char *db_path, const newsdex_db_open_options *open,
                          newsdex_db *db, examples *ex)
{
    memset(ex, 0, sizeof *ex);
    newsdex_stats stats;
    char *message = NULL;
    if (newsdex_index_stats_with(db_path, open, &stats, &message) != NEWSDEX_OK) {
        free(message); /* no examples */
        newsdex_stats_free(&stats);
        return;
    }
    nx_cli_report_missing_shards(&stats, "field list");
    if (stats.last_date[0])
        snprintf(ex->date, sizeof ex->date, "date:%.7s", stats.last_date);
    char query[200] = "";
    if (stats.n_sources > 0 && strlen(stats.sources[0].value) < 150) {
        field_value(ex->source, sizeof ex->source, "source", stats.sources[0].value);
        snprintf(query, sizeof query, "source:\"%s\"", stats.sources[0].value);
    }
    newsdex_stats_free(&stats);
    newsdex_search_options o;
    newsdex_search_options_init(&o);
    o.query = query;
    o.limit = 1;
    o.snippets = 0;
    o.facets = 1;
    o.suggest = 0;
    newsdex_results *r = NULL;
    if (!query[0] || newsdex_search(db, &o, &r) != NEWSDEX_OK)
        return;
    const char *value;
    uint64_t count;
    if (newsdex_results_facet_get(r, NEWSDEX_FACET_TOPIC, 0, &value, &count) == NEWSDEX_OK &&
        strlen(value) < 150)
        field_value(ex->topic, sizeof ex->topic, "topic", value);
    newsdex_hit hit;
    if (newsdex_results_count(r) > 0 && newsdex_results_get(r, 0, &hit) == NEWSDEX_OK) {
        if (strlen(hit.id) < 150 && !strchr(hit.id, ' '))
            snprintf(ex->id, sizeof ex->id, "id:%s", hit.id);
        char word[40] = "";
        title_word(word, sizeof word, hit.title);
        if (word[0])
            snprintf(ex->title, sizeof ex->title, "title:%s", word);
    }
    newsdex_results_free(r);
}

static const char *example_of(const examples *ex, const char *name)
{
    return strcmp(name, "source") == 0  ? ex->source
           : strcmp(name, "topic") == 0 ? ex->topic
           : strcmp(name, "id") == 0    ? ex->id
           : strcmp(name, "title") == 0 ? ex->title
           : strcmp(name, "date") == 0  ? ex->date
                                        : "";
}

static int print_fields(const char *db_path, const newsdex_db_open_options *open,
                        newsdex_db *db)
{
    char **names = NULL;
    size_t n = 0;
    newsdex_status st = newsdex_db_fields(db, &names, &n);
    if (st != NEWSDEX_OK) {
        fprintf(stderr, "newsdex: %s\n", newsdex_db_last_error(db));
        return NX_EXIT_INDEX;
    }
    examples ex;
    find_examples(db_path, open, db, &ex);
    for (size_t i = 0; i < n; i++) {
        const char *what = describe(names[i]);
        char list[96];
        if (!what) {
            snprintf(list, sizeof list, "the input's \"%s\" list", names[i]);
            what = list;
        }
        const char *example = example_of(&ex, names[i]);
        if (!example[0])
            printf("%-10s %-30s %s:VALUE\n", names[i], what, names[i]);
        else
            printf("%-10s %-30s %s\n", names[i], what, example);
    }
    newsdex_fields_free(names, n);
    return NX_EXIT_OK;
}

int cmd_fields(int argc, char **argv)
{
    static const struct option options[] = {
        {"db", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        NX_CLI_SHARD_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    const char *db_option = NULL;
    int c, shard;
    newsdex_db_open_options open;
    newsdex_db_open_options_init(&open);
    optind = 1;
    while ((c = getopt_long(argc, argv, "+d:h", options, NULL)) != -1) {
        switch (c) {
        case 'd': db_option = optarg; break;
        case 'h': usage(stdout); return NX_EXIT_OK;
        default:
            if ((shard = nx_cli_shard_option(c, optarg, &open)) == 1)
                break;
            if (shard == 0)
                usage(stderr);
            return NX_EXIT_USAGE;
        }
    }
    const char *db_path = nx_cli_db_path(db_option);
    if (!db_path || optind < argc) {
        fprintf(stderr, "newsdex fields: %s\n",
                !db_path ? "no index given (use --db DIR or set NEWSDEX_DB)"
                         : "unexpected argument");
        usage(stderr);
        return NX_EXIT_USAGE;
    }
    newsdex_db *db = NULL;
    char *message = NULL;
    newsdex_status st = newsdex_db_open_with(&db_path, 1, &open, &db, &message);
    if (st != NEWSDEX_OK) {
        nx_cli_report_open_error(db_path, st, message);
        free(message);
        return NX_EXIT_INDEX;
    }
    int rc = print_fields(db_path, &open, db);
    newsdex_db_close(db);
    return rc;
}
