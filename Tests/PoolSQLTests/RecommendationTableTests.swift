import Foundation
import PoolSQL
import PoolSQLCore
import PoolSQLTestSupport
import Testing

/// `connection_pool_recommendations` in an engine: the findings change when the load changes,
/// whether the load shows in the metrics history (samples appended as the sampler would) or
/// in a load test, and when a pool becomes unhealthy.
@Suite(.serialized) struct RecommendationTableTests {
    static func findings(_ session: Session, pool: String = "p") throws -> [String: [String: Value]] {
        let result = try #require(try session.execute(
            "SELECT * FROM connection_pool_recommendations WHERE pool_name = '\(pool)'").last)
        var byRule: [String: [String: Value]] = [:]
        for row in result.rows {
            let named = Dictionary(uniqueKeysWithValues: zip(result.columns.map(\.name), row))
            if case let .text(rule)? = named["rule"] { byRule[rule] = named }
        }
        return byRule
    }

    static func samples(utilization: Double, secondsAgo: [Int], maxPoolSize: Int = 10, errors: Int = 0) -> [MetricsSample] {
        let now = Timestamp.now().microseconds
        return secondsAgo.map { ago in
            MetricsSample(timestamp: Timestamp(microseconds: now - Int64(ago) * 1_000_000), poolName: "p", instanceID: "test:1",
                          activeConnections: Int(utilization * Double(maxPoolSize)), maxPoolSize: maxPoolSize,
                          connectionUtilization: utilization, avgOperationTime: 4, errorRate: Double(errors) / 50,
                          healthStatus: "healthy", operations: 50, errors: errors)
        }
    }

    @Test func samplesOfTheRecentWindowDriveTheSizingFindings() throws {
        let server = try SecantusServer()
        let engine = try Engine()
        defer { engine.shutdown() }
        let session = engine.makeSession()
        _ = try session.execute("CREATE POOL p URI '\(server.uri)' WITH (max_pool_size = 10); CHECK POOL p")
        #expect(try Self.findings(session).keys.sorted() == ["no_issues"])

        // Busy for the last ten minutes: raise. (Twelve samples, so that a sample the engine's
        // own sampler may add meanwhile cannot pull the average under the threshold.)
        try engine.metricsStore.append(Self.samples(utilization: 0.98, secondsAgo: Array(stride(from: 700, to: 140, by: -50))))
        var found = try Self.findings(session)
        #expect(found["raise_max_pool_size"]?["suggested_value"] == .text("15"))
        #expect(found["raise_max_pool_size"]?["current_value"] == .text("10"))
        #expect(found["raise_max_pool_size"]?["priority"] == .text("high"))
        #expect(found["raise_max_pool_size"]?["evidence"].map { $0.description.contains("samples in the last 15min") } == true)

        // The threshold is a setting.
        _ = try session.execute("SET recommendation_high_utilization = 0.99")
        #expect(try Self.findings(session)["raise_max_pool_size"] == nil)
        _ = try session.execute("RESET recommendation_high_utilization")

        // The load dropped: over the last two minutes the pool is nearly idle, so lower it.
        try engine.metricsStore.append(Self.samples(utilization: 0.1, secondsAgo: [100, 70, 40, 10]))
        _ = try session.execute("SET recommendation_window = '2min'")
        found = try Self.findings(session)
        #expect(found["raise_max_pool_size"] == nil)
        #expect(found["lower_max_pool_size"]?["suggested_value"] == .text("7"))
        #expect(found["lower_max_pool_size"]?["evidence"].map { $0.description.contains("last 2min") } == true)

        // Errors in the window: reliability.
        try engine.metricsStore.append(Self.samples(utilization: 0.1, secondsAgo: [5, 1], errors: 40))
        found = try Self.findings(session)
        #expect(found["high_error_rate"]?["category"] == .text("reliability"))
    }

    @Test func loadTestsDriveTheFindingsToo() throws {
        let server = try SecantusServer()
        let engine = try Engine()
        defer { engine.shutdown() }
        let session = engine.makeSession()
        _ = try session.execute("CREATE POOL p URI '\(server.uri)' WITH (max_pool_size = 2, wait_queue_timeout_ms = 2)")

        // More workers than connections: the pool is saturated and checkouts time out.
        _ = try session.execute("RUN LOAD TEST ON POOL p SCENARIO 'stress_test' WITH (concurrency = 10, duration = '1s', operation = 'insert')")
        var found = try Self.findings(session)
        #expect(found["raise_max_pool_size"]?["suggested_value"] == .text("3"))
        #expect(found["raise_max_pool_size"]?["evidence"].map { $0.description.contains("stress_test") } == true)
        #expect(found["checkout_waits"] != nil)
        #expect(found["more_concurrency"] == nil)

        // A gentle test that met its target with one connection: room to spare.
        _ = try session.execute("RUN LOAD TEST ON POOL p SCENARIO 'normal_load' WITH (concurrency = 1, operations = 20, target_ops_per_second = 100, operation = 'ping')")
        found = try Self.findings(session)
        #expect(found["raise_max_pool_size"] == nil)
        #expect(found["checkout_waits"] == nil)
        #expect(found["load_test_errors"] == nil)
        #expect(found["more_concurrency"]?["category"] == .text("scaling"))
    }

    @Test func anUnhealthyPoolIsCriticalAndFiltersWork() throws {
        let server = try SecantusServer()
        // Its own server, which stays up: only p's server goes away.
        let otherServer = try SecantusServer()
        let engine = try Engine()
        defer { engine.shutdown() }
        let session = engine.makeSession()
        _ = try session.execute("""
            CREATE POOL p URI '\(server.uri)' WITH (server_selection_timeout_ms = 500, connect_timeout_ms = 500);
            CREATE POOL other URI '\(otherServer.uri)';
            CHECK POOL p
            """)
        #expect(try Self.findings(session)["unhealthy"] == nil)
        server.stop()
        _ = try session.execute("CHECK POOL p")
        let unhealthy = try #require(try Self.findings(session)["unhealthy"])
        #expect(unhealthy["priority"] == .text("critical"))
        #expect(unhealthy["priority_rank"] == .int(1))
        #expect(unhealthy["category"] == .text("health"))

        // Most urgent first; filters on any column.
        let ordered = try session.execute("SELECT pool_name, priority FROM connection_pool_recommendations")[0].rows
        #expect(ordered.first == [.text("p"), .text("critical")])
        let critical = try session.execute("SELECT pool_name FROM connection_pool_recommendations WHERE priority = 'critical'")[0].rows
        #expect(critical == [[.text("p")]])

        _ = try session.execute("ALTER POOL other DISABLE")
        #expect(try Self.findings(session, pool: "other").keys.sorted() == ["pool_disabled"])
    }

    @Test func thresholdSettingsAreValidated() throws {
        let engine = try Engine()
        let session = engine.makeSession()
        _ = try session.execute("SET recommendation_low_utilization = 0.25")
        #expect(try session.execute("SHOW recommendation_low_utilization")[0].rows == [[.text("0.25")]])
        #expect(throws: PoolSQLError.self) { try session.execute("SET recommendation_low_utilization = 1.5") }
        #expect(throws: PoolSQLError.self) { try session.execute("SET recommendation_high_utilization = 'high'") }
        let row = try session.execute("SELECT type, setting, min_value, max_value FROM connection_pool_settings WHERE name = 'recommendation_high_utilization'")[0].rows
        #expect(row == [[.text("real"), .text("0.9"), .text("0"), .text("1")]])
    }
}
