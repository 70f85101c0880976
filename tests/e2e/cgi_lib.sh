# Helpers for the web search tests (cgi.t, cgi_http.t, cgi_browser.t).
# Source after lib.sh. Provides:
#   $NEWSDEX_CGI    build/newsdex.cgi beside $NEWSDEX (or as set)
#   $DB             an index of corpus/ plus hostile test articles (make_db)
#   cgi ARGS...     runs newsdex.cgi in command-line mode; sets RC, OUT, ERR,
#                   STATUS (HTTP status), HEADERS and BODY
#   header NAME     the value of response header NAME (after cgi or http_get)
#   body_json EXPR  json EXPR on $BODY
#   start_lighttpd [WEB/SERVE-ARGS...]  lighttpd on a free loopback port with
#                   web/lighttpd.conf.in (arguments go to web/serve, e.g.
#                   --fastcgi-env NAME=VALUE); sets PORT and BASE
#                   (http://127.0.0.1:PORT); killed on exit
#   http_get URL [CURL-ARGS...]  curl; sets STATUS, HEADERS, BODY
#   start_listen PROGRAM ADDRESS [ARGS...]  PROGRAM --listen ADDRESS ARGS in
#                   the background (ADDRESS "tcp": a free loopback port); waits
#                   until it accepts; sets LISTEN_PID, LISTEN_ADDR, LISTEN_LOG
#   fcgi_get ADDRESS QUERY-STRING [METHOD]  one FastCGI request (perl client);
#                   sets RC, OUT, ERR, STATUS, HEADERS and BODY
#   fcgi_slowloris ADDRESS SECONDS  sends a request's first bytes one by one,
#                   one every 0.25 s; prints "closed N.N" when the server
#                   closes the connection, "open" if it is still open after
#                   SECONDS
#   listen_workers  the pids of LISTEN_PID's child processes, one a line
# shellcheck shell=bash

NEWSDEX_CGI=${NEWSDEX_CGI:-$(dirname "$NEWSDEX")/newsdex.cgi}
[ -x "$NEWSDEX_CGI" ] || bail_out "newsdex.cgi not found at $NEWSDEX_CGI (run make)"

# Articles whose text tries to break out of HTML and URLs.
hostile_articles() {
    cat <<'EOF'
{"id":"hostile-1","date":"2024-03-05","source":"Evil <b>Source</b> & \"Co\"","title":"<script>alert('t')</script> \"Quoted\" & 'single' zorblax merger","url":"javascript:alert(1)","body":"The zorblax merger <img src=x onerror=alert(1)> of Acme & Widget's \"units\" was announced on Tuesday, with </p><script>alert(2)</script> in the text."}
{"id":"hostile-2","date":"2023-07-01","source":"Plain Wire","title":"Second zorblax story","url":"https://example.com/a?b=1&c=\"2\"'<x>","body":"Another zorblax story, about a merger of zorblax units."}
EOF
}

make_db() {
    DB=$TMP/db
    hostile_articles > "$TMP/hostile.jsonl"
    "$NEWSDEX" index --db "$DB" "$CORPUS" "$TMP/hostile.jsonl" > /dev/null 2>&1 ||
        bail_out "could not index the test corpus"
    export NEWSDEX_DB=$DB
}

# Splits a CGI response (headers, blank line, body) in $OUT.
_split_response() {
    HEADERS=$(printf '%s\n' "$1" | sed -n '1,/^\r\{0,1\}$/p' | tr -d '\r')
    BODY=$(printf '%s\n' "$1" | sed '1,/^\r\{0,1\}$/d')
    STATUS=$(printf '%s\n' "$HEADERS" | sed -n 's/^Status: \([0-9]*\).*/\1/p;s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p' | head -1)
}

cgi() {
    run "$NEWSDEX_CGI" "$@"
    _split_response "$OUT"
}

header() {
    printf '%s\n' "$HEADERS" | sed -n "s/^$1: //Ip" | head -1
}

body_json() {
    printf '%s' "$BODY" > "$TMP/.body.json"
    json "$TMP/.body.json" "$1"
}

# ---- lighttpd ---------------------------------------------------------------

_port_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start_lighttpd() {
    command -v lighttpd > /dev/null || bail_out "lighttpd is not installed (scripts/install-deps)"
    local try state pid
    for try in 1 2 3 4 5 6 7 8; do
        PORT=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
        _port_free "$PORT" || continue
        state=$TMP/web-$PORT
        "$REPO_ROOT/web/serve" --db "$DB" --cgi "$NEWSDEX_CGI" --port "$PORT" --state "$state" \
            "$@" --config-only > /dev/null || bail_out "web/serve --config-only failed"
        lighttpd -D -f "$state/lighttpd.conf" > "$state/stdout.log" 2>&1 &
        pid=$!
        NX_CHILD_PIDS="${NX_CHILD_PIDS:-} $pid"
        LIGHTTPD_PID=$pid
        LIGHTTPD_STATE=$state
        BASE=http://127.0.0.1:$PORT
        local i
        for i in $(seq 50); do
            if curl -s -o /dev/null "$BASE/"; then
                return 0
            fi
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill "$pid" 2>/dev/null
    done
    bail_out "could not start lighttpd on a free port"
}

stop_lighttpd() {
    [ -n "${LIGHTTPD_PID:-}" ] || return 0
    kill "$LIGHTTPD_PID" 2>/dev/null
    wait "$LIGHTTPD_PID" 2>/dev/null
    LIGHTTPD_PID=""
}

http_get() {
    local url=$1
    shift
    LAST_CMD="curl $url $*"
    curl -s -S -i --max-time "$NX_TIMEOUT" "$@" "$url" > "$TMP/.http" 2> "$TMP/.http.err"
    RC=$?
    OUT=$(cat "$TMP/.http")
    ERR=$(cat "$TMP/.http.err")
    _split_response "$OUT"
}

# ---- FastCGI servers: newsdex.cgi --listen ------------------------------------

start_listen() {
    local program=$1 address=$2 try i
    shift 2
    for try in 1 2 3 4 5 6 7 8; do
        if [ "$address" = tcp ]; then
            PORT=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
            _port_free "$PORT" || continue
            LISTEN_ADDR=127.0.0.1:$PORT
        else
            LISTEN_ADDR=$address
        fi
        LISTEN_LOG=$TMP/listen-$try-$RANDOM.log
        "$program" --listen "$LISTEN_ADDR" "$@" < /dev/null > /dev/null 2> "$LISTEN_LOG" &
        LISTEN_PID=$!
        NX_CHILD_PIDS="${NX_CHILD_PIDS:-} $LISTEN_PID"
        for i in $(seq 50); do
            if _fcgi_connects "$LISTEN_ADDR"; then
                return 0
            fi
            kill -0 "$LISTEN_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill "$LISTEN_PID" 2>/dev/null
        wait "$LISTEN_PID" 2>/dev/null
        [ "$address" = tcp ] || break
    done
    diag "$(cat "$LISTEN_LOG" 2>/dev/null)"
    return 1
}

_fcgi_connects() {
    perl -MIO::Socket::INET -MIO::Socket::UNIX -e '
        my $a = shift;
        my $s = $a =~ m{/} ? IO::Socket::UNIX->new(Peer => $a)
                           : IO::Socket::INET->new(PeerAddr => $a, Timeout => 2);
        exit($s ? 0 : 1);' "$1"
}

listen_workers() {
    ps -o pid= --ppid "$LISTEN_PID" 2>/dev/null | tr -d ' '
}

# A FastCGI responder client: BEGIN_REQUEST, PARAMS, empty STDIN; prints the
# FCGI_STDOUT stream; exits 0 once FCGI_END_REQUEST came, 1 if the server
# closed first.
_FCGI_CLIENT='
use strict;
use IO::Socket::INET;
use IO::Socket::UNIX;
my ($addr, $qs, $method) = @ARGV;
my $s = $addr =~ m{/} ? IO::Socket::UNIX->new(Peer => $addr)
                      : IO::Socket::INET->new(PeerAddr => $addr, Timeout => 5);
die "cannot connect to $addr: $!\n" unless $s;
binmode $s;
sub rec { my ($type, $body) = @_; pack("CCnnCC", 1, $type, 1, length $body, 0, 0) . $body }
sub len { my $n = length shift; $n < 128 ? pack("C", $n) : pack("N", $n | 0x80000000) }
my @env = (GATEWAY_INTERFACE => "CGI/1.1", REQUEST_METHOD => $method, QUERY_STRING => $qs,
           SCRIPT_NAME => "/search", SERVER_PROTOCOL => "HTTP/1.1", REMOTE_ADDR => "127.0.0.1");
my $params = "";
while (my ($n, $v) = splice @env, 0, 2) { $params .= len($n) . len($v) . $n . $v }
my $req = rec(1, pack("nCx5", 1, 0)) . rec(4, $params) . rec(4, "") . rec(5, "");
syswrite($s, $req) == length $req or die "write: $!\n";
my ($buf, $out) = ("", "");
for (;;) {
    my $n = sysread($s, $buf, 65536, length $buf);
    die "read: $!\n" unless defined $n;
    last unless $n;
    while (length $buf >= 8) {
        my ($v, $t, $id, $cl, $pl) = unpack("CCnnC", $buf);
        last if length $buf < 8 + $cl + $pl;
        my $c = substr($buf, 8, $cl);
        substr($buf, 0, 8 + $cl + $pl) = "";
        $out .= $c if $t == 6;
        if ($t == 3) { print $out; exit 0 }
    }
}
print $out;
print STDERR "the server closed the connection before FCGI_END_REQUEST\n";
exit 1;
'

fcgi_get() {
    run perl -e "$_FCGI_CLIENT" "$1" "$2" "${3:-GET}"
    _split_response "$OUT"
}

fcgi_slowloris() {
    perl -MIO::Socket::INET -MIO::Socket::UNIX -MTime::HiRes=time,sleep -e '
        my ($addr, $max) = @ARGV;
        my $s = $addr =~ m{/} ? IO::Socket::UNIX->new(Peer => $addr)
                              : IO::Socket::INET->new(PeerAddr => $addr, Timeout => 5);
        die "cannot connect to $addr: $!\n" unless $s;
        $SIG{PIPE} = "IGNORE";
        my $start = time;
        my $bytes = pack("CCnnCC", 1, 1, 1, 8, 0, 0) . pack("nCx5", 1, 0) . pack("CCnnCC", 1, 4, 1, 200, 0, 0) . ("x" x 200);
        for (my $i = 0; time - $start < $max; $i++) {
            my $r = "";
            vec($r, fileno($s), 1) = 1;
            if (select($r, undef, undef, 0.25)) {
                my $n = sysread($s, my $junk, 100);
                if (!$n) { printf "closed %.1f\n", time - $start; exit 0 }
            }
            if (!defined syswrite($s, substr($bytes, $i % length $bytes, 1))) {
                printf "closed %.1f\n", time - $start; exit 0;
            }
        }
        print "open\n";' "$1" "$2"
}
