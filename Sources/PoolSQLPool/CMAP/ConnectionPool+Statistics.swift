import Histogram
import PoolSQLCore

/// Counters and the latency histogram of the commands run on a pool's connections.
public struct ConnectionPoolOperationStatistics: Sendable, Hashable {
    public var operations: Int
    public var errors: Int
    public var totalOperationTimeMS: Double
    public var avgOperationTimeMS: Double
    /// 95th and 99th percentile command time (HDR histogram, 3 significant digits); 0 before
    /// the first command.
    public var p95OperationTimeMS: Double
    public var p99OperationTimeMS: Double
    public var maxOperationTimeMS: Double
    public var errorRate: Double { operations == 0 ? 0 : Double(errors) / Double(operations) }
}

/// Guarded by its own lock, separate from the pool's, so recording an operation never waits
/// for a checkout.
struct OperationStatisticsRecorder {
    var operations = 0
    var errors = 0
    var totalTime: Duration = .zero
    /// Microseconds, up to one hour (longer ones are clamped).
    var histogram = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    /// The latencies since the metrics sampler last took them: the cumulative HDR histogram
    /// cannot be split into intervals, and history rollups need mergeable per-interval sketches.
    var intervalSketch = LatencySketch()

    mutating func record(_ duration: Duration, failed: Bool) {
        operations += 1
        if failed { errors += 1 }
        totalTime += duration
        let micros = max(0, duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000)
        _ = histogram.record(UInt64(min(micros, 3_600_000_000)))
        intervalSketch.record(Double(micros) / 1000)
    }

    /// The latencies recorded since the previous call (since creation for the first), and a
    /// fresh sketch for the next interval.
    mutating func takeIntervalSketch() -> LatencySketch {
        defer { intervalSketch = LatencySketch() }
        return intervalSketch
    }

    var statistics: ConnectionPoolOperationStatistics {
        let totalMS = ConnectionPoolBookkeeping.milliseconds(totalTime)
        let hasData = operations > 0
        return ConnectionPoolOperationStatistics(
            operations: operations, errors: errors, totalOperationTimeMS: totalMS,
            avgOperationTimeMS: hasData ? totalMS / Double(operations) : 0,
            p95OperationTimeMS: hasData ? Double(histogram.valueAtPercentile(95)) / 1000 : 0,
            p99OperationTimeMS: hasData ? Double(histogram.valueAtPercentile(99)) / 1000 : 0,
            maxOperationTimeMS: hasData ? Double(histogram.max) / 1000 : 0)
    }
}

extension ConnectionPool {
    /// Counts one command run on a connection of this pool.
    public func recordOperation(duration: Duration, failed: Bool) {
        operationStatistics.withLock { $0.record(duration, failed: failed) }
    }

    public func operationStatisticsSnapshot() -> ConnectionPoolOperationStatistics {
        operationStatistics.withLock { $0.statistics }
    }
}
