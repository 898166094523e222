import PoolSQLCore
import PoolSQLCatalog

/// Collapses a projection directly over another into one (substituting the inner
/// expressions), so plans do not copy rows twice.
struct ProjectionMergeRule {
    func apply(_ plan: LogicalPlan) -> LogicalPlan {
        let plan = plan.withInput(apply)
        guard case let .projection(outer, columns, .projection(inner, _, input)) = plan,
              !outer.contains(where: \.containsCorrelatedSubquery)
        else { return plan }
        return .projection(outer.map { $0.substitutingColumns(inner) }, columns, input)
    }
}
