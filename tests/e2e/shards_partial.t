#!/usr/bin/env bash
# A remote shard that is down (its xapian-tcpsrv killed) or slow (stopped
# with SIGSTOP): the search fails within --shard-timeout, naming the shard;
# with --partial it answers from the other shards and says which did not
# answer (standard error, and "partial"/"missing_shards" in the JSON), at
# open and in the middle of a run (--batch). `newsdex stats` and `newsdex
# fields` take the same two options. newsdex.cgi does the same with the
# shard_timeout and partial settings (HTML notice, JSON fields).
# Skipped without xapian-tcpsrv.
# shellcheck disable=SC2016  # Perl expressions in single quotes
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/shards_lib.sh"
need_tcpsrv
NEWSDEX_CGI=${NEWSDEX_CGI:-$(dirname "$NEWSDEX")/newsdex.cgi}

plan 42

head -n 25 "$CORPUS" >"$TMP/first.jsonl"
tail -n +26 "$CORPUS" >"$TMP/second.jsonl"
run "$NEWSDEX" index --db "$TMP/a" "$TMP/first.jsonl"
is "$RC" 0 "shard a: the first 25 articles"
run "$NEWSDEX" index --db "$TMP/b" "$TMP/second.jsonl"
is "$RC" 0 "shard b: the others"

PORT_A="" PORT_B="" PID_A="" PID_B=""
if start_server "$TMP/a" PORT_A PID_A && start_server "$TMP/b" PORT_B PID_B; then
    pass "two xapian-tcpsrv listening"
else
    fail "two xapian-tcpsrv listening"
fi
A="tcp://127.0.0.1:$PORT_A" B="tcp://127.0.0.1:$PORT_B"
printf 'remote 127.0.0.1:%s\nremote 127.0.0.1:%s\n' "$PORT_A" "$PORT_B" >"$TMP/both.stub"

total() { # total DB... : the JSON total of "layoffs"
    local args=() db
    for db in "$@"; do args+=(--db "$db"); done
    timeout -k 5 20 "$NEWSDEX" search "${args[@]}" --json --no-snippets layoffs |
        perl -MJSON::PP -0777 -ne 'print decode_json($_)->{total}'
}
ALL=$(total "$TMP/both.stub")
ONLY_B=$(total "$TMP/b")
articles() { # articles DB: what `newsdex stats --json` counts
    "$NEWSDEX" stats --db "$1" --json | perl -MJSON::PP -0777 -ne 'print decode_json($_)->{articles}'
}
ARTICLES_B=$(articles "$TMP/b")
cmp_ok "$ALL" -gt "$ONLY_B" "both shards up: 'layoffs' matches $ALL, shard b alone $ONLY_B"
cmp_ok "$ONLY_B" -gt 0 "shard b alone has matches too"

# ---- slow: shard a stopped --------------------------------------------------
kill -STOP -- "-$PID_A"
run "$NEWSDEX" search --db "$TMP/both.stub" --shard-timeout 1 --json layoffs
is "$RC" 5 "a stopped shard: exit 5"
like "$ERR" "shard $A: Timeout" "the message names the stopped shard"
run "$NEWSDEX" search --db "$A" --db "$B" --shard-timeout 0.5 --json --no-snippets layoffs
like "$RC $ERR" "^5 .*$A" "as --db tcp://: the same (the message names it)"
run "$NEWSDEX" search --db "$TMP/both.stub" --shard-timeout 1 --partial --json --no-snippets layoffs
is "$RC" 0 "--partial: exit 0"
printf '%s' "$OUT" >"$TMP/partial.json"
is "$(json "$TMP/partial.json" '$j->{partial} ? "yes" : "no"')" yes '"partial": true'
is "$(json "$TMP/partial.json" 'join ",", @{$j->{missing_shards}}')" "$A" '"missing_shards" names it'
is "$(json "$TMP/partial.json" '$j->{total}')" "$ONLY_B" "the total counts shard b alone"
like "$ERR" "partial results: shard $A did not answer" "and standard error says so"
run "$NEWSDEX" search --db "$TMP/both.stub" --shard-timeout 1 --partial --no-snippets layoffs
like "$OUT $ERR" "did not answer" "the text output's run says so too"
run "$NEWSDEX" similar --db "$TMP/both.stub" --shard-timeout 1 --partial --json \
    "$(head -n 30 "$CORPUS" | tail -n 1 | perl -MJSON::PP -ne 'print decode_json($_)->{id}')"
like "$RC $OUT" '^0 .*"partial":true' "similar --partial answers from shard b"
run "$NEWSDEX" search --db "$TMP/both.stub" --shard-timeout nope layoffs
like "$RC $ERR" '^2 .*--shard-timeout expects seconds' "a bad --shard-timeout: exit 2"

# stats and fields: the same options.
run "$NEWSDEX" stats --db "$TMP/both.stub" --shard-timeout 1 --json
like "$RC $ERR" "^5 .*shard $A: Timeout" "stats: a stopped shard, exit 5 naming it"
run "$NEWSDEX" stats --db "$TMP/both.stub" --shard-timeout 1 --partial --json
is "$RC" 0 "stats --partial: exit 0"
printf '%s' "$OUT" >"$TMP/stats.json"
is "$(json "$TMP/stats.json" '$j->{articles}')" "$ARTICLES_B" "stats --partial counts shard b alone"
is "$(json "$TMP/stats.json" '$j->{partial} && join ",", @{$j->{missing_shards}}')" "$A" \
    'its "partial" and "missing_shards" name the stopped shard'
like "$ERR" "partial statistics: shard $A did not answer" "and standard error says so"
run "$NEWSDEX" stats --db "$TMP/both.stub" --shard-timeout nope
like "$RC $ERR" '^2 .*--shard-timeout expects seconds' "stats: a bad --shard-timeout, exit 2"
run "$NEWSDEX" fields --db "$TMP/both.stub" --shard-timeout 1
like "$RC $ERR" "^5 .*shard $A" "fields: a stopped shard, exit 5 naming it"
run "$NEWSDEX" fields --db "$TMP/both.stub" --shard-timeout 1 --partial
like "$RC $OUT" '^0 title ' "fields --partial lists the fields"
like "$ERR" "partial field list: shard $A did not answer" "and says which shard did not answer"

# newsdex.cgi: the settings beside the program.
mkdir -p "$TMP/bin"
cp "$NEWSDEX_CGI" "$TMP/bin/newsdex.cgi"
cgi_run() { # cgi_run QUERY-STRING...: STATUS and BODY
    NEWSDEX_DB= run "$TMP/bin/newsdex.cgi" "$@"
    STATUS=$(printf '%s\n' "$OUT" | sed -n 's/^Status: \([0-9]*\).*/\1/p' | head -1)
    BODY=$(printf '%s\n' "$OUT" | sed '1,/^\r\{0,1\}$/d')
}
printf 'db = %s\nshard_timeout = 1\n' "$TMP/both.stub" >"$TMP/bin/newsdex.cgi.conf"
cgi_run q=layoffs format=json
is "$STATUS" 503 "CGI without partial: a stopped shard is a 503"
printf 'db = %s\nshard_timeout = 1\npartial = yes\n' "$TMP/both.stub" >"$TMP/bin/newsdex.cgi.conf"
cgi_run q=layoffs format=json
is "$STATUS" 200 "CGI with partial = yes: 200"
printf '%s' "$BODY" >"$TMP/cgi.json"
is "$(json "$TMP/cgi.json" '$j->{partial} && join ",", @{$j->{missing_shards}}')" "$A" \
    "its JSON names the missing shard"
cgi_run q=layoffs
like "$BODY" "Partial results: no answer from $A" "its HTML page says so"
printf 'partial = maybe\n' >>"$TMP/bin/newsdex.cgi.conf"
cgi_run q=layoffs format=json
like "$ERR" 'ignoring partial = maybe \(yes or no\)' "a bad partial setting is reported"

# ---- down: shard a killed ---------------------------------------------------------
kill -CONT -- "-$PID_A"
kill -- "-$PID_A" 2>/dev/null
wait "$PID_A" 2>/dev/null
run "$NEWSDEX" search --db "$TMP/both.stub" --json layoffs
like "$RC $ERR" "^5 .*shard $A: Couldn't connect \(Connection refused\)" \
    "a dead shard: exit 5, naming it and why"
run "$NEWSDEX" search --db "$TMP/both.stub" --partial --json --no-snippets layoffs
printf '%s' "$OUT" >"$TMP/dead.json"
is "$RC/$(json "$TMP/dead.json" '$j->{total}')" "0/$ONLY_B" "--partial: shard b's answer"
printf 'db = %s\npartial = yes\n' "$TMP/both.stub" >"$TMP/bin/newsdex.cgi.conf"
cgi_run q=layoffs format=json
printf '%s' "$BODY" >"$TMP/cgi.json"
is "$STATUS/$(json "$TMP/cgi.json" '$j->{total}')" "200/$ONLY_B" "CGI, partial: shard b's answer"
run "$NEWSDEX" search --db "$A" --partial --json layoffs
like "$RC $ERR" "^5 .*no shard answered" "--partial with no shard answering: exit 5"
run "$NEWSDEX" stats --db "$TMP/both.stub" --partial --json
printf '%s' "$OUT" >"$TMP/dead-stats.json"
is "$RC/$(json "$TMP/dead-stats.json" '$j->{articles}')" "0/$ARTICLES_B" "stats --partial: shard b's counts"
run "$NEWSDEX" stats --db "$TMP/both.stub" --json
like "$RC $ERR" "^5 .*shard $A: Couldn't connect" "stats: a dead shard, exit 5 naming it"

# ---- in the middle of a run: --batch, shard b stopped after the first query -------
start_server "$TMP/a" PORT_A PID_A
A="tcp://127.0.0.1:$PORT_A"
printf 'remote 127.0.0.1:%s\nremote 127.0.0.1:%s\n' "$PORT_A" "$PORT_B" >"$TMP/both.stub"
midway() { # midway OPTION...: a --batch of two queries, shard b stopped in between
    rm -f "$TMP/fifo"
    mkfifo "$TMP/fifo"
    timeout -k 5 30 "$NEWSDEX" search --db "$TMP/both.stub" --shard-timeout 1 --no-snippets \
        --batch "$@" <"$TMP/fifo" >"$TMP/midway.out" 2>"$TMP/midway.err" &
    local pid=$!
    exec 3>"$TMP/fifo"
    echo layoffs >&3
    for _ in $(seq 1 100); do
        [ -s "$TMP/midway.out" ] && break
        sleep 0.1
    done
    kill -STOP -- "-$PID_B"
    echo layoffs >&3
    exec 3>&-
    wait "$pid"
    RC=$?
    kill -CONT -- "-$PID_B"
}
midway
is "$RC" 5 "stopped mid-run, no --partial: exit 5"
is "$(sed -n 1p "$TMP/midway.out" | perl -MJSON::PP -ne 'print decode_json($_)->{total}')" "$ALL" \
    "the first query, before the stop, counts both shards"
like "$(sed -n 2p "$TMP/midway.out")" "\"error\":\"shard $B did not answer within 1000 ms" \
    "the second names the shard that stopped answering"
midway --partial
is "$RC" 0 "stopped mid-run, --partial: exit 0"
sed -n 2p "$TMP/midway.out" >"$TMP/second.json"
is "$(json "$TMP/second.json" '$j->{total}')" "$(total "$TMP/a")" \
    "the second query answers from shard a alone"
is "$(json "$TMP/second.json" 'join ",", @{$j->{missing_shards}}')" "$B" "and names shard b"

done_testing
