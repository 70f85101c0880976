#!/usr/bin/env bash
# The shared library exports exactly the public API: the text and data
# symbols of libnewsdex.so (nm -D --defined-only) are the functions declared
# NEWSDEX_API in include/newsdex.h, no more (no nx_* internals, no C++ or
# Xapian symbols) and no fewer. Also: its soname, and a Doxygen comment on
# every public symbol of the header.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

plan 9

BUILD_DIR=$(dirname "$NEWSDEX")
SHLIB="$BUILD_DIR/libnewsdex.so"
HEADER="$REPO_ROOT/include/newsdex.h"
[ -e "$SHLIB" ] || bail_out "$SHLIB not built (make all)"
command -v nm >/dev/null 2>&1 || bail_out "nm is needed (binutils)"

# Defined dynamic symbols of text/data kinds (T, D, B, R, W, V, G, S, i, u),
# version suffixes (@@V) removed.
nm -D --defined-only "$SHLIB" |
    awk '$2 ~ /^[TDBRWVGSiu]$/ { sub(/@.*/, "", $3); print $3 }' | LC_ALL=C sort -u >"$TMP/exported"

# Function names declared NEWSDEX_API: each declaration, joined up to its ';',
# comments removed; the name is the identifier before the first '('.
perl -e '
    local $/;
    my $h = <STDIN>;
    $h =~ s{/\*.*?\*/}{ }gs;
    $h =~ s{//[^\n]*}{}g;
    $h =~ s{^\s*#[^\n]*(?:\\\n[^\n]*)*}{}mg;    # the #define of NEWSDEX_API itself
    while ($h =~ /\bNEWSDEX_API\b([^;]*);/g) {
        my $decl = $1;
        if ($decl =~ /(\w+)\s*\(/) { print "$1\n" } else { print "UNPARSED:$decl\n" }
    }
' <"$HEADER" | LC_ALL=C sort -u >"$TMP/declared"

n_exported=$(wc -l <"$TMP/exported" | tr -d ' ')
n_declared=$(wc -l <"$TMP/declared" | tr -d ' ')
note "libnewsdex.so exports $n_exported symbols; newsdex.h declares $n_declared NEWSDEX_API functions"

cmp_ok "$n_declared" -ge 20 "the header declares the API ($n_declared NEWSDEX_API functions)"
unparsed=$(grep '^UNPARSED:' "$TMP/declared")
is "$unparsed" "" "every NEWSDEX_API declaration is a function"

missing=$(LC_ALL=C comm -13 "$TMP/exported" "$TMP/declared")
extra=$(LC_ALL=C comm -23 "$TMP/exported" "$TMP/declared")
is "$missing" "" "every NEWSDEX_API function is exported"
is "$extra" "" "nothing else is exported"

# The same two failures, named by kind, so a leak is easy to read.
leaked=$(grep -E '^(_Z|nx_)' "$TMP/exported" | head -n 20)
is "$leaked" "" "no C++, Xapian or nx_* internal symbol is exported"

# The Makefile's LIBVERSION and SOVERSION follow the header's version.
version=$(sed -n 's/^#define NEWSDEX_VERSION_STRING "\(.*\)"$/\1/p' "$HEADER")
soname=$(readelf -d "$SHLIB" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
is "$soname" "libnewsdex.so.${version%%.*}" "the soname is libnewsdex.so.MAJOR ($soname)"
ok "$([ -n "$version" ] && [ -e "$BUILD_DIR/libnewsdex.so.$version" ] && echo 0 || echo 1)" \
    "the library is libnewsdex.so.$version, the header's NEWSDEX_VERSION_STRING"

# Doxygen: every public symbol has a /** comment. Declarations (NEWSDEX_API
# functions, typedefs, NEWSDEX_* macros) need one just before them (#if lines
# between are allowed); struct members and enum constants need a /**< after
# them or a /** before them. Prints "line N: NAME" for each one without.
undocumented_symbols() {
    # shellcheck disable=SC2016  # Perl code
    perl -e '
    local $/;
    my $h = <STDIN>;
    my (@out, %seen);
    # Comments become placeholders keeping their line breaks, so that line
    # numbers stay right and ";" or "," inside comments do not count.
    $h =~ s{(/\*.*?\*/)}{
        my $c = $1; my $nl = ($c =~ tr/\n//);
        ($c =~ m{^/\*\*} ? "\@DOC\@" : "\@COMMENT\@") . ("\n" x $nl)
    }gse;
    my $line_of = sub { return 1 + (substr($h, 0, $_[0]) =~ tr/\n//) };
    # What comes before position $pos, blank lines and #if/#else/#endif lines
    # skipped, must end with a /** comment.
    my $doc_before = sub {
        my $before = substr($h, 0, $_[0]);
        1 while $before =~ s/(?:^|\n)[ \t]*(?:#\s*(?:if|ifdef|ifndef|else|elif|endif)\b[^\n]*)?[ \t]*\z//;
        return $before =~ /\@DOC\@\s*\z/;
    };
    # Top-level declarations.
    while ($h =~ /^(?:NEWSDEX_API\b[^;]*?(\w+)\s*\(|typedef\b[^;{]*?(\w+)\s*(?:;|\{|\)\s*\()|#\s*define\s+(NEWSDEX_\w+))/mg) {
        my $name = $1 // $2 // $3;
        my $pos = $-[0];
        next if $name eq "NEWSDEX_H" || $seen{$name}++;
        push @out, "line " . $line_of->($pos) . ": $name" unless $doc_before->($pos);
    }
    # Members of structs and constants of enums.
    while ($h =~ /\b(struct|enum)\s+(\w+)\s*\{(.*?)\}/gs) {
        my ($kind, $type, $rest, $offset) = ($1, $2, $3, $-[3]);
        my $sep = $kind eq "struct" ? ";" : ",";
        # A member runs from the end of the previous one to the end of the
        # line holding its separator (a trailing /**< on that line is its).
        while ($rest =~ /\S/) {
            my $i = index($rest, $sep);
            my $nl = $i < 0 ? -1 : index($rest, "\n", $i);
            my $end = $i < 0 || $nl < 0 ? length $rest : $nl;
            my $member = substr($rest, 0, $end);
            (my $code = $member) =~ s/\@(?:DOC|COMMENT)\@//g;
            if ($code =~ /(\w+)\s*(?:\)\s*\([^)]*\)\s*)?(?:\[[^\]]*\]\s*)?(?:=[^;,]*)?[;,]?\s*\z/s
                && $member !~ /\@DOC\@/) {
                push @out, "line " . $line_of->($offset + $-[1]) . ": $type.$1";
            }
            $offset += $end;
            $rest = substr($rest, $end);
        }
    }
    print "$_\n" for @out;
    ' <"$1"
}

is "$(undocumented_symbols "$HEADER")" "" \
    "every public symbol of newsdex.h has a Doxygen (/** ... */) comment"

# The check can fail: a copy of the header with two comments taken out.
sed -e 's|^/\*\* Number of articles in the index\. \*/$||' \
    -e 's|^\(    uint32_t offset; *\)/\*\*<.*\*/$|\1|' "$HEADER" >"$TMP/stripped.h"
is "$(undocumented_symbols "$TMP/stripped.h" | sed 's/^line [0-9]*: //' | tr '\n' ' ')" \
    "newsdex_db_count newsdex_search_options.offset " \
    "the Doxygen check finds a function and a member without a comment"

done_testing
