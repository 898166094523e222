import PoolSQLCore

/// An expression with the source text range it was parsed from. `range` takes no part in
/// `==`/`hash` (round-trip tests compare trees parsed from different texts).
public struct Expr: Sendable, Hashable {
    public var kind: ExprKind
    public var range: SourceRange?

    public init(_ kind: ExprKind, range: SourceRange? = nil) {
        self.kind = kind
        self.range = range
    }

    public static func == (lhs: Expr, rhs: Expr) -> Bool { lhs.kind == rhs.kind }
    public func hash(into hasher: inout Hasher) { hasher.combine(kind) }
}

public indirect enum ExprKind: Sendable, Hashable {
    /// An unqualified column (or, in `SET`/option values, a bare word).
    case identifier(Ident)
    /// `t.c`, `s.t.c`.
    case compoundIdentifier([Ident])
    case literal(Literal)
    case unary(UnaryOperator, Expr)
    case binary(Expr, BinaryOperator, Expr)
    /// `x IS [NOT] NULL` (also `ISNULL` / `NOTNULL`).
    case isNull(Expr, negated: Bool)
    /// `x IS [NOT] TRUE|FALSE|UNKNOWN`.
    case isTruthValue(Expr, TruthValue, negated: Bool)
    /// `x IS [NOT] DISTINCT FROM y`.
    case isDistinctFrom(Expr, Expr, negated: Bool)
    /// `x [NOT] IN (a, b, …)`.
    case inList(Expr, [Expr], negated: Bool)
    /// `x [NOT] IN (SELECT …)`.
    case inSubquery(Expr, Query, negated: Bool)
    /// `x [NOT] BETWEEN low AND high`.
    case between(Expr, low: Expr, high: Expr, negated: Bool)
    /// `x [NOT] LIKE|ILIKE pattern [ESCAPE e]`.
    case like(Expr, pattern: Expr, escape: Expr?, caseInsensitive: Bool, negated: Bool)
    /// `EXISTS (SELECT …)`; `NOT EXISTS` is `.unary(.not, .exists)`.
    case exists(Query)
    /// A scalar subquery `(SELECT …)`.
    case subquery(Query)
    /// `CASE [operand] WHEN … THEN … [ELSE …] END`.
    case caseWhen(operand: Expr?, branches: [WhenBranch], elseResult: Expr?)
    /// `CAST(x AS t)` or `x::t`.
    case cast(Expr, DataType, syntax: CastSyntax)
    case function(FunctionCall)
    /// `EXTRACT(field FROM x)`; `field` is lower case (`year`, `epoch`, …).
    case extract(field: String, Expr)
    /// `SUBSTRING(x FROM a FOR b)` (the comma form is an ordinary function call).
    case substring(Expr, from: Expr?, for: Expr?)
    /// `POSITION(needle IN haystack)`.
    case position(Expr, in: Expr)
    /// `TRIM([LEADING|TRAILING|BOTH] [characters] FROM x)`.
    case trim(Expr, side: TrimSide?, characters: Expr?)
    /// `x op ANY|ALL (…)`.
    case quantified(Expr, BinaryOperator, Quantifier, QuantifiedOperand)
    /// `ARRAY[a, b, …]`.
    case array([Expr])
    /// `ARRAY(SELECT …)`.
    case arraySubquery(Query)
    /// `a[i]` or `a[lo:hi]`.
    case subscripted(Expr, Subscript)
    /// `CURRENT_TIMESTAMP`, `CURRENT_DATE`, … (no parentheses).
    case currentDateTime(CurrentDateTime)
    /// `(a, b, …)` or `ROW(a, b, …)`.
    case row([Expr])
}

public enum Literal: Sendable, Hashable {
    /// An integer literal that fits in 64 bits.
    case integer(Int64)
    /// A decimal, exponent, or too-large integer literal, as written (e.g. `1.50`, `1e3`,
    /// `99999999999999999999`). `SQLNumeric(parsing:)` reads it.
    case numeric(String)
    case string(String)
    case boolean(Bool)
    case null
    /// `TIMESTAMP '…'`, `DATE '…'`, `INTERVAL '24 hours'`, `NUMERIC '1.5'`, …
    case typed(DataType, String)
}

public enum UnaryOperator: String, Sendable, Hashable {
    case plus = "+"
    case minus = "-"
    case not = "NOT"
}

public enum BinaryOperator: String, Sendable, Hashable, CaseIterable {
    case plus = "+"
    case minus = "-"
    case multiply = "*"
    case divide = "/"
    case modulo = "%"
    case exponent = "^"
    case concat = "||"
    case equal = "="
    /// `<>` and `!=`.
    case notEqual = "<>"
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    /// `~`, `~*`, `!~`, `!~*`: POSIX regular expression match.
    case regexMatch = "~"
    case regexMatchCaseInsensitive = "~*"
    case regexNotMatch = "!~"
    case regexNotMatchCaseInsensitive = "!~*"
    /// `@>`, `<@`, `&&`: array containment and overlap.
    case contains = "@>"
    case containedBy = "<@"
    case overlaps = "&&"
    case and = "AND"
    case or = "OR"

    /// `=`, `<>`, `<`, `<=`, `>`, `>=`.
    public var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: return true
        default: return false
        }
    }
}

public enum TruthValue: String, Sendable, Hashable {
    case `true` = "TRUE"
    case `false` = "FALSE"
    case unknown = "UNKNOWN"
}

public enum CastSyntax: Sendable, Hashable {
    /// `CAST(x AS t)`
    case cast
    /// `x::t`
    case doubleColon
}

public enum TrimSide: String, Sendable, Hashable {
    case leading = "LEADING"
    case trailing = "TRAILING"
    case both = "BOTH"
}

public enum Quantifier: String, Sendable, Hashable {
    /// `ANY` or `SOME`.
    case any = "ANY"
    case all = "ALL"
}

public enum QuantifiedOperand: Sendable, Hashable {
    /// `= ANY (array_expression)`
    case array(Expr)
    /// `= ANY (SELECT …)`
    case subquery(Query)
}

public enum Subscript: Sendable, Hashable {
    case index(Expr)
    case slice(lower: Expr?, upper: Expr?)
}

public enum CurrentDateTime: String, Sendable, Hashable {
    case currentTimestamp = "CURRENT_TIMESTAMP"
    case currentDate = "CURRENT_DATE"
    case currentTime = "CURRENT_TIME"
    case localTimestamp = "LOCALTIMESTAMP"
    case localTime = "LOCALTIME"
}

/// `WHEN condition THEN result`.
public struct WhenBranch: Sendable, Hashable {
    public var condition: Expr
    public var result: Expr

    public init(condition: Expr, result: Expr) {
        self.condition = condition
        self.result = result
    }
}

/// `name([DISTINCT] args [ORDER BY …]) [WITHIN GROUP (ORDER BY …)] [FILTER (WHERE …)] [OVER …]`.
public struct FunctionCall: Sendable, Hashable {
    public var name: ObjectName
    public var arguments: [Expr]
    /// `count(*)`: the argument list is a single `*`.
    public var star: Bool
    public var distinct: Bool
    /// `string_agg(x, ',' ORDER BY y)`.
    public var orderBy: [OrderByItem]
    public var withinGroup: [OrderByItem]
    public var filter: Expr?
    public var over: WindowReference?
    /// `name => value` arguments: the name of each argument, nil for positional ones (empty
    /// when no argument is named). Named arguments come last.
    public var argumentNames: [Ident?]

    public init(name: ObjectName, arguments: [Expr] = [], star: Bool = false, distinct: Bool = false,
                orderBy: [OrderByItem] = [], withinGroup: [OrderByItem] = [], filter: Expr? = nil,
                over: WindowReference? = nil, argumentNames: [Ident?] = []) {
        self.name = name
        self.arguments = arguments
        self.argumentNames = argumentNames
        self.star = star
        self.distinct = distinct
        self.orderBy = orderBy
        self.withinGroup = withinGroup
        self.filter = filter
        self.over = over
    }
}

/// `OVER name` or `OVER (…)`.
public enum WindowReference: Sendable, Hashable {
    case named(Ident)
    case specification(WindowSpecification)
}

/// `([existing_window] [PARTITION BY …] [ORDER BY …] [frame])`.
public struct WindowSpecification: Sendable, Hashable {
    public var baseWindow: Ident?
    public var partitionBy: [Expr]
    public var orderBy: [OrderByItem]
    public var frame: WindowFrame?

    public init(baseWindow: Ident? = nil, partitionBy: [Expr] = [], orderBy: [OrderByItem] = [], frame: WindowFrame? = nil) {
        self.baseWindow = baseWindow
        self.partitionBy = partitionBy
        self.orderBy = orderBy
        self.frame = frame
    }
}

/// `ROWS|RANGE|GROUPS start` or `… BETWEEN start AND end`.
public struct WindowFrame: Sendable, Hashable {
    public var units: FrameUnits
    public var start: FrameBound
    /// nil: the single-bound form (end is CURRENT ROW).
    public var end: FrameBound?

    public init(units: FrameUnits, start: FrameBound, end: FrameBound? = nil) {
        self.units = units
        self.start = start
        self.end = end
    }
}

public enum FrameUnits: String, Sendable, Hashable {
    case rows = "ROWS"
    case range = "RANGE"
    case groups = "GROUPS"
}

public enum FrameBound: Sendable, Hashable {
    case unboundedPreceding
    case preceding(Expr)
    case currentRow
    case following(Expr)
    case unboundedFollowing
}

/// `expr [ASC|DESC] [NULLS FIRST|LAST]`.
public struct OrderByItem: Sendable, Hashable {
    public var expr: Expr
    /// nil: not written (ascending).
    public var ascending: Bool?
    /// nil: not written (PostgreSQL default: NULLS LAST for ASC, NULLS FIRST for DESC).
    public var nullsFirst: Bool?

    public init(expr: Expr, ascending: Bool? = nil, nullsFirst: Bool? = nil) {
        self.expr = expr
        self.ascending = ascending
        self.nullsFirst = nullsFirst
    }
}
