import Foundation
@testable import PoolSQL
import PoolSQLTestSupport
import Testing

/// The sampler against a real SecantusDB server: rows at the configured interval with the
/// traffic's deltas, counter restarts, and a store that hangs or fails while the pools work on.
@Suite(.serialized) struct MetricsHistoryLiveTests {
    func eventually(_ seconds: Double = 30, _ condition: () throws -> Bool) rethrows -> Bool {
        try PoolTableTestSupport.eventually(seconds, condition)
    }

    func rows(_ session: Session, _ sql: String) throws -> [[String: Value]] {
        try PoolTableTestSupport.rows(session, sql)
    }

    /// An integer or numeric (what sum(bigint) gives) as Int64; -1 for anything else.
    func int(_ value: Value?) -> Int64 {
        if case let .int(i)? = value { return i }
        if case .numeric? = value, let d = value?.asDouble { return Int64(d) }
        return -1
    }

    @Test func theSamplerWritesARowPerPoolEachIntervalWithTheTrafficsDeltas() throws {
        let server = try SecantusServer()
        let engine = try Engine(configuration: EngineConfiguration(instanceID: "live:1", logHandler: { _ in }))
        defer { engine.shutdown() }
        let session = engine.makeSession()
        _ = try session.execute("SET metrics_sample_interval = '1s'")
        _ = try session.execute("SET connection_pool_health_check_interval = '200ms'")
        let pool = try engine.createPool(name: "orders", uri: server.uri, environment: "staging", options: ["max_pool_size": .int(4)])
        for _ in 0..<30 { _ = try pool.runCommand(database: "admin", commandJSON: #"{"ping": 1}"#) }
        #expect(throws: PoolSQLError.self) { try pool.runCommand(database: "admin", commandJSON: #"{"noSuchCommand": 1}"#) }
        let total = pool.statistics().operations
        let errors = pool.statistics().errors
        #expect(total >= 31)
        // Once a tick after the traffic has been written, the deltas add up to the counters.
        let summed = """
            SELECT sum(operations) AS ops, sum(errors) AS errs, sum(connections_created) AS created, count(*) AS n
            FROM connection_pool_metrics WHERE pool_name = 'orders'
            """
        #expect(try eventually {
            let row = try rows(session, summed)[0]
            return int(row["ops"]) == Int64(total) && int(row["errs"]) == Int64(errors) && int(row["n"]) >= 2
                && int(row["created"]) == Int64(pool.statistics().connectionsCreated)
        })
        let all = try rows(session, "SELECT * FROM connection_pool_metrics WHERE pool_name = 'orders' ORDER BY metric_timestamp")
        // One row per tick: distinct, increasing timestamps.
        let times = all.compactMap { row -> Int64? in
            if case let .timestamp(t)? = row["metric_timestamp"] { return t.microseconds }
            return nil
        }
        #expect(times.count == all.count)
        #expect(times == times.sorted() && Set(times).count == times.count)
        for row in all {
            #expect(row["environment"] == .text("staging"))
            #expect(row["instance_id"] == .text("live:1"))
            #expect(int(row["operations"]) >= 0 && int(row["errors"]) >= 0 && int(row["connections_created"]) >= 0)
        }
        // The row with the traffic: latencies from its sketch, error rate of the interval.
        let busy = try #require(all.first { int($0["operations"]) > 0 })
        guard case let .double(p95)? = busy["p95_operation_time"], case let .double(average)? = busy["avg_operation_time"],
              case let .double(errorRate)? = busy["error_rate"], case let .text(sketchText)? = busy["latency_sketch"] else {
            Issue.record("unexpected row \(busy)")
            return
        }
        #expect(p95 > 0 && average > 0)
        #expect(errorRate == Double(int(busy["errors"])) / Double(int(busy["operations"])))
        #expect(try LatencySketch(encoded: sketchText).count == UInt64(int(busy["operations"])))
        #expect(try eventually {
            try rows(session, "SELECT health_status FROM connection_pool_metrics WHERE pool_name = 'orders' AND health_status = 'healthy' LIMIT 1").count == 1
        })
        let status = try rows(session, "SELECT sampling, dropped_samples, store_kind FROM connection_pool_metrics_status")[0]
        #expect(status["sampling"] == .bool(true))
        #expect(status["dropped_samples"] == .int(0))
        #expect(status["store_kind"] == .text("memory"))
    }

    @Test func disablingAndEnablingAPoolRestartsItsCountersWithoutNegativeDeltas() throws {
        let server = try SecantusServer()
        let engine = try Engine(configuration: EngineConfiguration(metricsSampling: false, instanceID: "live:2", logHandler: { _ in }))
        defer { engine.shutdown() }
        let session = engine.makeSession()
        _ = try session.execute("CREATE POOL p URI '\(server.uri)' ENVIRONMENT 'test'")
        let first = try engine.pool(named: "p")
        for _ in 0..<8 { _ = try first.runCommand(database: "admin", commandJSON: #"{"ping": 1}"#) }
        let sampled = try engine.sampleMetricsNow()
        #expect(sampled.map(\.operations) == [8])
        _ = try session.execute("ALTER POOL p DISABLE")
        let disabled = try engine.sampleMetricsNow()
        #expect(disabled.map(\.healthStatus) == ["disabled"])
        #expect(disabled.map(\.operations) == [0])
        _ = try session.execute("ALTER POOL p ENABLE")
        let second = try engine.pool(named: "p")
        for _ in 0..<3 { _ = try second.runCommand(database: "admin", commandJSON: #"{"ping": 1}"#) }
        let restarted = try engine.sampleMetricsNow()
        #expect(restarted.map(\.operations) == [3])
        #expect(restarted[0].connectionsCreated >= 1)
        let negatives = try rows(session, """
            SELECT count(*) AS n FROM connection_pool_metrics
            WHERE operations < 0 OR errors < 0 OR checkout_failures < 0 OR connections_created < 0 OR connections_destroyed < 0
            """)
        #expect(negatives[0]["n"] == .int(0))
        #expect(try rows(session, "SELECT operations FROM connection_pool_metrics ORDER BY metric_timestamp").map { $0["operations"] }
            == [.int(8), .int(0), .int(3)])
    }

    @Test func aStoreThatHangsThenFailsNeitherBlocksThePoolsNorLosesSamples() throws {
        let server = try SecantusServer()
        let log = Recorder<String>()
        let engine = try Engine(configuration: EngineConfiguration(instanceID: "live:3", logHandler: { log.append($0) }))
        let store = ControllableMetricsStore()
        engine.currentMetricsStore.withLock { $0 = store }
        defer {
            store.set(.working)
            engine.shutdown()
        }
        let session = engine.makeSession()
        _ = try session.execute("SET metrics_sample_interval = '1s'")
        let pool = try engine.createPool(name: "p", uri: server.uri)
        _ = try pool.runCommand(database: "admin", commandJSON: #"{"ping": 1}"#)

        // The store hangs: the writer is stuck in append, the pool keeps working, samples queue.
        store.set(.blocking)
        #expect(try eventually { store.appendAttempts >= 1 && engine.metricsStatus.queuedSamples >= 2 })
        for _ in 0..<20 { _ = try pool.runCommand(database: "admin", commandJSON: #"{"ping": 1}"#) }
        #expect(try eventually { log.all.contains { $0.contains("has not finished") } })
        #expect(try eventually {
            try !rows(session, "SELECT detail FROM connection_pool_events WHERE pool_name = 'p' AND event_type = 'metrics_store_slow'").isEmpty
        })

        // Now it fails: reported once as an event and in the log, the samples stay queued.
        store.set(.failing)
        #expect(try eventually { engine.metricsStatus.lastWriteError != nil })
        let errorEvents = try rows(session, "SELECT detail FROM connection_pool_events WHERE event_type = 'metrics_store_error'")
        #expect(errorEvents.count == 1)
        #expect(errorEvents.first?["detail"]?.description.contains("no space left on device") == true)
        #expect(log.all.contains { $0.contains("no space left on device") })
        let status = try rows(session, "SELECT queued_samples, last_write_error, failing_since FROM connection_pool_metrics_status")[0]
        #expect(int(status["queued_samples"]) >= 2)
        #expect(status["failing_since"]?.isNull == false)
        #expect(throws: PoolSQLError.self) { try engine.sampleMetricsNow() }
        for _ in 0..<5 { _ = try pool.runCommand(database: "admin", commandJSON: #"{"ping": 1}"#) }

        // It recovers: everything queued arrives, nothing was dropped, the deltas add up.
        store.set(.working)
        #expect(try eventually { engine.metricsStatus.queuedSamples == 0 && engine.metricsStatus.lastWriteError == nil })
        try engine.sampleMetricsNow()
        let status2 = engine.metricsStatus
        #expect(status2.droppedSamples == 0)
        #expect(try store.inner.samples(.all).count == status2.writtenSamples)
        let operations = try store.inner.samples(.all).reduce(0) { $0 + $1.operations }
        #expect(operations == pool.statistics().operations)
        #expect(try eventually {
            try !rows(session, "SELECT detail FROM connection_pool_events WHERE event_type = 'metrics_store_recovered'").isEmpty
        })
    }
}
