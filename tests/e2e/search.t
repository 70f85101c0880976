#!/usr/bin/env bash
# End-to-end tests of `newsdex search` over the sample corpus: ranking of the
# Prime Video layoffs article, inflections, phrases, OR, exclusion, paging,
# the JSON shape, accents, exit statuses and hostile queries.
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC2016  # single-quoted Perl expressions for json
. "$(dirname "$0")/lib.sh"

plan 76

DB="$TMP/db"
run "$NEWSDEX" index --db "$DB" "$CORPUS"
[ "$RC" = 0 ] || bail_out "could not index the corpus (exit $RC): $ERR"

# search_json FILE QUERY...: `search --json --limit 1000` into FILE, sets RC.
search_json() {
    local file=$1
    shift
    run "$NEWSDEX" search --db "$DB" --json --limit 1000 "$@"
    printf '%s\n' "$OUT" >"$file"
}

# Position (1-based) of id $2 in the id list $1, or 0.
rank_of() {
    local n
    n=$(printf '%s\n' "$1" | grep -nx -- "$2" | head -n 1 | cut -d: -f1)
    echo "${n:-0}"
}

count_lines() {
    if [ -z "$1" ]; then echo 0; else printf '%s\n' "$1" | wc -l | tr -d ' '; fi
}

# ---- The motivating query ----
search_json "$TMP/pv.json" Prime Video layoffs 2024
is "$RC" 0 "Prime Video layoffs 2024: exit 0"
pv=$(json_ids "$TMP/pv.json")
is "$(printf '%s\n' "$pv" | head -n 1)" "ndx-0029" "Prime Video layoffs 2024: first result is ndx-0029"
r29=$(rank_of "$pv" ndx-0029)
for near in ndx-0030 ndx-0032 ndx-0023 ndx-0033; do
    r=$(rank_of "$pv" "$near")
    ok "$([ "$r" = 0 ] || [ "$r" -gt "$r29" ] && echo 0 || echo 1)" \
        "Prime Video layoffs 2024: near miss $near is not ranked above ndx-0029 (rank ${r/#0/none})"
done
# The same query as one argument, and in the text output.
run "$NEWSDEX" search --db "$DB" "Prime Video layoffs 2024"
is "$RC" 0 "text output: exit 0"
like "$(printf '%s\n' "$OUT" | grep -m1 -E 'id ndx-[0-9]+')" 'id ndx-0029' "text output: first result is ndx-0029"

# OR-ing the words finds the near misses too, still below ndx-0029.
search_json "$TMP/pvor.json" Prime OR Video OR layoffs OR 2024
pvor=$(json_ids "$TMP/pvor.json")
r29=$(rank_of "$pvor" ndx-0029)
is "$r29" 1 "Prime OR Video OR layoffs OR 2024: ndx-0029 first"
above=0
for near in ndx-0030 ndx-0032 ndx-0023 ndx-0033; do
    r=$(rank_of "$pvor" "$near")
    [ "$r" != 0 ] && [ "$r" -lt "$r29" ] && above=$((above + 1))
done
is "$above" 0 "Prime OR Video OR layoffs OR 2024: no near miss above ndx-0029"

# ---- Inflections ----
layoff=$(search_ids "$DB" layoff | sort)
layoffs=$(search_ids "$DB" layoffs | sort)
isnt "$layoffs" "" "layoffs: some results"
is "$layoff" "$layoffs" "layoff and layoffs find the same articles"
like "$layoffs" 'ndx-0029' "layoffs finds ndx-0029"

# ---- Phrases ----
phrase=$(search_ids "$DB" '"Prime Video"')
like "$phrase" '^ndx-0029$' '"Prime Video" (phrase) finds ndx-0029'
wrong=$(search_ids "$DB" '"Video Prime"')
unlike "$wrong" '^ndx-0029$' '"Video Prime" (wrong order) does not find ndx-0029'
words=$(search_ids "$DB" Video Prime)
like "$words" '^ndx-0029$' 'Video Prime (words, any order) finds ndx-0029'

# ---- OR widens ----
a=$(search_ids "$DB" twitch | sort)
b=$(search_ids "$DB" paramount | sort)
aorb=$(search_ids "$DB" twitch OR paramount | sort)
na=$(count_lines "$a")
nb=$(count_lines "$b")
nab=$(count_lines "$aorb")
cmp_ok "$na" -gt 0 "twitch: some results"
cmp_ok "$nb" -gt 0 "paramount: some results"
cmp_ok "$nab" -ge "$((na > nb ? na : nb))" "count(twitch OR paramount) >= max(count(twitch), count(paramount))"
union=$(printf '%s\n%s\n' "$a" "$b" | sed '/^$/d' | sort -u)
is "$aorb" "$union" "twitch OR paramount is the union of both result sets"
c=$(search_ids "$DB" amazon | sort)
aandc=$(search_ids "$DB" twitch amazon | sort)
inter=$(comm -12 <(printf '%s\n' "$a") <(printf '%s\n' "$c"))
isnt "$inter" "" "twitch and amazon have articles in common"
is "$aandc" "$inter" "twitch amazon (AND) is the intersection"

# ---- Exclusion ----
amazon=$(search_ids "$DB" amazon | sort)
twitch=$(search_ids "$DB" twitch | sort)
minus=$(search_ids "$DB" -- amazon -twitch | sort)
like "$amazon" '^ndx-0030$' "amazon finds ndx-0030 (the Twitch article)"
unlike "$minus" '^ndx-0030$' "amazon -twitch: ndx-0030 is excluded"
isnt "$minus" "" "amazon -twitch: still some results"
expected=$(comm -23 <(printf '%s\n' "$amazon") <(printf '%s\n' "$twitch"))
is "$minus" "$expected" "amazon -twitch = (amazon) minus (twitch)"
search_json "$TMP/minus.json" -- amazon -twitch
unlike "$(json "$TMP/minus.json" 'map { lc "$_->{title} $_->{snippet}" } @{$j->{results}}')" 'twitch' \
    "amazon -twitch: no result's title or snippet mentions twitch"
notq=$(search_ids "$DB" amazon NOT twitch | sort)
is "$notq" "$minus" "amazon NOT twitch = amazon -twitch"

# ---- Paging ----
run "$NEWSDEX" search --db "$DB" --json --limit 3 amazon
printf '%s\n' "$OUT" >"$TMP/l3.json"
n3=$(json "$TMP/l3.json" 'scalar @{$j->{results}}')
cmp_ok "$n3" -le 3 "--limit 3: at most 3 results"
is "$n3" 3 "--limit 3: exactly 3 results (amazon matches more)"
all=$(search_ids "$DB" amazon)
run "$NEWSDEX" search --db "$DB" --json --offset 1 --limit 1 amazon
printf '%s\n' "$OUT" >"$TMP/o1.json"
is "$(json_ids "$TMP/o1.json")" "$(printf '%s\n' "$all" | sed -n 2p)" "--offset 1 --limit 1: the second result of the full list"
is "$(json "$TMP/o1.json" '$j->{offset}')" 1 "--offset 1: JSON offset is 1"
run "$NEWSDEX" search --db "$DB" --json --offset 5000 amazon
printf '%s\n' "$OUT" >"$TMP/o5000.json"
is "$RC:$(json "$TMP/o5000.json" 'scalar @{$j->{results}}')" "0:0" "--offset past the end: exit 0, no results"
run "$NEWSDEX" search --db "$DB" --limit abc amazon
is "$RC" 2 "--limit abc: exit 2"
run "$NEWSDEX" search --db "$DB" --limit 10001 amazon
is "$RC" 2 "--limit 10001 (above the maximum): exit 2"

# ---- JSON shape ----
is "$(json "$TMP/pv.json" 'join ",", grep { exists $j->{$_} } qw(query total_estimate offset results)')" \
    "query,total_estimate,offset,results" "JSON: top-level keys include query, total_estimate, offset, results"
is "$(json "$TMP/pv.json" 'ref $j->{results}')" "ARRAY" "JSON: results is an array"
is "$(json "$TMP/pv.json" '$j->{query}')" "Prime Video layoffs 2024" "JSON: query echoes the query"
is "$(json "$TMP/pv.json" '$j->{offset}')" 0 "JSON: offset 0 by default"
cmp_ok "$(json "$TMP/pv.json" '$j->{total_estimate}')" -ge 1 "JSON: total_estimate >= 1"
is "$(json "$TMP/pv.json" '
    my @want = qw(id score date source title url snippet);
    my @bad = grep { my $r = $_; grep { !exists $r->{$_} } @want } @{$j->{results}};
    scalar @bad')" 0 "JSON: every result has id, score, date, source, title, url, snippet"
is "$(json "$TMP/pv.json" '
    my $r = $j->{results}[0];
    join "|", $r->{id}, $r->{date}, ($r->{score} > 0 ? "pos" : "nonpos"),
        ($r->{title} =~ /Prime Video/ ? "title" : "notitle"), ($r->{url} =~ m{^https?://} ? "url" : "nourl"),
        (length($r->{snippet}) > 0 ? "snippet" : "nosnippet"), (length($r->{source}) > 0 ? "source" : "nosource")')" \
    "ndx-0029|2024-01-10|pos|title|url|snippet|source" "JSON: first result's fields have the right values"
is "$(json "$TMP/pv.json" '
    my @s = map { $_->{score} } @{$j->{results}};
    scalar grep { $s[$_] < $s[$_ + 1] } 0 .. $#s - 1')" 0 "JSON: scores are in descending order"
run "$NEWSDEX" search --db "$DB" --json --no-snippets Prime Video layoffs 2024
printf '%s\n' "$OUT" >"$TMP/ns.json"
is "$(json "$TMP/ns.json" '$j->{results}[0]{snippet}')" "" "--no-snippets: snippet is empty"

# ---- Accents ----
nestle_id=$(grep -F 'Nestlé' "$CORPUS" | head -n 1 | sed -n 's/^{"id":"\([^"]*\)".*/\1/p')
isnt "$nestle_id" "" "the corpus has an article containing Nestlé ($nestle_id)"
like "$(search_ids "$DB" Nestle)" "^$nestle_id\$" "Nestle (no accent) finds $nestle_id"
like "$(search_ids "$DB" Nestlé)" "^$nestle_id\$" "Nestlé (accent) finds $nestle_id"
like "$(search_ids "$DB" NESTLÉ)" "^$nestle_id\$" "NESTLÉ (upper case) finds $nestle_id"

# ---- Errors ----
run "$NEWSDEX" search --db "$TMP/no-such-index" amazon
is "$RC" 5 "missing index: exit 5"
like "$ERR" 'no index at' "missing index: 'no index at' on stderr"
run "$NEWSDEX" search --db "$DB" ""
is "$RC" 2 "empty query: exit 2"
isnt "$ERR" "" "empty query: a message on stderr"
run "$NEWSDEX" search --db "$DB" '!!! ... ???'
is "$RC" 2 "punctuation-only query: exit 2"
isnt "$ERR" "" "punctuation-only query: a message on stderr"
run "$NEWSDEX" search --db "$DB"
is "$RC" 2 "no query at all: exit 2"
NEWSDEX_DB="$DB" run "$NEWSDEX" search --json Prime Video
is "$RC" 0 "NEWSDEX_DB instead of --db: exit 0"

# ---- Hostile queries: exit 0 or 2, never a crash or a hang ----
big=$(head -c 102400 /dev/zero | tr '\0' 'a' | sed 's/aaaaaaa/layoff /g')
hostile_names=(
    'unbalanced quote' '((((' 'lone -' 'OR' 'control chars'
    'invalid UTF-8 \xff' '100 KB query' '5000 (' 'many )' 'quote-paren soup'
)
hostile_queries=(
    '"prime video'
    '(((('
    '-'
    'OR'
    "$(printf 'a\001b\002\033[31m')"
    "$(printf '\xff\xfe layoffs \xc3')"
    "$big"
    "$(head -c 5000 /dev/zero | tr '\0' '(')"
    "$(head -c 5000 /dev/zero | tr '\0' ')')"
    '")(" -(" OR ) NOT "('
)
for i in "${!hostile_queries[@]}"; do
    for fmt in text json; do
        flag=()
        [ "$fmt" = json ] && flag=(--json)
        NX_TIMEOUT=10 run "$NEWSDEX" search --db "$DB" "${flag[@]}" -- "${hostile_queries[$i]}"
        ok "$([ "$RC" = 0 ] || [ "$RC" = 2 ] && echo 0 || echo 1)" \
            "hostile query (${hostile_names[$i]}, $fmt): exit 0 or 2, got $RC" || _diag_run
    done
done

done_testing
