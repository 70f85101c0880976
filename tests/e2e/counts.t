#!/usr/bin/env bash
# End-to-end tests of the counts: the total is exact whatever --limit (0
# included) in the text, JSON and the web page, a query with matches is
# never relaxed, a lower bound says so, and the text year facet lists the
# ten largest years.
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC2016  # single-quoted Perl expressions for json
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cgi_lib.sh"

plan 19

# 4000 articles of 2008: "alpha" in every second, "beta" in every fourth
# (so "alpha beta" matches 1000: the words are not independent), months
# in turn (January holds 334 of them, February none); then "gamma" articles
# with 15 in 2000, one fewer each year to 2013, and 2010 tied with 2009.
perl -e '
for my $i (0..3999) {
    my @w = ("common");
    push @w, "alpha" if $i % 2 == 0;
    push @w, "beta" if $i % 4 == 0;
    my $m = sprintf "%02d", 1 + $i % 12;
    print qq({"id":"a$i","date":"2008-$m-15","source":"Wire A","title":"Story $i","body":"@w story $i."}\n);
}
my %n = map { 2000 + $_ => 15 - $_ } 0..13;
$n{2010} = 6;
my $k = 0;
for my $y (sort keys %n) {
    for (1..$n{$y}) {
        $k++;
        print qq({"id":"g$k","date":"$y-06-01","source":"Wire G","title":"Gamma $k","body":"gamma report $k."}\n);
    }
}' > "$TMP/counts.jsonl"
DB=$TMP/db
run "$NEWSDEX" index --db "$DB" "$TMP/counts.jsonl"
[ "$RC" = 0 ] || bail_out "could not index the counts corpus (exit $RC): $ERR"

# ---- --limit 0: the real count, never relaxed ----
run "$NEWSDEX" search --db "$DB" --limit 0 'alpha beta'
is "$RC/$OUT" '0/1000 results for "alpha beta".' "--limit 0: the exact count, no hit, no 'on this page'"
run "$NEWSDEX" search --db "$DB" --limit 0 --from 2008-01 --to 2008-02 'alpha beta'
is "$OUT" '334 results for "alpha beta".' "--limit 0 --from --to: the exact count, not relaxed"
run "$NEWSDEX" search --db "$DB" --json --limit 0 'alpha beta date:2008-01'
printf '%s\n' "$OUT" > "$TMP/l0.json"
is "$(json "$TMP/l0.json" 'join ",", $j->{total}, $j->{total_exact} ? "exact" : "bound", $j->{relaxed} ? "relaxed" : "strict", scalar @{$j->{results}}')" \
    "334,exact,strict,0" "--json --limit 0: total 334, exact, strict, no results"
is "$(json "$TMP/l0.json" '$j->{total_estimate}')" 334 "--json --limit 0: total_estimate is the total"
run "$NEWSDEX" search --db "$DB" --limit 0 'alpha nosuchword'
is "$OUT" 'No article has all of the words; these have some of them.
2000 results for "alpha nosuchword".' "--limit 0: relaxed only when the strict query has no match"

# ---- The same exact total whatever the limit ----
for limit in 1 10 100 1000; do
    run "$NEWSDEX" search --db "$DB" --json --limit "$limit" 'alpha beta'
    printf '%s\n' "$OUT" > "$TMP/l.json"
    is "$(json "$TMP/l.json" '$j->{total}')" 1000 "--limit $limit: total 1000"
done
run "$NEWSDEX" search --db "$DB" 'alpha beta'
like "$(printf '%s\n' "$OUT" | head -1)" '^1000 results for "alpha beta"; showing 1-10$' \
    "text: an exact 'N results', not 'About N'"
run "$NEWSDEX" search --db "$DB" --json --limit 1 'common story'
printf '%s\n' "$OUT" > "$TMP/common.json"
is "$(json "$TMP/common.json" '$j->{total}')" 4000 "a broad query: its exact total"

# ---- Past --max-counted: a lower bound that says so ----
run "$NEWSDEX" search --db "$DB" --max-counted 100 --limit 1 'common story'
like "$(printf '%s\n' "$OUT" | head -1)" '^At least [0-9]+ results for "common story"' \
    "past --max-counted: 'At least N results'"
run "$NEWSDEX" search --db "$DB" --max-counted 100 --json --limit 1 'common story'
printf '%s\n' "$OUT" > "$TMP/bound.json"
is "$(json "$TMP/bound.json" '($j->{total_exact} ? "exact" : "bound") . "," . ($j->{total} > 100 ? "over" : "under")')" \
    "bound,over" "past --max-counted: JSON total_exact false, total over the limit"
# One word's total is known without counting its matches: exact all the same.
run "$NEWSDEX" search --db "$DB" --max-counted 100 --json --limit 1 common
printf '%s\n' "$OUT" > "$TMP/one.json"
is "$(json "$TMP/one.json" '($j->{total_exact} ? "exact" : "bound") . "," . $j->{total}')" "exact,4000" \
    "one word past --max-counted: its exact total (nothing to count)"

# ---- The web page: the exact count ----
export NEWSDEX_DB=$DB
cgi q='alpha beta' limit=1
like "$BODY" '<p class="count" role="status">1,000 results for <q>alpha beta</q>' \
    "web page: the exact count"
cgi q='alpha beta' limit=1 format=json
is "$(body_json '$j->{total}')" 1000 "web JSON: the exact total"

# ---- The text year facet: the ten largest years, ties newer first ----
run "$NEWSDEX" search --db "$DB" --limit 0 --facets gamma
years=$(printf '%s\n' "$OUT" | sed -n '/^Matches by year:/,/^$/p' | awk 'NF == 2 && $1 ~ /^[0-9]+$/ { print $2 }' | tr '\n' ' ')
is "$years" "2000 2001 2002 2003 2004 2005 2006 2007 2008 2010 " \
    "--facets text: the ten largest years, most frequent first, ties newer first"
like "$OUT" '\(and 4 more\)' "--facets text: the years left out are counted"
run "$NEWSDEX" search --db "$DB" --json --limit 0 --facets gamma
printf '%s\n' "$OUT" > "$TMP/f.json"
is "$(json "$TMP/f.json" 'scalar @{$j->{facets}{year}}')" 14 "--facets JSON: every year"
