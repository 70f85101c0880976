/* libFuzzer harness for the web search's parameter decoder
 * (web/cgi_params.c): any query string is either accepted with
 * every value inside its limits, or refused naming a parameter; never a
 * crash, an overflow, a hang or undefined behaviour. Also checks that
 * percent-decoding inverts percent-encoding and that cgi_utf8_sanitize()
 * always leaves valid UTF-8.
 *
 * Build and run (clang from Debian's clang-14 package), from the repo root:
 *
 *   mkdir -p build/fuzz &&
 *   clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
 *     -D_POSIX_C_SOURCE=200809L -Iweb \
 *     web/cgi_params.c tests/fuzz/fuzz_cgi_params.c -o build/fuzz/fuzz_cgi_params &&
 *   mkdir -p build/fuzz/corpus-cgi &&
 *   printf 'q=layoffs&format=json&limit=5&page=2&sort=date&from=2024&to=2024-03-31' \
 *     > build/fuzz/corpus-cgi/seed1 &&
 *   build/fuzz/fuzz_cgi_params -max_total_time=60 -max_len=10000 build/fuzz/corpus-cgi
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgi_params.h"

#define CHECK(cond)     \
    do {                \
        if (!(cond))    \
            abort();    \
    } while (0)

static int is_date(const char *d)
{
    size_t n = strlen(d);
    if (n == 0)
        return 1;
    if (n != 4 && n != 7 && n != 10)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (i == 4 || i == 7 ? d[i] != '-' : (d[i] < '0' || d[i] > '9'))
            return 0;
    return 1;
}

/* id, source, topic: at most max bytes of UTF-8 without control characters. */
static int is_text(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n > max || !cgi_utf8_valid(s, n))
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return 0;
    return 1;
}

static void check_accepted(const cgi_params *p)
{
    size_t qlen = strlen(p->q);
    CHECK(qlen <= CGI_Q_MAX);
    CHECK(cgi_utf8_valid(p->q, qlen));
    for (size_t i = 0; i < qlen; i++) {
        CHECK(p->q[i] != 0x7f);
        CHECK((unsigned char)p->q[i] >= 0x20 || p->q[i] == '\t' || p->q[i] == '\n' ||
              p->q[i] == '\r');
    }
    CHECK(p->limit >= 1 && p->limit <= CGI_LIMIT_MAX);
    CHECK(p->offset <= CGI_OFFSET_MAX);
    CHECK(p->page == p->offset / p->limit + 1);
    CHECK(p->sort >= CGI_SORT_RELEVANCE && p->sort <= CGI_SORT_RECENT);
    CHECK(p->facets <= (CGI_FACET_SOURCE | CGI_FACET_TOPIC | CGI_FACET_YEAR));
    CHECK(is_date(p->from) && is_date(p->to));
    CHECK(p->format == CGI_FORMAT_HTML || p->format == CGI_FORMAT_JSON);
    CHECK(is_text(p->id, CGI_ID_MAX));
    CHECK(is_text(p->source, CGI_FILTER_MAX) && is_text(p->topic, CGI_FILTER_MAX));
}

/* Encoding every byte then decoding gives the bytes back. */
static void check_roundtrip(const uint8_t *data, size_t size)
{
    static const char hex[] = "0123456789abcdef";
    if (size > 512)
        size = 512;
    char enc[512 * 3], dec[513];
    for (size_t i = 0; i < size; i++) {
        enc[3 * i] = '%';
        enc[3 * i + 1] = hex[data[i] >> 4];
        enc[3 * i + 2] = hex[data[i] & 15];
    }
    long n = cgi_percent_decode(enc, 3 * size, dec, sizeof dec);
    CHECK(n == (long)size);
    CHECK(memcmp(dec, data, size) == 0);
}

/* Sanitizing leaves valid UTF-8 of the same length. */
static void check_sanitize(const uint8_t *data, size_t size)
{
    char text[1025];
    size_t n = 0;
    for (size_t i = 0; i < size && n < sizeof text - 1; i++)
        if (data[i])
            text[n++] = (char)data[i];
    text[n] = '\0';
    cgi_utf8_sanitize(text);
    CHECK(strlen(text) == n);
    CHECK(cgi_utf8_valid(text, n));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cgi_params p;
    cgi_param_error err;
    /* Not NUL-terminated on purpose: the parser must respect size. */
    char *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    if (cgi_params_parse(copy, size, &p, &err) == 0) {
        check_accepted(&p);
    } else {
        CHECK(err.parameter != NULL);
        CHECK(err.message[0] != '\0');
    }
    free(copy);
    check_roundtrip(data, size);
    check_sanitize(data, size);
    return 0;
}
