import PoolSQLCore
import PoolSQLPlanner

/// UNION, INTERSECT and EXCEPT with SQL's bag semantics for ALL (INTERSECT ALL keeps a row as
/// often as it occurs in both inputs, EXCEPT ALL subtracts occurrences) and set semantics
/// otherwise. Rows compare as "not distinct" (NULL equals NULL).
public struct SetOperationExec: PhysicalOperator {
    public let type: SetOperationType
    public let all: Bool
    public let left: any PhysicalOperator
    public let right: any PhysicalOperator

    public var columns: [PlanColumn] { left.columns }

    public func execute(_ context: ExecutionContext) throws(PoolSQLError) -> [[Value]] {
        let leftRows = try left.execute(context)
        let rightRows = try right.execute(context)
        switch type {
        case .union:
            return all ? leftRows + rightRows : SetOperationExec.distinct(leftRows + rightRows)
        case .intersect, .except:
            var remaining: [[Value]: Int] = [:]
            for row in rightRows { remaining[row, default: 0] += 1 }
            var out: [[Value]] = []
            var emitted: Set<[Value]> = []
            for row in leftRows {
                let inRight = (remaining[row] ?? 0) > 0
                if all {
                    if inRight { remaining[row, default: 0] -= 1 }
                    if (type == .intersect) == inRight { out.append(row) }
                } else if (type == .intersect) == inRight, emitted.insert(row).inserted {
                    out.append(row)
                }
            }
            return out
        }
    }

    static func distinct(_ rows: [[Value]]) -> [[Value]] {
        var seen: Set<[Value]> = []
        return rows.filter { seen.insert($0).inserted }
    }
}
