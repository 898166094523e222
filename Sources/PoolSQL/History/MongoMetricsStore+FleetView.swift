import PoolSQLCore
import PoolSQLStore
import Synchronization

/// What `mongodb_connection_pools` shows in a fleet reader: an engine with no pools of its own
/// and a shared store attached (`poolsql --store mongodb://…/db`) lists each instance's latest
/// sample of each pool instead of live pools, so an operator can watch a fleet from a laptop.
///
/// The tables are built before the engine finishes initialising, so the view holds the engine
/// weakly and is attached at the end of `Engine.init`.
final class FleetView: Sendable {
    /// A weak reference needs a `var`; the mutex guards it.
    private struct Reference {
        weak var engine: Engine?
    }

    private let reference = Mutex(Reference())

    func attach(_ engine: Engine) {
        reference.withLock { $0.engine = engine }
    }

    /// The newest sample of every (instance, pool) in the attached store, ordered by time, pool,
    /// instance; nil when this engine is not a fleet reader (it has pools, or no store is
    /// attached).
    func latestSamples() throws(PoolSQLError) -> [MetricsSample]? {
        guard let engine = reference.withLock({ $0.engine }), engine.pools.snapshot().isEmpty,
              engine.hasAttachedMetricsStore else { return nil }
        return try engine.metricsStore.samples(MetricsQuery(latestPerPoolAndInstance: true))
    }
}
