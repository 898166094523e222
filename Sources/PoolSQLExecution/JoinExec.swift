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

/// A renamed input (subquery alias, CTE reference): rows pass through unchanged.
public struct SubqueryAliasExec: PhysicalOperator {
    public let columns: [PlanColumn]
    public let input: any PhysicalOperator

    public func execute(_ context: ExecutionContext) throws(PoolSQLError) -> [[Value]] {
        try input.execute(context)
    }
}

/// `generate_series(start, stop[, step])`: integers, numerics, or timestamps by an interval.
public struct GenerateSeriesExec: PhysicalOperator {
    public let start: BoundExpr
    public let stop: BoundExpr
    public let step: BoundExpr?
    public let columns: [PlanColumn]

    /// A guard against runaway series (the REPL would try to print them all).
    static let maximumRows = 10_000_000

    public func execute(_ context: ExecutionContext) throws(PoolSQLError) -> [[Value]] {
        let first = try start.evaluate(row: [], context: context)
        let last = try stop.evaluate(row: [], context: context)
        let increment = try step?.evaluate(row: [], context: context) ?? .int(1)
        if first.isNull || last.isNull || increment.isNull { return [] }
        let type = columns.first?.type ?? .integer
        var zero: Value = .int(0)
        if case .interval = increment { zero = .interval(Interval()) }
        guard let direction = increment.sqlCompare(zero), direction != 0 else {
            throw PoolSQLError(.invalidParameterValue, "step size cannot equal zero")
        }
        var rows: [[Value]] = []
        var current = first
        while let c = current.sqlCompare(last), direction > 0 ? c <= 0 : c >= 0 {
            rows.append([current])
            if rows.count % 4096 == 0 { try context.checkCancellation() }
            if rows.count > GenerateSeriesExec.maximumRows {
                throw PoolSQLError(.programLimitExceeded, "generate_series would return more than \(GenerateSeriesExec.maximumRows) rows")
            }
            do {
                current = try Value.arithmetic(.add, current, increment, resultType: type == .integer ? .bigint : type)
            } catch {
                break  // past the type's range: the series ends, as in PostgreSQL
            }
        }
        return rows
    }
}

/// Reads the current iteration's rows of a recursive CTE.
public struct WorkTableScanExec: PhysicalOperator {
    public let table: WorkTable

    public var columns: [PlanColumn] { table.columns }

    public func execute(_ context: ExecutionContext) throws(PoolSQLError) -> [[Value]] {
        context.workTables.rows(of: table)
    }
}

/// WITH RECURSIVE evaluation: the anchor's rows, then the recursive term over the previous
/// iteration's new rows until it yields none. A runaway recursion stops with 54001.
public struct RecursiveUnionExec: PhysicalOperator {
    public let table: WorkTable
    public let all: Bool
    public let anchor: any PhysicalOperator
    public let recursive: any PhysicalOperator

    public var columns: [PlanColumn] { table.columns }

    static let maximumRows = 1_000_000

    public func execute(_ context: ExecutionContext) throws(PoolSQLError) -> [[Value]] {
        var seen: Set<[Value]> = []
        func fresh(_ rows: [[Value]]) -> [[Value]] {
            all ? rows : rows.filter { seen.insert($0).inserted }
        }
        var result = fresh(try anchor.execute(context))
        var working = result
        while !working.isEmpty {
            try context.checkCancellation()
            context.workTables.set(working, for: table)
            working = fresh(try recursive.execute(context))
            result += working
            if result.count > RecursiveUnionExec.maximumRows {
                throw PoolSQLError(.programLimitExceeded, "recursive query \"\(table.name)\" produced more than \(RecursiveUnionExec.maximumRows) rows",
                                   hint: "Check the recursive term's stop condition.")
            }
        }
        return result
    }
}
