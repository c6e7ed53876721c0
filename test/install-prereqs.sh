#!/usr/bin/env bash
# test/install-prereqs.sh
#
# Installs, when missing, what building and testing workshoppilot need on
# Debian 12: the PostgreSQL 15 server and its headers (PGXS), a C toolchain,
# and Perl's IPC::Run for the TAP tests.  Uses sudo when not run as root.
set -euo pipefail

# one package a line
packages=(
  postgresql-15
  postgresql-server-dev-15
  libipc-run-perl
  make
  gcc
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
[ "$(id -u)" -ne 0 ] && sudo=(sudo)
echo "installing: ${missing[*]}"
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
