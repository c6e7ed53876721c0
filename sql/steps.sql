--
-- steps: derived progress (current_step, workshop_progress), the step
-- functions (start_step, complete_step, skip_step) and step_context.
-- The lifecycle trigger's own rules are in step_lifecycle.sql.
--
SET timezone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
-- these tests write outputs of their own shape; the output schemas of the
-- shipped steps are checked in step_outputs.sql
SET workshoppilot.validate_step_outputs = off;

-- three workshops: no step rows, some progress, everything complete
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea) VALUES
	('ws_st_empty', 'user_st', 'Empty', 'no rows yet'),
	('ws_st_some', 'user_st', 'Some', 'some progress'),
	('ws_st_done', 'user_st', 'Done', 'all complete');
INSERT INTO workshoppilot.workshop_steps (workshop_id, step_id, status, output)
SELECT 'ws_st_done', id, 'complete', jsonb_build_object('step', id)
FROM workshoppilot.step_definitions;
-- the app's way: all ten rows, first two complete, third in progress
INSERT INTO workshoppilot.workshop_steps (workshop_id, step_id, status)
SELECT 'ws_st_some', id,
	   CASE WHEN "order" <= 2 THEN 'complete' WHEN "order" = 3 THEN 'in_progress' ELSE 'not_started' END
FROM workshoppilot.step_definitions;

-- current_step: missing rows count as not_started; NULL when all complete
SELECT workshoppilot.current_step('ws_st_empty') AS empty,
	   workshoppilot.current_step('ws_st_some') AS some,
	   workshoppilot.current_step('ws_st_done') IS NULL AS done_is_null;
SELECT workshoppilot.current_step(NULL) IS NULL AS strict_null;
SELECT * FROM workshoppilot.workshop_progress('ws_st_empty');
SELECT * FROM workshoppilot.workshop_progress('ws_st_some');
SELECT * FROM workshoppilot.workshop_progress('ws_st_done');
SELECT * FROM workshoppilot.workshop_progress(NULL);

-- a needs_regeneration step is not complete; only 'complete' counts
UPDATE workshoppilot.workshop_steps SET status = 'needs_regeneration'
WHERE workshop_id = 'ws_st_some' AND step_id = 'define';
SELECT workshoppilot.current_step('ws_st_some');
UPDATE workshoppilot.workshop_steps SET status = 'complete'
WHERE workshop_id = 'ws_st_some' AND step_id = 'define';
-- a later step complete does not hide an earlier incomplete one
UPDATE workshoppilot.workshop_steps SET status = 'complete'
WHERE workshop_id = 'ws_st_some' AND step_id = 'prototype';
SELECT * FROM workshoppilot.workshop_progress('ws_st_some');

-- unknown workshop: 42704
SELECT workshoppilot.current_step('ws_nope');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM workshoppilot.workshop_progress('ws_nope');
\echo :LAST_ERROR_SQLSTATE

-- labels as the issue asks
SELECT p.proname, p.provolatile, p.proparallel, p.proisstrict,
	   pg_catalog.pg_get_function_identity_arguments(p.oid) AS args,
	   pg_catalog.format_type(p.prorettype, NULL) AS returns
FROM pg_catalog.pg_proc p
WHERE p.pronamespace = 'workshoppilot'::regnamespace
  AND p.proname IN ('current_step', 'workshop_progress', 'start_step', 'complete_step',
					'skip_step', 'step_context')
ORDER BY p.proname;

-- the answer comes from direct index reads and a cached list of step
-- definitions; changes to step_definitions are seen at once
-- a step added after workshops exist
INSERT INTO workshoppilot.step_definitions (id, "order", name, description)
VALUES ('retro', 11, 'Retro', 'Look back on the workshop.');
SELECT workshoppilot.current_step('ws_st_done') AS done,
	   (workshoppilot.workshop_progress('ws_st_done')).total AS total;
-- a step moved to the front
UPDATE workshoppilot.step_definitions SET "order" = 0 WHERE id = 'retro';
SELECT workshoppilot.current_step('ws_st_some') AS some,
	   workshoppilot.current_step('ws_st_empty') AS empty;
-- reorder: swap define and empathize
UPDATE workshoppilot.step_definitions SET "order" = -1 WHERE id = 'empathize';
UPDATE workshoppilot.step_definitions SET "order" = 1 WHERE id = 'define';
UPDATE workshoppilot.step_definitions SET "order" = 2 WHERE id = 'empathize';
DELETE FROM workshoppilot.step_definitions WHERE id = 'retro';
UPDATE workshoppilot.workshop_steps SET status = 'in_progress'
WHERE workshop_id = 'ws_st_some' AND step_id = 'define';
SELECT workshoppilot.current_step('ws_st_some') AS some,
	   workshoppilot.current_step('ws_st_empty') AS empty;
UPDATE workshoppilot.step_definitions SET "order" = -1 WHERE id = 'define';
UPDATE workshoppilot.step_definitions SET "order" = 1 WHERE id = 'empathize';
UPDATE workshoppilot.step_definitions SET "order" = 2 WHERE id = 'define';
UPDATE workshoppilot.workshop_steps SET status = 'complete'
WHERE workshop_id = 'ws_st_some' AND step_id = 'define';
SELECT workshoppilot.current_step('ws_st_some') AS some,
	   workshoppilot.current_step('ws_st_empty') AS empty;
-- inside a transaction, then rolled back: the cache follows both ways
BEGIN;
INSERT INTO workshoppilot.step_definitions (id, "order", name, description)
VALUES ('retro', 11, 'Retro', 'Look back on the workshop.');
SELECT workshoppilot.current_step('ws_st_done') AS in_transaction;
ROLLBACK;
SELECT workshoppilot.current_step('ws_st_done') IS NULL AS after_rollback;
-- TRUNCATE is seen too (in a transaction rolled back; the rows reference them)
BEGIN;
DELETE FROM workshoppilot.workshop_steps;
TRUNCATE workshoppilot.step_definitions CASCADE;
SELECT * FROM workshoppilot.workshop_progress('ws_st_empty');
ROLLBACK;
SELECT * FROM workshoppilot.workshop_progress('ws_st_empty');
-- under REPEATABLE READ the cached list is the transaction's own view
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT workshoppilot.current_step('ws_st_some');
COMMIT;
SELECT workshoppilot.current_step('ws_st_some');

-- set-based use gives the same answer as plain SQL
SELECT count(*) AS mismatches
FROM workshoppilot.workshops w
WHERE workshoppilot.current_step(w.id) IS DISTINCT FROM
	  (SELECT d.id FROM workshoppilot.step_definitions d
	   WHERE NOT EXISTS (SELECT FROM workshoppilot.workshop_steps s
						 WHERE s.workshop_id = w.id AND s.step_id = d.id
						   AND s.status = 'complete')
	   ORDER BY d."order" LIMIT 1);

--
-- start_step, complete_step, skip_step
--
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
VALUES ('ws_st_fn', 'user_st', 'Functions', 'step functions');
-- start creates the missing row and returns it
SELECT (r).workshop_id, (r).step_id, (r).status, (r).output,
	   (r).id LIKE 'wst\_%' AS generated_id, (r).started_at IS NOT NULL AS started,
	   (r).completed_at IS NULL AS not_completed
FROM (SELECT workshoppilot.start_step('ws_st_fn', 'empathize') AS r) x;
SELECT status FROM workshoppilot.workshops WHERE id = 'ws_st_fn';
-- idempotent: the same call writes nothing (same row version)
CREATE TEMP TABLE st_before AS
SELECT xmin::text AS row_version, * FROM workshoppilot.workshop_steps WHERE workshop_id = 'ws_st_fn';
SELECT (workshoppilot.start_step('ws_st_fn', 'empathize')).status;
SELECT count(*) AS changed_rows FROM (
	SELECT xmin::text AS row_version, * FROM workshoppilot.workshop_steps WHERE workshop_id = 'ws_st_fn'
	EXCEPT SELECT * FROM st_before) c;
-- complete with an output
SELECT (r).step_id, (r).status, (r).output, (r).completed_at IS NOT NULL AS completed
FROM (SELECT workshoppilot.complete_step('ws_st_fn', 'empathize',
										 '{"personas": ["Ada"], "summary": "s1"}') AS r) x;
-- the same output again (other key order: equal jsonb) changes nothing
TRUNCATE st_before;
INSERT INTO st_before
SELECT xmin::text AS row_version, * FROM workshoppilot.workshop_steps WHERE workshop_id = 'ws_st_fn';
SELECT (workshoppilot.complete_step('ws_st_fn', 'empathize',
									'{"summary": "s1", "personas": ["Ada"]}')).status;
SELECT count(*) AS changed_rows FROM (
	SELECT xmin::text AS row_version, * FROM workshoppilot.workshop_steps WHERE workshop_id = 'ws_st_fn'
	EXCEPT SELECT * FROM st_before) c;
-- start on a complete step leaves it complete
SELECT (workshoppilot.start_step('ws_st_fn', 'empathize')).status;
-- complete a missing row directly, and skip two
SELECT (r).step_id, (r).status, (r).output, (r).started_at IS NOT NULL AS started
FROM (SELECT workshoppilot.complete_step('ws_st_fn', 'define', '{"problem": "p"}') AS r) x;
SELECT (r).step_id, (r).status, (r).output IS NULL AS no_output, (r).completed_at IS NOT NULL AS completed
FROM (SELECT workshoppilot.skip_step('ws_st_fn', 'ideate') AS r) x;
SELECT (workshoppilot.start_step('ws_st_fn', 'prototype')).status;
SELECT (r).status, (r).output IS NULL AS no_output
FROM (SELECT workshoppilot.complete_step('ws_st_fn', 'prototype', NULL) AS r) x;
SELECT workshoppilot.current_step('ws_st_fn');
-- skip on a complete step keeps it (and its output) as it is
SELECT (r).status, (r).output
FROM (SELECT workshoppilot.skip_step('ws_st_fn', 'define') AS r) x;
-- a new output on a complete step is a re-edit: later complete steps need regeneration
SELECT (workshoppilot.complete_step('ws_st_fn', 'empathize', '{"personas": ["Ada", "Bob"]}')).status;
SELECT step_id, status, completed_at IS NULL AS no_completed_at
FROM workshoppilot.workshop_steps s JOIN workshoppilot.step_definitions d ON d.id = s.step_id
WHERE workshop_id = 'ws_st_fn' ORDER BY d."order";
SELECT workshoppilot.current_step('ws_st_fn');
-- start on needs_regeneration moves it to in_progress; complete finishes it
SELECT (workshoppilot.start_step('ws_st_fn', 'define')).status;
SELECT (workshoppilot.complete_step('ws_st_fn', 'define', '{"problem": "p2"}')).status;
SELECT (workshoppilot.skip_step('ws_st_fn', 'ideate')).status;
SELECT * FROM workshoppilot.workshop_progress('ws_st_fn');
-- finishing every step completes the workshop
SELECT count(workshoppilot.skip_step('ws_st_fn', id)) FROM workshoppilot.step_definitions;
SELECT status FROM workshoppilot.workshops WHERE id = 'ws_st_fn';
SELECT * FROM workshoppilot.workshop_progress('ws_st_fn');

-- with output checking on, an output that does not match the step's
-- schema is rejected (23514) and the step stays as it was
SET workshoppilot.validate_step_outputs = on;
DO $$
BEGIN
	PERFORM workshoppilot.complete_step('ws_st_fn', 'define', '{"not": "a define output"}');
EXCEPTION WHEN check_violation THEN
	RAISE NOTICE 'rejected with SQLSTATE %', SQLSTATE;
END
$$;
SET workshoppilot.validate_step_outputs = off;
SELECT output FROM workshoppilot.workshop_steps WHERE workshop_id = 'ws_st_fn' AND step_id = 'define';

-- errors
SELECT workshoppilot.start_step('ws_nope', 'empathize');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.complete_step('ws_nope', 'empathize', '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.skip_step('ws_nope', 'empathize');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.start_step('ws_st_fn', 'nope');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.complete_step('ws_st_fn', 'nope', '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.skip_step('ws_st_fn', 'nope');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.start_step(NULL, 'empathize');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.complete_step('ws_st_fn', NULL, '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.skip_step(NULL, NULL);
\echo :LAST_ERROR_SQLSTATE

--
-- step_context: outputs of the earlier steps that have one
--
SELECT workshoppilot.step_context('ws_st_fn', 'empathize') AS first_step;
SELECT workshoppilot.step_context('ws_st_fn', 'ideate') AS before_ideate;
SELECT workshoppilot.step_context('ws_st_fn', 'pack') AS before_pack;
SELECT workshoppilot.step_context('ws_st_empty', 'pack') AS no_rows;
SELECT jsonb_object_keys(workshoppilot.step_context('ws_st_done', 'story')) AS keys_before_story;
SELECT workshoppilot.step_context(NULL, 'pack') IS NULL AS strict_null;
SELECT workshoppilot.step_context('ws_nope', 'pack');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.step_context('ws_st_fn', 'nope');
\echo :LAST_ERROR_SQLSTATE

DELETE FROM workshoppilot.workshops WHERE id LIKE 'ws\_st\_%';

--
-- the cache across DROP EXTENSION / CREATE EXTENSION in one backend, and
-- the errors when the extension's objects are missing (scratch database)
--
\set regress_db :DBNAME
CREATE DATABASE wp_steps_scratch;
\c wp_steps_scratch
SET client_min_messages = warning;
SET workshoppilot.validate_step_outputs = off;
-- these DROP EXTENSIONs delete workshops on purpose (see drop_guard.sql)
SET workshoppilot.allow_drop_with_data = on;
CREATE EXTENSION workshoppilot;
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
VALUES ('ws_x', 'u', 't', 'i');
SELECT workshoppilot.current_step('ws_x');
-- a renamed index is noticed (relcache invalidation) and reported
ALTER INDEX workshoppilot.workshop_steps_workshop_id_idx RENAME TO renamed_idx;
SELECT workshoppilot.current_step('ws_x');
\echo :LAST_ERROR_SQLSTATE
ALTER INDEX workshoppilot.renamed_idx RENAME TO workshop_steps_workshop_id_idx;
SELECT workshoppilot.current_step('ws_x');
ALTER TABLE workshoppilot.workshop_steps RENAME COLUMN status TO state;
SELECT workshoppilot.current_step('ws_x');
\echo :LAST_ERROR_SQLSTATE
ALTER TABLE workshoppilot.workshop_steps RENAME COLUMN state TO status;
SELECT workshoppilot.current_step('ws_x');
DROP EXTENSION workshoppilot;
CREATE EXTENSION workshoppilot;
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
VALUES ('ws_y', 'u', 't', 'i');
SELECT workshoppilot.current_step('ws_y');
SELECT (workshoppilot.complete_step('ws_y', 'empathize', '{"a": 1}')).status;
SELECT workshoppilot.current_step('ws_y'), workshoppilot.step_context('ws_y', 'define');
SELECT workshoppilot.current_step('ws_x');
\echo :LAST_ERROR_SQLSTATE
-- changes made with triggers skipped (session_replication_role = replica,
-- as in logical replication apply) still reach the step definition cache
SELECT workshoppilot.current_step('ws_y') AS before_replica_insert;
BEGIN;
SET LOCAL session_replication_role = replica;
INSERT INTO workshoppilot.step_definitions (id, "order", name, description)
VALUES ('warmup', 0, 'Warm-up', 'Before everything else.');
SELECT workshoppilot.current_step('ws_y') AS after_replica_insert;
ROLLBACK;
SELECT workshoppilot.current_step('ws_y') AS after_rollback;
-- the library called without the extension installed
DROP EXTENSION workshoppilot;
CREATE FUNCTION public.orphan_current_step(text) RETURNS text
	AS 'workshoppilot', 'wp_current_step' LANGUAGE C STRICT;
SELECT public.orphan_current_step('ws_y');
\echo :LAST_ERROR_SQLSTATE
CREATE SCHEMA workshoppilot;
SELECT public.orphan_current_step('ws_y');
\echo :LAST_ERROR_SQLSTATE
\c :regress_db
DROP DATABASE wp_steps_scratch;
