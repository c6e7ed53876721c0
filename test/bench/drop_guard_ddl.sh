#!/bin/bash
# test/bench/drop_guard_ddl.sh [ROUNDS] [ITERATIONS]
#
# What the drop guard costs unrelated DDL.  In ONE session (one DO block),
# each round runs ITERATIONS (default 300) of each workload twice, once with
# the event trigger workshoppilot_drop_guard enabled (ENABLE ALWAYS, as
# shipped) and once disabled (which is the same as no event trigger: a
# disabled one is not even loaded into the backend's event trigger cache),
# alternating which goes first, for ROUNDS rounds (default 11; the first is a
# warm-up and is discarded).  The workloads:
#   drop_table   CREATE TABLE + DROP TABLE of an unrelated table (the DROP
#                TABLE tag calls the guard function, which resolves the name
#                and returns)
#   drop_missing ten DROP TABLE IF EXISTS of a table that does not exist (no
#                catalog change: the closest look at the guard's own cost)
#   drop_schema  CREATE SCHEMA + CREATE TABLE in it + DROP SCHEMA ... CASCADE
#   index        CREATE INDEX + DROP INDEX (a tag the guard does not list: the
#                function is never called)
# Prints each round, the medians in milliseconds and the ratio enabled /
# disabled per workload.  synchronous_commit is off in the session (a WAL
# flush per commit would dominate and add noise).  workshoppilot.workshops holds 1,000 rows (the
# guard never counts them for unrelated DDL).
#
# Connects with the usual libpq variables (PGHOST, PGPORT, PGUSER); needs a
# superuser (ALTER EVENT TRIGGER).  Works in a scratch database, $BENCH_DB
# (default workshoppilot_bench_guard), dropped afterwards unless KEEP_BENCH_DB=1.
#
#   make install && test/bench/drop_guard_ddl.sh
set -euo pipefail

ROUNDS=${1:-11}
ITER=${2:-300}
DB=${BENCH_DB:-workshoppilot_bench_guard}

psql -XAtq -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
cleanup()
{
	if [ "${KEEP_BENCH_DB:-0}" != 1 ]; then
		psql -XAtq -d postgres -c "DROP DATABASE IF EXISTS $DB"
	fi
}
trap cleanup EXIT
psql -XAtq -d "$DB" -v ON_ERROR_STOP=1 <<'SQL'
CREATE EXTENSION workshoppilot;
INSERT INTO workshoppilot.workshops (clerk_user_id, title, original_idea)
SELECT 'user_' || g, 'Workshop ' || g, 'idea' FROM generate_series(1, 1000) g;
CREATE TABLE public.bench_fixed (a int);
SQL

psql -Xq -d "$DB" -v ON_ERROR_STOP=1 2>&1 <<SQL | sed 's/^NOTICE:  //'
SET client_min_messages = notice;
-- one transaction per iteration (COMMIT in the procedure), as migrations run
CREATE PROCEDURE pg_temp.workload(kind text, n int, INOUT ms float8) LANGUAGE plpgsql AS \$\$
DECLARE
	t timestamptz := clock_timestamp();
BEGIN
	FOR i IN 1 .. n LOOP
		IF kind = 'drop_table' THEN
			CREATE TABLE public.bench_t (a int);
			DROP TABLE public.bench_t;
		ELSIF kind = 'drop_missing' THEN
			-- ten statements per iteration, no catalog change: the guard's
			-- own cost stands out most here
			FOR j IN 1 .. 10 LOOP
				DROP TABLE IF EXISTS public.no_such_table;
			END LOOP;
		ELSIF kind = 'drop_schema' THEN
			CREATE SCHEMA bench_s;
			CREATE TABLE bench_s.t (a int);
			DROP SCHEMA bench_s CASCADE;
		ELSE
			CREATE INDEX bench_i ON public.bench_fixed (a);
			DROP INDEX public.bench_i;
		END IF;
		COMMIT;
	END LOOP;
	ms := extract(epoch FROM clock_timestamp() - t) * 1000;
END
\$\$;
SET client_min_messages = warning;
DO \$bench\$
DECLARE
	kinds text[] := ARRAY['drop_table', 'drop_missing', 'drop_schema', 'index'];
	kind text;
	on_ms float8[];
	off_ms float8[];
	a float8;
	b float8;
	line text;
	summary text := '';
	med_on float8;
	med_off float8;
BEGIN
	FOREACH kind IN ARRAY kinds LOOP
		on_ms := '{}';
		off_ms := '{}';
		FOR r IN 0 .. $ROUNDS LOOP
			IF r % 2 = 0 THEN
				ALTER EVENT TRIGGER workshoppilot_drop_guard ENABLE ALWAYS;
				COMMIT;
				CALL pg_temp.workload(kind, $ITER, a);
				ALTER EVENT TRIGGER workshoppilot_drop_guard DISABLE;
				COMMIT;
				CALL pg_temp.workload(kind, $ITER, b);
			ELSE
				ALTER EVENT TRIGGER workshoppilot_drop_guard DISABLE;
				COMMIT;
				CALL pg_temp.workload(kind, $ITER, b);
				ALTER EVENT TRIGGER workshoppilot_drop_guard ENABLE ALWAYS;
				COMMIT;
				CALL pg_temp.workload(kind, $ITER, a);
			END IF;
			IF r > 0 THEN
				on_ms := on_ms || a;
				off_ms := off_ms || b;
				RAISE WARNING '% round %: guard on % ms, off % ms', kind, r, round(a::numeric, 1), round(b::numeric, 1);
			END IF;
		END LOOP;
		SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) INTO med_on FROM unnest(on_ms) x;
		SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) INTO med_off FROM unnest(off_ms) x;
		summary := summary || format(E'\n%-12s %5s iterations: median guard on %8s ms, off %8s ms, ratio on/off %s',
			kind, $ITER, round(med_on::numeric, 1), round(med_off::numeric, 1), round((med_on / med_off)::numeric, 3));
	END LOOP;
	ALTER EVENT TRIGGER workshoppilot_drop_guard ENABLE ALWAYS;
	RAISE WARNING '%', summary;
END
\$bench\$;
SQL
