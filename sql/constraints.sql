-- constraints: the value sets and uniqueness the extension adds, with their errors.
SET timezone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
\set SHOW_CONTEXT never
-- check and not-null violations: the failing row in DETAIL holds timestamps
-- and generated ids, so show message and SQLSTATE only
\set VERBOSITY terse

INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
VALUES ('ws_c1', 'user_1', 'Constraints', 'idea'), ('ws_c2', 'user_2', 'Second', 'idea');

-- workshop status: draft, active, paused, completed
UPDATE workshoppilot.workshops SET status = 'archived' WHERE id = 'ws_c1';
\echo :LAST_ERROR_SQLSTATE
UPDATE workshoppilot.workshops SET status = 'Active' WHERE id = 'ws_c1';
\echo :LAST_ERROR_SQLSTATE
BEGIN;
UPDATE workshoppilot.workshops SET status = 'paused' WHERE id = 'ws_c2' RETURNING status;
UPDATE workshoppilot.workshops SET status = 'completed' WHERE id = 'ws_c2' RETURNING status;
UPDATE workshoppilot.workshops SET status = 'active' WHERE id = 'ws_c2' RETURNING status;
ROLLBACK;

-- visibility: private, shared
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea, visibility)
VALUES ('ws_bad', 'user_1', 'x', 'x', 'public');
\echo :LAST_ERROR_SQLSTATE
UPDATE workshoppilot.workshops SET visibility = 'shared', share_token = 'tok_1' WHERE id = 'ws_c1'
RETURNING visibility, share_token;

\set VERBOSITY default
-- share_token: unique when set; any number of NULLs
UPDATE workshoppilot.workshops SET visibility = 'shared', share_token = 'tok_1' WHERE id = 'ws_c2';
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS workshops_without_token
  FROM workshoppilot.workshops WHERE share_token IS NULL;

\set VERBOSITY terse
-- step status: not_started, in_progress, complete, needs_regeneration
INSERT INTO workshoppilot.workshop_steps (workshop_id, step_id, status)
VALUES ('ws_c1', 'empathize', 'done');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO workshoppilot.workshop_steps (workshop_id, step_id, status)
VALUES ('ws_c1', 'empathize', NULL);
\echo :LAST_ERROR_SQLSTATE

\set VERBOSITY default
-- one row per (workshop, step)
INSERT INTO workshoppilot.workshop_steps (id, workshop_id, step_id) VALUES ('wst_c1', 'ws_c1', 'ideate');
INSERT INTO workshoppilot.workshop_steps (id, workshop_id, step_id) VALUES ('wst_c2', 'ws_c1', 'ideate');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO workshoppilot.workshop_steps (id, workshop_id, step_id) VALUES ('wst_c3', 'ws_c2', 'ideate');

-- the step must exist, and so must the workshop
INSERT INTO workshoppilot.workshop_steps (workshop_id, step_id) VALUES ('ws_c1', 'brainstorm');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO workshoppilot.workshop_steps (workshop_id, step_id) VALUES ('ws_nope', 'ideate');
\echo :LAST_ERROR_SQLSTATE

-- one membership per (workshop, clerk user); roles are free text
INSERT INTO workshoppilot.workshop_members (workshop_id, clerk_user_id, role) VALUES ('ws_c1', 'user_1', 'owner');
INSERT INTO workshoppilot.workshop_members (workshop_id, clerk_user_id, role) VALUES ('ws_c1', 'user_1', 'editor');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO workshoppilot.workshop_members (workshop_id, clerk_user_id, role) VALUES ('ws_c1', 'user_9', 'facilitator')
RETURNING role;
INSERT INTO workshoppilot.workshop_members (workshop_id, clerk_user_id, role) VALUES ('ws_c2', 'user_1', 'viewer')
RETURNING role;

-- unique step "order"
INSERT INTO workshoppilot.step_definitions (id, "order", name, description) VALUES ('retro', 3, 'Retro', 'Look back');
\echo :LAST_ERROR_SQLSTATE

\set VERBOSITY terse
-- build pack format: markdown, pdf, json
INSERT INTO workshoppilot.build_packs (workshop_id, title, format_type) VALUES ('ws_c1', 'Pack', 'docx');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO workshoppilot.build_packs (workshop_id, title, format_type)
SELECT 'ws_c1', 'Pack ' || f, f FROM unnest(ARRAY['markdown', 'pdf', 'json']) f
RETURNING title, format_type;

-- NOT NULL columns of the reference stay NOT NULL
INSERT INTO workshoppilot.workshops (clerk_user_id, title) VALUES ('user_1', 'no idea');
\echo :LAST_ERROR_SQLSTATE

DELETE FROM workshoppilot.workshops WHERE id IN ('ws_c1', 'ws_c2');

-- the value-set checks call C functions of their column (0.2.0): true for
-- each value of the set, false for anything else (case, spaces, other
-- sets' values), NULL for NULL; value_set names the values in order
SELECT v, workshoppilot.is_workshop_status(v) AS workshop_status,
       workshoppilot.is_workshop_visibility(v) AS visibility,
       workshoppilot.is_step_status(v) AS step_status,
       workshoppilot.is_build_pack_format(v) AS build_pack_format
FROM unnest(ARRAY['draft', 'active', 'paused', 'completed', 'private', 'shared',
                  'not_started', 'in_progress', 'complete', 'needs_regeneration',
                  'markdown', 'pdf', 'json', 'Draft', 'draft ', '', 'complete' || chr(233), NULL]) v;
SELECT f, workshoppilot.value_set(f)
FROM unnest(ARRAY['is_workshop_status', 'is_workshop_visibility', 'is_step_status',
                  'is_build_pack_format', 'is_cuid2', 'IS_STEP_STATUS', '']) f;
SELECT workshoppilot.value_set(NULL) IS NULL AS null_in_null_out;
-- each check is the function call, on the column, under the same name
SELECT c.relname, k.conname, pg_get_constraintdef(k.oid)
FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
WHERE k.contype = 'c' AND pg_get_constraintdef(k.oid) ~ 'workshoppilot\.is_'
ORDER BY 1, 2;
-- a failing value names the constraint, as before
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea, status)
VALUES ('ws_vs1', 'user_1', 'T', 'I', 'archived');
\echo :LAST_ERROR_SQLSTATE
