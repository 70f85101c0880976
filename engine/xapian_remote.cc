// Remote shards (scaling out): how nx_xdb_open_readonly() and
// nx_xdb_open_readonly_many() in xapian_wrapper.cc open one index.
// "tcp://HOST:PORT" names an index served by xapian-tcpsrv (HOST may be
// [IPV6]); anything else (a directory, a stub file listing shards with
// lines "auto PATH" or "remote HOST:PORT") is opened by Xapian as a path.
// Errors are Xapian exceptions, which the wrapper's guard() turns into a
// status: a malformed name InvalidArgumentError (NEWSDEX_ERR_INVALID), an
// unreachable server NetworkError (NEWSDEX_ERR_NETWORK).

#include "xapian_wrapper.h"

#include <xapian.h>

#include <sys/stat.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace {

const char kTcpScheme[] = "tcp://";

// Splits "HOST:PORT" or "[IPV6]:PORT"; throws InvalidArgumentError.
void split_host_port(const std::string &where, std::string &host, unsigned &port)
{
    size_t colon = where.rfind(':');
    std::string h = colon == std::string::npos ? where : where.substr(0, colon);
    std::string p = colon == std::string::npos ? "" : where.substr(colon + 1);
    if (h.size() >= 2 && h.front() == '[' && h.back() == ']')
        h = h.substr(1, h.size() - 2);
    unsigned long n = 0;
    if (!p.empty() && p.size() <= 5 && p.find_first_not_of("0123456789") == std::string::npos)
        n = std::strtoul(p.c_str(), nullptr, 10);
    if (h.empty() || n == 0 || n > 65535)
        throw Xapian::InvalidArgumentError("remote index \"" + std::string(kTcpScheme) + where +
                                           "\" must be tcp://HOST:PORT");
    host = h;
    port = static_cast<unsigned>(n);
}

// Xapian's NetworkError says "Couldn't connect" and keeps the reason
// ("Connection refused") apart: put them together.
Xapian::Database open_remote(const std::string &host, unsigned port, unsigned timeout_ms)
{
    try {
        return Xapian::Remote::open(host, port, timeout_ms, timeout_ms);
    } catch (const Xapian::NetworkError &e) {
        const char *why = e.get_error_string();
        throw Xapian::NetworkError(e.get_msg() + (why ? std::string(" (") + why + ")" : ""));
    }
}

// A local index or stub file. `newsdex compact` swaps a new directory in
// for the old one; Xapian reads the version file and then each table by
// path, so an open that straddles the swap can mix the two. When the path
// names another file or directory after the open than before, the open
// (failed or not) is done again.
Xapian::Database open_local(const char *path)
{
    for (int attempt = 0;; attempt++) {
        struct stat before, after;
        bool known = stat(path, &before) == 0;
        auto unmoved = [&] {
            return !known || stat(path, &after) != 0 ||
                   (before.st_dev == after.st_dev && before.st_ino == after.st_ino) || attempt >= 3;
        };
        try {
            Xapian::Database db(path);
            if (unmoved())
                return db;
        } catch (const Xapian::DatabaseError &) {
            if (unmoved())
                throw;
        }
    }
}

}  // namespace

// Declared in xapian_wrapper.cc; hidden like every nx_ symbol.
Xapian::Database nx_open_database(const char *path)
{
    if (std::strncmp(path, kTcpScheme, sizeof kTcpScheme - 1) != 0)
        return open_local(path);
    std::string host;
    unsigned port = 0;
    split_host_port(path + sizeof kTcpScheme - 1, host, port);
    return open_remote(host, port, NX_XDB_REMOTE_TIMEOUT_MS);
}
