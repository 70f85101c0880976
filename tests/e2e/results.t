#!/usr/bin/env bash
# End-to-end tests of the results features: --sort (relevance, date, recent),
# --any, --facets (checked against counting by hand), --histogram,
# --collapse (with a duplicate article), "Did you mean" and the correction's
# results (--no-correct), `newsdex similar`,
# --batch, and snippet highlights (offsets that point at words matching the
# query, bold on a terminal only).
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC2016  # single-quoted Perl expressions for json
. "$(dirname "$0")/lib.sh"

plan 61

DB="$TMP/db"
# The sample corpus plus a near-duplicate of ndx-0029 (same title modulo
# case and punctuation, same day, another source) and an undated article.
cp "$CORPUS" "$TMP/articles.jsonl"
cat >>"$TMP/articles.jsonl" <<'EOF'
{"id":"dup-0029","date":"2024-01-10T18:00:00Z","source":"Copycat Wire","title":"AMAZON to cut several hundred jobs at Prime Video and MGM Studios!","topics":["layoffs"],"body":"Amazon will cut several hundred jobs in its Prime Video and MGM Studios units, the company said."}
{"id":"undated-1","source":"Copycat Wire","title":"Undated layoffs roundup","topics":["layoffs"],"body":"A roundup of layoffs, with no date."}
EOF
run "$NEWSDEX" index --db "$DB" "$TMP/articles.jsonl"
[ "$RC" = 0 ] || bail_out "could not index the corpus (exit $RC): $ERR"

# search_json FILE ARGS...: `search --json` into FILE, sets RC.
search_json() {
    local file=$1
    shift
    run "$NEWSDEX" search --db "$DB" --json "$@"
    printf '%s\n' "$OUT" >"$file"
}

# ---- Sorting ----
search_json "$TMP/date.json" --sort date --limit 1000 layoffs
is "$RC" 0 "--sort date: exit 0"
dates=$(json "$TMP/date.json" 'map { $_->{date} // "undated" } @{$j->{results}}')
is "$(printf '%s\n' "$dates" | grep -v undated | sort -r | tr '\n' ' ')" \
    "$(printf '%s\n' "$dates" | grep -v undated | tr '\n' ' ')" "--sort date: newest first"
is "$(printf '%s\n' "$dates" | tail -n 1)" "undated" "--sort date: undated last"

search_json "$TMP/rel.json" --limit 1000 layoffs
rel=$(json "$TMP/rel.json" 'join " ", map { $_->{score} } @{$j->{results}}')
is "$(printf '%s\n' $rel | sort -gr | tr '\n' ' ')" "$(printf '%s\n' $rel | tr '\n' ' ')" \
    "--sort relevance (default): best score first"
is "$(json "$TMP/rel.json" 'scalar @{$j->{results}}')" \
    "$(json "$TMP/date.json" 'scalar @{$j->{results}}')" "the same matches in either order"

# recent: ages count from the newest article in the index (ndx-0051,
# 2025-08-27). With a 60-day half-life the newest layoffs story (ndx-0049,
# 56 days older) comes first; with a huge one the dated articles keep their
# relevance order and the undated one, which gets no boost, comes last.
search_json "$TMP/recent.json" --sort recent --half-life 60 --limit 3 layoffs
is "$(json "$TMP/recent.json" '$j->{results}[0]{id}')" "ndx-0049" \
    "--sort recent --half-life 60: the newest layoffs article first"
search_json "$TMP/recentlong.json" --sort recent --half-life 1000000 --limit 1000 layoffs
is "$(json "$TMP/recentlong.json" 'join " ", map { $_->{id} } @{$j->{results}}')" \
    "$(json "$TMP/rel.json" 'join " ", (map { $_->{id} } grep { $_->{date} } @{$j->{results}}), "undated-1"')" \
    "--sort recent with a huge half-life: the relevance order, undated last"

run "$NEWSDEX" search --db "$DB" --sort newest layoffs
is "$RC" 2 "--sort newest: exit 2"
like "$ERR" 'relevance, date, recent' "and the message lists the orders"
run "$NEWSDEX" search --db "$DB" --sort recent --half-life 0 layoffs
is "$RC" 2 "--half-life 0: exit 2"

# ---- --any ----
search_json "$TMP/strict.json" --limit 1000 twitch opec
is "$(json "$TMP/strict.json" '$j->{relaxed} ? 1 : 0')" 1 "twitch opec: no article has both (relaxed)"
search_json "$TMP/any.json" --any --limit 1000 twitch opec
is "$(json "$TMP/any.json" '$j->{relaxed} ? 1 : 0')" 0 "--any twitch opec: not a fallback"
is "$(json_ids "$TMP/any.json" | sort | tr '\n' ' ')" \
    "$( (search_ids "$DB" twitch; search_ids "$DB" opec) | sort -u | tr '\n' ' ')" \
    "--any: the articles with either word"

# ---- Facets, checked against counting by hand ----
search_json "$TMP/facets.json" --facets --limit 1000 layoffs
is "$RC" 0 "--facets: exit 0"
total=$(json "$TMP/facets.json" 'scalar @{$j->{results}}')
is "$(json "$TMP/facets.json" '$j->{total_estimate}')" "$total" "--facets: the total is exact"
by_hand_sources=$(json "$TMP/facets.json" 'my %c; $c{$_->{source}}++ for @{$j->{results}};
    map { "$_=$c{$_}" } sort keys %c' | tr '\n' ' ')
facet_sources=$(json "$TMP/facets.json" 'map { ($_->{value} // "") . "=$_->{count}" }
    sort { ($a->{value} // "") cmp ($b->{value} // "") } @{$j->{facets}{source}}' | tr '\n' ' ')
is "$facet_sources" "$by_hand_sources" "--facets: sources as counted by hand"
# The matches without a value count as the value "" (null in the facets).
by_hand_years=$(json "$TMP/facets.json" 'my %c; $c{$_->{date} ? substr($_->{date}, 0, 4) : ""}++
    for @{$j->{results}}; map { "$_=$c{$_}" } sort keys %c' | tr '\n' ' ')
facet_years=$(json "$TMP/facets.json" 'map { ($_->{value} // "") . "=$_->{count}" }
    sort { ($a->{value} // "") cmp ($b->{value} // "") } @{$j->{facets}{year}}' | tr '\n' ' ')
is "$facet_years" "$by_hand_years" "--facets: years as counted by hand"
# Topics are not in the results: count them from the input file.
json_ids "$TMP/facets.json" >"$TMP/facet_ids"
by_hand_topics=$(perl -MJSON::PP -e '
    open my $f, "<", $ARGV[0] or die; my %want = map { chomp; $_ => 1 } <$f>;
    open my $a, "<", $ARGV[1] or die; my %c;
    while (<$a>) { my $d = decode_json($_); next unless $want{$d->{id}};
        my %seen; $c{$_}++ for grep { !$seen{$_}++ } @{$d->{topics} || []};
        $c{""}++ unless %seen; }
    print map { "$_=$c{$_} " } sort keys %c;' "$TMP/facet_ids" "$TMP/articles.jsonl")
facet_topics=$(json "$TMP/facets.json" 'map { ($_->{value} // "") . "=$_->{count}" }
    sort { ($a->{value} // "") cmp ($b->{value} // "") } @{$j->{facets}{topic}}' | tr '\n' ' ')
is "$facet_topics" "$by_hand_topics" "--facets: topics as counted by hand"
# Exact over all matches, not the page: the same counts with --limit 1.
search_json "$TMP/facets1.json" --facets --limit 1 layoffs
is "$(json "$TMP/facets1.json" 'map { "$_->{value}=$_->{count}" } @{$j->{facets}{topic}}' | tr '\n' ' ')" \
    "$(json "$TMP/facets.json" 'map { "$_->{value}=$_->{count}" } @{$j->{facets}{topic}}' | tr '\n' ' ')" \
    "--facets --limit 1: the same counts (every match is counted)"
run "$NEWSDEX" search --db "$DB" --facets --limit 2 layoffs
like "$OUT" 'Matches by source:' "text --facets: a source section"
like "$OUT" 'Matches by topic:' "text --facets: a topic section"
like "$OUT" '  +[0-9]+  2024' "text --facets: a year line"

# ---- Histogram ----
search_json "$TMP/hist.json" --histogram year --limit 1000 layoffs
periods=$(json "$TMP/hist.json" 'join " ", map { $_->{period} } @{$j->{histogram}{counts}}')
is "$periods" "2022 2023 2024 2025" "--histogram year: every year from first to last"
is "$(json "$TMP/hist.json" 'my $s = 0; $s += $_->{count} for @{$j->{histogram}{counts}}; $s')" \
    "$(json "$TMP/hist.json" 'scalar grep { $_->{date} } @{$j->{results}}')" \
    "--histogram: the counts add up to the dated matches"
run "$NEWSDEX" search --db "$DB" --histogram month --limit 1 layoffs
like "$OUT" 'Matches per month:' "text --histogram month: a title"
like "$OUT" '2024-01 +\|#+ +3' "text --histogram month: a bar for January 2024 (3 matches)"
like "$OUT" '2023-02 +\| +0' "text --histogram month: an empty month in between"
run "$NEWSDEX" search --db "$DB" --histogram week layoffs
is "$RC" 2 "--histogram week: exit 2"

# ---- Collapse ----
search_json "$TMP/nocol.json" --limit 1000 prime video jobs
is "$(json_ids "$TMP/nocol.json" | grep -c -e ndx-0029 -e dup-0029)" 2 "without --collapse: both copies"
search_json "$TMP/col.json" --collapse --limit 1000 prime video jobs
is "$(json_ids "$TMP/col.json" | grep -c -e ndx-0029 -e dup-0029)" 1 "--collapse: one of the two"
is "$(json "$TMP/col.json" 'map { $_->{collapsed} } grep { $_->{id} =~ /0029/ } @{$j->{results}}')" 1 \
    "--collapse: it counts the other"
run "$NEWSDEX" search --db "$DB" --collapse prime video jobs
like "$OUT" '\+1 near-duplicate' "text --collapse: +1 near-duplicate"

# ---- Did you mean, and the correction's results ----
run "$NEWSDEX" search --db "$DB" --no-correct layofs
is "$RC" 0 "layofs --no-correct: exit 0"
like "$OUT" '^Did you mean: layoffs' "layofs --no-correct: Did you mean: layoffs"
like "$OUT" 'No results for "layofs"' "layofs --no-correct: the results of the query as typed"
run "$NEWSDEX" search --db "$DB" layofs
like "$OUT" '^Showing results for layoffs; search instead for layofs' \
    "layofs: Showing results for layoffs; search instead for layofs"
like "$OUT" '[0-9]+ results? for "layoffs"; showing 1-' "layofs: the count names the correction"
search_json "$TMP/want.json" --limit 100 layoffs
search_json "$TMP/fix.json" --limit 100 layofs
is "$(json_ids "$TMP/fix.json" | tr '\n' ' ')" "$(json_ids "$TMP/want.json" | tr '\n' ' ')" \
    "layofs: the results of layoffs"
is "$(json "$TMP/fix.json" 'join "|", $j->{corrected_query}, $j->{original_query}, $j->{query}, $j->{total}, exists $j->{suggestion} ? 1 : 0')" \
    "layoffs|layofs|layofs|$(json "$TMP/want.json" '$j->{total}')|0" \
    "JSON: corrected_query, original_query, the correction's total, no suggestion"
# "prime" alone matches: the correction (all words) wins over relaxing the query as typed.
search_json "$TMP/dym.json" Prime vidoe
is "$(json "$TMP/dym.json" 'join "|", $j->{corrected_query}, $j->{relaxed} ? 1 : 0')" "Prime video|0" \
    "Prime vidoe: corrected to \"Prime video\" (the capital kept), not relaxed"
search_json "$TMP/dym.json" --no-correct Prime vidoe
is "$(json "$TMP/dym.json" 'join "|", $j->{suggestion}, $j->{relaxed} ? 1 : 0, exists $j->{corrected_query} ? 1 : 0')" \
    "Prime video|1|0" "--no-correct: relaxed results and \"suggestion\": \"Prime video\""
search_json "$TMP/dym.json" --no-suggest layofs
is "$(json "$TMP/dym.json" 'join "|", $j->{total}, exists $j->{corrected_query} ? 1 : 0')" "0|0" \
    "--no-suggest: neither suggestion nor correction"
search_json "$TMP/nodym.json" prime video
is "$(json "$TMP/nodym.json" 'exists $j->{suggestion} || exists $j->{corrected_query} ? 1 : 0')" 0 \
    "well spelled: no suggestion, no correction"

# ---- similar ----
run "$NEWSDEX" similar --db "$DB" --json --limit 5 ndx-0029
is "$RC" 0 "similar ndx-0029: exit 0"
printf '%s\n' "$OUT" >"$TMP/sim.json"
sim=$(json_ids "$TMP/sim.json")
unlike "$sim" '^ndx-0029$' "similar: not the article itself"
is "$(printf '%s\n' "$sim" | head -n 1)" "dup-0029" "similar: its near-duplicate first"
like "$(printf '%s\n' "$sim" | tr '\n' ' ')" 'ndx-0032' "similar: the other Prime Video story is among the top 5"
run "$NEWSDEX" similar --db "$DB" --explain --limit 1 ndx-0029
like "$OUT" '^Words searched for \(stem and weight, best first\): mgm [0-9.]+, prime [0-9.]+, video [0-9.]+' \
    "similar --explain: the words searched for and their weights"
run "$NEWSDEX" similar --db "$DB" --explain --json --limit 1 ndx-0029
printf '%s\n' "$OUT" >"$TMP/simx.json"
is "$(json "$TMP/simx.json" 'my @t = @{$j->{explain}{terms}}; my $sorted = !grep { $t[$_]{weight} > $t[$_ - 1]{weight} } 1 .. $#t;
    join "|", scalar(@t), $t[0]{term}, $t[0]{weight} > 0 ? "positive" : "not", $sorted ? "sorted" : "unsorted"')" \
    "24|mgm|positive|sorted" "similar --explain --json: 24 terms with weights, best first"
run "$NEWSDEX" similar --db "$DB" no-such-id
is "$RC" 2 "similar with an unknown id: exit 2"
like "$ERR" 'no-such-id' "and it says which"

# ---- --batch ----
printf 'layoffs\n\nprime OR video\ncolour:red\nlayofs\n' >"$TMP/batch.in"
run "$NEWSDEX" search --db "$DB" --batch --limit 2 <"$TMP/batch.in"
is "$RC" 2 "--batch with a bad query: exit 2 (after answering every line)"
printf '%s\n' "$OUT" >"$TMP/batch.out"
is "$(wc -l <"$TMP/batch.out" | tr -d ' ')" 5 "--batch: one line per query"
is "$(perl -MJSON::PP -ne 'my $j = eval { decode_json($_) }; print defined $j ? "j" : "x"' "$TMP/batch.out")" \
    "jjjjj" "--batch: every line is JSON"
is "$(perl -MJSON::PP -ne 'my $j = decode_json($_); print $j->{error} ? "e" : scalar @{$j->{results}}' "$TMP/batch.out")" \
    "2e2e2" "--batch: results, an error for the empty and the bad query, the misspelling corrected"
like "$(sed -n 4p "$TMP/batch.out")" '"error":"position 1: .*colour' "--batch: the error says why"

# ---- Highlights ----
search_json "$TMP/hl.json" --limit 20 layoff cuts
words=$(json "$TMP/hl.json" 'use Encode; map { my $r = $_; my $b = encode_utf8($r->{snippet});
    map { lc decode_utf8(substr($b, $_->[0], $_->[1] - $_->[0])) } @{$r->{highlights}} } @{$j->{results}}' |
    sort -u | tr '\n' ' ')
like "$words" 'layoff' "highlights: offsets point at layoff/layoffs"
is "$(printf '%s\n' $words | grep -cvE '^(layoff|layoffs|cut|cuts|cutting)$')" 0 \
    "highlights: every highlighted word is an inflection of a query word ($words)"
is "$(json "$TMP/hl.json" 'scalar grep { !@{$_->{highlights}} } @{$j->{results}}')" 0 \
    "highlights: every result's snippet has some"
run "$NEWSDEX" search --db "$DB" --limit 1 --color always Prime Video
like "$OUT" $'\e\\[1mPrime\e\\[0m \e\\[1mVideo\e\\[0m' "--color always: query words in bold"
run "$NEWSDEX" search --db "$DB" --limit 1 Prime Video
unlike "$OUT" $'\e\\[' "not a terminal: no escape codes"

done_testing
