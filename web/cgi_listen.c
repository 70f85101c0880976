/* newsdex.cgi --listen (cgi_listen.h): socket, supervisor, connections. */
#define _DEFAULT_SOURCE /* prctl's PR_SET_PDEATHSIG, MSG_DONTWAIT */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "cgi_listen.h"

#define BACKLOG 64

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void sleep_for(double seconds)
{
    if (seconds <= 0)
        return;
    struct timespec t = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
    nanosleep(&t, NULL);
}

static int poll_ms(double seconds)
{
    return seconds <= 0 ? 0 : seconds > 86400 ? 86400000 : (int)(seconds * 1000) + 1;
}

/* ---- The listening socket ---- */

static char unix_path[sizeof ((struct sockaddr_un *)0)->sun_path];

/* 1 if something accepts connections on the socket file at path. */
static int socket_in_use(const struct sockaddr_un *sa)
{
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    int used = connect(fd, (const struct sockaddr *)sa, sizeof *sa) == 0;
    close(fd);
    return used;
}

static int open_unix(const char *path)
{
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof sa.sun_path) {
        fprintf(stderr, "newsdex.cgi: %s: socket path too long\n", path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            fprintf(stderr, "newsdex.cgi: %s exists and is not a socket; not replacing it\n",
                    path);
            return -1;
        }
        if (socket_in_use(&sa)) {
            fprintf(stderr, "newsdex.cgi: %s: a server is already listening there\n", path);
            return -1;
        }
        unlink(path); /* a stale socket from a server that ended */
    }
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, BACKLOG) != 0) {
        fprintf(stderr, "newsdex.cgi: cannot listen on %s: %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    strcpy(unix_path, path);
    return fd;
}

static int open_tcp(const char *address)
{
    char host[256];
    const char *colon = strrchr(address, ':');
    size_t hlen = (size_t)(colon - address);
    if (hlen >= sizeof host || !colon[1]) {
        fprintf(stderr, "newsdex.cgi: %s: want HOST:PORT, :PORT or a socket path\n", address);
        return -1;
    }
    memcpy(host, address, hlen);
    host[hlen] = '\0';
    char *h = host;
    if (hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']') {
        host[hlen - 1] = '\0';
        h++;
    }
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    int rc = getaddrinfo(*h ? h : NULL, colon + 1, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "newsdex.cgi: %s: %s\n", address, gai_strerror(rc));
        return -1;
    }
    int fd = -1, err = 0;
    for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        int on = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        if (bind(fd, a->ai_addr, a->ai_addrlen) != 0 || listen(fd, BACKLOG) != 0) {
            err = errno;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0)
        fprintf(stderr, "newsdex.cgi: cannot listen on %s: %s\n", address, strerror(err));
    return fd;
}

int cgi_listen_open(const char *address)
{
    int fd = strchr(address, '/') || !strchr(address, ':') ? open_unix(address)
                                                           : open_tcp(address);
    if (fd >= 0)
        fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
}

void cgi_listen_remove(void)
{
    if (unix_path[0])
        unlink(unix_path);
    unix_path[0] = '\0';
}

/* ---- The supervisor ---- */

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
    stop_signal = sig;
}

static void on_child(int sig)
{
    (void)sig; /* only wakes pselect */
}

static void set_handler(int sig, void (*handler)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static pid_t start_worker(int listen_fd, cgi_worker_fn worker, void *arg, const sigset_t *mask)
{
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid != 0)
        return pid;
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGTERM); /* no worker outlives a killed supervisor */
#endif
    set_handler(SIGTERM, SIG_DFL);
    set_handler(SIGINT, SIG_DFL);
    set_handler(SIGCHLD, SIG_DFL);
    sigprocmask(SIG_SETMASK, mask, NULL);
    if (getppid() != parent) /* it ended before the line above */
        _exit(0);
    int rc = worker(listen_fd, arg);
    fflush(NULL);
    _exit(rc);
}

static void report_end(pid_t pid, int status)
{
    if (WIFEXITED(status) && WEXITSTATUS(status) == 3)
        fprintf(stderr, "newsdex.cgi: worker %ld ended after a request over the time limit; "
                        "starting another\n", (long)pid);
    else if (WIFSIGNALED(status))
        fprintf(stderr, "newsdex.cgi: worker %ld killed by signal %d; starting another\n",
                (long)pid, WTERMSIG(status));
    else
        fprintf(stderr, "newsdex.cgi: worker %ld exited with status %d; starting another\n",
                (long)pid, WEXITSTATUS(status));
}

static void stop_workers(pid_t *pids, unsigned n, double grace, const sigset_t *mask)
{
    unsigned alive = 0;
    for (unsigned i = 0; i < n; i++)
        if (pids[i] > 0 && kill(pids[i], SIGTERM) == 0)
            alive++;
    double deadline = now() + grace;
    while (alive > 0) {
        int status;
        pid_t pid;
        while (alive > 0 && (pid = waitpid(-1, &status, WNOHANG)) > 0)
            for (unsigned i = 0; i < n; i++)
                if (pids[i] == pid) {
                    pids[i] = 0;
                    alive--;
                }
        if (alive == 0)
            break;
        double left = deadline - now();
        if (left <= 0) {
            for (unsigned i = 0; i < n; i++)
                if (pids[i] > 0) {
                    kill(pids[i], SIGKILL);
                    waitpid(pids[i], NULL, 0);
                    pids[i] = 0;
                }
            break;
        }
        struct timespec t = {0, 50000000};
        pselect(0, NULL, NULL, NULL, &t, mask);
    }
}

int cgi_supervise(int listen_fd, unsigned workers, double stop_grace, cgi_worker_fn worker,
                  void *arg)
{
    pid_t *pids = calloc(workers, sizeof *pids);
    double *started = calloc(workers, sizeof *started);
    if (!pids || !started) {
        free(pids);
        free(started);
        fputs("newsdex.cgi: out of memory\n", stderr);
        return 1;
    }
    sigset_t block, mask;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGCHLD);
    sigprocmask(SIG_BLOCK, &block, &mask);
    set_handler(SIGTERM, on_stop);
    set_handler(SIGINT, on_stop);
    set_handler(SIGCHLD, on_child);
    sigset_t wait_mask = mask; /* what pselect waits with: these three let through */
    sigdelset(&wait_mask, SIGTERM);
    sigdelset(&wait_mask, SIGINT);
    sigdelset(&wait_mask, SIGCHLD);

    double backoff = 0, next_start = 0;
    while (!stop_signal) {
        int status;
        pid_t pid;
        while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
            for (unsigned i = 0; i < workers; i++) {
                if (pids[i] != pid)
                    continue;
                pids[i] = 0;
                report_end(pid, status);
                /* Workers that die as soon as they start would otherwise
                 * be restarted in a tight loop. */
                backoff = now() - started[i] >= 1.0 ? 0 : backoff ? backoff * 2 : 0.1;
                if (backoff > 5)
                    backoff = 5;
                next_start = now() + backoff;
            }
        }
        int missing = 0;
        for (unsigned i = 0; i < workers; i++) {
            if (pids[i] > 0)
                continue;
            if (now() < next_start) {
                missing = 1;
                continue;
            }
            pids[i] = start_worker(listen_fd, worker, arg, &mask);
            started[i] = now();
            if (pids[i] < 0) {
                fprintf(stderr, "newsdex.cgi: cannot start a worker: %s\n", strerror(errno));
                pids[i] = 0;
                missing = 1;
                next_start = now() + 1;
            }
        }
        double left = next_start - now();
        struct timespec t = {(time_t)left, (long)((left - (double)(time_t)left) * 1e9)};
        if (t.tv_sec < 0 || t.tv_nsec < 0)
            t.tv_sec = t.tv_nsec = 0;
        pselect(0, NULL, NULL, NULL, missing ? &t : NULL, &wait_mask);
    }
    fprintf(stderr, "newsdex.cgi: signal %d: stopping the workers\n", (int)stop_signal);
    stop_workers(pids, workers, stop_grace, &wait_mask);
    sigprocmask(SIG_SETMASK, &mask, NULL);
    free(pids);
    free(started);
    return 0;
}

/* ---- A worker's connections ---- */

static void set_io_limit(int fd, double seconds)
{
    struct timeval tv = {(time_t)seconds, (suseconds_t)((seconds - (double)(time_t)seconds) * 1e6)};
    if (tv.tv_sec == 0 && tv.tv_usec == 0)
        tv.tv_usec = 1000;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

/* FCGI_WEB_SERVER_ADDRS: the IPv4 addresses allowed to connect, separated by
 * commas (libfcgi's rule; unset or empty allows all). */
static int peer_allowed(const struct sockaddr_storage *sa)
{
    const char *list = getenv("FCGI_WEB_SERVER_ADDRS");
    if (!list || !*list || sa->ss_family != AF_INET)
        return 1;
    char peer[INET_ADDRSTRLEN];
    if (!inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, peer, sizeof peer))
        return 0;
    size_t plen = strlen(peer);
    for (const char *p = list; *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t n = strcspn(p, ", ");
        if (n == plen && strncmp(p, peer, n) == 0)
            return 1;
        p += n;
    }
    return 0;
}

int cgi_conn_accept(int listen_fd, double io_limit)
{
    for (;;) {
        struct sockaddr_storage sa;
        socklen_t len = sizeof sa;
        int fd = accept(listen_fd, (struct sockaddr *)&sa, &len);
        if (fd < 0)
            return -1;
        if (!peer_allowed(&sa)) {
            close(fd);
            continue;
        }
        fcntl(fd, F_SETFD, FD_CLOEXEC);
        if (sa.ss_family == AF_INET || sa.ss_family == AF_INET6) {
            int on = 1; /* a response goes out in a few writes: no Nagle delay */
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        }
        set_io_limit(fd, io_limit);
        return fd;
    }
}

enum { REC_BEGIN = 1, REC_PARAMS = 4, ROLE_MAX = 3 };

/* Follows libfcgi's reading of a connection's start: records of request id 0
 * are management records it answers; records of other requests are skipped;
 * for the request begun, anything but parameters before their end is an
 * error. */
int cgi_fcgi_scan(const unsigned char *p, size_t n)
{
    unsigned begun = 0;
    size_t off = 0;
    while (n - off >= 8) {
        const unsigned char *h = p + off;
        unsigned type = h[1], id = (unsigned)h[2] << 8 | h[3];
        size_t clen = (size_t)h[4] << 8 | h[5], plen = h[6];
        if (h[0] != 1)
            return CGI_SCAN_BAD;
        if (n - off - 8 < clen + plen)
            return CGI_SCAN_INCOMPLETE;
        if (type == REC_BEGIN) {
            if (id == 0 || clen != 8)
                return CGI_SCAN_BAD;
            if (!begun) {
                unsigned role = (unsigned)h[8] << 8 | h[9];
                if (role == 0 || role > ROLE_MAX)
                    return CGI_SCAN_BAD;
                begun = id;
            }
        } else if (id != 0 && begun && id == begun) {
            if (type != REC_PARAMS)
                return CGI_SCAN_BAD;
            if (clen == 0)
                return CGI_SCAN_COMPLETE;
        }
        off += 8 + clen + plen;
    }
    return CGI_SCAN_INCOMPLETE;
}

int cgi_conn_wait_request(int fd, double seconds)
{
    static unsigned char buf[CGI_REQUEST_HEAD_MAX];
    double deadline = now() + seconds;
    ssize_t seen = -1;
    for (;;) {
        double left = deadline - now();
        if (left <= 0)
            return -1;
        struct pollfd pfd = {fd, POLLIN, 0};
        int r = poll(&pfd, 1, poll_ms(left));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        ssize_t n = recv(fd, buf, sizeof buf, MSG_PEEK | MSG_DONTWAIT);
        if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
            continue;
        if (n <= 0)
            return -1;
        int scan = cgi_fcgi_scan(buf, (size_t)n);
        if (scan != CGI_SCAN_INCOMPLETE)
            return scan == CGI_SCAN_COMPLETE ? 0 : -1;
        if ((size_t)n == sizeof buf)
            return -1;
        /* Peeking leaves the bytes readable: wait a little for more. */
        if (n == seen)
            sleep_for(left < 0.02 ? left : 0.02);
        seen = n;
    }
}

void cgi_conn_close(int fd)
{
    if (fd < 0)
        return;
    if (shutdown(fd, SHUT_WR) == 0) {
        char trash[4096];
        double deadline = now() + 1.0;
        size_t total = 0;
        for (;;) {
            double left = deadline - now();
            struct pollfd pfd = {fd, POLLIN, 0};
            if (left <= 0 || total > (1u << 20) || poll(&pfd, 1, poll_ms(left)) <= 0)
                break;
            ssize_t n = recv(fd, trash, sizeof trash, MSG_DONTWAIT);
            if (n <= 0 && !(n < 0 && (errno == EINTR || errno == EAGAIN)))
                break;
            if (n > 0)
                total += (size_t)n;
        }
    }
    close(fd);
}
