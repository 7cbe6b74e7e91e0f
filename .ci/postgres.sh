#!/usr/bin/env bash
# Starts a throw-away PostgreSQL cluster for the test suite and prints its URL.
# Runs as the `postgres` user (initdb and pg_ctl refuse root), trusts local connections,
# keeps its data under /tmp and listens on loopback only. A cluster already running in the
# data directory is reused and left running; one started here comes with the command that
# stops it (UNDERSIGNED_TEST_POSTGRES_STOP, which .ci/test runs when it ends).
#   eval "$(bash .ci/postgres.sh)"   # sets UNDERSIGNED_TEST_POSTGRES_URL
set -euo pipefail

PORT="${UNDERSIGNED_TEST_POSTGRES_PORT:-55432}"
DATA="${UNDERSIGNED_TEST_POSTGRES_DATA:-/tmp/undersigned-test-pg}"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
  echo "PostgreSQL server binaries not found; install postgresql" >&2
  exit 1
fi

as_postgres() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

if ! as_postgres "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  rm -rf "$DATA"
  mkdir -p "$DATA"
  [ "$(id -u)" = 0 ] && chown postgres: "$DATA"
  as_postgres "$BIN/initdb" -D "$DATA" -U postgres --auth=trust --no-sync -E UTF8 >/dev/null
  # Tests create a database each; fsync off because this cluster is thrown away.
  as_postgres "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w \
    -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null
  stop="$BIN/pg_ctl -D $DATA -m fast -w stop"
  if [ "$(id -u)" = 0 ]; then
    stop="runuser -u postgres -- $stop"
  fi
  printf 'export UNDERSIGNED_TEST_POSTGRES_STOP=%q\n' "$stop >/dev/null && rm -rf $DATA"
fi
echo "export UNDERSIGNED_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:$PORT/postgres"
