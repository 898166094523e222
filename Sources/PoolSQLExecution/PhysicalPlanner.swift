import PoolSQLCore
import PoolSQLPlanner

/// Turns an optimized logical plan into executable operators.
public struct PhysicalPlanner: Sendable {
    /// Whether GROUP BY over a table scan may use `ColumnarAggregateExec` (off: always the
    /// row-at-a-time `AggregateExec`, for comparing the two).
    public var columnarAggregates: Bool

    public init(columnarAggregates: Bool = true) {
        self.columnarAggregates = columnarAggregates
    }

    public func plan(_ logical: LogicalPlan) -> any PhysicalOperator {
        switch logical {
        case let .scan(scan): return TableScanExec(scan: scan)
        case .singleRow: return SingleRowExec()
        case let .filter(predicate, input): return FilterExec(predicate: predicate, input: plan(input))
        case let .projection(exprs, columns, input): return ProjectionExec(exprs: exprs, columns: columns, input: plan(input))
        case let .sort(keys, input): return SortExec(keys: keys, input: plan(input))
        case let .limit(count, offset, input): return LimitExec(count: count, offset: offset, input: plan(input))
        case let .distinct(input): return DistinctExec(input: plan(input))
        case let .distinctOn(keys, input): return DistinctOnExec(keys: keys, input: plan(input))
        case let .subqueryAlias(columns, input): return SubqueryAliasExec(columns: columns, input: plan(input))
        case let .values(rows, columns): return ValuesExec(rows: rows, columns: columns)
        case let .join(type, condition, left, right):
            return NestedLoopJoinExec(type: type, condition: condition, left: plan(left), right: plan(right))
        case let .workTableScan(table): return WorkTableScanExec(table: table)
        case let .lateralJoin(type, condition, left, right):
            return LateralJoinExec(type: type, condition: condition, left: plan(left), right: plan(right))
        case let .unnest(arrays, columns, withOrdinality): return UnnestExec(arrays: arrays, columns: columns, withOrdinality: withOrdinality)
        case let .recursiveUnion(table, all, anchor, recursive):
            return RecursiveUnionExec(table: table, all: all, anchor: plan(anchor), recursive: plan(recursive))
        case let .generateSeries(start, stop, step, column):
            return GenerateSeriesExec(start: start, stop: stop, step: step, columns: [column])
        case let .window(calls, input):
            return WindowExec(calls: calls, input: plan(input), columns: logical.columns)
        case let .setOperation(type, all, left, right):
            return SetOperationExec(type: type, all: all, left: plan(left), right: plan(right))
        case let .aggregate(groups, aggregates, columns, input):
            let rowPath = AggregateExec(groups: groups, aggregates: aggregates, columns: columns, input: plan(input))
            // Over a plain table scan, with GROUP BY values and aggregates of simple kinds, the
            // columnar operator computes the same result on typed values.
            if columnarAggregates, let columnar = ColumnarAggregateExec.make(rowPath, input: input) { return columnar }
            return rowPath
        }
    }
}
