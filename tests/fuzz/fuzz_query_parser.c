/* libFuzzer harness for the query language: every input must parse (or be
 * refused with "position N: ..."), print, build into a Xapian query and be
 * described, with no crash, leak, hang or undefined behaviour.
 *
 * Build and run (clang from Debian's clang-14 package), from the repo root:
 *
 *   mkdir -p build-fuzz && cd build-fuzz &&
 *   for f in ../engine/[a-z]*.c ../searcher/query_parser.c ../searcher/query_builder.c \
 *            ../tests/fuzz/fuzz_query_parser.c; do
 *     clang -std=c11 -g -O1 -fsanitize=fuzzer-no-link,address,undefined \
 *       -D_POSIX_C_SOURCE=200809L -I../include -c "$f" -o "$(basename "$f").o" || exit 1
 *   done &&
 *   for f in ../engine/xapian/[a-z]*.cc; do
 *     clang++ -std=c++17 -g -O1 -fsanitize=address,undefined -I../include \
 *       -c "$f" -o "$(basename "$f").o" || exit 1
 *   done &&
 *   clang++ -fsanitize=fuzzer,address,undefined *.o -o fuzz_query_parser \
 *     $(pkg-config --libs xapian-core jansson libutf8proc zlib) -lstemmer &&
 *   ./fuzz_query_parser -max_total_time=60 -max_len=8192
 *
 * Crashes it finds belong in tests/unit/test_query_language.c as rows. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../engine/analyzer.h"
#include "../../searcher/query_builder.h"
#include "../../searcher/query_parser.h"

static int known_field(const char *name, void *ctx)
{
    (void)ctx;
    return strcmp(name, "tickers") == 0 || strcmp(name, "sectors") == 0;
}

static nx_analyzer *analyzer(void)
{
    static nx_analyzer *an;
    nx_error err;
    if (!an && nx_analyzer_new(NULL, &an, &err) != NEWSDEX_OK)
        abort();
    return an;
}

static void check_error(const nx_error *err, newsdex_status st)
{
    if (st == NEWSDEX_ERR_QUERY && strncmp(err->message, "position ", 9) == 0)
        return;
    if (st == NEWSDEX_ERR_NOMEM)
        return;
    abort(); /* any other failure is a bug */
}

static void build(const nx_query_tree *tree)
{
    nx_built_query bq;
    nx_error err;
    newsdex_status st = nx_query_build(analyzer(), tree, &bq, &err);
    if (st != NEWSDEX_OK) {
        check_error(&err, st);
        return;
    }
    char *text = NULL;
    if (bq.query && nx_xquery_describe(bq.query, &text, &err) != NEWSDEX_OK)
        abort();
    free(text);
    nx_built_query_free(&bq);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *q = malloc(size + 1);
    if (!q)
        return 0;
    memcpy(q, data, size);
    q[size] = '\0';
    nx_query_tree tree;
    nx_error err;
    newsdex_status st = nx_query_parse_with(q, known_field, NULL, &tree, &err);
    if (st == NEWSDEX_OK) {
        char *text = nx_query_tree_to_string(&tree);
        if (!text)
            abort();
        free(text);
        build(&tree);
        nx_query_tree_free(&tree);
    } else {
        check_error(&err, st);
    }
    char day[9];
    (void)nx_query_date_bound(q, strlen(q), (int)(size & 1), day, &err);
    free(q);
    return 0;
}
