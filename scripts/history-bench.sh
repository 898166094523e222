#!/usr/bin/env bash
# Issue 5's metrics-history benchmarks side by side in one run, ratios printed
# (docs/history-benchmark.md):
#   (a) ingest samples/s into the embedded SQLite store (batches of 1, 20, 1000) and the sampler's
#       work per pool per tick (Engine.sampleMetricsNow over SecantusDB pools with traffic);
#   (b) the hourly-trend query (Benchmarks/analytics/queries/hourly_trend.sql, its table renamed
#       to connection_pool_metrics; the same text on both engines) over the analytics benchmark's
#       1,000,000 generated rows stored as samples in the SQLite store and read through the engine,
#       cold and warm, against DuckDB (one thread) on the same rows;
#   (c) store size per million samples, after rollup, and a year of 20 pools at 10 s;
#   plus the LatencySketch text parser/encoder against the split-based ones it replaced.
# Environment: ANALYTICS_VENV (venv with PyPI duckdb; default .venv, created when missing),
# ANALYTICS_CACHE (generated CSV and the stored copy, default ~/.cache/poolsql-analytics-bench),
# HISTORY_BENCH_SECTIONS (default store,sketch,sampler,trend), HISTORY_BENCH_RUNS (warm runs, 5),
# POOLSQL_SECANTUSD (SecantusDB for the sampler section; without it the pools stay idle).
# Extra arguments go to PoolSQLStoreBenchmark (e.g. `--samples 200000`, `--sampler-ticks 5`).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
scratch=${BENCH_SCRATCH:-.build-release}
venv=${ANALYTICS_VENV:-$root/.venv}
cache=${ANALYTICS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/poolsql-analytics-bench}
sections=${HISTORY_BENCH_SECTIONS:-store,sketch,sampler,trend}
runs=${HISTORY_BENCH_RUNS:-5}

if ! "$venv/bin/python" -c 'import duckdb' >/dev/null 2>&1; then
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    echo "history-bench: installing duckdb into $venv" >&2
    "$venv/bin/pip" install --quiet duckdb >&2
fi

swift build -c release --scratch-path "$scratch" --product PoolSQLStoreBenchmark >&2
bin="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/PoolSQLStoreBenchmark"

work=$(mktemp -d "${TMPDIR:-/tmp}/poolsql-history-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The analytics benchmark's data (same generator, same cache file) and its query on the history table.
csv=$("$venv/bin/python" - "$cache" <<'PY'
import argparse, sys
sys.path.insert(0, "Benchmarks/analytics")
import analytics_bench
args = argparse.Namespace(cache_dir=sys.argv[1], rows=1_000_000, pools=20, interval=15, seed=42)
print(analytics_bench.dataset(args))
PY
)
sed 's/\bmetrics_history\b/connection_pool_metrics/g' Benchmarks/analytics/queries/hourly_trend.sql > "$work/hourly_trend.sql"

echo "history-bench: load before the run: $(uptime | sed 's/.*load average/load average/')" >&2
"$bin" --sections "$sections" --json "$work/report.json" --trend-csv "$csv" --trend-query "$work/hourly_trend.sql" \
    --trend-store "$cache/history-store" --trend-runs "$runs" --trend-result "$work/poolsql.tsv" "$@"

# DuckDB on the same rows and the same SQL text, then everything side by side.
"$venv/bin/python" - "$work/report.json" "$csv" "$work/hourly_trend.sql" "$work/poolsql.tsv" "$runs" <<'PY'
import datetime, json, os, statistics, sys, time
sys.path.insert(0, "Benchmarks/analytics")
import analytics_bench as ab

report_path, csv, query_path, poolsql_tsv, runs = sys.argv[1:6]
runs = int(runs)
report = json.load(open(report_path))
print()
print(f"=== metrics history (issue 5), {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC, SQLite {report['sqliteVersion']}, "
      f"load average at start {report['loadAverageAtStart']} (2 shared cores: CPU times are the repeatable numbers)")

store = report.get("store")
if store:
    print("(a) ingest into the embedded store")
    for i in store["ingest"]:
        t = i["timing"]
        print(f"    batches of {i['batchSize']:>4}: {i['samples'] / t['cpu']:>9,.0f} samples per CPU second "
              f"({i['samples'] / t['wall']:,.0f}/s wall, {i['samples']:,} samples)")
for s in report.get("sampler", []):
    print(f"    sampler, per pool per tick, into the {s['store']}: {s['microsecondsPerPoolPerTick']:.1f} µs "
          f"(cpu {s['cpuMicrosecondsPerPoolPerTick']:.1f} µs; {s['pools']} pools, {s['operationsPerPoolPerTick']} pings "
          f"per pool per tick; server: {s['server']})")

trend = report.get("trend")
if trend:
    import duckdb
    sql = open(query_path).read()
    connection = duckdb.connect()
    connection.execute("SET threads = 1")
    types = ", ".join(f"'{name}': '{duck}'" for name, _, duck in ab.COLUMNS)
    connection.execute(f"CREATE TABLE connection_pool_metrics AS SELECT * FROM read_csv('{csv}', header = true, "
                       f"columns = {{{types}}})")
    connection.execute(ab.DUCKDB_TO_CHAR)
    timings = []
    rows = None
    for _ in range(1 + runs):
        wall, cpu = time.perf_counter(), time.process_time()
        rows = connection.execute(sql).fetchall()
        timings.append(((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000))
    connection.close()
    duck_rows = [[ab.duckdb_text(v) for v in row] for row in rows]
    duck_cold_wall, duck_cold_cpu = timings[0]
    duck_wall = statistics.median(t[0] for t in timings[1:])
    duck_cpu = statistics.median(t[1] for t in timings[1:])
    poolsql_rows = ab.read_tsv(poolsql_tsv)
    found = ab.differences(duck_rows, poolsql_rows)
    cold, warm_wall, warm_cpu = trend["cold"], trend["warmMedianWallMS"], trend["warmMedianCPUMS"]
    print(f"(b) hourly-trend query over {trend['rows']:,} samples in the SQLite store ({trend['storeBytes'] / 1048576:.0f} MiB), "
          f"read through the engine; {trend['resultRows']} result rows")
    print(f"    {'':34}{'wall ms':>10}{'cpu ms':>10}")
    print(f"    {'PoolSQL cold (new engine)':34}{cold['wall'] * 1000:>10.1f}{cold['cpu'] * 1000:>10.1f}   page cache: {trend['pageCache']}")
    warm_runs = " ".join("%.0f" % (r["wall"] * 1000) for r in trend["warmRuns"])
    print(f"    {'PoolSQL warm (median of %d)' % len(trend['warmRuns']):34}{warm_wall:>10.1f}{warm_cpu:>10.1f}   runs: {warm_runs}")
    print(f"    {'  of which store read as columns':34}{trend['storeReadAsColumns']['wall'] * 1000:>10.1f}"
          f"{trend['storeReadAsColumns']['cpu'] * 1000:>10.1f}   (as rows: {trend['storeReadWithoutSketch']['wall'] * 1000:.0f} ms "
          f"without sketches, {trend['storeReadWithSketch']['wall'] * 1000:.0f} ms with them)")
    ww_runs = " ".join("%.0f" % (r["wall"] * 1000) for r in trend["warmWhileWriting"])
    print(f"    {'PoolSQL warm, history changing':34}{trend['warmWhileWritingMedianWallMS']:>10.1f}{trend['warmWhileWritingMedianCPUMS']:>10.1f}"
          f"   runs: {ww_runs} (each after one sampler tick appended and 1000 old samples deleted by another connection)")
    print(f"    {'DuckDB %s first run' % duckdb.__version__:34}{duck_cold_wall:>10.1f}{duck_cold_cpu:>10.1f}   (table in memory, loaded from the CSV)")
    print(f"    {'DuckDB warm (median of %d)' % runs:34}{duck_wall:>10.1f}{duck_cpu:>10.1f}   threads = 1")
    print(f"    PoolSQL / DuckDB, cold = {cold['wall'] * 1000 / duck_cold_wall:.1f}× wall ({cold['cpu'] * 1000 / duck_cold_cpu:.1f}× cpu); "
          f"warm = {warm_wall / duck_wall:.2f}× wall ({warm_cpu / duck_cpu:.2f}× cpu)   (goal: warm <= 1.0); "
          f"warm while the history changes = {trend['warmWhileWritingMedianWallMS'] / duck_wall:.2f}× wall")
    print(f"    results agree: {'yes' if not found else 'NO: ' + '; '.join(found)} "
          f"({len(poolsql_rows)} rows vs {len(duck_rows)}; every value, relative 1e-9)")
    sp = trend.get("sketchPercentile")
    if sp:
        print(f"    sketch_percentile(latency_sketch, 0.95) per pool over {sp['rollupRows']:,} hourly rollups "
              f"({sp['averageBuckets']:.0f} buckets each): {sp['warmMedianWallMS']:.1f} ms (cpu {sp['warmMedianCPUMS']:.1f} ms), "
              f"{sp['microsecondsPerRow']:.1f} µs of CPU per rollup row")

    fr = trend.get("fromRollups")
    if fr:
        print(f"    the same trend from connection_pool_metrics_hourly ({fr['rows']} rows; p95 of the operations from the merged "
              f"sketches, so not the same numbers and not compared): {fr['warmMedianWallMS']:.1f} ms (cpu {fr['warmMedianCPUMS']:.1f} ms), "
              f"{fr['warmMedianWallMS'] / duck_wall:.2f}× DuckDB's raw-row time")

if store and store.get("bytesPerSampleRaw"):
    print("(c) size")
    print(f"    raw: {store['bytesPerSampleRaw']:.0f} B per sample = {store['bytesPerMillionRaw'] / 1048576:.1f} MiB per million samples; "
          f"after rollup: {store['bytesPerRollupRow']:.0f} B per rollup row, {100 * store['rollupShareOfRaw']:.1f} % of the raw size")
    year = store["projectedYearBytes"]
    print(f"    a year of 20 pools at 10 s, default retention: {year / 1048576:.0f} MiB ({'under' if year < 1 << 30 else 'OVER'} 1 GiB)")
    print(f"    reading 1,000,000 samples back: {store['readWithSketch']['cpu']:.2f} s cpu with sketches, "
          f"{store['readWithoutSketch']['cpu']:.2f} s without ({store['readWithSketch']['cpu'] / store['readWithoutSketch']['cpu']:.1f}×)")
for s in report.get("sketch", []):
    print(f"    sketch text, {s['buckets']} buckets: parse {s['parseMicroseconds']:.2f} µs (before {s['referenceParseMicroseconds']:.2f} µs, "
          f"{s['referenceParseMicroseconds'] / s['parseMicroseconds']:.1f}×), encode {s['encodeMicroseconds']:.2f} µs "
          f"(before {s['referenceEncodeMicroseconds']:.2f} µs, {s['referenceEncodeMicroseconds'] / s['encodeMicroseconds']:.1f}×)")
PY
