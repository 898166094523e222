import PoolSQLCore
import PoolSQLCatalog
import PoolSQLPlanner

public struct LimitExec: PhysicalOperator {
    public let count: Int?
    public let offset: Int
    public let input: any PhysicalOperator

    public var columns: [PlanColumn] { input.columns }

    public func execute(_ context: ExecutionContext) throws(PoolSQLError) -> [[Value]] {
        let rows = try input.execute(context)
        let start = min(offset, rows.count)
        let end = count.map { min(rows.count, start + min($0, rows.count)) } ?? rows.count
        return Array(rows[start..<end])
    }
}
