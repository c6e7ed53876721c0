-- reference_data: the ten shipped step definitions, operator edits and
-- additions, and the builtin-replacement rule that makes restores work.
SET timezone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
\set SHOW_CONTEXT never

SELECT "order", id, name, builtin, description
  FROM workshoppilot.step_definitions ORDER BY "order";
-- real facilitation prompts, not placeholders
SELECT id, length(prompt_template) > 250 AS substantial,
       prompt_template ~ ('^You are facilitating the ' || name || ' step') AS names_the_step
  FROM workshoppilot.step_definitions ORDER BY "order";

BEGIN;
-- operators may edit shipped rows and add their own
UPDATE workshoppilot.step_definitions SET description = 'Edited by the operator' WHERE id = 'test'
RETURNING id, description, builtin;
INSERT INTO workshoppilot.step_definitions (id, "order", name, description)
VALUES ('retro', 11, 'Retro', 'Look back on the workshop')
RETURNING id, "order", builtin, prompt_template;
-- an existing id is a duplicate key...
INSERT INTO workshoppilot.step_definitions (id, "order", name, description)
VALUES ('ideate', 12, 'Ideate again', 'x');
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;

BEGIN;
-- ...unless the new row is marked builtin and replaces a builtin row: this is
-- how pg_dump's copy of an (edited) shipped row replaces the pristine one
-- that CREATE EXTENSION installs during a restore
INSERT INTO workshoppilot.step_definitions (id, "order", name, description, prompt_template, builtin, created_at, updated_at)
VALUES ('ideate', 3, 'Ideate', 'Restored description', 'Restored prompt', true, '2025-05-05 05:05:05.5', '2025-06-06 06:06:06.6')
RETURNING id, description, created_at, updated_at;
SELECT count(*) AS ideate_rows FROM workshoppilot.step_definitions WHERE id = 'ideate';
-- a builtin row never replaces an operator's row
INSERT INTO workshoppilot.step_definitions (id, "order", name, description) VALUES ('retro', 11, 'Retro', 'x');
INSERT INTO workshoppilot.step_definitions (id, "order", name, description, builtin) VALUES ('retro', 12, 'Retro', 'y', true);
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;

-- a builtin row in use cannot be replaced (its workshop_steps would dangle)
BEGIN;
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea) VALUES ('ws_r1', 'u', 't', 'i');
INSERT INTO workshoppilot.workshop_steps (workshop_id, step_id) VALUES ('ws_r1', 'spec');
INSERT INTO workshoppilot.step_definitions (id, "order", name, description, builtin) VALUES ('spec', 8, 'Spec', 'x', true);
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
SELECT count(*) AS step_definitions, count(*) FILTER (WHERE builtin) AS builtin
  FROM workshoppilot.step_definitions;
