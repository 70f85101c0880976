#!/usr/bin/env bash
# Every feature over remote shards answers as one index: the Reuters archive
# split in three (reut2-000..007, 008..014, 015..021), two parts served by
# xapian-tcpsrv on loopback and one local, combined in one stub file, must
# give the JSON output of one local index of all 22 files for every query of
# bench/queries.txt under each option set (default with snippets, --facets,
# --histogram year and month, --sort recent, --collapse, --limit 0), for
# misspelled queries (did-you-mean) and for `similar`.
# Scores are compared to 12 significant digits: Xapian adds the weights of
# remote matches in another order, which moves the last bit or two of some
# scores (at 1e-15, no order changes; the ids and their order are compared
# exactly).
# Skipped without ../shared/corpus/reuters21578 or xapian-tcpsrv.
# shellcheck disable=SC2016  # Perl expressions in single quotes
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/shards_lib.sh"

REUTERS="$REPO_ROOT/../shared/corpus/reuters21578"
if [ ! -r "$REUTERS/reut2-000.sgm" ] || [ ! -r "$REUTERS/reut2-021.sgm" ]; then
    echo "1..0 # SKIP no Reuters archive at ../shared/corpus/reuters21578"
    exit 0
fi
need_tcpsrv

OPTION_SETS=(
    ''
    '--facets --no-snippets'
    '--histogram year --no-snippets'
    '--histogram month --no-snippets'
    '--sort recent'
    '--sort recent --half-life 7 --no-snippets'
    '--collapse --limit 20 --no-snippets'
    '--limit 0'
)
MISSPELLED=(
    'petrolium' 'coffe brasil' 'bundesbnak' 'opek output' 'goldd prices' 'wheet export'
    'intrest rates' 'japenese yen' 'stok exchange' 'acquisiton'
)
SIMILAR_QUERIES=('opec' 'coffee brazil' 'gold' 'bundesbank' 'grain' 'yen')

plan $((5 + ${#OPTION_SETS[@]} + 2 + 2 * ${#SIMILAR_QUERIES[@]} + 1))

# ---- the indexes, built side by side --------------------------------------
PARTS=("0[0-7]" "0[89]|1[0-4]" "1[5-9]|2[01]")
files_of() { # files_of ERE: the reut2-0NN.sgm whose NN matches
    local f
    for f in "$REUTERS"/reut2-0*.sgm; do
        [[ $(basename "$f") =~ ^reut2-0($1)\.sgm$ ]] && printf '%s\n' "$f"
    done
}
index_into() { # index_into DIR [--article-positions] FILE...: in the background, status in DIR.rc
    local dir=$1 how=()
    shift
    if [ "$1" = --article-positions ]; then
        how=("$1")
        shift
    fi
    ( timeout -k 5 3000 "$NEWSDEX" index "${how[@]}" --batch-size 25000 --progress=never --db "$dir" "$@" \
          >"$dir.log" 2>&1; echo $? >"$dir.rc" ) &
}
mapfile -t ALL < <(files_of '..')
# The one index keeps its positions per article, the parts (two of them
# served by xapian-tcpsrv) in Xapian's table: phrase and NEAR, checked by
# newsdex there and by Xapian here, must answer alike.
index_into "$TMP/all" --article-positions "${ALL[@]}"
for i in 0 1 2; do
    mapfile -t PART < <(files_of "${PARTS[$i]}")
    index_into "$TMP/part$i" "${PART[@]}"
done
wait
is "$(cat "$TMP/all.rc")" 0 "one index of all 22 files"
is "$(cat "$TMP/part0.rc" "$TMP/part1.rc" "$TMP/part2.rc" | tr -d '\n')" 000 \
    "three parts: 000..007, 008..014, 015..021"

PORT0="" PORT1=""
if start_server "$TMP/part0" PORT0 && start_server "$TMP/part1" PORT1; then
    pass "two parts served by xapian-tcpsrv on 127.0.0.1:$PORT0 and :$PORT1"
else
    fail "two xapian-tcpsrv listening"
fi
printf 'remote 127.0.0.1:%s\nremote 127.0.0.1:%s\nauto %s\n' "$PORT0" "$PORT1" "$TMP/part2" \
    >"$TMP/mixed.stub"
run "$NEWSDEX" stats --db "$TMP/mixed.stub"
like "$OUT" 'articles: +21578' "the stub file of two remote parts and a local one holds every article"

grep -v '^#' "$REPO_ROOT/bench/queries.txt" | cut -f2 >"$TMP/queries"
cmp_ok "$(wc -l <"$TMP/queries")" -ge 200 "bench/queries.txt: $(wc -l <"$TMP/queries") queries"

# ---- comparing ---------------------------------------------------------------
# normalised FILE: scores to 12 significant digits.
normalised() {
    perl -pe 's/"score":(-?[0-9.]+(?:[eE][-+]?[0-9]+)?)/sprintf("\"score\":%.12g", $1)/ge' "$1"
}

# batch NAME DB OPTIONS < QUERIES: one JSON line per query in $TMP/NAME.
batch() {
    local name=$1 db=$2 opts=$3
    # shellcheck disable=SC2086  # the options are words
    timeout -k 5 600 "$NEWSDEX" search --db "$db" --batch $opts >"$TMP/$name.raw" \
        2>"$TMP/$name.err"
    normalised "$TMP/$name.raw" >"$TMP/$name"
}

# same_output A B DESC: the files are equal, else the first differing lines.
same_output() {
    if [ -s "$TMP/$1" ] && cmp -s "$TMP/$1" "$TMP/$2"; then
        pass "$3"
    else
        fail "$3" "$(diff "$TMP/$1" "$TMP/$2" | cut -c1-400 | head -6)" \
            "$(head -c 300 "$TMP/$2.err")"
    fi
}

for opts in "${OPTION_SETS[@]}"; do
    batch one "$TMP/all" "$opts" <"$TMP/queries"
    batch shards "$TMP/mixed.stub" "$opts" <"$TMP/queries"
    same_output one shards "every bench query with '${opts:-the default options}': shards = one index"
done

printf '%s\n' "${MISSPELLED[@]}" >"$TMP/misspelled"
batch one "$TMP/all" "--no-snippets" <"$TMP/misspelled"
batch shards "$TMP/mixed.stub" "--no-snippets" <"$TMP/misspelled"
cmp_ok "$(grep -c '"suggestion"\|"corrected_query"' "$TMP/one")" -ge 5 \
    "misspelled queries get suggestions or corrections"
same_output one shards "misspelled queries: the same suggestions and results"

# ---- similar -------------------------------------------------------------------
for q in "${SIMILAR_QUERIES[@]}"; do
    id=$(timeout -k 5 60 "$NEWSDEX" search --db "$TMP/all" --json --limit 1 --no-snippets "$q" |
        perl -MJSON::PP -0777 -ne 'print decode_json($_)->{results}[0]{id}')
    for opts in '' '--sort recent --facets'; do
        # shellcheck disable=SC2086
        timeout -k 5 60 "$NEWSDEX" similar --db "$TMP/all" --json $opts "$id" >"$TMP/one.raw" \
            2>"$TMP/one.err"
        # shellcheck disable=SC2086
        timeout -k 5 60 "$NEWSDEX" similar --db "$TMP/mixed.stub" --json $opts "$id" \
            >"$TMP/shards.raw" 2>"$TMP/shards.err"
        normalised "$TMP/one.raw" >"$TMP/one"
        normalised "$TMP/shards.raw" >"$TMP/shards"
        same_output one shards "similar $id (top of '$q') ${opts:-}: shards = one index"
    done
done

# The same through tcp:// names and a --db per part.
batch one "$TMP/all" "--sort recent --facets" <"$TMP/queries"
batch shards "tcp://127.0.0.1:$PORT0" "--sort recent --facets --db tcp://127.0.0.1:$PORT1 --db $TMP/part2" \
    <"$TMP/queries"
same_output one shards "--db tcp://... --db tcp://... --db DIR, --sort recent --facets: = one index"

done_testing
