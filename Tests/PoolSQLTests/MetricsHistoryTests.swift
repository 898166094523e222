import Foundation
@testable import PoolSQL
import Testing

/// The metrics history without a server: delta tracking, the bounded queue, the settings, the
/// tables' pushdown into the store, rollups after maintenance, sketch_percentile and COPY.
@Suite struct MetricsHistoryTests {
    /// 2024-03-01 00:00:00 UTC.
    static let base = Timestamp(fields: .init(year: 2024, month: 3, day: 1), kind: .timestamptz)

    static func at(minutes: Int64) -> Timestamp {
        Timestamp(microseconds: base.microseconds + minutes * 60_000_000, kind: .timestamptz)
    }

    /// A deterministic history: pools a and b (instance i1), one sample a minute for `hours`
    /// hours, latencies spread so percentiles differ per hour.
    static func history(hours: Int = 3) -> (samples: [MetricsSample], latencies: [String: [Double]]) {
        var samples: [MetricsSample] = []
        var latencies: [String: [Double]] = [:]
        var generator = SplitMix(seed: 7)
        for minute in 0..<(hours * 60) {
            for pool in ["a", "b"] {
                var sketch = LatencySketch()
                let count = 5 + Int(generator.next() % 20)
                for _ in 0..<count {
                    let value = Double(generator.next() % 100_000) / 100 + (pool == "a" ? 0 : 50)
                    sketch.record(value)
                    latencies[pool, default: []].append(value)
                }
                samples.append(MetricsSample(
                    timestamp: at(minutes: Int64(minute)), poolName: pool, environment: pool == "a" ? "prod" : "test",
                    instanceID: "i1", totalConnections: minute % 7, activeConnections: minute % 5, maxPoolSize: 10,
                    connectionUtilization: Double(minute % 5) / 10, avgOperationTime: sketch.mean ?? 0,
                    p95OperationTime: sketch.quantile(0.95) ?? 0, p99OperationTime: sketch.quantile(0.99) ?? 0,
                    healthStatus: minute % 30 == 0 ? "unhealthy" : "healthy", operations: count, errors: minute % 3,
                    latencySketch: sketch))
            }
        }
        return (samples, latencies)
    }

    func engine() throws -> Engine {
        try Engine(configuration: EngineConfiguration(metricsSampling: false, instanceID: "test:1", logHandler: { _ in }))
    }

    func rows(_ session: Session, _ sql: String) throws -> [[Value]] {
        try session.execute(sql).last?.rows ?? []
    }

    // MARK: Deltas

    @Test func deltasAreDifferencesOfTheSamePool() {
        var tracker = SampleDeltaTracker()
        let pool = ObjectIdentifier(NSObject())
        let created = Timestamp(microseconds: 1)
        let first = tracker.delta(pool: "p", source: pool, createdAt: created,
                                  counters: .init(operations: 10, errors: 1, checkoutFailures: 0, connectionsCreated: 2, checkouts: 4, totalCheckoutWaitMS: 8))
        #expect(first.operations == 10 && first.errors == 1 && first.connectionsCreated == 2)
        #expect(first.avgCheckoutWaitMS == 2)
        let second = tracker.delta(pool: "p", source: pool, createdAt: created,
                                   counters: .init(operations: 25, errors: 1, checkoutFailures: 3, connectionsCreated: 2, checkouts: 6, totalCheckoutWaitMS: 14))
        #expect(second.operations == 15 && second.errors == 0 && second.checkoutFailures == 3 && second.connectionsCreated == 0)
        #expect(second.avgCheckoutWaitMS == 3)
        #expect(second.errorRate == 0)
    }

    @Test func aCounterResetGivesTheNewValueNeverANegativeDelta() {
        var tracker = SampleDeltaTracker()
        let object = NSObject()
        let pool = ObjectIdentifier(object)
        let created = Timestamp(microseconds: 1)
        _ = tracker.delta(pool: "p", source: pool, createdAt: created, counters: .init(operations: 100, errors: 10, connectionsDestroyed: 5))
        // Same pool object, counters went backwards (restart of counting): the new values.
        let backwards = tracker.delta(pool: "p", source: pool, createdAt: created, counters: .init(operations: 7, errors: 12, connectionsDestroyed: 1))
        #expect(backwards.operations == 7)
        #expect(backwards.errors == 2)
        #expect(backwards.connectionsDestroyed == 1)
        // A new pool object under the same name (DISABLE + ENABLE): everything from its own zero,
        // even counters that happen to be larger than the old pool's.
        let other = NSObject()
        let recreated = tracker.delta(pool: "p", source: ObjectIdentifier(other), createdAt: Timestamp(microseconds: 2),
                                      counters: .init(operations: 300, errors: 1))
        #expect(recreated.operations == 300)
        #expect(recreated.errors == 1)
        withExtendedLifetime((object, other)) {}
    }

    // MARK: Queue

    @Test func aFullQueueDropsTheOldestAndCountsThem() {
        let queue = MetricsSampleQueue(capacity: 5)
        let samples = (0..<8).map { MetricsSample(timestamp: Self.at(minutes: Int64($0)), poolName: "p", instanceID: "i") }
        #expect(queue.enqueue(Array(samples[0..<3])) == 0)
        let (batch, last) = queue.peek(limit: 2)
        #expect(batch == Array(samples[0..<2]))
        #expect(queue.enqueue(Array(samples[3..<8])) == 3)
        #expect(queue.droppedSamples == 3)
        #expect(queue.count == 5)
        // The batch was dropped while it was being written: nothing else is removed for it.
        queue.remove(through: last)
        #expect(queue.peek(limit: 10).samples == Array(samples[3..<8]))
        let (rest, end) = queue.peek(limit: 10)
        queue.remove(through: end)
        #expect(queue.count == 0)
        #expect(queue.writtenSamples == rest.count)
    }

    // MARK: Settings

    @Test func metricsSettingsTakeDurationsAndSizes() throws {
        let engine = try engine()
        let session = engine.makeSession()
        #expect(try rows(session, "SHOW metrics_sample_interval") == [[.text("10s")]])
        #expect(try rows(session, "SHOW metrics_retention") == [[.text("7d")]])
        #expect(try rows(session, "SHOW metrics_rollup_retention") == [[.text("365d")]])
        _ = try session.execute("SET metrics_sample_interval = '2 seconds'")
        #expect(engine.settings.metricsSampleInterval == .seconds(2))
        _ = try session.execute("SET metrics_sample_interval = 1500")
        #expect(engine.settings.metricsSampleInterval == .milliseconds(1500))
        #expect(throws: PoolSQLError.self) { try session.execute("SET metrics_sample_interval = '500ms'") }
        _ = try session.execute("SET metrics_retention = '3 days'")
        _ = try session.execute("SET metrics_store_max_size = '500MB'")
        #expect(try rows(session, "SHOW metrics_store_max_size") == [[.text("500MB")]])
        let policy = engine.settings.metricsRetentionPolicy
        #expect(policy.rawRetentionMicroseconds == 3 * 86_400_000_000)
        #expect(policy.maxSizeBytes == Int64(500 * 1024 * 1024))
        _ = try session.execute("SET metrics_store_max_size = 0")
        #expect(engine.settings.metricsRetentionPolicy.maxSizeBytes == nil)
        let bad = #expect(throws: PoolSQLError.self) { try session.execute("SET metrics_store_max_size = 'lots'") }
        #expect(bad?.code == "22023")
        #expect(ByteSizeText.parseBytes("1.5 GB") == 1_610_612_736)
        #expect(ByteSizeText.parseBytes("-1") == nil)
    }

    // MARK: Pushdown

    @Test func timeAndPoolFiltersArePushedIntoTheStoreAndGiveTheSameRows() throws {
        let engine = try engine()
        let session = engine.makeSession()
        try engine.metricsStore.append(Self.history(hours: 2).samples)
        let pushed = """
            SELECT metric_timestamp, pool_name, operations FROM connection_pool_metrics
            WHERE metric_timestamp >= '2024-03-01 00:30:00+00' AND metric_timestamp < '2024-03-01 01:00:00+00'
              AND pool_name IN ('a', 'zz') AND instance_id = 'i1'
            """
        let explain = try PoolTableTestSupport.explain(session, pushed)
        #expect(explain.contains("metric_timestamp >= "), "\(explain)")
        #expect(explain.contains("(exact)"))
        #expect(explain.contains("pool_name IN ('a', 'zz') (exact)"), "\(explain)")
        #expect(!explain.contains("Filter:"), "\(explain)")
        // The same query with every filter hidden from the pushdown (expressions over the columns).
        let unpushed = """
            SELECT metric_timestamp, pool_name, operations FROM connection_pool_metrics
            WHERE metric_timestamp + interval '0 s' >= '2024-03-01 00:30:00+00' AND metric_timestamp + interval '0 s' < '2024-03-01 01:00:00+00'
              AND pool_name || '' IN ('a', 'zz') AND instance_id || '' = 'i1'
            """
        #expect(try PoolTableTestSupport.explain(session, unpushed).contains("Filter:"))
        let fast = try rows(session, pushed + " ORDER BY 1, 2")
        #expect(fast.count == 30)
        #expect(fast == (try rows(session, unpushed + " ORDER BY 1, 2")))
        // LIMIT goes to the store when every filter is exact.
        let limited = "SELECT pool_name FROM connection_pool_metrics WHERE pool_name = 'b' LIMIT 3"
        #expect(try PoolTableTestSupport.explain(session, limited).contains("limit=3"))
        #expect(try rows(session, limited) == Array(repeating: [.text("b")], count: 3))
        // Equality on the time, and environment.
        #expect(try rows(session, "SELECT pool_name FROM connection_pool_metrics WHERE metric_timestamp = '2024-03-01 00:10:00+00' AND environment = 'test'")
            == [[.text("b")]])
    }

    @Test func aScanThatDoesNotSelectTheSketchAsksTheStoreNotToReadIt() throws {
        let engine = try engine()
        let store = ControllableMetricsStore()
        engine.currentMetricsStore.withLock { $0 = store }
        let session = engine.makeSession()
        try store.append(Self.history(hours: 1).samples)
        func lastQueryIncludedSketches(_ sql: String) throws -> (Bool?, [[Value]]) {
            let result = try rows(session, sql)
            return (store.queries.withLock { $0.last?.includeLatencySketch }, result)
        }
        let (narrow, narrowRows) = try lastQueryIncludedSketches("SELECT pool_name, avg_operation_time FROM connection_pool_metrics WHERE pool_name = 'a'")
        #expect(narrow == false)
        #expect(narrowRows.count == 60)
        #expect(try lastQueryIncludedSketches("SELECT count(*) FROM connection_pool_metrics").0 == false)
        let (withSketch, sketchRows) = try lastQueryIncludedSketches("SELECT sketch_percentile(latency_sketch, 0.5) FROM connection_pool_metrics")
        #expect(withSketch == true)
        #expect(sketchRows.first?.first?.isNull == false)
        let (star, starRows) = try lastQueryIncludedSketches("SELECT * FROM connection_pool_metrics LIMIT 1")
        #expect(star == true)
        #expect(starRows.first?.last?.isNull == false)
    }

    @Test func theLastHourRelativeToNowIsPushedDown() throws {
        let engine = try engine()
        let session = engine.makeSession()
        let now = Timestamp.now().with(kind: .timestamptz)
        let old = Timestamp(microseconds: now.microseconds - 3 * 3_600_000_000, kind: .timestamptz)
        let recent = Timestamp(microseconds: now.microseconds - 600_000_000, kind: .timestamptz)
        try engine.metricsStore.append([MetricsSample(timestamp: old, poolName: "p", instanceID: "i"),
                                        MetricsSample(timestamp: recent, poolName: "p", instanceID: "i")])
        let sql = "SELECT count(*) FROM connection_pool_metrics WHERE metric_timestamp > now() - interval '1 hour'"
        let explain = try PoolTableTestSupport.explain(session, sql)
        #expect(explain.contains("filters=[metric_timestamp > "), "\(explain)")
        #expect(!explain.contains("Filter:"), "\(explain)")
        #expect(try rows(session, sql) == [[.int(1)]])
    }

    // MARK: Rollups

    @Test func maintenanceFillsHourlyAndDailyRollupsWithTruePercentiles() throws {
        let engine = try engine()
        let session = engine.makeSession()
        let (samples, _) = Self.history(hours: 3)
        try engine.metricsStore.append(samples)
        #expect(try rows(session, "SELECT count(*) FROM connection_pool_metrics_hourly") == [[.int(0)]])
        // Two days later: every hour and the day have ended.
        let report = try engine.runMetricsMaintenanceNow(now: Self.at(minutes: 2 * 24 * 60))
        #expect(report.hourlyRollupsWritten == 6)
        #expect(report.dailyRollupsWritten == 2)
        let hourly = try rows(session, """
            SELECT bucket_start, pool_name, sample_count, operations, p95_operation_time, unhealthy_samples
            FROM connection_pool_metrics_hourly WHERE pool_name = 'a' ORDER BY bucket_start
            """)
        #expect(hourly.count == 3)
        #expect(hourly.allSatisfy { $0[2] == .int(60) && $0[5] == .int(2) })
        let daily = try rows(session, "SELECT pool_name, sample_count, operations FROM connection_pool_metrics_daily ORDER BY pool_name")
        #expect(daily.map { $0[0] } == [.text("a"), .text("b")])
        #expect(daily.allSatisfy { $0[1] == .int(180) })
        let rawOperations = samples.filter { $0.poolName == "a" }.reduce(0) { $0 + $1.operations }
        #expect(daily[0][2] == .int(Int64(rawOperations)))
        // Pushdown on bucket_start too.
        let explain = try PoolTableTestSupport.explain(session, "SELECT * FROM connection_pool_metrics_hourly WHERE bucket_start >= '2024-03-01 01:00:00+00'")
        #expect(explain.contains("bucket_start >= ") && explain.contains("(exact)"), "\(explain)")
        #expect(try rows(session, "SELECT count(*) FROM connection_pool_metrics_hourly WHERE bucket_start >= '2024-03-01 01:00:00+00'") == [[.int(4)]])
        // Retention: a year later everything raw is gone (in batches), rollups too after 365 days.
        _ = try session.execute("SET metrics_retention = '1 day'")
        var deleted = 0
        var again = true
        while again {
            let r = try engine.runMetricsMaintenanceNow(now: Self.at(minutes: 3 * 24 * 60))
            deleted += r.rawRowsDeleted
            again = r.moreToDelete
        }
        #expect(deleted == samples.count)
        #expect(try rows(session, "SELECT count(*) FROM connection_pool_metrics") == [[.int(0)]])
        #expect(try rows(session, "SELECT count(*) FROM connection_pool_metrics_hourly") == [[.int(6)]])
    }

    @Test func sketchPercentileOverRollupsIsWithinTheSketchAccuracyOfTheExactPercentile() throws {
        let engine = try engine()
        let session = engine.makeSession()
        let (samples, latencies) = Self.history(hours: 3)
        try engine.metricsStore.append(samples)
        try engine.runMetricsMaintenanceNow(now: Self.at(minutes: 2 * 24 * 60))
        _ = try session.execute("CREATE TABLE raw_latency (pool text, ms double precision)")
        for (pool, values) in latencies {
            let list = values.map { "('\(pool)', \(Value.formatDouble($0)))" }.joined(separator: ", ")
            _ = try session.execute("INSERT INTO raw_latency VALUES \(list)")
        }
        for q in [0.5, 0.95, 0.99] {
            let merged = try rows(session, """
                SELECT date_trunc('day', bucket_start), pool_name, sketch_percentile(latency_sketch, \(q))
                FROM connection_pool_metrics_hourly GROUP BY 1, 2 ORDER BY 2
                """)
            let exact = try rows(session, "SELECT pool, percentile_disc(\(q)) WITHIN GROUP (ORDER BY ms) FROM raw_latency GROUP BY pool ORDER BY pool")
            #expect(merged.count == 2 && exact.count == 2)
            for (m, e) in zip(merged, exact) {
                guard case let .double(estimate) = m[2], case let .double(truth) = e[1] else {
                    Issue.record("unexpected \(m) / \(e)")
                    continue
                }
                #expect(abs(estimate - truth) <= truth * LatencySketch.relativeAccuracy + 1e-9, "q=\(q) \(m) vs \(e)")
            }
        }
        // Over the raw rows' sketches as well; NULL over no rows; fractions are checked.
        #expect(try rows(session, "SELECT sketch_percentile(latency_sketch, 0.5) FROM connection_pool_metrics WHERE pool_name = 'none'") == [[.null]])
        #expect(throws: PoolSQLError.self) { try session.execute("SELECT sketch_percentile(latency_sketch, 2) FROM connection_pool_metrics") }
        let bad = #expect(throws: PoolSQLError.self) { try session.execute("SELECT sketch_percentile('v1;garbage', 0.5)") }
        #expect(bad?.code == "22P02")
        let wrongType = #expect(throws: PoolSQLError.self) { try session.execute("SELECT sketch_percentile(1, 0.5)") }
        #expect(wrongType?.code == "42883")
        #expect(try rows(session, "SELECT sketch_percentile(latency_sketch, NULL) FROM connection_pool_metrics") == [[.null]])
        // As a window function it merges the partition's sketches the same way.
        // (Over the first ten minutes: a window recomputes the aggregate for every row.)
        let window = "WHERE metric_timestamp < '2024-03-01 00:10:00+00'"
        let grouped = try rows(session, "SELECT pool_name, sketch_percentile(latency_sketch, 0.9) FROM connection_pool_metrics \(window) GROUP BY 1 ORDER BY 1")
        let windowed = try rows(session, """
            SELECT DISTINCT pool_name, sketch_percentile(latency_sketch, 0.9) OVER (PARTITION BY pool_name)
            FROM connection_pool_metrics \(window) ORDER BY 1
            """)
        #expect(grouped == windowed)
    }

    // MARK: COPY

    @Test func copyRoundTripsThroughAFreshEngine() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let first = try engine()
        try first.metricsStore.append(Self.history(hours: 1).samples)
        let path = directory.file("metrics.csv")
        let export = try first.makeSession().execute("COPY connection_pool_metrics TO '\(path)' WITH (FORMAT csv, HEADER)")
        #expect(export[0].commandTag == "COPY 120")
        let second = try engine()
        let load = try second.makeSession().execute("COPY connection_pool_metrics FROM '\(path)' WITH (FORMAT csv, HEADER)")
        #expect(load[0].commandTag == "COPY 120")
        let again = directory.file("again.csv")
        _ = try second.makeSession().execute("COPY connection_pool_metrics TO '\(again)' WITH (FORMAT csv, HEADER)")
        #expect(try directory.read("metrics.csv") == (try directory.read("again.csv")))
        // Every field but max_pool_size (not a column of the table) arrives as it was.
        let original = try first.metricsStore.samples(.all).map { sample in
            var copy = sample
            copy.maxPoolSize = 0
            return copy
        }
        let imported = try second.metricsStore.samples(.all)
        #expect(imported.count == original.count)
        for (a, b) in zip(imported, original) where a != b {
            Issue.record("imported \(a)\nexported \(b)")
            break
        }
    }

    @Test func aColumnListPicksAndOrdersColumnsAndTheOthersGetDefaults() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("pool_name,metric_timestamp,operations\np,2024-03-01 10:00:00+00,5\nq,2024-03-01 10:00:10+00,\n", to: "in.csv")
        let engine = try engine()
        let session = engine.makeSession()
        let load = try session.execute("COPY connection_pool_metrics (pool_name, metric_timestamp, operations) FROM '\(directory.file("in.csv"))' WITH (FORMAT csv, HEADER)")
        #expect(load[0].commandTag == "COPY 2")
        #expect(try rows(session, "SELECT pool_name, instance_id, environment, operations, health_status, latency_sketch FROM connection_pool_metrics ORDER BY 1")
            == [[.text("p"), .text("test:1"), .null, .int(5), .text("unknown"), .null],
                [.text("q"), .text("test:1"), .null, .int(0), .text("unknown"), .null]])
        _ = try session.execute("COPY connection_pool_metrics (operations, pool_name) TO '\(directory.file("out.csv"))' WITH (FORMAT csv, HEADER)")
        #expect(try directory.read("out.csv") == "operations,pool_name\n5,p\n0,q\n")
        let missing = #expect(throws: PoolSQLError.self) {
            try session.execute("COPY connection_pool_metrics (pool_name) FROM '\(directory.file("in.csv"))' WITH (FORMAT csv, HEADER)")
        }
        #expect(missing?.message.contains("metric_timestamp") == true)
    }

    @Test func aBadRowNamesItsLineAndColumnAndImportsNothing() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("""
            metric_timestamp,pool_name,operations
            2024-03-01 10:00:00+00,p,1
            2024-03-01 10:00:10+00,p,2
            2024-03-01 10:00:20+00,p,three
            2024-03-01 10:00:30+00,p,4

            """, to: "bad.csv")
        let engine = try engine()
        let session = engine.makeSession()
        let failure = #expect(throws: PoolSQLError.self) {
            try session.execute("COPY connection_pool_metrics (metric_timestamp, pool_name, operations) FROM '\(directory.file("bad.csv"))' WITH (FORMAT csv, HEADER)")
        }
        #expect(failure?.code == "22P02")
        #expect(failure?.detail?.contains("line 4") == true, "\(String(describing: failure?.detail))")
        #expect(failure?.detail?.contains("column operations") == true)
        #expect(try rows(session, "SELECT count(*) FROM connection_pool_metrics") == [[.int(0)]])

        try directory.write("metric_timestamp,pool_name,latency_sketch\n2024-03-01 10:00:00+00,p,v1;9;x\n", to: "sketch.csv")
        let sketch = #expect(throws: PoolSQLError.self) {
            try session.execute("COPY connection_pool_metrics (metric_timestamp, pool_name, latency_sketch) FROM '\(directory.file("sketch.csv"))' WITH (FORMAT csv, HEADER)")
        }
        #expect(sketch?.detail?.contains("line 2, column latency_sketch") == true, "\(String(describing: sketch?.detail))")
        try directory.write("metric_timestamp,pool_name\n,p\n", to: "null.csv")
        let null = #expect(throws: PoolSQLError.self) {
            try session.execute("COPY connection_pool_metrics (metric_timestamp, pool_name) FROM '\(directory.file("null.csv"))' WITH (FORMAT csv, HEADER)")
        }
        #expect(null?.code == "23502")
        #expect(try rows(session, "SELECT count(*) FROM connection_pool_metrics") == [[.int(0)]])
    }
}

/// A small deterministic generator, so the test data is the same on every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The sample queue of an engine whose store fails: bounded, and every drop is counted and said.
@Suite struct MetricsHistoryQueueTests {
    @Test func aFullQueueDropsTheOldestSamplesCountsThemAndSaysSo() throws {
        let log = Recorder<String>()
        let engine = try Engine(configuration: EngineConfiguration(metricsSampling: false, instanceID: "q:1", metricsQueueCapacity: 3,
                                                                   logHandler: { log.append($0) }))
        defer { engine.shutdown() }
        let store = ControllableMetricsStore()
        engine.currentMetricsStore.withLock { $0 = store }
        let session = engine.makeSession()
        // Two disabled pools: two rows per sample, no server needed.
        _ = try session.execute("""
            CREATE POOL a URI 'mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=100';
            CREATE POOL b URI 'mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=100';
            ALTER POOL a DISABLE;
            ALTER POOL b DISABLE;
            """)
        store.set(.failing)
        for _ in 0..<3 { #expect(throws: PoolSQLError.self) { try engine.sampleMetricsNow() } }
        let status = try PoolTableTestSupport.rows(session, "SELECT queued_samples, dropped_samples, last_write_error FROM connection_pool_metrics_status")[0]
        #expect(status["queued_samples"] == .int(3))
        #expect(status["dropped_samples"] == .int(3))
        #expect(status["last_write_error"]?.isNull == false)
        #expect(log.all.contains { $0.contains("dropped the") })
        #expect(log.all.filter { $0.contains("failed: could not write") }.count == 1)
        store.set(.working)
        try engine.flushMetrics()
        #expect(try store.inner.samples(.all).count == 3)
        #expect(engine.metricsStatus.queuedSamples == 0)
        #expect(log.all.contains { $0.contains("accepts writes again") })
    }
}

/// Shutting down while the store hangs.
@Suite struct MetricsHistoryShutdownTests {
    @Test func shutdownDoesNotWaitForAHangingStoreAndSaysWhatWasNotWritten() throws {
        let log = Recorder<String>()
        let engine = try Engine(configuration: EngineConfiguration(instanceID: "s:1", logHandler: { log.append($0) }))
        let store = ControllableMetricsStore()
        engine.currentMetricsStore.withLock { $0 = store }
        defer { store.set(.working) }
        let session = engine.makeSession()
        _ = try session.execute("""
            SET metrics_sample_interval = '1s';
            CREATE POOL a URI 'mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=100';
            ALTER POOL a DISABLE;
            """)
        store.set(.blocking)
        // The writer thread is stuck in append and more samples wait behind it.
        #expect(try PoolTableTestSupport.eventually(30) { store.appendAttempts >= 1 && engine.metricsStatus.queuedSamples >= 2 })
        engine.shutdown()
        #expect(log.all.contains { $0.contains("still in progress at shutdown") })
        #expect(engine.metricsStatus.sampling == false)
    }
}
