-- sharing: share tokens, the visibility/token CHECK, the fill trigger and
-- the lookup by token.
SET timezone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
\set SHOW_CONTEXT never
\set VERBOSITY default

INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
VALUES ('ws_share', 'user_share', 'Sharing', 'links'),
       ('ws_share2', 'user_share', 'Second', 'more links');

-- share_workshop: a token of 24 URL-safe base64 characters (144 bits)
SELECT workshoppilot.share_workshop('ws_share') AS token \gset
SELECT length(:'token') AS length, :'token' ~ '^[A-Za-z0-9_-]{24}$' AS url_safe_base64;
SELECT visibility, share_token = :'token' AS stored FROM workshoppilot.workshops WHERE id = 'ws_share';
-- sharing again returns the same token and writes nothing
SELECT updated_at AS before FROM workshoppilot.workshops WHERE id = 'ws_share' \gset
SELECT workshoppilot.share_workshop('ws_share') = :'token' AS same_token;
SELECT updated_at = :'before' AS not_rewritten FROM workshoppilot.workshops WHERE id = 'ws_share';

-- the token finds the shared workshop
SELECT id, visibility FROM workshoppilot.workshop_by_share_token(:'token');

-- unshare: private, token cleared, the old link finds nothing
SELECT workshoppilot.unshare_workshop('ws_share');
SELECT visibility, share_token IS NULL AS token_cleared FROM workshoppilot.workshops WHERE id = 'ws_share';
SELECT count(*) AS found FROM workshoppilot.workshop_by_share_token(:'token');
-- unsharing a private workshop changes nothing
SELECT updated_at AS before FROM workshoppilot.workshops WHERE id = 'ws_share' \gset
SELECT workshoppilot.unshare_workshop('ws_share');
SELECT updated_at = :'before' AS not_rewritten FROM workshoppilot.workshops WHERE id = 'ws_share';
-- sharing again gives a new token
SELECT workshoppilot.share_workshop('ws_share') AS token2 \gset
SELECT :'token2' <> :'token' AS new_token;

-- plain SQL: setting visibility = 'shared' without a token fills one in
UPDATE workshoppilot.workshops SET visibility = 'shared' WHERE id = 'ws_share2'
RETURNING share_token ~ '^[A-Za-z0-9_-]{24}$' AS token_filled;
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea, visibility)
VALUES ('ws_share3', 'user_share', 'Third', 'inserted shared', 'shared')
RETURNING share_token ~ '^[A-Za-z0-9_-]{24}$' AS token_filled;
-- a client's own token is kept
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea, visibility, share_token)
VALUES ('ws_share4', 'user_share', 'Fourth', 'own token', 'shared', 'my-own-token')
RETURNING share_token;
-- clearing the token of a shared workshop gives it a new one
UPDATE workshoppilot.workshops SET share_token = NULL WHERE id = 'ws_share4'
RETURNING share_token <> 'my-own-token' AND share_token IS NOT NULL AS new_token;
-- tokens are unique
SELECT count(DISTINCT share_token) AS distinct_tokens, count(share_token) AS tokens
  FROM workshoppilot.workshops WHERE id LIKE 'ws_share%';
-- 1,000 fresh tokens: all distinct, all well formed
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea, visibility)
SELECT 'ws_many_' || g, 'user_many', 't', 'i', 'shared' FROM generate_series(1, 1000) g;
SELECT count(DISTINCT share_token) AS distinct_tokens, bool_and(share_token ~ '^[A-Za-z0-9_-]{24}$') AS well_formed
  FROM workshoppilot.workshops WHERE clerk_user_id = 'user_many';

-- the CHECK: a private workshop with a token, or made private keeping it
-- (terse: the failing row holds timestamps and a random token)
\set VERBOSITY terse
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea, share_token)
VALUES ('ws_bad', 'user_share', 'Bad', 'private with token', 'tok');
\echo :LAST_ERROR_SQLSTATE
UPDATE workshoppilot.workshops SET visibility = 'private' WHERE id = 'ws_share2';
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
UPDATE workshoppilot.workshops SET visibility = 'private', share_token = NULL WHERE id = 'ws_share2'
RETURNING visibility, share_token;
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
 WHERE conrelid = 'workshoppilot.workshops'::regclass AND conname = 'workshops_share_token_visibility_check';

-- workshop_by_share_token: no row for a wrong, malformed, empty, huge or
-- unshared token, and always through the unique index
SELECT workshoppilot.share_workshop('ws_share2') AS token3 \gset
ANALYZE workshoppilot.workshops;
BEGIN;
SELECT pg_stat_get_xact_numscans('workshoppilot.workshops'::regclass) AS seq0,
       pg_stat_get_xact_numscans('workshoppilot.workshops_share_token_unique'::regclass) AS idx0 \gset
SELECT count(*) AS found FROM workshoppilot.workshop_by_share_token(:'token3');
SELECT count(*) AS found FROM workshoppilot.workshop_by_share_token(:'token');
SELECT count(*) AS found FROM workshoppilot.workshop_by_share_token('not a token!');
SELECT count(*) AS found FROM workshoppilot.workshop_by_share_token('');
SELECT count(*) AS found FROM workshoppilot.workshop_by_share_token(repeat('x', 100000));
SELECT count(*) AS found FROM workshoppilot.workshop_by_share_token(E'\u00e9%_\\');
SELECT count(*) AS found FROM workshoppilot.workshop_by_share_token(NULL);
SELECT pg_stat_get_xact_numscans('workshoppilot.workshops'::regclass) - :seq0 AS seq_scans,
       pg_stat_get_xact_numscans('workshoppilot.workshops_share_token_unique'::regclass) - :idx0 AS index_scans;
COMMIT;
-- errors
SELECT workshoppilot.share_workshop('ws_nope');
SELECT workshoppilot.share_workshop(NULL);
SELECT workshoppilot.unshare_workshop('ws_nope');
SELECT workshoppilot.unshare_workshop(NULL);
SELECT workshoppilot.workshops_fill_share_token();
-- the trigger function attached wrongly
CREATE TABLE share_bad (id int, visibility text);
CREATE TRIGGER t BEFORE INSERT ON share_bad FOR EACH ROW EXECUTE FUNCTION workshoppilot.workshops_fill_share_token();
INSERT INTO share_bad VALUES (1, 'shared');
CREATE TABLE share_bad2 (id int, visibility text, share_token text);
CREATE TRIGGER t AFTER INSERT ON share_bad2 FOR EACH ROW EXECUTE FUNCTION workshoppilot.workshops_fill_share_token();
INSERT INTO share_bad2 VALUES (1, 'shared');
DROP TABLE share_bad, share_bad2;

DELETE FROM workshoppilot.workshops WHERE id LIKE 'ws_share%' OR clerk_user_id = 'user_many';

-- upgrading a 0.1.0 database whose rows the CHECK would refuse: a private
-- workshop's token is cleared, a shared workshop without one gets one
-- (the earlier files' workshops go with the extension: confirmed)
SET workshoppilot.allow_drop_with_data = on;
DROP EXTENSION workshoppilot;
CREATE EXTENSION workshoppilot VERSION '0.1.0';
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea, visibility, share_token)
VALUES ('ws_old_private', 'u', 't', 'i', 'private', 'leftover'),
       ('ws_old_shared', 'u', 't', 'i', 'shared', NULL),
       ('ws_old_ok', 'u', 't', 'i', 'shared', 'kept-token'),
       ('ws_old_plain', 'u', 't', 'i', 'private', NULL);
ALTER EXTENSION workshoppilot UPDATE TO '0.2.0';
SELECT id, visibility, CASE WHEN id = 'ws_old_shared' THEN share_token ~ '^[A-Za-z0-9_-]{24}$' END AS filled,
       CASE WHEN id <> 'ws_old_shared' THEN share_token END AS share_token
  FROM workshoppilot.workshops ORDER BY id;
DELETE FROM workshoppilot.workshops;
DROP EXTENSION workshoppilot;
RESET workshoppilot.allow_drop_with_data;
CREATE EXTENSION workshoppilot;
