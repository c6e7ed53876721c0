# test/t/070_crash_safety.pl
#
# Crash safety.  Several clients complete, re-edit, start and skip steps of
# a handful of shared workshops through the step functions, one transaction
# per psql run, while the server is stopped twice with
# pg_ctl stop -m immediate (no shutdown checkpoint, as in a power cut) and
# started again; fsync is on for this cluster.  Each transaction also writes
# a log row (client, number, operation, the output it wrote), numbered from
# a sequence after the step function has locked the workshop, so per
# workshop the numbers follow the order in which the transactions took
# effect.  Some transactions are rolled back on purpose.  Afterwards:
#   - every transaction whose COMMIT psql reported is there;
#   - none that was rolled back is, and the only ones there that did not
#     report COMMIT are ones that had sent it when the server stopped;
#   - the lifecycle invariants hold for every step row and every workshop
#     (timestamps, statuses, needs_regeneration, workshop status), and each
#     step completed last by a logged complete_step holds that output.
# Bounded: about 10 seconds of load.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use POSIX ();
use Time::HiRes qw(time sleep);

my $node = PostgreSQL::Test::Cluster->new('crash');
$node->init;
# the test clusters run with fsync = off; this one must really persist
$node->append_conf('postgresql.conf', "fsync = on\nsynchronous_commit = on\nrestart_after_crash = on\n");
$node->start;
is($node->safe_psql('postgres', 'SHOW fsync'), 'on', 'fsync is on');

my $workshops = 6;
$node->safe_psql('postgres', <<"SQL");
CREATE EXTENSION workshoppilot;
-- outputs of their own shape (an operator edit the app could make)
UPDATE workshoppilot.step_definitions SET output_schema = NULL;
CREATE SEQUENCE public.crash_order;
CREATE TABLE public.crash_log (
	client int, n int, op text, workshop_id text, step_id text, output jsonb,
	ord bigint NOT NULL DEFAULT nextval('public.crash_order'),
	PRIMARY KEY (client, n));
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
SELECT 'ws_crash_' || g, 'user_' || g, 'Crash ' || g, 'idea' FROM generate_series(1, $workshops) g;
SQL
my @steps = split /\n/, $node->safe_psql('postgres',
	'SELECT id FROM workshoppilot.step_definitions ORDER BY "order"');
is(scalar(@steps), 10, 'ten step definitions');

my $tmp = PostgreSQL::Test::Utils::tempdir;
my $clients = 4;
my $start = time;
my $end = $start + 10;
my $connstr = $node->connstr('postgres');

# client($c): runs transactions until $end; writes "try N commit|rollback"
# before and "ack N" after a transaction psql reported committed
sub client
{
	my ($c) = @_;
	srand($c * 7919 + $$);
	open(my $log, '>', "$tmp/client$c") or die;
	$log->autoflush(1);
	for (my $n = 1; time < $end; $n++)
	{
		my $ws = 'ws_crash_' . (1 + int(rand($workshops)));
		my $step = $steps[ int(rand(@steps)) ];
		my $r = rand();
		my ($op, $call, $output) =
		    $r < 0.5 ? ('complete', undef, qq({"client": $c, "n": $n}))
		  : $r < 0.75 ? ('skip', "workshoppilot.skip_step('$ws', '$step')", undef)
		  : ('start', "workshoppilot.start_step('$ws', '$step')", undef);
		$call = "workshoppilot.complete_step('$ws', '$step', '$output')" if $op eq 'complete';
		my $end_with = rand() < 0.15 ? 'ROLLBACK' : 'COMMIT';
		my $out = defined $output ? "'$output'" : 'NULL';
		my $sql = "BEGIN; SELECT $call;"
		  . " INSERT INTO public.crash_log (client, n, op, workshop_id, step_id, output)"
		  . " VALUES ($c, $n, '$op', '$ws', '$step', $out); $end_with;";
		print $log "try $n " . lc($end_with) . "\n";
		my $rc = system('psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $connstr, '-c', $sql,
			'-o', '/dev/null');
		if ($rc == 0)
		{
			print $log "ack $n\n" if $end_with eq 'COMMIT';
		}
		else
		{
			sleep(0.05);
		}
	}
	close $log;
	# not exit: the test modules' END blocks would stop the server
	POSIX::_exit(0);
}

# psql -c runs the whole string as one multi-statement transaction block; a
# redirected stderr keeps the connection errors of the downtime quiet
my @pids;
for my $c (1 .. $clients)
{
	my $pid = fork();
	die "fork: $!" unless defined $pid;
	if ($pid == 0)
	{
		open(STDERR, '>', "$tmp/client$c.err");
		client($c);
	}
	push @pids, $pid;
}

for my $at (3, 6.5)
{
	sleep(($start + $at) - time) if time < $start + $at;
	$node->stop('immediate');
	$node->start;
}
waitpid($_, 0) for @pids;
ok(time - $start < 40, 'the load ended in time');

# what each client tried, and what psql reported committed
my %present = map { $_ => 1 } split /\n/, $node->safe_psql('postgres',
	"SELECT client || ' ' || n FROM public.crash_log");
my ($acked, $tried_commit, $rolled_back, $missing, $unexpected, $inflight) = (0, 0, 0, 0, 0, 0);
for my $c (1 .. $clients)
{
	open(my $fh, '<', "$tmp/client$c") or die;
	my (%try, %ack);
	while (<$fh>)
	{
		$try{$1} = $2 if /^try (\d+) (\w+)$/;
		$ack{$1} = 1 if /^ack (\d+)$/;
	}
	close $fh;
	for my $n (keys %try)
	{
		my $there = $present{"$c $n"};
		if ($try{$n} eq 'rollback')
		{
			$rolled_back++;
			$unexpected++ if $there;
		}
		elsif ($ack{$n})
		{
			$acked++;
			$missing++ unless $there;
		}
		else
		{
			$tried_commit++;
			# sent COMMIT while the server went down: either outcome is
			# possible, and at most one per client and crash
			$inflight++ if $there;
		}
	}
}
note("acknowledged $acked, rolled back $rolled_back, unacknowledged commits $tried_commit (of which there: $inflight)");
cmp_ok($acked, '>', 20, 'clients committed transactions around the crashes');
cmp_ok($rolled_back, '>', 0, 'some transactions were rolled back');
cmp_ok($tried_commit, '>', 0, 'some transactions were cut off by the crashes');
is($missing, 0, 'every transaction that reported COMMIT is there');
is($unexpected, 0, 'no rolled back transaction is there');
cmp_ok($inflight, '<=', $clients * 2, 'only transactions in flight at a crash are there unreported');

# the lifecycle invariants, for every step row and every workshop
my $invariants = <<'SQL';
WITH s AS (
  SELECT ws.*, d."order" FROM workshoppilot.workshop_steps ws
  JOIN workshoppilot.step_definitions d ON d.id = ws.step_id)
SELECT 'started_at missing: ' || id FROM s WHERE status <> 'not_started' AND started_at IS NULL
UNION ALL
SELECT 'completed_at wrong: ' || id FROM s WHERE (status = 'complete') <> (completed_at IS NOT NULL)
UNION ALL
SELECT 'completed before started: ' || id FROM s WHERE completed_at < started_at
UNION ALL
SELECT 'updated before created: ' || id FROM s WHERE updated_at < created_at
UNION ALL
SELECT 'needs_regeneration without a complete earlier step: ' || id FROM s
 WHERE status = 'needs_regeneration'
   AND NOT EXISTS (SELECT 1 FROM s e WHERE e.workshop_id = s.workshop_id AND e."order" < s."order"
                      AND e.status = 'complete')
UNION ALL
SELECT 'workshop status ' || w.status || ' but expected ' || x.expected || ': ' || w.id
  FROM workshoppilot.workshops w
  CROSS JOIN LATERAL (
    SELECT CASE
             WHEN (SELECT count(*) FROM s WHERE s.workshop_id = w.id AND s.status = 'complete')
                  = (SELECT count(*) FROM workshoppilot.step_definitions) THEN 'completed'
             WHEN EXISTS (SELECT 1 FROM s WHERE s.workshop_id = w.id AND s.status <> 'not_started') THEN 'active'
             ELSE 'draft'
           END AS expected) x
 WHERE w.status <> x.expected
UNION ALL
-- the last logged complete_step of a step (per workshop the log follows the
-- order of effect) left its output there
SELECT 'output of ' || l.workshop_id || '/' || l.step_id || ' is not the last completion''s'
  FROM (SELECT DISTINCT ON (workshop_id, step_id) * FROM public.crash_log
         ORDER BY workshop_id, step_id, ord DESC) l
  JOIN workshoppilot.workshop_steps ws ON ws.workshop_id = l.workshop_id AND ws.step_id = l.step_id
 WHERE l.op = 'complete' AND ws.output IS DISTINCT FROM l.output
UNION ALL
SELECT 'logged step without a row: ' || l.workshop_id || '/' || l.step_id
  FROM public.crash_log l
 WHERE NOT EXISTS (SELECT 1 FROM workshoppilot.workshop_steps ws
                    WHERE ws.workshop_id = l.workshop_id AND ws.step_id = l.step_id);
SQL
is($node->safe_psql('postgres', $invariants), '', 'the lifecycle invariants hold for every workshop');
cmp_ok($node->safe_psql('postgres', 'SELECT count(*) FROM workshoppilot.workshop_steps'), '>', 10,
	'step rows were written');
like($node->safe_psql('postgres', "SELECT string_agg(DISTINCT status, ',' ORDER BY status) FROM workshoppilot.workshop_steps"),
	qr/complete/, 'steps reached complete');

# the server recovered cleanly, and the step functions still work
is($node->safe_psql('postgres',
	"SELECT (workshoppilot.start_step('ws_crash_1', 'empathize')).workshop_id"), 'ws_crash_1',
	'the step functions work after recovery');
my $log = slurp_file($node->logfile);
like($log, qr/database system was interrupted|was not properly shut down/, 'the server went through crash recovery');

$node->stop;
done_testing();
