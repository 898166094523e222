import PoolSQLCatalog
import PoolSQLCore
import PoolSQLStore

/// `load_test_results`: every `RUN LOAD TEST` of this engine's store, oldest first. Persisted
/// with the engine's local store (memory without a data directory).
///
/// Every filter is applied here, on the stored rows.
struct LoadTestResultsTable: TableProvider {
    let store: any LoadTestResultStore

    static let columns: [VirtualColumn<LoadTestResult>] = [
        .init("test_id", .bigint, "Number of the run in this store (1, 2, …)") { .int($0.testID) },
        .init("pool_name", .text, "The pool tested") { .text($0.poolName) },
        .init("scenario_name", .text, "SCENARIO given in RUN LOAD TEST", nullable: true) { $0.scenarioName.sqlValue },
        .init("started_at", .timestamptz, "When the measured run started") { .timestamp($0.startedAt) },
        .init("concurrent_connections", .integer, "Worker threads (concurrency), each running one operation at a time") {
            .int(Int64($0.concurrentConnections))
        },
        .init("operation_type", .text, "ping, find, insert, mixed, read_only or write_heavy") { .text($0.operationType) },
        .init("test_duration_minutes", .doublePrecision, "How long the run took, minutes") { .double($0.testDurationMinutes) },
        .init("target_operations_per_second", .doublePrecision, "target_ops_per_second; NULL: as fast as the workers go", nullable: true) {
            $0.targetOperationsPerSecond.sqlValue
        },
        .init("actual_operations_per_second", .doublePrecision, "Finished operations per second") { .double($0.actualOperationsPerSecond) },
        .init("total_operations", .bigint, "Operations finished, successful or not") { .int(Int64($0.totalOperations)) },
        .init("success_rate", .doublePrecision, "Successful operations, percent of total_operations") { .double($0.successRate) },
        .init("avg_response_time_ms", .doublePrecision, "Mean response time of successful operations, ms, from each one's due time") {
            .double($0.avgResponseTimeMS)
        },
        .init("p50_response_time_ms", .doublePrecision, "Median response time, ms (1 % relative accuracy)") { .double($0.p50ResponseTimeMS) },
        .init("p95_response_time_ms", .doublePrecision, "95th percentile response time, ms") { .double($0.p95ResponseTimeMS) },
        .init("p99_response_time_ms", .doublePrecision, "99th percentile response time, ms") { .double($0.p99ResponseTimeMS) },
        .init("max_response_time_ms", .doublePrecision, "Slowest successful operation, ms") { .double($0.maxResponseTimeMS) },
        .init("peak_connections_used", .integer, "Most pool connections in use at once during the run") { .int(Int64($0.peakConnectionsUsed)) },
        .init("avg_connections_used", .doublePrecision, "Connections the test held on average (time-weighted)") { .double($0.avgConnectionsUsed) },
        .init("connection_utilization_peak", .doublePrecision, "peak_connections_used / max_pool_size (0–1)") {
            .double($0.connectionUtilizationPeak)
        },
        .init("total_errors", .bigint, "Operations that failed") { .int(Int64($0.totalErrors)) },
        .init("timeout_errors", .bigint, "Failed: no connection free in time (53300), socket timeouts") { .int(Int64($0.timeoutErrors)) },
        .init("connection_errors", .bigint, "Failed: connection could not be opened or broke (08001, 08006)") { .int(Int64($0.connectionErrors)) },
        .init("avg_checkout_wait_ms", .doublePrecision, "Mean time an operation waited for its connection, ms") { .double($0.avgCheckoutWaitMS) },
    ]

    let schema = TableSchema(columns: LoadTestResultsTable.columns.map(\.definition))

    /// The columns of `RUN LOAD TEST`'s result: the row it appended.
    static var resultColumns: [ResultColumn] {
        columns.map { ResultColumn(name: $0.definition.name, type: $0.definition.type) }
    }

    func supportsFilter(_ filter: ScanFilter) -> FilterPushdown {
        filter.column < LoadTestResultsTable.columns.count ? .exact : .unsupported
    }

    func scan(_ request: ScanRequest) throws(PoolSQLError) -> [[Value]] {
        var rows: [[Value]] = []
        for result in try store.loadTestResults() {
            if let limit = request.limit, rows.count >= limit { break }
            let passes = request.filters.allSatisfy { $0.matches(LoadTestResultsTable.columns[$0.column].read(result)) }
            if passes { rows.append(LoadTestResultsTable.columns.row(for: result, projection: request.projection)) }
        }
        return rows
    }
}
