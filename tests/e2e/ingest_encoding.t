#!/bin/bash
# Ingestion says what it changed and keeps ids stable (issue 15): input
# that is not UTF-8 is warned about once per file (and converted with
# --encoding, in every format), text ids do not depend on how the
# directory was typed, text files may carry header lines, --source and
# --date fill in what articles lack, and a run that indexes nothing into a
# new index leaves none behind.
. "$(dirname "$0")/ingest_lib.sh"

# search_json DB QUERY: the JSON of a search (never a spelling correction instead), into $TMP/out.
search_json() { "$NEWSDEX" search --db "$1" --json --no-correct "$2" >"$TMP/out" 2>&1; }

# ---- Windows-1252 input: warned once per file, then converted ----
mkdir -p "$TMP/cp"
printf 'Caf\xe9 owner M\xfcller sells\nThe caf\xe9 was sold \x93today\x94 for 5 \x80.\n' \
    >"$TMP/cp/cafe.txt"
printf '{"id":"cp-1","title":"Gr\xfc\xdfe from the caf\xe9","body":"M\xfcller"}\n' \
    >"$TMP/cp/greet.jsonl"
gzip -c "$TMP/cp/greet.jsonl" >"$TMP/cp/zipped.jsonl.gz"
printf '<REUTERS NEWID="3"><TEXT><TITLE>M\xdcLLER BUYS CAF\xc9</TITLE><BODY>Done.</BODY></TEXT></REUTERS>\n' \
    >"$TMP/cp/wire.sgm"
DB="$TMP/db-cp"
"$NEWSDEX" index --db "$DB" "$TMP/cp" >"$TMP/out" 2>"$TMP/err"
is "$?" 0 "not UTF-8: still exit 0"
like "$(cat "$TMP/err")" "^$TMP/cp/cafe\.txt:1: warning: not valid UTF-8: 6 bytes replaced by U\+FFFD in this file, the first on this line \(--encoding" \
    "text: one warning, FILE:LINE of the first bad byte and the file's total"
is "$(grep -c 'greet\.jsonl:1: warning: not valid UTF-8: 4 bytes' "$TMP/err")" 1 "JSON Lines: one warning for the file"
like "$(cat "$TMP/err")" "zipped\.jsonl\.gz:1: warning: not valid UTF-8" "gzip'd JSON Lines: warned too"
like "$(cat "$TMP/err")" "wire\.sgm:1: warning: not valid UTF-8: 2 bytes" "SGML: warned too"
like "$(cat "$TMP/out")" ", 4 files not valid UTF-8 \(16 bytes replaced\)" "the summary counts files and bytes"
search_json "$DB" 'café'
like "$(cat "$TMP/out")" '"total":0' "replaced letters: café is not found"

"$NEWSDEX" index --db "$DB" --encoding cp1252 "$TMP/cp" >"$TMP/out" 2>"$TMP/err"
is "$?" 0 "--encoding cp1252: exit 0"
is "$(cat "$TMP/err")" "" "--encoding cp1252: no warning"
like "$(cat "$TMP/out")" "^indexed: 0 added, 3 replaced, 1 unchanged, .* index holds 3 articles" \
    "the converted articles replace the damaged ones (the gzip'd copy is the same article)"
search_json "$DB" 'café'
like "$(cat "$TMP/out")" '"total":3' "café is found in text, JSON Lines and SGML"
search_json "$DB" 'Müller'
like "$(cat "$TMP/out")" '"total":3' "Müller is found"
search_json "$DB" 'title:grüße'
like "$(cat "$TMP/out")" '"title":"Grüße from the café"' "the title reads as written"

printf 'Undefined \x81 byte\n' >"$TMP/undefined.txt"
"$NEWSDEX" index --db "$DB" --encoding windows-1252 "$TMP/undefined.txt" >"$TMP/out" 2>"$TMP/err"
like "$(cat "$TMP/err")" "undefined\.txt:1: warning: not valid windows-1252: 1 byte replaced" \
    "a byte cp1252 leaves undefined is reported, not guessed"
"$NEWSDEX" index --db "$DB" --encoding latin1 "$TMP/undefined.txt" >"$TMP/out" 2>"$TMP/err"
is "$(cat "$TMP/err")" "" "latin1 reads every byte"
"$NEWSDEX" index --db "$TMP/db-ebcdic" --encoding ebcdic "$TMP/undefined.txt" >"$TMP/out" 2>"$TMP/err"
is "$?" 2 "an unknown encoding: exit 2"
like "$(cat "$TMP/err")" 'encoding "ebcdic" is not known' "and says so"
check "and leaves no index behind" test ! -e "$TMP/db-ebcdic"

# ---- text ids: the same however the directory is typed ----
mkdir -p "$TMP/tree/business/sub"
printf 'Alpha title\nalpha body\n' >"$TMP/tree/business/a.txt"
printf 'Beta title\nbeta body\n' >"$TMP/tree/business/sub/b.txt"
DB="$TMP/db-ids"
(cd "$TMP/tree" && "$NEWSDEX" index --db "$DB" business/) >"$TMP/out" 2>&1
like "$(cat "$TMP/out")" "2 added" "business/: 2 added"
for spelling in ./business business// "$TMP/tree/business/" "$TMP/tree/./business/sub/.."; do
    (cd "$TMP/tree" && "$NEWSDEX" index --db "$DB" "$spelling") >"$TMP/out" 2>&1
    like "$(cat "$TMP/out")" "0 added, 0 replaced, 2 unchanged, .* index holds 2 articles" \
        "$spelling: the same ids, nothing added"
done
(cd "$TMP/tree/business" && "$NEWSDEX" index --db "$DB" .) >"$TMP/out" 2>&1
like "$(cat "$TMP/out")" "0 added, .* index holds 2 articles" ". inside it: the directory's own name, the same ids"
search_json "$DB" 'beta'
like "$(cat "$TMP/out")" '"id":"business/sub/b.txt"' "the id: the directory's name, then the path under it"
"$NEWSDEX" index --db "$TMP/db-one" "$TMP/tree/business/sub/b.txt" >/dev/null 2>&1
search_json "$TMP/db-one" 'beta'
like "$(cat "$TMP/out")" '"id":"b.txt"' "a file given by itself: its base name"

# ---- text header lines; --source and --date ----
mkdir -p "$TMP/head"
printf 'Title: Oil rises again\nDate: 2024-01-10\nSource: Wire\nURL: https://example.com/oil\nTopics: oil, energy\n\nCrude climbed on Monday.\n' \
    >"$TMP/head/a.txt"
printf 'Title: Gold slips\nAuthor: Bob\n\nBullion fell.\n' >"$TMP/head/b.txt"
printf 'Plain first line\nNo header here.\n' >"$TMP/head/c.txt"
printf '{"id":"own","title":"Own source and date","source":"Gazette","date":"2001-02-03"}\n' \
    >"$TMP/head/d.jsonl"
DB="$TMP/db-head"
"$NEWSDEX" index --db "$DB" --source Archive --date 2019-05 "$TMP/head" >"$TMP/out" 2>"$TMP/err"
is "$?" 0 "header lines, --source and --date: exit 0"
like "$(cat "$TMP/err")" "^$TMP/head/b\.txt:2: warning: malformed header line kept as body text: unknown name \"Author\"" \
    "a malformed header line: FILE:LINE and why"
search_json "$DB" 'crude'
like "$(cat "$TMP/out")" '"date":"2024-01-10","source":"Wire","title":"Oil rises again","url":"https://example.com/oil"' \
    "Title, Date, Source and URL headers are the article's"
"$NEWSDEX" search --db "$DB" --json 'topic:energy' >"$TMP/out" 2>&1
like "$(cat "$TMP/out")" '"total":1' "Topics: a filter list"
search_json "$DB" 'bob'
like "$(cat "$TMP/out")" '"title":"Gold slips"' "the malformed line is body text: searchable, never dropped"
like "$(cat "$TMP/out")" '"source":"Archive"' "--source for a file without one"
search_json "$DB" 'plain'
like "$(cat "$TMP/out")" '"date":"2019-05-01","source":"Archive","title":"Plain first line"' \
    "no header: the first line is the title; --date and --source apply"
search_json "$DB" 'own'
like "$(cat "$TMP/out")" '"date":"2001-02-03","source":"Gazette"' "a record's own source and date win"
"$NEWSDEX" index --db "$TMP/db-baddate" --date 03/04/2008 "$TMP/head" >"$TMP/out" 2>"$TMP/err"
is "$?" 2 "an ambiguous --date: exit 2"
like "$(cat "$TMP/err")" 'default date: .*ambiguous' "and says why"

# ---- a run that indexes nothing leaves no new index behind ----
: >"$TMP/empty.jsonl"
"$NEWSDEX" index --db "$TMP/db-none" "$TMP/empty.jsonl" >"$TMP/out" 2>"$TMP/err"
is "$?" 0 "an empty input: exit 0"
check "no index directory left" test ! -e "$TMP/db-none"
like "$(cat "$TMP/err")" "nothing was indexed: no index was left in $TMP/db-none" "and says so"
echo '{"title":"no id"}' >"$TMP/rejected.jsonl"
"$NEWSDEX" index --db "$TMP/db-none" "$TMP/rejected.jsonl" "$TMP/missing.jsonl" >"$TMP/out" 2>"$TMP/err"
is "$?" 3 "everything rejected or unreadable: exit 3"
check "still no index directory" test ! -e "$TMP/db-none"
mkdir "$TMP/db-made"
"$NEWSDEX" index --db "$TMP/db-made" "$TMP/empty.jsonl" >"$TMP/out" 2>"$TMP/err"
check "a directory made beforehand stays" test -d "$TMP/db-made"
is "$(ls -A "$TMP/db-made")" "" "but holds no index"
"$NEWSDEX" index --db "$TMP/db-head" "$TMP/empty.jsonl" >"$TMP/out" 2>"$TMP/err"
is "$(count "$TMP/db-head")" 4 "an index that existed is kept, whatever the run"
unlike "$(cat "$TMP/err")" "nothing was indexed" "and nothing is said about removing it"

done_testing
