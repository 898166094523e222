import PoolSQLCore
import PoolSQLPlanner

/// Runs the right side once per left row, with that row as the enclosing row its outer
/// column references read (LATERAL). LEFT pads left rows that found no match.
public struct LateralJoinExec: PhysicalOperator {
    public let type: JoinType
    public let condition: BoundExpr?
    public let left: any PhysicalOperator
    public let right: any PhysicalOperator

    public var columns: [PlanColumn] { left.columns + right.columns }

    public func execute(_ context: ExecutionContext) throws(PoolSQLError) -> [[Value]] {
        let rightWidth = right.columns.count
        var out: [[Value]] = []
        for l in try left.execute(context) {
            try context.checkCancellation()
            var inner = context
            inner.outerRows.append(l)
            var matched = false
            for r in try right.execute(inner) {
                let row = l + r
                if let condition, !(try condition.isSatisfied(row: row, context: context)) { continue }
                matched = true
                out.append(row)
            }
            if !matched, type == .left {
                out.append(l + [Value](repeating: .null, count: rightWidth))
            }
        }
        return out
    }
}
