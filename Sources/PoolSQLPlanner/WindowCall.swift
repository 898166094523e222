import PoolSQLCore
import PoolSQLSyntax

/// The window functions the executor computes.
public enum WindowFunction: Sendable {
    case rowNumber
    case rank
    case denseRank
    case lag
    case lead
    case firstValue
    case lastValue
    case nthValue
    case ntile
    case percentRank
    case cumeDist
    /// An aggregate over the window frame (`sum(x) OVER (…)`).
    case aggregate(AggregateCall)

    public var name: String {
        switch self {
        case .rowNumber: return "row_number"
        case .rank: return "rank"
        case .denseRank: return "dense_rank"
        case .lag: return "lag"
        case .lead: return "lead"
        case .firstValue: return "first_value"
        case .lastValue: return "last_value"
        case .nthValue: return "nth_value"
        case .ntile: return "ntile"
        case .percentRank: return "percent_rank"
        case .cumeDist: return "cume_dist"
        case let .aggregate(call): return call.function == .countStar ? "count" : call.function.rawValue
        }
    }
}

/// One end of a window frame. Offsets are constant expressions (evaluated per statement).
public enum WindowFrameBound: Sendable {
    case unboundedPreceding
    case preceding(BoundExpr)
    case currentRow
    case following(BoundExpr)
    case unboundedFollowing
}

/// `ROWS BETWEEN … AND …` (row offsets) or `RANGE BETWEEN … AND …` (peers; only UNBOUNDED
/// and CURRENT ROW bounds).
public struct WindowFrameSpec: Sendable {
    public var rows: Bool
    public var start: WindowFrameBound
    public var end: WindowFrameBound

    public init(rows: Bool, start: WindowFrameBound, end: WindowFrameBound) {
        self.rows = rows
        self.start = start
        self.end = end
    }

    /// PostgreSQL's default: RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW (the whole
    /// partition when there is no ORDER BY, as every row is then a peer).
    public static let `default` = WindowFrameSpec(rows: false, start: .unboundedPreceding, end: .currentRow)
}

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

/// Window calls collected while binding a select list; they are computed by a Window node
/// whose output is its input's columns followed by one column per call. Until the input's
/// width is final, references to call `k` use the placeholder column index `-1 - k`.
final class WindowContext {
    private(set) var calls: [WindowCall] = []
    private var asts: [Expr] = []
    /// `WINDOW name AS (…)` definitions of the SELECT.
    let named: [String: WindowSpecification]

    init(named: [NamedWindow] = []) {
        var byName: [String: WindowSpecification] = [:]
        for w in named { byName[w.name.value] = w.specification }
        self.named = byName
    }

    func reference(for expr: Expr, bind: () throws(PoolSQLError) -> WindowCall) throws(PoolSQLError) -> BoundExpr {
        if let k = asts.firstIndex(of: expr) {
            return .column(index: -1 - k, name: calls[k].function.name, type: calls[k].type)
        }
        let call = try bind()
        calls.append(call)
        asts.append(expr)
        return .column(index: -calls.count, name: call.function.name, type: call.type)
    }

    /// Maps the placeholders to their final positions after `inputWidth` input columns.
    func placeholderMapping(inputWidth: Int) -> [Int: Int] {
        var mapping: [Int: Int] = [:]
        for k in calls.indices { mapping[-1 - k] = inputWidth + k }
        return mapping
    }
}
