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
