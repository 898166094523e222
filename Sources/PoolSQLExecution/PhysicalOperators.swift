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

/// The single empty row a SELECT without FROM computes its expressions over.
public struct SingleRowExec: PhysicalOperator {
    public var columns: [PlanColumn] { [] }
    public func execute(_ context: ExecutionContext) throws(PoolSQLError) -> [[Value]] { [[]] }
}

public struct FilterExec: PhysicalOperator {
    public let predicate: BoundExpr
    public let input: any PhysicalOperator

    public var columns: [PlanColumn] { input.columns }

    public func execute(_ context: ExecutionContext) throws(PoolSQLError) -> [[Value]] {
        var out: [[Value]] = []
        for row in try input.execute(context) where try predicate.isSatisfied(row: row, context: context) {
            out.append(row)
        }
        return out
    }
}

public struct ProjectionExec: PhysicalOperator {
    public let exprs: [BoundExpr]
    public let columns: [PlanColumn]
    public let input: any PhysicalOperator

    public func execute(_ context: ExecutionContext) throws(PoolSQLError) -> [[Value]] {
        let rows = try input.execute(context)
        var out: [[Value]] = []
        out.reserveCapacity(rows.count)
        for row in rows {
            var projected: [Value] = []
            projected.reserveCapacity(exprs.count)
            for expr in exprs { projected.append(try expr.evaluate(row: row, context: context)) }
            out.append(projected)
        }
        return out
    }
}

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

public struct LimitExec: PhysicalOperator {
    public let count: Int?
    public let offset: Int
    public let input: any PhysicalOperator

    public var columns: [PlanColumn] { input.columns }

    public func execute(_ context: ExecutionContext) throws(PoolSQLError) -> [[Value]] {
        let rows = try input.execute(context)
        let start = min(offset, rows.count)
        let end = count.map { min(rows.count, start + min($0, rows.count)) } ?? rows.count
        return Array(rows[start..<end])
    }
}

/// SELECT DISTINCT: keeps the first of each group of not-distinct rows, in input order.
public struct DistinctExec: PhysicalOperator {
    public let input: any PhysicalOperator

    public var columns: [PlanColumn] { input.columns }

    public func execute(_ context: ExecutionContext) throws(PoolSQLError) -> [[Value]] {
        var seen: Set<[Value]> = []
        var out: [[Value]] = []
        for row in try input.execute(context) where seen.insert(row).inserted {
            out.append(row)
        }
        return out
    }
}

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
