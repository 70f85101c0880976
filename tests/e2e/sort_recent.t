#!/usr/bin/env bash
# --sort recent counts ages from the end of the query's date range (--to,
# date:) when there is one, else from the newest article; and it ranks the
# same over a remote shard (xapian-tcpsrv) as over the local index.
# shellcheck disable=SC2016  # Perl expressions in single quotes
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/shards_lib.sh"

plan 8

# x: the stronger match, early 1987; y: a weak one, late 1987; z: 1990, no match.
cat >"$TMP/articles.jsonl" <<'JSON'
{"id":"x","date":"1987-01-05","title":"Oil oil oil","body":"Oil output, oil prices and oil stocks."}
{"id":"y","date":"1987-12-20","title":"Markets","body":"Traders mentioned oil once among many other things."}
{"id":"z","date":"1990-01-01","title":"Later","body":"Nothing about the commodity here at all."}
JSON
run "$NEWSDEX" index --db "$TMP/db" "$TMP/articles.jsonl"
is "$RC" 0 "three articles indexed"

first() { # first ARGS...: the id of the first result of a --sort recent search
    timeout -k 5 20 "$NEWSDEX" search --db "$TMP/db" --json --no-snippets --sort recent \
        --half-life 30 "$@" | perl -MJSON::PP -0777 -ne 'print decode_json($_)->{results}[0]{id}'
}
is "$(first oil)" x "no date range: ages from 1990 leave both old, the stronger match first"
is "$(first 'oil date:1987')" y "date:1987: ages from 1987-12-31, the December article first"
is "$(first --to 1987 oil)" y "--to 1987: the same"
is "$(first --to 1987-06 oil)" x "--to 1987-06: only x is in the range"
is "$(first --to 2030 oil)" x "a range past the newest article: ages from the newest"

if ! command -v xapian-tcpsrv >/dev/null 2>&1; then
    skip "xapian-tcpsrv not installed"
    skip "xapian-tcpsrv not installed"
    done_testing
    exit 0
fi
PORT=""
start_server "$TMP/db" PORT
recent() { # recent DB: the --sort recent answer of "oil date:1987"
    timeout -k 5 20 "$NEWSDEX" search --db "$1" --json --no-snippets --sort recent \
        --half-life 30 'oil date:1987' 2>&1
}
OUT=$(recent "tcp://127.0.0.1:$PORT")
like "$OUT" '"id":"y"' "--sort recent runs on a remote shard"
is "$OUT" "$(recent "$TMP/db")" "and answers as the local index does"
done_testing
