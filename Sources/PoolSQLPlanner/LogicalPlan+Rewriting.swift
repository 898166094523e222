import PoolSQLCore
import PoolSQLCatalog

extension LogicalPlan {
    /// Rebuilds the node with each input replaced.
    func withInput(_ transform: (LogicalPlan) -> LogicalPlan) -> LogicalPlan {
        switch self {
        case .scan, .singleRow, .values, .generateSeries, .workTableScan, .unnest: return self
        case let .lateralJoin(t, condition, l, r): return .lateralJoin(t, condition: condition, left: transform(l), right: transform(r))
        case let .recursiveUnion(t, all, a, r): return .recursiveUnion(t, all: all, anchor: transform(a), recursive: transform(r))
        case let .filter(p, input): return .filter(p, transform(input))
        case let .projection(e, c, input): return .projection(e, c, transform(input))
        case let .sort(k, input): return .sort(k, transform(input))
        case let .limit(n, o, input): return .limit(count: n, offset: o, transform(input))
        case let .distinct(input): return .distinct(transform(input))
        case let .distinctOn(keys, input): return .distinctOn(keys: keys, transform(input))
        case let .aggregate(g, a, c, input): return .aggregate(groups: g, aggregates: a, columns: c, transform(input))
        case let .subqueryAlias(c, input): return .subqueryAlias(columns: c, transform(input))
        case let .join(t, condition, l, r): return .join(t, condition: condition, left: transform(l), right: transform(r))
        case let .setOperation(t, all, l, r): return .setOperation(t, all: all, left: transform(l), right: transform(r))
        case let .window(calls, input): return .window(calls, transform(input))
        }
    }
}

extension LogicalPlan {
    /// Rebuilds every expression of every node.
    func mappingExpressions(_ f: (BoundExpr) -> BoundExpr) -> LogicalPlan {
        let plan = withInput { $0.mappingExpressions(f) }
        switch plan {
        case let .filter(p, input): return .filter(f(p), input)
        case let .projection(exprs, columns, input): return .projection(exprs.map(f), columns, input)
        case let .sort(keys, input):
            return .sort(keys.map { SortKey(expr: f($0.expr), ascending: $0.ascending, nullsFirst: $0.nullsFirst) }, input)
        case let .aggregate(groups, aggregates, columns, input):
            return .aggregate(groups: groups.map(f), aggregates: aggregates.map { $0.mapExpressions(f) }, columns: columns, input)
        case let .join(type, condition, l, r): return .join(type, condition: condition.map(f), left: l, right: r)
        case let .values(rows, columns): return .values(rows: rows.map { $0.map(f) }, columns: columns)
        case let .window(calls, input): return .window(calls.map { $0.mapExpressions(f) }, input)
        case let .generateSeries(start, stop, step, column):
            return .generateSeries(start: f(start), stop: f(stop), step: step.map(f), column: column)
        case let .unnest(arrays, columns, withOrdinality): return .unnest(arrays.map(f), columns: columns, withOrdinality: withOrdinality)
        case let .lateralJoin(type, condition, l, r): return .lateralJoin(type, condition: condition.map(f), left: l, right: r)
        default: return plan
        }
    }
}
