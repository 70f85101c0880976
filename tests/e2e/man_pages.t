#!/usr/bin/env bash
# The man pages (man/) against the command line they document:
# - every command `newsdex help` lists has an entry (.TP) under COMMANDS in
#   newsdex.1, and every exit status it lists one under EXIT STATUS;
# - every command answers --help, and every long option its --help lists
#   has an entry (.TP) among the command's options: under OPTIONS in
#   man/newsdex-COMMAND.1 when that page exists, else in the subsection
#   ".SS newsdex COMMAND" of newsdex.1;
# - every long option the pages document there is one the command accepts;
# - every page formats without a warning (groff -ww; skipped without groff).
# The pages are read as roff source, so this part needs neither groff nor man.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

MAN_DIR="$REPO_ROOT/man"
MAIN_PAGE="$MAN_DIR/newsdex.1"
[ -r "$MAIN_PAGE" ] || bail_out "no man page at $MAIN_PAGE"

# roff_text: roff source on stdin as plain words on stdout: the leading
# macro name, escapes for hyphens, fonts and spacing, and quotes go.
roff_text() {
    sed -e 's/^\.[A-Za-z]*[[:space:]]*//' \
        -e 's/\\-/-/g' -e 's/\\f\[[A-Za-z]*\]//g' -e 's/\\f[A-Za-z]//g' \
        -e 's/\\[&|^]//g' -e 's/\\~/ /g' -e 's/\\e/\\/g' -e 's/"//g'
}

# tags PAGE KIND NAME: the tag lines (the line after each .TP) of section
# ".SH NAME" (KIND SH) or subsection ".SS NAME" (KIND SS) of PAGE, as text.
# A subsection ends at the next .SS or .SH; a section at the next .SH.
tags() {
    awk -v kind="$2" -v name="$3" '
        function title(line) {
            sub(/^\.S[HS][ \t]*/, "", line)
            gsub(/"/, "", line)
            return line
        }
        /^\.SH/ { inside = kind == "SH" && title($0) == name; take = 0; next }
        /^\.SS/ { if (kind == "SS") inside = title($0) == name; take = 0; next }
        /^\.TP/ { take = 1; next }
        take { take = 0; if (inside) print }
    ' "$1" | roff_text
}

# long_options: the long options (--name) in the text on stdin, sorted.
long_options() {
    grep -oE -- '(^|[^-[:alnum:]])--[a-z][a-z0-9-]*' | sed 's/^[^-]*//' | sort -u
}

# one_line TEXT: the lines of TEXT joined by spaces.
one_line() {
    printf '%s\n' "$1" | tr '\n' ' ' | sed 's/ *$//'
}

# has_word TEXT WORD: TEXT holds WORD as a whole word (letters, digits, -).
has_word() {
    printf '%s\n' "$1" | grep -Eq -- "(^|[^-[:alnum:]])$2([^-[:alnum:]]|\$)"
}

# ---- newsdex help: the commands and the exit statuses ----------------------
run "$NEWSDEX" help
is "$RC" 0 "newsdex help exits 0"
HELP=$OUT
COMMANDS=$(printf '%s\n' "$HELP" | awk '/^commands:/ { on = 1; next } on && /^[[:space:]]*$/ { exit }
                                        on { print $1 }' | sort -u)
STATUSES=$(printf '%s\n' "$HELP" | sed -n '/^exit status:/,$p' | grep -oE '(^|[ /:,])[0-9]+' |
    grep -oE '[0-9]+' | sort -un)
like "$(one_line "$COMMANDS")" 'index .*search' "newsdex help lists the commands (index, search, ...)"
like "$(one_line "$STATUSES")" '^0 1 2 ' "newsdex help lists the exit statuses (0, 1, 2, ...)"

main_commands=$(tags "$MAIN_PAGE" SH COMMANDS)
for cmd in $COMMANDS; do
    if has_word "$main_commands" "$cmd"; then
        pass "newsdex.1: command '$cmd' has an entry under COMMANDS"
    else
        fail "newsdex.1: command '$cmd' has an entry under COMMANDS" \
            "newsdex help lists '$cmd'; add a .TP entry for it under .SH COMMANDS in man/newsdex.1"
    fi
done

main_statuses=$(tags "$MAIN_PAGE" SH "EXIT STATUS")
missing=""
for status in $STATUSES; do
    has_word "$main_statuses" "$status" || missing="$missing $status"
done
if [ -z "$missing" ]; then
    pass "newsdex.1: every exit status of newsdex help has an entry under EXIT STATUS"
else
    fail "newsdex.1: every exit status of newsdex help has an entry under EXIT STATUS" \
        "no entry for$missing under .SH \"EXIT STATUS\" in man/newsdex.1"
fi

# ---- each command's --help against its man page ----------------------------
for cmd in $COMMANDS; do
    [ "$cmd" = help ] && continue
    if [ -r "$MAN_DIR/newsdex-$cmd.1" ]; then
        page="newsdex-$cmd.1"
        documented=$(tags "$MAN_DIR/$page" SH OPTIONS)
        where="under OPTIONS in man/$page"
    else
        page="newsdex.1"
        documented=$(tags "$MAIN_PAGE" SS "newsdex $cmd")
        where="in the subsection '.SS newsdex $cmd' of man/newsdex.1"
    fi

    run "$NEWSDEX" "$cmd" --help
    if ! ok "$([ "$RC" = 0 ] && printf '%s' "$OUT" | grep -q '^usage:' && echo 0 || echo 1)" \
        "newsdex $cmd --help exits 0 and prints a usage"; then
        _diag_run
        continue
    fi
    wanted=$(printf '%s\n' "$OUT" | long_options)

    missing=""
    for opt in $wanted; do
        has_word "$documented" "$opt" || missing="$missing $opt"
    done
    if [ -z "$wanted" ]; then
        pass "$page: newsdex $cmd --help lists no long option"
    elif [ -z "$missing" ]; then
        pass "$page: every option of newsdex $cmd --help is documented ($(one_line "$wanted"))"
    else
        fail "$page: every option of newsdex $cmd --help is documented" \
            "not documented$missing" "each needs a .TP entry $where"
    fi

    # The other way round: what the page documents, the command accepts.
    # No index is given, so nothing is read or written; an option the
    # command does not know makes getopt complain before anything else.
    unknown=""
    for opt in $(printf '%s\n' "$documented" | long_options); do
        (cd "$TMP" && env -u NEWSDEX_DB timeout -k 5 "$NX_TIMEOUT" "$NEWSDEX" "$cmd" "$opt" \
            </dev/null >/dev/null 2>"$TMP/.opt.err")
        grep -Eq 'unrecognized option|invalid option|is ambiguous' "$TMP/.opt.err" &&
            unknown="$unknown $opt"
    done
    if [ -z "$unknown" ]; then
        pass "$page: every option documented for newsdex $cmd is accepted by it"
    else
        fail "$page: every option documented for newsdex $cmd is accepted by it" \
            "newsdex $cmd does not accept$unknown, documented $where"
    fi
done

# ---- every page formats without warnings -----------------------------------
PAGES=$(cd "$MAN_DIR" && ls -- *.[1-9] 2>/dev/null)
like "$PAGES" 'newsdex\.1' "man/ holds the pages (newsdex.1, ...)"
for page in $PAGES; do
    if command -v groff >/dev/null 2>&1; then
        warnings=$(LC_ALL=C groff -man -Tutf8 -ww -z "$MAN_DIR/$page" 2>&1)
        if [ -z "$warnings" ]; then
            pass "$page formats without warnings (groff -man -ww)"
        else
            fail "$page formats without warnings (groff -man -ww)" "$warnings"
        fi
    else
        pass "# SKIP groff is not installed (Debian package groff-base): $page not formatted"
    fi
done

done_testing
