#!/usr/bin/env bash
# Permission errors say so: a user who may not write an index gets
# "permission denied" naming the path and exit status 5 (not "locked by
# another writer", exit 4, and --wait-lock does not wait); a user who may
# not read it gets the same, not "no index at". The index is made by root
# and used as user nobody (65534), so this needs root and setpriv or
# runuser (skipped otherwise).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ]; then
    echo "1..0 # SKIP needs root to make an index another user may not write"
    exit 0
fi
if command -v setpriv >/dev/null 2>&1; then
    AS_NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
elif command -v runuser >/dev/null 2>&1 && id nobody >/dev/null 2>&1; then
    AS_NOBODY=(runuser -u nobody --)
else
    echo "1..0 # SKIP neither setpriv nor runuser is available"
    exit 0
fi

plan 12

chmod 755 "$TMP"
run "$NEWSDEX" index --db "$TMP/idx" "$CORPUS"
is "$RC" 0 "root builds the index"

# Readable, not writable: index, delete.
run "${AS_NOBODY[@]}" "$NEWSDEX" index --db "$TMP/idx" "$CORPUS"
is "$RC" 5 "index into an index it may not write: exit 5 (not 4, locked)"
like "$ERR" "permission denied" "the message says permission denied"
like "$ERR" "$TMP/idx" "the message names the path"
unlike "$ERR" "locked" "the message does not blame another writer"

start=$SECONDS
run "${AS_NOBODY[@]}" "$NEWSDEX" index --db "$TMP/idx" --wait-lock 10 "$CORPUS"
is "$RC" 5 "--wait-lock: still exit 5"
cmp_ok $((SECONDS - start)) -lt 5 "--wait-lock does not wait for a lock nobody holds"

run "${AS_NOBODY[@]}" "$NEWSDEX" search --db "$TMP/idx" layoffs
is "$RC" 0 "searching a readable index works"

# Not readable: search, stats.
chmod 700 "$TMP/idx"
run "${AS_NOBODY[@]}" "$NEWSDEX" search --db "$TMP/idx" layoffs
is "$RC" 5 "search on an unreadable index: exit 5"
like "$ERR" "permission denied.*$TMP/idx" "the message says permission denied and names the path"
unlike "$ERR" "no index at" "the message does not say there is no index"
run "${AS_NOBODY[@]}" "$NEWSDEX" stats --db "$TMP/idx"
like "$RC:$ERR" "^5:.*permission denied" "stats on an unreadable index: exit 5, permission denied"

done_testing
