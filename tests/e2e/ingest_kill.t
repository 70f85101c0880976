#!/bin/bash
# kill -9 at random moments while indexing the Reuters-21578 archive (or,
# without it, 30,000 synthetic articles): after every kill the index opens,
# passes xapian-check, answers searches, has no duplicate id and holds whole
# batches only; a final re-run converges to exactly the full article count.
# Also measures the first build against an unchanged re-run (a benchmark:
# printed, not asserted) and runs searches during the first build.
#
# How "whole batches" is checked: trial runs index a variant of the archive
# whose dates are moved to the year 2100+v, so every write of a run leaves
# a Y<2100+v> term; the number of such articles can only grow by multiples
# of the batch size unless the run finished.
. "$(dirname "$0")/ingest_lib.sh"

BATCH=250 # smaller than the default so that kills also land during commits
TRIALS=${NEWSDEX_KILL_TRIALS:-24}
REUTERS="$REPO/../shared/corpus/reuters21578"
SRC="$TMP/v0"
mkdir -p "$SRC"

reuters_supported() {
    printf '<REUTERS NEWID="1">\n<DATE>26-FEB-1987 15:01:01.79</DATE>\n<TEXT>\n<TITLE>PROBE</TITLE>\n<BODY>probe</BODY>\n</TEXT>\n</REUTERS>\n' \
        >"$TMP/probe.sgm"
    "$NEWSDEX" index --db "$TMP/probe" "$TMP/probe.sgm" >/dev/null 2>&1
}

if ! ls "$REUTERS"/reut2-*.sgm >/dev/null 2>&1; then
    skip "Reuters archive not found at $REUTERS: using synthetic articles"
    KIND=synthetic
elif ! reuters_supported; then
    skip "newsdex index does not read .sgm yet: using synthetic articles"
    KIND=synthetic
else
    KIND=reuters
fi
if [ "$KIND" = reuters ]; then
    cp "$REUTERS"/reut2-*.sgm "$SRC"/
    WORD=market
else
    synth 30000 >"$SRC/synthetic.jsonl"
    WORD=market
fi
inputs() { ls -d "$TMP/v$1"/*; }

# variant V: the archive with every date moved to the year 2100+V.
variant() {
    local v=$1 year=$((2100 + $1)) f
    [ -d "$TMP/v$v" ] && return
    mkdir -p "$TMP/v$v"
    for f in "$SRC"/*; do
        if [ "$KIND" = reuters ]; then
            sed "s/\(<DATE>[^<]*-\)1987 /\1$year /" "$f"
        else
            sed "s/\"date\":\"[0-9]\{4\}/\"date\":\"$year/" "$f"
        fi >"$TMP/v$v/$(basename "$f")"
    done
}

# ---- first build (with searches running against it), unchanged re-run ----
REF="$TMP/ref"
CGI=${NEWSDEX_CGI:-$(dirname "$NEWSDEX")/newsdex.cgi}
search_loop() {
    local fails=0 runs=0
    while [ ! -e "$TMP/build.done" ]; do
        if [ -e "$REF/iamglass" ]; then
            runs=$((runs + 1))
            "$NEWSDEX" search --db "$REF" --limit 5 "$WORD" >/dev/null 2>>"$TMP/search.err" ||
                fails=$((fails + 1))
            # The same through the web endpoint (CGI mode, parameters as arguments).
            runs=$((runs + 1))
            status=$(NEWSDEX_DB="$REF" "$CGI" "q=$WORD" format=json 2>>"$TMP/search.err" | head -1)
            case "$status" in
                "Status: 200"*) ;;
                *) fails=$((fails + 1)); echo "cgi: $status" >>"$TMP/search.err" ;;
            esac
        fi
        sleep 0.1
    done
    echo "$runs $fails" >"$TMP/search.result"
}
search_loop &
start=$(now)
"$NEWSDEX" index --db "$REF" --progress=never $(inputs 0) >"$TMP/out" 2>"$TMP/err"
REF_RC=$?
first=$(awk -v a="$start" -v b="$(now)" 'BEGIN {printf "%.2f", b - a}')
touch "$TMP/build.done"
wait
check "first build of the $KIND archive finishes (exit $REF_RC)" test "$REF_RC" -le 1
E=$(count "$REF")
read -r runs fails <"$TMP/search.result"
is "$fails" 0 "$runs CLI and CGI searches during the first build: none failed"
[ -s "$TMP/search.err" ] && sed 's/^/#   /' "$TMP/search.err" | head -5

start=$(now)
"$NEWSDEX" index --db "$REF" --progress=never $(inputs 0) >"$TMP/out" 2>"$TMP/err"
again=$(awk -v a="$start" -v b="$(now)" 'BEGIN {printf "%.2f", b - a}')
like "$(cat "$TMP/out")" "^indexed: 0 added, 0 replaced, $E unchanged, 0 deleted" \
    "unchanged re-run skips all $E articles"
diag "benchmark ($KIND, $E articles): first build $first s, unchanged re-run $again s," \
    "$(awk -v a="$first" -v b="$again" 'BEGIN {printf "%.1f", a / (b > 0 ? b : 0.01)}')x faster"
undated=$("$NEWSDEX" stats --db "$REF" --json | sed -n 's/.*"undated": \([0-9]*\).*/\1/p')

# ---- kill -9 trials ----
KDB="$TMP/kill"
killed=0
finished=0
for i in $(seq 1 "$TRIALS"); do
    v=$(((i - 1) / 4 + 1)) # 4 trials per variant: one rewrite, then resumes
    variant "$v"
    [ "$v" -gt 1 ] && rm -rf "$TMP/v$((v - 1))"
    mark="Y$((2100 + v))"
    before=$(termfreq "$KDB" "$mark")
    delay=$(awk -v s="$RANDOM$i" 'BEGIN {srand(s); printf "%.2f", 0.05 + rand() * 1.45}')
    "$NEWSDEX" index --db "$KDB" --batch-size "$BATCH" --progress=never $(inputs "$v") >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    { kill -9 "$pid"; wait "$pid"; } 2>/dev/null
    st=$?
    if [ "$st" -eq 137 ]; then killed=$((killed + 1)); else finished=$((finished + 1)); fi

    problems=""
    if [ -e "$KDB/iamglass" ]; then
        xcheck "$KDB" || problems="$problems xapian-check-failed"
        "$NEWSDEX" search --db "$KDB" --limit 3 "$WORD" >/dev/null 2>&1 || problems="$problems search-failed"
        c=$(count "$KDB")
        q=$(ids "$KDB")
    else # killed before the index was created: nothing to check yet
        c=0 q=0
    fi
    [ "$c" = "$q" ] || problems="$problems duplicate-ids($c-articles,$q-ids)"
    [ "$c" -le "$E" ] || problems="$problems too-many-articles($c)"
    after=$(termfreq "$KDB" "$mark")
    delta=$((after - before))
    if [ "$st" -eq 137 ] && [ "${undated:-0}" -eq 0 ] && [ $((delta % BATCH)) -ne 0 ] && [ "$after" -ne "$E" ]; then
        problems="$problems partial-batch(+$delta)"
    fi
    desc="trial $i: killed at $delay s (status $st); $c articles, +$delta writes"
    if [ -z "$problems" ]; then ok "$desc: consistent"; else not_ok "$desc:$problems"; fi
done
diag "kill trials: $TRIALS runs, $killed killed mid-run, $finished finished before the kill"
check "at least 20 kills landed mid-run ($killed)" test "$killed" -ge 20
[ "${undated:-0}" -eq 0 ] || diag "$undated undated articles: whole-batch check skipped"

# ---- kills while the index is being created ----
# Xapian creates an index in steps; a kill between them leaves tables
# without a version file. The next writer must recover, not fail forever.
unfinished=0
bad=""
for i in $(seq 1 30); do
    db="$TMP/create"
    rm -rf "$db"
    "$NEWSDEX" index --db "$db" "$REPO/corpus/articles.jsonl" >/dev/null 2>&1 &
    pid=$!
    sleep "0.0$(printf '%02d' $((RANDOM % 25)))"
    { kill -9 "$pid"; wait "$pid"; } 2>/dev/null
    [ -d "$db" ] && [ ! -e "$db/iamglass" ] && [ -n "$(ls "$db")" ] && unfinished=$((unfinished + 1))
    "$NEWSDEX" index --db "$db" "$REPO/corpus/articles.jsonl" >"$TMP/out" 2>&1 &&
        xcheck "$db" && [ "$(count "$db")" = 51 ] || bad="$bad $i"
done
is "$bad" "" "30 kills during index creation: the next run always succeeds ($unfinished left it unfinished)"

# ---- convergence ----
"$NEWSDEX" index --db "$KDB" --progress=never $(inputs 0) >"$TMP/out" 2>"$TMP/err"
is "$?" "$REF_RC" "the final re-run finishes like the first build (exit $REF_RC)"
is "$(count "$KDB")" "$E" "the index holds exactly the full article count"
is "$(ids "$KDB")" "$E" "with no duplicate id"
check "xapian-check passes" xcheck "$KDB"
left=0
for v in $(seq 1 $(((TRIALS - 1) / 4 + 1))); do left=$((left + $(termfreq "$KDB" "Y$((2100 + v))"))); done
is "$left" 0 "every article holds the final content"
"$NEWSDEX" index --db "$KDB" --progress=never $(inputs 0) >"$TMP/out" 2>"$TMP/err"
like "$(cat "$TMP/out")" "^indexed: 0 added, 0 replaced, $E unchanged, 0 deleted" "and a further re-run changes nothing"

done_testing
