--
-- upgrade: install the oldest version and walk ALTER EXTENSION ... UPDATE TO
-- one version at a time up to default_version, calling the API at each stop.
-- (test/t/060_upgrade.pl proves rows and catalog; this file pins the path.)
--
SET client_min_messages = warning;
\set regress_db :DBNAME
CREATE DATABASE wp_upgrade_scratch;
\c wp_upgrade_scratch
SET client_min_messages = warning;
SET timezone = 'UTC';

-- the versions offered and the update paths from the oldest
SELECT version FROM pg_available_extension_versions
 WHERE name = 'workshoppilot' ORDER BY string_to_array(version, '.')::int[];
SELECT default_version FROM pg_available_extensions WHERE name = 'workshoppilot';
SELECT source, target, path FROM pg_extension_update_paths('workshoppilot')
 WHERE path IS NOT NULL ORDER BY 1, 2;

-- 0.1.0
CREATE EXTENSION workshoppilot VERSION '0.1.0';
SELECT extversion FROM pg_extension WHERE extname = 'workshoppilot';
SELECT id AS w FROM workshoppilot.create_workshop('user_1', 'Dog walking', 'Walkers on demand') \gset
SELECT status FROM workshoppilot.skip_step(:'w', 'empathize');
SELECT workshoppilot.current_step(:'w');

-- 0.1.0 -> 0.2.0
ALTER EXTENSION workshoppilot UPDATE TO '0.2.0';
SELECT extversion FROM pg_extension WHERE extname = 'workshoppilot';
SELECT workshoppilot.current_step(:'w');
SELECT status FROM workshoppilot.skip_step(:'w', 'define');
SELECT workshoppilot.current_step(:'w'), (workshoppilot.workshop_progress(:'w')).percent;
SELECT count(*) AS workshops FROM workshoppilot.workshops;
DROP EXTENSION workshoppilot;
\echo :LAST_ERROR_SQLSTATE

-- nothing left to update to
ALTER EXTENSION workshoppilot UPDATE;

\c :regress_db
DROP DATABASE wp_upgrade_scratch;
