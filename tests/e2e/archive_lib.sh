# Helpers for the archive tests (shards_by_year.t, shards_by_arrival.t):
# the ids an archive's shards hold, and searches that run in the
# background while it is written (on $A unless told otherwise). Source
# after ingest_lib.sh; prints TAP only through searches_ok.
# shellcheck shell=bash

# every_id DIR...: the ids held by the indexes (one line per article).
every_id() {
    local d
    for d in "$@"; do
        xapian-delve -a "$d" 2>/dev/null | tr ' ' '\n' | sed -n 's/^Q//p'
    done
}
# listed ARCHIVE: the shards its stub lists, on one line.
listed() { sed -n 's/^auto //p' "$1/XAPIANDB" | tr '\n' ' '; }
# stub_ok ARCHIVE: every shard the stub lists is a finished index.
stub_ok() {
    local name
    for name in $(sed -n 's/^auto //p' "$1/XAPIANDB"); do
        [ -f "$1/$name/iamglass" ] || return 1
    done
}

# search_loop ARCHIVE LOG: searches until $TMP/stop exists; one line per
# search, "RC TOTAL". With LOOP_CHECKS_STUB=1 (an archive by year, whose
# shards are never removed) a stub that lists a missing shard is an error.
search_loop() {
    local out
    while [ ! -e "$TMP/stop" ]; do
        out=$("$NEWSDEX" search --db "$1" --json --limit 3 market 2>>"$2.err")
        echo "$? $(printf '%s' "$out" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')" >>"$2"
        if [ "${LOOP_CHECKS_STUB:-0}" = 1 ] && ! stub_ok "$1"; then
            echo "stub lists a missing shard" >>"$2.err"
        fi
    done
}
# start_searches LOG [DB]: the loop, on DB (default $A), in the background.
start_searches() {
    rm -f "$TMP/stop" "$1" "$1.err"
    search_loop "${2:-$A}" "$1" &
    LOOP=$!
    NX_CHILD_PIDS="${NX_CHILD_PIDS:-} $LOOP"
}
stop_searches() {
    touch "$TMP/stop"
    wait "$LOOP"
}
# searches_ok LOG DESC [TOTAL]: every search of the loop succeeded (and,
# given TOTAL, each saw exactly that many articles).
searches_ok() {
    local n bad
    n=$(wc -l <"$1")
    bad=$(awk -v t="${3:-}" '$1 != 0 || (t != "" && $2 != t)' "$1" | wc -l)
    if [ "$n" -gt 0 ] && [ "$bad" -eq 0 ] && [ ! -s "$1.err" ]; then
        pass "$2 ($n searches)"
    else
        fail "$2" "$bad of $n searches failed" "$(sort "$1" | uniq -c | head -5) $(head -c 600 "$1.err")"
    fi
}
