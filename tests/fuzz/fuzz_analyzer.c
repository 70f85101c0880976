/* libFuzzer harness for the analyzer (engine/analyzer.c, analyzer_scan.c)
 * and the UTF-8 repair it relies on (engine/utf8.c). For any bytes:
 * - every token is non-empty valid UTF-8 of at most NX_TOKEN_MAX_BYTES,
 *   without NULs or ASCII capitals, with a valid stem, a byte range inside
 *   the input and positions that only grow;
 * - analyzing the same text again gives the same tokens (the stem cache
 *   changes nothing), and stopping early stops;
 * - nx_analyze_compounds gives the same tokens plus joined forms, each
 *   right before a token at its position and starting where it starts;
 * - nx_utf8_repair() gives valid UTF-8, and leaves valid text as it was.
 * Never a crash, leak, hang or undefined behaviour.
 *
 * Build and run: scripts/fuzz analyzer (or make fuzz). Seeds are in
 * tests/fuzz/seeds/analyzer/, crashes once found in
 * tests/fuzz/regressions/analyzer/ (replayed by make fuzz). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../engine/analyzer.h"
#include "../../engine/utf8.h"

#define CHECK(cond)   \
    do {              \
        if (!(cond))  \
            abort();  \
    } while (0)

typedef struct pass {
    size_t len;          /* input length */
    size_t count;        /* tokens seen */
    size_t stop_after;   /* stop once this many were seen (0: never) */
    uint64_t hash;       /* FNV-1a over every token's text, stem and place */
    uint32_t last_pos;
    size_t last_start;
    int compounds;       /* nx_analyze_compounds */
    size_t seen;         /* tokens seen, joined forms too */
    int after_joined;    /* the last token was a joined form */
} pass;

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ULL;
    return h;
}

static void check_word(const char *s, size_t n)
{
    CHECK(s && n > 0 && n <= NX_TOKEN_MAX_BYTES && strlen(s) == n);
    CHECK(nx_utf8_valid(s, n));
    for (size_t i = 0; i < n; i++)
        CHECK(s[i] < 'A' || s[i] > 'Z');
}

static int on_token(const nx_token *t, void *ctx)
{
    pass *p = ctx;
    check_word(t->text, t->text_len);
    CHECK(t->stem && t->stem_len > 0 && strlen(t->stem) == t->stem_len);
    CHECK(nx_utf8_valid(t->stem, t->stem_len));
    CHECK(t->start < t->end && t->end <= p->len);
    CHECK(!t->joined || (p->compounds && t->joined >= 2 && t->joined <= NX_COMPOUND_MAX_PARTS));
    if (p->after_joined)
        CHECK(!t->joined && t->position == p->last_pos && t->start == p->last_start);
    else if (p->count > 0)
        CHECK(t->position > p->last_pos && t->start >= p->last_start);
    p->last_pos = t->position;
    p->last_start = t->start;
    p->after_joined = t->joined != 0;
    if (!t->joined) {
        p->hash = mix(p->hash, t->text, t->text_len + 1);
        p->hash = mix(p->hash, t->stem, t->stem_len + 1);
        p->hash = mix(p->hash, &t->position, sizeof t->position);
        p->count++;
    }
    p->seen++;
    CHECK(p->stop_after == 0 || p->seen <= p->stop_after);
    return p->stop_after != 0 && p->seen == p->stop_after;
}

static nx_analyzer *analyzer(size_t which)
{
    static const char *const languages[] = {"english", "french", "german"};
    static nx_analyzer *an[3];
    nx_error err;
    if (!an[which] && nx_analyzer_new(languages[which], &an[which], &err) != NEWSDEX_OK)
        abort();
    return an[which];
}

static pass analyze(nx_analyzer *an, const char *text, size_t len, size_t stop_after,
                    int compounds)
{
    pass p = {len, 0, stop_after, 0xcbf29ce484222325ULL, 0, 0, compounds, 0, 0};
    nx_error err;
    newsdex_status st = compounds ? nx_analyze_compounds(an, text, len, on_token, &p, &err)
                                  : nx_analyze(an, text, len, on_token, &p, &err);
    CHECK(st == NEWSDEX_OK || st == NEWSDEX_ERR_NOMEM);
    return p;
}

static void check_repair(const char *text, size_t len)
{
    size_t out_len = 0;
    char *fixed = nx_utf8_repair(text, len, &out_len);
    if (!fixed)
        return; /* out of memory */
    CHECK(strlen(fixed) == out_len && nx_utf8_valid(fixed, out_len));
    if (nx_utf8_valid(text, len))
        CHECK(out_len == len && memcmp(fixed, text, len) == 0);
    free(fixed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The first byte picks the language and where to stop early; the text
     * is copied so reads past it are caught (no NUL terminator). */
    if (size == 0)
        return 0;
    nx_analyzer *an = analyzer(data[0] % 3);
    size_t stop = data[0] / 3 % 8;
    size_t len = size - 1;
    char *text = malloc(len ? len : 1);
    if (!text)
        return 0;
    memcpy(text, data + 1, len);
    pass first = analyze(an, text, len, 0, 0);
    pass again = analyze(an, text, len, 0, 0);
    CHECK(first.count == again.count && first.hash == again.hash);
    pass joined = analyze(an, text, len, 0, 1);
    CHECK(joined.count == first.count && joined.hash == first.hash);
    if (stop > 0) {
        pass part = analyze(an, text, len, stop, 0);
        CHECK(part.count == (first.count < stop ? first.count : stop));
        part = analyze(an, text, len, stop, 1);
        CHECK(part.seen == (joined.seen < stop ? joined.seen : stop));
    }
    check_repair(text, len);
    free(text);
    return 0;
}
