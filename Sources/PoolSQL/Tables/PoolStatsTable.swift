import PoolSQLCatalog
import PoolSQLCore
import PoolSQLPool

/// `mongodb_connection_pools`: one row per pool, read live from the pools at scan time.
///
/// Filters on the declared columns (`pool_name`, `environment`, `enabled`, `uri`) are applied
/// exactly before any pool is asked for statistics, so `WHERE pool_name = 'p'` reads one pool.
///
/// In a fleet reader (no pools of its own, a shared metrics store attached) the rows are each
/// instance's latest stored sample of each pool instead (see `FleetView`): the columns a sample
/// has are filled from it, `instance_id` and `sampled_at` say whose and when, the others are NULL.
struct PoolStatsTable: TableProvider {
    let pools: PoolRegistry
    let fleet: FleetView

    /// What one row is computed from: the declaration, and one `MongoPool.snapshot()` taken once
    /// per pool per scan (nil while the pool is disabled), so every column of a row comes from the
    /// same moment.
    struct Snapshot: Sendable {
        var configuration: PoolConfiguration
        var options: PoolOptions
        var statistics: PoolStatistics?
        var pool: PoolSnapshot?
    }

    static let columns: [VirtualColumn<Snapshot>] = [
        .init("pool_name", .text, "Name given in CREATE POOL") { .text($0.configuration.name) },
        .init("environment", .text, "ENVIRONMENT given in CREATE POOL", nullable: true) { $0.configuration.environment.sqlValue },
        .init("enabled", .boolean, "False after ALTER POOL … DISABLE") { .bool($0.configuration.enabled) },
        .init("uri", .text, "Connection string, password redacted") { .text($0.configuration.uri.redacted) },
        .init("app_name", .text, "Application name sent in the handshake", nullable: true) { $0.options.appName.sqlValue },
        .init("read_preference", .text, "Read preference mode") { .text($0.options.readPreference) },
        .init("total_connections", .integer, "Open connections: in use + idle + being opened") { .int(Int64($0.statistics?.totalConnections ?? 0)) },
        .init("active_connections", .integer, "Connections checked out") { .int(Int64($0.statistics?.activeConnections ?? 0)) },
        .init("available_connections", .integer, "Idle connections ready for checkout") { .int(Int64($0.statistics?.availableConnections ?? 0)) },
        .init("pending_connections", .integer, "Connections being opened") { .int(Int64($0.statistics?.pendingConnections ?? 0)) },
        .init("wait_queue_length", .integer, "Checkouts waiting for a connection") { .int(Int64($0.statistics?.waitQueueLength ?? 0)) },
        .init("min_pool_size", .integer, "Effective minPoolSize") { .int(Int64($0.options.minPoolSize)) },
        .init("max_pool_size", .integer, "Effective maxPoolSize") { .int(Int64($0.options.maxPoolSize)) },
        .init("max_connecting", .integer, "Effective maxConnecting") { .int(Int64($0.options.maxConnecting)) },
        .init("idle_timeout_ms", .bigint, "Effective maxIdleTimeMS (0: never)") { .int(Int64($0.options.maxIdleTimeMS)) },
        .init("wait_queue_timeout_ms", .bigint, "Effective waitQueueTimeoutMS (0: no limit)") { .int(Int64($0.options.waitQueueTimeoutMS)) },
        .init("server_selection_timeout_ms", .bigint, "Effective serverSelectionTimeoutMS") { .int(Int64($0.options.serverSelectionTimeoutMS)) },
        .init("connect_timeout_ms", .bigint, "Effective connectTimeoutMS") { .int(Int64($0.options.connectTimeoutMS)) },
        .init("socket_timeout_ms", .bigint, "Effective socketTimeoutMS (0: none)") { .int(Int64($0.options.socketTimeoutMS)) },
        .init("heartbeat_frequency_ms", .bigint, "Effective heartbeatFrequencyMS") { .int(Int64($0.options.heartbeatFrequencyMS)) },
        .init("health_check_interval_ms", .bigint, "Interval of the ping health check") { .int(Int64($0.options.healthCheckIntervalMS)) },
        .init("connection_utilization", .doublePrecision, "active_connections / max_pool_size (0–1)") { snapshot in
            let active = Double(snapshot.statistics?.activeConnections ?? 0)
            let maximum = Double(snapshot.options.maxPoolSize)
            return .double(maximum > 0 ? active / maximum : 0)
        },
        .init("operations", .bigint, "Operations run through the pool") { .int(Int64($0.statistics?.operations ?? 0)) },
        .init("errors", .bigint, "Operations that failed") { .int(Int64($0.statistics?.errors ?? 0)) },
        .init("avg_operation_time", .doublePrecision, "Mean operation time in ms") { .double($0.statistics?.avgOperationTimeMS ?? 0) },
        .init("error_rate", .doublePrecision, "errors / operations (0–1)") { .double($0.statistics?.errorRate ?? 0) },
        .init("health_status", .text, "initializing | healthy | warning | degraded | unhealthy; NULL while disabled", nullable: true) { snapshot in
            snapshot.configuration.enabled ? .text((snapshot.statistics?.healthStatus ?? .initializing).rawValue) : .null
        },
        .init("last_health_check", .timestamptz, "When the last health check finished", nullable: true) { snapshot in
            snapshot.statistics?.lastHealthCheck.map(Value.timestamp) ?? .null
        },
        .init("last_health_latency_ms", .doublePrecision, "Round-trip time of the last successful ping", nullable: true) { snapshot in
            snapshot.statistics?.lastHealthLatencyMS.map(Value.double) ?? .null
        },
        .init("last_health_error", .text, "Why the last health check failed", nullable: true) { $0.statistics?.lastHealthError.sqlValue ?? .null },
        .init("connections_created", .bigint, "Connections opened since the pool was created") { .int(Int64($0.statistics?.connectionsCreated ?? 0)) },
        .init("connections_destroyed", .bigint, "Connections closed since the pool was created") { .int(Int64($0.statistics?.connectionsDestroyed ?? 0)) },
        .init("checkout_failures", .bigint, "Checkouts that timed out or failed") { .int(Int64($0.statistics?.checkoutFailures ?? 0)) },
        .init("created_at", .timestamptz, "When the pool was created") { .timestamp($0.configuration.createdAt) },
        .init("pool_state", .text, "ready | paused (cleared, until its server is usable again) | closed (also while disabled)") { snapshot in
            .text(snapshot.pool?.state.rawValue ?? ConnectionPoolState.closed.rawValue)
        },
        .init("p95_operation_time", .doublePrecision, "95th percentile operation time in ms") { .double($0.statistics?.p95OperationTimeMS ?? 0) },
        .init("p99_operation_time", .doublePrecision, "99th percentile operation time in ms") { .double($0.statistics?.p99OperationTimeMS ?? 0) },
        .init("operations_total", .bigint, "Operations run through the pool since it was opened") { .int(Int64($0.statistics?.operations ?? 0)) },
        .init("errors_total", .bigint, "Operations that failed since the pool was opened") { .int(Int64($0.statistics?.errors ?? 0)) },
        .init("checkouts_total", .bigint, "Successful checkouts since the pool was opened") { .int(Int64($0.statistics?.checkouts ?? 0)) },
        .init("checkout_timeouts", .bigint, "Checkouts that failed because wait_queue_timeout_ms passed") { .int(Int64($0.statistics?.checkoutTimeouts ?? 0)) },
        .init("avg_checkout_wait_ms", .doublePrecision, "Mean time a successful checkout waited (queue + opening), ms") { .double($0.statistics?.avgCheckoutWaitMS ?? 0) },
        .init("max_checkout_wait_ms", .doublePrecision, "Longest time a successful checkout waited, ms") { .double($0.statistics?.maxCheckoutWaitMS ?? 0) },
        .init("pool_generation", .bigint, "Bumped by every clear; connections of older generations are closed; NULL while disabled", nullable: true) { snapshot in
            snapshot.pool.map { .int(Int64($0.generation)) } ?? .null
        },
        .init("topology_type", .text, "Single | ReplicaSetWithPrimary | ReplicaSetNoPrimary | Sharded | LoadBalanced | Unknown; NULL while disabled", nullable: true) { snapshot in
            (snapshot.pool?.topologyType).sqlValue
        },
        .init("instance_id", .text, "Fleet reader: the instance (host:pid) whose latest stored sample the row shows; NULL for this engine's own pools", nullable: true) { _ in .null },
        .init("sampled_at", .timestamptz, "Fleet reader: when that sample was taken; NULL for this engine's own pools", nullable: true) { _ in .null },
    ]

    /// The columns a fleet reader fills from a stored sample; every other column is NULL there.
    static let sampleColumns: [String: @Sendable (MetricsSample) -> Value] = [
        "pool_name": { .text($0.poolName) },
        "environment": { $0.environment.sqlValue },
        "total_connections": { .int(Int64($0.totalConnections)) },
        "active_connections": { .int(Int64($0.activeConnections)) },
        "available_connections": { .int(Int64($0.availableConnections)) },
        "pending_connections": { .int(Int64($0.pendingConnections)) },
        "wait_queue_length": { .int(Int64($0.waitQueueLength)) },
        "max_pool_size": { .int(Int64($0.maxPoolSize)) },
        "connection_utilization": { .double($0.connectionUtilization) },
        "avg_operation_time": { .double($0.avgOperationTime) },
        "p95_operation_time": { .double($0.p95OperationTime) },
        "p99_operation_time": { .double($0.p99OperationTime) },
        "error_rate": { .double($0.errorRate) },
        "health_status": { .text($0.healthStatus) },
        "instance_id": { .text($0.instanceID) },
        "sampled_at": { .timestamp($0.timestamp.with(kind: .timestamptz)) },
    ]

    /// Columns known without asking the pool for statistics: filters on them are applied first.
    private static let declaredColumns: Set<String> = ["pool_name", "environment", "enabled", "uri"]

    let schema = TableSchema(columns: PoolStatsTable.columns.map(\.definition))

    func supportsFilter(_ filter: ScanFilter) -> FilterPushdown {
        PoolStatsTable.declaredColumns.contains(schema.columns[filter.column].name) ? .exact : .unsupported
    }

    func scan(_ request: ScanRequest) throws(PoolSQLError) -> [[Value]] {
        if let samples = try fleet.latestSamples() { return fleetRows(samples, request) }
        var rows: [[Value]] = []
        for managed in pools.snapshot() {
            if let limit = request.limit, rows.count >= limit { break }
            let configuration = managed.configuration
            let declared = Snapshot(configuration: configuration, options: PoolOptions(), statistics: nil, pool: nil)
            // Declared columns do not depend on options or statistics.
            let passes = request.filters.allSatisfy { $0.matches(PoolStatsTable.columns[$0.column].read(declared)) }
            guard passes else { continue }
            let pool = managed.pool?.snapshot()
            let options = pool?.options ?? (try? configuration.effectiveOptions(settings: pools.settings)) ?? PoolOptions()
            let snapshot = Snapshot(configuration: configuration, options: options,
                                    statistics: pool?.statistics ?? managed.lastStatistics, pool: pool)
            rows.append(PoolStatsTable.columns.row(for: snapshot, projection: request.projection))
        }
        return rows
    }

    /// A fleet reader's rows: one per stored (instance, pool), filters applied exactly.
    private func fleetRows(_ samples: [MetricsSample], _ request: ScanRequest) -> [[Value]] {
        let names = schema.columns.map(\.name)
        var rows: [[Value]] = []
        for sample in samples {
            if let limit = request.limit, rows.count >= limit { break }
            let full = names.map { PoolStatsTable.sampleColumns[$0]?(sample) ?? .null }
            guard request.filters.allSatisfy({ $0.column < full.count && $0.matches(full[$0.column]) }) else { continue }
            rows.append(request.projection.map { $0.map { full[$0] } } ?? full)
        }
        return rows
    }
}
