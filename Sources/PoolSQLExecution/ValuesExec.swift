import PoolSQLCore
import PoolSQLPlanner

/// Constant rows (`VALUES`).
public struct ValuesExec: PhysicalOperator {
    public let rows: [[BoundExpr]]
    public let columns: [PlanColumn]

    public func execute(_ context: ExecutionContext) throws(PoolSQLError) -> [[Value]] {
        var out: [[Value]] = []
        for row in rows {
            var values: [Value] = []
            for e in row { values.append(try e.evaluate(row: [], context: context)) }
            out.append(values)
        }
        return out
    }
}
