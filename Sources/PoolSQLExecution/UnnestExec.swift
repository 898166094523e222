import PoolSQLCore
import PoolSQLPlanner

/// `unnest(array)`: one row per element (none for NULL or an empty array).
public struct UnnestExec: PhysicalOperator {
    public let array: BoundExpr
    public let columns: [PlanColumn]

    public func execute(_ context: ExecutionContext) throws(PoolSQLError) -> [[Value]] {
        guard case let .array(elements) = try array.evaluate(row: [], context: context) else { return [] }
        return elements.map { [$0] }
    }
}
