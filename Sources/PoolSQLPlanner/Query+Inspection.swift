import PoolSQLCore
import PoolSQLCatalog
import PoolSQLSyntax

extension TableRef {
    /// Some source range inside the FROM item, for error carets.
    var firstRange: SourceRange? {
        switch self {
        case let .table(name, _): return name.range
        case let .derived(_, query, alias): return alias?.name.range ?? query.firstRange
        case let .function(call, _, _): return call.name.range
        case let .join(join): return join.left.firstRange ?? join.right.firstRange
        }
    }
}

extension SetExpr {
    var firstRange: SourceRange? {
        switch self {
        case let .select(select):
            for item in select.projection {
                if case let .expr(e, _) = item, let r = e.range { return r }
            }
            return nil
        case let .values(values): return values.rows.first?.first?.range
        case let .query(query): return query.firstRange
        case let .setOperation(_, _, left, _): return left.firstRange
        }
    }
}

extension Query {
    var firstRange: SourceRange? {
        if case let .select(select) = body {
            for item in select.projection {
                if case let .expr(e, _) = item, let r = e.range { return r }
            }
        }
        return nil
    }
}

extension Query {
    /// Whether the query reads a table called `name` in some FROM clause (CTE bodies,
    /// subqueries in FROM and in expressions included).
    public func references(table name: String) -> Bool {
        if let with, with.tables.contains(where: { $0.query.references(table: name) }) { return true }
        return body.references(table: name)
    }
}

extension SetExpr {
    func references(table name: String) -> Bool {
        switch self {
        case let .select(select):
            if select.from.contains(where: { $0.references(table: name) }) { return true }
            var exprs = select.projection.compactMap { item -> Expr? in if case let .expr(e, _) = item { return e } else { return nil } }
            exprs += [select.whereClause, select.having].compactMap { $0 } + select.groupBy
            return exprs.contains(where: { $0.referencesInSubquery(table: name) })
        case .values: return false
        case let .query(query): return query.references(table: name)
        case let .setOperation(_, _, left, right): return left.references(table: name) || right.references(table: name)
        }
    }
}

extension TableRef {
    func references(table name: String) -> Bool {
        switch self {
        case let .table(objectName, _): return objectName.parts.count == 1 && objectName.name.value == name
        case let .derived(_, query, _): return query.references(table: name)
        case .function: return false
        case let .join(join):
            if join.left.references(table: name) || join.right.references(table: name) { return true }
            if case let .on(e) = join.constraint { return e.referencesInSubquery(table: name) }
            return false
        }
    }
}

extension Expr {
    func referencesInSubquery(table name: String) -> Bool {
        switch kind {
        case let .exists(q), let .subquery(q), let .arraySubquery(q): return q.references(table: name)
        case let .inSubquery(e, q, _): return q.references(table: name) || e.referencesInSubquery(table: name)
        case let .quantified(e, _, _, .subquery(q)): return q.references(table: name) || e.referencesInSubquery(table: name)
        default: return subexpressions.contains(where: { $0.referencesInSubquery(table: name) })
        }
    }
}
