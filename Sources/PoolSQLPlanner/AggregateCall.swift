import PoolSQLCore

/// The aggregate functions the executor computes.
public enum AggregateFunction: String, Sendable, Hashable {
    /// `count(*)`: counts rows.
    case countStar = "count(*)"
    case count
    case sum
    case avg
    case min
    case max
    case stringAgg = "string_agg"
    case boolAnd = "bool_and"
    case boolOr = "bool_or"
    case arrayAgg = "array_agg"
    case stddevSamp = "stddev_samp"
    case stddevPop = "stddev_pop"
    case varSamp = "var_samp"
    case varPop = "var_pop"
    /// Ordered-set aggregates: `f(fraction) WITHIN GROUP (ORDER BY x)`; x is the sort key.
    case percentileCont = "percentile_cont"
    case percentileDisc = "percentile_disc"
    case mode
    /// `sketch_percentile(latency_sketch, fraction)`: merges the group's latency sketches (the
    /// metrics history's mergeable DDSketch text) and returns the quantile, within
    /// `LatencySketch.relativeAccuracy` of the exact percentile_disc of the merged values.
    case sketchPercentile = "sketch_percentile"
}

/// One aggregate computed by an Aggregate node: `sum(DISTINCT x) FILTER (WHERE …)`. Its
/// arguments and filter are bound over the Aggregate node's input.
public struct AggregateCall: Sendable {
    public var function: AggregateFunction
    public var arguments: [BoundExpr]
    public var distinct: Bool
    public var filter: BoundExpr?
    /// `string_agg(x, ',' ORDER BY y)`.
    public var orderBy: [SortKey]
    public var type: DataType

    public init(function: AggregateFunction, arguments: [BoundExpr], distinct: Bool = false, filter: BoundExpr? = nil,
                orderBy: [SortKey] = [], type: DataType) {
        self.function = function
        self.arguments = arguments
        self.distinct = distinct
        self.filter = filter
        self.orderBy = orderBy
        self.type = type
    }

    /// Every expression the call reads.
    public var expressions: [BoundExpr] {
        arguments + (filter.map { [$0] } ?? []) + orderBy.map(\.expr)
    }

    public func mapExpressions(_ transform: (BoundExpr) -> BoundExpr) -> AggregateCall {
        var copy = self
        copy.arguments = arguments.map(transform)
        copy.filter = filter.map(transform)
        copy.orderBy = orderBy.map { SortKey(expr: transform($0.expr), ascending: $0.ascending, nullsFirst: $0.nullsFirst) }
        return copy
    }

    public func rendered(columnNames: [String]) -> String {
        if function == .countStar { return "count(*)" }
        if [.percentileCont, .percentileDisc, .mode].contains(function) {
            return "\(function.rawValue)(" + arguments.map { $0.rendered(columnNames: columnNames) }.joined(separator: ", ")
                + ") WITHIN GROUP (ORDER BY " + orderBy.map { $0.expr.rendered(columnNames: columnNames) + ($0.ascending ? "" : " DESC") }.joined(separator: ", ") + ")"
        }
        var s = "\(function.rawValue)(" + (distinct ? "DISTINCT " : "") + arguments.map { $0.rendered(columnNames: columnNames) }.joined(separator: ", ")
        if !orderBy.isEmpty {
            s += " ORDER BY " + orderBy.map { $0.expr.rendered(columnNames: columnNames) + ($0.ascending ? "" : " DESC") }.joined(separator: ", ")
        }
        s += ")"
        if let filter { s += " FILTER (WHERE \(filter.rendered(columnNames: columnNames)))" }
        return s
    }
}
