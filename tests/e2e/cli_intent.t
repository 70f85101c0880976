#!/usr/bin/env bash
# End-to-end tests that the command line does what the user meant: options
# after the query are options (never searched), `--` ends them, an unknown
# option is refused with a message naming it.
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC2016  # single-quoted Perl expressions for json
. "$(dirname "$0")/lib.sh"

plan 14

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
