#!/usr/bin/env bash
# Ranking by the written form, end to end through the CLI: the exact form of
# a query word above other words that share its stem (Yukos, not Yuko), and
# the spellings of a hyphenated name finding each other (Wal-Mart, Walmart),
# with phrases still exact. Small handwritten articles, alike but for those
# words, so that only the written form can order them.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

plan 24

DB="$TMP/db"
cat >"$TMP/articles.jsonl" <<'EOF'
{"id":"hirono","date":"2024-03-02","title":"World news","body":"Yuko Hirono met fans in Moscow."}
{"id":"yukos","date":"2024-03-01","title":"World news","body":"Yukos shareholders met fans in Moscow."}
{"id":"hyphen","date":"2024-03-01","title":"Retail","body":"Wal-Mart Stores reported higher sales."}
{"id":"joined","date":"2024-03-01","title":"Retail","body":"Walmart stores reported higher sales."}
{"id":"apart","date":"2024-03-01","title":"Retail","body":"A wal at the mart reported sales."}
{"id":"cola","date":"2024-03-01","title":"Drinks","body":"CocaCola bottlers and an e-mail."}
EOF
run "$NEWSDEX" index --db "$DB" "$TMP/articles.jsonl"
is "$RC" 0 "the articles index"

# order QUERY...: "id=score id=score ..." of every hit, best first.
order() {
    run "$NEWSDEX" search --db "$DB" --json --limit 100 --no-snippets "$@"
    printf '%s' "$OUT" >"$TMP/q.json"
    [ "$RC" = 0 ] || { echo "exit $RC"; return; }
    # shellcheck disable=SC2016  # a Perl expression
    json "$TMP/q.json" 'join " ", map { "$_->{id}=$_->{score}" } @{$j->{results}}'
}

# above QUERY: succeeds when yukos ranks first with a score strictly above
# hirono's, the only other hit.
above() {
    local got
    got=$(order "$@")
    if [[ $got =~ ^yukos=([0-9.e+-]+)\ hirono=([0-9.e+-]+)$ ]] &&
        perl -e 'exit !($ARGV[0] > $ARGV[1])' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"; then
        return 0
    fi
    diag "$* -> $got"
    return 1
}

# ---- the exact form ----
above Yukos; ok $? "Yukos: the Yukos story strictly above Yuko Hirono (a name)"
above YUKOS; ok $? "YUKOS: the same in capitals"
above yukos; ok $? "yukos: lower case prefers the exact form too, other things equal"
above Yukos Moscow; ok $? "Yukos Moscow: each word of a longer query"
above 'title:news Yukos'; ok $? "beside a field"
like "$(order Yuko)" '^hirono=.* yukos=' "Yuko: the other way round, Hirono first"
is "$(order '"Yukos"' | sed 's/=[^ ]*//g')" "yukos" "a phrase is the exact form alone"
is "$(order 'yuko*' | sed 's/=[^ ]*//g' | tr ' ' '\n' | sort | tr '\n' ' ')" "hirono yukos " \
    "a wildcard still expands to both forms"
is "$(order -- Yukos -shareholders | sed 's/=[^ ]*//g')" "hirono" "NOT still excludes"
run "$NEWSDEX" search --db "$DB" --explain --limit 0 Yukos
like "$OUT" 'Zyuko AND_MAYBE 1 \* yukos' "--explain shows the stem, ranked up by the exact form"

# ---- spellings of one name ----
ids_of() { order "$@" | sed 's/=[^ ]*//g' | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//'; }
is "$(ids_of walmart)" "hyphen joined" "walmart finds Wal-Mart"
is "$(ids_of Walmart)" "hyphen joined" "Walmart finds Wal-Mart"
is "$(ids_of Wal-Mart)" "hyphen joined" "Wal-Mart finds Walmart"
like "$(order Wal-Mart)" '^hyphen=' "Wal-Mart: the article writing Wal-Mart comes first"
is "$(ids_of '"Wal-Mart stores"')" "hyphen" "a phrase with the hyphen stays exact"
is "$(ids_of '"wal mart"')" "hyphen" "a phrase of the parts finds only the parts in order"
is "$(ids_of '"walmart stores"')" "joined" "a phrase of the joined word finds only it"
is "$(ids_of Coca-Cola)" "cola" "Coca-Cola finds CocaCola"
is "$(ids_of email)" "cola" "email finds e-mail"
is "$(ids_of title:Wal-Mart)" "" "title: searches titles only"
is "$(ids_of wal mart)" "apart hyphen" "separate words are not joined"
run "$NEWSDEX" search --db "$DB" --json 'Wal-Mart id:joined'
printf '%s' "$OUT" >"$TMP/h.json"
# shellcheck disable=SC2016  # a Perl expression
is "$(json "$TMP/h.json" 'map { "@$_" } @{$j->{results}[0]{highlights}}')" "0 7" \
    "Wal-Mart highlights Walmart in the snippet"
run "$NEWSDEX" search --db "$DB" --explain --limit 0 Wal-Mart
like "$OUT" 'wal PHRASE 2 mart\) OR \(Zwalmart' "--explain shows the parts OR the joined form"
