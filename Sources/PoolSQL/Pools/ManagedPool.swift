import PoolSQLCore
import PoolSQLPool

/// A pool the engine manages: its declaration plus the live `MongoPool` (nil while disabled).
struct ManagedPool: Sendable {
    var configuration: PoolConfiguration
    var pool: MongoPool?
    /// The statistics the pool had when it was disabled, so cumulative counters stay visible.
    var lastStatistics: PoolStatistics?
    /// The event log of the pool that was closed by DISABLE, so its last events (pool_closed,
    /// connection_closed…) stay visible in `connection_pool_events` until it is enabled again.
    var lastEvents: PoolEventLog?

    var statistics: PoolStatistics? { pool?.statistics() ?? lastStatistics }

    /// The events `connection_pool_events` shows for this pool.
    var events: PoolEventLog? { pool?.events ?? lastEvents }
}
