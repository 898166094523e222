import PoolSQLCore
import PoolSQLCatalog
import PoolSQLPlanner

public struct FilterExec: PhysicalOperator {
    public let predicate: BoundExpr
    public let input: any PhysicalOperator

    public var columns: [PlanColumn] { input.columns }

    public func execute(_ context: ExecutionContext) throws(PoolSQLError) -> [[Value]] {
        var out: [[Value]] = []
        for row in try input.execute(context) where try predicate.isSatisfied(row: row, context: context) {
            out.append(row)
        }
        return out
    }
}
