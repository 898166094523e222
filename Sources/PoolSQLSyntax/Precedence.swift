/// Operator precedence levels, lowest first, after PostgreSQL's table "Operator Precedence"
/// (`Grammar/precedence.md` is the written copy of this table; keep them in sync).
public enum Precedence: Int, Sendable, Comparable, CaseIterable {
    /// Below every operator: the level a full expression is parsed at.
    case lowest = 0
    case or
    case and
    /// Prefix `NOT`.
    case not
    /// `IS [NOT] NULL|TRUE|FALSE|UNKNOWN|DISTINCT FROM`, `ISNULL`, `NOTNULL`.
    case isTest
    /// `= <> != < <= > >=`.
    case comparison
    /// `[NOT] BETWEEN`, `[NOT] IN`, `[NOT] LIKE`, `[NOT] ILIKE`.
    case betweenInLike
    /// Every other operator: `||`, `~`, `~*`, `!~`, `!~*`, `@>`, `<@`, `&&`.
    case otherOperator
    /// Binary `+ -`.
    case additive
    /// `* / %`.
    case multiplicative
    /// `^`.
    case exponent
    /// Prefix `+ -`.
    case unary
    /// `a[i]`.
    case subscripted
    /// `x::type`.
    case cast
    /// `.` (qualified names); also literals, names, calls and parenthesized expressions.
    case atom

    public static func < (lhs: Precedence, rhs: Precedence) -> Bool { lhs.rawValue < rhs.rawValue }
}

public enum Associativity: Sendable, Hashable {
    case left
    case right
    /// `a = b = c` is a syntax error, as in PostgreSQL.
    case none
}

/// The named precedence table: every infix, prefix and postfix operator with its level and
/// associativity. The parser's expression loop and the printer's parenthesization both read it.
public enum OperatorTable {
    public struct Entry: Sendable, Hashable {
        public var precedence: Precedence
        public var associativity: Associativity
        public var operators: [String]
    }

    public static let entries: [Entry] = [
        Entry(precedence: .or, associativity: .left, operators: ["OR"]),
        Entry(precedence: .and, associativity: .left, operators: ["AND"]),
        Entry(precedence: .not, associativity: .right, operators: ["NOT"]),
        Entry(precedence: .isTest, associativity: .left, operators: ["IS", "ISNULL", "NOTNULL"]),
        Entry(precedence: .comparison, associativity: .none, operators: ["=", "<>", "!=", "<", "<=", ">", ">="]),
        Entry(precedence: .betweenInLike, associativity: .none, operators: ["BETWEEN", "IN", "LIKE", "ILIKE"]),
        Entry(precedence: .otherOperator, associativity: .left, operators: ["||", "~", "~*", "!~", "!~*", "@>", "<@", "&&"]),
        Entry(precedence: .additive, associativity: .left, operators: ["+", "-"]),
        Entry(precedence: .multiplicative, associativity: .left, operators: ["*", "/", "%"]),
        Entry(precedence: .exponent, associativity: .left, operators: ["^"]),
        Entry(precedence: .unary, associativity: .right, operators: ["+", "-"]),
        Entry(precedence: .subscripted, associativity: .left, operators: ["["]),
        Entry(precedence: .cast, associativity: .left, operators: ["::"]),
        Entry(precedence: .atom, associativity: .left, operators: ["."]),
    ]

    public static func associativity(of precedence: Precedence) -> Associativity {
        entries.first(where: { $0.precedence == precedence })?.associativity ?? .left
    }
}

extension BinaryOperator {
    public var precedence: Precedence {
        switch self {
        case .or: return .or
        case .and: return .and
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: return .comparison
        case .concat, .regexMatch, .regexMatchCaseInsensitive, .regexNotMatch, .regexNotMatchCaseInsensitive,
             .contains, .containedBy, .overlaps: return .otherOperator
        case .plus, .minus: return .additive
        case .multiply, .divide, .modulo: return .multiplicative
        case .exponent: return .exponent
        }
    }
}

extension Expr {
    /// The precedence of the expression's outermost operator (`.atom` when it has none); the
    /// printer puts parentheses around an operand whose precedence is too low for its parent.
    public var precedence: Precedence {
        switch kind {
        case let .binary(_, op, _): return op.precedence
        case let .unary(op, _): return op == .not ? .not : .unary
        case .isNull, .isTruthValue, .isDistinctFrom: return .isTest
        case .inList, .inSubquery, .between, .like: return .betweenInLike
        case let .quantified(_, op, _, _): return op.precedence
        case let .cast(_, _, syntax): return syntax == .doubleColon ? .cast : .atom
        case .subscripted: return .subscripted
        case let .literal(.integer(i)) where i < 0: return .unary
        case let .literal(.numeric(text)) where text.hasPrefix("-"): return .unary
        default: return .atom
        }
    }
}
