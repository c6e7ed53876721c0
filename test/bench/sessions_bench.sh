#!/bin/bash
# test/bench/sessions_bench.sh: cost of health() and of the section 2 triggers
# (issue 11: sessions, sharing, members, plan caps, health).
#
# Usage: test/bench/sessions_bench.sh   (PGHOST/PGPORT/PGUSER of a server with
#                                        the extension installed; a superuser)
#   DURATION=3 ROUNDS=5 CLIENTS=2 PHASES="1 2 3" test/bench/sessions_bench.sh
#
# Not part of the test suite.  Creates (and at the end drops) the database
# wp_bench_sessions.  Two measurements, each side by side in one run, with
# pgbench -M prepared; the scripts run interleaved (order reversed every other
# round), ROUNDS rounds of DURATION seconds; a ratio is taken within each
# round and the median over the rounds is reported.
#   1. SELECT workshoppilot.health() against SELECT 1 (calls per second).
#   2. The app's first write, a workshop and its owner member in one
#      transaction, with the triggers this issue adds (fill_share_token and
#      plan_cap on workshops, keep_owner on workshop_members) disabled, enabled
#      with no cap (the default), and enabled with a cap in force
#      (SET LOCAL workshoppilot.max_workshops_per_user = 10, so plan_cap takes
#      its advisory lock and counts the user's workshops; 100,000 users, so a
#      user owns one or two, as in the app: the count reads as many index
#      entries and rows as the user owns, at most the cap).  The
#      transactions run with synchronous_commit = off, so that the WAL flush
#      at commit does not hide the CPU cost of the triggers.
#   3. Server-side, without the client round trip (best of 5): microseconds
#      per call of health() and of a C function that reads nothing
#      (is_cuid2), and per row of one INSERT of 20,000 workshops (2,000
#      users, 10 each: one statement takes one advisory lock per user, and
#      the lock table holds max_locks_per_transaction * max_connections) with
#      the triggers disabled, enabled, and with a cap of 100.
set -euo pipefail

DB=${DB:-wp_bench_sessions}
DURATION=${DURATION:-3}
ROUNDS=${ROUNDS:-5}
CLIENTS=${CLIENTS:-2}
PHASES=${PHASES:-"1 2 3"}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"; psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true' EXIT

psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -c "CREATE EXTENSION workshoppilot"

echo 'SELECT 1;' > "$TMP/select1.sql"
echo 'SELECT workshoppilot.health();' > "$TMP/health.sql"
for cap in 0 10; do
	cat > "$TMP/write_$cap.sql" <<-SQL
		\set u random(1, 100000)
		BEGIN;
		SET LOCAL synchronous_commit = off;
		SET LOCAL workshoppilot.max_workshops_per_user = $cap;
		WITH w AS (INSERT INTO workshoppilot.workshops (clerk_user_id, title, original_idea)
		           VALUES ('user_' || :u, 'Workshop', 'an idea') RETURNING id, clerk_user_id)
		INSERT INTO workshoppilot.workshop_members (workshop_id, clerk_user_id, role)
		SELECT id, clerk_user_id, 'owner' FROM w;
		END;
	SQL
done

tps() {	# tps SCRIPT: TPS of one pgbench run
	pgbench -n -M prepared -c "$CLIENTS" -j "$CLIENTS" -T "$DURATION" -f "$1" "$DB" 2>/dev/null |
		awk '/^tps = / { printf "%.0f", $3 }'
}
triggers() {	# triggers ENABLE|DISABLE
	psql -X -q -v ON_ERROR_STOP=1 -d "$DB" \
		-c "ALTER TABLE workshoppilot.workshops $1 TRIGGER fill_share_token, $1 TRIGGER plan_cap" \
		-c "ALTER TABLE workshoppilot.workshop_members $1 TRIGGER keep_owner"
}
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

if [[ " $PHASES " == *" 1 "* ]]; then
echo "== 1. health() against SELECT 1 (pgbench -M prepared -c $CLIENTS, $ROUNDS rounds of ${DURATION}s)"
: > "$TMP/r1"
for r in $(seq 1 "$ROUNDS"); do
	if [ $((r % 2)) -eq 1 ]; then s=$(tps "$TMP/select1.sql"); h=$(tps "$TMP/health.sql")
	else h=$(tps "$TMP/health.sql"); s=$(tps "$TMP/select1.sql"); fi
	echo "$s $h" >> "$TMP/r1"
done
printf '%-34s %8s tps (median)\n' "SELECT 1" "$(cut -d' ' -f1 "$TMP/r1" | median)"
printf '%-34s %8s tps (median)\n' "SELECT workshoppilot.health()" "$(cut -d' ' -f2 "$TMP/r1" | median)"
printf 'health / SELECT 1 = %.2f (rounds: %s)\n' \
	"$(awk '{ print $2 / $1 }' "$TMP/r1" | median)" "$(awk '{ printf "%.2f ", $2 / $1 }' "$TMP/r1")"

fi
if [[ " $PHASES " == *" 2 "* ]]; then
echo "== 2. workshop + owner member per transaction (100,000 users, pgbench -M prepared -c $CLIENTS, $ROUNDS rounds of ${DURATION}s)"
: > "$TMP/r2"
for r in $(seq 1 "$ROUNDS"); do
	if [ $((r % 2)) -eq 1 ]; then
		triggers DISABLE; off=$(tps "$TMP/write_0.sql")
		triggers ENABLE; on=$(tps "$TMP/write_0.sql"); cap=$(tps "$TMP/write_10.sql")
	else
		cap=$(tps "$TMP/write_10.sql"); on=$(tps "$TMP/write_0.sql")
		triggers DISABLE; off=$(tps "$TMP/write_0.sql"); triggers ENABLE
	fi
	echo "$off $on $cap" >> "$TMP/r2"
done
printf '%-34s %8s tps (median)\n' "triggers disabled" "$(cut -d' ' -f1 "$TMP/r2" | median)"
printf '%-34s %8s tps (median)\n' "triggers enabled, no cap" "$(cut -d' ' -f2 "$TMP/r2" | median)"
printf '%-34s %8s tps (median)\n' "triggers enabled, cap in force" "$(cut -d' ' -f3 "$TMP/r2" | median)"
printf 'enabled, no cap / disabled = %.2f (rounds: %s)\n' \
	"$(awk '{ print $2 / $1 }' "$TMP/r2" | median)" "$(awk '{ printf "%.2f ", $2 / $1 }' "$TMP/r2")"
printf 'cap in force / disabled    = %.2f (rounds: %s)\n' \
	"$(awk '{ print $3 / $1 }' "$TMP/r2" | median)" "$(awk '{ printf "%.2f ", $3 / $1 }' "$TMP/r2")"
fi
if [[ " $PHASES " == *" 3 "* ]]; then
echo "== 3. server-side, best of 5"
psql -X -q -At -v ON_ERROR_STOP=1 -d "$DB" <<-'SQL'
	CREATE TEMP TABLE users AS SELECT 'bulk_user_' || (i % 2000) AS u FROM generate_series(1, 20000) i;
	-- time q after prep, in a subtransaction that is rolled back (prep too)
	CREATE FUNCTION pg_temp.once(prep text, q text, n int) RETURNS numeric LANGUAGE plpgsql AS $$
	DECLARE t0 timestamptz; d numeric;
	BEGIN
		BEGIN
			IF prep <> '' THEN EXECUTE prep; END IF;
			t0 := clock_timestamp();
			EXECUTE q;
			d := extract(epoch FROM clock_timestamp() - t0) * 1e6 / n;
			RAISE EXCEPTION 'rollback' USING ERRCODE = 'P0099';
		EXCEPTION WHEN SQLSTATE 'P0099' THEN NULL;
		END;
		RETURN d;
	END $$;
	CREATE TEMP TABLE variants (pos int, name text, prep text, q text, n int);
	INSERT INTO variants VALUES
		(1, 'health(), per call', '', 'SELECT count(workshoppilot.health()) FROM generate_series(1, 100000)', 100000),
		(2, 'is_cuid2(''ab''), per call (floor)', '', 'SELECT count(workshoppilot.is_cuid2(''ab'')) FROM generate_series(1, 100000)', 100000),
		(3, 'insert, triggers disabled, per row',
		 'ALTER TABLE workshoppilot.workshops DISABLE TRIGGER plan_cap, DISABLE TRIGGER fill_share_token',
		 'INSERT INTO workshoppilot.workshops (clerk_user_id, title, original_idea) SELECT u, ''t'', ''i'' FROM users', 20000),
		(4, 'insert, triggers enabled, no cap, per row', '',
		 'INSERT INTO workshoppilot.workshops (clerk_user_id, title, original_idea) SELECT u, ''t'', ''i'' FROM users', 20000),
		(5, 'insert, cap of 100 in force, per row', 'SET LOCAL workshoppilot.max_workshops_per_user = 100',
		 'INSERT INTO workshoppilot.workshops (clerk_user_id, title, original_idea) SELECT u, ''t'', ''i'' FROM users', 20000);
	-- 5 rounds, the variants interleaved, in reverse order every other round
	CREATE TEMP TABLE times (pos int, name text, us numeric);
	DO $$
	DECLARE v record;
	BEGIN
		FOR r IN 1..5 LOOP
			FOR v IN SELECT * FROM variants ORDER BY CASE WHEN r % 2 = 0 THEN -pos ELSE pos END LOOP
				INSERT INTO times VALUES (v.pos, v.name, pg_temp.once(v.prep, v.q, v.n));
			END LOOP;
		END LOOP;
	END $$;
	SELECT format('%-44s %8s us', name, round(min(us), 2)) FROM times GROUP BY pos, name ORDER BY pos;
	SELECT format('insert: enabled, no cap / disabled = %s; cap in force / disabled = %s (time per row, best of 5)',
	              round(min(us) FILTER (WHERE pos = 4) / min(us) FILTER (WHERE pos = 3), 2),
	              round(min(us) FILTER (WHERE pos = 5) / min(us) FILTER (WHERE pos = 3), 2)) FROM times;
SQL
fi
psql -X -q -At -d "$DB" -c "SELECT format('rows at the end: %s workshops, %s members', (SELECT count(*) FROM workshoppilot.workshops), (SELECT count(*) FROM workshoppilot.workshop_members))"
