# Helpers for tests/e2e/nightly.t (sourced after lib.sh): a job folder per
# scenario, aged inbox files, the summary line, a stand-in newsdex that can
# block or kill its caller, and index checks.

NIGHTLY="$REPO_ROOT/scripts/nightly-reindex"
[ -x "$NIGHTLY" ] || bail_out "$NIGHTLY is not executable"

# setup NAME: $D = a fresh job folder holding an inbox and nightly.conf
# ($CONF); the index, log, done and failed folders appear inside it.
setup() {
    D="$TMP/$1"
    mkdir -p "$D/inbox"
    CONF="$D/nightly.conf"
    cat >"$CONF" <<EOF
# written by nightly.t
newsdex    = $NEWSDEX
index      = $D/idx
inbox      = $D/inbox
done       = $D/done
failed     = $D/failed
log        = $D/nightly.log
settle     = 600
EOF
}

# age FILE...: last modified an hour ago, i.e. complete (settle is 600 s).
age() { touch -d '-1 hour' -- "$@"; }

# put SRC NAME: a complete file NAME in the inbox.
put() {
    cp -- "$1" "$D/inbox/$2"
    age "$D/inbox/$2"
}

# nightly ARGS...: one run of the job with this scenario's configuration.
nightly() { run "$NIGHTLY" --config "$CONF" "$@"; }

log_lines() { wc -l <"$D/nightly.log" | tr -d ' '; }
last_summary() { tail -1 "$D/nightly.log"; }
# field KEY: KEY's value in the last summary line.
field() { last_summary | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# stats_json DB PERL-EXPR: a value of `newsdex stats --json`.
stats_json() {
    "$NEWSDEX" stats --db "$1" --json >"$TMP/.stats.json" 2>/dev/null || { echo none; return; }
    json "$TMP/.stats.json" "$2"
}
articles() { stats_json "$1" '$j->{articles}'; }
# idcount DB: distinct article ids (Q terms); equals articles when none is duplicated.
idcount() { xapian-delve -a "$1" 2>/dev/null | tr ' ' '\n' | grep -c '^Q'; }

# wait_for CONDITION: polls the shell CONDITION, at most 600 times 0.05 s.
wait_for() {
    local i
    for i in $(seq 600); do
        eval "$1" && return 0
        sleep 0.05
    done
    return 1
}

# synth_articles N TAG: N JSON Lines articles of about 1 KB, ids TAG-00001...
synth_articles() {
    awk -v n="$1" -v tag="$2" 'BEGIN {
        srand(length(tag) * 7 + n)
        nv = split("market shares profit bank oil price rate growth company quarter earnings " \
                   "dollar trade export tonnes crude barrel reserve loan bond yield merger", V, " ")
        for (i = 1; i <= n; i++) {
            body = ""
            for (k = 0; k < 150; k++) body = body V[int(rand() * nv) + 1] " "
            printf "{\"id\":\"%s-%05d\",\"date\":\"%04d-%02d-%02d\",\"title\":\"%s report %d\",\"body\":\"%s\"}\n", \
                   tag, i, 1995 + i % 30, i % 12 + 1, i % 28 + 1, tag, i, body
        }
    }'
}

# fake_newsdex: $FAKE runs the real newsdex, logging each call to
# $CTL/calls. While $CTL/block exists an index call first writes its pid to
# $CTL/blocked and waits for $CTL/release; with $CTL/kill-parent-after
# holding N, the Nth index call kill -9s the job once newsdex has finished.
fake_newsdex() {
    CTL="$D/ctl"
    FAKE="$CTL/newsdex"
    mkdir -p "$CTL"
    cat >"$FAKE" <<EOF
#!/bin/bash
ctl=$(printf '%q' "$CTL")
echo "\$*" >>"\$ctl/calls"
if [ "\$1" = index ] && [ -e "\$ctl/block" ]; then
    echo \$\$ >"\$ctl/blocked"
    for _ in \$(seq 600); do [ -e "\$ctl/release" ] && break; sleep 0.05; done
fi
$(printf '%q' "$NEWSDEX") "\$@"
rc=\$?
if [ "\$1" = index ] && [ -e "\$ctl/kill-parent-after" ] &&
   [ "\$(grep -c '^index' "\$ctl/calls")" = "\$(cat "\$ctl/kill-parent-after")" ]; then
    kill -9 \$PPID
fi
exit \$rc
EOF
    chmod +x "$FAKE"
}

# check_index DESC: after a kill the index (if any) opens, has no duplicate
# and holds no more than a clean run's $E articles.
check_index() {
    local n q
    if [ ! -e "$D/idx/iamglass" ]; then
        pass "$1: no index yet"
        return
    fi
    n=$(articles "$D/idx")
    q=$(idcount "$D/idx")
    if [ "$n" = "$q" ] && [ "$n" -le "$E" ]; then
        pass "$1: the index opens, $n articles, no duplicate"
    else
        fail "$1: the index opens, no duplicate" "articles $n, ids $q, at most $E"
    fi
}
