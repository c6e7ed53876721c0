-- health: workshoppilot.health() on a sound installation and on each kind of
-- damage it reports (each made inside a transaction and rolled back).
SET timezone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
\set SHOW_CONTEXT never
\set VERBOSITY default

-- a sound installation
SELECT h->>'status' AS status, h->>'extension_version' AS extension_version,
       h->>'library_version' AS library_version,
       (h->>'server_version_num')::int = current_setting('server_version_num')::int AS server_version_num,
       h->'step_definitions' AS step_definitions, h->'checks' AS checks,
       (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(h) k) AS keys
  FROM workshoppilot.health() h;

-- the triggers it expects are exactly the extension's triggers (a trigger
-- added without updating the list in src/health.c shows up here)
SELECT c.relname, t.tgname, t.tgenabled, pg_get_triggerdef(t.oid) ~ ' WHEN ' AS has_when
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
 WHERE c.relnamespace = 'workshoppilot'::regnamespace AND NOT t.tgisinternal
 ORDER BY c.relname, t.tgname;

-- the library and the installed SQL differ (after make install of a new
-- version without ALTER EXTENSION ... UPDATE)
BEGIN;
UPDATE pg_extension SET extversion = '0.1.0' WHERE extname = 'workshoppilot';
SELECT h->>'status' AS status, h->>'extension_version' AS extension_version, jsonb_pretty(h->'checks') AS checks
  FROM workshoppilot.health() h;
ROLLBACK;

-- a shipped step definition is missing (an operator-added one is counted)
BEGIN;
SET LOCAL workshoppilot.validate_step_outputs = off;
DELETE FROM workshoppilot.step_definitions WHERE id IN ('pack', 'story');
INSERT INTO workshoppilot.step_definitions (id, "order", name, description) VALUES ('retro', 11, 'Retro', 'Look back.');
SELECT h->>'status' AS status, h->'step_definitions' AS step_definitions, jsonb_pretty(h->'checks') AS checks
  FROM workshoppilot.health() h;
ROLLBACK;

-- a trigger disabled, one replica-only, one dropped
BEGIN;
ALTER TABLE workshoppilot.workshop_steps DISABLE TRIGGER lifecycle_after;
ALTER TABLE workshoppilot.workshops ENABLE REPLICA TRIGGER fill_share_token;
DROP TRIGGER keep_owner ON workshoppilot.workshop_members;
SELECT h->>'status' AS status, jsonb_pretty(h->'checks') AS checks FROM workshoppilot.health() h;
ROLLBACK;
-- ENABLE ALWAYS counts as enabled
BEGIN;
ALTER TABLE workshoppilot.workshops ENABLE ALWAYS TRIGGER plan_cap;
SELECT workshoppilot.health()->>'status' AS status;
ROLLBACK;

-- the drop guard event trigger disabled, firing only on replicas, or
-- dropped (each after a sound answer was kept: the change drops it)
SELECT workshoppilot.health()->>'status' AS status;
BEGIN;
ALTER EVENT TRIGGER workshoppilot_drop_guard DISABLE;
SELECT h->>'status' AS status, jsonb_pretty(h->'checks') AS checks FROM workshoppilot.health() h;
ALTER EVENT TRIGGER workshoppilot_drop_guard ENABLE REPLICA;
SELECT h->>'status' AS status, jsonb_pretty(h->'checks') AS checks FROM workshoppilot.health() h;
ALTER EVENT TRIGGER workshoppilot_drop_guard ENABLE;
SELECT h->>'status' AS status, jsonb_pretty(h->'checks') AS checks FROM workshoppilot.health() h;
ALTER EXTENSION workshoppilot DROP EVENT TRIGGER workshoppilot_drop_guard;
DROP EVENT TRIGGER workshoppilot_drop_guard;
SELECT h->>'status' AS status, jsonb_pretty(h->'checks') AS checks FROM workshoppilot.health() h;
ROLLBACK;
SELECT workshoppilot.health()->>'status' AS status;

-- a table of the extension is gone
BEGIN;
ALTER TABLE workshoppilot.build_packs RENAME TO build_packs_old;
SELECT h->>'status' AS status, jsonb_pretty(h->'checks') AS checks FROM workshoppilot.health() h;
ROLLBACK;

-- health() reads with AccessShareLock only (catalogs and step_definitions)
-- and releases each at once: it holds no lock once it returns (that it does
-- not wait for the app's writes is the isolation spec health_no_wait)
BEGIN;
SELECT workshoppilot.health()->>'status' AS status;
SELECT DISTINCT l.mode, l.relation::regclass::text AS relation
  FROM pg_locks l
 WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation'
   AND l.relation IS NOT NULL AND l.relation <> 'pg_locks'::regclass
 ORDER BY 2;
ROLLBACK;

-- labels
SELECT provolatile, proparallel, proisstrict FROM pg_proc WHERE oid = 'workshoppilot.health()'::regprocedure;

-- health() counts the rows of step_definitions: a role that may not read
-- that table is refused (42501), cached answer or not
CREATE ROLE regress_health_nobody;
GRANT USAGE ON SCHEMA workshoppilot TO regress_health_nobody;
SELECT h->>'status' AS status FROM workshoppilot.health() h;
SET ROLE regress_health_nobody;
SELECT workshoppilot.health();
RESET ROLE;
REVOKE USAGE ON SCHEMA workshoppilot FROM regress_health_nobody;
DROP ROLE regress_health_nobody;
