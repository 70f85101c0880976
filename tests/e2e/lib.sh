# The TAP helper of the end-to-end tests: the one place that counts, prints
# and sums up test results. Source it from a .t script:
#
#   . "$(dirname "$0")/lib.sh"
#   plan 3
#   run "$NEWSDEX" index --db "$TMP/db" "$CORPUS"
#   is "$RC" 0 "index exits 0"
#   like "$OUT" '51 added' "summary counts the articles"
#
# Provides: $NEWSDEX (checked), $REPO_ROOT, $CORPUS, $TMP (removed on exit),
# run (sets $RC, $OUT, $ERR; every command runs under a timeout), plan, ok,
# not_ok, pass, fail, check, skip, is, isnt, like, unlike, cmp_ok, diag, note,
# json (a JSON query via perl's core JSON::PP: perl is already needed by
# prove), json_ids, search_ids and done_testing (which prints the plan when
# plan was not called). Domain helpers (cgi_lib.sh, ingest_lib.sh,
# nightly_lib.sh) are sourced after this file and build on it.
# shellcheck shell=bash

set -u

_tap_count=0
_tap_failed=0
_tap_planned=""

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$E2E_DIR/../.." && pwd)
CORPUS="$REPO_ROOT/corpus/articles.jsonl"

# Seconds any one command may take before it counts as hung.
NX_TIMEOUT=${NX_TIMEOUT:-20}

bail_out() {
    echo "Bail out! $*"
    exit 255
}

if [ -z "${NEWSDEX:-}" ]; then
    bail_out "NEWSDEX is not set: run through 'make e2e' or set NEWSDEX=/abs/path/to/build/newsdex"
fi
if [ ! -x "$NEWSDEX" ]; then
    bail_out "NEWSDEX=$NEWSDEX is not an executable file (run 'make build/newsdex')"
fi
case "$NEWSDEX" in
/*) ;;
*) NEWSDEX="$(cd "$(dirname "$NEWSDEX")" && pwd)/$(basename "$NEWSDEX")" ;;
esac
[ -r "$CORPUS" ] || bail_out "corpus not found at $CORPUS"
command -v perl >/dev/null 2>&1 || bail_out "perl is needed (for JSON::PP)"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/newsdex-e2e.XXXXXX") || bail_out "mktemp -d failed"
_cleanup() {
    # Children left behind by a failed test (they are ours, by pid).
    local pid
    for pid in ${NX_CHILD_PIDS:-}; do
        kill "$pid" 2>/dev/null
    done
    rm -rf "$TMP"
}
trap _cleanup EXIT
trap 'exit 130' INT TERM

# ---- NEWSDEX_WRAPPER (make check-valgrind) ----------------------------
# When set (e.g. "valgrind --error-exitcode=99 ..."), every "$NEWSDEX" runs
# as `$NEWSDEX_WRAPPER /path/to/newsdex ARGS...`. $NEWSDEX then names a
# script in $TMP/bin, beside links to everything else in the build
# directory, so tests that look next to $NEWSDEX (libnewsdex.*,
# newsdex.cgi) still find it. $NEWSDEX_REAL is the binary itself.
NEWSDEX_REAL=$NEWSDEX
if [ -n "${NEWSDEX_WRAPPER:-}" ]; then
    mkdir -p "$TMP/bin"
    for _f in "$(dirname "$NEWSDEX_REAL")"/*; do
        [ "$_f" = "$NEWSDEX_REAL" ] || ln -s "$_f" "$TMP/bin/"
    done
    printf '#!/bin/sh\nexec %s %s "$@"\n' "$NEWSDEX_WRAPPER" "$(printf '%q' "$NEWSDEX_REAL")" \
        >"$TMP/bin/$(basename "$NEWSDEX_REAL")"
    chmod +x "$TMP/bin/$(basename "$NEWSDEX_REAL")"
    NEWSDEX="$TMP/bin/$(basename "$NEWSDEX_REAL")"
fi
# ---- end NEWSDEX_WRAPPER ------------------------------------------------

plan() {
    _tap_planned=$1
    echo "1..$1"
}

# diag MSG...: each argument (and each line of it) as a TAP comment on stderr.
diag() {
    local arg line
    for arg in "$@"; do
        while IFS= read -r line; do
            echo "# $line"
        done <<<"$arg"
    done >&2
}

# note MSG...: the same on stdout.
note() {
    local arg line
    for arg in "$@"; do
        while IFS= read -r line; do
            echo "# $line"
        done <<<"$arg"
    done
}

ok() { # ok CONDITION-STATUS DESCRIPTION  (0 = pass), or: ok DESC (pass)
    [ $# -eq 1 ] && set -- 0 "$1"
    local status=$1 desc=${2:-}
    _tap_count=$((_tap_count + 1))
    if [ "$status" = 0 ]; then
        echo "ok $_tap_count - $desc"
        return 0
    fi
    _tap_failed=$((_tap_failed + 1))
    echo "not ok $_tap_count - $desc"
    return 1
}

pass() { ok 0 "$1"; }

not_ok() { ok 1 "$1"; } # not_ok DESC: a failure, without diagnostics

# check DESC COMMAND [ARG...]: passes when COMMAND exits 0.
check() {
    local desc=$1
    shift
    if "$@"; then ok 0 "$desc"; else ok 1 "$desc"; fi
}

# skip REASON: one test counted as passed, marked "# skip REASON".
skip() {
    _tap_count=$((_tap_count + 1))
    echo "ok $_tap_count # skip $1"
}

# fail DESC [diagnostic...]
fail() {
    local desc=$1
    shift
    ok 1 "$desc"
    [ $# -gt 0 ] && diag "$@"
    return 1
}

# Shows the last command's output on failure (when `run` ran one).
_diag_run() {
    [ -n "${LAST_CMD:-}" ] || return 0
    diag "command: ${LAST_CMD:-?}" "exit status: ${RC:-?}" \
        "stdout: $(printf '%s' "${OUT:-}" | head -c 1500)" \
        "stderr: $(printf '%s' "${ERR:-}" | head -c 1500)"
}

is() { # is GOT EXPECTED DESC
    if [ "$1" = "$2" ]; then
        ok 0 "$3"
    else
        ok 1 "$3"
        diag "     got: '$1'" "expected: '$2'"
        _diag_run
        return 1
    fi
}

isnt() { # isnt GOT UNEXPECTED DESC
    if [ "$1" != "$2" ]; then
        ok 0 "$3"
    else
        ok 1 "$3"
        diag "     got: '$1'" "expected anything else"
        _diag_run
        return 1
    fi
}

like() { # like GOT ERE DESC
    if printf '%s' "$1" | grep -Eq -- "$2"; then
        ok 0 "$3"
    else
        ok 1 "$3"
        diag "'$(printf '%s' "$1" | head -c 2000)'" "does not match /$2/"
        _diag_run
        return 1
    fi
}

unlike() { # unlike GOT ERE DESC
    if ! printf '%s' "$1" | grep -Eq -- "$2"; then
        ok 0 "$3"
    else
        ok 1 "$3"
        diag "'$(printf '%s' "$1" | head -c 2000)'" "matches /$2/"
        _diag_run
        return 1
    fi
}

cmp_ok() { # cmp_ok A OP B DESC   (OP: -eq -ne -lt -le -gt -ge)
    local r=1
    case "$2" in
    -eq | -ne | -lt | -le | -gt | -ge) test "$1" "$2" "$3" 2>/dev/null && r=0 ;;
    *) bail_out "cmp_ok: unknown operator $2" ;;
    esac
    if [ "$r" = 0 ]; then
        ok 0 "$4"
    else
        ok 1 "$4"
        diag "failed: $1 $2 $3"
        _diag_run
        return 1
    fi
}

# run CMD [ARG...]: runs under a timeout; sets RC, OUT and ERR (stdin is
# inherited, so `run cmd < file` works). A hang gives RC 124 (or 137).
run() {
    LAST_CMD=$(printf '%q ' "$@" | head -c 300)
    timeout -k 5 "$NX_TIMEOUT" "$@" >"$TMP/.out" 2>"$TMP/.err"
    RC=$?
    OUT=$(cat "$TMP/.out")
    ERR=$(cat "$TMP/.err")
    return 0
}

# json FILE PERL-EXPR: evaluates PERL-EXPR with $j bound to the decoded JSON
# and prints the result (lists one item per line). Exits 3 on bad JSON.
json() {
    perl -MJSON::PP -e '
        my ($file, $expr) = @ARGV;
        local $/;
        open my $fh, "<", $file or die "$file: $!\n";
        my $text = <$fh>;
        my $j = eval { JSON::PP->new->utf8->decode($text) };
        if (!defined $j) { print STDERR "invalid JSON: $@"; exit 3; }
        my @r = eval $expr;
        die "bad expression: $@" if $@;
        binmode STDOUT, ":utf8";
        print map({ (defined $_ ? $_ : "null") . "\n" } @r);
    ' "$1" "$2"
}

# Ids of the results in FILE (a `search --json` output), one per line.
json_ids() {
    # shellcheck disable=SC2016  # a Perl expression
    json "$1" 'map { $_->{id} } @{$j->{results}}'
}

# search_ids DB QUERY...: ids of `search --json --limit 1000`, one per line.
search_ids() {
    local db=$1
    shift
    timeout -k 5 "$NX_TIMEOUT" "$NEWSDEX" search --db "$db" --json --limit 1000 "$@" \
        >"$TMP/.sid.json" 2>"$TMP/.sid.err" || return 1
    json_ids "$TMP/.sid.json"
}

done_testing() {
    if [ -n "$_tap_planned" ] && [ "$_tap_planned" != "$_tap_count" ]; then
        diag "planned $_tap_planned tests but ran $_tap_count"
    fi
    [ -z "$_tap_planned" ] && echo "1..$_tap_count"
    if [ "$_tap_failed" -gt 0 ]; then
        diag "failed $_tap_failed of $_tap_count tests"
        exit $((_tap_failed > 254 ? 254 : _tap_failed))
    fi
    exit 0
}
