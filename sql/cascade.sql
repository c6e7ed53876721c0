-- cascade: deleting a workshop deletes everything that belongs to it;
-- step definitions in use cannot be deleted.
SET timezone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
\set SHOW_CONTEXT never

INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
VALUES ('ws_d1', 'user_1', 'Doomed', 'idea'), ('ws_d2', 'user_1', 'Survivor', 'idea');
INSERT INTO workshoppilot.workshop_members (workshop_id, clerk_user_id, role)
VALUES ('ws_d1', 'user_1', 'owner'), ('ws_d1', 'user_2', 'editor'), ('ws_d2', 'user_1', 'owner');
INSERT INTO workshoppilot.workshop_steps (workshop_id, step_id)
SELECT w, s FROM unnest(ARRAY['ws_d1', 'ws_d2']) w, unnest(ARRAY['empathize', 'define', 'ideate']) s;
INSERT INTO workshoppilot.sessions (workshop_id) VALUES ('ws_d1'), ('ws_d1'), ('ws_d2');
INSERT INTO workshoppilot.build_packs (workshop_id, title, format_type)
VALUES ('ws_d1', 'Pack', 'pdf'), ('ws_d2', 'Pack', 'pdf');

CREATE TEMP VIEW counts AS
SELECT w.id,
       (SELECT count(*) FROM workshoppilot.workshop_members m WHERE m.workshop_id = w.id) AS members,
       (SELECT count(*) FROM workshoppilot.workshop_steps s WHERE s.workshop_id = w.id) AS steps,
       (SELECT count(*) FROM workshoppilot.sessions s WHERE s.workshop_id = w.id) AS sessions,
       (SELECT count(*) FROM workshoppilot.build_packs b WHERE b.workshop_id = w.id) AS build_packs
  FROM (VALUES ('ws_d1'), ('ws_d2')) w(id);
SELECT * FROM counts ORDER BY id;

DELETE FROM workshoppilot.workshops WHERE id = 'ws_d1';
SELECT * FROM counts ORDER BY id;

-- a step definition that workshops use cannot be deleted
DELETE FROM workshoppilot.step_definitions WHERE id = 'define';
\echo :LAST_ERROR_SQLSTATE

DELETE FROM workshoppilot.workshops WHERE id = 'ws_d2';
SELECT * FROM counts ORDER BY id;
