-- defaults: generated prefixed ids, kept client ids, status/visibility/timestamps.
SET timezone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
\set SHOW_CONTEXT never

BEGIN;
INSERT INTO workshoppilot.workshops (clerk_user_id, title, original_idea)
VALUES ('user_1', 'Generated', 'idea')
RETURNING id ~ '^ws_[a-z][0-9a-z]{23}$' AS ws_id_ok, status, visibility, share_token, org_id, template_id,
          created_at = now()::timestamp(3) AS created_now, updated_at = created_at AS updated_equals_created
\gset
\echo ws_id_ok=:ws_id_ok status=:status visibility=:visibility created_now=:created_now updated_equals_created=:updated_equals_created
SELECT id AS ws FROM workshoppilot.workshops WHERE title = 'Generated' \gset

INSERT INTO workshoppilot.workshop_members (workshop_id, clerk_user_id, role) VALUES (:'ws', 'user_1', 'owner')
RETURNING id ~ '^wm_[a-z][0-9a-z]{23}$' AS wm_id_ok, created_at = now()::timestamp(3) AS created_now;
INSERT INTO workshoppilot.workshop_steps (workshop_id, step_id) VALUES (:'ws', 'empathize')
RETURNING id ~ '^wst_[a-z][0-9a-z]{23}$' AS wst_id_ok, status, output, started_at, completed_at;
INSERT INTO workshoppilot.sessions (workshop_id) VALUES (:'ws')
RETURNING id ~ '^ses_[a-z][0-9a-z]{23}$' AS ses_id_ok, started_at = now()::timestamp(3) AS started_now, ended_at;
INSERT INTO workshoppilot.build_packs (workshop_id, title, format_type) VALUES (:'ws', 'Pack', 'markdown')
RETURNING id ~ '^bp_[a-z][0-9a-z]{23}$' AS bp_id_ok;

-- a client-supplied id is kept as given (the app makes its own CUID2 ids)
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
VALUES ('ws_tz4a98xxat96iws9zmbrgj3a', 'user_1', 'Client id', 'idea') RETURNING id;
INSERT INTO workshoppilot.sessions (id, workshop_id) VALUES ('any-id-the-app-likes', 'ws_tz4a98xxat96iws9zmbrgj3a') RETURNING id;

-- generated ids are distinct
INSERT INTO workshoppilot.sessions (workshop_id)
SELECT 'ws_tz4a98xxat96iws9zmbrgj3a' FROM generate_series(1, 1000);
SELECT count(*) AS sessions, count(DISTINCT id) AS distinct_ids
  FROM workshoppilot.sessions WHERE workshop_id = 'ws_tz4a98xxat96iws9zmbrgj3a';

-- timestamps keep milliseconds (timestamp(3))
INSERT INTO workshoppilot.sessions (workshop_id, started_at)
VALUES ('ws_tz4a98xxat96iws9zmbrgj3a', '2026-01-02 03:04:05.678901') RETURNING started_at;
ROLLBACK;
