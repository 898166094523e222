import Foundation
@testable import PoolSQL
import PoolSQLTestSupport
import Synchronization
import Testing

/// Shared pieces of the MongoDB store suites.
enum MongoStoreFixture {
    /// 2026-01-05 00:00:00 UTC, plus 123 µs so no sample sits on a millisecond.
    static let base = Timestamp(microseconds: 1_767_571_200_000_000 + 123, kind: .timestamptz)
    static let minute: Int64 = 60_000_000
    static let hour: Int64 = 3_600_000_000

    /// Samples over two days and a bit: 3 pools (one without environment), 2 instances, every
    /// 20 minutes, with latencies so rollups carry sketches. Sorted by time, pool, instance (the
    /// order both stores read in).
    static func samples() -> [MetricsSample] {
        var out: [MetricsSample] = []
        let pools: [(String, String?)] = [("orders", "prod"), ("reports", nil), ("search", "staging")]
        for step in 0..<160 {
            let time = Timestamp(microseconds: base.microseconds + Int64(step) * 20 * minute, kind: .timestamptz)
            for (p, (pool, environment)) in pools.enumerated() {
                for instance in ["host-a:100", "host-b:200"] {
                    var sketch = LatencySketch()
                    for k in 0..<5 { sketch.record(Double(1 + (step + p + k) % 17) * 1.5) }
                    let active = (step * 7 + p * 3 + (instance == "host-a:100" ? 0 : 1)) % 20
                    out.append(MetricsSample(
                        timestamp: time, poolName: pool, environment: environment, instanceID: instance,
                        totalConnections: active + 5, activeConnections: active, availableConnections: 5,
                        pendingConnections: step % 2, waitQueueLength: step % 3, maxPoolSize: 20,
                        connectionUtilization: Double(active) / 20, avgOperationTime: 1.25 + Double(step % 9) / 3,
                        p95OperationTime: 9.5, p99OperationTime: 12.75, errorRate: step % 11 == 0 ? 0.2 : 0,
                        healthStatus: step % 13 == 0 ? "unhealthy" : "healthy", operations: 5,
                        errors: step % 11 == 0 ? 1 : 0, checkoutFailures: step % 17 == 0 ? 1 : 0,
                        connectionsCreated: step % 5, connectionsDestroyed: step % 7, avgCheckoutWaitMS: 0.5 + Double(step % 4),
                        latencySketch: sketch))
                }
            }
        }
        return out
    }

    static func at(_ offset: Int64) -> Timestamp {
        Timestamp(microseconds: base.microseconds + offset, kind: .timestamptz)
    }

    /// A fresh database name per test, so tests sharing a server never see each other's rows.
    static func databaseName(_ tag: String) -> String {
        "metrics_\(tag)_\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Runs a command on the server outside the store (set-up and inspection).
    static func command(_ server: SecantusServer, database: String, _ json: String) throws -> String {
        let pool = try MongoPool(name: "fixture", uri: server.uri)
        defer { pool.close() }
        return try pool.runCommand(database: database, commandJSON: json)
    }

    /// Makes the server refuse `create` with `timeseries` once, as a server without time-series
    /// support does (unknown field, code 40415).
    static func refuseTimeSeriesOnce(_ server: SecantusServer) throws {
        _ = try command(server, database: "admin", #"""
            {"configureFailPoint": "failCommand", "mode": {"times": 1},
             "data": {"failCommands": ["create"], "errorCode": 40415, "errmsg": "BSON field 'create.timeseries' is an unknown field."}}
            """#)
    }

    /// Opens a store with the wanted raw-collection layout.
    static func openStore(_ server: SecantusServer, database: String, layout: MongoMetricsStore.Layout) throws -> MongoMetricsStore {
        if layout == .regular { try refuseTimeSeriesOnce(server) }
        let store = try MongoMetricsStore(uri: server.uri + database)
        #expect(store.layout == layout)
        return store
    }
}

/// The store conformance checks, held against `MemoryStore` (the reference): the same samples
/// appended to both, the same queries and maintenance, the same answers.
@Suite("MongoMetricsStore conformance", .serialized)
struct MongoMetricsStoreConformanceTests {
    static let layouts: [MongoMetricsStore.Layout] = [.timeSeries, .regular]

    @Test("every filter kind answers as the memory store does", arguments: layouts)
    func filtersMatchMemoryStore(layout: MongoMetricsStore.Layout) throws {
        let server = try SecantusServer()
        let store = try MongoStoreFixture.openStore(server, database: MongoStoreFixture.databaseName("filters"), layout: layout)
        defer { store.close() }
        let reference = MemoryStore()
        let samples = MongoStoreFixture.samples()
        // Several appends, as a sampler makes them.
        for chunk in stride(from: 0, to: samples.count, by: 150) {
            let part = Array(samples[chunk..<min(chunk + 150, samples.count)])
            try store.append(part)
            try reference.append(part)
        }
        let at = MongoStoreFixture.at
        let h = MongoStoreFixture.hour
        // A bound exactly on a sample (µs, not a whole millisecond) tells inclusive from exclusive.
        let onSample = at(3 * h)
        let queries: [(String, MetricsQuery)] = [
            ("all", .all),
            ("from inclusive", MetricsQuery(from: onSample)),
            ("from exclusive", MetricsQuery(from: onSample, fromInclusive: false)),
            ("to exclusive", MetricsQuery(to: onSample)),
            ("to inclusive", MetricsQuery(to: onSample, toInclusive: true)),
            ("one hour", MetricsQuery(from: at(5 * h), to: at(6 * h))),
            ("1 µs past a sample", MetricsQuery(from: Timestamp(microseconds: onSample.microseconds + 1), to: at(4 * h))),
            ("pools", MetricsQuery(poolNames: ["orders", "reports"])),
            ("environments", MetricsQuery(environments: ["staging"])),
            ("instances", MetricsQuery(instanceIDs: ["host-b:200"])),
            ("unknown pool", MetricsQuery(poolNames: ["nope"])),
            ("everything at once", MetricsQuery(from: at(h), to: at(20 * h), toInclusive: true, poolNames: ["orders", "search"],
                                                environments: ["prod"], instanceIDs: ["host-a:100"])),
            ("latest", MetricsQuery(latestPerPoolAndInstance: true)),
            ("latest before", MetricsQuery(to: at(10 * h), latestPerPoolAndInstance: true)),
            ("latest of a pool", MetricsQuery(poolNames: ["search"], latestPerPoolAndInstance: true)),
            ("limit", MetricsQuery(from: at(2 * h), limit: 7)),
            ("limit 0", MetricsQuery(limit: 0)),
            ("without sketches", MetricsQuery(includeLatencySketch: false)),
            ("latest without sketches", MetricsQuery(poolNames: ["search"], latestPerPoolAndInstance: true, includeLatencySketch: false)),
        ]
        for (name, query) in queries {
            let expected = try reference.samples(query)
            let actual = try store.samples(query)
            #expect(actual == expected, "\(name): \(actual.count) rows, expected \(expected.count)")
        }
        #expect(try store.samples(.all).count == samples.count)
        // The reference holds it to the same rows with empty sketches; the fixture's rows have some.
        #expect(try store.samples(.all).contains { !$0.latencySketch.isEmpty })
        let statistics = try store.statistics()
        #expect(statistics.rawSamples == samples.count)
        #expect(statistics.oldestSample == samples.first?.timestamp)
        #expect(statistics.newestSample == samples.last?.timestamp)
    }

    @Test("maintain builds hourly and daily rollups as the memory store does, and rebuilds a late hour", arguments: layouts)
    func rollupsMatchMemoryStore(layout: MongoMetricsStore.Layout) throws {
        let server = try SecantusServer()
        let store = try MongoStoreFixture.openStore(server, database: MongoStoreFixture.databaseName("rollups"), layout: layout)
        defer { store.close() }
        let reference = MemoryStore()
        let samples = MongoStoreFixture.samples()
        try store.append(samples)
        try reference.append(samples)
        let policy = RetentionPolicy(rawRetentionMicroseconds: 365 * 86_400_000_000)
        // Two days and 30 minutes in: the third day and the current hour are not complete.
        let now = MongoStoreFixture.at(48 * MongoStoreFixture.hour + 30 * MongoStoreFixture.minute)
        let report = try store.maintain(now: now, policy: policy)
        let expectedReport = try reference.maintain(now: now, policy: policy)
        #expect(report == expectedReport)
        #expect(report.hourlyRollupsWritten == 48 * 6)
        #expect(report.dailyRollupsWritten == 2 * 6)
        for granularity in RollupGranularity.allCases {
            #expect(try store.rollups(granularity, .all) == reference.rollups(granularity, .all), "\(granularity)")
        }
        let filtered = MetricsQuery(from: MongoStoreFixture.at(0), to: MongoStoreFixture.at(3 * MongoStoreFixture.hour),
                                    poolNames: ["orders"], instanceIDs: ["host-b:200"])
        #expect(try store.rollups(.hourly, filtered) == reference.rollups(.hourly, filtered))
        #expect(try store.rollups(.hourly, filtered).count == 3)
        // Percentiles of a day come from the merged sketches: the same as the reference's.
        let day = try #require(try store.rollups(.daily, MetricsQuery(poolNames: ["search"])).first)
        #expect(day.percentile(0.95) == (try reference.rollups(.daily, MetricsQuery(poolNames: ["search"])).first?.percentile(0.95)))

        // Nothing new: a second maintain writes nothing.
        let idle = try store.maintain(now: now, policy: policy)
        #expect(idle.hourlyRollupsWritten == 0 && idle.dailyRollupsWritten == 0)

        // A late sample (an import) in an hour already rolled up: the next maintain rebuilds it.
        var late = samples[6]
        late.timestamp = Timestamp(microseconds: late.timestamp.microseconds + 5 * MongoStoreFixture.minute, kind: .timestamptz)
        late.activeConnections = 19
        try store.append([late])
        try reference.append([late])
        let rebuilt = try store.maintain(now: now, policy: policy)
        #expect(rebuilt == (try reference.maintain(now: now, policy: policy)))
        #expect(rebuilt.hourlyRollupsWritten == 6)
        #expect(try store.rollups(.hourly, .all) == reference.rollups(.hourly, .all))
        #expect(try store.rollups(.daily, .all) == reference.rollups(.daily, .all))
        let statistics = try store.statistics()
        #expect(statistics.hourlyRollups == 48 * 6 && statistics.dailyRollups == 2 * 6)
    }

    @Test("retention deletes expired samples oldest first, one batch per maintain", arguments: layouts)
    func retentionInBatches(layout: MongoMetricsStore.Layout) throws {
        let server = try SecantusServer()
        let store = try MongoStoreFixture.openStore(server, database: MongoStoreFixture.databaseName("retention"), layout: layout)
        defer { store.close() }
        let reference = MemoryStore()
        let samples = Array(MongoStoreFixture.samples().prefix(60))
        try store.append(samples)
        try reference.append(samples)
        // Keep the last hour of the 60 samples' 100 minutes; 25 per batch.
        let newest = try #require(samples.last?.timestamp)
        let now = Timestamp(microseconds: newest.microseconds + 1, kind: .timestamptz)
        let policy = RetentionPolicy(rawRetentionMicroseconds: MongoStoreFixture.hour,
                                     rollupRetentionMicroseconds: 365 * 86_400_000_000, deleteBatchSize: 25)
        let expired = samples.filter { $0.timestamp.microseconds < now.microseconds - MongoStoreFixture.hour }.count
        #expect(expired > 25)
        var deleted = 0
        var rounds = 0
        while true {
            let report = try store.maintain(now: now, policy: policy)
            let expectedReport = try reference.maintain(now: now, policy: policy)
            #expect(report.rawRowsDeleted == expectedReport.rawRowsDeleted)
            #expect(report.moreToDelete == expectedReport.moreToDelete)
            #expect(report.rawRowsDeleted <= 25)
            #expect(try store.samples(.all) == reference.samples(.all))
            deleted += report.rawRowsDeleted
            rounds += 1
            if !report.moreToDelete || rounds > 10 { break }
        }
        #expect(deleted == expired)
        #expect(rounds == (expired + 24) / 25)
        #expect(try store.samples(.all).allSatisfy { $0.timestamp.microseconds >= now.microseconds - MongoStoreFixture.hour })

        // Rollup retention drops old buckets too.
        let rollupPolicy = RetentionPolicy(rawRetentionMicroseconds: 365 * 86_400_000_000, rollupRetentionMicroseconds: 1)
        let later = MongoStoreFixture.at(3 * MongoStoreFixture.hour)
        #expect(try store.maintain(now: later, policy: rollupPolicy).rollupRowsDeleted
                == (try reference.maintain(now: later, policy: rollupPolicy)).rollupRowsDeleted)
        #expect(try store.rollups(.hourly, .all) == reference.rollups(.hourly, .all))
    }

    @Test("a server without time-series collections gets a regular collection with time and pool indexes")
    func regularFallbackHasIndexes() throws {
        let server = try SecantusServer()
        let database = MongoStoreFixture.databaseName("fallback")
        let store = try MongoStoreFixture.openStore(server, database: database, layout: .regular)
        defer { store.close() }
        let indexes = try MongoStoreFixture.command(server, database: database, #"{"listIndexes": "connection_pool_metrics"}"#)
        #expect(indexes.contains(#""metric_timestamp" : 1"#) || indexes.contains(#""metric_timestamp": 1"#))
        #expect(indexes.contains("pool_name_metric_timestamp"))
        let hourly = try MongoStoreFixture.command(server, database: database, #"{"listIndexes": "connection_pool_metrics_hourly"}"#)
        #expect(hourly.contains("bucket_pool_instance") && hourly.contains("\"unique\""))
        // A second store on the same database (another instance) uses the collection as it is.
        let second = try MongoMetricsStore(uri: server.uri + database)
        defer { second.close() }
        #expect(second.layout == .regular)
    }

    @Test("a refused sample in the middle of a batch leaves nothing of the batch stored")
    func partialInsertIsUndone() throws {
        let server = try SecantusServer()
        let database = MongoStoreFixture.databaseName("partial")
        // A regular collection whose unique index refuses a second sample of the same pool,
        // instance and time: the ordered insert stores the first sample, then stops.
        _ = try MongoStoreFixture.command(server, database: database, #"{"create": "connection_pool_metrics"}"#)
        _ = try MongoStoreFixture.command(server, database: database, #"""
            {"createIndexes": "connection_pool_metrics", "indexes": [
              {"key": {"pool_name": 1, "instance_id": 1, "metric_timestamp_us": 1}, "name": "one_per_time", "unique": true}]}
            """#)
        let store = try MongoMetricsStore(uri: server.uri + database)
        defer { store.close() }
        #expect(store.layout == .regular)
        let samples = Array(MongoStoreFixture.samples().prefix(3))
        try store.append([samples[1]])
        do {
            try store.append([samples[0], samples[1], samples[2]])
            Issue.record("the append of a duplicate succeeded")
        } catch {
            #expect(error.code == "HV000")
            #expect(error.message.contains("sample 2 of 3"))
            #expect(error.hint == "no sample of this call was stored")
        }
        #expect(try store.samples(.all) == [samples[1]])
    }

    @Test("results larger than a cursor batch come back whole (getMore), in order")
    func largeResultsFollowTheCursor() throws {
        let server = try SecantusServer()
        let store = try MongoMetricsStore(uri: server.uri + MongoStoreFixture.databaseName("large"))
        defer { store.close() }
        let count = MongoMetricsStore.batchSize * 2 + 345
        let samples = (0..<count).map { i in
            MetricsSample(timestamp: MongoStoreFixture.at(Int64(i) * 1_000_001), poolName: "pool-\(i % 4)", instanceID: "i:\(i % 3)",
                          activeConnections: i)
        }
        for chunk in stride(from: 0, to: count, by: 500) { try store.append(Array(samples[chunk..<min(chunk + 500, count)])) }
        let all = try store.samples(.all)
        #expect(all.count == count)
        #expect(all == samples)
        let tail = try store.samples(MetricsQuery(from: samples[count - 1100].timestamp))
        #expect(tail == Array(samples.suffix(1100)))
        #expect(try store.samples(MetricsQuery(latestPerPoolAndInstance: true)).count == 12)
    }

    @Test("two instances maintaining the same store at once write each rollup once")
    func concurrentMaintainDoesNotDuplicate() throws {
        let server = try SecantusServer()
        let uri = server.uri + MongoStoreFixture.databaseName("concurrent")
        let stores = try [MongoMetricsStore(uri: uri), MongoMetricsStore(uri: uri)]
        defer { stores.forEach { $0.close() } }
        let reference = MemoryStore()
        let samples = MongoStoreFixture.samples()
        // Each instance writes its own rows.
        for instance in ["host-a:100", "host-b:200"] {
            let own = samples.filter { $0.instanceID == instance }
            try stores[instance == "host-a:100" ? 0 : 1].append(own)
        }
        try reference.append(samples)
        let now = MongoStoreFixture.at(48 * MongoStoreFixture.hour + MongoStoreFixture.minute)
        let policy = RetentionPolicy(rawRetentionMicroseconds: 365 * 86_400_000_000)
        let failures = Mutex<[String]>([])
        let group = DispatchGroup()
        for store in stores {
            DispatchQueue.global().async(group: group) {
                for _ in 0..<3 {
                    do { try store.maintain(now: now, policy: policy) } catch { failures.withLock { $0.append("\(error)") } }
                }
            }
        }
        group.wait()
        #expect(failures.withLock { $0 } == [])
        try reference.maintain(now: now, policy: policy)
        for granularity in RollupGranularity.allCases {
            // Either instance reads the same complete set, without duplicates.
            #expect(try stores[0].rollups(granularity, .all) == reference.rollups(granularity, .all), "\(granularity)")
            #expect(try stores[1].rollups(granularity, .all) == reference.rollups(granularity, .all), "\(granularity)")
        }
        #expect(try stores[0].statistics().hourlyRollups == 48 * 6)
    }

    @Test("the server receives the filters: its explain of a query shows the $match")
    func serverExplainShowsTheMatch() throws {
        let server = try SecantusServer()
        let store = try MongoMetricsStore(uri: server.uri + MongoStoreFixture.databaseName("explain"))
        defer { store.close() }
        try store.append(Array(MongoStoreFixture.samples().prefix(60)))
        let query = MetricsQuery(from: MongoStoreFixture.at(MongoStoreFixture.hour), to: MongoStoreFixture.at(2 * MongoStoreFixture.hour),
                                 poolNames: ["orders"], instanceIDs: ["host-a:100"])
        let explain = try store.explain(query)
        #expect(explain.contains("meta.pool_name") && explain.contains("meta.instance_id"), "\(explain)")
        #expect(explain.contains("metric_timestamp_us"))
        #expect(store.pipelineText(for: query).hasPrefix(#"[{"$match": {"metric_timestamp": {"$gte": "#))
        #expect(try store.samples(query).count == 3)
    }

    @Test("an append whose insert or whose rollup bookkeeping fails stores nothing and says so", arguments: ["insert", "update"])
    func failedAppendIsUndone(failingCommand: String) throws {
        let server = try SecantusServer()
        let store = try MongoMetricsStore(uri: server.uri + MongoStoreFixture.databaseName("undo"))
        defer { store.close() }
        let samples = MongoStoreFixture.samples()
        try store.append(Array(samples.prefix(6)))
        // Roll the first hour up, so the next samples of that hour need a dirty mark (`update`).
        try store.maintain(now: MongoStoreFixture.at(MongoStoreFixture.hour + 1), policy: RetentionPolicy(rawRetentionMicroseconds: 365 * 86_400_000_000))
        _ = try MongoStoreFixture.command(server, database: "admin", #"""
            {"configureFailPoint": "failCommand", "mode": {"times": 1},
             "data": {"failCommands": ["\#(failingCommand)"], "errorCode": 2, "errmsg": "injected failure"}}
            """#)
        do {
            try store.append(Array(samples[6..<12]))
            Issue.record("the append succeeded despite the failing \(failingCommand)")
        } catch {
            #expect(error.code == "HV000")
            #expect(error.message.contains("failCommand"), "\(error.message)")
            #expect(error.hint == "no sample of this call was stored")
        }
        #expect(try store.samples(.all) == Array(samples.prefix(6)))
        // The failure was transient: the same append now goes through and is rolled up later.
        try store.append(Array(samples[6..<12]))
        #expect(try store.samples(.all) == Array(samples.prefix(12)))
    }
}
