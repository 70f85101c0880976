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
    fputs("usage: newsdex fields [--db DIR]\n"
          "Lists the fields a query can search as FIELD:value (see `newsdex help query`).\n",
          out);
}

/* What each built-in field searches, with an example. */
static const char *describe(const char *name)
{
    static const char *const text[][2] = {
        {"title", "words of the title            title:layoffs  title:\"rate cut\""},
        {"source", "the publication (whole name)  source:\"Harbor Street Journal\""},
        {"topic", "a topic (also topics:)        topic:\"interest rates\""},
        {"place", "a place (also places:)        place:Taiwan"},
        {"company", "a company (also companies:)   company:Nvidia  company:amaz*"},
        {"author", "an author (also authors:)     author:\"Jane Doe\""},
        {"id", "an article id, exactly        id:ndx-0029"},
        {"date", "a day, month, year or range   date:2024-01  date:2024-01-01..2024-03-31"},
    };
    for (size_t i = 0; i < sizeof text / sizeof text[0]; i++)
        if (strcmp(name, text[i][0]) == 0)
            return text[i][1];
    return NULL;
}

static int print_fields(newsdex_db *db)
{
    char **names = NULL;
    size_t n = 0;
    newsdex_status st = newsdex_db_fields(db, &names, &n);
    if (st != NEWSDEX_OK) {
        fprintf(stderr, "newsdex: %s\n", newsdex_db_last_error(db));
        return NX_EXIT_INDEX;
    }
    for (size_t i = 0; i < n; i++) {
        const char *what = describe(names[i]);
        if (what)
            printf("%-10s %s\n", names[i], what);
        else
            printf("%-10s the input's \"%s\" list       %s:VALUE\n", names[i], names[i],
                   names[i]);
    }
    newsdex_fields_free(names, n);
    return NX_EXIT_OK;
}

int cmd_fields(int argc, char **argv)
{
    static const struct option options[] = {
        {"db", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db_option = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+d:h", options, NULL)) != -1) {
        switch (c) {
        case 'd': db_option = optarg; break;
        case 'h': usage(stdout); return NX_EXIT_OK;
        default: usage(stderr); return NX_EXIT_USAGE;
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
    newsdex_status st = newsdex_db_open(db_path, &db, &message);
    if (st != NEWSDEX_OK) {
        fprintf(stderr, "newsdex: %s", message ? message : newsdex_status_to_string(st));
        if (st == NEWSDEX_ERR_NOT_FOUND) /* the library's message names no command */
            fprintf(stderr, " (create one with: newsdex index --db %s FILE...)", db_path);
        fputc('\n', stderr);
        free(message);
        return NX_EXIT_INDEX;
    }
    int rc = print_fields(db);
    newsdex_db_close(db);
    return rc;
}
