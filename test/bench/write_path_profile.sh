#!/bin/bash
# test/bench/write_path_profile.sh: where the lifecycle transaction's time
# goes, in CPU instructions counted by valgrind's callgrind, for the plain
# tables, the floor and the extension (issue 14's "profile first").
#
# Usage:  PG_CONFIG=/path/to/pg_config test/bench/write_path_profile.sh [TOP]
#   WORKSHOPS=20000 TXNS=200 PORT=55492 DBS="plain floor ext"
#   PLAN_CACHE_MODE=force_generic_plan (auto: PostgreSQL's default)
#
# Not part of the test suite (about 6 minutes on two cores).  Builds the
# databases of test/bench/write_path_bench.sh (WORKSHOPS workshops, ten step
# rows each) and its three pgbench scripts, then runs that server under
# callgrind: for each database one backend runs 20 transactions and another
# 20 + TXNS, and the difference of their instruction counts over TXNS is the
# cost of one transaction, without the start-up, cache warm-up and exit of a
# backend.  Instruction counts do not depend on the machine's load: the same
# binaries on the same data with the same plans count the same.  The server
# runs with plan_cache_mode = force_generic_plan (PLAN_CACHE_MODE=auto runs
# PostgreSQL's default instead, to check it changes nothing), so that every prepared
# statement runs one generic plan and no execution is planned again (by
# default the plan cache may keep planning a statement for each execution),
# the statistics are taken from every row (with ANALYZE's random sample the
# plans, and with them the plain tables' count, moved by up to 10 % between
# runs), and pgbench's random numbers are seeded; the extension's cuid2 ids
# stay random, which moves its index insertions a little.  With these
# settings runs of one build agreed within 0.4 % for the floor and the
# extension, while the plain tables' count came out near one of two values
# about 8 % apart (cause not found).  Compare two builds side by side (two
# runs at once, on two ports) and on the extension's count;
# instructions are not time (a cache miss counts as one).  Prints the
# instructions per transaction of each database, those of phase 3's
# current_step and primary-key lookup scripts (wp_ext) and, for the extension
# against the plain tables, the TOP (default 40) functions whose inclusive
# instructions per transaction differ most (positive: what the extension
# spends more; a function listed under several source files counts once,
# with its largest entry).  PostgreSQL's own binary is stripped on Debian, so its
# static functions show as addresses and are left out.
set -euo pipefail

TOP=${1:-40}
N=${WORKSHOPS:-20000}
TXNS=${TXNS:-200}
PORT=${PORT:-55492}
DBS=${DBS:-"plain floor ext"}
PLAN_CACHE_MODE=${PLAN_CACHE_MODE:-force_generic_plan}
PG_CONFIG=${PG_CONFIG:-pg_config}
BIN=$($PG_CONFIG --bindir)
HERE=$(cd "$(dirname "$0")" && pwd)
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)"; exit 1; }
command -v callgrind_annotate >/dev/null || { echo "callgrind_annotate is needed (valgrind)"; exit 1; }

WORK=$(mktemp -d /tmp/wp-write-profile.XXXXXX)
chmod 755 "$WORK"
if [ "$(id -u)" = 0 ]; then
	chown postgres "$WORK"
	as_pg() { runuser -u postgres -- "$@"; }
else
	as_pg() { "$@"; }
fi
SRV=$WORK/srv
stop() {
	as_pg "$BIN/pg_ctl" -D "$SRV/data" -m fast -t 600 stop >/dev/null 2>&1 || true
	sleep 2	# valgrind's last processes write their files after the postmaster
	rm -rf "$WORK" 2>/dev/null || { sleep 5; rm -rf "$WORK"; }
}
trap stop EXIT

echo "== building the databases ($N workshops) with test/bench/write_path_bench.sh"
KEEP_DIR=$SRV SCRIPTS_DIR=$WORK PHASES=none FLOOR=1 WORKSHOPS=$N PORT=$PORT PG_CONFIG=$PG_CONFIG \
	bash "$HERE/write_path_bench.sh" | grep -E '^(server|wp_floor|check)'
# Statistics of every row instead of ANALYZE's random sample of 300 rows
# per unit of statistics target, so that the plans depend on the data alone
# (which the bench script makes the same every time): a target on the step
# rows' id column (no common values, so no long lists for the planner to
# search) that makes the sample the whole table; the other tables are
# smaller than the default sample.
target=$(( (N * 10 + 1000) / 300 + 1 ))
for db in wp_plain wp_floor wp_ext; do
	"$BIN/psql" -X -q -h "$SRV" -p "$PORT" -U postgres -d "$db" -v ON_ERROR_STOP=1 \
		-c "ALTER TABLE workshoppilot.workshop_steps ALTER COLUMN id SET STATISTICS $target" \
		-c "ANALYZE"
done
as_pg "$BIN/pg_ctl" -D "$SRV/data" -m fast stop >/dev/null

echo "== the same server under callgrind"
mkdir -p "$WORK/cg"
[ "$(id -u)" = 0 ] && chown postgres "$WORK/cg"
# (the bench's settings are in the cluster's postgresql.conf)
as_pg bash -c "cd '$WORK/cg' && exec valgrind --tool=callgrind --callgrind-out-file='$WORK/cg/cg.%p' \
	'$BIN/postgres' -D '$SRV/data' -k '$SRV' -p $PORT -c plan_cache_mode=$PLAN_CACHE_MODE" \
	>"$WORK/valgrind.log" 2>&1 &
for _ in $(seq 300); do
	"$BIN/pg_isready" -q -h "$SRV" -p "$PORT" && break
	sleep 1
done
"$BIN/pg_isready" -q -h "$SRV" -p "$PORT" || { echo "the server under callgrind did not start:"; cat "$WORK/valgrind.log"; exit 1; }
export PGHOST=$SRV PGPORT=$PORT PGUSER=postgres

total() { sed -n 's/^\(summary\|totals\): *\([0-9]*\).*/\2/p' "$1" 2>/dev/null | head -1; }
# complete: how many callgrind files are complete (callgrind writes the
# totals last, when a process exits)
complete() {
	local x n=0
	for x in "$WORK"/cg/cg.*; do [ -n "$(total "$x")" ] && n=$((n + 1)); done
	echo "$n"
}
# settle: waits until no more files complete (the backends of pg_isready
# and of an earlier run write theirs a while after they have exited)
settle() {
	local a b
	b=$(complete)
	for _ in $(seq 60); do
		sleep 2
		a=$b; b=$(complete)
		[ "$a" = "$b" ] && return
	done
}
# run DB COUNT [SCRIPT]: one backend runs COUNT transactions of SCRIPT
# (default life_DB.sql) in wp_DB; prints its callgrind file.  pgbench opens
# two connections, one of which runs nothing: the backend that ran the
# transactions is the one of the two new, complete files with the most
# instructions.  Files of earlier processes are never new: the run starts
# when they have all landed (settle) and waits for both of its own.
run() {
	local before f x n seed
	settle
	before=$(ls "$WORK/cg")
	# pgbench's random numbers: a seed of its own for every run (the plain
	# tables' ids come from them and must differ), the same every time
	seed=$(printf '%s' "$1 $2 ${3:-}" | cksum | cut -d' ' -f1)
	"$BIN/pgbench" -n -M prepared -c 1 -t "$2" --random-seed="$seed" -D n="$N" \
		-f "$WORK/${3:-life_$1.sql}" "wp_$1" >"$WORK/pgbench.log" 2>&1 ||
		{ cat "$WORK/pgbench.log" >&2; exit 1; }
	for _ in $(seq 120); do
		n=0
		for x in $(comm -13 <(echo "$before") <(ls "$WORK/cg")); do
			[ -n "$(total "$WORK/cg/$x")" ] && n=$((n + 1))
		done
		[ "$n" -ge 2 ] && break
		sleep 1
	done
	[ "$n" -ge 2 ] || { echo "the $1 run left $n complete callgrind files, not 2" >&2; exit 1; }
	f=$(comm -13 <(echo "$before") <(ls "$WORK/cg") | while read -r x; do
		echo "$(total "$WORK/cg/$x") $x"; done | sort -n | tail -1 | cut -d' ' -f2)
	echo "$WORK/cg/$f"
}
# inclusive instructions per function of one callgrind file: "count<TAB>name"
inclusive() {
	callgrind_annotate --inclusive=yes --threshold=100 --auto=no "$1" 2>/dev/null |
		perl -ne 'next unless /^\s*([\d,]+)\s+(?:\(\s*[\d.]+%\)\s+)?(\S.*?)\s*$/; my ($n, $f) = ($1, $2);
			next if $f =~ /^=>/ || $f =~ /0x[0-9a-f]{8,}/; $n =~ tr/,//d; $f =~ s/ \[.*\]$//; $f =~ s/^.*://;
			print "$n\t$f\n"'
}

# measure DB FIRST MORE MIN [SCRIPT]: runs FIRST, then FIRST + MORE
# transactions; sets SMALL and BIG to their callgrind files and PER to the
# instructions of one transaction, which must be at least MIN (less means
# the files are not those of the backends that ran the transactions)
measure() {
	SMALL=$(run "$1" "$2" "${5:-}"); BIG=$(run "$1" $(($2 + $3)) "${5:-}")
	PER=$(( ($(total "$BIG") - $(total "$SMALL")) / $3 ))
	[ "$PER" -ge "$4" ] || { echo "$1 ${5:-}: $SMALL and $BIG cannot be the measured backends ($PER per transaction)"; exit 1; }
}

declare -A per
for db in $DBS; do
	measure "$db" 20 "$TXNS" 100000
	per[$db]=$PER
	inclusive "$SMALL" >"$WORK/$db.20"; inclusive "$BIG" >"$WORK/$db.big"
	echo "$db: ${per[$db]} instructions per transaction"
done
for db in $DBS; do
	[ "$db" = plain ] || [ -z "${per[plain]:-}" ] && continue
	echo "RATIO instructions per transaction plain / $db = $(awk -v a="${per[plain]}" -v b="${per[$db]}" 'BEGIN { printf "%.3f", a / b }')"
done
if [[ " $DBS " = *" ext "* ]]; then
	# phase 3 of write_path_bench.sh (its scripts cs.sql and pk.sql):
	# current_step against a primary-key lookup of a random existing
	# workshop, 10 x TXNS transactions each
	declare -A q
	for s in cs pk; do
		measure ext 200 $((10 * TXNS)) 10000 "$s.sql"
		q[$s]=$PER
	done
	echo "current_step: ${q[cs]} instructions per transaction, primary-key lookup: ${q[pk]}"
	echo "RATIO instructions per transaction primary-key lookup / current_step = $(awk -v a="${q[pk]}" -v b="${q[cs]}" 'BEGIN { printf "%.3f", a / b }')"
fi
if [[ " $DBS " = *" ext "* && " $DBS " = *" plain "* ]]; then
	echo "functions whose inclusive instructions per transaction differ most, extension - plain (top $TOP):"
	perl -e '
		my ($txns, $top, @f) = @ARGV;
		my %v;
		for my $i (0 .. 3) {
			open my $fh, "<", $f[$i] or die;
			while (<$fh>) { chomp; my ($n, $name) = split /\t/, $_, 2; $v{$name}[$i] = $n if $n > ($v{$name}[$i] // 0); }
		}
		my %d;
		for my $k (keys %v) {
			my ($e20, $eb, $p20, $pb) = map { $_ // 0 } @{$v{$k}}[0 .. 3];
			$d{$k} = [($eb - $e20) / $txns, ($pb - $p20) / $txns];
		}
		my @k = sort { abs($d{$b}[0] - $d{$b}[1]) <=> abs($d{$a}[0] - $d{$a}[1]) } grep { !/^(main|\(below main\)|PROGRAM TOTALS|__libc_start|PostmasterMain)/ } keys %d;
		printf "%12s %12s %12s  %s\n", "extension", "plain", "difference", "function";
		printf "%12.0f %12.0f %12.0f  %s\n", $d{$_}[0], $d{$_}[1], $d{$_}[0] - $d{$_}[1], $_ for @k[0 .. ($top < @k ? $top - 1 : $#k)];
	' "$TXNS" "$TOP" "$WORK/ext.20" "$WORK/ext.big" "$WORK/plain.20" "$WORK/plain.big"
fi
