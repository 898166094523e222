#!/usr/bin/env bash
# Starts or stops a throw-away PostgreSQL 15 server for the differential SQL tests.
#   scripts/postgres.sh start DIR   → initdb under DIR, starts the server on a free loopback port
#                                     (socket in DIR too), prints a libpq connection string
#   scripts/postgres.sh stop DIR    → stops the server started with DIR (idempotent)
# PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user.
# The cluster uses the C locale and UTF-8, as the reference answers in Tests/…/slt assume.
set -euo pipefail
cmd=${1:?usage: postgres.sh start|stop DIR}
dir=${2:?usage: postgres.sh start|stop DIR}
bin=${POOLSQL_POSTGRES_BIN:-/usr/lib/postgresql/15/bin}

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

case "$cmd" in
start)
    # The server outlives this script: close every inherited descriptor beyond stdio so it keeps
    # none of its caller's pipes open (a caller waiting for end-of-file, or Foundation's Process
    # watching for its child's exit, would wait forever).
    for fd in /proc/$$/fd/*; do
        fd=${fd##*/}
        if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    if [ ! -x "$bin/initdb" ]; then
        echo "postgres.sh: no PostgreSQL 15 at $bin (Debian package postgresql-15; scripts/setup.sh installs it)" >&2
        exit 1
    fi
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    user=$(id -un)
    if [ "$(id -u)" -eq 0 ]; then
        user=postgres
        chown postgres "$dir"
        chmod 0755 "$dir"
        if ! runuser -u postgres -- test -w "$dir"; then
            echo "postgres.sh: the postgres user cannot write $dir (is a parent directory private?)" >&2
            exit 1
        fi
    fi
    data="$dir/pgdata"
    if [ ! -f "$data/PG_VERSION" ]; then
        as_owner "$bin/initdb" -D "$data" -U "$user" -E UTF8 --locale=C --auth=trust >"$dir/initdb.log" 2>&1 || {
            echo "postgres.sh: initdb failed; log follows" >&2; cat "$dir/initdb.log" >&2; exit 1; }
    fi
    if [ -f "$dir/server.port" ] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        echo "host=$dir port=$(cat "$dir/server.port") user=$user dbname=postgres"
        exit 0
    fi
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    as_owner "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null || { echo "postgres.sh: server did not start; log follows" >&2; cat "$dir/server.log" >&2; exit 1; }
    echo "$port" >"$dir/server.port"
    echo "host=$dir port=$port user=$user dbname=postgres"
    ;;
stop)
    data="$dir/pgdata"
    if [ -f "$data/postmaster.pid" ]; then
        as_owner "$bin/pg_ctl" -D "$data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    fi
    ;;
*)
    echo "usage: postgres.sh start|stop DIR" >&2
    exit 2
    ;;
esac
