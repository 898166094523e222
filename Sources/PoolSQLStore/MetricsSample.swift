import PoolSQLCore

/// One row of `connection_pool_metrics`: a pool's state at `timestamp` plus what happened since
/// the previous sample of the same pool in the same process (the per-interval deltas).
///
/// Deltas are computed by the sampler from cumulative counters; when a counter went backwards
/// (pool re-created, process restarted) the delta is the new counter value, never negative.
public struct MetricsSample: Sendable, Hashable {
    /// `metric_timestamp` (timestamptz).
    public var timestamp: Timestamp
    public var poolName: String
    public var environment: String?
    /// `host:pid` of the process that took the sample, so several instances can share a store.
    public var instanceID: String
    public var totalConnections: Int
    public var activeConnections: Int
    public var availableConnections: Int
    public var pendingConnections: Int
    public var waitQueueLength: Int
    /// The pool's `max_pool_size` when sampled (recommendations compare against it).
    public var maxPoolSize: Int
    /// active / max_pool_size, 0…1.
    public var connectionUtilization: Double
    /// Milliseconds, over this interval's operations (0 when there were none).
    public var avgOperationTime: Double
    public var p95OperationTime: Double
    public var p99OperationTime: Double
    /// errors / operations over this interval, 0…1.
    public var errorRate: Double
    /// `healthy`, `unhealthy`, `unknown`, `disabled`.
    public var healthStatus: String
    // Per-interval deltas.
    public var operations: Int
    public var errors: Int
    public var checkoutFailures: Int
    public var connectionsCreated: Int
    public var connectionsDestroyed: Int
    /// Average checkout wait over this interval's checkouts, in milliseconds.
    public var avgCheckoutWaitMS: Double
    /// This interval's operation latencies; rollups merge these for true percentiles.
    /// Empty for imported rows that carry none.
    public var latencySketch: LatencySketch

    public init(timestamp: Timestamp, poolName: String, environment: String? = nil, instanceID: String,
                totalConnections: Int = 0, activeConnections: Int = 0, availableConnections: Int = 0,
                pendingConnections: Int = 0, waitQueueLength: Int = 0, maxPoolSize: Int = 0,
                connectionUtilization: Double = 0, avgOperationTime: Double = 0, p95OperationTime: Double = 0,
                p99OperationTime: Double = 0, errorRate: Double = 0, healthStatus: String = "unknown",
                operations: Int = 0, errors: Int = 0, checkoutFailures: Int = 0, connectionsCreated: Int = 0,
                connectionsDestroyed: Int = 0, avgCheckoutWaitMS: Double = 0, latencySketch: LatencySketch = LatencySketch()) {
        self.timestamp = timestamp
        self.poolName = poolName
        self.environment = environment
        self.instanceID = instanceID
        self.totalConnections = totalConnections
        self.activeConnections = activeConnections
        self.availableConnections = availableConnections
        self.pendingConnections = pendingConnections
        self.waitQueueLength = waitQueueLength
        self.maxPoolSize = maxPoolSize
        self.connectionUtilization = connectionUtilization
        self.avgOperationTime = avgOperationTime
        self.p95OperationTime = p95OperationTime
        self.p99OperationTime = p99OperationTime
        self.errorRate = errorRate
        self.healthStatus = healthStatus
        self.operations = operations
        self.errors = errors
        self.checkoutFailures = checkoutFailures
        self.connectionsCreated = connectionsCreated
        self.connectionsDestroyed = connectionsDestroyed
        self.avgCheckoutWaitMS = avgCheckoutWaitMS
        self.latencySketch = latencySketch
    }
}
