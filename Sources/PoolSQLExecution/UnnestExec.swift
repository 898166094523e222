import PoolSQLCore
import PoolSQLPlanner

/// `unnest(a, b, …) [WITH ORDINALITY]`: one row per position of the longest array, each
/// array's element there (NULL past a shorter array's end, none for a NULL array), then the
/// 1-based position when asked for.
public struct UnnestExec: PhysicalOperator {
    public let arrays: [BoundExpr]
    public let columns: [PlanColumn]
    public let withOrdinality: Bool

    public func execute(_ context: ExecutionContext) throws(PoolSQLError) -> [[Value]] {
        var lists: [[Value]] = []
        for array in arrays {
            if case let .array(elements) = try array.evaluate(row: [], context: context) { lists.append(elements) } else { lists.append([]) }
        }
        let count = lists.map(\.count).max() ?? 0
        var rows: [[Value]] = []
        rows.reserveCapacity(count)
        for i in 0..<count {
            var row = lists.map { i < $0.count ? $0[i] : Value.null }
            if withOrdinality { row.append(.int(Int64(i + 1))) }
            rows.append(row)
        }
        return rows
    }
}
