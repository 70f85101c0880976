#include "field_terms.h"

#include <string.h>

#include "terms.h"

typedef struct term_builder {
    char *buf;
    size_t cap, len;
    size_t words;
} term_builder;

static void append(term_builder *b, const char *s, size_t n)
{
    if (b->len + n >= b->cap)
        n = b->cap - 1 - b->len;
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
}

static int add_word(const nx_token *tok, void *ctx)
{
    term_builder *b = ctx;
    if (b->words++)
        append(b, " ", 1);
    append(b, tok->text, tok->text_len);
    return b->len + 1 >= b->cap; /* stop once full */
}

/* Back up so the term never ends inside a UTF-8 sequence. */
static void trim_partial_utf8(term_builder *b)
{
    size_t i = b->len;
    while (i > 0 && ((unsigned char)b->buf[i - 1] & 0xC0) == 0x80)
        i--;
    if (i > 0 && ((unsigned char)b->buf[i - 1] & 0x80)) {
        unsigned char lead = (unsigned char)b->buf[i - 1];
        size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
        if (b->len - (i - 1) < need)
            b->len = i - 1;
    }
    b->buf[b->len] = '\0';
}

newsdex_status nx_field_term(nx_analyzer *analyzer, const char *field, const char *value,
                             char *buf, size_t cap, nx_error *err)
{
    size_t limit = cap < NX_TERM_MAX_BYTES + 1 ? cap : NX_TERM_MAX_BYTES + 1;
    term_builder b = {buf, limit, 0, 0};
    buf[0] = '\0';
    append(&b, NX_PREFIX_FIELD, strlen(NX_PREFIX_FIELD));
    for (const char *f = field; *f; f++) {
        char c = (*f >= 'a' && *f <= 'z') ? (char)(*f - 'a' + 'A') : *f;
        append(&b, &c, 1);
    }
    append(&b, ":", 1);
    size_t prefix_len = b.len;
    newsdex_status st = nx_analyze(analyzer, value, strlen(value), add_word, &b, err);
    if (st != NEWSDEX_OK)
        return st;
    if (b.len == prefix_len)
        buf[0] = '\0';
    else
        trim_partial_utf8(&b);
    return NEWSDEX_OK;
}
