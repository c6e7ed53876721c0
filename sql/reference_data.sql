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

-- every shipped step has a valid output schema; the example output of each
-- step (test/fixtures/step_output_examples.json, shown in the README)
-- matches it, and typical wrong shapes do not
\set examples `cat test/fixtures/step_output_examples.json`
SELECT d.id, workshoppilot.jsonb_schema_is_valid(d.output_schema) AS valid_schema,
       workshoppilot.jsonb_matches_schema(d.output_schema, e.value) AS example_matches,
       workshoppilot.jsonb_schema_errors(d.output_schema, e.value) AS errors
  FROM workshoppilot.step_definitions d
  LEFT JOIN jsonb_each(:'examples'::jsonb) e ON e.key = d.id
 ORDER BY d."order";
SELECT d.id, bad.what, e.error->>'path' AS path, e.error->>'keyword' AS keyword, e.error->>'message' AS message
  FROM (VALUES
	('empathize', 'persona as a bare string', '{"personas": ["Ada"], "insights": ["i"], "summary": "s"}'),
	('empathize', 'no insights', '{"personas": [{"name": "Ada", "goals": ["g"], "pains": ["p"]}], "summary": "s"}'),
	('define', 'statement too short', '{"problem_statement": "short", "how_might_we": ["How might we x?"]}'),
	('define', 'question not a HMW', '{"problem_statement": "A long enough statement", "how_might_we": ["Why not?"]}'),
	('ideate', 'four selected', '{"ideas": [{"title": "a"}], "selected": [{"title": "a", "rationale": "r"}, {"title": "b", "rationale": "r"}, {"title": "c", "rationale": "r"}, {"title": "d", "rationale": "r"}]}'),
	('prototype', 'unknown form', '{"prototypes": [{"idea": "a", "form": "hologram", "description": "d", "assumption": "x"}]}'),
	('test', 'bad result', '{"tests": [{"prototype": "p", "observations": ["o"], "assumptions": [{"assumption": "a", "result": "maybe"}]}], "summary": "s"}'),
	('prioritize', 'value out of range', '{"features": [{"name": "f", "value": 9, "effort": 1, "priority": "must"}]}'),
	('architect', 'no decisions', '{"components": [{"name": "api", "responsibility": "r"}]}'),
	('spec', 'no acceptance criteria', '{"overview": "o", "features": [{"name": "f", "behaviour": "b", "acceptance_criteria": []}]}'),
	('story', 'bad story id', '{"stories": [{"id": "story one", "as_a": "a", "i_want": "w", "so_that": "s", "acceptance_criteria": ["c"]}]}'),
	('pack', 'typo in a key', '{"title": "t", "overview": "o", "section": []}')
  ) AS bad(step, what, doc)
  JOIN workshoppilot.step_definitions d ON d.id = bad.step
  CROSS JOIN LATERAL jsonb_array_elements(workshoppilot.jsonb_schema_errors(d.output_schema, bad.doc::jsonb)) AS e(error)
 ORDER BY d."order", bad.what, path, keyword;
