import PoolSQLCore
import Synchronization

/// The store of an engine without a data directory: everything in memory, same semantics as the
/// embedded store (it is the reference the store conformance tests hold the others to).
public final class MemoryStore: MetricsStore, MetadataStore, LoadTestResultStore {
    private struct State {
        var samples: [MetricsSample] = []
        var hourly: [MetricsRollup] = []
        var daily: [MetricsRollup] = []
        /// Buckets (hour starts, µs) whose raw rows changed since they were rolled up.
        var dirtyHours: Set<Int64> = []
        /// Newest hour already rolled up; later completed hours are due.
        var rolledUpThrough: Int64?
        var metadata: [String: [MetadataEntry]] = [:]
        var loadTests: [LoadTestResult] = []
        var closed = false
    }

    private let state = Mutex(State())

    public init() {}

    public var kind: String { "memory" }
    public var location: String { "memory" }

    private func checkOpen(_ s: State) throws(PoolSQLError) {
        if s.closed { throw PoolSQLError(.objectNotInPrerequisiteState, "the metrics store is closed") }
    }

    public func append(_ samples: [MetricsSample]) throws(PoolSQLError) {
        try state.withLock { (s: inout State) throws(PoolSQLError) in
            try checkOpen(s)
            for sample in samples {
                let hour = RollupGranularity.hourly.bucketStart(of: sample.timestamp).microseconds
                if let through = s.rolledUpThrough, hour <= through { s.dirtyHours.insert(hour) }
            }
            s.samples.append(contentsOf: samples)
        }
    }

    public func samples(_ query: MetricsQuery) throws(PoolSQLError) -> [MetricsSample] {
        try state.withLock { (s: inout State) throws(PoolSQLError) -> [MetricsSample] in
            try checkOpen(s)
            var rows = s.samples.filter {
                query.contains($0.timestamp) && query.matches(pool: $0.poolName, environment: $0.environment, instance: $0.instanceID)
            }
            rows.sort { ($0.timestamp.microseconds, $0.poolName, $0.instanceID) < ($1.timestamp.microseconds, $1.poolName, $1.instanceID) }
            if query.latestPerPoolAndInstance {
                var latest: [String: MetricsSample] = [:]
                for row in rows { latest[row.instanceID + "\u{0}" + row.poolName] = row }
                rows = latest.values.sorted { ($0.timestamp.microseconds, $0.poolName, $0.instanceID) < ($1.timestamp.microseconds, $1.poolName, $1.instanceID) }
            }
            if let limit = query.limit { rows = Array(rows.prefix(limit)) }
            if !query.includeLatencySketch {
                for i in rows.indices { rows[i].latencySketch = LatencySketch() }
            }
            return rows
        }
    }

    public func rollups(_ granularity: RollupGranularity, _ query: MetricsQuery) throws(PoolSQLError) -> [MetricsRollup] {
        try state.withLock { (s: inout State) throws(PoolSQLError) -> [MetricsRollup] in
            try checkOpen(s)
            let source = granularity == .hourly ? s.hourly : s.daily
            var rows = source.filter {
                query.contains($0.bucketStart) && query.matches(pool: $0.poolName, environment: $0.environment, instance: $0.instanceID)
            }
            if let limit = query.limit { rows = Array(rows.prefix(limit)) }
            return rows
        }
    }

    @discardableResult
    public func maintain(now: Timestamp, policy: RetentionPolicy) throws(PoolSQLError) -> MaintenanceReport {
        try state.withLock { (s: inout State) throws(PoolSQLError) -> MaintenanceReport in
            try checkOpen(s)
            var report = MaintenanceReport()
            let hour = RollupGranularity.hourly.bucketLength
            // Hours that ended by `now` and are not rolled up yet, plus dirty ones.
            let lastComplete = RollupGranularity.hourly.bucketStart(of: now).microseconds - hour
            var due = s.dirtyHours
            for sample in s.samples {
                let h = RollupGranularity.hourly.bucketStart(of: sample.timestamp).microseconds
                if h <= lastComplete, s.rolledUpThrough.map({ h > $0 }) ?? true { due.insert(h) }
            }
            if !due.isEmpty {
                let fresh = MetricsRollup.build(from: s.samples.filter {
                    due.contains(RollupGranularity.hourly.bucketStart(of: $0.timestamp).microseconds)
                }, granularity: .hourly)
                s.hourly.removeAll { due.contains($0.bucketStart.microseconds) }
                s.hourly.append(contentsOf: fresh)
                s.hourly.sort { ($0.bucketStart.microseconds, $0.poolName, $0.instanceID) < ($1.bucketStart.microseconds, $1.poolName, $1.instanceID) }
                report.hourlyRollupsWritten = fresh.count
                // Days touched by the rebuilt hours that have ended are rebuilt from their hours.
                let dayLength = RollupGranularity.daily.bucketLength
                let lastCompleteDay = RollupGranularity.daily.bucketStart(of: now).microseconds - dayLength
                let days = Set(due.map { RollupGranularity.daily.bucketStart(of: Timestamp(microseconds: $0)).microseconds })
                    .filter { $0 <= lastCompleteDay }
                if !days.isEmpty {
                    let freshDays = MetricsRollup.merge(s.hourly.filter {
                        days.contains(RollupGranularity.daily.bucketStart(of: $0.bucketStart).microseconds)
                    }, into: .daily)
                    s.daily.removeAll { days.contains($0.bucketStart.microseconds) }
                    s.daily.append(contentsOf: freshDays)
                    s.daily.sort { ($0.bucketStart.microseconds, $0.poolName, $0.instanceID) < ($1.bucketStart.microseconds, $1.poolName, $1.instanceID) }
                    report.dailyRollupsWritten = freshDays.count
                }
                s.rolledUpThrough = max(s.rolledUpThrough ?? lastComplete, lastComplete)
                s.dirtyHours = []
            } else if s.rolledUpThrough == nil || lastComplete > (s.rolledUpThrough ?? .min) {
                s.rolledUpThrough = lastComplete
            }
            // Retention, in batches.
            let rawCutoff = now.microseconds - policy.rawRetentionMicroseconds
            let expiredRaw = s.samples.indices.filter { s.samples[$0].timestamp.microseconds < rawCutoff }
            let rawBatch = Array(expiredRaw.prefix(policy.deleteBatchSize))
            if !rawBatch.isEmpty {
                let drop = Set(rawBatch)
                s.samples = s.samples.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
            }
            report.rawRowsDeleted = rawBatch.count
            let rollupCutoff = now.microseconds - policy.rollupRetentionMicroseconds
            let before = s.hourly.count + s.daily.count
            s.hourly.removeAll { $0.bucketStart.microseconds < rollupCutoff }
            s.daily.removeAll { $0.bucketStart.microseconds < rollupCutoff }
            report.rollupRowsDeleted = before - s.hourly.count - s.daily.count
            report.moreToDelete = expiredRaw.count > rawBatch.count
            return report
        }
    }

    public func statistics() throws(PoolSQLError) -> MetricsStoreStatistics {
        try state.withLock { (s: inout State) throws(PoolSQLError) -> MetricsStoreStatistics in
            try checkOpen(s)
            return MetricsStoreStatistics(rawSamples: s.samples.count, hourlyRollups: s.hourly.count,
                                          dailyRollups: s.daily.count, sizeBytes: 0,
                                          oldestSample: s.samples.map(\.timestamp).min(),
                                          newestSample: s.samples.map(\.timestamp).max())
        }
    }

    public func close() {
        state.withLock { $0.closed = true }
    }

    // MARK: MetadataStore

    public func entries(namespace: String) throws(PoolSQLError) -> [MetadataEntry] {
        state.withLock { $0.metadata[namespace] ?? [] }
    }

    public func replaceEntries(namespace: String, with entries: [MetadataEntry]) throws(PoolSQLError) {
        state.withLock { $0.metadata[namespace] = entries }
    }

    public func setEntry(namespace: String, key: String, value: String?) throws(PoolSQLError) {
        state.withLock { s in
            var list = s.metadata[namespace] ?? []
            if let value {
                if let i = list.firstIndex(where: { $0.key == key }) { list[i].value = value } else {
                    list.append(MetadataEntry(key: key, value: value))
                }
            } else {
                list.removeAll { $0.key == key }
            }
            s.metadata[namespace] = list
        }
    }

    // MARK: LoadTestResultStore

    public func appendLoadTestResult(_ result: LoadTestResult) throws(PoolSQLError) -> LoadTestResult {
        state.withLock { s in
            var stored = result
            stored.testID = (s.loadTests.last?.testID ?? 0) + 1
            s.loadTests.append(stored)
            return stored
        }
    }

    public func loadTestResults() throws(PoolSQLError) -> [LoadTestResult] {
        state.withLock { $0.loadTests }
    }
}
