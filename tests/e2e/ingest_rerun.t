#!/bin/bash
# Re-indexing: unchanged articles are skipped, changed ones replaced, bad
# records reported as FILE:LINE and counted, exit statuses, `newsdex stats`.
. "$(dirname "$0")/ingest_lib.sh"

CORPUS="$REPO/corpus/articles.jsonl"
DB="$TMP/db"
run() { "$NEWSDEX" "$@" >"$TMP/out" 2>"$TMP/err"; echo $?; }

# ---- first build, unchanged re-run ----
is "$(run index --db "$DB" "$CORPUS")" 0 "first build exits 0"
like "$(cat "$TMP/out")" '^indexed: 51 added, 0 replaced, 0 unchanged, 0 deleted, 0 rejected in [0-9.]+ s; index holds 51 articles$' \
    "first build summary"
is "$(run index --db "$DB" "$CORPUS")" 0 "re-run exits 0"
like "$(cat "$TMP/out")" '^indexed: 0 added, 0 replaced, 51 unchanged, 0 deleted, 0 rejected in .* index holds 51 articles$' \
    "unchanged re-run skips every article"
is "$(ls "$DB" | grep -c pid)" 0 "no pid file is left behind"

# ---- changed articles are replaced, equivalent ones are not ----
head -1 "$CORPUS" | sed 's/"title":"/"title":"Zanzibarian /' >"$TMP/changed.jsonl"
is "$(run index --db "$DB" "$TMP/changed.jsonl")" 0 "changed article exits 0"
like "$(cat "$TMP/out")" 'indexed: 0 added, 1 replaced, 0 unchanged, .* index holds 51 articles' \
    "changed title replaces the article"
run search --db "$DB" --json zanzibarian >/dev/null
like "$(cat "$TMP/out")" '"total_estimate": ?1' "the new title is searchable"
is "$(run index --db "$DB" "$TMP/changed.jsonl"; grep -c '1 unchanged' "$TMP/out")" "0
1" "indexing the changed version again is unchanged"

id1=$(head -1 "$CORPUS" | sed 's/.*"id":"\([^"]*\)".*/\1/')
printf '{"id":"%s","title":"Topic test","body":"body","topics":["a"]}\n' "$id1" >"$TMP/t1.jsonl"
printf '{"id":"%s","title":"Topic test","body":"body","topics":["a","b"]}\n' "$id1" >"$TMP/t2.jsonl"
printf '{"id":"%s","date":"2024-01-10","title":"Date test","body":"x"}\n' "$id1" >"$TMP/d1.jsonl"
printf '{"id":"%s","date":"2024-01-10T00:00:00Z","title":"Date test","body":"x"}\n' "$id1" >"$TMP/d2.jsonl"
run index --db "$DB" "$TMP/t1.jsonl" >/dev/null
run index --db "$DB" "$TMP/t2.jsonl" >/dev/null
like "$(cat "$TMP/out")" '0 added, 1 replaced' "a changed list field replaces the article"
run index --db "$DB" "$TMP/d1.jsonl" >/dev/null
run index --db "$DB" "$TMP/d2.jsonl" >/dev/null
like "$(cat "$TMP/out")" '0 added, 0 replaced, 1 unchanged' \
    "the same date written another way is unchanged (dates are normalised)"
run index --db "$DB" "$CORPUS" >/dev/null
like "$(cat "$TMP/out")" '0 added, 1 replaced, 50 unchanged' "restoring the original replaces only it"

# ---- bad records: FILE:LINE: reason, skipped, counted, exit 1 ----
{
    echo '{"id":"bad-1","title":"fine one","body":"ok"}'
    echo '{"id":"bad-2","title": broken json'
    echo '{"id":"bad-3","date":"2024-13-01","title":"bad date"}'
    echo '{"id":"bad-4","title":"fine two"}'
} >"$TMP/bad.jsonl"
is "$(run index --db "$DB" --strict-dates "$TMP/bad.jsonl")" 1 "rejected records give exit 1"
like "$(cat "$TMP/err")" "^$TMP/bad.jsonl:2: invalid JSON" "syntax error reported as FILE:LINE"
like "$(cat "$TMP/err")" "^$TMP/bad.jsonl:3: .*month" "bad date reported as FILE:LINE"
like "$(cat "$TMP/out")" '2 added, 0 replaced, 0 unchanged, 0 deleted, 2 rejected.*holds 53 articles' \
    "the good records are still indexed"

# ---- unreadable input: exit 3, the rest still indexed ----
echo '{"id":"late-1","title":"after a missing file"}' >"$TMP/late.jsonl"
is "$(run index --db "$DB" "$TMP/missing.jsonl" "$TMP/late.jsonl")" 3 "missing input gives exit 3"
like "$(cat "$TMP/out")" '1 added.*holds 54 articles' "the readable input is indexed anyway"

# ---- command line ----
is "$(run index --db "$DB" --batch-size 0 "$CORPUS")" 2 "--batch-size 0 is a usage error"
is "$(run index --db "$DB" --progress=sometimes "$CORPUS")" 2 "bad --progress is a usage error"
is "$(run index --db "$DB" --format xml "$CORPUS")" 2 "unknown --format is a usage error"
is "$(run index --db "$DB" --format jsonl --batch-size 7 --progress=never "$CORPUS")" 0 \
    "--format jsonl --batch-size 7 --progress=never"
is "$(wc -c <"$TMP/err")" 0 "--progress=never prints nothing on stderr"

# ---- stats ----
is "$(run stats --db "$DB")" 0 "stats exits 0"
like "$(cat "$TMP/out")" '^articles: +54$' "stats: article count"
like "$(cat "$TMP/out")" '^dates: +2021-01-27 to 2025-08-27 \(3 undated\)$' "stats: date range and undated"
like "$(cat "$TMP/out")" '^  2024 +12$' "stats: per-year counts"
like "$(cat "$TMP/out")" '^  Harbor Street Journal +10$' "stats: per-source counts, source as written"
like "$(cat "$TMP/out")" '^last run: .*complete: 0 added, 0 replaced, 51 unchanged' "stats: last run"
is "$(run stats --db "$DB" --json)" 0 "stats --json exits 0"
got=$(perl -MJSON::PP -e 'local $/; my $j = decode_json(<STDIN>);
    print join(",", $j->{articles}, $j->{first_date}, $j->{years}{2022},
        $j->{sources}[0]{source}, $j->{last_run}{unchanged}, $j->{last_run}{outcome},
        ($j->{distinct_terms} > 1000 ? "terms" : "few"), ($j->{size_bytes} > 0 ? "size" : "0"))' \
    <"$TMP/out")
is "$got" "54,2021-01-27,9,Harbor Street Journal,51,complete,terms,size" "stats --json fields"
is "$(run stats --db "$TMP/nowhere")" 5 "stats on a missing index exits 5"
like "$(cat "$TMP/err")" 'no index at' "and says so"

done_testing
