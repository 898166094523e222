import PoolSQL
import PoolSQLCore

/// What the REPL and the script runner need from the engine: run SQL text, get its results.
/// `Session` is the real one; tests use a fake.
public protocol StatementExecutor: AnyObject {
    /// Runs every statement in `sql`; a thrown error's range is relative to `sql`.
    func execute(_ sql: String) throws(PoolSQLError) -> [QueryResult]
}

extension Session: StatementExecutor {}
