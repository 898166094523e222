import Foundation
import PoolSQLCore
import PoolSQLStore

/// The generated history of the store section: 20 pools, one instance, one sample per pool
/// every 10 s from 2026-01-05 00:00 UTC, each with a busy interval's latency sketch.
enum GeneratedHistory {
    static let pools = 20
    static let interval: Int64 = 10_000_000
    static let start: Int64 = 1_767_571_200_000_000  // 2026-01-05 00:00 UTC

    /// Latency sketches like a busy pool's 10 s interval: ~200 operations, log-normal around 3 ms
    /// (most between 0.5 and 20 ms). A fixed set, reused, so generating them is not what is timed.
    static func makeSketches(_ n: Int) -> [LatencySketch] {
        var state: UInt64 = 0x5EED
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (Double(state >> 11) + 0.5) / Double(1 << 53)
        }
        return (0..<n).map { _ in
            var sketch = LatencySketch()
            for _ in 0..<200 {
                let normal = sqrt(-2 * log(uniform())) * cos(2 * .pi * uniform())
                sketch.record(exp(log(3.0) + 0.6 * normal))
            }
            return sketch
        }
    }

    static let sketches = makeSketches(997)

    static func sample(_ index: Int) -> MetricsSample {
        let tick = Int64(index / pools)
        let pool = index % pools
        return MetricsSample(
            timestamp: Timestamp(microseconds: start + tick * interval, kind: .timestamptz), poolName: "pool-\(pool)",
            environment: "prod", instanceID: "app-host-01:4242", totalConnections: 20 + index % 5,
            activeConnections: index % 17, availableConnections: 20 - index % 17, pendingConnections: index % 3,
            waitQueueLength: index % 4, maxPoolSize: 50, connectionUtilization: Double(index % 17) / 50,
            avgOperationTime: 3.4, p95OperationTime: 8.1, p99OperationTime: 13.7, errorRate: index % 50 == 0 ? 0.005 : 0,
            healthStatus: "healthy", operations: 200, errors: index % 50 == 0 ? 1 : 0, checkoutFailures: 0,
            connectionsCreated: index % 7 == 0 ? 1 : 0, connectionsDestroyed: index % 11 == 0 ? 1 : 0,
            avgCheckoutWaitMS: 0.12, latencySketch: sketches[index % sketches.count])
    }
}
