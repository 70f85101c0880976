/* libFuzzer harness for the positions an article keeps in its document
 * data (engine/doc_positions.c), which the phrase check reads from the
 * index: any bytes are split, searched and decoded without reading past
 * them; and any (term, position) pairs framed and read back give each
 * term's positions, ascending, once each. Never a crash, hang or undefined
 * behaviour.
 *
 * Build and run: scripts/fuzz doc_positions (or make fuzz). Seeds are in
 * tests/fuzz/seeds/doc_positions/. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../engine/doc_positions.h"

#define CHECK(cond)   \
    do {              \
        if (!(cond))  \
            abort();  \
    } while (0)

static uint32_t out[4096];

/* Reads data as stored: split, look up a few terms, decode what is found. */
static void read_stored(const char *data, size_t len)
{
    const char *kept, *record, *list;
    size_t kept_len, record_len, list_len, total;
    if (nx_docpos_split(data, len, &kept, &kept_len, &record, &record_len) != 0 || !kept)
        return;
    CHECK(kept >= data && kept + kept_len <= data + len && record + record_len == data + len);
    static const char *const terms[] = {"", "a", "oil", "XToil", "zz"};
    for (size_t t = 0; t < sizeof terms / sizeof terms[0]; t++) {
        if (nx_docpos_find(kept, kept_len, terms[t], strlen(terms[t]), &list, &list_len) != 0)
            continue;
        CHECK(list >= kept && list + list_len <= kept + kept_len);
        long n = nx_docpos_decode(list, list_len, out, 4096, &total);
        CHECK(n >= -1 && n <= 4096);
        for (long i = 1; i < n; i++)
            CHECK(out[i] > out[i - 1]);
    }
}

/* The next pair at *p (before end): a term of 1 to 4 bytes (its length
 * from the first byte), then a 2-byte position. 0 when none is left. */
static int next_pair(const uint8_t **p, const uint8_t *end, const char **term, size_t *tl,
                     uint32_t *pos)
{
    if (end - *p < 7)
        return 0;
    *tl = 1 + (**p & 3);
    *term = (const char *)++*p;
    *p += *tl;
    *pos = 1 + (uint32_t)((*p)[0] | (*p)[1] << 8);
    *p += 2;
    return 1;
}

/* The pairs of data, framed: each term reads back with its positions. */
static void round_trip(const uint8_t *data, size_t len)
{
    nx_docpos_builder *b = nx_docpos_builder_new();
    if (!b)
        return;
    const uint8_t *p = data, *end = data + len;
    const char *term;
    size_t tl;
    uint32_t pos;
    while (next_pair(&p, end, &term, &tl, &pos))
        CHECK(nx_docpos_add(b, term, tl, pos, NULL) == NEWSDEX_OK);
    char *framed = NULL;
    size_t framed_len = 0;
    CHECK(nx_docpos_frame(b, "r", 1, &framed, &framed_len, NULL) == NEWSDEX_OK);
    const char *kept, *record, *list;
    size_t kept_len, record_len, list_len, total;
    CHECK(nx_docpos_split(framed, framed_len, &kept, &kept_len, &record, &record_len) == 0);
    CHECK(kept && record_len == 1 && record[0] == 'r');
    /* Each pair again: its position is in its term's list. */
    p = data;
    while (next_pair(&p, end, &term, &tl, &pos)) {
        CHECK(nx_docpos_find(kept, kept_len, term, tl, &list, &list_len) == 0);
        long n = nx_docpos_decode(list, list_len, out, 4096, &total);
        CHECK(n > 0 && (size_t)n == total);
        int seen = 0;
        for (long i = 0; i < n; i++) {
            CHECK(i == 0 || out[i] > out[i - 1]);
            seen |= out[i] == pos;
        }
        CHECK(seen);
    }
    free(framed);
    nx_docpos_builder_free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    if (data[0] & 1)
        round_trip(data + 1, size - 1 > 4096 ? 4096 : size - 1);
    else
        read_stored((const char *)data + 1, size - 1);
    return 0;
}
