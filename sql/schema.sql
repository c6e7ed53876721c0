-- schema: our tables match the app's Drizzle DDL (test/fixtures/drizzle-schema.sql,
-- a verbatim copy of the reference) column by column, constraint by
-- constraint, index by index.  The reference is loaded into the scratch
-- schema drizzle_ref; every difference is listed below, and each one is an
-- addition documented in the README.
SET timezone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
SET search_path = pg_catalog;
\set SHOW_CONTEXT never

\set ddl `sed 's/"workshoppilot"/"drizzle_ref"/g' test/fixtures/drizzle-schema.sql`
:ddl

-- the same tables
SELECT coalesce(o.relname, r.relname) AS table_name,
       o.relname IS NOT NULL AS in_ours, r.relname IS NOT NULL AS in_reference
  FROM (SELECT relname FROM pg_class WHERE relnamespace = 'workshoppilot'::regnamespace AND relkind = 'r') o
  FULL JOIN (SELECT relname FROM pg_class WHERE relnamespace = 'drizzle_ref'::regnamespace AND relkind = 'r') r
    USING (relname)
 ORDER BY 1;

-- columns: position, type, NOT NULL, default; differences only
CREATE TEMP VIEW cols AS
SELECT n.nspname, c.relname, a.attname,
       row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum) AS position,
       format_type(a.atttypid, a.atttypmod) AS type,
       a.attnotnull AS not_null,
       pg_get_expr(d.adbin, d.adrelid) AS default_value
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
 WHERE n.nspname IN ('workshoppilot', 'drizzle_ref') AND c.relkind = 'r';

SELECT coalesce(o.relname, r.relname) AS table_name,
       coalesce(o.attname, r.attname) AS column_name,
       CASE WHEN r.attname IS NULL THEN 'added'
            WHEN o.attname IS NULL THEN 'MISSING'
            ELSE 'differs' END AS difference,
       o.position AS our_position, r.position AS ref_position,
       o.type AS our_type, r.type AS ref_type,
       o.not_null AS our_not_null, r.not_null AS ref_not_null,
       o.default_value AS our_default, r.default_value AS ref_default
  FROM (SELECT * FROM cols WHERE nspname = 'workshoppilot') o
  FULL JOIN (SELECT * FROM cols WHERE nspname = 'drizzle_ref') r
    ON o.relname = r.relname AND o.attname = r.attname
 WHERE o.attname IS NULL OR r.attname IS NULL
    OR (o.position, o.type, o.not_null, coalesce(o.default_value, ''))
       IS DISTINCT FROM (r.position, r.type, r.not_null, coalesce(r.default_value, ''))
 ORDER BY 1, 2;

-- and the columns that match exactly, for the record
SELECT o.relname AS table_name, count(*) AS identical_columns
  FROM (SELECT * FROM cols WHERE nspname = 'workshoppilot') o
  JOIN (SELECT * FROM cols WHERE nspname = 'drizzle_ref') r
    ON o.relname = r.relname AND o.attname = r.attname
 WHERE (o.position, o.type, o.not_null, coalesce(o.default_value, ''))
       IS NOT DISTINCT FROM (r.position, r.type, r.not_null, coalesce(r.default_value, ''))
 GROUP BY 1 ORDER BY 1;

-- constraints: name, kind and definition (schema names normalised).
-- PostgreSQL 18 also records every NOT NULL as a constraint (contype 'n');
-- those are compared after the others, the same way on every version.
CREATE TEMP VIEW cons AS
SELECT n.nspname, c.relname, k.conname, k.contype,
       replace(pg_get_constraintdef(k.oid), 'drizzle_ref.', 'workshoppilot.') AS definition,
       k.confdeltype, k.confupdtype
  FROM pg_constraint k
  JOIN pg_class c ON c.oid = k.conrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname IN ('workshoppilot', 'drizzle_ref') AND k.contype <> 'n';

SELECT coalesce(o.relname, r.relname) AS table_name,
       coalesce(o.conname, r.conname) AS constraint_name,
       CASE WHEN r.conname IS NULL THEN 'added'
            WHEN o.conname IS NULL THEN 'MISSING'
            ELSE 'differs' END AS difference,
       coalesce(o.definition, r.definition) AS definition
  FROM (SELECT * FROM cons WHERE nspname = 'workshoppilot') o
  FULL JOIN (SELECT * FROM cons WHERE nspname = 'drizzle_ref') r
    ON o.relname = r.relname AND o.conname = r.conname
 WHERE o.conname IS NULL OR r.conname IS NULL
    OR (o.contype, o.definition, o.confdeltype, o.confupdtype)
       IS DISTINCT FROM (r.contype, r.definition, r.confdeltype, r.confupdtype)
 ORDER BY 1, 2;

SELECT o.relname AS table_name, o.conname AS identical_constraint, o.definition
  FROM (SELECT * FROM cons WHERE nspname = 'workshoppilot') o
  JOIN (SELECT * FROM cons WHERE nspname = 'drizzle_ref') r
    ON o.relname = r.relname AND o.conname = r.conname
 WHERE (o.contype, o.definition, o.confdeltype, o.confupdtype)
       IS NOT DISTINCT FROM (r.contype, r.definition, r.confdeltype, r.confupdtype)
 ORDER BY 1, 2;

-- NOT NULL constraints (PostgreSQL 18 and later; none before): of every
-- column both schemas have, name and definition must match.  Whether a
-- column is NOT NULL is compared above on every version; an added column's
-- NOT NULL comes with it.
CREATE TEMP VIEW not_null_cons AS
SELECT n.nspname, c.relname, a.attname, k.conname, pg_get_constraintdef(k.oid) AS definition
  FROM pg_constraint k
  JOIN pg_class c ON c.oid = k.conrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.conkey[1]
 WHERE n.nspname IN ('workshoppilot', 'drizzle_ref') AND k.contype = 'n';

SELECT coalesce(o.relname, r.relname) AS table_name,
       coalesce(o.attname, r.attname) AS column_name,
       o.conname AS our_constraint, r.conname AS ref_constraint,
       o.definition AS our_definition, r.definition AS ref_definition
  FROM (SELECT * FROM not_null_cons WHERE nspname = 'workshoppilot') o
  FULL JOIN (SELECT * FROM not_null_cons WHERE nspname = 'drizzle_ref') r
    ON o.relname = r.relname AND o.attname = r.attname
 WHERE (o.conname, o.definition) IS DISTINCT FROM (r.conname, r.definition)
   AND EXISTS (SELECT FROM cols x WHERE x.nspname = 'workshoppilot'
                  AND x.relname = coalesce(o.relname, r.relname) AND x.attname = coalesce(o.attname, r.attname))
   AND EXISTS (SELECT FROM cols x WHERE x.nspname = 'drizzle_ref'
                  AND x.relname = coalesce(o.relname, r.relname) AND x.attname = coalesce(o.attname, r.attname))
 ORDER BY 1, 2;

-- indexes: name and full definition (schema names normalised)
CREATE TEMP VIEW idx AS
SELECT n.nspname, c.relname AS index_name,
       replace(pg_get_indexdef(c.oid), 'drizzle_ref.', 'workshoppilot.') AS definition
  FROM pg_index i
  JOIN pg_class c ON c.oid = i.indexrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname IN ('workshoppilot', 'drizzle_ref');

SELECT coalesce(o.index_name, r.index_name) AS index_name,
       CASE WHEN r.index_name IS NULL THEN 'added'
            WHEN o.index_name IS NULL THEN 'MISSING'
            ELSE 'differs' END AS difference,
       coalesce(o.definition, r.definition) AS definition
  FROM (SELECT * FROM idx WHERE nspname = 'workshoppilot') o
  FULL JOIN (SELECT * FROM idx WHERE nspname = 'drizzle_ref') r USING (index_name)
 WHERE o.index_name IS NULL OR r.index_name IS NULL OR o.definition <> r.definition
 ORDER BY 1;

SELECT count(*) AS identical_indexes
  FROM (SELECT * FROM idx WHERE nspname = 'workshoppilot') o
  JOIN (SELECT * FROM idx WHERE nspname = 'drizzle_ref') r USING (index_name, definition);

DROP SCHEMA drizzle_ref CASCADE;
