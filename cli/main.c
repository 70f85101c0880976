/* The newsdex command: dispatches to one subcommand per file. */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "commands.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"index", cmd_index, "add or replace articles in an index"},
    {"search", cmd_search, "search an index"},
    {"delete", cmd_delete, "delete articles by id"},
    {"stats", cmd_stats, "show what an index holds"},
    {"compact", cmd_compact, "rewrite an index compactly, in place"},
    {"fields", cmd_fields, "list the fields a query can search (FIELD:value)"},
    {"similar", cmd_similar, "list the articles most like a given one"},
};

static void usage(FILE *out)
{
    fputs("usage: newsdex COMMAND [OPTIONS] ...\n\ncommands:\n", out);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fputs("  help     show this help\n"
          "  help query  describe the query language\n\n"
          "Run `newsdex COMMAND --help` for a command's options.\n"
          "The index directory comes from --db DIR or the NEWSDEX_DB environment variable.\n\n"
          "exit status: 0 ok, 1 some records rejected, 2 usage or query error,\n"
          "             3 input unreadable, 4 index locked, 5 index error,\n"
          "             6 disk full, 130/143 stopped by SIGINT/SIGTERM (work committed)\n",
          out);
}

/* Each shard of an archive keeps files open (about 6 to search it, 13 to
 * index it), so an archive of a century of years needs more than the
 * usual soft limit of 1024: take what the hard limit allows. */
static void raise_open_file_limit(void)
{
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) != 0)
        return;
    /* An unlimited hard limit is still capped by the kernel (fs.nr_open). */
    const rlim_t tries[] = {r.rlim_max, 1048576, 65536};
    for (size_t i = 0; i < sizeof tries / sizeof tries[0]; i++) {
        if (tries[i] <= r.rlim_cur || tries[i] > r.rlim_max)
            continue;
        struct rlimit want = {tries[i], r.rlim_max};
        if (setrlimit(RLIMIT_NOFILE, &want) == 0)
            return;
    }
}

int main(int argc, char **argv)
{
    raise_open_file_limit();
    if (argc < 2) {
        usage(stderr);
        return NX_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (!strcmp(name, "help") && argc > 2) /* help TOPIC, e.g. `newsdex help query` */
        return cmd_help(argc - 1, argv + 1);
    if (!strcmp(name, "help") || !strcmp(name, "--help") || !strcmp(name, "-h")) {
        usage(stdout);
        return NX_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(name, commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "newsdex: unknown command \"%s\"\n\n", name);
    usage(stderr);
    return NX_EXIT_USAGE;
}
