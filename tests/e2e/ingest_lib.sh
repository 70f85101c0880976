# Helpers for the ingest_*.t end-to-end tests: a synthetic archive
# generator and index checks, on top of lib.sh (TAP output, $TMP, $CORPUS,
# $REPO_ROOT), which this file sources. $REPO is $REPO_ROOT.
# shellcheck shell=bash source-path=SCRIPTDIR source=lib.sh

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# These scripts were written without set -u (lib.sh sets it): keep it off.
set +u
REPO=$REPO_ROOT

# synth N [SEED] [FIRST_ID]: N JSON Lines articles on stdout, ids syn-NNNNNNN,
# about 1 KB each (like a Reuters story), deterministic for a given seed.
synth() {
    awk -v n="$1" -v seed="${2:-42}" -v first="${3:-1}" '
    function word(   w, k, x) {
        if (rand() < 0.8) return V[int(rand() * nv) + 1]
        x = int(rand() * 60000); w = ""
        for (k = 0; k < 4; k++) { w = w substr("abcdefghijklmnopqrstuvwxyz", x % 26 + 1, 1); x = int(x / 26) }
        return w "ex"
    }
    function words(count,   s, k) { s = word(); for (k = 1; k < count; k++) s = s " " word(); return s }
    BEGIN {
        srand(seed)
        nv = split("market shares profit revenue bank oil price rate growth company quarter " \
                   "earnings dollar trade deficit export import tonnes crude barrel federal " \
                   "reserve interest loan debt bond yield stock exchange merger acquisition " \
                   "offer bid board director chairman president minister government tax " \
                   "budget inflation index consumer producer wheat corn grain sugar coffee " \
                   "cocoa gold silver copper steel coal gas energy output production plant " \
                   "strike union wage jobs layoffs sales retail record quarterly annual net " \
                   "loss gain rise fall cut raise said would year week month analysts expect", V, " ")
        split("Reuters Wire|Harbor Street Journal|Meridian Business Wire|The Ledger Daily|Northgate Report", S, "|")
        for (i = first; i < first + n; i++) {
            printf "{\"id\":\"syn-%07d\",\"date\":\"%04d-%02d-%02d\",\"source\":\"%s\",", \
                   i, 1990 + i % 30, i % 12 + 1, i % 28 + 1, S[i % 5 + 1]
            printf "\"title\":\"%s\",\"topics\":[\"%s\"],\"body\":\"%s.\"}\n", \
                   words(8), V[i % nv + 1], words(150)
        }
    }'
}

# count DB: articles in the index (doc count from xapian-delve).
count() { xapian-delve "$1" 2>/dev/null | awk -F'= ' '/number of documents/ {print $2}'; }

# ids DB: distinct article ids (Q terms). Equals count when no id is duplicated.
# (xapian-delve -a prints all terms on one line, separated by spaces.)
ids() { xapian-delve -a "$1" 2>/dev/null | tr ' ' '\n' | grep -c '^Q'; }

# termfreq DB TERM: documents holding TERM (0 if none).
termfreq() {
    xapian-delve -t "$2" "$1" 2>/dev/null | sed -n "s/.*termfreq \([0-9]*\).*/\1/p" | head -1 |
        awk '{print $1 + 0} END {if (NR == 0) print 0}'
}

# xcheck DB: xapian-check finds nothing wrong.
xcheck() { xapian-check "$1" >/dev/null 2>&1; }

# now: seconds since the epoch with fractions.
now() { date +%s.%N; }
