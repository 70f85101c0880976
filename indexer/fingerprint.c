#include "fingerprint.h"

#include <string.h>

#define FNV_OFFSET 1469598103934665603ULL
#define FNV_PRIME 1099511628211ULL

static uint64_t mix(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * FNV_PRIME;
    return h;
}

static uint64_t mix_len(uint64_t h, uint64_t n)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(n >> (8 * i));
    return mix(h, b, sizeof b);
}

static uint64_t mix_string(uint64_t h, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    return mix(mix_len(h, n), s ? s : "", n);
}

uint64_t nx_fingerprint_article(const newsdex_article *a, const char *date_iso)
{
    uint64_t h = mix_len(FNV_OFFSET, NX_FINGERPRINT_VERSION);
    const char *fields[] = {a->id, a->title, a->body, date_iso, a->source, a->url};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        h = mix_string(h, fields[i]);
    h = mix_len(h, a->n_lists);
    for (size_t i = 0; i < a->n_lists; i++) {
        h = mix_string(h, a->lists[i].name);
        h = mix_len(h, a->lists[i].count);
        for (size_t j = 0; j < a->lists[i].count; j++)
            h = mix_string(h, a->lists[i].values[j]);
    }
    return h;
}

void nx_fingerprint_encode(uint64_t fp, char out[8])
{
    for (int i = 0; i < 8; i++)
        out[i] = (char)(unsigned char)(fp >> (56 - 8 * i));
}
