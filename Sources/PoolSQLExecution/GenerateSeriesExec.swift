import PoolSQLCore
import PoolSQLPlanner

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
