import PoolSQLCore

/// A consistent snapshot of one pool's counters and health (taken under the pool's lock).
public struct PoolStatistics: Sendable, Hashable {
    /// All connections the pool owns: in use + idle + being opened.
    public var totalConnections: Int
    /// Connections checked out right now.
    public var activeConnections: Int
    /// Idle connections ready to be checked out.
    public var availableConnections: Int
    /// Connections being opened right now.
    public var pendingConnections: Int
    /// Checkouts waiting for a connection.
    public var waitQueueLength: Int
    /// Connections opened successfully since the pool was created.
    public var connectionsCreated: Int
    /// Connections closed since the pool was created (idle expiry, shrinking, errors, close).
    public var connectionsDestroyed: Int
    /// Checkouts that failed: wait-queue timeouts and connections that could not be opened.
    public var checkoutFailures: Int
    /// Commands run on pool connections.
    public var operations: Int
    /// Commands that failed (server errors and network errors).
    public var errors: Int
    /// Mean command duration in milliseconds (0 before the first command).
    public var avgOperationTimeMS: Double
    /// `errors / operations`, 0 before the first command.
    public var errorRate: Double
    public var healthStatus: HealthStatus
    public var lastHealthCheck: Timestamp?
    public var lastHealthLatencyMS: Double?
    /// Why the last health check failed (credentials scrubbed); nil when it succeeded.
    public var lastHealthError: String?
    /// 95th and 99th percentile command duration in milliseconds (HDR histogram); 0 before the
    /// first command.
    public var p95OperationTimeMS: Double
    public var p99OperationTimeMS: Double
    /// Successful checkouts since the pool was created.
    public var checkouts: Int
    /// Mean and maximum time a successful checkout spent waiting (queue + establishing), ms.
    public var avgCheckoutWaitMS: Double
    public var maxCheckoutWaitMS: Double
    /// Checkouts that failed because `waitQueueTimeoutMS` passed (part of `checkoutFailures`).
    public var checkoutTimeouts: Int

    public init(totalConnections: Int = 0, activeConnections: Int = 0, availableConnections: Int = 0,
                pendingConnections: Int = 0, waitQueueLength: Int = 0, connectionsCreated: Int = 0,
                connectionsDestroyed: Int = 0, checkoutFailures: Int = 0, operations: Int = 0, errors: Int = 0,
                avgOperationTimeMS: Double = 0, errorRate: Double = 0, healthStatus: HealthStatus = .initializing,
                lastHealthCheck: Timestamp? = nil, lastHealthLatencyMS: Double? = nil, lastHealthError: String? = nil,
                p95OperationTimeMS: Double = 0, p99OperationTimeMS: Double = 0, checkouts: Int = 0,
                avgCheckoutWaitMS: Double = 0, maxCheckoutWaitMS: Double = 0, checkoutTimeouts: Int = 0) {
        self.totalConnections = totalConnections
        self.activeConnections = activeConnections
        self.availableConnections = availableConnections
        self.pendingConnections = pendingConnections
        self.waitQueueLength = waitQueueLength
        self.connectionsCreated = connectionsCreated
        self.connectionsDestroyed = connectionsDestroyed
        self.checkoutFailures = checkoutFailures
        self.operations = operations
        self.errors = errors
        self.avgOperationTimeMS = avgOperationTimeMS
        self.errorRate = errorRate
        self.healthStatus = healthStatus
        self.lastHealthCheck = lastHealthCheck
        self.lastHealthLatencyMS = lastHealthLatencyMS
        self.lastHealthError = lastHealthError
        self.p95OperationTimeMS = p95OperationTimeMS
        self.p99OperationTimeMS = p99OperationTimeMS
        self.checkouts = checkouts
        self.avgCheckoutWaitMS = avgCheckoutWaitMS
        self.maxCheckoutWaitMS = maxCheckoutWaitMS
        self.checkoutTimeouts = checkoutTimeouts
    }
}
