import PoolSQLCore
import PoolSQLCatalog
import PoolSQLSyntax

/// Binds a parsed query against a catalog into an (unoptimized) logical plan: resolves tables
/// and columns, type-checks expressions, names output columns as PostgreSQL does. Anything
/// the executor cannot run yet is rejected with 0A000 at the offending node.
public struct QueryPlanner: Sendable {
    public let catalog: any Catalog

    public init(catalog: any Catalog) {
        self.catalog = catalog
    }

    public func plan(_ query: Query) throws(PoolSQLError) -> LogicalPlan {
        if let with = query.with {
            throw PoolSQLError.notSupported("WITH queries", range: with.tables.first?.name.range)
        }
        switch query.body {
        case let .select(select):
            return try planSelect(select, orderBy: query.orderBy, limit: query.limit, offset: query.offset)
        case let .query(inner):
            guard query.orderBy.isEmpty, query.limit == nil, query.offset == nil else {
                throw PoolSQLError.notSupported("ORDER BY/LIMIT around a parenthesized query", range: query.orderBy.first?.expr.range)
            }
            return try plan(inner)
        case .values:
            throw PoolSQLError.notSupported("VALUES lists")
        case let .setOperation(op, _, _, _):
            throw PoolSQLError.notSupported(op.rawValue)
        }
    }

    /// Binds an expression that may not reference columns (SET values, pool options).
    public func bindConstant(_ expr: Expr) throws(PoolSQLError) -> BoundExpr {
        try ExpressionBinder(scope: .empty, clause: "this context").bind(expr)
    }

    // MARK: SELECT

    func planSelect(_ select: Select, orderBy: [OrderByItem], limit: Limit?, offset: Expr?) throws(PoolSQLError) -> LogicalPlan {
        if let window = select.windows.first {
            throw PoolSQLError.notSupported("WINDOW clauses", range: window.name.range)
        }
        if case let .on(exprs)? = select.distinct {
            throw PoolSQLError.notSupported("SELECT DISTINCT ON", range: exprs.first?.range)
        }

        // FROM
        var plan: LogicalPlan
        switch select.from.count {
        case 0:
            plan = .singleRow
        case 1:
            plan = try planTableRef(select.from[0])
        default:
            throw PoolSQLError.notSupported("multiple FROM items (joins)", range: select.from[1].firstRange)
        }
        let inputScope = BindScope(columns: plan.columns)

        // WHERE
        if let whereClause = select.whereClause {
            let binder = ExpressionBinder(scope: inputScope, clause: "WHERE")
            let predicate = try binder.requireBoolean(try binder.bind(whereClause), argumentOf: "WHERE", range: whereClause.range)
            plan = .filter(predicate, plan)
        }

        // GROUP BY / aggregates: expressions above the Aggregate node are bound in grouping mode.
        var grouping: GroupingContext?
        let usesAggregates = select.projection.contains(where: { if case let .expr(e, _) = $0 { return e.containsAggregate } else { return false } })
            || (select.having?.containsAggregate ?? false) || orderBy.contains(where: { $0.expr.containsAggregate })
        if !select.groupBy.isEmpty || select.having != nil || usesAggregates {
            let groupBinder = ExpressionBinder(scope: inputScope, clause: "GROUP BY")
            var groupASTs: [Expr] = []
            var groupBound: [BoundExpr] = []
            for item in select.groupBy {
                let ast = try resolveGroupItem(item, projection: select.projection, inputScope: inputScope)
                var bound = try groupBinder.bind(ast)
                if bound.type == .unknown { bound = try groupBinder.coerce(bound, to: .text, range: ast.range) }
                groupASTs.append(ast)
                groupBound.append(bound)
            }
            grouping = GroupingContext(inputScope: inputScope, groupExprs: groupASTs, groupBound: groupBound)
        }

        // Select list
        let binder = ExpressionBinder(scope: inputScope, clause: "SELECT", grouping: grouping)
        var exprs: [BoundExpr] = []
        var columns: [PlanColumn] = []
        var sourceExprs: [Expr?] = []
        for item in select.projection {
            switch item {
            case .wildcard:
                guard !select.from.isEmpty else {
                    throw PoolSQLError(.syntaxError, "SELECT * with no tables specified is not valid")
                }
                for i in inputScope.columns.indices {
                    let c = inputScope.columns[i]
                    exprs.append(try groupedColumn(i, in: inputScope, grouping: grouping, range: nil))
                    columns.append(PlanColumn(name: c.name, type: c.type))
                    sourceExprs.append(nil)
                }
            case let .qualifiedWildcard(name):
                let qualifier = name.name.value
                let matching = inputScope.columns.indices.filter { inputScope.columns[$0].qualifier == qualifier }
                guard !matching.isEmpty else {
                    throw PoolSQLError(.undefinedTable, "missing FROM-clause entry for table \"\(qualifier)\"", range: name.range)
                }
                for i in matching {
                    let c = inputScope.columns[i]
                    exprs.append(try groupedColumn(i, in: inputScope, grouping: grouping, range: name.range))
                    columns.append(PlanColumn(name: c.name, type: c.type))
                    sourceExprs.append(nil)
                }
            case let .expr(expr, alias):
                var bound = try binder.bind(expr)
                // A bare untyped literal in the select list is text, as in PostgreSQL.
                if bound.type == .unknown { bound = try binder.coerce(bound, to: .text, range: expr.range) }
                exprs.append(bound)
                columns.append(PlanColumn(name: alias?.value ?? OutputNaming.name(of: expr), type: bound.type))
                sourceExprs.append(expr)
            }
        }
        let visibleCount = exprs.count

        // ORDER BY: output column names and ordinals first, then expressions over the input
        // (computed as hidden columns after the visible ones).
        var sortKeys: [SortKey] = []
        for item in orderBy {
            let ascending = item.ascending ?? true
            let nullsFirst = item.nullsFirst ?? !ascending
            let index = try resolveOrderBy(item.expr, columns: columns, visibleCount: visibleCount, sourceExprs: sourceExprs,
                                           binder: binder, exprs: &exprs, hiddenColumns: &columns,
                                           distinct: select.distinct != nil)
            sortKeys.append(SortKey(expr: .column(index: index, name: columns[index].name, type: columns[index].type),
                                    ascending: ascending, nullsFirst: nullsFirst))
        }

        var having: BoundExpr?
        if let h = select.having {
            let havingBinder = ExpressionBinder(scope: inputScope, clause: "HAVING", grouping: grouping)
            having = try havingBinder.requireBoolean(try havingBinder.bind(h), argumentOf: "HAVING", range: h.range)
        }
        if let grouping {
            plan = .aggregate(groups: grouping.groupBound, aggregates: grouping.aggregates, columns: grouping.columns, plan)
            if let having { plan = .filter(having, plan) }
        }

        plan = .projection(exprs, columns, plan)
        if select.distinct != nil { plan = .distinct(plan) }
        if !sortKeys.isEmpty { plan = .sort(sortKeys, plan) }
        let (count, skip) = try limitAndOffset(limit, offset)
        if count != nil || skip > 0 { plan = .limit(count: count, offset: skip, plan) }
        if exprs.count > visibleCount {
            let visible = (0..<visibleCount).map { BoundExpr.column(index: $0, name: columns[$0].name, type: columns[$0].type) }
            plan = .projection(visible, Array(columns.prefix(visibleCount)), plan)
        }
        return plan
    }

    /// `GROUP BY 1` means the first select item; a bare name that is no input column may name
    /// a select item by its alias.
    func resolveGroupItem(_ item: Expr, projection: [SelectItem], inputScope: BindScope) throws(PoolSQLError) -> Expr {
        if case let .literal(.integer(n)) = item.kind {
            guard n >= 1, n <= projection.count, case let .expr(e, _) = projection[Int(n) - 1] else {
                throw PoolSQLError(.invalidColumnReference, "GROUP BY position \(n) is not in select list", range: item.range)
            }
            return e
        }
        if case let .identifier(name) = item.kind, !inputScope.columns.contains(where: { $0.name == name.value }) {
            for case let .expr(e, alias?) in projection where alias.value == name.value { return e }
        }
        return item
    }

    /// Input column `index` as seen by the select list: itself, or its group when grouping.
    func groupedColumn(_ index: Int, in scope: BindScope, grouping: GroupingContext?, range: SourceRange?) throws(PoolSQLError) -> BoundExpr {
        let c = scope.columns[index]
        guard let grouping else { return .column(index: index, name: c.name, type: c.type) }
        if let g = grouping.groupBound.firstIndex(where: { $0.isColumn(index) }) {
            return .column(index: g, name: c.name, type: c.type)
        }
        throw PoolSQLError(.groupingError, "column \"\(c.qualifier.map { "\($0)." } ?? "")\(c.name)\" must appear in the GROUP BY clause or be used in an aggregate function",
                           range: range)
    }

    /// The position (in the projection) that an ORDER BY item sorts by, adding a hidden column
    /// when it is an expression not in the select list.
    func resolveOrderBy(_ expr: Expr, columns: [PlanColumn], visibleCount: Int, sourceExprs: [Expr?], binder: ExpressionBinder,
                        exprs: inout [BoundExpr], hiddenColumns: inout [PlanColumn], distinct: Bool) throws(PoolSQLError) -> Int {
        // ORDER BY 2
        if case let .literal(.integer(n)) = expr.kind {
            guard n >= 1, n <= visibleCount else {
                throw PoolSQLError(.invalidColumnReference, "ORDER BY position \(n) is not in select list", range: expr.range)
            }
            return Int(n) - 1
        }
        // ORDER BY alias (an output column name wins over an input column of the same name)
        if case let .identifier(name) = expr.kind {
            let matches = (0..<visibleCount).filter { columns[$0].name == name.value }
            if matches.count > 1 {
                // Several outputs share the name; fine only if they are the same expression.
                let first = sourceExprs[matches[0]]
                if !matches.allSatisfy({ sourceExprs[$0] != nil && sourceExprs[$0] == first }) {
                    throw PoolSQLError(.ambiguousColumn, "ORDER BY \"\(name.value)\" is ambiguous", range: expr.range)
                }
            }
            if let first = matches.first { return first }
        }
        // The same expression as a select item.
        if let i = (0..<visibleCount).first(where: { sourceExprs[$0] == expr }) { return i }
        var bound = try binder.bind(expr)
        if bound.type == .unknown { bound = try binder.coerce(bound, to: .text, range: expr.range) }
        // A column the select list already outputs unchanged.
        if case let .column(inputIndex, _, _) = bound,
           let i = (0..<visibleCount).first(where: { exprs[$0].isColumn(inputIndex) }) {
            return i
        }
        if distinct {
            throw PoolSQLError(.invalidColumnReference, "for SELECT DISTINCT, ORDER BY expressions must appear in select list", range: expr.range)
        }
        exprs.append(bound)
        hiddenColumns.append(PlanColumn(name: OutputNaming.name(of: expr), type: bound.type))
        return exprs.count - 1
    }

    /// Evaluates LIMIT and OFFSET (constant expressions; NULL means none).
    func limitAndOffset(_ limit: Limit?, _ offset: Expr?) throws(PoolSQLError) -> (Int?, Int) {
        var count: Int?
        if case let .count(expr)? = limit {
            if let v = try constantInteger(expr, clause: "LIMIT") {
                guard v >= 0 else { throw PoolSQLError(.init("2201W"), "LIMIT must not be negative", range: expr.range) }
                count = Int(v)
            }
        }
        var skip = 0
        if let offset, let v = try constantInteger(offset, clause: "OFFSET") {
            guard v >= 0 else { throw PoolSQLError(.init("2201X"), "OFFSET must not be negative", range: offset.range) }
            skip = Int(v)
        }
        return (count, skip)
    }

    private func constantInteger(_ expr: Expr, clause: String) throws(PoolSQLError) -> Int64? {
        let binder = ExpressionBinder(scope: .empty, clause: clause)
        var bound: BoundExpr
        do {
            bound = try binder.bind(expr)
        } catch where error.code == .undefinedColumn {
            throw PoolSQLError(.invalidColumnReference, "argument of \(clause) must not contain variables", range: expr.range)
        }
        if bound.type == .unknown || bound.type.isNumeric {
            bound = try binder.bindCast(bound, to: .bigint, innerRange: expr.range, range: expr.range)
        } else {
            throw PoolSQLError(.datatypeMismatch, "argument of \(clause) must be type bigint, not type \(bound.type.postgresName)", range: expr.range)
        }
        let value = try bound.evaluate(row: [], context: ExecutionContext())
        if case let .int(i) = value { return i }
        return nil
    }

    // MARK: FROM

    func planTableRef(_ ref: TableRef) throws(PoolSQLError) -> LogicalPlan {
        switch ref {
        case let .table(name, alias):
            if name.parts.count > 1, let schema = name.parts.first, name.parts.count > 2 || !["public", "pg_catalog", "poolsql"].contains(schema.value) {
                throw PoolSQLError(.undefinedTable, "relation \"\(name.parts.map(\.value).joined(separator: "."))\" does not exist", range: name.range)
            }
            let tableName = name.name.value
            let provider = try catalog.resolveTable(tableName, range: name.range)
            if let alias, !alias.columns.isEmpty {
                throw PoolSQLError.notSupported("column aliases in FROM", range: alias.columns.first?.range)
            }
            return .scan(TableScan(tableName: tableName, qualifier: alias?.name.value ?? tableName, provider: provider))
        case let .derived(_, query, _):
            throw PoolSQLError.notSupported("subqueries in FROM", range: query.firstRange)
        case let .function(call, _):
            throw PoolSQLError.notSupported("table functions", range: call.name.range)
        case .join:
            throw PoolSQLError.notSupported("JOIN", range: ref.firstRange)
        }
    }
}

extension TableRef {
    /// Some source range inside the FROM item, for error carets.
    var firstRange: SourceRange? {
        switch self {
        case let .table(name, _): return name.range
        case let .derived(_, query, alias): return alias?.name.range ?? query.firstRange
        case let .function(call, _): return call.name.range
        case let .join(join): return join.left.firstRange ?? join.right.firstRange
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

extension BoundExpr {
    func isColumn(_ index: Int) -> Bool {
        if case let .column(i, _, _) = self { return i == index }
        return false
    }
}
