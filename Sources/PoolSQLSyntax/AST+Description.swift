import PoolSQLCore

// Every AST node prints itself back as canonical SQL: keywords upper case, identifiers quoted
// only when needed, parentheses exactly where precedence needs them. Parsing the printed text
// gives an equal tree (`parse(print(parse(s))) == parse(s)`).

extension Ident {
    /// The identifier as SQL: bare when it reads back as the same identifier, else `"…"`.
    public var description: String {
        Ident.needsQuotes(value) ? Ident.quote(value) : value
    }

    /// True unless `name` is a lower-case word that is not a reserved keyword.
    public static func needsQuotes(_ name: String) -> Bool {
        !isSimpleWord(name) || (Keyword(word: name)?.isReserved ?? false)
    }

    /// `[a-z_][a-z0-9_$]*`: what an unquoted identifier folds to.
    static func isSimpleWord(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || ("a"..."z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || $0 == "$" || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
    }

    static func quote(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Names in positions where the parser accepts any word, keywords included (settings,
    /// option names): bare when simple, unless the word has a meaning there.
    var wordDescription: String {
        let special: Set<String> = ["all", "default", "true", "false", "null"]
        return Ident.isSimpleWord(value) && !special.contains(value) ? value : Ident.quote(value)
    }
}

extension ObjectName {
    public var description: String { parts.map(\.description).joined(separator: ".") }
}

func quoteString(_ s: String) -> String {
    "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
}

private func list<T: CustomStringConvertible>(_ items: [T]) -> String {
    items.map(\.description).joined(separator: ", ")
}

private func columnList(_ idents: [Ident]) -> String {
    idents.isEmpty ? "" : "(" + list(idents) + ")"
}

// MARK: - Expressions

extension Literal: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .integer(i): return String(i)
        case let .numeric(text): return text
        case let .string(s): return quoteString(s)
        case let .boolean(b): return b ? "TRUE" : "FALSE"
        case .null: return "NULL"
        case let .typed(type, s): return "\(type) \(quoteString(s))"
        }
    }
}

extension Expr: CustomStringConvertible {
    // The printer recurses once per tree level; each case has its own small function so that
    // the recursive frame stays small (debug builds give every case's locals a stack slot).
    public var description: String {
        switch kind {
        case let .identifier(ident): return ident.description
        case let .compoundIdentifier(parts): return parts.map(\.description).joined(separator: ".")
        case let .literal(literal): return literal.description
        case let .unary(op, operand): return Expr.printUnary(op, operand)
        case let .binary(left, op, right): return Expr.printBinary(left, op, right)
        case let .isNull(operand, negated): return Expr.printIsNull(operand, negated)
        case let .isTruthValue(operand, value, negated): return Expr.printIsTruthValue(operand, value, negated)
        case let .isDistinctFrom(left, right, negated): return Expr.printIsDistinctFrom(left, right, negated)
        case let .inList(operand, items, negated): return Expr.printInList(operand, items, negated)
        case let .inSubquery(operand, query, negated): return Expr.printInSubquery(operand, query, negated)
        case let .between(operand, low, high, negated): return Expr.printBetween(operand, low, high, negated)
        case let .like(operand, pattern, escape, caseInsensitive, negated):
            return Expr.printLike(operand, pattern, escape, caseInsensitive, negated)
        case let .exists(query): return Expr.printParenthesized("EXISTS ", query)
        case let .subquery(query): return Expr.printParenthesized("", query)
        case let .caseWhen(operand, branches, elseResult): return Expr.printCase(operand, branches, elseResult)
        case let .cast(operand, type, syntax): return Expr.printCast(operand, type, syntax)
        case let .function(call): return call.description
        case let .extract(field, operand): return Expr.printExtract(field, operand)
        case let .substring(operand, from, forLength): return Expr.printSubstring(operand, from, forLength)
        case let .position(needle, haystack): return Expr.printPosition(needle, haystack)
        case let .trim(operand, side, characters): return Expr.printTrim(operand, side, characters)
        case let .quantified(left, op, quantifier, operand): return Expr.printQuantified(left, op, quantifier, operand)
        case let .array(items): return "ARRAY[" + list(items) + "]"
        case let .arraySubquery(query): return Expr.printParenthesized("ARRAY", query)
        case let .subscripted(base, sub): return Expr.printSubscript(base, sub)
        case let .currentDateTime(kind): return kind.rawValue
        case let .row(items): return items.count >= 2 ? "(" + list(items) + ")" : "ROW(" + list(items) + ")"
        }
    }

    private static func printUnary(_ op: UnaryOperator, _ operand: Expr) -> String {
        if op == .not { return "NOT " + operand.wrapped(below: .not) }
        let inner = operand.wrapped(below: .unary)
        // `- -1` must not become the comment `--1`.
        let separator = inner.hasPrefix("-") || inner.hasPrefix("+") ? " " : ""
        return op.rawValue + separator + inner
    }

    private static func printBinary(_ left: Expr, _ op: BinaryOperator, _ right: Expr) -> String {
        let level = op.precedence
        let assoc = OperatorTable.associativity(of: level)
        let l = assoc == .left ? left.wrapped(below: level) : left.wrapped(atOrBelow: level)
        let r = assoc == .right ? right.wrapped(below: level) : right.wrapped(atOrBelow: level)
        return l + " " + op.rawValue + " " + r
    }

    private static func printIsNull(_ operand: Expr, _ negated: Bool) -> String {
        operand.wrapped(below: .isTest) + (negated ? " IS NOT NULL" : " IS NULL")
    }

    private static func printIsTruthValue(_ operand: Expr, _ value: TruthValue, _ negated: Bool) -> String {
        operand.wrapped(below: .isTest) + (negated ? " IS NOT " : " IS ") + value.rawValue
    }

    private static func printIsDistinctFrom(_ left: Expr, _ right: Expr, _ negated: Bool) -> String {
        left.wrapped(below: .isTest) + (negated ? " IS NOT DISTINCT FROM " : " IS DISTINCT FROM ") + right.wrapped(atOrBelow: .isTest)
    }

    private static func printInList(_ operand: Expr, _ items: [Expr], _ negated: Bool) -> String {
        operand.wrapped(atOrBelow: .betweenInLike) + (negated ? " NOT IN (" : " IN (") + list(items) + ")"
    }

    private static func printInSubquery(_ operand: Expr, _ query: Query, _ negated: Bool) -> String {
        operand.wrapped(atOrBelow: .betweenInLike) + (negated ? " NOT IN (" : " IN (") + query.description + ")"
    }

    private static func printBetween(_ operand: Expr, _ low: Expr, _ high: Expr, _ negated: Bool) -> String {
        operand.wrapped(atOrBelow: .betweenInLike) + (negated ? " NOT BETWEEN " : " BETWEEN ")
            + low.wrapped(atOrBelow: .betweenInLike) + " AND " + high.wrapped(atOrBelow: .betweenInLike)
    }

    private static func printLike(_ operand: Expr, _ pattern: Expr, _ escape: Expr?, _ caseInsensitive: Bool, _ negated: Bool) -> String {
        var s = operand.wrapped(atOrBelow: .betweenInLike) + (negated ? " NOT" : "")
            + (caseInsensitive ? " ILIKE " : " LIKE ") + pattern.wrapped(atOrBelow: .betweenInLike)
        if let escape { s += " ESCAPE " + escape.wrapped(atOrBelow: .betweenInLike) }
        return s
    }

    private static func printParenthesized(_ prefix: String, _ query: Query) -> String {
        prefix + "(" + query.description + ")"
    }

    private static func printCase(_ operand: Expr?, _ branches: [WhenBranch], _ elseResult: Expr?) -> String {
        var s = "CASE"
        if let operand { s += " " + operand.description }
        for branch in branches { s += " WHEN " + branch.condition.description + " THEN " + branch.result.description }
        if let elseResult { s += " ELSE " + elseResult.description }
        return s + " END"
    }

    private static func printCast(_ operand: Expr, _ type: DataType, _ syntax: CastSyntax) -> String {
        switch syntax {
        case .cast: return "CAST(" + operand.description + " AS " + type.description + ")"
        case .doubleColon: return operand.wrapped(below: .cast) + "::" + type.description
        }
    }

    private static func printExtract(_ field: String, _ operand: Expr) -> String {
        let shownField = Ident.isSimpleWord(field) ? field.uppercased() : quoteString(field)
        return "EXTRACT(" + shownField + " FROM " + operand.description + ")"
    }

    private static func printSubstring(_ operand: Expr, _ from: Expr?, _ forLength: Expr?) -> String {
        var s = "SUBSTRING(" + operand.description
        if let from { s += " FROM " + from.description }
        if let forLength { s += " FOR " + forLength.description }
        return s + ")"
    }

    private static func printPosition(_ needle: Expr, _ haystack: Expr) -> String {
        "POSITION(" + needle.wrapped(atOrBelow: .betweenInLike) + " IN " + haystack.wrapped(atOrBelow: .betweenInLike) + ")"
    }

    private static func printTrim(_ operand: Expr, _ side: TrimSide?, _ characters: Expr?) -> String {
        var s = "TRIM("
        if let side { s += side.rawValue + " " }
        if let characters { s += characters.description + " " }
        if side != nil || characters != nil { s += "FROM " }
        return s + operand.description + ")"
    }

    private static func printQuantified(_ left: Expr, _ op: BinaryOperator, _ quantifier: Quantifier, _ operand: QuantifiedOperand) -> String {
        let inner: String
        switch operand {
        case let .array(e): inner = e.description
        case let .subquery(q): inner = q.description
        }
        return left.wrapped(atOrBelow: op.precedence) + " " + op.rawValue + " " + quantifier.rawValue + " (" + inner + ")"
    }

    private static func printSubscript(_ base: Expr, _ sub: Subscript) -> String {
        // PostgreSQL subscripts column references and parenthesized expressions only.
        let b: String
        switch base.kind {
        case .identifier, .compoundIdentifier, .subscripted, .subquery: b = base.description
        default: b = "(" + base.description + ")"
        }
        switch sub {
        case let .index(i): return b + "[" + i.description + "]"
        case let .slice(lower, upper): return b + "[" + (lower?.description ?? "") + ":" + (upper?.description ?? "") + "]"
        }
    }

    /// The expression, parenthesized when its precedence is below `level`.
    func wrapped(below level: Precedence) -> String {
        precedence < level ? "(" + description + ")" : description
    }

    /// The expression, parenthesized when its precedence is at or below `level`.
    func wrapped(atOrBelow level: Precedence) -> String {
        precedence <= level ? "(" + description + ")" : description
    }

    /// A value in `SET`, `WITH (option = value)` and COPY options, where bare words are
    /// accepted whatever they spell.
    var settingDescription: String {
        if case let .identifier(ident) = kind { return ident.wordDescription }
        return description
    }
}

extension FunctionCall: CustomStringConvertible {
    public var description: String {
        // LEFT and RIGHT are reserved, but `left(…)` reads back as the function; `trim(…)` and
        // the like would read back as the special forms, so those names are quoted.
        let shownName: String
        if name.parts.count == 1, name.name.value == "left" || name.name.value == "right" {
            shownName = name.name.value
        } else if name.parts.count == 1, ["extract", "position", "trim", "row"].contains(name.name.value) {
            shownName = Ident.quote(name.name.value)
        } else {
            shownName = name.description
        }
        var s = shownName + "("
        if distinct { s += "DISTINCT " }
        if star {
            s += "*"
        } else {
            s += arguments.enumerated().map { i, a in
                if i < argumentNames.count, let argumentName = argumentNames[i] { return "\(argumentName) => \(a)" }
                return a.description
            }.joined(separator: ", ")
        }
        if !orderBy.isEmpty { s += " ORDER BY " + list(orderBy) }
        s += ")"
        if !withinGroup.isEmpty { s += " WITHIN GROUP (ORDER BY " + list(withinGroup) + ")" }
        if let filter { s += " FILTER (WHERE \(filter))" }
        if let over {
            switch over {
            case let .named(name): s += " OVER \(name)"
            case let .specification(spec): s += " OVER \(spec)"
            }
        }
        return s
    }
}

extension WindowSpecification: CustomStringConvertible {
    public var description: String {
        var parts: [String] = []
        if let baseWindow { parts.append(baseWindow.description) }
        if !partitionBy.isEmpty { parts.append("PARTITION BY " + list(partitionBy)) }
        if !orderBy.isEmpty { parts.append("ORDER BY " + list(orderBy)) }
        if let frame { parts.append(frame.description) }
        return "(" + parts.joined(separator: " ") + ")"
    }
}

extension WindowFrame: CustomStringConvertible {
    public var description: String {
        if let end { return "\(units.rawValue) BETWEEN \(start) AND \(end)" }
        return "\(units.rawValue) \(start)"
    }
}

extension FrameBound: CustomStringConvertible {
    public var description: String {
        switch self {
        case .unboundedPreceding: return "UNBOUNDED PRECEDING"
        case let .preceding(e): return e.wrapped(atOrBelow: .and) + " PRECEDING"
        case .currentRow: return "CURRENT ROW"
        case let .following(e): return e.wrapped(atOrBelow: .and) + " FOLLOWING"
        case .unboundedFollowing: return "UNBOUNDED FOLLOWING"
        }
    }
}

extension OrderByItem: CustomStringConvertible {
    public var description: String {
        var s = expr.description
        if let ascending { s += ascending ? " ASC" : " DESC" }
        if let nullsFirst { s += nullsFirst ? " NULLS FIRST" : " NULLS LAST" }
        return s
    }
}

// MARK: - Queries

extension Query: CustomStringConvertible {
    public var description: String {
        var s = ""
        if let with { s += with.description + " " }
        s += body.description
        if !orderBy.isEmpty { s += " ORDER BY " + list(orderBy) }
        if let limit {
            switch limit {
            case let .count(e): s += " LIMIT \(e)"
            case .all: s += " LIMIT ALL"
            }
        }
        if let offset { s += " OFFSET \(offset)" }
        return s
    }
}

extension With: CustomStringConvertible {
    public var description: String {
        (recursive ? "WITH RECURSIVE " : "WITH ") + list(tables)
    }
}

extension CommonTableExpression: CustomStringConvertible {
    public var description: String { "\(name)\(columnList(columns)) AS (\(query))" }
}

extension SetExpr: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .select(select): return select.description
        case let .values(values): return values.description
        case let .query(query): return "(\(query))"
        case let .setOperation(op, quantifier, left, right):
            let level = op.level
            var l = left.description, r = right.description
            if case let .setOperation(leftOp, _, _, _) = left, leftOp.level < level { l = "(\(l))" }
            if case let .setOperation(rightOp, _, _, _) = right, rightOp.level <= level { r = "(\(r))" }
            let q: String
            switch quantifier {
            case .none: q = ""
            case .all: q = " ALL"
            case .distinct: q = " DISTINCT"
            }
            return "\(l) \(op.rawValue)\(q) \(r)"
        }
    }
}

extension SetOperator {
    /// INTERSECT binds tighter than UNION and EXCEPT.
    public var level: Int { self == .intersect ? 2 : 1 }
}

extension Values: CustomStringConvertible {
    public var description: String {
        "VALUES " + rows.map { "(" + list($0) + ")" }.joined(separator: ", ")
    }
}

extension Select: CustomStringConvertible {
    public var description: String {
        var s = "SELECT"
        switch distinct {
        case .none: break
        case .distinct?: s += " DISTINCT"
        case let .on(exprs)?: s += " DISTINCT ON (" + list(exprs) + ")"
        }
        if !projection.isEmpty { s += " " + list(projection) }
        if !from.isEmpty { s += " FROM " + list(from) }
        if let whereClause { s += " WHERE \(whereClause)" }
        if !groupBy.isEmpty { s += " GROUP BY " + list(groupBy) }
        if let having { s += " HAVING \(having)" }
        if !windows.isEmpty {
            s += " WINDOW " + windows.map { "\($0.name) AS \($0.specification)" }.joined(separator: ", ")
        }
        return s
    }
}

extension SelectItem: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .expr(e, alias?): return "\(e) AS \(alias)"
        case let .expr(e, nil): return e.description
        case .wildcard: return "*"
        case let .qualifiedWildcard(name): return "\(name).*"
        }
    }
}

extension TableAlias: CustomStringConvertible {
    public var description: String { "AS \(name)\(columnList(columns))" }
}

extension TableRef: CustomStringConvertible {
    public var description: String {
        func withAlias(_ s: String, _ alias: TableAlias?) -> String {
            alias.map { "\(s) \($0)" } ?? s
        }
        switch self {
        case let .table(name, alias): return withAlias(name.description, alias)
        case let .derived(lateral, query, alias): return withAlias((lateral ? "LATERAL " : "") + "(\(query))", alias)
        case let .function(call, alias, withOrdinality): return withAlias(call.description + (withOrdinality ? " WITH ORDINALITY" : ""), alias)
        case let .join(join): return join.description
        }
    }
}

extension Join: CustomStringConvertible {
    public var description: String {
        var r = right.description
        if case .join = right { r = "(\(r))" }
        switch constraint {
        case let .on(e): return "\(left) \(kind.rawValue) \(r) ON \(e)"
        case let .using(cols): return "\(left) \(kind.rawValue) \(r) USING (\(list(cols)))"
        case .natural: return "\(left) NATURAL \(kind.rawValue) \(r)"
        case .none: return "\(left) \(kind.rawValue) \(r)"
        }
    }
}

// MARK: - Statements

extension Statement: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .query(q): return q.description
        case let .explain(e):
            return "EXPLAIN " + (e.analyze ? "ANALYZE " : "") + (e.verbose ? "VERBOSE " : "") + e.statement.description
        case let .set(s):
            let scope = s.scope.map { $0.rawValue + " " } ?? ""
            let value: String
            switch s.value {
            case .default: value = "DEFAULT"
            case let .values(values): value = values.map(\.settingDescription).joined(separator: ", ")
            }
            return "SET \(scope)\(s.name.settingDescription) = \(value)"
        case let .show(target): return "SHOW " + target.description
        case let .reset(target): return "RESET " + target.description
        case let .createPool(p):
            var s = "CREATE POOL " + (p.ifNotExists ? "IF NOT EXISTS " : "") + "\(p.name) URI \(quoteString(p.uri))"
            if let env = p.environment { s += " ENVIRONMENT \(quoteString(env))" }
            if !p.options.isEmpty { s += " WITH (" + list(p.options) + ")" }
            return s
        case let .alterPool(a):
            switch a.action {
            case let .set(options): return "ALTER POOL \(a.name) SET " + list(options)
            case .enable: return "ALTER POOL \(a.name) ENABLE"
            case .disable: return "ALTER POOL \(a.name) DISABLE"
            }
        case let .checkPool(name): return "CHECK POOL \(name)"
        case let .runLoadTest(r):
            var s = "RUN LOAD TEST ON POOL \(r.pool)"
            if let scenario = r.scenario { s += " SCENARIO \(quoteString(scenario))" }
            if !r.options.isEmpty { s += " WITH (" + list(r.options) + ")" }
            return s
        case let .createView(v):
            return "CREATE " + (v.orReplace ? "OR REPLACE " : "") + "VIEW \(v.name)\(columnList(v.columns)) AS \(v.query)"
        case let .createTable(t):
            var s = "CREATE TABLE " + (t.ifNotExists ? "IF NOT EXISTS " : "") + t.name.description
            if !t.columns.isEmpty { s += " (" + list(t.columns) + ")" }
            if let q = t.asQuery { s += " AS \(q)" }
            return s
        case let .insert(i):
            return "INSERT INTO \(i.table)" + (i.columns.isEmpty ? "" : " " + columnList(i.columns)) + " \(i.source)"
        case let .drop(d):
            return "DROP \(d.kind.rawValue) " + (d.ifExists ? "IF EXISTS " : "") + list(d.names) + (d.cascade ? " CASCADE" : "")
        case let .copy(c):
            var s = "COPY \(c.table)" + (c.columns.isEmpty ? "" : " " + columnList(c.columns))
            s += " \(c.direction.rawValue) \(quoteString(c.path))"
            if !c.options.isEmpty { s += " WITH (" + list(c.options) + ")" }
            return s
        }
    }
}

extension ObjectName {
    var settingDescription: String { parts.map(\.wordDescription).joined(separator: ".") }
}

extension VariableTarget: CustomStringConvertible {
    public var description: String {
        switch self {
        case .all: return "ALL"
        case let .name(name): return name.settingDescription
        }
    }
}

extension SQLOption: CustomStringConvertible {
    public var description: String { "\(name.wordDescription) = \(value.settingDescription)" }
}

extension CopyOption: CustomStringConvertible {
    public var description: String {
        let shownName = Ident.isSimpleWord(name.value) ? name.value.uppercased() : Ident.quote(name.value)
        return shownName + (value.map { " " + $0.settingDescription } ?? "")
    }
}

extension ColumnDefinition: CustomStringConvertible {
    public var description: String {
        var s = name.description
        if let dataType { s += " \(dataType)" }
        for c in constraints {
            switch c {
            case .notNull: s += " NOT NULL"
            case .null: s += " NULL"
            case .primaryKey: s += " PRIMARY KEY"
            case .unique: s += " UNIQUE"
            case let .default(e): s += " DEFAULT " + e.wrapped(atOrBelow: .betweenInLike)
            }
        }
        return s
    }
}
