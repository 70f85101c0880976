/* newsdex.cgi --listen: the listening socket, the supervisor that keeps N
 * worker processes running on it, and the worker's side of a connection (a
 * whole request within a time limit, or the connection is closed). */
#ifndef NX_CGI_LISTEN_H
#define NX_CGI_LISTEN_H

#include <stddef.h>

/* "HOST:PORT", ":PORT" (every address) or "[IPV6]:PORT"; anything with a
 * '/' or without a ':' is a Unix socket path. A socket file already at the
 * path is replaced only if nothing answers on it; any other kind of file is
 * never replaced. Returns the socket, or -1 with the reason on stderr. */
int cgi_listen_open(const char *address);
/* Removes the socket file cgi_listen_open made, if any. */
void cgi_listen_remove(void);

/* Runs worker(listen_fd, arg) in `workers` child processes and starts a new
 * one whenever one ends (after a back-off that grows while they end within a
 * second of starting), until SIGTERM or SIGINT: then the workers get SIGTERM,
 * those still running after stop_grace seconds SIGKILL. Returns 0. A worker
 * starts with default signal handling and the supervisor's signal mask. */
typedef int (*cgi_worker_fn)(int listen_fd, void *arg);
int cgi_supervise(int listen_fd, unsigned workers, double stop_grace, cgi_worker_fn worker,
                  void *arg);

/* A connection from listen_fd whose reads and writes each give up after
 * io_limit seconds; -1 (errno set, EINTR included) if none was accepted.
 * Peers outside FCGI_WEB_SERVER_ADDRS (when set) are refused, as by libfcgi. */
int cgi_conn_accept(int listen_fd, double io_limit);

/* Waits at most `seconds` for a whole FastCGI request (begin record and every
 * parameter) to be readable on fd, without consuming it. 0 if it is; -1 if
 * the peer closed, sent something libfcgi would reject, sent more than
 * CGI_REQUEST_HEAD_MAX bytes before the parameters ended, or ran out of time. */
#define CGI_REQUEST_HEAD_MAX 65536
int cgi_conn_wait_request(int fd, double seconds);

/* Ends a connection after its response: no more writes, what the peer still
 * sends is read and dropped for at most a second (so the response is not
 * lost to a reset), then closed. */
void cgi_conn_close(int fd);

/* What the bytes p[0..n) are, as the start of a FastCGI connection. */
enum { CGI_SCAN_INCOMPLETE = 0, CGI_SCAN_COMPLETE = 1, CGI_SCAN_BAD = -1 };
int cgi_fcgi_scan(const unsigned char *p, size_t n);

#endif
