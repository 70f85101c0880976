#!/bin/bash
# Nothing read is dropped unsaid (issue 14): input a reader cannot use is a
# rejected record reported as FILE:LINE, so --prune refuses instead of
# deleting the articles that input held; and one SIGTERM stops a reader even
# inside a line that never ends.
. "$(dirname "$0")/ingest_lib.sh"

# ---- --prune with an SGML record on a line over 16 MiB ----
DB="$TMP/db-prune"
rec() { printf '<REUTERS NEWID="%s"><TEXT><TITLE>Story %s</TITLE><BODY>Body of story %s.</BODY></TEXT></REUTERS>\n' "$1" "$1" "$1"; }
{ rec 1; rec 2; rec 3; } >"$TMP/full.sgm"
"$NEWSDEX" index --db "$DB" "$TMP/full.sgm" >/dev/null 2>&1
is "$(count "$DB")" 3 "three SGML articles indexed"

# Article 2 again, its <REUTERS line padded past the line limit.
{
    rec 1
    printf '<REUTERS NEWID="2"><TEXT><TITLE>Story 2</TITLE><BODY>'
    head -c $((16 * 1024 * 1024 + 10)) /dev/zero | tr '\0' 'x'
    printf '</BODY></TEXT></REUTERS>\n'
    rec 3
} >"$TMP/long.sgm"
"$NEWSDEX" index --db "$DB" --prune "$TMP/long.sgm" >"$TMP/out" 2>"$TMP/err"
is "$?" 1 "a line over the limit: exit 1 (rejected)"
like "$(cat "$TMP/err")" "long.sgm:2: line longer than 16777216 bytes: skipped, with any <REUTERS> records on it" \
    "the rejection says FILE:LINE and why"
like "$(cat "$TMP/err")" "--prune skipped" "--prune refuses"
like "$(cat "$TMP/out")" " 1 rejected in " "the summary counts the rejection"
is "$(count "$DB")" 3 "article 2 is still in the index"

# ---- a dangling symlink in a directory walk: reported, prune refuses ----
mkdir "$TMP/walk"
cp "$TMP/full.sgm" "$TMP/walk/a.sgm"
ln -s "$TMP/gone.sgm" "$TMP/walk/b.sgm"
"$NEWSDEX" index --db "$DB" --prune "$TMP/walk" >"$TMP/out" 2>"$TMP/err"
is "$?" 3 "a dangling symlink: exit 3 (an input could not be read)"
like "$(cat "$TMP/err")" 'b\.sgm: cannot open ".*b\.sgm": No such file or directory' \
    "the dangling symlink is named"
like "$(cat "$TMP/err")" "--prune skipped" "--prune refuses"

# ---- one SIGTERM stops a reader inside an endless line ----
DB="$TMP/db-zero"
echo '{"id":"kept","title":"Indexed before"}' | "$NEWSDEX" index --db "$DB" - >/dev/null 2>&1
set -m # own process group, as a service manager would start it
"$NEWSDEX" index --db "$DB" --progress=never --format jsonl /dev/zero >"$TMP/out" 2>"$TMP/err" &
pid=$!
set +m
sleep 1
kill -s TERM "$pid"
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then
    not_ok "one SIGTERM stops reading /dev/zero within 10 s"
    kill -s KILL "$pid"
    wait "$pid"
else
    ok "one SIGTERM stops reading /dev/zero within 10 s"
    wait "$pid"
    is "$?" 143 "exit status 143"
fi
like "$(cat "$TMP/err")" "interrupted by SIGTERM after /dev/zero:0; everything read up to there was committed" \
    "says where it stopped"
like "$(cat "$TMP/out")" "^indexed: 0 added, 0 replaced, 0 unchanged, 0 deleted, 0 rejected in .* index holds 1 articles" \
    "summary printed, nothing rejected"
check "xapian-check passes" xcheck "$DB"
is "$(count "$DB")" 1 "the index opens and holds what it held"

done_testing
