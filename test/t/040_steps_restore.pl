# test/t/040_steps_restore.pl
#
# Step progress survives pg_dump and pg_restore unchanged: the lifecycle
# trigger on workshop_steps fires while the dump's rows are loaded, and must
# modify nothing (no timestamp stamped or cleared, no step sent to
# needs_regeneration, no workshop status or updated_at moved), while the
# derived state (current_step, workshop_progress) comes back the same.
# Workshops in every status, with steps in every status, completed steps with
# the app's own timestamps, a re-edited workshop, a paused one.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('steps_restore');
$node->init;
$node->start;

$node->safe_psql('postgres', 'CREATE DATABASE source');
$node->safe_psql('source', <<'SQL');
CREATE EXTENSION workshoppilot;
-- outputs of their own shape: no output schemas (an operator edit that the
-- dump carries too, so the restore checks nothing either)
UPDATE workshoppilot.step_definitions SET output_schema = NULL;
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea, status, created_at, updated_at)
SELECT 'ws_' || g, 'user_' || g, 'Workshop ' || g, 'idea ' || g, 'draft',
       '2026-01-01 09:00:00'::timestamp + g * interval '1 minute',
       '2026-01-01 09:00:00'::timestamp + g * interval '1 minute'
FROM generate_series(1, 12) g;
-- workshop g: the first g - 1 steps complete (with the app's own times),
-- step g in progress (none for g > 10)
INSERT INTO workshoppilot.workshop_steps (id, workshop_id, step_id, status, output, started_at, completed_at, created_at, updated_at)
SELECT 'wst_' || g || '_' || d."order", 'ws_' || g, d.id,
       CASE WHEN d."order" < g THEN 'complete' WHEN d."order" = g THEN 'in_progress' ELSE 'not_started' END,
       CASE WHEN d."order" < g THEN jsonb_build_object('step', d.id, 'n', g) END,
       CASE WHEN d."order" <= g THEN '2025-06-01 08:00:00.123'::timestamp + d."order" * interval '1 hour' END,
       CASE WHEN d."order" < g THEN '2025-06-01 08:30:00.456'::timestamp + d."order" * interval '1 hour' END,
       '2025-06-01 07:00:00', '2025-06-01 07:00:00'
FROM generate_series(1, 12) g CROSS JOIN workshoppilot.step_definitions d;
-- through the functions, at the current time
SELECT workshoppilot.start_step('ws_1', 'define');
SELECT workshoppilot.complete_step('ws_12', 'pack', '{"n": 12}');
-- a re-edit: steps after empathize of ws_6 need regeneration
UPDATE workshoppilot.workshop_steps SET output = '{"step": "empathize", "n": 60}'
WHERE workshop_id = 'ws_6' AND step_id = 'empathize';
-- a paused workshop with progress, and an operator-added step
UPDATE workshoppilot.workshops SET status = 'paused' WHERE id = 'ws_4';
INSERT INTO workshoppilot.step_definitions (id, "order", name, description, created_at, updated_at)
VALUES ('retro', 11, 'Retro', 'Look back', '2026-01-01 00:00:00', '2026-01-01 00:00:00');
SQL

my $state_query = <<'SQL';
SELECT string_agg(format('%s %s %s', w.id, w.status, p), E'\n' ORDER BY w.id)
FROM workshoppilot.workshops w, workshoppilot.workshop_progress(w.id) p
SQL

sub contents
{
	my ($db) = @_;
	my %out;
	for my $t (qw(workshops workshop_steps step_definitions))
	{
		$out{$t} = $node->safe_psql($db,
			"COPY (SELECT * FROM workshoppilot.$t ORDER BY id) TO STDOUT");
	}
	$out{state} = $node->safe_psql($db, $state_query);
	return \%out;
}

my $before = contents('source');
like($before->{state}, qr/^ws_12 completed/m, 'a completed workshop in the source');
like($before->{state}, qr/^ws_4 paused/m, 'a paused workshop in the source');
like($before->{state}, qr/^ws_6 active \(define,/m, 'a re-edited workshop in the source');
like($before->{workshop_steps}, qr/needs_regeneration/, 'steps needing regeneration in the source');

my $tmp = PostgreSQL::Test::Utils::tempdir;
my $file = "$tmp/source.dump";
$node->command_ok(
	[ 'pg_dump', '-d', $node->connstr('source'), '--format', 'custom', '-f', $file ],
	'pg_dump');
$node->safe_psql('postgres', 'CREATE DATABASE restored');
my ($stdout, $stderr);
my $ok = IPC::Run::run [ 'pg_restore', '--exit-on-error', '-d', $node->connstr('restored'), $file ],
  '>', \$stdout, '2>', \$stderr;
ok($ok, 'pg_restore succeeds');
is($stderr, '', 'pg_restore reports nothing') or diag($stderr);

my $after = contents('restored');
for my $k (qw(workshops workshop_steps step_definitions state))
{
	is($after->{$k}, $before->{$k}, "$k comes back exactly");
}

$node->stop;
done_testing();
