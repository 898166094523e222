import Dispatch
import PoolSQL
import Synchronization

/// A metrics store that works, fails, or hangs on `append` as a test says — a full disk, a
/// network store that stopped answering — and otherwise is a `MemoryStore`.
final class ControllableMetricsStore: MetricsStore {
    enum Mode: Sendable { case working, failing, blocking }

    let inner = MemoryStore()
    private let mode = Mutex(Mode.working)
    private let release = DispatchSemaphore(value: 0)
    private let attempts = Atomic<Int>(0)
    private let blocked = Atomic<Int>(0)

    var kind: String { "test" }
    var location: String { "controllable" }

    /// Switches the mode; leaving `blocking` releases the appends that hang.
    func set(_ newMode: Mode) {
        let old = mode.withLock { m in
            defer { m = newMode }
            return m
        }
        if old == .blocking, newMode != .blocking {
            for _ in 0..<blocked.load(ordering: .acquiring) + 1 { release.signal() }
        }
    }

    /// Appends tried so far.
    var appendAttempts: Int { attempts.load(ordering: .acquiring) }

    func append(_ samples: [MetricsSample]) throws(PoolSQLError) {
        attempts.add(1, ordering: .acquiringAndReleasing)
        if mode.withLock({ $0 }) == .blocking {
            blocked.add(1, ordering: .acquiringAndReleasing)
            release.wait()
            blocked.subtract(1, ordering: .acquiringAndReleasing)
        }
        if mode.withLock({ $0 }) == .failing {
            throw PoolSQLError(.ioError, "could not write the metrics: no space left on device (test)")
        }
        try inner.append(samples)
    }

    func samples(_ query: MetricsQuery) throws(PoolSQLError) -> [MetricsSample] {
        queries.withLock { $0.append(query) }
        return try inner.samples(query)
    }

    /// Every query `samples` was asked, in order.
    let queries = Mutex<[MetricsQuery]>([])
    func rollups(_ granularity: RollupGranularity, _ query: MetricsQuery) throws(PoolSQLError) -> [MetricsRollup] {
        try inner.rollups(granularity, query)
    }
    func maintain(now: Timestamp, policy: RetentionPolicy) throws(PoolSQLError) -> MaintenanceReport {
        try inner.maintain(now: now, policy: policy)
    }
    func statistics() throws(PoolSQLError) -> MetricsStoreStatistics { try inner.statistics() }
    func close() { inner.close() }
}
