--
-- drop_guard: DROP EXTENSION / DROP SCHEMA / DROP TABLE / DROP OWNED that
-- would delete workshops are refused (55000) unless the session sets
-- workshoppilot.allow_drop_with_data = on; every other command is untouched.
-- Runs in a scratch database so the extension can really be dropped.
--
SET client_min_messages = warning;
\set regress_db :DBNAME
CREATE DATABASE wp_drop_guard_scratch;
\c wp_drop_guard_scratch
SET client_min_messages = warning;
SET timezone = 'UTC';
CREATE EXTENSION workshoppilot;

-- the event trigger and what it fires on
SELECT evtname, evtevent, evtenabled, evttags, evtfoid::regprocedure
  FROM pg_event_trigger ORDER BY evtname;
SHOW workshoppilot.allow_drop_with_data;

-- no workshops: the drop just works (and the extension comes back)
DROP EXTENSION workshoppilot;
CREATE EXTENSION workshoppilot;
SELECT count(*) AS step_definitions FROM workshoppilot.step_definitions;

-- with workshops, every way of dropping them is refused
SELECT title FROM workshoppilot.create_workshop('user_1', 'Dog walking', 'Walkers on demand');
INSERT INTO workshoppilot.workshops (clerk_user_id, title, original_idea)
VALUES ('user_2', 'Second', 'idea'), ('user_3', 'Third', 'idea');
\set VERBOSITY default
DROP EXTENSION workshoppilot;
\echo :LAST_ERROR_SQLSTATE
DROP EXTENSION workshoppilot CASCADE;
DROP EXTENSION IF EXISTS hstore, workshoppilot;
DROP SCHEMA workshoppilot CASCADE;
\echo :LAST_ERROR_SQLSTATE
DROP SCHEMA workshoppilot;
DROP TABLE workshoppilot.workshops CASCADE;
DROP TABLE workshoppilot.sessions;
\echo :LAST_ERROR_SQLSTATE
SET search_path = workshoppilot, public;
DROP TABLE IF EXISTS public.nothing_here, build_packs;
RESET search_path;
-- the guard itself cannot be dropped on its own (it is a member of the
-- extension), and only a superuser can disable it
DROP EVENT TRIGGER workshoppilot_drop_guard;
\echo :LAST_ERROR_SQLSTATE

-- a refused drop changed nothing
SELECT count(*) AS workshops, (SELECT count(*) FROM workshoppilot.workshop_members) AS members
  FROM workshoppilot.workshops;
SELECT extversion FROM pg_extension WHERE extname = 'workshoppilot';

-- the app's hard delete is not affected
DELETE FROM workshoppilot.workshops WHERE title = 'Third';
SELECT count(*) AS workshops FROM workshoppilot.workshops;

-- the guard is invisible to every other DDL: the app's own migrations,
-- other extensions, unrelated schemas and tables
CREATE SCHEMA app;
CREATE TABLE app.notes (id serial PRIMARY KEY, workshop_id text REFERENCES workshoppilot.workshops (id), body text);
INSERT INTO app.notes (workshop_id, body) SELECT id, 'note' FROM workshoppilot.workshops;
ALTER TABLE app.notes ADD COLUMN created_at timestamptz DEFAULT now();
CREATE INDEX ON app.notes (workshop_id);
CREATE TABLE public.scratch (a int);
INSERT INTO public.scratch VALUES (1);
DROP TABLE public.scratch;
CREATE EXTENSION hstore SCHEMA app;
CREATE TABLE app.props (h app.hstore);
DROP EXTENSION hstore CASCADE;
DROP TABLE app.notes;
DROP SCHEMA app CASCADE;
CREATE TEMP TABLE workshops (id text);
DROP TABLE workshops;
SELECT count(*) AS workshops FROM workshoppilot.workshops;

-- the confirmation, in a transaction that is rolled back, then SET LOCAL
BEGIN;
SET LOCAL workshoppilot.allow_drop_with_data = on;
DROP SCHEMA workshoppilot CASCADE;
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
BEGIN;
SET LOCAL workshoppilot.allow_drop_with_data = on;
DROP EXTENSION workshoppilot;
ROLLBACK;
-- SET LOCAL ended with its transaction: refused again
DROP EXTENSION workshoppilot;
SELECT count(*) AS workshops FROM workshoppilot.workshops;

-- DROP OWNED BY the role that installed the extension (a plain database
-- owner, as on Neon), and a role that may not read the workshops
SET workshoppilot.allow_drop_with_data = on;
DROP EXTENSION workshoppilot;
RESET workshoppilot.allow_drop_with_data;
CREATE ROLE wp_guard_owner;
CREATE ROLE wp_guard_stranger;
GRANT CREATE ON DATABASE wp_drop_guard_scratch TO wp_guard_owner;
SET ROLE wp_guard_owner;
CREATE EXTENSION workshoppilot;
SELECT title FROM workshoppilot.create_workshop('user_1', 'Owned', 'idea');
DROP OWNED BY wp_guard_owner;
DROP OWNED BY CURRENT_USER;
DROP EXTENSION workshoppilot;
ALTER EVENT TRIGGER workshoppilot_drop_guard DISABLE;
\echo :LAST_ERROR_SQLSTATE
SET ROLE wp_guard_stranger;
DROP EXTENSION workshoppilot;
DROP OWNED BY wp_guard_stranger;
SET ROLE wp_guard_owner;
SET workshoppilot.allow_drop_with_data = on;
SET client_min_messages = error;
DROP OWNED BY wp_guard_owner;
SET client_min_messages = warning;
RESET ROLE;
RESET workshoppilot.allow_drop_with_data;
SELECT count(*) AS extensions FROM pg_extension WHERE extname = 'workshoppilot';
SELECT count(*) AS event_triggers FROM pg_event_trigger;
REVOKE CREATE ON DATABASE wp_drop_guard_scratch FROM wp_guard_owner;
DROP ROLE wp_guard_owner;
DROP ROLE wp_guard_stranger;

-- the event trigger function is not callable
CREATE EXTENSION workshoppilot;
SELECT workshoppilot.drop_guard();

\c :regress_db
DROP DATABASE wp_drop_guard_scratch;
