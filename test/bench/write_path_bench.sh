#!/bin/bash
# test/bench/write_path_bench.sh: the app's write path with every guarantee on,
# against the same statements on the plain Drizzle tables (issue 14).
#
# Usage:  PG_CONFIG=/path/to/pg_config test/bench/write_path_bench.sh
#   ROUNDS=5 DURATION=5 TRIGGER_ROUNDS=3 CLIENTS=2 PORT=55490 PHASES="1 2 3 4"
#   BASE_PG_CONFIG=/other/pg_config   also run another build of the extension
#                                     (e.g. the last release) in phases 1, 3, 4
#   KEEP_DIR=dir SCRIPTS_DIR=dir PHASES=none   build the databases and the
#                                     pgbench scripts, measure nothing, leave
#                                     the server running in KEEP_DIR
#
# Not part of the test suite.  Starts its own throwaway server from the
# PG_CONFIG tree (install the extension there first: make install
# PG_CONFIG=...), on a unix socket in a temporary folder, with the settings
# below, and removes it at the end.  Run as root it runs the server as
# postgres (initdb refuses root).
#
# Server settings (stated here so that the figures can be reproduced):
#   shared_buffers = 1GB, synchronous_commit = off (fsync stays on: the
#   commit does not wait for the disk, so the rounds measure CPU, not the
#   shared machine's disk), max_wal_size = 8GB, checkpoint_timeout = 30min
#   (no checkpoint inside a round), autovacuum = off (no vacuum inside a
#   round; the rounds are short), shared_preload_libraries =
#   pg_stat_statements, jit = off.
#
# Data, the same in both databases: 100,000 workshops with one owner member
# each and one row per step definition (1,000,000 step rows; the first k
# steps complete with a small output, step k+1 in progress, k spread over
# 0..10).  wp_ext has the extension (CREATE EXTENSION workshoppilot),
# wp_plain the tables of test/fixtures/drizzle-schema.sql (no triggers, no
# id defaults: the app makes ids) with the same step definitions.
#
# Phases (each measured side by side, alternating, medians of rounds):
#   1. the lifecycle transaction (13 statements: BEGIN, a workshop, its
#      owner member, its ten step rows, three steps through in_progress to
#      complete with a ~1 KB output each, the current step, the earlier
#      outputs, END), pgbench -M prepared -c CLIENTS -j CLIENTS, ROUNDS
#      rounds of DURATION seconds, plain and extension alternating (the
#      order swapped every round); the ratio is taken within each round and
#      the median reported; then the same rounds with plain and extension
#      running at the same time (and the BASE_PG_CONFIG build with them),
#      which see the same background load at every moment.  With FLOOR=1
#      (the default) a third database runs in those rounds too: wp_floor,
#      the plain tables with the extension's added constraints (its unique
#      constraints and CHECKs, copied from wp_ext's catalog) and the app
#      doing in SQL what the triggers do (started_at, completed_at and
#      updated_at in its UPDATEs, and the workshop's draft -> active as one
#      more UPDATE): what the guarantees cost when nothing but PostgreSQL
#      enforces them, the floor for any implementation of them.
#   2. per trigger: every non-internal trigger on the tables the transaction
#      writes (workshops, workshop_members, workshop_steps), found in
#      pg_trigger (so triggers added later are included), disabled one at a
#      time, then all triggers of workshop_steps at once, each against a
#      round with all triggers on, TRIGGER_ROUNDS rounds: the TPS gained by
#      turning it off.
#   3. current_step for a random existing workshop (its id picked by a
#      primary-key lookup in a table of ids, in the same statement) against
#      a primary-key lookup of the same workshop picked the same way
#      (SELECT status FROM workshops WHERE id = (...)), pgbench, ROUNDS
#      rounds alternating.
#   4. current step of all 100,000 workshops in one query (server execution
#      time, best of 5): current_step(id) per row against the fastest plain
#      SQL of three forms, answers checked equal first.
# cuid2() against gen_random_uuid() is test/bench/cuid2_vs_uuid.sh.
set -euo pipefail

ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-5}
TRIGGER_ROUNDS=${TRIGGER_ROUNDS:-3}
CLIENTS=${CLIENTS:-2}
PORT=${PORT:-55490}
PHASES=${PHASES:-"1 2 3 4"}
FLOOR=${FLOOR:-1}
N=${WORKSHOPS:-100000}
PG_CONFIG=${PG_CONFIG:-pg_config}
BIN=$($PG_CONFIG --bindir)
HERE=$(cd "$(dirname "$0")" && pwd)
FIXTURE="$HERE/../fixtures/drizzle-schema.sql"

if [ -n "${KEEP_DIR:-}" ]; then
	# KEEP_DIR=dir: build the databases in dir and leave the server running
	# there at the end (test/bench/write_path_profile.sh).  dir must be new
	# or empty, or one this script made before (it is emptied then).
	WORK=$(realpath -m "$KEEP_DIR")
	if [ -d "$WORK" ] && [ -n "$(ls -A "$WORK")" ] && [ ! -f "$WORK/.wp-write-bench" ]; then
		echo "KEEP_DIR=$KEEP_DIR is not empty and not made by this script: not touched"
		exit 1
	fi
	rm -rf "$WORK"
	mkdir -p "$WORK"
	touch "$WORK/.wp-write-bench"
else
	WORK=$(mktemp -d /tmp/wp-write-bench.XXXXXX)
fi
chmod 755 "$WORK"
if [ "$(id -u)" = 0 ]; then
	chown postgres "$WORK"
	as_pg() { runuser -u postgres -- "$@"; }
else
	as_pg() { "$@"; }
fi
BASE_PG_CONFIG=${BASE_PG_CONFIG:-}
BPORT=$((PORT + 1))
stop() {
	as_pg "$BIN/pg_ctl" -D "$WORK/data" -m fast stop >/dev/null 2>&1 || true
	if [ -n "$BASE_PG_CONFIG" ]; then
		as_pg "$($BASE_PG_CONFIG --bindir)/pg_ctl" -D "$WORK/bdata" -m fast stop >/dev/null 2>&1 || true
	fi
	rm -rf "$WORK"
}
if [ -z "${KEEP_DIR:-}" ]; then trap stop EXIT; fi
# new_cluster BINDIR DATADIR: initdb, with the settings above in its
# postgresql.conf, so that every server started on it (this script's, the
# profile's under valgrind) runs with them
new_cluster() {
	as_pg "$1/initdb" -D "$2" -U postgres -A trust --no-sync --encoding=UTF8 --locale=C >"$2.initdb.log"
	as_pg tee -a "$2/postgresql.conf" >/dev/null <<-'CONF'
		listen_addresses = ''
		shared_buffers = 1GB
		synchronous_commit = off
		max_wal_size = 8GB
		checkpoint_timeout = 30min
		autovacuum = off
		jit = off
		shared_preload_libraries = 'pg_stat_statements'
	CONF
}
new_cluster "$BIN" "$WORK/data"
as_pg "$BIN/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w -o "-k $WORK -p $PORT" start >/dev/null
if [ -n "$BASE_PG_CONFIG" ]; then
	# a second server with another build of the extension (e.g. the previous
	# release), same settings, for the simultaneous rounds of phase 1
	BBIN=$($BASE_PG_CONFIG --bindir)
	new_cluster "$BBIN" "$WORK/bdata"
	as_pg "$BBIN/pg_ctl" -D "$WORK/bdata" -l "$WORK/bserver.log" -w -o "-k $WORK -p $BPORT" start >/dev/null
fi
export PGHOST=$WORK PGPORT=$PORT PGUSER=postgres
PSQL="$BIN/psql -X -q -v ON_ERROR_STOP=1"
PGBENCH="$BIN/pgbench"

median() { printf '%s\n' $1 | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
# CPU time of the server's backends, in clock ticks: the postmaster's
# cutime + cstime, which collects the CPU time of every backend once it has
# exited (the long-lived auxiliary processes are not included).
TICKS=$(getconf CLK_TCK)
children_cpu() { awk '{ print $16 + $17 }' "/proc/$(head -1 "$WORK/data/postmaster.pid")/stat"; }
tps() {	# tps DB FILE [DURATION]: prints TPS; sets LAST_CPU_US (server CPU us per transaction)
	local c0 c1 out err
	c0=$(children_cpu)
	err=$(mktemp "$WORK/pgbench.err.XXXXXX")
	out=$($PGBENCH -n -M prepared -c "$CLIENTS" -j "$CLIENTS" -T "${3:-$DURATION}" -D n="$N" -f "$2" "$1" 2>"$err") ||
		{ cat "$err" >&2; exit 1; }
	sleep 0.2	# let the postmaster reap the backends
	c1=$(children_cpu)
	local txns
	txns=$(echo "$out" | sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p')
	# (meaningless for the simultaneous rounds, which do not read it)
	awk -v a="$c0" -v b="$c1" -v t="$txns" -v hz="$TICKS" 'BEGIN { printf "%.1f\n", (b - a) * 1e6 / hz / t }' >"$WORK/last_cpu"
	echo "$out" | sed -n 's/^tps = \([0-9.]*\) .*/\1/p'
}
last_cpu() { cat "$WORK/last_cpu"; }

echo "server: $($PSQL -At -d postgres -c "SELECT version()")"
echo "settings: shared_buffers=1GB synchronous_commit=off autovacuum=off jit=off; CPUs: $(nproc); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== loading $N workshops, $N members, $((N * 10)) step rows into wp_ext and wp_plain"
$PSQL -d postgres -c "CREATE DATABASE wp_ext" -c "CREATE DATABASE wp_plain"
$PSQL -d wp_plain -f "$FIXTURE" >/dev/null
$PSQL -d wp_ext -c "CREATE EXTENSION workshoppilot"
targets="$PORT:wp_ext $PORT:wp_plain"
plains="wp_plain"
if [ "$FLOOR" = 1 ]; then
	$PSQL -d postgres -c "CREATE DATABASE wp_floor"
	$PSQL -d wp_floor -f "$FIXTURE" >/dev/null
	targets="$targets $PORT:wp_floor"
	plains="$plains wp_floor"
fi
if [ -n "$BASE_PG_CONFIG" ]; then
	PGPORT=$BPORT $PSQL -d postgres -c "CREATE DATABASE wp_ext"
	PGPORT=$BPORT $PSQL -d wp_ext -c "CREATE EXTENSION workshoppilot"
	targets="$targets $BPORT:wp_ext"
	echo "base build for the simultaneous rounds: $BASE_PG_CONFIG (server on port $BPORT)"
fi
for db in $plains; do
	$PSQL -d wp_ext -At -c "COPY (SELECT id, \"order\", name, description, prompt_template FROM workshoppilot.step_definitions) TO STDOUT" |
		$PSQL -d "$db" -c "COPY workshoppilot.step_definitions (id, \"order\", name, description, prompt_template) FROM STDIN"
done
for t in $targets; do
	PGPORT=${t%%:*} $PSQL -d "${t#*:}" <<-SQL
		-- bulk load without the row triggers; the rows are consistent by construction
		SET session_replication_role = replica;
		INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea, status)
		SELECT 'ws_' || g, 'user_' || (g % 1000), 'Workshop ' || g, 'an idea',
		       CASE (hashint4(g) & 2147483647) % 11 WHEN 0 THEN 'draft' WHEN 10 THEN 'completed' ELSE 'active' END
		FROM generate_series(1, $N) g;
		INSERT INTO workshoppilot.workshop_members (id, workshop_id, clerk_user_id, role)
		SELECT 'wm_' || g, 'ws_' || g, 'user_' || (g % 1000), 'owner' FROM generate_series(1, $N) g;
		INSERT INTO workshoppilot.workshop_steps (id, workshop_id, step_id, status, output, started_at, completed_at)
		SELECT 'wst_' || g || '_' || d."order", 'ws_' || g, d.id,
		       CASE WHEN d."order" <= k THEN 'complete' WHEN d."order" = k + 1 THEN 'in_progress' ELSE 'not_started' END,
		       CASE WHEN d."order" <= k THEN jsonb_build_object('summary', 'output of ' || d.id) END,
		       CASE WHEN d."order" <= k + 1 THEN now() END,
		       CASE WHEN d."order" <= k THEN now() END
		FROM generate_series(1, $N) g
		CROSS JOIN LATERAL (SELECT (hashint4(g) & 2147483647) % 11 AS k) kk
		CROSS JOIN workshoppilot.step_definitions d;
		RESET session_replication_role;
		-- ids of existing workshops by number, for picking a random one
		CREATE TABLE public.pick (n integer PRIMARY KEY, id text NOT NULL);
		INSERT INTO public.pick SELECT g, 'ws_' || g FROM generate_series(1, $N) g;
		CREATE EXTENSION pg_stat_statements;
		CREATE EXTENSION pg_prewarm;
		VACUUM ANALYZE;
		SELECT count(pg_prewarm(c.oid)) FROM pg_class c
		WHERE c.relnamespace IN ('workshoppilot'::regnamespace, 'public'::regnamespace) AND c.relkind IN ('r', 'i');
	SQL
done >/dev/null
if [ "$FLOOR" = 1 ]; then
	# the extension's added constraints (the plain tables have only primary
	# and foreign keys), as its catalog defines them, but in plain SQL: a
	# value-set check that calls the extension's C function
	# (workshoppilot.is_step_status(status)) becomes status = ANY ('{...}')
	# with the function's values (workshoppilot.value_set)
	# (a build without value_set, such as a BASE_PG_CONFIG one, has no such
	# checks)
	vs="NULL::text[]"
	if [ "$($PSQL -d wp_ext -At -c "SELECT to_regprocedure('workshoppilot.value_set(text)') IS NOT NULL")" = t ]; then
		vs="workshoppilot.value_set(m[1])"
	fi
	$PSQL -d wp_ext -At -c "SELECT format('ALTER TABLE workshoppilot.%I ADD CONSTRAINT %I %s;', c.relname, k.conname,
			CASE WHEN m IS NULL OR $vs IS NULL THEN pg_get_constraintdef(k.oid)
			ELSE format('CHECK (%I = ANY (%L::text[]))', m[2], $vs) END)
		FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
		LEFT JOIN LATERAL regexp_match(pg_get_constraintdef(k.oid), '^CHECK \\(workshoppilot\\.(is_[a-z_]+)\\(([a-z_]+)\\)\\)\$') m ON true
		WHERE c.relnamespace = 'workshoppilot'::regnamespace AND k.contype IN ('c', 'u') ORDER BY 1" >"$WORK/floor_constraints.sql"
	$PSQL -d wp_floor -f "$WORK/floor_constraints.sql" -c "ANALYZE" >/dev/null
	echo "wp_floor: the plain tables with the extension's $(wc -l <"$WORK/floor_constraints.sql") added constraints"
fi

# The ~1 KB outputs, valid against the shipped schemas of the first three steps.
OUT1='{"personas": [{"name": "Busy Beth", "age": 34, "role": "project manager", "goals": ["A proper walk for the dog every workday", "Not to think about it"], "pains": ["Walkers cancel at short notice", "No idea whether the walk happened"], "quote": "I just want to know he is out."}, {"name": "Retired Rob", "age": 71, "role": "walker", "goals": ["Some exercise", "Regular, friendly clients"], "pains": ["Finding clients nearby", "Late payments"]}], "insights": ["Trust matters more than price", "Owners want proof of the walk", "Walkers want steady nearby clients"], "summary": "Owners need walkers who show up, and proof that they did; walkers need steady clients close to home. Reliability and trust come before price for both sides of the market, and both want less hassle."}'
OUT2='{"problem_statement": "Busy dog owners need a way to be sure the walk happens because cancellations and silence erode their trust in walkers.", "persona": "Busy Beth", "need": "certainty that the dog is walked every workday", "insight": "Trust matters more than price", "how_might_we": ["How might we make a missed walk impossible to miss?", "How might we prove a walk happened without extra effort?", "How might we match owners with walkers who live nearby?"]}'
OUT3='{"ideas": [{"title": "Walk receipts", "description": "A map of the route and a photo after every walk", "cluster": "proof"}, {"title": "Backup walker", "description": "A second walker on call for every booking", "cluster": "reliability"}, {"title": "Neighbourhood pools", "description": "Walkers grouped by street", "cluster": "matching"}, {"title": "Live tracking", "cluster": "proof"}, {"title": "Reliability score", "description": "Shown on every profile", "cluster": "reliability"}, {"title": "Weekly plans", "description": "Book a whole week at once", "cluster": "reliability"}], "selected": [{"title": "Walk receipts", "rationale": "Cheap to build and answers the trust problem directly"}, {"title": "Backup walker", "rationale": "Removes the pain of short-notice cancellations"}, {"title": "Neighbourhood pools", "rationale": "Helps walkers find steady clients nearby"}]}'
STEPS=$($PSQL -d wp_ext -At -c "SELECT string_agg(id, ' ' ORDER BY \"order\") FROM workshoppilot.step_definitions")
read -r S1 S2 S3 _ <<<"$STEPS"
for o in "$OUT1" "$OUT2" "$OUT3"; do printf '%s' "$o" | wc -c; done | tr '\n' ' ' | sed 's/^/output sizes (bytes): /'; echo

write_lifecycle() {	# write_lifecycle ext|plain|floor FILE
	local kind=$1 f=$2 i=0 s wsid mid values="" sep=""
	if [ "$kind" = ext ]; then
		wsid=""; mid=""
	fi
	{
		echo '\set u random(1, 1000)'
		if [ "$kind" != ext ]; then
			echo '\set r random(1, 9000000000000000000)'
		fi
		echo 'BEGIN;'
		if [ "$kind" = ext ]; then
			echo "INSERT INTO workshoppilot.workshops (clerk_user_id, title, original_idea) VALUES ('user_' || :u, 'Bench workshop', 'An app that matches dog owners with walkers') RETURNING id \\gset"
			echo "INSERT INTO workshoppilot.workshop_members (workshop_id, clerk_user_id, role) VALUES (:id, 'user_' || :u, 'owner');"
			for s in $STEPS; do values="$values$sep(:id, '$s')"; sep=", "; done
			echo "INSERT INTO workshoppilot.workshop_steps (workshop_id, step_id) VALUES $values;"
		else
			echo "INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea) VALUES ('ws_p' || :r::bigint, 'user_' || :u, 'Bench workshop', 'An app that matches dog owners with walkers') RETURNING id \\gset"
			echo "INSERT INTO workshoppilot.workshop_members (id, workshop_id, clerk_user_id, role) VALUES ('wm_p' || :r::bigint, :id, 'user_' || :u, 'owner');"
			for s in $STEPS; do i=$((i + 1)); values="$values$sep('wst_p' || :r::bigint || '_$i', :id, '$s')"; sep=", "; done
			echo "INSERT INTO workshoppilot.workshop_steps (id, workshop_id, step_id) VALUES $values;"
		fi
		i=0
		for s in $S1 $S2 $S3; do
			i=$((i + 1))
			eval "o=\$OUT$i"
			if [ "$kind" = floor ]; then
				# what the triggers do, done by the app
				echo "UPDATE workshoppilot.workshop_steps SET status = 'in_progress', started_at = now(), updated_at = now() WHERE workshop_id = :id AND step_id = '$s';"
				if [ "$i" = 1 ]; then
					echo "UPDATE workshoppilot.workshops SET status = 'active', updated_at = now() WHERE id = :id AND status = 'draft';"
				fi
				echo "UPDATE workshoppilot.workshop_steps SET status = 'complete', output = '$o', completed_at = now(), updated_at = now() WHERE workshop_id = :id AND step_id = '$s';"
			else
				echo "UPDATE workshoppilot.workshop_steps SET status = 'in_progress' WHERE workshop_id = :id AND step_id = '$s';"
				echo "UPDATE workshoppilot.workshop_steps SET status = 'complete', output = '$o' WHERE workshop_id = :id AND step_id = '$s';"
			fi
		done
		if [ "$kind" = ext ]; then
			echo "SELECT workshoppilot.current_step(:id);"
		else
			echo "SELECT d.id FROM workshoppilot.step_definitions d WHERE NOT EXISTS (SELECT FROM workshoppilot.workshop_steps s WHERE s.workshop_id = :id AND s.step_id = d.id AND s.status = 'complete') ORDER BY d.\"order\" LIMIT 1;"
		fi
		echo "SELECT step_id, output FROM workshoppilot.workshop_steps WHERE workshop_id = :id AND output IS NOT NULL;"
		echo 'END;'
	} >"$f"
}
write_lifecycle ext "$WORK/life_ext.sql"
write_lifecycle plain "$WORK/life_plain.sql"
write_lifecycle floor "$WORK/life_floor.sql"
# phase 3: current_step for a random existing workshop, and a primary-key
# lookup of the same workshop picked the same way
cat >"$WORK/cs.sql" <<-'EOF'
	\set k random(1, :n)
	SELECT workshoppilot.current_step((SELECT id FROM public.pick WHERE n = :k));
EOF
cat >"$WORK/pk.sql" <<-'EOF'
	\set k random(1, :n)
	SELECT status FROM workshoppilot.workshops WHERE id = (SELECT id FROM public.pick WHERE n = :k);
EOF
# SCRIPTS_DIR=dir keeps a copy of the pgbench scripts (for profiling them)
if [ -n "${SCRIPTS_DIR:-}" ]; then cp "$WORK"/life_*.sql "$WORK/cs.sql" "$WORK/pk.sql" "$SCRIPTS_DIR"/; fi

# the transaction does on wp_ext what the guarantees promise
$PGBENCH -n -M prepared -c 1 -t 3 -f "$WORK/life_ext.sql" wp_ext >/dev/null
$PSQL -d wp_ext -At -c "SELECT format('check (3 transactions): workshops %s, statuses %s, current steps %s, cuid2 ids %s, complete steps %s with completed_at %s',
	count(DISTINCT w.id), string_agg(DISTINCT w.status, ','), string_agg(DISTINCT workshoppilot.current_step(w.id), ','),
	bool_and(workshoppilot.is_cuid2(w.id, 'ws') AND workshoppilot.is_cuid2(s.id, 'wst')),
	count(*) FILTER (WHERE s.status = 'complete'), count(s.completed_at))
	FROM workshoppilot.workshops w JOIN workshoppilot.workshop_steps s ON s.workshop_id = w.id
	WHERE w.id !~ '^ws_[0-9]+\$'"
$PGBENCH -n -M prepared -c 1 -t 3 -f "$WORK/life_plain.sql" wp_plain >/dev/null
if [ "$FLOOR" = 1 ]; then
	$PGBENCH -n -M prepared -c 1 -t 3 -f "$WORK/life_floor.sql" wp_floor >/dev/null
fi

case " $PHASES " in *" 1 "*)
echo "== 1. lifecycle transaction, pgbench -M prepared -c $CLIENTS -j $CLIENTS, $ROUNDS rounds of ${DURATION}s, alternating"
rp=""; re=""; rr=""; cp=""; ce=""; cr=""
for r in $(seq "$ROUNDS"); do
	if [ $((r % 2)) = 1 ]; then
		p=$(tps wp_plain "$WORK/life_plain.sql"); pc=$(last_cpu); e=$(tps wp_ext "$WORK/life_ext.sql"); ec=$(last_cpu)
	else
		e=$(tps wp_ext "$WORK/life_ext.sql"); ec=$(last_cpu); p=$(tps wp_plain "$WORK/life_plain.sql"); pc=$(last_cpu)
	fi
	rp="$rp $p"; re="$re $e"; rr="$rr $(ratio "$e" "$p")"; cp="$cp $pc"; ce="$ce $ec"; cr="$cr $(ratio "$pc" "$ec")"
	echo "round $r: plain $p tps ($pc us server CPU per transaction), extension $e tps ($ec us), TPS ratio $(ratio "$e" "$p"), CPU ratio plain/extension $(ratio "$pc" "$ec")"
done
echo "median: plain $(median "$rp") tps, $(median "$cp") us server CPU per transaction; extension $(median "$re") tps, $(median "$ce") us"
echo "RATIO lifecycle extension / plain TPS (median of rounds) = $(median "$rr")   (target >= 0.90)"
echo "RATIO lifecycle plain / extension server CPU per transaction (median of rounds) = $(median "$cr")"
# The same, with plain and extension running at the same time (CLIENTS
# clients each): both see the same background load at every moment, so the
# ratio does not drift with the other jobs on the machine.
# With BASE_PG_CONFIG, the base build's extension runs at the same time too.
rs=""; rb=""; rf=""; ref=""
for db in wp_ext $plains; do $PSQL -d "$db" -At -c "SELECT pg_stat_statements_reset()" >/dev/null; done
for r in $(seq "$ROUNDS"); do
	tps wp_plain "$WORK/life_plain.sql" >"$WORK/sim_plain" &
	tps wp_ext "$WORK/life_ext.sql" >"$WORK/sim_ext" &
	if [ "$FLOOR" = 1 ]; then
		tps wp_floor "$WORK/life_floor.sql" >"$WORK/sim_floor" &
	fi
	if [ -n "$BASE_PG_CONFIG" ]; then
		PGPORT=$BPORT tps wp_ext "$WORK/life_ext.sql" >"$WORK/sim_base" &
	fi
	wait
	p=$(cat "$WORK/sim_plain"); e=$(cat "$WORK/sim_ext")
	rs="$rs $(ratio "$e" "$p")"
	line="simultaneous round $r: plain $p tps, extension $e tps, ratio $(ratio "$e" "$p")"
	if [ "$FLOOR" = 1 ]; then
		f=$(cat "$WORK/sim_floor"); rf="$rf $(ratio "$f" "$p")"; ref="$ref $(ratio "$e" "$f")"
		line="$line; floor $f tps, floor / plain $(ratio "$f" "$p"), extension / floor $(ratio "$e" "$f")"
	fi
	if [ -n "$BASE_PG_CONFIG" ]; then
		b=$(cat "$WORK/sim_base"); rb="$rb $(ratio "$b" "$p")"
		line="$line; base build $b tps, ratio $(ratio "$b" "$p")"
	fi
	echo "$line"
done
echo "RATIO lifecycle extension / plain TPS, running simultaneously (median of rounds) = $(median "$rs")"
if [ "$FLOOR" = 1 ]; then
	echo "RATIO lifecycle floor (plain tables + the extension's constraints, the app doing the triggers' writes) / plain TPS, simultaneously (median of rounds) = $(median "$rf")"
	echo "RATIO lifecycle extension / floor TPS, simultaneously (median of rounds) = $(median "$ref")"
fi
if [ -n "$BASE_PG_CONFIG" ]; then
	echo "RATIO lifecycle base build / plain TPS, running simultaneously (median of rounds) = $(median "$rb")"
fi
# Where the time goes, statement by statement: pg_stat_statements over the
# simultaneous rounds (the databases ran side by side under the same load,
# so the times are comparable, but include waiting for a CPU): mean
# execution time per call, triggers and foreign-key checks included (BEGIN,
# END and the protocol are not); the three step UPDATEs of one form are one
# entry.
echo "mean execution time per statement, us, over the simultaneous rounds (pg_stat_statements):"
for db in $plains wp_ext; do
	$PSQL -d "$db" -At -c "SELECT round(sum(total_exec_time) * 1000 /
			(SELECT max(calls) FROM pg_stat_statements WHERE query ~ '^INSERT INTO workshoppilot.workshops '
			 AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())))
		FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
		AND query ~* '^(INSERT|UPDATE|SELECT)' AND query !~ 'pg_stat_statements'" |
		{ read -r us; printf '  %-9s %6s us per transaction\n' "$db" "$us"; }
	$PSQL -d "$db" -At -F ' | ' -c "SELECT to_char(round((total_exec_time * 1000 / calls)::numeric, 1), '99990.0'), left(regexp_replace(query, '\s+', ' ', 'g'), 90)
		FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
		AND query ~* '^(INSERT|UPDATE|SELECT)' AND query !~ 'pg_stat_statements' AND calls > 100 ORDER BY query" | sed 's/^/    /'
done
;; esac

case " $PHASES " in *" 2 "*)
echo "== 2. per trigger: TPS with it off / TPS with all on (same round), $TRIGGER_ROUNDS rounds of ${DURATION}s"
TRIGGERS=$($PSQL -d wp_ext -At -c "SELECT c.relname || '.' || t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
	WHERE c.relnamespace = 'workshoppilot'::regnamespace AND NOT t.tgisinternal
	AND c.relname IN ('workshops', 'workshop_members', 'workshop_steps') ORDER BY 1")
echo "triggers: $(echo $TRIGGERS)"
declare -A gain offtps offcpu
ontps=""; oncpu=""
for r in $(seq "$TRIGGER_ROUNDS"); do
	on=$(tps wp_ext "$WORK/life_ext.sql"); onc=$(last_cpu); ontps="$ontps $on"; oncpu="$oncpu $onc"
	for t in $TRIGGERS ALL; do
		if [ "$t" = ALL ]; then
			dis="ALTER TABLE workshoppilot.workshop_steps DISABLE TRIGGER USER"
			ena="ALTER TABLE workshoppilot.workshop_steps ENABLE TRIGGER USER"
		else
			dis="ALTER TABLE workshoppilot.${t%%.*} DISABLE TRIGGER ${t#*.}"
			ena="ALTER TABLE workshoppilot.${t%%.*} ENABLE TRIGGER ${t#*.}"
		fi
		$PSQL -d wp_ext -c "$dis"
		off=$(tps wp_ext "$WORK/life_ext.sql"); offc=$(last_cpu)
		$PSQL -d wp_ext -c "$ena"
		offtps[$t]="${offtps[$t]:-} $off"
		offcpu[$t]="${offcpu[$t]:-} $(awk -v a="$onc" -v b="$offc" 'BEGIN { printf "%.1f", a - b }')"
		gain[$t]="${gain[$t]:-} $(ratio "$off" "$on")"
	done
done
printf '%-44s %10s %10s %22s\n' "turned off" "median tps" "off/on" "server CPU saved (us)"
printf '%-44s %10.0f %10s %22s\n' "(nothing: all triggers on)" "$(median "$ontps")" "1.000" "($(median "$oncpu") per txn)"
for t in $TRIGGERS ALL; do
	label=$t; [ "$t" = ALL ] && label="all user triggers of workshop_steps"
	printf '%-44s %10.0f %10s %22s\n' "$label" "$(median "${offtps[$t]}")" "$(median "${gain[$t]}")" "$(median "${offcpu[$t]}")"
done
;; esac

case " $PHASES " in *" 3 "*)
echo "== 3. current_step vs primary-key lookup, pgbench -M prepared -c $CLIENTS -j $CLIENTS, $ROUNDS rounds of ${DURATION}s"
rc=""; rk=""; rr=""; cr=""
for r in $(seq "$ROUNDS"); do
	if [ $((r % 2)) = 1 ]; then
		k=$(tps wp_ext "$WORK/pk.sql"); kc=$(last_cpu); c=$(tps wp_ext "$WORK/cs.sql"); cc=$(last_cpu)
	else
		c=$(tps wp_ext "$WORK/cs.sql"); cc=$(last_cpu); k=$(tps wp_ext "$WORK/pk.sql"); kc=$(last_cpu)
	fi
	rc="$rc $c"; rk="$rk $k"; rr="$rr $(ratio "$c" "$k")"; cr="$cr $(ratio "$kc" "$cc")"
	echo "round $r: pk lookup $k tps ($kc us server CPU per transaction), current_step $c tps ($cc us), TPS ratio $(ratio "$c" "$k"), CPU ratio pk/current_step $(ratio "$kc" "$cc")"
	if [ -n "$BASE_PG_CONFIG" ]; then
		# the base build in the same round, the same two scripts at the same time
		PGPORT=$BPORT tps wp_ext "$WORK/cs.sql" >"$WORK/sim_base" & c=$(tps wp_ext "$WORK/cs.sql"); wait
		bc=$(cat "$WORK/sim_base")
		PGPORT=$BPORT tps wp_ext "$WORK/pk.sql" >"$WORK/sim_base" & k=$(tps wp_ext "$WORK/pk.sql"); wait
		bk=$(cat "$WORK/sim_base")
		rb3="${rb3:-} $(ratio "$bc" "$bk")"; rbs="${rbs:-} $(ratio "$c" "$bc")"
		echo "        simultaneously: current_step $c tps, base build's $bc tps (ratio $(ratio "$c" "$bc")); base build's current_step / pk lookup $(ratio "$bc" "$bk")"
	fi
done
if [ -n "$BASE_PG_CONFIG" ]; then
	echo "RATIO base build's current_step / pk lookup TPS (median of rounds) = $(median "$rb3")"
	echo "RATIO current_step this build / base build, running simultaneously (median of rounds) = $(median "$rbs")"
fi
echo "median: pk lookup $(median "$rk") tps, current_step $(median "$rc") tps"
echo "RATIO current_step / pk lookup TPS (median of rounds) = $(median "$rr")   (target >= 0.95)"
echo "RATIO pk lookup / current_step server CPU per transaction (median of rounds) = $(median "$cr")"
;; esac

case " $PHASES " in *" 4 "*)
echo "== 4. current step of all $N workshops in one query (server execution time, best of 5)"
Q_C="SELECT w.id, workshoppilot.current_step(w.id) FROM workshoppilot.workshops w"
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
                     WHERE d.id <> ALL (coalesce(c.done, '{}')) ORDER BY d.\"order\" LIMIT 1) d ON true
 "
# only the loaded workshops (phases 1 and 2 added more); the answers must agree
for port in $PORT ${BASE_PG_CONFIG:+$BPORT}; do
	PGPORT=$port $PSQL -d wp_ext -c "DELETE FROM workshoppilot.workshops WHERE id !~ '^ws_[0-9]+\$'" -c "VACUUM ANALYZE"
done
h() { echo "(SELECT md5(string_agg(id || ':' || coalesce(cs, '-'), ',' ORDER BY id)) FROM ($1) q(id, cs))"; }
same=$($PSQL -d wp_ext -At -c "SELECT $(h "$Q_C") = $(h "$Q_LATERAL") AND $(h "$Q_C") = $(h "$Q_HASH") AND $(h "$Q_C") = $(h "$Q_AGG")")
echo "answers identical: $same"
ms() {	# best of 5 server-side execution times (EXPLAIN ANALYZE without per-node timing)
	local best="" t
	for _ in 1 2 3 4 5; do
		t=$($PSQL -d wp_ext -At -c "EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) $1" | sed -n 's/^Execution Time: \([0-9.]*\) ms/\1/p')
		best=$(awk -v a="$t" -v b="$best" 'BEGIN { if (b == "" || a < b) print a; else print b }')
	done
	echo "$best"
}
m_c=""; m_l=""; m_h=""; m_a=""
m_c=$(ms "$Q_C"); m_l=$(ms "$Q_LATERAL"); m_h=$(ms "$Q_HASH"); m_a=$(ms "$Q_AGG")
m_best=$(printf '%s\n' "$m_l" "$m_h" "$m_a" | sort -g | head -1)
printf '%-40s %10s ms\n' "current_step(id) per row" "$m_c" "plain SQL, correlated NOT EXISTS" "$m_l" \
	"plain SQL, cross join + anti join" "$m_h" "plain SQL, array_agg + LATERAL" "$m_a"
echo "RATIO set-based current_step / fastest plain SQL = $(ratio "$m_c" "$m_best")   (target <= 0.50)"
if [ -n "$BASE_PG_CONFIG" ]; then
	# the base build's current_step on its own copy of the same data, rounds
	# alternating with this build's
	bs=""
	for _ in 1 2 3; do
		a=$(ms "$Q_C"); b=$(PGPORT=$BPORT ms "$Q_C"); bs="$bs $(ratio "$a" "$b")"
		echo "current_step(id) per row: this build $a ms, base build $b ms (best of 5 each)"
	done
	echo "RATIO current_step per row, this build / base build, time (median of 3) = $(median "$bs")"
fi
;; esac
