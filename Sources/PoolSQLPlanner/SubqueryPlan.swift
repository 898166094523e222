import PoolSQLCore
import Synchronization

/// An uncorrelated subquery inside an expression. A reference type so that one statement runs
/// each subquery once, however many rows ask for it (results are cached per statement).
public final class SubqueryPlan: Sendable {
    public let plan: LogicalPlan
    /// Whether the plan reads columns of an enclosing query's row (then it runs once per
    /// outer row, uncached).
    public let correlated: Bool

    public init(plan: LogicalPlan, correlated: Bool = false) {
        self.plan = plan
        self.correlated = correlated
    }
}

/// Set while planning a subquery when one of its names resolves to an enclosing query.
final class CorrelationTracker: Sendable {
    private let flag = Atomic<Bool>(false)

    var correlated: Bool { flag.load(ordering: .relaxed) }

    func markCorrelated() { flag.store(true, ordering: .relaxed) }
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
