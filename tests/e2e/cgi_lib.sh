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
