import PoolSQLCore

/// The built-in scalar functions. The binder picks the overload from the argument types; the
/// evaluator runs it.
public enum ScalarFunction: String, Sendable, Hashable, CaseIterable {
    case abs
    case round
    case coalesce
    case nullif
    case concat
    case lower
    case upper
    case length
    case now
    case greatest
    case least
    /// `x ^ y` (double precision).
    case power

    /// Every function name the binder knows, for "did you mean" hints.
    public static var knownNames: [String] {
        allCases.map(\.rawValue) + ["char_length", "character_length", "current_timestamp"]
    }

    public static func named(_ name: String) -> ScalarFunction? {
        switch name {
        case "char_length", "character_length": return .length
        case "current_timestamp": return .now
        default: return ScalarFunction(rawValue: name)
        }
    }
}
