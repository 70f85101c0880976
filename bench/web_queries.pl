#!/usr/bin/perl
# web_queries.pl: a list of distinct search queries for bench/web_load,
# URL-encoded, one per line, so that a load test never asks the same thing
# twice (no response cache can help).
#
# usage: perl bench/web_queries.pl --queries bench/queries.txt --corpus FILE.jsonl [--count N]
#
# First the benchmark's own queries (the text of each shape<TAB>query line),
# then queries made from the corpus's headlines in file order, the way a
# reader searches for a story: headline i gives, by i mod 4, two adjacent
# words, the same two as a quoted phrase, one word, or its first and last
# words. Words are lower-cased runs of letters, at least 3 long, minus a few
# function words, wire abbreviations and ticker symbols (<IBM>). A query equal (ignoring case and spacing) to an earlier one
# is passed over. Deterministic: the same files give the same list. Stops at
# N queries (default 3000), or with fewer when the corpus runs out.
use strict;
use warnings;
use Getopt::Long;
use JSON::PP;

my ($queries, $corpus, $count) = (undef, undef, 3000);
GetOptions('queries=s' => \$queries, 'corpus=s' => \$corpus, 'count=i' => \$count)
    && $queries && $corpus && $count > 0
    or die "usage: web_queries.pl --queries FILE --corpus FILE.jsonl [--count N]\n";

my %stop = map { $_ => 1 } qw(the and for with from that this into over after says said
    its not are was were has have had will been but than who what when out off per
    via new mln pct cts shr qtr net dlrs year inc corp ltd plc);
my (%seen, @out);
sub add {
    my $q = shift;
    my $key = lc $q;
    $key =~ s/\s+/ /g;
    $key =~ s/^ | $//g;
    return if $key eq '' || $seen{$key}++;
    push @out, $q;
}

open my $qf, '<', $queries or die "$queries: $!\n";
while (<$qf>) {
    next if /^#/;
    chomp;
    my (undef, $q) = split /\t/, $_, 2;
    add($q) if defined $q;
    last if @out >= $count;
}
close $qf;

my $json = JSON::PP->new;
open my $cf, '<', $corpus or die "$corpus: $!\n";
my $i = 0;
while (@out < $count && defined(my $line = <$cf>)) {
    my $a = eval { $json->decode($line) } or next;
    (my $title = $a->{title} // '') =~ s/<[^>]*>//g;    # ticker symbols: <IBM>
    my @w = grep { length >= 3 && !$stop{$_} } map { lc } $title =~ /([A-Za-z]+)/g;
    next unless @w;
    my $kind = $i++ % 4;
    my $at = $i % @w;    # where in the headline the pair starts
    if ($kind == 2 || @w == 1) {
        add($w[$at]);
    } elsif ($kind == 3) {
        add("$w[0] $w[-1]");
    } else {
        $at = 0 if $at == $#w;
        add($kind == 0 ? "$w[$at] $w[$at + 1]" : qq("$w[$at] $w[$at + 1]"));
    }
}
close $cf;

for my $q (@out) {
    (my $e = $q) =~ s/([^A-Za-z0-9_.~-])/sprintf('%%%02X', ord $1)/ge;
    print "$e\n";
}
printf STDERR "web_queries: %d distinct queries%s\n", scalar @out,
    @out < $count ? " (the corpus gave no more; $count asked)" : '';
