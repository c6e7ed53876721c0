-- plan_cap: workshoppilot.max_workshops_per_user for plain INSERTs,
-- create_workshop and owner changes.
SET timezone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
\set SHOW_CONTEXT never
\set VERBOSITY default

-- the settings exist once the library is loaded in the session (any use of
-- the extension loads it; a SET made before is kept)
SELECT workshoppilot.is_cuid2('ws_ab', 'ws') AS loaded;
-- unset (0) means no cap
SHOW workshoppilot.max_workshops_per_user;
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
SELECT 'ws_cap_' || g, 'user_cap', 't', 'i' FROM generate_series(1, 3) g;

-- a cap for one transaction
BEGIN;
SET LOCAL workshoppilot.max_workshops_per_user = 4;
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
VALUES ('ws_cap_4', 'user_cap', 't', 'i');
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
VALUES ('ws_cap_5', 'user_cap', 't', 'i');
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
SHOW workshoppilot.max_workshops_per_user;

-- plain INSERT, create_workshop, a multi-row INSERT and a change of owner
SET workshoppilot.max_workshops_per_user = 3;
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
VALUES ('ws_cap_4', 'user_cap', 't', 'i');
SELECT id FROM workshoppilot.create_workshop('user_cap', 't', 'i');
SELECT (workshoppilot.create_workshop('user_cap2', 'first', 'i')).id IS NOT NULL AS created;
INSERT INTO workshoppilot.workshops (clerk_user_id, title, original_idea)
SELECT 'user_cap2', 'more', 'i' FROM generate_series(1, 3);
SELECT count(*) AS user_cap2_workshops FROM workshoppilot.workshops WHERE clerk_user_id = 'user_cap2';
INSERT INTO workshoppilot.workshops (clerk_user_id, title, original_idea)
SELECT 'user_cap2', 'more', 'i' FROM generate_series(1, 2);
SELECT count(*) AS user_cap2_workshops FROM workshoppilot.workshops WHERE clerk_user_id = 'user_cap2';
UPDATE workshoppilot.workshops SET clerk_user_id = 'user_cap' WHERE clerk_user_id = 'user_cap2' AND title = 'more';
-- updates that do not change the owner are not counted
UPDATE workshoppilot.workshops SET title = 'renamed', clerk_user_id = clerk_user_id WHERE clerk_user_id = 'user_cap';
-- a lower cap does not touch what users already own
SET workshoppilot.max_workshops_per_user = 1;
SELECT count(*) AS user_cap_workshops FROM workshoppilot.workshops WHERE clerk_user_id = 'user_cap';
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
VALUES ('ws_cap_x', 'user_cap', 't', 'i');
-- deleting one makes room
SET workshoppilot.max_workshops_per_user = 3;
DELETE FROM workshoppilot.workshops WHERE id = 'ws_cap_3';
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
VALUES ('ws_cap_3b', 'user_cap', 't', 'i');
-- a cap per role: it applies from the next session of that role
CREATE ROLE wp_cap_role;
ALTER ROLE wp_cap_role SET workshoppilot.max_workshops_per_user = 2;
SELECT rolname, setconfig FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole WHERE rolname = 'wp_cap_role';
DROP ROLE wp_cap_role;
RESET workshoppilot.max_workshops_per_user;
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
VALUES ('ws_cap_9', 'user_cap', 't', 'i');

-- the setting's range
SET workshoppilot.max_workshops_per_user = -1;
SET workshoppilot.max_workshops_per_user = 'many';

-- the index the count reads is missing, or is another table's
BEGIN;
SET LOCAL workshoppilot.max_workshops_per_user = 5;
ALTER INDEX workshoppilot.workshops_clerk_user_id_idx RENAME TO workshops_clerk_user_id_idx_old;
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea) VALUES ('ws_cap_i', 'user_cap_i', 't', 'i');
ROLLBACK;
BEGIN;
SET LOCAL workshoppilot.max_workshops_per_user = 5;
ALTER INDEX workshoppilot.workshops_clerk_user_id_idx RENAME TO workshops_clerk_user_id_idx_old;
CREATE INDEX workshops_clerk_user_id_idx ON workshoppilot.sessions (workshop_id);
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea) VALUES ('ws_cap_i', 'user_cap_i', 't', 'i');
ROLLBACK;

-- the trigger function called or attached wrongly
SELECT workshoppilot.workshops_plan_cap();
CREATE TABLE cap_bad (id int, owner text);
CREATE TRIGGER t BEFORE INSERT ON cap_bad FOR EACH ROW EXECUTE FUNCTION workshoppilot.workshops_plan_cap();
INSERT INTO cap_bad VALUES (1, 'x');
SET workshoppilot.max_workshops_per_user = 1;
INSERT INTO cap_bad VALUES (1, 'x');
DROP TRIGGER t ON cap_bad;
CREATE TRIGGER t2 AFTER INSERT ON cap_bad FOR EACH ROW EXECUTE FUNCTION workshoppilot.workshops_plan_cap();
INSERT INTO cap_bad VALUES (1, 'x');
RESET workshoppilot.max_workshops_per_user;
DROP TABLE cap_bad;

DELETE FROM workshoppilot.workshops WHERE clerk_user_id IN ('user_cap', 'user_cap2');
