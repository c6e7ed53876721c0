--
-- step_lifecycle: the rules the lifecycle trigger on workshop_steps keeps
-- for every client writing plain SQL (timestamps, re-edit cascade, workshop
-- status), and the trigger's own error paths.
--
SET timezone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
-- these tests write outputs of their own shape; the output schemas of the
-- shipped steps are checked in step_outputs.sql
SET workshoppilot.validate_step_outputs = off;

-- the triggers as installed
SELECT tgname, pg_catalog.pg_get_triggerdef(t.oid) AS definition
FROM pg_catalog.pg_trigger t
WHERE tgrelid IN ('workshoppilot.workshop_steps'::regclass, 'workshoppilot.step_definitions'::regclass)
  AND tgname IN ('lifecycle', 'lifecycle_after', 'invalidate_cache')
ORDER BY tgname;

-- a helper view: the steps of one workshop in step order
CREATE TEMP VIEW lc_steps AS
SELECT s.workshop_id, s.step_id, s.status, s.output,
	   s.started_at IS NOT NULL AS started, s.completed_at IS NOT NULL AS completed
FROM workshoppilot.workshop_steps s
JOIN workshoppilot.step_definitions d ON d.id = s.step_id
ORDER BY s.workshop_id, d."order";

--
-- The app's way: a draft workshop and all ten rows not_started.  Nothing
-- is stamped, the workshop stays draft.
--
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
VALUES ('ws_lc_app', 'user_lc', 'App', 'the app inserts all rows');
INSERT INTO workshoppilot.workshop_steps (workshop_id, step_id)
SELECT 'ws_lc_app', id FROM workshoppilot.step_definitions;
SELECT count(*) AS rows, count(*) FILTER (WHERE started OR completed) AS stamped
FROM lc_steps WHERE workshop_id = 'ws_lc_app';
SELECT status FROM workshoppilot.workshops WHERE id = 'ws_lc_app';

-- entering in_progress stamps started_at with the transaction time, and the
-- draft workshop becomes active
BEGIN;
UPDATE workshoppilot.workshop_steps SET status = 'in_progress'
WHERE workshop_id = 'ws_lc_app' AND step_id = 'empathize';
SELECT started_at = now()::timestamp(3) AS started_now, completed_at IS NULL AS not_completed
FROM workshoppilot.workshop_steps WHERE workshop_id = 'ws_lc_app' AND step_id = 'empathize';
COMMIT;
SELECT status FROM workshoppilot.workshops WHERE id = 'ws_lc_app';

-- entering complete stamps completed_at; started_at stays the first start
CREATE TEMP TABLE lc_saved AS
SELECT started_at FROM workshoppilot.workshop_steps
WHERE workshop_id = 'ws_lc_app' AND step_id = 'empathize';
BEGIN;
UPDATE workshoppilot.workshop_steps SET status = 'complete', output = '{"personas": ["Ada"]}'
WHERE workshop_id = 'ws_lc_app' AND step_id = 'empathize';
SELECT s.completed_at = now()::timestamp(3) AS completed_now,
	   s.started_at = (SELECT started_at FROM lc_saved) AS started_kept
FROM workshoppilot.workshop_steps s WHERE workshop_id = 'ws_lc_app' AND step_id = 'empathize';
COMMIT;

-- started_at is never cleared, even when a client writes NULL
UPDATE workshoppilot.workshop_steps SET status = 'in_progress', started_at = NULL
WHERE workshop_id = 'ws_lc_app' AND step_id = 'empathize';
-- leaving complete clears completed_at
SELECT s.started_at = (SELECT started_at FROM lc_saved) AS started_kept,
	   s.completed_at IS NULL AS completed_cleared
FROM workshoppilot.workshop_steps s WHERE workshop_id = 'ws_lc_app' AND step_id = 'empathize';
-- not_started again: started_at still kept
UPDATE workshoppilot.workshop_steps SET status = 'not_started'
WHERE workshop_id = 'ws_lc_app' AND step_id = 'empathize';
SELECT s.started_at = (SELECT started_at FROM lc_saved) AS started_kept
FROM workshoppilot.workshop_steps s WHERE workshop_id = 'ws_lc_app' AND step_id = 'empathize';
-- a complete row inserted without timestamps gets both
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
VALUES ('ws_lc_ins', 'user_lc', 'Insert', 'complete on insert');
BEGIN;
INSERT INTO workshoppilot.workshop_steps (workshop_id, step_id, status)
VALUES ('ws_lc_ins', 'empathize', 'complete');
SELECT started_at = now()::timestamp(3) AS started_now, completed_at = now()::timestamp(3) AS completed_now
FROM workshoppilot.workshop_steps WHERE workshop_id = 'ws_lc_ins';
COMMIT;
-- a not_started or needs_regeneration row never carries completed_at
INSERT INTO workshoppilot.workshop_steps (workshop_id, step_id, status, started_at, completed_at)
VALUES ('ws_lc_ins', 'define', 'needs_regeneration', '2025-01-01 10:00', '2025-01-01 11:00'),
	   ('ws_lc_ins', 'ideate', 'not_started', NULL, '2025-01-01 11:00');
SELECT step_id, status, started_at, completed_at
FROM workshoppilot.workshop_steps WHERE workshop_id = 'ws_lc_ins' AND step_id IN ('define', 'ideate')
ORDER BY step_id;

--
-- App-supplied timestamps are kept as given (the app's data migration
-- inserts completed steps with their original times).
--
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea, status)
VALUES ('ws_lc_mig', 'user_lc', 'Migrated', 'old data', 'active');
INSERT INTO workshoppilot.workshop_steps (workshop_id, step_id, status, output, started_at, completed_at)
VALUES ('ws_lc_mig', 'empathize', 'complete', '{"a": 1}', '2024-03-01 09:00:00.123', '2024-03-01 09:30:00.456'),
	   ('ws_lc_mig', 'define', 'in_progress', NULL, '2024-03-02 09:00:00', NULL);
UPDATE workshoppilot.workshop_steps SET status = 'complete', completed_at = '2024-03-02 10:00:00'
WHERE workshop_id = 'ws_lc_mig' AND step_id = 'define';
SELECT step_id, status, started_at, completed_at
FROM workshoppilot.workshop_steps s JOIN workshoppilot.step_definitions d ON d.id = s.step_id
WHERE workshop_id = 'ws_lc_mig' ORDER BY d."order";

--
-- Re-editing: a new output on a complete step marks every later complete
-- step needs_regeneration, in the same transaction.
--
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
VALUES ('ws_lc_re', 'user_lc', 'Re-edit', 're-edit step 1');
INSERT INTO workshoppilot.workshop_steps (workshop_id, step_id, status, output)
SELECT 'ws_lc_re', id,
	   CASE WHEN "order" <= 5 THEN 'complete' WHEN "order" = 6 THEN 'in_progress' ELSE 'not_started' END,
	   CASE WHEN "order" <= 5 THEN jsonb_build_object('v', 1) END
FROM workshoppilot.step_definitions;
SELECT workshoppilot.current_step('ws_lc_re');
CREATE TEMP TABLE lc_before AS
SELECT xmin::text AS row_version, * FROM workshoppilot.workshop_steps WHERE workshop_id = 'ws_lc_re';
-- writing the same output again changes nothing downstream and moves no
-- lifecycle timestamp (updated_at of the written row itself does move:
-- every UPDATE sets it)
UPDATE workshoppilot.workshop_steps SET output = '{"v": 1}'
WHERE workshop_id = 'ws_lc_re' AND step_id = 'empathize';
SELECT step_id, status FROM lc_steps WHERE workshop_id = 'ws_lc_re';
SELECT count(*) AS changed_other_rows FROM (
	SELECT xmin::text AS row_version, * FROM workshoppilot.workshop_steps
	WHERE workshop_id = 'ws_lc_re' AND step_id <> 'empathize'
	EXCEPT SELECT * FROM lc_before) c;
SELECT count(*) AS moved_timestamps
FROM workshoppilot.workshop_steps s JOIN lc_before b USING (id)
WHERE s.started_at IS DISTINCT FROM b.started_at OR s.completed_at IS DISTINCT FROM b.completed_at;
-- a different output on step 1 after steps 2-5 are complete
BEGIN;
UPDATE workshoppilot.workshop_steps SET output = '{"v": 2}'
WHERE workshop_id = 'ws_lc_re' AND step_id = 'empathize';
SELECT step_id, status, output, started, completed FROM lc_steps WHERE workshop_id = 'ws_lc_re';
COMMIT;
SELECT workshoppilot.current_step('ws_lc_re');
-- step 1 keeps its completion time; the others lose theirs (they left
-- complete) and keep their start time
SELECT s.step_id, s.completed_at IS NOT DISTINCT FROM b.completed_at AS completed_at_kept,
	   s.completed_at IS NULL AS completed_at_cleared, s.started_at = b.started_at AS started_at_kept
FROM workshoppilot.workshop_steps s JOIN lc_before b USING (id)
JOIN workshoppilot.step_definitions d ON d.id = s.step_id
WHERE d."order" <= 5 ORDER BY d."order";
-- a re-edit of the last complete step touches nothing else; of a middle
-- step, only the later complete ones
UPDATE workshoppilot.workshop_steps SET status = 'complete', output = '{"v": 3}'
WHERE workshop_id = 'ws_lc_re' AND step_id IN ('define', 'ideate', 'prototype', 'test');
UPDATE workshoppilot.workshop_steps SET output = '{"v": 4}'
WHERE workshop_id = 'ws_lc_re' AND step_id = 'test';
UPDATE workshoppilot.workshop_steps SET output = '{"v": 4}'
WHERE workshop_id = 'ws_lc_re' AND step_id = 'ideate';
SELECT step_id, status, output FROM lc_steps WHERE workshop_id = 'ws_lc_re';
-- a needs_regeneration step regenerated with a new output also invalidates
-- later complete steps (they were facilitated with its old output)
UPDATE workshoppilot.workshop_steps SET status = 'complete', output = '{"v": 5}'
WHERE workshop_id = 'ws_lc_re' AND step_id = 'test';
UPDATE workshoppilot.workshop_steps SET status = 'complete', output = '{"v": 5}'
WHERE workshop_id = 'ws_lc_re' AND step_id = 'prototype';
SELECT step_id, status, output FROM lc_steps WHERE workshop_id = 'ws_lc_re';
-- a status change alone (no output change) cascades nothing
UPDATE workshoppilot.workshop_steps SET status = 'complete'
WHERE workshop_id = 'ws_lc_re' AND step_id = 'test';
UPDATE workshoppilot.workshop_steps SET status = 'in_progress'
WHERE workshop_id = 'ws_lc_re' AND step_id = 'define';
SELECT step_id, status FROM lc_steps WHERE workshop_id = 'ws_lc_re';
-- an in_progress step's output may change freely
UPDATE workshoppilot.workshop_steps SET output = '{"draft": true}'
WHERE workshop_id = 'ws_lc_re' AND step_id = 'define';
SELECT step_id, status FROM lc_steps WHERE workshop_id = 'ws_lc_re' AND status <> 'not_started';

--
-- Workshop status follows the steps.
--
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
VALUES ('ws_lc_ws', 'user_lc', 'Status', 'workshop status');
CREATE TEMP TABLE lc_ws AS
SELECT xmin::text AS row_version, * FROM workshoppilot.workshops WHERE id = 'ws_lc_ws';
-- inserting not_started rows keeps draft and does not touch the workshop row
INSERT INTO workshoppilot.workshop_steps (workshop_id, step_id)
SELECT 'ws_lc_ws', id FROM workshoppilot.step_definitions;
SELECT count(*) AS workshop_row_changed FROM (
	SELECT xmin::text AS row_version, * FROM workshoppilot.workshops WHERE id = 'ws_lc_ws'
	EXCEPT SELECT * FROM lc_ws) c;
-- draft -> active when a step leaves not_started
UPDATE workshoppilot.workshop_steps SET status = 'in_progress'
WHERE workshop_id = 'ws_lc_ws' AND step_id = 'empathize';
SELECT status FROM workshoppilot.workshops WHERE id = 'ws_lc_ws';
-- further step changes that leave the status as it is do not write the workshop row
TRUNCATE lc_ws;
INSERT INTO lc_ws SELECT xmin::text AS row_version, * FROM workshoppilot.workshops WHERE id = 'ws_lc_ws';
UPDATE workshoppilot.workshop_steps SET status = 'complete'
WHERE workshop_id = 'ws_lc_ws' AND step_id IN ('empathize', 'define');
UPDATE workshoppilot.workshop_steps SET status = 'in_progress'
WHERE workshop_id = 'ws_lc_ws' AND step_id = 'ideate';
SELECT count(*) AS workshop_row_changed FROM (
	SELECT xmin::text AS row_version, * FROM workshoppilot.workshops WHERE id = 'ws_lc_ws'
	EXCEPT SELECT * FROM lc_ws) c;
-- active -> completed when every step is complete
UPDATE workshoppilot.workshop_steps SET status = 'complete' WHERE workshop_id = 'ws_lc_ws';
SELECT status FROM workshoppilot.workshops WHERE id = 'ws_lc_ws';
-- completed -> active when a step is reopened
UPDATE workshoppilot.workshop_steps SET status = 'in_progress'
WHERE workshop_id = 'ws_lc_ws' AND step_id = 'spec';
SELECT status FROM workshoppilot.workshops WHERE id = 'ws_lc_ws';
UPDATE workshoppilot.workshop_steps SET status = 'complete'
WHERE workshop_id = 'ws_lc_ws' AND step_id = 'spec';
SELECT status FROM workshoppilot.workshops WHERE id = 'ws_lc_ws';
-- ... or when a re-edit sends later steps back to needs_regeneration
UPDATE workshoppilot.workshop_steps SET output = '{"new": true}'
WHERE workshop_id = 'ws_lc_ws' AND step_id = 'story';
SELECT w.status, workshoppilot.current_step(w.id)
FROM workshoppilot.workshops w WHERE id = 'ws_lc_ws';
UPDATE workshoppilot.workshop_steps SET status = 'complete'
WHERE workshop_id = 'ws_lc_ws' AND step_id = 'pack';
SELECT status FROM workshoppilot.workshops WHERE id = 'ws_lc_ws';
-- ... or when a complete step's row is deleted
DELETE FROM workshoppilot.workshop_steps WHERE workshop_id = 'ws_lc_ws' AND step_id = 'pack';
SELECT status FROM workshoppilot.workshops WHERE id = 'ws_lc_ws';
-- a draft workshop whose steps arrive all complete ends completed
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
VALUES ('ws_lc_all', 'user_lc', 'All', 'all at once');
INSERT INTO workshoppilot.workshop_steps (workshop_id, step_id, status)
SELECT 'ws_lc_all', id, 'complete' FROM workshoppilot.step_definitions;
SELECT status FROM workshoppilot.workshops WHERE id = 'ws_lc_all';

-- paused is set and cleared only by the user: step changes leave it paused
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea, status)
VALUES ('ws_lc_pause', 'user_lc', 'Paused', 'paused workshop', 'paused');
INSERT INTO workshoppilot.workshop_steps (workshop_id, step_id, status)
SELECT 'ws_lc_pause', id, 'in_progress' FROM workshoppilot.step_definitions;
SELECT status FROM workshoppilot.workshops WHERE id = 'ws_lc_pause';
UPDATE workshoppilot.workshop_steps SET status = 'complete' WHERE workshop_id = 'ws_lc_pause';
SELECT status FROM workshoppilot.workshops WHERE id = 'ws_lc_pause';
UPDATE workshoppilot.workshop_steps SET status = 'in_progress'
WHERE workshop_id = 'ws_lc_pause' AND step_id = 'pack';
SELECT status, workshoppilot.current_step(id) FROM workshoppilot.workshops WHERE id = 'ws_lc_pause';
-- the user resumes it; the steps take over again
UPDATE workshoppilot.workshops SET status = 'active' WHERE id = 'ws_lc_pause';
SELECT (workshoppilot.complete_step('ws_lc_pause', 'pack', '{"pack": 1}')).status;
SELECT status FROM workshoppilot.workshops WHERE id = 'ws_lc_pause';

-- an UPDATE that moves a complete row to another workshop counts as a
-- delete (the completed workshop reopens) plus an insert (the draft one
-- becomes active)
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
VALUES ('ws_lc_move', 'user_lc', 'Move', 'receives a row');
UPDATE workshoppilot.workshop_steps SET workshop_id = 'ws_lc_move'
WHERE workshop_id = 'ws_lc_all' AND step_id = 'pack';
SELECT id, status, workshoppilot.current_step(id) FROM workshoppilot.workshops
WHERE id IN ('ws_lc_all', 'ws_lc_move') ORDER BY id;

--
-- Restoring consistent data (what pg_dump/pg_restore does: COPY of the
-- workshops, then of their step rows, statuses and timestamps as they were)
-- modifies no row.
--
CREATE TEMP TABLE lc_dump_ws AS
SELECT * FROM workshoppilot.workshops WHERE id LIKE 'ws\_lc\_%';
CREATE TEMP TABLE lc_dump_steps AS
SELECT * FROM workshoppilot.workshop_steps WHERE workshop_id LIKE 'ws\_lc\_%';
SELECT status, count(*) FROM lc_dump_ws GROUP BY status ORDER BY status;
DELETE FROM workshoppilot.workshops WHERE id LIKE 'ws\_lc\_%';
\copy lc_dump_ws TO '/tmp/wp_lc_ws.copy'
\copy lc_dump_steps TO '/tmp/wp_lc_steps.copy'
\copy workshoppilot.workshops FROM '/tmp/wp_lc_ws.copy'
\copy workshoppilot.workshop_steps FROM '/tmp/wp_lc_steps.copy'
SELECT (SELECT count(*) FROM (TABLE lc_dump_ws EXCEPT
		SELECT * FROM workshoppilot.workshops WHERE id LIKE 'ws\_lc\_%') a) AS workshops_differing,
	   (SELECT count(*) FROM (TABLE lc_dump_steps EXCEPT
		SELECT * FROM workshoppilot.workshop_steps WHERE workshop_id LIKE 'ws\_lc\_%') b) AS steps_differing,
	   (SELECT count(*) FROM workshoppilot.workshop_steps WHERE workshop_id LIKE 'ws\_lc\_%') AS steps;

-- deleting a workshop deletes its steps (complete ones included) cleanly
DELETE FROM workshoppilot.workshops WHERE id LIKE 'ws\_lc\_%';
SELECT count(*) AS left_over FROM workshoppilot.workshop_steps WHERE workshop_id LIKE 'ws\_lc\_%';

--
-- Error paths of the trigger functions
--
CREATE TEMP TABLE lc_misuse (id int, status text, workshop_id text);
-- the lifecycle function needs BEFORE/AFTER row triggers: 39P01
CREATE TRIGGER bad_statement BEFORE INSERT ON lc_misuse
	FOR EACH STATEMENT EXECUTE FUNCTION workshoppilot.workshop_steps_lifecycle();
INSERT INTO lc_misuse VALUES (1, 'complete', 'w');
\echo :LAST_ERROR_SQLSTATE
DROP TRIGGER bad_statement ON lc_misuse;
CREATE TRIGGER bad_delete BEFORE DELETE ON lc_misuse
	FOR EACH ROW EXECUTE FUNCTION workshoppilot.workshop_steps_lifecycle();
INSERT INTO lc_misuse VALUES (1, 'complete', 'w');
DELETE FROM lc_misuse;
\echo :LAST_ERROR_SQLSTATE
DROP TRIGGER bad_delete ON lc_misuse;
CREATE VIEW lc_misuse_view AS SELECT * FROM lc_misuse;
CREATE TRIGGER bad_instead INSTEAD OF INSERT ON lc_misuse_view
	FOR EACH ROW EXECUTE FUNCTION workshoppilot.workshop_steps_lifecycle();
INSERT INTO lc_misuse_view VALUES (2, 'complete', 'w');
\echo :LAST_ERROR_SQLSTATE
DROP VIEW lc_misuse_view;
-- on a table without the needed columns: 09000
CREATE TRIGGER lifecycle BEFORE UPDATE ON lc_misuse
	FOR EACH ROW EXECUTE FUNCTION workshoppilot.workshop_steps_lifecycle();
UPDATE lc_misuse SET status = 'in_progress';
\echo :LAST_ERROR_SQLSTATE
DROP TRIGGER lifecycle ON lc_misuse;
CREATE TRIGGER lifecycle_after AFTER UPDATE ON lc_misuse
	FOR EACH ROW EXECUTE FUNCTION workshoppilot.workshop_steps_lifecycle();
UPDATE lc_misuse SET status = 'in_progress';
\echo :LAST_ERROR_SQLSTATE
DROP TRIGGER lifecycle_after ON lc_misuse;
-- the invalidation trigger must be AFTER ... FOR EACH STATEMENT: 39P01
CREATE TRIGGER bad_row AFTER INSERT ON lc_misuse
	FOR EACH ROW EXECUTE FUNCTION workshoppilot.step_definitions_invalidate();
INSERT INTO lc_misuse VALUES (3, 'x', 'w');
\echo :LAST_ERROR_SQLSTATE
DROP TRIGGER bad_row ON lc_misuse;
CREATE TRIGGER bad_before BEFORE INSERT ON lc_misuse
	FOR EACH STATEMENT EXECUTE FUNCTION workshoppilot.step_definitions_invalidate();
INSERT INTO lc_misuse VALUES (3, 'x', 'w');
\echo :LAST_ERROR_SQLSTATE
DROP TABLE lc_misuse;
-- trigger functions called directly: 39P01
SELECT workshoppilot.workshop_steps_lifecycle();
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.step_definitions_invalidate();
\echo :LAST_ERROR_SQLSTATE
\! rm -f /tmp/wp_lc_ws.copy /tmp/wp_lc_steps.copy
