import PoolSQLCore
import PoolSQLCatalog
import PoolSQLPlanner

/// Reads a table through its provider with the pushed projection, filters and limit.
public struct TableScanExec: PhysicalOperator {
    public let scan: TableScan

    public var columns: [PlanColumn] { scan.columns }

    public func execute(_ context: ExecutionContext) throws(PoolSQLError) -> [[Value]] {
        try context.checkCancellation()
        let rows = try scan.provider.scan(scan.request)
        let width = scan.outputIndices.count
        // A provider that returns the wrong shape would make column references read the wrong
        // values; fail loudly instead.
        if let bad = rows.first(where: { $0.count != width }) {
            throw PoolSQLError.internal("table \(scan.tableName) returned a row of \(bad.count) columns, expected \(width)")
        }
        return rows
    }
}
