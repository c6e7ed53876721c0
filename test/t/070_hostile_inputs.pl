# test/t/070_hostile_inputs.pl
#
# Every SQL-callable function of the extension and every trigger path
# (INSERT, UPDATE, DELETE on each of its tables), discovered from the
# catalog by test/fixtures/hostile_calls.sql, called with hostile inputs:
# NULL in each argument, empty, 1 MB and 100 MB strings, ids of the wrong
# kind, wrong types cast in, numeric limits, unusual valid text, deep JSON,
# a million-element array, a 100,000-key object.  Each call is its own
# statement under statement_timeout = 1s.
#
# Asserts: every call returns (no lost connection) with a result or an
# error whose SQLSTATE is not of class XX; every call ends within a second
# of its statement_timeout (1s; 5s for 100 MB inputs, see below); the server never
# restarts (pg_postmaster_start_time, "terminated by signal" in the log);
# inputs the server rejects itself are rejected with a proper SQLSTATE; the
# backend's peak resident memory stays under 3 GB and the memory contexts
# left after the heavy calls do not grow.  Prints the figures the README
# quotes (calls, cancellations, worst time to cancel, peak memory).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use HostileCalls;

my $node = PostgreSQL::Test::Cluster->new('hostile');
$node->init;
$node->append_conf('postgresql.conf', "log_min_messages = warning\n");
{
	# test/run-all.sh --sanitize: the server (only) runs with the sanitizer
	# runtime preloaded; WP_SERVER_ENV holds NAME=value lines
	local %ENV = %ENV;
	for my $line (split /\n/, $ENV{WP_SERVER_ENV} // '')
	{
		my ($name, $value) = split /=/, $line, 2;
		$ENV{$name} = $value if defined $value;
	}
	$node->start;
}
$node->safe_psql('postgres', 'CREATE EXTENSION workshoppilot');
HostileCalls::load_fixture($node, 'postgres');
my $started = $node->safe_psql('postgres', 'SELECT pg_postmaster_start_time()');

# inputs the server itself refuses: a proper SQLSTATE, never XX
my $rejected = $node->safe_psql('postgres',
	"SELECT string_agg(label || ' ' || sqlstate, ', ' ORDER BY label) FROM wp_hostile.rejected");
unlike($rejected, qr/ XX/, 'inputs the server rejects get a proper SQLSTATE');
like($rejected, qr/invalid UTF-8 22021/, 'invalid UTF-8 is rejected by the server (22021)');
like($rejected, qr/100,000 nested arrays 54001/,
	'JSON nested 100,000 levels is rejected by the server\'s parser (54001)');

my @calls = HostileCalls::calls($node, 'postgres');

# A 100 MB argument: fetching and decompressing it alone takes about a
# second on a loaded 2-core machine, in PostgreSQL code that checks for no
# interrupts (detoasting, pglz), before the extension sees it.  Those calls
# run under statement_timeout = 5s and must end within a second of that.
for my $c (@calls)
{
	$c->{timeout} = $c->{label} =~ /100 MB/ ? '5s' : '1s';
}
my %kinds;
$kinds{ $_->{kind} }++ for @calls;
cmp_ok(scalar(@calls), '>=', 2000, 'the catalog yields calls for every function and trigger path');
my $t0 = time;
my ($res, $stderr, $ret) = HostileCalls::run($node, 'postgres', \@calls);
my $elapsed = time - $t0;

my (@missing, @internal, @slow);
my ($cancelled, $worst_cancel, $worst_ms, $worst_label) = (0, 0, 0, '');
my ($peak_kb, $peak_label, $max_ctx, $max_ctx_label) = (0, '', 0, '');
my %states;
my $prev_label = '(session start)';
for my $c (@calls)
{
	my $r = $res->{ $c->{id} };
	if (!$r) { push @missing, $c->{label}; next; }
	$states{ $r->{sqlstate} }++;
	push @internal, "$c->{label}: $r->{sqlstate} $r->{message}" if $r->{sqlstate} =~ /^XX/;
	my $limit_ms = $c->{timeout} eq '5s' ? 5000 : 1000;
	push @slow, "$c->{label}: $r->{ms} ms ($r->{sqlstate}, statement_timeout $c->{timeout})"
	  if $r->{ms} >= $limit_ms + 1000;
	if ($r->{sqlstate} eq '57014')
	{
		$cancelled++;
		$worst_cancel = $r->{ms} - $limit_ms if $r->{ms} - $limit_ms > $worst_cancel;
	}
	($worst_ms, $worst_label) = ($r->{ms}, $c->{label}) if $r->{ms} > $worst_ms;
	if ($c->{heavy} && $r->{hwm_kb} > $peak_kb)
	{
		($peak_kb, $peak_label) = ($r->{hwm_kb}, $c->{label});
	}
	# the contexts summed when this probe started: what the previous call left
	($max_ctx, $max_ctx_label) = ($r->{ctx_bytes}, $prev_label . ($1 // ""))
	  if $r->{ctx_bytes} > $max_ctx && $r->{message} =~ /( \[contexts: .*\])?$/;
	$prev_label = $c->{label};
}
is(scalar(@missing), 0, 'every call returned (no lost connection)')
  or diag("first missing: " . join("\n", @missing[ 0 .. ($#missing < 9 ? $#missing : 9) ]) . "\n$stderr");
is($ret, 0, 'psql ended normally') or diag($stderr);
is(scalar(@internal), 0, 'no call ends in an XX SQLSTATE') or diag(join("\n", @internal));
is(scalar(@slow), 0, 'every call ends within a second of its statement_timeout (1s; 5s for 100 MB inputs)')
  or diag(join("\n", @slow));
cmp_ok($peak_kb, '<', 3 * 1024 * 1024, 'peak resident memory of the backend stays under 3 GB');
cmp_ok($max_ctx, '<', 64 * 1024 * 1024,
	'memory contexts left after each call stay under 64 MB (nothing accumulates)');

is($node->safe_psql('postgres', 'SELECT pg_postmaster_start_time()'), $started,
	'the server never restarted');
my $log = slurp_file($node->logfile);
unlike($log, qr/terminated by signal|was terminated|server process .* exited with exit code [^0]/,
	'no backend died');

my $sqlstates = join(', ', map { "$_ x$states{$_}" } sort keys %states);
diag(sprintf(
	"hostile inputs: %d statements (%s) in %d s; %d cancelled by statement_timeout, "
	  . "worst time to cancel %.0f ms; slowest %s ms (%s); peak backend RSS %.0f MB (%s); "
	  . "largest memory context total after a call %.1f MB (%s); SQLSTATEs: %s",
	scalar(@calls), join(', ', map { "$kinds{$_} $_" } sort keys %kinds), $elapsed,
	$cancelled, $worst_cancel, $worst_ms, $worst_label, $peak_kb / 1024, $peak_label,
	$max_ctx / 1048576, $max_ctx_label, $sqlstates));

$node->stop;
done_testing();
