#!/usr/bin/env python3
"""The hourly-trend analytics query of issue 4 on PoolSQL, DuckDB and PostgreSQL, side by side.

Generates (once, cached) a deterministic metrics-history CSV, runs the query on the three engines
over the same data, checks that they return the same rows, and prints the median times and the
ratios PoolSQL/DuckDB (goal <= 1.0) and PostgreSQL/PoolSQL (goal >= 10). Loading is not timed.

PoolSQL runs in PoolSQLAnalyticsBenchmark (a release build); DuckDB in this process (PyPI
`duckdb`, one thread); PostgreSQL through psql against a server scripts/analytics-bench.sh starts.
The candidate queries are tried on PoolSQL in order; the first one it runs is the one timed on all
three engines, with identical SQL text (DuckDB, which has no TO_CHAR, gets a macro for it).
"""
import argparse
import datetime
import hashlib
import json
import math
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
QUERIES = os.path.join(HERE, "queries")
# In order of preference: the issue's query first, then the closest queries PoolSQL might run.
CANDIDATES = [
    ("issue-query", os.path.join(QUERIES, "hourly_trend.sql")),
    ("without-to_char", os.path.join(QUERIES, "hourly_trend_without_to_char.sql")),
]
GENERATOR_VERSION = 1
COLUMNS = [
    ("pool_name", "text", "VARCHAR"),
    ("metric_timestamp", "timestamp", "TIMESTAMP"),
    ("active_connections", "integer", "INTEGER"),
    ("connection_utilization", "double precision", "DOUBLE"),
    ("avg_operation_time", "double precision", "DOUBLE"),
    ("error_rate", "double precision", "DOUBLE"),
    ("checkout_failures", "integer", "INTEGER"),
    ("connections_created", "integer", "INTEGER"),
    ("connections_destroyed", "integer", "INTEGER"),
]
# DuckDB has no TO_CHAR; this macro covers the pattern letters the query uses, so the SQL text is
# the same on all three engines.
DUCKDB_TO_CHAR = (
    "CREATE MACRO to_char(t, f) AS strftime(t, replace(replace(replace(replace(replace("
    "f, 'YYYY', '%Y'), 'MM', '%m'), 'DD', '%d'), 'HH24', '%H'), 'MI', '%M'))"
)


def log(message):
    print(f"analytics-bench: {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Data


def generate(path, rows, pools, interval, seed):
    """Writes `rows` samples: every `interval` seconds one row per pool, from 2026-01-05 00:00.

    Each pool has its own size, load level, daily cycle and latency; about 5% of its hours are
    incidents (higher load, 3x latency, more errors) so the CASE ladder sees every class.
    """
    rng = random.Random(seed)
    names = [f"pool-{p:02d}" for p in range(pools)]
    samples = -(-rows // pools)
    hours = samples * interval // 3600 + 1
    profiles = []
    for p in range(pools):
        profiles.append({
            "max_size": rng.choice([50, 100, 200]),
            "base": 0.30 + 0.45 * rng.random(),
            "amplitude": 0.10 + 0.15 * rng.random(),
            "latency": 2.0 + 18.0 * rng.random(),
            "incidents": {h for h in range(hours) if rng.random() < 0.05},
        })
    start = datetime.datetime(2026, 1, 5)
    tmp = path + ".tmp"
    written = 0
    with open(tmp, "w") as out:
        out.write(",".join(name for name, _, _ in COLUMNS) + "\n")
        for i in range(samples):
            seconds = i * interval
            stamp = (start + datetime.timedelta(seconds=seconds)).strftime("%Y-%m-%d %H:%M:%S")
            hour = seconds // 3600
            phase = 2 * math.pi * (seconds % 86400) / 86400
            lines = []
            for p in range(pools):
                if written == rows:
                    break
                profile = profiles[p]
                incident = hour in profile["incidents"]
                util = profile["base"] + profile["amplitude"] * math.sin(phase + p) + rng.gauss(0, 0.05)
                if incident:
                    util += 0.2
                util = min(1.0, max(0.0, util))
                active = round(util * profile["max_size"])
                latency = profile["latency"] * (1 + 3 * util ** 4) * rng.lognormvariate(0, 0.35)
                if incident:
                    latency *= 3
                errors = max(0.0, rng.gauss(0.002, 0.002)) + (0.02 if incident else 0.0)
                failures = rng.randint(0, 3) if util > 0.95 else 0
                created = rng.randint(0, 2)
                destroyed = rng.randint(0, 2)
                lines.append(f"{names[p]},{stamp},{active},{util:.4f},{latency:.3f},{errors:.5f},"
                             f"{failures},{created},{destroyed}\n")
                written += 1
            out.write("".join(lines))
    os.replace(tmp, path)


def dataset(args):
    os.makedirs(args.cache_dir, exist_ok=True)
    name = f"metrics-history-r{args.rows}-p{args.pools}-i{args.interval}-s{args.seed}-v{GENERATOR_VERSION}.csv"
    path = os.path.join(args.cache_dir, name)
    if os.path.exists(path):
        log(f"data: {path} (cached)")
    else:
        log(f"data: generating {args.rows} rows into {path}")
        began = time.perf_counter()
        generate(path, args.rows, args.pools, args.interval, args.seed)
        log(f"data: generated in {time.perf_counter() - began:.1f} s")
    return path


# ---------------------------------------------------------------------------------------------
# Engines


def run_poolsql(args, csv, work):
    result = os.path.join(work, "poolsql.tsv")
    command = [args.poolsql_bin, "--csv", csv, "--runs", str(args.runs), "--warmups", str(args.warmups),
               "--result", result]
    for name, path in CANDIDATES:
        command += ["--query", f"{name}={path}"]
    log("poolsql: " + " ".join(command))
    completed = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True)
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    rows = read_tsv(result) if report.get("chosen") else None
    return report, rows


def run_duckdb(args, csv, sql):
    import duckdb

    connection = duckdb.connect()
    connection.execute("SET threads = 1")
    types = ", ".join(f"'{name}': '{duck}'" for name, _, duck in COLUMNS)
    connection.execute(f"CREATE TABLE metrics_history AS SELECT * FROM read_csv('{csv}', header = true, "
                       f"columns = {{{types}}})")
    connection.execute(DUCKDB_TO_CHAR)
    times = []
    rows = None
    for run in range(args.warmups + args.runs):
        began = time.perf_counter()
        rows = connection.execute(sql).fetchall()
        elapsed = (time.perf_counter() - began) * 1000
        if run >= args.warmups:
            times.append(elapsed)
    connection.close()
    return {"version": duckdb.__version__, "runs_ms": times, "median_ms": statistics.median(times)}, \
        [[duckdb_text(v) for v in row] for row in rows]


def duckdb_text(value):
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def psql(args, *extra, script=None):
    command = [args.psql, "-X", "-q", "-h", args.pg_host, "-p", str(args.pg_port), "-U", args.pg_user,
               "-d", "postgres", "-v", "ON_ERROR_STOP=1", *extra]
    return subprocess.run(command, input=script, stdout=subprocess.PIPE, text=True, check=True).stdout


def load_postgres(args, csv):
    columns = ", ".join(f"{name} {pg}" for name, pg, _ in COLUMNS)
    psql(args, script="SET client_min_messages = warning;\n"
                      f"DROP TABLE IF EXISTS metrics_history;\nCREATE TABLE metrics_history ({columns});\n"
                      f"\\copy metrics_history FROM '{csv}' WITH (FORMAT csv, HEADER)\n"
                      "VACUUM ANALYZE metrics_history;\n")


def run_postgres(args, sql, work, name):
    result = os.path.join(work, f"postgres-{name}.tsv")
    statement = sql.strip().rstrip(";") + ";\n"
    script = (f"SET max_parallel_workers_per_gather = {args.pg_parallel_workers};\n"
              "\\pset format unaligned\n\\pset tuples_only on\n\\pset fieldsep '\\t'\n\\pset null ''\n"
              "\\o /dev/null\n\\timing on\n" + statement * (args.warmups + args.runs) +
              f"\\timing off\n\\o {result}\n" + statement + "\\o\n")
    output = psql(args, script=script)
    times = [float(t) for t in re.findall(r"^Time: ([0-9.]+) ms", output, re.MULTILINE)][args.warmups:]
    version = psql(args, "-A", "-t", "-c", "SHOW server_version").split()[0]
    return {"version": version, "runs_ms": times, "median_ms": statistics.median(times),
            "max_parallel_workers_per_gather": args.pg_parallel_workers}, read_tsv(result)


def read_tsv(path):
    with open(path) as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip("\n")]


# ---------------------------------------------------------------------------------------------
# Agreement


def number(cell):
    try:
        return float(cell)
    except ValueError:
        return None


def checksum(rows):
    """A digest of the rows with every number rounded to 9 decimal places, and the sum of every
    number. Engines sum in different orders, so averages differ in the last bits
    (0.18091149999999992 against 0.18091150000000003); the generated data has at most 5 decimals
    and groups of 240 samples, so no exact answer lies on a rounding boundary at the 10th decimal
    and the rounded digests match whenever the answers do."""
    digest = hashlib.sha256()
    total = 0.0
    for row in rows:
        cells = []
        for cell in row:
            value = number(cell)
            if value is None:
                cells.append(cell)
            else:
                cells.append(f"{value:.9f}")
                total += value
        digest.update(("\t".join(cells) + "\n").encode())
    return {"rows": len(rows), "digest": digest.hexdigest()[:16], "sum": float(f"{total:.12g}")}


def differences(reference, rows, limit=5):
    """Cells that differ beyond a relative 1e-9 (numbers) or at all (text), as messages."""
    found = []
    if len(reference) != len(rows):
        found.append(f"{len(rows)} rows instead of {len(reference)}")
    for r, (a, b) in enumerate(zip(reference, rows)):
        if len(a) != len(b):
            found.append(f"row {r + 1}: {len(b)} columns instead of {len(a)}")
            continue
        for c, (x, y) in enumerate(zip(a, b)):
            nx, ny = number(x), number(y)
            same = (math.isclose(nx, ny, rel_tol=1e-9, abs_tol=1e-9) if nx is not None and ny is not None
                    else x == y)
            if not same:
                found.append(f"row {r + 1} column {c + 1}: {y!r} instead of {x!r}")
        if len(found) >= limit:
            break
    return found[:limit]


# ---------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--pools", type=int, default=20)
    parser.add_argument("--interval", type=int, default=15, help="seconds between samples of one pool")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmups", type=int, default=1)
    parser.add_argument("--cache-dir", default=os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")),
                                                            "poolsql-analytics-bench"))
    parser.add_argument("--poolsql-bin", required=True)
    parser.add_argument("--psql", default="psql")
    parser.add_argument("--pg-host", help="PostgreSQL socket directory or host; without it PostgreSQL is skipped")
    parser.add_argument("--pg-port", type=int, default=5432)
    parser.add_argument("--pg-user", default="postgres")
    parser.add_argument("--pg-parallel-workers", type=int, default=0,
                        help="max_parallel_workers_per_gather (0: one process, like DuckDB's one thread)")
    parser.add_argument("--json", help="also write the whole report to this file")
    parser.add_argument("--keep-results", action="store_true", help="keep each engine's result rows (the path is logged)")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="poolsql-analytics-")
    try:
        run(args, work)
    finally:
        if args.keep_results:
            log(f"result rows kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def run(args, work):

    csv = dataset(args)
    report = {"date_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"),
              "rows": args.rows, "pools": args.pools, "interval_seconds": args.interval, "seed": args.seed,
              "runs": args.runs, "warmups": args.warmups, "csv": csv, "load_average": os.getloadavg()}

    poolsql, poolsql_rows = run_poolsql(args, csv, work)
    report["poolsql"] = poolsql
    chosen = poolsql.get("chosen")
    for attempt in poolsql["attempts"]:
        if not attempt["ok"]:
            log(f"poolsql cannot run {attempt['name']}: {attempt['error']}")
    if chosen is None:
        log("poolsql ran none of the candidate queries; timing DuckDB and PostgreSQL on the issue's query only")
    chosen_name = chosen or CANDIDATES[0][0]
    sql = open(dict(CANDIDATES)[chosen_name]).read()
    report["query"] = chosen_name

    log(f"duckdb: {chosen_name}")
    duck, duck_rows = run_duckdb(args, csv, sql)
    report["duckdb"] = duck
    pg = pg_rows = None
    if args.pg_host:
        log("postgres: loading")
        load_postgres(args, csv)
        log(f"postgres: {chosen_name}")
        pg, pg_rows = run_postgres(args, sql, work, chosen_name)
        report["postgres"] = pg
    # The issue quotes DuckDB and PostgreSQL times for its own query: time it too when PoolSQL ran
    # a fallback, for reference (not in the ratios).
    if chosen_name != CANDIDATES[0][0]:
        issue_sql = open(CANDIDATES[0][1]).read()
        report["issue_query_reference"] = {"duckdb_ms": run_duckdb(args, csv, issue_sql)[0]["median_ms"]}
        if args.pg_host:
            report["issue_query_reference"]["postgres_ms"] = run_postgres(args, issue_sql, work, CANDIDATES[0][0])[0]["median_ms"]

    # Agreement: PostgreSQL is the reference when it ran, else DuckDB.
    results = {"poolsql": poolsql_rows, "duckdb": duck_rows, "postgres": pg_rows}
    reference_engine = "postgres" if pg_rows is not None else "duckdb"
    agreement = {}
    for engine, rows in results.items():
        if rows is None:
            continue
        agreement[engine] = checksum(rows)
        if engine != reference_engine:
            agreement[engine]["differences_from_" + reference_engine] = differences(results[reference_engine], rows)
    report["agreement"] = agreement
    report["all_agree"] = all(not v.get("differences_from_" + reference_engine) for v in agreement.values()) \
        and poolsql_rows is not None

    p = poolsql.get("median_ms")
    d = duck["median_ms"]
    q = pg["median_ms"] if pg else None
    report["ratio_poolsql_over_duckdb"] = p / d if p else None
    report["ratio_postgres_over_poolsql"] = q / p if p and q else None

    print_table(report)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2)


def print_table(report):
    def ms(value):
        return "n/a" if value is None else f"{value:10.1f}"

    poolsql, duck, pg = report["poolsql"], report["duckdb"], report.get("postgres")
    print(f"Hourly-trend query over {report['rows']:,} rows ({report['pools']} pools, one sample every "
          f"{report['interval_seconds']} s), median of {report['runs']} runs after {report['warmups']} warm-up(s), "
          f"{report['date_utc']} UTC, load average {' '.join(f'{x:.2f}' for x in report['load_average'])}")
    for attempt in poolsql["attempts"]:
        if not attempt["ok"]:
            print(f"  PoolSQL cannot run '{attempt['name']}': {attempt['error']}")
    print(f"  query timed on all three engines (identical SQL): {report['query']}")
    print(f"  {'engine':<32}{'median ms':>10}  {'rows':>6}  digest            runs ms")
    rows = [("PoolSQL (release, 1 thread)", poolsql, "poolsql"),
            (f"DuckDB {duck['version']} (threads=1)", duck, "duckdb")]
    if pg:
        rows.append((f"PostgreSQL {pg['version']} (no parallel)", pg, "postgres"))
    for label, engine, key in rows:
        check = report["agreement"].get(key, {})
        runs = " ".join(f"{t:.0f}" for t in engine.get("runs_ms", []))
        print(f"  {label:<32}{ms(engine.get('median_ms'))}  {check.get('rows', 'n/a'):>6}  "
              f"{check.get('digest', 'n/a'):<16}  {runs}")
    ratio = report["ratio_poolsql_over_duckdb"]
    print(f"  PoolSQL / DuckDB     = {'n/a' if ratio is None else f'{ratio:.2f}'}   (goal <= 1.0)")
    ratio = report["ratio_postgres_over_poolsql"]
    print(f"  PostgreSQL / PoolSQL = {'n/a' if ratio is None else f'{ratio:.2f}'}   (goal >= 10)")
    reference = report.get("issue_query_reference")
    if reference:
        print("  the issue's own query (with TO_CHAR), for reference: " +
              ", ".join(f"{k.replace('_ms', '')} {v:.1f} ms" for k, v in reference.items()))
    for engine, check in report["agreement"].items():
        for key, found in check.items():
            if key.startswith("differences_from_") and found:
                print(f"  {engine} differs from {key.removeprefix('differences_from_')}: " + "; ".join(found))
    print(f"  results agree: {'yes' if report['all_agree'] else 'NO'} (row count and every value, relative 1e-9; "
          "digest = rows with numbers to 9 decimals)")


if __name__ == "__main__":
    main()
