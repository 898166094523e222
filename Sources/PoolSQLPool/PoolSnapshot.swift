import PoolSQLCore

/// One consistent reading of a whole PoolSQL pool (every per-server pool and the topology),
/// taken at once so a query sees numbers that add up.
public struct PoolSnapshot: Sendable {
    public var name: String
    /// Counters and sizes summed over the per-server pools, plus health.
    public var statistics: PoolStatistics
    /// `ready` when the pool can hand out connections to its selectable server, `paused`
    /// after a clear until the server is healthy again, `closed` after close.
    public var state: ConnectionPoolState
    /// Bumped by every clear (the highest generation over the per-server pools).
    public var generation: Int
    public var createdAt: Timestamp
    /// SDAM's topology type: `Single`, `ReplicaSetWithPrimary`, `ReplicaSetNoPrimary`,
    /// `Sharded`, `LoadBalanced`, `Unknown`.
    public var topologyType: String
    public var servers: [ServerSnapshot]
    public var serverPools: [ConnectionPoolSnapshot]
    public var options: PoolOptions

    public init(name: String, statistics: PoolStatistics, state: ConnectionPoolState, generation: Int, createdAt: Timestamp,
                topologyType: String, servers: [ServerSnapshot], serverPools: [ConnectionPoolSnapshot], options: PoolOptions) {
        self.name = name
        self.statistics = statistics
        self.state = state
        self.generation = generation
        self.createdAt = createdAt
        self.topologyType = topologyType
        self.servers = servers
        self.serverPools = serverPools
        self.options = options
    }

    /// Every connection of every per-server pool.
    public var connections: [ConnectionSnapshot] { serverPools.flatMap(\.connections) }
}
