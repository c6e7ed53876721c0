#!/bin/bash
# test/bench/steps_bench.sh: performance of workshoppilot.current_step (issue 4).
#
# Usage: test/bench/steps_bench.sh            (PGHOST/PGPORT/PGUSER of a server
#                                              with the extension installed;
#                                              runs as a superuser)
#   DURATION=2 ROUNDS=9 CLIENTS=2 SIZES="10000 100000 1000000" test/bench/steps_bench.sh
#
# Not part of the test suite.  Creates (and at the end drops) the database
# wp_bench_steps.  Three measurements, each side by side in one run:
#   1. pgbench -M prepared, 100,000 workshops: current_step for a random
#      workshop per transaction vs SELECT 1 vs the best plain-SQL query (and,
#      for scale, a bare primary-key lookup of the same workshop).  The
#      scripts run interleaved, ROUNDS rounds of DURATION seconds each; a
#      ratio is computed within each round (neighbouring runs see the same
#      background load on a shared machine) and the median over the rounds
#      is reported, together with the median TPS of each script.
#   2. set-based over all 100,000 workshops: current_step(id) for every row
#      vs the best set-based plain SQL (answers checked equal first).
#   3. flatness at 10,000 / 100,000 / 1,000,000 workshops: server-side cost
#      per call (no client round trip) for uniformly random workshops and for
#      a fixed hot set of 1,000 workshops spread over the table (the part of
#      the cost that does not depend on the size of the data in memory), and
#      pgbench TPS of current_step and of the best plain SQL.
# PHASES="1 3" runs only some of the three.
# After each load, pg_prewarm (when available) reads what the queries read
# into shared_buffers.  For 1,000,000 workshops that is about 1.3 GB: give
# the server shared_buffers = 2GB, and huge_pages = on for phase 3 (the
# README has the figures with and without).
# Data: each workshop has one row per step definition (10 per workshop);
# the first k steps complete, step k+1 in_progress, the rest not_started,
# with k spread evenly over 0..10 by a hash of the workshop number.
set -euo pipefail

DB=${DB:-wp_bench_steps}
DURATION=${DURATION:-2}
ROUNDS=${ROUNDS:-9}
CLIENTS=${CLIENTS:-2}
SIZES=${SIZES:-"10000 100000 1000000"}
PHASES=${PHASES:-"1 2 3"}
MAIN=100000
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

psql_db() { psql -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@"; }
# what current_step reads, and what the plain SQL reads besides
HOT_RELS="'workshop_steps', 'workshop_steps_workshop_id_idx', 'workshops', 'workshops_pkey', 'step_definitions'"
PLAIN_RELS="'workshop_steps_workshop_step_unique', 'step_definitions_order_unique', 'step_definitions_pkey'"

load() {	# load N: a fresh database with N workshops and 10*N step rows
	local n=$1
	psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
	psql_db <<-SQL
		CREATE EXTENSION workshoppilot;
		-- bulk load without the row triggers; the rows are consistent by construction
		SET session_replication_role = replica;
		INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea, status)
		SELECT 'ws_' || g, 'user_' || (g % 1000), 'Workshop ' || g, 'an idea',
		       CASE (hashint4(g) & 2147483647) % 11 WHEN 0 THEN 'draft' WHEN 10 THEN 'completed' ELSE 'active' END
		FROM generate_series(1, $n) g;
		INSERT INTO workshoppilot.workshop_steps (id, workshop_id, step_id, status, output, started_at, completed_at)
		SELECT 'wst_' || g || '_' || d."order", 'ws_' || g, d.id,
		       CASE WHEN d."order" <= k THEN 'complete' WHEN d."order" = k + 1 THEN 'in_progress' ELSE 'not_started' END,
		       CASE WHEN d."order" <= k THEN jsonb_build_object('summary', 'output of ' || d.id) END,
		       CASE WHEN d."order" <= k + 1 THEN now() END,
		       CASE WHEN d."order" <= k THEN now() END
		FROM generate_series(1, $n) g
		CROSS JOIN LATERAL (SELECT (hashint4(g) & 2147483647) % 11 AS k) kk
		CROSS JOIN workshoppilot.step_definitions d;
		RESET session_replication_role;
		VACUUM ANALYZE;
	SQL
	# start warm: what the measured queries read, in shared_buffers (when it fits)
	psql_db -At <<-SQL
		SELECT format('data read by current_step: %s; by the plain SQL: %s more; all tables and indexes: %s; shared_buffers: %s',
		              pg_size_pretty(sum(pg_relation_size(c.oid)) FILTER (WHERE c.relname IN ($HOT_RELS))),
		              pg_size_pretty(sum(pg_relation_size(c.oid)) FILTER (WHERE c.relname IN ($PLAIN_RELS))),
		              pg_size_pretty(sum(pg_relation_size(c.oid))), current_setting('shared_buffers'))
		FROM pg_class c WHERE c.relnamespace = 'workshoppilot'::regnamespace AND c.relkind IN ('r', 'i');
	SQL
	if [ "$(psql_db -At -c "SELECT count(*) FROM pg_available_extensions WHERE name = 'pg_prewarm'")" = 1 ]; then
		psql_db -At -c "CREATE EXTENSION pg_prewarm" \
			-c "SELECT count(pg_prewarm(c.oid)) FROM pg_class c
			    WHERE c.relnamespace = 'workshoppilot'::regnamespace AND c.relname IN ($HOT_RELS, $PLAIN_RELS)" >/dev/null
	fi
}

tps() {	# tps FILE N: pgbench TPS of a script over N workshops
	pgbench -n -M prepared -c "$CLIENTS" -j "$CLIENTS" -T "$DURATION" -D n="$2" -f "$1" "$DB" 2>/dev/null |
		sed -n 's/^tps = \([0-9.]*\) .*/\1/p'
}

declare -A med
median() { printf '%s\n' $1 | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

ms() {	# ms SQL: best of 3 server-side execution times in ms (EXPLAIN ANALYZE, no output transfer)
	local best=""
	for _ in 1 2 3; do
		t=$(psql_db -At -c "EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) $1" | sed -n 's/^Execution Time: \([0-9.]*\) ms/\1/p')
		best=$(awk -v a="$t" -v b="$best" 'BEGIN { if (b == "" || a < b) print a; else print b }')
	done
	echo "$best"
}

cat >"$TMP/select1.sql" <<'EOF'
SELECT 1;
EOF
# floor references: what every call of current_step pays before it reads anything
cat >"$TMP/argument.sql" <<'EOF'
\set id random(1, :n)
SELECT 'ws_' || :id;
EOF
cat >"$TMP/no_table_fn.sql" <<'EOF'
\set id random(1, :n)
SELECT workshoppilot.is_cuid2('ws_' || :id);
EOF
cat >"$TMP/pk_lookup.sql" <<'EOF'
\set id random(1, :n)
SELECT 1 FROM workshoppilot.workshops WHERE id = 'ws_' || :id;
EOF
cat >"$TMP/current_step.sql" <<'EOF'
\set id random(1, :n)
SELECT workshoppilot.current_step('ws_' || :id);
EOF
# plain SQL, fastest form found: index probes per step definition, LIMIT 1
cat >"$TMP/plain_notexists.sql" <<'EOF'
\set id random(1, :n)
SELECT d.id FROM workshoppilot.step_definitions d
WHERE NOT EXISTS (SELECT FROM workshoppilot.workshop_steps s
                  WHERE s.workshop_id = 'ws_' || :id AND s.step_id = d.id AND s.status = 'complete')
ORDER BY d."order" LIMIT 1;
EOF
# plain SQL that also tells an unknown workshop apart (zero rows)
cat >"$TMP/plain_join.sql" <<'EOF'
\set id random(1, :n)
SELECT (SELECT d.id FROM workshoppilot.step_definitions d
        LEFT JOIN workshoppilot.workshop_steps s
               ON s.workshop_id = w.id AND s.step_id = d.id AND s.status = 'complete'
        WHERE s.id IS NULL ORDER BY d."order" LIMIT 1)
FROM workshoppilot.workshops w WHERE w.id = 'ws_' || :id;
EOF

echo "server: $(psql -X -At -d postgres -c "SELECT version()")"
echo "shared_buffers: $(psql -X -At -d postgres -c "SHOW shared_buffers"), huge_pages: $(psql -X -At -d postgres -c "SHOW huge_pages"), CPUs: $(nproc)"
echo "== loading $MAIN workshops ($((MAIN * 10)) step rows)"
load $MAIN

case " $PHASES " in *" 1 "*)
echo "== 1. pgbench -M prepared -c $CLIENTS -j $CLIENTS, $MAIN workshops, $ROUNDS interleaved rounds of ${DURATION}s"
declare -A runs
names="select1 current_step plain_notexists plain_join argument no_table_fn pk_lookup"
r_sel1=""; r_best=""; r_pk=""; r_arg=""; r_fn=""
for _ in $(seq "$ROUNDS"); do
	declare -A this
	for f in $names; do
		this[$f]=$(tps "$TMP/$f.sql" $MAIN)
		runs[$f]="${runs[$f]:-} ${this[$f]}"
	done
	best=$(awk -v a="${this[plain_notexists]}" -v b="${this[plain_join]}" 'BEGIN { print (a > b) ? a : b }')
	r_sel1="$r_sel1 $(ratio "${this[current_step]}" "${this[select1]}")"
	r_best="$r_best $(ratio "${this[current_step]}" "$best")"
	r_pk="$r_pk $(ratio "${this[pk_lookup]}" "${this[select1]}")"
	r_arg="$r_arg $(ratio "${this[argument]}" "${this[select1]}")"
	r_fn="$r_fn $(ratio "${this[no_table_fn]}" "${this[select1]}")"
done
for f in $names; do
	med[$f]=$(median "${runs[$f]}")
done
printf '%-44s %10.0f tps (median)\n' \
	"SELECT 1" "${med[select1]}" \
	"current_step" "${med[current_step]}" \
	"plain SQL (NOT EXISTS ... LIMIT 1)" "${med[plain_notexists]}" \
	"plain SQL (workshop + LEFT JOIN)" "${med[plain_join]}" \
	"reference: SELECT 'ws_' || :id" "${med[argument]}" \
	"reference: is_cuid2('ws_' || :id), no table" "${med[no_table_fn]}" \
	"reference: primary-key lookup of workshop" "${med[pk_lookup]}"
echo "per-round ratios, median (and all rounds):"
echo "current_step / SELECT 1          = $(median "$r_sel1")   (target >= 0.90; rounds:$r_sel1)"
echo "current_step / best plain SQL    = $(median "$r_best")   (target >= 1.00; rounds:$r_best)"
echo "argument alone / SELECT 1        = $(median "$r_arg")   (reference; rounds:$r_arg)"
echo "C function, no table / SELECT 1  = $(median "$r_fn")   (reference; rounds:$r_fn)"
echo "pk lookup / SELECT 1             = $(median "$r_pk")   (reference; rounds:$r_pk)"

;; esac

case " $PHASES " in *" 2 "*)
echo "== 2. set-based over all $MAIN workshops (server execution time, best of 3)"
Q_C="SELECT workshoppilot.current_step(w.id) FROM workshoppilot.workshops w"
Q_LATERAL="SELECT w.id, (SELECT d.id FROM workshoppilot.step_definitions d
  WHERE NOT EXISTS (SELECT FROM workshoppilot.workshop_steps s
                    WHERE s.workshop_id = w.id AND s.step_id = d.id AND s.status = 'complete')
  ORDER BY d.\"order\" LIMIT 1) FROM workshoppilot.workshops w"
Q_HASH="SELECT w.id, x.step FROM workshoppilot.workshops w LEFT JOIN (
  SELECT DISTINCT ON (w2.id) w2.id, d.id AS step
  FROM workshoppilot.workshops w2 CROSS JOIN workshoppilot.step_definitions d
  WHERE NOT EXISTS (SELECT FROM workshoppilot.workshop_steps s
                    WHERE s.workshop_id = w2.id AND s.step_id = d.id AND s.status = 'complete')
  ORDER BY w2.id, d.\"order\") x ON x.id = w.id"
Q_AGG="SELECT w.id, d.id FROM workshoppilot.workshops w
  LEFT JOIN (SELECT s.workshop_id, array_agg(s.step_id) AS done FROM workshoppilot.workshop_steps s
             WHERE s.status = 'complete' GROUP BY s.workshop_id) c ON c.workshop_id = w.id
  LEFT JOIN LATERAL (SELECT d.id FROM workshoppilot.step_definitions d
                     WHERE d.id <> ALL (coalesce(c.done, '{}')) ORDER BY d.\"order\" LIMIT 1) d ON true"
same=$(psql_db -At -c "SELECT (SELECT md5(string_agg(coalesce(workshoppilot.current_step(id), '-'), ',' ORDER BY id)) FROM workshoppilot.workshops)
	      = (SELECT md5(string_agg(coalesce(cs, '-'), ',' ORDER BY id)) FROM ($Q_HASH) h(id, cs))
	  AND (SELECT md5(string_agg(coalesce(cs, '-'), ',' ORDER BY id)) FROM ($Q_HASH) h(id, cs))
	      = (SELECT md5(string_agg(coalesce(cs, '-'), ',' ORDER BY id)) FROM ($Q_AGG) h(id, cs))
	  AND (SELECT md5(string_agg(coalesce(cs, '-'), ',' ORDER BY id)) FROM ($Q_AGG) h(id, cs))
	      = (SELECT md5(string_agg(coalesce(cs, '-'), ',' ORDER BY id)) FROM ($Q_LATERAL) h(id, cs))")
echo "answers identical: $same"
m_c=$(ms "$Q_C")
m_l=$(ms "$Q_LATERAL")
m_h=$(ms "$Q_HASH")
m_a=$(ms "$Q_AGG")
m_best=$(printf '%s\n' "$m_l" "$m_h" "$m_a" | sort -g | head -1)
printf '%-40s %10s ms\n' "current_step(id) per row" "$m_c" "plain SQL, correlated NOT EXISTS" "$m_l" \
	"plain SQL, cross join + anti join" "$m_h" "plain SQL, array_agg + LATERAL" "$m_a"
echo "best plain SQL / current_step    = $(ratio "$m_best" "$m_c")   (target >= 1.00)"

;; esac

case " $PHASES " in *" 3 "*)
echo "== 3. flatness (server-side: 200,000 calls, best of 3; pgbench: median of 3 x ${DURATION}s)"
printf '%-10s %14s %14s %12s %12s %9s\n' workshops "us/call random" "us/call hot1k" "tps C" "tps plain" "C/plain"
loaded=$MAIN
for n in $SIZES; do
	[ "$n" = "$loaded" ] || load "$n"
	loaded=$n
	m=$(ms "SELECT count(workshoppilot.current_step('ws_' || (1 + (hashint4(g) & 2147483647) % $n)))
	        FROM generate_series(1, 200000) g")
	h=$(ms "SELECT count(workshoppilot.current_step('ws_' || (1 + (hashint4(g % 1000) & 2147483647) % $n)))
	        FROM generate_series(1, 200000) g")
	tc=""; tp=""
	for _ in 1 2 3; do
		tc="$tc $(tps "$TMP/current_step.sql" "$n")"
		tp="$tp $(tps "$TMP/plain_notexists.sql" "$n")"
	done
	tc=$(median "$tc"); tp=$(median "$tp")
	printf '%-10s %14.2f %14.2f %12.0f %12.0f %9s\n' "$n" \
		"$(awk -v m="$m" 'BEGIN { print m * 1000 / 200000 }')" \
		"$(awk -v m="$h" 'BEGIN { print m * 1000 / 200000 }')" "$tc" "$tp" "$(ratio "$tc" "$tp")"
done

;; esac

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB"
