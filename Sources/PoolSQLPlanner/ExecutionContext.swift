import PoolSQLCore

/// Per-statement execution state: the statement's timestamp (what `NOW()` and
/// `CURRENT_TIMESTAMP` return, fixed for the whole statement as in PostgreSQL) and a
/// cancellation check that long-running operators poll.
public struct ExecutionContext: Sendable {
    public var statementTimestamp: Timestamp
    /// Returns true when the statement should stop (e.g. the user pressed Ctrl-C).
    public var isCancelled: @Sendable () -> Bool

    public init(statementTimestamp: Timestamp = .now(), isCancelled: @escaping @Sendable () -> Bool = { false }) {
        self.statementTimestamp = statementTimestamp
        self.isCancelled = isCancelled
    }

    /// Throws 57014 when the statement was cancelled.
    public func checkCancellation() throws(PoolSQLError) {
        if isCancelled() {
            throw PoolSQLError(.queryCanceled, "canceling statement due to user request")
        }
    }
}
