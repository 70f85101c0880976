#!/usr/bin/env bash
# `newsdex index --jobs N`: the index answers every bench query exactly as a
# single-process build (ids, order, scores, counts, facets, stats), on a new
# index, into an existing one, with ids repeated across and inside parts,
# with rejected records; a signal, a killed worker or a killed parent leave
# the index as it was and the next run cleans up; the writer lock is held.
. "$(dirname "$0")/ingest_lib.sh"
export NX_TIMEOUT=300

QUERIES="$TMP/queries"
grep -v '^#' "$REPO_ROOT/bench/queries.txt" | cut -f2- >"$QUERIES"

# answers DB: every bench query with 20 results, with facets, and counts
# only; then the stats without the run's timing and the index's size.
answers() {
    "$NEWSDEX" search --db "$1" --batch --json --limit 20 <"$QUERIES"
    "$NEWSDEX" search --db "$1" --batch --json --limit 5 --facets --no-snippets <"$QUERIES"
    "$NEWSDEX" search --db "$1" --batch --json --limit 0 <"$QUERIES"
    "$NEWSDEX" stats --db "$1" | grep -v -e '^index:' -e '^size on disk:' |
        sed -e 's/^last run: *[^,]*,/last run:/' -e 's/ in [0-9.]* s$//'
}

# summary FILE: the summary line without its duration
summary() { sed -e 's/ in [0-9.]* s;/;/' "$1"; }

# same_as_one NAME INPUT...: builds with --jobs 1, 2 and 3 and compares
same_as_one() {
    local name=$1
    shift
    "$NEWSDEX" index --db "$TMP/$name-1" --jobs 1 "$@" >"$TMP/$name-1.out" 2>"$TMP/$name-1.err"
    local want=$?
    answers "$TMP/$name-1" >"$TMP/$name-1.answers"
    check "$name: the bench queries have answers" grep -q '"total":[1-9]' "$TMP/$name-1.answers"
    for j in 2 3; do
        "$NEWSDEX" index --db "$TMP/$name-$j" --jobs $j "$@" >"$TMP/$name-$j.out" 2>"$TMP/$name-$j.err"
        is "$?" "$want" "$name --jobs $j: exit status $want as with --jobs 1"
        is "$(summary "$TMP/$name-$j.out")" "$(summary "$TMP/$name-1.out")" "$name --jobs $j: same summary"
        is "$(sort "$TMP/$name-$j.err")" "$(sort "$TMP/$name-1.err")" "$name --jobs $j: same messages"
        answers "$TMP/$name-$j" >"$TMP/$name-$j.answers"
        if cmp -s "$TMP/$name-1.answers" "$TMP/$name-$j.answers"; then
            pass "$name --jobs $j: every query answers as with --jobs 1"
        else
            fail "$name --jobs $j: every query answers as with --jobs 1"
            diff "$TMP/$name-1.answers" "$TMP/$name-$j.answers" | head -5 | sed 's/^/# /' >&2
        fi
        check "$name --jobs $j: no temporary directory left" \
            test -z "$(find "$TMP" -maxdepth 1 -name ".$name-$j.jobs-*")"
    done
}

# ---- the sample corpus, split at line boundaries ----
same_as_one corpus "$CORPUS"

# ---- rejected records, FILE:LINE, in several files ----
{ head -20 "$CORPUS"; echo '{"id": "bad-1", "title": 5}'; echo 'not json'
  sed -n 21,40p "$CORPUS"; echo '{"title": "no id"}'; } >"$TMP/bad-a.jsonl"
{ sed -n '41,$p' "$CORPUS"; echo '{"id": "undated", "title": "x", "date": "someday"}'; } >"$TMP/bad-b.jsonl"
same_as_one rejected "$TMP/bad-a.jsonl" "$TMP/bad-b.jsonl"
like "$(cat "$TMP/rejected-2.err")" 'bad-a.jsonl:22: ' "rejected records name FILE:LINE"
# the other options reach the workers
same_as_one strict --strict-dates --batch-size 7 --format jsonl "$TMP/bad-a.jsonl" "$TMP/bad-b.jsonl"
like "$(cat "$TMP/strict-3.out")" ' 4 rejected' "--strict-dates with --jobs: the bad date is rejected too"

# ---- ids repeated across parts, and deletions of ids of earlier parts ----
synth 600 7 >"$TMP/dup-a.jsonl"
{ synth 200 8 1; sed -n 201,300p "$TMP/dup-a.jsonl"
  echo '{"id": "syn-0000005", "deleted": true}'; echo '{"id": "syn-0009999", "deleted": true}'
  synth 100 9 1000; } >"$TMP/dup-b.jsonl"
same_as_one across "$TMP/dup-a.jsonl" "$TMP/dup-b.jsonl"
like "$(cat "$TMP/across-2.out")" '^indexed: 700 added, 200 replaced, 101 unchanged, 1 deleted' \
    "repeated ids: replaced, unchanged and deleted counted as by one process"

# ---- ids repeated inside one part ----
{ synth 300 7; synth 50 8 1; echo '{"id": "syn-0000002", "deleted": true}'; synth 300 9 301; } >"$TMP/inside.jsonl"
same_as_one inside "$TMP/inside.jsonl"

# ---- each worker writing several temporary shards ----
same_as_one shards --shard-articles 7 "$CORPUS"
same_as_one across-shards --shard-articles 60 "$TMP/dup-a.jsonl" "$TMP/dup-b.jsonl"
like "$(cat "$TMP/across-shards-2.out")" '^indexed: 700 added, 200 replaced, 101 unchanged, 1 deleted' \
    "shards of 60 articles: replaced, unchanged and deleted counted as by one process"
same_as_one inside-shards --shard-articles 40 "$TMP/inside.jsonl"
same_as_one one-shard --shard-articles 0 "$TMP/dup-a.jsonl" "$TMP/dup-b.jsonl"

# ---- into an existing index ----
# same_as_one_existing [OPTION...]: dup-b and the corpus into a copy of
# dup-a (less one article) with --jobs 1, 2 and 3
same_as_one_existing() {
    for j in 1 2 3; do
        rm -rf "$TMP/existing-$j"
        "$NEWSDEX" index --db "$TMP/existing-$j" "$TMP/dup-a.jsonl" >/dev/null 2>&1
        "$NEWSDEX" delete --db "$TMP/existing-$j" syn-0000003 >/dev/null 2>&1
        "$NEWSDEX" index --db "$TMP/existing-$j" --jobs $j "$@" "$TMP/dup-b.jsonl" "$CORPUS" >"$TMP/existing-$j.out" 2>&1
        answers "$TMP/existing-$j" >"$TMP/existing-$j.answers"
    done
    for j in 2 3; do
        is "$(summary "$TMP/existing-$j.out")" "$(summary "$TMP/existing-1.out")" "existing index, --jobs $j $*: same summary"
        check "existing index, --jobs $j $*: every query answers as with --jobs 1" \
            cmp -s "$TMP/existing-1.answers" "$TMP/existing-$j.answers"
    done
}
same_as_one_existing
same_as_one_existing --shard-articles 30

# ---- Reuters, when it is there ----
REUTERS="$REPO_ROOT/../shared/corpus/reuters21578"
if [ -d "$REUTERS" ]; then
    same_as_one reuters "$REUTERS"
else
    for i in $(seq 1 11); do skip "no Reuters archive at $REUTERS"; done
fi

# ---- progress: the workers' work added up ----
run "$NEWSDEX" index --db "$TMP/progress" --jobs 2 --progress=always "$TMP/dup-a.jsonl"
like "$ERR" '^newsdex: [0-9]+ articles +[0-9]+/s' "--progress=always: progress lines on a log"
if command -v script >/dev/null; then
    script -qfec "'$NEWSDEX' index --db '$TMP/progress-tty' --jobs 2 '$TMP/dup-a.jsonl'" /dev/null >"$TMP/tty" 2>&1
    like "$(tr '\r' '\n' <"$TMP/tty")" '^[0-9]+ articles +[0-9]+/s' "a terminal shows the progress line"
else
    skip "no script(1) for a terminal"
fi

# ---- refusals ----
run "$NEWSDEX" index --db "$TMP/refused" --jobs 2 --prune "$CORPUS"
is "$RC" 2 "--prune with --jobs: refused (exit 2)"
like "$ERR" 'cannot be combined with --jobs' "and says why"
run "$NEWSDEX" index --db "$TMP/refused" --jobs 2 - <"$CORPUS"
is "$RC" 2 "standard input with --jobs: refused"
run "$NEWSDEX" index --db "$TMP/refused" --jobs 0 "$CORPUS"
is "$RC" 2 "--jobs 0: refused"

# ---- stopping, killing, the lock ----
BIG="$TMP/big.jsonl"
synth 6000 11 >"$BIG"
"$NEWSDEX" index --db "$TMP/held" "$CORPUS" >/dev/null 2>&1

# start_big DB: a --jobs 2 run in the background (own process group), once
# its workers are writing; sets PID.
start_big() {
    set -m
    "$NEWSDEX" index --db "$1" --jobs 2 --progress=never "$BIG" >"$TMP/big.out" 2>"$TMP/big.err" &
    PID=$!
    set +m
    NX_CHILD_PIDS="${NX_CHILD_PIDS:-} $PID"
    for _ in $(seq 1 600); do
        [ -n "$(find "$(dirname "$1")" -maxdepth 3 -path "*/.$(basename "$1").jobs-*/part-2/iamglass")" ] && break
        sleep 0.05
    done
}
workers_of() { pgrep -P "$1" | wc -l; }

start_big "$TMP/held"
run "$NEWSDEX" index --db "$TMP/held" "$CORPUS"
is "$RC" 4 "a second writer meanwhile: locked (exit 4)"
kill -TERM "$PID"
wait "$PID"
is "$?" 143 "SIGTERM: exit 143"
like "$(cat "$TMP/big.err")" 'interrupted by SIGTERM before the parts were merged; the index was left as it was' \
    "SIGTERM: says the index was left as it was"
is "$(count "$TMP/held")" 51 "SIGTERM: the index holds what it held"
check "SIGTERM: no temporary directory left" test -z "$(find "$TMP" -maxdepth 1 -name '.held.jobs-*')"
check "SIGTERM: no worker left" test -z "$(pgrep -f "$BIG")"

start_big "$TMP/killed"
kids=$(pgrep -P "$PID" | tr '\n' ' ')
kill -KILL "$PID"
wait "$PID" 2>/dev/null
sleep 0.5
check "kill -9 of the parent: its workers stop too" test -z "$(ps -o pid= -p "${kids// /,}" 2>/dev/null)"
check "kill -9 of the parent: the index is usable" xcheck "$TMP/killed"
"$NEWSDEX" index --db "$TMP/killed" --jobs 2 "$CORPUS" >"$TMP/out" 2>"$TMP/err"
is "$?" 0 "the next run succeeds"
like "$(cat "$TMP/err")" 'removed .*/\.killed\.jobs-.*, left by an interrupted run' "and removes the stale directory"
check "nothing stale is left" test -z "$(find "$TMP" -maxdepth 1 -name '.killed.jobs-*')"
is "$(count "$TMP/killed")" 51 "and the index is complete"

start_big "$TMP/held"
kill -KILL "$(pgrep -P "$PID" | head -1)"
wait "$PID"
is "$?" 5 "kill -9 of a worker: exit 5"
like "$(cat "$TMP/big.err")" 'worker [0-9] was killed by signal 9' "and says so"
is "$(count "$TMP/held")" 51 "the index holds what it held"

# ---- a full disk (a file size limit) while writing the parts ----
( trap '' XFSZ; ulimit -f 2000; exec "$NEWSDEX" index --db "$TMP/held" --jobs 2 "$BIG" ) >"$TMP/out" 2>"$TMP/err"
is "$?" 6 "no room for the parts: exit 6"
like "$(cat "$TMP/err")" 'the index was left as it was' "and the index is untouched"
is "$(count "$TMP/held")" 51 "it holds what it held"

done_testing
