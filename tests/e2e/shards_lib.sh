# Remote shards for the shards*.t scripts: xapian-tcpsrv on free loopback
# ports, always stopped (and resumed, if a test stopped it) on exit; a
# script's other background processes (replica.t's) may join SERVER_PIDS.
# Source after lib.sh. Prints no TAP of its own.
# shellcheck shell=bash

SERVER_PIDS=""
stop_servers() {
    local pid
    for pid in $SERVER_PIDS; do
        kill -CONT -- "-$pid" 2>/dev/null
        kill -- "-$pid" 2>/dev/null
        kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    done
    SERVER_PIDS=""
}
trap 'stop_servers; _cleanup' EXIT

free_port() {
    perl -MIO::Socket::INET -e '
        my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1", LocalPort => 0,
                                      ReuseAddr => 1) or die "no free port: $!\n";
        print $s->sockport, "\n";'
}

# start_server DIR PORTVAR [PIDVAR]: serves DIR with xapian-tcpsrv on a free
# port, whose number goes in PORTVAR (and the server's pid, which is also
# its process group, in PIDVAR). Retries when another process takes the
# port first.
start_server() {
    local dir=$1 var=$2 pidvar=${3:-} try port pid log
    for try in 1 2 3; do
        port=$(free_port) || return 1
        log="$TMP/tcpsrv.$port.log"
        # Its own session: on SIGTERM xapian-tcpsrv kills its whole process
        # group (to end its forked children), which would otherwise be us;
        # and a test can stop the group (the server and the child serving
        # a connection) with kill -STOP -- -PID.
        setsid xapian-tcpsrv --port "$port" --interface 127.0.0.1 "$dir" >"$log" 2>&1 &
        pid=$!
        SERVER_PIDS="$SERVER_PIDS $pid"
        for _ in $(seq 1 100); do
            if grep -q 'Listening' "$log" 2>/dev/null; then
                printf -v "$var" '%s' "$port"
                [ -z "$pidvar" ] || printf -v "$pidvar" '%s' "$pid"
                return 0
            fi
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill "$pid" 2>/dev/null
        diag "xapian-tcpsrv on port $port (try $try): $(cat "$log")"
    done
    return 1
}

# need_tcpsrv: skips the whole script without xapian-tcpsrv.
need_tcpsrv() {
    if ! command -v xapian-tcpsrv >/dev/null 2>&1; then
        echo "1..0 # SKIP xapian-tcpsrv not installed (Debian package xapian-tools)"
        exit 0
    fi
}
