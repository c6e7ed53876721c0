#!/usr/bin/env bash
# test/run-all.sh [--pg N] [--sanitize] [--valgrind] -- command 2: every test suite on a throwaway server.
#
# Installs the prerequisites when missing, builds with CI's strict warning
# flags, installs the extension, builds against the PostgreSQL 17 and 18
# headers (test/compat-build.sh), then (as user postgres when run as root,
# because initdb refuses root) copies the checkout to a temporary folder,
# starts a throwaway server on a unix socket there, and runs pg_regress,
# the isolation specs and the TAP tests (which include the official JSON
# Schema test suite).  The server and the folder are removed at the end.
# Exits non-zero on any failure; the last line is "N passed, N failed".
#
#   --pg N   test on PostgreSQL N instead of the host's 15: everything above
#            (but the header builds) runs inside a cached Debian root that
#            has PostgreSQL N (test/pgroot.sh), with that version's PGXS,
#            tree and server.  PG_CONFIG is for the 15 run only.
set -uo pipefail

# Options (several may be given):
#   --pg N       see above
#   --sanitize   build with UndefinedBehaviorSanitizer and run the regression,
#                isolation and hostile-input suites with it in the server
#                (README, "Hostile input and sanitizers": why not ASan)
#   --valgrind   run the server under valgrind memcheck for the regression and
#                isolation suites (no TAP); a report with a frame in the
#                module fails the run
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ARGS=("$@")
PG=${WP_PGROOT:-15}   # inside the root of test/pgroot.sh: its version
SANITIZE=0
VALGRIND=0
usage() { echo "usage: test/run-all.sh [--pg N] [--sanitize] [--valgrind]${1:+  ($1)}"; echo "0 passed, 1 failed"; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --pg) [ $# -ge 2 ] || usage "--pg needs a major version, e.g. --pg 17"; PG=$2; shift 2 ;;
    --sanitize) SANITIZE=1; shift ;;
    --valgrind) VALGRIND=1; shift ;;
    *) usage "unknown option $1" ;;
  esac
done
case $PG in
  '' | *[!0-9]*) usage "--pg needs a major version, e.g. --pg 17" ;;
esac
# Any version but the host's runs this same script inside its own root.
if [ "$PG" != 15 ] && [ "${WP_PGROOT:-}" != "$PG" ]; then
  exec bash "$ROOT/test/pgroot.sh" "$PG" "${ARGS[@]}"
fi

bash "$ROOT/test/install-prereqs.sh" --pg "$PG" || { echo "prerequisites could not be installed"; echo "0 passed, 1 failed"; exit 1; }

PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/$PG/bin/pg_config}
BINDIR=$("$PG_CONFIG" --bindir)
STRICT_CFLAGS="-Wall -Wextra -Werror -Wno-unused-parameter -Wno-sign-compare"
# --sanitize: extra compile and link flags, and the environment the server
# (and only the server) runs with; TAP then runs the hostile-input suite only
EXTRA_CFLAGS=""
EXTRA_LDFLAGS=""
SERVER_ENV=()
PROVE_TESTS_RUN="test/t/*.pl"
if [ "$SANITIZE" -eq 1 ]; then
  # UndefinedBehaviorSanitizer: its runtime (libubsan) is an ordinary
  # dependency of the module and works in Debian's uninstrumented server.
  # AddressSanitizer does not: its runtime must be LD_PRELOADed into
  # postgres, and every NLS-enabled Debian PostgreSQL program (postgres,
  # initdb, even "postgres -V") then deadlocks in glibc's bindtextdomain()
  # (llvm-project#49223, google/sanitizers#1270) -- README, "Sanitizers".
  EXTRA_CFLAGS="-fsanitize=undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
  EXTRA_LDFLAGS="-fsanitize=undefined"
  SAN_LOG_DIR=$(mktemp -d /tmp/workshoppilot-san.XXXXXX); chmod 777 "$SAN_LOG_DIR"
  SERVER_ENV=(UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$SAN_LOG_DIR/ubsan")
  PROVE_TESTS_RUN="test/t/070_hostile_inputs.pl"
fi
sudo=()
[ "$(id -u)" -ne 0 ] && sudo=(sudo)

passed=0
failed=0
summary() { echo "$passed passed, $failed failed"; }

echo "== build (PostgreSQL $("$PG_CONFIG" --version | awk '{print $2}'))"
make -s -C "$ROOT" PG_CONFIG="$PG_CONFIG" clean >/dev/null
if ! make -s -C "$ROOT" PG_CONFIG="$PG_CONFIG" PG_CFLAGS="$STRICT_CFLAGS $EXTRA_CFLAGS" PG_LDFLAGS="$EXTRA_LDFLAGS" ||
   ! "${sudo[@]}" make -s -C "$ROOT" PG_CONFIG="$PG_CONFIG" install >/dev/null; then
  echo "build or install failed"
  failed=$((failed + 1)); summary; exit 1
fi
passed=$((passed + 1))

if [ "$PG" = 15 ]; then
  echo "== build against PostgreSQL 17 and 18 headers"
  compat_log=$(mktemp)
  PG_CONFIG="$PG_CONFIG" STRICT_CFLAGS="$STRICT_CFLAGS" bash "$ROOT/test/compat-build.sh" 2>&1 | tee "$compat_log"
  read -r n m < <(tail -1 "$compat_log" | awk '/ passed, / { print $1, $3; ok = 1 } END { if (!ok) print 0, 1 }')
  passed=$((passed + n)); failed=$((failed + m))
  rm -f "$compat_log"
fi

# The reference DDL fixture must be the app's current one.
if [ -f "$ROOT/../shared/reference/drizzle-schema.sql" ]; then
  if cmp -s "$ROOT/../shared/reference/drizzle-schema.sql" "$ROOT/test/fixtures/drizzle-schema.sql"; then
    passed=$((passed + 1))
  else
    echo "test/fixtures/drizzle-schema.sql differs from ../shared/reference/drizzle-schema.sql"
    failed=$((failed + 1))
  fi
fi

# The official JSON Schema test suite is vendored; it must be the shared one.
if [ -d "$ROOT/../shared/json-schema-test-suite" ]; then
  if diff -r -q "$ROOT/../shared/json-schema-test-suite" "$ROOT/test/fixtures/json-schema-test-suite" >/dev/null; then
    passed=$((passed + 1))
  else
    echo "test/fixtures/json-schema-test-suite differs from ../shared/json-schema-test-suite"
    failed=$((failed + 1))
  fi
fi

# Released install and upgrade scripts never change: each is listed with its
# sha256 in test/released-scripts.sha256 when its version is released.
if (cd "$ROOT" && sha256sum --quiet -c test/released-scripts.sha256); then
  passed=$((passed + 1))
else
  echo "a released script changed (test/released-scripts.sha256): ship the change in the next update script instead"
  failed=$((failed + 1))
fi

WORK=$(mktemp -d /tmp/workshoppilot-test.XXXXXX)
chmod 755 "$WORK"
runas=()
if [ "$(id -u)" -eq 0 ]; then
  runas=(runuser -u postgres --)
fi
(cd "$ROOT" && tar --exclude=.git --exclude=.pgdata --exclude=.pgchroot -cf - .) | (mkdir -p "$WORK/src" && cd "$WORK/src" && tar -xf -)
mkdir -p "$WORK/data" "$WORK/sock"
[ "$(id -u)" -eq 0 ] && chown -R postgres "$WORK"

as_test_user() { "${runas[@]}" env PATH="$BINDIR:/usr/bin:/bin" PG_CONFIG="$PG_CONFIG" \
  PGHOST="$WORK/sock" PGPORT=54329 PGUSER=postgres PGDATABASE=postgres \
  JSON_SCHEMA_TEST_SUITE="$WORK/src/test/fixtures/json-schema-test-suite" "$@"; }

cleanup() {
  as_test_user pg_ctl -D "$WORK/data" -m immediate stop >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT

# --valgrind: pg_ctl starts the postmaster through a wrapper (pg_ctl -p takes
# a path, not a command); backends are forks, so memcheck follows them
PGCTL_EXTRA=()
if [ "$VALGRIND" -eq 1 ]; then
  mkdir -p "$WORK/valgrind"
  printf '#!/bin/sh\nexec valgrind --quiet --trace-children=yes --leak-check=no --num-callers=40 --error-limit=no --log-file=%s/valgrind/%%p.log %s/postgres "$@"\n' \
    "$WORK" "$BINDIR" > "$WORK/postgres-valgrind"
  chmod 755 "$WORK/postgres-valgrind"
  [ "$(id -u)" -eq 0 ] && chown -R postgres "$WORK/valgrind" "$WORK/postgres-valgrind"
  PGCTL_EXTRA=(-p "$WORK/postgres-valgrind" -t 600)
fi

echo "== throwaway server in $WORK"
if ! as_test_user initdb -D "$WORK/data" -U postgres -A trust --no-sync --encoding=UTF8 --locale=C >"$WORK/initdb.log" 2>&1 ||
   ! as_test_user env "${SERVER_ENV[@]}" pg_ctl "${PGCTL_EXTRA[@]}" -D "$WORK/data" -l "$WORK/server.log" -w \
       -o "-k $WORK/sock -p 54329 -c listen_addresses= -c fsync=off" start >/dev/null; then
  cat "$WORK/initdb.log" "$WORK/server.log" 2>/dev/null | tail -20
  failed=$((failed + 1)); summary; exit 1
fi

# count_pg_regress LOG: adds the counts of a pg_regress / isolation run.
count_pg_regress() {
  local log=$1 n m
  if n=$(grep -oE 'All [0-9]+ tests passed' "$log" | grep -oE '[0-9]+'); then
    passed=$((passed + n))
  elif grep -qE '[0-9]+ of [0-9]+ tests failed' "$log"; then
    m=$(grep -oE '[0-9]+ of [0-9]+ tests failed' "$log" | head -1)
    n=$(echo "$m" | awk '{print $3}'); m=$(echo "$m" | awk '{print $1}')
    passed=$((passed + n - m)); failed=$((failed + m))
  else
    failed=$((failed + 1))
  fi
}

echo "== pg_regress"
as_test_user make -s -C "$WORK/src" installcheck ISOLATION= 2>&1 | tee "$WORK/regress.log" | grep -E '^(test |     |ok |not ok)| tests (passed|failed)'
count_pg_regress "$WORK/regress.log"
[ -f "$WORK/src/regression.diffs" ] && head -c 20000 "$WORK/src/regression.diffs"

echo "== isolation"
as_test_user make -s -C "$WORK/src" installcheck REGRESS= 2>&1 | tee "$WORK/isolation.log" | grep -E '^(test |     |ok |not ok)| tests (passed|failed)'
count_pg_regress "$WORK/isolation.log"
[ -f "$WORK/src/output_iso/regression.diffs" ] && head -c 20000 "$WORK/src/output_iso/regression.diffs"

if [ "$VALGRIND" -eq 0 ]; then   # TAP starts servers of its own
echo "== TAP"
as_test_user env WP_SERVER_ENV="$(printf '%s\n' "${SERVER_ENV[@]}")" make -s -C "$WORK/src" prove_installcheck PROVE_TESTS="$PROVE_TESTS_RUN" PROVE_FLAGS="-I $WORK/src/test" 2>&1 | tee "$WORK/tap.log" | grep -vE '^(echo|\+\+\+|make)'
tests=$(grep -oE 'Tests=[0-9]+' "$WORK/tap.log" | grep -oE '[0-9]+' || echo 0)
tap_failed=$(grep -oE 'Failed [0-9]+/[0-9]+ subtests' "$WORK/tap.log" | awk '{s += $2} END {print s + 0}')
if grep -q 'Result: PASS' "$WORK/tap.log"; then
  passed=$((passed + tests))
else
  [ "$tap_failed" -eq 0 ] && tap_failed=1
  passed=$((passed + tests - tap_failed)); [ $passed -lt 0 ] && passed=0
  failed=$((failed + tap_failed))
  for f in "$WORK"/src/tmp_check/log/regress_log_*; do
    [ -f "$f" ] && { echo "--- $f (tail)"; tail -n 30 "$f"; }
  done
fi
fi

if [ "$SANITIZE" -eq 1 ]; then
  echo "== sanitizer reports"
  if ls "$SAN_LOG_DIR"/* >/dev/null 2>&1 || grep -qE 'runtime error:' "$WORK/server.log"; then
    head -c 20000 "$SAN_LOG_DIR"/* 2>/dev/null; grep -E -A20 'runtime error:' "$WORK/server.log" | head -100
    failed=$((failed + 1))
  else
    echo "none"; passed=$((passed + 1))
  fi
  rm -rf "$SAN_LOG_DIR"
fi

if [ "$VALGRIND" -eq 1 ]; then
  # memcheck reports whose stack names one of the module's source files (or
  # the module); the rest are PostgreSQL's own (uninitialised padding it
  # writes to WAL and files, which its valgrind.supp suppresses)
  echo "== valgrind reports with a frame in the module"
  as_test_user pg_ctl -D "$WORK/data" -m fast -t 600 stop >/dev/null 2>&1
  ours=$(cd "$ROOT/src" && ls *.c | sed 's/\./\\./' | paste -sd'|')
  hits=$(grep -lE "\((${ours}):[0-9]+\)|workshoppilot\.so" "$WORK"/valgrind/*.log 2>/dev/null)
  if [ -n "$hits" ]; then
    head -c 8000 $hits; failed=$((failed + 1))
  else
    echo "none ($(ls "$WORK"/valgrind | wc -l) processes traced)"; passed=$((passed + 1))
  fi
fi

summary
[ "$failed" -eq 0 ]
