import PoolSQLCore

extension Value {
    /// The value written as a SQL literal: `'it''s'`, `42`, `NULL`, `TIMESTAMP '…'`.
    public var sqlLiteral: String {
        switch self {
        case .null: return "NULL"
        case let .bool(b): return b ? "TRUE" : "FALSE"
        case .int, .double, .numeric: return description
        case let .text(s): return "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
        case let .timestamp(t): return "TIMESTAMP '\(t)'"
        case let .interval(i): return "INTERVAL '\(i)'"
        case let .array(values): return "ARRAY[" + values.map(\.sqlLiteral).joined(separator: ", ") + "]"
        }
    }
}
