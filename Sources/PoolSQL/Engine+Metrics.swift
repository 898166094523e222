import Foundation
import PoolSQLCore
import PoolSQLStore

/// The metrics history from Swift: sample, write and maintain on demand (tests, `poolsql`, apps
/// that turned the background sampler off), and how it is doing.
extension Engine {
    /// Samples every pool now (one row each, disabled pools included), and writes them and
    /// anything else queued to the metrics store before returning. A store failure is thrown;
    /// the rows then stay queued (the background writer retries them).
    @discardableResult
    public func sampleMetricsNow() throws(PoolSQLError) -> [MetricsSample] {
        try metricsHistory.sampleNow()
    }

    /// Writes the queued samples to the metrics store now; throws the store's error.
    public func flushMetrics() throws(PoolSQLError) {
        try metricsHistory.flush()
    }

    /// Builds the due hourly and daily rollups and applies retention (`metrics_retention`,
    /// `metrics_rollup_retention`, `metrics_store_max_size`) as of `now`, as the background
    /// maintenance does every minute.
    @discardableResult
    public func runMetricsMaintenanceNow(now: Timestamp = .now()) throws(PoolSQLError) -> MaintenanceReport {
        try metricsHistory.maintainNow(now: now)
    }

    /// Queue, drops, last write and maintenance of the metrics history.
    public var metricsStatus: MetricsHistoryStatus { metricsHistory.status }

    /// The default log: one line on standard error.
    static let standardErrorLog: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data("poolsql: \(line)\n".utf8))
    }
}
