/* `newsdex search --db DIR QUERY`: ranked results as text or JSON; with
 * --batch, one query per line of standard input and one JSON line per
 * query. Also `newsdex help query`, which prints the query language. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "newsdex.h"
#include "result_format.h"
#include "search_cli.h"
#include "commands.h"

static void usage(FILE *out)
{
    fputs("usage: newsdex search [--db DIR] [OPTIONS] QUERY...\n"
          "       newsdex search [--db DIR] [OPTIONS] --batch < QUERIES\n"
          "  --db DIR         index directory (default: $NEWSDEX_DB); repeat it to search\n"
          "                   several indexes as one (at most 64)\n"
          "  --limit N        results to show (default 10, at most 10000)\n"
          "  --offset N       results to skip (default 0)\n"
          "  --from DATE      only articles dated on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD, UTC)\n"
          "  --to DATE        only articles dated on or before DATE (a year or month: its end)\n"
          "  --sort ORDER     relevance (default), date (newest first) or recent\n"
          "                   (relevance blended with recency)\n"
          "  --half-life DAYS for --sort recent: age at which recency counts half (default 90)\n"
          "  --any            rank by any of the words, none required (natural-language queries)\n"
          "  --facets         count every match per source, topic and year\n"
          "  --histogram BY   chart every match per year or month (BY: year, month)\n"
          "  --collapse       fold near-duplicates (same normalised title, same day)\n"
          "  --no-suggest     no \"Did you mean\" spelling suggestion (nor correction)\n"
          "  --no-correct     when nothing has all the words, only suggest a correction\n"
          "                   instead of showing the corrected query's results\n"
          "  --json           print one JSON object\n"
          "  --batch          read one query per line from standard input and print one\n"
          "                   JSON object per line (errors as {\"query\": ..., \"error\": ...})\n"
          "  --no-snippets    leave out snippets\n"
          "  --color WHEN     bold highlights: auto (on a terminal; default), always, never\n"
          "  --explain        print the parsed query and the Xapian query before the results\n"
          "Limits (a search that goes over one stops with exit status 7; 0 turns one off):\n"
          "  --time-limit SECONDS     time per search (default 10)\n"
          "  --max-wildcard-terms N   words all the wildcards of a query may expand to\n"
          "                           (default 5000)\n"
          "  --max-counted N          matches --facets and --histogram may count (default 1000000)\n"
          "  --max-query-terms N      terms of the query (default 1000)\n"
          "  --max-depth N            --offset + --limit at most (default 100000)\n"
          "Remote shards (tcp://HOST:PORT, \"remote\" lines of a stub file):\n"
          "  --shard-timeout SECONDS  a shard that does not answer within this fails the\n"
          "                           search, naming it (default 10)\n"
          "  --partial                answer from the shards that do answer, and say which\n"
          "                           did not (JSON: \"partial\" and \"missing_shards\")\n"
          "Options may come before or after the query; -- ends them, so that a query\n"
          "word starting with '-' is searched (newsdex search --db DIR -- oil -bond).\n"
          "Query: words are all required and match any inflection; \"quoted phrases\"\n"
          "match words in order; a OR b; -word excludes; (parentheses) group;\n"
          "title:, source:, topic:, date:2024-01, \"rate cut\"~5, layoff*.\n"
          "`newsdex help query` describes the whole query language.\n",
          out);
}

/* The query is every remaining argument joined by spaces. */
static char *join_args(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *q = malloc(len), *p = q;
    if (!q)
        return NULL;
    for (int i = 0; i < argc; i++) {
        size_t n = strlen(argv[i]);
        if (i)
            *p++ = ' ';
        memcpy(p, argv[i], n);
        p += n;
    }
    *p = '\0';
    return q;
}

static int exit_for(newsdex_status st)
{
    if (st == NEWSDEX_ERR_QUERY || st == NEWSDEX_ERR_INVALID)
        return NX_EXIT_USAGE;
    if (st == NEWSDEX_ERR_LIMIT)
        return NX_EXIT_LIMIT;
    return NX_EXIT_INDEX;
}

/* ---- Limits: the options behind each newsdex_limit ---- */

typedef struct limit_option {
    const char *api;     /* the limit's name in the library's messages */
    const char *option;
    const char *what;    /* "... than OPTION (VALUE)" */
    const char *advice;
} limit_option;

static const limit_option limit_options[NEWSDEX_LIMITS] = {
    [NEWSDEX_LIMIT_TIME_MS] = {"NEWSDEX_LIMIT_TIME_MS", "--time-limit",
                               "the search took longer than", "give a larger --time-limit "
                               "(seconds; 0 for none)"},
    [NEWSDEX_LIMIT_WILDCARD_TERMS] = {"NEWSDEX_LIMIT_WILDCARD_TERMS", "--max-wildcard-terms",
                                      "the query's wildcards expand to more words than",
                                      "use longer prefixes, or raise --max-wildcard-terms"},
    [NEWSDEX_LIMIT_COUNTED_MATCHES] = {"NEWSDEX_LIMIT_COUNTED_MATCHES", "--max-counted",
                                       "more articles match than --facets and --histogram may "
                                       "count:", "narrow the query, or raise --max-counted"},
    [NEWSDEX_LIMIT_QUERY_TERMS] = {"NEWSDEX_LIMIT_QUERY_TERMS", "--max-query-terms",
                                   "the query has more terms than",
                                   "shorten it, or raise --max-query-terms"},
    [NEWSDEX_LIMIT_DEPTH] = {"NEWSDEX_LIMIT_DEPTH", "--max-depth",
                             "--offset + --limit goes deeper than",
                             "ask for an earlier page, or raise --max-depth"},
};

/* A limit's value as its option gives it (--time-limit in seconds). */
static void print_limit_value(FILE *out, int which, int64_t v)
{
    if (which == NEWSDEX_LIMIT_TIME_MS)
        fprintf(out, "%g s", (double)v / 1000.0);
    else
        fprintf(out, "%lld", (long long)v);
}

/* The library's message in the command line's words: it names the API's
 * members ("options->from (2025) is after options->to (2024)"), the command
 * line its options ("--from 2025 is after --to 2024"), with a hint naming
 * the command that helps. Returns message, or buf holding the new text. */
static const char *cli_words(const char *message, char *buf, size_t cap)
{
    char from[64], to[64];
    const char *field = strstr(message, ": unknown field \"");
    size_t len = strlen(message);
    if (sscanf(message, "options->from (%63[^)]) is after options->to (%63[^)])", from, to) == 2)
        snprintf(buf, cap, "--from %s is after --to %s", from, to);
    else if (!strncmp(message, "options->from: ", 15) || !strncmp(message, "options->to: ", 13))
        snprintf(buf, cap, "--%s", message + strlen("options->"));
    else if (!strncmp(message, "no index at ", 12))
        snprintf(buf, cap, "%s (create one with: newsdex index --db %s FILE...)", message,
                 message + 12);
    else if (field && len && message[len - 1] == '"')
        snprintf(buf, cap, "%s (`newsdex fields` lists them)", message);
    else
        return message;
    return buf;
}

int nx_search_cli_report(newsdex_db *db, newsdex_status st)
{
    char words[1024];
    const char *message = cli_words(newsdex_db_last_error(db), words, sizeof words);
    for (int i = 0; st == NEWSDEX_ERR_LIMIT && i < NEWSDEX_LIMITS; i++) {
        const limit_option *l = &limit_options[i];
        if (!strstr(message, l->api))
            continue;
        fprintf(stderr, "newsdex: %s %s (", l->what, l->option);
        print_limit_value(stderr, i, newsdex_db_limit(db, (newsdex_limit)i, -1));
        fprintf(stderr, "); %s\n", l->advice);
        return exit_for(st);
    }
    fprintf(stderr, "newsdex: %s\n", message);
    return exit_for(st);
}

static int use_terminal_style(int color)
{
    if (color >= 0)
        return color;
    const char *term = getenv("TERM");
    const char *no_color = getenv("NO_COLOR");
    return isatty(STDOUT_FILENO) && !(no_color && *no_color) && !(term && !strcmp(term, "dumb"));
}

int nx_search_cli_print(const search_args *run, const char *query, const newsdex_results *r,
                        const nx_explanation *e)
{
    for (size_t i = 0; i < newsdex_results_missing_shard_count(r); i++)
        fprintf(stderr, "newsdex: partial results: shard %s did not answer\n",
                newsdex_results_missing_shard(r, i));
    nx_text_style style = {use_terminal_style(run->color)};
    int rc = run->json ? nx_format_json(stdout, query, &run->o, r, e)
                       : nx_format_text_styled(stdout, query, &run->o, r, e, &style);
    if (rc != 0) {
        fprintf(stderr, "newsdex: out of memory formatting results\n");
        return NX_EXIT_INDEX;
    }
    return NX_EXIT_OK;
}

static int search_and_print(newsdex_db *db, const search_args *run)
{
    nx_explanation e = {NULL, NULL, 0};
    char *tree = NULL, *xapian = NULL;
    if (run->explain) {
        newsdex_status st = newsdex_explain(db, &run->o, &tree, &xapian);
        if (st != NEWSDEX_OK)
            return nx_search_cli_report(db, st);
        e.tree = tree;
        e.xapian = xapian;
    }
    newsdex_results *r = NULL;
    newsdex_status st = newsdex_search(db, &run->o, &r);
    int rc = st != NEWSDEX_OK ? nx_search_cli_report(db, st)
                              : nx_search_cli_print(run, run->o.query, r, &e);
    newsdex_results_free(r);
    free(tree);
    free(xapian);
    return rc;
}

/* ---- --batch ---- */

static void chomp(char *line)
{
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
}

/* One query of a batch: a JSON line, or an error line. Returns an exit status. */
static int batch_one(newsdex_db *db, search_args *run, const char *query)
{
    run->o.query = query;
    newsdex_results *r = NULL;
    newsdex_status st = newsdex_search(db, &run->o, &r);
    int rc = NX_EXIT_OK;
    if (st != NEWSDEX_OK) {
        rc = exit_for(st);
        char words[1024];
        const char *message = cli_words(newsdex_db_last_error(db), words, sizeof words);
        if (nx_format_json_error(stdout, query, message) != 0)
            rc = NX_EXIT_INDEX;
    } else if (nx_format_json(stdout, query, &run->o, r, NULL) != 0) {
        fprintf(stderr, "newsdex: out of memory formatting results\n");
        rc = NX_EXIT_INDEX;
    }
    newsdex_results_free(r);
    fflush(stdout); /* a program waiting for this answer gets it now */
    return rc;
}

static int run_batch(newsdex_db *db, search_args *run)
{
    char *line = NULL;
    size_t cap = 0;
    int rc = NX_EXIT_OK;
    errno = 0;
    while (getline(&line, &cap, stdin) >= 0) {
        chomp(line);
        int one = batch_one(db, run, line);
        rc = one > rc ? one : rc;
    }
    if (ferror(stdin)) {
        fprintf(stderr, "newsdex: reading queries from standard input: %s\n", strerror(errno));
        rc = rc > NX_EXIT_INPUT ? rc : NX_EXIT_INPUT;
    }
    free(line);
    return rc;
}

int nx_search_cli_open(const search_args *run, newsdex_db **db)
{
    char *message = NULL;
    newsdex_status st = run->n_db > 1
                            ? newsdex_db_open_with(run->db_paths, run->n_db, &run->open, db,
                                                   &message)
                            : newsdex_db_open_with(&run->db_path, 1, &run->open, db, &message);
    if (st == NEWSDEX_OK) {
        for (int i = 0; i < NEWSDEX_LIMITS; i++)
            if (run->limits[i] >= 0)
                newsdex_db_limit(*db, (newsdex_limit)i, run->limits[i]);
        return NX_EXIT_OK;
    }
    char words[1024];
    fprintf(stderr, "newsdex: %s\n",
            message ? cli_words(message, words, sizeof words) : newsdex_status_to_string(st));
    free(message);
    return NX_EXIT_INDEX;
}

/* ---- Options ---- */

static int parse_choice(const char *text, const char *option, const char *const *names,
                        int *out)
{
    for (int i = 0; names[i]; i++)
        if (strcmp(text, names[i]) == 0) {
            *out = i;
            return 0;
        }
    fprintf(stderr, "newsdex: %s expects one of", option);
    for (int i = 0; names[i]; i++)
        fprintf(stderr, "%s %s", i ? "," : "", names[i]);
    fprintf(stderr, ", not \"%s\"\n", text);
    return -1;
}

static int parse_days(const char *text, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (!end || end == text || *end || errno || !(v > 0) || !isfinite(v) || v > 1e6) {
        fprintf(stderr, "newsdex: --half-life expects a positive number of days, not \"%s\"\n",
                text);
        return -1;
    }
    *out = v;
    return 0;
}

/* --time-limit: seconds, to the millisecond; 0 for no limit. */
static int parse_seconds(const char *text, int64_t *ms)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (!end || end == text || *end || errno || !(v >= 0) || v > 1e6) {
        fprintf(stderr, "newsdex: --time-limit expects seconds from 0 (no limit) to 1000000, "
                        "not \"%s\"\n", text);
        return -1;
    }
    *ms = (int64_t)(v * 1000.0 + 0.5);
    if (v > 0 && *ms == 0)
        *ms = 1; /* the least limit there is, not none */
    return 0;
}

/* A --max-* option: a whole number, 0 for no limit. */
static int parse_count(const char *text, const char *option, int64_t *out)
{
    unsigned v = 0;
    if (nx_cli_parse_uint(text, option, 4000000000u, &v) != 0)
        return -1;
    *out = v;
    return 0;
}

static const char *const sort_names[] = {"relevance", "date", "recent", NULL};
static const char *const histogram_names[] = {"none", "year", "month", NULL};
static const char *const color_names[] = {"never", "always", "auto", NULL};

/* One option of the added kind; returns 0, or -1 for a bad value. */
static int added_option(int c, search_args *run)
{
    int v = 0;
    switch (c) {
    case 's': return parse_choice(optarg, "--sort", sort_names, &run->o.sort);
    case 'H': return parse_days(optarg, &run->o.half_life_days);
    case 'g': return parse_choice(optarg, "--histogram", histogram_names, &run->o.histogram);
    case 'C':
        if (parse_choice(optarg, "--color", color_names, &v) != 0)
            return -1;
        run->color = v == 2 ? -1 : v;
        return 0;
    case 'L': return parse_seconds(optarg, &run->limits[NEWSDEX_LIMIT_TIME_MS]);
    case 'W':
        return parse_count(optarg, "--max-wildcard-terms",
                           &run->limits[NEWSDEX_LIMIT_WILDCARD_TERMS]);
    case 'M':
        return parse_count(optarg, "--max-counted", &run->limits[NEWSDEX_LIMIT_COUNTED_MATCHES]);
    case 'Q':
        return parse_count(optarg, "--max-query-terms", &run->limits[NEWSDEX_LIMIT_QUERY_TERMS]);
    case 'D': return parse_count(optarg, "--max-depth", &run->limits[NEWSDEX_LIMIT_DEPTH]);
    case 'R':
    case 'p': return nx_cli_shard_option(c, optarg, &run->open) == 1 ? 0 : -1;
    case 'A': run->o.any = 1; return 0;
    case 'f': run->o.facets = 1; return 0;
    case 'c': run->o.collapse = 1; return 0;
    case 'B': run->batch = 1; return 0;
    case 'N': run->o.suggest = 0; return 0;
    case 'K': run->o.correct = 0; return 0;
    }
    return -1;
}

static const struct option long_options[] = {
    {"db", required_argument, NULL, 'd'},        {"limit", required_argument, NULL, 'l'},
    {"offset", required_argument, NULL, 'o'},    {"json", no_argument, NULL, 'j'},
    {"no-snippets", no_argument, NULL, 'S'},     {"help", no_argument, NULL, 'h'},
    {"from", required_argument, NULL, 'F'},      {"to", required_argument, NULL, 'T'},
    {"explain", no_argument, NULL, 'E'},         {"sort", required_argument, NULL, 's'},
    {"half-life", required_argument, NULL, 'H'}, {"any", no_argument, NULL, 'A'},
    {"facets", no_argument, NULL, 'f'},          {"histogram", required_argument, NULL, 'g'},
    {"collapse", no_argument, NULL, 'c'},        {"batch", no_argument, NULL, 'B'},
    {"no-suggest", no_argument, NULL, 'N'},      {"color", required_argument, NULL, 'C'},
    {"no-correct", no_argument, NULL, 'K'},
    {"colour", required_argument, NULL, 'C'},    {"time-limit", required_argument, NULL, 'L'},
    {"max-wildcard-terms", required_argument, NULL, 'W'},
    {"max-counted", required_argument, NULL, 'M'},
    {"max-query-terms", required_argument, NULL, 'Q'},
    {"max-depth", required_argument, NULL, 'D'},
    NX_CLI_SHARD_OPTIONS,
    {NULL, 0, NULL, 0},
};

/* After a bad option: a word of the query that starts with '-' is read as
 * options, so say how to search for it. */
static int dash_hint(const char *command)
{
    int similar = strcmp(command, "similar") == 0;
    fprintf(stderr,
            "newsdex %s: options may come before or after the %s; an argument starting\n"
            "with '-' is an option unless it follows --: newsdex %s --db DIR -- %s\n",
            command, similar ? "article id" : "query", command, similar ? "ID" : "QUERY...");
    return NX_EXIT_USAGE;
}

/* An unknown option or one missing its value: refused, never searched. */
static int option_error(int c, int argc, char **argv)
{
    const char *word = optind - 1 < argc ? argv[optind - 1] : "";
    if (c == '?' && optopt && optind < argc && argv[optind][0] == '-' &&
        strchr(argv[optind] + 1, optopt))
        word = argv[optind]; /* a short option inside a word such as -bond */
    if (c == ':')
        fprintf(stderr, "newsdex %s: option '%s' needs a value\n", argv[0], word);
    else if (optopt)
        fprintf(stderr, "newsdex %s: unknown option '-%c' (in '%s')\n", argv[0], optopt, word);
    else
        fprintf(stderr, "newsdex %s: unknown option '%s'\n", argv[0], word);
    fprintf(stderr, "(newsdex %s --help lists the options)\n", argv[0]);
    return dash_hint(argv[0]);
}

int nx_search_cli_options(int argc, char **argv, search_args *run, const char **db_option,
                          void (*usage_fn)(FILE *out))
{
    int c;
    unsigned v;
    run->color = -1;
    for (int i = 0; i < NEWSDEX_LIMITS; i++)
        run->limits[i] = -1;
    newsdex_db_open_options_init(&run->open);
    optind = 1;
    /* Options may come before or after the query (getopt permutes); `--` ends
     * them. The leading ':' keeps getopt quiet: option_error says what went wrong. */
    while ((c = getopt_long(argc, argv, ":d:l:o:jh", long_options, NULL)) != -1) {
        switch (c) {
        case 'd':
            if (run->n_db == NX_SEARCH_CLI_MAX_DBS) {
                fprintf(stderr, "newsdex: at most %d --db options\n", NX_SEARCH_CLI_MAX_DBS);
                return NX_EXIT_USAGE;
            }
            run->db_paths[run->n_db++] = *db_option = optarg;
            break;
        case 'j': run->json = 1; break;
        case 'S': run->o.snippets = 0; break;
        case 'F': run->o.from = optarg; break;
        case 'T': run->o.to = optarg; break;
        case 'E': run->explain = 1; break;
        case 'l':
            if (nx_cli_parse_uint(optarg, "--limit", 10000, &v) != 0)
                return dash_hint(argv[0]);
            run->o.limit = v;
            break;
        case 'o':
            if (nx_cli_parse_uint(optarg, "--offset", 1000000, &v) != 0)
                return dash_hint(argv[0]);
            run->o.offset = v;
            break;
        case 'h': usage_fn(stdout); return NX_EXIT_OK;
        case '?':
        case ':': return option_error(c, argc, argv);
        default:
            if (added_option(c, run) != 0)
                return dash_hint(argv[0]);
        }
    }
    return -1;
}

/* Checks what the options say against the operands. */
static int check_operands(int argc, search_args *run)
{
    const char *problem = !run->db_path                  ? "no index given (use --db DIR or set NEWSDEX_DB)"
                          : run->batch && optind < argc  ? "--batch reads queries from standard input, not the command line"
                          : run->batch && run->explain   ? "--batch and --explain do not go together"
                          : !run->batch && optind >= argc ? "no query given"
                                                          : NULL;
    if (!problem)
        return -1;
    fprintf(stderr, "newsdex search: %s\n", problem);
    usage(stderr);
    return NX_EXIT_USAGE;
}

int cmd_search(int argc, char **argv)
{
    search_args run = {0};
    newsdex_search_options_init(&run.o);
    const char *db_option = NULL;
    int rc = nx_search_cli_options(argc, argv, &run, &db_option, usage);
    if (rc >= 0)
        return rc;
    run.db_path = nx_cli_db_path(db_option);
    if ((rc = check_operands(argc, &run)) >= 0)
        return rc;
    char *query = run.batch ? NULL : join_args(argc - optind, argv + optind);
    if (!run.batch && !query) {
        fprintf(stderr, "newsdex: out of memory\n");
        return NX_EXIT_INDEX;
    }
    newsdex_db *db = NULL;
    if ((rc = nx_search_cli_open(&run, &db)) == NX_EXIT_OK) {
        run.o.query = query;
        rc = run.batch ? run_batch(db, &run) : search_and_print(db, &run);
        newsdex_db_close(db);
    }
    free(query);
    return rc;
}

/* `newsdex help TOPIC`: the only topic so far is "query". */
int cmd_help(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "query") == 0) {
        fputs(nx_query_help(), stdout);
        return NX_EXIT_OK;
    }
    fprintf(stderr, "newsdex help: no help on \"%s\" (try: newsdex help query)\n",
            argc >= 2 ? argv[1] : "");
    return NX_EXIT_USAGE;
}
