#!/usr/bin/env bash
# The HTML results page in a real browser: Debian's Chromium, headless,
# loads pages from newsdex.cgi behind lighttpd and dumps the DOM it built.
# Results and <mark> highlights are rendered; markup injected through q
# stays text. Skipped (as TAP) when Chromium is not installed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cgi_lib.sh"

CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$CHROMIUM" ]; then
    echo "1..0 # SKIP chromium is not installed (scripts/install-deps installs it)"
    exit 0
fi

make_db
start_lighttpd
trap 'stop_lighttpd; _cleanup' EXIT

# dom URL: the DOM after Chromium loaded URL, in $DOM.
dom() {
    LAST_CMD="chromium --dump-dom $1"
    DOM=$(timeout -k 5 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
        --no-first-run --disable-background-networking --disable-component-update \
        --disable-sync --disable-extensions --user-data-dir="$TMP/chromium-profile" \
        --virtual-time-budget=2000 --dump-dom "$1" 2> "$TMP/chromium.err")
    RC=$?
    OUT=$DOM
    ERR=$(tail -5 "$TMP/chromium.err")
}

# count REGEX: how many times REGEX occurs in $DOM.
count() {
    printf '%s' "$DOM" | grep -oE -- "$1" | wc -l | tr -d ' '
}

dom "$BASE/search?q=Prime+Video+layoffs+2024"
is "$RC" 0 "chromium loaded the results page"
like "$DOM" '<ol class="results" start="1">' "the results list is in the DOM"
is "$(count '<li><article>')" 1 "one result rendered"
like "$DOM" '<a href="https://www.harborstreet.example.com/2024/01/10/[^"]*">Amazon to cut several hundred jobs' \
    "the result's title is a link to the article"
is "$(count '<mark>[^<]*</mark>')" 3 "three highlighted words in the snippet"
like "$DOM" '<mark>Prime</mark> <mark>Video</mark>' "the highlights are mark elements"
like "$DOM" '<svg class="chart"' "the chart is rendered"

dom "$BASE/search?q=layoffs&limit=3"
is "$(count '<li><article>')" 3 "limit=3: three results"
like "$DOM" 'rel="next"' "pagination is rendered"

dom "$BASE/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E"
is "$RC" 0 "chromium loaded the page for q=<script>alert(1)</script>"
is "$(count '<script')" 0 "no script element in the DOM"
like "$DOM" '<q>&lt;script&gt;alert\(1\)&lt;/script&gt;</q>' "the query is shown as text"
like "$DOM" 'value="&lt;script&gt;alert\(1\)&lt;/script&gt;"' "the search box holds the text"

dom "$BASE/search?q=%22%3E%3Cimg+src%3Dx+onerror%3Dalert(1)%3E%3Cb%3Ebold%3C%2Fb%3E%27"
is "$(count '<img|<b>')" 0 "markup after a quote in q creates no elements"
like "$DOM" '&lt;b&gt;bold&lt;/b&gt;' "and is shown as text"

dom "$BASE/search.cgi?q=zorblax"
is "$(count '<li><article>')" 2 "hostile articles are listed (CGI)"
is "$(count '<script|<img|<b>')" 0 "their text creates no elements"
is "$(count 'href="javascript:')" 0 "a javascript: URL is not a link"
like "$DOM" '&lt;script&gt;alert\(.t.\)&lt;/script&gt;' "their title is shown as text"

done_testing
