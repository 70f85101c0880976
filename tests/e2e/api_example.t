#!/usr/bin/env bash
# `make install` and the C API as a user sees them: a staged install
# (DESTDIR) puts every file in its place and `make uninstall` takes them
# away; then the example program of README.md ("Embedding newsdex in a C
# program", between the api-example markers) is built with pkg-config
# against an installed newsdex, shared and static, and run over an index of
# the sample corpus, one index and two shards.
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC2016  # single-quoted Perl expressions for json
. "$(dirname "$0")/lib.sh"

plan 35

BUILD_DIR=$(dirname "$NEWSDEX")
case "$BUILD_DIR" in
"$REPO_ROOT"/*) BUILD_ARG=${BUILD_DIR#"$REPO_ROOT"/} ;;
*) BUILD_ARG=$BUILD_DIR ;;
esac
[ -e "$BUILD_DIR/libnewsdex.so" ] || bail_out "$BUILD_DIR/libnewsdex.so not built (make all)"
command -v pkg-config >/dev/null 2>&1 || bail_out "pkg-config is needed"
CC=${CC:-cc}

# A sanitizer build (make check-asan) installs sanitized libraries: programs
# linked with them need the runtime too, and make must see the same flags.
SAN=()
MAKE_VARS=(BUILD="$BUILD_ARG")
if readelf -d "$BUILD_DIR/libnewsdex.so" 2>/dev/null | grep -q 'libasan'; then
    SAN=("-fsanitize=address,undefined")
    MAKE_VARS+=(SANITIZE=1 "OPT=-O1 -g")
fi

# mk TARGET VAR=VALUE...: make in the repository, as a user would run it.
mk() {
    NX_TIMEOUT=300 run env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
        make -s --no-print-directory -C "$REPO_ROOT" "${MAKE_VARS[@]}" "$@"
}

# ---- A staged install: DESTDIR + PREFIX ----
STAGE="$TMP/stage"
mk install DESTDIR="$STAGE" PREFIX=/usr/local
is "$RC" 0 "make install DESTDIR=... PREFIX=/usr/local exits 0"
R="$STAGE/usr/local"
expected="bin/newsdex
include/newsdex.h
lib/libnewsdex.a
lib/libnewsdex.so
lib/libnewsdex.so.1
lib/pkgconfig/newsdex.pc
share/man/man1/newsdex-index.1
share/man/man1/newsdex-search.1
share/man/man1/newsdex.1
share/man/man7/newsdex-query.7"
missing=""
for f in $expected; do
    [ -e "$R/$f" ] || missing="$missing $f"
done
is "$missing" "" "every file is installed under DESTDIR/PREFIX"
real=$(cd "$R/lib" 2>/dev/null && ls libnewsdex.so.1.* 2>/dev/null)
like "$real" '^libnewsdex\.so\.1\.[0-9]+\.[0-9]+$' "the shared library is installed as libnewsdex.so.1.X.Y"
is "$(readlink "$R/lib/libnewsdex.so.1")|$(readlink "$R/lib/libnewsdex.so")" \
    "$real|libnewsdex.so.1" "libnewsdex.so -> libnewsdex.so.1 -> $real"
ok "$([ -x "$R/bin/newsdex" ] && [ ! -x "$R/lib/libnewsdex.a" ] && echo 0 || echo 1)" \
    "the command is executable, the static library is not"
ok "$(cmp -s "$R/include/newsdex.h" "$REPO_ROOT/include/newsdex.h" && echo 0 || echo 1)" \
    "the installed header is include/newsdex.h"
run "$R/bin/newsdex" help query
ok "$([ "$RC" = 0 ] && printf '%s' "$OUT" | grep -q 'THE NEWSDEX QUERY LANGUAGE' && echo 0 || echo 1)" \
    "the installed command runs"

pc=$(cat "$R/lib/pkgconfig/newsdex.pc" 2>/dev/null)
is "$(printf '%s\n' "$pc" | grep '^prefix=')" "prefix=/usr/local" "newsdex.pc: prefix=/usr/local (not the DESTDIR)"
like "$(printf '%s\n' "$pc" | grep '^Requires.private:')" \
    'xapian-core.*jansson.*libutf8proc.*zlib' "newsdex.pc: Requires.private names xapian-core jansson libutf8proc zlib"
like "$(printf '%s\n' "$pc" | grep '^Libs.private:')" '-lstemmer.*-lstdc\+\+' \
    "newsdex.pc: Libs.private has -lstemmer and -lstdc++"
like "$(printf '%s\n' "$pc" | grep '^Libs:')" '-L\$\{libdir\} -lnewsdex' "newsdex.pc: Libs links -lnewsdex"

# The man pages are well-formed roff: groff reports no warning.
if command -v groff >/dev/null 2>&1; then
    warnings=""
    for page in "$R"/share/man/man1/*.1 "$R"/share/man/man7/*.7; do
        w=$(groff -man -ww -z "$page" 2>&1)
        [ -n "$w" ] && warnings="$warnings$(basename "$page"): $w
"
        printf '%s' "$(head -n 5 "$page")" | grep -q '^\.TH ' || warnings="$warnings$(basename "$page"): no .TH
"
    done
    is "$warnings" "" "the installed man pages format without warnings"
else
    pass "# SKIP groff is not installed"
fi

mk uninstall DESTDIR="$STAGE" PREFIX=/usr/local
is "$RC" 0 "make uninstall DESTDIR=... PREFIX=/usr/local exits 0"
left=$(find "$STAGE" ! -type d 2>/dev/null)
is "$left" "" "make uninstall removes every installed file"

# ---- Installed under a PREFIX of our own, then built against ----
P="$TMP/prefix"
mk install PREFIX="$P"
is "$RC" 0 "make install PREFIX=$P exits 0"
export PKG_CONFIG_PATH="$P/lib/pkgconfig"
run pkg-config --cflags --libs newsdex
like "$OUT" "-I$P/include .*-L$P/lib -lnewsdex" "pkg-config --cflags --libs newsdex points at the install"
FLAGS=$OUT

sed -n '/<!-- api-example:begin/,/<!-- api-example:end -->/p' "$REPO_ROOT/README.md" |
    sed -e '1d' -e '$d' | sed '/^```/d' >"$TMP/search-news.c"
like "$(cat "$TMP/search-news.c")" 'int main\(int argc, char \*\*argv\)' \
    "README.md holds the example program between the api-example markers"

# shellcheck disable=SC2086  # pkg-config output is a list of words
run "$CC" -std=c11 -Wall -Wextra -Werror "${SAN[@]}" "$TMP/search-news.c" -o "$TMP/search-news" $FLAGS
is "$RC" 0 "the example compiles with -Wall -Wextra -Werror against the installed library"
like "$(readelf -d "$TMP/search-news" 2>/dev/null | grep NEEDED)" 'libnewsdex\.so\.1' \
    "the example is linked with libnewsdex.so.1"
run env LD_LIBRARY_PATH="$P/lib" ldd "$TMP/search-news"
like "$(printf '%s\n' "$OUT" | grep libnewsdex)" "=> $P/lib/libnewsdex\.so\.1 " \
    "at run time it loads the installed library"

DB="$TMP/db"
run "$NEWSDEX" index --db "$DB" "$CORPUS"
[ "$RC" = 0 ] || bail_out "could not index the corpus (exit $RC): $ERR"

export LD_LIBRARY_PATH="$P/lib"
run "$TMP/search-news" 'Prime Video layoffs 2024' "$DB"
is "$RC" 0 "the example runs over an index of the corpus: exit 0"
like "$(printf '%s\n' "$OUT" | sed -n 2p)" '^1\. ndx-0029  2024-01-10  Amazon ' \
    "the example prints the Prime Video layoffs article first, with rank, id, date and title"

# The example (limit 5, from 2021, no snippets) agrees with the command.
run "$TMP/search-news" layoffs "$DB"
api_ids=$(printf '%s\n' "$OUT" | sed -n 's/^[0-9]*\. \([^ ]*\) .*/\1/p')
run "$NEWSDEX" search --db "$DB" --json --limit 5 --from 2021 --no-snippets layoffs
printf '%s\n' "$OUT" >"$TMP/layoffs.json"
cli_ids=$(json_ids "$TMP/layoffs.json")
ok "$([ -n "$api_ids" ] && [ "$api_ids" = "$cli_ids" ] && echo 0 || echo 1)" \
    "the example finds the same articles in the same order as newsdex search" ||
    diag "api: $api_ids" "cli: $cli_ids"
total=$(json "$TMP/layoffs.json" '$j->{total}')
run "$TMP/search-news" layoffs "$DB"
is "$(printf '%s\n' "$OUT" | head -n 1)" "matches: $total" "and the same exact total"

run "$TMP/search-news" layoffs "$TMP/no-such-index"
ok "$([ "$RC" = 1 ] && printf '%s' "$ERR" | grep -q "^not found: no index at $TMP/no-such-index" && echo 0 || echo 1)" \
    "a missing index: the status and message reach the program" || _diag_run
run "$TMP/search-news" 'colour:red' "$DB"
ok "$([ "$RC" = 1 ] && printf '%s' "$ERR" | grep -q 'position 1: unknown field "colour"' && echo 0 || echo 1)" \
    "a bad query: NEWSDEX_ERR_QUERY with the message" || _diag_run

# ---- Several indexes as one (newsdex_db_open_many, search --db A --db B) ----
head -n 25 "$CORPUS" >"$TMP/a.jsonl"
tail -n +26 "$CORPUS" >"$TMP/b.jsonl"
run "$NEWSDEX" index --db "$TMP/shard-a" "$TMP/a.jsonl"
rc_a=$RC
run "$NEWSDEX" index --db "$TMP/shard-b" "$TMP/b.jsonl"
if [ "$rc_a" != 0 ] || [ "$RC" != 0 ]; then
    bail_out "could not index the two halves of the corpus"
fi
run "$TMP/search-news" 'Prime Video layoffs 2024' "$TMP/shard-a" "$TMP/shard-b"
ok "$([ "$RC" = 0 ] && printf '%s\n' "$OUT" | sed -n 2p | grep -q '^1\. ndx-0029 ' && echo 0 || echo 1)" \
    "the example over two shards finds the Prime Video article first" || _diag_run

whole=$(search_ids "$DB" layoffs | LC_ALL=C sort)
run "$NEWSDEX" search --db "$TMP/shard-a" --db "$TMP/shard-b" --json --limit 1000 layoffs
is "$RC" 0 "newsdex search --db A --db B: exit 0"
printf '%s\n' "$OUT" >"$TMP/shards.json"
shards=$(json_ids "$TMP/shards.json" | LC_ALL=C sort)
ok "$([ -n "$whole" ] && [ "$whole" = "$shards" ] && echo 0 || echo 1)" \
    "two shards find the same articles as one index of both" || diag "one: $whole" "two: $shards"
one_first=$(search_ids "$DB" Prime Video layoffs 2024 | head -n 1)
run "$NEWSDEX" search --db "$TMP/shard-a" --db "$TMP/shard-b" --json Prime Video layoffs 2024
printf '%s\n' "$OUT" >"$TMP/pv.json"
is "$one_first|$(json_ids "$TMP/pv.json" | head -n 1)" "ndx-0029|ndx-0029" \
    "and rank the Prime Video article first, as one index does"
run "$NEWSDEX" search --db "$TMP/shard-a" --db "$TMP/no-such-shard" layoffs
ok "$([ "$RC" = 5 ] && printf '%s' "$ERR" | grep -q "no index at $TMP/no-such-shard" && echo 0 || echo 1)" \
    "a missing shard: exit 5 and a message naming it" || _diag_run

# ---- Linked statically (libnewsdex.a), as the README shows ----
LIBDIR=$(pkg-config --variable=libdir newsdex)
# shellcheck disable=SC2046  # pkg-config output is a list of words
run "$CC" -std=c11 -Wall -Wextra -Werror "${SAN[@]}" "$TMP/search-news.c" -o "$TMP/search-news-static" \
    $(pkg-config --cflags newsdex) "$LIBDIR/libnewsdex.a" -Wl,--as-needed $(pkg-config --static --libs newsdex)
is "$RC" 0 "the example links with libnewsdex.a and pkg-config --static"
unlike "$(readelf -d "$TMP/search-news-static" 2>/dev/null | grep NEEDED)" 'libnewsdex' \
    "the static build does not need libnewsdex.so"
unset LD_LIBRARY_PATH
run env LD_LIBRARY_PATH="$P/lib" "$TMP/search-news" layoffs "$DB"
dynamic_out=$OUT
run "$TMP/search-news-static" layoffs "$DB"
ok "$([ "$RC" = 0 ] && [ -n "$OUT" ] && [ "$OUT" = "$dynamic_out" ] && echo 0 || echo 1)" \
    "the static build runs without LD_LIBRARY_PATH and prints what the shared one prints" || _diag_run

mk uninstall PREFIX="$P"
ok "$([ "$RC" = 0 ] && [ -z "$(find "$P" ! -type d 2>/dev/null)" ] && echo 0 || echo 1)" \
    "make uninstall PREFIX=... leaves nothing behind"

done_testing
