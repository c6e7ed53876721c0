#!/usr/bin/env bash
# test/pgroot.sh N [ARGS...] -- runs test/run-all.sh ARGS inside a Debian root
# that has PostgreSQL N (there, run-all.sh tests N, with or without --pg N).  test/run-all.sh --pg N calls this for every major
# version other than the host's 15; everything that depends on the version
# (which Debian suite ships it, how its root is made and entered) is here.
#
# Debian 12's glibc is older than the one the 17 and 18 packages are built
# against, so they run in a root of their own: a minimal Debian of the suite
# that ships them (mmdebstrap, installed from Debian 12 by
# test/install-prereqs.sh --chroot-tools), into which test/install-prereqs.sh
# --pg N installs exactly the packages it installs on the host, with
# postgresql-N for postgresql-15.  The root is kept in .pgchroot/N of the
# checkout (git-ignored), so a second run downloads nothing unless the
# package list grew; delete the folder to start from scratch.
#
# Each run enters the root in new private mount and PID namespaces
# (unshare): /proc, /dev and fresh tmpfs at /dev/shm and /tmp are mounted
# there only, the checkout (and ../shared when present) is copied into that
# /tmp, and test/run-all.sh runs from the copy as root of the namespace.
# When the run ends or is killed, the namespaces go and with them every
# mount and every process (servers included): nothing is left mounted and
# nothing of the host -- its PostgreSQL 15, its apt configuration -- changes.
# Runs as root, or as a user with sudo.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
V=${1:?usage: test/pgroot.sh MAJOR [run-all.sh options]}
shift

# major version -> the Debian suite that ships it
declare -A SUITE=([17]=trixie [18]=sid)
MIRROR=${WP_DEBIAN_MIRROR:-http://deb.debian.org/debian}

fail() { echo "$1"; echo "0 passed, 1 failed"; exit 1; }
[ -n "${SUITE[$V]:-}" ] || fail "PostgreSQL $V: no Debian suite known for it (test/pgroot.sh knows ${!SUITE[*]})"

sudo=()
[ "$(id -u)" -ne 0 ] && sudo=(sudo)

CACHE="$ROOT/.pgchroot"
R="$CACHE/$V"

if [ ! -f "$R/.wp-root-complete" ]; then
  bash "$ROOT/test/install-prereqs.sh" --chroot-tools || fail "mmdebstrap could not be installed"
  echo "== making the Debian ${SUITE[$V]} root for PostgreSQL $V in $R (downloads once)"
  start=$(date +%s)
  "${sudo[@]}" rm -rf "$R" "$R.partial"
  mkdir -p "$CACHE"                    # the caller's, so that the log is too
  # The customize hook runs install-prereqs.sh inside the new root with
  # mmdebstrap's own mounts; the root is moved into place only when all of it
  # worked, so a failed or killed build is never mistaken for a cached root.
  # Release files are still signature-checked; their Valid-Until is not
  # (sid's lasts a week, and a mirror or clock a little off fails it).  The
  # option stays in the root's apt configuration for install-prereqs.sh.
  if ! "${sudo[@]}" mmdebstrap --quiet --mode=root --variant=minbase --include=ca-certificates \
        --aptopt='Acquire::Check-Valid-Until "false"' \
        --customize-hook="copy-in '$ROOT/test/install-prereqs.sh' /tmp" \
        --customize-hook="chroot \"\$1\" bash /tmp/install-prereqs.sh --pg $V" \
        --customize-hook="rm -f \"\$1/tmp/install-prereqs.sh\"" \
        "${SUITE[$V]}" "$R.partial" "$MIRROR" >"$CACHE/$V.log" 2>&1; then
    tail -20 "$CACHE/$V.log"
    "${sudo[@]}" rm -rf "$R.partial"
    fail "PostgreSQL $V: making the Debian ${SUITE[$V]} root failed (log: $CACHE/$V.log)"
  fi
  "${sudo[@]}" touch "$R.partial/.wp-root-complete"
  "${sudo[@]}" mv "$R.partial" "$R"
  echo "   made in $(($(date +%s) - start)) s ($("${sudo[@]}" du -sh "$R" | cut -f1))"
fi

# The checkout as test/run-all.sh copies it (no git data, no dev server, no roots).
copy_checkout() { tar -C "$1" --exclude=.git --exclude=.pgdata --exclude=.pgchroot --exclude=node_modules -cf - .; }

SHARED=
[ -d "$ROOT/../shared" ] && SHARED=$(cd "$ROOT/../shared" && pwd)

# Inside the new namespaces, as their PID 1: mount, copy, run, report.
# shellcheck disable=SC2016
inner='
set -u
R=$1; shift
mount -t proc proc "$R/proc" || exit 1
mount --rbind /dev "$R/dev" || exit 1
mount -t tmpfs -o mode=1777,size=50% tmpfs "$R/dev/shm" || exit 1
mount -t tmpfs -o mode=1777,size=50% tmpfs "$R/tmp" || exit 1
cp -L /etc/resolv.conf "$R/etc/resolv.conf" 2>/dev/null
mkdir -p "$R/tmp/wp/src"
tar -xf - -C "$R/tmp/wp/src" || exit 1
[ -n "$WP_SHARED" ] && cp -a "$WP_SHARED" "$R/tmp/wp/shared"
# The host'"'"'s CA bundle, which may hold a local CA that HTTPS to the npm
# registry goes through; node inside the root trusts it in addition to its own.
ca=()
cp -L /etc/ssl/certs/ca-certificates.crt "$R/tmp/wp/host-ca.crt" 2>/dev/null &&
  ca=(NODE_EXTRA_CA_CERTS=/tmp/wp/host-ca.crt)
chroot "$R" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
  "${ca[@]}" WP_PGROOT="$WP_V" bash /tmp/wp/src/test/run-all.sh "$@" &
run=$!
# /proc here is still the host'"'"'s: when test/pgroot.sh is gone (stopped or
# killed), this PID 1 exits, and the kernel kills the rest of the namespace.
while kill -0 "$run" 2>/dev/null; do
  [ -d "/proc/$WP_OUTER" ] || { echo "test/pgroot.sh stopped: run killed"; exit 1; }
  sleep 1
done
wait "$run"
'
# In the background, so that a TERM, INT or HUP ends this script at once
# (bash runs traps only between foreground commands); the namespace's PID 1
# sees this script gone and ends the run.
copy_checkout "$ROOT" |
  "${sudo[@]}" env WP_V="$V" WP_SHARED="$SHARED" WP_OUTER=$$ \
    unshare --mount --propagation private --pid --fork --kill-child \
    bash -c "$inner" pgroot "$R" "$@" &
run=$!
trap 'echo "stopped"; exit 130' TERM INT HUP
wait "$run"
