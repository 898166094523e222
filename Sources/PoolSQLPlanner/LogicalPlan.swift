import PoolSQLCore
import PoolSQLCatalog

/// One output column of a plan node: its name as PostgreSQL would show it, its type, and the
/// table name or alias that qualifies it (for `t.col` references), if any.
public struct PlanColumn: Sendable, Hashable {
    public var name: String
    public var type: DataType
    public var qualifier: String?
    /// Reachable only as `qualifier.name` and through `qualifier.*` (the per-side copies of a
    /// JOIN … USING column); `*` and unqualified names see the merged column instead.
    public var qualifiedOnly: Bool
    /// Position in the table or subquery it comes from, so `t.*` lists t's columns in t's order.
    public var ordinal: Int?

    public init(name: String, type: DataType, qualifier: String? = nil, qualifiedOnly: Bool = false, ordinal: Int? = nil) {
        self.name = name
        self.type = type
        self.qualifier = qualifier
        self.qualifiedOnly = qualifiedOnly
        self.ordinal = ordinal
    }
}

/// One ORDER BY key over the input row.
public struct SortKey: Sendable {
    public var expr: BoundExpr
    public var ascending: Bool
    public var nullsFirst: Bool

    public init(expr: BoundExpr, ascending: Bool, nullsFirst: Bool) {
        self.expr = expr
        self.ascending = ascending
        self.nullsFirst = nullsFirst
    }
}

/// A filter offered to a table scan and what the table said about it.
public struct PushedFilter: Sendable, Hashable {
    public var filter: ScanFilter
    public var support: FilterPushdown

    public init(filter: ScanFilter, support: FilterPushdown) {
        self.filter = filter
        self.support = support
    }
}

/// A scan of one table, with what the optimizer pushed into it.
public struct TableScan: Sendable {
    public var tableName: String
    /// The alias or table name that qualifies its columns.
    public var qualifier: String
    public var provider: any TableProvider
    /// Schema positions of the columns produced, in order; nil means all columns.
    public var projection: [Int]?
    /// Filters sent to the table (exact or inexact ones).
    public var filters: [PushedFilter]
    public var limit: Int?

    public init(tableName: String, qualifier: String, provider: any TableProvider, projection: [Int]? = nil,
                filters: [PushedFilter] = [], limit: Int? = nil) {
        self.tableName = tableName
        self.qualifier = qualifier
        self.provider = provider
        self.projection = projection
        self.filters = filters
        self.limit = limit
    }

    public var schema: TableSchema { provider.schema }

    /// The schema positions this scan outputs.
    public var outputIndices: [Int] { projection ?? Array(schema.columns.indices) }

    public var columns: [PlanColumn] {
        outputIndices.map { i in
            let c = schema.columns[i]
            return PlanColumn(name: c.name, type: c.type, qualifier: qualifier, ordinal: i)
        }
    }

    public var request: ScanRequest {
        ScanRequest(projection: projection, filters: filters.map(\.filter), limit: limit)
    }
}

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
        case let .workTableScan(table), let .recursiveUnion(table, _, _, _):
            return table.columns
        case let .window(calls, input):
            return input.columns + calls.map { PlanColumn(name: $0.function.name, type: $0.type) }
        case let .setOperation(_, _, left, _):
            return left.columns.map { PlanColumn(name: $0.name, type: $0.type) }
        }
    }
}

/// The join types the executor runs (CROSS JOIN is an inner join without condition).
public enum JoinType: String, Sendable, Hashable {
    case inner = "Inner"
    case left = "Left"
    case right = "Right"
    case full = "Full"
}

public enum SetOperationType: String, Sendable, Hashable {
    case union = "Union"
    case intersect = "Intersect"
    case except = "Except"
}
