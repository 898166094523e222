import PoolSQLCore

/// A column of the stored samples that a columnar read returns (every one but the latency
/// sketch), named as in `connection_pool_metrics`.
public enum SampleColumn: Int, CaseIterable, Sendable, Hashable {
    case timestamp, poolName, environment, instanceID
    case totalConnections, activeConnections, availableConnections, pendingConnections, waitQueueLength, maxPoolSize
    case connectionUtilization, avgOperationTime, p95OperationTime, p99OperationTime, errorRate
    case healthStatus
    case operations, errors, checkoutFailures, connectionsCreated, connectionsDestroyed
    case avgCheckoutWaitMS

    /// How a column is held: integers (timestamps in µs), doubles (NaN where the store has
    /// NULL, as `MetricsSample` reads it), or dictionary-coded text.
    public enum Storage: Sendable { case integer, double, text }

    public var sqlName: String {
        switch self {
        case .timestamp: "metric_timestamp"
        case .poolName: "pool_name"
        case .environment: "environment"
        case .instanceID: "instance_id"
        case .totalConnections: "total_connections"
        case .activeConnections: "active_connections"
        case .availableConnections: "available_connections"
        case .pendingConnections: "pending_connections"
        case .waitQueueLength: "wait_queue_length"
        case .maxPoolSize: "max_pool_size"
        case .connectionUtilization: "connection_utilization"
        case .avgOperationTime: "avg_operation_time"
        case .p95OperationTime: "p95_operation_time"
        case .p99OperationTime: "p99_operation_time"
        case .errorRate: "error_rate"
        case .healthStatus: "health_status"
        case .operations: "operations"
        case .errors: "errors"
        case .checkoutFailures: "checkout_failures"
        case .connectionsCreated: "connections_created"
        case .connectionsDestroyed: "connections_destroyed"
        case .avgCheckoutWaitMS: "avg_checkout_wait_ms"
        }
    }

    public var storage: Storage {
        switch self {
        case .poolName, .environment, .instanceID, .healthStatus: .text
        case .connectionUtilization, .avgOperationTime, .p95OperationTime, .p99OperationTime, .errorRate, .avgCheckoutWaitMS: .double
        default: .integer
        }
    }

    /// The column named `name` in `connection_pool_metrics`.
    public init?(sqlName name: String) {
        guard let column = Self.allCases.first(where: { $0.sqlName == name }) else { return nil }
        self = column
    }
}

/// One column of a columnar read.
public enum SampleVector: Sendable {
    case integers([Int64])
    case doubles([Double])
    /// Row `r` is `dictionary[ids[r]]`, or NULL when bit `r % 64` of word `r / 64` of `nullBits`
    /// is set (`nil`: no NULLs; only `environment` has them). Distinct byte sequences have
    /// distinct ids.
    case texts(ids: [UInt32], dictionary: [String], nullBits: [UInt64]?)
}

/// The samples of a query as columns: `count` rows in the order `MetricsStore.samples` returns
/// them (time, pool, instance; ties in write order), each requested column as a vector.
public struct SampleColumns: Sendable {
    public var count: Int
    public var vectors: [SampleColumn: SampleVector]

    public init(count: Int, vectors: [SampleColumn: SampleVector]) {
        self.count = count
        self.vectors = vectors
    }
}

/// A store that can answer a samples query as columns, without building a `MetricsSample` per
/// row: what analytic queries over the whole history need.
public protocol ColumnarMetricsStore: MetricsStore {
    /// The samples `samples(query)` returns, as `columns`; nil when the store answers this
    /// query better as rows (a limit, the latest sample per pool).
    ///
    /// `cacheLimitBytes`: a store may keep columns in memory between calls (kept in step with
    /// every write and delete, by this process or others) when they fit in this many bytes; 0
    /// turns the cache off.
    func sampleColumns(_ query: MetricsQuery, _ columns: [SampleColumn], cacheLimitBytes: Int64) throws(PoolSQLError) -> SampleColumns?
    /// Rows and bytes of columns held in memory now.
    func columnCacheSize() -> (rows: Int, bytes: Int64)
}
