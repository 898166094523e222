import PoolSQLCore
import PoolSQLCatalog

/// Passes `LIMIT n OFFSET m` to a table scan as `limit = n + m` when nothing between them can
/// drop or reorder rows (only projections) and the scan applies all its filters exactly.
struct LimitPushdownRule {
    func apply(_ plan: LogicalPlan) -> LogicalPlan {
        let plan = plan.withInput(apply)
        guard case let .limit(count?, offset, input) = plan else { return plan }
        let (sum, overflow) = count.addingReportingOverflow(offset)
        if overflow { return plan }
        return .limit(count: count, offset: offset, push(sum, into: input))
    }

    private func push(_ limit: Int, into plan: LogicalPlan) -> LogicalPlan {
        switch plan {
        case let .projection(exprs, columns, input):
            return .projection(exprs, columns, push(limit, into: input))
        case let .subqueryAlias(columns, input):
            return .subqueryAlias(columns: columns, push(limit, into: input))
        case var .scan(scan) where scan.filters.allSatisfy({ $0.support == .exact }):
            scan.limit = min(scan.limit ?? limit, limit)
            return .scan(scan)
        default:
            return plan
        }
    }
}
