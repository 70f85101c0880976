#!/usr/bin/env bash
# A recent shard for nightly articles (newsdex index --shard-by arrival):
# a first run fills ARCHIVE/recent/, `newsdex compact` folds it into
# ARCHIVE/main-a/, the next night's new articles go to recent/ again while
# a known article is replaced where it is; --db ARCHIVE answers every
# search exactly as one index of the same input (JSON: ids, scores,
# facets, counts) before and after each fold; searches run throughout the
# indexing and the folds and none fails. kill -9 during a fold leaves the
# archive as it was and the next writer removes what the fold wrote; then
# delete, --prune, the refusals, and the nightly job with shard_by =
# arrival folding on its schedule.
# shellcheck disable=SC2016  # Perl expressions in single quotes
. "$(dirname "$0")/ingest_lib.sh"
. "$(dirname "$0")/nightly_lib.sh"
. "$(dirname "$0")/archive_lib.sh"

plan 41

A="$TMP/archive"
synth 1200 11 >"$TMP/all.jsonl"
head -n 900 "$TMP/all.jsonl" >"$TMP/base.jsonl"
tail -n 300 "$TMP/all.jsonl" >"$TMP/night.jsonl"

# shards ARCHIVE: the names of its shard directories.
shards() { find "$1" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort | tr '\n' ' '; }
# canonical FILE: the JSON of a search; with TIES set, each page's results
# sorted by id (hits of equal score, or equal date when sorted by date,
# come in document order, which a recent shard changes until the fold).
canonical() {
    perl -MJSON::PP -e '
        local $/; my $j = JSON::PP->new->utf8->canonical;
        my $d = eval { $j->decode(<STDIN>) } or do { print "not JSON\n"; exit };
        @{$d->{results}} = sort { $a->{id} cmp $b->{id} } @{$d->{results}} if $ENV{TIES};
        print $j->encode($d), "\n";' <"$1"
}
# same_as_plain PLAIN DESC: 10 searches give the same JSON on both.
same_as_plain() {
    local same=0 differ="" args
    for args in "market" "oil price --limit 20" '"crude barrel" --limit 20' "bank -loan --limit 0" \
        "wheat OR corn --facets" "growth --histogram year" "strike --sort date --limit 15" \
        "layoffs --any --limit 20" "exchange --from 1993 --to 1996 --facets" \
        "market --offset 30 --limit 10"; do
        # shellcheck disable=SC2086  # the options split on purpose
        "$NEWSDEX" search --db "$1" --json $args >"$TMP/want.json" 2>&1
        # shellcheck disable=SC2086
        "$NEWSDEX" search --db "$A" --json $args >"$TMP/got.json" 2>&1
        canonical "$TMP/want.json" >"$TMP/want.c"
        canonical "$TMP/got.json" >"$TMP/got.c"
        if cmp -s "$TMP/want.c" "$TMP/got.c"; then
            same=$((same + 1))
        else
            differ="$differ [$args]: $(diff "$TMP/want.json" "$TMP/got.json" | head -c 300)"
        fi
    done
    is "$same" 10 "$2${differ:+:$differ}"
}

# ---- a first run, then a fold ------------------------------------------------
NX_TIMEOUT=$((NX_TIMEOUT * 10)) run "$NEWSDEX" index --shard-by arrival --db "$A" "$TMP/base.jsonl"
is "$RC" 0 "900 articles into a new archive by arrival"
is "$(listed "$A")|$(shards "$A")" "recent |recent " "a fresh archive holds them in recent/"
run "$NEWSDEX" search --db "$A" --json --limit 0 market
printf '%s' "$OUT" >"$TMP/m.json"
matching=$(json "$TMP/m.json" '$j->{total}')
start_searches "$TMP/fold1.log"
NX_TIMEOUT=$((NX_TIMEOUT * 10)) run "$NEWSDEX" compact --db "$A" --json
stop_searches
is "$RC" 0 "newsdex compact folds the archive"
printf '%s' "$OUT" >"$TMP/c.json"
is "$(json "$TMP/c.json" '$j->{articles}')" 900 "every article kept"
is "$(listed "$A")|$(shards "$A")" "main-a |main-a " "the stub lists main-a alone; recent/ is gone"
searches_ok "$TMP/fold1.log" "searches ran throughout the fold, none failed, each counted $matching" "$matching"

# ---- a night: new articles to recent/, a known one replaced where it is ------
sed -n '5p' "$TMP/base.jsonl" | sed 's/"title":"/"title":"Revised /' >"$TMP/changed.jsonl"
{ sed '5d' "$TMP/base.jsonl"; cat "$TMP/changed.jsonl" "$TMP/night.jsonl"; } >"$TMP/tonight.jsonl"
start_searches "$TMP/night.log"
NX_TIMEOUT=$((NX_TIMEOUT * 10)) run "$NEWSDEX" index --shard-by arrival --db "$A" "$TMP/tonight.jsonl"
stop_searches
is "$RC" 0 "a night: 300 new, 1 changed, 899 unchanged"
like "$OUT" "300 added, 1 replaced, 899 unchanged, 0 deleted.*holds 1200 articles" "counted as such"
searches_ok "$TMP/night.log" "searches ran throughout the night and none failed"
is "$(listed "$A")" "main-a recent " "the stub lists main-a and recent"
is "$(every_id "$A/recent" | wc -l):$(every_id "$A/main-a" | wc -l)" "300:900" \
    "the new articles are in recent/, the changed one stayed in main-a/"
is "$(every_id "$A/main-a" "$A/recent" | sort | uniq -d | wc -l)" 0 "no id in two shards"
NX_TIMEOUT=$((NX_TIMEOUT * 10)) run "$NEWSDEX" index --db "$TMP/plain" "$TMP/base.jsonl" "$TMP/night.jsonl" "$TMP/changed.jsonl"
is "$RC" 0 "one index of the same input"
TIES=1 same_as_plain "$TMP/plain" \
    "10 searches give the same JSON as one index (facets, counts, scores, pages; ties in any order)"

# ---- the second fold writes main-b -------------------------------------------
run "$NEWSDEX" search --db "$A" --json --limit 0 market
printf '%s' "$OUT" >"$TMP/m.json"
matching=$(json "$TMP/m.json" '$j->{total}')
start_searches "$TMP/fold2.log"
NX_TIMEOUT=$((NX_TIMEOUT * 10)) run "$NEWSDEX" compact --db "$A"
stop_searches
is "$RC" 0 "the second fold"
like "$OUT" "index holds 1200 articles" "every article kept"
is "$(listed "$A")|$(shards "$A")" "main-b |main-b " "the stub lists main-b alone; main-a/ and recent/ are gone"
searches_ok "$TMP/fold2.log" "searches ran throughout, none failed, each counted $matching" "$matching"
same_as_plain "$TMP/plain" "after the fold, the same JSON as one index"

# ---- kill -9 during a fold ------------------------------------------------------
synth 3000 12 5000 >"$TMP/more.jsonl"
printf '{"id":"none-such","deleted":true}\n' >"$TMP/nothing.jsonl"
NX_TIMEOUT=$((NX_TIMEOUT * 10)) run "$NEWSDEX" index --shard-by arrival --db "$A" "$TMP/more.jsonl"
is "$RC:$(listed "$A")" "0:main-b recent " "3000 more articles into recent/"
total=4200 killed="" before="" try=0
for delay in 0.02 0.05 0.1 0.2 0.4; do
    before=$(listed "$A")
    "$NEWSDEX" compact --db "$A" >/dev/null 2>&1 &
    victim=$!
    sleep "$delay"
    kill -9 "$victim" 2>/dev/null
    wait "$victim" 2>/dev/null
    if [ $? -eq 137 ] && [ "$(listed "$A")" = "$before" ] && [ "$(shards "$A")" != "$before" ]; then
        killed=$delay
        break
    fi
    # The fold got past its switch first: 3000 new articles for the next try.
    try=$((try + 1))
    synth 3000 13 $((10000 * try)) >"$TMP/again.jsonl"
    NX_TIMEOUT=$((NX_TIMEOUT * 10)) run "$NEWSDEX" index --shard-by arrival --db "$A" "$TMP/again.jsonl"
    total=$((total + 3000))
done
if [ -n "$killed" ]; then
    pass "a fold killed (kill -9) half-way, its new main shard written in part"
else
    skip "a fold killed (kill -9) half-way" "each fold got past its switch before the kill"
fi
run "$NEWSDEX" search --db "$A" --json --limit 0 market
printf '%s' "$OUT" >"$TMP/k.json"
is "$RC:$(json "$TMP/k.json" '$j->{total} > 0 ? "found" : "none"')" "0:found" "the archive answers searches"
run "$NEWSDEX" stats --db "$A" --json
printf '%s' "$OUT" >"$TMP/s.json"
is "$(json "$TMP/s.json" '$j->{articles}')" "$total" "it holds every article once (the stub names the old shards)"
run "$NEWSDEX" index --shard-by arrival --db "$A" "$TMP/nothing.jsonl"
is "$RC:$(shards "$A")" "0:$(listed "$A")" "the next writer removes what the killed fold wrote"
NX_TIMEOUT=$((NX_TIMEOUT * 10)) run "$NEWSDEX" compact --db "$A"
is "$RC:$(listed "$A" | wc -w):$(shards "$A" | wc -w)" "0:1:1" "then a fold completes: one main shard"
like "$OUT" "index holds $total articles" "with every article"
for t in $(seq 1 "$try"); do
    # shellcheck disable=SC2046  # one id per word
    "$NEWSDEX" delete --db "$A" $(seq -f 'syn-%07g' $((10000 * t)) $((10000 * t + 2999))) >/dev/null 2>&1
done
run "$NEWSDEX" stats --db "$A" --json
printf '%s' "$OUT" >"$TMP/s.json"
is "$(json "$TMP/s.json" '$j->{articles}')" 4200 "(the articles of extra tries deleted again)"

# ---- delete, --prune, refusals ------------------------------------------------
printf '%s\n' "$(head -n 2 "$TMP/night.jsonl")" >"$TMP/two.jsonl"
NX_TIMEOUT=$((NX_TIMEOUT * 10)) run "$NEWSDEX" index --shard-by arrival --db "$A" "$TMP/two.jsonl"
like "$OUT" "0 added, 0 replaced, 2 unchanged" "articles of the folded archive come back unchanged"
run "$NEWSDEX" delete --db "$A" syn-0000001 syn-0005000
is "$RC" 0 "newsdex delete on the archive"
like "$OUT" "deleted: 2, not found: 0.*holds 4198 articles" "deletes whichever shard holds each id"
NX_TIMEOUT=$((NX_TIMEOUT * 10)) run "$NEWSDEX" index --shard-by arrival --prune --db "$A" "$TMP/all.jsonl"
is "$RC" 0 "--prune on the archive"
like "$OUT" "1 added, 1 replaced, 1198 unchanged" "syn-0000001 comes back, syn-0000005 as first written"
like "$OUT" "pruned: 2999 articles" "prunes every shard"
run "$NEWSDEX" index --db "$A" "$TMP/two.jsonl"
is "$RC" 2 "indexing into the archive without --shard-by: exit 2"
like "$ERR" 'archive of shards by arrival; index into it with --shard-by arrival' "and says how"
run "$NEWSDEX" index --shard-by year --db "$A" "$TMP/two.jsonl"
is "$RC" 2 "--shard-by year into an archive by arrival: exit 2"
run "$NEWSDEX" index --shard-by arrival --db "$TMP/plain" "$TMP/two.jsonl"
is "$RC" 2 "--shard-by arrival into one index: exit 2"

# ---- the nightly job: shard_by = arrival, folding on its schedule ------------
setup nightly
printf 'shard_by = arrival\ncompact  = always\n' >>"$CONF"
cp "$TMP/base.jsonl" "$D/inbox/base.jsonl"
age "$D/inbox/base.jsonl"
NX_TIMEOUT=$((NX_TIMEOUT * 10)) nightly
is "$RC:$(field added):$(field compacted)" "0:900:yes" "newsdex-nightly with shard_by = arrival: added, folded"
is "$(listed "$D/idx")" "main-a " "the run ends folded"
cp "$TMP/night.jsonl" "$D/inbox/night.jsonl"
age "$D/inbox/night.jsonl"
start_searches "$TMP/nightly.log" "$D/idx"
NX_TIMEOUT=$((NX_TIMEOUT * 10)) nightly
stop_searches
is "$RC:$(field added):$(field compacted):$(listed "$D/idx")" "0:300:yes:main-b " \
    "the next night adds to recent/ and folds into main-b"
searches_ok "$TMP/nightly.log" "searches ran throughout the nightly run and none failed"
done_testing
