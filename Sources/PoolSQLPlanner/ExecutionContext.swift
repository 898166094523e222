import PoolSQLCore

/// Per-statement execution state: the statement's timestamp (what `NOW()` and
/// `CURRENT_TIMESTAMP` return, fixed for the whole statement as in PostgreSQL) and a
/// cancellation check that long-running operators poll.
public struct ExecutionContext: Sendable {
    public var statementTimestamp: Timestamp
    /// Returns true when the statement should stop (e.g. the user pressed Ctrl-C).
    public var isCancelled: @Sendable () -> Bool

    /// Runs subqueries inside expressions; set by the executor for the statement.
    public var subqueryRunner: SubqueryRunner?
    /// The rows of the enclosing queries while a correlated subquery runs, innermost last.
    public var outerRows: [[Value]] = []
    /// Work tables of recursive CTEs.
    public var workTables = WorkTableStore()

    public init(statementTimestamp: Timestamp = .now(), isCancelled: @escaping @Sendable () -> Bool = { false },
                subqueryRunner: SubqueryRunner? = nil) {
        self.statementTimestamp = statementTimestamp
        self.isCancelled = isCancelled
        self.subqueryRunner = subqueryRunner
    }

    /// The subquery's rows; a correlated one sees `currentRow` as its enclosing row.
    func rows(of subquery: SubqueryPlan, currentRow: [Value]) throws(PoolSQLError) -> [[Value]] {
        guard let runner = subqueryRunner else {
            throw PoolSQLError.notSupported("subqueries in this context")
        }
        if subquery.correlated {
            var inner = self
            inner.outerRows.append(currentRow)
            return try runner.run(subquery, context: inner)
        }
        return try runner.rows(of: subquery, context: self)
    }

    /// Throws 57014 when the statement was cancelled.
    public func checkCancellation() throws(PoolSQLError) {
        if isCancelled() {
            throw PoolSQLError(.queryCanceled, "canceling statement due to user request")
        }
    }
}
