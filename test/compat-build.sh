#!/usr/bin/env bash
# test/compat-build.sh -- builds the module against the other PostgreSQL
# major versions that Debian ships.
#
# Neon runs PostgreSQL 14-18; the test server here is Debian 12's 15.  For
# each other version still in a Debian suite (17 in trixie, 18 in sid) this
# downloads that version's server headers and server binary into a temporary
# folder, with a private apt state: nothing is installed and the system's apt
# configuration is not touched.  Then, per version, two checks:
#   compile  every file of src/ compiles with PostgreSQL's own warning flags
#            and -Werror against that version's headers, and links;
#   symbols  every symbol the linked module needs that libc and libm do not
#            provide is exported by that version's postgres binary.
# 14 and 16 are in no Debian suite any more; what differs for them is in
# src/compat.h.
#
# Usage: test/compat-build.sh        (needs apt-get, dpkg-deb, gcc, nm and
#                                     PostgreSQL 15's pg_config, PG_CONFIG=...)
# Prints one line per check and ends with "N passed, N failed"; exits
# non-zero on any failure, including a download that fails.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# version -> Debian suite that ships it
declare -A SUITE=([17]=trixie [18]=sid)
VERSIONS="17 18"
# the flags PGXS compiles with (from this machine's PostgreSQL 15, same gcc),
# then CI's strict warnings as test/run-all.sh passes them
PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
STRICT_CFLAGS=${STRICT_CFLAGS:-"-Wall -Wextra -Werror -Wno-unused-parameter -Wno-sign-compare"}
CFLAGS="$("$PG_CONFIG" --cflags) $("$PG_CONFIG" --cflags_sl) $STRICT_CFLAGS"

passed=0
failed=0
ok() { echo "ok     $1"; passed=$((passed + 1)); }
fail() { echo "FAILED $1"; failed=$((failed + 1)); }
summary() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; }

WORK=$(mktemp -d /tmp/workshoppilot-compat.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/apt/lists/partial" "$WORK/apt/cache/archives/partial" "$WORK/debs"
for v in $VERSIONS; do echo "deb http://deb.debian.org/debian ${SUITE[$v]} main"; done | sort -u >"$WORK/apt/sources.list"
APT=(-o Dir::Etc::sourcelist="$WORK/apt/sources.list" -o Dir::Etc::sourceparts=/nonexistent
     -o Dir::State::Lists="$WORK/apt/lists" -o Dir::Cache="$WORK/apt/cache"
     -o Debug::NoLocking=1 -o APT::Sandbox::User="$(id -un)" -qq)

if ! apt-get "${APT[@]}" update >"$WORK/apt.log" 2>&1; then
  tail -5 "$WORK/apt.log"
  fail "download package lists of ${SUITE[*]}"
  summary; exit 1
fi

# libc and libm symbols the module may use without the server providing them
nm -D --defined-only /lib/x86_64-linux-gnu/libc.so.6 /lib/x86_64-linux-gnu/libm.so.6 2>/dev/null |
  awk 'NF == 3 { sub(/@.*/, "", $3); print $3 }' | sort -u >"$WORK/libc.syms"

for v in $VERSIONS; do
  dir="$WORK/pg$v"
  mkdir -p "$dir"
  if ! (cd "$WORK/debs" && apt-get "${APT[@]}" download "postgresql-server-dev-$v" "postgresql-$v") >>"$WORK/apt.log" 2>&1; then
    tail -5 "$WORK/apt.log"
    fail "PostgreSQL $v: download postgresql-server-dev-$v and postgresql-$v from ${SUITE[$v]}"
    continue
  fi
  for deb in "$WORK"/debs/postgresql-server-dev-"${v}"_*.deb "$WORK"/debs/postgresql-"${v}"_*.deb; do
    dpkg-deb -x "$deb" "$dir"
  done
  inc="$dir/usr/include/postgresql/$v/server"
  log="$dir/build.log"
  built=1
  for c in "$ROOT"/src/*.c; do
    # shellcheck disable=SC2086
    if ! gcc $CFLAGS -I"$inc" -I"$ROOT/src" -c -o "$dir/$(basename "$c" .c).o" "$c" >>"$log" 2>&1; then
      built=0
    fi
  done
  if [ $built -eq 1 ] && gcc -shared -o "$dir/workshoppilot.so" "$dir"/*.o >>"$log" 2>&1; then
    ok "PostgreSQL $v: compile and link src/*.c with -Werror"
  else
    head -c 4000 "$log"
    fail "PostgreSQL $v: compile and link src/*.c with -Werror"
    continue
  fi
  nm -D --defined-only "$dir/usr/lib/postgresql/$v/bin/postgres" |
    awk 'NF == 3 { print $3 }' | sort -u >"$dir/server.syms"
  nm -D --undefined-only "$dir/workshoppilot.so" | awk '{ sub(/@.*/, "", $2); print $2 }' |
    sort -u | comm -23 - "$WORK/libc.syms" |
    grep -v -E '^(__gmon_start__|_ITM_.*|__cxa_finalize)$' >"$dir/needed.syms"
  comm -23 "$dir/needed.syms" "$dir/server.syms" >"$dir/missing.syms"
  if [ ! -s "$dir/missing.syms" ]; then
    ok "PostgreSQL $v: all $(wc -l <"$dir/needed.syms") server symbols the module uses are exported by postgres $v"
  else
    echo "not exported by postgres $v:"; sed 's/^/  /' "$dir/missing.syms"
    fail "PostgreSQL $v: server symbols the module uses are exported by postgres $v"
  fi
done

summary
