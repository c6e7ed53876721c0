-- updated_at: set to the transaction time on every UPDATE, by a C trigger,
-- whatever the client writes.
SET timezone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
\set SHOW_CONTEXT never

INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea, created_at, updated_at)
VALUES ('ws_u1', 'user_1', 'Updated', 'idea', '2020-01-01 00:00:00', '2020-01-01 00:00:00');
INSERT INTO workshoppilot.workshop_steps (id, workshop_id, step_id, created_at, updated_at)
VALUES ('wst_u1', 'ws_u1', 'empathize', '2020-01-01', '2020-01-01');
INSERT INTO workshoppilot.build_packs (id, workshop_id, title, format_type, created_at, updated_at)
VALUES ('bp_u1', 'ws_u1', 'Pack', 'json', '2020-01-01', '2020-01-01');

-- an INSERT keeps the values given
SELECT updated_at FROM workshoppilot.workshops WHERE id = 'ws_u1';

-- every UPDATE sets it to now(), rounded to milliseconds, in the session time zone
BEGIN;
SET LOCAL timezone = 'America/New_York';
UPDATE workshoppilot.workshops SET title = 'Renamed' WHERE id = 'ws_u1'
RETURNING updated_at = now()::timestamp(3) AS is_now, created_at;
-- an explicit value from the client is overwritten with the same kind of value
UPDATE workshoppilot.workshops SET updated_at = '1999-12-31 23:59:59' WHERE id = 'ws_u1'
RETURNING updated_at = now()::timestamp(3) AS is_now;
UPDATE workshoppilot.workshop_steps SET updated_at = '1999-12-31' WHERE id = 'wst_u1'
RETURNING updated_at = now()::timestamp(3) AS is_now, created_at;
UPDATE workshoppilot.build_packs SET title = 'Pack 2' WHERE id = 'bp_u1'
RETURNING updated_at = now()::timestamp(3) AS is_now;
UPDATE workshoppilot.step_definitions SET description = description WHERE id = 'empathize'
RETURNING updated_at = now()::timestamp(3) AS is_now;
COMMIT;
SELECT date_part('milliseconds', updated_at) = round(date_part('milliseconds', updated_at)::numeric, 0)::float8
       AS whole_milliseconds
  FROM workshoppilot.workshops WHERE id = 'ws_u1';

-- within one transaction the value follows the session time zone as it
-- changes (the converted value is remembered per transaction start, zone
-- and column type, never across them)
BEGIN;
SET LOCAL timezone = 'UTC';
UPDATE workshoppilot.workshops SET title = 'Zone 1' WHERE id = 'ws_u1'
RETURNING updated_at = now()::timestamp(3) AS is_now;
SET LOCAL timezone = 'Asia/Tokyo';
UPDATE workshoppilot.workshops SET title = 'Zone 2' WHERE id = 'ws_u1'
RETURNING updated_at = now()::timestamp(3) AS is_now,
          updated_at - (now() AT TIME ZONE 'UTC')::timestamp(3) AS ahead_of_utc;
UPDATE workshoppilot.workshop_steps SET status = 'in_progress' WHERE id = 'wst_u1'
RETURNING started_at = now()::timestamp(3) AS started_now, updated_at = now()::timestamp(3) AS is_now;
SET LOCAL timezone = 'UTC';
UPDATE workshoppilot.workshops SET title = 'Zone 3' WHERE id = 'ws_u1'
RETURNING updated_at = now()::timestamp(3) AS is_now;
ROLLBACK;

-- misuse of the trigger function is reported, not crashed on
CREATE TABLE ts_probe (id int, updated_at timestamp(3), note text, touched timestamptz(0));
CREATE TRIGGER no_args BEFORE UPDATE ON ts_probe FOR EACH ROW EXECUTE FUNCTION workshoppilot.set_updated_at();
INSERT INTO ts_probe VALUES (1, NULL, 'a', NULL);
UPDATE ts_probe SET note = 'b';
\echo :LAST_ERROR_SQLSTATE
DROP TRIGGER no_args ON ts_probe;
CREATE TRIGGER bad_column BEFORE UPDATE ON ts_probe FOR EACH ROW EXECUTE FUNCTION workshoppilot.set_updated_at('modified_at');
UPDATE ts_probe SET note = 'b';
\echo :LAST_ERROR_SQLSTATE
DROP TRIGGER bad_column ON ts_probe;
CREATE TRIGGER bad_type BEFORE UPDATE ON ts_probe FOR EACH ROW EXECUTE FUNCTION workshoppilot.set_updated_at('note');
UPDATE ts_probe SET note = 'b';
\echo :LAST_ERROR_SQLSTATE
DROP TRIGGER bad_type ON ts_probe;
CREATE TRIGGER after_update AFTER UPDATE ON ts_probe FOR EACH ROW EXECUTE FUNCTION workshoppilot.set_updated_at('updated_at');
UPDATE ts_probe SET note = 'b';
\echo :LAST_ERROR_SQLSTATE
DROP TRIGGER after_update ON ts_probe;
CREATE TRIGGER on_insert BEFORE INSERT ON ts_probe FOR EACH ROW EXECUTE FUNCTION workshoppilot.set_updated_at('updated_at');
INSERT INTO ts_probe VALUES (2, NULL, 'c', NULL);
\echo :LAST_ERROR_SQLSTATE
DROP TRIGGER on_insert ON ts_probe;
-- timestamptz columns get the instant, rounded to their precision
CREATE TRIGGER touched BEFORE UPDATE ON ts_probe FOR EACH ROW EXECUTE FUNCTION workshoppilot.set_updated_at('touched');
UPDATE ts_probe SET note = 'd' RETURNING touched = now()::timestamptz(0) AS is_now;
DROP TABLE ts_probe;
SELECT workshoppilot.set_updated_at();
\echo :LAST_ERROR_SQLSTATE

DELETE FROM workshoppilot.workshops WHERE id = 'ws_u1';
