import PoolSQLCore
import PoolSQLCatalog

/// The logical plan of a query: a tree of relational operators over rows whose column
/// references are positions in each node's input.
public indirect enum LogicalPlan: Sendable {
    case scan(TableScan)
    /// One row with no columns: the input of a SELECT without FROM.
    case singleRow
    case filter(BoundExpr, LogicalPlan)
    case projection([BoundExpr], [PlanColumn], LogicalPlan)
    case sort([SortKey], LogicalPlan)
    /// LIMIT `count` (nil: no limit) after skipping `offset` rows.
    case limit(count: Int?, offset: Int, LogicalPlan)
    case distinct(LogicalPlan)
    /// DISTINCT ON: keeps the first row (in input order) of each group of rows with equal
    /// `keys`; the input is sorted by them first.
    case distinctOn(keys: [BoundExpr], LogicalPlan)
    /// GROUP BY: one output row per group (one row in all when `groups` is empty), the group
    /// values first, then the aggregates, named by `columns`.
    case aggregate(groups: [BoundExpr], aggregates: [AggregateCall], columns: [PlanColumn], LogicalPlan)
    /// A subquery, CTE or aliased table seen under a new name: same rows, renamed columns.
    case subqueryAlias(columns: [PlanColumn], LogicalPlan)
    /// `VALUES (…), (…)`: constant rows.
    case values(rows: [[BoundExpr]], columns: [PlanColumn])
    /// Nested-loop join; output rows are the left columns followed by the right ones.
    case join(JoinType, condition: BoundExpr?, left: LogicalPlan, right: LogicalPlan)
    /// UNION / INTERSECT / EXCEPT [ALL]; both inputs have the same column types, the output
    /// takes the left input's names.
    case setOperation(SetOperationType, all: Bool, left: LogicalPlan, right: LogicalPlan)
    /// Window functions: the input columns followed by one column per call.
    case window([WindowCall], LogicalPlan)
    /// The previous iteration's rows inside a recursive CTE's recursive term.
    case workTableScan(WorkTable)
    /// WITH RECURSIVE: the anchor's rows, then the recursive term's new rows, repeatedly,
    /// until an iteration adds none (UNION drops rows seen before; UNION ALL keeps all).
    case recursiveUnion(WorkTable, all: Bool, anchor: LogicalPlan, recursive: LogicalPlan)
    /// A join whose right side reads the left row (LATERAL subqueries and functions in FROM):
    /// the right plan runs once per left row, with that row as its enclosing row.
    case lateralJoin(JoinType, condition: BoundExpr?, left: LogicalPlan, right: LogicalPlan)
    /// `unnest(a, b, …) [WITH ORDINALITY]` in FROM: one row per position.
    case unnest([BoundExpr], columns: [PlanColumn], withOrdinality: Bool)
    /// `generate_series(start, stop[, step])` in FROM: one column.
    case generateSeries(start: BoundExpr, stop: BoundExpr, step: BoundExpr?, column: PlanColumn)

    public var columns: [PlanColumn] {
        switch self {
        case let .scan(scan): return scan.columns
        case .singleRow: return []
        case let .filter(_, input), let .sort(_, input), let .limit(_, _, input), let .distinct(input), let .distinctOn(_, input):
            return input.columns
        case let .projection(_, columns, _): return columns
        case let .aggregate(_, _, columns, _): return columns
        case let .subqueryAlias(columns, _): return columns
        case let .values(_, columns): return columns
        case let .join(_, _, left, right):
            return left.columns + right.columns
        case let .generateSeries(_, _, _, column):
            return [column]
        case let .unnest(_, columns, _):
            return columns
        case let .lateralJoin(_, _, left, right):
            return left.columns + right.columns
        case let .workTableScan(table), let .recursiveUnion(table, _, _, _):
            return table.columns
        case let .window(calls, input):
            return input.columns + calls.map { PlanColumn(name: $0.function.name, type: $0.type) }
        case let .setOperation(_, _, left, _):
            return left.columns.map { PlanColumn(name: $0.name, type: $0.type) }
        }
    }
}
