#!/usr/bin/env bash
# The web search behind a real web server: lighttpd on a free loopback port,
# configured from web/lighttpd.conf.in, with newsdex.cgi as CGI (/search.cgi)
# and as FastCGI (/search); queried over HTTP with curl.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cgi_lib.sh"

command -v curl > /dev/null || bail_out "curl is not installed (scripts/install-deps)"
make_db
start_lighttpd
trap 'stop_lighttpd; _cleanup' EXIT
note "lighttpd on $BASE"

for path in /search /search.cgi; do
    http_get "$BASE$path?q=layoffs&format=json"
    is "$STATUS" 200 "$path json: 200"
    is "$(header Content-Type)" "application/json; charset=utf-8" "$path json: Content-Type with charset"
    like "$(body_json 'join ",", sort keys %$j')" '^offset,query,relaxed,results,total,total_estimate,total_exact' \
        "$path json: the shape of search --json"
    is "$(body_json 'scalar @{$j->{results}}')" 9 "$path json: the results"
    printf '%s' "$BODY" > "$TMP/body$(basename "$path")"
done
cmp -s "$TMP/bodysearch" "$TMP/bodysearch.cgi"
ok $? "CGI and FastCGI give the same JSON"

http_get "$BASE/search?q=Prime+Video+layoffs+2024"
is "$STATUS/$(header Content-Type)" "200/text/html; charset=utf-8" "html over FastCGI: 200 with charset"
like "$BODY" '<mark>Prime</mark> <mark>Video</mark>' "html over FastCGI: highlights"
like "$(header Content-Security-Policy)" "default-src 'none'" "html: a Content-Security-Policy"

# ---- Status codes ------------------------------------------------------------------
for path in /search /search.cgi; do
    http_get "$BASE$path?q=layoffs&limit=101&format=json"
    is "$STATUS/$(body_json '$j->{parameter}')" "400/limit" "$path: limit=101 is a 400 naming limit"
    http_get "$BASE$path?q=layoffs&page=x&format=json"
    is "$STATUS/$(body_json '$j->{parameter}')" "400/page" "$path: page=x is a 400 naming page"
    http_get "$BASE$path?q=layoffs&format=json" -X POST -d 'q=x'
    is "$STATUS/$(header Allow)" "405/GET, HEAD" "$path: POST is a 405"
    http_get "$BASE$path?q=layoffs" -I
    is "$STATUS/$BODY" "200/" "$path: HEAD gives headers only"
done
http_get "$BASE/search?q=colour:red&format=json"
is "$STATUS/$(body_json '$j->{parameter}')" "400/q" "a query syntax error is a 400 naming q"

# ---- Escaping ------------------------------------------------------------------------
http_get "$BASE/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%27"
unlike "$BODY" '<script' "q=<script>...: no script element in the page"
like "$BODY" 'value="&lt;script&gt;alert\(1\)&lt;/script&gt;&quot;&#39;"' "q: < > \" ' escaped"
http_get "$BASE/search.cgi?q=zorblax"
unlike "$BODY" "<script|<img|href=\"javascript:" "hostile article text stays text (CGI)"

# ---- UTF-8 -----------------------------------------------------------------------------
http_get "$BASE/search?q=Nestl%C3%A9&format=json"
is "$STATUS/$(body_json '$j->{query}')" "200/Nestlé" "a UTF-8 query over HTTP"
cmp_ok "$(body_json 'scalar @{$j->{results}}')" -ge 1 "Nestlé finds articles"
http_get "$BASE/search?q=Nestl%C3%A9"
like "$BODY" 'value="Nestlé"' "the UTF-8 query in the search box"
http_get "$BASE/search?q=%E9conomie&format=json"
is "$STATUS/$(body_json '$j->{parameter}')" "400/q" "Latin-1 bytes (not UTF-8) are a 400"

# ---- Limits and clamping -----------------------------------------------------------
http_get "$BASE/search?q=layoffs&limit=100&offset=10000&format=json"
is "$STATUS" 200 "limit=100 and offset=10000 are allowed"
http_get "$BASE/search?q=layoffs&offset=10001&format=json"
is "$STATUS/$(body_json '$j->{parameter}')" "400/offset" "offset=10001 is a 400"
http_get "$BASE/search?q=$(head -c 1025 /dev/zero | tr '\0' a)&format=json"
is "$STATUS/$(body_json '$j->{parameter}')" "400/q" "a q over 1 KiB is a 400"
http_get "$BASE/search?q=$(head -c 7000 /dev/zero | tr '\0' a)&format=json"
is "$STATUS" 400 "a 7 KB q is a 400"
http_get "$BASE/search?q=layoffs&junk=$(head -c 20000 /dev/zero | tr '\0' a)"
cmp_ok "$STATUS" -ge 400 "a 20 KB query string is refused"
http_get "$BASE/search?q=layoffs&format=json"
is "$STATUS" 200 "and the server still answers"
start=$(date +%s%N)
http_get "$BASE/search?q=$(printf 'a*+OR+%.0s' $(seq 120))b&format=json"
cmp_ok $((($(date +%s%N) - start) / 1000000)) -lt 5000 "a wildcard-heavy query answers in under 5 s (status $STATUS)"

# ---- Pagination links ----------------------------------------------------------------
http_get "$BASE/search?q=layoffs&limit=2"
next=$(printf '%s' "$BODY" | sed -n 's/.*<a href="\([^"]*\)" rel="next">.*/\1/p' | sed 's/&amp;/\&/g')
is "$next" "?q=layoffs&limit=2&page=2" "page 1 links to page 2"
http_get "$BASE/search$next"
is "$STATUS" 200 "following the next link: 200"
like "$BODY" '<ol class="results" start="3">' "following the next link: results 3 and 4"
like "$BODY" 'rel="prev">Previous</a>' "page 2 links back"
http_get "$BASE/search?q=layoffs&limit=2&page=5"
unlike "$BODY" 'rel="next"' "the last page has no next link"
http_get "$BASE/search?q=layoffs&limit=2&page=6"
is "$STATUS" 200 "a page past the results: 200"
like "$BODY" 'none on this page' "a page past the results says so"

# ---- FastCGI: the index is kept open and follows the indexer ------------------------
procs=$(pgrep -P "$LIGHTTPD_PID" -c newsdex.cgi || true)
cmp_ok "${procs:-0}" -ge 1 "FastCGI: newsdex.cgi processes stay running ($procs)"
hits() { # hits WORD: number of results over FastCGI
    http_get "$BASE/search?q=$1&format=json"
    if [ "$STATUS" = 200 ]; then body_json 'scalar @{$j->{results}}'; else echo "status $STATUS"; fi
}
echo '{"id":"fresh-1","date":"2024-05-01","title":"Quuxplatypus merger","body":"The quuxplatypus deal."}' > "$TMP/fresh.jsonl"
is "$(hits quuxplatypus)$(hits quuxplatypus)" "00" "FastCGI: a word not in the index yet"
run "$NEWSDEX" index --db "$DB" "$TMP/fresh.jsonl"
is "$(hits quuxplatypus)$(hits quuxplatypus)" "11" "FastCGI: sees what the indexer committed (both processes)"

echo '{"id":"swap-1","date":"2024-06-01","title":"Wobbegong results","body":"The wobbegong report."}' > "$TMP/swap.jsonl"
run "$NEWSDEX" index --db "$TMP/db.new" "$CORPUS" "$TMP/swap.jsonl"
mv "$DB" "$TMP/db.old" && mv "$TMP/db.new" "$DB"
is "$(hits wobbegong)$(hits wobbegong)$(hits quuxplatypus)$(hits quuxplatypus)" "1100" \
    "FastCGI: a rebuilt index moved into place is opened afresh"
mv "$DB" "$TMP/db.away"
http_get "$BASE/search?q=layoffs&format=json"
is "$STATUS/$(header Retry-After)" "503/30" "FastCGI: index gone: 503 with Retry-After"
is "$(body_json '$j->{status}')" 503 "FastCGI: index gone: a JSON error"
http_get "$BASE/search.cgi?q=layoffs"
is "$STATUS/$(header Retry-After)" "503/30" "CGI: index gone: 503 with Retry-After"
mv "$TMP/db.away" "$DB"
is "$(hits wobbegong)$(hits wobbegong)" "11" "FastCGI: the index back in place is served again"

# ---- FastCGI: the response cache ------------------------------------------------------
# A search answered once is answered again from memory until the indexer
# commits; errors are never kept. lighttpd may hand a repeat to the other
# process, which has not answered it yet, so a hit is awaited for up to three
# requests (by then some process has answered it before).
cache_state() { header X-Newsdex-Cache; }
until_hit() { # URL [CURL-ARGS...]: requests until a hit, at most 3
    local i
    for i in 1 2 3; do
        http_get "$@"
        [ "$(cache_state)" = hit ] && return 0
    done
    return 1
}
ids() { body_json 'join " ", sort map { $_->{id} } @{$j->{results}}'; }
url="$BASE/search?q=merger&format=json&limit=100"
http_get "$url"
is "$STATUS/$(cache_state)" "200/miss" "cache: a query not asked before is a miss"
printf '%s' "$BODY" > "$TMP/cache.miss"
miss_headers="$(header Content-Length)/$(header Content-Type)"
before=$(ids)
until_hit "$url"
is "$STATUS/$(cache_state)" "200/hit" "cache: the same query again is a hit"
printf '%s' "$BODY" > "$TMP/cache.hit"
cmp -s "$TMP/cache.miss" "$TMP/cache.hit"
ok $? "cache: the hit has the same body as the miss"
is "$(header Content-Length)/$(header Content-Type)" "$miss_headers" \
    "cache: the hit has the same Content-Length and Content-Type"
like "$(header Content-Security-Policy)" "default-src 'none'" "cache: the hit keeps the other headers"
until_hit "$url" -I
is "$STATUS/$(cache_state)/$BODY/$(header Content-Length)/$(header Content-Type)" \
    "200/hit//$miss_headers" "cache: HEAD is served from the cached GET (headers only)"
http_get "$BASE/search?format=json&q=merger&limit=100"
is "$(cache_state)/$(ids)" "miss/$before" "cache: the key is the exact query string"
http_get "$BASE/search.cgi?q=merger&format=json&limit=100"
is "$STATUS/$(cache_state)" "200/" "cache: plain CGI has no cache (and no X-Newsdex-Cache)"

echo '{"id":"cache-1","date":"2024-07-01","title":"Axolotl merger talks","body":"The axolotl merger was agreed."}' > "$TMP/cache.jsonl"
run "$NEWSDEX" index --db "$DB" "$TMP/cache.jsonl"
is "$RC" 0 "cache: an article matching the query indexed into the same index"
http_get "$url"
is "$STATUS/$(cache_state)" "200/miss" "cache: after the commit, the query is a miss"
like " $(ids) " " cache-1 " "cache: after the commit, the answer has the new article"
for n in 2 3; do # whichever process answers
    http_get "$url"
    like " $(ids) " " cache-1 " "cache: after the commit, request $n has the new article"
done
until_hit "$url"
is "$(cache_state)/$(ids)" "hit/$(printf '%s\n' $before cache-1 | sort | tr '\n' ' ' | sed 's/ $//')" \
    "cache: the new answer is then the one cached"

bad=""
for _ in 1 2 3; do
    http_get "$BASE/search?q=merger&limit=101&format=json"
    bad="$bad $STATUS/$(cache_state)"
done
is "$bad" " 400/miss 400/miss 400/miss" "cache: a 400 is never a hit"

# Off: NEWSDEX_CACHE_ENTRIES=0 in the FastCGI environment, or cache_entries = 0.
cache_off() { # DESCRIPTION: three requests, all misses with the same body
    local states="" first=""
    for _ in 1 2 3; do
        http_get "$url"
        states="$states $STATUS/$(cache_state)"
        [ -n "$first" ] || first=$BODY
        [ "$BODY" = "$first" ] || states="$states (another body)"
    done
    is "$states" " 200/miss 200/miss 200/miss" "$1: every response is a miss"
}
stop_lighttpd
start_lighttpd --fastcgi-env NEWSDEX_CACHE_ENTRIES=0
url="$BASE/search?q=merger&format=json&limit=100"
cache_off "NEWSDEX_CACHE_ENTRIES=0"
stop_lighttpd
mkdir -p "$TMP/nocache"
cp "$NEWSDEX_CGI" "$TMP/nocache/newsdex.cgi"
printf 'cache_entries = 0  # off\ncache_mib = 8\n' > "$TMP/nocache/newsdex.cgi.conf"
NEWSDEX_CGI=$TMP/nocache/newsdex.cgi start_lighttpd
url="$BASE/search?q=merger&format=json&limit=100"
cache_off "cache_entries = 0 in newsdex.cgi.conf"
unlike "$(cat "$LIGHTTPD_STATE/error.log")" 'ignoring' "the cache settings are read without complaint"

# ---- The time limit, under both ---------------------------------------------------------
# A copy of the program whose newsdex.cgi.conf sets a limit no search can meet.
stop_lighttpd
mkdir -p "$TMP/slow"
cp "$NEWSDEX_CGI" "$TMP/slow/newsdex.cgi"
printf 'time_limit = 0.000001\nretry_after = 9\n' > "$TMP/slow/newsdex.cgi.conf"
NEWSDEX_CGI=$TMP/slow/newsdex.cgi start_lighttpd
for path in /search /search /search.cgi; do
    http_get "$BASE$path?q=layoffs&format=json"
    is "$STATUS/$(header Retry-After)/$(body_json '$j->{error}')" \
        "503/9/the search went over the time limit" "$path over the time limit: 503 with Retry-After"
    is "$(header X-Newsdex-Cache)" "$([ "$path" = /search ] && echo miss)" \
        "$path over the time limit: X-Newsdex-Cache on FastCGI only"
done
like "$(cat "$LIGHTTPD_STATE/error.log")" 'child exited' "FastCGI: the process over the limit exited"

done_testing
