import PoolSQLCore
import PoolSQLPlanner

/// A renamed input (subquery alias, CTE reference): rows pass through unchanged.
public struct SubqueryAliasExec: PhysicalOperator {
    public let columns: [PlanColumn]
    public let input: any PhysicalOperator

    public func execute(_ context: ExecutionContext) throws(PoolSQLError) -> [[Value]] {
        try input.execute(context)
    }
}
