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
