import PoolSQLCore
import PoolSQLCatalog
import PoolSQLPlanner

/// The single empty row a SELECT without FROM computes its expressions over.
public struct SingleRowExec: PhysicalOperator {
    public var columns: [PlanColumn] { [] }
    public func execute(_ context: ExecutionContext) throws(PoolSQLError) -> [[Value]] { [[]] }
}
