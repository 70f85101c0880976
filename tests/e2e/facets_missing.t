#!/usr/bin/env bash
# --facets counts the matches without a source, a topic or a date as their
# own bucket, exactly, whichever way the counts are taken (few matches read
# one by one, hundreds counted as ranked, thousands walked, several indexes).
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC2016  # single-quoted Perl expressions for json
. "$(dirname "$0")/lib.sh"

plan 19

# 1500 articles with "alpha"; every 3rd has no source, every 4th no topic,
# every 5th no date; "gamma" in every 5th, "beta" in every 60th.
perl -e '
    for my $i (1 .. 1500) {
        my @words = ("alpha");
        push @words, "gamma" if $i % 5 == 1;
        push @words, "beta" if $i % 60 == 1;
        my $src = $i % 3 == 0 ? "" : sprintf(q(,"source":"Wire %d"), $i % 7);
        my $top = $i % 4 == 0 ? "" : sprintf(q(,"topics":["t%d","u%d"]), $i % 5, $i % 2);
        my $date = $i % 5 == 0 ? "" : sprintf(q(,"date":"%d-03-01"), 2000 + $i % 9);
        printf qq({"id":"a%d","title":"Story %d"%s%s%s,"body":"%s text"}\n),
            $i, $i, $src, $top, $date, join(" ", @words);
    }' >"$TMP/a.jsonl"
run "$NEWSDEX" index --db "$TMP/db" "$TMP/a.jsonl"
[ "$RC" = 0 ] || bail_out "could not index (exit $RC): $ERR"
head -n 750 "$TMP/a.jsonl" >"$TMP/half1.jsonl"
tail -n 750 "$TMP/a.jsonl" >"$TMP/half2.jsonl"
run "$NEWSDEX" index --db "$TMP/db1" "$TMP/half1.jsonl"
run "$NEWSDEX" index --db "$TMP/db2" "$TMP/half2.jsonl"

# expected WORD: "source topic year" counts of the matches without one.
expected() {
    perl -e '
        my ($s, $t, $y) = (0, 0, 0);
        for my $i (1 .. 1500) {
            next if $ARGV[0] eq "gamma" && $i % 5 != 1;
            next if $ARGV[0] eq "beta" && $i % 60 != 1;
            $s++ if $i % 3 == 0; $t++ if $i % 4 == 0; $y++ if $i % 5 == 0;
        }
        print "$s $t $y";' "$1"
}

# missing FILE: the same counts from --json --facets (the null bucket).
missing() {
    json "$1" 'join " ", map { my $f = $_; my ($b) = grep { !defined $_->{value} }
        @{$j->{facets}{$f}}; $b ? $b->{count} : 0 } qw(source topic year)'
}

for word in beta gamma alpha; do
    run "$NEWSDEX" search --db "$TMP/db" --json --facets --limit 3 "$word"
    printf '%s\n' "$OUT" >"$TMP/$word.json"
    is "$(missing "$TMP/$word.json")" "$(expected $word)" "$word: the matches without a source, topic, date"
    is "$(json "$TMP/$word.json" 'my $n = 0; $n += $_->{count} for @{$j->{facets}{year}}; $n')" \
        "$(json "$TMP/$word.json" '$j->{total}')" "$word: the years and the undated add up to the total"
    run "$NEWSDEX" search --db "$TMP/db1" --db "$TMP/db2" --json --facets --limit 3 "$word"
    printf '%s\n' "$OUT" >"$TMP/$word-2.json"
    is "$(missing "$TMP/$word-2.json")" "$(expected $word)" "$word, two indexes: the same"
done
is "$(json "$TMP/gamma.json" 'scalar grep { !defined $_->{value} } @{$j->{facets}{year}}')" 0 \
    "gamma: every match is dated, so no undated bucket"
is "$(json "$TMP/alpha.json" 'my $l = $j->{facets}{source}; defined $l->[-1]{value} ? "value" : "null"')" \
    "null" "JSON: the bucket comes last"

run "$NEWSDEX" search --db "$TMP/db" --facets --limit 1 alpha
read -r s t y <<<"$(expected alpha)"
like "$OUT" "  +$s  \\(no source\\)" "text: (no source) with its count"
like "$OUT" "  +$t  \\(no topic\\)" "text: (no topic) with its count"
like "$OUT" "  +$y  undated" "text: undated with its count"
run "$NEWSDEX" search --db "$TMP/db" --facets --limit 1 gamma
unlike "$OUT" "undated" "text: no undated line when every match is dated"
run "$NEWSDEX" search --db "$TMP/db" --limit 1 --json alpha
printf '%s\n' "$OUT" >"$TMP/nofacets.json"
is "$(json "$TMP/nofacets.json" 'exists $j->{facets} ? 1 : 0')" 0 "without --facets: no facets at all"

# The web page lists the buckets too, counted, and not as filter links.
CGI_BIN="$(dirname "$NEWSDEX")/newsdex.cgi"
run env NEWSDEX_DB="$TMP/db" GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET QUERY_STRING='q=alpha' \
    "$CGI_BIN"
like "$OUT" "<li class=\"missing\"><em>\\(no source\\)</em> <span class=\"n\">$s</span>" \
    "web page: (no source) with its count"
like "$OUT" "<em>\\(no topic\\)</em> <span class=\"n\">$t</span>" "web page: (no topic) with its count"
like "$OUT" "<em>undated</em> <span class=\"n\">$y</span>" "web page: undated with its count, not a link"
done_testing
