#!/usr/bin/env bash
# newsdex.cgi in command-line mode (newsdex.cgi NAME=VALUE...) and as a plain
# CGI (REQUEST_METHOD/QUERY_STRING): statuses, headers, JSON shape, escaping,
# limits, configuration and the time limit.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cgi_lib.sh"

make_db

# ---- JSON: the shape of `newsdex search --json` -------------------------------
cgi q=layoffs format=json
is "$STATUS" 200 "json: status 200"
is "$(header Content-Type)" "application/json; charset=utf-8" "json: Content-Type with charset"
is "$(header Content-Length)" "$(printf '%s\n' "$BODY" | wc -c | tr -d ' ')" "json: Content-Length is the body's length"
is "$(header X-Content-Type-Options)" nosniff "json: nosniff"
"$NEWSDEX" search --db "$DB" --json layoffs > "$TMP/cli.json"
like "$(body_json 'join ",", sort keys %$j')" '^offset,query,relaxed,results,total,total_estimate,total_exact' \
    "json: query, total, total_estimate, total_exact, offset, relaxed, results"
is "$(body_json 'join ",", sort keys %$j')" "$(json "$TMP/cli.json" 'join ",", sort keys %$j')" \
    "json: the keys of search --json"
like "$(body_json 'join ",", sort keys %{$j->{results}[0]}')" '^date,(.*,)?id,score,snippet,source,title,url' \
    "json: the keys of a result"
is "$(body_json 'join ",", sort keys %{$j->{results}[0]}')" \
    "$(json "$TMP/cli.json" 'join ",", sort keys %{$j->{results}[0]}')" \
    "json: a result has the keys of search --json"
is "$(body_json 'join " ", map { $_->{id} } @{$j->{results}}')" \
    "$(json "$TMP/cli.json" 'join " ", map { $_->{id} } @{$j->{results}}')" \
    "json: the same results as newsdex search --json"
is "$(body_json '$j->{total_estimate}')" "$(json "$TMP/cli.json" '$j->{total_estimate}')" \
    "json: the same total as newsdex search --json"
is "$RC" 0 "command-line mode exits 0 on 200"

cgi q=layoffs format=json facets=all
"$NEWSDEX" search --db "$DB" --json --facets layoffs > "$TMP/cli-facets.json"
is "$(body_json 'join ",", sort keys %$j')" "$(json "$TMP/cli-facets.json" 'join ",", sort keys %$j')" \
    "json facets=all: the keys of search --json --facets"
is "$(body_json 'exists $j->{facets} ? join(",", sort keys %{$j->{facets}}) : "none"')" \
    "$(json "$TMP/cli-facets.json" 'exists $j->{facets} ? join(",", sort keys %{$j->{facets}}) : "none"')" \
    "json facets=all: the facets of search --json --facets"
# The hostile articles have no topic: a bucket of their own, value null.
cgi q=zorblax format=json facets=all
"$NEWSDEX" search --db "$DB" --json --facets zorblax > "$TMP/cli-facets-z.json"
facet_buckets='join " ", map { my $f = $_; map { ($_->{value} // "(none)") . "=$_->{count}" } @{$j->{facets}{$f}} } qw(source topic year)'
is "$(body_json "$facet_buckets")" "$(json "$TMP/cli-facets-z.json" "$facet_buckets")" \
    "json facets=all: the same counts as the CLI, the buckets without a value included"
like "$(body_json "$facet_buckets")" '\(none\)=2' "json facets=all: the articles without a topic (value null)"

cgi q=layoffs format=json facets=year,source
is "$(body_json 'join ",", sort keys %{$j->{facets}}')" "source,year" "json facets=year,source: just those"
cgi q=layoffs format=json facets=none
is "$(body_json 'exists $j->{facets} ? "facets" : "none"')" "none" "json facets=none: no facets"

cgi q=layoffs format=json limit=3 offset=2
is "$(body_json 'scalar @{$j->{results}}') $(body_json '$j->{offset}')" "3 2" "json: limit and offset"

cgi 'q=rate+cut%20fed' format=json
is "$(body_json '$j->{query}')" "rate cut fed" "json: + and %20 decode to spaces"

cgi 'q=Nestl%C3%A9' format=json
is "$STATUS/$(body_json '$j->{query}')" "200/Nestlé" "json: a UTF-8 query comes back intact"
cgi 'q=nestle' format=json
nestle=$(body_json 'scalar @{$j->{results}}')
cgi 'q=Nestl%C3%A9' format=json
is "$(body_json 'scalar @{$j->{results}}')" "$nestle" "json: Nestlé finds what nestle finds"

cgi 'q=layoffs&format=json&limit=2' 'page=2'
is "$(body_json '$j->{offset}')" 2 "page=2 with limit=2 starts at offset 2 (arguments join with &)"

cgi q=layoffs format=json sort=date limit=20
dates=$(body_json 'join " ", map { $_->{date} } @{$j->{results}}')
is "$dates" "$(printf '%s\n' $dates | sort -r | tr '\n' ' ' | sed 's/ $//')" "sort=date: newest first"

cgi q=layoffs format=json from=2024 to=2024-12 limit=50
is "$(body_json 'join " ", grep { !/^2024-/ } map { $_->{date} } @{$j->{results}}')" "" \
    "from/to: only articles dated in the range"

# ---- 400: every bad parameter is named ----------------------------------------
bad() { # bad PARAMETER ARGS...: expect a 400 naming PARAMETER
    local param=$1
    shift
    cgi format=json "$@"
    if [ "$STATUS" = 400 ] && [ "$(body_json '$j->{parameter}')" = "$param" ] &&
        [ "$(body_json '$j->{status}')" = 400 ] && [ "$RC" = 2 ]; then
        pass "400 naming $param: $*"
    else
        fail "400 naming $param: $*" "status $STATUS, body $BODY"
    fi
}
bad limit q=x limit=101
bad limit q=x limit=0
bad limit q=x limit=abc
bad limit q=x limit=-5
bad limit q=x limit=+5
bad limit q=x 'limit=1e3'
bad limit q=x limit=99999999999999999999
bad offset q=x offset=10001
bad offset q=x offset=1.5
bad page q=x page=0
bad page q=x limit=10 page=1002
bad page q=x page=2 offset=0
bad sort q=x sort=bogus
bad sort q=x 'sort=date%00'
bad from q=x from=2024-13
bad to q=x to=2023-02-29
bad from q=x from=24
bad from q=x from=2025 to=2024
bad facets q=x facets=colour
bad q q=%ZZ
bad q q=abc%4
bad q q=a%00b
bad q q=%FF%FE
bad q q=%C0%AF
bad q q=%ED%A0%80
bad q 'q=a%01b'
bad q q=x q=y
bad q "q=$(head -c 1025 /dev/zero | tr '\0' a)"
bad q 'q=colour:red'
bad q 'q=()'
bad "query string" "q=$(head -c 9000 /dev/zero | tr '\0' a)"
cgi format=json
is "$STATUS/$(body_json '$j->{parameter}')" "400/q" "json without q: 400 naming q"
cgi format=xml q=x
is "$STATUS/$(header Content-Type)" "400/text/html; charset=utf-8" "format=xml: 400, as HTML"
like "$BODY" 'format must be json or html' "format=xml: the page says why"

cgi q=colour:red format=json
like "$(body_json '$j->{error}')" 'unknown field' "a query error gives the parser's message"

# Accepted at the limits.
cgi q=layoffs format=json limit=100 offset=10000
is "$STATUS/$(body_json 'scalar @{$j->{results}}')" "200/0" "limit=100 offset=10000: allowed, empty"
cgi q=layoffs format=json limit=1 page=10001
is "$STATUS/$(body_json '$j->{offset}')" "200/10000" "page=10001 with limit=1: offset 10000 is allowed"
cgi "q=$(yes layoffs | head -c 1024 | tr '\n' +)" format=json
is "$STATUS" 200 "a q of exactly 1024 bytes is allowed"
cgi q=layoffs format=json utm_source=news 'x%ZZ=1' from= to= sort=
is "$STATUS" 200 "unknown parameters are ignored; empty values count as absent"

# ---- HTML -----------------------------------------------------------------------
cgi 'q=Prime+Video+layoffs+2024'
is "$STATUS/$(header Content-Type)" "200/text/html; charset=utf-8" "html: 200, text/html with charset"
like "$BODY" '^<!DOCTYPE html>' "html: a whole page"
like "$BODY" '<html lang="en">' "html: the language is declared"
like "$BODY" '<form role="search" method="get">' "html: a search form"
like "$BODY" 'value="Prime Video layoffs 2024"' "html: the query is in the search box"
like "$BODY" '1 result for <q>Prime Video layoffs 2024</q>' "html: the result count"
like "$BODY" '<a href="https://www.harborstreet.example.com/2024/01/10/amazon-to-cut-several-hundred-jobs-at-prime-video-and-mgm-studios">Amazon to cut' \
    "html: the title links to the article"
like "$BODY" '<time datetime="2024-01-10">10 January 2024</time> · Harbor Street Journal' \
    "html: date and source"
like "$BODY" '<mark>Prime</mark> <mark>Video</mark>' "html: highlighted snippet"
like "$BODY" '<svg class="chart" role="img"' "html: the matches-per-year chart"
like "$BODY" 'Matches per year: 2024: 1' "html: the chart's text alternative"
unlike "$BODY" '<script|<link|<img|src=' "html: no scripts, no outside resources"

cgi q=layofs nofix=1
like "$BODY" 'Did you mean <a href="\?q=layoffs">layoffs</a>\?' "html nofix=1: did-you-mean links to the suggestion"
like "$BODY" 'No articles match <q>layofs</q>' "html nofix=1: the results of the query as typed"
cgi q=layofs
like "$BODY" 'Showing results for <b>layoffs</b>; search instead for <a href="\?q=layofs&amp;nofix=1">layofs</a>' \
    "html: the correction's results, with a nofix=1 link to the query as typed"
like "$BODY" '[0-9]+ results? for <q>layoffs</q>' "html: the count names the correction"
like "$BODY" '<ol class="results"' "html: the correction's results are listed"
cgi q=layofs format=json
is "$(body_json 'join "|", $j->{corrected_query}, $j->{original_query}, $j->{query}')" "layoffs|layofs|layofs" \
    "json: corrected_query and original_query"
cgi q=layofs format=json nofix=1
is "$(body_json 'join "|", $j->{suggestion}, exists $j->{corrected_query} ? 1 : 0, $j->{total}')" "layoffs|0|0" \
    "json nofix=1: only a suggestion"
cgi q=layofs nofix=2
is "$STATUS" 400 "nofix=2: 400"
cgi 'q=zorblax+quarterly+earnings+xyzzy'
like "$BODY" 'No article has all of the words; these have some of them.' "html: the relaxed-query notice"

cgi q=layoffs limit=2 page=2 sort=date
like "$BODY" '<ol class="results" start="3">' "html: page 2 numbers its results from 3"
like "$BODY" '<a href="\?q=layoffs&amp;sort=date&amp;limit=2" rel="prev">Previous</a>' "html: previous page link"
like "$BODY" '<a href="\?q=layoffs&amp;sort=date&amp;limit=2&amp;page=3" rel="next">Next</a>' "html: next page link keeps sort and limit"
like "$BODY" '<span aria-current="page">2</span>' "html: the current page is marked"
cgi q=layoffs limit=2 page=5
unlike "$BODY" 'rel="next"' "html: no next link on the last page"
cgi q=layoffs limit=1 page=10001
unlike "$BODY" 'page=10002' "html: no link past offset 10,000"

cgi format=html
is "$STATUS" 200 "html without q: 200"
like "$BODY" '<input type="search" name="q"' "html without q: the search form"

# ---- Escaping ---------------------------------------------------------------------
cgi 'q=%3Cscript%3Ealert(1)%3C%2Fscript%3E'
unlike "$BODY" '<script>alert\(1\)' "q=<script>: not echoed as markup"
like "$BODY" 'value="&lt;script&gt;alert\(1\)&lt;/script&gt;"' "q=<script>: escaped in the search box"
like "$BODY" '<title>&lt;script&gt;alert\(1\)&lt;/script&gt;' "q=<script>: escaped in the title"
cgi 'q=%22%3E%3Cb%3E%27x'
like "$BODY" 'value="&quot;&gt;&lt;b&gt;&#39;x"' "quotes and ' in q are escaped"
unlike "$BODY" '"><b>' "a quote in q cannot close the attribute"
cgi q=zorblax
unlike "$BODY" "<script>alert\\('t'\\)|<img src=x|</p><script>|<b>Source" "article text is not markup"
like "$BODY" '&lt;script&gt;alert\(&#39;t&#39;\)&lt;/script&gt; &quot;Quoted&quot; &amp; &#39;single&#39;' \
    "article title: & < > \" ' escaped"
like "$BODY" 'Evil &lt;b&gt;Source&lt;/b&gt; &amp; &quot;Co&quot;' "article source escaped"
unlike "$BODY" 'href="javascript:' "a javascript: URL is never a link"
like "$BODY" 'href="https://example.com/a\?b=1&amp;c=&quot;2&quot;&#39;&lt;x&gt;"' "article URL escaped in href"
cgi 'q=%3Cscript%3E' format=json
is "$(body_json '$j->{query}')" "<script>" "json: the query is JSON, not HTML (and nosniff is set)"

# ---- Index unavailable: 503 with Retry-After ------------------------------------
NEWSDEX_DB=$TMP/no-such-index cgi q=layoffs format=json
is "$STATUS/$(header Retry-After)" "503/30" "index missing: 503 with Retry-After"
is "$(body_json '$j->{status}')" 503 "index missing: JSON error"
unlike "$BODY" 'no-such-index' "index missing: the path is not shown to the client"
is "$RC" 5 "index missing: command-line mode exits 5"
like "$ERR" 'no-such-index' "index missing: the reason goes to standard error (the server log)"
mkdir -p "$TMP/unreadable" && echo junk > "$TMP/unreadable/iamglass"
NEWSDEX_DB=$TMP/unreadable cgi q=layoffs
is "$STATUS/$(header Content-Type)" "503/text/html; charset=utf-8" "index unreadable: 503 as HTML"
NEWSDEX_DB= cgi q=layoffs format=json
is "$STATUS" 503 "no index configured: 503"

# ---- The index from newsdex.cgi.conf beside the program ---------------------------
mkdir -p "$TMP/bin"
cp "$NEWSDEX_CGI" "$TMP/bin/newsdex.cgi"
printf '# test\ndb = %s\nretry_after = 7\n' "$DB" > "$TMP/bin/newsdex.cgi.conf"
NEWSDEX_DB= run "$TMP/bin/newsdex.cgi" q=layoffs format=json
_split_response "$OUT"
is "$STATUS" 200 "db = in newsdex.cgi.conf beside the program"
printf 'db = %s\nretry_after = 7\n' "$TMP/nothing" > "$TMP/bin/newsdex.cgi.conf"
NEWSDEX_DB= run "$TMP/bin/newsdex.cgi" q=layoffs format=json
_split_response "$OUT"
is "$STATUS/$(header Retry-After)" "503/7" "retry_after from newsdex.cgi.conf"

# ---- Response cache settings (only FastCGI has the cache: cgi_http.t) -------------
cgi q=layoffs format=json
is "$STATUS/$(header X-Newsdex-Cache)" "200/" "command line: no response cache, no X-Newsdex-Cache"
NEWSDEX_CACHE_ENTRIES=lots cgi q=layoffs format=json
is "$STATUS" 200 "a bad NEWSDEX_CACHE_ENTRIES does not stop the search"
like "$ERR" 'environment: ignoring NEWSDEX_CACHE_ENTRIES = lots \(a whole number from 0 to 1000000' \
    "a bad NEWSDEX_CACHE_ENTRIES is reported with what is wanted"
NEWSDEX_CACHE_MIB=-3 NEWSDEX_CACHE_ENTRIES=10 cgi q=layoffs format=json
is "$(printf '%s\n' "$ERR" | grep -c ignoring)" 1 "a bad NEWSDEX_CACHE_MIB alone is reported"
like "$ERR" 'ignoring NEWSDEX_CACHE_MIB = -3 \(a whole number of MiB' "and names the variable"
printf 'db = %s\ncache_entries = 2000000\ncache_mib = 16\nflavour = mint\n' "$DB" > "$TMP/bin/newsdex.cgi.conf"
NEWSDEX_DB= run "$TMP/bin/newsdex.cgi" q=layoffs format=json
like "$ERR" 'newsdex.cgi.conf: ignoring cache_entries = 2000000 \(a whole number' \
    "a bad cache_entries in newsdex.cgi.conf is reported"
like "$ERR" 'ignoring flavour = mint \(not a setting\)' "an unknown key is reported as such"
unlike "$ERR" 'cache_mib' "a good cache_mib is taken silently"

# ---- Time limit ------------------------------------------------------------------
printf 'db = %s\ntime_limit = 0.000001\n' "$DB" > "$TMP/bin/newsdex.cgi.conf"
NEWSDEX_DB= run "$TMP/bin/newsdex.cgi" q=layoffs format=json
_split_response "$OUT"
is "$STATUS/$(header Retry-After)" "503/30" "over the time limit: 503 with Retry-After"
like "$BODY" '"error":"the search went over the time limit"' "over the time limit: JSON error"
like "$ERR" 'time limit' "over the time limit: logged"

# ---- Plain CGI: environment, methods --------------------------------------------
cgi_env() { # METHOD QUERY_STRING
    LAST_CMD="REQUEST_METHOD=$1 QUERY_STRING=$2 newsdex.cgi"
    OUT=$(REQUEST_METHOD=$1 QUERY_STRING=$2 GATEWAY_INTERFACE=CGI/1.1 timeout 20 "$NEWSDEX_CGI" </dev/null 2>/dev/null)
    RC=$?
    _split_response "$OUT"
}
cgi_env GET 'q=layoffs&format=json'
is "$STATUS/$(body_json 'scalar @{$j->{results}}')" "200/9" "CGI GET: 200 with results"
is "$RC" 0 "CGI mode exits 0"
cgi_env GET 'q=layoffs&limit=500&format=json'
is "$STATUS/$RC" "400/0" "CGI: a bad parameter is a 400 (and the program exits 0)"
cgi_env POST 'q=layoffs'
is "$STATUS/$(header Allow)" "405/GET, HEAD" "CGI POST: 405 with Allow"
cgi_env HEAD 'q=layoffs'
is "$STATUS/$BODY" "200/" "CGI HEAD: headers only"
cmp_ok "$(header Content-Length)" -gt 1000 "CGI HEAD: Content-Length of the page it would send"

done_testing
