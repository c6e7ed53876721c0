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

-- end of section 1

-------------------------------------------------------------------------------
-- 2. Sessions, sharing, members and roles, plan caps, health
-------------------------------------------------------------------------------

-- 2a. Sessions (src/sessions.c).  A session's ended_at is its last activity
-- while it is open, and its end once it is not; a session is open while
-- coalesce(ended_at, started_at) is no older than the setting
-- workshoppilot.session_idle_timeout.  See the README, "Sessions".
CREATE FUNCTION workshoppilot.touch_session(workshop_id text)
RETURNS text
AS 'MODULE_PATHNAME', 'wp_touch_session'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION workshoppilot.touch_session(text) IS 'records an activity on the workshop: extends its open session or starts one; returns the session id; a draft or paused workshop becomes active';

CREATE FUNCTION workshoppilot.end_session(session_id text)
RETURNS workshoppilot.sessions
AS 'MODULE_PATHNAME', 'wp_end_session'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION workshoppilot.end_session(text) IS 'ends the session now if it is open (else keeps its end); returns the row';

CREATE FUNCTION workshoppilot.workshop_sessions(workshop_id text)
RETURNS TABLE (id text, started_at timestamp(3), ended_at timestamp(3), duration interval)
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF NOT EXISTS (SELECT FROM workshoppilot.workshops w WHERE w.id OPERATOR(pg_catalog.=) $1) THEN
		RAISE EXCEPTION USING ERRCODE = 'undefined_object',
			MESSAGE = pg_catalog.format('workshop "%s" does not exist', $1);
	END IF;
	RETURN QUERY
		SELECT s.id, s.started_at, s.ended_at,
			   COALESCE(s.ended_at, s.started_at) OPERATOR(pg_catalog.-) s.started_at
		  FROM workshoppilot.sessions s
		 WHERE s.workshop_id OPERATOR(pg_catalog.=) $1
		 ORDER BY s.started_at, s.id;
END
$$;
COMMENT ON FUNCTION workshoppilot.workshop_sessions(text) IS 'sessions of the workshop, oldest first, with their durations (ended_at, or started_at when NULL, minus started_at)';

-- 2b. Sharing (src/sharing.c).  visibility = 'shared' exactly when a token
-- is set; a row made shared without a token gets one from the trigger.
CREATE FUNCTION workshoppilot.workshops_fill_share_token()
RETURNS trigger
AS 'MODULE_PATHNAME', 'wp_workshops_fill_share_token'
LANGUAGE C;
COMMENT ON FUNCTION workshoppilot.workshops_fill_share_token() IS 'trigger: a shared workshop without a share token gets a new one (144 random bits, URL-safe base64)';

-- WHEN: the function is not even called unless the row needs a token.
CREATE TRIGGER fill_share_token BEFORE INSERT OR UPDATE OF visibility, share_token ON workshoppilot.workshops
	FOR EACH ROW
	WHEN (NEW.visibility OPERATOR(pg_catalog.=) 'shared'::text AND NEW.share_token IS NULL)
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
				MESSAGE = pg_catalog.format('workshop "%s" does not exist', $1);
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
			MESSAGE = pg_catalog.format('workshop "%s" does not exist', $1);
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
			MESSAGE = pg_catalog.format('workshop "%s" does not exist', $1);
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
			MESSAGE = pg_catalog.format('workshop "%s" does not exist', $1);
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
-- workshoppilot.max_workshops_per_user is above 0: the WHEN clause reads the
-- setting (NULL before the library is loaded and nothing was SET), so with
-- no cap the function is not even called and no row is materialised for it.
CREATE FUNCTION workshoppilot.workshops_plan_cap()
RETURNS trigger
AS 'MODULE_PATHNAME', 'wp_workshops_plan_cap'
LANGUAGE C;
COMMENT ON FUNCTION workshoppilot.workshops_plan_cap() IS 'trigger: refuses a workshop for a user who already owns workshoppilot.max_workshops_per_user of them (53400)';

CREATE TRIGGER plan_cap BEFORE INSERT OR UPDATE OF clerk_user_id ON workshoppilot.workshops
	FOR EACH ROW
	WHEN (COALESCE(pg_catalog.current_setting('workshoppilot.max_workshops_per_user'::text, true), '0'::text)
		  OPERATOR(pg_catalog.<>) '0'::text)
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
