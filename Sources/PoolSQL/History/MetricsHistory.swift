import Foundation
import PoolSQLCore
import PoolSQLPool
import PoolSQLStore
import Synchronization

/// The engine's metrics history machinery: the sampler (its own thread) puts one row per pool
/// per tick into a bounded queue; the writer (another thread) drains the queue into the current
/// metrics store in batches, one `append` (one transaction) per batch; the maintenance task (a
/// third thread) builds rollups and applies retention every minute and right after start.
///
/// A slow or failing store never holds up sampling or the pools: samples wait in the queue, a
/// failed batch stays queued and is retried with back-off, and the trouble is reported once per
/// episode — a `metrics_store_error` / `metrics_store_slow` / `metrics_samples_dropped` event in
/// every pool's `connection_pool_events` and a line in the engine's log — followed by
/// `metrics_store_recovered` when writes succeed again.
final class MetricsHistory: Sendable {
    let queue: MetricsSampleQueue
    let sampler: MetricsSampler
    let pools: PoolRegistry
    let settings: SettingsRegistry
    private let log: @Sendable (String) -> Void
    private let writerLoop = BackgroundLoop(name: "poolsql-metrics-writer")
    private let maintenanceLoop = BackgroundLoop(name: "poolsql-metrics-maintenance")
    private let storeProvider = AnnotatedMutex<(@Sendable () -> (any MetricsStore)?)?>(nil)
    /// Serialises writes: the writer thread and explicit flushes take batches one at a time.
    private let writeLock = AnnotatedMutex(WriterState())
    private let state = AnnotatedMutex(ReportState())
    /// Rows per `append`.
    static let batchSize = 1000
    /// How often maintenance runs, and how soon again while expired rows remain.
    static let maintenanceInterval: Duration = .seconds(60)
    static let maintenanceFollowUp: Duration = .seconds(1)
    /// A write taking longer than this is reported as slow.
    static let slowWrite: Duration = .seconds(2)

    private struct WriterState {
        var backoff: Duration = .zero
    }

    private struct ReportState {
        var status = MetricsHistoryStatus()
        /// When the write now in progress started (nil between writes).
        var writeStartedAt: ContinuousClock.Instant?
        var slowReported = false
        var lastDropReport: ContinuousClock.Instant?
        var maintenanceFailing = false
    }

    init(pools: PoolRegistry, settings: SettingsRegistry, instanceID: String, queueCapacity: Int,
         log: @escaping @Sendable (String) -> Void) {
        self.pools = pools
        self.settings = settings
        self.queue = MetricsSampleQueue(capacity: queueCapacity)
        self.sampler = MetricsSampler(pools: pools, settings: settings, instanceID: instanceID)
        self.log = log
    }

    /// Where samples go and maintenance runs: the engine's current store, read at each write.
    func attach(store: @escaping @Sendable () -> (any MetricsStore)?) {
        storeProvider.withLock { $0 = store }
    }

    private var currentStore: (any MetricsStore)? { storeProvider.withLock { $0 }?() }

    /// Starts the sampler, writer and maintenance threads.
    func start() {
        state.withLock { $0.status.sampling = true }
        writerLoop.start { [self] in writerRound() }
        maintenanceLoop.start { [self] in maintenanceRound() }
        sampler.start { [self] samples in deliver(samples) }
    }

    /// Stops the threads and writes what is still queued into `store` (one attempt, and none
    /// while a write hangs: what cannot be written is said in the log).
    func stop(flushingInto store: (any MetricsStore)?) {
        sampler.stop()
        writerLoop.stop()
        maintenanceLoop.stop()
        let writing = state.withLock { s -> Bool in
            s.status.sampling = false
            return s.writeStartedAt != nil
        }
        guard queue.count > 0, let store else { return }
        // A write that hangs holds the write lock: waiting for it would hang the shutdown too.
        if writing {
            log("metrics: a write to the metrics store is still in progress at shutdown; \(queue.count) queued samples were not written")
            return
        }
        do {
            try drain(into: store)
        } catch {
            log("metrics: \(queue.count) queued samples were not written at shutdown: \(error.message)")
        }
    }

    // MARK: Sampling

    /// Samples every pool now, queues the rows and writes the queue (on this thread). The rows
    /// are returned; a store failure is thrown and the rows stay queued for the writer.
    func sampleNow() throws(PoolSQLError) -> [MetricsSample] {
        let samples = sampler.takeSamples()
        deliver(samples)
        try flush()
        return samples
    }

    private func deliver(_ samples: [MetricsSample]) {
        let dropped = queue.enqueue(samples)
        let now = ContinuousClock.now
        var reports: [(String, String)] = []
        state.withLock { s in
            s.status.lastSampleAt = samples.first?.timestamp ?? s.status.lastSampleAt
            if dropped > 0, s.lastDropReport.map({ now - $0 >= .seconds(60) }) ?? true {
                s.lastDropReport = now
                reports.append(("metrics_samples_dropped",
                                "metrics queue full (\(queue.capacity) samples): dropped the \(dropped) oldest, \(queue.droppedSamples) so far; last write error: \(s.status.lastWriteError ?? "none")"))
            }
            // A write that hangs cannot report itself: the sampler notices.
            if let started = s.writeStartedAt, now - started >= MetricsHistory.slowWrite, !s.slowReported {
                s.slowReported = true
                reports.append(("metrics_store_slow",
                                "a write to the metrics store has not finished after \(Int((now - started).components.seconds)) s; \(queue.count) samples queued"))
            }
        }
        for (type, detail) in reports { report(type, detail) }
        writerLoop.wake()
    }

    // MARK: Writing

    /// Writes every queued sample to the current store on this thread; throws the first
    /// failure (the failed batch and everything after it stay queued).
    func flush() throws(PoolSQLError) {
        guard let store = currentStore else {
            throw PoolSQLError(.objectNotInPrerequisiteState, "the metrics store is not available")
        }
        try drain(into: store)
    }

    private func drain(into store: any MetricsStore) throws(PoolSQLError) {
        try writeLock.withLock { (_: inout WriterState) throws(PoolSQLError) in
            while true {
                let (batch, last) = queue.peek(limit: MetricsHistory.batchSize)
                if batch.isEmpty { return }
                let started = ContinuousClock.now
                state.withLock { $0.writeStartedAt = started }
                do throws(PoolSQLError) {
                    try store.append(batch)
                } catch {
                    writeFailed(error, store: store)
                    throw error
                }
                queue.remove(through: last)
                writeSucceeded(batch.count, took: ContinuousClock.now - started, store: store)
            }
        }
    }

    private func writeFailed(_ error: PoolSQLError, store: any MetricsStore) {
        let now = Timestamp.now().with(kind: .timestamptz)
        let first = state.withLock { s -> Bool in
            s.writeStartedAt = nil
            s.status.lastWriteError = error.message
            defer { if s.status.failingSince == nil { s.status.failingSince = now } }
            return s.status.failingSince == nil
        }
        if first {
            report("metrics_store_error", "writing to the \(store.kind) metrics store \(store.location) failed: \(error.message); \(queue.count) samples queued, retrying")
        }
    }

    private func writeSucceeded(_ count: Int, took: Duration, store: any MetricsStore) {
        let now = Timestamp.now().with(kind: .timestamptz)
        let (failingSince, wasSlow) = state.withLock { s -> (Timestamp?, Bool) in
            let failing = s.status.failingSince
            let slow = s.slowReported || took >= MetricsHistory.slowWrite
            s.writeStartedAt = nil
            s.slowReported = false
            s.status.failingSince = nil
            s.status.lastWriteError = nil
            s.status.lastWriteAt = now
            return (failing, slow)
        }
        if let failingSince {
            let seconds = Double(now.microseconds - failingSince.microseconds) / 1_000_000
            report("metrics_store_recovered", "the \(store.kind) metrics store \(store.location) accepts writes again after \(String(format: "%.1f", seconds)) s of failures")
        } else if wasSlow, took >= MetricsHistory.slowWrite {
            report("metrics_store_slow", "writing \(count) samples to the \(store.kind) metrics store \(store.location) took \(BackgroundLoop.milliseconds(took)) ms")
        }
    }

    /// One round of the writer thread: drain, or back off after a failure.
    private func writerRound() -> Duration {
        guard queue.count > 0, let store = currentStore else { return .seconds(1) }
        do {
            try drain(into: store)
            writeLock.withLock { $0.backoff = .zero }
            return .seconds(1)
        } catch {
            return writeLock.withLock { w in
                w.backoff = min(max(w.backoff * 2, .milliseconds(250)), .seconds(10))
                return w.backoff
            }
        }
    }

    // MARK: Maintenance

    /// Builds due rollups and applies retention (from the `metrics_*` settings) as of `now`.
    func maintainNow(now: Timestamp = .now()) throws(PoolSQLError) -> MaintenanceReport {
        guard let store = currentStore else {
            throw PoolSQLError(.objectNotInPrerequisiteState, "the metrics store is not available")
        }
        let at = Timestamp.now().with(kind: .timestamptz)
        do {
            let report = try store.maintain(now: now.with(kind: .timestamptz), policy: settings.metricsRetentionPolicy)
            let recovered = state.withLock { s -> Bool in
                s.status.lastMaintenanceAt = at
                s.status.lastMaintenance = report
                s.status.lastMaintenanceError = nil
                defer { s.maintenanceFailing = false }
                return s.maintenanceFailing
            }
            if recovered { log("metrics: maintenance of the \(store.kind) metrics store succeeds again") }
            return report
        } catch {
            // A store replaced (SET metrics_store) while it was being maintained was closed
            // under us: not a failure of the store in use, so nothing to report.
            if let current = currentStore, (current as AnyObject) !== (store as AnyObject) { throw error }
            let first = state.withLock { s -> Bool in
                s.status.lastMaintenanceAt = at
                s.status.lastMaintenanceError = error.message
                defer { s.maintenanceFailing = true }
                return !s.maintenanceFailing
            }
            if first { log("metrics: maintenance of the \(store.kind) metrics store \(store.location) failed: \(error.message)") }
            throw error
        }
    }

    private func maintenanceRound() -> Duration {
        guard currentStore != nil else { return MetricsHistory.maintenanceInterval }
        do {
            let report = try maintainNow()
            return report.moreToDelete ? MetricsHistory.maintenanceFollowUp : MetricsHistory.maintenanceInterval
        } catch {
            return MetricsHistory.maintenanceInterval
        }
    }

    // MARK: Status and reports

    var status: MetricsHistoryStatus {
        var status = state.withLock { $0.status }
        status.queuedSamples = queue.count
        status.droppedSamples = queue.droppedSamples
        status.writtenSamples = queue.writtenSamples
        return status
    }

    /// The current store (nil only while the engine is going away).
    var store: (any MetricsStore)? { currentStore }

    /// The current store, or 55000 while the engine is going away.
    func requireStore() throws(PoolSQLError) -> any MetricsStore {
        guard let store = currentStore else {
            throw PoolSQLError(.objectNotInPrerequisiteState, "the metrics store is not available")
        }
        return store
    }

    /// Says `detail` in the log and as a `type` event of every open pool.
    private func report(_ type: String, _ detail: String) {
        log("metrics: \(detail)")
        let event = PoolEventType(rawValue: type)
        for managed in pools.snapshot() {
            managed.pool?.events.emit(PoolEvent(poolName: managed.configuration.name, type: event, detail: detail))
        }
    }
}
