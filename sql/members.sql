-- members: add_member, remove_member, member_role, user_workshops and the
-- last-owner rule for every client.
SET timezone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
\set SHOW_CONTEXT never
\set VERBOSITY default

INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea, created_at)
VALUES ('ws_mem', 'user_ada', 'Members', 'roles', '2026-01-01 10:00'),
       ('ws_mem2', 'user_bob', 'Second', 'more roles', '2026-01-02 10:00'),
       ('ws_mem3', 'user_ada', 'Third', 'no member rows', '2026-01-03 10:00');
INSERT INTO workshoppilot.workshop_members (workshop_id, clerk_user_id, role)
VALUES ('ws_mem', 'user_ada', 'owner'), ('ws_mem2', 'user_bob', 'owner');

-- add_member: a new member, with any role
SELECT workshop_id, clerk_user_id, role, workshoppilot.is_cuid2(id, 'wm') AS wm_id
  FROM workshoppilot.add_member('ws_mem', 'user_cy', 'editor');
SELECT workshop_id, clerk_user_id, role FROM workshoppilot.add_member('ws_mem', 'user_dee', 'commenter');
SELECT workshop_id, clerk_user_id, role FROM workshoppilot.add_member('ws_mem2', 'user_ada', 'viewer');
-- an existing member: the role changes, the row (id, created_at) stays
SELECT id AS cy_id FROM workshoppilot.workshop_members WHERE workshop_id = 'ws_mem' AND clerk_user_id = 'user_cy' \gset
SELECT id = :'cy_id' AS same_row, role FROM workshoppilot.add_member('ws_mem', 'user_cy', 'viewer');
-- the same role again: nothing is written
SELECT xmin AS cy_xmin FROM workshoppilot.workshop_members WHERE id = :'cy_id' \gset
SELECT id = :'cy_id' AS same_row, role FROM workshoppilot.add_member('ws_mem', 'user_cy', 'viewer');
SELECT xmin = :'cy_xmin'::text::xid AS not_rewritten FROM workshoppilot.workshop_members WHERE id = :'cy_id';

-- member_role: the member row's role; owner for the creator without a row;
-- NULL for a stranger or an unknown workshop
SELECT workshoppilot.member_role('ws_mem', 'user_ada') AS ada,
       workshoppilot.member_role('ws_mem', 'user_cy') AS cy,
       workshoppilot.member_role('ws_mem', 'user_dee') AS dee,
       workshoppilot.member_role('ws_mem3', 'user_ada') AS creator_without_row,
       workshoppilot.member_role('ws_mem', 'user_zed') AS stranger,
       workshoppilot.member_role('ws_nope', 'user_ada') AS unknown_workshop,
       workshoppilot.member_role(NULL, 'user_ada') AS null_workshop;

-- user_workshops: created or member of, newest first, role and current step
UPDATE workshoppilot.workshops SET status = 'active' WHERE id = 'ws_mem';
INSERT INTO workshoppilot.workshop_steps (workshop_id, step_id, status) VALUES ('ws_mem', 'empathize', 'complete');
SELECT id, title, status, role, current_step FROM workshoppilot.user_workshops('user_ada');
SELECT id, role, current_step FROM workshoppilot.user_workshops('user_cy');
SELECT count(*) AS none FROM workshoppilot.user_workshops('user_zed');
SELECT count(*) AS strict_null FROM workshoppilot.user_workshops(NULL);
-- a member row wins over the creator fallback: the creator demoted to editor
SELECT role FROM workshoppilot.add_member('ws_mem2', 'user_fay', 'owner');
SELECT role FROM workshoppilot.add_member('ws_mem2', 'user_bob', 'editor');
SELECT id, role FROM workshoppilot.user_workshops('user_bob');
SELECT workshoppilot.member_role('ws_mem2', 'user_bob') AS bob;

-- user_workshops is one query through the indexes
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
SELECT 'ws_fill_' || g, 'user_fill_' || (g % 500), 't', 'i' FROM generate_series(1, 3000) g;
INSERT INTO workshoppilot.workshop_members (workshop_id, clerk_user_id, role)
SELECT 'ws_fill_' || g, 'user_fill_' || (g % 500), 'owner' FROM generate_series(1, 3000) g;
ANALYZE workshoppilot.workshops;
ANALYZE workshoppilot.workshop_members;
BEGIN;
SELECT pg_stat_get_xact_numscans('workshoppilot.workshops'::regclass) AS w0,
       pg_stat_get_xact_numscans('workshoppilot.workshop_members'::regclass) AS m0 \gset
SELECT count(*) AS workshops FROM workshoppilot.user_workshops('user_fill_7');
SELECT pg_stat_get_xact_numscans('workshoppilot.workshops'::regclass) - :w0 AS workshops_seq_scans,
       pg_stat_get_xact_numscans('workshoppilot.workshop_members'::regclass) - :m0 AS members_seq_scans,
       pg_stat_get_xact_numscans('workshoppilot.workshop_members_clerk_user_id_idx'::regclass) > 0 AS members_by_user_index,
       pg_stat_get_xact_numscans('workshoppilot.workshops_clerk_user_id_idx'::regclass) > 0 AS workshops_by_user_index;
COMMIT;
DELETE FROM workshoppilot.workshops WHERE id LIKE 'ws_fill_%';

-- the last owner cannot be removed or demoted, by any client
SELECT workshoppilot.remove_member('ws_mem', 'user_ada');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.add_member('ws_mem', 'user_ada', 'editor');
DELETE FROM workshoppilot.workshop_members WHERE workshop_id = 'ws_mem' AND clerk_user_id = 'user_ada';
UPDATE workshoppilot.workshop_members SET role = 'viewer' WHERE workshop_id = 'ws_mem' AND role = 'owner';
UPDATE workshoppilot.workshop_members SET workshop_id = 'ws_mem2' WHERE workshop_id = 'ws_mem' AND role = 'owner';
-- one statement removing every owner fails as a whole
SELECT workshoppilot.add_member('ws_mem', 'user_cy', 'owner') IS NOT NULL AS added;
DELETE FROM workshoppilot.workshop_members WHERE workshop_id = 'ws_mem' AND role = 'owner';
UPDATE workshoppilot.workshop_members SET role = 'editor' WHERE workshop_id = 'ws_mem';
SELECT clerk_user_id, role FROM workshoppilot.workshop_members WHERE workshop_id = 'ws_mem' ORDER BY clerk_user_id;
-- with another owner, an owner can go, and the row can move to another user
SELECT workshoppilot.remove_member('ws_mem', 'user_ada') AS removed;
UPDATE workshoppilot.workshop_members SET clerk_user_id = 'user_eve' WHERE workshop_id = 'ws_mem' AND clerk_user_id = 'user_cy'
RETURNING clerk_user_id, role;
SELECT workshoppilot.remove_member('ws_mem', 'user_eve');
-- removing someone who is not a member: false
SELECT workshoppilot.remove_member('ws_mem', 'user_zed') AS removed;
-- non-owners come and go freely
SELECT workshoppilot.remove_member('ws_mem', 'user_dee') AS removed;
UPDATE workshoppilot.workshop_members SET role = 'editor' WHERE workshop_id = 'ws_mem' AND clerk_user_id = 'user_cy';
-- the creator without an owner row still reads as owner
SELECT workshoppilot.member_role('ws_mem', 'user_ada') AS ada_creator;
-- a workshop with no owner rows at all (plain SQL may insert it so) is left alone
DELETE FROM workshoppilot.workshop_members WHERE workshop_id = 'ws_mem3';

-- deleting the workshop still deletes its members, owners included
DELETE FROM workshoppilot.workshops WHERE id = 'ws_mem';
SELECT count(*) AS members_left FROM workshoppilot.workshop_members WHERE workshop_id = 'ws_mem';

-- errors
SELECT workshoppilot.add_member('ws_nope', 'user_ada', 'editor');
SELECT workshoppilot.add_member(NULL, 'user_ada', 'editor');
SELECT workshoppilot.add_member('ws_mem2', NULL, 'editor');
SELECT workshoppilot.add_member('ws_mem2', '', 'editor');
SELECT workshoppilot.add_member('ws_mem2', 'user_ada', NULL);
SELECT workshoppilot.add_member('ws_mem2', 'user_ada', '');
SELECT workshoppilot.remove_member('ws_nope', 'user_ada');
SELECT workshoppilot.remove_member(NULL, 'user_ada');
SELECT workshoppilot.remove_member('ws_mem2', NULL);
SELECT workshoppilot.workshop_members_keep_owner();
CREATE TABLE members_bad (id text, workshop_id text, role text);
CREATE TRIGGER t BEFORE INSERT ON members_bad FOR EACH ROW EXECUTE FUNCTION workshoppilot.workshop_members_keep_owner();
INSERT INTO members_bad VALUES ('a', 'b', 'owner');
CREATE TABLE members_bad2 (id text, workshop_id text);
CREATE TRIGGER t BEFORE DELETE ON members_bad2 FOR EACH ROW EXECUTE FUNCTION workshoppilot.workshop_members_keep_owner();
INSERT INTO members_bad2 VALUES ('a', 'b');
DELETE FROM members_bad2;
DROP TABLE members_bad, members_bad2;

DELETE FROM workshoppilot.workshops WHERE id LIKE 'ws_mem%';
