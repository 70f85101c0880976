// nx_xdb_check_terms(): see xapian_check.h.

#include "xapian_check.h"

#include "binding.hh"

#include <xapian.h>

#include <sys/stat.h>

#include <string>

extern "C" newsdex_status nx_xdb_check_terms(const char *path, nx_error *err)
{
    std::string table = std::string(path) + "/postlist.glass";
    struct stat st;
    if (stat(table.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
        return NEWSDEX_OK;
    try {
        // opts 0: the structure of every block, nothing printed.
        size_t errors = Xapian::Database::check(table, 0, nullptr);
        if (errors > 0)
            return nx_error_set(err, NEWSDEX_ERR_CORRUPT, "index %s is corrupt: %zu errors in %s",
                                path, errors, table.c_str());
        return NEWSDEX_OK;
    } catch (const Xapian::DatabaseError &e) {
        return nx_error_set(err, NEWSDEX_ERR_CORRUPT, "index %s is corrupt: %s: %s", path,
                            table.c_str(), e.get_msg().c_str());
    } catch (...) {
        return nx_map_exception(err);
    }
}
