# test/t/010_dump_restore.pl
#
# pg_dump of a database with data, restored into a new database with the
# extension available, gives back every row of every table exactly:
# workshops and everything under them, operator edits to the shipped step
# definitions and operator-added step definitions, with no duplicate-key
# error and nothing missing.  Both the custom and the plain format.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('dump');
$node->init;
$node->start;

$node->safe_psql('postgres', 'CREATE DATABASE source');
$node->safe_psql('source', <<'SQL');
CREATE EXTENSION workshoppilot;
-- operator edits to shipped rows, and an operator-added step
UPDATE workshoppilot.step_definitions
   SET prompt_template = 'Our own Define prompt: keep it to one sentence.', description = 'Edited'
 WHERE id = 'define';
UPDATE workshoppilot.step_definitions SET name = 'Shape' WHERE id = 'prototype';
INSERT INTO workshoppilot.step_definitions (id, "order", name, description, prompt_template, created_at, updated_at)
VALUES ('retro', 11, 'Retro', 'Look back on the workshop', 'Ask what went well.', '2026-03-01 10:00:00.123', '2026-03-02 11:00:00.456');

-- workshops as the app writes them: its own ids, statuses and timestamps
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea, status, org_id, visibility, share_token, created_at, updated_at)
VALUES ('ws_a', 'user_1', 'Dog walking', 'Walkers on demand', 'active', 'org_1', 'shared', 'tok_a', '2026-01-01 09:00:00.001', '2026-01-02 09:00:00.002'),
       ('ws_b', 'user_2', 'Café "quotes" & tabs	here', 'Ünïcödé idea', 'draft', NULL, 'private', NULL, '2026-01-03 09:00:00', '2026-01-03 09:00:00');
INSERT INTO workshoppilot.workshops (clerk_user_id, title, original_idea) VALUES ('user_3', 'Generated id', 'idea');
INSERT INTO workshoppilot.workshop_members (workshop_id, clerk_user_id, role)
SELECT id, clerk_user_id, 'owner' FROM workshoppilot.workshops;
INSERT INTO workshoppilot.workshop_members (workshop_id, clerk_user_id, role) VALUES ('ws_a', 'user_9', 'viewer');
INSERT INTO workshoppilot.workshop_steps (id, workshop_id, step_id, status, output, started_at, completed_at, created_at, updated_at)
VALUES ('wst_1', 'ws_a', 'retro', 'in_progress', '{"notes": ["a", "b"], "n": 1.50, "nested": {"x": null}}',
        '2026-01-01 10:00:00.5', NULL, '2026-01-01 10:00:00.5', '2026-01-01 10:00:00.5'),
       ('wst_2', 'ws_a', 'define', 'not_started', NULL, NULL, NULL, '2026-01-01 10:00:00', '2026-01-01 10:00:00');
INSERT INTO workshoppilot.sessions (workshop_id, started_at, ended_at)
VALUES ('ws_a', '2026-01-01 10:00:00', '2026-01-01 11:00:00'), ('ws_a', '2026-01-04 10:00:00', NULL);
INSERT INTO workshoppilot.build_packs (workshop_id, title, format_type, created_at, updated_at)
VALUES ('ws_a', 'Pack', 'markdown', '2026-01-05 00:00:00', '2026-01-05 00:00:00');
SQL

my @tables = qw(step_definitions workshops workshop_members workshop_steps sessions build_packs);

# contents: every column of every row, in a stable order, as COPY text
sub contents
{
	my ($db) = @_;
	my %out;
	for my $t (@tables)
	{
		$out{$t} = $node->safe_psql($db,
			"COPY (SELECT * FROM workshoppilot.$t ORDER BY id) TO STDOUT");
	}
	return \%out;
}

my $before = contents('source');
cmp_ok(scalar(split /\n/, $before->{step_definitions}), '==', 11, 'source has 11 step definitions');

my $tmp = PostgreSQL::Test::Utils::tempdir;
for my $format ('custom', 'plain')
{
	my $file = "$tmp/source.$format";
	my $db = "restored_$format";
	$node->command_ok(
		[ 'pg_dump', '-d', $node->connstr('source'), '--format', $format, '-f', $file ],
		"pg_dump --format $format");
	$node->safe_psql('postgres', "CREATE DATABASE $db");

	my ($stdout, $stderr);
	my $ok;
	if ($format eq 'custom')
	{
		$ok = IPC::Run::run [ 'pg_restore', '--exit-on-error', '-d', $node->connstr($db), $file ],
		  '>', \$stdout, '2>', \$stderr;
	}
	else
	{
		$ok = IPC::Run::run [ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $node->connstr($db), '-f', $file ],
		  '>', \$stdout, '2>', \$stderr;
	}
	ok($ok, "restore of the $format dump succeeds");
	is($stderr, '', "restore of the $format dump reports nothing") or diag($stderr);

	my $after = contents($db);
	for my $t (@tables)
	{
		is($after->{$t}, $before->{$t}, "$format: $t comes back exactly");
	}
	is($node->safe_psql($db, "SELECT extversion FROM pg_extension WHERE extname = 'workshoppilot'"),
		'0.2.0', "$format: extension restored at its version");
}

$node->stop;
done_testing();
