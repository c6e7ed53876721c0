# test/t/050_json_schema_suite.pl
#
# Runs the official JSON-Schema-Test-Suite (draft2020-12) against
# workshoppilot.jsonb_matches_schema and jsonb_schema_errors: one TAP "ok"
# per test of every required file, except the explicit skips below.  The
# optional/ files run too; their pass count is reported with diag and never
# fails the script.
#
# Suite location: $JSON_SCHEMA_TEST_SUITE (the directory holding
# draft2020-12/), else test/fixtures/json-schema-test-suite (vendored).
# All tests run in a few psql calls: a generated SQL script prints one line
# per test.
use strict;
use warnings;
use FindBin;
use Encode qw(encode_utf8);
use JSON::PP;
use PostgreSQL::Test::Cluster;
use Test::More;

my $suite = $ENV{JSON_SCHEMA_TEST_SUITE} || "$FindBin::Bin/../fixtures/json-schema-test-suite";
my $dir = "$suite/draft2020-12";
BAIL_OUT("JSON-Schema-Test-Suite not found in $dir") unless -d $dir;

# Skipped required tests: file => { case description => reason }; '*' skips
# the whole file.
my $NUL = 'PostgreSQL jsonb cannot store the string "\u0000"';
my $REMOTE = 'needs a remote document (http://localhost:1234/...); nothing is fetched';
my %skip = (
	'refRemote.json' => { '*' => $REMOTE },
	'enum.json' => { 'nul characters in strings' => $NUL },
	'const.json' => { 'nul characters in strings' => $NUL },
	'dynamicRef.json' => {
		'strict-tree schema, guards against misspelled properties' => $REMOTE,
		'tests for implementation dynamic anchor and reference link' => $REMOTE,
		'$ref and $dynamicAnchor are independent of order - $defs first' => $REMOTE,
		'$ref and $dynamicAnchor are independent of order - $ref first' => $REMOTE,
		'$ref to $dynamicRef finds detached $dynamicAnchor' => $REMOTE,
	},
	'vocabulary.json' => {
		'schema that uses custom metaschema with with no validation vocabulary' =>
		  'needs a custom remote meta-schema ($schema http://localhost:1234/...); "$vocabulary" is not interpreted',
	},
);

# utf8: decode UTF-8 bytes to characters, encode back to UTF-8 bytes (escapes
# such as \u00e9 would otherwise upgrade the script and double-encode)
my $json = JSON::PP->new->utf8->allow_bignum->canonical;

sub read_json
{
	my ($file) = @_;
	open my $fh, '<:raw', $file or die "$file: $!";
	local $/;
	my $text = <$fh>;
	close $fh;
	return $json->decode($text);
}

sub lit
{
	my ($v) = @_;
	my $text = $json->encode($v);
	$text =~ s/'/''/g;
	return "'$text'";
}

my $node = PostgreSQL::Test::Cluster->new('suite');
# UTF8: jsonb strings reach the validator as UTF-8 (SQL_ASCII would pass raw bytes)
$node->init(extra => [ '--encoding=UTF8', '--locale=C' ]);
$node->start;
$node->safe_psql('postgres', q{
CREATE EXTENSION workshoppilot;
CREATE FUNCTION suite_check(n int, s jsonb, d jsonb, fa boolean) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	m boolean;
	e jsonb;
BEGIN
	m := workshoppilot.jsonb_matches_schema(s, d, fa);
	e := workshoppilot.jsonb_schema_errors(s, d, fa);
	RETURN n || ':' || m || ':' || (jsonb_array_length(e) = 0);
EXCEPTION WHEN others THEN
	RETURN n || ':error:' || SQLSTATE || ' ' || replace(SQLERRM, E'\n', ' ');
END
$$;
});

# Collect tests: [file, case, test, valid, schema, data, optional, format]
sub collect
{
	my ($file, $optional, $format) = @_;
	my @out;
	(my $short = $file) =~ s{^\Q$dir\E/}{};
	for my $case (@{ read_json($file) })
	{
		for my $t (@{ $case->{tests} })
		{
			push @out, {
				file => $short, case => $case->{description},
				test => $t->{description}, valid => $t->{valid} ? 1 : 0,
				schema => $case->{schema}, data => $t->{data},
				optional => $optional, format => $format,
			};
		}
	}
	return @out;
}

my @tests;
push @tests, collect($_, 0, 0) for sort glob("$dir/*.json");
push @tests, collect($_, 1, 0) for sort glob("$dir/optional/*.json");
push @tests, collect($_, 1, 1) for sort glob("$dir/optional/format/*.json");

# one generated script, one line per test (data that jsonb rejects makes
# the whole statement fail, so each test is its own statement)
my $sql = "SET client_encoding = 'UTF8';\n";
for my $i (0 .. $#tests)
{
	my $t = $tests[$i];
	my $s = $skip{ $t->{file} };
	next if !$t->{optional} && $s && ($s->{'*'} || exists $s->{ $t->{case} } && defined $s->{ $t->{case} });
	$sql .= sprintf("SELECT suite_check(%d, %s, %s, %s);\n",
		$i, lit($t->{schema}), lit($t->{data}), $t->{format} ? 'true' : 'false');
}
my ($stdout, $stderr) = ('', '');
$node->psql('postgres', $sql, stdout => \$stdout, stderr => \$stderr,
	extra_params => [ '-At', '-v', 'ON_ERROR_STOP=0' ]);
my %result;
for my $line (split /\n/, $stdout)
{
	$result{$1} = $2 if $line =~ /^(\d+):(.*)$/;
}

my ($opt_total, $opt_pass) = (0, 0);
my %opt_file;
for my $i (0 .. $#tests)
{
	my $t = $tests[$i];
	# test names go out as UTF-8 bytes: a wide character in print is a fatal
	# warning in PostgreSQL 17's TAP modules
	my $name = encode_utf8("$t->{file}: $t->{case}: $t->{test}");
	my $s = $skip{ $t->{file} };
	my $r = $result{$i} // 'error: statement failed (data or schema rejected by jsonb)';
	my $expect = ($t->{valid} ? 'true' : 'false') . ':' . ($t->{valid} ? 'true' : 'false');
	if ($t->{optional})
	{
		$opt_total++;
		$opt_file{ $t->{file} }[0]++;
		if ($r eq $expect) { $opt_pass++; $opt_file{ $t->{file} }[1]++; }
		next;
	}
	if ($s && ($s->{'*'} || defined $s->{ $t->{case} }))
	{
		SKIP: { skip(($s->{'*'} // $s->{ $t->{case} }), 1); }
		next;
	}
	is($r, $expect, $name);
}
diag("optional tests: $opt_pass of $opt_total pass");
for my $f (sort keys %opt_file)
{
	diag(sprintf("  %-45s %d/%d", $f, $opt_file{$f}[1] // 0, $opt_file{$f}[0]));
}

$node->stop;
done_testing();
