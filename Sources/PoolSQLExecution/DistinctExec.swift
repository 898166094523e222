import PoolSQLCore
import PoolSQLCatalog
import PoolSQLPlanner

/// SELECT DISTINCT: keeps the first of each group of not-distinct rows, in input order.
public struct DistinctExec: PhysicalOperator {
    public let input: any PhysicalOperator

    public var columns: [PlanColumn] { input.columns }

    public func execute(_ context: ExecutionContext) throws(PoolSQLError) -> [[Value]] {
        var seen: Set<[Value]> = []
        var out: [[Value]] = []
        for row in try input.execute(context) where seen.insert(row).inserted {
            out.append(row)
        }
        return out
    }
}
