#!/bin/bash
# test/bench/build_pack_bench.sh: build pack rendering time against size (issue 12).
#
# Usage: test/bench/build_pack_bench.sh       (PGHOST/PGPORT/PGUSER of a server
#                                              with the extension installed;
#                                              runs as a superuser)
#   SCALES="1 10 100" ROUNDS=5 test/bench/build_pack_bench.sh
#
# Not part of the test suite.  Creates (and at the end drops) the database
# wp_bench_packs.  Workshops: the realistic demo workshop (steps 1-9 with
# the example outputs of test/fixtures/step_output_examples.json, about
# 5 kB of JSON) and copies in which each array of every output (personas,
# insights, ideas, features, stories, ...) is repeated SCALE times (the
# output schemas are dropped in this database so that the larger outputs
# are accepted); the first query prints their sizes and counts of values.  For each format the render
# function runs in a server-side loop for about the same total amount of
# output at every scale (so every measurement lasts about as long); each of
# ROUNDS rounds measures every scale once, side by side, and the median
# time per call is reported with the ratio to the 1x time and the ratio of
# the sizes.  Linear time shows as time ratios close to the size ratios.
set -euo pipefail

DB=${DB:-wp_bench_packs}
SCALES=${SCALES:-"1 10 100"}
ROUNDS=${ROUNDS:-5}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB"' EXIT
psql_db() { psql -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@"; }

psql_db -v examples="$(cat "$ROOT/test/fixtures/step_output_examples.json")" <<'SQL'
CREATE EXTENSION workshoppilot;
UPDATE workshoppilot.step_definitions SET output_schema = NULL;
CREATE TABLE bench_scales (scale int PRIMARY KEY, workshop_id text);
SQL
for s in $SCALES; do
  psql_db -v examples="$(cat "$ROOT/test/fixtures/step_output_examples.json")" -v scale="$s" <<'SQL'
-- each array of the output object repeated k times (its items in order, k rounds)
CREATE FUNCTION pg_temp.scaled(v jsonb, k int) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(jsonb_object_agg(key, CASE jsonb_typeof(value) WHEN 'array' THEN
           (SELECT coalesce(jsonb_agg(e ORDER BY r, o), '[]')
              FROM jsonb_array_elements(value) WITH ORDINALITY AS a(e, o), generate_series(1, k) r)
           ELSE value END), '{}')
    FROM jsonb_each(v) $$;
SELECT id AS ws FROM workshoppilot.create_workshop('user_bench', 'Dog-walking marketplace x' || :scale,
  'An app that matches busy dog owners with trusted local walkers') \gset
SELECT count(workshoppilot.complete_step(:'ws', d.id, pg_temp.scaled((:'examples'::jsonb) -> d.id, :scale)) ORDER BY d."order")
  FROM workshoppilot.step_definitions d WHERE d."order" < 10 \g /dev/null
INSERT INTO bench_scales VALUES (:scale, :'ws');
SQL
done

PGOPTIONS="-c bench.rounds=$ROUNDS" psql_db <<'SQL'
\pset footer off
SELECT b.scale || 'x' AS workshop,
       pg_size_pretty(sum(octet_length(s.output::text))) AS "outputs as JSON text",
       (SELECT count(*) FROM workshoppilot.workshop_steps s2,
          jsonb_path_query(s2.output, 'strict $.**') v
         WHERE s2.workshop_id = b.workshop_id AND jsonb_typeof(v) <> 'object' AND jsonb_typeof(v) <> 'array') AS "scalar values"
  FROM bench_scales b JOIN workshoppilot.workshop_steps s ON s.workshop_id = b.workshop_id
 GROUP BY b.scale, b.workshop_id ORDER BY b.scale;

CREATE TEMP TABLE timings (round int, format text, scale int, ms float8, bytes bigint);
DO $$
DECLARE
	r int; f text; b record; t0 timestamptz; n int; i int; len bigint;
BEGIN
	FOR r IN 1 .. current_setting('bench.rounds')::int LOOP
		FOREACH f IN ARRAY ARRAY['markdown', 'json', 'pdf'] LOOP
			FOR b IN SELECT * FROM bench_scales ORDER BY scale LOOP
				-- about the same amount of output per measurement at every scale
				n := greatest(1, 200 / b.scale);
				t0 := clock_timestamp();
				FOR i IN 1 .. n LOOP
					IF f = 'pdf' THEN
						len := length(workshoppilot.render_build_pack_pdf(b.workshop_id));
					ELSE
						len := octet_length(workshoppilot.render_build_pack(b.workshop_id, f));
					END IF;
				END LOOP;
				INSERT INTO timings VALUES (r, f, b.scale,
					extract(epoch FROM clock_timestamp() - t0) * 1000 / n, len);
			END LOOP;
		END LOOP;
	END LOOP;
END $$;
WITH med AS (
	SELECT format, scale, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS ms, max(bytes) AS bytes
	  FROM timings GROUP BY format, scale)
SELECT m.format, m.scale || 'x' AS workshop, pg_size_pretty(m.bytes) AS "pack size",
       round(m.ms::numeric, 2) AS "median ms per call",
       round((m.ms / base.ms)::numeric, 1) AS "time ratio to 1x",
       round((m.bytes::numeric / base.bytes), 1) AS "size ratio to 1x",
       round((m.bytes / 1024.0 / (m.ms / 1000))::numeric, 0) AS "kB per second"
  FROM med m JOIN med base ON base.format = m.format AND base.scale = 1
 ORDER BY m.format, m.scale;
SQL
