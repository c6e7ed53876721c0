# test/t/031_regex_fast_path.pl
#
# Differential test of the pattern fast path (src/jsonschema_regex_dfa.c):
# for every pattern of sql/jsonschema_regex.sql and of the official
# JSON-Schema-Test-Suite's pattern tests, and for random strings built from
# the pattern's own characters, the case values and some awkward characters
# (plus mutations of the case values), the automaton must answer exactly as
# PostgreSQL's regex engine does for the same compiled pattern.  Both
# answers come from the test hook wp_ecma_regex_test_paths(), which the
# extension does not declare; this test declares it.  The same comparison
# runs in a LATIN1 database for the strings LATIN1 can hold.
#
# The random seed is printed; set WP_REGEX_SEED to repeat a run.
use strict;
use warnings;
use utf8;
use Encode qw(encode_utf8);
use JSON::PP;
use PostgreSQL::Test::Cluster;
use Test::More;
use FindBin;

# a fixed default seed keeps the test command reproducible; set
# WP_REGEX_SEED (e.g. to a time) to explore other inputs
my $seed = $ENV{WP_REGEX_SEED} // 20261121;
srand($seed);
note("random seed: $seed (WP_REGEX_SEED)");

my $suite = $ENV{JSON_SCHEMA_TEST_SUITE} || "$FindBin::Bin/../fixtures/json-schema-test-suite";
my $dir = "$suite/draft2020-12";

# ---- the patterns and values of sql/jsonschema_regex.sql ----
open(my $fh, '<:raw', 'sql/jsonschema_regex.sql') or die "cannot open sql/jsonschema_regex.sql: $!";
my $regress = do { local $/; <$fh> };
close $fh;
$regress =~ /(CREATE TEMP TABLE cases .*?;\n.*?)\n\nSELECT id, what/s
  or die 'cases not found in sql/jsonschema_regex.sql';
my $cases_sql = $1;
$cases_sql =~ s/CREATE TEMP TABLE/CREATE TABLE/;

my $node = PostgreSQL::Test::Cluster->new('regex_fast_path');
$node->init(extra => [ '--encoding=UTF8', '--locale=C' ]);
$node->start;
$node->safe_psql('postgres',
	"CREATE DATABASE latin1 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
for my $db ('postgres', 'latin1')
{
	$node->safe_psql($db, 'CREATE EXTENSION workshoppilot');
	$node->safe_psql($db,
		"CREATE FUNCTION regex_paths(text, text) RETURNS boolean[]
		 AS '\$libdir/workshoppilot', 'wp_ecma_regex_test_paths' LANGUAGE C STRICT");
}
$node->safe_psql('postgres', "SET client_encoding = 'UTF8';\n$cases_sql");

my $json = JSON::PP->new->utf8;
my %values;    # pattern => [values]

# case rows: [pattern, value] (decoded from UTF-8; only errors-free patterns)
for my $line (
	split /\n/,
	$node->safe_psql('postgres',
		"SET client_encoding = 'UTF8';
		 SELECT pg_catalog.encode(pg_catalog.convert_to(pattern, 'UTF8'), 'hex') || ' ' ||
		        pg_catalog.encode(pg_catalog.convert_to(value, 'UTF8'), 'hex')
		 FROM cases ORDER BY id"))
{
	my ($p, $v) = map { Encode::decode_utf8(pack('H*', $_)) } split / /, $line;
	push @{ $values{$p} }, $v;
}

# suite patterns and their string data
BAIL_OUT("JSON-Schema-Test-Suite not found in $dir") unless -d $dir;
{
	for my $file (qw(optional/ecmascript-regex.json optional/non-bmp-regex.json
		pattern.json patternProperties.json))
	{
		open(my $sf, '<:raw', "$dir/$file") or die "cannot open $dir/$file: $!";
		my $groups = $json->decode(do { local $/; <$sf> });
		close $sf;
		for my $group (@$groups)
		{
			my $schema = $group->{schema};
			next unless ref $schema eq 'HASH';
			my @patterns;
			push @patterns, $schema->{pattern} if defined $schema->{pattern};
			push @patterns, keys %{ $schema->{patternProperties} }
			  if ref $schema->{patternProperties} eq 'HASH';
			for my $p (@patterns)
			{
				$values{$p} //= [];
				for my $test (@{ $group->{tests} })
				{
					my $d = $test->{data};
					push @{ $values{$p} }, $d if defined $d && !ref $d;
					push @{ $values{$p} }, keys %$d if ref $d eq 'HASH';
				}
			}
		}
	}
}

# more patterns of the kinds JSON Schemas use
$values{$_} //= [] for (
	'^ins_[0-9]+$', '^[a-z][a-z0-9_]*$', '^\d{4}-\d{2}-\d{2}$', '(foo|bar)+baz',
	'^(?:a|b)*c?$', '^$', '', 'a|', '^(?:(?:a*)*b)?$', '^x{2,4}y{0,3}$', 'é+', '^[^é]+$',
	'^\p{Lu}\p{Ll}*$', '[\u{1F600}-\u{1F64F}]', '^.{3}$', '\s\S', '^(?:$|a)', '(?:^|,)x',
	'a$|^b', '^(?:[0-9]{1,3}\.){3}[0-9]{1,3}$',
	# word boundaries, which the automaton decides with the next character
	'^[Hh]ow might we\b', '\bcat\b', '\b', '\B', '^\b$', '^\B$', 'a\Bb', '\Bx\B',
	'(?:\b)*a', '(?:\B|z)+$', '\b\w+\b$', 'x\b|\By', '^(?:\b[a-z]+\b[ ,]*)+$',
	'é\b', '\bé', '_\b', '\b9', '(?:^|\b)q', 'q(?:\b|$)', '\b(?:ab|a)\B');

my @awkward = ('a', 'b', 'x', 'z', 'A', 'Z', '0', '1', '9', '_', '-', '.', ' ', "\t", "\n",
	"\r", ',', '@', '$', '^', 'é', 'É', 'ß', "\x{A0}", "\x{2028}", "\x{30FC}", "\x{0663}",
	"\x{1F600}", "\x{1F44D}", "\x{1F3FD}", "\x{200D}", "\x{FE0F}", "\x{10FFFF}", 'ÿ', 'Ā');

# random strings from the pattern's characters, its values and @awkward,
# and one-character mutations of the values
sub strings_for
{
	my ($p, $vals) = @_;
	my %alpha = map { $_ => 1 } @awkward;
	$alpha{$_} = 1 for grep { $_ ne "\0" } split //, $p;
	for my $v (@$vals) { $alpha{$_} = 1 for grep { $_ ne "\0" } split //, $v }
	my @alpha = sort keys %alpha;
	my @out = grep { !/\0/ } @$vals;
	for (1 .. 60)
	{
		my $len = int(rand(rand() < 0.8 ? 8 : 40));
		push @out, join('', map { $alpha[ int(rand(@alpha)) ] } 1 .. $len);
	}
	for my $v (grep { !/\0/ && length($_) < 2000 } @$vals)
	{
		for (1 .. 8)
		{
			my $s = $v;
			my $pos = int(rand(length($s) + 1));
			my $op = int(rand(3));
			my $c = $alpha[ int(rand(@alpha)) ];
			if ($op == 0) { substr($s, $pos, 0) = $c }
			elsif ($pos < length($s)) { substr($s, $pos, 1) = $op == 1 ? '' : $c }
			push @out, $s;
		}
	}
	return @out;
}

sub lit
{
	my ($s) = @_;
	$s =~ s/'/''/g;
	return "'" . encode_utf8($s) . "'";
}

# compare the two paths on rows [pattern, value]; returns (rows, fast rows,
# disagreements as strings)
sub compare
{
	my ($db, $rows) = @_;
	my ($n, $fast, @bad) = (0, 0);
	for (my $i = 0; $i < @$rows; $i += 400)
	{
		my $end = $i + 399 < $#$rows ? $i + 399 : $#$rows;
		my $values = join(",\n",
			map { "($_, " . lit($rows->[$_][0]) . ', ' . lit($rows->[$_][1]) . ')' } $i .. $end);
		my $out = $node->safe_psql($db,
			"SET client_encoding = 'UTF8';\n"
			  . "SELECT id, r[1], r[2] FROM (SELECT id, regex_paths(p, v) AS r "
			  . "FROM (VALUES $values) AS t(id, p, v)) s ORDER BY id;");
		for my $line (split /\n/, $out)
		{
			my ($id, $f, $s) = split /\|/, $line;
			$n++;
			next if $f eq '';
			$fast++;
			push @bad, "pattern /$rows->[$id][0]/ value \"$rows->[$id][1]\": automaton $f, engine $s"
			  if $f ne $s;
		}
	}
	return ($n, $fast, @bad);
}

# patterns PostgreSQL cannot take (invalid, or errors) are skipped
my (@rows, %fast_patterns);
for my $p (sort keys %values)
{
	my ($ret) = $node->psql('postgres',
		"SET client_encoding = 'UTF8'; SELECT regex_paths(" . lit($p) . ", '')");
	next if $ret != 0;
	push @rows, [ $p, $_ ] for strings_for($p, $values{$p});
}
# long strings: the automaton's interrupt checks and linear scan
push @rows, [ '^[a-z]+$', 'a' x 70000 ], [ '^[a-z]+$', ('a' x 70000) . '1' ],
  [ 'b', ('a' x 100000) . 'b' ], [ '^(?:ab)*$', 'ab' x 40000 ], [ '^.*é$', ('x' x 70000) . 'é' ];

my ($n, $fast, @bad) = compare('postgres', \@rows);
note("UTF8: $n comparisons, $fast through the automaton");
ok($n == @rows, "UTF8: every row answered ($n)");
ok($fast > $n / 2, "UTF8: most rows have an automaton ($fast of $n)");
is(scalar(@bad), 0, 'UTF8: automaton and engine agree') or diag(join("\n", @bad[ 0 .. ($#bad < 30 ? $#bad : 29) ]));

my @latin1_rows = grep { $_->[0] !~ /[^\x00-\xff]/ && $_->[1] !~ /[^\x00-\xff]/ } @rows;
my ($n1, $fast1, @bad1) = compare('latin1', \@latin1_rows);
note("LATIN1: $n1 comparisons, $fast1 through the automaton");
ok($fast1 > 0, "LATIN1: rows through the automaton ($fast1 of $n1)");
is(scalar(@bad1), 0, 'LATIN1: automaton and engine agree') or diag(join("\n", @bad1[ 0 .. ($#bad1 < 30 ? $#bad1 : 29) ]));

# which patterns get an automaton: the regular ones and those with word
# boundaries, not lookaround or backreferences
is($node->safe_psql('postgres',
		"SELECT string_agg(CASE WHEN (regex_paths(p, 'a'))[1] IS NULL THEN 'engine' ELSE 'automaton' END, ',' ORDER BY o)
		 FROM unnest(ARRAY['^ins_[0-9]+\$', '(a|b)*c', '^\\p{L}+\$', 'a{0,255}', '(?=a)', '\\bx', '\\Bx', '(a)\\1', '(?<=a)b'])
		   WITH ORDINALITY AS t(p, o)"),
	'automaton,automaton,automaton,automaton,engine,automaton,automaton,engine,engine',
	'automaton for regular patterns and word boundaries only');

$node->stop;
done_testing();
