#!/bin/bash
# test/bench/jsonschema_bench.sh [N]
#
# Benchmark of workshoppilot.jsonb_matches_schema (issue 5, "Robustness and
# speed").  Builds N (default 100,000) realistic Empathize-step outputs
# (1-5 personas with names, ages, roles, pains and goals; 1-3 insights; a
# summary; every 10th document invalid in one of four ways) and, in one
# session, times
#
#   floor:      SELECT count(*) FILTER (WHERE jsonb_typeof(doc) = 'object')
#   validation: SELECT count(*) FILTER (WHERE jsonb_matches_schema(schema, doc))
#
# best of 5 runs each (after a warm-up), with parallel query off, and prints
# the ratio validation / floor (target <= 3).  When node and ajv are present
# (cd test/bench && npm ci), it also times ajv 8 (draft 2020-12) on the same
# documents and schema and prints the per-document comparison.
#
# Uses the server given by the usual libpq variables (PGHOST, PGPORT, ...)
# with workshoppilot installed; works in database $BENCH_DB (default
# workshoppilot_bench), which it creates if needed.
set -euo pipefail
N=${1:-100000}
DB=${BENCH_DB:-workshoppilot_bench}
HERE=$(cd "$(dirname "$0")" && pwd)
SCHEMA_FILE=$HERE/bench_schema.json

if ! psql -X -d "$DB" -Atc 'SELECT 1' >/dev/null 2>&1; then
	createdb "$DB"
fi
psql -X -q -d "$DB" -v ON_ERROR_STOP=1 <<SQL
CREATE EXTENSION IF NOT EXISTS workshoppilot;
DROP TABLE IF EXISTS bench_docs;
CREATE TABLE bench_docs AS
SELECT i AS id, jsonb_build_object(
	'personas', (SELECT jsonb_agg(jsonb_build_object(
			'name', 'Persona ' || i || '-' || p,
			'age', 18 + (i * 7 + p) % 60,
			'role', (ARRAY['buyer', 'user', 'admin', 'other'])[1 + (i + p) % 4],
			'pains', jsonb_build_array('takes too long to find ' || p, 'no overview'),
			'goals', jsonb_build_array('ship faster', 'fewer meetings')))
		FROM generate_series(1, 1 + i % 5) p),
	'insights', (SELECT jsonb_agg(jsonb_build_object(
			'id', 'ins_' || k,
			'text', 'Insight number ' || k || ' about workshop ' || i,
			'severity', (ARRAY['low', 'medium', 'high'])[1 + k % 3]))
		FROM generate_series(1, 1 + i % 3) k),
	'summary', 'Summary of workshop ' || i || ': people want faster, simpler tools.'
) AS doc
FROM generate_series(1, $N) i;
-- about 10 % invalid, four different ways
UPDATE bench_docs SET doc = jsonb_set(doc, '{personas,0,age}', '-1') WHERE id % 40 = 0;
UPDATE bench_docs SET doc = doc || '{"extra": true}' WHERE id % 40 = 10;
UPDATE bench_docs SET doc = doc - 'summary' WHERE id % 40 = 20;
UPDATE bench_docs SET doc = jsonb_set(doc, '{insights,0,id}', '"insight-1"') WHERE id % 40 = 30;
VACUUM ANALYZE bench_docs;
SQL

SCHEMA_SQL=$(sed "s/'/''/g" "$SCHEMA_FILE")
RESULT=$(psql -X -q -d "$DB" -v ON_ERROR_STOP=1 -At -F ' ' <<SQL
SET max_parallel_workers_per_gather = 0;
SET jit = off;
CREATE TEMP TABLE bench_result (what text, ms float8, n bigint);
DO \$\$
DECLARE
	q_floor text := 'SELECT count(*) FILTER (WHERE pg_catalog.jsonb_typeof(doc) = ''object'') FROM bench_docs';
	q_valid text := pg_catalog.format(
		'SELECT count(*) FILTER (WHERE workshoppilot.jsonb_matches_schema(%L::jsonb, doc)) FROM bench_docs',
		'$SCHEMA_SQL');
	t0 timestamptz;
	ms float8;
	best_floor float8 := 'infinity';
	best_valid float8 := 'infinity';
	n_floor bigint;
	n_valid bigint;
BEGIN
	EXECUTE q_floor INTO n_floor;	-- warm-up: cache the table
	EXECUTE q_valid INTO n_valid;
	FOR run IN 1..5 LOOP
		t0 := pg_catalog.clock_timestamp();
		EXECUTE q_floor INTO n_floor;
		ms := extract(epoch FROM pg_catalog.clock_timestamp() - t0) * 1000;
		best_floor := least(best_floor, ms);
		t0 := pg_catalog.clock_timestamp();
		EXECUTE q_valid INTO n_valid;
		ms := extract(epoch FROM pg_catalog.clock_timestamp() - t0) * 1000;
		best_valid := least(best_valid, ms);
	END LOOP;
	INSERT INTO bench_result VALUES ('floor', best_floor, n_floor), ('valid', best_valid, n_valid);
END
\$\$;
SELECT what, round(ms::numeric, 1), n FROM bench_result ORDER BY what;
SQL
)
read -r _ FLOOR_MS FLOOR_N <<<"$(grep '^floor ' <<<"$RESULT")"
read -r _ VALID_MS VALID_N <<<"$(grep '^valid ' <<<"$RESULT")"
echo "documents:                 $FLOOR_N"
echo "valid documents:           $VALID_N"
echo "floor (jsonb_typeof):      $FLOOR_MS ms"
echo "jsonb_matches_schema:      $VALID_MS ms"
awk -v v="$VALID_MS" -v f="$FLOOR_MS" -v n="$FLOOR_N" 'BEGIN {
	printf "ratio validation/floor:    %.2f  (target <= 3)\n", v / f;
	printf "validation cost per doc:   %.2f us (%.2f us above the floor)\n", v * 1000 / n, (v - f) * 1000 / n }'

if command -v node >/dev/null 2>&1 && [ -d "$HERE/node_modules/ajv" ]; then
	DOCS=$(mktemp)
	trap 'rm -f "$DOCS"' EXIT
	psql -X -q -d "$DB" -At -c 'SELECT doc::text FROM bench_docs ORDER BY id' > "$DOCS"
	read -r _ AJV_N AJV_MS AJV_PARSE_MS AJV_FLOOR_MS <<<"$(node "$HERE/ajv_bench.js" "$SCHEMA_FILE" "$DOCS")"
	echo "ajv valid documents:       $AJV_N"
	echo "ajv validate:              $AJV_MS ms (parsed objects)"
	echo "ajv JSON.parse + validate: $AJV_PARSE_MS ms"
	echo "ajv floor (typeof):        $AJV_FLOOR_MS ms"
	awk -v v="$VALID_MS" -v f="$FLOOR_MS" -v a="$AJV_MS" -v ap="$AJV_PARSE_MS" 'BEGIN {
		printf "ratio jsonb_matches_schema/ajv validate:             %.2f\n", v / a;
		printf "ratio (jsonb_matches_schema - floor)/ajv validate:   %.2f\n", (v - f) / a;
		printf "ratio jsonb_matches_schema/ajv JSON.parse+validate:  %.2f\n", v / ap }'
else
	echo "ajv: skipped (needs node and 'npm ci' in test/bench)"
fi
