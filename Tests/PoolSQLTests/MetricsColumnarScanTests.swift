import Foundation
@testable import PoolSQL
import Testing

/// Aggregates over `connection_pool_metrics` in the embedded store read typed columns (and the
/// store's column cache) instead of rows; they must answer exactly as the row path does, which
/// an engine on the memory store (no columnar reads) gives for the same samples.
@Suite struct MetricsColumnarScanTests {
    static let queries = [
        // The shape of the hourly-trend query's first step.
        """
        SELECT pool_name, date_trunc('hour', metric_timestamp) AS hour, count(*), avg(active_connections), max(active_connections),
               avg(connection_utilization), max(connection_utilization),
               percentile_cont(0.95) WITHIN GROUP (ORDER BY avg_operation_time), avg(error_rate), sum(errors), sum(operations)
        FROM connection_pool_metrics GROUP BY pool_name, date_trunc('hour', metric_timestamp) ORDER BY 1, 2
        """,
        // Filters the store answers (time range, pool list, environment), then grouping by text columns.
        """
        SELECT environment, health_status, count(*), min(total_connections), sum(p95_operation_time), count(environment)
        FROM connection_pool_metrics
        WHERE metric_timestamp >= '2024-03-01 00:30:00+00' AND metric_timestamp < '2024-03-01 02:10:00+00' AND pool_name IN ('a', 'b')
        GROUP BY environment, health_status ORDER BY 1, 2
        """,
        "SELECT instance_id, date_trunc('day', metric_timestamp), percentile_disc(0.5) WITHIN GROUP (ORDER BY p99_operation_time) FROM connection_pool_metrics WHERE environment = 'test' GROUP BY 1, 2 ORDER BY 1, 2",
        "SELECT count(*), sum(active_connections), max(metric_timestamp) FROM connection_pool_metrics WHERE metric_timestamp > '2024-03-01 02:59:00+00'",
        "SELECT pool_name, count(*) FROM connection_pool_metrics WHERE pool_name = 'nope' GROUP BY 1",
    ]

    /// The history of MetricsHistoryTests plus a sample without environment, one with a NaN
    /// utilization, and one older than the rest written last (out of time order).
    static func samples() -> [MetricsSample] {
        var samples = MetricsHistoryTests.history(hours: 3).samples
        samples.append(MetricsSample(timestamp: MetricsHistoryTests.at(minutes: 65), poolName: "c", environment: nil, instanceID: "i2",
                                     activeConnections: 4, connectionUtilization: .nan, avgOperationTime: 2))
        samples.append(MetricsSample(timestamp: MetricsHistoryTests.at(minutes: -5), poolName: "a", environment: "prod", instanceID: "i1",
                                     activeConnections: 9, avgOperationTime: 7))
        return samples
    }

    func rows(_ session: Session, _ sql: String) throws -> [[Value]] {
        try session.execute(sql).last?.rows ?? []
    }

    /// The same rows from both sessions; a mismatch names the first differing row.
    func expectSame(_ session: Session, _ expected: Session, _ sql: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        // As text: NaN (the stored NULL of a REAL column) is not equal to itself as a Value.
        let got = try rows(session, sql).map { $0.map(\.description) }, want = try rows(expected, sql).map { $0.map(\.description) }
        let first = got.indices.first { $0 < want.count && got[$0] != want[$0] }
        #expect(got == want, "\(sql)\nrows \(got.count) vs \(want.count); first difference: \(first.map { "\(got[$0]) vs \(want[$0])" } ?? "none")",
                sourceLocation: sourceLocation)
    }

    @Test func aggregatesOverTheStoredHistoryMatchTheRowPathAndFollowNewSamples() throws {
        let directory = NSTemporaryDirectory() + "poolsql-columnar-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let stored = try Engine(configuration: EngineConfiguration(dataDirectory: directory, metricsSampling: false, instanceID: "test:1", logHandler: { _ in }))
        defer { stored.shutdown() }
        let reference = try Engine(configuration: EngineConfiguration(metricsSampling: false, instanceID: "test:1", logHandler: { _ in }))
        defer { reference.shutdown() }
        #expect(stored.metricsStore is SQLiteStore)
        #expect(!(reference.metricsStore is any ColumnarMetricsStore))
        for engine in [stored, reference] { try engine.metricsStore.append(Self.samples()) }
        let session = stored.makeSession(), expected = reference.makeSession()
        let cache = "SELECT column_cache_rows FROM connection_pool_metrics_status"

        // Filtered queries first: answered as columns, no cache built.
        for sql in Self.queries.dropFirst() { try expectSame(session, expected, sql) }
        #expect(try rows(session, cache) == [[.int(0)]])
        // The query over everything loads the cache; the others then read it.
        for sql in Self.queries { try expectSame(session, expected, sql) }
        #expect(try rows(session, cache) == [[.int(Int64(Self.samples().count))]])
        #expect(try rows(expected, cache) == [[.null]])

        // New samples reach the next query.
        let later = (0..<10).map { MetricsSample(timestamp: MetricsHistoryTests.at(minutes: 200 + Int64($0)), poolName: "b", environment: "test",
                                                instanceID: "i1", activeConnections: $0, avgOperationTime: Double($0)) }
        for engine in [stored, reference] { try engine.metricsStore.append(later) }
        for sql in Self.queries { try expectSame(session, expected, sql) }
        #expect(try rows(session, cache) == [[.int(Int64(Self.samples().count + later.count))]])

        // metrics_cache_size = 0 frees the cache; the answers stay.
        _ = try session.execute("SET metrics_cache_size = 0")
        for sql in Self.queries { try expectSame(session, expected, sql) }
        #expect(try rows(session, cache) == [[.int(0)]])
    }

    @Test func metricsCacheSizeTakesSizes() throws {
        let engine = try Engine(configuration: EngineConfiguration(metricsSampling: false, instanceID: "test:1", logHandler: { _ in }))
        defer { engine.shutdown() }
        let session = engine.makeSession()
        _ = try session.execute("SET metrics_cache_size = '64MB'")
        #expect(try rows(session, "SHOW metrics_cache_size") == [[.text("64MB")]])
        #expect(throws: PoolSQLError.self) { try session.execute("SET metrics_cache_size = 'lots'") }
        do {
            _ = try session.execute("SET metrics_cache_size = 'lots'")
        } catch {
            #expect(error.code == .invalidParameterValue)
            #expect(error.hint?.contains("no cache") == true)
        }
    }
}
