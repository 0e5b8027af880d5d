#!/usr/bin/env bash
# Starts a throw-away PostgreSQL cluster for the server tests and prints the variables to export:
#   eval "$(bash .ci/postgres.sh start)"   ...   bash .ci/postgres.sh stop DIR
# The cluster lives in a temp dir owned by the postgres user (initdb refuses to run as root),
# listens on 127.0.0.1 only on a free port, and is deleted by `stop`.
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bin/initdb" ] || { echo "postgres.sh: no PostgreSQL server installed" >&2; exit 1; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "${1:-}" in
  start)
    dir=$(mktemp -d "${TMPDIR:-/tmp}/signet-pg.XXXXXX")
    chmod 0755 "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
    echo "$password" >"$dir/pw" && chmod 0600 "$dir/pw"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir/pw"
    as_pg "$bin/initdb" -D "$dir/data" -A scram-sha-256 -U postgres --pwfile="$dir/pw" >/dev/null
    rm -f "$dir/pw"
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200" start >/dev/null
    PGPASSWORD=$password psql -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
      -c "CREATE ROLE signet LOGIN PASSWORD '$password'" -c "CREATE DATABASE signet OWNER signet" >/dev/null
    echo "export SIGNET_TEST_POSTGRES_URL='jdbc:postgresql://127.0.0.1:$port/signet'"
    echo "export SIGNET_TEST_POSTGRES_USER=signet"
    echo "export SIGNET_TEST_POSTGRES_PASSWORD='$password'"
    echo "export SIGNET_TEST_POSTGRES_DIR='$dir'"
    ;;
  stop)
    dir=${2:?usage: postgres.sh stop DIR}
    as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *) echo "usage: postgres.sh start | stop DIR" >&2; exit 2 ;;
esac
