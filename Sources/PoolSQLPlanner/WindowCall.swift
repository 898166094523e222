import PoolSQLCore
import PoolSQLSyntax

/// One `f(…) OVER (PARTITION BY … ORDER BY … [frame])`.
public struct WindowCall: Sendable {
    public var function: WindowFunction
    /// lag/lead/first_value/last_value arguments (value, offset, default).
    public var arguments: [BoundExpr]
    public var partitionBy: [BoundExpr]
    public var orderBy: [SortKey]
    public var frame: WindowFrameSpec
    public var type: DataType

    public init(function: WindowFunction, arguments: [BoundExpr], partitionBy: [BoundExpr], orderBy: [SortKey],
                frame: WindowFrameSpec = .default, type: DataType) {
        self.function = function
        self.arguments = arguments
        self.partitionBy = partitionBy
        self.orderBy = orderBy
        self.frame = frame
        self.type = type
    }

    public func mapExpressions(_ f: (BoundExpr) -> BoundExpr) -> WindowCall {
        var copy = self
        copy.arguments = arguments.map(f)
        copy.partitionBy = partitionBy.map(f)
        copy.orderBy = orderBy.map { SortKey(expr: f($0.expr), ascending: $0.ascending, nullsFirst: $0.nullsFirst) }
        if case let .aggregate(call) = function { copy.function = .aggregate(call.mapExpressions(f)) }
        return copy
    }

    public func rendered(columnNames: [String]) -> String {
        let head: String
        if case let .aggregate(call) = function {
            head = call.rendered(columnNames: columnNames)
        } else {
            head = "\(function.name)(" + arguments.map { $0.rendered(columnNames: columnNames) }.joined(separator: ", ") + ")"
        }
        var spec: [String] = []
        if !partitionBy.isEmpty { spec.append("PARTITION BY " + partitionBy.map { $0.rendered(columnNames: columnNames) }.joined(separator: ", ")) }
        if !orderBy.isEmpty {
            spec.append("ORDER BY " + orderBy.map { $0.expr.rendered(columnNames: columnNames) + ($0.ascending ? "" : " DESC") }.joined(separator: ", "))
        }
        return "\(head) OVER (\(spec.joined(separator: " ")))"
    }
}
