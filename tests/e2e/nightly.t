#!/usr/bin/env bash
# scripts/nightly-reindex (installed as newsdex-nightly), end to end: a good
# file, a bad file, an unreadable one, half-written files, --dry-run, a
# second run while one is going on (exit 4, or --wait-lock), kill -9 of the
# job or of its newsdex at several points followed by a clean run (every
# file ends in done or failed, the article count equals a clean build's, no
# duplicates), a full disk (root only: a small tmpfs), full-sync mode with
# --prune and its refusal, the compaction schedule, one summary line per
# run in the log, and syslog through logger.
#
# Nothing here is timed: waits poll for a state, bounded by a count.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nightly_lib.sh"

# ---- usage and configuration ------------------------------------------------
run "$NIGHTLY" --help
is "$RC" 0 "--help exits 0"
like "$OUT" 'exit status: 0 success, 1 some files failed' "--help lists the exit statuses"
run "$NIGHTLY" --config /dev/null --no-such-option
is "$RC" 2 "an unknown option exits 2"
printf 'index = /x\ncolour = blue\n' >"$TMP/bad.conf"
run "$NIGHTLY" --config "$TMP/bad.conf"
is "$RC:$ERR" "2:newsdex-nightly: $TMP/bad.conf:2: unknown setting 'colour'
newsdex-nightly: try 'newsdex-nightly --help'" "an unknown setting exits 2 and names FILE:LINE"
setup usage
run "$NIGHTLY" --config "$CONF" --compact fortnightly
is "$RC" 2 "an unreadable compaction schedule exits 2"

# ---- a good file -------------------------------------------------------------
setup good
put "$CORPUS" articles.jsonl
nightly
is "$RC" 0 "good file: exit status 0"
ok "$(test -f "$D/done/articles.jsonl" && test ! -e "$D/inbox/articles.jsonl"; echo $?)" \
    "good file: moved from the inbox to done"
is "$(log_lines)" 1 "good file: one summary line in the log"
like "$(last_summary)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z newsdex-nightly: files=1 done=1 failed=0 waiting=0 added=51 replaced=0 unchanged=0 deleted=0 rejected=0 pruned=0 compacted=no duration=[0-9.]+s index_bytes=[1-9][0-9]* outcome=success status=0$' \
    "good file: the summary line has the time, counts, duration, size and outcome"
is "$(field index_bytes)" "$(stats_json "$D/idx" '$j->{size_bytes}')" "good file: index_bytes is the index's size"
is "$(articles "$D/idx")" 51 "good file: the index holds its 51 articles"
cmp_ok "$(search_ids "$D/idx" layoffs | wc -l)" -gt 0 "good file: its articles are searchable"
is "$OUT" "" "good file: nothing on standard output with a log file"

nightly
is "$RC" 3 "an empty inbox: exit status 3 (nothing to do)"
like "$(last_summary)" 'files=0 done=0 .* outcome=nothing-to-do status=3$' "and its summary line says so"
is "$(log_lines)" 2 "two runs, two summary lines"

# A file delivered again under the same name keeps both copies in done.
put "$CORPUS" articles.jsonl
nightly
like "$RC:$(last_summary)" '^0:.*added=0 replaced=0 unchanged=51 ' "the same file again: every article unchanged"
ok "$(test -f "$D/done/articles.1.jsonl" && test -f "$D/done/articles.jsonl"; echo $?)" \
    "and it is kept as articles.1.jsonl beside the first"

# ---- article_positions -----------------------------------------------------------
setup positions
echo "article_positions = sometimes" >>"$CONF"
run "$NIGHTLY" --config "$CONF"
like "$RC:$ERR" "^2:.*article_positions must be yes or no, not 'sometimes'" "article_positions: a bad value exits 2"
setup positions2
echo "article_positions = yes" >>"$CONF"
put "$CORPUS" articles.jsonl
nightly
is "$RC" 0 "article_positions = yes: exit status 0"
is "$(xapian-metadata get "$D/idx" newsdex:schema)" 3 "article_positions = yes: the articles keep their positions (schema 3)"
is "$(search_ids "$D/idx" '"prime video"' | sort | tr '\n' ' ')" \
    "$(search_ids "$D/../good/idx" '"prime video"' | sort | tr '\n' ' ')" \
    "article_positions = yes: a phrase finds what it finds in the good file's index"

# ---- a bad file, an unreadable file ---------------------------------------------
setup bad
{
    echo '{"id":"bad-1","title":"Harbour cranes idle","body":"Dockworkers walked out."}'
    echo 'this is not json'
    echo '{"id":"bad-3","title":"Grain prices climb","body":"Wheat rose."}'
    echo '{"id":"bad-4"}'
} >"$TMP/bad.jsonl"
put "$TMP/bad.jsonl" bad.jsonl
head -c 600 "$CORPUS" | gzip -c | head -c 200 >"$TMP/cut.jsonl.gz"
put "$TMP/cut.jsonl.gz" cut.jsonl.gz
printf 'x\n' >"$TMP/notes.xml"
put "$TMP/notes.xml" notes.xml
nightly
is "$RC" 1 "bad files: exit status 1 (some files failed)"
is "$(ls "$D/failed" | tr '\n' ' ')" "bad.jsonl bad.jsonl.reason cut.jsonl.gz cut.jsonl.gz.reason notes.xml notes.xml.reason " \
    "bad files: each moved to failed with a .reason beside it"
is "$(ls -A "$D/inbox" | wc -l | tr -d ' ')" 0 "bad files: none left in the inbox"
like "$(cat "$D/failed/bad.jsonl.reason")" '^bad\.jsonl:2: invalid JSON' "bad file: the reason names bad.jsonl:2 and the error"
like "$(sed -n 2p "$D/failed/bad.jsonl.reason")" '^bad\.jsonl:4: .*(title|body)' "bad file: and bad.jsonl:4 on its own line"
is "$(wc -l <"$D/failed/bad.jsonl.reason" | tr -d ' ')" 2 "bad file: two rejected lines, two reasons"
like "$(cat "$D/failed/cut.jsonl.gz.reason")" '^cut\.jsonl\.gz:' "truncated gzip: the reason names the file"
like "$(cat "$D/failed/notes.xml.reason")" '^notes\.xml: .*unknown input format' "unknown format: the reason says why"
is "$(search_ids "$D/idx" cranes)" bad-1 "bad file: its valid articles are indexed all the same"
like "$(last_summary)" 'files=3 done=0 failed=3 .* rejected=2 .* outcome=some-files-failed status=1$' \
    "bad files: the summary counts 3 failed files and 2 rejected records"

# ---- half-written files ------------------------------------------------------------
setup partial
put "$CORPUS" whole.jsonl
cp "$CORPUS" "$D/inbox/growing.jsonl.part"
head -5 "$CORPUS" >"$D/inbox/fresh.jsonl" # modified just now: within `settle`
nightly
is "$RC" 0 "half-written files: exit status 0 for the complete one"
is "$(ls "$D/inbox" | tr '\n' ' ')" "fresh.jsonl growing.jsonl.part " \
    "half-written files: a .part file and a just-modified file are left in the inbox"
like "$(last_summary)" 'files=1 done=1 failed=0 waiting=2 ' "half-written files: the summary counts 2 waiting"
nightly
is "$RC" 3 "only half-written files: nothing to do (exit 3)"
mv "$D/inbox/growing.jsonl.part" "$D/inbox/growing.jsonl"
age "$D/inbox/growing.jsonl" "$D/inbox/fresh.jsonl"
nightly
like "$RC:$(last_summary)" '^0:.*files=2 done=2 .*waiting=0 ' "once complete, the next run takes them"

# ---- --dry-run ------------------------------------------------------------------------
setup dry
put "$CORPUS" a.jsonl
cp "$CORPUS" "$D/inbox/b.jsonl.part"
run "$NIGHTLY" --config "$CONF" --compact always --dry-run
is "$RC" 0 "--dry-run: exit status 0"
like "$OUT" 'would index a\.jsonl into' "--dry-run: says which file it would index"
like "$OUT" 'would leave b\.jsonl\.part in the inbox' "--dry-run: and which it would leave"
like "$OUT" 'would compact' "--dry-run: and that it would compact"
is "$(ls -A "$D" | tr '\n' ' ')" "inbox nightly.conf " "--dry-run: no index, log, lock or folder was created"
is "$(ls "$D/inbox" | tr '\n' ' ')" "a.jsonl b.jsonl.part " "--dry-run: the inbox is untouched"

# ---- a second run while one is going on ---------------------------------------------
setup lock
fake_newsdex
put "$CORPUS" first.jsonl
touch "$CTL/block"
"$NIGHTLY" --config "$CONF" --newsdex "$FAKE" >"$TMP/first.out" 2>&1 &
FIRST=$!
NX_CHILD_PIDS="$FIRST"
wait_for "test -e $CTL/blocked"
ok $? "lock: the first run is indexing (held by the test)"
head -3 "$CORPUS" | sed 's/"id": *"/&second-/' >"$TMP/second.jsonl"
put "$TMP/second.jsonl" second.jsonl
nightly
is "$RC" 4 "lock: a second run exits 4 at once"
like "$ERR" 'another run holds .*nightly\.lock' "lock: and says another run holds the lock"
like "$(last_summary)" 'files=0 .*outcome=locked status=4$' "lock: its summary line says locked"
ok "$(test -e "$D/inbox/second.jsonl"; echo $?)" "lock: the locked run left the inbox alone"
"$NIGHTLY" --config "$CONF" --wait-lock 60 >"$TMP/waiter.out" 2>&1 &
WAITER=$!
NX_CHILD_PIDS="$FIRST $WAITER"
sleep 0.5
ok "$(kill -0 "$WAITER" 2>/dev/null; echo $?)" "lock: --wait-lock 60 waits while the first run goes on"
touch "$CTL/release"
wait "$FIRST"
is "$?" 0 "lock: the first run finishes (exit 0)"
wait "$WAITER"
is "$?" 0 "lock: the waiting run then indexes the file the first one left (exit 0)"
is "$(ls "$D/done" | tr '\n' ' ')" "first.jsonl second.jsonl " "lock: both files are done"
is "$(log_lines)" 3 "lock: three runs, three summary lines"
NX_CHILD_PIDS=""

# ---- kill -9 -----------------------------------------------------------------------------
setup kill
for i in 1 2 3 4 5; do
    synth_articles 800 "k$i" >"$TMP/part$i.jsonl"
    put "$TMP/part$i.jsonl" "part$i.jsonl"
done
put "$TMP/bad.jsonl" bad.jsonl
"$NEWSDEX" index --db "$TMP/kill-ref" --progress=never "$D"/inbox/*.jsonl >/dev/null 2>&1
E=$(articles "$TMP/kill-ref")
note "a clean run indexes $E articles"

# Small batches: a file is committed in several steps, so kills land between them.
echo "batch_size = 100" >>"$CONF"

# The job killed right after newsdex committed a file, before moving it.
fake_newsdex
echo 1 >"$CTL/kill-parent-after"
run "$NIGHTLY" --config "$CONF" --newsdex "$FAKE" 2>/dev/null # bash reports the kill
is "$RC" 137 "kill -9 after a commit, before the move: the job died"
ok "$(test -e "$D/inbox/bad.jsonl"; echo $?)" "and the file it had indexed is still in the inbox"
rm -f "$CTL/kill-parent-after"

# Its newsdex killed: the job stops with status 5, the file stays.
touch "$CTL/block"
rm -f "$CTL/blocked"
"$NIGHTLY" --config "$CONF" --newsdex "$FAKE" >"$TMP/k.out" 2>"$TMP/k.err" &
JOB=$!
NX_CHILD_PIDS=$JOB
wait_for "test -e $CTL/blocked"
kill -9 "$(cat "$CTL/blocked")"
wait "$JOB"
is "$?" 5 "kill -9 of the job's newsdex: the job exits 5 (index error)"
like "$(last_summary)" 'outcome=index-error status=5$' "and its summary line says index-error"
ok "$(test -e "$D/inbox/bad.jsonl"; echo $?)" "and the file being indexed stays in the inbox"
rm -f "$CTL/block" "$CTL/blocked"

# The job and its newsdex killed together at a few points of a real run.
# kill_job_when CONDITION [DELAY]: starts the job, kill -9s its process group
# once CONDITION holds (and DELAY seconds more: where it lands does not matter).
kill_job_when() {
    setsid "$NIGHTLY" --config "$CONF" >/dev/null 2>&1 &
    local job=$!
    NX_CHILD_PIDS=$job
    wait_for "$1"
    sleep "${2:-0}"
    kill -9 -- "-$job" 2>/dev/null
    wait "$job" 2>/dev/null
    NX_CHILD_PIDS=""
}
done_before=$(ls "$D/done" | wc -l)
# The job has a child (newsdex, mostly): a process whose parent is the job.
kill_job_when 'grep -qs "^PPid:[[:space:]]*$job\$" /proc/[0-9]*/status' 0.3
check_index "kill -9 while newsdex runs"
kill_job_when "test \$(ls $D/done | wc -l) -gt $((done_before + 1))"
check_index "kill -9 after two files were moved"
kill_job_when "true"
check_index "kill -9 at once"

nightly
cmp_ok "$RC" -le 1 "after the kills a clean run finishes the job (exit $RC)"
is "$(ls "$D/inbox" | wc -l | tr -d ' ')" 0 "kill -9: no file left in the inbox"
is "$(ls "$D/done" | grep -c '^part[0-9]\.jsonl$')" 5 "kill -9: every good file is in done, once"
is "$(ls "$D/failed" | tr '\n' ' ')" "bad.jsonl bad.jsonl.reason " "kill -9: the bad file is in failed with its reason"
is "$(articles "$D/idx")" "$E" "kill -9: the index holds exactly a clean run's $E articles"
is "$(idcount "$D/idx")" "$E" "kill -9: no article is duplicated"
run xapian-check "$D/idx"
is "$RC" 0 "kill -9: xapian-check finds the index sound"

# ---- SIGTERM: the current file finishes, the rest waits -------------------------------------
setup signal
fake_newsdex
put "$CORPUS" a.jsonl
put "$TMP/second.jsonl" b.jsonl
touch "$CTL/block"
"$NIGHTLY" --config "$CONF" --newsdex "$FAKE" >"$TMP/t.out" 2>"$TMP/t.err" &
JOB=$!
NX_CHILD_PIDS=$JOB
wait_for "test -e $CTL/blocked"
kill -TERM "$JOB"
touch "$CTL/release"
wait "$JOB"
is "$?" 143 "SIGTERM: the job exits 143 after the current file"
is "$(ls "$D/done"):$(ls "$D/inbox")" "a.jsonl:b.jsonl" "SIGTERM: the current file is done, the next one waits in the inbox"
like "$(last_summary)" 'files=2 done=1 .*outcome=interrupted status=143$' "SIGTERM: the summary line says interrupted"
NX_CHILD_PIDS=""

# ---- an index that cannot be written ------------------------------------------------------
setup broken
: >"$D/not-a-folder"
put "$CORPUS" a.jsonl
nightly --index "$D/not-a-folder"
is "$RC" 5 "index error: exit status 5"
like "$(last_summary)" 'outcome=index-error status=5$' "index error: the summary line says so"
ok "$(test -e "$D/inbox/a.jsonl"; echo $?)" "index error: the file stays in the inbox"

# ---- full sync ------------------------------------------------------------------------------
setup sync
put "$CORPUS" all.jsonl
nightly
head -40 "$CORPUS" >"$TMP/first40.jsonl"
put "$TMP/first40.jsonl" export.jsonl
nightly --full-sync
like "$RC:$(last_summary)" '^0:.*files=1 done=1 .*deleted=11 rejected=0 pruned=11 ' \
    "full sync: the 11 articles absent from the export are pruned"
is "$(articles "$D/idx")" 40 "full sync: the index holds the export's 40 articles"
head -30 "$CORPUS" >"$TMP/first30.jsonl"
put "$TMP/first30.jsonl" export.jsonl
printf '{"title":"a record with no id"}\n' >"$TMP/damaged.jsonl"
put "$TMP/damaged.jsonl" damaged.jsonl
nightly --full-sync
is "$RC" 1 "full sync with a damaged input: exit status 1"
like "$(last_summary)" 'pruned=0 compacted=no prune=skipped ' "full sync with a damaged input: prune refused, and the summary says so"
is "$(articles "$D/idx")" 40 "full sync with a damaged input: nothing was deleted"
ok "$(test -e "$D/failed/damaged.jsonl.reason" && test -e "$D/done/export.1.jsonl"; echo $?)" \
    "full sync with a damaged input: the damaged file failed, the other is done"
put "$TMP/first30.jsonl" export.jsonl
cp "$CORPUS" "$D/inbox/rest.jsonl.part"
nightly --full-sync
is "$RC" 3 "full sync with a file still being written: postponed (exit 3)"
is "$(ls "$D/inbox" | tr '\n' ' ')" "export.jsonl rest.jsonl.part " "full sync postponed: the inbox is untouched"
is "$(articles "$D/idx")" 40 "full sync postponed: nothing was pruned"

# ---- compaction schedule -------------------------------------------------------------------
setup compact
fake_newsdex
today=$(LC_ALL=C date +%a | tr 'A-Z' 'a-z')
other=$(LC_ALL=C date -d tomorrow +%a | tr 'A-Z' 'a-z')
put "$CORPUS" a.jsonl
nightly --newsdex "$FAKE" --compact "$other"
is "$(grep -c '^compact' "$CTL/calls")" 0 "compact = $other (not today): no compaction"
like "$(last_summary)" 'compacted=no ' "and the summary says compacted=no"
nightly --newsdex "$FAKE" --compact "$other,$today"
is "$RC:$(grep -c '^compact' "$CTL/calls")" "0:1" "compact = $other,$today: compacts today, even with nothing new"
like "$(last_summary)" 'compacted=yes .*outcome=success status=0$' "and the summary says compacted=yes"
nightly --newsdex "$FAKE" --compact "$today"
is "$RC:$(grep -c '^compact' "$CTL/calls")" "3:1" "a second run the same day does not compact again (nothing to do)"
put "$CORPUS" b.jsonl
nightly --newsdex "$FAKE" --compact always
is "$(grep -c '^compact' "$CTL/calls")" 2 "compact = always: compacts after a run that indexed a file"
nightly --newsdex "$FAKE" --compact always
is "$RC:$(grep -c '^compact' "$CTL/calls")" "3:2" "compact = always: not after a run with nothing to do"
run "$NEWSDEX" search --db "$D/idx" layoffs
is "$RC" 0 "the compacted index answers searches"
is "$(log_lines)" 5 "five runs, five summary lines"

# ---- syslog ----------------------------------------------------------------------------------
setup syslog
mkdir -p "$TMP/fakebin"
printf '#!/bin/sh\nprintf "%%s|" "$@" >>"%s"\necho >>"%s"\n' "$TMP/logger.calls" "$TMP/logger.calls" \
    >"$TMP/fakebin/logger"
chmod +x "$TMP/fakebin/logger"
put "$CORPUS" a.jsonl
PATH="$TMP/fakebin:$PATH" nightly --syslog
is "$RC" 0 "syslog: the run succeeds"
is "$(wc -l <"$TMP/logger.calls" | tr -d ' ')" 1 "syslog: logger is called once"
like "$(cat "$TMP/logger.calls")" '^-t\|newsdex-nightly\|-p\|user\.info\|--\|newsdex-nightly: files=1 done=1 .*outcome=success status=0\|$' \
    "syslog: with the tag, a priority and the summary line"
PATH="$TMP/fakebin:$PATH" nightly
is "$(wc -l <"$TMP/logger.calls" | tr -d ' ')" 1 "syslog: not called unless asked"

# ---- a full disk -------------------------------------------------------------------------------
MNT="$TMP/mnt"
mkdir -p "$MNT"
if [ "$(id -u)" -ne 0 ] || ! mount -t tmpfs -o size=1m,mode=0755 newsdex-nightly-test "$MNT" 2>/dev/null; then
    _tap_count=$((_tap_count + 1))
    echo "ok $_tap_count # skip a full disk: cannot mount a tmpfs (needs root)"
else
    trap 'umount "$MNT" 2>/dev/null || umount -l "$MNT" 2>/dev/null; _cleanup' EXIT
    setup disk
    synth_articles 3000 full >"$TMP/big.jsonl"
    put "$TMP/big.jsonl" big.jsonl
    NX_TIMEOUT=$((NX_TIMEOUT * 5)) nightly --index "$MNT/idx"
    is "$RC" 6 "a full disk: exit status 6"
    like "$(last_summary)" 'files=1 done=0 failed=0 .*outcome=disk-full status=6$' "a full disk: the summary line says disk-full"
    ok "$(test -e "$D/inbox/big.jsonl"; echo $?)" "a full disk: the file stays in the inbox"
    is "$(ls -A "$D/done" "$D/failed" | grep -vc ':$\|^$')" 0 "a full disk: nothing moved to done or failed"
    mount -o remount,size=256m "$MNT"
    mkdir -p "$MNT/done" # another filesystem than the inbox: a copying move
    NX_TIMEOUT=$((NX_TIMEOUT * 5)) nightly --index "$MNT/idx" --done "$MNT/done"
    is "$RC" 0 "room again: the next run finishes the job"
    ok "$(test -e "$MNT/done/big.jsonl" && test ! -e "$D/inbox/big.jsonl"; echo $?)" \
        "room again: the file moved to a done folder on another filesystem"
    cmp -s "$TMP/big.jsonl" "$MNT/done/big.jsonl"
    ok $? "room again: and arrived whole"
    is "$(ls -A "$MNT/done" | tr '\n' ' ')" "big.jsonl " "room again: no temporary left beside it"
    is "$(articles "$MNT/idx"):$(idcount "$MNT/idx")" "3000:3000" "room again: all 3000 articles, no duplicates"
    umount "$MNT" 2>/dev/null || umount -l "$MNT"
fi

done_testing
