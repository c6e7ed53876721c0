#!/usr/bin/env bash
# test/install-prereqs.sh [--pg N] [--chroot-tools]
#
# Installs, when missing, what building and testing workshoppilot need on
# Debian: the PostgreSQL N server and its headers (PGXS; N is 15 unless
# --pg says otherwise), a C toolchain, Perl's IPC::Run for the TAP tests,
# the tools the build pack test checks its output with (qpdf, poppler-utils,
# cmark-gfm), and Node.js with npm for the tests that compare us with npm
# libraries.  test/run-all.sh --pg N runs this inside the Debian root of
# version N (test/pgroot.sh), so that root gets exactly the packages the
# host gets.  --chroot-tools instead installs what test/pgroot.sh needs on
# the host to build such a root (mmdebstrap).  Uses sudo when not run as root.
set -euo pipefail

PG=15
chroot_tools=0
while [ $# -gt 0 ]; do
  case $1 in
    --pg) PG=${2:?--pg needs a major version}; shift 2 ;;
    --chroot-tools) chroot_tools=1; shift ;;
    *) echo "install-prereqs.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

# one package a line
packages=(
  postgresql-$PG
  postgresql-server-dev-$PG
  libipc-run-perl
  make
  gcc
  qpdf
  poppler-utils
  cmark-gfm
)
[ $chroot_tools -eq 1 ] && packages=(mmdebstrap)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# Node.js runs the tests that check us against real npm libraries; any node
# and npm on PATH will do (Debian's nodejs + npm when there are none).
if [ $chroot_tools -eq 0 ] && { ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; }; then
  missing+=(nodejs npm)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
[ "$(id -u)" -ne 0 ] && sudo=(sudo)
echo "installing: ${missing[*]}"
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
