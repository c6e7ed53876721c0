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
