import PoolSQLCore

/// One open (or opening) connection of a pool, as `mongodb_connections` shows it.
public struct ConnectionSnapshot: Sendable, Hashable {
    public var poolName: String
    public var connectionID: Int
    public var serverAddress: ServerAddress
    public var state: ConnectionState
    public var generation: Int
    public var createdAt: Timestamp
    public var lastCheckedOutAt: Timestamp?
    public var lastCheckedInAt: Timestamp?
    public var checkoutCount: Int
    /// The id the server gave the connection (matches `currentOp`'s `connectionId`).
    public var serverConnectionID: Int?

    public init(poolName: String, connectionID: Int, serverAddress: ServerAddress, state: ConnectionState, generation: Int,
                createdAt: Timestamp, lastCheckedOutAt: Timestamp? = nil, lastCheckedInAt: Timestamp? = nil,
                checkoutCount: Int = 0, serverConnectionID: Int? = nil) {
        self.poolName = poolName
        self.connectionID = connectionID
        self.serverAddress = serverAddress
        self.state = state
        self.generation = generation
        self.createdAt = createdAt
        self.lastCheckedOutAt = lastCheckedOutAt
        self.lastCheckedInAt = lastCheckedInAt
        self.checkoutCount = checkoutCount
        self.serverConnectionID = serverConnectionID
    }
}
