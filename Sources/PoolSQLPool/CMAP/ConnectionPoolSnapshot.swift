/// One consistent reading (taken under the pool's lock) of a per-server CMAP pool.
public struct ConnectionPoolSnapshot: Sendable, Hashable {
    public var address: ServerAddress
    public var state: ConnectionPoolState
    public var generation: Int
    /// In use + idle + pending (CMAP's totalConnectionCount).
    public var totalConnections: Int
    public var availableConnections: Int
    public var inUseConnections: Int
    public var pendingConnections: Int
    public var waitQueueLength: Int
    public var connections: [ConnectionSnapshot]
    /// Counters since the pool was created.
    public var checkouts: Int
    public var checkoutFailures: Int
    public var checkoutTimeouts: Int
    public var connectionsCreated: Int
    public var connectionsClosed: Int
    /// Sum and maximum of the time successful checkouts spent in `checkOut`, milliseconds.
    public var totalCheckoutWaitMS: Double
    public var maxCheckoutWaitMS: Double

    public init(address: ServerAddress, state: ConnectionPoolState, generation: Int = 0, totalConnections: Int = 0,
                availableConnections: Int = 0, inUseConnections: Int = 0, pendingConnections: Int = 0,
                waitQueueLength: Int = 0, connections: [ConnectionSnapshot] = [], checkouts: Int = 0,
                checkoutFailures: Int = 0, checkoutTimeouts: Int = 0, connectionsCreated: Int = 0,
                connectionsClosed: Int = 0, totalCheckoutWaitMS: Double = 0, maxCheckoutWaitMS: Double = 0) {
        self.address = address
        self.state = state
        self.generation = generation
        self.totalConnections = totalConnections
        self.availableConnections = availableConnections
        self.inUseConnections = inUseConnections
        self.pendingConnections = pendingConnections
        self.waitQueueLength = waitQueueLength
        self.connections = connections
        self.checkouts = checkouts
        self.checkoutFailures = checkoutFailures
        self.checkoutTimeouts = checkoutTimeouts
        self.connectionsCreated = connectionsCreated
        self.connectionsClosed = connectionsClosed
        self.totalCheckoutWaitMS = totalCheckoutWaitMS
        self.maxCheckoutWaitMS = maxCheckoutWaitMS
    }
}
