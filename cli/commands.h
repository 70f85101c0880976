/* Subcommands of the newsdex command and the exit statuses they share. */
#ifndef NX_COMMANDS_H
#define NX_COMMANDS_H

#include "newsdex.h"

/* Exit statuses: stable, documented in the README and `newsdex help`. */
enum {
    NX_EXIT_OK = 0,        /* everything done */
    NX_EXIT_REJECTED = 1,  /* finished, but some records were rejected */
    NX_EXIT_USAGE = 2,     /* bad command line or query */
    NX_EXIT_INPUT = 3,     /* an input file could not be read (fully) */
    NX_EXIT_LOCKED = 4,    /* the index is locked by another writer */
    NX_EXIT_INDEX = 5,     /* the index is missing, unreadable or unwritable */
    NX_EXIT_NOSPACE = 6,   /* disk full (or quota / file size limit) while writing */
    NX_EXIT_SIGNAL = 128   /* + signal number: stopped by SIGINT (130) or SIGTERM (143)
                              after committing everything read before */
};

int cmd_index(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_delete(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_compact(int argc, char **argv); /* cli/compact_command.c */
/* Query language (cli/fields_command.c, cli/search_command.c). */
int cmd_fields(int argc, char **argv);
int cmd_similar(int argc, char **argv); /* cli/similar_command.c */
int cmd_help(int argc, char **argv);   /* `newsdex help TOPIC` (TOPIC: query) */
/* The query language reference that `newsdex help query` prints (query_help.c). */
const char *nx_query_help(void);

/* Writer helpers shared by `index` and `delete` (cli/index_command.c). */
/* SIGINT/SIGTERM set a flag (read with nx_cli_stop_signal); a second one kills. */
void nx_cli_catch_stop_signals(void);
int nx_cli_stop_signal(void);
/* Opens the index for writing, waiting up to wait_seconds while another writer
 * holds it. Prints why on failure; returns an NX_EXIT_* status. */
int nx_cli_open_writer(const char *db_path, unsigned wait_seconds, newsdex_writer **writer);
/* The same for an archive of shards (newsdex_writer_open_sharded()). */
int nx_cli_open_writer_sharded(const char *db_path, newsdex_shard_by by, unsigned wait_seconds,
                               newsdex_writer **writer);

/* Archives of shards (cli/shard_options.c). */
/* --shard-by WHAT: "year" or "arrival"; prints why not and returns -1 for
 * anything else. */
int nx_cli_parse_shard_by(const char *text, newsdex_shard_by *by);
/* How the index at db_path is split (NEWSDEX_SHARD_NONE for one index or none). */
newsdex_shard_by nx_cli_shard_by_of(const char *db_path);
/* `index` writes an archive only with --shard-by, and one index only
 * without: prints why not and returns NX_EXIT_USAGE, else -1. */
int nx_cli_check_sharding(const char *db_path, newsdex_shard_by wanted);
/* The readers' --shard-timeout SECONDS and --partial: their entries of a
 * getopt_long table (short values 'R' and 'p'), and reading one into the
 * open options: 1 if c was one of them, 0 if not, -1 for a bad value
 * (printed). */
#define NX_CLI_SHARD_OPTIONS                                                                \
    {"shard-timeout", required_argument, NULL, 'R'}, {"partial", no_argument, NULL, 'p'}
int nx_cli_shard_option(int c, const char *arg, newsdex_db_open_options *open);
/* Says on standard error which shards stats (opened with --partial) left
 * out of what (the "statistics", the "field list"). */
void nx_cli_report_missing_shards(const newsdex_stats *stats, const char *what);
/* NX_EXIT_* status for an index error. */
int nx_cli_exit_for_status(newsdex_status status);

/* Shared option helpers (cli/options.c). */
const char *nx_cli_db_path(const char *from_option);   /* --db, else $NEWSDEX_DB, else NULL */
int nx_cli_parse_uint(const char *text, const char *option, unsigned max, unsigned *out);
/* A size in binary units, the one convention of every command: "27.2 MiB" (2^20
 * bytes), "1.50 GiB", "3.0 KiB". */
void nx_cli_format_size(char *buf, size_t cap, uint64_t bytes);
/* Why db_path did not open for reading (message: the library's, may be
 * NULL), and how to create a missing index. */
void nx_cli_report_open_error(const char *db_path, newsdex_status st, const char *message);

#endif
