# test/t/061_library_serves_0_1_0.pl
#
# The installed (newest) C library serves a database whose SQL is still at
# 0.1.0, unchanged, until its owner runs ALTER EXTENSION ... UPDATE: every
# 0.1.0 function resolves to its symbol in the new library and behaves as
# 0.1.0 documents (ids, hashes, the step lifecycle and its triggers,
# validation of step outputs, derived progress, JSON Schema and pattern
# functions), and nothing of a later version appears (no drop guard: a
# 0.1.0 database drops with its data, as 0.1.0 did).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('lib010');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE DATABASE old');

$node->safe_psql('old', "CREATE EXTENSION workshoppilot VERSION '0.1.0'");
is($node->safe_psql('old', "SELECT extversion FROM pg_extension WHERE extname = 'workshoppilot'"),
	'0.1.0', 'the database is at 0.1.0');

# every C function of 0.1.0 resolves in the library that is installed now
is($node->safe_psql('old', <<'SQL'),
SELECT count(*) FILTER (WHERE l.lanname = 'c'),
       count(*) FILTER (WHERE l.lanname = 'c' AND p.probin = '$libdir/workshoppilot')
  FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
 WHERE p.pronamespace = 'workshoppilot'::regnamespace;
SQL
	'24|24', '0.1.0 names 24 C functions, all in $libdir/workshoppilot');
# a fresh backend loads the library for each of them (fmgr resolves the symbol)
my $unresolved = $node->safe_psql('old', <<'SQL');
DO $$
DECLARE f record;
BEGIN
  FOR f IN SELECT p.oid, p.prosrc, p.probin FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
            WHERE p.pronamespace = 'workshoppilot'::regnamespace AND l.lanname = 'c'
  LOOP
    -- the C language validator loads the library and looks the symbol up
    PERFORM fmgr_c_validator(f.oid);
  END LOOP;
END $$;
SELECT 'all resolved';
SQL
is($unresolved, 'all resolved', 'every 0.1.0 link symbol resolves in the new library');

my ($ret, $out, $err) = $node->psql('old', <<'SQL');
\set ON_ERROR_STOP 1
SET timezone = 'UTC';
-- ids and hashes
SELECT workshoppilot.cuid2() ~ '^[a-z][0-9a-z]{23}$', workshoppilot.cuid2('ws', 10) ~ '^ws_[a-z][0-9a-z]{9}$',
       workshoppilot.is_cuid2('tz4a98xxat96iws9zmbrgj3a'), workshoppilot.is_cuid2('ws_tz4a98xxat96iws9zmbrgj3a', 'ws'),
       workshoppilot.is_cuid2('Nope'), workshoppilot.cuid2_digest('abc'),
       encode(workshoppilot.sha3_512('abc'::bytea), 'hex') = 'b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0';
-- a workshop and its owner; id defaults
SELECT id AS w FROM workshoppilot.create_workshop('user_1', 'Dog walking', 'Walkers on demand') \gset
SELECT workshoppilot.is_cuid2(:'w', 'ws'), status, (SELECT role FROM workshoppilot.workshop_members WHERE workshop_id = :'w')
  FROM workshoppilot.workshops WHERE id = :'w';
SELECT workshoppilot.current_step(:'w'), (SELECT p::text FROM workshoppilot.workshop_progress(:'w') p);
-- the step lifecycle
SELECT status, started_at IS NOT NULL, completed_at IS NULL FROM workshoppilot.start_step(:'w', 'empathize');
SELECT status FROM workshoppilot.workshops WHERE id = :'w';
SELECT status, completed_at IS NOT NULL
  FROM workshoppilot.complete_step(:'w', 'empathize', '{"personas": [{"name": "A", "goals": ["g"], "pains": ["p"]}], "insights": ["i"], "summary": "s"}');
SELECT status, output IS NULL FROM workshoppilot.skip_step(:'w', 'define');
SELECT workshoppilot.current_step(:'w'), (SELECT p::text FROM workshoppilot.workshop_progress(:'w') p),
       workshoppilot.step_context(:'w', 'ideate') ? 'empathize';
-- a re-edit sends the later complete step to needs_regeneration
SELECT status FROM workshoppilot.complete_step(:'w', 'empathize', '{"personas": [{"name": "B", "goals": ["g"], "pains": ["p"]}], "insights": ["i"], "summary": "s2"}');
SELECT status FROM workshoppilot.workshop_steps WHERE workshop_id = :'w' AND step_id = 'define';
-- set_updated_at
UPDATE workshoppilot.workshops SET title = 'Renamed', updated_at = '2000-01-01' WHERE id = :'w';
SELECT updated_at > '2000-01-01' FROM workshoppilot.workshops WHERE id = :'w';
-- JSON Schema and patterns
SELECT workshoppilot.jsonb_matches_schema('{"type": "string"}', '"x"'),
       workshoppilot.jsonb_matches_schema('{"format": "date"}', '"no"', true),
       workshoppilot.jsonb_schema_errors('{"type": "string"}', '1') -> 0 ->> 'keyword',
       workshoppilot.jsonb_schema_is_valid('{"type": "objet"}'),
       workshoppilot.ecma_regex_matches('^\d+$', '42'), workshoppilot.jsonschema_format_check('ipv4', '1.2.3.4');
SELECT count(*) FROM workshoppilot.invalid_step_outputs('empathize');
-- builtin replacement (the restore path)
INSERT INTO workshoppilot.step_definitions (id, "order", name, description, builtin)
VALUES ('story', 9, 'Story (restored)', 'd', true);
SELECT name FROM workshoppilot.step_definitions WHERE id = 'story';
-- nothing of a later version
SELECT count(*) FROM pg_event_trigger;
SELECT count(*) FROM pg_proc WHERE pronamespace = 'workshoppilot'::regnamespace;
SQL
is($ret, 0, '0.1.0 behaviours run') or diag($err);
is($out, join("\n",
	't|t|t|t|f|hwonfuv75sid4792afmgodu|t',
	't|draft|owner',
	'empathize|(empathize,0,10,0)',
	'in_progress|t|t',
	'active',
	'complete|t',
	'complete|t',
	'ideate|(ideate,2,10,20)|t',
	'complete',
	'needs_regeneration',
	't',
	't|f|type|f|t|t',
	'0',
	'Story (restored)',
	'0',
	'26'), 'the 0.1.0 results');

# errors keep their SQLSTATEs and messages
for my $case (
	[ "SELECT workshoppilot.cuid2('ws', 1)", '22023' ],
	[ "SELECT workshoppilot.current_step('ws_nope')", '42704' ],
	[ "SELECT workshoppilot.complete_step((SELECT id FROM workshoppilot.workshops LIMIT 1), 'empathize', '{\"personas\": 1}')", '23514' ],
	[ "INSERT INTO workshoppilot.workshops (clerk_user_id, title, original_idea, status) VALUES ('u', 't', 'i', 'nope')", '23514' ])
{
	($ret, $out, $err) = $node->psql('old', "\\set VERBOSITY sqlstate\n$case->[0]");
	like($err, qr/ERROR:  $case->[1]/, "$case->[0]: $case->[1]");
}

# 0.1.0 had no drop guard: the database drops with its data
($ret, $out, $err) = $node->psql('old', 'DROP EXTENSION workshoppilot');
is($ret, 0, 'a 0.1.0 database drops with its data, as 0.1.0 did') or diag($err);

$node->stop;
done_testing();
