/* sql/workshoppilot--0.1.0--0.2.0.sql */
-- refuse to run outside ALTER EXTENSION
\echo Use "ALTER EXTENSION workshoppilot UPDATE TO '0.2.0'" to load this file. \quit

-- Everything 0.2.0 adds to or changes in the SQL surface.  A fresh
-- CREATE EXTENSION runs workshoppilot--0.1.0.sql and then this script, so a
-- fresh install and an upgraded database run the same statements.  The rules
-- of STYLE.md section 4 hold: qualified names, plain CREATE for new objects
-- (CREATE OR REPLACE only for a function the extension already owns), pinned
-- search_path, honest labels, a COMMENT on everything user-visible.
--
-- One section per concern; each keeps to its own block.

-------------------------------------------------------------------------------
-- 1. Release machinery and the drop guard
-------------------------------------------------------------------------------

-- The drop guard (src/drop_guard.c): DROP EXTENSION workshoppilot, DROP
-- SCHEMA workshoppilot, DROP TABLE of a table of the schema and DROP OWNED BY
-- the extension's owner are refused while workshoppilot.workshops holds rows,
-- unless the session sets workshoppilot.allow_drop_with_data = on.  The
-- WHEN TAG filter keeps every other command from calling the function.
-- Creating an event trigger needs a superuser: the scripts of this trusted
-- extension run as one, in CREATE EXTENSION and ALTER EXTENSION ... UPDATE.
CREATE FUNCTION workshoppilot.drop_guard() RETURNS event_trigger
	LANGUAGE C VOLATILE PARALLEL UNSAFE
	AS 'MODULE_PATHNAME', 'wp_drop_guard';
COMMENT ON FUNCTION workshoppilot.drop_guard() IS
	'event trigger function: refuses a DROP that would delete the workshops of the extension unless workshoppilot.allow_drop_with_data is on';

CREATE EVENT TRIGGER workshoppilot_drop_guard ON ddl_command_start
	WHEN TAG IN ('DROP EXTENSION', 'DROP SCHEMA', 'DROP TABLE', 'DROP OWNED')
	EXECUTE FUNCTION workshoppilot.drop_guard();
-- ALWAYS: also under session_replication_role = replica
ALTER EVENT TRIGGER workshoppilot_drop_guard ENABLE ALWAYS;
COMMENT ON EVENT TRIGGER workshoppilot_drop_guard IS
	'refuses DROP EXTENSION/SCHEMA/TABLE/OWNED that would delete workshops unless workshoppilot.allow_drop_with_data is on';

-- The event trigger function is no API: not for PUBLIC.  Like every function
-- of 0.1.0 it is granted to the extension's owner with the grant option, so
-- the owner's GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA workshoppilot TO ...
-- keeps working.
REVOKE ALL ON FUNCTION workshoppilot.drop_guard() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION workshoppilot.drop_guard() TO @extowner@ WITH GRANT OPTION;

-- end of section 1

-------------------------------------------------------------------------------
-- 2. Sessions, sharing, members and roles, plan caps, health
-------------------------------------------------------------------------------

-- end of section 2

-------------------------------------------------------------------------------
-- 3. Build packs
-------------------------------------------------------------------------------

-- Build packs (src/build_pack.c over the generic writers src/doc.c,
-- src/markdown_writer.c, src/pdf_writer.c).  A pack's row stores its title
-- and format; its content is assembled from the workshop's current step
-- outputs each time it is read.  The readers are STABLE (they read tables)
-- and PARALLEL SAFE (they only read); generated_at in the JSON format is
-- now(), the start of the transaction.  create_build_pack is not STRICT:
-- a NULL argument raises 22023 instead of silently returning NULL.

CREATE FUNCTION workshoppilot.create_build_pack(workshop_id text, title text, format_type text)
RETURNS workshoppilot.build_packs
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	pack workshoppilot.build_packs;
BEGIN
	-- not STRICT: a NULL argument is an error, not a silent NULL row
	IF create_build_pack.workshop_id IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value', MESSAGE = 'workshop_id must not be null';
	END IF;
	IF create_build_pack.title IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value', MESSAGE = 'title must not be null';
	END IF;
	IF create_build_pack.format_type IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value', MESSAGE = 'format_type must not be null',
			HINT = 'Formats are markdown, json and pdf.';
	END IF;
	IF create_build_pack.format_type OPERATOR(pg_catalog.<>) ALL (ARRAY['markdown'::text, 'json'::text, 'pdf'::text]) THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = pg_catalog.format('unknown build pack format "%s"', create_build_pack.format_type),
			HINT = 'Formats are markdown, json and pdf.';
	END IF;
	PERFORM FROM workshoppilot.workshops w
	 WHERE w.id OPERATOR(pg_catalog.=) create_build_pack.workshop_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION USING ERRCODE = 'undefined_object',
			MESSAGE = pg_catalog.format('workshop "%s" does not exist', create_build_pack.workshop_id);
	END IF;
	INSERT INTO workshoppilot.build_packs (workshop_id, title, format_type)
	VALUES (create_build_pack.workshop_id, create_build_pack.title, create_build_pack.format_type)
	RETURNING * INTO pack;
	RETURN pack;
END
$$;
COMMENT ON FUNCTION workshoppilot.create_build_pack(text, text, text) IS 'creates a build pack (markdown, json or pdf) of the workshop; returns its row';

CREATE FUNCTION workshoppilot.build_pack_content(build_pack_id text)
RETURNS text
AS 'MODULE_PATHNAME', 'wp_build_pack_content'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION workshoppilot.build_pack_content(text) IS 'content of a markdown or json build pack, assembled from the current step outputs';

CREATE FUNCTION workshoppilot.build_pack_pdf(build_pack_id text)
RETURNS bytea
AS 'MODULE_PATHNAME', 'wp_build_pack_pdf'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION workshoppilot.build_pack_pdf(text) IS 'PDF file of a pdf build pack, assembled from the current step outputs';

CREATE FUNCTION workshoppilot.render_build_pack(workshop_id text, format_type text)
RETURNS text
AS 'MODULE_PATHNAME', 'wp_render_build_pack'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION workshoppilot.render_build_pack(text, text) IS 'markdown or json build pack of the workshop without a build_packs row (preview)';

CREATE FUNCTION workshoppilot.render_build_pack_pdf(workshop_id text)
RETURNS bytea
AS 'MODULE_PATHNAME', 'wp_render_build_pack_pdf'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION workshoppilot.render_build_pack_pdf(text) IS 'PDF build pack of the workshop without a build_packs row (preview)';

CREATE FUNCTION workshoppilot.build_pack_json_schema()
RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $schema$
SELECT $json${
 "$schema": "https://json-schema.org/draft/2020-12/schema",
 "title": "WorkshopPilot build pack (JSON format)",
 "type": "object",
 "properties": {
  "title": {"type": "string"},
  "workshop": {
   "type": "object",
   "properties": {
    "id": {"type": "string", "minLength": 1},
    "title": {"type": "string"},
    "original_idea": {"type": "string"},
    "status": {"enum": ["draft", "active", "paused", "completed"]},
    "created_at": {"$ref": "#/$defs/timestamp"},
    "updated_at": {"$ref": "#/$defs/timestamp"}
   },
   "required": ["id", "title", "original_idea", "status", "created_at", "updated_at"],
   "additionalProperties": false
  },
  "steps": {
   "type": "array",
   "items": {
    "type": "object",
    "properties": {
     "id": {"type": "string", "minLength": 1},
     "name": {"type": "string"},
     "description": {"type": "string"},
     "order": {"type": "integer"},
     "status": {"enum": ["not_started", "in_progress", "complete", "needs_regeneration", "skipped"]},
     "completed_at": {"anyOf": [{"$ref": "#/$defs/timestamp"}, {"type": "null"}]},
     "output": true
    },
    "required": ["id", "name", "description", "order", "status", "completed_at", "output"],
    "additionalProperties": false,
    "allOf": [
     {"if": {"properties": {"status": {"enum": ["complete", "skipped"]}}},
      "then": {"properties": {"completed_at": {"type": "string"}}},
      "else": {"properties": {"completed_at": {"type": "null"}}}},
     {"if": {"properties": {"status": {"const": "skipped"}}},
      "then": {"properties": {"output": {"type": "null"}}}},
     {"if": {"properties": {"status": {"const": "complete"}}},
      "then": {"properties": {"output": {"not": {"type": "null"}}}}}
    ]
   }
  },
  "generated_at": {"type": "string", "pattern": "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?[+-]\\d{2}(:\\d{2})?$"}
 },
 "required": ["title", "workshop", "steps", "generated_at"],
 "additionalProperties": false,
 "$defs": {
  "timestamp": {
   "description": "a timestamp without time zone, as the tables store it",
   "type": "string",
   "pattern": "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?$"
  }
 }
}$json$::jsonb
$schema$;
COMMENT ON FUNCTION workshoppilot.build_pack_json_schema() IS 'JSON Schema (draft 2020-12) of the json build pack format';

-- As in 0.1.0: the role that owns the extension (a database owner on managed
-- Postgres) may call these and grant them on to the app's roles.
GRANT EXECUTE ON FUNCTION
	workshoppilot.create_build_pack(text, text, text),
	workshoppilot.build_pack_content(text),
	workshoppilot.build_pack_pdf(text),
	workshoppilot.render_build_pack(text, text),
	workshoppilot.render_build_pack_pdf(text),
	workshoppilot.build_pack_json_schema()
	TO @extowner@ WITH GRANT OPTION;

-- end of section 3

-------------------------------------------------------------------------------
-- 4. Contracts: JSON Schemas of the tables and step outputs
-------------------------------------------------------------------------------

-- end of section 4

-------------------------------------------------------------------------------
-- 5. Write-path speed
-------------------------------------------------------------------------------

-- end of section 5

-------------------------------------------------------------------------------
-- 6. Hostile input and privileges
-------------------------------------------------------------------------------

-- end of section 6
