import PoolSQLCore
import Synchronization

/// An uncorrelated subquery inside an expression. A reference type so that one statement runs
/// each subquery once, however many rows ask for it (results are cached per statement).
public final class SubqueryPlan: Sendable {
    public let plan: LogicalPlan

    public init(plan: LogicalPlan) {
        self.plan = plan
    }
}

/// Runs subqueries for expression evaluation and caches their rows for one statement. The
/// executor supplies the function that turns a logical plan into rows.
public final class SubqueryRunner: Sendable {
    public typealias Execute = @Sendable (LogicalPlan, ExecutionContext) throws(PoolSQLError) -> [[Value]]

    private let execute: Execute
    private let cache = Mutex<[ObjectIdentifier: [[Value]]]>([:])

    public init(execute: @escaping Execute) {
        self.execute = execute
    }

    public func rows(of subquery: SubqueryPlan, context: ExecutionContext) throws(PoolSQLError) -> [[Value]] {
        let key = ObjectIdentifier(subquery)
        if let cached = cache.withLock({ $0[key] }) { return cached }
        let rows = try execute(subquery.plan, context)
        cache.withLock { $0[key] = rows }
        return rows
    }
}
