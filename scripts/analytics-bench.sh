#!/usr/bin/env bash
# The hourly-trend analytics query of issue 4 on PoolSQL, DuckDB (one thread) and PostgreSQL 15,
# side by side on the same generated 1,000,000-row metrics history; prints median times, the
# ratios PoolSQL/DuckDB and PostgreSQL/PoolSQL, and whether the three results agree
# (see docs/analytics-benchmark.md). Loading is not timed.
#   - DuckDB comes from PyPI into a venv (ANALYTICS_VENV, default .venv; created if missing).
#   - PostgreSQL: ANALYTICS_PG_HOST/ANALYTICS_PG_PORT when set, else a throw-away server from
#     /usr/lib/postgresql/15/bin (run as the postgres user when we are root; stopped on exit).
#   - The data is generated once and cached (ANALYTICS_CACHE, default ~/.cache/poolsql-analytics-bench).
# Extra arguments go to Benchmarks/analytics/analytics_bench.py, e.g. `--runs 9`, `--rows 100000`,
# `--json report.json`.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
scratch=${BENCH_SCRATCH:-.build-release}
venv=${ANALYTICS_VENV:-$root/.venv}
pg_bin=${ANALYTICS_PG_BIN:-/usr/lib/postgresql/15/bin}
cache=${ANALYTICS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/poolsql-analytics-bench}

if ! "$venv/bin/python" -c 'import duckdb' >/dev/null 2>&1; then
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    echo "analytics-bench: installing duckdb into $venv" >&2
    "$venv/bin/pip" install --quiet duckdb >&2
fi

swift build -c release --scratch-path "$scratch" --product PoolSQLAnalyticsBenchmark >&2
bin="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/PoolSQLAnalyticsBenchmark"

pg_args=()
if [ -n "${ANALYTICS_PG_HOST:-}" ]; then
    pg_args=(--pg-host "$ANALYTICS_PG_HOST" --pg-port "${ANALYTICS_PG_PORT:-5432}")
elif [ -x "$pg_bin/initdb" ]; then
    # PostgreSQL refuses to run as root: the server runs as postgres, in a directory it owns.
    as_pg=()
    if [ "$(id -u)" = 0 ]; then as_pg=(runuser -u postgres --); fi
    pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/poolsql-analytics-pg.XXXXXX")
    if [ "$(id -u)" = 0 ]; then chown postgres: "$pg_dir"; fi
    pg_port=$("$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "${as_pg[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 --locale=C --no-sync >/dev/null
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
        -o "-k $pg_dir -p $pg_port -c listen_addresses=''" start >/dev/null
    trap '"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null || true; rm -rf "$pg_dir"' EXIT
    echo "analytics-bench: PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on $pg_dir:$pg_port (throw-away)" >&2
    pg_args=(--pg-host "$pg_dir" --pg-port "$pg_port")
else
    echo "analytics-bench: no PostgreSQL at $pg_bin (apt-get install postgresql) and no ANALYTICS_PG_HOST; it will show n/a" >&2
fi

psql_bin="$pg_bin/psql"
[ -x "$psql_bin" ] || psql_bin=psql
echo "analytics-bench: load before the run: $(uptime | sed 's/.*load average/load average/')" >&2
"$venv/bin/python" Benchmarks/analytics/analytics_bench.py --poolsql-bin "$bin" --psql "$psql_bin" \
    --cache-dir "$cache" ${pg_args[@]+"${pg_args[@]}"} "$@"
