-- contracts: table_json_schema, contracts() and set_step_output_schema
SET timezone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
\set SHOW_CONTEXT never
\set VERBOSITY default

-- the three modes of one table
SELECT m, s -> 'required' AS required, s -> 'properties' ? 'id' AS has_id,
       s #> '{properties,status,enum}' AS status_enum, s #> '{properties,org_id,type}' AS org_id_type
  FROM unnest(ARRAY['select', 'insert', 'update']) m, workshoppilot.table_json_schema('workshops', m) s;
SELECT workshoppilot.table_json_schema('workshoppilot.build_packs', 'insert') #> '{properties,format_type}' AS format_type;
SELECT workshoppilot.table_json_schema('step_definitions') #> '{properties,order}' AS "order";
SELECT workshoppilot.table_json_schema('sessions') #>> '{properties,id,x-id-pattern}' AS id_form,
       workshoppilot.table_json_schema('sessions') #> '{properties,id,pattern}' AS id_pattern;
SELECT workshoppilot.table_json_schema('workshop_members') -> 'x-foreign-keys' AS fkeys;
SELECT workshoppilot.table_json_schema('workshop_steps', 'insert') #> '{allOf,0,anyOf,1,properties,output}' AS define_output,
       workshoppilot.table_json_schema('workshop_steps', 'insert') #> '{allOf,0,anyOf,10,properties,step_id}' AS other_steps;
SELECT workshoppilot.table_json_schema('build_packs', NULL) IS NULL AS strict_null;

-- timestamps: the form to_jsonb gives
SELECT v, workshoppilot.jsonb_matches_schema(workshoppilot.table_json_schema('sessions') -> 'properties' -> 'ended_at', to_jsonb(v)) AS ok
  FROM (VALUES ('2026-12-02 14:06:21.123'::timestamp(3)), ('2026-12-02 14:06:21'), ('infinity'), ('0044-03-15 10:00 BC')) x(v);
SELECT v, workshoppilot.jsonb_matches_schema(workshoppilot.table_json_schema('sessions') -> 'properties' -> 'ended_at', v) AS ok
  FROM (VALUES ('"2026-12-02T14:06:21Z"'::jsonb), ('"2026-12-02 14:06:21"'), ('"2026-12-02T14:06:21.1234"'), ('null')) x(v);

-- an operator's CHECK shows up at once: translated, or listed as not
BEGIN;
ALTER TABLE workshoppilot.sessions ADD CONSTRAINT sessions_id_check CHECK (workshoppilot.is_cuid2(id, 'ses')) NOT VALID;
ALTER TABLE workshoppilot.sessions ADD CONSTRAINT sessions_ended_check CHECK (ended_at >= started_at);
SELECT workshoppilot.table_json_schema('sessions', 'insert') #> '{properties,id,pattern}' AS id_pattern;
SELECT x FROM jsonb_array_elements(workshoppilot.table_json_schema('sessions', 'insert') -> 'x-checks') x;
ROLLBACK;

-- the share token rule (the CHECK of section 2); first without the
-- trigger that fills the token, then with a stand-in of another name
BEGIN;
DROP TRIGGER fill_share_token ON workshoppilot.workshops;
SELECT jsonb_pretty(workshoppilot.table_json_schema('workshops', 'insert') #> '{allOf,0,anyOf}' #- '{0,properties}' #- '{1,properties}') AS without_trigger;
CREATE FUNCTION pg_temp.fill() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER share_token BEFORE INSERT ON workshoppilot.workshops FOR EACH ROW EXECUTE FUNCTION pg_temp.fill();
SELECT m, x ->> 'translated' AS translated, coalesce(x ->> 'as', x ->> 'reason') AS as_or_reason
  FROM unnest(ARRAY['select', 'insert', 'update']) m,
       jsonb_array_elements(workshoppilot.table_json_schema('workshops', m) -> 'x-checks') x
 WHERE x ->> 'name' = 'workshops_share_token_visibility_check';
ROLLBACK;

-- errors
SELECT workshoppilot.table_json_schema('users');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.table_json_schema('pg_class');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.table_json_schema('workshops', 'delete');
\echo :LAST_ERROR_SQLSTATE

-- contracts(): one self-contained document, valid against the meta-schema
SELECT c ->> 'x-extension-version' AS version, c -> 'x-tables' -> 'workshops' AS workshops,
       c -> 'x-step-outputs' ->> 'define' AS define,
       (SELECT count(*) FROM jsonb_object_keys(c -> '$defs')) AS defs,
       workshoppilot.jsonb_schema_is_valid(c) AS valid,
       workshoppilot.jsonb_matches_schema('{"$ref": "https://json-schema.org/draft/2020-12/schema"}', c) AS matches_meta
  FROM workshoppilot.contracts() c;
SELECT key FROM jsonb_each(workshoppilot.contracts() -> '$defs')
 WHERE NOT workshoppilot.jsonb_matches_schema('{"$ref": "https://json-schema.org/draft/2020-12/schema"}', value);
-- a table schema used from the document: {"$ref"} next to its $defs
SELECT workshoppilot.jsonb_matches_schema(jsonb_build_object('$defs', c -> '$defs', '$ref', '#/$defs/workshop_steps.insert'), r) AS ok
  FROM workshoppilot.contracts() c,
       (VALUES ('{"workshop_id": "ws_1", "step_id": "define", "output": {"problem_statement": "Owners cannot find walkers", "how_might_we": ["How might we help?"]}}'::jsonb),
               ('{"workshop_id": "ws_1", "step_id": "define", "output": {"problem_statement": "short"}}'),
               ('{"workshop_id": "ws_1", "step_id": "define", "output": null}'),
               ('{"workshop_id": "ws_1", "step_id": "define", "extra": 1}')) x(r);

-- set_step_output_schema: an app's own schema (with its own $defs)
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea) VALUES ('ws_c1', 'u', 't', 'i');
INSERT INTO workshoppilot.workshop_steps (workshop_id, step_id, output)
VALUES ('ws_c1', 'define', '{"problem_statement": "Owners cannot find walkers", "how_might_we": ["How might we help?"]}');
SELECT workshoppilot.set_step_output_schema('define', '{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "properties": {"problem": {"$ref": "#/$defs/__schema0"}},
  "required": ["problem"],
  "additionalProperties": false,
  "$defs": {"__schema0": {"type": "string", "minLength": 1}}
}') AS now_invalid;
SELECT c #> '{$defs,step_output.define}' AS define, c #> '{$defs,step_output.define.__schema0}' AS def0
  FROM workshoppilot.contracts() c;
SELECT workshoppilot.set_step_output_schema('define', NULL) AS now_invalid;
SELECT c -> 'x-step-outputs' -> 'define' AS define, c -> '$defs' ? 'step_output.define' AS has_def
  FROM workshoppilot.contracts() c;
SELECT workshoppilot.table_json_schema('workshop_steps', 'insert') #> '{allOf,0,anyOf,-1,properties,step_id,pattern}' AS other_steps;
SELECT workshoppilot.set_step_output_schema('define', '{"type": "objet"}');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.set_step_output_schema('nope', '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.set_step_output_schema(NULL, '{}');
\echo :LAST_ERROR_SQLSTATE
-- a NULL step_id with an output is refused by NOT NULL, not a crash
\set VERBOSITY terse
INSERT INTO workshoppilot.workshop_steps (workshop_id, output) VALUES ('ws_c1', '{}');
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
DELETE FROM workshoppilot.workshops WHERE id = 'ws_c1';
