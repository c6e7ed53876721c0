# test/t/020_cuid2_statistics.pl
#
# Statistics of CUID2 ids, as the reference package @paralleldrive/cuid2
# tests itself: no collisions; every one of the 36 symbols appears in the
# bodies (the id minus its first letter) with each count within +-10 % of
# the expected; the bodies read as base36 numbers fall into 20 equal ranges
# [k*L, (k+1)*L), L = ceil(36^23 / 20), each holding within +-10 % and
# within +-5 % of n/20 (strict bounds, rounded as the reference rounds them).
#
# A FIXED STATISTICAL DESIGN THAT CANNOT FLAKE
#
# The +-5 % range bar on 100,000 random ids is a 3.6-sigma test per range,
# and the range probabilities are not exactly 1/20: the digest is a 512-bit
# number, 2^512 is not a power of 36, so ranges 0-13 have probability
# 1.00708/20 and ranges 15-19 0.98251/20 (computed exactly from 2^512 and
# 36^98..36^100; the reference has the same property).  Asserted on 100,000
# fresh random ids it would fail about once in 100 runs.  So:
#
# 1. 100,000 ids built deterministically with cuid2_digest() from fixed
#    hash inputs shaped like cuid2()'s (time, salt, counter, fingerprint).
#    Every bar of the issue is asserted on exactly 100,000 ids; the sample
#    never changes, so the result never changes.
#
# 2. 1,000,000 fresh ids from cuid2(), end to end (random letter, random
#    salt, counter, fingerprint).  The same bars, with false-failure
#    probabilities (normal approximation, one-sided tails, union bound):
#      ranges +-5 %:  worst range expects 49,126 of 1,000,000, sigma 216,
#                     the bar 47,500 is 7.5 sigma away: p < 3e-14 per
#                     range, < 1e-12 for all 20 (the upper bar is 9.8 sigma);
#      ranges +-10 %: over 30 sigma;
#      symbols +-10 %: 23,000,000 characters, 638,889 per symbol, sigma 788,
#                     the bar is 81 sigma away;
#      first letters +-5 %: 38,462 per letter, sigma 192, 10 sigma: p < 1e-22.
#    "Not in time order": ids in generation order ascend between neighbours
#    half of the time; the bar 49 %..51 % is 34 sigma wide.
#    In total the false-failure probability is below 1e-12 per run.
#
# 3. 100,000 fresh ids from cuid2(): no collisions, every symbol present,
#    each within +-10 % (25 sigma).
#
# Requires: make install into the server under test.
use strict;
use warnings;
use Math::BigInt;
use PostgreSQL::Test::Cluster;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('cuid2_stats');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION workshoppilot');

my @symbols = ('0' .. '9', 'a' .. 'z');
my $body_length = 23;    # ids of the default length 24

# The 19 inner range boundaries k*L as 23-character base36 strings: for
# strings of [0-9a-z] of one length, byte order ("C") is numeric order.
my $range_count = 20;
my $range_length = Math::BigInt->new(36)->bpow($body_length);
{
	my ($q, $r) = $range_length->copy->bdiv($range_count);
	$q->binc unless $r->is_zero;
	$range_length = $q;
}
my @boundaries;
for my $k (1 .. $range_count - 1)
{
	my $x = $range_length->copy->bmul($k);
	my $s = '';
	for (1 .. $body_length)
	{
		my ($q, $r) = $x->copy->bdiv(36);
		$s = $symbols[ $r->numify ] . $s;
		$x = $q;
	}
	push @boundaries, $s;
}
my $boundary_array =
  "ARRAY[" . join(',', map { "'$_'" } @boundaries) . "]::text[]";

# the reference's bars: expected = ceil(total / bins), bounds rounded,
# counts must lie strictly between them
sub bars
{
	my ($total, $bins, $tolerance) = @_;
	my $expected = int(($total + $bins - 1) / $bins);
	return (
		int($expected * (1 - $tolerance) + 0.5),
		int($expected * (1 + $tolerance) + 0.5));
}

sub check_within
{
	my ($what, $counts, $total, $bins, $tolerance) = @_;
	my ($min, $max) = bars($total, $bins, $tolerance);
	my @bad = grep { !($counts->{$_} > $min && $counts->{$_} < $max) }
	  sort keys %$counts;
	my @values = map { $counts->{$_} } sort keys %$counts;
	my ($lo, $hi) = (sort { $a <=> $b } @values)[ 0, -1 ];
	is(scalar(@values), $bins, "$what: all $bins present (+-" . ($tolerance * 100) . " % check)");
	is("@bad", '',
		"$what: each within +-" . ($tolerance * 100) . " % ($min < count < $max; seen $lo..$hi)");
}

# Assert the statistics of table $table (column id, ordered by column n).
sub check_sample
{
	my ($label, $table, $n, %opt) = @_;

	my ($count, $distinct, $valid) = split /\|/, $node->safe_psql('postgres',
		"SELECT count(*), count(DISTINCT id), count(*) FILTER (WHERE workshoppilot.is_cuid2(id) AND length(id) = 24) FROM $table"
	);
	is($count, $n, "$label: $n ids");
	is($distinct, $n, "$label: no collisions");
	is($valid, $n, "$label: all are 24-character CUID2 ids");

	# symbols in the bodies, counted in Perl over one concatenated string
	my $bodies = $node->safe_psql('postgres',
		"SELECT string_agg(substr(id, 2), '' ORDER BY n) FROM $table");
	is(length($bodies), $n * $body_length, "$label: body characters");
	my %symbol_count;
	for my $s (@symbols)
	{
		## no critic (ProhibitStringyEval)
		$symbol_count{$s} = eval "\$bodies =~ tr/$s//";
	}
	delete $symbol_count{$_} for grep { !$symbol_count{$_} } keys %symbol_count;
	check_within("$label: symbols", \%symbol_count, $n * $body_length, 36, 0.10);

	return if $opt{symbols_only};

	# the 20 ranges
	my %range_count = map { split /\|/ } split /\n/, $node->safe_psql('postgres',
		"SELECT width_bucket(substr(id, 2) COLLATE \"C\", $boundary_array), count(*) FROM $table GROUP BY 1"
	);
	check_within("$label: 20 ranges", \%range_count, $n, $range_count, 0.10);
	check_within("$label: 20 ranges", \%range_count, $n, $range_count, 0.05);

	return unless $opt{random};

	# first letters
	my %letter_count = map { split /\|/ } split /\n/, $node->safe_psql('postgres',
		"SELECT left(id, 1), count(*) FROM $table GROUP BY 1");
	check_within("$label: first letters", \%letter_count, $n, 26, 0.05);

	# not in time order: neighbours in generation order ascend half the time
	my $ascending = $node->safe_psql('postgres',
		"SELECT count(*) FILTER (WHERE id COLLATE \"C\" > prev) FROM (SELECT id, lag(id) OVER (ORDER BY n) AS prev FROM $table) s WHERE prev IS NOT NULL"
	);
	ok($ascending > 0.49 * ($n - 1) && $ascending < 0.51 * ($n - 1),
		"$label: not in time order ($ascending of " . ($n - 1) . " neighbours ascend)");
}

# 1. deterministic: 100,000 fixed hash inputs shaped like cuid2()'s
$node->safe_psql('postgres', q{
	CREATE TABLE fixed_ids AS
	SELECT i AS n,
		   chr(97 + i % 26) ||
		   workshoppilot.cuid2_digest(
			   to_hex(1763700000000 + 7 * i)              -- time in ms
			   || substr(md5('salt' || i), 1, 24)         -- salt
			   || to_hex(123456789 + i)                   -- counter
			   || 'k3xq9v0c2m7t5z8r1b4n6w0y2h5j8p1d',     -- fingerprint
			   24) AS id
	FROM generate_series(1, 100000) AS i
});
check_sample('fixed 100,000', 'fixed_ids', 100000);

# 2. random: 1,000,000 fresh ids, end to end
$node->safe_psql('postgres', q{
	CREATE TABLE random_ids AS
	SELECT i AS n, workshoppilot.cuid2() AS id
	FROM generate_series(1, 1000000) AS i
});
check_sample('random 1,000,000', 'random_ids', 1000000, random => 1);

# 3. random: 100,000 fresh ids, collisions and symbols
$node->safe_psql('postgres', q{
	CREATE TABLE random_100k AS
	SELECT i AS n, workshoppilot.cuid2() AS id
	FROM generate_series(1, 100000) AS i
});
check_sample('random 100,000', 'random_100k', 100000, symbols_only => 1);

$node->stop;
done_testing();
