#!/usr/bin/env bash
# The read-replica recipe of newsdex-scaling(7), end to end: the nightly job
# indexes on the master (with XAPIAN_MAX_CHANGESETS set, so each commit
# leaves a change set), xapian-replicate-server serves the master's folder,
# and xapian-replicate keeps a replica up to date while searches run on the
# replica without pause. No search on the replica may fail at any point,
# and once the replica has caught up every query answers exactly as on the
# master. Three nights: a first load, new and replaced articles, and a night
# that compacts (the master's files are replaced, so the replica copies the
# whole index again).
# Skipped without xapian-replicate (Debian package xapian-tools).
# shellcheck disable=SC2016  # Perl expressions in single quotes
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nightly_lib.sh"
. "$(dirname "$0")/shards_lib.sh" # free_port; SERVER_PIDS stopped on exit

for tool in xapian-replicate xapian-replicate-server; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "1..0 # SKIP $tool not installed (Debian package xapian-tools)"
        exit 0
    fi
done

QUERIES=('market' 'oil price' '"crude barrel"' 'bank OR loan' 'merger -bond'
         'profit NEAR/3 quarter' 'date:2001 trade' 'r1 report' 'r2 report 17')

plan $((3 + 1 + ${#QUERIES[@]} + 3 + 2 + 3 + 1 + ${#QUERIES[@]} + 1))

# ---- the replication server and client, the searches: always stopped --------
# Each goes in SERVER_PIDS; the searches end once $TMP/stop exists.
stop_background() {
    touch "$TMP/stop" 2>/dev/null
    stop_servers
}
trap 'stop_background; _cleanup' EXIT

setup replica
MASTER_ROOT="$D/srv"
MASTER="$MASTER_ROOT/news"
REPLICA="$D/replica/news"
mkdir -p "$MASTER_ROOT" "$D/replica"
sed -i "s|^index .*|index      = $MASTER|" "$CONF"
export XAPIAN_MAX_CHANGESETS=100

# same_answers DESC: every query answers alike on master and replica.
same_answers() {
    local q m r
    for q in "${QUERIES[@]}"; do
        m=$("$NEWSDEX" search --db "$MASTER" --json --limit 20 --facets -- "$q" 2>&1)
        r=$("$NEWSDEX" search --db "$REPLICA" --json --limit 20 --facets -- "$q" 2>&1)
        if [ "$m" = "$r" ] && [ -n "$m" ]; then
            pass "$1: '$q' answers alike on the replica"
        else
            fail "$1: '$q' answers alike on the replica" "master: ${m:0:300}
replica: ${r:0:300}"
        fi
    done
}

# caught_up: the replica holds what the master holds.
caught_up() {
    [ -e "$REPLICA/XAPIANDB" ] || return 1
    [ "$(articles "$REPLICA")" = "$(articles "$MASTER")" ] || return 1
    local q
    for q in "${QUERIES[@]}"; do
        [ "$("$NEWSDEX" search --db "$MASTER" --json --limit 20 -- "$q" 2>&1)" = \
          "$("$NEWSDEX" search --db "$REPLICA" --json --limit 20 -- "$q" 2>&1)" ] || return 1
    done
}

# ---- night 1 on the master, the first copy -----------------------------------
synth_articles 3000 r1 >"$D/inbox/night1.jsonl"
age "$D/inbox/night1.jsonl"
nightly
is "$RC" 0 "night 1: the job indexes the first file on the master"
is "$(articles "$MASTER")" 3000 "night 1: the master holds 3000 articles"

PORT=""
for try in 1 2 3; do
    p=$(free_port) || break
    setsid xapian-replicate-server --port "$p" --interface 127.0.0.1 "$MASTER_ROOT" \
        >"$TMP/server.log" 2>&1 &
    SERVER_PIDS="$SERVER_PIDS $!"
    if wait_for "xapian-replicate -h 127.0.0.1 -p $p -m news -o -q '$REPLICA' >>'$TMP/first.log' 2>&1"; then
        PORT=$p
        break
    fi
    diag "replication server on port $p (try $try): $(cat "$TMP/server.log" "$TMP/first.log" 2>/dev/null)"
done
if [ -n "$PORT" ] && [ -e "$REPLICA/XAPIANDB" ]; then
    pass "the first replication copies the master"
else
    fail "the first replication copies the master" "$(cat "$TMP/first.log" 2>/dev/null)"
    stop_background
    done_testing
    exit 1
fi
is "$(articles "$REPLICA")" 3000 "the replica holds 3000 articles"
same_answers "after the first copy"

# ---- searches on the replica throughout, replication running -----------------
# Each search's status goes to searches.log; a failed one keeps its output.
(
    n=0
    while [ ! -e "$TMP/stop" ]; do
        n=$((n + 1))
        q=${QUERIES[$((n % ${#QUERIES[@]}))]}
        if "$NEWSDEX" search --db "$REPLICA" --json --limit 10 -- "$q" >"$TMP/s.out" 2>"$TMP/s.err"; then
            echo ok >>"$TMP/searches.log"
        else
            { echo "FAIL $?: $q"; cat "$TMP/s.err"; } >>"$TMP/searches.log"
        fi
    done
) &
SERVER_PIDS="$SERVER_PIDS $!"
xapian-replicate -h 127.0.0.1 -p "$PORT" -m news -i 1 -r 1 -q "$REPLICA" \
    >"$TMP/replicate.log" 2>&1 &
SERVER_PIDS="$SERVER_PIDS $!"

# ---- night 2: new articles and changed ones ------------------------------------
synth_articles 2000 r2 >"$D/inbox/night2.jsonl"
# 500 of night 1's articles again, with new titles: replaced, not added
synth_articles 500 r1 | sed 's/"title":"r1 report/"title":"r1 revised report/' \
    >"$D/inbox/night2-revisions.jsonl"
age "$D/inbox/night2.jsonl" "$D/inbox/night2-revisions.jsonl"
nightly --compact never
is "$RC" 0 "night 2: the job indexes new and revised articles on the master"
is "$(field added)/$(field replaced)" "2000/500" "night 2: 2000 added, 500 replaced"
is "$(articles "$MASTER")" 5000 "night 2: the master holds 5000 articles"
wait_for caught_up
if caught_up; then pass "night 2: the replica catches up"; else fail "night 2: the replica catches up" "$(cat "$TMP/replicate.log")"; fi
cmp_ok "$(idcount "$REPLICA")" -eq 5000 "night 2: the replica holds every id once"

# ---- night 3: more articles and a compaction -------------------------------------
synth_articles 1000 r3 >"$D/inbox/night3.jsonl"
age "$D/inbox/night3.jsonl"
nightly --compact always
is "$RC" 0 "night 3: the job indexes and compacts the master"
like "$(last_summary)" 'compacted' "night 3: the summary line says the master was compacted"
is "$(articles "$MASTER")" 6000 "night 3: the master holds 6000 articles"
wait_for caught_up
if caught_up; then pass "night 3: the replica catches up after the compaction"; else fail "night 3: the replica catches up after the compaction" "$(cat "$TMP/replicate.log")"; fi
same_answers "after three nights"

touch "$TMP/stop"
sleep 0.3
stop_background
total=$(grep -c . "$TMP/searches.log" 2>/dev/null || echo 0)
failed=$(grep -c '^FAIL' "$TMP/searches.log" 2>/dev/null)
if [ "$total" -ge 20 ] && [ "${failed:-0}" -eq 0 ]; then
    pass "none of the $total searches on the replica during the three nights failed"
else
    fail "no search on the replica failed during the updates" \
         "$total searches, ${failed:-0} failed: $(grep -A3 '^FAIL' "$TMP/searches.log" | head -20)"
fi
done_testing
