#!/usr/bin/env bash
# End-to-end tests that the command line does what the user meant: options
# after the query are options (never searched), `--` ends them, an unknown
# option is refused with a message naming it.
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC2016  # single-quoted Perl expressions for json
. "$(dirname "$0")/lib.sh"

plan 22

DB="$TMP/db"
run "$NEWSDEX" index --db "$DB" "$CORPUS"
[ "$RC" = 0 ] || bail_out "could not index the corpus (exit $RC): $ERR"

# ---- Options after the query ----
run "$NEWSDEX" search --db "$DB" amazon --from 2024 --json --limit 1000
is "$RC" 0 "amazon --from 2024 --json: exit 0"
is "$(json_ids <(printf '%s\n' "$OUT") | wc -l)" 4 "amazon --from 2024: the 4 articles of 2024"
is "$(printf '%s\n' "$OUT" | json /dev/stdin 'join ",", grep { !/^2024/ } map { $_->{date} } @{$j->{results}}')" "" \
    "amazon --from 2024: no article from another year"
is "$(printf '%s\n' "$OUT" | json /dev/stdin '$j->{query}')" amazon "amazon --from 2024: the query is only 'amazon'"
run "$NEWSDEX" similar --db "$DB" ndx-0030 --json --limit 1
like "$OUT" '^\{"query":"similar to ndx-0030"' "similar ID --json: JSON"

# ---- Unknown options are refused, never searched ----
run "$NEWSDEX" search --db "$DB" amazon -twitch
is "$RC" 2 "amazon -twitch (no --): usage error"
is "$OUT" "" "amazon -twitch (no --): nothing searched"
like "$ERR" "unknown option '-t' \\(in '-twitch'\\)" "amazon -twitch: the message names the option"
like "$ERR" "newsdex search --db DIR -- QUERY" "amazon -twitch: the message suggests --"
run "$NEWSDEX" search --db "$DB" amazon --weird
is "$RC:$OUT" "2:" "amazon --weird: usage error, nothing searched"
like "$ERR" "unknown option '--weird'" "amazon --weird: the message names the option"
run "$NEWSDEX" search --db "$DB" amazon --from
like "$RC:$ERR" "^2:.*option '--from' needs a value" "amazon --from: needs a value"

# ---- -- ends the options ----
run "$NEWSDEX" search --db "$DB" --json -- --weird -twitch
is "$RC" 0 "-- --weird -twitch: searched"
is "$(printf '%s\n' "$OUT" | json /dev/stdin '$j->{query}')" "--weird -twitch" "-- --weird -twitch: the query as typed"

# ---- Units and figures agree between commands ----
# A run big enough that committing it takes a while: the duration the index
# command reports is the one stats shows for that run.
perl -e 'for my $i (1..4000) { printf qq({"id":"u%d","title":"Unit test %d","date":"2020-01-01","body":"%s"}\n), $i, $i, join(" ", map { "word$_" } 1..($i % 50 + 20)) }' \
    >"$TMP/many.jsonl"
run "$NEWSDEX" index --db "$TMP/units" "$TMP/many.jsonl"
indexed=$(printf '%s\n' "$OUT" | sed -n 's/^indexed: .* in \([0-9.]*\) s;.*/\1/p')
run "$NEWSDEX" stats --db "$TMP/units"
last=$(printf '%s\n' "$OUT" | sed -n 's/^last run: .* in \([0-9.]*\) s$/\1/p')
isnt "$indexed" "" "index reports its duration"
is "$last" "$indexed" "stats shows the duration the index command reported"
size=$(printf '%s\n' "$OUT" | sed -n 's/^size on disk: *\(.*\) (.*/\1/p')
run "$NEWSDEX" compact --db "$TMP/units"
before=$(printf '%s\n' "$OUT" | sed -n 's/^compacted: \(.*\) -> .*/\1/p')
is "$before" "$size" "stats and compact give the same size in the same unit ($size)"

# ---- fields: examples from the index it describes ----
printf '%s\n' \
    '{"id":"zq-7","date":"1999-05-04","source":"Zeta Gazette","title":"Smelters expand output","topics":["tin mining"],"body":"Tin smelters expand."}' \
    '{"id":"zq-8","date":"1998-01-02","source":"Other Paper","title":"Another story","topics":["weather"],"body":"Rain."}' \
    >"$TMP/fields.jsonl"
run "$NEWSDEX" index --db "$TMP/fields" "$TMP/fields.jsonl"
run "$NEWSDEX" fields --db "$TMP/fields"
like "$OUT" 'source:"(Other Paper|Zeta Gazette)"' "fields: the source example is a source of the index"
like "$OUT" 'date:1999-05' "fields: the date example is the index's newest month"
like "$OUT" 'id:zq-[78]' "fields: the id example is an id of the index"
unlike "$OUT" 'Harbor Street|Nvidia|Taiwan|ndx-0029|layoffs|Jane Doe' "fields: nothing from the sample corpus"
like "$OUT" 'place +a place \(also places:\) +place:VALUE' "fields: no example where the index offers none"
