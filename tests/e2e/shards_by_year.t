#!/usr/bin/env bash
# Per-year shards as one switch (newsdex index --shard-by year): articles of
# thirty years and undated ones go to ARCHIVE/YYYY/ and ARCHIVE/undated/;
# --db ARCHIVE then answers every search exactly as one index built from
# the same input (JSON output: ids, scores, snippets, facets, histogram,
# counts). Searches run in a loop throughout indexing and none fails; the
# stub lists only shards that exist. An article re-delivered with another
# year moves (no duplicate, counted as replaced); kill -9 during a run that
# moves every article, then a clean run: no duplicate, nothing lost. One
# writer for the whole archive; delete, --prune, compact, stats and the
# refusals of what does not fit.
# shellcheck disable=SC2016  # Perl expressions in single quotes
. "$(dirname "$0")/ingest_lib.sh"
. "$(dirname "$0")/nightly_lib.sh"
. "$(dirname "$0")/archive_lib.sh"

plan 65

A="$TMP/archive"
N_DATED=900
N_UNDATED=40
synth "$N_DATED" 7 >"$TMP/dated.jsonl"
# Undated: no date at all, or one the writer cannot read (kept undated).
synth "$N_UNDATED" 8 900001 | sed 's/"date":"[^"]*",//' >"$TMP/undated.jsonl"
printf '{"id":"odd-date","title":"Market closes early","body":"oil market","date":"sometime"}\n' \
    >>"$TMP/undated.jsonl"
N=$((N_DATED + N_UNDATED + 1))

# shards ARCHIVE: its shard directories.
shards() { find "$1" -mindepth 1 -maxdepth 1 -type d -regex '.*/\([0-9][0-9][0-9][0-9]\|undated\)' | sort; }
# duplicates ARCHIVE: ids held by more than one article.
duplicates() { every_id $(shards "$1") | sort | uniq -d | wc -l; }
LOOP_CHECKS_STUB=1

# ---- building: an empty archive, the undated, then 30 years ---------------
printf '{"id":"none-such","deleted":true}\n' >"$TMP/nothing.jsonl"
run "$NEWSDEX" index --shard-by year --db "$A" "$TMP/nothing.jsonl"
is "$RC:$(sed -n 's/^auto //p' "$A/XAPIANDB" | wc -l)" "0:0" "an archive with no shard yet"
run "$NEWSDEX" search --db "$A" --json --facets --histogram year market
printf '%s' "$OUT" >"$TMP/e.json"
is "$RC:$(json "$TMP/e.json" '$j->{total}' 2>&1)" "0:0" "searching it finds nothing, without an error"
start_searches "$TMP/build.log"
run "$NEWSDEX" index --shard-by year --db "$A" "$TMP/undated.jsonl"
is "$RC" 0 "undated articles indexed into the archive"
like "$ERR" 'odd-date.*indexed without a date' "an unreadable date is kept undated, with a warning"
# Xapian moving articles from memory every 10: the years' writers hold
# more than four such flushes in all, so the shard holding most commits early.
XAPIAN_FLUSH_THRESHOLD=10 NX_TIMEOUT=$((NX_TIMEOUT * 10)) \
    run "$NEWSDEX" index --shard-by year --batch-size 200 --db "$A" "$TMP/dated.jsonl"
stop_searches
is "$RC" 0 "900 articles of 30 years indexed into the archive (committing early)"
like "$OUT" "index holds $N articles" "the summary counts every shard"
searches_ok "$TMP/build.log" "searches ran throughout indexing and none failed"
if sort -n -k2 -c "$TMP/build.log" 2>/dev/null; then
    pass "the count a search sees only grows while articles are added"
else
    fail "the count a search sees only grows while articles are added" "$(uniq -c "$TMP/build.log" | head)"
fi
is "$(shards "$A" | xargs -n1 basename | tr '\n' ' ')" \
    "$(seq 1990 2019 | tr '\n' ' ')undated " "one shard per year and one for undated articles"
is "$(sed -n 's/^auto //p' "$A/XAPIANDB" | tr '\n' ' ')" "$(shards "$A" | xargs -n1 basename | tr '\n' ' ')" \
    "the stub lists every shard, in order"
want=$(grep -c '"date":"1995-' "$TMP/dated.jsonl")
run "$NEWSDEX" stats --db "$A/1995" --json
printf '%s' "$OUT" >"$TMP/s.json"
is "$(json "$TMP/s.json" '$j->{articles} . " " . join(",", keys %{$j->{years}})')" \
    "$want 1995" "ARCHIVE/1995 holds the articles of 1995 and no other"
run "$NEWSDEX" stats --db "$A/undated" --json
printf '%s' "$OUT" >"$TMP/s.json"
is "$(json "$TMP/s.json" '$j->{articles} . " " . $j->{undated}')" "$((N_UNDATED + 1)) $((N_UNDATED + 1))" \
    "ARCHIVE/undated holds the undated articles"
is "$(duplicates "$A")" 0 "no id in two shards"

# ---- the archive answers like one index of the same input -----------------
NX_TIMEOUT=$((NX_TIMEOUT * 10)) run "$NEWSDEX" index --db "$TMP/plain" "$TMP/undated.jsonl" "$TMP/dated.jsonl"
is "$RC" 0 "one index of the same input"
same=0 differ=""
for args in "market" "oil price --limit 20" '"crude barrel" --limit 20' "bank -loan --limit 0" \
    "wheat OR corn --facets" "growth --histogram year" "topic:oil --facets --histogram month" \
    "strike --sort date --limit 15" "date:1995 market --limit 0" "layoffs --any --limit 20" \
    "exchange --from 1993 --to 1996 --facets" "market --offset 30 --limit 10"; do
    # shellcheck disable=SC2086  # the options split on purpose
    "$NEWSDEX" search --db "$TMP/plain" --json $args >"$TMP/want.json" 2>&1
    # shellcheck disable=SC2086
    "$NEWSDEX" search --db "$A" --json $args >"$TMP/got.json" 2>&1
    if cmp -s "$TMP/want.json" "$TMP/got.json"; then
        same=$((same + 1))
    else
        differ="$differ [$args]: $(diff "$TMP/want.json" "$TMP/got.json" | head -c 300)"
    fi
done
is "$same" 12 "12 searches (facets, histograms, counts, pages) give the same JSON${differ:+:$differ}"
run "$NEWSDEX" search --db "$A" --json --limit 0 market
printf '%s' "$OUT" >"$TMP/a.json"
cmp_ok "$(json "$TMP/a.json" '$j->{total}')" -gt 100 "and they match many articles"
CGI="$(dirname "$NEWSDEX_REAL")/newsdex.cgi"
# cgi_body DB: the body of newsdex.cgi's answer to a search with facets.
cgi_body() { NEWSDEX_DB="$1" "$CGI" q=market format=json facets=all 2>&1 | sed '1,/^\r\{0,1\}$/d'; }
cgi_body "$TMP/plain" >"$TMP/cgi-want.json"
cgi_body "$A" >"$TMP/cgi-got.json"
if cmp -s "$TMP/cgi-want.json" "$TMP/cgi-got.json" && [ "$(json "$TMP/cgi-got.json" '$j->{total}')" -gt 0 ]; then
    pass "newsdex.cgi with NEWSDEX_DB=ARCHIVE answers as with one index"
else
    fail "newsdex.cgi with NEWSDEX_DB=ARCHIVE answers as with one index" "$(head -c 300 "$TMP/cgi-got.json")"
fi
run "$NEWSDEX" stats --db "$A" --json
printf '%s' "$OUT" >"$TMP/s.json"
is "$(json "$TMP/s.json" '$j->{articles} . " " . $j->{undated} . " " . scalar(keys %{$j->{years}})')" \
    "$N $((N_UNDATED + 1)) 30" "stats over the archive: every article, undated ones, 30 years"
du_sum=$(find "$A" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
is "$(json "$TMP/s.json" '$j->{size_bytes}')" "$du_sum" "its size is that of every shard"

# ---- an article re-delivered with another year moves ------------------------
grep '"id":"syn-0000005"' "$TMP/dated.jsonl" | sed 's/"date":"[0-9]*-/"date":"2024-/' >"$TMP/moved.jsonl"
old_year=$(sed -n 's/.*"id":"syn-0000005","date":"\([0-9]*\)-.*/\1/p' "$TMP/dated.jsonl")
run "$NEWSDEX" index --shard-by year --db "$A" "$TMP/moved.jsonl"
is "$RC" 0 "an article re-delivered with its year changed"
like "$OUT" '0 added, 1 replaced, 0 unchanged, 0 deleted' "counts as replaced"
run "$NEWSDEX" search --db "$A" --json 'id:syn-0000005'
printf '%s' "$OUT" >"$TMP/m.json"
is "$(json "$TMP/m.json" '$j->{total} . " " . substr($j->{results}[0]{date}, 0, 4)')" "1 2024" \
    "it is found once, with its new date"
is "$(every_id "$A/$old_year" | grep -c '^syn-0000005$')" 0 "its old shard ($old_year) no longer holds it"
is "$(duplicates "$A")" 0 "no id in two shards"
stub_ok "$A"
ok $? "the stub lists the new shard 2024 once it exists"

# ---- one writer for the whole archive --------------------------------------
mkfifo "$TMP/feed"
"$NEWSDEX" index --shard-by year --db "$A" - <"$TMP/feed" >"$TMP/holder.out" 2>&1 &
HOLDER=$!
NX_CHILD_PIDS="${NX_CHILD_PIDS:-} $HOLDER"
exec 7>"$TMP/feed"
for _ in $(seq 1 100); do
    [ -e "$A/newsdex.pid" ] && break
    sleep 0.1
done
run "$NEWSDEX" index --shard-by year --db "$A" "$TMP/moved.jsonl"
is "$RC" 4 "a second writer of the archive: exit 4"
like "$ERR" 'locked by another writer' "and says it is locked"
run "$NEWSDEX" delete --db "$A" syn-0000001
is "$RC" 4 "newsdex delete meanwhile: exit 4 too"
exec 7>&-
wait "$HOLDER"
is "$?" 0 "the first writer finishes"

# ---- what does not fit is refused ------------------------------------------
run "$NEWSDEX" index --db "$A" "$TMP/moved.jsonl"
is "$RC" 2 "indexing into the archive without --shard-by: exit 2"
like "$ERR" 'archive of per-year shards.*--shard-by year' "and says how"
run "$NEWSDEX" index --shard-by year --db "$TMP/plain" "$TMP/moved.jsonl"
is "$RC" 2 "--shard-by year into one index: exit 2"
like "$ERR" 'one index, not an archive' "and says why"
run "$NEWSDEX" index --shard-by month --db "$TMP/x" "$TMP/moved.jsonl"
is "$RC" 2 "--shard-by month: exit 2 (only year)"

# ---- delete, --prune, compact ------------------------------------------------
run "$NEWSDEX" delete --db "$A" syn-0000005 odd-date
is "$RC" 0 "newsdex delete on the archive"
like "$OUT" "deleted: 2, not found: 0.*holds $((N - 2)) articles" "deletes from whichever shard holds each id"
head -n 600 "$TMP/dated.jsonl" >"$TMP/part.jsonl"
NX_TIMEOUT=$((NX_TIMEOUT * 10)) run "$NEWSDEX" index --shard-by year --prune --db "$A" "$TMP/part.jsonl"
is "$RC" 0 "--prune on the archive"
like "$OUT" "pruned: $((N - 2 + 1 - 600)) articles" "prunes every shard (syn-0000005 comes back)"
run "$NEWSDEX" search --db "$A" --json --limit 0 market
printf '%s' "$OUT" >"$TMP/before.json"
start_searches "$TMP/compact.log"
NX_TIMEOUT=$((NX_TIMEOUT * 10)) run "$NEWSDEX" compact --db "$A" --json
stop_searches
is "$RC" 0 "newsdex compact --db ARCHIVE"
printf '%s' "$OUT" >"$TMP/c.json"
is "$(json "$TMP/c.json" '($j->{size_after} < $j->{size_before} ? "smaller" : "not smaller") . " " . $j->{articles}')" \
    "smaller 600" "compacts each shard, every article kept"
searches_ok "$TMP/compact.log" "searches ran throughout compaction and none failed"
run "$NEWSDEX" search --db "$A" --json --limit 0 market
is "$OUT" "$(cat "$TMP/before.json")" "the same answers after compaction"

# ---- kill -9 while every article moves, then a clean run ----------------------
# (A move commits its deletion from the old shard at once: 300 of them.)
K="$TMP/killed"
N_K=300
head -n "$N_K" "$TMP/dated.jsonl" >"$TMP/k.jsonl"
NX_TIMEOUT=$((NX_TIMEOUT * 10)) run "$NEWSDEX" index --shard-by year --db "$K" "$TMP/k.jsonl"
sed 's/"date":"\(19\|20\)\([0-9][0-9]\)-/"date":"21\2-/' "$TMP/k.jsonl" >"$TMP/redated.jsonl"
"$NEWSDEX" index --shard-by year --batch-size 50 --db "$K" "$TMP/redated.jsonl" >/dev/null 2>&1 &
victim=$!
# Kill once the run has moved articles into a few new shards.
for _ in $(seq 1 400); do
    [ "$(grep -c '^auto 21' "$K/XAPIANDB" 2>/dev/null)" -ge 3 ] && break
    kill -0 "$victim" 2>/dev/null || break
    sleep 0.05
done
kill -9 "$victim" 2>/dev/null
wait "$victim" 2>/dev/null
is "$?" 137 "the run moving every article was killed (kill -9) before it finished"
is "$(duplicates "$K")" 0 "after kill -9 mid-run: no id in two shards"
stub_ok "$K"
ok $? "after kill -9: the stub lists only shards that exist"
run "$NEWSDEX" search --db "$K" --json --limit 0 market
is "$RC" 0 "after kill -9: the archive answers searches"
NX_TIMEOUT=$((NX_TIMEOUT * 10)) run "$NEWSDEX" index --shard-by year --db "$K" "$TMP/redated.jsonl"
is "$RC" 0 "a clean run after the kill"
like "$OUT" "index holds $N_K articles" "nothing lost"
is "$(duplicates "$K"):$(every_id $(shards "$K") | sort -u | wc -l)" "0:$N_K" \
    "no duplicate, every id once"
is "$(every_id $(find "$K" -mindepth 1 -maxdepth 1 \( -name '19*' -o -name '20*' \)) | wc -l)" 0 \
    "every article is in its new year's shard"

# ---- the open-file limit: every shard keeps files open ---------------------
# About 13 per shard to index, 6 to search: newsdex takes what the hard limit
# allows, and past it says so (not "locked", and nothing changes).
limited() { # S|HS N: run the rest under that soft (and hard) limit on open files
    local how=$1 n=$2
    shift 2
    run bash -c "ulimit -$how -n $n && exec \"\$@\"" limited "$@"
}
n_k_shards=$(shards "$K" | wc -l)
if [ -z "${NEWSDEX_WRAPPER:-}" ]; then
    limited S 64 "$NEWSDEX" index --shard-by year --db "$K" "$TMP/redated.jsonl"
    is "$RC:$(printf '%s' "$OUT" | grep -c "$N_K unchanged")" "0:1" \
        "a soft limit of 64 open files: $n_k_shards shards indexed all the same"
    limited S 64 "$NEWSDEX" search --db "$K" --json --limit 1 market
    printf '%s' "$OUT" >"$TMP/lim.json"
    is "$RC:$(json "$TMP/lim.json" '$j->{total} > 0 ? "found" : "none"')" "0:found" \
        "and searched all the same"
else
    skip "the soft limit under $NEWSDEX_WRAPPER" 2
fi
limited HS 64 "$NEWSDEX" index --shard-by year --db "$K" "$TMP/redated.jsonl"
is "$RC" 5 "a hard limit of 64 open files: indexing fails with an index error"
like "$ERR" 'Too many open files.*RLIMIT_NOFILE\) is 64.*13 to be indexed' "which says why, and what a shard needs"
unlike "$ERR" 'locked' "and does not call the archive locked"
limited HS 64 "$NEWSDEX" search --db "$K" market
is "$RC" 5 "searching under it fails with an index error"
like "$ERR" 'Too many open files.*6 files open to be searched' "which says why"
run "$NEWSDEX" stats --db "$K" --json
printf '%s' "$OUT" >"$TMP/lim.json"
is "$RC:$(json "$TMP/lim.json" '$j->{articles}')" "0:$N_K" "the archive is as it was"

# ---- the nightly job: --shard-by year, compacting every run -------------------
setup nightly
printf 'shard_by = year\ncompact  = always\n' >>"$CONF"
cp "$TMP/undated.jsonl" "$D/inbox/undated.jsonl"
age "$D/inbox/undated.jsonl"
nightly
is "$RC" 0 "newsdex-nightly with shard_by = year: the first run makes the archive"
split -n l/3 -d --additional-suffix=.jsonl "$TMP/dated.jsonl" "$D/inbox/wire-"
age "$D/inbox"/wire-*
nightly --dry-run
like "$OUT" 'would index wire-00.jsonl into .*/idx \(one shard per year\)' "--dry-run says the index is sharded"
start_searches "$TMP/nightly.log" "$D/idx"
NX_TIMEOUT=$((NX_TIMEOUT * 15)) nightly
stop_searches
is "$RC" 0 "a nightly run of three files with compaction"
searches_ok "$TMP/nightly.log" "searches ran throughout the nightly run and none failed"
is "$(log_lines):$(field files):$(field added):$(field compacted)" "2:3:$N_DATED:yes" \
    "one summary line per run: 3 files, every article added, compacted"
is "$(field index_bytes)" "$(stats_json "$D/idx" '$j->{size_bytes}')" "index_bytes is the size of every shard"
is "$(shards "$D/idx" | wc -l):$(articles "$D/idx")" "31:$N" "30 years and undated, every article"
done_testing
