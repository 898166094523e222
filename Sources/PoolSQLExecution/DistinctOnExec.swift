import PoolSQLCore
import PoolSQLCatalog
import PoolSQLPlanner

/// SELECT DISTINCT ON: the first row of each run of equal keys (its input is sorted by them).
public struct DistinctOnExec: PhysicalOperator {
    public let keys: [BoundExpr]
    public let input: any PhysicalOperator

    public var columns: [PlanColumn] { input.columns }

    public func execute(_ context: ExecutionContext) throws(PoolSQLError) -> [[Value]] {
        var seen: Set<[Value]> = []
        var out: [[Value]] = []
        for row in try input.execute(context) {
            var key: [Value] = []
            for k in keys { key.append(try k.evaluate(row: row, context: context)) }
            if seen.insert(key).inserted { out.append(row) }
        }
        return out
    }
}
