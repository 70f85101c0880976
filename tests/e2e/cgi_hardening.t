#!/usr/bin/env bash
# newsdex.cgi hardening: under CGI the arguments cannot choose anything (a
# query string without '=' reaches main() as arguments on some servers); a
# --listen server keeps serving: an idle or slow connection holds one worker
# for at most read_limit, a request over the time limit ends its worker
# (503) and the supervisor starts another, as after a worker is killed;
# SIGTERM stops it cleanly.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cgi_lib.sh"

make_db
"$NEWSDEX" search --db "$DB" --json layoffs > "$TMP/cli.json"
layoffs=$(json "$TMP/cli.json" 'scalar @{$j->{results}}')

# ---- CGI: the arguments are ignored ------------------------------------------
victim=$TMP/victim
intact() { [ -f "$victim" ] && [ ! -S "$victim" ] && [ "$(cat "$victim")" = precious ]; }
cgi_with_args() { # ENV-ASSIGNMENTS... -- ARGS...: newsdex.cgi as a CGI with arguments
    local vars=()
    while [ "$1" != -- ]; do
        vars+=("$1")
        shift
    done
    shift
    NX_TIMEOUT=5 run env -u REQUEST_METHOD -u GATEWAY_INTERFACE -u QUERY_STRING \
        "${vars[@]}" "$NEWSDEX_CGI" "$@" < /dev/null
    _split_response "$OUT"
}

echo precious > "$victim"
cgi_with_args REQUEST_METHOD=GET 'QUERY_STRING=q=layoffs&format=json' -- --listen "$victim"
ok $(intact; echo $?) "REQUEST_METHOD set, arguments --listen FILE: the file is left alone"
is "$STATUS/$(body_json 'scalar @{$j->{results}}')" "200/$layoffs" \
    "REQUEST_METHOD set, arguments --listen FILE: QUERY_STRING is answered"

echo precious > "$victim"
cgi_with_args GATEWAY_INTERFACE=CGI/1.1 'QUERY_STRING=q=layoffs&format=json' -- --listen "$victim"
ok $(intact; echo $?) "GATEWAY_INTERFACE set, arguments --listen FILE: the file is left alone"
is "$STATUS/$(body_json '$j->{query}')" "200/layoffs" \
    "GATEWAY_INTERFACE set (no REQUEST_METHOD): QUERY_STRING is answered as a GET"

# What Apache's mod_cgi makes of /search.cgi?--listen+FILE.
echo precious > "$victim"
cgi_with_args REQUEST_METHOD=GET GATEWAY_INTERFACE=CGI/1.1 "QUERY_STRING=--listen+$victim" -- --listen "$victim"
ok $(intact; echo $?) "a query string '--listen+FILE' turned into arguments: the file is left alone"
is "$STATUS/$RC" "200/0" "a query string '--listen+FILE': an ordinary response"

cgi_with_args REQUEST_METHOD=GET 'QUERY_STRING=q=layoffs&format=json' -- "db=$TMP/elsewhere" q=zorblax
is "$STATUS/$(body_json '$j->{query}')" "200/layoffs" \
    "under CGI, NAME=VALUE arguments are ignored: the query comes from QUERY_STRING"
cgi_with_args REQUEST_METHOD=GET 'QUERY_STRING=q=layoffs&format=json' -- --workers 2 --listen 127.0.0.1:1
is "$STATUS/$(body_json '$j->{query}')" "200/layoffs" "under CGI, --workers/--listen arguments are ignored"
cgi_with_args REQUEST_METHOD=HEAD 'QUERY_STRING=q=layoffs' -- --help
is "$STATUS/$(printf '%s' "$OUT" | grep -c usage)" "200/0" "under CGI, --help is not the usage"

cgi q=layoffs format=json
is "$STATUS/$(body_json '$j->{query}')" "200/layoffs" "without CGI variables, NAME=VALUE arguments still work"

echo precious > "$victim"
NX_TIMEOUT=5 run "$NEWSDEX_CGI" --listen "$victim"
ok $(intact; echo $?) "--listen on a file that is not a socket leaves it alone"
like "$ERR" 'not a socket' "and says why"

# ---- --listen: idle and slow connections ----------------------------------------
# A copy of the program, so that its newsdex.cgi.conf applies.
mkdir -p "$TMP/srv" "$TMP/slow"
cp "$NEWSDEX_CGI" "$TMP/srv/newsdex.cgi"
cp "$NEWSDEX_CGI" "$TMP/slow/newsdex.cgi"
printf 'db = %s\nread_limit = 2\n' "$DB" > "$TMP/srv/newsdex.cgi.conf"
printf 'db = %s\nread_limit = 2\ntime_limit = 0.000001\n' "$DB" > "$TMP/slow/newsdex.cgi.conf"

ms() { date +%s%3N; }

# Started as before --workers existed, so the old program can be compared.
if start_listen "$TMP/srv/newsdex.cgi" tcp; then
    pass "--listen on $LISTEN_ADDR"
else
    fail "--listen starts"
fi
addr=$LISTEN_ADDR
fcgi_get "$addr" 'q=layoffs&format=json'
is "$STATUS/$(body_json 'scalar @{$j->{results}}')" "200/$layoffs" "--listen: a FastCGI request is answered"

exec 7<>"/dev/tcp/127.0.0.1/${addr##*:}"
sleep 0.3
t0=$(ms)
NX_TIMEOUT=8 fcgi_get "$addr" 'q=layoffs&format=json'
t1=$(ms)
is "$STATUS" 200 "an idle connection does not block another client"
cmp_ok $((t1 - t0)) -lt 1500 "the other client is answered at once ($((t1 - t0)) ms)"

# Four workers by default: three more idle connections hold them all.
exec 8<>"/dev/tcp/127.0.0.1/${addr##*:}" 9<>"/dev/tcp/127.0.0.1/${addr##*:}" \
    10<>"/dev/tcp/127.0.0.1/${addr##*:}"
sleep 0.3
t0=$(ms)
NX_TIMEOUT=8 fcgi_get "$addr" 'q=layoffs&format=json'
t1=$(ms)
is "$STATUS" 200 "with every worker held by an idle connection, a client is still answered"
cmp_ok $((t1 - t0)) -lt 4500 "once the read limit (2 s) drops an idle connection ($((t1 - t0)) ms)"
exec 7>&- 8>&- 9>&- 10>&-

result=$(timeout 15 bash -c "$(declare -f fcgi_slowloris); fcgi_slowloris '$addr' 8")
like "$result" '^closed [2-4]\.' "a slowloris connection is closed after the read limit ($result)"
fcgi_get "$addr" 'q=layoffs&format=json'
is "$STATUS" 200 "and the server goes on serving"

# ---- --listen: a killed worker is replaced ------------------------------------------
workers=$(listen_workers)
is "$(printf '%s\n' "$workers" | grep -c .)" 4 "four worker processes by default"
victim_pid=$(printf '%s\n' "$workers" | head -1)
if [ -n "$victim_pid" ]; then
    kill -KILL "$victim_pid"
fi
answered=0
for i in 1 2 3 4 5 6 7 8; do
    NX_TIMEOUT=8 fcgi_get "$addr" 'q=layoffs&format=json'
    [ "$STATUS" = 200 ] && answered=$((answered + 1))
done
is "$answered" 8 "after a worker is killed (SIGKILL), every request is answered"
for i in $(seq 50); do
    now=$(listen_workers)
    [ "$(printf '%s\n' "$now" | grep -c .)" = 4 ] && ! printf '%s\n' "$now" | grep -qx "${victim_pid:-none}" && break
    sleep 0.1
done
ok $([ "$(printf '%s\n' "$now" | grep -c .)" = 4 ] && [ -n "$victim_pid" ] &&
    ! printf '%s\n' "$now" | grep -qx "$victim_pid"; echo $?) "a new worker took the killed one's place"
like "$(cat "$LISTEN_LOG")" "worker ${victim_pid:-none} killed by signal 9" "the supervisor logs the death"

kill -TERM "$LISTEN_PID"
wait "$LISTEN_PID"
is "$?" 0 "SIGTERM: the supervisor exits 0"
is "$(printf '%s\n' $now | while read -r p; do kill -0 "$p" 2>/dev/null && echo "$p"; done)" "" \
    "SIGTERM: no worker is left"

# ---- --listen: a request over the time limit ends its worker, not the server ---------
if start_listen "$TMP/slow/newsdex.cgi" tcp; then
    pass "--listen with time_limit = 0.000001"
else
    fail "--listen with time_limit = 0.000001 starts"
fi
NX_TIMEOUT=8 fcgi_get "$LISTEN_ADDR" 'q=layoffs&format=json'
is "$STATUS/$(header Retry-After)" "503/30" "over the time limit: 503 with Retry-After"
like "$BODY" 'the search went over the time limit' "over the time limit: the JSON error"
NX_TIMEOUT=8 fcgi_get "$LISTEN_ADDR" 'q=layoffs'
is "$STATUS/$(header Content-Type)" "503/text/html; charset=utf-8" "the very next request is answered too"
answered=0
for i in 1 2 3 4 5 6; do # more requests than workers: replacements answer some
    NX_TIMEOUT=8 fcgi_get "$LISTEN_ADDR" 'q=layoffs&format=json'
    [ "$STATUS" = 503 ] && answered=$((answered + 1))
done
is "$answered" 6 "and every one after it, by the workers started in place of those that ended"
like "$(cat "$LISTEN_LOG")" 'over the time limit; starting another' "the supervisor logs the replacements"
kill -TERM "$LISTEN_PID"
wait "$LISTEN_PID"

# ---- --listen on a Unix socket path -----------------------------------------------
sock=$TMP/run/fcgi.sock
mkdir -p "$TMP/run"
if start_listen "$TMP/srv/newsdex.cgi" "$sock" --workers 1; then
    pass "--listen on a socket path, --workers 1"
else
    fail "--listen on a socket path"
fi
fcgi_get "$sock" 'q=layoffs&format=json'
is "$STATUS/$(body_json 'scalar @{$j->{results}}')" "200/$layoffs" "a request over the Unix socket"
is "$(listen_workers | grep -c .)" 1 "--workers 1: one worker"
NX_TIMEOUT=5 run "$NEWSDEX_CGI" --listen "$sock"
like "$RC/$ERR" '^1/.*already listening' "a second server refuses the socket a live one uses"
kill -TERM "$LISTEN_PID"
wait "$LISTEN_PID"
is "$?" 0 "SIGTERM: exits 0"
ok $([ ! -e "$sock" ]; echo $?) "SIGTERM: the socket file is removed"

done_testing
