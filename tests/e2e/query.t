#!/usr/bin/env bash
# The query language end to end, through the CLI on corpus/articles.jsonl:
# fields, dates, --from/--to, wildcards, proximity, years, stopwords,
# relaxed results, --explain, `help query`, `fields`, and hostile input.
. "$(dirname "$0")/lib.sh"

plan 79

DB="$TMP/db"
run "$NEWSDEX" index --db "$DB" "$CORPUS"
is "$RC" 0 "the corpus indexes"

# ids QUERY...: the ids `search --json` finds, sorted, on one line.
ids() {
    run "$NEWSDEX" search --db "$DB" --json --limit 1000 --no-snippets "$@"
    printf '%s' "$OUT" >"$TMP/q.json"
    [ "$RC" = 0 ] || { echo "exit $RC"; return; }
    [ "$(json "$TMP/q.json" '$j->{relaxed} ? 1 : 0')" = 0 ] || printf 'relaxed: '
    json_ids "$TMP/q.json" | sort | tr '\n' ' ' | sed 's/ $//'
}

# first QUERY...: the id of the best result.
first() {
    run "$NEWSDEX" search --db "$DB" --json --limit 1 --no-snippets "$@"
    printf '%s' "$OUT" >"$TMP/q.json"
    json_ids "$TMP/q.json"
}

# ---- words, years ----
is "$(first Prime Video layoffs 2024)" "ndx-0029" \
    "a bare year matches the article's date (ndx-0029 never writes 2024)"
is "$(ids '"2024"' id:ndx-0029)" "" "a quoted year must be in the text"
is "$(ids Prime Video layoffs date:2024)" "ndx-0029" "date:2024 requires the date"
# Expected sets computed from simpler queries (one at a time: run uses files).
with=$(ids amazon layoffs | tr ' ' '\n')
with_twitch=$(ids amazon layoffs twitch | tr ' ' '\n')
is "$(ids -- amazon -twitch layoffs)" \
    "$(comm -23 <(echo "$with") <(echo "$with_twitch") | tr '\n' ' ' | sed 's/ $//')" \
    "-word excludes"
twitch=$(ids twitch layoffs | tr ' ' '\n')
meta=$(ids meta layoffs | tr ' ' '\n')
is "$(ids '(twitch OR meta) layoffs')" \
    "$(printf '%s\n%s\n' "$twitch" "$meta" | grep . | sort -u | tr '\n' ' ' | sed 's/ $//')" \
    "OR and parentheses"

# ---- fields ----
is "$(ids title:layoffs)" "ndx-0018 ndx-0020 ndx-0023" "title: searches titles"
is "$(ids 'title:"prime video"')" "ndx-0029 ndx-0032" "title: takes a phrase"
is "$(ids 'source:"Harbor Street Journal" layoffs')" "ndx-0018 ndx-0029" "source: with a quoted value"
is "$(ids 'source:"harbor street journal"' | wc -w)" "10" "source: ignores case"
is "$(ids source:Harbor)" "" "source: matches the whole name"
is "$(ids topic:layoffs | wc -w)" "10" "topic: filters by topic"
is "$(ids 'topics:"interest rates" japan')" "ndx-0034" "topics: (the input's list name) works too"
is "$(ids company:Nvidia)" "ndx-0004 ndx-0024 ndx-0037 ndx-0050" "company:"
is "$(ids place:taiwan)" "ndx-0002 ndx-0004" "place: ignores case"
is "$(ids id:ndx-0019)" "ndx-0019" "id: finds one article"
is "$(ids 'author:"chloe martin"')" "ndx-0001 ndx-0011 ndx-0019 ndx-0047" \
    "author: folds accents (Chloé)"
is "$(ids 'company:micro*')" "ndx-0010 ndx-0020 ndx-0049 ndx-0050" "a wildcard in a list field"
is "$(ids 'topic:(strikes OR mergers) -company:ford' | wc -w)" \
    "$(ids 'topic:(strikes OR mergers)' | wc -w | awk '{print $1 - 1}')" "field groups and -field:"

# ---- dates and --from/--to ----
is "$(ids date:2024-01)" "ndx-0029 ndx-0030 ndx-0031 ndx-0032" "date:YYYY-MM"
is "$(ids date:..2021-12-31 | wc -w)" "9" "date:..END"
is "$(ids date:2025-06.. fed)" "ndx-0048" "date:START.."
is "$(ids date:2024-01-10..2024-01-11)" "ndx-0029 ndx-0030 ndx-0031" "a day range includes both ends"
is "$(ids --from 2025-06 --to 2025-06 date:2025)" "ndx-0047 ndx-0048" "--from and --to"
is "$(ids --from 2024 layoffs)" "ndx-0029 ndx-0030 ndx-0031 ndx-0033 ndx-0035 ndx-0049" \
    "--from alone"
run "$NEWSDEX" search --db "$DB" --from 2024-13 layoffs
is "$RC" 2 "a bad --from exits 2"
is "$ERR" 'newsdex: --from: date "2024-13": month out of range' "and says why"
run "$NEWSDEX" search --db "$DB" --from 2025 --to 2024 layoffs
like "$ERR" 'is after --to' "--from after --to is an error"

# ---- wildcards, proximity, phrases ----
is "$(ids 'layoff*' | wc -w)" "$(ids 'layoffs OR layoff' | wc -w)" "layoff* finds layoff and layoffs"
run "$NEWSDEX" search --db "$DB" 'la*'
is "$RC" 2 "a short wildcard exits 2"
is "$ERR" 'newsdex: position 1: wildcard "la*" needs at least 3 letters before *' "and says why"
run "$NEWSDEX" search --db "$DB" $'l\u00ada*'
is "$RC" 2 "soft hyphens do not count towards a wildcard's letters"
like "$ERR" 'it searches for "la\*"' "and the message shows what was searched"
is "$(ids '"rate cut"')" "ndx-0036" "a phrase matches the words as written (not rate cuts)"
is "$(ids rate cut | wc -w)" "$(ids 'rate* cut*' | wc -w)" "words match any inflection"
is "$(ids '"cut rate"')" "" "a phrase keeps its order"
is "$(ids '"rate cut"~3' | wc -w)" "$(ids 'rate NEAR/3 cut' | wc -w)" "~N and NEAR/N agree"
cmp_ok "$(ids 'rates NEAR/2 cut' | wc -w)" -ge 1 "NEAR finds words in any order"
is "$(ids '"bank of england"' | wc -w)" "5" "a phrase keeps its stopwords"

# ---- analysis rules through the CLI ----
is "$(ids nestle)" "ndx-0008" "accents fold: nestle finds Nestlé"
is "$(ids Societe Generale)" "ndx-0019" "Société Générale"
is "$(ids skoda)" "ndx-0002 ndx-0016" "Škoda"
is "$(ids ad-free)" "ndx-0032" "ad-free"
is "$(ids '"ad free"')" "ndx-0032" "ad-free is findable as the phrase ad free"
is "$(ids 27000 corporate)" "ndx-0029" "27,000 is findable as 27000"
is "$(ids '8.5 billion' mgm)" "ndx-0029" "\$8.5 billion is findable as 8.5 billion"
is "$(ids '35%' twitch)" "ndx-0030" "35% is findable"
is "$(ids MSFT.O activision)" "ndx-0010" "a ticker with a suffix"
is "$(ids AMZN | wc -w)" "2" "a ticker"
is "$(ids "Amazon’s" twitch)" "$(ids "Amazon's" twitch)" "both apostrophes mean the same"
cmp_ok "$(ids U.S. | wc -w)" -eq "$(ids US | wc -w)" "U.S. and US are the same word"

# ---- stopwords ----
is "$(ids the layoffs | wc -w)" "$(ids layoffs | wc -w)" "stopwords are dropped from words"
cmp_ok "$(ids the of | wc -w)" -gt 40 "a query of stopwords only keeps them"

# ---- relaxed ----
run "$NEWSDEX" search --db "$DB" --json zebra amazon
printf '%s' "$OUT" >"$TMP/r.json"
is "$(json "$TMP/r.json" '$j->{relaxed} ? "true" : "false"')" "true" \
    "no article has every word: relaxed is true in JSON"
cmp_ok "$(json_ids "$TMP/r.json" | wc -l)" -ge 1 "and it ranks by any of the words"
run "$NEWSDEX" search --db "$DB" zebra amazon
like "$OUT" 'No article has all of the words' "text output says so"
run "$NEWSDEX" search --db "$DB" --json amazon layoffs
printf '%s' "$OUT" >"$TMP/r.json"
is "$(json "$TMP/r.json" '$j->{relaxed} ? "true" : "false"')" "false" "relaxed is false otherwise"

# ---- --explain ----
run "$NEWSDEX" search --db "$DB" --explain --limit 1 'layoffs source:"Harbor Street Journal"'
like "$OUT" 'Parsed query: \(AND layoffs \(FIELD source "Harbor Street Journal"\)\)' \
    "--explain prints the parsed tree"
like "$OUT" 'Xapian query: Query\(\(\(Zlayoff AND_MAYBE 0\.0001[0-9]* \* layoffs\) AND 0 \* XSOURCE:harbor street journal\)\)' \
    "and the Xapian query (the stem, ranked up by the exact form)"
run "$NEWSDEX" search --db "$DB" --explain --json --from 2024 layoffs
printf '%s' "$OUT" >"$TMP/e.json"
is "$(json "$TMP/e.json" '$j->{explain}{tree}')" "(AND layoffs (DATE 20240101..))" \
    "--explain --json includes the tree, with --from"

# ---- help query and fields ----
run "$NEWSDEX" help query
is "$RC" 0 "help query exits 0"
like "$OUT" 'THE NEWSDEX QUERY LANGUAGE' "help query prints the language"
like "$OUT" 'date:2024-01-01\.\.2024-03-31' "help query covers date ranges"
run "$NEWSDEX" fields --db "$DB"
is "$RC" 0 "fields exits 0"
is "$(printf '%s\n' "$OUT" | awk '{print $1}' | tr '\n' ' ')" \
    "title source topic place company author id date " "fields lists the fields"

# ---- hostile input ----
run "$NEWSDEX" search --db "$DB" 'layoffs 2024 colour:red'
is "$RC" 2 "an unknown field exits 2"
like "$ERR" 'position 14: unknown field "colour"' "with its position"
run "$NEWSDEX" search --db "$DB" 'date:2024-13'
is "$ERR" 'newsdex: position 6: date "2024-13": month out of range' "a bad date says why"
run "$NEWSDEX" search --db "$DB" 'title: layoffs'
like "$ERR" 'field "title" has no value' "a field with no value"
run "$NEWSDEX" search --db "$DB" '"unbalanced (quote layoffs'
is "$RC" 0 "an unbalanced quote closes at the end"
run "$NEWSDEX" search --db "$DB" ')) layoffs (( OR AND -'
is "$RC" 0 "stray parentheses and operators are ignored"
run "$NEWSDEX" search --db "$DB" -- '-'
is "$RC" 2 "a lone - has no words"
like "$ERR" 'no words to search for' "and says so"
run "$NEWSDEX" search --db "$DB" --json "$(printf 'lay\001offs \377\376 amazon\302')"
printf '%s' "$OUT" >"$TMP/bad.json"
is "$RC" 0 "control characters and invalid UTF-8 are read"
is "$(json "$TMP/bad.json" '"ok"')" "ok" "and the JSON output stays valid"
words=$(perl -e 'print join " ", map { "word$_" } 1..10000')
run "$NEWSDEX" search --db "$DB" "$words"
is "$RC" 0 "a 10,000-word query is cut, not refused"
long=$(perl -e 'print "(" x 1000, "layoffs", ")" x 1000')
run "$NEWSDEX" search --db "$DB" --explain "$long"
is "$RC" 0 "1,000 nested parentheses"
like "$OUT" 'Parsed query: layoffs \[the query was cut' "are read as plain grouping, and --explain says so"
run "$NEWSDEX" search --db "$DB" "$(perl -e 'print "NEAR/3 " x 500')"
is "$RC" 2 "500 stray NEARs: nothing to search for"

done_testing
