#!/usr/bin/env bash
# Benchmarks PoolSQL's MongoDB pool against libmongoc's own pool and the Node.js driver's, side
# by side in one run, and prints a table (see docs/benchmarks.md):
#   - against $MONGODB_URI when it is set,
#   - else against a throw-away SecantusDB (scripts/secantus.sh; stopped when the script exits).
# Extra arguments go to PoolSQLBenchmarks, e.g. `scripts/bench.sh --repetitions 9 --json`.
# The release build uses its own scratch directory (BENCH_SCRATCH, default .build-release) so it
# does not disturb the debug build in .build.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
scratch=${BENCH_SCRATCH:-.build-release}

swift build -c release --scratch-path "$scratch" --product PoolSQLBenchmarks >&2
bin="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/PoolSQLBenchmarks"

if ! node -e "process.env.NODE_PATH='/usr/share/nodejs'; require('module').Module._initPaths(); require('mongodb')" >/dev/null 2>&1; then
    echo "bench: the Node.js reference needs node and the mongodb driver (apt-get install node-mongodb); it will show n/a" >&2
fi

uri=${MONGODB_URI:-}
if [ -z "$uri" ]; then
    server_dir=$(mktemp -d "${TMPDIR:-/tmp}/poolsql-bench.XXXXXX")
    uri=$(bash scripts/secantus.sh start "$server_dir")
    trap 'bash scripts/secantus.sh stop "$server_dir"; rm -rf "$server_dir"' EXIT
    echo "bench: SecantusDB at $uri" >&2
fi

echo "bench: load before the run: $(uptime | sed 's/.*load average/load average/')" >&2
"$bin" --uri "$uri" --node-script "$root/Benchmarks/node/ping_bench.js" "$@"
