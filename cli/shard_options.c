/* The command line's side of shards: --shard-by and telling an archive
 * of shards from one index before a writer opens it; the
 * readers' --shard-timeout and --partial. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "newsdex.h"
#include "commands.h"

int nx_cli_parse_shard_by(const char *text, newsdex_shard_by *by)
{
    if (!strcmp(text, "year")) {
        *by = NEWSDEX_SHARD_BY_YEAR;
        return 0;
    }
    if (!strcmp(text, "arrival")) {
        *by = NEWSDEX_SHARD_BY_ARRIVAL;
        return 0;
    }
    fprintf(stderr, "newsdex: --shard-by expects year or arrival, not \"%s\"\n", text);
    return -1;
}

newsdex_shard_by nx_cli_shard_by_of(const char *db_path)
{
    newsdex_shard_by by = NEWSDEX_SHARD_NONE;
    if (newsdex_index_shards(db_path, &by, NULL, NULL, NULL) != NEWSDEX_OK)
        return NEWSDEX_SHARD_NONE;
    return by;
}

/* Something a reader opens at db_path that is not an archive: one index, a
 * stub file, a remote index. */
static int is_other_index(const char *db_path)
{
    newsdex_db *db = NULL;
    newsdex_status st = newsdex_db_open(db_path, &db, NULL);
    newsdex_db_close(db);
    return st == NEWSDEX_OK;
}

static const char *shard_by_word(newsdex_shard_by by)
{
    return by == NEWSDEX_SHARD_BY_ARRIVAL ? "arrival" : "year";
}

int nx_cli_check_sharding(const char *db_path, newsdex_shard_by wanted)
{
    newsdex_shard_by have = nx_cli_shard_by_of(db_path);
    if (have == wanted)
        return -1;
    if (have != NEWSDEX_SHARD_NONE) {
        fprintf(stderr, "newsdex index: %s is an archive of %s; index into it "
                        "with --shard-by %s\n",
                db_path, have == NEWSDEX_SHARD_BY_YEAR ? "per-year shards" : "shards by arrival",
                shard_by_word(have));
        return NX_EXIT_USAGE;
    }
    if (is_other_index(db_path)) {
        fprintf(stderr, "newsdex index: %s is one index, not an archive of shards; "
                        "--shard-by %s needs an archive, or a new or empty directory to "
                        "make one in\n",
                db_path, shard_by_word(wanted));
        return NX_EXIT_USAGE;
    }
    return -1; /* nothing there yet: the writer creates the archive */
}

/* --shard-timeout: seconds, more than 0, to the millisecond. */
static int parse_shard_timeout(const char *text, uint32_t *ms)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (!end || end == text || *end || errno || !(v > 0) || v > 3600) {
        fprintf(stderr, "newsdex: --shard-timeout expects seconds, more than 0 and at most "
                        "3600, not \"%s\"\n", text);
        return -1;
    }
    *ms = (uint32_t)(v * 1000.0 + 0.5);
    if (*ms == 0)
        *ms = 1;
    return 0;
}

int nx_cli_shard_option(int c, const char *arg, newsdex_db_open_options *open)
{
    if (c == 'R')
        return parse_shard_timeout(arg, &open->shard_timeout_ms) == 0 ? 1 : -1;
    if (c == 'p') {
        open->partial = 1;
        return 1;
    }
    return 0;
}

void nx_cli_report_missing_shards(const newsdex_stats *stats, const char *what)
{
    for (size_t i = 0; i < stats->n_missing_shards; i++)
        fprintf(stderr, "newsdex: partial %s: shard %s did not answer\n", what,
                stats->missing_shards[i]);
}
