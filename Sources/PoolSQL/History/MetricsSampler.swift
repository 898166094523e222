import Foundation
import PoolSQLCore
import PoolSQLPool
import PoolSQLStore
import Synchronization

/// Takes one `connection_pool_metrics` row per pool: on its own thread every
/// `metrics_sample_interval`, or when asked (`Engine.sampleMetricsNow`).
///
/// A sample reads each pool once (`MongoPool.snapshot()`, the same short per-server locks a
/// `SELECT … FROM mongodb_connection_pools` takes) and the latencies recorded since the previous
/// sample (`takeIntervalLatencySketch`); it never waits for a connection or the store: the rows
/// go to the queue, which the writer drains.
final class MetricsSampler: Sendable {
    let pools: PoolRegistry
    let settings: SettingsRegistry
    /// `host:pid`, or what the configuration says.
    let instanceID: String
    private let tracker = AnnotatedMutex(SampleDeltaTracker())
    private let lastTick = AnnotatedMutex<ContinuousClock.Instant?>(nil)
    private let loop = BackgroundLoop(name: "poolsql-metrics-sampler")
    /// The sampler wakes at least this often to see whether the interval changed.
    static let longestSleep: Duration = .seconds(1)

    init(pools: PoolRegistry, settings: SettingsRegistry, instanceID: String) {
        self.pools = pools
        self.settings = settings
        self.instanceID = instanceID
    }

    /// `host:pid` of this process.
    static var defaultInstanceID: String {
        var buffer = [CChar](repeating: 0, count: 256)
        let host = gethostname(&buffer, buffer.count) == 0
            ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "localhost"
        return "\(host.isEmpty ? "localhost" : host):\(ProcessInfo.processInfo.processIdentifier)"
    }

    /// One sample of every pool (disabled ones included, with `health_status` 'disabled'), in
    /// pool-name order, all stamped `time`.
    func takeSamples(at time: Timestamp = .now()) -> [MetricsSample] {
        let timestamp = time.with(kind: .timestamptz)
        return tracker.withLock { tracker in
            let managedPools = pools.snapshot()
            tracker.retain(pools: Set(managedPools.map(\.configuration.name)))
            return managedPools.map { managed in
                sample(of: managed, at: timestamp, tracker: &tracker)
            }
        }
    }

    private func sample(of managed: ManagedPool, at timestamp: Timestamp, tracker: inout SampleDeltaTracker) -> MetricsSample {
        let configuration = managed.configuration
        var sample = MetricsSample(timestamp: timestamp, poolName: configuration.name, environment: configuration.environment,
                                   instanceID: instanceID)
        guard let pool = managed.pool else {
            // A disabled pool still gets its row: gaps in a graph would hide that it was off.
            tracker.forget(pool: configuration.name)
            sample.healthStatus = "disabled"
            sample.maxPoolSize = (try? configuration.effectiveOptions(settings: pools.settings))?.maxPoolSize ?? 0
            return sample
        }
        let snapshot = pool.snapshot()
        let sketch = pool.takeIntervalLatencySketch()
        let statistics = snapshot.statistics
        let delta = tracker.delta(pool: configuration.name, source: ObjectIdentifier(pool), createdAt: pool.createdAt,
                                  counters: SampleDeltaTracker.Counters(statistics))
        sample.totalConnections = statistics.totalConnections
        sample.activeConnections = statistics.activeConnections
        sample.availableConnections = statistics.availableConnections
        sample.pendingConnections = statistics.pendingConnections
        sample.waitQueueLength = statistics.waitQueueLength
        sample.maxPoolSize = snapshot.options.maxPoolSize
        sample.connectionUtilization = snapshot.options.maxPoolSize > 0
            ? Double(statistics.activeConnections) / Double(snapshot.options.maxPoolSize) : 0
        sample.avgOperationTime = sketch.mean ?? 0
        sample.p95OperationTime = sketch.quantile(0.95) ?? 0
        sample.p99OperationTime = sketch.quantile(0.99) ?? 0
        sample.errorRate = delta.errorRate
        sample.healthStatus = MetricsSampler.healthText(statistics.healthStatus)
        sample.operations = delta.operations
        sample.errors = delta.errors
        sample.checkoutFailures = delta.checkoutFailures
        sample.connectionsCreated = delta.connectionsCreated
        sample.connectionsDestroyed = delta.connectionsDestroyed
        sample.avgCheckoutWaitMS = delta.avgCheckoutWaitMS
        sample.latencySketch = sketch
        return sample
    }

    /// The pool's health as the history spells it: `unknown` before the first check.
    static func healthText(_ status: HealthStatus) -> String {
        status == .initializing ? "unknown" : status.rawValue
    }

    /// Starts sampling every `metrics_sample_interval` (the first sample one interval from now);
    /// `deliver` gets each tick's samples.
    func start(deliver: @escaping @Sendable ([MetricsSample]) -> Void) {
        lastTick.withLock { $0 = ContinuousClock.now }
        loop.start { [self] in
            let interval = settings.metricsSampleInterval
            let now = ContinuousClock.now
            let last = lastTick.withLock { $0 } ?? now
            var next = last + interval
            if now >= next {
                deliver(takeSamples())
                // Keep the cadence (no drift) unless a tick was missed altogether.
                let tick = now - next < interval ? next : now
                lastTick.withLock { $0 = tick }
                next = tick + interval
            }
            return min(MetricsSampler.longestSleep, max(.milliseconds(1), next - ContinuousClock.now))
        }
    }

    func stop() {
        loop.stop()
    }

    var isRunning: Bool { loop.isRunning }
}
