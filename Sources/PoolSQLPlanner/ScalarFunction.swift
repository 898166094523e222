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
    /// `a[lo:hi]` (either bound may be missing: NULL literal).
    case arraySlice = "array_slice"
    /// `ROW(a, b)` / `(a, b)` as a value: its record text.
    case rowText = "row_text"

    // Math
    case sign, ln, log, log10, exp, pi, degrees, radians, cbrt, div

    // Text
    case concatWs = "concat_ws"
    case lpad, rpad, format, `repeat`, reverse, initcap, translate, ascii, chr
    case octetLength = "octet_length"
    case regexpReplace = "regexp_replace"
    case regexpMatch = "regexp_match"
    /// `SUBSTRING(text FROM pattern)`: the first match (or its first parenthesised group).
    case regexSubstring = "substring_regex"
    case stringToArray = "string_to_array"
    case arrayToString = "array_to_string"
    case quoteIdent = "quote_ident"
    case quoteLiteral = "quote_literal"
    case quoteNullable = "quote_nullable"
    /// The POSIX regular expression for a SIMILAR TO pattern.
    case similarToEscape = "similar_to_escape"

    // Date and time
    case toChar = "to_char"
    case toTimestamp = "to_timestamp"
    case toDate = "to_date"
    case makeInterval = "make_interval"
    case makeDate = "make_date"
    case makeTimestamp = "make_timestamp"
    case age
    case justifyHours = "justify_hours"
    case justifyDays = "justify_days"
    case justifyInterval = "justify_interval"
    /// `timezone(zone, ts)`, which `ts AT TIME ZONE zone` means.
    case timezone

    // Arrays
    case arrayLength = "array_length"
    case cardinality
    case arrayRemove = "array_remove"
    case arrayPosition = "array_position"
    case arrayAppend = "array_append"
    case arrayPrepend = "array_prepend"
    case arrayCat = "array_cat"
    case arrayUpper = "array_upper"
    case arrayLower = "array_lower"
    case arrayReplace = "array_replace"

    // Information
    case pgTypeof = "pg_typeof"

    /// Every function name the binder knows, for "did you mean" hints.
    public static var knownNames: [String] {
        allCases.filter { !internalFunctions.contains($0) }.map(\.rawValue)
            + ["char_length", "character_length", "current_timestamp", "ceiling", "substr", "position", "trim", "pow"]
    }

    /// Functions that only the binder creates (for operators and special syntax).
    static let internalFunctions: Set<ScalarFunction> = [.extract, .regexMatch, .likeEscape, .makeArray, .arraySubscript, .arraySlice, .regexSubstring, .rowText]

    /// Whether any NULL argument makes the result NULL without calling the function.
    var isStrict: Bool {
        switch self {
        case .coalesce, .concat, .nullif, .greatest, .least, .makeArray, .concatWs, .format, .arrayRemove, .arrayPosition,
             .arrayAppend, .arrayPrepend, .arrayCat, .arrayReplace, .stringToArray, .arrayToString, .quoteNullable, .pgTypeof,
             .arraySlice, .makeInterval, .rowText:
            return false
        default:
            return true
        }
    }

    public static func named(_ name: String) -> ScalarFunction? {
        switch name {
        case "char_length", "character_length": return .length
        case "current_timestamp": return .now
        case "ceiling": return .ceil
        case "substr": return .substring
        case "pow": return .power
        default:
            guard let f = ScalarFunction(rawValue: name), !internalFunctions.contains(f) || f == .extract else { return nil }
            return f
        }
    }
}
