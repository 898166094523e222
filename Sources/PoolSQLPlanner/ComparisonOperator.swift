import PoolSQLCore

/// Comparison operators of bound expressions.
public enum ComparisonOperator: String, Sendable, Hashable {
    case equal = "="
    case notEqual = "<>"
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="

    /// The operator with its operands swapped: `a < b` ⇔ `b > a`.
    public var flipped: ComparisonOperator {
        switch self {
        case .equal, .notEqual: return self
        case .less: return .greater
        case .lessOrEqual: return .greaterOrEqual
        case .greater: return .less
        case .greaterOrEqual: return .lessOrEqual
        }
    }

    public func holds(_ comparison: Int) -> Bool {
        switch self {
        case .equal: return comparison == 0
        case .notEqual: return comparison != 0
        case .less: return comparison < 0
        case .lessOrEqual: return comparison <= 0
        case .greater: return comparison > 0
        case .greaterOrEqual: return comparison >= 0
        }
    }
}
