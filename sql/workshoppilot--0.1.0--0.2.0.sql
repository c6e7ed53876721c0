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

-- 2a. Sessions (src/sessions.c).  A session's ended_at is its last activity
-- while it is open, and its end once it is not; a workshop's open session
-- is its latest one when that is not closed (end_session sets the added,
-- defaulted column closed) and coalesce(ended_at, started_at) is no older
-- than the setting workshoppilot.session_idle_timeout.  See the README,
-- "Sessions".
-- A constant default: no table rewrite, every existing row false (not
-- closed), and the app's INSERTs, which do not name the column, keep working.
ALTER TABLE workshoppilot.sessions ADD COLUMN closed boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN workshoppilot.sessions.closed IS 'set by end_session: the session is over, the next activity starts a new one (0.2.0)';

CREATE FUNCTION workshoppilot.touch_session(workshop_id text)
RETURNS text
AS 'MODULE_PATHNAME', 'wp_touch_session'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION workshoppilot.touch_session(text) IS 'records an activity on the workshop: extends its open session or starts one; returns the session id; a draft or paused workshop becomes active';

CREATE FUNCTION workshoppilot.end_session(session_id text)
RETURNS workshoppilot.sessions
AS 'MODULE_PATHNAME', 'wp_end_session'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION workshoppilot.end_session(text) IS 'closes the session (closed = true), ending it now if it is still open (else keeps its end); returns the row';

CREATE FUNCTION workshoppilot.workshop_sessions(workshop_id text)
RETURNS TABLE (id text, started_at timestamp(3), ended_at timestamp(3), duration interval, open boolean)
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	setting text := pg_catalog.current_setting('workshoppilot.session_idle_timeout', true);
	timeout interval;
BEGIN
	IF NOT EXISTS (SELECT FROM workshoppilot.workshops w WHERE w.id OPERATOR(pg_catalog.=) $1) THEN
		RAISE EXCEPTION USING ERRCODE = 'undefined_object',
			MESSAGE = pg_catalog.format('workshop "%s" does not exist', workshoppilot.clip_for_message($1));
	END IF;
	-- The setting as text: with a unit once the library is loaded; in a
	-- backend that has not loaded it, a placeholder as written (a bare
	-- number is milliseconds) or nothing (the default, 30min).
	timeout := CASE WHEN setting IS NULL THEN interval '30 min'
					WHEN setting OPERATOR(pg_catalog.~) '^[0-9]+$' THEN (setting OPERATOR(pg_catalog.||) ' ms')::interval
					ELSE setting::interval END;
	-- open: what touch_session would extend now, the workshop's latest
	-- session (by last activity) when it is not closed and not idle too long
	RETURN QUERY
		WITH ws AS (
			SELECT s.id, s.started_at, s.ended_at, s.closed,
				   COALESCE(s.ended_at, s.started_at) AS activity
			  FROM workshoppilot.sessions s
			 WHERE s.workshop_id OPERATOR(pg_catalog.=) $1),
		latest AS (
			SELECT ws.id FROM ws
			 ORDER BY ws.activity DESC, ws.started_at DESC, ws.id DESC LIMIT 1)
		SELECT ws.id, ws.started_at, ws.ended_at,
			   ws.activity OPERATOR(pg_catalog.-) ws.started_at,
			   ws.id OPERATOR(pg_catalog.=) (SELECT latest.id FROM latest) AND NOT ws.closed
			   AND ws.activity OPERATOR(pg_catalog.>=) (LOCALTIMESTAMP(3) OPERATOR(pg_catalog.-) timeout)
		  FROM ws
		 ORDER BY ws.started_at, ws.id;
END
$$;
COMMENT ON FUNCTION workshoppilot.workshop_sessions(text) IS 'sessions of the workshop, oldest first, with their durations (ended_at, or started_at when NULL, minus started_at) and whether each is open';

-- 2b. Sharing (src/sharing.c).  visibility = 'shared' exactly when a token
-- is set; a row made shared without a token gets one from the trigger.
CREATE FUNCTION workshoppilot.workshops_fill_share_token()
RETURNS trigger
AS 'MODULE_PATHNAME', 'wp_workshops_fill_share_token'
LANGUAGE C;
COMMENT ON FUNCTION workshoppilot.workshops_fill_share_token() IS 'trigger: a shared workshop without a share token gets a new one (144 random bits, URL-safe base64)';

-- No WHEN clause: the function returns a row that needs no token at once,
-- and PostgreSQL would re-read and re-plan a WHEN expression for every
-- statement, which costs more than the call it saves.
CREATE TRIGGER fill_share_token BEFORE INSERT OR UPDATE OF visibility, share_token ON workshoppilot.workshops
	FOR EACH ROW
	EXECUTE FUNCTION workshoppilot.workshops_fill_share_token();

-- Rows a 0.1.0 database may hold that the CHECK below refuses: a private
-- workshop's leftover token is cleared (a private workshop has no link), a
-- shared workshop without a token gets one (the trigger above).
UPDATE workshoppilot.workshops SET share_token = NULL
 WHERE visibility OPERATOR(pg_catalog.<>) 'shared'::text AND share_token IS NOT NULL;
UPDATE workshoppilot.workshops SET share_token = NULL
 WHERE visibility OPERATOR(pg_catalog.=) 'shared'::text AND share_token IS NULL;

ALTER TABLE workshoppilot.workshops ADD CONSTRAINT workshops_share_token_visibility_check
	CHECK ((visibility OPERATOR(pg_catalog.=) 'shared'::text) OPERATOR(pg_catalog.=) (share_token IS NOT NULL));

CREATE FUNCTION workshoppilot.share_workshop(workshop_id text)
RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	token text;
BEGIN
	IF $1 IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value', MESSAGE = 'workshop_id must not be null';
	END IF;
	-- the trigger fill_share_token gives the row its token
	UPDATE workshoppilot.workshops w SET visibility = 'shared'::text
	 WHERE w.id OPERATOR(pg_catalog.=) $1 AND w.visibility OPERATOR(pg_catalog.<>) 'shared'::text
	RETURNING w.share_token INTO token;
	IF NOT FOUND THEN
		SELECT w.share_token INTO token FROM workshoppilot.workshops w
		 WHERE w.id OPERATOR(pg_catalog.=) $1;
		IF NOT FOUND THEN
			RAISE EXCEPTION USING ERRCODE = 'undefined_object',
				MESSAGE = pg_catalog.format('workshop "%s" does not exist', workshoppilot.clip_for_message($1));
		END IF;
	END IF;
	RETURN token;
END
$$;
COMMENT ON FUNCTION workshoppilot.share_workshop(text) IS 'makes the workshop shared and returns its share token (the same one when it is already shared)';

CREATE FUNCTION workshoppilot.unshare_workshop(workshop_id text)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF $1 IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value', MESSAGE = 'workshop_id must not be null';
	END IF;
	PERFORM FROM workshoppilot.workshops w WHERE w.id OPERATOR(pg_catalog.=) $1 FOR NO KEY UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION USING ERRCODE = 'undefined_object',
			MESSAGE = pg_catalog.format('workshop "%s" does not exist', workshoppilot.clip_for_message($1));
	END IF;
	UPDATE workshoppilot.workshops w SET visibility = 'private'::text, share_token = NULL
	 WHERE w.id OPERATOR(pg_catalog.=) $1
	   AND (w.visibility OPERATOR(pg_catalog.<>) 'private'::text OR w.share_token IS NOT NULL);
END
$$;
COMMENT ON FUNCTION workshoppilot.unshare_workshop(text) IS 'makes the workshop private and clears its share token, so old links stop working';

-- The unique index workshops_share_token_unique answers for any token; no
-- function is applied to the column.
CREATE FUNCTION workshoppilot.workshop_by_share_token(token text)
RETURNS SETOF workshoppilot.workshops
LANGUAGE sql STABLE STRICT PARALLEL SAFE ROWS 1
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT w.* FROM workshoppilot.workshops w
	 WHERE w.share_token OPERATOR(pg_catalog.=) $1
	   AND w.visibility OPERATOR(pg_catalog.=) 'shared'::text
$$;
COMMENT ON FUNCTION workshoppilot.workshop_by_share_token(text) IS 'the shared workshop with this share token; no row for any other token';

-- 2c. Members and roles (src/members.c).  A workshop keeps at least one
-- owner row: the trigger runs only for owner rows (WHEN), never on INSERT.
CREATE FUNCTION workshoppilot.workshop_members_keep_owner()
RETURNS trigger
AS 'MODULE_PATHNAME', 'wp_workshop_members_keep_owner'
LANGUAGE C;
COMMENT ON FUNCTION workshoppilot.workshop_members_keep_owner() IS 'trigger: refuses to remove or demote the last owner of a workshop that still exists (23514)';

CREATE TRIGGER keep_owner BEFORE DELETE OR UPDATE OF role, workshop_id, clerk_user_id ON workshoppilot.workshop_members
	FOR EACH ROW
	WHEN (OLD.role OPERATOR(pg_catalog.=) 'owner'::text)
	EXECUTE FUNCTION workshoppilot.workshop_members_keep_owner();

CREATE FUNCTION workshoppilot.add_member(workshop_id text, clerk_user_id text, role text)
RETURNS workshoppilot.workshop_members
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	r workshoppilot.workshop_members;
BEGIN
	IF $1 IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value', MESSAGE = 'workshop_id must not be null';
	ELSIF $2 IS NULL OR $2 OPERATOR(pg_catalog.=) '' THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value', MESSAGE = 'clerk_user_id must not be null or empty';
	ELSIF $3 IS NULL OR $3 OPERATOR(pg_catalog.=) '' THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value', MESSAGE = 'role must not be null or empty',
			HINT = 'Roles are free text, such as owner, editor or viewer.';
	END IF;
	-- the workshop first, as every writer of one workshop does
	PERFORM FROM workshoppilot.workshops w WHERE w.id OPERATOR(pg_catalog.=) $1 FOR NO KEY UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION USING ERRCODE = 'undefined_object',
			MESSAGE = pg_catalog.format('workshop "%s" does not exist', workshoppilot.clip_for_message($1));
	END IF;
	INSERT INTO workshoppilot.workshop_members AS m (workshop_id, clerk_user_id, role)
	VALUES ($1, $2, $3)
	ON CONFLICT ON CONSTRAINT workshop_members_workshop_user_unique
	DO UPDATE SET role = EXCLUDED.role WHERE m.role OPERATOR(pg_catalog.<>) EXCLUDED.role
	RETURNING m.* INTO r;
	IF NOT FOUND THEN
		SELECT m.* INTO r FROM workshoppilot.workshop_members m
		 WHERE m.workshop_id OPERATOR(pg_catalog.=) $1 AND m.clerk_user_id OPERATOR(pg_catalog.=) $2;
	END IF;
	RETURN r;
END
$$;
COMMENT ON FUNCTION workshoppilot.add_member(text, text, text) IS 'adds the user to the workshop with this role, or changes the role of an existing member; returns the member row';

CREATE FUNCTION workshoppilot.remove_member(workshop_id text, clerk_user_id text)
RETURNS boolean
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF $1 IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value', MESSAGE = 'workshop_id must not be null';
	ELSIF $2 IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value', MESSAGE = 'clerk_user_id must not be null';
	END IF;
	PERFORM FROM workshoppilot.workshops w WHERE w.id OPERATOR(pg_catalog.=) $1 FOR NO KEY UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION USING ERRCODE = 'undefined_object',
			MESSAGE = pg_catalog.format('workshop "%s" does not exist', workshoppilot.clip_for_message($1));
	END IF;
	DELETE FROM workshoppilot.workshop_members m
	 WHERE m.workshop_id OPERATOR(pg_catalog.=) $1 AND m.clerk_user_id OPERATOR(pg_catalog.=) $2;
	RETURN FOUND;
END
$$;
COMMENT ON FUNCTION workshoppilot.remove_member(text, text) IS 'removes the user from the workshop; true when a member row was deleted, false when the user was not a member';

CREATE FUNCTION workshoppilot.member_role(workshop_id text, clerk_user_id text)
RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT COALESCE(
		(SELECT m.role FROM workshoppilot.workshop_members m
		  WHERE m.workshop_id OPERATOR(pg_catalog.=) $1 AND m.clerk_user_id OPERATOR(pg_catalog.=) $2),
		(SELECT 'owner'::text FROM workshoppilot.workshops w
		  WHERE w.id OPERATOR(pg_catalog.=) $1 AND w.clerk_user_id OPERATOR(pg_catalog.=) $2))
$$;
COMMENT ON FUNCTION workshoppilot.member_role(text, text) IS 'role of the user in the workshop: the member row''s role, owner for the creator without one, NULL for anyone else';

CREATE FUNCTION workshoppilot.user_workshops(clerk_user_id text)
RETURNS TABLE (id text, clerk_user_id text, title text, original_idea text, status text,
			   org_id text, template_id text, visibility text, share_token text,
			   created_at timestamp(3), updated_at timestamp(3), role text, current_step text)
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT w.id, w.clerk_user_id, w.title, w.original_idea, w.status, w.org_id, w.template_id,
		   w.visibility, w.share_token, w.created_at, w.updated_at, m.role,
		   workshoppilot.current_step(w.id)
	  FROM workshoppilot.workshop_members m
	  JOIN workshoppilot.workshops w ON w.id OPERATOR(pg_catalog.=) m.workshop_id
	 WHERE m.clerk_user_id OPERATOR(pg_catalog.=) $1
	UNION ALL
	SELECT w.id, w.clerk_user_id, w.title, w.original_idea, w.status, w.org_id, w.template_id,
		   w.visibility, w.share_token, w.created_at, w.updated_at, 'owner'::text,
		   workshoppilot.current_step(w.id)
	  FROM workshoppilot.workshops w
	 WHERE w.clerk_user_id OPERATOR(pg_catalog.=) $1
	   AND NOT EXISTS (SELECT FROM workshoppilot.workshop_members m
					    WHERE m.workshop_id OPERATOR(pg_catalog.=) w.id
						  AND m.clerk_user_id OPERATOR(pg_catalog.=) $1)
	 ORDER BY created_at DESC, id DESC
$$;
COMMENT ON FUNCTION workshoppilot.user_workshops(text) IS 'workshops the user created or is a member of, newest first, with the user''s role and the current step';

-- 2d. Plan caps (src/plan_cap.c).  Does nothing unless the setting
-- workshoppilot.max_workshops_per_user is above 0: with no cap the function
-- returns at once (one test of the setting's C variable).  No WHEN clause,
-- for the reason given at fill_share_token above.
CREATE FUNCTION workshoppilot.workshops_plan_cap()
RETURNS trigger
AS 'MODULE_PATHNAME', 'wp_workshops_plan_cap'
LANGUAGE C;
COMMENT ON FUNCTION workshoppilot.workshops_plan_cap() IS 'trigger: refuses a workshop for a user who already owns workshoppilot.max_workshops_per_user of them (53400)';

CREATE TRIGGER plan_cap BEFORE INSERT OR UPDATE OF clerk_user_id ON workshoppilot.workshops
	FOR EACH ROW
	EXECUTE FUNCTION workshoppilot.workshops_plan_cap();

-- 2e. Health (src/health.c); the triggers it expects are listed there.
CREATE FUNCTION workshoppilot.health()
RETURNS jsonb
AS 'MODULE_PATHNAME', 'wp_health'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION workshoppilot.health() IS 'status ok or degraded, installed and library versions, server_version_num, step definition count and the failed checks';

-- As in 0.1.0: the role that ran CREATE EXTENSION may grant their use on.
GRANT EXECUTE ON FUNCTION
	workshoppilot.touch_session(text), workshoppilot.end_session(text),
	workshoppilot.workshop_sessions(text), workshoppilot.workshops_fill_share_token(),
	workshoppilot.share_workshop(text), workshoppilot.unshare_workshop(text),
	workshoppilot.workshop_by_share_token(text), workshoppilot.workshop_members_keep_owner(),
	workshoppilot.add_member(text, text, text), workshoppilot.remove_member(text, text),
	workshoppilot.member_role(text, text), workshoppilot.user_workshops(text),
	workshoppilot.workshops_plan_cap(), workshoppilot.health()
	TO @extowner@ WITH GRANT OPTION;

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
			MESSAGE = pg_catalog.format('unknown build pack format "%s"', workshoppilot.clip_for_message(create_build_pack.format_type)),
			HINT = 'Formats are markdown, json and pdf.';
	END IF;
	PERFORM FROM workshoppilot.workshops w
	 WHERE w.id OPERATOR(pg_catalog.=) create_build_pack.workshop_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION USING ERRCODE = 'undefined_object',
			MESSAGE = pg_catalog.format('workshop "%s" does not exist', workshoppilot.clip_for_message(create_build_pack.workshop_id));
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

-- The database publishes the JSON Schema (draft 2020-12) of a row of each of
-- its tables and of every step output, read from the catalogs at call time,
-- so the app's validators (Zod from z.fromJSONSchema) are derived from what
-- the database really enforces.  See the README section "Contracts".
--
-- What the generated schemas use, deliberately: type, enum, const, pattern,
-- minimum/maximum, required, additionalProperties, anyOf, allOf and local
-- "#/$defs/<name>" references only (no if/then/else, no "not", no nested
-- pointers), because z.fromJSONSchema supports exactly those; every other
-- fact (keys, triggers, untranslated CHECKs) is an "x-" annotation.

-- json_schema_rebase: a step's output schema made embeddable under
-- "#/$defs/<base>" of another document.  Internal helper of contracts; it is
-- plain data manipulation, so IMMUTABLE.
CREATE FUNCTION workshoppilot.json_schema_rebase(node jsonb, base text, keep_format boolean)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	result jsonb := '{}'::jsonb;
	k text;
	v jsonb;
	ref text;
	seg text;
	rest text;
	mapped jsonb;
	item jsonb;
BEGIN
	IF pg_catalog.jsonb_typeof(node) OPERATOR(pg_catalog.<>) 'object' THEN
		RETURN node;
	END IF;
	FOR k, v IN SELECT e.key, e.value FROM pg_catalog.jsonb_each(node) e LOOP
		IF k OPERATOR(pg_catalog.=) '$ref' AND pg_catalog.jsonb_typeof(v) OPERATOR(pg_catalog.=) 'string' THEN
			ref := v #>> '{}';
			IF ref OPERATOR(pg_catalog.=) '#' THEN
				ref := '#/$defs/' OPERATOR(pg_catalog.||) base;
			ELSIF ref OPERATOR(pg_catalog.~~) '#/$defs/%' THEN
				rest := pg_catalog.substr(ref, 9);
				seg := pg_catalog.split_part(rest, '/', 1);
				ref := '#/$defs/' OPERATOR(pg_catalog.||) base OPERATOR(pg_catalog.||) '.'
					OPERATOR(pg_catalog.||) seg
					OPERATOR(pg_catalog.||) pg_catalog.substr(rest, pg_catalog.length(seg) OPERATOR(pg_catalog.+) 1);
			ELSIF ref OPERATOR(pg_catalog.~~) '#/%' THEN
				ref := '#/$defs/' OPERATOR(pg_catalog.||) base OPERATOR(pg_catalog.||) pg_catalog.substr(ref, 2);
			END IF;
			result := result OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object(k, ref);
		ELSIF k OPERATOR(pg_catalog.=) 'format' AND NOT keep_format THEN
			-- an annotation in the database: carried, but not as an assertion
			result := result OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('x-format', v);
		ELSIF k OPERATOR(pg_catalog.=) ANY (ARRAY['items', 'additionalItems', 'additionalProperties',
				'contains', 'propertyNames', 'not', 'if', 'then', 'else', 'unevaluatedItems',
				'unevaluatedProperties', 'contentSchema']) AND pg_catalog.jsonb_typeof(v) OPERATOR(pg_catalog.=) 'object' THEN
			result := result OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object(k,
				workshoppilot.json_schema_rebase(v, base, keep_format));
		ELSIF k OPERATOR(pg_catalog.=) ANY (ARRAY['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items'])
				AND pg_catalog.jsonb_typeof(v) OPERATOR(pg_catalog.=) 'array' THEN
			mapped := '[]'::jsonb;
			FOR item IN SELECT a.value FROM pg_catalog.jsonb_array_elements(v) WITH ORDINALITY a ORDER BY a.ordinality LOOP
				mapped := mapped OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_array(
					workshoppilot.json_schema_rebase(item, base, keep_format));
			END LOOP;
			result := result OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object(k, mapped);
		ELSIF k OPERATOR(pg_catalog.=) ANY (ARRAY['properties', 'patternProperties', 'dependentSchemas',
				'$defs', 'definitions']) AND pg_catalog.jsonb_typeof(v) OPERATOR(pg_catalog.=) 'object' THEN
			SELECT COALESCE(pg_catalog.jsonb_object_agg(e.key,
					workshoppilot.json_schema_rebase(e.value, base, keep_format)), '{}'::jsonb)
			INTO mapped FROM pg_catalog.jsonb_each(v) e;
			result := result OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object(k, mapped);
		ELSE
			result := result OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object(k, v);
		END IF;
	END LOOP;
	RETURN result;
END
$$;
COMMENT ON FUNCTION workshoppilot.json_schema_rebase(jsonb, text, boolean) IS 'helper of contracts(): the schema with its local $refs moved under #/$defs/<base> (its own $defs become <base>.<name>), format kept or carried as x-format';

-- The $defs name of a step's output schema: step_output.<id> for ids of
-- letters, digits, "_" and "-", else step_output.<md5 of the id> (a name
-- that needs no escaping in a JSON pointer or a URI fragment).
CREATE FUNCTION workshoppilot.step_output_def_name(step_id text)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT 'step_output.' OPERATOR(pg_catalog.||)
		CASE WHEN $1 OPERATOR(pg_catalog.~) '^[A-Za-z0-9_-]+$' THEN $1 ELSE pg_catalog.md5($1) END
$$;
COMMENT ON FUNCTION workshoppilot.step_output_def_name(text) IS 'name under $defs of the output schema of a step in table_json_schema and contracts(): step_output.<id>';

-- The $defs of every step's output schema (rebased), as one object.
CREATE FUNCTION workshoppilot.step_output_defs()
RETURNS jsonb
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	defs jsonb := '{}'::jsonb;
	sd record;
	name text;
	keep_format boolean := COALESCE(
		pg_catalog.current_setting('workshoppilot.jsonschema_format_assertion', true)::boolean, false);
BEGIN
	FOR sd IN SELECT s.id, s.output_schema FROM workshoppilot.step_definitions s
			WHERE s.output_schema IS NOT NULL ORDER BY s."order", s.id LOOP
		name := workshoppilot.step_output_def_name(sd.id);
		IF pg_catalog.jsonb_typeof(sd.output_schema) OPERATOR(pg_catalog.=) 'object'
				AND NOT sd.output_schema ? '$id' THEN
			defs := defs OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object(name,
				workshoppilot.json_schema_rebase(sd.output_schema OPERATOR(pg_catalog.-) '$schema'::text
					OPERATOR(pg_catalog.-) '$defs'::text, name, keep_format));
			IF pg_catalog.jsonb_typeof(sd.output_schema -> '$defs') OPERATOR(pg_catalog.=) 'object' THEN
				defs := defs OPERATOR(pg_catalog.||) (
					SELECT COALESCE(pg_catalog.jsonb_object_agg(name OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) e.key,
						workshoppilot.json_schema_rebase(e.value, name, keep_format)), '{}'::jsonb)
					FROM pg_catalog.jsonb_each(sd.output_schema -> '$defs') e);
			END IF;
		ELSE
			-- a boolean schema, or a resource with its own $id (its refs are
			-- relative to that $id): embedded as it is
			defs := defs OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object(name,
				CASE WHEN pg_catalog.jsonb_typeof(sd.output_schema) OPERATOR(pg_catalog.=) 'object'
					THEN sd.output_schema OPERATOR(pg_catalog.-) '$schema'::text ELSE sd.output_schema END);
		END IF;
	END LOOP;
	RETURN defs;
END
$$;
COMMENT ON FUNCTION workshoppilot.step_output_defs() IS 'helper of contracts(): the output schema of every step that has one, rebased under $defs as step_output.<id>';

CREATE FUNCTION workshoppilot.table_json_schema(table_name text, mode text DEFAULT 'select')
RETURNS jsonb
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	ts_pattern constant text := '^(?:[0-9]{4,}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,3})?(?: BC)?|-?infinity)$';
	tstz_pattern constant text := '^(?:[0-9]{4,}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,6})?[+-][0-9]{2}(?::[0-9]{2}){0,2}(?: BC)?|-?infinity)$';
	rel oid;
	relname text;
	valid_tables text;
	col record;
	prop jsonb;
	props jsonb := '{}'::jsonb;
	req text[] := '{}';
	rules jsonb := '[]'::jsonb;
	checks jsonb := '[]'::jsonb;
	defs jsonb := '{}'::jsonb;
	con record;
	m text[];
	vals jsonb;
	colname text;
	a_col text;
	a_val text;
	b_col text;
	a_default text;
	a_nullable boolean;
	fills boolean;
	pkey text[];
	uniques jsonb;
	fkeys jsonb;
	branches jsonb;
	sd record;
	with_schema text[] := '{}';
	result jsonb;
BEGIN
	IF mode OPERATOR(pg_catalog.<>) ALL (ARRAY['select', 'insert', 'update']) THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = pg_catalog.format('unknown mode "%s"', workshoppilot.clip_for_message(mode)),
			HINT = 'Valid modes are select, insert and update.';
	END IF;
	SELECT c.oid, c.relname INTO rel, relname
	FROM pg_catalog.pg_class c
	JOIN pg_catalog.pg_depend d ON d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
		AND d.objid OPERATOR(pg_catalog.=) c.oid AND d.deptype OPERATOR(pg_catalog.=) 'e'
	JOIN pg_catalog.pg_extension e ON e.oid OPERATOR(pg_catalog.=) d.refobjid
		AND e.extname OPERATOR(pg_catalog.=) 'workshoppilot'
	WHERE c.relnamespace OPERATOR(pg_catalog.=) 'workshoppilot'::pg_catalog.regnamespace
		AND c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p']::"char"[])
		AND (c.relname OPERATOR(pg_catalog.=) table_json_schema.table_name
			OR 'workshoppilot.' OPERATOR(pg_catalog.||) c.relname OPERATOR(pg_catalog.=) table_json_schema.table_name);
	IF NOT FOUND THEN
		SELECT pg_catalog.string_agg(c.relname::text, ', ' ORDER BY c.relname) INTO valid_tables
		FROM pg_catalog.pg_class c
		JOIN pg_catalog.pg_depend d ON d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
			AND d.objid OPERATOR(pg_catalog.=) c.oid AND d.deptype OPERATOR(pg_catalog.=) 'e'
		JOIN pg_catalog.pg_extension e ON e.oid OPERATOR(pg_catalog.=) d.refobjid
			AND e.extname OPERATOR(pg_catalog.=) 'workshoppilot'
		WHERE c.relnamespace OPERATOR(pg_catalog.=) 'workshoppilot'::pg_catalog.regnamespace
			AND c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p']::"char"[]);
		RAISE EXCEPTION USING ERRCODE = 'undefined_table',
			MESSAGE = pg_catalog.format('table "%s" is not a table of workshoppilot', workshoppilot.clip_for_message(table_json_schema.table_name)),
			HINT = pg_catalog.format('Valid tables are %s.', valid_tables);
	END IF;

	SELECT pg_catalog.array_agg(a.attname::text ORDER BY k.ord) INTO pkey
	FROM pg_catalog.pg_constraint pc
	CROSS JOIN LATERAL pg_catalog.unnest(pc.conkey) WITH ORDINALITY k(attnum, ord)
	JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) rel AND a.attnum OPERATOR(pg_catalog.=) k.attnum
	WHERE pc.conrelid OPERATOR(pg_catalog.=) rel AND pc.contype OPERATOR(pg_catalog.=) 'p';

	-- columns
	FOR col IN
		SELECT a.attnum, a.attname::text AS name, a.attnotnull AS notnull,
			(a.atthasdef OR a.attidentity OPERATOR(pg_catalog.<>) '') AS hasdef, a.attidentity, a.attgenerated,
			pg_catalog.format_type(a.atttypid, a.atttypmod) AS sqltype,
			CASE WHEN t.typtype OPERATOR(pg_catalog.=) 'd' THEN t.typbasetype ELSE a.atttypid END AS typid,
			CASE WHEN t.typtype OPERATOR(pg_catalog.=) 'd' THEN t.typtypmod ELSE a.atttypmod END AS typmod,
			pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) AS defexpr,
			pg_catalog.col_description(rel, a.attnum) AS comment
		FROM pg_catalog.pg_attribute a
		JOIN pg_catalog.pg_type t ON t.oid OPERATOR(pg_catalog.=) a.atttypid
		LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid OPERATOR(pg_catalog.=) a.attrelid AND ad.adnum OPERATOR(pg_catalog.=) a.attnum
		WHERE a.attrelid OPERATOR(pg_catalog.=) rel AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped
		ORDER BY a.attnum
	LOOP
		-- not writable: generated columns, GENERATED ALWAYS identities; the
		-- primary key is not part of an update
		CONTINUE WHEN mode OPERATOR(pg_catalog.<>) 'select'
			AND (col.attgenerated OPERATOR(pg_catalog.<>) '' OR col.attidentity OPERATOR(pg_catalog.=) 'a');
		CONTINUE WHEN mode OPERATOR(pg_catalog.=) 'update' AND col.name OPERATOR(pg_catalog.=) ANY (COALESCE(pkey, '{}'));

		prop := CASE
			WHEN col.typid OPERATOR(pg_catalog.=) ANY (ARRAY['pg_catalog.text'::pg_catalog.regtype, 'pg_catalog.name'::pg_catalog.regtype]::oid[])
				THEN '{"type": "string"}'::jsonb
			WHEN col.typid OPERATOR(pg_catalog.=) ANY (ARRAY['pg_catalog.varchar'::pg_catalog.regtype, 'pg_catalog.bpchar'::pg_catalog.regtype]::oid[])
				THEN '{"type": "string"}'::jsonb OPERATOR(pg_catalog.||)
					CASE WHEN col.typmod OPERATOR(pg_catalog.>=) 4
						THEN pg_catalog.jsonb_build_object('maxLength', col.typmod OPERATOR(pg_catalog.-) 4) ELSE '{}'::jsonb END
			WHEN col.typid OPERATOR(pg_catalog.=) 'pg_catalog.int2'::pg_catalog.regtype
				THEN '{"type": "integer", "minimum": -32768, "maximum": 32767}'::jsonb
			WHEN col.typid OPERATOR(pg_catalog.=) 'pg_catalog.int4'::pg_catalog.regtype
				THEN '{"type": "integer", "minimum": -2147483648, "maximum": 2147483647}'::jsonb
			WHEN col.typid OPERATOR(pg_catalog.=) 'pg_catalog.int8'::pg_catalog.regtype
				THEN '{"type": "integer", "minimum": -9223372036854775808, "maximum": 9223372036854775807}'::jsonb
			WHEN col.typid OPERATOR(pg_catalog.=) ANY (ARRAY['pg_catalog.numeric'::pg_catalog.regtype,
					'pg_catalog.float4'::pg_catalog.regtype, 'pg_catalog.float8'::pg_catalog.regtype]::oid[])
				THEN '{"type": "number"}'::jsonb
			WHEN col.typid OPERATOR(pg_catalog.=) 'pg_catalog.bool'::pg_catalog.regtype
				THEN '{"type": "boolean"}'::jsonb
			WHEN col.typid OPERATOR(pg_catalog.=) 'pg_catalog.timestamp'::pg_catalog.regtype
				THEN pg_catalog.jsonb_build_object('type', 'string', 'pattern', ts_pattern,
					'$comment', 'ISO 8601 as to_jsonb writes a timestamp: no offset, so not the RFC 3339 "date-time" format (which needs one)')
			WHEN col.typid OPERATOR(pg_catalog.=) 'pg_catalog.timestamptz'::pg_catalog.regtype
				THEN pg_catalog.jsonb_build_object('type', 'string', 'pattern', tstz_pattern)
			WHEN col.typid OPERATOR(pg_catalog.=) 'pg_catalog.date'::pg_catalog.regtype
				THEN '{"type": "string", "pattern": "^(?:[0-9]{4,}-[0-9]{2}-[0-9]{2}(?: BC)?|-?infinity)$"}'::jsonb
			WHEN col.typid OPERATOR(pg_catalog.=) 'pg_catalog.uuid'::pg_catalog.regtype
				THEN '{"type": "string", "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"}'::jsonb
			WHEN relname OPERATOR(pg_catalog.=) 'step_definitions' AND col.name OPERATOR(pg_catalog.=) 'output_schema'
				THEN '{"type": ["object", "boolean"], "$comment": "a JSON Schema (draft 2020-12): the trigger check_output_schema rejects one that jsonb_schema_is_valid() refuses (22023)"}'::jsonb
			WHEN col.typid OPERATOR(pg_catalog.=) ANY (ARRAY['pg_catalog.jsonb'::pg_catalog.regtype, 'pg_catalog.json'::pg_catalog.regtype]::oid[])
				THEN '{}'::jsonb
			ELSE '{}'::jsonb
		END;
		-- NULL is a value of every nullable column (a schema without "type"
		-- already admits it)
		IF NOT col.notnull AND prop ? 'type' THEN
			prop := pg_catalog.jsonb_set(prop, '{type}',
				CASE WHEN pg_catalog.jsonb_typeof(prop -> 'type') OPERATOR(pg_catalog.=) 'array'
					THEN (prop -> 'type') OPERATOR(pg_catalog.||) '["null"]'::jsonb
					ELSE pg_catalog.jsonb_build_array(prop -> 'type', 'null') END);
		END IF;
		prop := prop OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('x-sql-type', col.sqltype);
		IF col.comment IS NOT NULL THEN
			prop := prop OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('description', col.comment);
		END IF;
		IF col.defexpr IS NOT NULL THEN
			prop := prop OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('x-default', col.defexpr);
			-- an id the database generates: its form, as an annotation (the
			-- database keeps any text a client gives; a CHECK
			-- (workshoppilot.is_cuid2(col, 'prefix')) makes it a "pattern")
			m := pg_catalog.regexp_match(col.defexpr, '^workshoppilot\.cuid2\(''([a-z][a-z0-9]*)''::text, ([0-9]+)\)$');
			IF m IS NOT NULL THEN
				prop := prop OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('x-id-pattern',
					pg_catalog.format('^%s_[a-z][0-9a-z]{%s}$', m[1], m[2]::integer OPERATOR(pg_catalog.-) 1));
			END IF;
		END IF;
		props := props OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object(col.name, prop);
		IF mode OPERATOR(pg_catalog.=) 'select'
				OR (mode OPERATOR(pg_catalog.=) 'insert' AND col.notnull AND NOT col.hasdef) THEN
			req := req OPERATOR(pg_catalog.||) col.name;
		END IF;
	END LOOP;

	-- CHECK constraints, in name order: the forms below are translated, any
	-- other is described in x-checks with "translated": false
	FOR con IN
		SELECT pc.conname::text AS name, pg_catalog.regexp_replace(pg_catalog.pg_get_constraintdef(pc.oid), ' NOT VALID$', '') AS def, pc.convalidated
		FROM pg_catalog.pg_constraint pc
		WHERE pc.conrelid OPERATOR(pg_catalog.=) rel AND pc.contype OPERATOR(pg_catalog.=) 'c'
		ORDER BY pc.conname
	LOOP
		m := pg_catalog.regexp_match(con.def,
			'^CHECK \(\(([a-z_][a-z0-9_]*|"(?:[^"]|"")+") = ANY \(ARRAY\[((?:''(?:[^'']|'''')*''::text(?:, )?)+)\]\)\)\)$');
		IF m IS NULL THEN
			m := pg_catalog.regexp_match(con.def,
				'^CHECK \(\(([a-z_][a-z0-9_]*|"(?:[^"]|"")+") = (''(?:[^'']|'''')*''::text)\)\)$');
		END IF;
		IF m IS NULL THEN
			-- col = ANY ('{a,b}'::text[]): one array constant; the literal
			-- is read by text[] input
			m := pg_catalog.regexp_match(con.def,
				'^CHECK \(\(([a-z_][a-z0-9_]*|"(?:[^"]|"")+") = ANY \(''((?:[^'']|'''')*)''::text\[\]\)\)\)$');
			IF m IS NOT NULL THEN
				SELECT pg_catalog.jsonb_agg(v ORDER BY o) INTO vals
				FROM pg_catalog.unnest(pg_catalog.replace(m[2], '''''', '''')::text[]) WITH ORDINALITY u(v, o);
			END IF;
			IF m IS NULL THEN
				-- workshoppilot.is_step_status(col) and the other value-set
				-- functions of section 5: the values value_set() names
				m := pg_catalog.regexp_match(con.def,
					'^CHECK \(workshoppilot\.([a-z_]+)\(([a-z_][a-z0-9_]*|"(?:[^"]|"")+")\)\)$');
				IF m IS NOT NULL THEN
					SELECT pg_catalog.jsonb_agg(v ORDER BY o) INTO vals
					FROM pg_catalog.unnest(workshoppilot.value_set(m[1])) WITH ORDINALITY u(v, o);
					m := CASE WHEN vals IS NULL THEN NULL ELSE ARRAY[m[2]] END;
				END IF;
			END IF;
		ELSE
			SELECT pg_catalog.jsonb_agg(pg_catalog.replace(v[1], '''''', '''') ORDER BY o) INTO vals
			FROM pg_catalog.regexp_matches(m[2], '''((?:[^'']|'''')*)''::text', 'g') WITH ORDINALITY r(v, o);
		END IF;
		IF m IS NOT NULL THEN
			-- col = ANY (ARRAY['a'::text, ...]) (how PostgreSQL stores
			-- col IN ('a', ...)), col = ANY ('{a,...}'::text[]), col = 'a'
			-- or a value-set function of col: an enum of the column
			colname := CASE WHEN m[1] OPERATOR(pg_catalog.~~) '"%' THEN pg_catalog.replace(pg_catalog.btrim(m[1], '"'), '""', '"') ELSE m[1] END;
			IF props ? colname THEN
				IF pg_catalog.jsonb_typeof(props -> colname -> 'type') OPERATOR(pg_catalog.=) 'array' THEN
					vals := vals OPERATOR(pg_catalog.||) '[null]'::jsonb;
				END IF;
				props := pg_catalog.jsonb_set(props, ARRAY[colname, 'enum'], vals);
			END IF;
			checks := checks OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
				'name', con.name, 'definition', con.def, 'translated', true, 'as', 'enum of ' OPERATOR(pg_catalog.||) colname));
			CONTINUE;
		END IF;

		m := pg_catalog.regexp_match(con.def,
			'^CHECK \(workshoppilot\.is_cuid2\(([a-z_][a-z0-9_]*)(?:, ''([a-z][a-z0-9]{0,15})''::text)?\)\)$');
		IF m IS NOT NULL THEN
			-- is_cuid2(col [, 'prefix']): the id pattern
			IF props ? m[1] THEN
				props := pg_catalog.jsonb_set(props, ARRAY[m[1], 'pattern'], pg_catalog.to_jsonb(
					'^' OPERATOR(pg_catalog.||) COALESCE(m[2] OPERATOR(pg_catalog.||) '_', '')
					OPERATOR(pg_catalog.||) '[a-z][0-9a-z]{1,31}$'));
			END IF;
			checks := checks OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
				'name', con.name, 'definition', con.def, 'translated', true, 'as', 'pattern of ' OPERATOR(pg_catalog.||) m[1]));
			CONTINUE;
		END IF;

		m := pg_catalog.regexp_match(con.def,
			'^CHECK \(\(\(([a-z_][a-z0-9_]*) = ''((?:[^'']|'''')*)''::text\) = \(([a-z_][a-z0-9_]*) IS NOT NULL\)\)\)$');
		IF m IS NOT NULL AND mode OPERATOR(pg_catalog.<>) 'update' AND props ? m[1] AND props ? m[3] THEN
			-- (a = 'v') = (b IS NOT NULL): a is 'v' exactly when b is set
			a_col := m[1]; a_val := pg_catalog.replace(m[2], '''''', ''''); b_col := m[3];
			SELECT NOT a.attnotnull, pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) INTO a_nullable, a_default
			FROM pg_catalog.pg_attribute a
			LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid OPERATOR(pg_catalog.=) a.attrelid AND ad.adnum OPERATOR(pg_catalog.=) a.attnum
			WHERE a.attrelid OPERATOR(pg_catalog.=) rel AND a.attname OPERATOR(pg_catalog.=) a_col;
			-- A BEFORE INSERT row trigger named after b (or whose function
			-- is) is taken to fill b when a is 'v' (the share_token trigger):
			-- on insert only "b set => a = 'v'" is left to check.
			SELECT pg_catalog.count(*) OPERATOR(pg_catalog.>) 0 INTO fills
			FROM pg_catalog.pg_trigger tg JOIN pg_catalog.pg_proc p ON p.oid OPERATOR(pg_catalog.=) tg.tgfoid
			WHERE tg.tgrelid OPERATOR(pg_catalog.=) rel AND NOT tg.tgisinternal
				AND tg.tgenabled OPERATOR(pg_catalog.<>) 'D'
				AND (tg.tgtype::integer OPERATOR(pg_catalog.&) 7) OPERATOR(pg_catalog.=) 7	-- ROW, BEFORE, INSERT
				AND (pg_catalog.strpos(tg.tgname::text, b_col) OPERATOR(pg_catalog.>) 0
					OR pg_catalog.strpos(p.proname::text, b_col) OPERATOR(pg_catalog.>) 0);
			IF mode OPERATOR(pg_catalog.=) 'select' THEN
				branches := pg_catalog.jsonb_build_array(
					pg_catalog.jsonb_build_object('type', 'object', 'properties', pg_catalog.jsonb_build_object(
						a_col, pg_catalog.jsonb_build_object('const', a_val), b_col, '{"type": "string"}'::jsonb)),
					pg_catalog.jsonb_build_object('type', 'object', 'properties', pg_catalog.jsonb_build_object(
						a_col, pg_catalog.jsonb_build_object('type', 'string', 'pattern',
							'^(?!' OPERATOR(pg_catalog.||) pg_catalog.regexp_replace(a_val, '([.*+?^${}()|\[\]\\/-])', '\\\1', 'g') OPERATOR(pg_catalog.||) '$)'),
						b_col, '{"type": "null"}'::jsonb)));
			ELSIF fills THEN
				branches := pg_catalog.jsonb_build_array(
					pg_catalog.jsonb_build_object('type', 'object', 'properties', pg_catalog.jsonb_build_object(
						b_col, '{"type": "null"}'::jsonb)),
					pg_catalog.jsonb_build_object('type', 'object', 'properties', pg_catalog.jsonb_build_object(
						a_col, pg_catalog.jsonb_build_object('const', a_val))) OPERATOR(pg_catalog.||)
						CASE WHEN a_default OPERATOR(pg_catalog.=) (pg_catalog.quote_literal(a_val) OPERATOR(pg_catalog.||) '::text')
							THEN '{}'::jsonb ELSE pg_catalog.jsonb_build_object('required', pg_catalog.jsonb_build_array(a_col)) END);
			ELSE
				branches := pg_catalog.jsonb_build_array(
					pg_catalog.jsonb_build_object('type', 'object',
						'required', CASE WHEN a_default OPERATOR(pg_catalog.=) (pg_catalog.quote_literal(a_val) OPERATOR(pg_catalog.||) '::text')
							THEN pg_catalog.jsonb_build_array(b_col) ELSE pg_catalog.jsonb_build_array(b_col, a_col) END,
						'properties', pg_catalog.jsonb_build_object(
						a_col, pg_catalog.jsonb_build_object('const', a_val), b_col, '{"type": "string"}'::jsonb)),
					pg_catalog.jsonb_build_object('type', 'object', 'properties', pg_catalog.jsonb_build_object(
						a_col, pg_catalog.jsonb_build_object('type', 'string', 'pattern',
							'^(?!' OPERATOR(pg_catalog.||) pg_catalog.regexp_replace(a_val, '([.*+?^${}()|\[\]\\/-])', '\\\1', 'g') OPERATOR(pg_catalog.||) '$)'),
						b_col, '{"type": "null"}'::jsonb)) OPERATOR(pg_catalog.||)
						CASE WHEN a_default OPERATOR(pg_catalog.=) (pg_catalog.quote_literal(a_val) OPERATOR(pg_catalog.||) '::text')
							THEN pg_catalog.jsonb_build_object('required', pg_catalog.jsonb_build_array(a_col)) ELSE '{}'::jsonb END);
			END IF;
			IF a_nullable THEN
				-- a NULL makes the CHECK pass whatever b is
				branches := branches OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
					'type', 'object', 'required', pg_catalog.jsonb_build_array(a_col),
					'properties', pg_catalog.jsonb_build_object(a_col, '{"type": "null"}'::jsonb)));
			END IF;
			rules := rules OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
				'$comment', pg_catalog.format('CHECK %s: %s', con.name, con.def), 'anyOf', branches));
			checks := checks OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
				'name', con.name, 'definition', con.def, 'translated', true,
				'as', CASE WHEN fills AND mode OPERATOR(pg_catalog.=) 'insert'
					THEN pg_catalog.format('rule in allOf: %s set requires %s = %s (a BEFORE INSERT trigger fills %s)', b_col, a_col, a_val, b_col)
					ELSE pg_catalog.format('rule in allOf: %s = %s exactly when %s is set', a_col, a_val, b_col) END));
			CONTINUE;
		END IF;

		checks := checks OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
			'name', con.name, 'definition', con.def, 'translated', false,
			'reason', CASE WHEN m IS NOT NULL THEN 'depends on the values the row has before the update'
				ELSE 'not a form the generator translates: the database checks it, this schema does not' END));
	END LOOP;

	-- workshop_steps.output: the output schema of the row's step
	IF relname OPERATOR(pg_catalog.=) 'workshop_steps' AND props ? 'output' AND props ? 'step_id' THEN
		defs := workshoppilot.step_output_defs();
		branches := '[]'::jsonb;
		FOR sd IN SELECT s.id FROM workshoppilot.step_definitions s
				WHERE s.output_schema IS NOT NULL ORDER BY s."order", s.id LOOP
			with_schema := with_schema OPERATOR(pg_catalog.||) sd.id;
			branches := branches OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
				'type', 'object', 'required', '["step_id"]'::jsonb,
				'properties', pg_catalog.jsonb_build_object(
					'step_id', pg_catalog.jsonb_build_object('const', sd.id),
					'output', pg_catalog.jsonb_build_object('anyOf', pg_catalog.jsonb_build_array(
						'{"type": "null"}'::jsonb,
						pg_catalog.jsonb_build_object('$ref', '#/$defs/' OPERATOR(pg_catalog.||) workshoppilot.step_output_def_name(sd.id)))))));
		END LOOP;
		-- any other step (one without a schema, or none named in an update):
		-- no check of the output
		branches := branches OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
			'type', 'object', 'properties', pg_catalog.jsonb_build_object('step_id',
				CASE WHEN pg_catalog.cardinality(with_schema) OPERATOR(pg_catalog.=) 0 THEN '{}'::jsonb
				ELSE pg_catalog.jsonb_build_object('type', 'string', 'pattern', '^(?!(?:' OPERATOR(pg_catalog.||)
					(SELECT pg_catalog.string_agg(pg_catalog.regexp_replace(x, '([.*+?^${}()|\[\]\\/-])', '\\\1', 'g'), '|')
					 FROM pg_catalog.unnest(with_schema) x) OPERATOR(pg_catalog.||) ')$)') END)));
		rules := rules OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
			'$comment', 'trigger validate_output: a non-NULL output matches the output_schema of its step (23514)',
			'anyOf', branches));
		props := pg_catalog.jsonb_set(props, '{output,$comment}', pg_catalog.to_jsonb(CASE WHEN mode OPERATOR(pg_catalog.=) 'update'
			THEN 'checked against the output schema of the step named in the same update; without step_id, against the row''s step, which this schema cannot see'::text
			ELSE 'checked against the output schema of the row''s step (allOf)'::text END));
	END IF;

	SELECT COALESCE(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('name', x.conname, 'columns', x.cols,
			'primary_key', x.contype OPERATOR(pg_catalog.=) 'p') ORDER BY x.conname), '[]'::jsonb)
	INTO uniques
	FROM (SELECT pc.conname::text AS conname, pc.contype,
			(SELECT pg_catalog.jsonb_agg(a.attname::text ORDER BY k.ord)
			 FROM pg_catalog.unnest(pc.conkey) WITH ORDINALITY k(attnum, ord)
			 JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) rel AND a.attnum OPERATOR(pg_catalog.=) k.attnum) AS cols
		  FROM pg_catalog.pg_constraint pc
		  WHERE pc.conrelid OPERATOR(pg_catalog.=) rel AND pc.contype OPERATOR(pg_catalog.=) ANY (ARRAY['p', 'u']::"char"[])) x;

	SELECT COALESCE(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('name', x.conname, 'columns', x.cols,
			'references', x.reftable, 'referenced_columns', x.refcols, 'on_delete', x.ondelete) ORDER BY x.conname), '[]'::jsonb)
	INTO fkeys
	FROM (SELECT pc.conname::text AS conname,
			(SELECT pg_catalog.jsonb_agg(a.attname::text ORDER BY k.ord)
			 FROM pg_catalog.unnest(pc.conkey) WITH ORDINALITY k(attnum, ord)
			 JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) rel AND a.attnum OPERATOR(pg_catalog.=) k.attnum) AS cols,
			(SELECT pg_catalog.jsonb_agg(a.attname::text ORDER BY k.ord)
			 FROM pg_catalog.unnest(pc.confkey) WITH ORDINALITY k(attnum, ord)
			 JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) pc.confrelid AND a.attnum OPERATOR(pg_catalog.=) k.attnum) AS refcols,
			pc.confrelid::pg_catalog.regclass::text AS reftable,
			CASE pc.confdeltype WHEN 'c' THEN 'cascade' WHEN 'n' THEN 'set null' WHEN 'd' THEN 'set default'
				WHEN 'r' THEN 'restrict' ELSE 'no action' END AS ondelete
		  FROM pg_catalog.pg_constraint pc
		  WHERE pc.conrelid OPERATOR(pg_catalog.=) rel AND pc.contype OPERATOR(pg_catalog.=) 'f') x;

	result := pg_catalog.jsonb_build_object(
		'$schema', 'https://json-schema.org/draft/2020-12/schema',
		'title', pg_catalog.format('workshoppilot.%s (%s)', relname, mode),
		'type', 'object',
		'properties', props,
		'required', pg_catalog.to_jsonb(req),
		'additionalProperties', false,
		'x-table', 'workshoppilot.' OPERATOR(pg_catalog.||) relname,
		'x-mode', mode,
		'x-primary-key', pg_catalog.to_jsonb(COALESCE(pkey, '{}')),
		'x-unique', uniques,
		'x-foreign-keys', fkeys,
		'x-checks', checks,
		'$comment', 'Unique and foreign keys (x-unique, x-foreign-keys) depend on other rows and are not checked here; x-checks lists every CHECK constraint and whether this schema checks it.');
	IF pg_catalog.obj_description(rel, 'pg_class') IS NOT NULL THEN
		result := result OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('description', pg_catalog.obj_description(rel, 'pg_class'));
	END IF;
	IF pg_catalog.jsonb_array_length(rules) OPERATOR(pg_catalog.>) 0 THEN
		-- Each branch of a rule names every column (true for the ones it does
		-- not constrain) and no other: the same set as the row schema, and
		-- so an extra key is refused by both sides of the intersection Zod
		-- builds from allOf (it drops a key one side does not know only
		-- when the other side declares it).
		SELECT pg_catalog.jsonb_agg(r.rule OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('anyOf',
				(SELECT pg_catalog.jsonb_agg(b.branch OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object(
						'additionalProperties', false,
						'properties', (SELECT pg_catalog.jsonb_object_agg(k.k, true) FROM pg_catalog.jsonb_object_keys(props) k(k))
							OPERATOR(pg_catalog.||) (b.branch -> 'properties')) ORDER BY b.ord)
				 FROM pg_catalog.jsonb_array_elements(r.rule -> 'anyOf') WITH ORDINALITY b(branch, ord))) ORDER BY r.ord)
		INTO rules
		FROM pg_catalog.jsonb_array_elements(rules) WITH ORDINALITY r(rule, ord);
		result := result OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('allOf', rules);
	END IF;
	IF defs OPERATOR(pg_catalog.<>) '{}'::jsonb THEN
		result := result OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('$defs', defs);
	END IF;
	RETURN result;
END
$$;
COMMENT ON FUNCTION workshoppilot.table_json_schema(text, text) IS 'JSON Schema (draft 2020-12) of a row of a workshoppilot table as a read returns it (select), an INSERT may write it (insert) or an UPDATE may set it (update), read from the catalogs now';

CREATE FUNCTION workshoppilot.contracts()
RETURNS jsonb
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	defs jsonb := workshoppilot.step_output_defs();
	tables jsonb := '{}'::jsonb;
	steps jsonb;
	t text;
	m text;
	s jsonb;
BEGIN
	FOR t IN
		SELECT c.relname::text
		FROM pg_catalog.pg_class c
		JOIN pg_catalog.pg_depend d ON d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
			AND d.objid OPERATOR(pg_catalog.=) c.oid AND d.deptype OPERATOR(pg_catalog.=) 'e'
		JOIN pg_catalog.pg_extension e ON e.oid OPERATOR(pg_catalog.=) d.refobjid
			AND e.extname OPERATOR(pg_catalog.=) 'workshoppilot'
		WHERE c.relnamespace OPERATOR(pg_catalog.=) 'workshoppilot'::pg_catalog.regnamespace
			AND c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p']::"char"[])
		ORDER BY c.relname
	LOOP
		FOREACH m IN ARRAY ARRAY['select', 'insert', 'update'] LOOP
			s := workshoppilot.table_json_schema(t, m);
			-- their $defs are the step outputs, shared at the root here
			defs := defs OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object(t OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) m,
				s OPERATOR(pg_catalog.-) '$schema'::text OPERATOR(pg_catalog.-) '$defs'::text);
			tables := pg_catalog.jsonb_set(
				CASE WHEN tables ? t THEN tables ELSE tables OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object(t, '{}'::jsonb) END,
				ARRAY[t, m], pg_catalog.to_jsonb('#/$defs/' OPERATOR(pg_catalog.||) t OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) m));
		END LOOP;
	END LOOP;
	SELECT COALESCE(pg_catalog.jsonb_object_agg(sd.id, CASE WHEN sd.output_schema IS NULL THEN 'null'::jsonb
			ELSE pg_catalog.to_jsonb('#/$defs/' OPERATOR(pg_catalog.||) workshoppilot.step_output_def_name(sd.id)) END), '{}'::jsonb)
	INTO steps
	FROM workshoppilot.step_definitions sd;
	RETURN pg_catalog.jsonb_build_object(
		'$schema', 'https://json-schema.org/draft/2020-12/schema',
		'title', 'workshoppilot contracts',
		'description', 'JSON Schemas of a row of every workshoppilot table (select, insert, update) and of every step output, as the database enforces them; use one with {"$ref": "#/$defs/<table>.<mode>"} next to these $defs.',
		'x-extension-version', (SELECT e.extversion FROM pg_catalog.pg_extension e WHERE e.extname OPERATOR(pg_catalog.=) 'workshoppilot'),
		'x-tables', tables,
		'x-step-outputs', steps,
		'$defs', defs);
END
$$;
COMMENT ON FUNCTION workshoppilot.contracts() IS 'one self-contained JSON Schema document: every table in the three modes and every step output schema under $defs, with the extension version';

CREATE FUNCTION workshoppilot.set_step_output_schema(step_id text, schema jsonb)
RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	invalid integer;
BEGIN
	IF set_step_output_schema.step_id IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = 'step_id must not be null';
	END IF;
	-- the trigger check_output_schema rejects an invalid schema (22023)
	UPDATE workshoppilot.step_definitions sd SET output_schema = set_step_output_schema.schema
	WHERE sd.id OPERATOR(pg_catalog.=) set_step_output_schema.step_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION USING ERRCODE = 'undefined_object',
			MESSAGE = pg_catalog.format('step definition "%s" does not exist', workshoppilot.clip_for_message(set_step_output_schema.step_id)),
			HINT = 'Valid steps are the ids in workshoppilot.step_definitions.';
	END IF;
	SELECT pg_catalog.count(*)::integer INTO invalid
	FROM workshoppilot.invalid_step_outputs(set_step_output_schema.step_id);
	RETURN invalid;
END
$$;
COMMENT ON FUNCTION workshoppilot.set_step_output_schema(text, jsonb) IS 'installs schema (checked: 22023) as the output schema of the step, NULL clears it; returns how many current outputs of the step do not match it (see invalid_step_outputs)';

-- As in the base script (section 8): the role that ran CREATE EXTENSION
-- gets full use of the new functions, with the right to grant it on.
GRANT EXECUTE ON FUNCTION workshoppilot.json_schema_rebase(jsonb, text, boolean),
	workshoppilot.step_output_def_name(text), workshoppilot.step_output_defs(),
	workshoppilot.table_json_schema(text, text), workshoppilot.contracts(),
	workshoppilot.set_step_output_schema(text, jsonb)
	TO @extowner@ WITH GRANT OPTION;

-- end of section 4

-------------------------------------------------------------------------------
-- 5. Write-path speed
-------------------------------------------------------------------------------

-- The value-set CHECK constraints of 0.1.0 are stored as an ARRAY[...]
-- expression of one constant per value, which PostgreSQL reads back from
-- its stored node text and simplifies again for every INSERT and UPDATE
-- statement (ExecRelCheck); spelling out those constants is most of what a
-- CHECK costs there (about 5 % of the app's write transaction).  In 0.2.0
-- each calls a C function of one column instead (src/value_sets.c): still a
-- CHECK constraint, with the same name, values and errors, enforced by
-- PostgreSQL for every client.  0.1.0 listed the values in the order the
-- functions do (value_set); a constraint whose definition is no longer
-- exactly 0.1.0's (an operator changed it) is left as it is.
CREATE FUNCTION workshoppilot.is_workshop_status(status text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'wp_is_workshop_status'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION workshoppilot.is_workshop_status(text) IS 'true for a workshop status: draft, active, paused, completed (CHECK workshops_status_check) (0.2.0)';

CREATE FUNCTION workshoppilot.is_workshop_visibility(visibility text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'wp_is_workshop_visibility'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION workshoppilot.is_workshop_visibility(text) IS 'true for a workshop visibility: private, shared (CHECK workshops_visibility_check) (0.2.0)';

CREATE FUNCTION workshoppilot.is_step_status(status text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'wp_is_step_status'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION workshoppilot.is_step_status(text) IS 'true for a step status: not_started, in_progress, complete, needs_regeneration (CHECK workshop_steps_status_check) (0.2.0)';

CREATE FUNCTION workshoppilot.is_build_pack_format(format_type text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'wp_is_build_pack_format'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION workshoppilot.is_build_pack_format(text) IS 'true for a build pack format: markdown, pdf, json (CHECK build_packs_format_type_check) (0.2.0)';

CREATE FUNCTION workshoppilot.value_set(check_function text)
RETURNS text[]
AS 'MODULE_PATHNAME', 'wp_value_set'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION workshoppilot.value_set(text) IS 'the values a value-set check function (e.g. is_step_status) accepts, in order; NULL for any other name (0.2.0)';

GRANT EXECUTE ON FUNCTION workshoppilot.is_workshop_status(text), workshoppilot.is_workshop_visibility(text),
	workshoppilot.is_step_status(text), workshoppilot.is_build_pack_format(text), workshoppilot.value_set(text)
	TO @extowner@ WITH GRANT OPTION;
-- Every writer of the tables runs the check functions, and PostgreSQL checks
-- EXECUTE for a function in a CHECK as in a query: granted to PUBLIC
-- explicitly, so that default privileges that revoke it from new functions
-- do not make the tables unwritable.
GRANT EXECUTE ON FUNCTION workshoppilot.is_workshop_status(text), workshoppilot.is_workshop_visibility(text),
	workshoppilot.is_step_status(text), workshoppilot.is_build_pack_format(text)
	TO PUBLIC;

DO $write_path$
DECLARE
	c record;
BEGIN
	FOR c IN
		SELECT v.rel, v.conname, v.col, v.fn
		FROM (VALUES
				('workshoppilot.workshops'::pg_catalog.regclass, 'workshops_status_check', 'status', 'is_workshop_status'),
				('workshoppilot.workshops'::pg_catalog.regclass, 'workshops_visibility_check', 'visibility', 'is_workshop_visibility'),
				('workshoppilot.workshop_steps'::pg_catalog.regclass, 'workshop_steps_status_check', 'status', 'is_step_status'),
				('workshoppilot.build_packs'::pg_catalog.regclass, 'build_packs_format_type_check', 'format_type', 'is_build_pack_format')
			) AS v(rel, conname, col, fn)
		JOIN pg_catalog.pg_constraint k
			ON k.conrelid OPERATOR(pg_catalog.=) v.rel AND k.conname OPERATOR(pg_catalog.=) v.conname
		WHERE pg_catalog.pg_get_constraintdef(k.oid) OPERATOR(pg_catalog.=)
			pg_catalog.format('CHECK ((%s = ANY (ARRAY[%s])))', v.col,
				(SELECT pg_catalog.string_agg(pg_catalog.quote_literal(u.x) OPERATOR(pg_catalog.||) '::text', ', ' ORDER BY u.o)
				 FROM pg_catalog.unnest(workshoppilot.value_set(v.fn)) WITH ORDINALITY AS u(x, o)))
	LOOP
		EXECUTE pg_catalog.format(
			'ALTER TABLE %s DROP CONSTRAINT %I, ADD CONSTRAINT %I CHECK (workshoppilot.%I(%I))',
			c.rel, c.conname, c.conname, c.fn, c.col);
	END LOOP;
END
$write_path$;

-- end of section 5

-------------------------------------------------------------------------------
-- 6. Hostile input and privileges
-------------------------------------------------------------------------------

-- What the SQL functions above quote of a caller's value in a message, as
-- the C functions do (src/messages.c): at most 64 bytes, cut at a character
-- boundary, then "...".  A 100 MB id makes a short message, not a 100 MB one.
CREATE FUNCTION workshoppilot.clip_for_message(value text)
RETURNS text
AS 'MODULE_PATHNAME', 'wp_clip_for_message'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION workshoppilot.clip_for_message(text) IS 'value as error messages quote it: at most 64 bytes, cut at a character boundary, then ... (0.2.0)';
GRANT EXECUTE ON FUNCTION workshoppilot.clip_for_message(text) TO @extowner@ WITH GRANT OPTION;

-- end of section 6
