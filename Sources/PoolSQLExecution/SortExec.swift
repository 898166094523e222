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
        // Each key evaluated once per row, column by column.
        var columns = [[Value]](repeating: [], count: keys.count)
        for k in keys.indices { columns[k].reserveCapacity(rows.count) }
        for row in rows {
            for (k, key) in keys.enumerated() { columns[k].append(try key.expr.evaluate(row: row, context: context)) }
        }
        try context.checkCancellation()
        // The directions only: copying a SortKey (and its expression) per comparison would
        // retain and release it every time.
        let directions = keys.map { (ascending: $0.ascending, nullsFirst: $0.nullsFirst) }
        // Keys of plain kinds sort as integers; others compare as Values.
        if let encoded = SortKeyEncoding(columns: columns, directions: directions) {
            return encoded.sorted(Array(rows.indices)).map { rows[$0] }
        }
        var keyed = rows.indices.map { r in (keys: columns.map { $0[r] }, position: r) }
        keyed.sort { a, b in
            for i in 0..<directions.count {
                let c = SortExec.compare(a.keys[i], b.keys[i], ascending: directions[i].ascending, nullsFirst: directions[i].nullsFirst)
                if c != 0 { return c < 0 }
            }
            return a.position < b.position
        }
        return keyed.map { rows[$0.position] }
    }

    static func compare(_ a: Value, _ b: Value, _ key: SortKey) -> Int {
        compare(a, b, ascending: key.ascending, nullsFirst: key.nullsFirst)
    }

    static func compare(_ a: Value, _ b: Value, ascending: Bool, nullsFirst: Bool) -> Int {
        switch (a.isNull, b.isNull) {
        case (true, true): return 0
        case (true, false): return nullsFirst ? -1 : 1
        case (false, true): return nullsFirst ? 1 : -1
        case (false, false):
            let c = Value.sortCompare(a, b)
            return ascending ? c : -c
        }
    }
}
