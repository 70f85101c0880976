#!/usr/bin/perl
# report.pl: turns one benchmark run (scripts/bench) into the results table
# (latest.md), the same figures as JSON (latest.json) and a gnuplot script
# (plots.gp) for the PNGs. Figures only: nothing here passes or fails.
#
# usage: perl bench/report.pl --facts FACTS --out DIR QUERY-TSV...
# FACTS: key=value lines written by scripts/bench. Each TSV line:
# engine, shape, query number, round, microseconds, hits, estimate.
use strict;
use warnings;
use Getopt::Long;
use JSON::PP;
use File::Basename qw(dirname);
use POSIX qw(ceil);

my ($facts_path, $out);
GetOptions('facts=s' => \$facts_path, 'out=s' => \$out) or die "usage\n";
die "usage: report.pl --facts FACTS --out DIR TSV...\n" unless $facts_path && $out;
my $work = dirname($facts_path);

my %f;
open my $fh, '<', $facts_path or die "$facts_path: $!\n";
while (<$fh>) {
    chomp;
    my ($k, $v) = split /=/, $_, 2;
    $f{$k} = $v if defined $v;
}
close $fh;

# ---- Latencies ---------------------------------------------------------------
my %label = (
    'newsdex'        => 'newsdex (snippets)',
    'newsdex-nosnip' => 'newsdex (no snippets)',
    'newsdex-ap'     => 'newsdex --article-positions (snippets)',
    'xapian'         => 'raw Xapian',
    'xapian-snip'    => 'raw Xapian (+snippets)',
    'fts5'           => 'SQLite FTS5',
    'fts5-snip'      => 'SQLite FTS5 (+snippet())',
    'omega-cgi'      => 'omega CGI',
    'newsdex-cgi'    => 'newsdex CGI',
    'floor-cgi'      => 'process start only (libxapian loaded, no search)',
    'exec-floor-cgi' => 'process start only (static, no libraries)',
    'newsdex-paired' => 'newsdex (snippets), interleaved',
    'newsdex-remote' => 'newsdex (snippets), 4 remote shards',
    'xapian-paired'  => 'raw Xapian, interleaved',
);
my @shapes = qw(common rare phrase boolean field date);
my (%lat, %byq, %hits, %answered, %qseen, %hitq, %estq);
for my $file (@ARGV) {
    open my $t, '<', $file or die "$file: $!\n";
    while (<$t>) {
        chomp;
        my ($e, $shape, $q, $round, $us, $h, $est) = split /\t/;
        next unless defined $est;
        push @{ $byq{$e}{$q} }, $us / 1000;
        $qseen{$e}{$q} = $shape;
        if ($round == 0) {
            $hits{$e} += $h;
            $answered{$e}++ if $h > 0;
            ($hitq{$e}{$q}, $estq{$e}{$q}) = ($h, $est);
        }
    }
    close $t;
}

sub pct {
    my ($p, @v) = @_;
    return undef unless @v;
    @v = sort { $a <=> $b } @v;
    my $i = ceil($p / 100 * @v) - 1;
    $i = 0 if $i < 0;
    return $v[$i];
}
# A query's latency is the median of its timed rounds (one number per query,
# robust to another process taking the CPU for a moment); percentiles are
# then taken over the queries.
sub median_of { my @v = sort { $a <=> $b } @_; return @v % 2 ? $v[$#v / 2] : ($v[@v / 2 - 1] + $v[@v / 2]) / 2 }
for my $e (keys %byq) {
    for my $q (keys %{ $byq{$e} }) {
        my $m = median_of(@{ $byq{$e}{$q} });
        $byq{$e}{$q} = [$m];
        push @{ $lat{$e}{all} }, $m;
        push @{ $lat{$e}{ $qseen{$e}{$q} } }, $m;
    }
}

sub mean { my @v = @_; return undef unless @v; my $s = 0; $s += $_ for @v; return $s / @v }
sub stats {
    my @v = @_;
    return { n => scalar(@v), p50 => pct(50, @v), p90 => pct(90, @v), p99 => pct(99, @v),
             mean => mean(@v) };
}

my %lstats;
for my $e (keys %lat) {
    for my $s ('all', @shapes) {
        $lstats{$e}{$s} = stats(@{ $lat{$e}{$s} || [] });
    }
}

# Ratio newsdex/baseline over the queries both ran (per shape, or all).
sub ratio_stats {
    my ($a, $b, $shape) = @_;
    my (@va, @vb, $nq);
    for my $q (keys %{ $byq{$a} || {} }) {
        next unless $byq{$b}{$q};
        next if $shape ne 'all' && $qseen{$a}{$q} ne $shape;
        push @va, @{ $byq{$a}{$q} };
        push @vb, @{ $byq{$b}{$q} };
        $nq++;
    }
    return undef unless @va && @vb;
    my %r;
    for my $p (50, 90, 99) {
        my ($x, $y) = (pct($p, @va), pct($p, @vb));
        $r{"p$p"} = $y > 0 ? $x / $y : undef;
    }
    $r{queries} = $nq;
    return \%r;
}

# ---- Indexing ------------------------------------------------------------------
my $articles = $f{'corpus.articles'} || 0;
my $bytes = $f{'corpus.bytes'} || 0;
my @ix = (
    ['newsdex', 'newsdex', 'size after newsdex compact (before: %s)'],
    ['newsdex-jobs2', 'newsdex --jobs 2', 'as the run leaves it: its parts merged by compaction'],
    ['newsdex-ap', 'newsdex --article-positions', 'size after newsdex compact (before: %s)'],
    ['newsdex-ap-jobs2', 'newsdex --article-positions --jobs 2', 'as the run leaves it: its parts merged by compaction'],
    ['newsdex-4parts', 'newsdex, 4 parts', 'the remote shards: 4 indexes built one after another, sizes summed, as indexed'],
    ['xapian', 'raw Xapian', 'size after xapian-compact (before: %s)'],
    ['fts5', 'SQLite FTS5', "size after 'optimize'"],
    ['omega', 'omega scriptindex', 'size after xapian-compact (before: %s)'],
);
my %index;
for my $row (@ix) {
    my ($k) = @$row;
    my $wall = $f{"index.$k.wall_s"};
    next unless defined $wall && $wall > 0;
    $index{$k} = {
        wall_s => $wall + 0,
        cpu_s => ($f{"index.$k.cpu_s"} // 0) + 0,
        articles_per_s => $articles / $wall,
        mb_per_s => $bytes / 1e6 / $wall,
        peak_rss_mib => ($f{"index.$k.rss_kib"} // 0) / 1024,
        size_mib => ($f{"index.$k.bytes"} // 0) / 1048576,
    };
    $index{$k}{size_uncompacted_mib} = $f{"index.$k.bytes_uncompacted"} / 1048576
        if defined $f{"index.$k.bytes_uncompacted"};
}

# ---- Formatting ------------------------------------------------------------------
sub num {
    my ($v, $d) = @_;
    return 'n/a' unless defined $v;
    $d //= ($v >= 100 ? 0 : $v >= 10 ? 1 : 2);
    my $s = sprintf("%.${d}f", $v);
    1 while $s =~ s/^(\d+)(\d{3})/$1,$2/;
    return $s;
}
sub ms { my $v = shift; return defined $v ? num($v, $v < 1 ? 3 : $v < 10 ? 2 : 1) : 'n/a' }
sub x { my $v = shift; return defined $v ? sprintf('%.2f×', $v) : 'n/a' }

my @md;
my $size_name = $f{'run.size'} eq 'quick' ? 'quick (the Reuters-21578 archive)' : "$f{'run.size'} articles";
push @md, "# newsdex benchmark results: $size_name", '';
push @md, "Produced by `$f{'run.command'}` on $f{'run.date'}, measuring commit `$f{'run.commit'}`.", '';
push @md, '| machine | |', '|---|---|';
push @md, "| CPU | $f{'machine.cpu'}, $f{'machine.nproc'} cores |";
push @md, "| memory | $f{'machine.ram_gib'} GiB |";
push @md, "| system | $f{'machine.os'} |";
push @md, "| load average (1, 5, 15 min) | at start $f{'machine.load_start'}; at end $f{'machine.load_end'} |";
push @md, "| compiler | $f{'version.cc'} |";
push @md, "| versions | Xapian $f{'version.xapian'}, SQLite $f{'version.sqlite'}, xapian-omega $f{'version.omega'} |";
push @md, '';
my $src_note = $f{'corpus.mode'} eq 'verbatim'
    ? 'every article of the source once, text unchanged'
    : 'articles resampled from the source';
push @md, "Corpus: " . num($articles, 0) . " articles, " . num($bytes / 1e6, 1)
    . " MB of JSON Lines ($src_note; dates spread over 1987-2024, six sources; seed $f{'corpus.seed'}),"
    . " from `$f{'corpus.source'}`. Queries: $f{'queries.count'} from `$f{'queries.file'}`,"
    . " $f{'bench.rounds'} timed rounds, the engines taking turns round by round, each round after a warm-up pass; one thread. Ratios are newsdex / baseline from this run.";
push @md, '';

push @md, '## Indexing', '';
if (($f{'bench.index_rounds'} // 1) > 1) {
    my @per = map { my $r = $f{"index.$_->[0].rounds_wall_s"};
                    defined $r ? "$_->[1] " . join(', ', split ' ', $r) : () }
              (['newsdex', 'newsdex'], ['newsdex-jobs2', 'newsdex --jobs 2'],
               ['newsdex-ap', 'newsdex --article-positions'],
               ['newsdex-ap-jobs2', 'newsdex --article-positions --jobs 2'], ['xapian', 'raw Xapian']);
    push @md, "newsdex (with and without --jobs 2 and --article-positions) and raw Xapian: medians of $f{'bench.index_rounds'} builds each,"
        . ' taking turns build by build, each from nothing (wall s per build: ' . join('; ', @per)
        . '). The other engines: one build.', '';
}
push @md, '| engine | articles/s | MB/s | wall s | CPU s | peak RSS MiB | index MiB | notes |';
push @md, '|---|---:|---:|---:|---:|---:|---:|---|';
for my $row (@ix) {
    my ($k, $name, $note) = @$row;
    my $i = $index{$k} or next;
    my $extra = defined $i->{size_uncompacted_mib} ? num($i->{size_uncompacted_mib}) . ' MiB' : '';
    $extra .= sprintf('; compacting took %s s', num($f{'index.newsdex.compact_s'}))
        if $k eq 'newsdex' && defined $f{'index.newsdex.compact_s'};
    $note = 'as indexed: newsdex compact did not finish (see compact.err)'
        if $k eq 'newsdex' && !defined $f{'index.newsdex.compact_s'};
    push @md, sprintf('| %s | %s | %s | %s | %s | %s | %s | %s |', $name, num($i->{articles_per_s}, 0),
        num($i->{mb_per_s}), num($i->{wall_s}), num($i->{cpu_s}), num($i->{peak_rss_mib}, 0),
        num($i->{size_mib}), $note =~ /%s/ ? sprintf($note, $extra) : $note);
}
push @md, '';
my %ratios;
if ($index{newsdex}) {
    push @md, '| newsdex / baseline | throughput (articles/s) | peak RSS | index size |', '|---|---:|---:|---:|';
    for my $row (@ix[1 .. $#ix]) {
        my ($k, $name) = @$row;
        next if $k =~ /^newsdex/;
        my $b = $index{$k} or next;
        my $n = $index{newsdex};
        my %r = (throughput => $n->{articles_per_s} / $b->{articles_per_s},
                 peak_rss => $b->{peak_rss_mib} ? $n->{peak_rss_mib} / $b->{peak_rss_mib} : undef,
                 size => $b->{size_mib} ? $n->{size_mib} / $b->{size_mib} : undef);
        $ratios{index}{$k} = \%r;
        push @md, sprintf('| vs %s | %s | %s | %s |', $name, x($r{throughput}), x($r{peak_rss}), x($r{size}));
    }
    push @md, '', 'Throughput above 1× means newsdex indexes faster; peak RSS and size above 1× mean newsdex uses more.', '';
    push @md, "newsdex's own summary: `$f{'index.newsdex.summary'}`", '' if $f{'index.newsdex.summary'};
}
# Parallel builds (`newsdex index --jobs N`) against raw Xapian, same run.
if ($index{xapian} && $index{newsdex}) {
    my $xa = $index{xapian};
    push @md, '### Full builds against the targets', '';
    push @md, '| build | articles/s | / raw Xapian | target | CPU s | peak RSS MiB (largest process) | index MiB after compaction | / raw Xapian compacted |',
        '|---|---:|---:|---:|---:|---:|---:|---:|';
    for my $row (['newsdex', 'newsdex --jobs 1', 1.5], ['newsdex-jobs2', 'newsdex --jobs 2', 3],
                 ['newsdex-ap', 'newsdex --article-positions --jobs 1', 1.5],
                 ['newsdex-ap-jobs2', 'newsdex --article-positions --jobs 2', 3]) {
        my ($k, $name, $target) = @$row;
        my $i = $index{$k} or next;
        my $r = $i->{articles_per_s} / $xa->{articles_per_s};
        $ratios{index}{"$k-over-xapian"} = $r;
        push @md, sprintf('| %s | %s | %s | ≥ %s× (%s) | %s | %s | %s | %s |', $name, num($i->{articles_per_s}, 0),
            x($r), $target, $r >= $target ? 'met' : 'not met', num($i->{cpu_s}), num($i->{peak_rss_mib}, 0),
            num($i->{size_mib}), $xa->{size_mib} ? x($i->{size_mib} / $xa->{size_mib}) : 'n/a');
    }
    push @md, '', 'Peak RSS is that of the largest process of the run (with --jobs: the main process or one of'
        . ' its workers, each of which writes one part). The --jobs 1 index size is after `newsdex compact`;'
        . ' the --jobs 2 index is compacted by the run itself. Raw Xapian: after xapian-compact.'
        . ' --article-positions: each article keeps its word positions in its stored record'
        . ' (newsdex-index(1)); its phrase and NEAR queries are slower (the query tables below).', '';
}

push @md, '## Query latency (ms, top 10, stored data read for every hit)', '';
push @md, "A query's latency is the median of its $f{'bench.rounds'} timed rounds; the percentiles are over the queries.", '';
push @md, '| engine | queries | answered | p50 | p90 | p99 | mean |', '|---|---:|---:|---:|---:|---:|---:|';
my @qengines = grep { $lat{$_} } qw(newsdex newsdex-ap newsdex-remote newsdex-nosnip xapian-snip xapian fts5-snip fts5
                                    newsdex-paired xapian-paired);
for my $e (@qengines) {
    my $s = $lstats{$e}{all};
    my $nq = scalar keys %{ $byq{$e} };
    push @md, sprintf('| %s | %d | %d | %s | %s | %s | %s |', $label{$e}, $nq, $answered{$e} // 0,
        ms($s->{p50}), ms($s->{p90}), ms($s->{p99}), ms($s->{mean}));
}
push @md, '', '"answered": queries with at least one hit. newsdex and raw Xapian read each hit\'s stored'
    . ' article; FTS5 reads every column of each hit row. "snippets" rows also build a highlighted'
    . ' extract per hit (newsdex: its snippets; Xapian: MSet::snippet; FTS5: snippet()).'
    . ($lat{'newsdex-paired'} ? ' "interleaved" rows come from bench/paired_bench: each query runs on both'
        . ' engines back to back in one process (which goes first alternates), so load from elsewhere on the'
        . ' machine falls on both alike; the other rows take turns a whole round at a time.' : ''), '';
if (grep { ($answered{$_} // 0) != ($answered{newsdex} // 0) } @qengines) {
    push @md, 'The engines answer different numbers of queries: when no article has all the words,'
        . ' newsdex returns relaxed (any-word) results and says so, at the cost of a second search,'
        . ' where the baselines return nothing. The queries were drawn from the quick corpus, so on'
        . ' a resampled corpus some have no exact match.', '';
}
if ($f{'query.newsdex.filters'}) {
    push @md, "Filter forms in newsdex's query language (probed by the run): $f{'query.newsdex.filters'}.", '';
}

my @pairs = (['newsdex-paired', 'xapian-paired'], ['newsdex', 'xapian'], ['newsdex', 'xapian-snip'],
             ['newsdex-ap', 'newsdex'], ['newsdex-ap', 'xapian-snip'],
             ['newsdex', 'fts5-snip'],
             ['newsdex-nosnip', 'xapian'], ['newsdex-nosnip', 'fts5']);
push @md, '### Ratios newsdex / baseline (same queries; below 1× = newsdex faster)', '';
push @md, '| comparison | shape | queries | p50 | p90 | p99 |', '|---|---|---:|---:|---:|---:|';
for my $pr (@pairs) {
    my ($a, $b) = @$pr;
    next unless $lat{$a} && $lat{$b};
    for my $s ('all', @shapes) {
        my $r = ratio_stats($a, $b, $s) or next;
        $ratios{latency}{"$a/$b"}{$s} = $r;
        push @md, sprintf('| %s vs %s | %s | %d | %s | %s | %s |', $label{$a}, $label{$b}, $s,
            $r->{queries}, x($r->{p50}), x($r->{p90}), x($r->{p99}));
    }
}
push @md, '';

push @md, '### Per query shape: p50 / p90 / p99 ms', '';
push @md, '| shape | ' . join(' | ', map { $label{$_} } @qengines) . ' |';
push @md, '|---|' . join('', map { '---:|' } @qengines);
for my $s (@shapes) {
    my @cells = map {
        my $st = $lstats{$_}{$s};
        $st && $st->{n} ? join(' / ', ms($st->{p50}), ms($st->{p90}), ms($st->{p99})) : 'not run';
    } @qengines;
    push @md, "| $s | " . join(' | ', @cells) . ' |';
}
push @md, '';

push @md, '## Search CGI, one process per request (ms)', '';
push @md, '| CGI | requests | p50 | p90 | p99 | requests/s (sequential) |', '|---|---:|---:|---:|---:|---:|';
for my $e (qw(omega-cgi newsdex-cgi floor-cgi exec-floor-cgi)) {
    next if $e =~ /floor/ && !$lat{$e};
    if ($lat{$e}) {
        my $s = $lstats{$e}{all};
        push @md, sprintf('| %s | %d | %s | %s | %s | %s |', $label{$e}, $s->{n} * $f{'bench.cgi_rounds'}, ms($s->{p50}),
            ms($s->{p90}), ms($s->{p99}), num(1000 / $s->{mean}, 0));
    } else {
        my $log = $f{"query.$e.log"} // 'not run';
        push @md, "| $label{$e} | $log | | | | |";
    }
}
push @md, '', "omega: xapian-omega's own `query` template over the scriptindex database, run as"
    . " `$f{'version.omega'}` CGI with QUERY_STRING set; the time is fork to exit with the whole page read."
    . " Requests/s is one client in sequence; concurrent clients are not measured yet." if $lat{'omega-cgi'};
if ($lat{'omega-cgi'} && $lat{'newsdex-cgi'}) {
    my $o = $lstats{'omega-cgi'}{all}{p50};
    my $line = sprintf('newsdex CGI / omega CGI at p50: %.2f×.', $lstats{'newsdex-cgi'}{all}{p50} / $o);
    $line .= sprintf(' A program that only loads libxapian (bench/cgi_floor.cc) already takes %.2f× omega\'s'
        . ' time: the floor under any search CGI linked to the shared library.', $lstats{'floor-cgi'}{all}{p50} / $o)
        if $lat{'floor-cgi'};
    $line .= sprintf(' A static program that only prints a page (bench/cgi_exec_floor.c) takes %.2f×:'
        . ' what starting any process costs on this machine.', $lstats{'exec-floor-cgi'}{all}{p50} / $o)
        if $lat{'exec-floor-cgi'};
    push @md, '', $line;
}
push @md, '';

# ---- Remote shards, distinct-query web load, nights --------------------------------
my %remote;
if ($lat{'newsdex-remote'} && $lat{newsdex}) {
    my ($mismatch, $est_mismatch, $compared) = (0, 0, 0);
    for my $q (keys %{ $hitq{newsdex} }) {
        next unless defined $hitq{'newsdex-remote'}{$q};
        $compared++;
        $mismatch++ if $hitq{newsdex}{$q} != $hitq{'newsdex-remote'}{$q};
        $est_mismatch++ if $estq{newsdex}{$q} != $estq{'newsdex-remote'}{$q};
    }
    %remote = (shards => $f{'remote.shards'} + 0, local => $lstats{newsdex}{all},
                remote => $lstats{'newsdex-remote'}{all},
                ratio => ratio_stats('newsdex-remote', 'newsdex', 'all'),
                queries_compared => $compared, hit_count_mismatches => $mismatch,
                estimate_mismatches => $est_mismatch);
    $remote{ratio_by_shape}{$_} = ratio_stats('newsdex-remote', 'newsdex', $_) for @shapes;
    my $r = $remote{ratio};
    push @md, '## Remote shards against one local index', '';
    push @md, 'The corpus in 4 contiguous parts, each indexed by `newsdex index` and served by `xapian-tcpsrv`'
        . ' on 127.0.0.1 (its own port each); newsdex_bench opens a stub file of four `remote` lines. Both rows'
        . ' are newsdex_bench with snippets, top 10, taking turns round by round with the other engines;'
        . " a query's latency is the median of its rounds.", '';
    push @md, '| index | queries | p50 | p90 | p99 | mean |', '|---|---:|---:|---:|---:|---:|';
    for my $row (['newsdex', 'one local index'], ['newsdex-remote', '4 remote shards (loopback)']) {
        my ($e, $name) = @$row;
        my $st = $lstats{$e}{all};
        push @md, sprintf('| %s | %d | %s | %s | %s | %s |', $name, $st->{n}, ms($st->{p50}), ms($st->{p90}),
            ms($st->{p99}), ms($st->{mean}));
    }
    push @md, sprintf('| remote / local | %d | %s | %s | %s | |', $r->{queries}, x($r->{p50}), x($r->{p90}), x($r->{p99}));
    push @md, '', '| shape | local p50 / p99 ms | remote p50 / p99 ms | remote / local p50 | p99 |',
        '|---|---:|---:|---:|---:|';
    for my $sh (@shapes) {
        my $rs = $remote{ratio_by_shape}{$sh} or next;
        my ($l, $m) = ($lstats{newsdex}{$sh}, $lstats{'newsdex-remote'}{$sh});
        push @md, sprintf('| %s | %s / %s | %s / %s | %s | %s |', $sh, ms($l->{p50}), ms($l->{p99}),
            ms($m->{p50}), ms($m->{p99}), x($rs->{p50}), x($rs->{p99}));
    }
    push @md, '', sprintf('Same answers: the top-10 hit counts differ on %d of %d queries; the estimated'
        . ' totals on %d.', $mismatch, $compared, $est_mismatch), '';
    my ($one, $four) = ($index{newsdex}, $index{'newsdex-4parts'});
    if ($one && $four) {
        $remote{build} = { wall_s => $four->{wall_s}, cpu_s => $four->{cpu_s}, peak_rss_mib => $four->{peak_rss_mib},
                           size_mib => $four->{size_mib} };
        push @md, '| build | wall s | CPU s | articles/s | peak RSS MiB | index MiB (as indexed) |',
            '|---|---:|---:|---:|---:|---:|';
        push @md, sprintf('| one index | %s | %s | %s | %s | %s |', num($one->{wall_s}), num($one->{cpu_s}),
            num($one->{articles_per_s}, 0), num($one->{peak_rss_mib}, 0), num($one->{size_uncompacted_mib} // $one->{size_mib}));
        push @md, sprintf('| 4 parts, one after another | %s | %s | %s | %s | %s (4 shards) |', num($four->{wall_s}),
            num($four->{cpu_s}), num($four->{articles_per_s}, 0), num($four->{peak_rss_mib}, 0), num($four->{size_mib}));
        push @md, '';
    }
} elsif ($f{'remote.skipped'} || $f{'query.newsdex-remote.log'}) {
    push @md, '## Remote shards against one local index', '',
        'Not run: ' . ($f{'remote.skipped'} // "no timings; newsdex_bench said `$f{'query.newsdex-remote.log'}`") . '.', '';
}

# web_load lines: "requests=N ok=N failures=N wall_s=S rps=R p50_ms=.. p90_ms=.. p99_ms=.. bytes=B"
my %web_distinct;
for my $e (qw(newsdex xapian)) {
    my @rounds = map { +{ /(\w+)=(\S+)/g } } grep { defined && /rps=/ }
        map { $f{"web.distinct.$e.r$_"} } 0 .. ($f{'web.distinct.rounds'} // 0) - 1;
    next unless @rounds;
    my %w = (rounds => scalar @rounds);
    for my $k (qw(rps p50_ms p90_ms p99_ms)) {
        my @v = grep { defined && /^[\d.]+$/ } map { $_->{$k} } @rounds;  # "nan" when no request succeeded
        $w{$k} = @v ? median_of(@v) : undef;
    }
    $w{requests} = $rounds[0]{requests} + 0;
    $w{response_kib} = $rounds[0]{ok} ? $rounds[0]{bytes} / $rounds[0]{ok} / 1024 : undef;
    $w{failures} = 0;
    $w{failures} += $_->{failures} for @rounds;
    $web_distinct{$e} = \%w;
}
if ($web_distinct{newsdex}) {
    my $c = $f{'web.distinct.clients'};
    push @md, '## Web search under load, distinct queries', '';
    push @md, "bench/web_load: $c clients on loopback, each HTTP/1.0 GET a different query"
        . " ($f{'web.distinct.queries'} distinct: bench/queries.txt, then queries from the corpus's headlines;"
        . ' none sent twice in a round), against lighttpd with 2 FastCGI processes: newsdex.cgi with'
        . ' NEWSDEX_CACHE_ENTRIES=0 (no response cache), and bench/fcgi_xapian.cc (raw Xapian, top 10 titles,'
        . " no snippets, counts or chart). The two take turns, $f{'web.distinct.rounds'} rounds; each figure"
        . ' is the median over the rounds. Latency: connect to the last byte of the response.', '';
    push @md, '| endpoint | requests per round | failures | requests/s | p50 ms | p90 ms | p99 ms | KiB per response |',
        '|---|---:|---:|---:|---:|---:|---:|---:|';
    for my $row (['newsdex', 'newsdex FastCGI, no cache'], ['xapian', 'raw-Xapian FastCGI']) {
        my ($e, $name) = @$row;
        my $w = $web_distinct{$e} or next;
        push @md, sprintf('| %s | %d | %d | %s | %s | %s | %s | %s |', $name, $w->{requests}, $w->{failures},
            num($w->{rps}, 0), ms($w->{p50_ms}), ms($w->{p90_ms}), ms($w->{p99_ms}), num($w->{response_kib}, 1));
    }
    if (my $xw = $web_distinct{xapian}) {
        my $nw = $web_distinct{newsdex};
        my $div = sub { my ($a, $b) = @_; defined $a && $b ? $a / $b : undef };
        $web_distinct{ratio} = { rps => $div->($nw->{rps}, $xw->{rps}), p50 => $div->($nw->{p50_ms}, $xw->{p50_ms}),
                                 p99 => $div->($nw->{p99_ms}, $xw->{p99_ms}) };
        my $r = $web_distinct{ratio};
        push @md, sprintf('| newsdex / raw Xapian | | | %s | %s | | %s | |', x($r->{rps}), x($r->{p50}), x($r->{p99}));
    }
    push @md, '';
}

# An incremental night: NIGHT{prefix} for incremental-night's facts under
# that prefix ("night": newsdex as is; "night-ap": with --article-positions;
# "-arrival": into an archive by arrival, its main shard folded).
my %nights;
for my $nk (['night', ''], ['night-ap', ' (newsdex --article-positions)'],
            ['night-arrival', ' (newsdex --shard-by arrival)'],
            ['night-ap-arrival', ' (newsdex --article-positions --shard-by arrival)']) {
    my ($p, $what) = @$nk;
    next unless defined $f{"$p.newsdex-increment.cpu_s"};
    my %night;
    for my $k (qw(newsdex-increment newsdex-empty xapian-increment)) {
        $night{$k} = { map { $_ => $f{"$p.$k.$_"} } qw(cpu_s wall_s rss_mib) };
    }
    my ($ni, $ne, $xi) = @night{qw(newsdex-increment newsdex-empty xapian-increment)};
    my $div = sub { $_[1] > 0 ? $_[0] / $_[1] : undef };
    $night{ratios} = {
        map { my $c = $_; ("xapian_over_newsdex_$c" => $div->($xi->{$c}, $ni->{$c}),
                           "increment_over_empty_$c" => $div->($ni->{$c}, $ne->{$c})) } qw(cpu_s wall_s) };
    @night{qw(base add rounds)} = map { $f{"$p.$_"} + 0 } qw(base add rounds);
    push @md, "## An incremental night$what", '';
    push @md, sprintf('bench/incremental-night %s %s: %s new articles into the %s-article indexes of this run'
        . ' (%s), each round on a fresh copy written to disk before the timed run; medians of %d rounds.',
        $night{base}, $night{add}, num($night{add}, 0), num($night{base}, 0),
        $p =~ /arrival/ ? 'raw Xapian\'s as indexed; newsdex\'s an archive by arrival, indexed, then folded by'
                          . ' newsdex compact, so that the night goes to its recent shard'
                        : 'as indexed, before compaction',
        $night{rounds}), '';
    push @md, '| run | CPU s | wall s | articles/s | peak RSS MiB |', '|---|---:|---:|---:|---:|';
    for my $row (['newsdex-increment', 'newsdex: into this index'], ['newsdex-empty', 'newsdex: into an empty index'],
                 ['xapian-increment', 'raw Xapian: into its index']) {
        my ($k, $name) = @$row;
        my $n = $night{$k};
        push @md, sprintf('| %s | %s | %s | %s | %s |', $name, num($n->{cpu_s}), num($n->{wall_s}),
            $n->{wall_s} > 0 ? num($night{add} / $n->{wall_s}, 0) : 'n/a', num($n->{rss_mib}, 0));
    }
    my $r = $night{ratios};
    my $met = sub { my ($v, $ok) = @_; defined $v ? sprintf('%s (%s)', x($v), $ok->($v) ? 'met' : 'not met') : 'n/a' };
    push @md, '', '| ratio | CPU | wall | target |', '|---|---:|---:|---|';
    push @md, sprintf('| raw Xapian increment / newsdex increment | %s | %s | ≥ 3× |',
        map { $met->($r->{"xapian_over_newsdex_$_"}, sub { $_[0] >= 3 }) } qw(cpu_s wall_s));
    push @md, sprintf('| newsdex increment / into an empty index | %s | %s | ≤ 1.5× |',
        map { $met->($r->{"increment_over_empty_$_"}, sub { $_[0] <= 1.5 }) } qw(cpu_s wall_s));
    push @md, '';
    $nights{$p} = \%night;
}
my %night = %{ $nights{night} // {} };

my %nightly;
if (defined $f{'index.nightly.wall_s'}) {
    my $line = $f{'nightly.summary'} // '';
    my %kv = $line =~ /(\w+)=(\S+)/g;
    %nightly = (wall_s => $f{'index.nightly.wall_s'} + 0, cpu_s => $f{'index.nightly.cpu_s'} + 0,
                peak_rss_mib => ($f{'index.nightly.rss_kib'} // 0) / 1024,
                articles_per_s => $f{'index.nightly.wall_s'} > 0 ? $articles / $f{'index.nightly.wall_s'} : undef,
                size_mib => ($f{'nightly.bytes'} // 0) / 1048576, summary => $line,
                (map { $_ => $kv{$_} } grep { defined $kv{$_} } qw(compacted outcome)),
                (map { $_ => $kv{$_} + 0 } grep { defined $kv{$_} } qw(added rejected status)));
    push @md, '## A full nightly rebuild', '';
    push @md, '`scripts/nightly-reindex --full-sync --compact always` (newsdex-nightly(1)) with the whole corpus as'
        . ' the one file of its inbox and an empty index, timed as a whole: indexing, moving the file, compaction'
        . ' (the job compacts only after a run in which every record was accepted) and its summary.', '';
    push @md, '| wall s | CPU s | articles/s | peak RSS MiB | index MiB after | compacted | outcome |',
        '|---:|---:|---:|---:|---:|---|---|';
    push @md, sprintf('| %s | %s | %s | %s | %s | %s | %s |', num($nightly{wall_s}), num($nightly{cpu_s}),
        num($nightly{articles_per_s}, 0), num($nightly{peak_rss_mib}, 0), num($nightly{size_mib}),
        $nightly{compacted} // '?', $nightly{outcome} // '?');
    push @md, '', "Its summary line: `$line`" if $line;
    push @md, '';
}

push @md, '## Plots', '', '![Query latency distribution](latency.png)', '',
    '![Latency per query shape](latency-shapes.png)', '', '![Indexing throughput](throughput.png)', '';

open my $mdh, '>', "$out/latest.md" or die "$out/latest.md: $!\n";
print $mdh join("\n", @md), "\n";
close $mdh;

# ---- Summary for the README (between its bench markers) --------------------------
{
    my @s;
    my $ix = sub {
        my ($k, $field, $fmt) = @_;
        my $i = $index{$k} or return 'n/a';
        my $v = $i->{$field};
        my $cell = $fmt->($v);
        if ($k ne 'newsdex' && $index{newsdex} && $v) {
            $cell .= ' (' . x($index{newsdex}{$field} / $v) . ')';
        }
        return $cell;
    };
    my $lq = sub {
        my ($e, $base) = @_;
        return 'n/a' unless $lat{$e};
        my $st = $lstats{$e}{all};
        my $cell = ms($st->{p50}) . ' / ' . ms($st->{p99});
        return $cell;
    };
    my $quick = ($f{'run.size'} // 'quick') eq 'quick';
    push @s, 'Latest ' . ($quick ? 'quick run' : 'run') . " (`$f{'run.command'}`, $f{'run.date'}, commit `"
        . substr($f{'run.commit'}, 0, 12)
        . ($f{'run.commit'} =~ /uncommitted/ ? '` plus uncommitted changes' : '`')
        . "): " . num($articles, 0) . ($quick ? ' Reuters-21578 articles' : ' articles resampled from Reuters-21578')
        . " on $f{'machine.cpu'} ($f{'machine.nproc'} cores,"
        . " $f{'machine.ram_gib'} GiB), load average $f{'machine.load_start'} at the start"
        . " (the machine was shared). Xapian $f{'version.xapian'}, SQLite $f{'version.sqlite'},"
        . " xapian-omega $f{'version.omega'}. In parentheses: newsdex / that engine.", '';
    push @s, '| | newsdex | raw Xapian | SQLite FTS5 | omega |', '|---|---:|---:|---:|---:|';
    push @s, '| indexing, articles/s | ' . join(' | ', map { $ix->($_, 'articles_per_s', sub { num($_[0], 0) }) } qw(newsdex xapian fts5 omega)) . ' |';
    push @s, '| indexing, peak RSS MiB | ' . join(' | ', map { $ix->($_, 'peak_rss_mib', sub { num($_[0], 0) }) } qw(newsdex xapian fts5 omega)) . ' |';
    push @s, '| index size MiB (compacted where the engine can) | ' . join(' | ', map { $ix->($_, 'size_mib', sub { num($_[0]) }) } qw(newsdex xapian fts5 omega)) . ' |';
    my $rl = sub {
        my ($a, $b) = @_;
        my $r = $ratios{latency}{"$a/$b"}{all} or return '';
        return ' (' . x($r->{p50}) . ' / ' . x($r->{p99}) . ')';
    };
    if ($index{'newsdex-ap'} && $index{xapian}) {
        my ($a, $a2, $xa) = ($index{'newsdex-ap'}, $index{'newsdex-ap-jobs2'}, $index{xapian});
        my $ph = $ratios{latency}{'newsdex-ap/newsdex'}{phrase};
        push @s, sprintf('| newsdex --article-positions: articles/s with --jobs 1 / 2 (/ raw Xapian); index MiB;'
            . ' phrase queries p50 / p99 / newsdex\'s | %s / %s (%s / %s); %s (%s); %s / %s | | | |',
            num($a->{articles_per_s}, 0), $a2 ? num($a2->{articles_per_s}, 0) : 'n/a',
            x($a->{articles_per_s} / $xa->{articles_per_s}),
            $a2 ? x($a2->{articles_per_s} / $xa->{articles_per_s}) : 'n/a',
            num($a->{size_mib}), $xa->{size_mib} ? x($a->{size_mib} / $xa->{size_mib}) : 'n/a',
            $ph ? x($ph->{p50}) : 'n/a', $ph ? x($ph->{p99}) : 'n/a');
    }
    push @s, '| query p50 / p99 ms, top 10 with snippets | ' . $lq->('newsdex') . ' | ' . $lq->('xapian-snip') . $rl->('newsdex', 'xapian-snip')
        . ' | ' . $lq->('fts5-snip') . $rl->('newsdex', 'fts5-snip') . ' | |';
    push @s, '| query p50 / p99 ms, top 10 without snippets | ' . $lq->('newsdex-nosnip') . ' | ' . $lq->('xapian') . $rl->('newsdex-nosnip', 'xapian')
        . ' | ' . $lq->('fts5') . $rl->('newsdex-nosnip', 'fts5') . ' | |';
    if (my $r = $ratios{latency}{'newsdex/xapian'}{all}) {
        push @s, '| query p50 / p99, newsdex with snippets / raw Xapian without | ' . x($r->{p50}) . ' / ' . x($r->{p99})
            . ' | | | |';
    }
    if (my $r = $ratios{latency}{'newsdex-paired/xapian-paired'}{all}) {
        push @s, '| the same, interleaved query by query in one process | ' . x($r->{p50}) . ' / ' . x($r->{p99})
            . ' | | | |';
    }
    my $omega = $lat{'omega-cgi'} ? ms($lstats{'omega-cgi'}{all}{p50}) . ' / ' . ms($lstats{'omega-cgi'}{all}{p99}) : 'n/a';
    my $ncgi = $lat{'newsdex-cgi'} ? ms($lstats{'newsdex-cgi'}{all}{p50}) . ' / ' . ms($lstats{'newsdex-cgi'}{all}{p99})
        : ($f{'query.newsdex-cgi.log'} // 'not run');
    push @s, "| search CGI, process per request, p50 / p99 ms | $ncgi | | | $omega |";
    if (%remote) {
        push @s, '| query p50 / p99 ms over 4 remote shards (loopback) | ' . $lq->('newsdex-remote')
            . ' (remote / local ' . x($remote{ratio}{p50}) . ' / ' . x($remote{ratio}{p99}) . ') | | | |';
    }
    if (my $nw = $web_distinct{newsdex}) {
        my $cell = sub { my $w = shift; sprintf('%s req/s, %s / %s ms', num($w->{rps}, 0), ms($w->{p50_ms}), ms($w->{p99_ms})) };
        my $xw = $web_distinct{xapian};
        push @s, "| FastCGI, $f{'web.distinct.clients'} clients, distinct queries, no cache: requests/s, p50 / p99 | "
            . $cell->($nw) . ' | ' . ($xw ? $cell->($xw) . ' (' . x($web_distinct{ratio}{rps}) . ' req/s)' : 'n/a') . ' | | |';
    }
    if (%night) {
        my $r = $night{ratios};
        push @s, sprintf('| incremental night, %s new articles: CPU s into the index (/ into an empty one: ≤ 1.5×;'
            . ' raw Xapian / newsdex: ≥ 3×) | %s (%s) | %s (%s) | | |', num($night{add}, 0),
            num($night{'newsdex-increment'}{cpu_s}), x($r->{increment_over_empty_cpu_s}),
            num($night{'xapian-increment'}{cpu_s}), x($r->{xapian_over_newsdex_cpu_s}));
    }
    if (my $na = $nights{'night-ap'}) {
        my $r = $na->{ratios};
        push @s, sprintf('| the same night with --article-positions: CPU / wall s (/ into an empty one; raw Xapian /'
            . ' newsdex) | %s / %s (%s / %s; %s / %s) | | | |',
            num($na->{'newsdex-increment'}{cpu_s}), num($na->{'newsdex-increment'}{wall_s}),
            x($r->{increment_over_empty_cpu_s}), x($r->{increment_over_empty_wall_s}),
            x($r->{xapian_over_newsdex_cpu_s}), x($r->{xapian_over_newsdex_wall_s}));
    }
    for my $nk (['night-arrival', '--shard-by arrival'], ['night-ap-arrival', '--article-positions --shard-by arrival']) {
        my $na = $nights{$nk->[0]} or next;
        my $r = $na->{ratios};
        push @s, sprintf('| the same night with %s: CPU / wall s (/ into an empty one; raw Xapian /'
            . ' newsdex) | %s / %s (%s / %s; %s / %s) | | | |', $nk->[1],
            num($na->{'newsdex-increment'}{cpu_s}), num($na->{'newsdex-increment'}{wall_s}),
            x($r->{increment_over_empty_cpu_s}), x($r->{increment_over_empty_wall_s}),
            x($r->{xapian_over_newsdex_cpu_s}), x($r->{xapian_over_newsdex_wall_s}));
    }
    if (%nightly) {
        push @s, sprintf('| full nightly rebuild (newsdex-nightly --full-sync --compact always): wall / CPU s | %s / %s%s | | | |',
            num($nightly{wall_s}), num($nightly{cpu_s}),
            ($nightly{compacted} // '') eq 'yes' ? ', compacted' : ', not compacted (' . ($nightly{outcome} // '?') . ')');
    }
    push @s, '';

    # Where newsdex is behind: every figure at least 10% worse than a baseline.
    my @behind;
    for my $k (qw(xapian fts5 omega)) {
        my $r = $ratios{index}{$k} or next;
        my ($name) = map { $_->[1] } grep { $_->[0] eq $k } @ix;
        push @behind, sprintf('indexing: %s indexes %.1f× as many articles per second', $name, 1 / $r->{throughput})
            if $r->{throughput} && $r->{throughput} < 0.9;
        push @behind, sprintf('index size: newsdex\'s index is %.1f× the size of %s\'s', $r->{size}, $name)
            if $r->{size} && $r->{size} > 1.1;
        push @behind, sprintf('indexing memory: newsdex peaks at %.1f× the RSS of %s', $r->{peak_rss}, $name)
            if $r->{peak_rss} && $r->{peak_rss} > 1.1;
    }
    for my $pr (@pairs) {
        my ($a, $b) = @$pr;
        my $r = $ratios{latency}{"$a/$b"}{all} or next;
        my $worse = sub { my $r = shift; grep { defined $r->{$_} && $r->{$_} > 1.1 } qw(p50 p99) };
        my @overall = $worse->($r);
        my @shape_notes;
        for my $sh (@shapes) {
            my $rs = $ratios{latency}{"$a/$b"}{$sh} or next;
            my @w = $worse->($rs);
            push @shape_notes, "$sh (" . join(', ', map { sprintf('%s %.2f×', $_, $rs->{$_}) } @w) . ')' if @w;
        }
        next unless @overall || @shape_notes;
        my $line = "queries: $label{$a} vs $label{$b}: ";
        $line .= @overall ? 'slower overall at ' . join(' and ', map { sprintf('%s (%.2f×)', $_, $r->{$_}) } @overall)
                          : 'not slower overall';
        $line .= '; slower on ' . join(', ', @shape_notes) if @shape_notes;
        push @behind, $line;
    }
    push @behind, 'the newsdex CGI does not exist yet, so there is no per-request figure to compare with omega\'s'
        unless $lat{'newsdex-cgi'};
    push @s, 'Where newsdex is behind in this run (10% or more):';
    push @s, map { "- $_" } @behind;
    push @s, '- nowhere' unless @behind;
    push @s, '', '';    # a blank line ends the list: scripts/bench appends paragraphs
    open my $sh, '>', "$out/summary.md" or die "$out/summary.md: $!\n";
    print $sh join("\n", @s);
    close $sh;
}

# ---- JSON ------------------------------------------------------------------------
my %json = (
    facts => \%f,
    index => \%index,
    latency_ms => { map { $_ => $lstats{$_} } keys %lstats },
    answered => \%answered,
    ratios => \%ratios,
    labels => \%label,
    (%remote ? (remote_shards => \%remote) : ()),
    (%web_distinct ? (web_distinct => \%web_distinct) : ()),
    (%night ? (incremental_night => \%night) : ()),
    ($nights{'night-ap'} ? (incremental_night_article_positions => $nights{'night-ap'}) : ()),
    ($nights{'night-arrival'} ? (incremental_night_arrival => $nights{'night-arrival'}) : ()),
    ($nights{'night-ap-arrival'} ? (incremental_night_article_positions_arrival => $nights{'night-ap-arrival'}) : ()),
    (%nightly ? (nightly_rebuild => \%nightly) : ()),
);
open my $jh, '>', "$out/latest.json" or die "$out/latest.json: $!\n";
print $jh JSON::PP->new->canonical->pretty->encode(\%json);
close $jh;

# ---- Plots -------------------------------------------------------------------------
my @cdf_engines = grep { $lat{$_} } (@qengines, 'omega-cgi', 'newsdex-cgi');  # not the floor
for my $e (@cdf_engines) {
    my @v = sort { $a <=> $b } @{ $lat{$e}{all} };
    open my $d, '>', "$work/cdf-$e.dat" or die;
    for my $i (0 .. $#v) { printf $d "%.4f %.5f\n", $v[$i], ($i + 1) / @v }
    close $d;
}
open my $sd, '>', "$work/shapes.dat" or die;
print $sd join("\t", 'shape', map { qq("$label{$_}") } @qengines), "\n";
for my $s (@shapes) {
    print $sd join("\t", $s, map { my $st = $lstats{$_}{$s}; $st && $st->{n} ? sprintf('%.4f', $st->{p50}) : '-' } @qengines), "\n";
}
close $sd;
open my $td, '>', "$work/throughput.dat" or die;
for my $row (@ix) {
    my ($k, $name) = @$row;
    printf $td "\"%s\" %.1f\n", $name, $index{$k}{articles_per_s} if $index{$k};
}
close $td;

my $title = "newsdex benchmark, $size_name, " . substr($f{'run.commit'}, 0, 12);
my @plot = (
    'set terminal pngcairo size 900,560 font "DejaVu Sans,10"',
    'set grid', 'set key bottom right',
    "set output '$out/latency.png'",
    "set title '$title: query latency (median of the rounds, per query)'",
    'set logscale x', "set xlabel 'latency per query (ms, log scale)'", "set ylabel 'fraction of queries'",
    'set yrange [0:1]',
    'plot ' . join(', ', map { "'$work/cdf-$_.dat' using 1:2 with lines lw 2 title '$label{$_}'" } @cdf_engines),
    'unset logscale x', 'set yrange [*:*]',
    "set output '$out/latency-shapes.png'",
    "set title '$title: median latency per query shape'",
    'set style data histogram', 'set style histogram clustered gap 1', 'set style fill solid 0.8 border -1',
    'set logscale y', "set ylabel 'p50 latency (ms, log scale)'", "set xlabel 'query shape'", 'set key top left',
    "set datafile missing '-'",
    'plot ' . join(', ', map { my $c = $_ + 2; "'$work/shapes.dat' using $c:xtic(1) title columnheader($c)" } 0 .. $#qengines),
    'unset logscale y',
    "set output '$out/throughput.png'",
    "set title '$title: indexing throughput'",
    "set ylabel 'articles per second'", "set xlabel ''", 'set key off', 'set yrange [0:*]',
    'set style fill solid 0.8 border -1', 'set boxwidth 0.6',
    "plot '$work/throughput.dat' using 0:2:xtic(1) with boxes lc rgb '#4477aa', "
        . "'' using 0:2:(sprintf('%.0f', \$2)) with labels offset 0,0.8 notitle",
);
open my $gp, '>', "$out/plots.gp" or die;
print $gp join("\n", @plot), "\n";
close $gp;
