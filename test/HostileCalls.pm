# test/HostileCalls.pm
#
# Shared by test/t/070_hostile_inputs.pl and test/t/072_planted_objects.pl:
# loads test/fixtures/hostile_calls.sql into a database and runs the
# statements wp_hostile.calls() generates, each through wp_hostile.probe()
# as its own top-level statement (so statement_timeout applies to each),
# in one psql session, and parses the results.
package HostileCalls;

use strict;
use warnings;
use File::Basename qw(dirname);
use PostgreSQL::Test::Utils;

# load_fixture(node, db): creates schema wp_hostile with the inputs, the
# generator and the probe (needs the extension installed).
sub load_fixture
{
	my ($node, $db) = @_;
	my $file = dirname(__FILE__) . '/fixtures/hostile_calls.sql';
	$node->safe_psql($db, "SET search_path = pg_catalog, pg_temp;\n" . slurp_file($file), timeout => 600);
	return;
}

# calls(node, db[, where]): list of hashes {id, kind, label, heavy, stable,
# sql} from wp_hostile.calls().
sub calls
{
	my ($node, $db, $where) = @_;
	$where //= 'true';
	my $out = $node->safe_psql($db,
		"SELECT id, kind, heavy, stable, replace(label, E'\\t', ' '), sql FROM wp_hostile.calls() WHERE $where ORDER BY id",
		extra_params => [ '-F', "\t" ]);
	my @calls;
	for my $line (split /\n/, $out)
	{
		my ($id, $kind, $heavy, $stable, $label, $sql) = split /\t/, $line, 6;
		push @calls,
		  {
			id => $id,
			kind => $kind,
			heavy => $heavy eq 't',
			stable => $stable eq 't',
			label => $label,
			sql => $sql
		  };
	}
	return @calls;
}

# dollar_quote(s): s as a dollar-quoted literal whose tag does not occur in s.
sub dollar_quote
{
	my ($s) = @_;
	my $n = 0;
	$n++ while index($s, "\$q$n\$") >= 0;
	return "\$q$n\$$s\$q$n\$";
}

# run(node, db, calls, %opts): runs every call through wp_hostile.probe
# with search_path => $opts{search_path} (default 'pg_catalog, public'),
# prelude => SQL run first in the session (e.g. SET ROLE), and
# statement_timeout 1s (or the call's {timeout}).  Returns (hashref id -> {sqlstate, ms, result,
# hwm_kb, ctx_bytes, message}, psql stderr, psql exit code).  A call missing
# from the hash did not return (lost connection).
sub run
{
	my ($node, $db, $calls, %opts) = @_;
	my $path = $opts{search_path} // 'pg_catalog, public';
	my $script = "SET statement_timeout = '1s';\n";
	$script .= ($opts{prelude} // '') . "\n";
	my $timeout = '1s';
	for my $c (@$calls)
	{
		my $want = $c->{timeout} // '1s';
		$script .= "SET statement_timeout = '$want';\n" if $want ne $timeout;
		$timeout = $want;
		$script .= sprintf("SELECT wp_hostile.probe(%d, %s, %s, %s);\n",
			$c->{id}, dollar_quote($path), dollar_quote($c->{sql}),
			$c->{heavy} ? 'true' : 'false');
	}
	my ($stdout, $stderr);
	my $file = PostgreSQL::Test::Utils::tempdir() . '/calls.sql';
	PostgreSQL::Test::Utils::append_to_file($file, $script);
	my $ret = $node->psql(
		$db, '',
		on_error_stop => 0,
		stdout => \$stdout,
		stderr => \$stderr,
		extra_params => [ '-A', '-t', '-q', '-f', $file ],
		timeout => 3600);
	my %res;
	for my $line (split /\n/, $stdout // '')
	{
		next unless $line =~ /^@@(\d+)\|([0-9A-Z]{5})\|([0-9.]+)\|([^|]*)\|(\d+)\|(\d+)\|(.*)$/;
		$res{$1} = {
			sqlstate => $2,
			ms => $3,
			result => $4,
			hwm_kb => $5,
			ctx_bytes => $6,
			message => $7
		};
	}
	return (\%res, $stderr, $ret);
}

1;
