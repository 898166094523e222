import PoolSQLCore
import PoolSQLCatalog

/// Rewrites a logical plan into a cheaper equivalent one. The rules run in this order:
/// constant folding, filter pushdown into table scans, limit pushdown, projection pushdown.
public struct Optimizer: Sendable {
    public init() {}

    public func optimize(_ plan: LogicalPlan, context: ExecutionContext) -> LogicalPlan {
        // Subqueries inside expressions are planned on their own.
        var plan = plan.mappingExpressions { $0.mappingSubqueries { optimize($0, context: context) } }
        plan = ConstantFolding(context: context).apply(plan)
        plan = FilterPushdownRule().apply(plan)
        plan = LimitPushdownRule().apply(plan)
        plan = ProjectionPushdownRule().apply(plan)
        plan = ProjectionMergeRule().apply(plan)
        return ConstantFolding(context: context).apply(plan)
    }
}
