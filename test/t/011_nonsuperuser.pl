# test/t/011_nonsuperuser.pl
#
# A database owner who is not a superuser (as on Neon and other managed
# Postgres) installs the trusted extension, then reads and writes every
# table, calls every function, and grants those rights on to an app role.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('owner');
$node->init;
$node->start;

$node->safe_psql('postgres', <<'SQL');
CREATE ROLE db_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE ROLE app_user LOGIN NOSUPERUSER;
CREATE DATABASE app OWNER db_owner;
SQL

sub as_role
{
	my ($role, $sql, %opts) = @_;
	return $node->psql('app', "SET ROLE NONE; $sql",
		extra_params => [ '-U', $role ], %opts);
}

my ($ret, $out, $err);

($ret, $out, $err) = as_role('db_owner', 'CREATE EXTENSION workshoppilot');
is($ret, 0, 'a non-superuser database owner can CREATE EXTENSION') or diag($err);

is($node->safe_psql('app',
	"SELECT r.rolname, r.rolsuper FROM pg_extension e JOIN pg_roles r ON r.oid = e.extowner WHERE e.extname = 'workshoppilot'"),
	'db_owner|f', 'the extension belongs to the installing role');

# every table: read and write
($ret, $out, $err) = as_role('db_owner', <<'SQL');
\set ON_ERROR_STOP 1
BEGIN;
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea) VALUES ('ws_o', 'u1', 't', 'i');
INSERT INTO workshoppilot.workshop_members (workshop_id, clerk_user_id, role) VALUES ('ws_o', 'u1', 'owner'), ('ws_o', 'u2', 'owner');
INSERT INTO workshoppilot.step_definitions (id, "order", name, description) VALUES ('retro', 11, 'Retro', 'r');
INSERT INTO workshoppilot.workshop_steps (workshop_id, step_id) VALUES ('ws_o', 'retro');
INSERT INTO workshoppilot.sessions (workshop_id) VALUES ('ws_o');
INSERT INTO workshoppilot.build_packs (workshop_id, title, format_type) VALUES ('ws_o', 'p', 'json');
UPDATE workshoppilot.workshops SET title = 't2';
UPDATE workshoppilot.workshop_members SET role = 'editor' WHERE clerk_user_id = 'u2';	-- u1 stays owner (keep_owner)
UPDATE workshoppilot.step_definitions SET description = 'd' WHERE id = 'retro';
UPDATE workshoppilot.workshop_steps SET status = 'in_progress';
UPDATE workshoppilot.sessions SET ended_at = now();
UPDATE workshoppilot.build_packs SET title = 'p2';
SELECT (SELECT count(*) FROM workshoppilot.workshops) + (SELECT count(*) FROM workshoppilot.workshop_members)
     + (SELECT count(*) FROM workshoppilot.step_definitions) + (SELECT count(*) FROM workshoppilot.workshop_steps)
     + (SELECT count(*) FROM workshoppilot.sessions) + (SELECT count(*) FROM workshoppilot.build_packs);
DELETE FROM workshoppilot.workshops;
DELETE FROM workshoppilot.workshop_steps;
DELETE FROM workshoppilot.step_definitions WHERE id = 'retro';
COMMIT;
SQL
is($ret, 0, 'the owner reads and writes every table') or diag($err);
is($out, '17', 'the owner sees every row');

# every function: EXECUTE, and a call of each kind
is($node->safe_psql('app',
	"SELECT count(*) FROM pg_proc WHERE pronamespace = 'workshoppilot'::regnamespace"
	  . " AND NOT has_function_privilege('db_owner', oid, 'EXECUTE WITH GRANT OPTION')"),
	'0', 'the owner may execute (and grant) every function');
is($node->safe_psql('app',
	"SELECT count(*) FROM pg_class WHERE relnamespace = 'workshoppilot'::regnamespace AND relkind = 'r'"
	  . " AND NOT has_table_privilege('db_owner', oid, 'SELECT, INSERT, UPDATE, DELETE WITH GRANT OPTION')"),
	'0', 'the owner may use (and grant) every table');
($ret, $out, $err) = as_role('db_owner', <<'SQL');
\set ON_ERROR_STOP 1
SELECT workshoppilot.cuid2('ws') ~ '^ws_[a-z][0-9a-z]{23}$';
SELECT title FROM workshoppilot.create_workshop('u2', 'By owner', 'idea');
SQL
is($ret, 0, 'the owner calls the functions') or diag($err);
is($out, "t\nBy owner", 'function results as the owner');

# every other SQL-callable function, called as the owner
($ret, $out, $err) = as_role('db_owner', <<'SQL');
\set ON_ERROR_STOP 1
SELECT id AS ws FROM workshoppilot.workshops WHERE title = 'By owner' \gset
SELECT workshoppilot.is_cuid2('tz4a98xxat96iws9zmbrgj3a'), workshoppilot.is_cuid2('ws_tz4a98xxat96iws9zmbrgj3a', 'ws'),
       workshoppilot.cuid2_digest('abc'), length(workshoppilot.sha3_512('abc'::bytea));
SELECT workshoppilot.current_step(:'ws'), (workshoppilot.workshop_progress(:'ws')).percent;
SELECT (workshoppilot.start_step(:'ws', 'empathize')).status;
SELECT (workshoppilot.complete_step(:'ws', 'empathize',
  '{"personas": [{"name": "A", "goals": ["g"], "pains": ["p"]}], "insights": ["i"], "summary": "s"}')).status;
SELECT (workshoppilot.skip_step(:'ws', 'define')).status;
SELECT workshoppilot.step_context(:'ws', 'ideate') ? 'empathize';
SELECT workshoppilot.jsonb_matches_schema('{"type": "string"}', '"x"'),
       workshoppilot.jsonb_matches_schema('{"format": "date"}', '"no"', true),
       workshoppilot.jsonb_schema_errors('{"type": "string"}', '1') -> 0 ->> 'keyword',
       jsonb_array_length(workshoppilot.jsonb_schema_errors('{"format": "date"}', '"no"', true)),
       workshoppilot.jsonb_schema_is_valid('{"type": "objet"}');
SELECT count(*) FROM workshoppilot.invalid_step_outputs('empathize');
SELECT workshoppilot.ecma_regex_matches('^\d+$', '42'), workshoppilot.jsonschema_format_check('ipv4', '1.2.3.4');
SQL
is($ret, 0, 'the owner calls every other function') or diag($err);
is($out, join("\n",
	't|t|hwonfuv75sid4792afmgodu|64', 'empathize|0', 'in_progress', 'complete', 'complete', 't',
	't|f|type|1|f', '0', 't|t'), 'results of every function as the owner');

# the app's own role: nothing until the owner grants it
($ret, $out, $err) = as_role('app_user', 'SELECT count(*) FROM workshoppilot.workshops');
isnt($ret, 0, 'the app role has no access before the grant');
like($err, qr/permission denied for schema workshoppilot/, 'permission denied for the schema');

($ret, $out, $err) = as_role('db_owner', <<'SQL');
\set ON_ERROR_STOP 1
GRANT USAGE ON SCHEMA workshoppilot TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA workshoppilot TO app_user;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA workshoppilot TO app_user;
SQL
is($ret, 0, 'the owner grants the rights on to the app role') or diag($err);

($ret, $out, $err) = as_role('app_user', <<'SQL');
\set ON_ERROR_STOP 1
SELECT title FROM workshoppilot.create_workshop('u3', 'By app', 'idea');
INSERT INTO workshoppilot.sessions (workshop_id) SELECT id FROM workshoppilot.workshops WHERE title = 'By app';
UPDATE workshoppilot.workshops SET title = 'By app, renamed' WHERE title = 'By app';
SELECT count(*) FROM workshoppilot.workshops;
DELETE FROM workshoppilot.workshops WHERE title = 'By app, renamed';
SQL
is($ret, 0, 'the app role works with the granted rights') or diag($err);
is($out, "By app\n2", 'app role results');

($ret, $out, $err) = as_role('db_owner',
	'SET workshoppilot.allow_drop_with_data = on; DROP EXTENSION workshoppilot');
is($ret, 0, 'the owner can drop the extension') or diag($err);
is($node->safe_psql('app', "SELECT count(*) FROM pg_namespace WHERE nspname = 'workshoppilot'"),
	'0', 'dropping removes the schema');

$node->stop;
done_testing();
