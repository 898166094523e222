import PoolSQLCore

/// What the topology monitor knows about one server (SDAM's ServerDescription), for
/// `mongodb_servers`.
public struct ServerSnapshot: Sendable, Hashable {
    public var address: ServerAddress
    /// SDAM's spelling: `RSPrimary`, `RSSecondary`, `RSArbiter`, `RSOther`, `RSGhost`,
    /// `Standalone`, `Mongos`, `LoadBalancer`, `Unknown`, `PossiblePrimary`.
    public var serverType: String
    public var roundTripTimeMS: Double?
    public var lastHeartbeat: Timestamp?
    /// The last heartbeat/monitoring error (credentials scrubbed); nil after a success.
    public var lastError: String?
    public var setName: String?
    public var maxWireVersion: Int?

    public init(address: ServerAddress, serverType: String, roundTripTimeMS: Double? = nil, lastHeartbeat: Timestamp? = nil,
                lastError: String? = nil, setName: String? = nil, maxWireVersion: Int? = nil) {
        self.address = address
        self.serverType = serverType
        self.roundTripTimeMS = roundTripTimeMS
        self.lastHeartbeat = lastHeartbeat
        self.lastError = lastError
        self.setName = setName
        self.maxWireVersion = maxWireVersion
    }

    /// Types a pool may send operations to (SDAM: data-bearing, known).
    public var isDataBearing: Bool {
        ["RSPrimary", "RSSecondary", "Standalone", "Mongos", "LoadBalancer"].contains(serverType)
    }
}
