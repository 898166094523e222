import PoolSQLCore
import PoolSQLPlanner

/// Nested-loop join (PoolSQL's tables are small). Outer joins pad the unmatched rows of their
/// preserved side with NULLs.
public struct NestedLoopJoinExec: PhysicalOperator {
    public let type: JoinType
    public let condition: BoundExpr?
    public let left: any PhysicalOperator
    public let right: any PhysicalOperator

    public var columns: [PlanColumn] { left.columns + right.columns }

    public func execute(_ context: ExecutionContext) throws(PoolSQLError) -> [[Value]] {
        let leftRows = try left.execute(context)
        let rightRows = try right.execute(context)
        let leftWidth = left.columns.count, rightWidth = right.columns.count
        var rightMatched = [Bool](repeating: false, count: rightRows.count)
        var out: [[Value]] = []
        for l in leftRows {
            try context.checkCancellation()
            var matched = false
            for (j, r) in rightRows.enumerated() {
                let row = l + r
                if let condition, !(try condition.isSatisfied(row: row, context: context)) { continue }
                matched = true
                rightMatched[j] = true
                out.append(row)
            }
            if !matched, type == .left || type == .full {
                out.append(l + [Value](repeating: .null, count: rightWidth))
            }
        }
        if type == .right || type == .full {
            for (j, r) in rightRows.enumerated() where !rightMatched[j] {
                out.append([Value](repeating: .null, count: leftWidth) + r)
            }
        }
        return out
    }
}
