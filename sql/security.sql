--
-- security: the rules that keep a caller's search_path, privileges and
-- input size from reaching the extension's code (issue 10).  The dynamic
-- checks are TAP tests: test/t/070_hostile_inputs.pl (every function with
-- hostile inputs), 072_planted_objects.pl (look-alike objects in public),
-- 073_privileges.pl (roles granted nothing or only SELECT).
--
SET timezone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;

-- Every SQL or PL/pgSQL function of the extension pins search_path in its
-- proconfig; C functions resolve no names through it (their SPI queries
-- qualify every table, function and operator; test/t/072 plants look-alikes
-- to prove it).  No rows:
SELECT p.oid::regprocedure AS function, l.lanname
FROM pg_depend d
JOIN pg_proc p ON p.oid = d.objid AND d.classid = 'pg_proc'::regclass
JOIN pg_language l ON l.oid = p.prolang
WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'workshoppilot')
  AND l.lanname <> 'c'
  AND NOT (coalesce(p.proconfig, '{}') @> ARRAY['search_path=pg_catalog, pg_temp'])
ORDER BY 1;

-- No function is SECURITY DEFINER.  No rows:
SELECT p.oid::regprocedure AS function
FROM pg_depend d JOIN pg_proc p ON p.oid = d.objid AND d.classid = 'pg_proc'::regclass
WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'workshoppilot')
  AND p.prosecdef
ORDER BY 1;

-- Only C and pinned SQL/PL/pgSQL functions exist: a function in another
-- language needs its own rule here.
SELECT DISTINCT l.lanname
FROM pg_depend d
JOIN pg_proc p ON p.oid = d.objid AND d.classid = 'pg_proc'::regclass
JOIN pg_language l ON l.oid = p.prolang
WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'workshoppilot')
ORDER BY 1;

-- A value quoted in an error message is clipped to 64 bytes (at a character
-- boundary) and marked with "..."; a 100 MB id used to be echoed whole.
SELECT workshoppilot.current_step(repeat('x', 100));
SELECT workshoppilot.step_context(repeat('x', 100), 'define');
SELECT workshoppilot.cuid2(repeat(U&'\00E9', 40));
SELECT workshoppilot.current_step(repeat('x', 64));
SELECT workshoppilot.current_step(repeat('x', 10000000));
-- the C functions of 0.2.0 and the SQL ones (clip_for_message) quote the same way
SELECT workshoppilot.touch_session(repeat('x', 100));
SELECT workshoppilot.end_session(repeat('x', 100));
SELECT workshoppilot.build_pack_content(repeat('x', 100));
SELECT workshoppilot.add_member(repeat('x', 10000000), 'user_x', 'owner');
SELECT workshoppilot.remove_member(repeat('x', 100), 'user_x');
SELECT workshoppilot.share_workshop(repeat('x', 100));
SELECT workshoppilot.unshare_workshop(repeat('x', 100));
SELECT * FROM workshoppilot.workshop_sessions(repeat('x', 100));
SELECT workshoppilot.create_build_pack(repeat('x', 100), 'title', 'markdown');
SELECT workshoppilot.set_step_output_schema(repeat('x', 100), NULL);
SELECT workshoppilot.table_json_schema(repeat('t', 100));
SELECT workshoppilot.table_json_schema('workshops', repeat('m', 100));
SELECT workshoppilot.clip_for_message(repeat(U&'\00E9', 40)) AS clipped,
       octet_length(workshoppilot.clip_for_message(repeat(U&'\00E9', 40))) AS bytes,
       workshoppilot.clip_for_message('short') AS kept;

-- A regex pattern over 1 MB is refused with 22023, before PostgreSQL's
-- regex compiler (16 bytes a character) asks for more than 1 GB (XX000).
SELECT workshoppilot.ecma_regex_matches(repeat('a', 1048577), 'a');
SELECT workshoppilot.jsonb_matches_schema(jsonb_build_object('pattern', repeat('a', 1048577)), '"a"');
SELECT workshoppilot.jsonschema_format_check('regex', repeat('a', 1048577));
SELECT workshoppilot.ecma_regex_matches(repeat('a', 1048576), repeat('a', 1048576));

-- current_step() and workshop_progress() read through direct index scans,
-- which skip the executor's permission checks: they check SELECT on the
-- tables they read themselves (42501, the error a query would raise).
CREATE ROLE regress_wp_usage_only;
GRANT USAGE ON SCHEMA workshoppilot TO regress_wp_usage_only;
CREATE ROLE regress_wp_steps_only;
GRANT USAGE ON SCHEMA workshoppilot TO regress_wp_steps_only;
GRANT SELECT ON workshoppilot.workshop_steps, workshoppilot.step_definitions TO regress_wp_steps_only;
CREATE ROLE regress_wp_reader;
GRANT USAGE ON SCHEMA workshoppilot TO regress_wp_reader;
GRANT SELECT ON workshoppilot.workshops, workshoppilot.workshop_steps, workshoppilot.step_definitions
	TO regress_wp_reader;
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
	VALUES ('ws_sec', 'user_sec', 'Secret', 'secret idea');
SELECT workshoppilot.start_step('ws_sec', repeat('s', 65));
SET ROLE regress_wp_usage_only;
SELECT workshoppilot.current_step('ws_sec');
SELECT * FROM workshoppilot.workshop_progress('ws_sec');
RESET ROLE;
SET ROLE regress_wp_steps_only;
SELECT workshoppilot.current_step('ws_sec');
RESET ROLE;
SET ROLE regress_wp_reader;
SELECT workshoppilot.current_step('ws_sec');
SELECT * FROM workshoppilot.workshop_progress('ws_sec');
-- reading is all it may do
SELECT workshoppilot.start_step('ws_sec', 'empathize');
RESET ROLE;
-- a check that passed is remembered only until the privileges change: a
-- REVOKE, and a role membership granted and then revoked
REVOKE SELECT ON workshoppilot.workshops FROM regress_wp_reader;
SET ROLE regress_wp_reader;
SELECT workshoppilot.current_step('ws_sec');
RESET ROLE;
CREATE ROLE regress_wp_workshop_readers;
GRANT SELECT ON workshoppilot.workshops TO regress_wp_workshop_readers;
GRANT regress_wp_workshop_readers TO regress_wp_reader;
SET ROLE regress_wp_reader;
SELECT workshoppilot.current_step('ws_sec') AS through_membership;
RESET ROLE;
REVOKE regress_wp_workshop_readers FROM regress_wp_reader;
SET ROLE regress_wp_reader;
SELECT workshoppilot.current_step('ws_sec');
RESET ROLE;
REVOKE ALL ON workshoppilot.workshops FROM regress_wp_workshop_readers;
DROP ROLE regress_wp_workshop_readers;
-- and a change of the database's owner (the implicit member of
-- pg_database_owner): the pass of the new owner is forgotten when the
-- database changes hands again
GRANT SELECT ON workshoppilot.workshops, workshoppilot.workshop_steps, workshoppilot.step_definitions
	TO pg_database_owner;
CREATE ROLE regress_wp_dbowner;
GRANT USAGE ON SCHEMA workshoppilot TO regress_wp_dbowner;
SELECT d.datdba::regrole AS old_dba FROM pg_database d WHERE d.datname = current_database() \gset
SELECT format('ALTER DATABASE %I OWNER TO regress_wp_dbowner', current_database()) AS to_new,
       format('ALTER DATABASE %I OWNER TO %I', current_database(), :'old_dba') AS to_old \gset
SET ROLE regress_wp_dbowner;
SELECT workshoppilot.current_step('ws_sec');
RESET ROLE;
:to_new;
SET ROLE regress_wp_dbowner;
SELECT workshoppilot.current_step('ws_sec') AS as_database_owner;
RESET ROLE;
:to_old;
SET ROLE regress_wp_dbowner;
SELECT workshoppilot.current_step('ws_sec');
RESET ROLE;
REVOKE ALL ON workshoppilot.workshops, workshoppilot.workshop_steps, workshoppilot.step_definitions
	FROM pg_database_owner;
REVOKE ALL ON SCHEMA workshoppilot FROM regress_wp_dbowner;
DROP ROLE regress_wp_dbowner;
DELETE FROM workshoppilot.workshops WHERE id = 'ws_sec';
REVOKE ALL ON ALL TABLES IN SCHEMA workshoppilot FROM regress_wp_usage_only, regress_wp_steps_only, regress_wp_reader;
REVOKE ALL ON SCHEMA workshoppilot FROM regress_wp_usage_only, regress_wp_steps_only, regress_wp_reader;
DROP ROLE regress_wp_usage_only, regress_wp_steps_only, regress_wp_reader;

-- A compiled schema bigger than 8 MB is not kept in the backend's schema
-- cache (one hostile schema pinned hundreds of MB for the backend's life).
SELECT workshoppilot.jsonb_matches_schema(
	(SELECT jsonb_build_object('properties', jsonb_object_agg('k' || g, '{"type": "integer"}'::jsonb))
	 FROM generate_series(1, 20000) g), '{"k1": 1}');
SELECT coalesce(max(total_bytes), 0) < 8 * 1024 * 1024 AS cache_bounded
FROM pg_backend_memory_contexts WHERE name = 'workshoppilot compiled JSON Schema';
