import PoolSQLCore
import PoolSQLPool

/// Turns a pool's cumulative counters into the per-interval deltas of `connection_pool_metrics`.
///
/// A delta is `current - previous` for the same pool object. When the pool object changed (ALTER
/// POOL … DISABLE then ENABLE, DROP and CREATE under the same name) or a counter went backwards
/// (anything else that starts counting from zero), the counter restarted: the delta is the new
/// value, so deltas are never negative and nothing counted since the restart is lost.
struct SampleDeltaTracker: Sendable {
    /// The cumulative counters of one reading.
    struct Counters: Sendable, Hashable {
        var operations = 0
        var errors = 0
        var checkoutFailures = 0
        var connectionsCreated = 0
        var connectionsDestroyed = 0
        var checkouts = 0
        /// Sum of successful checkouts' waits, ms.
        var totalCheckoutWaitMS = 0.0

        init(operations: Int = 0, errors: Int = 0, checkoutFailures: Int = 0, connectionsCreated: Int = 0,
             connectionsDestroyed: Int = 0, checkouts: Int = 0, totalCheckoutWaitMS: Double = 0) {
            self.operations = operations
            self.errors = errors
            self.checkoutFailures = checkoutFailures
            self.connectionsCreated = connectionsCreated
            self.connectionsDestroyed = connectionsDestroyed
            self.checkouts = checkouts
            self.totalCheckoutWaitMS = totalCheckoutWaitMS
        }

        init(_ statistics: PoolStatistics) {
            self.init(operations: statistics.operations, errors: statistics.errors, checkoutFailures: statistics.checkoutFailures,
                      connectionsCreated: statistics.connectionsCreated, connectionsDestroyed: statistics.connectionsDestroyed,
                      checkouts: statistics.checkouts,
                      totalCheckoutWaitMS: statistics.avgCheckoutWaitMS * Double(statistics.checkouts))
        }
    }

    /// What happened in one interval.
    struct Delta: Sendable, Hashable {
        var operations: Int
        var errors: Int
        var checkoutFailures: Int
        var connectionsCreated: Int
        var connectionsDestroyed: Int
        var checkouts: Int
        /// Mean wait of this interval's successful checkouts, ms (0 without checkouts).
        var avgCheckoutWaitMS: Double
        /// errors / operations of this interval (0 without operations).
        var errorRate: Double { operations > 0 ? Double(errors) / Double(operations) : 0 }
    }

    private struct Previous {
        /// Which pool object the counters came from.
        var source: ObjectIdentifier
        var createdAt: Timestamp
        var counters: Counters
    }

    private var previous: [String: Previous] = [:]

    /// The delta of `pool` since its previous reading, and remembers this one. `source` and
    /// `createdAt` identify the pool object (an identifier alone may be reused after a pool is freed).
    mutating func delta(pool: String, source: ObjectIdentifier, createdAt: Timestamp, counters: Counters) -> Delta {
        let before = previous[pool]
        previous[pool] = Previous(source: source, createdAt: createdAt, counters: counters)
        let base = (before.map { $0.source == source && $0.createdAt == createdAt } ?? false) ? before?.counters : nil
        func since(_ now: Int, _ then: Int?) -> Int {
            guard let then, now >= then else { return max(0, now) }
            return now - then
        }
        let checkouts = since(counters.checkouts, base?.checkouts)
        var waited = counters.totalCheckoutWaitMS
        if let base, counters.checkouts >= base.checkouts { waited -= base.totalCheckoutWaitMS }
        return Delta(operations: since(counters.operations, base?.operations),
                     errors: since(counters.errors, base?.errors),
                     checkoutFailures: since(counters.checkoutFailures, base?.checkoutFailures),
                     connectionsCreated: since(counters.connectionsCreated, base?.connectionsCreated),
                     connectionsDestroyed: since(counters.connectionsDestroyed, base?.connectionsDestroyed),
                     checkouts: checkouts,
                     avgCheckoutWaitMS: checkouts > 0 ? max(0, waited) / Double(checkouts) : 0)
    }

    /// The pool is gone or disabled: its next reading starts from its own counters.
    mutating func forget(pool: String) {
        previous.removeValue(forKey: pool)
    }

    /// Keeps only the pools in `names` (dropped pools are forgotten).
    mutating func retain(pools names: Set<String>) {
        previous = previous.filter { names.contains($0.key) }
    }
}
