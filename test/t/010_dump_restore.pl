# test/t/010_dump_restore.pl
#
# pg_dump of a database with data, restored into a new database with the
# extension available, gives back every row of every table exactly:
# workshops and everything under them, operator edits to the shipped step
# definitions and operator-added step definitions, with no duplicate-key
# error and nothing missing, and the app's own table next to them.  The
# custom, directory and plain formats, and a parallel restore (pg_restore
# -j 2, in the README's three steps: pg_restore -j does not order the
# extension's tables by their foreign keys).  Then pg_restore --clean and --clean
# --if-exists into a database that already has data: refused by the drop
# guard without the confirmation, exact with
# PGOPTIONS='-c workshoppilot.allow_drop_with_data=on'.  Then the managed
# Postgres paths: a database owner who is not a superuser dumps and restores
# into a database it owns (grants to the app's role included), and a
# restore into a database of another owner with --no-owner --no-acl (the
# old owner's grants cannot be replayed there).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use WpCatalog qw(table_names);

my $node = PostgreSQL::Test::Cluster->new('dump');
$node->init;
$node->start;

$node->safe_psql('postgres', 'CREATE DATABASE source');
my $data = <<'SQL';
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
-- the app's own table next to the extension's, with a foreign key into it
CREATE SCHEMA app;
CREATE TABLE app.notes (id int PRIMARY KEY, workshop_id text NOT NULL REFERENCES workshoppilot.workshops (id) ON DELETE CASCADE, body text);
INSERT INTO app.notes VALUES (1, 'ws_a', 'first'), (2, 'ws_b', 'second');
SQL
$node->safe_psql('source', "CREATE EXTENSION workshoppilot;\n$data");

# every table of the schema (a later version's tables included)
my @tables = table_names($node, 'source');
cmp_ok(scalar(@tables), '>=', 6, 'the tables of schema workshoppilot');

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
	$out{'app.notes'} = $node->safe_psql($db, 'COPY (SELECT * FROM app.notes ORDER BY id) TO STDOUT');
	return \%out;
}

my $before = contents('source');
cmp_ok(scalar(split /\n/, $before->{step_definitions}), '==', 11, 'source has 11 step definitions');

my $tmp = PostgreSQL::Test::Utils::tempdir;

# restore(\@command, $label): runs a restore command; ok and stderr empty
sub restore
{
	my ($cmd, $label, %opts) = @_;
	my ($stdout, $stderr);
	local $ENV{PGOPTIONS} = $opts{pgoptions} if defined $opts{pgoptions};
	my $ok = IPC::Run::run $cmd, '>', \$stdout, '2>', \$stderr;
	ok($ok, "$label succeeds");
	is($stderr, '', "$label reports nothing") or diag($stderr);
}

# same_rows($db, $label): every table of $db equals the source
sub same_rows
{
	my ($db, $label, $expected) = @_;
	my $after = contents($db);
	for my $t (@tables, 'app.notes')
	{
		is($after->{$t}, ($expected // $before)->{$t}, "$label: $t comes back exactly");
	}
}

for my $case ([ 'custom', 1 ], [ 'directory', 1 ], [ 'plain', 1 ])
{
	my ($format, $jobs) = @$case;
	my $file = "$tmp/source.$format";
	my $db = "restored_${format}_$jobs";
	my $label = "$format" . ($jobs > 1 ? " -j $jobs" : '');
	if (!-e $file)
	{
		$node->command_ok(
			[ 'pg_dump', '-d', $node->connstr('source'), '--format', $format, '-f', $file ],
			"pg_dump --format $format");
	}
	$node->safe_psql('postgres', "CREATE DATABASE $db");

	if ($format eq 'plain')
	{
		restore([ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $node->connstr($db), '-f', $file ],
			"restore of the $label dump");
	}
	else
	{
		restore([ 'pg_restore', '--exit-on-error', '-j', $jobs, '-d', $node->connstr($db), $file ],
			"restore of the $label dump");
	}
	same_rows($db, $label);
	is($node->safe_psql($db, "SELECT extversion FROM pg_extension WHERE extname = 'workshoppilot'"),
		$node->safe_psql('source', "SELECT extversion FROM pg_extension WHERE extname = 'workshoppilot'"),
		"$label: extension restored at its version");
}

# A parallel restore.  pg_restore -j loads the data of several tables at
# once and does not order the extension's tables by their foreign keys (the
# archive records those orderings only as the dump's order, which a serial
# restore follows), so a step row could be loaded before its workshop.  The
# README's procedure: the schema, then the extension's rows in one job, then
# everything else with -j.
{
	my $dir = "$tmp/source.directory";
	my $db = 'restored_parallel';
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	my $list = `pg_restore -l $dir`;
	my @all = grep { !/^;/ && /\S/ } split /\n/, $list;
	my @ours = grep { /TABLE DATA workshoppilot / } @all;
	my @rest = grep { !/TABLE DATA workshoppilot / } @all;
	cmp_ok(scalar(@ours), '==', scalar(@tables), 'the archive holds the data of every table of the extension');
	open(my $fh, '>', "$tmp/ours.list") or die; print $fh join("\n", @ours), "\n"; close $fh;
	open($fh, '>', "$tmp/rest.list") or die; print $fh join("\n", @rest), "\n"; close $fh;
	restore([ 'pg_restore', '--exit-on-error', '-j', '2', '--section=pre-data', '-d', $node->connstr($db), $dir ],
		'parallel restore, step 1: pg_restore -j 2 --section=pre-data');
	restore([ 'pg_restore', '--exit-on-error', '--section=data', '-L', "$tmp/ours.list", '-d', $node->connstr($db), $dir ],
		'parallel restore, step 2: the extension\'s rows in one job');
	restore([ 'pg_restore', '--exit-on-error', '-j', '2', '--section=data', '--section=post-data', '-L', "$tmp/rest.list",
		'-d', $node->connstr($db), $dir ],
		'parallel restore, step 3: pg_restore -j 2 of everything else');
	same_rows($db, 'parallel restore');
}

# --clean into a database that already has data (restored_custom_1, changed
# since): the drop guard refuses without the confirmation, and (in a single
# transaction) nothing changes; with it, the dump's rows replace the database's exactly.
$node->safe_psql('restored_custom_1', <<'SQL');
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea) VALUES ('ws_local', 'u', 'Local', 'only here');
UPDATE workshoppilot.workshops SET title = 'Changed here' WHERE id = 'ws_a';
SQL
my $changed = contents('restored_custom_1');
for my $clean ([ '--clean' ], [ '--clean', '--if-exists' ])
{
	my $label = "pg_restore @$clean";
	my ($stdout, $stderr);
	# --single-transaction: a refused --clean must leave everything as it
	# was (without it, pg_restore has already dropped the app's own objects
	# when it reaches DROP EXTENSION)
	my $ok = IPC::Run::run [ 'pg_restore', @$clean, '--single-transaction', '--exit-on-error', '-d', $node->connstr('restored_custom_1'),
		"$tmp/source.custom" ], '>', \$stdout, '2>', \$stderr;
	ok(!$ok, "$label without the confirmation fails");
	like($stderr, qr/ERROR:  DROP EXTENSION would delete the workshops of extension "workshoppilot"\nDETAIL:  The command would delete the data of 4 workshops\./,
		"$label without the confirmation: the drop guard's error");
	same_rows('restored_custom_1', "$label refused", $changed);
}
for my $clean ([ '--clean' ], [ '--clean', '--if-exists' ])
{
	my $label = "pg_restore @$clean";
	$node->safe_psql('restored_custom_1',
		"INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea) VALUES ('ws_local', 'u', 'Local', 'only here') ON CONFLICT DO NOTHING");
	restore([ 'pg_restore', @$clean, '--exit-on-error', '-d', $node->connstr('restored_custom_1'), "$tmp/source.custom" ],
		"$label with PGOPTIONS='-c workshoppilot.allow_drop_with_data=on'",
		pgoptions => '-c workshoppilot.allow_drop_with_data=on');
	same_rows('restored_custom_1', "$label with the confirmation");
}
# the plain format with --clean: psql with the same PGOPTIONS
$node->command_ok(
	[ 'pg_dump', '-d', $node->connstr('source'), '--clean', '--if-exists', '-f', "$tmp/source_clean.sql" ],
	'pg_dump --clean --if-exists (plain)');
restore([ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $node->connstr('restored_plain_1'), '-f', "$tmp/source_clean.sql" ],
	'psql of a plain --clean dump with the confirmation',
	pgoptions => '-c workshoppilot.allow_drop_with_data=on');
same_rows('restored_plain_1', 'plain --clean');

# The Neon path: a database owner who is not a superuser installs, dumps and
# restores; the grants it gave the app's role come back with the rows.
$node->safe_psql('postgres', <<'SQL');
CREATE ROLE db_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE ROLE other_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE ROLE app_user LOGIN NOSUPERUSER;
CREATE DATABASE owned_source OWNER db_owner;
CREATE DATABASE owned_target OWNER db_owner;
CREATE DATABASE other_target OWNER other_owner;
SQL
$node->safe_psql('owned_source', "SET ROLE NONE; CREATE EXTENSION workshoppilot;\n$data" . <<'SQL',
GRANT USAGE ON SCHEMA workshoppilot TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA workshoppilot TO app_user;
GRANT EXECUTE ON FUNCTION workshoppilot.create_workshop(text, text, text, text, text) TO app_user;
SQL
	extra_params => [ '-U', 'db_owner' ]);
my $owned = contents('owned_source');
my $privileges = <<'SQL';
SELECT has_schema_privilege('app_user', 'workshoppilot', 'USAGE'),
       has_table_privilege('app_user', 'workshoppilot.workshops', 'SELECT, INSERT, UPDATE, DELETE'),
       (SELECT relacl::text LIKE '%app_user=%' FROM pg_class WHERE oid = 'workshoppilot.workshops'::regclass),
       (SELECT pg_get_userbyid(extowner) FROM pg_extension WHERE extname = 'workshoppilot')
SQL
is($node->safe_psql('owned_source', $privileges), 't|t|t|db_owner', 'the owner granted the app role its rights');
$node->command_ok(
	[ 'pg_dump', '-d', $node->connstr('owned_source'), '-U', 'db_owner', '--format', 'custom', '-f', "$tmp/owned.custom" ],
	'pg_dump by the non-superuser owner');
restore([ 'pg_restore', '--exit-on-error', '-U', 'db_owner', '-d', $node->connstr('owned_target'), "$tmp/owned.custom" ],
	'pg_restore by the non-superuser owner into its own database');
same_rows('owned_target', 'owner restore', $owned);
is($node->safe_psql('owned_target', $privileges), 't|t|t|db_owner', 'owner restore: the grants come back');

# Another owner: the dump's grants were made by db_owner, which other_owner
# cannot become (SET SESSION AUTHORIZATION) nor grant for.  Without
# --no-acl the restore fails there; with --no-owner --no-acl every row comes
# back, and the new owner grants the app role afresh.
{
	my ($stdout, $stderr);
	$node->safe_psql('postgres', 'CREATE DATABASE other_probe OWNER other_owner');
	IPC::Run::run [ 'pg_restore', '--no-owner', '--exit-on-error', '-U', 'other_owner', '-d', $node->connstr('other_probe'),
		"$tmp/owned.custom" ], '>', \$stdout, '2>', \$stderr;
	like($stderr, qr/permission denied to set session authorization "db_owner"/,
		'restore by another owner without --no-acl cannot replay the old owner\'s grants');
}
restore([ 'pg_restore', '--no-owner', '--no-acl', '--exit-on-error', '-U', 'other_owner',
	'-d', $node->connstr('other_target'), "$tmp/owned.custom" ],
	'pg_restore --no-owner --no-acl by another owner');
same_rows('other_target', 'other owner restore', $owned);
is($node->safe_psql('other_target', $privileges), 'f|f|f|other_owner',
	'other owner restore: the extension is the new owner\'s, the old grants are not there');

$node->stop;
done_testing();
