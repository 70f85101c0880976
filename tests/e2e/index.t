#!/usr/bin/env bash
# End-to-end tests of `newsdex index`: summary lines, re-indexing, rejected
# records reported as FILE:LINE: reason, gzip, stdin, NEWSDEX_DB, exit
# statuses, and the writer lock.
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC2016  # single-quoted Perl expressions for json
. "$(dirname "$0")/lib.sh"

plan 70

DB="$TMP/db"

# The summary line is "indexed: A added, R replaced, [U unchanged, D deleted,]
# J rejected in T s; index holds N articles". count NAME prints the number
# before NAME ("added", "replaced", "unchanged", "rejected", ...) in $OUT, 0 if
# NAME is absent; count holds prints N.
count() {
    local line
    line=$(printf '%s\n' "$OUT" | grep -E '^indexed: ' | tail -n 1)
    if [ "$1" = holds ]; then
        printf '%s\n' "$line" | sed -n 's/.*index holds \([0-9][0-9]*\) article.*/\1/p'
    else
        local n
        n=$(printf '%s\n' "$line" | grep -oE "[0-9]+ $1" | grep -oE '^[0-9]+')
        echo "${n:-0}"
    fi
}

# "A R J N": added, replaced, rejected, holds.
summary_counts() {
    echo "$(count added) $(count replaced) $(count rejected) $(count holds)"
}

# ---- The sample corpus, twice ----
run "$NEWSDEX" index --db "$DB" "$CORPUS"
is "$RC" 0 "index corpus: exit 0"
like "$OUT" '^indexed: ' "index corpus: a summary line"
is "$(summary_counts)" "51 0 0 51" "index corpus: 51 added, 0 replaced, 0 rejected; index holds 51 articles"
is "$(count unchanged)" 0 "index corpus: 0 unchanged"
is "$ERR" "" "index corpus: nothing on stderr"

run "$NEWSDEX" index --db "$DB" "$CORPUS"
is "$RC" 0 "re-index corpus: exit 0"
is "$(count added) $(count rejected) $(count holds)" "0 0 51" "re-index corpus: 0 added, 0 rejected; still 51 articles"
# Unchanged articles may be skipped ("51 unchanged") or rewritten ("51 replaced").
is "$(($(count replaced) + $(count unchanged)))" 51 "re-index corpus: 51 replaced (or unchanged)"

# Every article changed: all 51 are replaced.
sed 's/"title":"/"title":"Updated: /' "$CORPUS" >"$TMP/changed.jsonl"
run "$NEWSDEX" index --db "$DB" "$TMP/changed.jsonl"
is "$RC" 0 "re-index changed corpus: exit 0"
is "$(summary_counts)" "0 51 0 51" "re-index changed corpus: 0 added, 51 replaced, 0 rejected; index holds 51"

run "$NEWSDEX" search --db "$DB" --json --limit 100 Amazon
is "$RC" 0 "search after re-index: exit 0"
printf '%s\n' "$OUT" >"$TMP/amazon.json"
ids=$(json_ids "$TMP/amazon.json" | sort)
isnt "$ids" "" "search after re-index: some results"
dups=$(printf '%s\n' "$ids" | uniq -d)
is "$dups" "" "re-index: no article appears twice in results"
titles=$(json "$TMP/amazon.json" 'scalar grep { $_->{title} !~ /^Updated: / } @{$j->{results}}')
is "$titles" 0 "re-index: results show the replaced (updated) titles"

# ---- A broken JSON line in the middle ----
BROKEN="$TMP/broken.jsonl"
awk 'NR == 5 { print substr($0, 1, 60); next } { print }' "$CORPUS" >"$BROKEN"
run "$NEWSDEX" index --db "$TMP/db-broken" "$BROKEN"
is "$RC" 1 "broken line 5: exit 1 (some records rejected)"
like "$ERR" "^$BROKEN:5: ." "broken line 5: stderr names FILE:5: and a reason"
like "$ERR" "$BROKEN:5: .*(JSON|json)" "broken line 5: the reason mentions JSON"
is "$(printf '%s\n' "$ERR" | grep -c ':[0-9]*: ')" 1 "broken line 5: exactly one record reported"
is "$(summary_counts)" "50 0 1 50" "broken line 5: 50 added, 0 replaced, 1 rejected; index holds 50"

# ---- Invalid records, each reported as FILE:LINE: reason ----
BAD="$TMP/bad.jsonl"
long_id=$(printf 'a%.0s' $(seq 1 201))
max_id=$(printf 'b%.0s' $(seq 1 200))
{
    echo '{"id":"good-1","title":"A valid article","date":"2024-01-10"}'  # 1
    echo '{"title":"No id here","body":"text"}'                           # 2
    echo '{"id":"bad-date","title":"Bad date","date":"2024-13-45"}'       # 3
    echo '{"id":"no-text","date":"2024-01-01","source":"X"}'              # 4
    echo "{\"id\":\"$long_id\",\"title\":\"Long id\"}"                    # 5
    echo '{"id":"wrong-type","title":123}'                                # 6
    echo '{"id":"wrong-list","title":"x","topics":"not a list"}'          # 7
    echo '[1,2,3]'                                                        # 8
    echo '{"id":"empty-text","title":"","body":""}'                       # 9
    echo ''                                                               # 10 (blank: skipped)
    echo '{"id":42,"title":"Numeric id"}'                                 # 11
    echo "{\"id\":\"$max_id\",\"title\":\"Id of exactly 200 bytes\"}"     # 12
    printf '{"id":"bad-utf8","title":"Caf\xe9 \xff news"}\n'              # 13 (bytes replaced, kept)
    echo '{"id":"good-2","body":"Body only is fine","date":"2024-01-10T09:30:00-05:00"}' # 14
} >"$BAD"
run "$NEWSDEX" index --strict-dates --db "$TMP/db-bad" "$BAD"
is "$RC" 1 "invalid records: exit 1"
is "$(summary_counts)" "4 0 9 4" "invalid records: 4 added, 0 replaced, 9 rejected; index holds 4"
like "$ERR" "^$BAD:2: .*id" "missing id: FILE:2: reason names id"
like "$ERR" "^$BAD:3: .*date" "bad date 2024-13-45: FILE:3: reason names the date"
like "$ERR" "^$BAD:3: .*2024-13-45" "bad date: the reason quotes the value"
like "$ERR" "^$BAD:4: .*title.*body|^$BAD:4: .*body.*title" "neither title nor body: FILE:4: reason"
like "$ERR" "^$BAD:5: .*id.*200" "id longer than 200 bytes: FILE:5: reason"
like "$ERR" "^$BAD:6: .*title" "title of the wrong type: FILE:6: reason names title"
like "$ERR" "^$BAD:7: .*topics" "topics of the wrong type: FILE:7: reason names topics"
like "$ERR" "^$BAD:8: ." "not an object: FILE:8: reason"
like "$ERR" "^$BAD:9: .*title.*body|^$BAD:9: .*body.*title" "empty title and body: FILE:9: reason"
unlike "$ERR" "^$BAD:10:" "blank line: skipped, not reported"
like "$ERR" "^$BAD:11: .*id" "numeric id: FILE:11: reason names id"
unlike "$ERR" "^$BAD:(1|12|14):" "valid lines (1, 12, 14) are not reported"
like "$ERR" "^$BAD:13: warning: not valid UTF-8: 2 bytes replaced by U\\+FFFD" \
    "line 13's bytes that are not UTF-8: kept, replaced, and warned about once for the file"
is "$(printf '%s\n' "$ERR" | grep -v ': warning: ' | grep -c "^$BAD:[0-9]*: ")" 9 \
    "invalid records: one stderr line per rejected record"

# ---- gzip ----
GZ="$TMP/corpus.jsonl.gz"
gzip -c "$CORPUS" >"$GZ"
run "$NEWSDEX" index --db "$TMP/db-gz" "$GZ"
is "$RC" 0 ".jsonl.gz: exit 0"
is "$(summary_counts)" "51 0 0 51" ".jsonl.gz: 51 added, 0 replaced, 0 rejected; index holds 51"
plain=$(search_ids "$DB" Prime Video layoffs 2024 | tr '\n' ' ')
gzids=$(search_ids "$TMP/db-gz" Prime Video layoffs 2024 | tr '\n' ' ')
is "$gzids" "$plain" ".jsonl.gz: the same search gives the same results as the plain file"
run "$NEWSDEX" index --db "$TMP/db-gz" "$CORPUS"
is "$(count added) $(($(count replaced) + $(count unchanged))) $(count holds)" "0 51 51" \
    ".jsonl.gz then .jsonl: the same 51 ids, none added"

# ---- Files that cannot be read ----
run "$NEWSDEX" index --db "$TMP/db-missing" "$TMP/no-such-file.jsonl"
is "$RC" 3 "missing file: exit 3"
like "$ERR" "no-such-file\.jsonl" "missing file: stderr names the file"

cp "$CORPUS" "$TMP/articles.xyz"
run "$NEWSDEX" index --db "$TMP/db-ext" "$TMP/articles.xyz"
is "$RC" 3 "unknown extension .xyz: exit 3"
like "$ERR" "articles\.xyz" "unknown extension: stderr names the file"

# A missing file among good ones: the good ones are indexed, exit 3.
run "$NEWSDEX" index --db "$TMP/db-mixed" "$TMP/no-such-file.jsonl" "$CORPUS"
is "$RC" 3 "missing file then a good file: exit 3"
is "$(count added)" 51 "missing file then a good file: the good file is indexed"

printf 'not gzip at all\n' >"$TMP/fake.jsonl.gz"
run "$NEWSDEX" index --db "$TMP/db-fakegz" "$TMP/fake.jsonl.gz"
cmp_ok "$RC" -lt 128 "file named .gz that is not gzip: no crash"
isnt "$RC" 0 "file named .gz that is not gzip: non-zero exit"

gzip -c "$CORPUS" | head -c 5000 >"$TMP/cut.jsonl.gz"
run "$NEWSDEX" index --db "$TMP/db-cutgz" "$TMP/cut.jsonl.gz"
is "$RC" 3 "truncated .gz: exit 3 (input could not be read fully)"
like "$ERR" "cut\.jsonl\.gz" "truncated .gz: stderr names the file"

# ---- Standard input ----
run "$NEWSDEX" index --db "$TMP/db-stdin" - <"$CORPUS"
is "$RC" 0 "stdin (-): exit 0"
is "$(summary_counts)" "51 0 0 51" "stdin (-): 51 added"

printf '{"id":"s1","title":"one"}\n{oops\n' >"$TMP/two.jsonl"
run "$NEWSDEX" index --db "$TMP/db-stdin2" - <"$TMP/two.jsonl"
is "$RC" 1 "stdin with a bad line: exit 1"
like "$ERR" '^-:2: |^(<stdin>|stdin|standard input):2: ' "stdin with a bad line: reported as -:2: (or stdin:2:)"

# ---- NEWSDEX_DB instead of --db ----
NEWSDEX_DB="$TMP/db-env" run "$NEWSDEX" index "$CORPUS"
is "$RC" 0 "NEWSDEX_DB: exit 0"
is "$(count added)" 51 "NEWSDEX_DB: 51 added"
ok "$([ -d "$TMP/db-env" ] && echo 0 || echo 1)" "NEWSDEX_DB: the index is created there"
NEWSDEX_DB="$TMP/db-env" run "$NEWSDEX" search --json Prime Video layoffs 2024
is "$RC" 0 "NEWSDEX_DB: search finds the index"
NEWSDEX_DB="$TMP/db-env-unused" run "$NEWSDEX" index --db "$TMP/db-opt" "$CORPUS"
ok "$([ -d "$TMP/db-opt" ] && [ ! -e "$TMP/db-env-unused" ] && echo 0 || echo 1)" "--db wins over NEWSDEX_DB"

# ---- Usage errors ----
run env -u NEWSDEX_DB "$NEWSDEX" index
is "$RC" 2 "no arguments: exit 2"
like "$ERR" 'usage|--db' "no arguments: usage on stderr"
run env -u NEWSDEX_DB "$NEWSDEX" index --db "$TMP/db-usage"
is "$RC" 2 "--db but no file: exit 2"
run env -u NEWSDEX_DB "$NEWSDEX" index "$CORPUS"
is "$RC" 2 "file but no --db and no NEWSDEX_DB: exit 2"
run "$NEWSDEX" index --no-such-option --db "$TMP/db-usage" "$CORPUS"
is "$RC" 2 "unknown option: exit 2"

# ---- The writer lock ----
LOCKDB="$TMP/db-lock"
FIFO="$TMP/fifo"
mkfifo "$FIFO"
"$NEWSDEX" index --db "$LOCKDB" - <"$FIFO" >"$TMP/first.out" 2>"$TMP/first.err" &
first=$!
# shellcheck disable=SC2034  # read by lib.sh's cleanup
NX_CHILD_PIDS="$first"
exec 3>"$FIFO"
# Wait until the first writer holds the lock (its fd on flintlock), at most 5 s.
for _ in $(seq 1 100); do
    readlink "/proc/$first/fd/"* 2>/dev/null | grep -q flintlock && break
    sleep 0.05
done
head -n 3 "$CORPUS" >&3
run "$NEWSDEX" index --db "$LOCKDB" "$CORPUS"
is "$RC" 4 "second writer while the first holds the lock: exit 4"
like "$ERR" 'locked by another writer' "second writer: 'locked by another writer' on stderr"
run "$NEWSDEX" search --db "$LOCKDB" --json anything
cmp_ok "$RC" -ne 4 "a reader is not blocked by the writer's lock"
exec 3>&-
# Give it up to 20 s to finish; a hung writer is killed, not waited on forever.
for _ in $(seq 1 200); do
    kill -0 "$first" 2>/dev/null || break
    sleep 0.1
done
kill -0 "$first" 2>/dev/null && kill -9 "$first" 2>/dev/null
wait "$first"
first_rc=$?
# shellcheck disable=SC2034
NX_CHILD_PIDS=""
is "$first_rc" 0 "first writer: exit 0 after its input ends"
OUT=$(cat "$TMP/first.out")
is "$(summary_counts)" "3 0 0 3" "first writer: indexed what came through the FIFO"
run "$NEWSDEX" index --db "$LOCKDB" "$CORPUS"
is "$RC" 0 "after the first writer is done, a new writer gets the lock"
is "$(count added) $(($(count replaced) + $(count unchanged))) $(count holds)" "48 3 51" \
    "new writer: adds the other 48, replaces (or keeps) the 3"

done_testing
