#!/usr/bin/env bash
# test/install-prereqs.sh
#
# Installs, when missing, what building and testing workshoppilot need on
# Debian 12: the PostgreSQL 15 server and its headers (PGXS), a C toolchain,
# Perl's IPC::Run for the TAP tests, and the tools the build pack test
# checks its output with (qpdf, poppler-utils, cmark-gfm).  Uses sudo when
# not run as root.
set -euo pipefail

# one package a line
packages=(
  postgresql-15
  postgresql-server-dev-15
  libipc-run-perl
  make
  gcc
  qpdf
  poppler-utils
  cmark-gfm
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# Node.js runs the tests that check us against real npm libraries; any node
# and npm on PATH will do (Debian's nodejs + npm when there are none).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
[ "$(id -u)" -ne 0 ] && sudo=(sudo)
echo "installing: ${missing[*]}"
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
