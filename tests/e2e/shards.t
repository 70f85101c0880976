#!/usr/bin/env bash
# Scaling out: the Reuters archive split into two shards (reut2-000..010 and
# reut2-011..021) searched as one must rank exactly like one index of all 22
# files: the same ids, in the same order, with the same scores (and the same
# facets where the search can count them) for every query, whether the
# shards are given as two --db directories, as a Xapian stub file listing
# them, or served by two xapian-tcpsrv on loopback (--db tcp://HOST:PORT,
# and a stub file of "remote HOST:PORT" lines). An unreachable or malformed
# remote is a clear error with exit status 5.
# Skipped without ../shared/corpus/reuters21578 or xapian-tcpsrv.
# shellcheck disable=SC2016  # Perl expressions in single quotes
. "$(dirname "$0")/lib.sh"

REUTERS="$REPO_ROOT/../shared/corpus/reuters21578"
if [ ! -r "$REUTERS/reut2-000.sgm" ] || [ ! -r "$REUTERS/reut2-021.sgm" ]; then
    echo "1..0 # SKIP no Reuters archive at ../shared/corpus/reuters21578"
    exit 0
fi
if ! command -v xapian-tcpsrv >/dev/null 2>&1; then
    echo "1..0 # SKIP xapian-tcpsrv not installed (Debian package xapian-tools)"
    exit 0
fi

QUERIES=(
    'oil prices' 'opec' '"interest rates"' 'grain OR wheat' 'bank -england'
    'coffee brazil' '"stock exchange"' 'gold' 'merger acquisition' 'trade deficit'
    'dollar yen' 'bundesbank' 'coffee NEAR/5 brazil' 'title:oil' 'topic:crude'
    'place:japan' 'date:1987-03 ibm' 'shr cts net' 'loss' '"federal reserve"'
    'acquire stake' 'crude -opec'
)
FACET_QUERIES=('oil' 'bank -england' 'date:1987-04 grain')

plan $((4 + 4 * ${#QUERIES[@]} + 4 + 2 + 3 * ${#FACET_QUERIES[@]} + 5 + 4))

. "$(dirname "$0")/shards_lib.sh"

# ---- the indexes -----------------------------------------------------------
FIRST=() SECOND=()
for i in $(seq -w 0 21); do
    if [ "$((10#$i))" -le 10 ]; then
        FIRST+=("$REUTERS/reut2-0$i.sgm")
    else
        SECOND+=("$REUTERS/reut2-0$i.sgm")
    fi
done
# Indexing a shard takes longer than one search: allow it. The merged
# index keeps each article's positions in its record (--article-positions);
# the shards, which xapian-tcpsrv serves, in Xapian's position table:
# phrase and NEAR must answer alike both ways.
NX_TIMEOUT=$((NX_TIMEOUT * 30)) run "$NEWSDEX" index --article-positions --db "$TMP/all" \
    "${FIRST[@]}" "${SECOND[@]}"
is "$RC" 0 "one index of all 22 files"
NX_TIMEOUT=$((NX_TIMEOUT * 30)) run "$NEWSDEX" index --db "$TMP/a" "${FIRST[@]}"
is "$RC" 0 "shard a: reut2-000..010"
NX_TIMEOUT=$((NX_TIMEOUT * 30)) run "$NEWSDEX" index --db "$TMP/b" "${SECOND[@]}"
is "$RC" 0 "shard b: reut2-011..021"
printf 'auto %s\nglass %s\n' "$TMP/a" "$TMP/b" >"$TMP/shards.stub"

PORT_A="" PORT_B=""
if start_server "$TMP/a" PORT_A && start_server "$TMP/b" PORT_B; then
    pass "two xapian-tcpsrv listening on 127.0.0.1:$PORT_A and :$PORT_B"
else
    fail "two xapian-tcpsrv listening"
fi
printf 'remote 127.0.0.1:%s\nremote 127.0.0.1:%s\n' "$PORT_A" "$PORT_B" >"$TMP/remote.stub"

# ---- results -------------------------------------------------------------
# ranked NAME QUERY DB...: "id score" lines of the top 20 (scores to 9
# significant digits) in $TMP/NAME; returns the search's exit status.
ranked() {
    local name=$1 query=$2 args=() db
    shift 2
    for db in "$@"; do
        args+=(--db "$db")
    done
    timeout -k 5 "$NX_TIMEOUT" "$NEWSDEX" search "${args[@]}" --json --limit 20 --no-snippets \
        --no-suggest -- "$query" >"$TMP/$name.json" 2>"$TMP/$name.err" || return $?
    json "$TMP/$name.json" 'map { sprintf("%s %.9g", $_->{id}, $_->{score}) } @{$j->{results}}' \
        >"$TMP/$name"
}

# same NAME DESC: $TMP/NAME must equal $TMP/want.
same() {
    if cmp -s "$TMP/want" "$TMP/$1"; then
        pass "$2"
    else
        fail "$2" "$(diff "$TMP/want" "$TMP/$1" | head -20)" "$(head -c 500 "$TMP/$1.err")"
    fi
}

for q in "${QUERIES[@]}"; do
    ranked want "$q" "$TMP/all" || diag "merged index: search '$q' failed: $(cat "$TMP/want.err")"
    [ -s "$TMP/want" ] || diag "no results for '$q' in the merged index"
    ranked dirs "$q" "$TMP/a" "$TMP/b"
    same dirs "'$q': two --db directories rank like the merged index"
    ranked stub "$q" "$TMP/shards.stub"
    same stub "'$q': a stub file of the two shards ranks like the merged index"
    ranked tcp "$q" "tcp://127.0.0.1:$PORT_A" "tcp://127.0.0.1:$PORT_B"
    same tcp "'$q': two remote shards (tcp://) rank like the merged index"
    ranked rstub "$q" "$TMP/remote.stub"
    same rstub "'$q': a stub file of remote shards ranks like the merged index"
done

# A wildcard matches the same articles, but need not rank them alike: Xapian
# estimates how many articles hold any of its expansions shard by shard, and
# that estimate weighs every match.
all_ids() {
    local name=$1 query=$2 args=() db
    shift 2
    for db in "$@"; do
        args+=(--db "$db")
    done
    timeout -k 5 "$NX_TIMEOUT" "$NEWSDEX" search "${args[@]}" --json --limit 10000 --no-snippets \
        --no-suggest -- "$query" >"$TMP/$name.json" 2>"$TMP/$name.err"
    json_ids "$TMP/$name.json" | sort >"$TMP/$name"
}
all_ids want 'tax*' "$TMP/all"
cmp_ok "$(wc -l <"$TMP/want")" -gt 1000 "'tax*' matches over 1000 articles in the merged index"
all_ids dirs 'tax*' "$TMP/a" "$TMP/b"
same dirs "'tax*': two --db directories match the same articles"
all_ids stub 'tax*' "$TMP/shards.stub"
same stub "'tax*': a stub file of the two shards matches the same articles"
all_ids tcp 'tax*' "tcp://127.0.0.1:$PORT_A" "tcp://127.0.0.1:$PORT_B"
same tcp "'tax*': two remote shards match the same articles"

# A page further down is the same page too.
ranked want 'oil' "$TMP/all"
run "$NEWSDEX" search --db "tcp://127.0.0.1:$PORT_A" --db "tcp://127.0.0.1:$PORT_B" --json \
    --no-snippets --limit 20 --offset 20 oil
printf '%s\n' "$OUT" >"$TMP/page.json"
json "$TMP/page.json" 'map { sprintf("%s %.9g", $_->{id}, $_->{score}) } @{$j->{results}}' \
    >"$TMP/page"
timeout -k 5 "$NX_TIMEOUT" "$NEWSDEX" search --db "$TMP/all" --json --no-snippets --limit 20 \
    --offset 20 oil >"$TMP/want.json" 2>/dev/null
json "$TMP/want.json" 'map { sprintf("%s %.9g", $_->{id}, $_->{score}) } @{$j->{results}}' \
    >"$TMP/want"
is "$(wc -l <"$TMP/page")" 20 "remote shards: --offset 20 gives a full second page"
same page "remote shards: the second page matches the merged index's"

# ---- facets: exact counts over every match ----------------------------------
# facets NAME QUERY DB...: the facets object, canonical JSON, in $TMP/NAME.
facets() {
    local name=$1 query=$2 args=() db
    shift 2
    for db in "$@"; do
        args+=(--db "$db")
    done
    timeout -k 5 "$NX_TIMEOUT" "$NEWSDEX" search "${args[@]}" --json --facets --limit 5 \
        --no-snippets --no-suggest -- "$query" >"$TMP/$name.json" 2>"$TMP/$name.err" || return $?
    json "$TMP/$name.json" 'JSON::PP->new->canonical->encode([$j->{total_estimate}, $j->{facets}])' \
        >"$TMP/$name"
}

for q in "${FACET_QUERIES[@]}"; do
    facets want "$q" "$TMP/all"
    [ -s "$TMP/want" ] || diag "merged index: no facets for '$q': $(cat "$TMP/want.err")"
    facets stub "$q" "$TMP/shards.stub"
    same stub "'$q': a stub file of the shards counts the same facets"
    facets dirs "$q" "$TMP/a" "$TMP/b"
    same dirs "'$q': two --db directories count the same facets"
    # Remote shards cannot run a custom match spy, so the counts come from
    # posting lists the servers answer (engine/xapian/xcount.cc).
    facets tcp "$q" "tcp://127.0.0.1:$PORT_A" "tcp://127.0.0.1:$PORT_B"
    same tcp "'$q': remote shards count the same facets"
done

# ---- errors ------------------------------------------------------------------
CLOSED=$(free_port)
run "$NEWSDEX" search --db "tcp://127.0.0.1:$CLOSED" oil
is "$RC" 5 "an unreachable remote shard: exit 5"
like "$ERR" "tcp://127\.0\.0\.1:$CLOSED: Couldn't connect \(Connection refused\)" \
    "the message names the shard and the reason"
run "$NEWSDEX" search --db "tcp://127.0.0.1" oil
like "$RC $ERR" '^5 .*must be tcp://HOST:PORT' "tcp:// without a port: exit 5 and how to write it"

# An index keeping positions per article (--article-positions), served
# remotely: Xapian's phrase there would miss every phrase, so a phrase is
# refused, not answered empty; other queries work.
PORT_ALL=""
start_server "$TMP/all" PORT_ALL || diag "xapian-tcpsrv for the merged index did not start"
run "$NEWSDEX" search --db "tcp://127.0.0.1:$PORT_ALL" --no-snippets oil
like "$RC $OUT" '^0 .*results for "oil"' "an index with positions per article, served remotely: words are found"
run "$NEWSDEX" search --db "tcp://127.0.0.1:$PORT_ALL" --no-snippets '"oil prices"'
isnt "$RC" 0 "... a phrase over it fails"
like "$ERR" "tcp://127\.0\.0\.1:$PORT_ALL keeps word positions in its stored articles" \
    "... and the message names the index"
printf 'remote 127.0.0.1:%s\nauto %s\n' "$PORT_A" "$TMP/all" >"$TMP/mixed.stub"
run "$NEWSDEX" search --db "$TMP/mixed.stub" --no-snippets 'coffee NEAR/5 brazil'
like "$RC $ERR" "^[1-9].* $TMP/all keeps word positions" \
    "a local index with positions per article beside a remote shard: NEAR refused, the index named"
stop_servers
run "$NEWSDEX" search --db "tcp://127.0.0.1:$PORT_A" --db "$TMP/b" oil
is "$RC" 5 "a stopped server: exit 5, no crash"
run "$NEWSDEX" stats --db "$TMP/shards.stub"
like "$OUT" 'articles: +21578' "stats over the stub file counts both shards"

done_testing
