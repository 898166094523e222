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
        // Providers hand back date and timestamptz columns as plain instants; mark them with
        // their column's type so they print as PostgreSQL prints them.
        let kinds: [(Int, Timestamp.Kind)] = columns.enumerated().compactMap { i, c in
            switch c.type {
            case .timestamptz: return (i, .timestamptz)
            case .date: return (i, .date)
            default: return nil
            }
        }
        if kinds.isEmpty { return rows }
        return rows.map { row in
            var row = row
            for (i, kind) in kinds where i < row.count {
                if case let .timestamp(t) = row[i], t.kind != kind { row[i] = .timestamp(t.with(kind: kind)) }
            }
            return row
        }
    }
}
