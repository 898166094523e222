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
    /// `power(x, y)` and `x ^ y` (double precision).
    case power
    case floor
    case ceil
    case trunc
    case sqrt
    case mod
    /// `EXTRACT(field FROM x)`: numeric. The field is the first argument (text).
    case extract
    /// `date_part('field', x)`: double precision.
    case datePart = "date_part"
    case dateTrunc = "date_trunc"
    case substring
    case strpos
    case btrim
    case ltrim
    case rtrim
    case replace
    case left
    case right
    case splitPart = "split_part"
    case startsWith = "starts_with"
    /// `text ~ pattern` (`regex_match(text, pattern, case_insensitive)`).
    case regexMatch = "regex_match"
    /// `text LIKE pattern ESCAPE e` (`like_escape(text, pattern, escape, case_insensitive)`).
    case likeEscape = "like_escape"
    /// `ARRAY[a, b, …]`.
    case makeArray = "array"
    /// `a[i]` (1-based; NULL out of range).
    case arraySubscript = "array_subscript"

    /// Every function name the binder knows, for "did you mean" hints.
    public static var knownNames: [String] {
        allCases.filter { ![.extract, .regexMatch, .likeEscape, .makeArray, .arraySubscript].contains($0) }.map(\.rawValue)
            + ["char_length", "character_length", "current_timestamp", "ceiling", "substr", "position", "trim"]
    }

    public static func named(_ name: String) -> ScalarFunction? {
        switch name {
        case "char_length", "character_length": return .length
        case "current_timestamp": return .now
        case "ceiling": return .ceil
        case "substr": return .substring
        case "pow": return .power
        case "regex_match", "like_escape", "array", "array_subscript": return nil
        default: return ScalarFunction(rawValue: name)
        }
    }
}
