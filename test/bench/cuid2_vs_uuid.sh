#!/bin/bash
# test/bench/cuid2_vs_uuid.sh [ROUNDS] [CALLS]
#
# Times workshoppilot.cuid2() against the built-in gen_random_uuid() in ONE
# session: each round runs CALLS calls of each (default 1,000,000), the two
# alternating and swapping who goes first every round, for ROUNDS rounds
# (default 7).  Prints each round, the median time per function, their
# ratio (the target, issue 14, is cuid2 <= 1.0 x gen_random_uuid), and for information
# the ratio after subtracting the cost of the same query with a constant.
# Exits 1 when the median ratio misses the target.
#
# Connects with the usual libpq variables (PGHOST, PGPORT, PGUSER).  Works in
# a scratch database, $BENCH_DB (default workshoppilot_bench), created with
# the extension if missing and dropped afterwards unless KEEP_BENCH_DB=1.
#
#   make install && test/bench/cuid2_vs_uuid.sh
set -euo pipefail

ROUNDS=${1:-7}
CALLS=${2:-1000000}
DB=${BENCH_DB:-workshoppilot_bench}
TARGET=1.0

if ! psql -XAtq -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
	createdb "$DB"
fi
cleanup()
{
	if [ "${KEEP_BENCH_DB:-0}" != 1 ]; then
		dropdb --if-exists "$DB"
	fi
}
trap cleanup EXIT
psql -XAtq -d "$DB" -c "CREATE EXTENSION IF NOT EXISTS workshoppilot"

# One DO block = one session and one backend for every measurement; the
# first (warm-up) round is discarded.
OUT=$(psql -Xq -d "$DB" -v ON_ERROR_STOP=1 2>&1 <<SQL | sed 's/^NOTICE:  //'
DO \$bench\$
DECLARE
	rounds	 constant integer := $ROUNDS;
	calls	 constant integer := $CALLS;
	t		 timestamptz;
	c_ms	 float8[] := '{}';
	u_ms	 float8[] := '{}';
	b_ms	 float8[] := '{}';
	ms		 float8;
	r		 integer;
	k		 integer;
	c_med	 float8;
	u_med	 float8;
	b_med	 float8;
BEGIN
	RAISE NOTICE 'cuid2() vs gen_random_uuid(): % calls each, % rounds, one session (pid %)',
		calls, rounds, pg_backend_pid();
	-- warm-up: creates cuid2's per-backend state, faults in code and data
	PERFORM count(workshoppilot.cuid2()) FROM generate_series(1, calls / 10);
	PERFORM count(gen_random_uuid()) FROM generate_series(1, calls / 10);
	FOR r IN 1 .. rounds LOOP
		FOR k IN 0 .. 1 LOOP
			IF (r + k) % 2 = 0 THEN
				t := clock_timestamp();
				PERFORM count(workshoppilot.cuid2()) FROM generate_series(1, calls);
				c_ms := c_ms || extract(epoch FROM clock_timestamp() - t) * 1000;
			ELSE
				t := clock_timestamp();
				PERFORM count(gen_random_uuid()) FROM generate_series(1, calls);
				u_ms := u_ms || extract(epoch FROM clock_timestamp() - t) * 1000;
			END IF;
		END LOOP;
		t := clock_timestamp();
		PERFORM count(1) FROM generate_series(1, calls);
		b_ms := b_ms || extract(epoch FROM clock_timestamp() - t) * 1000;
		RAISE NOTICE 'round %: cuid2 % ms, gen_random_uuid % ms, ratio %',
			r, round(c_ms[r]::numeric, 1), round(u_ms[r]::numeric, 1),
			round((c_ms[r] / u_ms[r])::numeric, 3);
	END LOOP;
	SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x) INTO c_med FROM unnest(c_ms) x;
	SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x) INTO u_med FROM unnest(u_ms) x;
	SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x) INTO b_med FROM unnest(b_ms) x;
	RAISE NOTICE 'median: cuid2 % ms (% ns/call), gen_random_uuid % ms (% ns/call), query overhead % ms',
		round(c_med::numeric, 1), round((c_med * 1e6 / calls)::numeric),
		round(u_med::numeric, 1), round((u_med * 1e6 / calls)::numeric),
		round(b_med::numeric, 1);
	RAISE NOTICE 'ratio cuid2 / gen_random_uuid (median): %', round((c_med / u_med)::numeric, 3);
	RAISE NOTICE 'ratio without the query overhead: %',
		round(((c_med - b_med) / (u_med - b_med))::numeric, 3);
END
\$bench\$;
SQL
)
echo "$OUT"

ratio=$(echo "$OUT" | sed -n 's/^ratio cuid2 \/ gen_random_uuid (median): //p')
if [ -z "$ratio" ]; then
	echo "benchmark failed" >&2
	exit 2
fi
if awk -v r="$ratio" -v t="$TARGET" 'BEGIN { exit !(r <= t) }'; then
	echo "target met: $ratio <= $TARGET"
else
	echo "target missed: $ratio > $TARGET"
	exit 1
fi
