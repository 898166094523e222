import PoolSQLCore
import PoolSQLPlanner

/// Reads the current iteration's rows of a recursive CTE.
public struct WorkTableScanExec: PhysicalOperator {
    public let table: WorkTable

    public var columns: [PlanColumn] { table.columns }

    public func execute(_ context: ExecutionContext) throws(PoolSQLError) -> [[Value]] {
        context.workTables.rows(of: table)
    }
}
