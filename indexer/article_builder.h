/* Article -> Xapian document: validation, analysis, terms and the stored
 * copy, everything newsdex_writer_put() does before it touches the index.
 * A builder reads no index and keeps its own analyzer and compressor, so
 * one can run on another thread than its writer (newsdex_builder_* in
 * newsdex.h); the writer keeps one for newsdex_writer_put(). */
#ifndef NX_ARTICLE_BUILDER_H
#define NX_ARTICLE_BUILDER_H

#include "newsdex.h"
#include "../engine/analyzer.h"
#include "../engine/error.h"
#include "../engine/terms.h"
#include "../engine/xapian/xdb.h"

/* An article that passed nx_builder_check(): what the writer needs to know
 * before deciding to build its document (an unchanged one is not built). */
typedef struct nx_checked {
    newsdex_article a;          /* the caller's, in this release's layout */
    int has_date;
    int64_t when;
    int undated;                /* its unreadable date was dropped: warning says so */
    char fp[8];                 /* content fingerprint (fingerprint.h) */
    char id_term[NX_ID_MAX_BYTES + 8];
    char warning[NX_ERROR_MAX];
} nx_checked;

/* What the writer does with a newsdex_built. */
struct newsdex_built {
    int deleted;                /* a deletion record: only id is set */
    char *id;
    char *source;               /* as written, or NULL */
    int has_date;
    int64_t when;
    int undated;                /* as in nx_checked */
    char fp[8];
    char id_term[NX_ID_MAX_BYTES + 8];
    nx_xdoc *doc;               /* NULL: see later */
    nx_checked *later;          /* the index held this very article when it was built,
                                   so its document was not: the writer builds it, from
                                   this copy, if it has written the id again since */
    char date_warning[NX_ERROR_MAX]; /* "" unless undated */
    char cut_warning[NX_ERROR_MAX];  /* "" unless indexed in part */
};

/* The caller's article as this release lays it out (the size rule of
 * newsdex.h): size 0 is this layout; a smaller one is refused, and members
 * of a later layout, past ours, are not read. */
newsdex_status nx_article_take(const newsdex_article *in, newsdex_article *copy, nx_error *err);
/* An id newsdex_writer_put() and newsdex_writer_delete() take: present, at
 * most NX_ID_MAX_BYTES, valid UTF-8. */
newsdex_status nx_article_check_id(const char *id, nx_error *err);

/* A builder with a default analyzer; strict: see newsdex_writer_set_strict_dates(). */
newsdex_status nx_builder_new(int strict_dates, newsdex_builder **out, nx_error *err);
void nx_builder_set_strict_dates(newsdex_builder *b, int strict);
int nx_builder_strict_dates(const newsdex_builder *b);
/* Where word positions go: into Xapian's position table (the default,
 * schema 2), or, with article set, into each article's document data
 * (engine/doc_positions.h, schema 3). */
newsdex_status nx_builder_set_article_positions(newsdex_builder *b, int article, nx_error *err);
int nx_builder_article_positions(const newsdex_builder *b);
/* The builder's analyzer, for the writer's own terms (a source's filter term). */
nx_analyzer *nx_builder_analyzer(newsdex_builder *b);
/* The message of the last failed call. */
const nx_error *nx_builder_error(const newsdex_builder *b);

/* Lets newsdex_builder_build() look each article up in the index at
 * @p path, as last committed, and leave unbuilt one the index holds as it
 * is (the usual case when a whole archive is indexed again). Without it,
 * or when the index cannot be opened, every article is built. */
void nx_builder_peek_at(newsdex_builder *b, const char *path);

/* Validates @p a (not a deletion) and takes what the writer needs. A
 * failure is NEWSDEX_ERR_INVALID, with the reason in nx_builder_error(). */
newsdex_status nx_builder_check(newsdex_builder *b, const newsdex_article *a, nx_checked *c);

/* The document of a checked article; cut_warning gets "" or what reached a
 * per-article bound and is not searchable. */
newsdex_status nx_builder_document(newsdex_builder *b, const nx_checked *c, nx_xdoc **doc,
                                   char cut_warning[NX_ERROR_MAX]);

#endif
