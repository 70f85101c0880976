#!/usr/bin/env bash
# Hardening (issue 14): a record the readers accept at their largest
# (32 MiB of distinct words) is indexed in bounded memory and reported as
# truncated, ordinary articles are not; a stub file naming itself is an
# index error, not a crash; a damaged term table makes `stats` report a
# corrupt index instead of crashing inside Xapian.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

plan 15

# ---- A 32 MiB record of distinct words ----------------------------------
# One Reuters SGML record (the format that takes records up to 32 MiB) whose
# body is ~31.5 MiB of made-up words, none repeated.
perl -e '
    my $x = 7;
    sub rnd { $x = ($x * 1103515245 + 12345) % 2147483648; return $x >> 8; }
    print "<REUTERS TOPICS=\"YES\" NEWID=\"1\">\n<DATE>26-FEB-1987 15:01:01.79</DATE>\n",
          "<TOPICS><D>cocoa</D></TOPICS>\n<TEXT>\n<TITLE>BIG RECORD</TITLE>\n<BODY>";
    my ($size, $i) = (0, 0);
    while ($size < 31.5 * 1024 * 1024) {
        my $line = join(" ", map { join("", map { chr(97 + rnd() % 26) } 1..7) . $i++ } 1..10);
        print $line, "\n";
        $size += length($line) + 1;
    }
    print "</BODY></TEXT>\n</REUTERS>\n";
' >"$TMP/big.sgm"

# The address space is capped at 1 GiB (the index took 2 GB before the
# per-article bounds). Not under AddressSanitizer or a wrapper, which
# reserve far more address space than they use.
limit='ulimit -v 1048576;'
if [ -n "${NEWSDEX_WRAPPER:-}" ] || nm "$NEWSDEX_REAL" 2>/dev/null | grep -q __asan_init; then
    limit=''
fi
NX_TIMEOUT=120 run bash -c "$limit"' exec "$0" index --db "$1" "$2"' "$NEWSDEX" "$TMP/big" "$TMP/big.sgm"
is "$RC" 0 "a 32 MiB record of distinct words is indexed within 1 GiB of address space"
like "$ERR" "big\.sgm:[0-9]+: warning: article \"reuters-1\" was truncated at [0-9]+ distinct terms" \
    "the truncation is reported as FILE:LINE: warning"
like "$OUT" "1 added, .* 0 rejected, 1 truncated in" "the summary counts the truncated article"
run "$NEWSDEX" search --db "$TMP/big" --json topic:cocoa
like "$OUT" '"reuters-1"' "the truncated article is in the index, its topic searchable"
rm -f "$TMP/big.sgm"
rm -rf "$TMP/big"

# Ordinary articles are untouched: no warning, the usual summary.
run "$NEWSDEX" index --db "$TMP/corpus" "$CORPUS"
is "$RC" 0 "the bundled corpus indexes"
unlike "$ERR$OUT" "truncated|warning" "no article of the bundled corpus is truncated"

# ---- Stub files naming themselves ------------------------------------------
printf 'auto self.stub\n' >"$TMP/self.stub"
printf 'auto %s\nauto b.stub\n' "$TMP/corpus" >"$TMP/a.stub"
printf 'auto a.stub\n' >"$TMP/b.stub"
run "$NEWSDEX" search --db "$TMP/self.stub" layoffs
is "$RC" 5 "search on a stub naming itself: index error (exit 5), not a crash"
like "$ERR" "self\.stub names itself" "the message says the stub names itself"
run "$NEWSDEX" stats --db "$TMP/self.stub"
is "$RC" 5 "stats on a stub naming itself: exit 5"
run "$NEWSDEX" search --db "$TMP/a.stub" layoffs
is "$RC" 5 "search on two stubs naming each other: exit 5"
like "$ERR" "cycle" "the message says the stubs form a cycle"
printf 'auto %s\n' "$TMP/corpus" >"$TMP/good.stub"
run "$NEWSDEX" search --db "$TMP/good.stub" layoffs
is "$RC" 0 "a stub naming an index still works"

# ---- A damaged term table ----------------------------------------------------
# 10,000 made-up articles give a posting-list table of several levels; then
# every leaf block's item directory points past the block's end from item 5
# on, which crashed Xapian 1.4 while `stats` walked every term.
perl -e '
    my $x = 42;
    sub rnd { $x = ($x * 1103515245 + 12345) % 2147483648; return $x; }
    my @v = map { my $w = ""; $w .= chr(97 + rnd() % 26) for 1..(4 + rnd() % 6); $w } 1..40000;
    for my $i (1..10000) {
        my @w = map { $v[rnd() % @v] } 1..80;
        print "{\"id\":\"a$i\",\"title\":\"$w[0] $w[1]\",\"body\":\"@w\",\"source\":\"S", $i % 7, "\"}\n";
    }
' >"$TMP/many.jsonl"
NX_TIMEOUT=120 run "$NEWSDEX" index --db "$TMP/many" "$TMP/many.jsonl"
is "$RC" 0 "10,000 articles indexed"
perl -e '
    my $p = shift;
    my $size = -s $p;
    open(my $f, "+<", $p) or die "$p: $!\n";
    binmode $f;
    for (my $b = 0; $b + 8192 <= $size; $b += 8192) {
        seek($f, $b, 0);
        read($f, my $head, 11) == 11 or last;
        next if ord(substr($head, 4, 1)) != 0;       # leaf blocks only
        my $dir_end = unpack("n", substr($head, 9, 2));
        next if $dir_end < 11 + 2 * 6;
        seek($f, $b + 11 + 2 * 5, 0);
        print $f pack("n", 65534) x (($dir_end - 11) / 2 - 5);
    }
    close $f;
' "$TMP/many/postlist.glass"
run "$NEWSDEX" stats --db "$TMP/many"
is "$RC" 5 "stats on a damaged term table: index error (exit 5), not a crash (got $RC)"
like "$ERR" "corrupt" "the message says the index is corrupt"

done_testing
