/* Subcommands of the newsdex command and the exit statuses they share. */
#ifndef NX_COMMANDS_H
#define NX_COMMANDS_H

/* Exit statuses: stable, documented in the README and `newsdex help`. */
enum {
    NX_EXIT_OK = 0,        /* everything done */
    NX_EXIT_REJECTED = 1,  /* finished, but some records were rejected */
    NX_EXIT_USAGE = 2,     /* bad command line or query */
    NX_EXIT_INPUT = 3,     /* an input file could not be read (fully) */
    NX_EXIT_LOCKED = 4,    /* the index is locked by another writer */
    NX_EXIT_INDEX = 5      /* the index is missing, unreadable or unwritable */
};

int cmd_index(int argc, char **argv);
int cmd_search(int argc, char **argv);

/* Shared option helpers (cli/options.c). */
const char *nx_cli_db_path(const char *from_option);   /* --db, else $NEWSDEX_DB, else NULL */
int nx_cli_parse_uint(const char *text, const char *option, unsigned max, unsigned *out);

#endif
