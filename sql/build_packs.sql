-- build_packs: create_build_pack, build_pack_content, build_pack_pdf,
-- render_build_pack(_pdf), build_pack_json_schema (the PDF, CommonMark and
-- pdftotext checks are in test/t/060_build_packs.pl)
SET client_min_messages = warning;
SET timezone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
\set VERBOSITY default

INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
VALUES ('ws_bp', 'user_1', 'Dog walking', 'Reliable walkers for busy owners');

-- create_build_pack: a row per call
SELECT workshop_id, title, format_type, workshoppilot.is_cuid2(id, 'bp') AS id_ok
  FROM workshoppilot.create_build_pack('ws_bp', 'Created', 'markdown');
-- plain INSERTs keep working
INSERT INTO workshoppilot.build_packs (id, workshop_id, title, format_type)
VALUES ('bp_md', 'ws_bp', 'Pack *one*', 'markdown'), ('bp_json', 'ws_bp', 'Pack two', 'json'),
       ('bp_pdf', 'ws_bp', 'Pack three', 'pdf');

-- errors
SELECT workshoppilot.create_build_pack('ws_bp', 'x', 'docx');
SELECT workshoppilot.create_build_pack('ws_none', 'x', 'pdf');
SELECT workshoppilot.create_build_pack(NULL, 'x', 'pdf');
SELECT workshoppilot.create_build_pack('ws_bp', NULL, 'pdf');
SELECT workshoppilot.create_build_pack('ws_bp', 'x', NULL);
\set VERBOSITY terse
INSERT INTO workshoppilot.build_packs (workshop_id, title, format_type) VALUES ('ws_bp', 'x', 'html');
\set VERBOSITY default
SELECT workshoppilot.build_pack_content('bp_none');
SELECT workshoppilot.build_pack_pdf('bp_none');
SELECT workshoppilot.build_pack_content('bp_pdf');
SELECT workshoppilot.build_pack_pdf('bp_json');
SELECT workshoppilot.build_pack_pdf('bp_md');
SELECT workshoppilot.render_build_pack('ws_bp', 'pdf');
SELECT workshoppilot.render_build_pack('ws_bp', 'html');
SELECT workshoppilot.render_build_pack('ws_none', 'markdown');
SELECT workshoppilot.render_build_pack_pdf('ws_none');
SELECT workshoppilot.build_pack_content(NULL) IS NULL AS strict;

-- nothing done yet: every step marked not started
SELECT workshoppilot.build_pack_content('bp_md');

-- step states: complete, skipped, in progress, needs regeneration
SELECT status FROM workshoppilot.complete_step('ws_bp', 'empathize', '{
  "personas": [{"name": "Busy Beth", "goals": ["A walk every day"], "pains": ["Cancellations"]},
               {"name": "Sam", "goals": ["Income"], "pains": ["Long trips", "Rain"]}],
  "insights": ["Trust matters more than price"],
  "summary": "Owners need walkers they can trust."}');
SELECT status FROM workshoppilot.skip_step('ws_bp', 'define');
SELECT status FROM workshoppilot.complete_step('ws_bp', 'ideate', '{
  "ideas": [{"title": "Reliability score", "cluster": "trust"}, {"title": "Backup walker"}],
  "selected": [{"title": "Reliability score", "rationale": "Trust | before | booking"}]}');
SELECT status FROM workshoppilot.start_step('ws_bp', 'prototype');
-- re-completing empathize marks the later completed steps for regeneration
SELECT status FROM workshoppilot.complete_step('ws_bp', 'empathize', '{
  "personas": [{"name": "Busy Beth", "goals": ["A walk every day"], "pains": ["Cancellations"]},
               {"name": "Sam", "goals": ["Income"], "pains": ["Long trips", "Rain"]}],
  "insights": ["Trust matters more than price", "Reliability beats flexibility"],
  "summary": "Owners need walkers they can trust.\n\nThey work long days."}');
SELECT status, output IS NULL AS no_output FROM workshoppilot.skip_step('ws_bp', 'test');
SELECT step_id, status FROM workshoppilot.workshop_steps WHERE workshop_id = 'ws_bp' ORDER BY step_id;
SELECT workshoppilot.build_pack_content('bp_md');

-- JSON: the shape, the statuses, and the schema
SELECT jsonb_path_query_array(c, '$.steps[*].status') AS statuses,
       c->'workshop'->>'title' AS workshop, c->>'title' AS title,
       c->'steps'->1->'output' AS skipped_output,
       (c->'steps'->0->>'completed_at') IS NOT NULL AS completed_at_set,
       (c->'steps'->3->>'completed_at') IS NULL AS in_progress_no_time,
       (c->>'generated_at')::timestamptz = now() AS generated_now,
       jsonb_object_keys(c) AS keys
  FROM (SELECT workshoppilot.build_pack_content('bp_json')::jsonb AS c) x ORDER BY keys;
SELECT workshoppilot.jsonb_schema_is_valid(workshoppilot.build_pack_json_schema()) AS schema_valid;
SELECT workshoppilot.jsonb_schema_errors(workshoppilot.build_pack_json_schema(),
         workshoppilot.build_pack_content('bp_json')::jsonb) AS errors;
SELECT workshoppilot.jsonb_schema_errors(workshoppilot.build_pack_json_schema(),
         workshoppilot.render_build_pack('ws_bp', 'json')::jsonb) AS preview_errors;
-- the schema is not a rubber stamp
SELECT workshoppilot.jsonb_matches_schema(workshoppilot.build_pack_json_schema(),
         jsonb_set(workshoppilot.build_pack_content('bp_json')::jsonb, '{steps,0,status}', '"done"')) AS bad_status;
SELECT workshoppilot.jsonb_matches_schema(workshoppilot.build_pack_json_schema(),
         workshoppilot.build_pack_content('bp_json')::jsonb - 'generated_at') AS no_generated_at;
-- the JSON output is the stored output
SELECT (workshoppilot.build_pack_content('bp_json')::jsonb->'steps'->0->'output') =
       (SELECT output FROM workshoppilot.workshop_steps WHERE workshop_id = 'ws_bp' AND step_id = 'empathize') AS same_output;

-- the preview is the pack with the default title
SELECT workshoppilot.render_build_pack('ws_bp', 'markdown') =
       replace(workshoppilot.build_pack_content('bp_md'), '# Pack \*one\*', '# Build pack: Dog walking') AS preview_same;

-- PDF: a PDF file
SELECT substring(p FROM 1 FOR 8) = '%PDF-1.4'::bytea AS header,
       position('%%EOF'::bytea IN p) = length(p) - 5 AS trailer,
       position('/Title <FEFF005000610063006B002000740068007200650065>'::bytea IN p) > 0 AS info_title
  FROM (SELECT workshoppilot.build_pack_pdf('bp_pdf') AS p) x;
SELECT substring(workshoppilot.render_build_pack_pdf('ws_bp') FROM 1 FOR 8) = '%PDF-1.4'::bytea AS preview_header;

-- live: a changed output shows at once
SELECT status FROM workshoppilot.complete_step('ws_bp', 'prototype', '{"prototypes": [{"idea": "Reliability score", "form": "sketch", "description": "Paper profile", "assumption": "Owners read scores"}]}');
SELECT position('Paper profile' IN workshoppilot.build_pack_content('bp_md')) > 0 AS live;

-- labels
SELECT p.proname, p.provolatile, p.proisstrict, p.proparallel
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'workshoppilot' AND (p.proname LIKE '%build_pack%')
 ORDER BY 1;
