import PoolSQLCore

/// PostgreSQL's implicit type rules, reduced to the types PoolSQL has: type categories, the
/// preferred common type of several expressions (CASE, COALESCE, IN), and which casts exist.
enum TypeCoercion {
    enum Category: Equatable { case boolean, numeric, string, datetime, interval, array, unknown }

    static func category(_ t: DataType) -> Category {
        switch t {
        case .boolean: return .boolean
        case .smallint, .integer, .bigint, .numeric, .real, .doublePrecision: return .numeric
        case .text, .varchar: return .string
        case .timestamp, .timestamptz, .date: return .datetime
        case .interval: return .interval
        case .array: return .array
        case .unknown: return .unknown
        }
    }

    /// Rank within the numeric category: the wider type wins.
    static func numericRank(_ t: DataType) -> Int {
        switch t {
        case .smallint: return 0
        case .integer: return 1
        case .bigint: return 2
        case .numeric: return 3
        case .real: return 4
        case .doublePrecision: return 5
        default: return -1
        }
    }

    static func isStringLike(_ t: DataType) -> Bool { category(t) == .string }

    /// The type all of `types` convert to, ignoring `unknown` (all unknown: text); nil when two
    /// categories meet (`CASE types integer and text cannot be matched`). The first offending
    /// position is returned too.
    static func commonType(_ types: [DataType]) -> (type: DataType?, conflict: (DataType, DataType, Int)?) {
        var result: DataType?
        for (i, t) in types.enumerated() where t != .unknown {
            guard let current = result else { result = t; continue }
            if current == t { continue }
            let (a, b) = (category(current), category(t))
            guard a == b else { return (nil, (current, t, i)) }
            switch a {
            case .numeric:
                if numericRank(t) > numericRank(current) { result = t }
                if case .numeric = t, case .numeric = current { result = .numeric(precision: nil, scale: nil) }
            case .string: result = .text
            case .datetime:
                if t == .timestamptz || current == .timestamptz { result = .timestamptz } else { result = .timestamp }
            default:
                return (nil, (current, t, i))
            }
        }
        return (result ?? .text, nil)  // all untyped: text, as PostgreSQL resolves unknown
    }

    /// Whether a value of `from` converts to `to` silently (in expressions and assignments).
    static func isImplicit(_ from: DataType, _ to: DataType) -> Bool {
        if from == to { return true }
        let (a, b) = (category(from), category(to))
        switch (a, b) {
        case (.numeric, .numeric): return numericRank(from) <= numericRank(to) || isNumericFamily(from, to)
        case (.string, .string): return true
        case (.datetime, .datetime): return true
        case (.array, .array):
            // Arrays convert element by element (numeric[] → double precision[]).
            if case let .array(x) = from, case let .array(y) = to { return x == .unknown || isImplicit(x, y) }
            return false
        default: return false
        }
    }

    private static func isNumericFamily(_ a: DataType, _ b: DataType) -> Bool {
        if case .numeric = a, case .numeric = b { return true }
        return false
    }

    /// Whether `CAST(x AS to)` exists for a value of type `from`.
    static func canCast(_ from: DataType, _ to: DataType) -> Bool {
        if from == .unknown || to == .unknown || from == to { return true }
        let (a, b) = (category(from), category(to))
        if a == .string || b == .string { return true }  // every type has text I/O
        switch (a, b) {
        case (.numeric, .numeric), (.datetime, .datetime), (.interval, .interval), (.boolean, .boolean): return true
        case (.numeric, .boolean), (.boolean, .numeric):
            // PostgreSQL casts only integer ↔ boolean.
            return from == .integer || to == .integer
        case (.array, .array):
            if case let .array(x) = from, case let .array(y) = to { return canCast(x, y) }
            return false
        default: return false
        }
    }
}

extension DataType {
    /// The name PostgreSQL gives a cast's output column (`'1'::int` is `int4`).
    var internalName: String {
        switch self {
        case .boolean: return "bool"
        case .smallint: return "int2"
        case .integer: return "int4"
        case .bigint: return "int8"
        case .real: return "float4"
        case .doublePrecision: return "float8"
        case .numeric: return "numeric"
        case .text: return "text"
        case .varchar: return "varchar"
        case .timestamp: return "timestamp"
        case .timestamptz: return "timestamptz"
        case .date: return "date"
        case .interval: return "interval"
        case .array: return "?column?"
        case .unknown: return "?column?"
        }
    }
}
