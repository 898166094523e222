import PoolSQLCore
import PoolSQLPool

/// A pool the engine manages: its declaration plus the live `MongoPool` (nil while disabled).
struct ManagedPool: Sendable {
    var configuration: PoolConfiguration
    var pool: MongoPool?
    /// The statistics the pool had when it was disabled, so cumulative counters stay visible.
    var lastStatistics: PoolStatistics?

    var statistics: PoolStatistics? { pool?.statistics() ?? lastStatistics }
}
