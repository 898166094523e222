import Foundation
import PoolSQLCore
@testable import PoolSQLStore

/// Everything an engine's local store is (PoolSQL's `LocalStore`).
typealias TestStore = MetricsStore & MetadataStore & LoadTestResultStore

/// The stores the conformance suite holds to the same checks.
enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case memory
    case sqlite

    var description: String { rawValue }
}

/// A throw-away directory for store files, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "poolsql-store-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs `body` with a fresh store of `kind` (SQLite in a temporary directory, removed afterwards).
func withStore(_ kind: StoreKind, _ body: (any TestStore) throws -> Void) throws {
    switch kind {
    case .memory:
        try body(MemoryStore())
    case .sqlite:
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.file("store.sqlite"))
        defer { store.close() }
        try body(store)
    }
}

enum Fixtures {
    static let hour: Int64 = 3_600_000_000
    static let day: Int64 = 86_400_000_000
    /// 2026-01-05 00:00:00 UTC, a day start.
    static let day0: Int64 = 1_767_571_200_000_000

    static func at(_ microseconds: Int64) -> Timestamp { Timestamp(microseconds: microseconds, kind: .timestamptz) }

    /// A sample whose fields all derive from `seed`, with `latencies` recorded in its sketch.
    static func sample(_ microseconds: Int64, pool: String, instance: String = "host-a:1", environment: String? = "prod",
                       seed: Int = 0, latencies: [Double] = []) -> MetricsSample {
        var sketch = LatencySketch()
        for value in latencies { sketch.record(value) }
        return MetricsSample(
            timestamp: at(microseconds), poolName: pool, environment: environment, instanceID: instance,
            totalConnections: 10 + seed % 7, activeConnections: seed % 10, availableConnections: 10 - seed % 10,
            pendingConnections: seed % 3, waitQueueLength: seed % 5, maxPoolSize: 20,
            connectionUtilization: Double(seed % 10) / 20, avgOperationTime: 1.5 + Double(seed % 4),
            p95OperationTime: 4.25, p99OperationTime: 9.5, errorRate: seed % 9 == 0 ? 0.01 : 0,
            healthStatus: seed % 11 == 0 ? "unhealthy" : "healthy", operations: latencies.count,
            errors: seed % 9 == 0 ? 1 : 0, checkoutFailures: seed % 13 == 0 ? 1 : 0, connectionsCreated: seed % 2,
            connectionsDestroyed: seed % 3 == 0 ? 1 : 0, avgCheckoutWaitMS: Double(seed % 6) * 0.25,
            latencySketch: sketch)
    }

    /// Three pools × two instances, one sample every 10 minutes for `hours` hours from `start`.
    static func grid(from start: Int64 = day0, hours: Int = 3) -> [MetricsSample] {
        var out: [MetricsSample] = []
        var seed = 0
        for step in 0..<(hours * 6) {
            for pool in ["orders", "billing", "search"] {
                for instance in ["host-a:1", "host-b:2"] {
                    seed += 1
                    out.append(sample(start + Int64(step) * 600_000_000, pool: pool, instance: instance,
                                      environment: pool == "search" ? "staging" : "prod", seed: seed,
                                      latencies: [Double(seed % 17) + 0.5, Double(seed % 5) * 3 + 1]))
                }
            }
        }
        return out
    }

    /// The reference answer: the rows passing `query`'s filters, ordered by time, pool, instance.
    static func expected(_ rows: [MetricsSample], _ query: MetricsQuery) -> [MetricsSample] {
        let kept = rows.filter {
            query.contains($0.timestamp) && query.matches(pool: $0.poolName, environment: $0.environment, instance: $0.instanceID)
        }.sorted { ($0.timestamp.microseconds, $0.poolName, $0.instanceID) < ($1.timestamp.microseconds, $1.poolName, $1.instanceID) }
        return query.limit.map { Array(kept.prefix($0)) } ?? kept
    }

    static func loadTest(pool: String, minutes: Double) -> LoadTestResult {
        LoadTestResult(poolName: pool, scenarioName: "steady", startedAt: at(day0), concurrentConnections: 8,
                       operationType: "find", testDurationMinutes: minutes, targetOperationsPerSecond: nil,
                       actualOperationsPerSecond: 812.5, totalOperations: 48_750, successRate: 99.5,
                       avgResponseTimeMS: 3.2, p50ResponseTimeMS: 2.9, p95ResponseTimeMS: 7.1, p99ResponseTimeMS: 12.4,
                       maxResponseTimeMS: 40.0, peakConnectionsUsed: 8, avgConnectionsUsed: 6.5,
                       connectionUtilizationPeak: 0.8, totalErrors: 3, timeoutErrors: 1, connectionErrors: 2,
                       avgCheckoutWaitMS: 0.4)
    }
}
