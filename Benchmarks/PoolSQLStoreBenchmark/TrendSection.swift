import Foundation
import PoolSQL

/// The hourly-trend query of the analytics benchmark through the engine, over the analytics
/// benchmark's generated rows stored as samples in the embedded SQLite store (what
/// `connection_pool_metrics` reads), cold and warm; DuckDB runs the same SQL on the same rows in
/// scripts/history-bench.sh. Also `sketch_percentile` over the hourly rollups of those samples.
func runTrendSection(_ options: Options, _ report: inout Report) throws {
    guard let csv = options.trendCSV else {
        throw PoolSQLError(.invalidParameterValue, "the trend section needs --trend-csv (scripts/history-bench.sh passes it)")
    }
    let sql = try String(contentsOfFile: options.trendQuery, encoding: .utf8)
    let directory = options.trendStore ?? options.directory + "/trend"
    let database = directory + "/" + EngineConfiguration.storeFileName
    print("— trend: \(options.trendQuery) over \(csv) (load average \(loadAverage()))")

    // The stored copy of the CSV, reused while the CSV is the same file.
    let marker = directory + "/loaded-from"
    let attributes = try FileManager.default.attributesOfItem(atPath: csv)
    let identity = "\(csv) \((attributes[.size] as? NSNumber)?.int64Value ?? 0) v1\n"
    var loadSeconds: Double?
    if (try? String(contentsOfFile: marker, encoding: .utf8)) != identity || !FileManager.default.fileExists(atPath: database) {
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let samples = try TrendCSV.samples(csv)
        let store = try SQLiteStore(path: database)
        let load = try measure {
            var i = 0
            while i < samples.count {
                try store.append(Array(samples[i..<min(i + 1000, samples.count)]))
                i += 1000
            }
        }
        loadSeconds = load.wall
        print(String(format: "stored %d samples (batches of 1000): %.1f s (cpu %.1f s: %.0f samples per CPU second)",
                     samples.count, load.wall, load.cpu, Double(samples.count) / load.cpu))
        // Hourly and daily rollups of everything, raw rows kept: what sketch_percentile reads.
        let end = Timestamp(microseconds: (samples.last?.timestamp.microseconds ?? 0) + 2 * 86_400_000_000, kind: .timestamptz)
        let rollup = try measure { _ = try store.maintain(now: end, policy: RetentionPolicy(rawRetentionMicroseconds: Int64.max / 4)) }
        print(String(format: "rolled them up: %.1f s (cpu %.1f s)", rollup.wall, rollup.cpu))
        store.close()
        try identity.write(toFile: marker, atomically: true, encoding: .utf8)
    } else {
        print("stored samples: \(database) (reused; made from the same CSV)")
    }
    let storeBytes = fileBytes(database)

    // Cold: a new engine on the file, whose pages were just dropped from the OS page cache.
    for file in [database, database + "-wal"] { PageCache.evict(file) }
    let resident = PageCache.residentShare(database)
    let engine = try Engine(configuration: EngineConfiguration(dataDirectory: directory, metricsSampling: false))
    defer { engine.shutdown() }
    let session = engine.makeSession()
    var result: QueryResult?
    let cold = try measure { result = try session.execute(sql).last }
    let pageCache = resident.map { String(format: "%.1f %% of the file in the OS page cache before the cold run (posix_fadvise DONTNEED after fsync)", $0 * 100) }
        ?? "unknown (mincore failed)"
    print(String(format: "cold (first query of a new engine): %.1f ms (cpu %.1f ms); ", cold.wallMS, cold.cpuMS) + pageCache)

    var warm: [Timing] = []
    for _ in 0..<max(1, options.trendRuns) {
        warm.append(try measure { result = try session.execute(sql).last })
    }
    let warmWall = median(warm.map(\.wall)) * 1000
    let warmCPU = median(warm.map(\.cpu)) * 1000
    print(String(format: "warm: median %.1f ms (cpu %.1f ms) of %d runs: ", warmWall, warmCPU, warm.count)
          + warm.map { String(format: "%.0f", $0.wallMS) }.joined(separator: " "))
    guard let rows = result?.rows else { throw PoolSQLError(.internalError, "the trend query returned no result") }
    if let path = options.trendResult {
        let text = rows.map { $0.map(\.description).joined(separator: "\t") + "\n" }.joined()
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    // Where the cold time goes: the store read alone, as columns (what the query reads, without
    // the column cache: cold's share), and as rows with and without the sketches (the row path).
    let store = engine.metricsStore
    var count = 0
    let trendColumns: [SampleColumn] = [.poolName, .timestamp, .activeConnections, .connectionUtilization, .avgOperationTime,
                                        .errorRate, .checkoutFailures, .connectionsCreated, .connectionsDestroyed]
    guard let columnar = store as? any ColumnarMetricsStore else { throw PoolSQLError(.internalError, "the engine's store is not columnar") }
    let columnRead = try measure { count = try columnar.sampleColumns(.all, trendColumns, cacheLimitBytes: 0)?.count ?? 0 }
    _ = try store.samples(MetricsQuery(includeLatencySketch: false))
    let light = try measure { count = try store.samples(MetricsQuery(includeLatencySketch: false)).count }
    let heavy = try measure { count = try store.samples(.all).count }
    print(String(format: "of which the store read of the %d samples: as the query's %d columns %.0f ms (cpu %.0f ms), cold's share; as rows %.0f ms (cpu %.0f ms) without sketches, %.0f ms (cpu %.0f ms) with them",
                 count, trendColumns.count, columnRead.wallMS, columnRead.cpuMS, light.wallMS, light.cpuMS, heavy.wallMS, heavy.cpuMS))
    let whileWriting = try warmWhileWriting(sql, database: database, options: options)

    // sketch_percentile over the hourly rollups.
    let percentileSQL = "SELECT pool_name, sketch_percentile(latency_sketch, 0.95) AS p95 FROM connection_pool_metrics_hourly GROUP BY pool_name ORDER BY pool_name"
    let rollups = try store.rollups(.hourly, .all)
    let averageBuckets = Double(rollups.map(\.latencySketch.buckets.count).reduce(0, +)) / Double(max(1, rollups.count))
    _ = try session.execute(percentileSQL)
    var percentileRuns: [Timing] = []
    for _ in 0..<max(1, options.trendRuns) { percentileRuns.append(try measure { _ = try session.execute(percentileSQL) }) }
    let percentileWall = median(percentileRuns.map(\.wall)) * 1000
    let percentileCPU = median(percentileRuns.map(\.cpu)) * 1000
    print(String(format: "sketch_percentile(latency_sketch, 0.95) per pool over %d hourly rollups (%.0f buckets each on average): median %.1f ms (cpu %.1f ms), %.1f µs of CPU per rollup row (scan, encode, parse, merge)",
                 rollups.count, averageBuckets, percentileWall, percentileCPU, percentileCPU * 1000 / Double(max(1, rollups.count))))

    // The same trend from the hourly rollups (one row per pool and hour already, merged across
    // instances): not the same query (its p95 is the true p95 of the operations, from the merged
    // sketches, where the raw query takes PERCENTILE_CONT over the samples' averages), so not
    // compared with DuckDB; it shows what the rollups are for.
    _ = try session.execute(TrendSQL.fromHourlyRollups)
    var rollupRuns: [Timing] = []
    var rollupRows = 0
    for _ in 0..<max(1, options.trendRuns) {
        rollupRuns.append(try measure { rollupRows = try session.execute(TrendSQL.fromHourlyRollups).last?.rows.count ?? 0 })
    }
    let rollupWall = median(rollupRuns.map(\.wall)) * 1000
    let rollupCPU = median(rollupRuns.map(\.cpu)) * 1000
    print(String(format: "the same trend from connection_pool_metrics_hourly (p95 from the merged sketches; %d rows): median %.1f ms (cpu %.1f ms)",
                 rollupRows, rollupWall, rollupCPU))

    report.trend = .init(rows: count, storeBytes: storeBytes, loadSeconds: loadSeconds, pageCache: pageCache, residentBeforeCold: resident,
                         cold: cold, warmRuns: warm, warmMedianWallMS: warmWall, warmMedianCPUMS: warmCPU,
                         storeReadAsColumns: columnRead, storeReadWithoutSketch: light, storeReadWithSketch: heavy,
                         warmWhileWriting: whileWriting, warmWhileWritingMedianWallMS: median(whileWriting.map(\.wall)) * 1000,
                         warmWhileWritingMedianCPUMS: median(whileWriting.map(\.cpu)) * 1000, resultRows: rows.count,
                         resultFile: options.trendResult, query: options.trendQuery,
                         sketchPercentile: .init(rollupRows: rollups.count, maintain: Timing(wall: 0, cpu: 0),
                                                 warmMedianWallMS: percentileWall, warmMedianCPUMS: percentileCPU,
                                                 microsecondsPerRow: percentileCPU * 1000 / Double(max(1, rollups.count)),
                                                 averageBuckets: averageBuckets),
                         fromRollups: .init(rows: rollupRows, warmMedianWallMS: rollupWall, warmMedianCPUMS: rollupCPU))
}

/// Warm runs while the history changes under the engine, as in production: on a copy of the
/// store (the benchmark's own stays equal to the CSV), before each run another connection (as a
/// second process would) appends one sampler tick (a sample per pool) and deletes the oldest
/// 1000 samples (one retention batch); each run's column cache catches up with both.
func warmWhileWriting(_ sql: String, database: String, options: Options) throws -> [Timing] {
    let directory = options.directory + "/trend-writes"
    try? FileManager.default.removeItem(atPath: directory)
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let copy = directory + "/" + EngineConfiguration.storeFileName
    try FileManager.default.copyItem(atPath: database, toPath: copy)
    let engine = try Engine(configuration: EngineConfiguration(dataDirectory: directory, metricsSampling: false))
    defer { engine.shutdown() }
    let session = engine.makeSession()
    _ = try session.execute(sql)
    let writer = try SQLiteStore(path: copy)
    defer { writer.close() }
    let pools = try session.execute("SELECT DISTINCT pool_name FROM connection_pool_metrics ORDER BY 1").last?.rows.compactMap { row -> String? in if case let .text(name)? = row.first { name } else { nil } } ?? []
    let bounds = try session.execute("SELECT min(metric_timestamp), max(metric_timestamp) FROM connection_pool_metrics").last?.rows.first ?? []
    guard bounds.count == 2, case let .timestamp(oldest) = bounds[0], case let .timestamp(newest) = bounds[1] else {
        throw PoolSQLError(.internalError, "no samples in \(copy)")
    }
    var runs: [Timing] = []
    var deleted = 0
    for run in 1...max(1, options.trendRuns) {
        let tick = newest.microseconds + Int64(run) * 15_000_000
        try writer.append(pools.map { MetricsSample(timestamp: Timestamp(microseconds: tick, kind: .timestamptz), poolName: $0,
                                                    environment: "prod", instanceID: "app-host-01:4242", activeConnections: 5,
                                                    connectionUtilization: 0.25, avgOperationTime: 3.5) })
        // Everything older than the first day expires; one batch of it goes per maintain.
        let now = Timestamp(microseconds: tick, kind: .timestamptz)
        let retention = tick - oldest.microseconds - 86_400_000_000
        deleted += try writer.maintain(now: now, policy: RetentionPolicy(rawRetentionMicroseconds: retention, deleteBatchSize: 1000)).rawRowsDeleted
        runs.append(try measure { _ = try session.execute(sql) })
    }
    print(String(format: "warm while the history changes (before each run: %d samples appended and %d of the oldest deleted by another connection): median %.1f ms (cpu %.1f ms): ",
                 pools.count, deleted / runs.count, median(runs.map(\.wall)) * 1000, median(runs.map(\.cpu)) * 1000)
          + runs.map { String(format: "%.0f", $0.wallMS) }.joined(separator: " "))
    return runs
}

/// The analytics benchmark's CSV (`pool_name,metric_timestamp,active_connections,
/// connection_utilization,avg_operation_time,error_rate,checkout_failures,connections_created,
/// connections_destroyed`; no quotes, no NULLs) as history samples: timestamps taken as UTC,
/// one instance, environment `prod`, and a busy interval's latency sketch each (from the
/// store section's fixed set), so the rows are as large as sampled ones.
enum TrendCSV {
    static func samples(_ path: String) throws -> [MetricsSample] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var samples: [MetricsSample] = []
        samples.reserveCapacity(text.utf8.count / 60)
        var lastStamp = Substring()
        var timestamp = Timestamp(microseconds: 0, kind: .timestamptz)
        for (number, line) in text.split(separator: "\n").enumerated() where number > 0 {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            guard f.count == 9, let active = Int(f[2]), let utilization = Double(f[3]), let latency = Double(f[4]),
                  let errorRate = Double(f[5]), let failures = Int(f[6]), let created = Int(f[7]), let destroyed = Int(f[8]) else {
                throw PoolSQLError(.invalidTextRepresentation, "\(path) line \(number + 1): not a metrics-history row")
            }
            if f[1] != lastStamp {
                timestamp = try Timestamp(parsing: String(f[1])).with(kind: .timestamptz)
                lastStamp = f[1]
            }
            let maxSize = utilization > 0 ? Int((Double(active) / utilization).rounded()) : 100
            samples.append(MetricsSample(
                timestamp: timestamp, poolName: String(f[0]), environment: "prod", instanceID: "app-host-01:4242",
                totalConnections: active + 2, activeConnections: active, availableConnections: 2, pendingConnections: 0,
                waitQueueLength: 0, maxPoolSize: maxSize, connectionUtilization: utilization, avgOperationTime: latency,
                p95OperationTime: latency * 2, p99OperationTime: latency * 3, errorRate: errorRate,
                healthStatus: "healthy", operations: 200, errors: Int((errorRate * 200).rounded()), checkoutFailures: failures,
                connectionsCreated: created, connectionsDestroyed: destroyed, avgCheckoutWaitMS: 0.1,
                latencySketch: GeneratedHistory.sketches[samples.count % GeneratedHistory.sketches.count]))
        }
        return samples
    }
}

/// The hourly trend as it is meant to be asked of a long history: from the hourly rollups.
enum TrendSQL {
    static let fromHourlyRollups = """
        WITH hourly AS (
            SELECT pool_name,
                   bucket_start AS hour,
                   sum(sample_count) AS samples,
                   sum(avg_active_connections * sample_count) / sum(sample_count) AS avg_active,
                   max(max_active_connections) AS max_active,
                   sum(avg_connection_utilization * sample_count) / sum(sample_count) AS avg_utilization,
                   max(max_connection_utilization) AS max_utilization,
                   sketch_percentile(latency_sketch, 0.95) AS p95_operation_ms,
                   sum(error_rate * sample_count) / sum(sample_count) AS avg_error_rate,
                   sum(checkout_failures) AS checkout_failures,
                   sum(connections_created) AS connections_created,
                   sum(connections_destroyed) AS connections_destroyed
            FROM connection_pool_metrics_hourly
            GROUP BY pool_name, bucket_start
        ),
        trend AS (
            SELECT hourly.*,
                   LAG(p95_operation_ms) OVER (PARTITION BY pool_name ORDER BY hour) AS prev_p95_operation_ms,
                   LAG(avg_utilization) OVER (PARTITION BY pool_name ORDER BY hour) AS prev_avg_utilization
            FROM hourly
        )
        SELECT pool_name,
               TO_CHAR(hour, 'YYYY-MM-DD HH24:MI') AS hour_label,
               samples, avg_active, max_active, avg_utilization, max_utilization, p95_operation_ms, avg_error_rate,
               checkout_failures,
               connections_created - connections_destroyed AS net_connections,
               p95_operation_ms - prev_p95_operation_ms AS p95_change_ms,
               avg_utilization - prev_avg_utilization AS utilization_change,
               CASE
                   WHEN avg_utilization > 0.85 OR checkout_failures > 20 THEN 'critical'
                   WHEN prev_p95_operation_ms IS NULL THEN 'first hour'
                   WHEN p95_operation_ms > 1.5 * prev_p95_operation_ms THEN 'degrading'
                   WHEN p95_operation_ms < prev_p95_operation_ms / 1.5 THEN 'recovering'
                   ELSE 'stable'
               END AS status
        FROM trend
        ORDER BY pool_name, hour
        """
}
