--
-- write_path: the lifecycle trigger reads and locks the workshop directly
-- (src/lookup.c) when the writing role may SELECT and UPDATE workshops and
-- no row-level security applies; otherwise it runs the plain queries, so
-- privileges and policies act exactly as they did on those queries.  Both
-- paths give the same results.
--
CREATE ROLE wp_wpath_steps;
GRANT USAGE ON SCHEMA workshoppilot TO wp_wpath_steps;
GRANT SELECT, INSERT, UPDATE, DELETE ON workshoppilot.workshop_steps TO wp_wpath_steps;
GRANT SELECT, REFERENCES ON workshoppilot.workshops, workshoppilot.step_definitions TO wp_wpath_steps;
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
VALUES ('ws_wpath', 'user_wpath', 'Write path', 'an idea');

-- direct path (the test's superuser): draft -> active, -> completed, reopened
INSERT INTO workshoppilot.workshop_steps (workshop_id, step_id, status)
SELECT 'ws_wpath', id, 'complete' FROM workshoppilot.step_definitions WHERE "order" < 10;
SELECT status FROM workshoppilot.workshops WHERE id = 'ws_wpath';
INSERT INTO workshoppilot.workshop_steps (workshop_id, step_id, status)
SELECT 'ws_wpath', id, 'complete' FROM workshoppilot.step_definitions WHERE "order" = 10;
SELECT status FROM workshoppilot.workshops WHERE id = 'ws_wpath';
UPDATE workshoppilot.workshop_steps SET status = 'in_progress'
WHERE workshop_id = 'ws_wpath' AND step_id = (SELECT id FROM workshoppilot.step_definitions WHERE "order" = 10);
SELECT status FROM workshoppilot.workshops WHERE id = 'ws_wpath';

-- a role without UPDATE on workshops: the lock query's own error, 42501
SET ROLE wp_wpath_steps;
\set VERBOSITY default
UPDATE workshoppilot.workshop_steps SET status = 'complete'
WHERE workshop_id = 'ws_wpath' AND step_id = (SELECT id FROM workshoppilot.step_definitions WHERE "order" = 10);
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY terse
-- writes that cannot change the workshop need no privilege on it
UPDATE workshoppilot.workshop_steps SET status = 'in_progress'
WHERE workshop_id = 'ws_wpath' AND step_id = (SELECT id FROM workshoppilot.step_definitions WHERE "order" = 10);
RESET ROLE;

-- row-level security on workshops: the plain queries run, policies apply
GRANT UPDATE ON workshoppilot.workshops TO wp_wpath_steps;
ALTER TABLE workshoppilot.workshops ENABLE ROW LEVEL SECURITY;
CREATE POLICY wp_wpath_none ON workshoppilot.workshops USING (clerk_user_id = 'nobody');
SET ROLE wp_wpath_steps;
-- the workshop is invisible to the lock query: its status stays as it is
UPDATE workshoppilot.workshop_steps SET status = 'complete'
WHERE workshop_id = 'ws_wpath' AND step_id = (SELECT id FROM workshoppilot.step_definitions WHERE "order" = 10);
RESET ROLE;
SELECT status FROM workshoppilot.workshops WHERE id = 'ws_wpath';
CREATE POLICY wp_wpath_own ON workshoppilot.workshops USING (clerk_user_id = 'user_wpath');
SET ROLE wp_wpath_steps;
-- visible through a policy: reopened (the workshop was still active), then completed
UPDATE workshoppilot.workshop_steps SET status = 'in_progress'
WHERE workshop_id = 'ws_wpath' AND step_id = (SELECT id FROM workshoppilot.step_definitions WHERE "order" = 10);
SELECT status FROM workshoppilot.workshops WHERE id = 'ws_wpath';
UPDATE workshoppilot.workshop_steps SET status = 'complete'
WHERE workshop_id = 'ws_wpath' AND step_id = (SELECT id FROM workshoppilot.step_definitions WHERE "order" = 10);
SELECT status FROM workshoppilot.workshops WHERE id = 'ws_wpath';
RESET ROLE;

-- step rows read page by page (src/lookup.c, mark_complete_heap): every
-- status change is a non-HOT update, so the workshop's index entries (up to
-- 610, more than the 64 of the first buffer) point at dead versions over
-- several heap pages; one version per step is visible
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
VALUES ('ws_wpath_pages', 'user_wpath', 'Pages', 'an idea');
INSERT INTO workshoppilot.workshop_steps (workshop_id, step_id)
SELECT 'ws_wpath_pages', id FROM workshoppilot.step_definitions;
DO $$
BEGIN
	FOR i IN 1..30 LOOP
		UPDATE workshoppilot.workshop_steps SET status = 'complete' WHERE workshop_id = 'ws_wpath_pages';
		UPDATE workshoppilot.workshop_steps SET status = 'in_progress' WHERE workshop_id = 'ws_wpath_pages';
	END LOOP;
END $$;
UPDATE workshoppilot.workshop_steps SET status = 'complete'
WHERE workshop_id = 'ws_wpath_pages'
  AND step_id IN (SELECT id FROM workshoppilot.step_definitions WHERE "order" <= 4);
SELECT workshoppilot.current_step('ws_wpath_pages') = (SELECT id FROM workshoppilot.step_definitions WHERE "order" = 5) AS current_ok,
       (workshoppilot.workshop_progress('ws_wpath_pages')).completed,
       (SELECT count(DISTINCT (ctid::text::point)[0]) FROM workshoppilot.workshop_steps) > 1 AS several_pages;
UPDATE workshoppilot.workshop_steps SET status = 'complete' WHERE workshop_id = 'ws_wpath_pages';
SELECT workshoppilot.current_step('ws_wpath_pages'), status FROM workshoppilot.workshops WHERE id = 'ws_wpath_pages';
DELETE FROM workshoppilot.workshops WHERE id = 'ws_wpath_pages';

DROP POLICY wp_wpath_none ON workshoppilot.workshops;
DROP POLICY wp_wpath_own ON workshoppilot.workshops;
ALTER TABLE workshoppilot.workshops DISABLE ROW LEVEL SECURITY;
DELETE FROM workshoppilot.workshops WHERE id = 'ws_wpath';
REVOKE ALL ON workshoppilot.workshops, workshoppilot.step_definitions, workshoppilot.workshop_steps FROM wp_wpath_steps;
REVOKE ALL ON SCHEMA workshoppilot FROM wp_wpath_steps;
DROP ROLE wp_wpath_steps;

-- The workshop lock: a workshop row version this transaction wrote, locked
-- by nobody else, is not locked again (nobody else can lock it first); its
-- only lock stays the FOR KEY SHARE of this transaction's own foreign key
-- checks.  A workshop committed before the transaction is locked FOR NO KEY
-- UPDATE as before.
CREATE EXTENSION pgrowlocks;
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea, status)
VALUES ('ws_wpath_old', 'user_wpath', 'Old', 'an idea', 'active');
INSERT INTO workshoppilot.workshop_steps (workshop_id, step_id) VALUES ('ws_wpath_old', 'empathize');
BEGIN;
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea, status)
VALUES ('ws_wpath_new', 'user_wpath', 'New', 'an idea', 'active');
INSERT INTO workshoppilot.workshop_steps (workshop_id, step_id)
SELECT 'ws_wpath_new', id FROM workshoppilot.step_definitions;
UPDATE workshoppilot.workshop_steps SET status = 'in_progress'
WHERE step_id = 'empathize' AND workshop_id IN ('ws_wpath_new', 'ws_wpath_old');
SELECT w.id, w.status, l.modes
FROM workshoppilot.workshops w JOIN pgrowlocks('workshoppilot.workshops') l ON l.locked_row = w.ctid
WHERE w.id LIKE 'ws_wpath_%' ORDER BY w.id;
-- the rules hold on the unlocked path, also on the version the status
-- write made: every step complete -> completed, one reopened -> active
UPDATE workshoppilot.workshop_steps SET status = 'complete' WHERE workshop_id = 'ws_wpath_new';
SELECT id, status FROM workshoppilot.workshops WHERE id = 'ws_wpath_new';
UPDATE workshoppilot.workshop_steps SET status = 'in_progress' WHERE workshop_id = 'ws_wpath_new' AND step_id = 'define';
SELECT id, status FROM workshoppilot.workshops WHERE id = 'ws_wpath_new';
COMMIT;
DELETE FROM workshoppilot.workshops WHERE id IN ('ws_wpath_new', 'ws_wpath_old');
DROP EXTENSION pgrowlocks;

-- The version the lock skip accepted is remembered for the workshop's next
-- step row and checked in full on every use: a status the app wrote, a
-- version rolled back with its savepoint, a TRUNCATE and a workshop made
-- again with the same id are each seen as the probe of workshops_pkey sees
-- them (the trigger reads the workshop's status from it).
BEGIN;
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
VALUES ('ws_wpath_memo', 'user_wpath', 'Memo', 'an idea');
INSERT INTO workshoppilot.workshop_steps (workshop_id, step_id)
SELECT 'ws_wpath_memo', id FROM workshoppilot.step_definitions;
UPDATE workshoppilot.workshop_steps SET status = 'in_progress' WHERE workshop_id = 'ws_wpath_memo' AND step_id = 'empathize';
UPDATE workshoppilot.workshop_steps SET status = 'complete' WHERE workshop_id = 'ws_wpath_memo' AND step_id = 'empathize';
SELECT status FROM workshoppilot.workshops WHERE id = 'ws_wpath_memo';
-- the app pauses it: the next step row leaves it paused
UPDATE workshoppilot.workshops SET status = 'paused' WHERE id = 'ws_wpath_memo';
UPDATE workshoppilot.workshop_steps SET status = 'in_progress' WHERE workshop_id = 'ws_wpath_memo' AND step_id = 'define';
SELECT status FROM workshoppilot.workshops WHERE id = 'ws_wpath_memo';
UPDATE workshoppilot.workshops SET status = 'active' WHERE id = 'ws_wpath_memo';
-- every step complete in a savepoint: completed, then rolled back to active
SAVEPOINT memo;
UPDATE workshoppilot.workshop_steps SET status = 'complete' WHERE workshop_id = 'ws_wpath_memo';
SELECT status FROM workshoppilot.workshops WHERE id = 'ws_wpath_memo';
ROLLBACK TO SAVEPOINT memo;
SELECT status FROM workshoppilot.workshops WHERE id = 'ws_wpath_memo';
UPDATE workshoppilot.workshop_steps SET status = 'complete' WHERE workshop_id = 'ws_wpath_memo' AND step_id = 'define';
SELECT status, (SELECT count(*) FROM workshoppilot.workshop_steps WHERE workshop_id = 'ws_wpath_memo' AND status = 'complete') AS complete
FROM workshoppilot.workshops WHERE id = 'ws_wpath_memo';
-- the workshop made again in a savepoint, rolled back: the first one stays
SAVEPOINT again;
DELETE FROM workshoppilot.workshops WHERE id = 'ws_wpath_memo';
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
VALUES ('ws_wpath_memo', 'user_wpath', 'Memo 2', 'an idea');
INSERT INTO workshoppilot.workshop_steps (workshop_id, step_id) VALUES ('ws_wpath_memo', 'empathize');
UPDATE workshoppilot.workshop_steps SET status = 'in_progress' WHERE workshop_id = 'ws_wpath_memo';
SELECT title, status FROM workshoppilot.workshops WHERE id = 'ws_wpath_memo';
ROLLBACK TO SAVEPOINT again;
UPDATE workshoppilot.workshop_steps SET status = 'in_progress' WHERE workshop_id = 'ws_wpath_memo' AND step_id = 'ideate';
SELECT title, status FROM workshoppilot.workshops WHERE id = 'ws_wpath_memo';
-- TRUNCATE (new storage), then the same id again: a draft that starts
TRUNCATE workshoppilot.workshops CASCADE;
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
VALUES ('ws_wpath_memo', 'user_wpath', 'Memo 3', 'an idea');
INSERT INTO workshoppilot.workshop_steps (workshop_id, step_id) VALUES ('ws_wpath_memo', 'empathize');
SELECT title, status FROM workshoppilot.workshops WHERE id = 'ws_wpath_memo';
UPDATE workshoppilot.workshop_steps SET status = 'in_progress' WHERE workshop_id = 'ws_wpath_memo';
SELECT title, status FROM workshoppilot.workshops WHERE id = 'ws_wpath_memo';
-- a second TRUNCATE empties the same storage in place: the workshop, now in
-- the table's second page, is made again in its first
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
SELECT 'ws_wpath_fill_' || g, 'user_wpath_fill_' || g, 'Fill', 'an idea' FROM generate_series(1, 150) g;
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
VALUES ('ws_wpath_late', 'user_wpath', 'Late', 'an idea');
INSERT INTO workshoppilot.workshop_steps (workshop_id, step_id) VALUES ('ws_wpath_late', 'empathize'), ('ws_wpath_late', 'define');
UPDATE workshoppilot.workshop_steps SET status = 'in_progress' WHERE workshop_id = 'ws_wpath_late' AND step_id = 'empathize';
SELECT (ctid::text::point)[0] > 0 AS second_page FROM workshoppilot.workshops WHERE id = 'ws_wpath_late';
TRUNCATE workshoppilot.workshops CASCADE;
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
VALUES ('ws_wpath_late', 'user_wpath', 'Late again', 'an idea');
INSERT INTO workshoppilot.workshop_steps (workshop_id, step_id) VALUES ('ws_wpath_late', 'empathize'), ('ws_wpath_late', 'define');
UPDATE workshoppilot.workshop_steps SET status = 'in_progress' WHERE workshop_id = 'ws_wpath_late' AND step_id = 'empathize';
UPDATE workshoppilot.workshop_steps SET status = 'in_progress' WHERE workshop_id = 'ws_wpath_late' AND step_id = 'define';
SELECT title, status FROM workshoppilot.workshops WHERE id = 'ws_wpath_late';
ROLLBACK;

-- The remembered version in use: after the first step row the workshop's
-- later rows find it without probing workshops_pkey, and the status read
-- from it decides as the probe's would: the last step complete makes the
-- workshop completed, a reopened step an app-written completed workshop
-- active again.  The probes are counted with pg_stat_get_xact_numscans;
-- the counts include PostgreSQL's own (the foreign key check of each step
-- row inserted in this transaction, one per row, and the UPDATE of the
-- trigger's status writes); the previous library, probing for every row,
-- counts 2, 23 and 3 here.
BEGIN;
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
VALUES ('ws_wpath_hit', 'user_wpath', 'Hit', 'an idea');
INSERT INTO workshoppilot.workshop_steps (workshop_id, step_id)
SELECT 'ws_wpath_hit', id FROM workshoppilot.step_definitions;
UPDATE workshoppilot.workshops SET status = 'active' WHERE id = 'ws_wpath_hit';
UPDATE workshoppilot.workshop_steps SET status = 'in_progress' WHERE workshop_id = 'ws_wpath_hit' AND step_id = 'empathize';
SELECT pg_stat_get_xact_numscans('workshoppilot.workshops_pkey'::regclass) AS probes \gset
UPDATE workshoppilot.workshop_steps SET status = 'in_progress' WHERE workshop_id = 'ws_wpath_hit' AND step_id = 'define';
SELECT pg_stat_get_xact_numscans('workshoppilot.workshops_pkey'::regclass) - :probes AS probes_for_one_row;
UPDATE workshoppilot.workshop_steps SET status = 'complete' WHERE workshop_id = 'ws_wpath_hit';
SELECT pg_stat_get_xact_numscans('workshoppilot.workshops_pkey'::regclass) - :probes AS probes_with_ten_more_rows;
SELECT status FROM workshoppilot.workshops WHERE id = 'ws_wpath_hit';
UPDATE workshoppilot.workshop_steps SET status = 'in_progress' WHERE workshop_id = 'ws_wpath_hit' AND step_id = 'ideate';
SELECT status FROM workshoppilot.workshops WHERE id = 'ws_wpath_hit';
UPDATE workshoppilot.workshop_steps SET status = 'complete' WHERE workshop_id = 'ws_wpath_hit' AND step_id = 'empathize';
UPDATE workshoppilot.workshops SET status = 'completed' WHERE id = 'ws_wpath_hit';
UPDATE workshoppilot.workshop_steps SET status = 'complete' WHERE workshop_id = 'ws_wpath_hit' AND step_id = 'ideate';
SELECT pg_stat_get_xact_numscans('workshoppilot.workshops_pkey'::regclass) AS probes \gset
UPDATE workshoppilot.workshop_steps SET status = 'in_progress' WHERE workshop_id = 'ws_wpath_hit' AND step_id = 'define';
SELECT pg_stat_get_xact_numscans('workshoppilot.workshops_pkey'::regclass) - :probes AS probes_for_the_reopen,
       (SELECT status FROM workshoppilot.workshops WHERE id = 'ws_wpath_hit') AS status;
ROLLBACK;
