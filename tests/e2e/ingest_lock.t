#!/bin/bash
# One writer at a time: a second one is told who holds the index (pid),
# or waits with --wait-lock; searches keep working meanwhile; a writer
# killed with -9 leaves nothing that blocks the next one.
. "$(dirname "$0")/ingest_lib.sh"

CORPUS="$REPO/corpus/articles.jsonl"
DB="$TMP/db"
FEED="$TMP/feed.jsonl"
run() { "$NEWSDEX" "$@" >"$TMP/out" 2>"$TMP/err"; echo $?; }

# hold: start a writer that holds the index until release (reads a FIFO).
hold() {
    rm -f "$FEED" && mkfifo "$FEED"
    "$NEWSDEX" index --db "$DB" "$FEED" >"$TMP/holder.out" 2>&1 &
    HOLDER=$!
    exec 3>"$FEED" # the writer opened the index before the FIFO
    for _ in $(seq 100); do [ -s "$DB/newsdex.pid" ] && break; sleep 0.05; done
}
release() { exec 3>&-; wait "$HOLDER"; }

run index --db "$DB" "$CORPUS" >/dev/null
hold
is "$(cat "$DB/newsdex.pid")" "$HOLDER" "the writer records its pid"
is "$(run index --db "$DB" "$CORPUS")" 4 "a second writer exits 4"
is "$(cat "$TMP/err")" "newsdex: index $DB is locked by another writer (pid $HOLDER)" \
    "and is told who holds the lock"
is "$(run delete --db "$DB" ndx-0001)" 4 "delete is locked out too (exit 4)"
is "$(run search --db "$DB" --limit 1 layoffs)" 0 "searching while a writer holds the index works"
is "$(run stats --db "$DB")" 0 "stats works while a writer holds the index"

start=$(now)
is "$(run index --db "$DB" --wait-lock 1 "$CORPUS")" 4 "--wait-lock 1 gives up with exit 4"
waited=$(awk -v a="$start" -v b="$(now)" 'BEGIN {printf "%.2f", b - a}')
check "after waiting at least 1 s ($waited s)" awk -v w="$waited" 'BEGIN {exit !(w >= 0.9)}'

# 3>&-: the waiter must not keep the holder's FIFO open.
"$NEWSDEX" index --db "$DB" --wait-lock 30 "$CORPUS" >"$TMP/w.out" 2>"$TMP/w.err" 3>&- &
waiter=$!
sleep 0.5
echo '{"id":"held-1","title":"written by the holder"}' >&3
release
wait "$waiter"
is "$?" 0 "--wait-lock 30 gets the index once the holder is done"
unlike "$(cat "$TMP/holder.out")" "locked|waiting" "the holder was not kept waiting"
like "$(cat "$TMP/w.err")" "locked by another writer \(pid [0-9]+\); waiting up to 30 s" "it said it was waiting"
like "$(cat "$TMP/holder.out")" "1 added" "the holder finished its work"
is "$(count "$DB")" 52 "both writers' articles are there"

hold
rm -f "$DB/newsdex.pid"
run index --db "$DB" "$CORPUS" >/dev/null
is "$(cat "$TMP/err")" "newsdex: index $DB is locked by another writer" "without a pid file the lock still holds"
release

# kill -9: the pid file stays behind, but only Xapian's lock counts.
hold
{ kill -9 "$HOLDER" && wait "$HOLDER"; } 2>/dev/null
exec 3>&-
check "a killed writer leaves its pid file" test -s "$DB/newsdex.pid"
is "$(run index --db "$DB" "$CORPUS")" 0 "the next writer is not blocked by it"
like "$(cat "$TMP/out")" "51 unchanged" "and indexes normally"
echo $$ >"$DB/newsdex.pid"
is "$(run index --db "$DB" "$CORPUS")" 0 "a pid file naming a live process does not block either"
check "xapian-check passes" xcheck "$DB"

done_testing
