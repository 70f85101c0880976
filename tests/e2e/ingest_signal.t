#!/bin/bash
# Stopping and failing cleanly: SIGTERM/SIGINT commit what was read, report
# and exit 128+signal; a full disk (here: a file size limit) exits 6 with
# the committed batches intact; progress goes to a terminal only.
. "$(dirname "$0")/ingest_lib.sh"

BIG="$TMP/big.jsonl"
N=20000 # articles: many batches of 1000 (BATCH), however fast the machine
BATCH=1000
synth $N >"$BIG"

# committed DB: the index holds at least one committed article.
committed() {
    local n
    n=$(count "$1")
    [ "${n:-0}" -gt 0 ]
}

# stop SIGNAL EXPECTED_STATUS: start a run on a fresh index, signal it once
# its first batch is committed (whatever the machine's speed, the run is
# then under way and far from done), check what it reports and what the
# index holds.
stop() {
    local sig=$1 want=$2 db="$TMP/db-$1" tries=0
    set -m # own process group: a script's background jobs otherwise ignore SIGINT
    "$NEWSDEX" index --db "$db" --batch-size $BATCH --progress=never "$BIG" >"$TMP/out" 2>"$TMP/err" &
    local pid=$!
    set +m
    while kill -0 "$pid" 2>/dev/null && ! committed "$db" && [ $((tries += 1)) -lt 2000 ]; do
        sleep 0.01
    done
    kill -s "$sig" "$pid"
    wait "$pid"
    is "$?" "$want" "SIG$sig: exit status $want"
    local line added
    line=$(sed -n "s/.*interrupted by SIG$sig after .*big.jsonl:\([0-9]*\); everything read up to there was committed$/\1/p" "$TMP/err")
    added=$(sed -n 's/^indexed: \([0-9]*\) added, 0 replaced, 0 unchanged, 0 deleted, 0 rejected in .* index holds \1 articles$/\1/p' "$TMP/out")
    check "SIG$sig: says where it stopped (line $line)" test -n "$line"
    check "SIG$sig: summary printed ($added added)" test -n "$added"
    is "$(count "$db")" "$line" "SIG$sig: every article read was committed"
    check "SIG$sig: stopped early" test "${added:-0}" -gt 0 -a "${added:-0}" -lt $N
    check "SIG$sig: xapian-check passes" xcheck "$db"
    "$NEWSDEX" stats --db "$db" --json >"$TMP/stats"
    like "$(cat "$TMP/stats")" '"outcome": "interrupted"' "SIG$sig: stats shows the interrupted run"
    "$NEWSDEX" index --db "$db" "$BIG" >"$TMP/out" 2>"$TMP/err"
    is "$?" 0 "SIG$sig: re-run exits 0"
    like "$(cat "$TMP/out")" "^indexed: $((N - ${added:-0})) added, 0 replaced, ${added:-0} unchanged, .* holds $N articles" \
        "SIG$sig: re-run adds exactly the rest"
}
stop TERM 143
stop INT 130

# ---- a write that fails for lack of room: exit 6, index intact ----
DB="$TMP/db-full"
( trap '' XFSZ; ulimit -f 3000; exec "$NEWSDEX" index --db "$DB" --batch-size $BATCH "$BIG" ) >"$TMP/out" 2>"$TMP/err"
is "$?" 6 "file size limit hit while writing: exit 6"
like "$(cat "$TMP/err")" 'cannot write to the index: .*File too large' "the reason is reported"
like "$(cat "$TMP/err")" 'committed batches are intact' "and what it means"
check "xapian-check passes" xcheck "$DB"
n=$(count "$DB")
check "the index holds whole batches only ($n)" test $((n % BATCH)) -eq 0 -a "$n" -lt $N
like "$(cat "$TMP/out")" "^indexed: $n added, .* holds $n articles" "the summary counts only what was committed"
"$NEWSDEX" index --db "$DB" "$BIG" >"$TMP/out" 2>&1
is "$?" 0 "with room again, a re-run finishes"
is "$(count "$DB")" $N "and the index is complete"

# ---- progress: on a terminal only, unless asked ----
head -1500 "$BIG" >"$TMP/mid.jsonl"
if command -v script >/dev/null; then
    script -qfec "'$NEWSDEX' index --db '$TMP/db-p1' '$TMP/mid.jsonl'" /dev/null >"$TMP/tty" 2>&1
    like "$(tr '\r' '\n' <"$TMP/tty")" '^[0-9]+ articles +[0-9]+/s +[0-9.]+ MiB/s +[0-9]+% +ETA [0-9]+:[0-9]{2}' \
        "a terminal shows articles, articles/s, MiB/s, percent and ETA"
    script -qfec "'$NEWSDEX' index --db '$TMP/db-p2' --progress=never '$TMP/mid.jsonl'" /dev/null >"$TMP/tty" 2>&1
    check "--progress=never keeps a terminal quiet" sh -c "! grep -q ETA '$TMP/tty'"
else
    skip "script(1) not installed: no terminal to test progress on"
    skip "script(1) not installed"
fi
"$NEWSDEX" index --db "$TMP/db-p3" --progress=always "$TMP/mid.jsonl" >/dev/null 2>"$TMP/err"
like "$(cat "$TMP/err")" '^newsdex: [0-9]+ articles .*ETA' "--progress=always writes progress lines to a file"
"$NEWSDEX" index --db "$TMP/db-p4" "$TMP/mid.jsonl" >/dev/null 2>"$TMP/err"
is "$(wc -c <"$TMP/err")" 0 "not a terminal: no progress"

done_testing
