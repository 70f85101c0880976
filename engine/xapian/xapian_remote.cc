// Remote shards (scaling out): how nx_xdb_open_readonly() and
// nx_xdb_open_readonly_many() (xdb.cc) open one index.
// "tcp://HOST:PORT" names an index served by xapian-tcpsrv (HOST may be
// [IPV6]); anything else (a directory, a stub file listing shards with
// lines "auto PATH" or "remote HOST:PORT") is opened by Xapian as a path.
// Errors are Xapian exceptions, which the binding's nx_guard() turns into a
// status: a malformed name InvalidArgumentError (NEWSDEX_ERR_INVALID), an
// unreachable server NetworkError (NEWSDEX_ERR_NETWORK).

#include "binding.hh"

#include <xapian.h>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

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

// A local index or stub file, opened whole while nothing is swapped in
// under it (nx_open_steady).
Xapian::Database open_local(const char *path)
{
    std::vector<std::string> paths{path};
    std::string before = nx_paths_signature(paths);
    return nx_open_steady(paths, before, [&] { return Xapian::Database(path); });
}

// ---- Stub files ----
// Xapian opens a stub file (or a directory holding one named XAPIANDB) by
// opening each "auto PATH" line as a database in turn, relative paths from
// the stub's directory. A stub that names itself, directly or through
// other stubs, makes it recurse until the stack runs out: walk the stubs
// first and refuse a cycle or a nesting deeper than kStubDepthMax.

constexpr int kStubDepthMax = 16;

// The stub file path names (itself, or its XAPIANDB), or "" when path is
// not a stub: no such file, an index directory, a single-file database.
std::string stub_file_of(const std::string &path)
{
    struct stat st;
    if (stat(path.c_str(), &st) != 0)
        return "";
    if (S_ISDIR(st.st_mode)) {
        std::string file = path + "/XAPIANDB";
        return stat(file.c_str(), &st) == 0 && S_ISREG(st.st_mode) ? file : "";
    }
    return S_ISREG(st.st_mode) ? path : "";
}

// Text of a stub file; false when it is not one (unreadable, binary: a
// single-file database starts with a control byte).
bool read_stub(const std::string &file, std::string &text)
{
    std::FILE *f = std::fopen(file.c_str(), "rb");
    if (!f)
        return false;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0 && text.size() < (1u << 20))
        text.append(buf, n);
    std::fclose(f);
    if (text.find('\0') != std::string::npos)
        return false;
    return text.empty() || static_cast<unsigned char>(text[0]) >= 0x09;
}

std::string dir_of(const std::string &file)
{
    size_t slash = file.rfind('/');
    return slash == std::string::npos ? "." : file.substr(0, slash + 1);
}

std::vector<std::string> auto_paths(const std::string &file, const std::string &text);

struct StubVisit {
    dev_t dev;
    ino_t ino;
    std::string file;
};

void check_stub_at(const std::string &path, std::vector<StubVisit> &chain)
{
    std::string file = stub_file_of(path);
    struct stat st;
    if (file.empty() || stat(file.c_str(), &st) != 0)
        return;
    for (const StubVisit &v : chain)
        if (v.dev == st.st_dev && v.ino == st.st_ino)
            throw Xapian::DatabaseCorruptError(
                v.file == chain.back().file
                    ? "stub file " + file + " names itself"
                    : "stub files form a cycle: " + v.file + " is named again by " +
                          chain.back().file);
    if (static_cast<int>(chain.size()) >= kStubDepthMax)
        throw Xapian::DatabaseCorruptError("stub files nest more than " +
                                           std::to_string(kStubDepthMax) + " deep at " + file);
    std::string text;
    if (!read_stub(file, text))
        return;
    chain.push_back({st.st_dev, st.st_ino, file});
    for (const std::string &sub : auto_paths(file, text))
        check_stub_at(sub, chain);
    chain.pop_back();
}

// The paths of the "auto" lines of stub file `file` (its text), relative
// ones from the stub's directory; other backends open their path directly,
// no stub.
std::vector<std::string> auto_paths(const std::string &file, const std::string &text)
{
    std::vector<std::string> out;
    size_t at = 0;
    while (at < text.size()) {
        size_t end = text.find('\n', at);
        if (end == std::string::npos)
            end = text.size();
        std::string line = text.substr(at, end - at);
        at = end + 1;
        size_t b = line.find_first_not_of(" \t\r");
        if (b == std::string::npos || line[b] == '#')
            continue;
        size_t e = line.find_first_of(" \t", b);
        if (e == std::string::npos || line.compare(b, e - b, "auto") != 0)
            continue;
        size_t p = line.find_first_not_of(" \t", e);
        if (p == std::string::npos)
            continue;
        std::string sub = line.substr(p);
        while (!sub.empty() && (sub.back() == '\r' || sub.back() == ' ' || sub.back() == '\t'))
            sub.pop_back();
        if (sub.empty())
            continue;
        out.push_back(sub[0] == '/' ? sub : dir_of(file) + sub);
    }
    return out;
}

void signature_of(const std::string &path, int depth, std::string &out)
{
    struct stat st;
    if (stat(path.c_str(), &st) != 0) {
        out += "-;";
        return;
    }
    out += std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ";";
    std::string file = stub_file_of(path), text;
    if (file.empty() || depth >= kStubDepthMax || stat(file.c_str(), &st) != 0 ||
        !read_stub(file, text))
        return;
    out += "(" + std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ";";
    for (const std::string &sub : auto_paths(file, text))
        signature_of(sub, depth + 1, out);
    out += ")";
}

// ---- Permissions ----

bool denied(const std::string &path, int mode)
{
    return access(path.c_str(), mode) != 0 && errno == EACCES;
}

[[noreturn]] void throw_denied(const std::string &path, bool write)
{
    throw nx_permission_error("permission denied: " + path +
                              (write ? " (needs read and write access)" : " (needs read access)"));
}

}  // namespace

std::string nx_local_signature(const char *path)
{
    std::string out;
    if (std::strncmp(path, kTcpScheme, sizeof kTcpScheme - 1) != 0)
        signature_of(path, 0, out);
    return out;
}

std::string nx_paths_signature(const std::vector<std::string> &paths)
{
    std::string out;
    for (const std::string &p : paths)
        out += nx_local_signature(p.c_str()) + "|";
    return out;
}

void nx_check_stub(const char *path)
{
    if (std::strncmp(path, kTcpScheme, sizeof kTcpScheme - 1) == 0)
        return;
    std::vector<StubVisit> chain;
    check_stub_at(path, chain);
}

void nx_check_access(const char *path, bool write)
{
    std::string p = path;
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == EACCES)
            throw_denied(p, write);
        std::string parent = dir_of(p);
        if (errno == ENOENT && write && denied(parent, W_OK | X_OK))
            throw_denied(parent, write); // cannot create it
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        if (denied(p, write ? R_OK | W_OK : R_OK))
            throw_denied(p, write);
        return;
    }
    if (denied(p, write ? R_OK | W_OK | X_OK : R_OK | X_OK))
        throw_denied(p, write);
    DIR *dir = opendir(path);
    if (!dir)
        return;
    std::string bad;
    while (struct dirent *e = readdir(dir)) {
        std::string name = e->d_name;
        if (name == "." || name == "..")
            continue;
        std::string file = p + "/" + name;
        if (stat(file.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
            denied(file, write ? R_OK | W_OK : R_OK)) {
            bad = file;
            break;
        }
    }
    closedir(dir);
    if (!bad.empty())
        throw_denied(bad, write);
}

// ---- Shards, one by one ----

namespace {

bool is_tcp(const char *path)
{
    return std::strncmp(path, kTcpScheme, sizeof kTcpScheme - 1) == 0;
}

nx_shard remote_shard(const std::string &where, bool whole)
{
    nx_shard s;
    split_host_port(where, s.host, s.port);
    s.name = kTcpScheme + where;
    s.whole = whole;
    return s;
}

// The shards a stub file's text lists, relative paths from its directory;
// false (and nothing added) when a line is one Xapian must read itself.
bool stub_shards(const std::string &file, const std::string &text, std::vector<nx_shard> &out,
                 std::vector<std::string> &stubs)
{
    size_t at = 0;
    while (at < text.size()) {
        size_t end = text.find('\n', at);
        if (end == std::string::npos)
            end = text.size();
        std::string line = text.substr(at, end - at);
        at = end + 1;
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
            line.pop_back();
        size_t b = line.find_first_not_of(" \t");
        if (b == std::string::npos || line[b] == '#')
            continue;
        size_t e = line.find_first_of(" \t", b);
        size_t p = e == std::string::npos ? e : line.find_first_not_of(" \t", e);
        if (p == std::string::npos)
            return false;
        std::string kind = line.substr(b, e - b), arg = line.substr(p);
        if (kind == "remote" && arg[0] != ':') {
            out.push_back(remote_shard(arg, false));
        } else if (kind == "auto" || kind == "glass" || kind == "chert") {
            std::string sub = arg[0] == '/' ? arg : dir_of(file) + arg;
            nx_shard s;
            s.name = s.path = sub;
            out.push_back(s);
            stubs.push_back(sub);
        } else {
            return false;
        }
    }
    return true;
}

void add_path(nx_shard_set &set, const std::string &path, bool whole)
{
    std::string file = stub_file_of(path), text;
    std::vector<nx_shard> listed;
    std::vector<std::string> stubs;
    if (!file.empty() && read_stub(file, text) && !text.empty() &&
        stub_shards(file, text, listed, stubs)) {
        for (nx_shard &s : listed) {
            if (s.port)
                set.shards.push_back(s);
            else
                add_path(set, s.path, false); // nested stubs were checked by nx_check_stub
        }
        return;
    }
    nx_shard s;
    s.name = s.path = path;
    s.whole = whole;
    set.shards.push_back(s);
}

}  // namespace

void nx_shards_add(nx_shard_set &set, const char *path)
{
    if (is_tcp(path)) {
        set.shards.push_back(remote_shard(path + sizeof kTcpScheme - 1, true));
        return;
    }
    nx_check_stub(path);
    add_path(set, path, true);
}

Xapian::Database nx_shards_open(nx_shard_set &set, size_t *failed)
{
    Xapian::Database all;
    size_t live = 0;
    std::string first;
    bool remote = false;
    for (const nx_shard &s : set.shards)
        remote = remote || s.port;
    set.positions_per_article.clear();
    for (size_t i = 0; i < set.shards.size(); i++) {
        nx_shard &s = set.shards[i];
        if (s.missing)
            continue;
        try {
            Xapian::Database shard = s.port ? open_remote(s.host, s.port, set.timeout_ms)
                                            : nx_open_database(s.path.c_str());
            if (remote && set.positions_per_article.empty() && nx_schema_of(shard) >= 3)
                set.positions_per_article = s.name;
            all.add_database(shard);
            live++;
        } catch (const Xapian::NetworkError &e) {
            if (set.partial && s.port) {
                s.missing = true;
                if (first.empty())
                    first = s.name + ": " + e.get_msg();
                continue;
            }
            if (failed)
                *failed = i;
            if (s.whole)
                throw;
            throw Xapian::NetworkError("shard " + s.name + ": " + e.get_msg(), e.get_context());
        } catch (...) {
            if (failed)
                *failed = i;
            throw;
        }
    }
    if (live == 0 && set.partial && !first.empty())
        throw Xapian::NetworkError("no shard answered (" + first + ")");
    // A stub listing no shard (an archive before its first one): an empty
    // index, which Xapian cannot search without a shard.
    if (all.size() == 0)
        all.add_database(Xapian::WritableDatabase(std::string(), Xapian::DB_BACKEND_INMEMORY));
    return all;
}

long nx_shard_of_context(const nx_shard_set &set, const std::string &context)
{
    for (size_t i = 0; i < set.shards.size(); i++) {
        const nx_shard &s = set.shards[i];
        if (s.port && !s.missing &&
            context == "remote:tcp(" + s.host + ":" + std::to_string(s.port) + ")")
            return static_cast<long>(i);
    }
    return -1;
}

// Declared in binding.hh; hidden like every nx_ symbol.
Xapian::Database nx_open_database(const char *path)
{
    if (std::strncmp(path, kTcpScheme, sizeof kTcpScheme - 1) != 0) {
        nx_check_stub(path);
        try {
            Xapian::Database db = open_local(path);
            // A stub listing no shard (an archive before its first one):
            // an empty index, which Xapian cannot search without a shard.
            if (db.size() == 0)
                db.add_database(
                    Xapian::WritableDatabase(std::string(), Xapian::DB_BACKEND_INMEMORY));
            return db;
        } catch (const Xapian::DatabaseError &) {
            nx_check_access(path, false);
            throw;
        }
    }
    std::string host;
    unsigned port = 0;
    split_host_port(path + sizeof kTcpScheme - 1, host, port);
    return open_remote(host, port, NX_XDB_REMOTE_TIMEOUT_MS);
}
