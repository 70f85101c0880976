/* `newsdex stats [--db DIR] [--json]`: what an index holds, as
 * newsdex_index_stats_with() reads it (from term frequencies, so the
 * command stays fast on large indexes), in text or as one JSON object. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "newsdex.h"
#include "commands.h"

static void usage(FILE *out)
{
    fputs("usage: newsdex stats [--db DIR] [--json] [--shard-timeout SECONDS] [--partial]\n"
          "Shows what the index in DIR holds: articles, date range, articles per year\n"
          "and per source, distinct terms, size on disk and the last indexing run.\n"
          "  --db DIR   index directory (default: $NEWSDEX_DB)\n"
          "  --json     print one JSON object\n"
          "Remote shards (tcp://HOST:PORT, \"remote\" lines of a stub file):\n"
          "  --shard-timeout SECONDS  a shard that does not answer within this fails the\n"
          "                           command, naming it (default 10)\n"
          "  --partial                report on the shards that do answer, and say which\n"
          "                           did not (JSON: \"partial\" and \"missing_shards\")\n",
          out);
}

/* ---- Printing ---- */

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

static void print_text(const char *path, const newsdex_stats *s, const json_t *last_run)
{
    printf("index:          %s\n", path);
    printf("articles:       %llu\n", (unsigned long long)s->articles);
    if (s->first_date[0])
        printf("dates:          %s to %s (%llu undated)\n", s->first_date, s->last_date,
               (unsigned long long)s->undated);
    else
        puts("dates:          none");
    printf("distinct terms: %llu\n", (unsigned long long)s->distinct_terms);
    char size[32];
    nx_cli_format_size(size, sizeof size, s->size_bytes);
    printf("size on disk:   %s (%llu bytes)\n", size, (unsigned long long)s->size_bytes);
    print_last_run(last_run);
    puts("per year:");
    for (size_t i = 0; i < s->n_years; i++)
        printf("  %-8s %llu\n", s->years[i].value, (unsigned long long)s->years[i].count);
    puts("per source:");
    for (size_t i = 0; i < s->n_sources; i++)
        printf("  %-30s %llu\n", s->sources[i].value, (unsigned long long)s->sources[i].count);
}

static json_t *nullable_string(const char *s)
{
    return *s ? json_string(s) : json_null();
}

/* "partial": true and "missing_shards" when shards were left out, as the
 * JSON of `newsdex search` has them. */
static int add_missing_shards(json_t *o, const newsdex_stats *s)
{
    if (s->n_missing_shards == 0)
        return 0;
    json_t *names = json_array();
    for (size_t i = 0; names && i < s->n_missing_shards; i++)
        if (json_array_append_new(names, json_string(s->missing_shards[i])) != 0)
            break;
    if (!names || json_array_size(names) != s->n_missing_shards) {
        json_decref(names);
        return -1;
    }
    return json_object_set_new(o, "partial", json_true()) |
           json_object_set_new(o, "missing_shards", names);
}

static int print_json(const char *path, const newsdex_stats *s, json_t *last_run)
{
    json_t *years = json_object(), *sources = json_array();
    for (size_t i = 0; years && i < s->n_years; i++)
        json_object_set_new(years, s->years[i].value, json_integer((json_int_t)s->years[i].count));
    for (size_t i = 0; sources && i < s->n_sources; i++)
        json_array_append_new(sources, json_pack("{s:s, s:I}", "source", s->sources[i].value,
                                                 "articles", (json_int_t)s->sources[i].count));
    json_t *o = json_pack(
        "{s:s, s:I, s:o, s:o, s:I, s:I, s:I, s:o, s:o, s:O?}", "index", path, "articles",
        (json_int_t)s->articles, "first_date", nullable_string(s->first_date), "last_date",
        nullable_string(s->last_date), "undated", (json_int_t)s->undated,
        "distinct_terms", (json_int_t)s->distinct_terms, "size_bytes", (json_int_t)s->size_bytes,
        "years", years, "sources", sources, "last_run", last_run);
    char *text = o && add_missing_shards(o, s) == 0
                     ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER)
                     : NULL;
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
        NX_CLI_SHARD_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    const char *db_option = NULL;
    int json = 0, c, shard;
    newsdex_db_open_options open;
    newsdex_db_open_options_init(&open);
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:jh", options, NULL)) != -1) {
        switch (c) {
        case 'd': db_option = optarg; break;
        case 'j': json = 1; break;
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
        fprintf(stderr, "newsdex stats: %s\n", !db_path ? "no index given (use --db DIR or set "
                                                          "NEWSDEX_DB)"
                                                        : "unexpected argument");
        usage(stderr);
        return NX_EXIT_USAGE;
    }
    newsdex_stats s;
    char *message = NULL;
    newsdex_status st = newsdex_index_stats_with(db_path, &open, &s, &message);
    int rc = NX_EXIT_OK;
    if (st == NEWSDEX_ERR_NOT_FOUND) {
        fprintf(stderr, "newsdex: no index at %s (create one with: newsdex index --db %s "
                        "FILE...)\n",
                db_path, db_path);
        rc = nx_cli_exit_for_status(st);
    } else if (st != NEWSDEX_OK) {
        fprintf(stderr, "newsdex: %s\n", message ? message : newsdex_status_to_string(st));
        rc = nx_cli_exit_for_status(st);
    } else {
        nx_cli_report_missing_shards(&s, "statistics");
        /* An unreadable record is shown as unknown. */
        json_t *last_run = s.last_run ? json_loads(s.last_run, 0, NULL) : NULL;
        int failed = json ? print_json(db_path, &s, last_run) != 0
                          : (print_text(db_path, &s, last_run), 0);
        if (failed) {
            fprintf(stderr, "newsdex: out of memory\n");
            rc = NX_EXIT_INDEX;
        }
        json_decref(last_run);
    }
    free(message);
    newsdex_stats_free(&s);
    return rc;
}
