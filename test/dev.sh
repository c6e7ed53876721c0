#!/usr/bin/env bash
# test/dev.sh -- command 1: a local server with the extension and a demo.
#
#   test/dev.sh          install prerequisites, build and install the
#                        extension, start (or reuse) a local server whose
#                        data lives in .pgdata/ (git-ignored), create the
#                        database "workshoppilot" with the extension, run a
#                        short demo and print how to connect
#   test/dev.sh stop     stop that server
#
# The server listens on 127.0.0.1 and a unix socket only, port $WP_PORT
# (default 54320), and trusts local connections: it is for development.
# Run as root, the server runs as user postgres (initdb refuses root).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PORT=${WP_PORT:-54320}
DATA="$ROOT/.pgdata/data"
SOCK="$ROOT/.pgdata/run"
LOG="$ROOT/.pgdata/server.log"
PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}

runas=()
sudo=()
if [ "$(id -u)" -eq 0 ]; then
  runas=(runuser -u postgres --)
else
  sudo=(sudo)
fi

pg() { "${runas[@]}" env PATH="$("$PG_CONFIG" --bindir):$PATH" "$@"; }

if [ "${1:-}" = stop ]; then
  pg pg_ctl -D "$DATA" -m fast stop
  exit 0
fi

bash "$ROOT/test/install-prereqs.sh"
make -s -C "$ROOT" PG_CONFIG="$PG_CONFIG"
"${sudo[@]}" make -s -C "$ROOT" PG_CONFIG="$PG_CONFIG" install >/dev/null

mkdir -p "$DATA" "$SOCK"
if [ "$(id -u)" -eq 0 ]; then
  chown -R postgres "$ROOT/.pgdata"
  if ! runuser -u postgres -- test -x "$ROOT/.pgdata"; then
    echo "user postgres cannot reach $ROOT/.pgdata; clone the repository somewhere it can (e.g. under /srv or /tmp), or run as a normal user" >&2
    exit 1
  fi
fi
if [ ! -f "$DATA/PG_VERSION" ]; then
  pg initdb -D "$DATA" -U postgres -A trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
fi
if ! pg pg_ctl -D "$DATA" status >/dev/null 2>&1; then
  pg pg_ctl -D "$DATA" -l "$LOG" -w \
    -o "-p $PORT -k $SOCK -c listen_addresses=127.0.0.1" start >/dev/null
  echo "server started (port $PORT, data in .pgdata/)"
else
  echo "server already running (port $PORT, data in .pgdata/)"
fi

psql_db() { pg psql -X -q -v ON_ERROR_STOP=1 -h "$SOCK" -p "$PORT" -U postgres "$@"; }

if [ "$(psql_db -d postgres -tAc "SELECT count(*) FROM pg_database WHERE datname = 'workshoppilot'")" = 0 ]; then
  psql_db -d postgres -c "CREATE DATABASE workshoppilot"
fi
psql_db -d workshoppilot -c "CREATE EXTENSION IF NOT EXISTS workshoppilot"
psql_db -d workshoppilot -c "ALTER EXTENSION workshoppilot UPDATE" 2>/dev/null || true

echo
echo "== demo: a workshop taken through its first two steps"
psql_db -d workshoppilot <<'SQL'
\pset footer off
\set QUIET on
SELECT id AS workshop_id FROM workshoppilot.create_workshop('user_demo', 'Dog-walking marketplace', 'An app that matches busy dog owners with trusted local walkers') \gset
\echo workshop :workshop_id created
SELECT step_id, status FROM workshoppilot.start_step(:'workshop_id', 'empathize');
SELECT step_id, status, completed_at IS NOT NULL AS completed
  FROM workshoppilot.complete_step(:'workshop_id', 'empathize', '{
    "personas": [
      {"name": "Busy Beth", "age": 34, "role": "Product manager, works long hours",
       "goals": ["Her dog gets a proper walk every day"],
       "pains": ["Walkers cancel at short notice", "No way to check a walker is trustworthy"]}
    ],
    "insights": ["Trust matters more than price", "Reliability beats flexibility"],
    "summary": "Owners with long workdays need walkers they can trust to show up."
  }');
SELECT step_id, status FROM workshoppilot.start_step(:'workshop_id', 'define');
SELECT * FROM workshoppilot.workshop_progress(:'workshop_id');
SELECT w.id, w.title, w.status, workshoppilot.current_step(w.id) AS current_step
  FROM workshoppilot.workshops w WHERE w.id = :'workshop_id';
SQL

cat <<INFO

Connect with:
  psql "postgresql://postgres@127.0.0.1:$PORT/workshoppilot"
  DATABASE_URL=postgresql://postgres@127.0.0.1:$PORT/workshoppilot
Stop the server with: test/dev.sh stop
INFO
