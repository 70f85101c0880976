#!/usr/bin/env bash
# The index schema version (newsdex:schema in the index metadata): the
# writer records it with its first commit; an index without it (from before
# it) is version 1 and gets it with its next commit, as does a version-1
# index (version 2: words with digits have no stem terms; version 3, written
# with --article-positions: word positions kept in each article's stored
# record, and an index of version 3 stays 3); an index of a later
# version is refused with a message naming it: exit status 5 from the
# command, 500 from the web search (the message in its log). The index
# metadata is read and written with xapian-metadata (Xapian's tools).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=cgi_lib.sh
. "$(dirname "$0")/cgi_lib.sh"

plan 25

command -v xapian-metadata >/dev/null 2>&1 ||
    bail_out "xapian-metadata is needed (Xapian's tools: scripts/install-deps)"

DB=$TMP/db
cat >"$TMP/a.jsonl" <<'JSONL'
{"id":"s-1","date":"2024-03-05","title":"Refinery expands","body":"The refinery expands its crude oil capacity."}
{"id":"s-2","date":"2024-04-01","title":"Oil output","body":"Crude oil output rose in March."}
JSONL
printf '%s\n' '{"id":"s-3","title":"Oil again","body":"More crude oil."}' >"$TMP/b.jsonl"

run "$NEWSDEX" index --db "$DB" "$TMP/a.jsonl"
is "$RC" 0 "a new index is written"
is "$(xapian-metadata get "$DB" newsdex:schema)" 2 "with schema version 2"

# ---- A later version ----------------------------------------------------------
xapian-metadata set "$DB" newsdex:schema 7
msg="index $DB has schema version 7; this newsdex reads versions up to 3"
run "$NEWSDEX" search --db "$DB" oil
is "$RC" 5 "search: a later schema version exits 5"
is "$ERR" "newsdex: $msg" "and says which version it is"
run "$NEWSDEX" search --db "$DB" --db "$DB" oil
is "$RC/$ERR" "5/newsdex: $msg" "so does a search of several indexes"
run "$NEWSDEX" index --db "$DB" "$TMP/b.jsonl"
is "$RC" 5 "index: a later schema version exits 5"
like "$ERR" "$msg" "and says so"
is "$(xapian-metadata get "$DB" newsdex:schema)" 7 "the index is left as it was"
run "$NEWSDEX" fields --db "$DB"
is "$RC/$ERR" "5/newsdex: $msg" "fields: the same"
NEWSDEX_DB=$DB cgi q=oil format=json
is "$STATUS" 500 "web search: 500"
unlike "$BODY" "schema" "the client is not told why"
like "$ERR" "$msg" "the reason goes to standard error (the server log)"

# ---- An index from before the key ---------------------------------------------
xapian-metadata set "$DB" newsdex:schema ""
is "$(xapian-metadata get "$DB" newsdex:schema)" "" "without the key"
run "$NEWSDEX" search --db "$DB" --json oil
is "$RC" 0 "an index without the key is searched (version 1)"
run "$NEWSDEX" index --db "$DB" "$TMP/b.jsonl"
is "$RC" 0 "and written to"
is "$(xapian-metadata get "$DB" newsdex:schema)" 2 "which records the key with its commit"

# ---- A version-1 index (words with digits have stem terms too) --------------
xapian-metadata set "$DB" newsdex:schema 1
run "$NEWSDEX" search --db "$DB" --json oil
is "$RC" 0 "a version-1 index is searched"
printf '%s\n' '{"id":"s-4","title":"Oil in 2025","body":"Crude oil."}' >"$TMP/c.jsonl"
run "$NEWSDEX" index --db "$DB" "$TMP/c.jsonl"
is "$(xapian-metadata get "$DB" newsdex:schema)" 2 "and becomes version 2 when written to"

# ---- Version 3: positions kept per article (--article-positions) ------------
V3=$TMP/v3
run "$NEWSDEX" index --db "$V3" "$TMP/a.jsonl"
is "$RC/$(xapian-metadata get "$V3" newsdex:schema)" 0/2 "a version-2 index"
phrase_ids() { # phrase_ids DB QUERY: the ids found, sorted, on one line
    timeout -k 5 20 "$NEWSDEX" search --db "$1" --json --no-snippets -- "$2" |
        perl -MJSON::PP -0777 -ne 'print join(" ", sort map { $_->{id} } @{decode_json($_)->{results}})'
}
is "$(phrase_ids "$V3" '"crude oil"')" "s-1 s-2" "a phrase over it"
run "$NEWSDEX" index --article-positions --db "$V3" "$TMP/b.jsonl"
is "$RC/$(xapian-metadata get "$V3" newsdex:schema)" 0/3 "written to with --article-positions: version 3"
run "$NEWSDEX" index --db "$V3" "$TMP/c.jsonl"
is "$RC/$(xapian-metadata get "$V3" newsdex:schema)" 0/3 "written to without it: still version 3"
is "$(phrase_ids "$V3" '"crude oil"')" "s-1 s-2 s-3 s-4" "a phrase finds the articles of both kinds"
is "$(phrase_ids "$V3" 'oil NEAR/1 crude')" "s-1 s-2 s-3 s-4" "so does NEAR"
is "$(phrase_ids "$V3" '"oil crude"')" "" "and a phrase in the wrong order finds none"

done_testing
