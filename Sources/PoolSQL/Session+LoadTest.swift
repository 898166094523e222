import PoolSQLCore
import PoolSQLExecution
import PoolSQLPlanner
import PoolSQLPool
import PoolSQLStore
import PoolSQLSyntax

extension Session {
    /// Asks the `RUN LOAD TEST` this session is running to stop (the REPL calls it on Ctrl-C):
    /// the workers finish the operation they are in, the test cleans up, and the statement
    /// returns the result of the part that ran (also appended to `load_test_results`). Safe from
    /// any thread; does nothing when no load test is running.
    public func stopLoadTest() {
        runningLoadTest.withLock { $0?.stop() }
    }

    /// `RUN LOAD TEST ON POOL name [SCENARIO 'label'] [WITH (…)]`: runs the test, appends its
    /// row to `load_test_results` and returns that row.
    func runLoadTest(_ statement: RunLoadTest, context: ExecutionContext) throws(PoolSQLError) -> QueryResult {
        let name = statement.pool
        let managed = try engine.pools.managedPool(named: name.value, range: name.range)
        guard let pool = managed.pool else {
            throw PoolSQLError(.objectNotInPrerequisiteState, "pool \"\(name.value)\" is disabled",
                               hint: "ALTER POOL \(name.value) ENABLE opens it again.", range: name.range)
        }
        var values: [(name: String, nameRange: SourceRange?, value: Value, valueRange: SourceRange?)] = []
        for option in statement.options {
            values.append((option.name.value, option.name.range, try Session.optionValue(option.value, context: context), option.value.range))
        }
        let options = try LoadTestOptions(values: values)
        try Session.requireHealthy(pool, name: name)

        let workload = LoadTestWorkload(options: options, runID: LoadTestWorkload.makeRunID())
        engine.runningLoadTests.begin(name.value)
        defer { engine.runningLoadTests.end(name.value) }
        do {
            try workload.prepare(pool)
        } catch {
            let cause = PoolSQLError.wrapping(error)
            throw PoolSQLError(cause.code, "load test set-up on pool \"\(name.value)\" failed: \(cause.message)",
                               detail: cause.detail, hint: cause.hint)
        }

        let startedAt = Timestamp.now()
        let runner = LoadTestRunner(pool: pool, options: options, workload: workload, scenarioName: statement.scenario,
                                    progressHandler: loadTestProgressHandler)
        runningLoadTest.withLock { $0 = runner }
        let outcome = runner.run()
        runningLoadTest.withLock { $0 = nil }

        var notices: [String] = []
        if let reason = outcome.abortReason {
            notices.append("load test stopped early: \(reason.message); the result covers the \(Self.formatSeconds(outcome.elapsedSeconds)) that ran")
        } else if outcome.stoppedByRequest {
            notices.append("load test stopped after \(Self.formatSeconds(outcome.elapsedSeconds)); the result covers the part that ran")
        }
        if let firstError = outcome.tally.firstError {
            notices.append("\(outcome.tally.errors) operation\(outcome.tally.errors == 1 ? "" : "s") failed; first error: \(firstError.code): \(firstError.message)")
        }
        do {
            if let kept = try workload.cleanUp(pool) { notices.append(kept) }
        } catch {
            notices.append("could not clean up \(workload.database).\(workload.collection): \(PoolSQLError.wrapping(error).message)")
        }

        var result = Self.loadTestResult(outcome, pool: name.value, scenario: statement.scenario, startedAt: startedAt, options: options)
        do {
            result = try engine.localStore.appendLoadTestResult(result)
        } catch {
            // The run itself succeeded: show its numbers even if they could not be kept.
            notices.append("the result could not be saved in load_test_results: \(error.message)")
        }
        return QueryResult(columns: LoadTestResultsTable.resultColumns,
                           rows: [LoadTestResultsTable.columns.row(for: result, projection: nil)],
                           commandTag: "RUN LOAD TEST", notices: notices)
    }

    /// A load test needs a pool whose server answers: one still initializing or last seen
    /// unhealthy is checked now, and 55000 if it is still unhealthy.
    static func requireHealthy(_ pool: MongoPool, name: Ident) throws(PoolSQLError) {
        var status = pool.healthStatus
        if status == .initializing || status == .unhealthy { status = pool.checkHealth() }
        guard status != .unhealthy else {
            throw PoolSQLError(.objectNotInPrerequisiteState, "pool \"\(name.value)\" is unhealthy",
                               detail: pool.statistics().lastHealthError.map { "last health check: \($0)" },
                               hint: "CHECK POOL \(name.value) checks it again; a load test needs a healthy pool.",
                               range: name.range)
        }
    }

    /// The `load_test_results` row for a finished run.
    static func loadTestResult(_ outcome: LoadTestRunner.Outcome, pool: String, scenario: String?, startedAt: Timestamp,
                               options: LoadTestOptions) -> LoadTestResult {
        let tally = outcome.tally
        let sketch = tally.responseTimes
        let completed = tally.completed
        return LoadTestResult(
            poolName: pool, scenarioName: scenario, startedAt: startedAt,
            concurrentConnections: options.concurrency, operationType: options.operation.rawValue,
            testDurationMinutes: outcome.elapsedSeconds / 60,
            targetOperationsPerSecond: options.targetOperationsPerSecond,
            actualOperationsPerSecond: Double(completed) / outcome.elapsedSeconds,
            totalOperations: completed,
            successRate: completed > 0 ? Double(tally.successes) / Double(completed) * 100 : 0,
            avgResponseTimeMS: sketch.mean ?? 0,
            p50ResponseTimeMS: sketch.quantile(0.5) ?? 0,
            p95ResponseTimeMS: sketch.quantile(0.95) ?? 0,
            p99ResponseTimeMS: sketch.quantile(0.99) ?? 0,
            maxResponseTimeMS: sketch.isEmpty ? 0 : sketch.maximum,
            peakConnectionsUsed: outcome.peakConnectionsUsed,
            avgConnectionsUsed: outcome.avgConnectionsUsed,
            connectionUtilizationPeak: outcome.maxPoolSize > 0 ? min(1, Double(outcome.peakConnectionsUsed) / Double(outcome.maxPoolSize)) : 0,
            totalErrors: tally.errors, timeoutErrors: tally.timeoutErrors, connectionErrors: tally.connectionErrors,
            avgCheckoutWaitMS: tally.checkouts > 0 ? tally.checkoutWaitTotalMS / Double(tally.checkouts) : 0)
    }

    private static func formatSeconds(_ seconds: Double) -> String {
        let tenths = Int((seconds * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) s"
    }
}
