#!/bin/bash
# Messy real-world input keeps every article and says what it changed
# (issue 15): byte-order marks, dates in the forms feeds write, unreadable
# dates kept undated with a warning (rejected only with --strict-dates).
. "$(dirname "$0")/ingest_lib.sh"

# ---- a UTF-8 byte-order mark opens the file, not its first record ----
printf '\xef\xbb\xbf{"id":"bom-1","title":"First"}\n{"id":"bom-2","title":"Second"}\n' \
    >"$TMP/bom.jsonl"
"$NEWSDEX" index --db "$TMP/db-bom" "$TMP/bom.jsonl" >"$TMP/out" 2>"$TMP/err"
is "$?" 0 "JSON Lines with a byte-order mark: exit 0"
is "$(cat "$TMP/err")" "" "JSON Lines with a byte-order mark: nothing on stderr"
is "$(count "$TMP/db-bom")" 2 "the first record is indexed too"
gzip -c "$TMP/bom.jsonl" >"$TMP/bom2.jsonl.gz"
printf '\xef\xbb\xbf<REUTERS NEWID="9"><TEXT><TITLE>Marked</TITLE><BODY>Body.</BODY></TEXT></REUTERS>\n' \
    >"$TMP/bom.sgm"
printf '\xef\xbb\xbfMarked text\nBody of it.\n' >"$TMP/bom.txt"
"$NEWSDEX" index --db "$TMP/db-bom2" "$TMP/bom2.jsonl.gz" "$TMP/bom.sgm" "$TMP/bom.txt" \
    >"$TMP/out" 2>"$TMP/err"
is "$?" 0 "gzip'd JSON Lines, SGML and text with a byte-order mark: exit 0"
is "$(count "$TMP/db-bom2")" 4 "every record of them is indexed"
"$NEWSDEX" search --db "$TMP/db-bom2" --json 'title:marked' >"$TMP/out" 2>&1
like "$(cat "$TMP/out")" '"title":"Marked text"' "the text title has no mark left in it"

# ---- dates: the forms feeds write; the unreadable kept undated ----
DATES="$TMP/dates.jsonl"
{
    echo '{"id":"d-iso","title":"iso","date":"2024-01-10T14:03:00+01:00"}'        # 1
    echo '{"id":"d-year","title":"year","date":"2008"}'                          # 2
    echo '{"id":"d-month","title":"month","date":"2008-09"}'                     # 3
    echo '{"id":"d-rss","title":"rss","date":"Wed, 10 Jan 2024 14:03:00 GMT"}'   # 4
    echo '{"id":"d-dmy","title":"dmy","date":"10 January 2024"}'                 # 5
    echo '{"id":"d-mdy","title":"mdy","date":"January 10, 2024"}'                # 6
    echo '{"id":"d-amb","title":"ambiguous","date":"03/04/2008"}'                # 7
    echo '{"id":"d-bad","title":"bad","date":"sometime soon"}'                   # 8
} >"$DATES"
"$NEWSDEX" index --db "$TMP/db-dates" "$DATES" >"$TMP/out" 2>"$TMP/err"
is "$?" 0 "unreadable dates alone do not change the exit status"
like "$(cat "$TMP/out")" '8 added, .* 0 rejected, 2 kept undated' "every article kept; the summary counts the undated"
like "$(cat "$TMP/err")" "^$DATES:7: warning: article \"d-amb\" indexed without a date: .*ambiguous" \
    "03/04/2008: FILE:LINE warning that says it is ambiguous"
like "$(cat "$TMP/err")" "^$DATES:8: warning: article \"d-bad\" indexed without a date: .*sometime soon" \
    "an unreadable date: FILE:LINE warning quoting it"
is "$(grep -c warning "$TMP/err")" 2 "no warning for the readable forms"
"$NEWSDEX" search --db "$TMP/db-dates" --json --limit 20 --sort date \
    'iso OR year OR month OR rss OR dmy OR mdy OR ambiguous OR bad' >"$TMP/out" 2>&1
got=$(perl -MJSON::PP -e 'local $/; my $j = decode_json(<STDIN>);
    print join(" ", map { "$_->{id}=" . ($_->{date} // "none") } sort { $a->{id} cmp $b->{id} } @{$j->{results}})' <"$TMP/out")
is "$got" "d-amb=none d-bad=none d-dmy=2024-01-10 d-iso=2024-01-10 d-mdy=2024-01-10 d-month=2008-09-01 d-rss=2024-01-10 d-year=2008-01-01" \
    "each form gives its day; the unreadable ones are undated"
"$NEWSDEX" index --db "$TMP/db-strict" --strict-dates "$DATES" >"$TMP/out" 2>"$TMP/err"
is "$?" 1 "--strict-dates: exit 1"
like "$(cat "$TMP/out")" '6 added, .* 2 rejected' "--strict-dates: the two are rejected"
like "$(cat "$TMP/err")" "^$DATES:7: date \"03/04/2008\": ambiguous" "--strict-dates: FILE:LINE reason"

# ---- empty files: one rule for every format; passed-over files named ----
W="$TMP/walk"
mkdir -p "$W/.git" "$W/sub"
echo '{"id":"w-1","title":"Walked"}' >"$W/a.jsonl"
: >"$W/empty.jsonl"
printf '\n \n' >"$W/sub/empty.txt"
echo 'not an input' >"$W/notes.doc"
echo '{"id":"hidden"}' >"$W/.hidden.jsonl"
echo '{"id":"git"}' >"$W/.git/x.jsonl"
"$NEWSDEX" index --db "$TMP/db-walk" "$W" >"$TMP/out" 2>"$TMP/err"
is "$?" 0 "empty files alone do not change the exit status"
like "$(cat "$TMP/err")" "^$W/empty.jsonl: warning: empty file: no articles" "an empty .jsonl is warned about"
like "$(cat "$TMP/err")" "^$W/sub/empty.txt: warning: empty file: no articles" \
    "an empty .txt the same way, not rejected"
like "$(cat "$TMP/out")" '1 added, .* 0 rejected, 2 empty files in ' "the summary counts the empty files"
like "$(cat "$TMP/out")" "^skipped: 3 files not read: " "the summary counts the files passed over"
like "$(cat "$TMP/out")" "$W/notes.doc \(unknown extension\)" "an unknown extension is named"
like "$(cat "$TMP/out")" "$W/.hidden.jsonl \(hidden\)" "a hidden file is named"
like "$(cat "$TMP/out")" "$W/.git \(hidden\)" "a hidden directory is named"
: >"$TMP/empty.txt"
"$NEWSDEX" index --db "$TMP/db-walk" "$TMP/empty.txt" >"$TMP/out" 2>"$TMP/err"
is "$?" 0 "an empty .txt named on the command line: exit 0"
unlike "$(cat "$TMP/out")" "skipped:" "no skipped line when nothing was passed over"

done_testing
