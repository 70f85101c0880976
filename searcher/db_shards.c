/* Shards that do not answer: the open options (timeout, partial), running
 * a call again without a shard that failed during it, and the results'
 * list of the shards left out. */
#include <stdlib.h>
#include <string.h>

#include "search_internal.h"

void newsdex_db_open_options_init_sized(newsdex_db_open_options *o, size_t size)
{
    if (!o || size < sizeof o->size)
        return;
    newsdex_db_open_options d = {.size = size};
    memset(o, 0, size);
    memcpy(o, &d, size < sizeof d ? size : sizeof d);
}

int nx_db_recover(newsdex_db *db, newsdex_status st, unsigned attempt)
{
    if (st != NEWSDEX_ERR_NETWORK || attempt > NX_RECOVER_MAX)
        return 0;
    int retry = 0;
    nx_xdb_recover(db->xdb, &retry, &db->err);
    if (retry)
        nx_error_clear(&db->err);
    return retry;
}

newsdex_status nx_results_note_missing(newsdex_db *db, newsdex_results *r)
{
    size_t n = nx_xdb_missing_count(db->xdb);
    if (n == 0)
        return NEWSDEX_OK;
    r->missing = calloc(n, sizeof *r->missing);
    if (!r->missing)
        return nx_error_set(&db->err, NEWSDEX_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        if (!(r->missing[i] = strdup(nx_xdb_missing_name(db->xdb, i))))
            return nx_error_set(&db->err, NEWSDEX_ERR_NOMEM, "out of memory");
        r->n_missing = i + 1;
    }
    return NEWSDEX_OK;
}

void nx_results_free_missing(newsdex_results *r)
{
    for (size_t i = 0; i < r->n_missing; i++)
        free(r->missing[i]);
    free(r->missing);
}

size_t newsdex_results_missing_shard_count(const newsdex_results *r)
{
    return r ? r->n_missing : 0;
}

const char *newsdex_results_missing_shard(const newsdex_results *r, size_t i)
{
    return r && i < r->n_missing ? r->missing[i] : "";
}
