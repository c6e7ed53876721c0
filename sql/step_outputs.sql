-- Step outputs checked against step_definitions.output_schema: the output
-- trigger on workshop_steps, the schema check on step_definitions,
-- invalid_step_outputs() and workshoppilot.validate_step_outputs.
SET timezone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
SET search_path = workshoppilot, pg_catalog;
\set VERBOSITY default

INSERT INTO workshops (id, clerk_user_id, title, original_idea)
VALUES ('ws_so1', 'user_1', 'Outputs', 'an idea'), ('ws_so2', 'user_1', 'Outputs 2', 'an idea');
INSERT INTO step_definitions (id, "order", name, description, output_schema)
VALUES ('so_test', 101, 'Output test', 'step used by the output tests',
		'{"type": "object",
		  "properties": {
			"summary": {"type": "string", "minLength": 3},
			"personas": {"type": "array", "minItems": 1,
						 "items": {"$ref": "#/$defs/persona"}}},
		  "required": ["summary"],
		  "additionalProperties": false,
		  "$defs": {"persona": {"type": "object",
			"properties": {"name": {"type": "string"}, "age": {"type": "integer", "minimum": 0}},
			"required": ["name"], "additionalProperties": false}}}'),
	   ('so_free', 102, 'No schema', 'step without output schema', NULL);

-- valid outputs, NULL outputs and steps without schema pass
INSERT INTO workshop_steps (id, workshop_id, step_id, output)
VALUES ('wst_so1', 'ws_so1', 'so_test', '{"summary": "fine", "personas": [{"name": "Ana", "age": 30}]}'),
	   ('wst_so2', 'ws_so2', 'so_test', NULL),
	   ('wst_so3', 'ws_so1', 'so_free', '"anything at all"');
SELECT id, output FROM workshop_steps WHERE id LIKE 'wst_so%' ORDER BY id;

-- an invalid output fails with 23514, naming workshop and step, listing the
-- errors with their paths in document order
\set ON_ERROR_STOP 0
INSERT INTO workshop_steps (id, workshop_id, step_id, output)
VALUES ('wst_so4', 'ws_so2', 'so_free', NULL),
	   ('wst_so5', 'ws_so2', 'so_test', '{"summary": "x", "personas": [{"age": -1, "extra": true}], "oops": 1}');
\echo :LAST_ERROR_SQLSTATE
UPDATE workshop_steps SET output = '{"personas": []}' WHERE id = 'wst_so1';
\echo :LAST_ERROR_SQLSTATE
UPDATE workshop_steps SET output = '[]' WHERE id = 'wst_so2';
\echo :LAST_ERROR_SQLSTATE
-- more than ten errors: the detail lists ten and counts the rest
UPDATE workshop_steps
SET output = jsonb_build_object('summary', 'long enough',
	'personas', (SELECT jsonb_agg(jsonb_build_object('age', -i)) FROM generate_series(1, 12) i))
WHERE id = 'wst_so1';
\echo :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1
SELECT count(*) AS rows_unchanged FROM workshop_steps
WHERE id = 'wst_so1' AND output->>'summary' = 'fine';

-- the hint's query shows every error
SELECT jsonb_schema_errors(output_schema, '{"personas": []}')
FROM step_definitions WHERE id = 'so_test';

-- a stricter schema does not rewrite old rows; invalid_step_outputs finds them
UPDATE step_definitions
SET output_schema = jsonb_set(output_schema, '{properties,summary,minLength}', '10')
WHERE id = 'so_test';
SELECT * FROM invalid_step_outputs('so_test');
-- the new schema applies at once in this session (the cache was invalidated)
\set ON_ERROR_STOP 0
INSERT INTO workshop_steps (id, workshop_id, step_id, output)
VALUES ('wst_so6', 'ws_so2', 'so_free', NULL);
UPDATE workshop_steps SET output = '{"summary": "short"}' WHERE id = 'wst_so2';
\echo :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1
-- updates that leave output unchanged are not checked (the lifecycle
-- trigger's status updates, an ORM writing every column)
UPDATE workshop_steps SET status = 'in_progress' WHERE id = 'wst_so1';
UPDATE workshop_steps SET output = output WHERE id = 'wst_so1';
UPDATE workshop_steps SET output = NULL WHERE id = 'wst_so2';
SELECT id, status, output IS NULL AS output_null FROM workshop_steps WHERE id LIKE 'wst_so%' ORDER BY id;

-- invalid_step_outputs: a step without schema has none; an unknown step is 42704
SELECT count(*) AS no_schema_rows FROM invalid_step_outputs('so_free');
\set ON_ERROR_STOP 0
SELECT * FROM invalid_step_outputs('no_such_step');
\echo :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1
SELECT * FROM invalid_step_outputs(NULL);

-- output_schema must be a valid JSON Schema (22023)
\set ON_ERROR_STOP 0
UPDATE step_definitions SET output_schema = '{"type": "strng"}' WHERE id = 'so_free';
\echo :LAST_ERROR_SQLSTATE
UPDATE step_definitions SET output_schema = '{"properties": {"a": {"$ref": "#/$defs/nope"}}}' WHERE id = 'so_free';
\echo :LAST_ERROR_SQLSTATE
INSERT INTO step_definitions (id, "order", name, description, output_schema)
VALUES ('so_bad', 103, 'Bad', 'bad schema', '{"required": "summary", "minItems": -1}');
\echo :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1
UPDATE step_definitions SET output_schema = 'true' WHERE id = 'so_free';
UPDATE step_definitions SET output_schema = NULL WHERE id = 'so_free';

-- workshoppilot.validate_step_outputs = off skips the check, for roles that
-- hold TRIGGER privilege on workshop_steps (here: the superuser) ...
SET workshoppilot.validate_step_outputs = off;
UPDATE workshop_steps SET output = '{"summary": 1}' WHERE id = 'wst_so2';
RESET workshoppilot.validate_step_outputs;
SELECT workshop_step_id, jsonb_array_length(errors) AS errors FROM invalid_step_outputs('so_test');
-- ... and is an error for others
CREATE ROLE regress_step_outputs_writer;
GRANT USAGE ON SCHEMA workshoppilot TO regress_step_outputs_writer;
GRANT SELECT, UPDATE ON workshop_steps TO regress_step_outputs_writer;
SET ROLE regress_step_outputs_writer;
-- (the trigger reads step_definitions itself: writers need no privilege on it)
UPDATE workshop_steps SET output = '{"summary": "written by a plain role"}' WHERE id = 'wst_so2';
SET workshoppilot.validate_step_outputs = off;
\set ON_ERROR_STOP 0
UPDATE workshop_steps SET output = '{"summary": 2}' WHERE id = 'wst_so2';
\echo :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1
RESET workshoppilot.validate_step_outputs;
RESET ROLE;
REVOKE ALL ON workshop_steps FROM regress_step_outputs_writer;
REVOKE ALL ON SCHEMA workshoppilot FROM regress_step_outputs_writer;
DROP ROLE regress_step_outputs_writer;

-- workshoppilot.jsonschema_format_assertion makes the checked formats assert
-- in the output check and in invalid_step_outputs (format is an annotation
-- otherwise)
INSERT INTO step_definitions (id, "order", name, description, output_schema)
VALUES ('so_format', 104, 'Formats', 'step with a format',
		'{"type": "object", "properties": {"due": {"type": "string", "format": "date"}}}');
INSERT INTO workshop_steps (id, workshop_id, step_id, output)
VALUES ('wst_so7', 'ws_so1', 'so_format', '{"due": "next Tuesday"}');
SELECT count(*) AS not_asserted FROM invalid_step_outputs('so_format');
SET workshoppilot.jsonschema_format_assertion = on;
SELECT workshop_step_id, errors FROM invalid_step_outputs('so_format');
\set ON_ERROR_STOP 0
UPDATE workshop_steps SET output = '{"due": "2026-02-30"}' WHERE id = 'wst_so7';
\echo :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1
UPDATE workshop_steps SET output = '{"due": "2026-02-28"}' WHERE id = 'wst_so7';
RESET workshoppilot.jsonschema_format_assertion;

-- a row moved to another step is checked against that step's schema, even
-- when its output stays the same
INSERT INTO workshops (id, clerk_user_id, title, original_idea) VALUES ('ws_so3', 'user_1', 'Moves', 'an idea');
INSERT INTO workshop_steps (id, workshop_id, step_id, output)
VALUES ('wst_so8', 'ws_so3', 'so_free', '"anything at all"');
\set ON_ERROR_STOP 0
UPDATE workshop_steps SET step_id = 'so_format' WHERE id = 'wst_so8';
\echo :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1
UPDATE workshop_steps SET output = '{"due": "2026-03-01"}' WHERE id = 'wst_so8';
UPDATE workshop_steps SET step_id = 'so_format' WHERE id = 'wst_so8' RETURNING step_id, output;
-- an unknown step is the foreign key's error (nothing is cached for it)
\set ON_ERROR_STOP 0
INSERT INTO workshop_steps (workshop_id, step_id, output)
SELECT 'ws_so3', 'so_missing_' || g, '{}' FROM generate_series(1, 3) g;
\echo :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1

-- the trigger functions refuse to run in the wrong place
CREATE TABLE public.so_misuse (id int, output jsonb);
CREATE TRIGGER misuse_after AFTER INSERT ON public.so_misuse
	FOR EACH ROW EXECUTE FUNCTION workshoppilot.workshop_steps_validate_output();
\set ON_ERROR_STOP 0
INSERT INTO public.so_misuse VALUES (1, '{}');
\echo :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1
DROP TRIGGER misuse_after ON public.so_misuse;
CREATE TRIGGER misuse_columns BEFORE INSERT ON public.so_misuse
	FOR EACH ROW EXECUTE FUNCTION workshoppilot.workshop_steps_validate_output();
\set ON_ERROR_STOP 0
INSERT INTO public.so_misuse VALUES (1, '{}');
\echo :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1
DROP TABLE public.so_misuse;

-- clean up
DELETE FROM workshop_steps WHERE id LIKE 'wst_so%';
DELETE FROM step_definitions WHERE id IN ('so_test', 'so_free', 'so_format');
DELETE FROM workshops WHERE id IN ('ws_so1', 'ws_so2', 'ws_so3');
