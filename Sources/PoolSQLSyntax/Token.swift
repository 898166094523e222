import PoolSQLCore

/// One lexical token with the source range it covers.
public struct Token: Sendable, Hashable, CustomStringConvertible {
    public var kind: TokenKind
    public var range: SourceRange

    public init(_ kind: TokenKind, range: SourceRange) {
        self.kind = kind
        self.range = range
    }

    /// The token as PostgreSQL quotes it in `syntax error at or near "…"`.
    public var description: String { kind.description }
}

public enum TokenKind: Sendable, Hashable, CustomStringConvertible {
    /// An unquoted word as written (keyword or identifier).
    case word(String)
    /// `"…"` with `""` unescaped.
    case quotedIdentifier(String)
    /// `'…'` or `E'…'`, unescaped.
    case string(String)
    /// Digits only.
    case integer(String)
    /// Digits with a point and/or an exponent.
    case decimal(String)
    /// An operator or punctuation: `( ) , ; . [ ] : :: + - * / % ^ || = <> != < <= > >= ~ ~* !~ !~* @> <@ &&`.
    case symbol(String)
    case endOfInput

    public var description: String {
        switch self {
        case let .word(w): return w
        case let .quotedIdentifier(s): return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        case let .string(s): return "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
        case let .integer(t), let .decimal(t): return t
        case let .symbol(s): return s
        case .endOfInput: return "end of input"
        }
    }

    /// The keyword this token spells, if it is an unquoted word that is one.
    public var keyword: Keyword? {
        if case let .word(w) = self { return Keyword(word: w) }
        return nil
    }
}
