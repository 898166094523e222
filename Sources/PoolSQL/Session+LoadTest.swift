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
        activeLoadTest.withLock { active in
            guard active.isActive else { return }
            // Before the workers start (health check, set-up) the request waits for them.
            active.stopRequested = true
            active.runner?.stop()
        }
    }

    /// `RUN LOAD TEST ON POOL name [SCENARIO 'label'] [WITH (…)]`: runs the test, appends its
    /// row to `load_test_results` and returns that row.
    func runLoadTest(_ statement: RunLoadTest, context: ExecutionContext) throws(PoolSQLError) -> QueryResult {
        var values: [(name: String, nameRange: SourceRange?, value: Value, valueRange: SourceRange?)] = []
        for option in statement.options {
            values.append((option.name.value, option.name.range, try Session.optionValue(option.value, context: context), option.value.range))
        }
        let report = try runLoadTest(pool: statement.pool.value, poolRange: statement.pool.range, scenario: statement.scenario,
                                     options: { () throws(PoolSQLError) in try LoadTestOptions(values: values) })
        return QueryResult(columns: LoadTestResultsTable.resultColumns,
                           rows: [LoadTestResultsTable.columns.row(for: report.result, projection: nil)],
                           commandTag: "RUN LOAD TEST", notices: report.notices)
    }

    /// Runs a load test on the pool named `pool`, as `RUN LOAD TEST` does (on the calling
    /// thread, which must not be one of Swift's cooperative pool: the test blocks until it
    /// ends), appends its row to `load_test_results` and returns it. Progress goes to
    /// `loadTestProgressHandler`; `stopLoadTest()` from another thread ends it early.
    public func runLoadTest(pool: String, scenario: String? = nil, options: LoadTestOptions) throws(PoolSQLError) -> LoadTestReport {
        try runLoadTest(pool: pool, poolRange: nil, scenario: scenario, options: { () throws(PoolSQLError) in
            try options.validate()
            return options
        })
    }

    /// The pool is looked up before the options are read, so a missing pool is reported first.
    private func runLoadTest(pool name: String, poolRange: SourceRange?, scenario: String?,
                             options makeOptions: () throws(PoolSQLError) -> LoadTestOptions) throws(PoolSQLError) -> LoadTestReport {
        activeLoadTest.withLock { $0 = ActiveLoadTest(isActive: true) }
        defer { activeLoadTest.withLock { $0 = ActiveLoadTest() } }
        let managed = try engine.pools.managedPool(named: name, range: poolRange)
        guard let pool = managed.pool else {
            throw PoolSQLError(.objectNotInPrerequisiteState, "pool \"\(name)\" is disabled",
                               hint: "ALTER POOL \(name) ENABLE opens it again.", range: poolRange)
        }
        let options = try makeOptions()
        try Session.requireHealthy(pool, name: name, range: poolRange)

        let workload = LoadTestWorkload(options: options, runID: LoadTestWorkload.makeRunID())
        engine.runningLoadTests.begin(name)
        defer { engine.runningLoadTests.end(name) }
        do {
            try workload.prepare(pool)
        } catch {
            let cause = PoolSQLError.wrapping(error)
            throw PoolSQLError(cause.code, "load test set-up on pool \"\(name)\" failed: \(cause.message)",
                               detail: cause.detail, hint: cause.hint)
        }

        let startedAt = Timestamp.now()
        let runner = LoadTestRunner(pool: pool, options: options, workload: workload, scenarioName: scenario,
                                    progressHandler: loadTestProgressHandler)
        activeLoadTest.withLock { active in
            active.runner = runner
            if active.stopRequested { runner.stop() }
        }
        let outcome = runner.run()

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

        var result = Self.loadTestResult(outcome, pool: name, scenario: scenario, startedAt: startedAt, options: options)
        do {
            result = try engine.localStore.appendLoadTestResult(result)
        } catch {
            // The run itself succeeded: show its numbers even if they could not be kept.
            notices.append("the result could not be saved in load_test_results: \(error.message)")
        }
        return LoadTestReport(result: result, notices: notices)
    }

    /// A load test needs a pool whose server answers: one still initializing or last seen
    /// unhealthy is checked now, and 55000 if it is still unhealthy.
    static func requireHealthy(_ pool: MongoPool, name: String, range: SourceRange?) throws(PoolSQLError) {
        var status = pool.healthStatus
        if status == .initializing || status == .unhealthy { status = pool.checkHealth() }
        guard status != .unhealthy else {
            throw PoolSQLError(.objectNotInPrerequisiteState, "pool \"\(name)\" is unhealthy",
                               detail: pool.statistics().lastHealthError.map { "last health check: \($0)" },
                               hint: "CHECK POOL \(name) checks it again; a load test needs a healthy pool.",
                               range: range)
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
