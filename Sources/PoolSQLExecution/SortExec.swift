import PoolSQLCore
import PoolSQLCatalog
import PoolSQLPlanner

/// ORDER BY: evaluates the keys once per row, then sorts stably (ties keep input order).
public struct SortExec: PhysicalOperator {
    public let keys: [SortKey]
    public let input: any PhysicalOperator

    public var columns: [PlanColumn] { input.columns }

    public func execute(_ context: ExecutionContext) throws(PoolSQLError) -> [[Value]] {
        let rows = try input.execute(context)
        var keyed: [(keys: [Value], position: Int)] = []
        keyed.reserveCapacity(rows.count)
        for (position, row) in rows.enumerated() {
            var values: [Value] = []
            for key in keys { values.append(try key.expr.evaluate(row: row, context: context)) }
            keyed.append((values, position))
        }
        try context.checkCancellation()
        keyed.sort { a, b in
            for (i, key) in keys.enumerated() {
                let c = SortExec.compare(a.keys[i], b.keys[i], key)
                if c != 0 { return c < 0 }
            }
            return a.position < b.position
        }
        return keyed.map { rows[$0.position] }
    }

    static func compare(_ a: Value, _ b: Value, _ key: SortKey) -> Int {
        switch (a.isNull, b.isNull) {
        case (true, true): return 0
        case (true, false): return key.nullsFirst ? -1 : 1
        case (false, true): return key.nullsFirst ? 1 : -1
        case (false, false):
            let c = Value.sortCompare(a, b)
            return key.ascending ? c : -c
        }
    }
}
