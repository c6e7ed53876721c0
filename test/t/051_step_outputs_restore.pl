# test/t/051_step_outputs_restore.pl
#
# A dump taken after a step's output_schema was tightened holds rows the new
# schema rejects.  Restoring it with the output check on fails on those rows
# (the check uses the restored, current schema); restoring it with
# workshoppilot.validate_step_outputs=off (PGOPTIONS) gives every row back,
# and invalid_step_outputs() then lists the old rows.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('outputs_restore');
$node->init(extra => [ '--encoding=UTF8', '--locale=C' ]);
$node->start;

$node->safe_psql('postgres', 'CREATE DATABASE source');
$node->safe_psql('source', <<'SQL');
CREATE EXTENSION workshoppilot;
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
VALUES ('ws_r', 'user_1', 'Dog walking', 'Reliable walkers');
INSERT INTO workshoppilot.workshop_steps (id, workshop_id, step_id, output)
VALUES ('wst_r1', 'ws_r', 'define',
        '{"problem_statement": "Busy dog owners need a walker they can rely on.",
          "how_might_we": ["How might we make reliability visible?"]}');
-- tightened afterwards: the row above no longer matches
UPDATE workshoppilot.step_definitions
   SET output_schema = jsonb_set(output_schema, '{properties,how_might_we,minItems}', '2')
 WHERE id = 'define';
SQL
is($node->safe_psql('source', "SELECT workshop_step_id FROM workshoppilot.invalid_step_outputs('define')"),
	'wst_r1', 'source: the old row no longer matches the tightened schema');

my $file = PostgreSQL::Test::Utils::tempdir . '/source.dump';
$node->command_ok([ 'pg_dump', '-d', $node->connstr('source'), '--format', 'custom', '-f', $file ],
	'pg_dump');

# with the check on, the old row is refused
$node->safe_psql('postgres', 'CREATE DATABASE checked');
my ($stdout, $stderr) = ('', '');
IPC::Run::run [ 'pg_restore', '-d', $node->connstr('checked'), $file ], '>', \$stdout, '2>', \$stderr;
like($stderr, qr/output of step "define" in workshop "ws_r" does not match the step's output schema/,
	'restore with the check on refuses the old row');
is($node->safe_psql('checked', 'SELECT count(*) FROM workshoppilot.workshop_steps'), '0',
	'the old row is missing');

# with the check off, everything comes back
$node->safe_psql('postgres', 'CREATE DATABASE unchecked');
($stdout, $stderr) = ('', '');
my $ok = IPC::Run::run [ 'pg_restore', '--exit-on-error', '-d', $node->connstr('unchecked'), $file ],
  '>', \$stdout, '2>', \$stderr,
  init => sub { $ENV{PGOPTIONS} = '-c workshoppilot.validate_step_outputs=off'; };
ok($ok, 'restore with validate_step_outputs=off succeeds') or diag($stderr);
is($node->safe_psql('unchecked', 'SELECT id FROM workshoppilot.workshop_steps'), 'wst_r1',
	'the old row is restored');
is($node->safe_psql('unchecked', "SELECT workshop_step_id FROM workshoppilot.invalid_step_outputs('define')"),
	'wst_r1', 'invalid_step_outputs lists it');
is($node->safe_psql('unchecked',
		"SELECT output_schema->'properties'->'how_might_we'->>'minItems' FROM workshoppilot.step_definitions WHERE id = 'define'"),
	'2', 'the tightened schema is restored');

$node->stop;
done_testing();
