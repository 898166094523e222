import PoolSQLCore

/// `load_test_results`: test ids come from the INTEGER PRIMARY KEY (1, 2, … — the largest
/// existing id plus one, as in MemoryStore).
extension SQLiteStore {
    static let loadTestColumns = """
        pool_name, scenario_name, started_at, concurrent_connections, operation_type, test_duration_minutes, \
        target_operations_per_second, actual_operations_per_second, total_operations, success_rate, \
        avg_response_time_ms, p50_response_time_ms, p95_response_time_ms, p99_response_time_ms, max_response_time_ms, \
        peak_connections_used, avg_connections_used, connection_utilization_peak, total_errors, timeout_errors, \
        connection_errors, avg_checkout_wait_ms
        """

    public func appendLoadTestResult(_ result: LoadTestResult) throws(PoolSQLError) -> LoadTestResult {
        try withConnection { (connection, _) throws(PoolSQLError) -> LoadTestResult in
            let insert = try connection.prepare(
                "INSERT INTO load_test_results (\(Self.loadTestColumns)) VALUES (\(Self.placeholders(22))) RETURNING test_id")
            defer { insert.reset() }
            insert.bind(result.poolName)
            insert.bind(result.scenarioName)
            insert.bind(result.startedAt.microseconds)
            insert.bind(result.concurrentConnections)
            insert.bind(result.operationType)
            insert.bind(result.testDurationMinutes)
            insert.bind(result.targetOperationsPerSecond)
            insert.bind(result.actualOperationsPerSecond)
            insert.bind(result.totalOperations)
            insert.bind(result.successRate)
            insert.bind(result.avgResponseTimeMS)
            insert.bind(result.p50ResponseTimeMS)
            insert.bind(result.p95ResponseTimeMS)
            insert.bind(result.p99ResponseTimeMS)
            insert.bind(result.maxResponseTimeMS)
            insert.bind(result.peakConnectionsUsed)
            insert.bind(result.avgConnectionsUsed)
            insert.bind(result.connectionUtilizationPeak)
            insert.bind(result.totalErrors)
            insert.bind(result.timeoutErrors)
            insert.bind(result.connectionErrors)
            insert.bind(result.avgCheckoutWaitMS)
            guard try insert.step() else {
                throw PoolSQLError(.internalError, "metrics store \(path): INSERT … RETURNING test_id returned no row")
            }
            var stored = result
            stored.testID = insert.int64(0)
            try insert.run()
            return stored
        }
    }

    public func loadTestResults() throws(PoolSQLError) -> [LoadTestResult] {
        try withConnection { (connection, _) throws(PoolSQLError) -> [LoadTestResult] in
            let select = try connection.prepare("SELECT test_id, \(Self.loadTestColumns) FROM load_test_results ORDER BY test_id")
            defer { select.reset() }
            var results: [LoadTestResult] = []
            while try select.step() {
                let r = select
                results.append(LoadTestResult(
                    testID: r.int64(0), poolName: r.text(1), scenarioName: r.optionalText(2),
                    startedAt: Timestamp(microseconds: r.int64(3), kind: .timestamptz),
                    concurrentConnections: r.int(4), operationType: r.text(5), testDurationMinutes: r.double(6),
                    targetOperationsPerSecond: r.isNull(7) ? nil : r.double(7), actualOperationsPerSecond: r.double(8),
                    totalOperations: r.int(9), successRate: r.double(10), avgResponseTimeMS: r.double(11),
                    p50ResponseTimeMS: r.double(12), p95ResponseTimeMS: r.double(13), p99ResponseTimeMS: r.double(14),
                    maxResponseTimeMS: r.double(15), peakConnectionsUsed: r.int(16), avgConnectionsUsed: r.double(17),
                    connectionUtilizationPeak: r.double(18), totalErrors: r.int(19), timeoutErrors: r.int(20),
                    connectionErrors: r.int(21), avgCheckoutWaitMS: r.double(22)))
            }
            return results
        }
    }
}
