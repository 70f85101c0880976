#!/usr/bin/env bash
# End-to-end tests of `newsdex compact`: the index gets smaller (or at least
# not larger) and every search, facet, histogram, stats and document id is
# the same afterwards; incremental indexing and deleting go on working, and
# a second compact too; the writer lock (exit 4, --wait-lock); a missing
# index; a file system without atomic exchange (simulated); a full disk and
# a file size limit (exit 6); SIGTERM/SIGINT (143/130) and kill -9 in the
# middle, on a larger index (Reuters-21578 when ../shared/corpus has it,
# else generated articles); a FastCGI process that keeps the index open
# across the compaction (when lighttpd and curl are installed).
# Every failure case checks that the original index is untouched and that
# no temporary directory (.NAME.compact-XXXXXX) is left beside it.
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC2016  # single-quoted Perl expressions
. "$(dirname "$0")/lib.sh"

plan 92

DB="$TMP/db"
SLOW=$((NX_TIMEOUT * 10))

# snapshot DB DIR: what searches, stats and fields say about DB, into DIR,
# one file per command with its exit status at the end (stats without
# the size on disk, which compacting changes).
snapshot() {
    local db=$1 dir=$2
    rm -rf "$dir" && mkdir -p "$dir"
    s() { # s NAME ARGS...
        local name=$1
        shift
        "$NEWSDEX" "$@" >"$dir/$name" 2>&1
        echo "exit $?" >>"$dir/$name"
    }
    s words search --db "$db" --json --limit 100 layoffs
    s phrase search --db "$db" --json --limit 100 '"Prime Video"'
    s dates search --db "$db" --json --limit 100 --from 2023-01 --to 2024-06 jobs
    s datefield search --db "$db" --json --limit 100 'date:2023 amazon OR microsoft'
    s facets search --db "$db" --json --limit 100 --facets --histogram month layoffs
    s fields_q search --db "$db" --json --limit 100 'topic:layoffs -title:amazon'
    s bydate search --db "$db" --json --limit 100 --sort date cut
    s wildcard search --db "$db" --json --limit 100 'layoff* NEAR/10 jobs'
    s similar similar --db "$db" ndx-0029
    s fields fields --db "$db"
    s stats_text stats --db "$db"
    sed -i '/^size on disk:/d' "$dir/stats_text"
    s stats_json stats --db "$db" --json
    perl -MJSON::PP -0777 -i -ne 'my ($j, $rest) = /^(.*\})(\s*exit.*)$/s;
        my $o = JSON::PP->new->canonical; my $d = $o->decode($j); delete $d->{size_bytes};
        print $o->encode($d), $rest' "$dir/stats_json"
    docids "$db" >"$dir/docids"
}

# docids DB: "id-term docid" for every article.
docids() {
    xapian-delve -1 -a "$1" 2>/dev/null | grep '^Q' | while IFS= read -r term; do
        printf '%s %s\n' "$term" "$(xapian-delve -1 -t "$term" "$1" 2>/dev/null | sed -n 2p)"
    done
}

# same_as DIR DB DESC: DB answers as the snapshot in DIR says.
same_as() {
    snapshot "$2" "$TMP/now"
    local diffs
    diffs=$(diff -r "$1" "$TMP/now" 2>&1 | head -40)
    if [ -z "$diffs" ]; then pass "$3"; else fail "$3" "$diffs"; fi
}

# size DB: bytes of the index files.
size() { find "$1" -maxdepth 1 -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }

# leftovers DB: the temporary directories beside DB.
leftovers() { find "$(dirname "$1")" -maxdepth 1 -name ".$(basename "$1").compact-*" | sort; }

# files DB: name, size and checksum of each file (the index untouched?).
files() { (cd "$1" && find . -type f ! -name newsdex.pid -print0 | sort -z | xargs -0 md5sum); }

SUMMARY='^compacted: [0-9.]+ (KiB|MiB|GiB) -> [0-9.]+ (KiB|MiB|GiB) in [0-9.]+ s; index holds'

# ---- A fragmented index: compacted, answers the same ------------------------
run "$NEWSDEX" index --db "$DB" --batch-size 3 "$CORPUS"
is "$RC" 0 "index the corpus in small batches"
run "$NEWSDEX" delete --db "$DB" ndx-0001 ndx-0007
is "$RC" 0 "delete two articles (gaps in the document ids)"
chmod 750 "$DB"
snapshot "$DB" "$TMP/before"
before=$(size "$DB")
grep -q '"id"' "$TMP/before/facets" && grep -q 'exit 0' "$TMP/before/facets"
ok $? "the snapshot holds results (facets and histogram search)"

run "$NEWSDEX" compact --db "$DB"
is "$RC" 0 "compact: exit 0"
like "$OUT" "$SUMMARY 49 articles\$" "compact: a summary line (before -> after, time, articles)"
is "$ERR" "" "compact: nothing on stderr"
after=$(size "$DB")
cmp_ok "$after" -lt "$before" "compact: the index got smaller ($before -> $after bytes)"
same_as "$TMP/before" "$DB" "compact: every search, facet, histogram, stats line and document id is the same"
is "$(leftovers "$DB")" "" "compact: no temporary directory left"
run xapian-check "$DB"
is "$RC" 0 "compact: xapian-check finds the index sound"
is "$(stat -c %a "$DB")" 750 "compact: the directory keeps its permissions"
run xapian-delve "$DB"
like "$OUT" 'highest document id ever used = 51' "compact: the last document id is kept"

# ---- Writing after compacting; a second compact ----------------------------
cat >"$TMP/more.jsonl" <<'EOF'
{"id":"cx-1","date":"2025-09-01","source":"Compact Wire","title":"Zorblax merger approved","body":"Regulators approved the zorblax merger on Monday."}
{"id":"cx-2","date":"2025-09-02","source":"Compact Wire","title":"Zorblax shares rise","body":"Zorblax shares rose after the merger was approved."}
EOF
run "$NEWSDEX" index --db "$DB" "$TMP/more.jsonl"
is "$RC" 0 "index more articles into the compacted index: exit 0"
like "$OUT" '^indexed: 2 added, .* holds 51 articles' "they are added"
is "$(search_ids "$DB" zorblax | sort | tr '\n' ' ')" "cx-1 cx-2 " "searches see them"
run "$NEWSDEX" delete --db "$DB" cx-1
is "$RC" 0 "delete one of them: exit 0"
is "$(search_ids "$DB" zorblax | tr '\n' ' ')" "cx-2 " "searches see the deletion"
run "$NEWSDEX" index --db "$DB" "$CORPUS"
is "$RC" 0 "re-index the corpus into the compacted index: exit 0"
like "$OUT" '^indexed: 2 added, 0 replaced, 49 unchanged' "only the deleted articles are added again"
run xapian-check "$DB"
is "$RC" 0 "xapian-check after writing"

snapshot "$DB" "$TMP/before2"
run "$NEWSDEX" compact --db "$DB" --json
is "$RC" 0 "a second compact (--json): exit 0"
is "$(printf '%s' "$OUT" | perl -MJSON::PP -0777 -ne '$j = decode_json($_); print join ",", $j->{articles}, $j->{size_after} <= $j->{size_before} ? "smaller" : "larger", $j->{seconds} >= 0 ? "seconds" : "?"')" \
    "52,smaller,seconds" "--json: one object with the articles, sizes and seconds"
same_as "$TMP/before2" "$DB" "a second compact: everything answers the same"
is "$(search_ids "$DB" zorblax | tr '\n' ' ')" "cx-2 " "a second compact: the deletion stays deleted"
run "$NEWSDEX" compact --db "$DB"
like "$OUT" "$SUMMARY 52 articles\$" "compacting a compact index works too"
NEWSDEX_DB=$DB run "$NEWSDEX" compact
is "$RC" 0 "the index can come from NEWSDEX_DB"

# ---- Through a symbolic link: the directory it names is compacted ----------
ln -s "$DB" "$TMP/link"
run "$NEWSDEX" compact --db "$TMP/link"
is "$RC" 0 "compact through a symbolic link: exit 0"
check_link=$([ -L "$TMP/link" ] && [ "$(readlink "$TMP/link")" = "$DB" ] && [ -d "$DB" ] && echo 0 || echo 1)
ok "$check_link" "the link stays a link to the index directory"
rm -f "$TMP/link"

# ---- Command line and missing indexes -------------------------------------
run env -u NEWSDEX_DB "$NEWSDEX" compact
is "$RC" 2 "no index given: exit 2"
like "$ERR" 'no index given' "and says so"
run "$NEWSDEX" compact --db "$DB" extra
is "$RC" 2 "an argument besides options: exit 2"
run "$NEWSDEX" compact --db "$TMP/missing"
is "$RC" 5 "a missing index: exit 5"
like "$ERR" "cannot open index $TMP/missing" "and says which"
[ ! -e "$TMP/missing" ]
ok $? "no index is created"
mkdir "$TMP/empty"
run "$NEWSDEX" compact --db "$TMP/empty"
is "$RC" 5 "a directory holding no index: exit 5"
printf 'auto %s\n' "$DB" >"$TMP/stub"
run "$NEWSDEX" compact --db "$TMP/stub"
is "$RC" 5 "a stub file: exit 5"
like "$ERR" 'not an index directory' "and says compact works on one index directory"

# ---- The writer lock --------------------------------------------------------
# hold: a writer that holds the index until release (it reads a FIFO).
hold() {
    rm -f "$TMP/feed.jsonl" && mkfifo "$TMP/feed.jsonl"
    "$NEWSDEX" index --db "$DB" "$TMP/feed.jsonl" >"$TMP/holder.out" 2>&1 &
    HOLDER=$!
    NX_CHILD_PIDS="${NX_CHILD_PIDS:-} $HOLDER"
    exec 3<>"$TMP/feed.jsonl" # read-write: never blocks, even if the writer failed
    for _ in $(seq 200); do [ -s "$DB/newsdex.pid" ] && break; sleep 0.05; done
}
release() { exec 3>&-; wait "$HOLDER"; }

files "$DB" >"$TMP/files.before"
hold
run "$NEWSDEX" compact --db "$DB"
is "$RC" 4 "a writer holds the index: exit 4"
is "$ERR" "newsdex: index $DB is locked by another writer (pid $HOLDER)" "and says who holds it"
files "$DB" >"$TMP/files.after"
cmp -s "$TMP/files.before" "$TMP/files.after"
ok $? "the index is unchanged"
is "$(leftovers "$DB")" "" "no temporary directory"

# --wait-lock: compact waits for the writer, then runs. 3>&-: the waiter
# must not keep the holder's FIFO open.
"$NEWSDEX" compact --db "$DB" --wait-lock 30 >"$TMP/w.out" 2>"$TMP/w.err" 3>&- &
waiter=$!
sleep 0.5
echo '{"id":"held-1","title":"written by the holder"}' >&3
release
wait "$waiter"
is "$?" 0 "--wait-lock 30: compact runs once the writer is done"
like "$(cat "$TMP/w.err")" 'locked by another writer \(pid [0-9]+\); waiting up to 30 s' "it said it was waiting"
like "$(cat "$TMP/w.out")" "$SUMMARY 53 articles\$" "and compacted the index with the writer's article"

# ---- A file system that cannot exchange two directories ---------------------
# renameat2 failing with EINVAL, as on a file system without RENAME_EXCHANGE
# (an LD_PRELOAD shim; skipped without a C compiler).
if command -v cc >/dev/null 2>&1 && [ -z "${NEWSDEX_WRAPPER:-}" ] &&
    printf '%s\n' '#include <errno.h>' \
        'int renameat2(int a, const char *b, int c, const char *d, unsigned e)' \
        '{ (void)a; (void)b; (void)c; (void)d; (void)e; errno = EINVAL; return -1; }' \
        >"$TMP/noexchange.c" &&
    cc -shared -fPIC -o "$TMP/noexchange.so" "$TMP/noexchange.c" 2>/dev/null; then
    run "$NEWSDEX" index --db "$DB" --batch-size 2 "$TMP/more.jsonl" # something to compact
    files "$DB" >"$TMP/files.before"
    snapshot "$DB" "$TMP/before3"
    run env LD_PRELOAD="$TMP/noexchange.so" ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" \
        "$NEWSDEX" compact --db "$DB"
    is "$RC" 5 "no atomic exchange: exit 5"
    like "$ERR" 'does not support exchanging two directories atomically .*the index was left as it was' \
        "and says why, and that the index was left as it was"
    files "$DB" >"$TMP/files.after"
    cmp -s "$TMP/files.before" "$TMP/files.after"
    ok $? "no atomic exchange: the index is unchanged"
    same_as "$TMP/before3" "$DB" "no atomic exchange: everything answers the same"
    is "$(leftovers "$DB")" "" "no atomic exchange: the temporary directory is removed"
else
    for _ in 1 2 3 4 5; do pass "# SKIP no C compiler for the LD_PRELOAD shim (or under a wrapper)"; done
fi

# ---- A full disk -------------------------------------------------------------
# A file size limit (ulimit -f) first, which the README treats the same.
files "$DB" >"$TMP/files.before"
run bash -c 'trap "" XFSZ; ulimit -f 64; exec "$0" compact --db "$1"' "$NEWSDEX" "$DB"
is "$RC" 6 "a file size limit while compacting: exit 6"
like "$ERR" 'cannot compact index .*File too large' "and the reason"
files "$DB" >"$TMP/files.after"
cmp -s "$TMP/files.before" "$TMP/files.after"
ok $? "file size limit: the index is unchanged"
is "$(leftovers "$DB")" "" "file size limit: the temporary directory is removed"

# Then a real full disk: a small tmpfs (needs root; skipped otherwise).
MNT="$TMP/mnt"
mkdir -p "$MNT"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=4m,mode=0755 newsdex-test "$MNT" 2>/dev/null; then
    trap 'umount "$MNT" 2>/dev/null || umount -l "$MNT" 2>/dev/null; _cleanup' EXIT
    "$NEWSDEX" index --db "$MNT/db" --batch-size 3 "$CORPUS" >/dev/null 2>&1
    snapshot "$MNT/db" "$TMP/before4"
    files "$MNT/db" >"$TMP/files.before"
    # Fill the disk, then free 64 KiB: far less than the copy needs.
    dd if=/dev/zero of="$MNT/fill" bs=64k >/dev/null 2>&1
    truncate -s -64K "$MNT/fill"
    run "$NEWSDEX" compact --db "$MNT/db"
    is "$RC" 6 "disk full while compacting: exit 6"
    like "$ERR" 'No space left on device' "disk full: the message says so"
    like "$ERR" 'needs room for a second copy' "disk full: and what compacting needs"
    files "$MNT/db" >"$TMP/files.after"
    cmp -s "$TMP/files.before" "$TMP/files.after"
    ok $? "disk full: the index is unchanged"
    same_as "$TMP/before4" "$MNT/db" "disk full: everything answers the same"
    is "$(leftovers "$MNT/db")" "" "disk full: the temporary directory is removed"
    rm -f "$MNT/fill"
    run "$NEWSDEX" compact --db "$MNT/db"
    is "$RC" 0 "with room again, compact works"
    umount "$MNT" 2>/dev/null || umount -l "$MNT"
    trap _cleanup EXIT
else
    for _ in 1 2 3 4 5 6 7; do pass "# SKIP cannot mount a tmpfs (needs root)"; done
fi

# ---- Interrupted: SIGTERM, SIGINT, kill -9 on a larger index ---------------
BIG="$TMP/big"
REUTERS="$REPO_ROOT/../shared/corpus/reuters21578"
if [ -r "$REUTERS/reut2-000.sgm" ]; then
    INPUT=("$REUTERS")
    note "larger index: Reuters-21578"
else
    awk 'BEGIN {
        srand(11)
        n = split("market shares profit revenue bank oil price rate growth company quarter " \
                  "earnings dollar trade deficit export said tonnes crude barrel wheat", V, " ")
        for (i = 1; i <= 8000; i++) {
            body = ""
            for (k = 0; k < 160; k++) body = body V[int(rand() * n) + 1] (rand() < 0.05 ? "x" i % 997 : "") " "
            printf "{\"id\":\"big-%05d\",\"date\":\"2024-%02d-%02d\",\"title\":\"Article %d\",\"body\":\"%s\"}\n", \
                   i, i % 12 + 1, i % 28 + 1, i, body
        }
    }' >"$TMP/big.jsonl"
    INPUT=("$TMP/big.jsonl")
    note "larger index: 8000 generated articles (no Reuters-21578 in ../shared/corpus)"
fi
NX_TIMEOUT=$SLOW run "$NEWSDEX" index --db "$BIG" --progress=never "${INPUT[@]}"
is "$RC" 0 "index the larger archive"

# bigsnap DIR: a few searches of the larger index.
bigsnap() {
    rm -rf "$1" && mkdir -p "$1"
    "$NEWSDEX" search --db "$BIG" --json --limit 50 oil prices >"$1/words" 2>&1
    "$NEWSDEX" search --db "$BIG" --json --limit 50 '"interest rates"' >"$1/phrase" 2>&1
    "$NEWSDEX" search --db "$BIG" --json --limit 50 --facets --histogram month wheat >"$1/facets" 2>&1
    "$NEWSDEX" stats --db "$BIG" | grep -v '^size on disk:' >"$1/stats"
}
bigsame() {
    bigsnap "$TMP/bignow"
    local diffs
    diffs=$(diff -r "$TMP/bigbefore" "$TMP/bignow" 2>&1 | head -20)
    if [ -z "$diffs" ]; then pass "$1"; else fail "$1" "$diffs"; fi
}
bigsnap "$TMP/bigbefore"

# start_compact: compact BIG in the background (its own process group, so
# that SIGINT reaches it), returning once its temporary directory exists.
start_compact() {
    set -m
    "$NEWSDEX" compact --db "$BIG" >"$TMP/c.out" 2>"$TMP/c.err" &
    CPID=$!
    set +m
    NX_CHILD_PIDS="${NX_CHILD_PIDS:-} $CPID"
    for _ in $(seq 1000); do
        [ -n "$(leftovers "$BIG")" ] && break
        kill -0 "$CPID" 2>/dev/null || break
        sleep 0.01
    done
}

# stop SIG STATUS: a signal in the middle of the compaction.
stop() {
    local sig=$1 want=$2
    files "$BIG" >"$TMP/files.before"
    start_compact
    kill -s "$sig" "$CPID" 2>/dev/null
    wait "$CPID"
    local rc=$?
    if [ "$rc" = 0 ]; then
        # The compaction was over before the signal came: nothing to test.
        for _ in 1 2 3 4 5 6; do pass "# SKIP SIG$sig came after the compaction had finished"; done
        return
    fi
    is "$rc" "$want" "SIG$sig while compacting: exit $want"
    like "$(cat "$TMP/c.err")" "interrupted by SIG$sig; the index was left as it was" "SIG$sig: says so"
    files "$BIG" >"$TMP/files.after"
    cmp -s "$TMP/files.before" "$TMP/files.after"
    ok $? "SIG$sig: the index is unchanged"
    is "$(leftovers "$BIG")" "" "SIG$sig: no temporary directory left"
    bigsame "SIG$sig: searches give the same results"
    run xapian-check "$BIG"
    is "$RC" 0 "SIG$sig: xapian-check finds the index sound"
}
stop TERM 143
stop INT 130

# kill -9: the temporary directory stays behind (the compacting child dies
# with its parent); it breaks nothing, and the next compact removes it.
start_compact
sleep 0.2
kill -9 "$CPID" 2>/dev/null
wait "$CPID" 2>/dev/null
left=$(leftovers "$BIG")
isnt "$left" "" "kill -9 while compacting: the temporary directory stays behind"
bigsame "kill -9: searches give the same results"
run "$NEWSDEX" stats --db "$BIG"
is "$RC" 0 "kill -9: stats works beside the leftover"
NX_TIMEOUT=$SLOW run "$NEWSDEX" compact --db "$BIG" --wait-lock 10
is "$RC" 0 "kill -9: the next compact works"
like "$ERR" "removed $left, left by an interrupted compact" "and removes the leftover (saying so)"
is "$(leftovers "$BIG")" "" "no temporary directory is left"
like "$OUT" "$SUMMARY" "and compacts"
bigsame "after compacting the larger index: searches give the same results"
run xapian-check "$BIG"
is "$RC" 0 "the compacted larger index passes xapian-check"

# A writer that comes while compact runs waits for it (--wait-lock), then
# writes to the new index.
start_compact
NX_TIMEOUT=$SLOW run "$NEWSDEX" index --db "$BIG" --wait-lock 120 "$TMP/more.jsonl"
wait "$CPID"
is "$?" 0 "a compact with a writer waiting: exit 0"
is "$RC" 0 "the writer waited for it, then indexed (exit 0)"
like "$ERR" 'locked by another writer \(pid [0-9]+\); waiting' "it said it was waiting"
is "$(search_ids "$BIG" zorblax | sort | tr '\n' ' ')" "cx-1 cx-2 " "what it wrote is in the new index"
run xapian-check "$BIG"
is "$RC" 0 "and the index passes xapian-check"

# ---- A reader that keeps the index open: FastCGI -----------------------------
# A FastCGI process opens the index once; after the directory is swapped it
# must go on answering, the same, and see what is written afterwards.
if command -v lighttpd >/dev/null 2>&1 && command -v curl >/dev/null 2>&1; then
    # shellcheck source=cgi_lib.sh
    . "$(dirname "$0")/cgi_lib.sh"
    SAVED_DB=$DB
    DB="$TMP/web"
    "$NEWSDEX" index --db "$DB" --batch-size 5 "$CORPUS" >/dev/null 2>&1
    start_lighttpd --fastcgi-env NEWSDEX_CACHE_ENTRIES=0
    trap 'stop_lighttpd; _cleanup' EXIT
    http_get "$BASE/search?q=layoffs&format=json"
    # shellcheck disable=SC2153  # STATUS is set by http_get (cgi_lib.sh)
    is "$STATUS" 200 "FastCGI: a search before compacting"
    printf '%s' "$BODY" >"$TMP/web.before"
    run "$NEWSDEX" compact --db "$DB"
    is "$RC" 0 "FastCGI: compact while it keeps the index open"
    for _ in 1 2 3; do
        http_get "$BASE/search?q=layoffs&format=json"
        printf '%s' "$BODY" >"$TMP/web.after"
        cmp -s "$TMP/web.before" "$TMP/web.after" || break
    done
    is "$STATUS" 200 "FastCGI: searches after compacting answer"
    cmp -s "$TMP/web.before" "$TMP/web.after"
    ok $? "FastCGI: with the same results (three searches)"
    run "$NEWSDEX" index --db "$DB" "$TMP/more.jsonl"
    http_get "$BASE/search?q=zorblax&format=json"
    is "$(body_json 'join " ", sort map { $_->{id} } @{$j->{results}}')" "cx-1 cx-2" \
        "FastCGI: sees what is indexed after the compaction"
    stop_lighttpd
    DB=$SAVED_DB
else
    for _ in 1 2 3 4 5; do pass "# SKIP lighttpd or curl not installed"; done
fi

done_testing
