// The document-data threshold in a glass version file: see glass_version.h.
//
// The layout read here is glass format 2016-03-14, the format of every
// Xapian 1.4: the magic and format version (16 bytes), the database's
// UUID (16), the revision, then six tables in the order postlist,
// docdata, termlist, position, spelling, synonym, each as root block,
// level and flags, entry count, block size / 2048, compression threshold
// and a length-prefixed free list; then eight statistics. Numbers are
// unsigned, 7 bits a byte, low bits first, the top bit set on every byte
// but the last. Anything else is left alone.

#include "glass_version.h"

#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <string>

namespace {

const unsigned char GLASS_MAGIC[] = {0x0f, 0x0d, 'X', 'a', 'p', 'i', 'a', 'n',
                                     ' ',  'G',  'l', 'a', 's', 's', 0x04, 0x6e};
const size_t UUID_BYTES = 16;
const unsigned TABLES = 6, DOCDATA_TABLE = 1, STATISTICS = 8;
// Xapian reads no more of a version file than this.
const size_t VERSION_FILE_MAX = 256;

bool read_number(const unsigned char *&p, const unsigned char *end, uint64_t *value)
{
    uint64_t v = 0;
    for (unsigned shift = 0;; shift += 7) {
        if (p == end || shift > 63)
            return false;
        unsigned char b = *p++;
        v |= uint64_t(b & 0x7f) << shift;
        if (b < 0x80)
            break;
    }
    *value = v;
    return true;
}

// Where the docdata table's threshold is in the file, if it is a version
// file laid out as above and the threshold takes one byte; else -1.
long docdata_threshold_at(const std::string &file)
{
    const unsigned char *start = reinterpret_cast<const unsigned char *>(file.data());
    const unsigned char *end = start + file.size(), *p = start;
    if (file.size() < sizeof GLASS_MAGIC + UUID_BYTES ||
        memcmp(p, GLASS_MAGIC, sizeof GLASS_MAGIC) != 0)
        return -1;
    p += sizeof GLASS_MAGIC + UUID_BYTES;
    uint64_t v;
    if (!read_number(p, end, &v)) // revision
        return -1;
    long at = -1;
    for (unsigned t = 0; t < TABLES; t++) {
        for (int field = 0; field < 4; field++) // root, level, entries, block size
            if (!read_number(p, end, &v))
                return -1;
        const unsigned char *threshold = p;
        if (!read_number(p, end, &v))
            return -1;
        if (t == DOCDATA_TABLE) {
            if (p - threshold != 1)
                return -1;
            at = threshold - start;
        }
        if (!read_number(p, end, &v) || v > uint64_t(end - p)) // free list
            return -1;
        p += v;
    }
    // Xapian writes all eight statistics, even for an empty database.
    for (unsigned s = 0; s < STATISTICS; s++)
        if (!read_number(p, end, &v))
            return -1;
    return p == end ? at : -1;
}

bool read_version_file(const std::string &dir, std::string &file)
{
    int fd = open((dir + "/iamglass").c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    char buf[VERSION_FILE_MAX + 1];
    size_t got = 0;
    while (got < sizeof buf) {
        ssize_t n = read(fd, buf + got, sizeof buf - got);
        if (n < 0) {
            close(fd);
            return false;
        }
        if (n == 0)
            break;
        got += size_t(n);
    }
    close(fd);
    if (got > VERSION_FILE_MAX)
        return false;
    file.assign(buf, got);
    return true;
}

bool write_all(int fd, const std::string &s)
{
    size_t done = 0;
    while (done < s.size()) {
        ssize_t n = write(fd, s.data() + done, s.size() - done);
        if (n <= 0)
            return false;
        done += size_t(n);
    }
    return true;
}

// Replaces dir/iamglass with file: a new file, synced, renamed over it,
// and the directory synced, so that a crash leaves one or the other.
bool replace_version_file(const std::string &dir, const std::string &file)
{
    std::string tmp = dir + "/iamglass.newsdex-tmp";
    int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0)
        return false;
    bool ok = write_all(fd, file) && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp.c_str(), (dir + "/iamglass").c_str()) != 0) {
        unlink(tmp.c_str());
        return false;
    }
    int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    return true;
}

}  // namespace

extern "C" nx_glass_compression nx_glass_docdata_compression(const char *dir)
{
    std::string file;
    if (!read_version_file(dir, file))
        return NX_GLASS_UNKNOWN;
    long at = docdata_threshold_at(file);
    if (at < 0)
        return NX_GLASS_UNKNOWN;
    return file[size_t(at)] == 0 ? NX_GLASS_RAW : NX_GLASS_DEFLATED;
}

extern "C" int nx_glass_store_docdata_raw(const char *dir)
{
    std::string d(dir);
    // Xapian's write lock: byte 0 of flintlock, as an open-file-description
    // lock, which conflicts with Xapian's whichever kind it took.
    int lock = open((d + "/flintlock").c_str(), O_RDWR | O_CLOEXEC);
    if (lock < 0)
        return 0;
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    fl.l_start = 0;
    fl.l_len = 1;
    int rewritten = 0;
    std::string file;
    if (fcntl(lock, F_OFD_SETLK, &fl) == 0 && read_version_file(d, file)) {
        long at = docdata_threshold_at(file);
        if (at >= 0 && file[size_t(at)] != 0) {
            file[size_t(at)] = 0;
            rewritten = replace_version_file(d, file);
        }
    }
    close(lock); // releases the lock
    return rewritten;
}
