#!/usr/bin/env bash
# `newsdex index` reads and builds on one thread and writes on another: what
# it prints about its records comes in input order whichever thread found
# it (bad lines, rejected articles, undated and truncated warnings); the
# index and the counts are those of the library's one-call form (the
# workers of --jobs 2); a whole archive indexed again writes nothing; an id
# written twice in one run, back to the text the index held, ends with that
# text.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

plan 14

DB="$TMP/db"
IN="$TMP/mixed.jsonl"

# 3,000 records: every 7th a broken line (the reader's message), every
# 11th an ambiguous date (the writer's warning), every 13th an article
# without text (the builder's rejection), every 500th one word over the
# per-article bound (the writer's truncation warning).
perl -e '
    my $huge = join(" ", ("w") x 1000001);
    for my $i (1 .. 3000) {
        if ($i % 7 == 0) { print "{\"id\": \"b$i\", broken\n"; next }
        my $date = $i % 11 == 0 ? "03/04/2008" : "1987-03-02";
        my $body = $i % 13 == 0 ? "" : $i % 500 == 0 ? $huge : "copper output item$i";
        my $title = $i % 13 == 0 ? "" : "Copper $i";
        print "{\"id\": \"a$i\", \"title\": \"$title\", \"body\": \"$body\", \"date\": \"$date\"}\n";
    }' > "$IN"
want_bad=$((3000 / 7))
want_undated=$(perl -e 'my $n = 0; for (1 .. 3000) { $n++ if $_ % 11 == 0 && $_ % 7 && $_ % 13 } print $n')
want_empty=$(perl -e 'my $n = 0; for (1 .. 3000) { $n++ if $_ % 13 == 0 && $_ % 7 } print $n')
want_cut=$(perl -e 'my $n = 0; for (1 .. 3000) { $n++ if $_ % 500 == 0 && $_ % 7 && $_ % 13 } print $n')

run "$NEWSDEX" index --db "$DB" --batch-size 100 --progress=never "$IN"
is "$RC" 1 "mixed input: exit 1 (some records rejected)"
lines=$(printf '%s\n' "$ERR" | grep -c "^$IN:")
is "$lines" $((want_bad + want_undated + want_empty + want_cut)) \
    "one line per broken, undated, empty and truncated record"
is "$(printf '%s\n' "$ERR" | grep -c 'without a date')" "$want_undated" "undated warnings"
is "$(printf '%s\n' "$ERR" | grep -c 'was truncated')" "$want_cut" "truncation warnings"
# The line numbers of the messages only ever grow.
order=$(printf '%s\n' "$ERR" | grep "^$IN:" | sed "s|^$IN:\([0-9]*\):.*|\1|" |
    awk 'NR > 1 && $1 <= last { bad++ } { last = $1 } END { print bad + 0 }')
is "$order" 0 "messages come in input order"
rejected=$((want_bad + want_empty))
like "$OUT" "^indexed: $((3000 - rejected)) added, 0 replaced, 0 unchanged, 0 deleted, $rejected rejected, $want_cut truncated, $want_undated kept undated in " \
    "summary: added, rejected, truncated and undated counts"

# The same input through the workers of --jobs 2, which put each article in
# one call: the same index.
run "$NEWSDEX" index --db "$TMP/jobs" --jobs 2 --batch-size 100 --progress=never "$IN"
is "$RC" 1 "--jobs 2: exit 1"
same=1
for q in copper item1999 'date:1987' 'title:copper' w '"copper output"'; do
    a=$(search_ids "$DB" "$q" | sort) b=$(search_ids "$TMP/jobs" "$q" | sort)
    [ "$a" = "$b" ] && [ -n "$a" ] || { same=0; diag "query $q differs"; }
done
is "$same" 1 "two threads and --jobs 2 answer the same on six queries"

# Indexed again: nothing written, nothing said but the records' own faults.
run "$NEWSDEX" index --db "$DB" --batch-size 100 --progress=never "$IN"
like "$OUT" "^indexed: 0 added, 0 replaced, $((3000 - rejected)) unchanged, 0 deleted, $rejected rejected" \
    "indexed again: every article unchanged"
is "$(printf '%s\n' "$ERR" | grep -c 'was truncated')" 0 "indexed again: no truncation warning"

# An id changed, then changed back, in one run: the index holds it as it
# already did, with the text of its last record.
printf '%s\n' '{"id": "a1", "title": "Copper 1", "body": "zinc instead", "date": "1987-03-02"}' \
    '{"id": "a1", "title": "Copper 1", "body": "copper output item1", "date": "1987-03-02"}' \
    > "$TMP/back.jsonl"
run "$NEWSDEX" index --db "$DB" --progress=never "$TMP/back.jsonl"
like "$OUT" "^indexed: 0 added, 2 replaced, 0 unchanged" "changed and changed back: 2 replaced"
is "$(search_ids "$DB" zinc)" "" "the intermediate text is gone"
is "$(search_ids "$DB" item1)" "a1" "the last text is searchable"
run "$NEWSDEX" index --db "$DB" --progress=never "$TMP/back.jsonl"
like "$OUT" "^indexed: 0 added, 2 replaced, 0 unchanged" "the same file again: replaced twice again"

done_testing
