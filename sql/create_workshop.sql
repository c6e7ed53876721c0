-- create_workshop: a workshop and its owner membership in one call.
SET timezone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
\set SHOW_CONTEXT never

SELECT id ~ '^ws_[a-z][0-9a-z]{23}$' AS id_ok, clerk_user_id, title, original_idea, status,
       org_id, template_id, visibility, share_token, created_at = updated_at AS fresh
  FROM workshoppilot.create_workshop('user_1', 'Dog walking', 'Match owners with walkers');
SELECT w.title, m.clerk_user_id, m.role, m.id ~ '^wm_[a-z][0-9a-z]{23}$' AS member_id_ok
  FROM workshoppilot.workshops w JOIN workshoppilot.workshop_members m ON m.workshop_id = w.id
 WHERE w.title = 'Dog walking';

-- named arguments and the optional ones
SELECT title, org_id, template_id
  FROM workshoppilot.create_workshop(clerk_user_id => 'user_2', title => 'Org workshop',
                                     original_idea => 'idea', org_id => 'org_1', template_id => 'tpl_1');
SELECT count(*) AS steps_created FROM workshoppilot.workshop_steps
 WHERE workshop_id IN (SELECT id FROM workshoppilot.workshops WHERE title IN ('Dog walking', 'Org workshop'));

-- bad input writes nothing (DETAIL would show a generated id: terse)
\set VERBOSITY terse
SELECT count(*) AS workshops_before FROM workshoppilot.workshops;
SELECT * FROM workshoppilot.create_workshop('user_3', NULL, 'idea');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM workshoppilot.create_workshop(NULL, 'title', 'idea');
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
SELECT count(*) AS workshops_after FROM workshoppilot.workshops;
SELECT count(*) AS orphan_members FROM workshoppilot.workshop_members WHERE clerk_user_id = 'user_3';

DELETE FROM workshoppilot.workshops WHERE title IN ('Dog walking', 'Org workshop');
