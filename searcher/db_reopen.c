/* newsdex_db_reopen: a long-running searcher (the FastCGI web search) moves
 * its open index to the latest committed revision before each search. */
#include "search_internal.h"

newsdex_status newsdex_db_reopen(newsdex_db *db)
{
    if (!db)
        return NEWSDEX_ERR_INVALID;
    nx_error_clear(&db->err);
    newsdex_status st = NEWSDEX_OK;
    for (unsigned attempt = 0;; attempt++) {
        st = nx_xdb_reopen(db->xdb, &db->err);
        if (!nx_db_recover(db, st, attempt))
            return st;
    }
}

uint64_t newsdex_db_generation(const newsdex_db *db)
{
    return db ? nx_xdb_generation(db->xdb) : 0;
}
