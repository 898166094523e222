import PoolSQLCore
import Synchronization

/// Runs subqueries for expression evaluation and caches their rows for one statement. The
/// executor supplies the function that turns a logical plan into rows.
public final class SubqueryRunner: Sendable {
    public typealias Execute = @Sendable (LogicalPlan, ExecutionContext) throws(PoolSQLError) -> [[Value]]

    private let execute: Execute
    private let cache = Mutex<[ObjectIdentifier: [[Value]]]>([:])

    public init(execute: @escaping Execute) {
        self.execute = execute
    }

    /// Runs the subquery without caching (correlated subqueries).
    public func run(_ subquery: SubqueryPlan, context: ExecutionContext) throws(PoolSQLError) -> [[Value]] {
        try execute(subquery.plan, context)
    }

    public func rows(of subquery: SubqueryPlan, context: ExecutionContext) throws(PoolSQLError) -> [[Value]] {
        let key = ObjectIdentifier(subquery)
        if let cached = cache.withLock({ $0[key] }) { return cached }
        let rows = try execute(subquery.plan, context)
        cache.withLock { $0[key] = rows }
        return rows
    }
}
