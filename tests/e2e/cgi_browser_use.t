#!/usr/bin/env bash
# The web page used in a real browser (Chromium, headless, driven with real
# mouse and key events through cgi_browser_cdp.pl): a result opens the
# article's page with the query's words highlighted and leads back; a facet
# narrows the results and the filter can be removed; the keyboard reaches
# the search box, the results and the facets in that order, with a visible
# focus, and Enter submits; on a 360 px wide phone screen nothing scrolls
# sideways. Skipped (as TAP) when Chromium is not installed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cgi_lib.sh"

CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$CHROMIUM" ]; then
    echo "1..0 # SKIP chromium is not installed (scripts/install-deps installs it)"
    exit 0
fi

make_db
# Words and names longer than a phone screen is wide.
long=$(printf 'Zorblaxification%.0s' $(seq 20))
cat > "$TMP/long.jsonl" <<EOF
{"id":"long-words","date":"2020-01-01","source":"The ${long} Gazette","title":"zorblax ${long}","url":"","body":"zorblax ${long} https://example.com/${long}/${long}"}
EOF
"$NEWSDEX" index --db "$DB" "$TMP/long.jsonl" > /dev/null 2>&1 || bail_out "could not index long.jsonl"
start_lighttpd
trap 'stop_lighttpd; _cleanup' EXIT

# drive WIDTH HEIGHT < COMMANDS: one browser session; the answer to each
# command (see cgi_browser_cdp.pl) in A[0], A[1], ...
drive() {
    LAST_CMD="cgi_browser_cdp.pl $1x$2"
    mapfile -t A < <(timeout -k 5 180 perl "$REPO_ROOT/tests/e2e/cgi_browser_cdp.pl" \
        "$CHROMIUM" "$TMP/profile-$RANDOM" "$1" "$2")
    OUT=$(printf '%s\n' "${A[@]}")
}

RESULTS="document.querySelectorAll('ol.results > li').length"
# Where the focus is: the part of the page (form, filter, result, facet,
# pages, other) and the element's name or text.
FOCUS="(function (e) { var part = e.closest('form') ? 'form' : e.closest('ul.filters') ? 'filter'"
FOCUS="$FOCUS : e.closest('ol.results') ? 'result' : e.closest('nav.facets') ? 'facet'"
FOCUS="$FOCUS : e.closest('nav.pages') ? 'pages' : 'other';"
FOCUS="$FOCUS return part + ':' + (e.name || e.textContent.trim().slice(0, 40)); })(document.activeElement)"

# ---- A result's page, and a facet as a filter ------------------------------------------
drive 1024 800 <<EOF
goto $BASE/search?q=zorblax
eval $RESULTS
click document.querySelector('ol.results a.hit-view[href*="id=hostile-2"]')
waitload
eval location.search
eval document.querySelector('.view h1').textContent
eval Array.from(document.querySelectorAll('.view mark')).map(function (m) { return m.textContent; }).join(',')
eval getComputedStyle(document.querySelector('.view .body mark')).backgroundColor
click Array.from(document.querySelectorAll('main a')).find(function (a) { return a.textContent.indexOf('Back to the results') >= 0; })
waitload
eval location.search
click Array.from(document.querySelectorAll('nav.facets a')).find(function (a) { return a.textContent === 'Plain Wire'; })
waitload
eval $RESULTS
eval document.querySelector('ol.results h2 a').textContent
eval document.querySelector('ul.filters a').textContent
click document.querySelector('ul.filters a')
waitload
eval location.search
eval $RESULTS
click document.querySelector('ol.results a[href*="id=long-words"]')
waitload
eval document.querySelectorAll('.view h1 mark').length
EOF
is "${A[0]}" loaded "the results page loads"
is "${A[1]}" 3 "three results for zorblax"
is "${A[2]}/${A[3]}" "ok/loaded" "clicking a result's view link opens a page"
like "${A[4]}" 'id=hostile-2' "the article's page"
is "${A[5]}" '"Second zorblax story"' "it shows the article's title"
is "${A[6]}" '"zorblax,zorblax,zorblax"' "the query's word is highlighted in the title and the body"
is "${A[7]}" '"rgb(255, 229, 138)"' "highlights are drawn (a mark's background)"
is "${A[8]}/${A[9]}/${A[10]}" 'ok/loaded/"?q=zorblax"' "the link back returns to the results"
is "${A[11]}/${A[12]}" "ok/loaded" "clicking a source facet loads a page"
is "${A[13]}" 1 "the results are narrowed to that source"
is "${A[14]}" '"Second zorblax story"' "the right one"
like "${A[15]}" 'source: Plain Wire' "the active filter is shown"
is "${A[16]}/${A[17]}/${A[18]}" 'ok/loaded/"?q=zorblax"' "clicking the filter removes it"
is "${A[19]}" 3 "all the results again"
is "${A[20]}/${A[21]}/${A[22]}" "ok/loaded/1" "a title without a URL opens the article's page, highlighted"

# ---- The keyboard ------------------------------------------------------------------------
{
    echo "goto $BASE/search"
    echo "waitfor document.activeElement.name === 'q'"
    echo "type zorblax"
    echo "key Enter"
    echo "waitload"
    echo "eval location.search"
    echo "waitfor document.activeElement.name === 'q'"
    for i in $(seq 30); do
        echo "key Tab"
        echo "eval $FOCUS"
        echo "eval (function (s) { return s.outlineStyle + ' ' + s.outlineWidth; })(getComputedStyle(document.activeElement))"
    done
} > "$TMP/keys.cmd"
drive 1024 800 < "$TMP/keys.cmd"
is "${A[1]}" ok "the search box has the focus when the page opens"
is "${A[3]}/${A[4]}" "ok/loaded" "Enter in the search box submits the search"
like "${A[5]}" '^"\?q=zorblax&' "for the words typed"
is "${A[6]}" ok "and the results page opens with the focus in the search box"
order="" outlines=0 stops=0 first_facet=0
for i in $(seq 0 29); do
    stop=${A[$((7 + 3 * i + 1))]} outline=${A[$((7 + 3 * i + 2))]}
    part=${stop#\"}
    part=${part%%:*}
    [ "$part" = other ] && break
    stops=$((stops + 1))
    [ "$part" = facet ] && [ "$first_facet" = 0 ] && first_facet=$((i + 1))
    case "$outline" in '"solid 3px"') outlines=$((outlines + 1)) ;; esac
    case " $order " in *" $part "*) ;; *) order="$order $part" ;; esac
done
note "Tab stops: $(for i in $(seq 0 $((stops - 1))); do printf '%s ' "${A[$((7 + 3 * i + 1))]}"; done)"
is "${A[8]}" '"form:sort"' "Tab from the search box goes on through the form"
is "$order" " form result facet" "Tab goes through the form, then the results, then the facets"
is "$outlines" "$stops" "every element Tab reaches shows a visible focus outline ($stops)"

{
    echo "goto $BASE/search?q=zorblax"
    echo "waitfor document.activeElement.name === 'q'"
    for i in $(seq "$first_facet"); do echo "key Tab"; done
    echo "eval $FOCUS"
    echo "key Enter"
    echo "waitload"
    echo "eval location.search"
    echo "eval $RESULTS"
} > "$TMP/facet-key.cmd"
drive 1024 800 < "$TMP/facet-key.cmd"
like "${A[$((first_facet + 2))]}" '^"facet:' "Tab reaches the first facet link ($first_facet presses)"
is "${A[$((first_facet + 4))]}" loaded "Enter on a facet link follows it"
like "${A[$((first_facet + 5))]}" 'source=' "to the search narrowed by it"
is "${A[$((first_facet + 6))]}" 1 "with its results"

# ---- A narrow screen ----------------------------------------------------------------------
WIDE="(function () { return document.documentElement.scrollWidth + ' <= ' + innerWidth; })()"
drive 360 740 <<EOF
goto $BASE/search
eval $WIDE
goto $BASE/search?q=zorblax
eval $WIDE
eval document.querySelectorAll('nav.facets a').length
goto $BASE/search?q=zorblax&source=Plain%20Wire&from=2023&to=2023
eval $WIDE
goto $BASE/search?q=zorblax&id=long-words
eval $WIDE
goto $BASE/search?q=zorblax&id=hostile-1
eval $WIDE
goto $BASE/search?q=layoffs
eval $WIDE
EOF
for i in 1 3 6 8 10 12; do
    w=${A[$i]//\"/}
    ok $(( ${w% <=*} <= ${w#*<= } ? 0 : 1 )) "360 px wide: page $(( (i + 1) / 2 )) does not scroll sideways ($w)"
done
cmp_ok "${A[4]}" -gt 0 "the facets are there on a narrow screen too"

done_testing
