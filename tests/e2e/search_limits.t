#!/usr/bin/env bash
# End-to-end tests of the search limits: the CLI options (--time-limit,
# --max-wildcard-terms, --max-counted, --max-query-terms, --max-depth), their
# messages and exit status 7, the defaults against a pathological query, and
# newsdex.cgi's answers when a search goes over a limit (400 or 503). No
# timings are asserted: the time limit is 1 ms against a query that does far
# more work than that.
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC2016
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cgi_lib.sh"

plan 36

# 3000 articles; article i has the words common, kw<i>a..kw<i>d (so kw12*
# expands to 444 terms and kw10* .. kw99* to about 40,000), and the even
# ones "the red fox ran".
awk 'BEGIN { for (i = 0; i < 3000; i++)
    printf "{\"id\":\"a%d\",\"date\":\"%04d-%02d-01\",\"source\":\"%s\",\"title\":\"Item %d\",\"body\":\"common kw%da kw%db kw%dc kw%dd%s\"}\n",
        i, 1990 + i % 30, 1 + i % 12, i % 2 ? "Wire" : "Post", i, i, i, i, i, i % 2 ? "" : " the red fox ran" }' > "$TMP/limits.jsonl"
DB="$TMP/db"
run "$NEWSDEX" index --db "$DB" "$TMP/limits.jsonl"
[ "$RC" = 0 ] || bail_out "could not index the generated corpus (exit $RC): $ERR"
HOSTILE=$(for i in $(seq 10 99); do printf 'kw%d* OR ' "$i"; done; printf 'common')

search() { run "$NEWSDEX" search --db "$DB" "$@"; }

# ---- --help ---------------------------------------------------------------------
search --help
for opt in --time-limit --max-wildcard-terms --max-counted --max-query-terms --max-depth; do
    like "$OUT" "$opt" "--help lists $opt"
done

# ---- Each limit: exit 7 with a message naming the option; raised, the search runs
search --max-wildcard-terms 100 'kw12*'
is "$RC" 7 "over --max-wildcard-terms: exit 7"
like "$ERR" "wildcards expand to more words than --max-wildcard-terms \(100\)" \
    "over --max-wildcard-terms: the message names it and its value"
unlike "$ERR" NEWSDEX_LIMIT "the CLI speaks of options, not API names"
search --max-wildcard-terms 444 'kw12*'
is "$RC" 0 "--max-wildcard-terms raised: the same search runs"

search --max-query-terms 2 common kw5a kw6a
is "$RC/$(printf '%s' "$ERR" | grep -c -- '--max-query-terms (2)')" 7/1 "over --max-query-terms: exit 7, named"
search --max-query-terms 3 --any common kw5a kw6a
is "$RC" 0 "--max-query-terms raised: the search runs"

search --max-counted 100 --facets common
is "$RC" 7 "--facets over --max-counted: exit 7"
like "$ERR" -- "--max-counted \(100\)" "over --max-counted: named"
search --max-counted 100 common
is "$RC" 0 "without --facets or --histogram nothing is counted"
search --max-counted 3000 --histogram month --json common
printf '%s' "$OUT" > "$TMP/counted.json"
is "$RC/$(json "$TMP/counted.json" '$j->{total_estimate}')" 0/3000 \
    "--max-counted raised to the matches: exact total"

search --max-depth 50 --offset 45 common
is "$RC" 7 "--offset + --limit over --max-depth: exit 7"
like "$ERR" -- "--max-depth \(50\)" "over --max-depth: named"
search --max-depth 50 --offset 40 common
is "$RC" 0 "--offset + --limit within --max-depth"

search --max-wildcard-terms 0 --time-limit 0.001 --facets --histogram month --sort recent \
    --limit 1000 "$HOSTILE"
is "$RC" 7 "over --time-limit: exit 7"
like "$ERR" -- "took longer than --time-limit \(0.001 s\)" "over --time-limit: named, in seconds"
search --max-wildcard-terms 0 --time-limit 0 --no-snippets "$HOSTILE"
is "$RC" 0 "--time-limit 0 and --max-wildcard-terms 0 turn the limits off"

# ---- The defaults stop the pathological query ------------------------------------
search --facets --histogram month --sort recent "$HOSTILE"
is "$RC" 7 "defaults: the 90-wildcard query stops with exit 7"
like "$ERR" -- "--max-wildcard-terms \(5000\)" "defaults: by the wildcard limit"

# ---- Bad values, batch, similar -----------------------------------------------------
search --time-limit soon common
is "$RC" 2 "--time-limit takes seconds"
search --max-counted -1 common
is "$RC" 2 "--max-counted takes a whole number"
printf 'common\nkw12*\n' > "$TMP/batch.txt"
run "$NEWSDEX" search --db "$DB" --batch --max-wildcard-terms 10 < "$TMP/batch.txt"
is "$RC/$(printf '%s\n' "$OUT" | grep -c '"error"')" 7/1 "--batch: the query over a limit is an error line, exit 7"
run "$NEWSDEX" similar --db "$DB" --facets --max-counted 1 a4
is "$RC" 7 "similar: --max-counted holds too"
run "$NEWSDEX" similar --db "$DB" --facets a4
is "$RC" 0 "similar: within the default limits"

# ---- newsdex.cgi -------------------------------------------------------------------------
mkdir -p "$TMP/bin"
cp "$NEWSDEX_CGI" "$TMP/bin/newsdex.cgi"
Q=$(printf '%s' "$HOSTILE" | perl -pe 's/([^A-Za-z0-9_.~-])/sprintf("%%%02X", ord $1)/ge')
NEWSDEX_DB=$DB cgi "q=$Q" format=json
_split_response "$OUT"
is "$STATUS/$(body_json '$j->{parameter}')" 400/q "CGI: too many wildcard terms is a 400 on q"
like "$BODY" 'wildcards match too many words' "CGI: the client is told why"
unlike "$BODY" NEWSDEX_LIMIT "CGI: no API names in the response"
NEWSDEX_DB=$DB cgi q=kw12a offset=9995 limit=10 format=json
_split_response "$OUT"
is "$STATUS" 200 "CGI: its deepest page stays within the default depth"
# A search budget far under the watchdog's: the search ends itself with a 503.
printf 'db = %s\ntime_limit = 5\nsearch_time_limit = 0.001\n' "$DB" > "$TMP/bin/newsdex.cgi.conf"
NEWSDEX_DB= run "$TMP/bin/newsdex.cgi" "q=$(printf 'kw%d* ' $(seq 10 19) | perl -pe 's/([^A-Za-z0-9_.~-])/sprintf("%%%02X", ord $1)/ge')" format=json facets=source
_split_response "$OUT"
is "$STATUS/$(header Retry-After)" 503/30 "CGI: over its search time: 503 with Retry-After"
like "$BODY" '"error":"the search took too long' "CGI: over its search time: its own JSON error, not the watchdog's"
like "$ERR" 'NEWSDEX_LIMIT_TIME_MS \(1 ms\)' "CGI: the library's message goes to the log"
printf 'db = %s\nsearch_time_limit = soon\n' "$DB" > "$TMP/bin/newsdex.cgi.conf"
NEWSDEX_DB= run "$TMP/bin/newsdex.cgi" q=kw12a format=json
like "$ERR" 'ignoring search_time_limit = soon \(seconds' "CGI: a bad search_time_limit is reported"

done_testing
