// cgi_floor: the least a search CGI built on Debian's libxapian can cost.
// It links libxapian (and so libstdc++ and the rest), does no work and
// prints a fixed page, so cgi_bench timing it measures process start alone:
// the floor under both newsdex.cgi and omega in scripts/bench.
#include <xapian.h>

#include <cstdio>
#include <cstring>

int main(int argc, char **argv)
{
    // Never true in the benchmark; keeps the link to libxapian.
    if (argc > 1 && std::strcmp(argv[1], "--version") == 0) {
        std::printf("%s\n", Xapian::version_string());
        return 0;
    }
    std::fputs("Status: 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
               "<!DOCTYPE html><title>floor</title><p>no search</p>\n",
               stdout);
    return 0;
}
