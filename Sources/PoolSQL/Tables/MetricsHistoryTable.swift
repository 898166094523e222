import PoolSQLCatalog
import PoolSQLCore
import PoolSQLStore

/// `connection_pool_metrics`: the raw samples of the metrics history, read from the current
/// metrics store at scan time (one row per pool per `metrics_sample_interval`).
///
/// Filters on `metric_timestamp` (`=`, `<`, `<=`, `>`, `>=`) and on `pool_name`, `environment`,
/// `instance_id` (`=`, `IN`) are answered by the store, so `WHERE metric_timestamp > now() -
/// interval '1 hour'` reads only the last hour however long the history is; EXPLAIN lists them
/// as exact scan filters.
struct MetricsHistoryTable: ColumnarTableProvider {
    let history: MetricsHistory

    static let columns: [VirtualColumn<MetricsSample>] = [
        .init("metric_timestamp", .timestamptz, "When the sample was taken") { .timestamp($0.timestamp.with(kind: .timestamptz)) },
        .init("pool_name", .text, "The pool") { .text($0.poolName) },
        .init("environment", .text, "ENVIRONMENT of the pool", nullable: true) { $0.environment.sqlValue },
        .init("instance_id", .text, "host:pid of the process that took the sample") { .text($0.instanceID) },
        .init("total_connections", .integer, "Open connections: in use + idle + being opened") { .int(Int64($0.totalConnections)) },
        .init("active_connections", .integer, "Connections checked out") { .int(Int64($0.activeConnections)) },
        .init("available_connections", .integer, "Idle connections ready for checkout") { .int(Int64($0.availableConnections)) },
        .init("pending_connections", .integer, "Connections being opened") { .int(Int64($0.pendingConnections)) },
        .init("wait_queue_length", .integer, "Checkouts waiting for a connection") { .int(Int64($0.waitQueueLength)) },
        .init("connection_utilization", .doublePrecision, "active_connections / max_pool_size (0–1)") { .double($0.connectionUtilization) },
        .init("avg_operation_time", .doublePrecision, "Mean operation time of the interval, ms") { .double($0.avgOperationTime) },
        .init("p95_operation_time", .doublePrecision, "95th percentile operation time of the interval, ms (within 1 %)") { .double($0.p95OperationTime) },
        .init("p99_operation_time", .doublePrecision, "99th percentile operation time of the interval, ms (within 1 %)") { .double($0.p99OperationTime) },
        .init("error_rate", .doublePrecision, "errors / operations of the interval (0–1)") { .double($0.errorRate) },
        .init("health_status", .text, "healthy | warning | degraded | unhealthy | unknown (before the first check) | disabled") { .text($0.healthStatus) },
        .init("operations", .bigint, "Operations in the interval") { .int(Int64($0.operations)) },
        .init("errors", .bigint, "Failed operations in the interval") { .int(Int64($0.errors)) },
        .init("checkout_failures", .bigint, "Failed checkouts in the interval") { .int(Int64($0.checkoutFailures)) },
        .init("connections_created", .bigint, "Connections opened in the interval") { .int(Int64($0.connectionsCreated)) },
        .init("connections_destroyed", .bigint, "Connections closed in the interval") { .int(Int64($0.connectionsDestroyed)) },
        .init("avg_checkout_wait_ms", .doublePrecision, "Mean wait of the interval's successful checkouts, ms") { .double($0.avgCheckoutWaitMS) },
        .init("latency_sketch", .text, "The interval's operation latencies (mergeable sketch; sketch_percentile(latency_sketch, q) merges them); NULL without operations", nullable: true) {
            $0.latencySketch.isEmpty ? .null : .text($0.latencySketch.encoded)
        },
    ]

    /// Schema position of `latency_sketch`.
    static let latencySketchColumn = columns.firstIndex { $0.definition.name == "latency_sketch" } ?? columns.count

    static let pushdown = MetricsQueryPushdown(timeColumn: 0, poolColumn: 1, environmentColumn: 2, instanceColumn: 3)

    let schema = TableSchema(columns: MetricsHistoryTable.columns.map(\.definition))

    func supportsFilter(_ filter: ScanFilter) -> FilterPushdown {
        MetricsHistoryTable.pushdown.supports(filter)
    }

    func scan(_ request: ScanRequest) throws(PoolSQLError) -> [[Value]] {
        let store = try history.requireStore()
        var query = MetricsHistoryTable.pushdown.query(request)
        // A scan that does not select latency_sketch lets the store skip reading and decoding
        // it: most of a stored row, and most of the cost of reading it.
        query.includeLatencySketch = request.projection.map { $0.contains(MetricsHistoryTable.latencySketchColumn) } ?? true
        let samples = try store.samples(query)
        return samples.map { MetricsHistoryTable.columns.row(for: $0, projection: request.projection) }
    }

    /// The store column behind each schema column (nil: `latency_sketch`, which is not read
    /// as a column).
    static let storeColumns: [SampleColumn?] = columns.map { SampleColumn(sqlName: $0.definition.name) }

    /// The scan as typed columns straight from a columnar store (the embedded SQLite store and
    /// its column cache, sized by `metrics_cache_size`): no `MetricsSample` or `Value` per row.
    /// Nil (rows) for other stores, a limit, or a projection with `latency_sketch`.
    func columnarScan(_ request: ScanRequest) throws(PoolSQLError) -> ColumnarBatch? {
        guard let store = try history.requireStore() as? any ColumnarMetricsStore else { return nil }
        let positions = request.projection ?? Array(MetricsHistoryTable.columns.indices)
        var wanted: [SampleColumn] = []
        for position in positions {
            guard let column = MetricsHistoryTable.storeColumns[position] else { return nil }
            wanted.append(column)
        }
        let query = MetricsHistoryTable.pushdown.query(request)
        guard let read = try store.sampleColumns(query, wanted, cacheLimitBytes: history.settings.metricsCacheBytes) else { return nil }
        var typed = [TypedColumn](repeating: .notRead, count: MetricsHistoryTable.columns.count)
        for position in positions {
            guard let column = MetricsHistoryTable.storeColumns[position], let vector = read.vectors[column] else { return nil }
            switch vector {
            case let .integers(values):
                typed[position] = column == .timestamp ? TypedColumn(timestamps: values, kind: .timestamptz) : TypedColumn(integers: values)
            case let .doubles(values):
                typed[position] = TypedColumn(doubles: values)
            case let .texts(ids, dictionary, nullBits):
                typed[position] = TypedColumn(textIDs: ids, dictionary: dictionary, nullBits: nullBits)
            }
        }
        return ColumnarBatch(rowCount: read.count, columns: typed)
    }
}
