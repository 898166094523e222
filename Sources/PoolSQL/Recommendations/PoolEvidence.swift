import PoolSQLCore
import PoolSQLPool
import PoolSQLStore

/// Everything the recommendation rules know about one pool: its declaration, its live
/// statistics, its samples of the recent window and its latest load test.
struct PoolEvidence: Sendable {
    var poolName: String
    var enabled: Bool
    var maxPoolSize: Int
    var minPoolSize: Int
    /// Live counters; nil while the pool is disabled.
    var statistics: PoolStatistics?
    /// The pool's samples in the recent window; nil when it has fewer than the minimum.
    var window: MetricsWindowSummary?
    /// Samples seen in the window even when too few to rely on (for the evidence text).
    var windowSampleCount: Int
    var latestLoadTest: LoadTestResult?

    /// `active_connections / max_pool_size` now.
    var liveUtilization: Double? {
        guard let statistics, maxPoolSize > 0 else { return nil }
        return Double(statistics.activeConnections) / Double(maxPoolSize)
    }
}

/// A pool's `connection_pool_metrics` samples of the recent window, summarised.
struct MetricsWindowSummary: Sendable, Hashable {
    var sampleCount: Int
    var averageUtilization: Double
    var peakUtilization: Double
    var operations: Int
    var errors: Int
    /// Mean operation time over the window's operations, ms (0 without operations).
    var averageOperationTimeMS: Double
    var checkoutFailures: Int
    /// Mean of the samples' average checkout waits, over samples with operations, ms.
    var averageCheckoutWaitMS: Double
    var longestWaitQueue: Int
    var unhealthySamples: Int
    var oldest: Timestamp
    var newest: Timestamp

    /// errors / operations over the window; nil without operations.
    var errorRate: Double? { operations > 0 ? Double(errors) / Double(operations) : nil }

    /// Summarises `samples` (one pool's); nil when there are none.
    init?(_ samples: [MetricsSample]) {
        guard let first = samples.first else { return nil }
        sampleCount = samples.count
        averageUtilization = samples.reduce(0) { $0 + $1.connectionUtilization } / Double(samples.count)
        peakUtilization = samples.map(\.connectionUtilization).max() ?? 0
        operations = samples.reduce(0) { $0 + $1.operations }
        errors = samples.reduce(0) { $0 + $1.errors }
        let weightedTime = samples.reduce(0) { $0 + $1.avgOperationTime * Double($1.operations) }
        averageOperationTimeMS = operations > 0 ? weightedTime / Double(operations) : 0
        checkoutFailures = samples.reduce(0) { $0 + $1.checkoutFailures }
        let busy = samples.filter { $0.operations > 0 }
        averageCheckoutWaitMS = busy.isEmpty ? 0 : busy.reduce(0) { $0 + $1.avgCheckoutWaitMS } / Double(busy.count)
        longestWaitQueue = samples.map(\.waitQueueLength).max() ?? 0
        unhealthySamples = samples.filter { $0.healthStatus == HealthStatus.unhealthy.rawValue }.count
        oldest = samples.map(\.timestamp).min() ?? first.timestamp
        newest = samples.map(\.timestamp).max() ?? first.timestamp
    }
}
