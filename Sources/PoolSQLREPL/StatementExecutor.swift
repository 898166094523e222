import PoolSQL
import PoolSQLCore

/// What the REPL and the script runner need from the engine: run SQL text, get its results.
/// `Session` is the real one; tests use a fake.
public protocol StatementExecutor: AnyObject {
    /// Runs every statement in `sql`; a thrown error's range is relative to `sql`.
    func execute(_ sql: String) throws(PoolSQLError) -> [QueryResult]
    /// Where `RUN LOAD TEST` reports progress while it runs (the REPL's progress line on a
    /// terminal); nil for none.
    func setLoadTestProgressHandler(_ handler: (@Sendable (LoadTestProgress) -> Void)?)
    /// What Ctrl-C calls, from another thread, while a statement runs: it stops a load test,
    /// which then returns its partial result. nil when there is nothing to interrupt.
    func makeInterrupter() -> (@Sendable () -> Void)?
}

extension StatementExecutor {
    public func setLoadTestProgressHandler(_ handler: (@Sendable (LoadTestProgress) -> Void)?) {}
    public func makeInterrupter() -> (@Sendable () -> Void)? { nil }
}

extension Session: StatementExecutor {
    public func setLoadTestProgressHandler(_ handler: (@Sendable (LoadTestProgress) -> Void)?) {
        loadTestProgressHandler = handler
    }

    public func makeInterrupter() -> (@Sendable () -> Void)? {
        { [self] in stopLoadTest() }
    }
}
