-- sessions: touch_session, end_session, workshop_sessions and the idle timeout.
SET timezone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
\set SHOW_CONTEXT never
\set VERBOSITY default

INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
VALUES ('ws_ses', 'user_ses', 'Sessions', 'work periods'),
       ('ws_ses_paused', 'user_ses', 'Paused', 'paused'),
       ('ws_ses_done', 'user_ses', 'Done', 'completed');
UPDATE workshoppilot.workshops SET status = 'paused' WHERE id = 'ws_ses_paused';
UPDATE workshoppilot.workshops SET status = 'completed' WHERE id = 'ws_ses_done';

-- the default idle timeout, and its units
SHOW workshoppilot.session_idle_timeout;
SET workshoppilot.session_idle_timeout = '90s';
SHOW workshoppilot.session_idle_timeout;
SET workshoppilot.session_idle_timeout = 1500;
SHOW workshoppilot.session_idle_timeout;
SET workshoppilot.session_idle_timeout = 0;
SET workshoppilot.session_idle_timeout = 'soon';
RESET workshoppilot.session_idle_timeout;

-- nothing creates an empty session: no session until the first activity
SELECT count(*) AS sessions FROM workshoppilot.sessions WHERE workshop_id = 'ws_ses';

-- the first activity starts a session and marks the draft workshop active
BEGIN;
SELECT workshoppilot.touch_session('ws_ses') AS first \gset
SELECT workshoppilot.is_cuid2(:'first', 'ses') AS is_session_id;
SELECT started_at = LOCALTIMESTAMP(3) AS started_now, ended_at = started_at AS ended_at_is_last_activity
  FROM workshoppilot.sessions WHERE id = :'first';
SELECT status FROM workshoppilot.workshops WHERE id = 'ws_ses';
-- again in the same transaction: the same session, nothing written
SELECT workshoppilot.touch_session('ws_ses') = :'first' AS same_session;
COMMIT;

-- an activity within the idle timeout extends the open session
UPDATE workshoppilot.sessions SET started_at = started_at - interval '20 min', ended_at = ended_at - interval '10 min'
 WHERE id = :'first';
BEGIN;
SELECT workshoppilot.touch_session('ws_ses') = :'first' AS same_session;
SELECT ended_at = LOCALTIMESTAMP(3) AS extended_to_now, LOCALTIMESTAMP(3) - started_at >= interval '20 min' AS start_kept
  FROM workshoppilot.sessions WHERE id = :'first';
COMMIT;
SELECT count(*) AS sessions FROM workshoppilot.sessions WHERE workshop_id = 'ws_ses';

-- an activity after more than the idle timeout starts a new session; the
-- old one keeps its last activity as its end
UPDATE workshoppilot.sessions SET started_at = started_at - interval '1 hour', ended_at = ended_at - interval '31 min'
 WHERE id = :'first';
SELECT ended_at AS first_end FROM workshoppilot.sessions WHERE id = :'first' \gset
SELECT workshoppilot.touch_session('ws_ses') AS second \gset
SELECT :'second' <> :'first' AS new_session;
SELECT ended_at = :'first_end' AS old_end_kept FROM workshoppilot.sessions WHERE id = :'first';
SELECT count(*) AS sessions FROM workshoppilot.sessions WHERE workshop_id = 'ws_ses';

-- the timeout is the setting of the calling session
UPDATE workshoppilot.sessions SET started_at = started_at - interval '10 min', ended_at = ended_at - interval '10 min'
 WHERE id = :'second';
SET workshoppilot.session_idle_timeout = '15min';
SELECT workshoppilot.touch_session('ws_ses') = :'second' AS same_session_at_15min;
UPDATE workshoppilot.sessions SET started_at = started_at - interval '10 min', ended_at = ended_at - interval '10 min'
 WHERE id = :'second';
SET workshoppilot.session_idle_timeout = '5min';
SELECT workshoppilot.touch_session('ws_ses') <> :'second' AS new_session_at_5min;
RESET workshoppilot.session_idle_timeout;

-- sessions never overlap, and the durations add up to the active time
SELECT count(*) AS overlapping_pairs
  FROM workshoppilot.sessions a JOIN workshoppilot.sessions b
    ON a.workshop_id = b.workshop_id AND a.id < b.id
   AND a.started_at < b.ended_at AND b.started_at < a.ended_at
 WHERE a.workshop_id = 'ws_ses';
SELECT count(*) AS sessions, bool_and(duration = ended_at - started_at) AS durations_right,
       bool_and(started_at <= ended_at) AS ordered
  FROM workshoppilot.workshop_sessions('ws_ses');
SELECT array_agg(date_trunc('minute', duration) ORDER BY started_at) AS durations FROM workshoppilot.workshop_sessions('ws_ses')
 WHERE id IN (:'first', :'second');
SELECT sum(duration) = (SELECT sum(ended_at - started_at) FROM workshoppilot.sessions WHERE workshop_id = 'ws_ses') AS total_active_time
  FROM workshoppilot.workshop_sessions('ws_ses');

-- a paused workshop becomes active; a completed one stays completed
SELECT workshoppilot.touch_session('ws_ses_paused') IS NOT NULL AS touched;
SELECT workshoppilot.touch_session('ws_ses_done') IS NOT NULL AS touched;
SELECT id, status FROM workshoppilot.workshops WHERE id LIKE 'ws_ses%' ORDER BY id;

-- end_session: an open session ends now and is closed
SELECT workshoppilot.touch_session('ws_ses_paused') AS open_session \gset
UPDATE workshoppilot.sessions SET started_at = started_at - interval '5 min', ended_at = ended_at - interval '2 min'
 WHERE id = :'open_session';
SELECT id = :'open_session' AS listed, open FROM workshoppilot.workshop_sessions('ws_ses_paused');
BEGIN;
SELECT (s).id = :'open_session' AS same_row, (s).ended_at = LOCALTIMESTAMP(3) AS ended_now, (s).closed
  FROM (SELECT workshoppilot.end_session(:'open_session') s) x;
COMMIT;
SELECT ended_at AS closed_end FROM workshoppilot.sessions WHERE id = :'open_session' \gset
SELECT open FROM workshoppilot.workshop_sessions('ws_ses_paused');
-- the next activity, although within the idle timeout, starts a new
-- session: the closed one stays as it was
SELECT workshoppilot.touch_session('ws_ses_paused') AS after_end \gset
SELECT :'after_end' <> :'open_session' AS new_session_after_end;
SELECT ended_at = :'closed_end' AS closed_end_kept, closed FROM workshoppilot.sessions WHERE id = :'open_session';
SELECT id = :'after_end' AS is_new, open FROM workshoppilot.workshop_sessions('ws_ses_paused') ORDER BY started_at, id;
-- ending it again is harmless: no error, nothing changes, no new row
SELECT (workshoppilot.end_session(:'open_session')).ended_at = :'closed_end' AS end_kept_twice;
SELECT count(*) AS sessions FROM workshoppilot.sessions WHERE workshop_id = 'ws_ses_paused';
-- ending a session that is no longer open (past the idle timeout) keeps its end
UPDATE workshoppilot.sessions SET started_at = started_at - interval '2 hours', ended_at = ended_at - interval '1 hour'
 WHERE id = :'after_end';
SELECT ended_at AS idle_end FROM workshoppilot.sessions WHERE id = :'after_end' \gset
SELECT (s).ended_at = :'idle_end' AS end_kept, (s).closed
  FROM (SELECT workshoppilot.end_session(:'after_end') s) x;
SELECT (workshoppilot.end_session(:'after_end')).ended_at = :'idle_end' AS end_kept_twice;
-- a plain-SQL client may close a session the same way
SELECT workshoppilot.touch_session('ws_ses_paused') AS plain_closed \gset
UPDATE workshoppilot.sessions SET closed = true WHERE id = :'plain_closed';
SELECT workshoppilot.touch_session('ws_ses_paused') <> :'plain_closed' AS new_session_after_plain_close;
-- behind a closed latest session, an older session still within the idle
-- timeout (a longer timeout, or rows written by plain SQL) is never extended:
-- the next activity starts a new session
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
VALUES ('ws_ses_behind', 'user_ses', 'Behind', 'an older session behind a closed one');
INSERT INTO workshoppilot.sessions (id, workshop_id, started_at, ended_at, closed) VALUES
  ('ses_behind_old', 'ws_ses_behind', LOCALTIMESTAMP(3) - interval '20 min', LOCALTIMESTAMP(3) - interval '10 min', false),
  ('ses_behind_closed', 'ws_ses_behind', LOCALTIMESTAMP(3) - interval '8 min', LOCALTIMESTAMP(3) - interval '5 min', true);
SELECT id, open FROM workshoppilot.workshop_sessions('ws_ses_behind');
SELECT ended_at AS behind_old_end FROM workshoppilot.sessions WHERE id = 'ses_behind_old' \gset
SELECT workshoppilot.touch_session('ws_ses_behind') NOT IN ('ses_behind_old', 'ses_behind_closed') AS new_session;
SELECT id, ended_at = :'behind_old_end' AS old_end_kept FROM workshoppilot.sessions WHERE id = 'ses_behind_old';
SELECT id LIKE 'ses_behind%' AS given_id, open FROM workshoppilot.workshop_sessions('ws_ses_behind');

-- rows a plain-SQL client inserted without ended_at: the last activity is started_at
INSERT INTO workshoppilot.sessions (id, workshop_id) VALUES ('ses_plain_open', 'ws_ses_done');
-- (it is the latest activity of the workshop, so it is the open session)
SELECT workshoppilot.touch_session('ws_ses_done') AS done_touch;
SELECT ended_at IS NOT NULL AS extended FROM workshoppilot.sessions WHERE id = 'ses_plain_open';
INSERT INTO workshoppilot.sessions (id, workshop_id, started_at) VALUES ('ses_plain_old', 'ws_ses', LOCALTIMESTAMP(3) - interval '3 hours');
SELECT (s).ended_at = (s).started_at AS ended_at_its_start FROM (SELECT workshoppilot.end_session('ses_plain_old') s) x;
SELECT duration FROM workshoppilot.workshop_sessions('ws_ses') WHERE id = 'ses_plain_old';

-- workshop_sessions in a connection that has not loaded the library reads
-- the setting as written: a bare number is milliseconds, as for the library
UPDATE workshoppilot.sessions SET started_at = started_at - interval '2 min', ended_at = ended_at - interval '2 min'
 WHERE workshop_id = 'ws_ses_behind' AND id NOT LIKE 'ses_behind%';
\c
SET timezone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET workshoppilot.session_idle_timeout = 60000;
SELECT count(*) FILTER (WHERE open) AS open_at_1min FROM workshoppilot.workshop_sessions('ws_ses_behind');
SET workshoppilot.session_idle_timeout = 600000;
SELECT count(*) FILTER (WHERE open) AS open_at_10min FROM workshoppilot.workshop_sessions('ws_ses_behind');
SET workshoppilot.session_idle_timeout = '10min';
SELECT count(*) FILTER (WHERE open) AS open_at_10min_with_unit FROM workshoppilot.workshop_sessions('ws_ses_behind');
SELECT count(*) AS library_loaded FROM pg_catalog.pg_settings WHERE name = 'workshoppilot.session_idle_timeout' AND unit = 'ms';
RESET workshoppilot.session_idle_timeout;

-- errors
SELECT workshoppilot.touch_session('ws_nope');
SELECT workshoppilot.touch_session(NULL);
SELECT workshoppilot.end_session('ses_nope');
SELECT workshoppilot.end_session(NULL);
SELECT * FROM workshoppilot.workshop_sessions('ws_nope');
SELECT count(*) AS strict_null FROM workshoppilot.workshop_sessions(NULL);

-- deleting a workshop deletes its sessions
DELETE FROM workshoppilot.workshops WHERE id LIKE 'ws_ses%';
SELECT count(*) AS sessions_left FROM workshoppilot.sessions;
