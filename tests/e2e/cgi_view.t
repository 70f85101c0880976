#!/usr/bin/env bash
# newsdex.cgi's article page (?id=ID&q=Q) and its facet filters (source=,
# topic=, from=/to=), in command-line mode, as a plain CGI and over
# FastCGI: statuses (200, 404, 400), highlighting, escaping of hostile ids,
# titles and sources, links from the results and filter links.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cgi_lib.sh"

make_db
# An id, title and topic written to break out of HTML, URLs and the query.
cat > "$TMP/more.jsonl" <<'EOF'
{"id":"<script>alert(3)</script>\"&'x","date":"2022-02-02","source":"Quote \"Wire\" & Co","title":"<script>alert(4)</script> zorblax units","topics":["<b>bold</b> topic","zorblax"],"body":"Line one about zorblax merger.\n\nLine two: the <i>mergers</i> & \"units\"."}
{"id":"plain-no-url","date":"2021-05-05","source":"Plain Wire","title":"Untitled-link zorblax story","body":"A story without a URL about the zorblax merger."}
EOF
"$NEWSDEX" index --db "$DB" "$TMP/more.jsonl" > /dev/null 2>&1 || bail_out "could not index more.jsonl"
HOSTILE_ID_ENC='%3Cscript%3Ealert%283%29%3C%2Fscript%3E%22%26%27x'

# ---- The article page ---------------------------------------------------------------
cgi id=plain-no-url q=mergers
is "$STATUS" 200 "view: status 200"
is "$(header Content-Type)" "text/html; charset=utf-8" "view: HTML"
like "$BODY" '<h1>Untitled-link zorblax story</h1>' "view: the title"
like "$BODY" 'without a URL about the zorblax <mark>merger</mark>\.' \
    "view: the whole body, the query's words marked in any inflection"
like "$BODY" '<time datetime="2021-05-05">5 May 2021</time> · Plain Wire' "view: date and source"
like "$BODY" '<a href="\?q=mergers">← Back to the results</a>' "view: a link back to the results"
unlike "$BODY" 'Original article' "view: no URL, no link to one"

cgi id=ndx-0001 q=bond
like "$BODY" 'Topics: federal reserve, interest rates, bonds, monetary policy' "view: the topics"
like "$BODY" '<a href="https://cmr\.example\.net/2021/01/27/[^"]*" rel="noopener noreferrer">Original article</a>' \
    "view: the article's URL"
like "$BODY" '<mark>bond</mark> buying' "view: the title's words marked"

cgi id=plain-no-url
is "$STATUS" 200 "view without q: 200"
unlike "$BODY" '<mark>' "view without q: nothing marked"
like "$BODY" '<a href="\?">New search</a>' "view without q: a link to a new search"

cgi id=plain-no-url 'q=merger%20date:2024-13'
is "$STATUS" 200 "view with a q that does not parse: still 200, the article shown"
like "$BODY" '<h1>Untitled-link zorblax story</h1>' "the article, unmarked"
unlike "$BODY" '<mark>' "nothing marked"

cgi id=plain-no-url q=merger sort=date from=2020 page=2
like "$BODY" 'href="\?q=merger&amp;sort=date&amp;from=2020&amp;page=2"' \
    "view: the way back keeps sort, dates and page"

# ---- Status codes -------------------------------------------------------------------------
cgi id=no-such-article q=oil
is "$STATUS" 404 "unknown id: 404"
like "$BODY" '<p class="error" role="alert">no article has this id</p>' "unknown id: a clear page"
cgi id=no-such-article format=json
is "$STATUS/$(body_json '$j->{parameter}')/$(body_json '$j->{status}')" "404/id/404" \
    "unknown id, JSON: 404 naming id"

cgi "id=$(printf 'a%.0s' $(seq 201))"
is "$STATUS" 400 "an id over 200 bytes: 400"
like "$BODY" 'id is longer than 200 bytes' "and says so"
cgi 'id=a%01b'
is "$STATUS" 400 "an id with a control character: 400"
cgi 'id=%FF' format=json
is "$STATUS/$(body_json '$j->{parameter}')" "400/id" "an id that is not UTF-8: 400 naming id"
cgi id=a id=b
is "$STATUS" 400 "id given twice: 400"

# ---- Escaping ---------------------------------------------------------------------------
cgi "id=$HOSTILE_ID_ENC" q=zorblax
is "$STATUS" 200 "a hostile id: its page is found"
unlike "$BODY" '<script>|<b>bold|<i>mergers' "hostile id: no markup from the article gets through"
like "$BODY" '<h1>&lt;script&gt;alert\(4\)&lt;/script&gt; <mark>zorblax</mark> units</h1>' \
    "hostile title: escaped, with its mark"
like "$BODY" 'Topics: &lt;b&gt;bold&lt;/b&gt; topic, zorblax' "hostile topic: escaped"
like "$BODY" 'Quote &quot;Wire&quot; &amp; Co' "hostile source: escaped"
like "$BODY" 'the &lt;i&gt;mergers&lt;/i&gt; &amp; &quot;units&quot;' "hostile body: escaped"

cgi q=zorblax limit=20
like "$BODY" "<a href=\"\\?q=zorblax&amp;limit=20&amp;id=$HOSTILE_ID_ENC\">&lt;script&gt;" \
    "results: a title without a URL links to its page, the id percent-encoded"
like "$BODY" '<a href="\?q=zorblax&amp;limit=20&amp;id=hostile-1">&lt;script&gt;alert' \
    "results: a javascript: URL is not a link; the title links to the page instead"
like "$BODY" '<a href="https://example\.com/a\?b=1&amp;c=&quot;2&quot;&#39;&lt;x&gt;">Second zorblax story</a><a class="hit-view" href="\?q=zorblax&amp;limit=20&amp;id=hostile-2"' \
    "results: a title with a URL links to it, with a view link beside it"
n_results=$(printf '%s\n' "$BODY" | grep -c '<li><article>')
n_views=$(printf '%s\n' "$BODY" | grep -c '&amp;id=')
is "$n_views" "$n_results" "results: every result ($n_results) links to its page"

cgi "id=$HOSTILE_ID_ENC" q=zorblax format=json
is "$(body_json '$j->{id}')" "<script>alert(3)</script>\"&'x" "view JSON: the id"
is "$(body_json 'join ",", sort keys %$j')" "body,date,highlights,id,source,title,topics,url" \
    "view JSON: the keys"
is "$(body_json 'join ";", map { substr($j->{title}, $_->[0], $_->[1] - $_->[0]) } @{$j->{highlights}{title}}')" \
    zorblax "view JSON: the title's highlights are byte ranges of the query's word"
is "$(body_json 'join ";", map { substr($j->{body}, $_->[0], $_->[1] - $_->[0]) } @{$j->{highlights}{body}}')" \
    zorblax "view JSON: the body's highlights too"
is "$(body_json 'join ",", @{$j->{topics}}')" "<b>bold</b> topic,zorblax" "view JSON: the topics as written"

# ---- Facets as filters ----------------------------------------------------------------------
cgi q=zorblax
like "$BODY" '<nav class="facets" aria-label="Narrow the results">' "results: facets"
like "$BODY" '<a href="\?q=zorblax&amp;source=Plain%20Wire">Plain Wire</a> <span class="n">2</span>' \
    "source facet: a link narrowing the search, with the count"
like "$BODY" '<a href="\?q=zorblax&amp;source=Quote%20%22Wire%22%20%26%20Co">Quote &quot;Wire&quot; &amp; Co</a>' \
    "a hostile source: encoded in the link, escaped in the text"
like "$BODY" '<a href="\?q=zorblax&amp;topic=zorblax">zorblax</a>' "topic facet link"
like "$BODY" '<a href="\?q=zorblax&amp;from=2023&amp;to=2023">2023</a>' "year facet link: from and to"
like "$BODY" '<option value="Plain Wire">Plain Wire</option>' "the form offers the matches' sources"

cgi q=zorblax source=Plain%20Wire
is "$STATUS" 200 "source filter: 200"
is "$(printf '%s\n' "$BODY" | grep -c '<li><article>')" 2 "source filter: only that source's articles"
like "$BODY" '<a href="\?q=zorblax" aria-label="Remove the filter source: Plain Wire">source: Plain Wire' \
    "the active filter, with a link that removes it"
like "$BODY" '<option value="Plain Wire" selected>' "the form shows the source chosen"
like "$BODY" 'href="\?q=zorblax&amp;source=Plain%20Wire&amp;id=plain-no-url"' \
    "a result's page link keeps the filter"

cgi q=zorblax 'source=Quote%20%22Wire%22%20%26%20Co'
is "$(printf '%s\n' "$BODY" | grep -c '<li><article>')" 1 "a source with quotes and & filters too"

cgi q=zorblax topic=zorblax format=json
is "$(body_json 'join ",", map { $_->{id} } @{$j->{results}}')" "<script>alert(3)</script>\"&'x" \
    "topic filter (JSON too)"
cgi q=zorblax from=2023 to=2023
like "$BODY" 'aria-label="Remove the filter date: 2023"' "a year filter is shown and removable"
cgi 'q=zorblax%20OR%20oil' source=Plain%20Wire format=json
is "$(body_json 'join ",", sort map { $_->{source} } @{$j->{results}}')" "Plain Wire,Plain Wire" \
    "a filter applies to every part of an OR"
cgi source=Plain%20Wire format=json
is "$STATUS/$(body_json 'scalar @{$j->{results}}')" "200/2" "a filter alone is a search"
cgi source=Plain%20Wire
like "$BODY" '<p class="count" role="status">2 articles match these filters; showing 1–2\.</p>' \
    "a filter alone: the page counts the articles that match it"
cgi topic=no-such-topic
like "$BODY" 'No articles match these filters\.' "and says when none does"
cgi q=zorblax "source=$(printf 'a%.0s' $(seq 257))"
is "$STATUS" 400 "a source over 256 bytes: 400"
cgi q=zorblax 'topic=a%0Ab'
is "$STATUS" 400 "a topic with a control character: 400"

# A spelling suggestion (or correction) of the filtered query shows and
# links to the corrected words; the filter stays a parameter.
cgi q=layofs source=Harbor%20Street%20Journal
suggest=$(printf '%s\n' "$BODY" | grep 'class="suggest"')
like "$suggest" '>layoffs<' "a spelling suggestion under a filter: the corrected words"
unlike "$suggest" 'source:|%22Harbor' "not the filter's query text"
like "$suggest" 'source=Harbor%20Street%20Journal' "the filter kept as a parameter"
cgi 'q=layofs%20OR%20zorblx' source=Harbor%20Street%20Journal
suggest=$(printf '%s\n' "$BODY" | grep 'class="suggest"')
like "$suggest" '>layoffs OR zorblax<' "and without the parentheses an OR got"

# ---- Plain CGI and FastCGI ----------------------------------------------------------------
OUT=$(REQUEST_METHOD=GET QUERY_STRING='id=plain-no-url&q=merger' GATEWAY_INTERFACE=CGI/1.1 \
    timeout 20 "$NEWSDEX_CGI" </dev/null 2>/dev/null)
_split_response "$OUT"
is "$STATUS" 200 "CGI: the article page"
like "$BODY" '<mark>merger</mark>' "CGI: marked"

mkdir -p "$TMP/srv"
cp "$NEWSDEX_CGI" "$TMP/srv/newsdex.cgi"
printf 'db = %s\n' "$DB" > "$TMP/srv/newsdex.cgi.conf"
if start_listen "$TMP/srv/newsdex.cgi" tcp; then
    fcgi_get "$LISTEN_ADDR" 'id=plain-no-url&q=merger'
    is "$STATUS" 200 "FastCGI: the article page"
    like "$BODY" '<mark>merger</mark>' "FastCGI: marked"
    fcgi_get "$LISTEN_ADDR" 'id=no-such-article'
    is "$STATUS" 404 "FastCGI: unknown id, 404"
    fcgi_get "$LISTEN_ADDR" 'id=plain-no-url&q=merger'
    is "$STATUS" 200 "FastCGI: the page again after a 404"
    fcgi_get "$LISTEN_ADDR" 'q=zorblax&source=Plain%20Wire&format=json'
    is "$(body_json 'scalar @{$j->{results}}')" 2 "FastCGI: the source filter"
else
    fail "--listen starts"
fi

done_testing
