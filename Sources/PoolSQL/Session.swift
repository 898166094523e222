import PoolSQLCore

/// A session runs SQL against an engine. Not thread-safe: use one session per thread or task.
public final class Session: @unchecked Sendable {
    public let engine: Engine

    init(engine: Engine) {
        self.engine = engine
    }

    /// Parses and runs every statement in `sql`, in order. Stops at the first error and throws it;
    /// the error's range is relative to `sql`.
    public func execute(_ sql: String) throws(PoolSQLError) -> [QueryResult] {
        throw PoolSQLError.notSupported("executing SQL")
    }
}
