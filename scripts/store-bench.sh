#!/usr/bin/env bash
# The embedded metrics store's numbers (issue 5; docs/store-benchmark.md): ingest rate with
# batches of 1, 20 and 1000 samples, reading 1,000,000 samples back, bytes per million samples
# raw and after rollup, the projected size of a year of 20 pools at 10 s, and the latency
# sketch's text parse/encode (sections `store,sketch`). scripts/history-bench.sh runs all the
# sections (also the sampler and the hourly-trend query) next to DuckDB.
# Extra arguments go to the benchmark: `--samples N`, `--dir DIR` (default: a temporary
# directory, removed afterwards), `--keep`, `--sections store,sketch,sampler,trend`.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
scratch=${BENCH_SCRATCH:-.build-release}
swift build -c release --scratch-path "$scratch" --product PoolSQLStoreBenchmark >&2
"$(swift build -c release --scratch-path "$scratch" --show-bin-path)/PoolSQLStoreBenchmark" "$@"
