-- install: the extension's packaging properties.
SET timezone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
\set SHOW_CONTEXT never

-- version, trusted, not relocatable, objects in schema workshoppilot
SELECT e.extname, e.extversion, e.extrelocatable, n.nspname AS extschema
  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
 WHERE e.extname = 'workshoppilot';
SELECT name, version, trusted, relocatable, schema
  FROM pg_available_extension_versions WHERE name = 'workshoppilot' ORDER BY version;

-- every member object of the extension sits in schema workshoppilot
-- (an unqualified CREATE in the script would land in pg_catalog)
SELECT pg_describe_object(d.classid, d.objid, 0) AS member_outside_schema
  FROM pg_depend d
  JOIN pg_extension e ON e.oid = d.refobjid AND d.refclassid = 'pg_extension'::regclass
 WHERE e.extname = 'workshoppilot' AND d.deptype = 'e'
   AND CASE d.classid
         WHEN 'pg_proc'::regclass THEN (SELECT pronamespace FROM pg_proc WHERE oid = d.objid)
         WHEN 'pg_class'::regclass THEN (SELECT relnamespace FROM pg_class WHERE oid = d.objid)
         WHEN 'pg_type'::regclass THEN (SELECT typnamespace FROM pg_type WHERE oid = d.objid)
         WHEN 'pg_namespace'::regclass THEN d.objid
         -- event triggers have no schema: their names carry the prefix
         WHEN 'pg_event_trigger'::regclass THEN
           CASE WHEN (SELECT evtname FROM pg_event_trigger WHERE oid = d.objid) LIKE 'workshoppilot\_%'
                THEN 'workshoppilot'::regnamespace::oid ELSE 0 END
         ELSE 0
       END <> 'workshoppilot'::regnamespace;

-- SQL-language functions pin their search_path; none is SECURITY DEFINER;
-- C functions live in the extension's library
SELECT p.oid::regprocedure AS function_without_pinned_search_path
  FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
 WHERE p.pronamespace = 'workshoppilot'::regnamespace
   AND l.lanname IN ('sql', 'plpgsql')
   AND NOT coalesce('search_path=pg_catalog, pg_temp' = ANY (p.proconfig), false);
SELECT p.oid::regprocedure AS sql_function, p.proconfig
  FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
 WHERE p.pronamespace = 'workshoppilot'::regnamespace AND l.lanname IN ('sql', 'plpgsql')
 ORDER BY p.oid::regprocedure::text;
SELECT p.oid::regprocedure AS security_definer_function
  FROM pg_proc p WHERE p.pronamespace = 'workshoppilot'::regnamespace AND p.prosecdef;
SELECT DISTINCT p.probin
  FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
 WHERE p.pronamespace = 'workshoppilot'::regnamespace AND l.lanname = 'c';

-- every table, column and function has a comment
SELECT c.relname AS table_without_comment
  FROM pg_class c WHERE c.relnamespace = 'workshoppilot'::regnamespace AND c.relkind = 'r'
   AND obj_description(c.oid, 'pg_class') IS NULL;
SELECT c.relname, a.attname AS column_without_comment
  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
 WHERE c.relnamespace = 'workshoppilot'::regnamespace AND c.relkind = 'r'
   AND col_description(c.oid, a.attnum) IS NULL;
SELECT p.oid::regprocedure AS function_without_comment
  FROM pg_proc p WHERE p.pronamespace = 'workshoppilot'::regnamespace
   AND obj_description(p.oid, 'pg_proc') IS NULL;

-- the install script refuses a pre-existing schema of the same name
-- instead of adopting it
DROP EXTENSION workshoppilot;
SELECT count(*) AS schemas_left FROM pg_namespace WHERE nspname = 'workshoppilot';
CREATE SCHEMA workshoppilot;
CREATE EXTENSION workshoppilot;
\echo :LAST_ERROR_SQLSTATE
DROP SCHEMA workshoppilot;
CREATE EXTENSION workshoppilot;
SELECT count(*) AS step_definitions FROM workshoppilot.step_definitions;
