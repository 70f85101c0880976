/* cgi_exec_floor: what starting any process costs on the benchmark machine.
 * Linked statically (no dynamic loader, no shared libraries), it prints a
 * fixed page; cgi_bench timing it measures fork, exec, the C library's own
 * start and exit: the floor under every CGI, whatever it links. On virtual
 * machines that trap CPUID, the C library's start is most of it. */
#include <stdio.h>

int main(void)
{
    fputs("Status: 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
          "<!DOCTYPE html><title>exec floor</title><p>no search</p>\n",
          stdout);
    return 0;
}
