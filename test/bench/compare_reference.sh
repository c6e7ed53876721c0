#!/bin/bash
# test/bench/compare_reference.sh [CASES]
#
# Peer comparison with the reference npm package @paralleldrive/cuid2
# (version pinned in test/bench/package.json; run `npm ci` in test/bench
# first).  compare_reference.mjs makes CASES ids (default 2,000) of every
# length 2..32 with the reference and records each hash input; this script
# checks in PostgreSQL that
#   first letter || workshoppilot.cuid2_digest(input, length) = the id
# for every case (inputs include non-ASCII fingerprints, hashed as UTF-8),
# and that workshoppilot.is_cuid2 agrees with the reference's isCuid on random
# strings and real ids.  Exits non-zero on any mismatch.
#
# Connects with the usual libpq variables; needs the extension installed in
# $PGDATABASE (default: a scratch UTF-8 database workshoppilot_compare,
# created and dropped by this script).
set -euo pipefail
cd "$(dirname "$0")"
CASES=${1:-2000}
DB=${PGDATABASE:-workshoppilot_compare}
CREATED=0
if ! psql -XAtq -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
	createdb -E UTF8 -T template0 "$DB"
	CREATED=1
fi
TSV=$(mktemp)
cleanup()
{
	rm -f "$TSV"
	if [ "$CREATED" = 1 ]; then
		dropdb "$DB"
	fi
}
trap cleanup EXIT
psql -XAtq -d "$DB" -c "CREATE EXTENSION IF NOT EXISTS workshoppilot"

node compare_reference.mjs "$CASES" > "$TSV"

psql -X -d "$DB" -v ON_ERROR_STOP=1 <<SQL
CREATE TEMP TABLE ref (id text, length integer, input text, value text, is_cuid boolean);
\copy ref FROM '$TSV' WITH (FORMAT text)
SELECT count(*) AS cases,
	   count(*) FILTER (WHERE left(id, 1) || workshoppilot.cuid2_digest(input, length) = id) AS ids_equal,
	   count(*) FILTER (WHERE workshoppilot.is_cuid2(value) = is_cuid) AS is_cuid2_equal,
	   count(*) FILTER (WHERE input !~ '^[0-9a-z]*$') AS non_ascii_or_symbol_inputs,
	   count(DISTINCT length) AS lengths
FROM ref;
SELECT id, length, input FROM ref
WHERE left(id, 1) || workshoppilot.cuid2_digest(input, length) <> id LIMIT 5;
SELECT value, is_cuid FROM ref WHERE workshoppilot.is_cuid2(value) <> is_cuid LIMIT 5;
SELECT count(*) > 0 AS bad FROM ref
WHERE left(id, 1) || workshoppilot.cuid2_digest(input, length) <> id
   OR workshoppilot.is_cuid2(value) <> is_cuid \gset
\if :bad
\echo MISMATCH: some cases differ from the reference
SELECT 1 / 0;
\else
\echo every case equals the reference
\endif
SQL
