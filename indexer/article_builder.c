/* Article -> Xapian document (article_builder.h): the checks, terms and
 * stored copy of newsdex_writer_put(), and the newsdex_builder_* API. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "newsdex.h"
#include "../engine/analyzer.h"
#include "../engine/date.h"
#include "../engine/doc_positions.h"
#include "../engine/field_terms.h"
#include "../engine/stored_doc.h"
#include "../engine/terms.h"
#include "../engine/utf8.h"
#include "../engine/xapian/xdb.h"
#include "article_builder.h"
#include "fingerprint.h"

struct newsdex_builder {
    nx_analyzer *analyzer;
    nx_stored_encoder *encoder; /* compresses stored articles; NULL: one per article */
    int strict_dates;           /* an unreadable date makes the article invalid */
    nx_xdb *peek;               /* the writer's index as last committed, or NULL */
    nx_docpos_builder *positions; /* positions kept per article; NULL: by Xapian (default) */
    nx_error err;
};

/* What one article may still add (engine/terms.h, NX_ARTICLE_*_MAX). */
typedef struct article_budget {
    uint32_t words;      /* words of title and body indexed so far */
    int text_cut;        /* title or body stopped at a bound */
    size_t values_cut;   /* list values left out */
    const char *why;     /* the bound reached first: "words" or "distinct terms" */
} article_budget;

/* State while turning one text field into postings. */
typedef struct posting_ctx {
    nx_xdoc *doc;
    nx_error *err;
    nx_docpos_builder *positions; /* NULL: positions go to Xapian */
    uint32_t base;       /* first position of this field */
    uint32_t next;       /* one past the last position used */
    uint32_t wdf;        /* wdf per occurrence */
    int title;           /* also add S/ZS terms */
    article_budget *budget;
    newsdex_status status;
    char term[NX_TERM_MAX_BYTES + 8];
} posting_ctx;

/* prefix + word, cut to the buffer as snprintf would. */
static newsdex_status add_prefixed(posting_ctx *c, const char *prefix, size_t prefix_len,
                                   const char *word, size_t word_len, int positional, uint32_t pos)
{
    size_t room = sizeof c->term - 1 - prefix_len;
    if (word_len > room)
        word_len = room;
    memcpy(c->term, prefix, prefix_len);
    memcpy(c->term + prefix_len, word, word_len);
    size_t len = prefix_len + word_len;
    if (positional && !c->positions)
        return nx_xdoc_add_posting_n(c->doc, c->term, len, pos, c->wdf, c->err);
    if (positional) {
        newsdex_status st = nx_docpos_add(c->positions, c->term, len, pos, c->err);
        if (st != NEWSDEX_OK)
            return st;
    }
    return nx_xdoc_add_term_n(c->doc, c->term, len, c->wdf, c->err);
}

#define PREFIX(p) p, sizeof p - 1

/* Each word adds at most 4 terms (word, stem, title word, title stem). */
#define TERMS_PER_WORD 4

static int add_token(const nx_token *tok, void *ctx)
{
    posting_ctx *c = ctx;
    article_budget *b = c->budget;
    if (b->words >= NX_ARTICLE_POSITIONS_MAX || b->text_cut) {
        b->text_cut = 1;
        if (!b->why)
            b->why = "words";
        return 1;
    }
    if (nx_xdoc_term_count(c->doc) + TERMS_PER_WORD > NX_ARTICLE_TERMS_MAX) {
        b->text_cut = 1;
        if (!b->why)
            b->why = "distinct terms";
        return 1;
    }
    b->words++;
    uint32_t pos = c->base + tok->position + 1; /* Xapian positions start at 1 */
    newsdex_status st = add_prefixed(c, PREFIX(""), tok->text, tok->text_len, 1, pos);
    if (st == NEWSDEX_OK && !tok->digits)
        st = add_prefixed(c, PREFIX(NX_PREFIX_STEM), tok->stem, tok->stem_len, 0, 0);
    if (st == NEWSDEX_OK && c->title)
        st = add_prefixed(c, PREFIX(NX_PREFIX_TITLE), tok->text, tok->text_len, 1, pos);
    if (st == NEWSDEX_OK && c->title && !tok->digits)
        st = add_prefixed(c, PREFIX(NX_PREFIX_TITLE_STEM), tok->stem, tok->stem_len, 0, 0);
    c->next = pos + 1;
    c->status = st;
    return st != NEWSDEX_OK;
}

static newsdex_status index_text(newsdex_builder *bd, posting_ctx *c, const char *text)
{
    if (!text || !*text)
        return NEWSDEX_OK;
    c->status = NEWSDEX_OK;
    newsdex_status st = nx_analyze_compounds(bd->analyzer, text, strlen(text), add_token, c, &bd->err);
    return st != NEWSDEX_OK ? st : c->status;
}

static newsdex_status add_filter(newsdex_builder *bd, nx_xdoc *doc, const char *field,
                                 const char *value, article_budget *b)
{
    char term[NX_TERM_MAX_BYTES + 8];
    if (nx_xdoc_term_count(doc) >= NX_ARTICLE_TERMS_MAX) {
        b->values_cut++;
        if (!b->why)
            b->why = "distinct terms";
        return NEWSDEX_OK;
    }
    newsdex_status st = nx_field_term(bd->analyzer, field, value, term, sizeof term, &bd->err);
    if (st == NEWSDEX_OK && term[0])
        st = nx_xdoc_add_boolean_term(doc, term, &bd->err);
    return st;
}

static newsdex_status add_date_terms(newsdex_builder *bd, nx_xdoc *doc, int64_t when)
{
    int y, m, d;
    char term[32];
    nx_date_split(when, &y, &m, &d);
    snprintf(term, sizeof term, "%s%04d", NX_PREFIX_YEAR, y);
    newsdex_status st = nx_xdoc_add_term(doc, term, 1, &bd->err);
    snprintf(term, sizeof term, "%s%04d%02d", NX_PREFIX_MONTH, y, m);
    if (st == NEWSDEX_OK)
        st = nx_xdoc_add_boolean_term(doc, term, &bd->err);
    snprintf(term, sizeof term, "%s%04d%02d%02d", NX_PREFIX_DAY, y, m, d);
    if (st == NEWSDEX_OK)
        st = nx_xdoc_add_boolean_term(doc, term, &bd->err);
    char iso[21], slot[15];
    nx_date_format_iso(when, iso);
    /* "YYYY-MM-DDTHH:MM:SSZ" -> "YYYYMMDDhhmmss" */
    snprintf(slot, sizeof slot, "%.4s%.2s%.2s%.2s%.2s%.2s", iso, iso + 5, iso + 8, iso + 11,
             iso + 14, iso + 17);
    if (st == NEWSDEX_OK)
        st = nx_xdoc_set_value(doc, NX_SLOT_DATE, slot, 14, &bd->err);
    return st;
}

newsdex_status nx_article_check_id(const char *id, nx_error *err)
{
    if (!id || !*id)
        return nx_error_set(err, NEWSDEX_ERR_INVALID, "missing \"id\"");
    size_t id_len = strlen(id);
    if (id_len > NX_ID_MAX_BYTES)
        return nx_error_set(err, NEWSDEX_ERR_INVALID, "\"id\" is longer than %d bytes",
                            NX_ID_MAX_BYTES);
    if (!nx_utf8_valid(id, id_len))
        return nx_error_set(err, NEWSDEX_ERR_INVALID, "\"id\" is not valid UTF-8");
    return NEWSDEX_OK;
}

static newsdex_status check_text(newsdex_builder *bd, const char *field, const char *text)
{
    if (text && !nx_utf8_valid(text, strlen(text)))
        return nx_error_set(&bd->err, NEWSDEX_ERR_INVALID, "\"%s\" is not valid UTF-8", field);
    return NEWSDEX_OK;
}

/* Every list has a name and n_lists entries, every value is a string; all
 * of them valid UTF-8. */
static newsdex_status check_lists(newsdex_builder *bd, const newsdex_article *a)
{
    if (a->n_lists && !a->lists)
        return nx_error_set(&bd->err, NEWSDEX_ERR_INVALID, "\"lists\" is NULL but \"n_lists\" is %zu",
                            a->n_lists);
    for (size_t i = 0; i < a->n_lists; i++) {
        const newsdex_list_field *l = &a->lists[i];
        if (!l->name)
            return nx_error_set(&bd->err, NEWSDEX_ERR_INVALID, "\"lists\"[%zu].name is NULL", i);
        if (!nx_utf8_valid(l->name, strlen(l->name)))
            return nx_error_set(&bd->err, NEWSDEX_ERR_INVALID,
                                "\"lists\"[%zu].name is not valid UTF-8", i);
        if (l->count && !l->values)
            return nx_error_set(&bd->err, NEWSDEX_ERR_INVALID,
                                "list \"%.64s\": values is NULL but count is %zu", l->name,
                                l->count);
        for (size_t j = 0; j < l->count; j++) {
            if (!l->values[j])
                return nx_error_set(&bd->err, NEWSDEX_ERR_INVALID,
                                    "list \"%.64s\": value %zu is NULL", l->name, j);
            if (!nx_utf8_valid(l->values[j], strlen(l->values[j])))
                return nx_error_set(&bd->err, NEWSDEX_ERR_INVALID,
                                    "list \"%.64s\": value %zu is not valid UTF-8", l->name, j);
        }
    }
    return NEWSDEX_OK;
}

/* Checks what the reader cannot: id shape, title or body, date syntax, and
 * that every string (lists included) is valid UTF-8. */
static newsdex_status validate(newsdex_builder *bd, const newsdex_article *a, int64_t *when,
                               int *has_date, int *undated, char warning[NX_ERROR_MAX])
{
    newsdex_status st = nx_article_check_id(a->id, &bd->err);
    const char *const names[] = {"title", "body", "date", "source", "url"};
    const char *const texts[] = {a->title, a->body, a->date, a->source, a->url};
    for (size_t i = 0; st == NEWSDEX_OK && i < sizeof names / sizeof names[0]; i++)
        st = check_text(bd, names[i], texts[i]);
    if (st == NEWSDEX_OK)
        st = check_lists(bd, a);
    if (st != NEWSDEX_OK)
        return st;
    if ((!a->title || !*a->title) && (!a->body || !*a->body))
        return nx_error_set(&bd->err, NEWSDEX_ERR_INVALID, "needs a \"title\" or a \"body\"");
    *has_date = a->date && *a->date;
    if (!*has_date)
        return NEWSDEX_OK;
    nx_error why;
    nx_error_clear(&why);
    if (nx_date_parse_article(a->date, when, &why) == NEWSDEX_OK)
        return NEWSDEX_OK;
    if (bd->strict_dates)
        return nx_error_set(&bd->err, NEWSDEX_ERR_INVALID, "%s", why.message);
    /* The article is worth more than its date: keep it, undated, and say so. */
    *has_date = 0;
    *undated = 1;
    snprintf(warning, NX_ERROR_MAX, "article \"%.200s\" indexed without a date: %.270s", a->id,
             why.message);
    return NEWSDEX_OK;
}

static newsdex_status build_document(newsdex_builder *bd, const newsdex_article *a, int has_date,
                                     int64_t when, nx_xdoc *doc, article_budget *b)
{
    /* Filters first: when an article reaches NX_ARTICLE_TERMS_MAX, its
     * date, source and lists are what should stay searchable. (The order
     * terms are added in changes nothing else.) */
    newsdex_status st = NEWSDEX_OK;
    if (has_date)
        st = add_date_terms(bd, doc, when);
    if (st == NEWSDEX_OK && a->source && *a->source)
        st = add_filter(bd, doc, NX_FIELD_SOURCE, a->source, b);
    for (size_t i = 0; st == NEWSDEX_OK && i < a->n_lists; i++)
        for (size_t j = 0; st == NEWSDEX_OK && j < a->lists[i].count; j++)
            st = add_filter(bd, doc, a->lists[i].name, a->lists[i].values[j], b);
    if (bd->positions)
        nx_docpos_builder_clear(bd->positions);
    if (st == NEWSDEX_OK && bd->positions)
        st = nx_xdoc_add_boolean_term(doc, NX_TERM_OWN_POSITIONS, &bd->err);
    posting_ctx c = {.doc = doc, .err = &bd->err, .positions = bd->positions,
                     .wdf = NX_TITLE_WDF, .title = 1, .budget = b};
    if (st == NEWSDEX_OK)
        st = index_text(bd, &c, a->title);
    c.base = c.next + NX_TITLE_BODY_GAP;
    c.wdf = 1;
    c.title = 0;
    if (st == NEWSDEX_OK)
        st = index_text(bd, &c, a->body);

    char iso[21];
    if (has_date)
        nx_date_format_iso(when, iso);
    char *data = NULL;
    size_t data_len = 0;
    if (st == NEWSDEX_OK)
        st = nx_stored_encode_with(bd->encoder, a, has_date ? iso : NULL, &data, &data_len,
                                   &bd->err);
    if (st == NEWSDEX_OK && bd->positions) {
        char *framed = NULL;
        st = nx_docpos_frame(bd->positions, data, data_len, &framed, &data_len, &bd->err);
        free(data);
        data = framed;
    }
    if (st == NEWSDEX_OK)
        st = nx_xdoc_set_data(doc, data, data_len, &bd->err);
    free(data);
    return st;
}

/* ---- What the writer uses ---- */

newsdex_status nx_builder_new(int strict_dates, newsdex_builder **out, nx_error *err)
{
    newsdex_builder *b = calloc(1, sizeof *b);
    *out = b;
    if (!b)
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory");
    b->strict_dates = strict_dates != 0;
    b->encoder = nx_stored_encoder_new(); /* NULL (no memory): compress2 per article */
    return nx_analyzer_new(NULL, &b->analyzer, err);
}

newsdex_status nx_builder_set_article_positions(newsdex_builder *b, int article, nx_error *err)
{
    if (!article) {
        nx_docpos_builder_free(b->positions);
        b->positions = NULL;
    } else if (!b->positions && !(b->positions = nx_docpos_builder_new())) {
        return nx_error_set(err, NEWSDEX_ERR_NOMEM, "out of memory");
    }
    return NEWSDEX_OK;
}

int nx_builder_article_positions(const newsdex_builder *b)
{
    return b->positions != NULL;
}

void nx_builder_set_strict_dates(newsdex_builder *b, int strict)
{
    b->strict_dates = strict != 0;
}

int nx_builder_strict_dates(const newsdex_builder *b)
{
    return b->strict_dates;
}

nx_analyzer *nx_builder_analyzer(newsdex_builder *b)
{
    return b->analyzer;
}

const nx_error *nx_builder_error(const newsdex_builder *b)
{
    return &b->err;
}

newsdex_status nx_article_take(const newsdex_article *in, newsdex_article *copy, nx_error *err)
{
    if (in->size && in->size < sizeof *copy)
        return nx_error_set(err, NEWSDEX_ERR_INVALID,
                            "newsdex_article.size is %zu, less than the %zu bytes of this "
                            "release's newsdex_article (0 also means this release's)",
                            in->size, sizeof *copy);
    memcpy(copy, in, sizeof *copy);
    copy->size = sizeof *copy;
    return NEWSDEX_OK;
}

newsdex_status nx_builder_check(newsdex_builder *bd, const newsdex_article *in, nx_checked *c)
{
    nx_error_clear(&bd->err);
    c->warning[0] = '\0';
    c->undated = 0;
    c->has_date = 0;
    c->when = 0;
    newsdex_status st = nx_article_take(in, &c->a, &bd->err);
    if (st == NEWSDEX_OK)
        st = validate(bd, &c->a, &c->when, &c->has_date, &c->undated, c->warning);
    if (st != NEWSDEX_OK)
        return st;
    char iso[21];
    if (c->has_date)
        nx_date_format_iso(c->when, iso);
    nx_fingerprint_encode(nx_fingerprint_article(&c->a, c->has_date ? iso : NULL), c->fp);
    snprintf(c->id_term, sizeof c->id_term, "%s%s", NX_PREFIX_ID, c->a.id);
    return NEWSDEX_OK;
}

/* The warning for an article that reached a bound of article_budget. */
static void describe_cut(const newsdex_article *a, const article_budget *b,
                         char warning[NX_ERROR_MAX])
{
    warning[0] = '\0';
    if (!b->text_cut && !b->values_cut)
        return;
    unsigned long bound = strcmp(b->why, "words") == 0 ? NX_ARTICLE_POSITIONS_MAX
                                                       : NX_ARTICLE_TERMS_MAX;
    if (b->values_cut)
        snprintf(warning, NX_ERROR_MAX,
                 "article \"%.200s\" was truncated at %lu %s: %zu of its \"lists\" values "
                 "and all of \"title\" and \"body\" are not searchable",
                 a->id, bound, b->why, b->values_cut);
    else
        snprintf(warning, NX_ERROR_MAX,
                 "article \"%.200s\" was truncated at %lu %s: only the first %lu words of "
                 "\"title\" and \"body\" are searchable",
                 a->id, bound, b->why, (unsigned long)b->words);
}

newsdex_status nx_builder_document(newsdex_builder *bd, const nx_checked *c, nx_xdoc **out,
                                   char cut_warning[NX_ERROR_MAX])
{
    nx_error_clear(&bd->err);
    nx_xdoc *doc = NULL;
    article_budget budget = {0};
    newsdex_status st = nx_xdoc_new(&doc, &bd->err);
    if (st == NEWSDEX_OK)
        st = nx_xdoc_add_boolean_term(doc, c->id_term, &bd->err);
    if (st == NEWSDEX_OK)
        st = build_document(bd, &c->a, c->has_date, c->when, doc, &budget);
    if (st == NEWSDEX_OK)
        st = nx_xdoc_set_value(doc, NX_SLOT_FINGERPRINT, c->fp, 8, &bd->err);
    if (st != NEWSDEX_OK) {
        nx_xdoc_free(doc);
        doc = NULL;
    }
    *out = doc;
    describe_cut(&c->a, &budget, cut_warning);
    return st;
}

void nx_builder_peek_at(newsdex_builder *b, const char *path)
{
    nx_error ignored;
    if (nx_xdb_open_readonly(path, &b->peek, &ignored) != NEWSDEX_OK)
        b->peek = NULL; /* then every article is built */
}

/* Whether the index, as last committed, holds this very article. Only a
 * hint: the writer decides, and builds the article itself if it was
 * written again since. */
static int unchanged_as_committed(newsdex_builder *bd, const nx_checked *c)
{
    char stored[8];
    size_t len = 0;
    int found = 0;
    nx_error ignored;
    if (nx_xdb_unique_value(bd->peek, c->id_term, NX_SLOT_FINGERPRINT, stored, sizeof stored,
                            &len, &found, &ignored) != NEWSDEX_OK) {
        /* most likely the writer's commits left this revision behind */
        nx_xdb_reopen(bd->peek, &ignored);
        return 0;
    }
    return found && len == 8 && memcmp(stored, c->fp, 8) == 0;
}

static size_t text_size(const char *s)
{
    return s ? strlen(s) + 1 : 0;
}

static const char *put_text(char **at, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    memcpy(*at, s, n);
    const char *copy = *at;
    *at += n;
    return copy;
}

/* A copy of c whose article owns its strings, in one block (free() it):
 * the writer may have to build it later. */
static nx_checked *keep_checked(const nx_checked *c)
{
    const newsdex_article *a = &c->a;
    size_t values = 0, texts = text_size(a->id) + text_size(a->title) + text_size(a->body) +
                              text_size(a->date) + text_size(a->source) + text_size(a->url);
    for (size_t i = 0; i < a->n_lists; i++) {
        values += a->lists[i].count;
        texts += text_size(a->lists[i].name);
        for (size_t j = 0; j < a->lists[i].count; j++)
            texts += text_size(a->lists[i].values[j]);
    }
    nx_checked *k = malloc(sizeof *k + a->n_lists * sizeof(newsdex_list_field) +
                           values * sizeof(char *) + texts);
    if (!k)
        return NULL;
    *k = *c;
    newsdex_list_field *lists = (newsdex_list_field *)(k + 1);
    const char **slots = (const char **)(lists + a->n_lists);
    char *at = (char *)(slots + values);
    k->a.id = put_text(&at, a->id);
    k->a.title = put_text(&at, a->title);
    k->a.body = put_text(&at, a->body);
    k->a.date = put_text(&at, a->date);
    k->a.source = put_text(&at, a->source);
    k->a.url = put_text(&at, a->url);
    k->a.lists = a->n_lists ? lists : NULL;
    for (size_t i = 0; i < a->n_lists; i++) {
        lists[i].name = put_text(&at, a->lists[i].name);
        lists[i].count = a->lists[i].count;
        lists[i].values = slots;
        for (size_t j = 0; j < a->lists[i].count; j++)
            *slots++ = put_text(&at, a->lists[i].values[j]);
    }
    return k;
}

/* ---- The public API ---- */

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

newsdex_status newsdex_builder_build(newsdex_builder *bd, const newsdex_article *article,
                                     newsdex_built **out)
{
    if (out)
        *out = NULL;
    if (!bd)
        return NEWSDEX_ERR_INVALID;
    nx_error_clear(&bd->err);
    if (!out || !article)
        return nx_error_set(&bd->err, NEWSDEX_ERR_INVALID, "newsdex_builder_build: %s is NULL",
                            !out ? "built" : "article");
    newsdex_built *b = calloc(1, sizeof *b);
    if (!b)
        return nx_error_set(&bd->err, NEWSDEX_ERR_NOMEM, "out of memory");
    newsdex_status st = NEWSDEX_OK;
    nx_checked *c = malloc(sizeof *c);
    if (!c)
        st = nx_error_set(&bd->err, NEWSDEX_ERR_NOMEM, "out of memory");
    else if ((st = nx_article_take(article, &c->a, &bd->err)) == NEWSDEX_OK && c->a.deleted) {
        b->deleted = 1; /* the writer checks the id, as newsdex_writer_delete() does */
        if (!(b->id = dup_or_null(c->a.id)) && c->a.id)
            st = nx_error_set(&bd->err, NEWSDEX_ERR_NOMEM, "out of memory");
    } else if (st == NEWSDEX_OK && (st = nx_builder_check(bd, article, c)) == NEWSDEX_OK) {
        b->has_date = c->has_date;
        b->when = c->when;
        b->undated = c->undated;
        memcpy(b->fp, c->fp, sizeof b->fp);
        memcpy(b->id_term, c->id_term, sizeof b->id_term);
        memcpy(b->date_warning, c->warning, sizeof b->date_warning);
        if (bd->peek && unchanged_as_committed(bd, c)) {
            if (!(b->later = keep_checked(c)))
                st = nx_error_set(&bd->err, NEWSDEX_ERR_NOMEM, "out of memory");
        } else {
            st = nx_builder_document(bd, c, &b->doc, b->cut_warning);
        }
        if (st == NEWSDEX_OK && (!(b->id = strdup(c->a.id)) ||
                                 (c->a.source && !(b->source = strdup(c->a.source)))))
            st = nx_error_set(&bd->err, NEWSDEX_ERR_NOMEM, "out of memory");
    }
    free(c);
    if (st != NEWSDEX_OK) {
        newsdex_built_free(b);
        return st;
    }
    *out = b;
    return NEWSDEX_OK;
}

const char *newsdex_builder_last_error(const newsdex_builder *bd)
{
    return bd ? bd->err.message : "";
}

void newsdex_builder_free(newsdex_builder *bd)
{
    if (!bd)
        return;
    nx_analyzer_free(bd->analyzer);
    nx_stored_encoder_free(bd->encoder);
    nx_docpos_builder_free(bd->positions);
    nx_error ignored;
    nx_xdb_close(bd->peek, &ignored);
    free(bd);
}

void newsdex_built_free(newsdex_built *b)
{
    if (!b)
        return;
    nx_xdoc_free(b->doc);
    free(b->later);
    free(b->id);
    free(b->source);
    free(b);
}
