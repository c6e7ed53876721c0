# test/t/060_upgrade.pl
#
# Upgrades, version by version, are lossless and end where a fresh install
# ends.  The versions come from sql/ (install scripts and update scripts) and
# default_version in the control file, so a new version needs no test code.
#
# Twice, once as the bootstrap superuser and once as a database owner who is
# not a superuser (the Neon path): install the oldest released version, fill
# every table with realistic data through that version's API and plain SQL,
# then ALTER EXTENSION workshoppilot UPDATE TO the next version, one step at a
# time up to default_version.  Before each step every row of every table is
# read; after it (a) the same rows come back exactly (in the columns the
# table had before the step) and the API is called again at that stop; at
# the end (b) the catalog of the upgraded extension (test/WpCatalog.pm:
# tables, columns in order, types, defaults, constraints, indexes, triggers
# and their enabled state, functions with volatility, strictness, parallel
# safety, proconfig and ACLs, event triggers, members, pg_init_privs,
# extconfig/extcondition) equals that of a fresh CREATE EXTENSION by the
# same role.  The shipped step definitions the operator did not edit must
# equal the fresh install's (an update script may change shipped rows);
# edited and operator-added ones must be unchanged.
use strict;
use warnings;
use FindBin;
use JSON::PP;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use WpCatalog qw(versions catalog_sql table_names column_names contents);

my $root = "$FindBin::Bin/../..";
my ($installs, $updates, $oldest, $newest, $chain) =
  versions("$root/sql", "$root/workshoppilot.control");
note("install scripts: @$installs; update chain: @$chain");
ok(scalar(@$chain) >= 2, "an update chain from $oldest to $newest");

my $examples = decode_json(do
	{
		local $/;
		open(my $fh, '<', "$root/test/fixtures/step_output_examples.json") or die $!;
		<$fh>;
	});
my $json = JSON::PP->new->canonical;
# out($step): the fixture's example output of a shipped step, as a literal
sub out { return '$j$' . $json->encode($examples->{ $_[0] }) . '$j$::jsonb'; }

my $node = PostgreSQL::Test::Cluster->new('upgrade');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE ROLE db_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE');

# the versions of sql/ are the ones the server offers, with the same paths
my $available = $node->safe_psql('postgres',
	"SELECT string_agg(version, ' ' ORDER BY string_to_array(version, '.')::int[])"
	  . " FROM pg_available_extension_versions WHERE name = 'workshoppilot'");
my %all = map { ($_ => 1) } @$installs, keys %$updates, map { @$_ } values %$updates;
is($available, join(' ', sort { WpCatalog::version_cmp($a, $b) } keys %all),
	'the server offers the versions of sql/');

my $fill = join("\n",
	q{\set ON_ERROR_STOP 1},
	q{SET timezone = 'UTC';},
	# operator edits of shipped steps, an operator-added step with a schema
	q{UPDATE workshoppilot.step_definitions SET prompt_template = 'Our own Define prompt: one sentence.', description = 'Edited' WHERE id = 'define';},
	q{UPDATE workshoppilot.step_definitions SET name = 'Shape' WHERE id = 'prototype';},
	q{INSERT INTO workshoppilot.step_definitions (id, "order", name, description, prompt_template, output_schema)},
	q{VALUES ('retro', 11, 'Retro', 'Look back on the workshop', 'Ask what went well.', '{"type": "object", "required": ["went_well"]}');},
	# workshops through the API and as the app writes them
	q{SELECT id AS w1 FROM workshoppilot.create_workshop('user_1', 'Dog walking', 'Walkers on demand', 'org_1') \gset},
	q{SELECT id AS w2 FROM workshoppilot.create_workshop('user_2', 'Café "quotes" & tabs	here', 'Ünïcödé idea') \gset},
	q{INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea, status, org_id, template_id, visibility, share_token, created_at, updated_at)},
	q{VALUES ('ws_app1', 'user_3', 'Imported', 'From the old app', 'paused', 'org_1', 'tpl_1', 'shared', 'tok_1', '2026-01-01 09:00:00.001', '2026-01-02 09:00:00.002'),},
	q{       ('ws_app2', 'user_4', 'Fresh', 'No steps yet', 'draft', NULL, NULL, 'private', NULL, '2026-01-03 09:00:00', '2026-01-03 09:00:00');},
	q{INSERT INTO workshoppilot.workshop_members (workshop_id, clerk_user_id, role)},
	q{VALUES (:'w1', 'user_9', 'viewer'), ('ws_app1', 'user_3', 'owner'), ('ws_app1', 'user_5', 'editor');},
	# w1: started, completed, skipped, then a re-edit sends later steps to needs_regeneration
	q{SELECT (workshoppilot.start_step(:'w1', 'empathize')).status;},
	'SELECT (workshoppilot.complete_step(:\'w1\', \'empathize\', ' . out('empathize') . ')).status;',
	'SELECT (workshoppilot.complete_step(:\'w1\', \'define\', ' . out('define') . ')).status;',
	'SELECT (workshoppilot.complete_step(:\'w1\', \'ideate\', ' . out('ideate') . ')).status;',
	q{SELECT (workshoppilot.skip_step(:'w1', 'prototype')).status;},
	q{SELECT (workshoppilot.start_step(:'w1', 'test')).status;},
	'SELECT (workshoppilot.complete_step(:\'w1\', \'empathize\', jsonb_set(' . out('empathize') . ', \'{summary}\', \'"Re-edited"\'))).status;',
	# w2: every step complete, so the workshop is completed
	(map { "SELECT (workshoppilot.complete_step(:'w2', '$_', " . out($_) . ')).status;' }
	  qw(empathize define ideate prototype test prioritize architect spec story pack)),
	q{SELECT (workshoppilot.complete_step(:'w2', 'retro', '{"went_well": ["everything"]}')).status;},
	# the app's own writes, with its own ids and timestamps
	q{INSERT INTO workshoppilot.workshop_steps (id, workshop_id, step_id, status, output, started_at, completed_at, created_at, updated_at)},
	'VALUES (\'wst_app1\', \'ws_app1\', \'empathize\', \'complete\', ' . out('empathize') . ", '2025-12-01 10:00:00.123', '2025-12-01 11:00:00.456', '2025-12-01 10:00:00.123', '2025-12-01 11:00:00.456'),",
	q{       ('wst_app2', 'ws_app1', 'define', 'in_progress', NULL, '2025-12-02 10:00:00', NULL, '2025-12-02 10:00:00', '2025-12-02 10:00:00');},
	q{INSERT INTO workshoppilot.sessions (id, workshop_id, started_at, ended_at, created_at)},
	q{VALUES ('ses_app1', 'ws_app1', '2025-12-01 10:00:00', '2025-12-01 11:30:00', '2025-12-01 10:00:00');},
	q{INSERT INTO workshoppilot.sessions (workshop_id, ended_at) VALUES (:'w1', NULL), (:'w2', now());},
	q{INSERT INTO workshoppilot.build_packs (workshop_id, title, format_type) VALUES (:'w2', 'Pack', 'markdown'), (:'w2', 'Pack (PDF)', 'pdf');},
	q{INSERT INTO workshoppilot.build_packs (id, workshop_id, title, format_type, created_at, updated_at)},
	q{VALUES ('bp_app1', 'ws_app1', 'Old pack', 'json', '2025-12-05 00:00:00', '2025-12-06 00:00:00');},
	q{SELECT string_agg(status, ',' ORDER BY ord) FROM workshoppilot.workshops JOIN unnest(ARRAY[:'w1', :'w2', 'ws_app1', 'ws_app2']) WITH ORDINALITY u(id, ord) USING (id);},
	q{SELECT string_agg(s.status, ',' ORDER BY d."order") FROM workshoppilot.workshop_steps s JOIN workshoppilot.step_definitions d ON d.id = s.step_id WHERE s.workshop_id = :'w1';});

# rows($db, \%columns): every row of every table (those columns only);
# step_definitions without the shipped rows the operator left alone
my $untouched_builtin = q{builtin AND id NOT IN ('define', 'prototype')};
sub rows
{
	my ($db, $columns, %params) = @_;
	my $c = contents($node, $db, $columns);
	my @cols = @{ $columns->{step_definitions} };
	$c->{step_definitions} = $node->safe_psql($db,
		'COPY (SELECT ' . join(', ', map { qq("$_") } @cols)
		  . " FROM workshoppilot.step_definitions WHERE NOT ($untouched_builtin) ORDER BY id) TO STDOUT");
	return $c;
}

# columns($db): { table => [columns in order] }
sub columns
{
	my ($db) = @_;
	return { map { ($_ => [ column_names($node, $db, $_) ]) } table_names($node, $db) };
}

sub catalog_lines
{
	my ($db) = @_;
	return [ split /\n/, $node->safe_psql($db, catalog_sql()) ];
}

for my $role ('postgres', 'db_owner')
{
	my $db = "up_$role";
	my $fresh = "fresh_$role";
	my %as = (extra_params => [ '-U', $role ]);
	$node->safe_psql('postgres', "CREATE DATABASE $db OWNER $role");
	$node->safe_psql('postgres', "CREATE DATABASE $fresh OWNER $role");

	$node->safe_psql($db, "CREATE EXTENSION workshoppilot VERSION '$oldest'", %as);
	is($node->safe_psql($db, "SELECT extversion || ' ' || pg_get_userbyid(extowner) FROM pg_extension WHERE extname = 'workshoppilot'"),
		"$oldest $role", "$role: installed $oldest");

	my ($ret, $stdout, $stderr) = $node->psql($db, $fill, %as);
	is($ret, 0, "$role: data written through the $oldest API and plain SQL") or diag($stderr);
	like($stdout, qr/\nactive,completed,paused,draft\n/, "$role: workshop statuses after the fill")
	  or diag($stdout);
	like($stdout, qr/\ncomplete,needs_regeneration,needs_regeneration,needs_regeneration,in_progress$/,
		"$role: the re-edit marked the later complete steps");

	my $counts = $node->safe_psql($db,
		join(' UNION ALL ', map { "SELECT '$_', count(*) FROM workshoppilot.$_" } table_names($node, $db))
		  . ' ORDER BY 1');
	unlike($counts, qr/\|0$/m, "$role: every table holds rows") or diag($counts);

	for my $i (1 .. $#$chain)
	{
		my ($from, $to) = ($chain->[$i - 1], $chain->[$i]);
		my $cols = columns($db);
		my $before = rows($db, $cols);

		($ret, $stdout, $stderr) =
		  $node->psql($db, "ALTER EXTENSION workshoppilot UPDATE TO '$to'", %as);
		is($ret, 0, "$role: ALTER EXTENSION workshoppilot UPDATE TO '$to' (from $from)") or diag($stderr);
		is($node->safe_psql($db, "SELECT extversion FROM pg_extension WHERE extname = 'workshoppilot'"),
			$to, "$role: at $to");

		my $after = rows($db, $cols);
		for my $t (sort keys %$before)
		{
			is($after->{$t}, $before->{$t}, "$role: $from -> $to: every row of $t unchanged");
		}

		# the API at this stop
		is($node->safe_psql($db, join("\n",
				"SELECT id AS w FROM workshoppilot.create_workshop('user_stop', 'Stop $to', 'idea') \\gset",
				"SELECT (workshoppilot.complete_step(:'w', 'empathize', " . out('empathize') . ')).status;',
				"SELECT workshoppilot.current_step(:'w'), (workshoppilot.workshop_progress(:'w')).percent,",
				"       workshoppilot.step_context(:'w', 'define') ? 'empathize',",
				"       workshoppilot.is_cuid2(:'w', 'ws');"), %as),
			"complete\ndefine|9|t|t", "$role: the API works at $to");
	}

	# (b) the same schema as a fresh install of the newest version
	$node->safe_psql($fresh, 'CREATE EXTENSION workshoppilot', %as);
	is($node->safe_psql($fresh, "SELECT extversion FROM pg_extension WHERE extname = 'workshoppilot'"),
		$newest, "$role: a fresh install is at $newest");
	my $up = catalog_lines($db);
	my $new = catalog_lines($fresh);
	my %in_new = map { ($_ => 1) } @$new;
	my %in_up = map { ($_ => 1) } @$up;
	my @only_up = grep { !$in_new{$_} } @$up;
	my @only_new = grep { !$in_up{$_} } @$new;
	ok(scalar(@$up) > 100, "$role: the catalog listing is not empty (" . scalar(@$up) . ' lines)');
	is_deeply($up, $new, "$role: the upgraded catalog equals a fresh install's")
	  or diag("only in the upgraded database:\n  " . join("\n  ", @only_up)
		  . "\nonly in the fresh install:\n  " . join("\n  ", @only_new));
	like(join("\n", @$up), qr/^event_trigger workshoppilot_drop_guard /m, "$role: the listing covers event triggers");
	like(join("\n", @$up), qr/^extension workshoppilot .* config=\{workshoppilot\./m,
		"$role: the listing covers extconfig by name");

	# the shipped rows the operator did not edit are the fresh install's
	my $shipped = 'COPY (SELECT id, "order", name, description, prompt_template, output_schema, builtin'
	  . " FROM workshoppilot.step_definitions WHERE $untouched_builtin ORDER BY id) TO STDOUT";
	is($node->safe_psql($db, $shipped), $node->safe_psql($fresh, $shipped),
		"$role: untouched shipped step definitions equal a fresh install's");

	# the drop guard of the newest version protects the upgraded data
	($ret, $stdout, $stderr) = $node->psql($db, 'DROP EXTENSION workshoppilot', %as);
	like($stderr, qr/ERROR:  DROP EXTENSION would delete the workshops of extension "workshoppilot"/,
		"$role: the upgraded database has the drop guard");
}

$node->stop;
done_testing();
