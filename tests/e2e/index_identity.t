#!/bin/bash
# The writer's fast paths answer exactly as its lookup-and-replace path.
# A writer that opens an index without articles adds each id it has not
# seen in the run without looking it up; one that opens a non-empty index
# looks every id up and replaces what it finds. The same input, with an
# in-run duplicate (changed) and an in-run exact repeat, is indexed:
#   fresh      into a new index (the fast path)
#   batches    the same, committed every 7 articles
#   lookup     into an index holding one unrelated article, deleted in the
#              same run (so every id is looked up, and the article count
#              ends the same)
#   halves     the first half fresh, the second in a later run
# and every query of bench/queries.txt (JSON, 20 results, facets) and
# `stats --json` must give the same answers from all four. With the
# Reuters-21578 archive in ../shared/corpus, the same for its first three
# files, fresh against lookup.
. "$(dirname "$0")/lib.sh"

QUERIES="$REPO_ROOT/bench/queries.txt"
[ -r "$QUERIES" ] || bail_out "no $QUERIES"
grep -v '^#' "$QUERIES" | cut -f2 >"$TMP/queries"

# answers DB OUT: every query's JSON, then the stats without the run's own
# facts (index path, size on disk, last run), one file
answers() {
    "$NEWSDEX" search --db "$1" --batch --json --limit 20 --facets <"$TMP/queries" >"$2" 2>&1
    "$NEWSDEX" stats --db "$1" --json |
        perl -MJSON::PP -e 'local $/; my $j = decode_json(<STDIN>);
            delete @$j{qw(index bytes size_bytes last_run)};
            print JSON::PP->new->canonical->encode($j), "\n"' >>"$2"
}
# summary OUT_FILE -> "A added, R replaced, U unchanged, D deleted"
summary() { sed -n 's/^indexed: \([0-9]* added, [0-9]* replaced, [0-9]* unchanged, [0-9]* deleted\).*/\1/p' "$1"; }

# ---- the input: the corpus, a changed copy of article 1, a repeat of 2 ----
id1=$(head -1 "$CORPUS" | perl -MJSON::PP -ne 'print decode_json($_)->{id}')
{
    cat "$CORPUS"
    head -1 "$CORPUS" | sed 's/"title":"/"title":"Zanzibarian /'
    sed -n 2p "$CORPUS"
} >"$TMP/input.jsonl"
echo '{"id":"identity-unrelated","title":"Quokka census","body":"An unrelated article about quokkas."}' \
    >"$TMP/unrelated.jsonl"
echo '{"id":"identity-unrelated","deleted":true}' >"$TMP/delete-unrelated.jsonl"

# fresh
run "$NEWSDEX" index --db "$TMP/fresh" "$TMP/input.jsonl"
is "$RC" 0 "fresh: index exits 0"
is "$(echo "$OUT" | summary /dev/stdin)" "51 added, 1 replaced, 1 unchanged, 0 deleted" \
    "fresh: the changed duplicate replaces, the repeat is unchanged"
answers "$TMP/fresh" "$TMP/fresh.answers"
like "$(sed -n 1p "$TMP/fresh.answers")" '"results":\[\{"id"' "the queries find articles"
run "$NEWSDEX" search --db "$TMP/fresh" --json zanzibarian
like "$OUT" '"total":1,' "the changed duplicate's title is searchable"
like "$OUT" "\"id\":\"$id1\"" "under its id"

# batches
run "$NEWSDEX" index --db "$TMP/batches" --batch-size 7 "$TMP/input.jsonl"
is "$(echo "$OUT" | summary /dev/stdin)" "51 added, 1 replaced, 1 unchanged, 0 deleted" \
    "batches of 7: the same counts"
answers "$TMP/batches" "$TMP/batches.answers"
if cmp -s "$TMP/fresh.answers" "$TMP/batches.answers"; then
    pass "batches of 7 answer every query as one batch does"
else
    fail "batches of 7 answer every query as one batch does"
    diff "$TMP/fresh.answers" "$TMP/batches.answers" | head -5 | sed 's/^/# /'
fi

# lookup: the index is not empty at open, so every id is looked up
run "$NEWSDEX" index --db "$TMP/lookup" "$TMP/unrelated.jsonl"
is "$RC" 0 "lookup: the unrelated article is indexed"
run "$NEWSDEX" index --db "$TMP/lookup" "$TMP/input.jsonl" "$TMP/delete-unrelated.jsonl"
is "$(echo "$OUT" | summary /dev/stdin)" "51 added, 1 replaced, 1 unchanged, 1 deleted" \
    "lookup: the same counts, and the unrelated article deleted"
answers "$TMP/lookup" "$TMP/lookup.answers"
if cmp -s "$TMP/fresh.answers" "$TMP/lookup.answers"; then
    pass "the lookup path answers every query as the fresh path does"
else
    fail "the lookup path answers every query as the fresh path does"
    diff "$TMP/fresh.answers" "$TMP/lookup.answers" | head -5 | sed 's/^/# /'
fi

# halves: 26 lines, then the rest (the duplicate and the repeat among them)
head -26 "$TMP/input.jsonl" >"$TMP/first.jsonl"
tail -n +27 "$TMP/input.jsonl" >"$TMP/second.jsonl"
run "$NEWSDEX" index --db "$TMP/halves" "$TMP/first.jsonl"
is "$(echo "$OUT" | summary /dev/stdin)" "26 added, 0 replaced, 0 unchanged, 0 deleted" "halves: first half"
run "$NEWSDEX" index --db "$TMP/halves" "$TMP/second.jsonl"
is "$(echo "$OUT" | summary /dev/stdin)" "25 added, 1 replaced, 1 unchanged, 0 deleted" "halves: second half"
answers "$TMP/halves" "$TMP/halves.answers"
if cmp -s "$TMP/fresh.answers" "$TMP/halves.answers"; then
    pass "two runs answer every query as one does"
else
    fail "two runs answer every query as one does"
    diff "$TMP/fresh.answers" "$TMP/halves.answers" | head -5 | sed 's/^/# /'
fi

# ---- Reuters-21578, three files: fresh against lookup ----
REUTERS="$REPO_ROOT/../shared/corpus/reuters21578"
if [ ! -r "$REUTERS/reut2-000.sgm" ]; then
    skip "no Reuters archive at ../shared/corpus/reuters21578"
    skip "no Reuters archive at ../shared/corpus/reuters21578"
else
    files=("$REUTERS/reut2-000.sgm" "$REUTERS/reut2-001.sgm" "$REUTERS/reut2-002.sgm")
    NX_TIMEOUT=300 run "$NEWSDEX" index --db "$TMP/r-fresh" "${files[@]}"
    NX_TIMEOUT=20 run "$NEWSDEX" index --db "$TMP/r-lookup" "$TMP/unrelated.jsonl"
    NX_TIMEOUT=300 run "$NEWSDEX" index --db "$TMP/r-lookup" "${files[@]}" "$TMP/delete-unrelated.jsonl"
    like "$OUT" '1 deleted' "Reuters: the lookup run deletes the unrelated article"
    answers "$TMP/r-fresh" "$TMP/r-fresh.answers"
    answers "$TMP/r-lookup" "$TMP/r-lookup.answers"
    if cmp -s "$TMP/r-fresh.answers" "$TMP/r-lookup.answers"; then
        pass "Reuters: the lookup path answers every query as the fresh path does"
    else
        fail "Reuters: the lookup path answers every query as the fresh path does"
        diff "$TMP/r-fresh.answers" "$TMP/r-lookup.answers" | head -5 | sed 's/^/# /'
    fi
fi

done_testing
