import PoolSQLCore

/// `[WITH …] body [ORDER BY …] [LIMIT …] [OFFSET …]`.
public struct Query: Sendable, Hashable {
    public var with: With?
    public var body: SetExpr
    public var orderBy: [OrderByItem]
    public var limit: Limit?
    public var offset: Expr?

    public init(with: With? = nil, body: SetExpr, orderBy: [OrderByItem] = [], limit: Limit? = nil, offset: Expr? = nil) {
        self.with = with
        self.body = body
        self.orderBy = orderBy
        self.limit = limit
        self.offset = offset
    }
}

/// `WITH [RECURSIVE] cte, …`.
public struct With: Sendable, Hashable {
    public var recursive: Bool
    public var tables: [CommonTableExpression]

    public init(recursive: Bool = false, tables: [CommonTableExpression]) {
        self.recursive = recursive
        self.tables = tables
    }
}

/// `name [(col, …)] AS (query)`.
public struct CommonTableExpression: Sendable, Hashable {
    public var name: Ident
    public var columns: [Ident]
    public var query: Query

    public init(name: Ident, columns: [Ident] = [], query: Query) {
        self.name = name
        self.columns = columns
        self.query = query
    }
}

/// The body of a query: a SELECT, VALUES, a parenthesized query, or a set operation.
public indirect enum SetExpr: Sendable, Hashable {
    case select(Select)
    case values(Values)
    /// `(query)` used as an operand of a set operation or as the whole body.
    case query(Query)
    case setOperation(SetOperator, SetQuantifier, left: SetExpr, right: SetExpr)
}

public enum SetOperator: String, Sendable, Hashable {
    case union = "UNION"
    case intersect = "INTERSECT"
    case except = "EXCEPT"
}

public enum SetQuantifier: Sendable, Hashable {
    /// Not written (same as DISTINCT).
    case none
    case all
    case distinct
}

public enum Limit: Sendable, Hashable {
    case count(Expr)
    /// `LIMIT ALL`
    case all
}

/// `VALUES (…), (…)`.
public struct Values: Sendable, Hashable {
    public var rows: [[Expr]]

    public init(rows: [[Expr]]) { self.rows = rows }
}

/// One `SELECT … FROM … WHERE … GROUP BY … HAVING … WINDOW …` block.
public struct Select: Sendable, Hashable {
    public var distinct: Distinct?
    public var projection: [SelectItem]
    /// Comma-separated FROM items (each may be a join tree).
    public var from: [TableRef]
    public var whereClause: Expr?
    public var groupBy: [Expr]
    public var having: Expr?
    public var windows: [NamedWindow]

    public init(distinct: Distinct? = nil, projection: [SelectItem], from: [TableRef] = [], whereClause: Expr? = nil,
                groupBy: [Expr] = [], having: Expr? = nil, windows: [NamedWindow] = []) {
        self.distinct = distinct
        self.projection = projection
        self.from = from
        self.whereClause = whereClause
        self.groupBy = groupBy
        self.having = having
        self.windows = windows
    }
}

public enum Distinct: Sendable, Hashable {
    case distinct
    /// `DISTINCT ON (a, b)`
    case on([Expr])
}

public enum SelectItem: Sendable, Hashable {
    /// `expr [[AS] alias]`
    case expr(Expr, alias: Ident?)
    /// `*`
    case wildcard
    /// `t.*`
    case qualifiedWildcard(ObjectName)
}

/// `WINDOW name AS (…)`.
public struct NamedWindow: Sendable, Hashable {
    public var name: Ident
    public var specification: WindowSpecification

    public init(name: Ident, specification: WindowSpecification) {
        self.name = name
        self.specification = specification
    }
}

/// `AS alias [(col, …)]`.
public struct TableAlias: Sendable, Hashable {
    public var name: Ident
    public var columns: [Ident]

    public init(name: Ident, columns: [Ident] = []) {
        self.name = name
        self.columns = columns
    }
}

/// A FROM item.
public indirect enum TableRef: Sendable, Hashable {
    /// `name [AS alias (cols)]`
    case table(ObjectName, alias: TableAlias?)
    /// `[LATERAL] (query) [AS alias (cols)]`, including `(VALUES …) AS t(a, b)`.
    case derived(lateral: Bool, Query, alias: TableAlias?)
    /// `generate_series(1, 3) [AS alias (cols)]`
    /// A function in FROM; `WITH ORDINALITY` adds a 1-based row number column.
    case function(FunctionCall, alias: TableAlias?, withOrdinality: Bool = false)
    case join(Join)
}

/// `left [kind] JOIN right [ON …|USING (…)]`.
public struct Join: Sendable, Hashable {
    public var left: TableRef
    public var right: TableRef
    public var kind: JoinKind
    public var constraint: JoinConstraint

    public init(left: TableRef, right: TableRef, kind: JoinKind, constraint: JoinConstraint) {
        self.left = left
        self.right = right
        self.kind = kind
        self.constraint = constraint
    }
}

public enum JoinKind: String, Sendable, Hashable {
    case inner = "JOIN"
    case left = "LEFT JOIN"
    case right = "RIGHT JOIN"
    case full = "FULL JOIN"
    case cross = "CROSS JOIN"
}

public enum JoinConstraint: Sendable, Hashable {
    case on(Expr)
    case using([Ident])
    case natural
    /// CROSS JOIN.
    case none
}
