import PoolSQLCore

/// One CMAP or SDAM event of a pool, as the `connection_pool_events` table and event
/// subscribers see it.
public struct PoolEvent: Sendable, Hashable {
    public var time: Timestamp
    /// The PoolSQL pool (the name given in `CREATE POOL`).
    public var poolName: String
    public var type: PoolEventType
    /// The server the event is about; nil for topology-wide events.
    public var serverAddress: ServerAddress?
    /// The pool's connection id for connection events.
    public var connectionID: Int?
    public var reason: PoolEventReason?
    /// CMAP durations: time to establish (connection_ready), time spent in checkout
    /// (checked_out / check_out_failed); heartbeat round trip for heartbeats.
    public var durationMS: Double?
    /// Free text: the error message (credentials scrubbed), options for pool_created, old → new
    /// server type for description changes, `interruptInUseConnections` for clears.
    public var detail: String?
    /// For `pool_cleared`: whether in-use connections were interrupted.
    public var interruptInUseConnections: Bool?

    public init(time: Timestamp = .now(), poolName: String, type: PoolEventType, serverAddress: ServerAddress? = nil,
                connectionID: Int? = nil, reason: PoolEventReason? = nil, durationMS: Double? = nil,
                detail: String? = nil, interruptInUseConnections: Bool? = nil) {
        self.time = time
        self.poolName = poolName
        self.type = type
        self.serverAddress = serverAddress
        self.connectionID = connectionID
        self.reason = reason
        self.durationMS = durationMS
        self.detail = detail
        self.interruptInUseConnections = interruptInUseConnections
    }
}
