#!/usr/bin/env bash
# A search opens an index whose stub file is switched to a new copy while it
# runs, as xapian-replicate does after a full copy: it writes the new copy,
# points the stub at it, then removes the copy the stub named before. A
# search that read the old stub and opened the old copy after it was gone
# failed with "no index at DIR" (about 1 search in 20 here, before the
# open was retried); no search may fail. The switches come from a Perl
# loop every 10 ms, faster than any real replica switches, so that many of
# the searches overlap one. The FastCGI search, which keeps the index open
# and reopens it before each request, must not fail to reopen either.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cgi_lib.sh"

plan 6

run "$NEWSDEX" index --db "$TMP/master" "$CORPUS"
is "$RC" 0 "the master index is built"

R="$TMP/replica"
mkdir -p "$R"
cp -a "$TMP/master" "$R/replica_0"
cp -a "$TMP/master" "$TMP/spare"
printf 'auto replica_0\n' >"$R/XAPIANDB"

# The switching loop: the spare copy moves in under the name the stub does
# not use, the stub is rewritten to name it (atomically), and the copy it
# named before moves out (it becomes the spare).
perl -e '
    use Time::HiRes qw(sleep);
    my ($r, $spare, $stop) = @ARGV;
    my $live = 0;
    until (-e $stop) {
        my $next = 1 - $live;
        rename $spare, "$r/replica_$next" or die "rename: $!";
        open my $f, ">", "$r/XAPIANDB.tmp" or die "stub: $!";
        print $f "auto replica_$next\n";
        close $f;
        rename "$r/XAPIANDB.tmp", "$r/XAPIANDB" or die "rename: $!";
        rename "$r/replica_$live", $spare or die "rename: $!";
        $live = $next;
        sleep 0.01;
    }' "$R" "$TMP/spare" "$TMP/stop" 2>"$TMP/switch.err" &
SWITCHER=$!

# The web search, which keeps the index open: a copy of the program, so
# that its newsdex.cgi.conf applies.
mkdir -p "$TMP/srv"
cp "$NEWSDEX_CGI" "$TMP/srv/newsdex.cgi"
printf 'db = %s\n' "$R" > "$TMP/srv/newsdex.cgi.conf"
if start_listen "$TMP/srv/newsdex.cgi" tcp --workers 1; then
    pass "the FastCGI search listens on $LISTEN_ADDR"
else
    fail "the FastCGI search starts"
fi

failed=0
first=""
for i in $(seq 1 300); do
    if ! "$NEWSDEX" search --db "$R" --json --limit 3 market >/dev/null 2>"$TMP/err"; then
        failed=$((failed + 1))
        [ -n "$first" ] || first=$(head -1 "$TMP/err")
    fi
done
web_failed=0
web_first=""
for i in $(seq 1 300); do
    fcgi_get "$LISTEN_ADDR" 'q=market&format=json'
    if [ "$STATUS" != 200 ]; then
        web_failed=$((web_failed + 1))
        [ -n "$web_first" ] || web_first="status ${STATUS:-none}: $(printf '%s' "$BODY$ERR" | head -c 200)"
    fi
done
touch "$TMP/stop"
wait "$SWITCHER"
is "$?" 0 "the stub was switched throughout ($(cat "$TMP/switch.err"))"
is "$failed" 0 "no search of 300 failed while the stub was switched (first failure: $first)"
is "$web_failed" 0 "no FastCGI request of 300 failed (first failure: $web_first)"
reopen_failures=$(grep -c 'reopening the index' "$LISTEN_LOG")
is "$reopen_failures" 0 "the FastCGI search reopened the index each time ($(grep -m1 'reopening the index' "$LISTEN_LOG"))"

done_testing
