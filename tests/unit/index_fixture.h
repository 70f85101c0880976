/* Indexes the unit tests build and read through newsdex.h: the small "oil
 * index" of test_api_abi.c, test_api_null.c and test_api_maintenance.c,
 * and the count of articles a reader sees at a path. Header-only, static
 * inline, as scratch_dir.h; include cmocka.h first.
 *
 *   id   title              date        source                 topic
 *   n-1  Oil rises          1987-03-02  Harbor Street Journal  crude
 *   n-2  Oil rises further  1988-05-06  Gazette                crude
 *   n-3  Oil steady         1988-07-08  Gazette                energy
 *   n-4  Undated oil        (none)      Gazette                (none)   OIL_INDEX_UNDATED
 *
 * Each has the body "Crude oil prices rose again.". */
#ifndef NEWSDEX_TESTS_UNIT_INDEX_FIXTURE_H
#define NEWSDEX_TESTS_UNIT_INDEX_FIXTURE_H

#include <stdint.h>

#include "newsdex.h"

/* oil_index_write(): n-4 too. */
#define OIL_INDEX_UNDATED 1

/* One article as the index's are (date, source and topic may be NULL). */
static inline newsdex_status oil_index_put(newsdex_writer *w, const char *id, const char *title,
                                           const char *date, const char *source,
                                           const char *topic)
{
    const char *topics[] = {topic};
    newsdex_list_field lists[] = {{"topics", topics, 1}};
    newsdex_article a = {.id = id, .title = title, .body = "Crude oil prices rose again.",
                         .date = date, .source = source, .lists = lists,
                         .n_lists = topic ? 1 : 0};
    return newsdex_writer_put(w, &a, NULL);
}

/* Puts n-1 to n-3 (and n-4 with OIL_INDEX_UNDATED) through w, uncommitted.
 * 0, or -1 when a put fails. */
static inline int oil_index_write(newsdex_writer *w, int undated)
{
    int bad = oil_index_put(w, "n-1", "Oil rises", "1987-03-02", "Harbor Street Journal",
                            "crude") ||
              oil_index_put(w, "n-2", "Oil rises further", "1988-05-06", "Gazette", "crude") ||
              oil_index_put(w, "n-3", "Oil steady", "1988-07-08", "Gazette", "energy");
    if (!bad && undated)
        bad = oil_index_put(w, "n-4", "Undated oil", NULL, "Gazette", NULL) != NEWSDEX_OK;
    return bad ? -1 : 0;
}

/* The index of n-1 to n-3 at path, created and closed. 0, or -1. */
static inline int oil_index_make(const char *path)
{
    newsdex_writer *w = NULL;
    if (newsdex_writer_open(path, &w, NULL) != NEWSDEX_OK)
        return -1;
    int bad = oil_index_write(w, 0);
    return newsdex_writer_close(w) != NEWSDEX_OK || bad ? -1 : 0;
}

/* Articles a reader opening path sees (only committed batches); the test
 * fails if it does not open. */
static inline uint64_t articles_at(const char *path)
{
    newsdex_db *db = NULL;
    uint64_t n = 0;
    assert_int_equal(newsdex_db_open(path, &db, NULL), NEWSDEX_OK);
    assert_int_equal(newsdex_db_count(db, &n), NEWSDEX_OK);
    newsdex_db_close(db);
    return n;
}

#endif
