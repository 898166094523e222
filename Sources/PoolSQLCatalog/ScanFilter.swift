import PoolSQLCore

/// A filter simple enough to hand to a table: one column compared with constants. The constant
/// already has the column's type (the planner coerces literals before pushing).
public struct ScanFilter: Sendable, Hashable, CustomStringConvertible {
    public enum Operator: String, Sendable, Hashable {
        case equal = "="
        case notEqual = "<>"
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
        case isNull = "IS NULL"
        case isNotNull = "IS NOT NULL"
        /// `column IN (values…)`; NULLs in the list never match.
        case `in` = "IN"
        /// `column LIKE pattern` (`%` and `_` wildcards, `\` escapes), case-sensitive.
        case like = "LIKE"
        /// `column ILIKE pattern`, case-insensitive.
        case ilike = "ILIKE"
    }

    /// Position of the column in the table's schema (not in a projection).
    public var column: Int
    public var op: Operator
    /// The constant for comparisons and LIKE; `.array` for IN; `.null` for IS [NOT] NULL.
    public var value: Value

    public init(column: Int, op: Operator, value: Value = .null) {
        self.column = column
        self.op = op
        self.value = value
    }

    /// Whether a row's column value passes the filter. A comparison with NULL never passes,
    /// as in SQL's WHERE.
    public func matches(_ columnValue: Value) -> Bool {
        switch op {
        case .isNull: return columnValue.isNull
        case .isNotNull: return !columnValue.isNull
        case .in:
            guard case let .array(candidates) = value else { return false }
            return candidates.contains(where: { columnValue.sqlCompare($0) == 0 })
        case .like, .ilike:
            guard case let .text(text) = columnValue, case let .text(pattern) = value else { return false }
            return LikePattern(pattern, caseInsensitive: op == .ilike).matches(text)
        default:
            guard let c = columnValue.sqlCompare(value) else { return false }
            switch op {
            case .equal: return c == 0
            case .notEqual: return c != 0
            case .less: return c < 0
            case .lessOrEqual: return c <= 0
            case .greater: return c > 0
            case .greaterOrEqual: return c >= 0
            default: return false
            }
        }
    }

    /// `pool_name = 'p'`, with the column named from `schema`.
    public func rendered(in schema: TableSchema) -> String {
        let name = column < schema.columns.count ? schema.columns[column].name : "#\(column)"
        switch op {
        case .isNull, .isNotNull: return "\(name) \(op.rawValue)"
        case .in:
            guard case let .array(values) = value else { return "\(name) IN ()" }
            return "\(name) IN (" + values.map(\.sqlLiteral).joined(separator: ", ") + ")"
        default: return "\(name) \(op.rawValue) \(value.sqlLiteral)"
        }
    }

    public var description: String { rendered(in: TableSchema(columns: [])) }
}
