# test/t/073_privileges.pl
#
# The extension adds no privileges: what a role may read or change through
# its functions and triggers is what the role may read or change in the
# tables.  Every extension function and trigger path
# (test/fixtures/hostile_calls.sql, without the 100 MB inputs) is run as
#
#   nobody      granted nothing (not even USAGE on the schema);
#   usage_only  USAGE on schema workshoppilot, no table privilege;
#   reader      USAGE and SELECT on workshoppilot.workshops only.
#
# Asserts, for each role: no trigger path (INSERT, UPDATE, DELETE) succeeds;
# no function that reads or writes the tables succeeds unless it returns
# NULL for a NULL argument without reading anything (STRICT); no message,
# detail or hint of any error contains data the role may not read (titles,
# ideas, user ids, step output); and, after all calls, the tables are as
# they were.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use HostileCalls;

my $node = PostgreSQL::Test::Cluster->new('privileges');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION workshoppilot');
HostileCalls::load_fixture($node, 'postgres');
$node->safe_psql('postgres', <<'SQL');
CREATE ROLE nobody LOGIN;
CREATE ROLE usage_only LOGIN;
GRANT USAGE ON SCHEMA workshoppilot TO usage_only;
CREATE ROLE reader LOGIN;
GRANT USAGE ON SCHEMA workshoppilot TO reader;
GRANT SELECT ON workshoppilot.workshops TO reader;
-- data no role here may read
SET workshoppilot.validate_step_outputs = off;
UPDATE workshoppilot.workshop_steps SET output = '{"note": "S3cret step output"}';
SQL

# Functions that read no table: their calls may succeed for anyone.
my %no_table = map { $_ => 1 } split /\n/, $node->safe_psql('postgres', <<'SQL');
SELECT p.oid::regprocedure FROM pg_proc p
WHERE p.pronamespace = 'workshoppilot'::regnamespace
  AND (p.provolatile = 'i' OR p.proname = 'cuid2')
SQL

# STRICT functions: a NULL argument returns NULL (or a row of NULLs) unread
my %strict = map { $_ => 1 } split /\n/, $node->safe_psql('postgres', <<'SQL');
SELECT p.oid::regprocedure FROM pg_proc p
WHERE p.pronamespace = 'workshoppilot'::regnamespace AND p.proisstrict
SQL

my $snapshot_sql = <<'SQL';
SELECT string_agg(t, ' ') FROM (
  SELECT md5(string_agg(w::text, '|' ORDER BY w.id)) AS t FROM workshoppilot.workshops w
  UNION ALL SELECT md5(string_agg(s::text, '|' ORDER BY s.id)) FROM workshoppilot.workshop_steps s
  UNION ALL SELECT md5(string_agg(m::text, '|' ORDER BY m.id)) FROM workshoppilot.workshop_members m
  UNION ALL SELECT md5(string_agg(d::text, '|' ORDER BY d.id)) FROM workshoppilot.step_definitions d
  UNION ALL SELECT md5(string_agg(x::text, '|' ORDER BY x.id)) FROM workshoppilot.sessions x
  UNION ALL SELECT md5(string_agg(b::text, '|' ORDER BY b.id)) FROM workshoppilot.build_packs b) q
SQL
my $before = $node->safe_psql('postgres', $snapshot_sql);

my @calls = HostileCalls::calls($node, 'postgres', 'NOT heavy');
# secrets: what the base rows hold that none of these roles may read,
# except reader, which may read workshops
my %secrets = (
	nobody => [ 'Hostile title', 'An idea', 'Other title', 'user_1', 'user_9', 'S3cret' ],
	usage_only => [ 'Hostile title', 'An idea', 'Other title', 'user_1', 'user_9', 'S3cret' ],
	reader => [ 'user_9', 'S3cret' ],
);
for my $role (qw(nobody usage_only reader))
{
	my ($res, $stderr) = HostileCalls::run($node, 'postgres', \@calls,
		search_path => 'pg_catalog', prelude => "SET ROLE $role;");
	my (@missing, @wrote, @read, @leaked);
	my %states;
	for my $c (@calls)
	{
		my $r = $res->{ $c->{id} };
		if (!$r) { push @missing, $c->{label}; next; }
		$states{ $r->{sqlstate} }++;
		if ($c->{kind} ne 'call')
		{
			push @wrote, "$c->{label}: $r->{sqlstate} $r->{result}" if $r->{sqlstate} eq '00000';
		}
		else
		{
			my ($fn) = $c->{label} =~ /^(\S+\))/;
			my $null_arg = $strict{$fn} && $c->{label} =~ /(\(all NULL\)| NULL)$/;
			push @read, "$c->{label}: $r->{result}"
			  if $r->{sqlstate} eq '00000' && $r->{result} ne 'NULL' && !$no_table{$fn} && !$null_arg;
		}
		for my $s (@{ $secrets{$role} })
		{
			push @leaked, "$c->{label}: $r->{message}" if index($r->{message}, $s) >= 0;
		}
	}
	is(scalar(@missing), 0, "$role: every call returned") or diag("$stderr");
	is(scalar(@wrote), 0, "$role: no INSERT, UPDATE or DELETE succeeds") or diag(join("\n", @wrote[ 0 .. ($#wrote < 9 ? $#wrote : 9) ]));
	is(scalar(@read), 0, "$role: no function reads or writes the tables")
	  or diag(join("\n", @read[ 0 .. ($#read < 19 ? $#read : 19) ]));
	is(scalar(@leaked), 0, "$role: no error message, detail or hint shows data the role may not read")
	  or diag(join("\n", @leaked[ 0 .. ($#leaked < 9 ? $#leaked : 9) ]));
	ok(($states{42501} // 0) > 0, "$role: calls are refused with 42501");
	diag("$role: " . scalar(@calls) . " calls; SQLSTATEs: " . join(', ', map { "$_ x$states{$_}" } sort keys %states));
}
is($node->safe_psql('postgres', $snapshot_sql), $before, 'the tables are unchanged');

$node->stop;
done_testing();
