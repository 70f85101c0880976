#!/bin/bash
# Deleting: {"id": ..., "deleted": true} records, `newsdex delete`, and
# `index --prune` (full syncs), which must never prune from damaged input.
. "$(dirname "$0")/ingest_lib.sh"

CORPUS="$REPO/corpus/articles.jsonl"
DB="$TMP/db"
run() { "$NEWSDEX" "$@" >"$TMP/out" 2>"$TMP/err"; echo $?; }
has_id() { termfreq "$DB" "Q$1"; }

run index --db "$DB" "$CORPUS" >/dev/null
is "$(count "$DB")" 51 "corpus indexed"

# ---- deletion records ----
{
    echo '{"id":"ndx-0001","deleted":true}'
    echo '{"id":"no-such-id","deleted":true}'
    echo '{"id":"ndx-0002","deleted":false,"title":"kept, replaced","body":"b"}'
} >"$TMP/del.jsonl"
is "$(run index --db "$DB" "$TMP/del.jsonl")" 0 "deletion records exit 0"
like "$(cat "$TMP/out")" '^indexed: 0 added, 1 replaced, 1 unchanged, 1 deleted, 0 rejected .* holds 50 articles$' \
    "one deleted, absent id unchanged, deleted:false is an ordinary article"
is "$(has_id ndx-0001)" 0 "the deleted id is gone"
is "$(has_id ndx-0002)" 1 "the other id is there"
is "$(run index --db "$DB" "$TMP/del.jsonl"; grep -c '0 deleted' "$TMP/out")" "0
1" "deleting again changes nothing"

echo '{"id":"ndx-0003","deleted":"yes"}' >"$TMP/baddel.jsonl"
is "$(run index --db "$DB" "$TMP/baddel.jsonl")" 1 "a non-boolean deleted is rejected"
like "$(cat "$TMP/err")" "baddel.jsonl:1: \"deleted\" must be true or false" "and reported"
is "$(has_id ndx-0003)" 1 "nothing was deleted"

# ---- newsdex delete ----
is "$(run delete --db "$DB" ndx-0003 ndx-0004 not-there)" 0 "delete exits 0"
is "$(cat "$TMP/out")" "deleted: 2, not found: 1, rejected: 0; index holds 48 articles" "delete summary"
like "$(cat "$TMP/err")" '^not-there: not in the index$' "missing id reported"
is "$(has_id ndx-0003)$(has_id ndx-0004)" 00 "both ids are gone"
printf 'ndx-0005\n\nndx-0006\r\n' | "$NEWSDEX" delete --db "$DB" - >"$TMP/out" 2>"$TMP/err"
is "$(cat "$TMP/out")" "deleted: 2, not found: 0, rejected: 0; index holds 46 articles" \
    "delete - reads ids from standard input"
is "$(run delete --db "$TMP/none" x)" 5 "delete on a missing index exits 5"
check "and does not create one" test ! -e "$TMP/none"
is "$(run delete --db "$DB")" 2 "delete without ids is a usage error"

# ---- --prune ----
run index --db "$DB" "$CORPUS" >/dev/null
is "$(count "$DB")" 51 "corpus restored"
head -40 "$CORPUS" >"$TMP/first40.jsonl"
is "$(run index --db "$DB" --prune "$TMP/first40.jsonl")" 0 "--prune exits 0"
like "$(cat "$TMP/out")" '^pruned: 11 articles absent from this run.s input$' "--prune says what it pruned"
like "$(cat "$TMP/out")" '^indexed: 0 added, 0 replaced, 40 unchanged, 11 deleted, .* holds 40 articles$' \
    "--prune deleted the 11 articles not in the input"

run index --db "$DB" "$CORPUS" >/dev/null
head -30 "$CORPUS" >"$TMP/damaged.jsonl"
echo '{"id": broken' >>"$TMP/damaged.jsonl"
is "$(run index --db "$DB" --prune "$TMP/damaged.jsonl")" 1 "--prune with a broken record exits 1"
like "$(cat "$TMP/err")" 'prune skipped \(some rejected records have no readable id\)' \
    "--prune refuses when a record's id is unreadable"
is "$(count "$DB")" 51 "nothing was pruned"
is "$(run index --db "$DB" --prune "$TMP/first40.jsonl" "$TMP/missing.jsonl")" 3 \
    "--prune with a missing input exits 3"
like "$(cat "$TMP/err")" 'prune skipped \(some input could not be read\)' "and does not prune"
is "$(count "$DB")" 51 "nothing was pruned"
: >"$TMP/empty.jsonl"
run index --db "$DB" --prune "$TMP/empty.jsonl" >/dev/null
like "$(cat "$TMP/err")" 'prune skipped \(the input holds no articles\)' "an empty input never prunes"
is "$(count "$DB")" 51 "nothing was pruned"

# A record rejected by the writer still names its id: that article stays.
{ head -40 "$CORPUS"; sed -n 41p "$CORPUS" | sed 's/"date":"[^"]*"/"date":"2024-02-30"/'; } \
    >"$TMP/badrec.jsonl"
id41=$(sed -n 41p "$CORPUS" | sed 's/.*"id":"\([^"]*\)".*/\1/')
is "$(run index --db "$DB" --strict-dates --prune "$TMP/badrec.jsonl")" 1 "--prune with a rejected but identified record"
is "$(has_id "$id41")" 1 "the rejected record's article is kept"
is "$(count "$DB")" 41 "the 10 others were pruned"

done_testing
