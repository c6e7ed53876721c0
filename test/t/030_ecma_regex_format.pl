# test/t/030_ecma_regex_format.pl
#
# Acceptance data for the ECMA-262 pattern translator and the format checks:
# every string test of the official JSON-Schema-Test-Suite (draft 2020-12)
# that exercises "pattern"/"patternProperties" (required files plus
# optional/ecmascript-regex.json and optional/non-bmp-regex.json) and every
# optional format test (optional/format/*.json), run through
# workshoppilot.ecma_regex_matches() and workshoppilot.jsonschema_format_check().
# Then the same answers in a LATIN1 database, where the functions convert to
# UTF-8 themselves.
#
# The suite is found through $JSON_SCHEMA_TEST_SUITE (default
# test/fixtures/json-schema-test-suite, the vendored copy).  Strings that
# contain U+0000 are skipped: PostgreSQL text cannot hold them.
use strict;
use warnings;
use utf8;
use Encode qw(encode_utf8);
use File::Basename qw(basename);
use JSON::PP;
use PostgreSQL::Test::Cluster;
use Test::More;
use FindBin;

my $suite = $ENV{JSON_SCHEMA_TEST_SUITE} || "$FindBin::Bin/../fixtures/json-schema-test-suite";
my $dir = "$suite/draft2020-12";
BAIL_OUT("JSON-Schema-Test-Suite not found at $suite") unless -d $dir;

my $json = JSON::PP->new->utf8;

sub read_json
{
	my ($path) = @_;
	open(my $fh, '<:raw', $path) or die "cannot open $path: $!";
	local $/;
	my $text = <$fh>;
	close $fh;
	return $json->decode($text);
}

# an SQL string literal (standard_conforming_strings), as UTF-8 bytes
sub lit
{
	my ($s) = @_;
	$s =~ s/'/''/g;
	return "'" . encode_utf8($s) . "'";
}

# Run "SELECT id, f(a, b)" over rows [id, a, b] in one statement; returns
# { id => 't'/'f' }.
sub run_batch
{
	my ($node, $db, $func, $rows) = @_;
	my %res;
	my $i = 0;
	while ($i < @$rows)
	{
		my @chunk = @$rows[ $i .. ($i + 499 < $#$rows ? $i + 499 : $#$rows) ];
		$i += 500;
		my $values = join(",\n",
			map { "($_->[0], " . lit($_->[1]) . ', ' . lit($_->[2]) . ')' } @chunk);
		my $out = $node->safe_psql($db,
			"SET client_encoding = 'UTF8';\n"
			  . "SELECT id, workshoppilot.$func(a, b) FROM (VALUES $values) AS t(id, a, b) ORDER BY id;"
		);
		for my $line (split /\n/, $out)
		{
			my ($id, $v) = split /\|/, $line;
			$res{$id} = $v;
		}
	}
	return \%res;
}

# ---- collect the cases ----
my (@regex_cases, @regex_rows, @format_cases, @format_rows);

# pattern: [description, [row ids], mode, expected]; mode "all" needs its one
# row to match, mode "keys" (patternProperties with additionalProperties
# false) needs every key to match one of the patterns.
for my $file (qw(optional/ecmascript-regex.json optional/non-bmp-regex.json
	pattern.json patternProperties.json))
{
	for my $group (@{ read_json("$dir/$file") })
	{
		my $schema = $group->{schema};
		for my $test (@{ $group->{tests} })
		{
			my $data = $test->{data};
			my $desc = "$file: $group->{description}: $test->{description}";
			if (defined $schema->{pattern})
			{
				next if ref $data || !defined $data || $data =~ /\0/;
				next unless JSON::PP->new->allow_nonref->encode($data) =~ /^"/;
				push @regex_rows, [ scalar(@regex_rows) + 1, $schema->{pattern}, $data ];
				push @regex_cases, [ $desc, [ scalar(@regex_rows) ], $test->{valid} ];
			}
			elsif (ref $schema->{patternProperties} eq 'HASH'
				&& ref $data eq 'HASH'
				&& defined $schema->{additionalProperties}
				&& !$schema->{additionalProperties}
				&& !grep { !(JSON::PP::is_bool($_) && $_) } values %{ $schema->{patternProperties} })
			{
				my @ids;
				for my $key (sort keys %$data)
				{
					my @key_ids;
					for my $p (sort keys %{ $schema->{patternProperties} })
					{
						push @regex_rows, [ scalar(@regex_rows) + 1, $p, $key ];
						push @key_ids, scalar(@regex_rows);
					}
					push @ids, \@key_ids;
				}
				push @regex_cases, [ $desc, \@ids, $test->{valid}, 'keys' ];
			}
		}
	}
}

for my $path (sort glob("$dir/optional/format/*.json"))
{
	my $file = basename($path);
	for my $group (@{ read_json($path) })
	{
		my $format = $group->{schema}{format};
		next unless defined $format;
		for my $test (@{ $group->{tests} })
		{
			my $data = $test->{data};
			next if ref $data || !defined $data || $data =~ /\0/;
			next unless JSON::PP->new->allow_nonref->encode($data) =~ /^"/;
			push @format_rows, [ scalar(@format_rows) + 1, $format, $data ];
			push @format_cases,
			  [ "$file: $group->{description}: $test->{description}", scalar(@format_rows), $test->{valid} ];
		}
	}
}

ok(@regex_cases > 50, 'found the pattern tests (' . scalar(@regex_cases) . ')');
ok(@format_cases > 500, 'found the format tests (' . scalar(@format_cases) . ')');

# ---- run them ----
my $node = PostgreSQL::Test::Cluster->new('regex_format');
$node->init(extra => [ '--encoding=UTF8', '--locale=C' ]);
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION workshoppilot');
$node->safe_psql('postgres',
	"CREATE DATABASE latin1 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
$node->safe_psql('latin1', 'CREATE EXTENSION workshoppilot');

sub check_regex_cases
{
	my ($res, $label) = @_;
	for my $case (@regex_cases)
	{
		my ($desc, $ids, $valid, $mode) = @$case;
		my $got;
		if (($mode // '') eq 'keys')
		{
			$got = 1;
			for my $key_ids (@$ids)
			{
				$got = 0 unless grep { ($res->{$_} // '') eq 't' } @$key_ids;
			}
		}
		else
		{
			$got = ($res->{ $ids->[0] } // '') eq 't' ? 1 : 0;
		}
		# names as UTF-8 bytes: a wide character in print is a fatal warning
		# in PostgreSQL 17's TAP modules
		is($got, $valid ? 1 : 0, encode_utf8("$label: $desc"));
	}
}

sub check_format_cases
{
	my ($res, $label) = @_;
	for my $case (@format_cases)
	{
		my ($desc, $id, $valid) = @$case;
		is(($res->{$id} // '') eq 't' ? 1 : 0, $valid ? 1 : 0, encode_utf8("$label: $desc"));
	}
}

check_regex_cases(run_batch($node, 'postgres', 'ecma_regex_matches', \@regex_rows), 'UTF8');
check_format_cases(run_batch($node, 'postgres', 'jsonschema_format_check', \@format_rows), 'UTF8');

# In a LATIN1 database only strings LATIN1 can hold can be stored; those must
# give the same answers.
my @latin1_regex = grep { $_->[1] !~ /[^\x00-\xff]/ && $_->[2] !~ /[^\x00-\xff]/ } @regex_rows;
my @latin1_format = grep { $_->[2] !~ /[^\x00-\xff]/ } @format_rows;
{
	my $utf8_regex = run_batch($node, 'postgres', 'ecma_regex_matches', \@latin1_regex);
	my $l1_regex = run_batch($node, 'latin1', 'ecma_regex_matches', \@latin1_regex);
	is_deeply($l1_regex, $utf8_regex,
		'LATIN1 database: same pattern answers (' . scalar(@latin1_regex) . ' cases)');
	my $utf8_format = run_batch($node, 'postgres', 'jsonschema_format_check', \@latin1_format);
	my $l1_format = run_batch($node, 'latin1', 'jsonschema_format_check', \@latin1_format);
	is_deeply($l1_format, $utf8_format,
		'LATIN1 database: same format answers (' . scalar(@latin1_format) . ' cases)');
}

# Non-ASCII in a LATIN1 database: e-acute is a letter but not \w, and a
# property escape or a range covers it.
my $sql = encode_utf8("SET client_encoding = 'UTF8';
SELECT workshoppilot.ecma_regex_matches('^\\w\$', 'é'),
       workshoppilot.ecma_regex_matches('^\\p{L}\$', 'é'),
       workshoppilot.ecma_regex_matches('^[à-ÿ]\$', 'é'),
       workshoppilot.ecma_regex_matches('^\\s\$', chr(160)),
       workshoppilot.jsonschema_format_check('idn-hostname', 'café.example')");
is($node->safe_psql('latin1', $sql), 'f|t|t|t|t',
	'LATIN1 database: non-ASCII patterns and values');

$node->stop;
done_testing();
