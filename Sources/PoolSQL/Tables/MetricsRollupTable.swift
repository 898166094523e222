import PoolSQLCatalog
import PoolSQLCore
import PoolSQLStore

/// `connection_pool_metrics_hourly` and `connection_pool_metrics_daily`: one row per (bucket,
/// pool, instance), built by the maintenance task once the hour or day has ended.
///
/// Percentiles come from the bucket's merged latency sketch: they are true percentiles of the
/// bucket's operations within `LatencySketch.relativeAccuracy` (1 %), not averages of the
/// samples' percentiles. Over several buckets, `sketch_percentile(latency_sketch, q)` merges the
/// sketches with the same guarantee. Filters on `bucket_start`, `pool_name`, `environment` and
/// `instance_id` are answered by the store.
struct MetricsRollupTable: TableProvider {
    let history: MetricsHistory
    let granularity: RollupGranularity

    init(history: MetricsHistory, granularity: RollupGranularity) {
        self.history = history
        self.granularity = granularity
    }

    static let columns: [VirtualColumn<MetricsRollup>] = [
        .init("bucket_start", .timestamptz, "Start of the hour or day (UTC)") { .timestamp($0.bucketStart.with(kind: .timestamptz)) },
        .init("pool_name", .text, "The pool") { .text($0.poolName) },
        .init("environment", .text, "ENVIRONMENT of the pool", nullable: true) { $0.environment.sqlValue },
        .init("instance_id", .text, "host:pid of the process that took the samples") { .text($0.instanceID) },
        .init("sample_count", .bigint, "Samples in the bucket") { .int(Int64($0.sampleCount)) },
        .init("avg_total_connections", .doublePrecision, "Mean of total_connections") { .double($0.avgTotalConnections) },
        .init("max_total_connections", .integer, "Largest total_connections") { .int(Int64($0.maxTotalConnections)) },
        .init("avg_active_connections", .doublePrecision, "Mean of active_connections") { .double($0.avgActiveConnections) },
        .init("max_active_connections", .integer, "Largest active_connections") { .int(Int64($0.maxActiveConnections)) },
        .init("max_wait_queue_length", .integer, "Longest wait queue") { .int(Int64($0.maxWaitQueueLength)) },
        .init("avg_connection_utilization", .doublePrecision, "Mean utilization (0–1)") { .double($0.avgConnectionUtilization) },
        .init("min_connection_utilization", .doublePrecision, "Lowest utilization (0–1)") { .double($0.minConnectionUtilization) },
        .init("max_connection_utilization", .doublePrecision, "Highest utilization (0–1)") { .double($0.maxConnectionUtilization) },
        .init("avg_operation_time", .doublePrecision, "Operation-weighted mean operation time, ms") { .double($0.avgOperationTime) },
        .init("p50_operation_time", .doublePrecision, "Median operation time of the bucket, ms (within 1 %); NULL without operations", nullable: true) {
            $0.percentile(0.5).sqlValue
        },
        .init("p95_operation_time", .doublePrecision, "95th percentile operation time of the bucket, ms (within 1 %); NULL without operations", nullable: true) {
            $0.percentile(0.95).sqlValue
        },
        .init("p99_operation_time", .doublePrecision, "99th percentile operation time of the bucket, ms (within 1 %); NULL without operations", nullable: true) {
            $0.percentile(0.99).sqlValue
        },
        .init("operations", .bigint, "Operations in the bucket") { .int(Int64($0.operations)) },
        .init("errors", .bigint, "Failed operations in the bucket") { .int(Int64($0.errors)) },
        .init("checkout_failures", .bigint, "Failed checkouts in the bucket") { .int(Int64($0.checkoutFailures)) },
        .init("connections_created", .bigint, "Connections opened in the bucket") { .int(Int64($0.connectionsCreated)) },
        .init("connections_destroyed", .bigint, "Connections closed in the bucket") { .int(Int64($0.connectionsDestroyed)) },
        .init("error_rate", .doublePrecision, "errors / operations of the bucket (0–1)") { .double($0.errorRate) },
        .init("avg_checkout_wait_ms", .doublePrecision, "Sample-weighted mean checkout wait, ms") { .double($0.avgCheckoutWaitMS) },
        .init("unhealthy_samples", .bigint, "Samples whose health_status was unhealthy") { .int(Int64($0.unhealthySamples)) },
        .init("latency_sketch", .text, "The bucket's merged latency sketch (sketch_percentile(latency_sketch, q) merges several); NULL without operations", nullable: true) {
            $0.latencySketch.isEmpty ? .null : .text($0.latencySketch.encoded)
        },
    ]

    static let pushdown = MetricsQueryPushdown(timeColumn: 0, poolColumn: 1, environmentColumn: 2, instanceColumn: 3)

    let schema = TableSchema(columns: MetricsRollupTable.columns.map(\.definition))

    func supportsFilter(_ filter: ScanFilter) -> FilterPushdown {
        MetricsRollupTable.pushdown.supports(filter)
    }

    func scan(_ request: ScanRequest) throws(PoolSQLError) -> [[Value]] {
        let store = try history.requireStore()
        let rollups = try store.rollups(granularity, MetricsRollupTable.pushdown.query(request))
        return rollups.map { MetricsRollupTable.columns.row(for: $0, projection: request.projection) }
    }
}
