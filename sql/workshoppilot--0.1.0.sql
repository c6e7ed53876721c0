/* sql/workshoppilot--0.1.0.sql */
-- refuse to run outside CREATE EXTENSION
\echo Use "CREATE EXTENSION workshoppilot" to load this file. \quit

-- The control file says schema = pg_catalog, so this script runs with
-- search_path = pg_catalog, pg_temp, and a pre-existing schema of this name
-- makes the install fail instead of being adopted.  Everything below is
-- schema-qualified: a trusted extension's script runs as superuser.
CREATE SCHEMA workshoppilot;
COMMENT ON SCHEMA workshoppilot IS 'WorkshopPilot: workshops, their members, steps, sessions and build packs';

-------------------------------------------------------------------------------
-- 1. Ids: CUID2 (src/ids.c, src/sha3.c)
-------------------------------------------------------------------------------

-- CUID2 ids as the npm package @paralleldrive/cuid2 makes them; see the
-- README section "CUID2 ids".  cuid2() keeps per-backend state (counter,
-- fingerprint, random pool), created lazily in each process, so parallel
-- workers each have their own and it is PARALLEL SAFE.  It is not STRICT
-- because a NULL prefix means "no prefix"; a NULL length is an error.
CREATE FUNCTION workshoppilot.cuid2(prefix text DEFAULT NULL, length integer DEFAULT 24)
RETURNS text
AS 'MODULE_PATHNAME', 'wp_cuid2'
LANGUAGE C VOLATILE PARALLEL SAFE;
COMMENT ON FUNCTION workshoppilot.cuid2(text, integer) IS 'a new CUID2 id of length characters (2 to 32), as prefix_id when a prefix is given';

CREATE FUNCTION workshoppilot.is_cuid2(value text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'wp_is_cuid2'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION workshoppilot.is_cuid2(text) IS 'true when value is a CUID2 id: 2 to 32 characters, a letter a-z followed by a-z or 0-9';

CREATE FUNCTION workshoppilot.is_cuid2(value text, prefix text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'wp_is_cuid2_prefixed'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION workshoppilot.is_cuid2(text, text) IS 'true when value is prefix_id with a CUID2 id';

CREATE FUNCTION workshoppilot.cuid2_digest(input text, length integer DEFAULT 24)
RETURNS text
AS 'MODULE_PATHNAME', 'wp_cuid2_digest'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION workshoppilot.cuid2_digest(text, integer) IS 'the length - 1 characters that follow the first letter of a CUID2 id made from hash input input';

CREATE FUNCTION workshoppilot.sha3_512(data bytea)
RETURNS bytea
AS 'MODULE_PATHNAME', 'wp_sha3_512'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION workshoppilot.sha3_512(bytea) IS 'SHA3-512 (FIPS 202) digest of data, 64 bytes; the hash under CUID2';

-- end of section 1

-------------------------------------------------------------------------------
-- 2. Tables (names, columns, types, defaults, keys and indexes as the app's
--    Drizzle schema generates them; additions are marked "added")
-------------------------------------------------------------------------------

CREATE TABLE workshoppilot.workshops (
	id text PRIMARY KEY NOT NULL
		DEFAULT workshoppilot.cuid2('ws'::text, 24),	-- added
	clerk_user_id text NOT NULL,
	title text NOT NULL,
	original_idea text NOT NULL,
	status text DEFAULT 'draft'::text NOT NULL,
	org_id text,
	template_id text,
	visibility text DEFAULT 'private'::text NOT NULL,
	share_token text,
	created_at timestamp(3) DEFAULT pg_catalog.now() NOT NULL,
	updated_at timestamp(3) DEFAULT pg_catalog.now() NOT NULL,
	-- added
	CONSTRAINT workshops_status_check
		CHECK (status OPERATOR(pg_catalog.=) ANY (ARRAY['draft'::text, 'active'::text, 'paused'::text, 'completed'::text])),
	CONSTRAINT workshops_visibility_check
		CHECK (visibility OPERATOR(pg_catalog.=) ANY (ARRAY['private'::text, 'shared'::text])),
	CONSTRAINT workshops_share_token_unique UNIQUE (share_token)
);
COMMENT ON TABLE workshoppilot.workshops IS 'a design-thinking workshop: one product idea taken through the ten steps';
COMMENT ON COLUMN workshoppilot.workshops.id IS 'ws_ + CUID2; generated when the client gives none';
COMMENT ON COLUMN workshoppilot.workshops.clerk_user_id IS 'Clerk user id of the creator';
COMMENT ON COLUMN workshoppilot.workshops.title IS 'title shown in the app';
COMMENT ON COLUMN workshoppilot.workshops.original_idea IS 'the idea as the user first typed it';
COMMENT ON COLUMN workshoppilot.workshops.status IS 'draft, active, paused or completed';
COMMENT ON COLUMN workshoppilot.workshops.org_id IS 'Clerk organisation id, for later multi-tenancy';
COMMENT ON COLUMN workshoppilot.workshops.template_id IS 'template the workshop started from, if any';
COMMENT ON COLUMN workshoppilot.workshops.visibility IS 'private or shared';
COMMENT ON COLUMN workshoppilot.workshops.share_token IS 'token of the share link; unique when set';
COMMENT ON COLUMN workshoppilot.workshops.created_at IS 'when the row was inserted';
COMMENT ON COLUMN workshoppilot.workshops.updated_at IS 'when the row was last updated (set by trigger)';

CREATE TABLE workshoppilot.workshop_members (
	id text PRIMARY KEY NOT NULL
		DEFAULT workshoppilot.cuid2('wm'::text, 24),	-- added
	workshop_id text NOT NULL,
	clerk_user_id text NOT NULL,
	role text NOT NULL,
	created_at timestamp(3) DEFAULT pg_catalog.now() NOT NULL,
	-- added
	CONSTRAINT workshop_members_workshop_user_unique UNIQUE (workshop_id, clerk_user_id)
);
COMMENT ON TABLE workshoppilot.workshop_members IS 'who may work on a workshop, and in which role';
COMMENT ON COLUMN workshoppilot.workshop_members.id IS 'wm_ + CUID2; generated when the client gives none';
COMMENT ON COLUMN workshoppilot.workshop_members.workshop_id IS 'the workshop';
COMMENT ON COLUMN workshoppilot.workshop_members.clerk_user_id IS 'Clerk user id of the member';
COMMENT ON COLUMN workshoppilot.workshop_members.role IS 'owner, editor, viewer, ... (free text)';
COMMENT ON COLUMN workshoppilot.workshop_members.created_at IS 'when the member was added';

CREATE TABLE workshoppilot.step_definitions (
	id text PRIMARY KEY NOT NULL,
	"order" integer NOT NULL,
	name text NOT NULL,
	description text NOT NULL,
	prompt_template text,
	created_at timestamp(3) DEFAULT pg_catalog.now() NOT NULL,
	updated_at timestamp(3) DEFAULT pg_catalog.now() NOT NULL,
	-- added
	output_schema jsonb,
	builtin boolean DEFAULT false NOT NULL,
	CONSTRAINT step_definitions_order_unique UNIQUE ("order")
);
COMMENT ON TABLE workshoppilot.step_definitions IS 'the steps every workshop goes through, in "order"; reference data operators may edit and extend';
COMMENT ON COLUMN workshoppilot.step_definitions.id IS 'readable step id (empathize ... pack)';
COMMENT ON COLUMN workshoppilot.step_definitions."order" IS 'position of the step; unique';
COMMENT ON COLUMN workshoppilot.step_definitions.name IS 'display name';
COMMENT ON COLUMN workshoppilot.step_definitions.description IS 'one-line description';
COMMENT ON COLUMN workshoppilot.step_definitions.prompt_template IS 'facilitation prompt for the AI facilitator';
COMMENT ON COLUMN workshoppilot.step_definitions.created_at IS 'when the row was inserted';
COMMENT ON COLUMN workshoppilot.step_definitions.updated_at IS 'when the row was last updated (set by trigger)';
COMMENT ON COLUMN workshoppilot.step_definitions.output_schema IS 'JSON Schema (draft 2020-12) every output of this step must match; NULL: no check';
COMMENT ON COLUMN workshoppilot.step_definitions.builtin IS 'true for the rows the extension ships; an inserted builtin row replaces the shipped row with its id (restore)';

CREATE TABLE workshoppilot.workshop_steps (
	id text PRIMARY KEY NOT NULL
		DEFAULT workshoppilot.cuid2('wst'::text, 24),	-- added
	workshop_id text NOT NULL,
	step_id text NOT NULL,
	status text DEFAULT 'not_started'::text NOT NULL,
	output jsonb,
	started_at timestamp(3),
	completed_at timestamp(3),
	created_at timestamp(3) DEFAULT pg_catalog.now() NOT NULL,
	updated_at timestamp(3) DEFAULT pg_catalog.now() NOT NULL,
	-- added
	CONSTRAINT workshop_steps_status_check
		CHECK (status OPERATOR(pg_catalog.=) ANY (ARRAY['not_started'::text, 'in_progress'::text, 'complete'::text, 'needs_regeneration'::text])),
	CONSTRAINT workshop_steps_workshop_step_unique UNIQUE (workshop_id, step_id)
);
COMMENT ON TABLE workshoppilot.workshop_steps IS 'progress of one workshop on one step; a missing row means not_started';
COMMENT ON COLUMN workshoppilot.workshop_steps.id IS 'wst_ + CUID2; generated when the client gives none';
COMMENT ON COLUMN workshoppilot.workshop_steps.workshop_id IS 'the workshop';
COMMENT ON COLUMN workshoppilot.workshop_steps.step_id IS 'the step definition';
COMMENT ON COLUMN workshoppilot.workshop_steps.status IS 'not_started, in_progress, complete or needs_regeneration';
COMMENT ON COLUMN workshoppilot.workshop_steps.output IS 'what the step produced; checked against the step''s output_schema';
COMMENT ON COLUMN workshoppilot.workshop_steps.started_at IS 'when the step was first started';
COMMENT ON COLUMN workshoppilot.workshop_steps.completed_at IS 'when the step was completed; NULL unless complete';
COMMENT ON COLUMN workshoppilot.workshop_steps.created_at IS 'when the row was inserted';
COMMENT ON COLUMN workshoppilot.workshop_steps.updated_at IS 'when the row was last updated (set by trigger)';

CREATE TABLE workshoppilot.sessions (
	id text PRIMARY KEY NOT NULL
		DEFAULT workshoppilot.cuid2('ses'::text, 24),	-- added
	workshop_id text NOT NULL,
	started_at timestamp(3) DEFAULT pg_catalog.now() NOT NULL,
	ended_at timestamp(3),
	created_at timestamp(3) DEFAULT pg_catalog.now() NOT NULL
);
COMMENT ON TABLE workshoppilot.sessions IS 'one period of work on a workshop';
COMMENT ON COLUMN workshoppilot.sessions.id IS 'ses_ + CUID2; generated when the client gives none';
COMMENT ON COLUMN workshoppilot.sessions.workshop_id IS 'the workshop';
COMMENT ON COLUMN workshoppilot.sessions.started_at IS 'when the session started';
COMMENT ON COLUMN workshoppilot.sessions.ended_at IS 'when the session ended; NULL while it lasts';
COMMENT ON COLUMN workshoppilot.sessions.created_at IS 'when the row was inserted';

CREATE TABLE workshoppilot.build_packs (
	id text PRIMARY KEY NOT NULL
		DEFAULT workshoppilot.cuid2('bp'::text, 24),	-- added
	workshop_id text NOT NULL,
	title text NOT NULL,
	format_type text NOT NULL,
	created_at timestamp(3) DEFAULT pg_catalog.now() NOT NULL,
	updated_at timestamp(3) DEFAULT pg_catalog.now() NOT NULL,
	-- added
	CONSTRAINT build_packs_format_type_check
		CHECK (format_type OPERATOR(pg_catalog.=) ANY (ARRAY['markdown'::text, 'pdf'::text, 'json'::text]))
);
COMMENT ON TABLE workshoppilot.build_packs IS 'a build pack of a workshop; its content is assembled from the current step outputs when read';
COMMENT ON COLUMN workshoppilot.build_packs.id IS 'bp_ + CUID2; generated when the client gives none';
COMMENT ON COLUMN workshoppilot.build_packs.workshop_id IS 'the workshop';
COMMENT ON COLUMN workshoppilot.build_packs.title IS 'title of the pack';
COMMENT ON COLUMN workshoppilot.build_packs.format_type IS 'markdown, pdf or json';
COMMENT ON COLUMN workshoppilot.build_packs.created_at IS 'when the row was inserted';
COMMENT ON COLUMN workshoppilot.build_packs.updated_at IS 'when the row was last updated (set by trigger)';

ALTER TABLE workshoppilot.build_packs ADD CONSTRAINT build_packs_workshop_id_workshops_id_fk FOREIGN KEY (workshop_id) REFERENCES workshoppilot.workshops(id) ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE workshoppilot.sessions ADD CONSTRAINT sessions_workshop_id_workshops_id_fk FOREIGN KEY (workshop_id) REFERENCES workshoppilot.workshops(id) ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE workshoppilot.workshop_members ADD CONSTRAINT workshop_members_workshop_id_workshops_id_fk FOREIGN KEY (workshop_id) REFERENCES workshoppilot.workshops(id) ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE workshoppilot.workshop_steps ADD CONSTRAINT workshop_steps_workshop_id_workshops_id_fk FOREIGN KEY (workshop_id) REFERENCES workshoppilot.workshops(id) ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE workshoppilot.workshop_steps ADD CONSTRAINT workshop_steps_step_id_step_definitions_id_fk FOREIGN KEY (step_id) REFERENCES workshoppilot.step_definitions(id) ON DELETE NO ACTION ON UPDATE NO ACTION;

CREATE INDEX build_packs_workshop_id_idx ON workshoppilot.build_packs USING btree (workshop_id);
CREATE INDEX sessions_workshop_id_idx ON workshoppilot.sessions USING btree (workshop_id);
CREATE INDEX sessions_started_at_idx ON workshoppilot.sessions USING btree (started_at);
CREATE INDEX workshop_members_workshop_id_idx ON workshoppilot.workshop_members USING btree (workshop_id);
CREATE INDEX workshop_members_clerk_user_id_idx ON workshoppilot.workshop_members USING btree (clerk_user_id);
CREATE INDEX workshop_steps_workshop_id_idx ON workshoppilot.workshop_steps USING btree (workshop_id);
CREATE INDEX workshop_steps_step_id_idx ON workshoppilot.workshop_steps USING btree (step_id);
CREATE INDEX workshop_steps_status_idx ON workshoppilot.workshop_steps USING btree (status);
CREATE INDEX workshops_clerk_user_id_idx ON workshoppilot.workshops USING btree (clerk_user_id);
CREATE INDEX workshops_status_idx ON workshoppilot.workshops USING btree (status);
CREATE INDEX workshops_org_id_idx ON workshoppilot.workshops USING btree (org_id);

-- User data is dumped by pg_dump.  step_definitions is dumped whole too: its
-- shipped rows may carry operator edits, and the replace-builtin trigger
-- below lets the dumped copy replace the one CREATE EXTENSION installs.
SELECT pg_catalog.pg_extension_config_dump('workshoppilot.workshops', '');
SELECT pg_catalog.pg_extension_config_dump('workshoppilot.workshop_members', '');
SELECT pg_catalog.pg_extension_config_dump('workshoppilot.step_definitions', '');
SELECT pg_catalog.pg_extension_config_dump('workshoppilot.workshop_steps', '');
SELECT pg_catalog.pg_extension_config_dump('workshoppilot.sessions', '');
SELECT pg_catalog.pg_extension_config_dump('workshoppilot.build_packs', '');

-- end of section 2

-------------------------------------------------------------------------------
-- 3. Row triggers of the foundation (src/triggers.c, src/reference.c)
-------------------------------------------------------------------------------

CREATE FUNCTION workshoppilot.set_updated_at()
RETURNS trigger
AS 'MODULE_PATHNAME', 'wp_set_updated_at'
LANGUAGE C;
COMMENT ON FUNCTION workshoppilot.set_updated_at() IS 'trigger: sets the column named by its argument to now() on every UPDATE';

CREATE TRIGGER set_updated_at BEFORE UPDATE ON workshoppilot.workshops
	FOR EACH ROW EXECUTE FUNCTION workshoppilot.set_updated_at('updated_at');
CREATE TRIGGER set_updated_at BEFORE UPDATE ON workshoppilot.step_definitions
	FOR EACH ROW EXECUTE FUNCTION workshoppilot.set_updated_at('updated_at');
CREATE TRIGGER set_updated_at BEFORE UPDATE ON workshoppilot.workshop_steps
	FOR EACH ROW EXECUTE FUNCTION workshoppilot.set_updated_at('updated_at');
CREATE TRIGGER set_updated_at BEFORE UPDATE ON workshoppilot.build_packs
	FOR EACH ROW EXECUTE FUNCTION workshoppilot.set_updated_at('updated_at');

CREATE FUNCTION workshoppilot.step_definitions_replace_builtin()
RETURNS trigger
AS 'MODULE_PATHNAME', 'wp_step_definitions_replace_builtin'
LANGUAGE C;
COMMENT ON FUNCTION workshoppilot.step_definitions_replace_builtin() IS 'trigger: an inserted builtin step definition replaces the shipped row with the same id';

CREATE TRIGGER replace_builtin BEFORE INSERT ON workshoppilot.step_definitions
	FOR EACH ROW EXECUTE FUNCTION workshoppilot.step_definitions_replace_builtin();

-- end of section 3

-------------------------------------------------------------------------------
-- 4. Workshops API (SQL)
-------------------------------------------------------------------------------

CREATE FUNCTION workshoppilot.create_workshop(clerk_user_id text, title text, original_idea text,
											  org_id text DEFAULT NULL, template_id text DEFAULT NULL)
RETURNS workshoppilot.workshops
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
	WITH workshop AS (
		INSERT INTO workshoppilot.workshops (clerk_user_id, title, original_idea, org_id, template_id)
		VALUES ($1, $2, $3, $4, $5)
		RETURNING *
	), owner AS (
		INSERT INTO workshoppilot.workshop_members (workshop_id, clerk_user_id, role)
		SELECT workshop.id, workshop.clerk_user_id, 'owner'::text FROM workshop
	)
	SELECT * FROM workshop
$$;
COMMENT ON FUNCTION workshoppilot.create_workshop(text, text, text, text, text) IS 'creates a workshop and its owner membership; returns the workshop';

-- end of section 4

-------------------------------------------------------------------------------
-- 5. Step progress: derived current step, lifecycle trigger, step functions
--    (src/lookup.c, src/steps.c, src/steps_trigger.c)
-------------------------------------------------------------------------------

-- Every backend caches the step definitions (src/lookup.c); this trigger
-- tells all of them when the table changes.
CREATE FUNCTION workshoppilot.step_definitions_invalidate()
RETURNS trigger
AS 'MODULE_PATHNAME', 'wp_step_definitions_invalidate'
LANGUAGE C;
COMMENT ON FUNCTION workshoppilot.step_definitions_invalidate() IS 'trigger: makes every backend drop its cached step definitions';

CREATE TRIGGER invalidate_cache AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON workshoppilot.step_definitions
	FOR EACH STATEMENT EXECUTE FUNCTION workshoppilot.step_definitions_invalidate();
-- ALWAYS: the caches must hear of every change, also from logical
-- replication apply and sessions with session_replication_role = replica
ALTER TABLE workshoppilot.step_definitions ENABLE ALWAYS TRIGGER invalidate_cache;

CREATE FUNCTION workshoppilot.workshop_steps_lifecycle()
RETURNS trigger
AS 'MODULE_PATHNAME', 'wp_workshop_steps_lifecycle'
LANGUAGE C;
COMMENT ON FUNCTION workshoppilot.workshop_steps_lifecycle() IS 'trigger: step timestamps (BEFORE), re-edit cascade and workshop status (AFTER)';

CREATE TRIGGER lifecycle BEFORE INSERT OR UPDATE ON workshoppilot.workshop_steps
	FOR EACH ROW EXECUTE FUNCTION workshoppilot.workshop_steps_lifecycle();
CREATE TRIGGER lifecycle_after AFTER INSERT OR UPDATE OR DELETE ON workshoppilot.workshop_steps
	FOR EACH ROW EXECUTE FUNCTION workshoppilot.workshop_steps_lifecycle();

CREATE FUNCTION workshoppilot.current_step(workshop_id text)
RETURNS text
AS 'MODULE_PATHNAME', 'wp_current_step'
LANGUAGE C STABLE PARALLEL SAFE STRICT;
COMMENT ON FUNCTION workshoppilot.current_step(text) IS 'id of the first step, by order, that is not complete for the workshop; NULL when all are';

CREATE FUNCTION workshoppilot.workshop_progress(workshop_id text,
	OUT current_step text, OUT completed integer, OUT total integer, OUT percent integer)
RETURNS record
AS 'MODULE_PATHNAME', 'wp_workshop_progress'
LANGUAGE C STABLE PARALLEL SAFE STRICT;
COMMENT ON FUNCTION workshoppilot.workshop_progress(text) IS 'current step, completed and total step counts, and percent complete of the workshop';

CREATE FUNCTION workshoppilot.start_step(workshop_id text, step_id text)
RETURNS workshoppilot.workshop_steps
AS 'MODULE_PATHNAME', 'wp_start_step'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION workshoppilot.start_step(text, text) IS 'marks the step in_progress (creating its row) unless already in_progress or complete; returns the row';

CREATE FUNCTION workshoppilot.complete_step(workshop_id text, step_id text, output jsonb)
RETURNS workshoppilot.workshop_steps
AS 'MODULE_PATHNAME', 'wp_complete_step'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION workshoppilot.complete_step(text, text, jsonb) IS 'marks the step complete with this output (creating its row); returns the row';

CREATE FUNCTION workshoppilot.skip_step(workshop_id text, step_id text)
RETURNS workshoppilot.workshop_steps
AS 'MODULE_PATHNAME', 'wp_skip_step'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION workshoppilot.skip_step(text, text) IS 'marks the step complete with no output (creating its row) unless already complete; returns the row';

CREATE FUNCTION workshoppilot.step_context(workshop_id text, step_id text)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'wp_step_context'
LANGUAGE C STABLE PARALLEL SAFE STRICT;
COMMENT ON FUNCTION workshoppilot.step_context(text, text) IS 'outputs of the earlier steps of the workshop, as an object keyed by step id';

-- end of section 5

-------------------------------------------------------------------------------
-- 6. JSON Schema validation (src/jsonschema*.c, src/step_outputs.c)
-------------------------------------------------------------------------------

CREATE FUNCTION workshoppilot.jsonb_matches_schema(schema jsonb, instance jsonb)
RETURNS boolean
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'wp_jsonb_matches_schema';
COMMENT ON FUNCTION workshoppilot.jsonb_matches_schema(jsonb, jsonb) IS 'whether instance is valid against the JSON Schema (draft 2020-12) schema; format is an annotation';

CREATE FUNCTION workshoppilot.jsonb_matches_schema(schema jsonb, instance jsonb, format_assertion boolean)
RETURNS boolean
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'wp_jsonb_matches_schema_format';
COMMENT ON FUNCTION workshoppilot.jsonb_matches_schema(jsonb, jsonb, boolean) IS 'whether instance is valid against the JSON Schema (draft 2020-12) schema; format_assertion makes the known formats assert';

CREATE FUNCTION workshoppilot.jsonb_schema_errors(schema jsonb, instance jsonb)
RETURNS jsonb
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'wp_jsonb_schema_errors';
COMMENT ON FUNCTION workshoppilot.jsonb_schema_errors(jsonb, jsonb) IS 'errors of instance against the JSON Schema schema: array of {path, keyword, schema_path, message} in document order, at most 100; [] when valid';

CREATE FUNCTION workshoppilot.jsonb_schema_errors(schema jsonb, instance jsonb, format_assertion boolean)
RETURNS jsonb
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'wp_jsonb_schema_errors_format';
COMMENT ON FUNCTION workshoppilot.jsonb_schema_errors(jsonb, jsonb, boolean) IS 'errors of instance against the JSON Schema schema, with format assertion on or off';

CREATE FUNCTION workshoppilot.jsonb_schema_is_valid(schema jsonb)
RETURNS boolean
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'wp_jsonb_schema_is_valid';
COMMENT ON FUNCTION workshoppilot.jsonb_schema_is_valid(jsonb) IS 'whether schema is a valid JSON Schema (draft 2020-12): matches the meta-schema and compiles';


CREATE FUNCTION workshoppilot.workshop_steps_validate_output()
RETURNS trigger
LANGUAGE C
AS 'MODULE_PATHNAME', 'wp_workshop_steps_validate_output';
COMMENT ON FUNCTION workshoppilot.workshop_steps_validate_output() IS 'trigger: a non-NULL output must match its step''s output_schema (23514)';

CREATE TRIGGER validate_output BEFORE INSERT OR UPDATE OF output, step_id ON workshoppilot.workshop_steps
	FOR EACH ROW EXECUTE FUNCTION workshoppilot.workshop_steps_validate_output();

CREATE FUNCTION workshoppilot.step_definitions_check_schema()
RETURNS trigger
LANGUAGE C
AS 'MODULE_PATHNAME', 'wp_step_definitions_check_schema';
COMMENT ON FUNCTION workshoppilot.step_definitions_check_schema() IS 'trigger: output_schema must be a valid JSON Schema draft 2020-12 (22023)';

CREATE TRIGGER check_output_schema BEFORE INSERT OR UPDATE OF output_schema ON workshoppilot.step_definitions
	FOR EACH ROW EXECUTE FUNCTION workshoppilot.step_definitions_check_schema();

CREATE FUNCTION workshoppilot.invalid_step_outputs(step_id text)
RETURNS TABLE (workshop_id text, workshop_step_id text, errors jsonb)
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	step_schema jsonb;
	assert_formats boolean := COALESCE(
		pg_catalog.current_setting('workshoppilot.jsonschema_format_assertion', true)::boolean, false);
BEGIN
	SELECT sd.output_schema INTO step_schema
	FROM workshoppilot.step_definitions sd
	WHERE sd.id OPERATOR(pg_catalog.=) invalid_step_outputs.step_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION USING ERRCODE = 'undefined_object',
			MESSAGE = pg_catalog.format('step definition "%s" does not exist', invalid_step_outputs.step_id);
	END IF;
	IF step_schema IS NULL THEN
		RETURN;
	END IF;
	RETURN QUERY
	SELECT ws.workshop_id, ws.id,
		workshoppilot.jsonb_schema_errors(step_schema, ws.output, assert_formats)
	FROM workshoppilot.workshop_steps ws
	WHERE ws.step_id OPERATOR(pg_catalog.=) invalid_step_outputs.step_id
		AND ws.output IS NOT NULL
		AND NOT workshoppilot.jsonb_matches_schema(step_schema, ws.output, assert_formats)
	ORDER BY ws.workshop_id, ws.id;
END
$$;
COMMENT ON FUNCTION workshoppilot.invalid_step_outputs(text) IS 'rows of workshop_steps for this step whose output does not match the step''s current output_schema, with their errors';

-- ECMA-262 patterns and formats (src/jsonschema_regex.c, src/jsonschema_format.c)

CREATE FUNCTION workshoppilot.ecma_regex_matches(pattern text, value text)
RETURNS boolean
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'wp_ecma_regex_matches';

COMMENT ON FUNCTION workshoppilot.ecma_regex_matches(text, text) IS 'whether an ECMA-262 regular expression (u flag, as JSON Schema "pattern" uses) matches somewhere in value';

CREATE FUNCTION workshoppilot.jsonschema_format_check(format text, value text)
RETURNS boolean
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'wp_jsonschema_format_check';

COMMENT ON FUNCTION workshoppilot.jsonschema_format_check(text, text) IS 'whether value is valid for a JSON Schema format (true for formats that are not checked)';

-- end of section 6

-------------------------------------------------------------------------------
-- 7. Reference data: the ten shipped step definitions
-------------------------------------------------------------------------------

INSERT INTO workshoppilot.step_definitions (id, "order", name, description, prompt_template, builtin) VALUES
('empathize', 1, 'Empathize', 'Understand the people who have the problem: who they are, what they do, what hurts.',
 'You are facilitating the Empathize step for the idea: {{original_idea}}. Help the user identify 1-5 personas who would use this product. For each persona, ask about their context, goals and pains, and push for concrete, observable behaviour rather than opinions. Summarise the insights that recur across personas. Finish with personas, insights and a short summary the user confirms.',
 true),
('define', 2, 'Define', 'Turn what was learned into one sharp problem statement.',
 'You are facilitating the Define step. Using the personas and insights from Empathize, help the user write a problem statement in the form "[persona] needs a way to [need] because [insight]". Challenge statements that prescribe a solution or are too broad. Agree on the primary persona, the core need, and two or three "How might we" questions.',
 true),
('ideate', 3, 'Ideate', 'Generate many possible solutions, then pick the most promising.',
 'You are facilitating the Ideate step. Starting from the problem statement and "How might we" questions, help the user generate at least ten distinct ideas, encouraging quantity and wild variations before judgement. Then cluster them and help the user choose up to three to carry forward, with a one-sentence rationale each.',
 true),
('prototype', 4, 'Prototype', 'Make the chosen ideas tangible enough to test.',
 'You are facilitating the Prototype step. For each idea carried forward from Ideate, help the user describe the smallest prototype that would let a real user react to it: its form (sketch, clickable mock, script, concierge test), the key screens or moments, and the assumption it is meant to test.',
 true),
('test', 5, 'Test', 'Put the prototypes in front of users and learn what holds up.',
 'You are facilitating the Test step. Help the user plan and record tests of each prototype with people matching the personas: what was shown, what people did and said, and which assumptions were confirmed or refuted. Summarise the results and what should change before building.',
 true),
('prioritize', 6, 'Prioritize', 'Decide what to build first.',
 'You are facilitating the Prioritize step. From the tested prototypes, list the candidate features and help the user score each for user value and effort, then rank them into must-have, should-have and later. Keep the first release small enough to build in weeks, and record why each must-have earns its place.',
 true),
('architect', 7, 'Architect', 'Sketch the system that delivers the must-have features.',
 'You are facilitating the Architect step. For the prioritised features, help the user outline the components of the system (front end, back end, data store, third-party services), the main data entities and how they relate, and the key technical decisions with their trade-offs. Prefer boring, proven technology unless a feature demands otherwise.',
 true),
('spec', 8, 'Spec', 'Write the specification a developer can build from.',
 'You are facilitating the Spec step. Turn the architecture and prioritised features into a specification: for each feature its behaviour, inputs and outputs, edge cases and acceptance criteria, plus non-functional requirements (performance, security, accessibility). Ask about anything ambiguous rather than guessing.',
 true),
('story', 9, 'Story', 'Break the spec into user stories ready for a backlog.',
 'You are facilitating the Story step. Break the spec into user stories of the form "As a [persona], I want [capability] so that [benefit]", each with acceptance criteria and a rough size. Order them so that each story delivers something usable, and flag dependencies between them.',
 true),
('pack', 10, 'Pack', 'Assemble everything into the Build Pack.',
 'You are facilitating the Pack step. Assemble the outputs of all earlier steps into a Build Pack a developer or coding agent can build from: a short overview, the problem and personas, the prioritised features, the architecture, the spec and the stories. Check it for gaps and contradictions and confirm the final contents with the user.',
 true);

-- The output schema of each shipped step (JSON Schema draft 2020-12): strict
-- on the shape the later steps rely on (required keys, types, closed top
-- level), lenient inside items (extra keys allowed).  README shows an
-- example output per step.
UPDATE workshoppilot.step_definitions SET output_schema = $schema${
 "$schema": "https://json-schema.org/draft/2020-12/schema",
 "title": "Empathize output",
 "description": "Personas, the insights that recur across them, and a summary.",
 "type": "object",
 "properties": {
  "personas": {
   "type": "array",
   "minItems": 1,
   "maxItems": 10,
   "items": {
    "$ref": "#/$defs/persona"
   }
  },
  "insights": {
   "type": "array",
   "items": {
    "type": "string",
    "minLength": 1
   },
   "minItems": 1
  },
  "summary": {
   "type": "string",
   "minLength": 1
  }
 },
 "required": [
  "personas",
  "insights",
  "summary"
 ],
 "additionalProperties": false,
 "$defs": {
  "persona": {
   "type": "object",
   "properties": {
    "name": {
     "type": "string",
     "minLength": 1
    },
    "age": {
     "type": "integer",
     "minimum": 0,
     "maximum": 150
    },
    "role": {
     "type": "string"
    },
    "goals": {
     "type": "array",
     "items": {
      "type": "string",
      "minLength": 1
     },
     "minItems": 1
    },
    "pains": {
     "type": "array",
     "items": {
      "type": "string",
      "minLength": 1
     },
     "minItems": 1
    },
    "quote": {
     "type": "string"
    }
   },
   "required": [
    "name",
    "goals",
    "pains"
   ]
  }
 }
}$schema$::jsonb
 WHERE id OPERATOR(pg_catalog.=) 'empathize'::text;
UPDATE workshoppilot.step_definitions SET output_schema = $schema${
 "$schema": "https://json-schema.org/draft/2020-12/schema",
 "title": "Define output",
 "description": "One problem statement, the persona and need behind it, and How-might-we questions.",
 "type": "object",
 "properties": {
  "problem_statement": {
   "type": "string",
   "minLength": 10
  },
  "persona": {
   "type": "string",
   "minLength": 1
  },
  "need": {
   "type": "string",
   "minLength": 1
  },
  "insight": {
   "type": "string",
   "minLength": 1
  },
  "how_might_we": {
   "type": "array",
   "minItems": 1,
   "maxItems": 10,
   "items": {
    "type": "string",
    "pattern": "^[Hh]ow might we\\b"
   }
  }
 },
 "required": [
  "problem_statement",
  "how_might_we"
 ],
 "additionalProperties": false
}$schema$::jsonb
 WHERE id OPERATOR(pg_catalog.=) 'define'::text;
UPDATE workshoppilot.step_definitions SET output_schema = $schema${
 "$schema": "https://json-schema.org/draft/2020-12/schema",
 "title": "Ideate output",
 "description": "All ideas generated, and up to three selected to carry forward.",
 "type": "object",
 "properties": {
  "ideas": {
   "type": "array",
   "minItems": 1,
   "items": {
    "type": "object",
    "properties": {
     "title": {
      "type": "string",
      "minLength": 1
     },
     "description": {
      "type": "string"
     },
     "cluster": {
      "type": "string"
     }
    },
    "required": [
     "title"
    ]
   }
  },
  "selected": {
   "type": "array",
   "minItems": 1,
   "maxItems": 3,
   "items": {
    "type": "object",
    "properties": {
     "title": {
      "type": "string",
      "minLength": 1
     },
     "rationale": {
      "type": "string",
      "minLength": 1
     }
    },
    "required": [
     "title",
     "rationale"
    ]
   }
  }
 },
 "required": [
  "ideas",
  "selected"
 ],
 "additionalProperties": false
}$schema$::jsonb
 WHERE id OPERATOR(pg_catalog.=) 'ideate'::text;
UPDATE workshoppilot.step_definitions SET output_schema = $schema${
 "$schema": "https://json-schema.org/draft/2020-12/schema",
 "title": "Prototype output",
 "description": "The smallest prototype of each selected idea and the assumption it tests.",
 "type": "object",
 "properties": {
  "prototypes": {
   "type": "array",
   "minItems": 1,
   "items": {
    "type": "object",
    "properties": {
     "idea": {
      "type": "string",
      "minLength": 1
     },
     "form": {
      "enum": [
       "sketch",
       "paper",
       "clickable_mock",
       "video",
       "script",
       "concierge",
       "wizard_of_oz",
       "landing_page",
       "other"
      ]
     },
     "description": {
      "type": "string",
      "minLength": 1
     },
     "key_moments": {
      "type": "array",
      "items": {
       "type": "string",
       "minLength": 1
      }
     },
     "assumption": {
      "type": "string",
      "minLength": 1
     }
    },
    "required": [
     "idea",
     "form",
     "description",
     "assumption"
    ]
   }
  }
 },
 "required": [
  "prototypes"
 ],
 "additionalProperties": false
}$schema$::jsonb
 WHERE id OPERATOR(pg_catalog.=) 'prototype'::text;
UPDATE workshoppilot.step_definitions SET output_schema = $schema${
 "$schema": "https://json-schema.org/draft/2020-12/schema",
 "title": "Test output",
 "description": "What each prototype test showed, which assumptions held, and what to change.",
 "type": "object",
 "properties": {
  "tests": {
   "type": "array",
   "minItems": 1,
   "items": {
    "type": "object",
    "properties": {
     "prototype": {
      "type": "string",
      "minLength": 1
     },
     "participants": {
      "type": "integer",
      "minimum": 1
     },
     "observations": {
      "type": "array",
      "items": {
       "type": "string",
       "minLength": 1
      },
      "minItems": 1
     },
     "assumptions": {
      "type": "array",
      "items": {
       "type": "object",
       "properties": {
        "assumption": {
         "type": "string",
         "minLength": 1
        },
        "result": {
         "enum": [
          "confirmed",
          "refuted",
          "inconclusive"
         ]
        }
       },
       "required": [
        "assumption",
        "result"
       ]
      }
     }
    },
    "required": [
     "prototype",
     "observations"
    ]
   }
  },
  "summary": {
   "type": "string",
   "minLength": 1
  },
  "changes": {
   "type": "array",
   "items": {
    "type": "string",
    "minLength": 1
   }
  }
 },
 "required": [
  "tests",
  "summary"
 ],
 "additionalProperties": false
}$schema$::jsonb
 WHERE id OPERATOR(pg_catalog.=) 'test'::text;
UPDATE workshoppilot.step_definitions SET output_schema = $schema${
 "$schema": "https://json-schema.org/draft/2020-12/schema",
 "title": "Prioritize output",
 "description": "Candidate features scored for value and effort and ranked into must, should and later.",
 "type": "object",
 "properties": {
  "features": {
   "type": "array",
   "minItems": 1,
   "items": {
    "type": "object",
    "properties": {
     "name": {
      "type": "string",
      "minLength": 1
     },
     "description": {
      "type": "string"
     },
     "value": {
      "type": "integer",
      "minimum": 1,
      "maximum": 5
     },
     "effort": {
      "type": "integer",
      "minimum": 1,
      "maximum": 5
     },
     "priority": {
      "enum": [
       "must",
       "should",
       "later"
      ]
     },
     "rationale": {
      "type": "string"
     }
    },
    "required": [
     "name",
     "value",
     "effort",
     "priority"
    ]
   }
  }
 },
 "required": [
  "features"
 ],
 "additionalProperties": false
}$schema$::jsonb
 WHERE id OPERATOR(pg_catalog.=) 'prioritize'::text;
UPDATE workshoppilot.step_definitions SET output_schema = $schema${
 "$schema": "https://json-schema.org/draft/2020-12/schema",
 "title": "Architect output",
 "description": "Components, data entities and the key technical decisions.",
 "type": "object",
 "properties": {
  "components": {
   "type": "array",
   "minItems": 1,
   "items": {
    "type": "object",
    "properties": {
     "name": {
      "type": "string",
      "minLength": 1
     },
     "kind": {
      "type": "string"
     },
     "responsibility": {
      "type": "string",
      "minLength": 1
     },
     "technology": {
      "type": "string"
     }
    },
    "required": [
     "name",
     "responsibility"
    ]
   }
  },
  "entities": {
   "type": "array",
   "items": {
    "type": "object",
    "properties": {
     "name": {
      "type": "string",
      "minLength": 1
     },
     "fields": {
      "type": "array",
      "items": {
       "type": "string",
       "minLength": 1
      }
     },
     "relations": {
      "type": "array",
      "items": {
       "type": "string",
       "minLength": 1
      }
     }
    },
    "required": [
     "name"
    ]
   }
  },
  "decisions": {
   "type": "array",
   "minItems": 1,
   "items": {
    "type": "object",
    "properties": {
     "decision": {
      "type": "string",
      "minLength": 1
     },
     "rationale": {
      "type": "string",
      "minLength": 1
     },
     "alternatives": {
      "type": "array",
      "items": {
       "type": "string",
       "minLength": 1
      }
     }
    },
    "required": [
     "decision",
     "rationale"
    ]
   }
  }
 },
 "required": [
  "components",
  "decisions"
 ],
 "additionalProperties": false
}$schema$::jsonb
 WHERE id OPERATOR(pg_catalog.=) 'architect'::text;
UPDATE workshoppilot.step_definitions SET output_schema = $schema${
 "$schema": "https://json-schema.org/draft/2020-12/schema",
 "title": "Spec output",
 "description": "Behaviour, acceptance criteria and edge cases per feature, plus non-functional requirements.",
 "type": "object",
 "properties": {
  "overview": {
   "type": "string",
   "minLength": 1
  },
  "features": {
   "type": "array",
   "minItems": 1,
   "items": {
    "type": "object",
    "properties": {
     "name": {
      "type": "string",
      "minLength": 1
     },
     "behaviour": {
      "type": "string",
      "minLength": 1
     },
     "inputs": {
      "type": "array",
      "items": {
       "type": "string",
       "minLength": 1
      }
     },
     "outputs": {
      "type": "array",
      "items": {
       "type": "string",
       "minLength": 1
      }
     },
     "acceptance_criteria": {
      "type": "array",
      "items": {
       "type": "string",
       "minLength": 1
      },
      "minItems": 1
     },
     "edge_cases": {
      "type": "array",
      "items": {
       "type": "string",
       "minLength": 1
      }
     }
    },
    "required": [
     "name",
     "behaviour",
     "acceptance_criteria"
    ]
   }
  },
  "non_functional": {
   "type": "array",
   "items": {
    "type": "object",
    "properties": {
     "category": {
      "enum": [
       "performance",
       "security",
       "accessibility",
       "reliability",
       "privacy",
       "other"
      ]
     },
     "requirement": {
      "type": "string",
      "minLength": 1
     }
    },
    "required": [
     "category",
     "requirement"
    ]
   }
  }
 },
 "required": [
  "overview",
  "features"
 ],
 "additionalProperties": false
}$schema$::jsonb
 WHERE id OPERATOR(pg_catalog.=) 'spec'::text;
UPDATE workshoppilot.step_definitions SET output_schema = $schema${
 "$schema": "https://json-schema.org/draft/2020-12/schema",
 "title": "Story output",
 "description": "User stories with acceptance criteria, sizes and dependencies.",
 "type": "object",
 "properties": {
  "stories": {
   "type": "array",
   "minItems": 1,
   "items": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string",
      "pattern": "^[A-Z][A-Z0-9]*-[0-9]+$"
     },
     "as_a": {
      "type": "string",
      "minLength": 1
     },
     "i_want": {
      "type": "string",
      "minLength": 1
     },
     "so_that": {
      "type": "string",
      "minLength": 1
     },
     "acceptance_criteria": {
      "type": "array",
      "items": {
       "type": "string",
       "minLength": 1
      },
      "minItems": 1
     },
     "size": {
      "enum": [
       "XS",
       "S",
       "M",
       "L",
       "XL"
      ]
     },
     "depends_on": {
      "type": "array",
      "items": {
       "type": "string",
       "minLength": 1
      }
     }
    },
    "required": [
     "id",
     "as_a",
     "i_want",
     "so_that",
     "acceptance_criteria"
    ]
   }
  }
 },
 "required": [
  "stories"
 ],
 "additionalProperties": false
}$schema$::jsonb
 WHERE id OPERATOR(pg_catalog.=) 'story'::text;
UPDATE workshoppilot.step_definitions SET output_schema = $schema${
 "$schema": "https://json-schema.org/draft/2020-12/schema",
 "title": "Pack output",
 "description": "The Build Pack: an overview and one section per earlier step, plus open questions.",
 "type": "object",
 "properties": {
  "title": {
   "type": "string",
   "minLength": 1
  },
  "overview": {
   "type": "string",
   "minLength": 1
  },
  "sections": {
   "type": "array",
   "minItems": 1,
   "items": {
    "type": "object",
    "properties": {
     "step": {
      "type": "string",
      "pattern": "^[a-z][a-z0-9_]*$"
     },
     "heading": {
      "type": "string",
      "minLength": 1
     },
     "content": {
      "type": "string",
      "minLength": 1
     }
    },
    "required": [
     "heading",
     "content"
    ]
   }
  },
  "open_questions": {
   "type": "array",
   "items": {
    "type": "string",
    "minLength": 1
   }
  }
 },
 "required": [
  "title",
  "overview",
  "sections"
 ],
 "additionalProperties": false
}$schema$::jsonb
 WHERE id OPERATOR(pg_catalog.=) 'pack'::text;

-- end of section 7

-------------------------------------------------------------------------------
-- 8. Privileges
-------------------------------------------------------------------------------

-- A trusted extension's objects belong to the bootstrap superuser.  The role
-- that ran CREATE EXTENSION (@extowner@, a database owner on managed
-- Postgres) gets full use of them, with the right to grant that use on to
-- the app's own roles.
GRANT USAGE ON SCHEMA workshoppilot TO @extowner@ WITH GRANT OPTION;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER
	ON ALL TABLES IN SCHEMA workshoppilot TO @extowner@ WITH GRANT OPTION;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA workshoppilot TO @extowner@ WITH GRANT OPTION;
