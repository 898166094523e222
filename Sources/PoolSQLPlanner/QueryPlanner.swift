import PoolSQLCore
import PoolSQLCatalog
import PoolSQLSyntax

/// Binds a parsed query against a catalog into an (unoptimized) logical plan: resolves tables
/// and columns, type-checks expressions, names output columns as PostgreSQL does. Anything
/// the executor cannot run yet is rejected with 0A000 at the offending node.
public struct QueryPlanner: Sendable {
    public let catalog: any Catalog
    /// Common table expressions visible here (WITH), already planned, by name.
    var ctes: [String: LogicalPlan] = [:]
    /// For a subquery: the scopes of the enclosing queries (innermost first) and, in the same
    /// order, the trackers that learn when a name resolves to them.
    var outerScopes: [BindScope] = []
    var correlationTrackers: [CorrelationTracker] = []
    /// For enclosing queries with GROUP BY: their input scope, to report ungrouped columns.
    var outerUngroupedScopes: [BindScope?] = []
    /// How many views deep the planner is (a view defined through itself stops at the limit).
    var viewDepth = 0
    static let maximumViewDepth = 32

    public init(catalog: any Catalog) {
        self.catalog = catalog
    }

    public func plan(_ query: Query) throws(PoolSQLError) -> LogicalPlan {
        var planner = self
        if let with = query.with {
            for cte in with.tables {
                let name = cte.name.value
                let inner: LogicalPlan
                if with.recursive, cte.query.references(table: name) {
                    inner = try planner.planRecursive(cte)
                } else {
                    inner = try planner.plan(cte.query)
                }
                planner.ctes[name] = try planner.aliased(inner, as: name, columnAliases: cte.columns, range: cte.name.range)
            }
        }
        switch query.body {
        case let .select(select):
            return try planner.planSelect(select, orderBy: query.orderBy, limit: query.limit, offset: query.offset)
        case let .query(inner):
            let plan = try planner.plan(inner)
            if query.orderBy.isEmpty && query.limit == nil && query.offset == nil { return plan }
            return try planner.orderAndLimit(plan, query: query)
        case let .values(values):
            var plan = try planner.planValues(values)
            if !query.orderBy.isEmpty || query.limit != nil || query.offset != nil {
                plan = try planner.orderAndLimit(plan, query: query)
            }
            return plan
        case .setOperation:
            return try planner.orderAndLimit(try planner.planSetExpr(query.body), query: query)
        }
    }

    /// A query body without its ORDER BY/LIMIT (an operand of a set operation).
    func planSetExpr(_ body: SetExpr) throws(PoolSQLError) -> LogicalPlan {
        switch body {
        case let .select(select):
            return try planSelect(select, orderBy: [], limit: nil, offset: nil, keepUntypedOutputs: true)
        case let .values(values):
            return try planValues(values)
        case let .query(query):
            return try plan(query)
        case let .setOperation(op, quantifier, leftBody, rightBody):
            let left = try planSetExpr(leftBody)
            let right = try planSetExpr(rightBody)
            let (lc, rc) = (left.columns, right.columns)
            guard lc.count == rc.count else {
                throw PoolSQLError(.syntaxError, "each \(op.rawValue) query must have the same number of columns", range: rightBody.firstRange)
            }
            // Convert both sides to the common type of each column.
            var leftExprs: [BoundExpr] = [], rightExprs: [BoundExpr] = [], columns: [PlanColumn] = []
            let binder = ExpressionBinder(scope: .empty, clause: op.rawValue)
            for i in lc.indices {
                let (common, _) = TypeCoercion.commonType([lc[i].type, rc[i].type])
                guard let type = common, TypeCoercion.isImplicit(lc[i].type, type) || lc[i].type == .unknown,
                      TypeCoercion.isImplicit(rc[i].type, type) || rc[i].type == .unknown
                else {
                    throw PoolSQLError(.datatypeMismatch, "\(op.rawValue) types \(lc[i].type.postgresName) and \(rc[i].type.postgresName) cannot be matched",
                                       range: rightBody.firstRange)
                }
                // Untyped columns hold text or NULL at run time; converting them is a cast.
                func convert(_ c: PlanColumn, _ i: Int) throws(PoolSQLError) -> BoundExpr {
                    let column = BoundExpr.column(index: i, name: c.name, type: c.type)
                    if c.type == .unknown { return type == .unknown ? column : .cast(column, to: type, range: nil) }
                    return try binder.coerce(column, to: type, range: nil)
                }
                leftExprs.append(try convert(lc[i], i))
                rightExprs.append(try convert(rc[i], i))
                columns.append(PlanColumn(name: lc[i].name, type: type))
            }
            let type: SetOperationType
            switch op {
            case .union: type = .union
            case .intersect: type = .intersect
            case .except: type = .except
            }
            return .setOperation(type, all: quantifier == .all,
                                 left: .projection(leftExprs, columns, left),
                                 right: .projection(rightExprs, columns.map { PlanColumn(name: $0.name, type: $0.type) }, right))
        }
    }

    /// ORDER BY (output names and ordinals only) and LIMIT/OFFSET over a finished plan, for
    /// VALUES and set operations.
    func orderAndLimit(_ input: LogicalPlan, query: Query) throws(PoolSQLError) -> LogicalPlan {
        var plan = input
        let columns = input.columns
        var keys: [SortKey] = []
        for item in query.orderBy {
            let ascending = item.ascending ?? true
            var index: Int?
            if case let .literal(.integer(n)) = item.expr.kind {
                guard n >= 1, n <= columns.count else {
                    throw PoolSQLError(.invalidColumnReference, "ORDER BY position \(n) is not in select list", range: item.expr.range)
                }
                index = Int(n) - 1
            } else if case let .identifier(name) = item.expr.kind {
                index = columns.firstIndex(where: { $0.name == name.value })
            }
            guard let index else {
                throw PoolSQLError(.featureNotSupported, "invalid UNION/INTERSECT/EXCEPT ORDER BY clause",
                                   detail: "Only result column names can be used, not expressions or functions.", range: item.expr.range)
            }
            keys.append(SortKey(expr: .column(index: index, name: columns[index].name, type: columns[index].type),
                                ascending: ascending, nullsFirst: item.nullsFirst ?? !ascending))
        }
        if !keys.isEmpty { plan = .sort(keys, plan) }
        let (count, skip) = try limitAndOffset(query.limit, query.offset)
        if count != nil || skip > 0 { plan = .limit(count: count, offset: skip, plan) }
        return plan
    }

    /// `VALUES (…), (…)`: columns `column1`, `column2`, … of each column's common type.
    func planValues(_ values: Values) throws(PoolSQLError) -> LogicalPlan {
        guard let width = values.rows.first?.count else { return .values(rows: [], columns: []) }
        let binder = ExpressionBinder(scope: .empty, clause: "VALUES")
        var rows: [[BoundExpr]] = []
        for row in values.rows {
            guard row.count == width else {
                throw PoolSQLError(.syntaxError, "VALUES lists must all be the same length", range: row.first?.range)
            }
            var bound: [BoundExpr] = []
            for e in row { bound.append(try binder.bind(e)) }
            rows.append(bound)
        }
        var columns: [PlanColumn] = []
        for c in 0..<width {
            let cells = rows.map { $0[c] }
            let ranges = values.rows.map { $0[c].range }
            let coerced = try binder.coerceToCommon(cells, ranges: ranges, context: "VALUES", fallbackOp: false, range: ranges.first ?? nil)
            for r in rows.indices { rows[r][c] = coerced[r] }
            columns.append(PlanColumn(name: "column\(c + 1)", type: coerced.first?.type ?? .text))
        }
        return .values(rows: rows, columns: columns)
    }

    /// The plan seen under `name` (a FROM alias or CTE name), with its columns optionally
    /// renamed by `columnAliases`.
    func aliased(_ plan: LogicalPlan, as name: String, columnAliases: [Ident], range: SourceRange?) throws(PoolSQLError) -> LogicalPlan {
        var columns = plan.columns
        if columnAliases.count > columns.count {
            throw PoolSQLError(.invalidColumnReference,
                               "table \"\(name)\" has \(columns.count) columns available but \(columnAliases.count) columns specified",
                               range: columnAliases.first?.range ?? range)
        }
        for (i, alias) in columnAliases.enumerated() { columns[i].name = alias.value }
        for i in columns.indices {
            columns[i].qualifier = name
            columns[i].qualifiedOnly = false
            columns[i].ordinal = i
        }
        return .subqueryAlias(columns: columns, plan)
    }

    /// Binds an expression that may not reference columns (SET values, pool options).
    public func bindConstant(_ expr: Expr) throws(PoolSQLError) -> BoundExpr {
        try ExpressionBinder(scope: .empty, clause: "this context", subqueryPlanner: self).bind(expr)
    }

    // MARK: SELECT

    /// `keepUntypedOutputs`: leave bare string literals and NULLs of the select list untyped,
    /// so a set operation can give them the other side's type (`SELECT 1 UNION SELECT NULL`).
    func planSelect(_ original: Select, orderBy: [OrderByItem], limit: Limit?, offset: Expr?,
                    keepUntypedOutputs: Bool = false) throws(PoolSQLError) -> LogicalPlan {
        let select = QueryPlanner.movingSetReturningFunctionsToFrom(original)

        // FROM: comma-separated items are cross joined.
        var plan: LogicalPlan = .singleRow
        for (i, item) in select.from.enumerated() {
            if i == 0 {
                plan = try planTableRef(item)
            } else {
                plan = try joinFromItem(plan, item, type: .inner, condition: nil)
            }
        }
        let inputScope = BindScope(columns: plan.columns)

        // WHERE
        if let whereClause = select.whereClause {
            let binder = ExpressionBinder(scope: inputScope, clause: "WHERE", subqueryPlanner: self)
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
            grouping = GroupingContext(inputScope: inputScope, groupExprs: groupASTs, groupBound: groupBound, planner: self)
        }

        // Select list
        var binder = ExpressionBinder(scope: inputScope, clause: "SELECT", grouping: grouping, subqueryPlanner: self)
        let windows = WindowContext(named: select.windows)
        binder.windows = windows
        var exprs: [BoundExpr] = []
        var columns: [PlanColumn] = []
        var sourceExprs: [Expr?] = []
        for item in select.projection {
            switch item {
            case .wildcard:
                guard !select.from.isEmpty else {
                    throw PoolSQLError(.syntaxError, "SELECT * with no tables specified is not valid")
                }
                for i in inputScope.columns.indices where !inputScope.columns[i].qualifiedOnly {
                    let c = inputScope.columns[i]
                    exprs.append(try groupedColumn(i, in: inputScope, grouping: grouping, range: nil))
                    columns.append(PlanColumn(name: c.name, type: c.type))
                    sourceExprs.append(nil)
                }
            case let .qualifiedWildcard(name):
                let qualifier = name.name.value
                // In the table's own column order (USING joins move its join columns).
                let matching = inputScope.columns.indices
                    .filter { inputScope.columns[$0].qualifier == qualifier }
                    .enumerated()
                    .sorted { a, b in
                        let oa = inputScope.columns[a.element].ordinal ?? a.offset
                        let ob = inputScope.columns[b.element].ordinal ?? b.offset
                        return oa != ob ? oa < ob : a.offset < b.offset
                    }
                    .map(\.element)
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
                if bound.type == .unknown && !keepUntypedOutputs { bound = try binder.coerce(bound, to: .text, range: expr.range) }
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
            let index = try resolveOrderBy(item.expr, columns: columns, visibleCount: visibleCount, sourceExprs: &sourceExprs,
                                           binder: binder, exprs: &exprs, hiddenColumns: &columns,
                                           distinct: select.distinct == .distinct)
            sortKeys.append(SortKey(expr: .column(index: index, name: columns[index].name, type: columns[index].type),
                                    ascending: ascending, nullsFirst: nullsFirst))
        }

        // DISTINCT ON (…): keys resolve like ORDER BY items and must lead the ORDER BY.
        var distinctOnKeys: [Int] = []
        if case let .on(onExprs)? = select.distinct {
            for e in onExprs {
                distinctOnKeys.append(try resolveOrderBy(e, columns: columns, visibleCount: visibleCount, sourceExprs: &sourceExprs,
                                                         binder: binder, exprs: &exprs, hiddenColumns: &columns, distinct: false))
            }
            let leading = sortKeys.prefix(distinctOnKeys.count).compactMap { key -> Int? in
                if case let .column(i, _, _) = key.expr { return i }
                return nil
            }
            if !sortKeys.isEmpty && (sortKeys.count < distinctOnKeys.count || Set(leading) != Set(distinctOnKeys)) {
                throw PoolSQLError(.invalidColumnReference, "SELECT DISTINCT ON expressions must match initial ORDER BY expressions",
                                   range: onExprs.first?.range)
            }
        }

        var having: BoundExpr?
        if let h = select.having {
            let havingBinder = ExpressionBinder(scope: inputScope, clause: "HAVING", grouping: grouping, subqueryPlanner: self)
            having = try havingBinder.requireBoolean(try havingBinder.bind(h), argumentOf: "HAVING", range: h.range)
        }
        if let grouping {
            plan = .aggregate(groups: grouping.groupBound, aggregates: grouping.aggregates, columns: grouping.columns, plan)
            if let having { plan = .filter(having, plan) }
        }

        if !windows.calls.isEmpty {
            let mapping = windows.placeholderMapping(inputWidth: plan.columns.count)
            plan = .window(windows.calls, plan)
            exprs = exprs.map { $0.remappingColumns(mapping) }
        }

        plan = .projection(exprs, columns, plan)
        if select.distinct == .distinct { plan = .distinct(plan) }
        if !sortKeys.isEmpty { plan = .sort(sortKeys, plan) }
        if !distinctOnKeys.isEmpty {
            plan = .distinctOn(keys: distinctOnKeys.map { .column(index: $0, name: columns[$0].name, type: columns[$0].type) }, plan)
        }
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
    func resolveOrderBy(_ expr: Expr, columns: [PlanColumn], visibleCount: Int, sourceExprs: inout [Expr?], binder: ExpressionBinder,
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
        // The same expression as a select item (or as an earlier hidden sort column).
        if let i = sourceExprs.indices.first(where: { sourceExprs[$0] == expr }) { return i }
        var bound = try binder.bind(expr)
        if bound.type == .unknown { bound = try binder.coerce(bound, to: .text, range: expr.range) }
        // A column the select list already outputs unchanged.
        if case let .column(inputIndex, _, _) = bound,
           let i = exprs.indices.first(where: { exprs[$0].isColumn(inputIndex) }) {
            return i
        }
        if distinct {
            throw PoolSQLError(.invalidColumnReference, "for SELECT DISTINCT, ORDER BY expressions must appear in select list", range: expr.range)
        }
        exprs.append(bound)
        sourceExprs.append(expr)
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
            if name.parts.count == 1, let cte = ctes[name.name.value] {
                guard let alias else { return cte }
                return try aliased(cte, as: alias.name.value, columnAliases: alias.columns, range: alias.name.range)
            }
            if name.parts.count > 1, let schema = name.parts.first, name.parts.count > 2 || !["public", "pg_catalog", "poolsql"].contains(schema.value) {
                throw PoolSQLError(.undefinedTable, "relation \"\(name.parts.map(\.value).joined(separator: "."))\" does not exist", range: name.range)
            }
            let tableName = name.name.value
            if let views = catalog as? any ViewCatalog, let view = views.view(named: tableName) {
                guard viewDepth < QueryPlanner.maximumViewDepth else {
                    throw PoolSQLError(SQLState("42P17"), "infinite recursion detected in view \"\(tableName)\"", range: name.range)
                }
                var inner = self
                inner.viewDepth += 1
                // A view sees only the catalog, not the CTEs or outer columns around its use.
                inner.ctes = [:]
                inner.outerScopes = []
                inner.correlationTrackers = []
                inner.outerUngroupedScopes = []
                let plan: LogicalPlan
                do {
                    plan = try inner.plan(view)
                } catch {
                    // The view's own text is not the statement's: point at the view's name.
                    var located = error
                    located.range = name.range
                    if located.detail == nil { located.detail = "in view \"\(tableName)\"" }
                    throw located
                }
                return try aliased(plan, as: alias?.name.value ?? tableName, columnAliases: alias?.columns ?? [], range: name.range)
            }
            let provider = try catalog.resolveTable(tableName, range: name.range)
            let scan = LogicalPlan.scan(TableScan(tableName: tableName, qualifier: alias?.name.value ?? tableName, provider: provider))
            if let alias, !alias.columns.isEmpty {
                return try aliased(scan, as: alias.name.value, columnAliases: alias.columns, range: alias.name.range)
            }
            return scan
        case let .derived(_, query, alias):
            guard let alias else {
                throw PoolSQLError(.syntaxError, "subquery in FROM must have an alias",
                                   hint: "For example, FROM (SELECT ...) [AS] foo.", range: query.firstRange)
            }
            return try aliased(try plan(query), as: alias.name.value, columnAliases: alias.columns, range: alias.name.range)
        case let .function(call, alias, withOrdinality):
            let name = call.name.name.value
            let plan: LogicalPlan
            switch (call.name.parts.count, name) {
            case (1, "generate_series"):
                if withOrdinality { throw PoolSQLError.notSupported("generate_series WITH ORDINALITY", range: call.name.range) }
                plan = try planGenerateSeries(call)
            case (1, "unnest"): plan = try planUnnest(call, withOrdinality: withOrdinality)
            default: throw PoolSQLError.notSupported("table function \(name)", range: call.name.range)
            }
            // A single-column function's alias also names its column (`generate_series(1, 3) g`).
            // (With several value columns, as unnest(a, b), the alias names only the table.)
            let valueColumns = plan.columns.count - (withOrdinality ? 1 : 0)
            let columnAliases = alias.map { $0.columns.isEmpty ? (valueColumns == 1 ? [$0.name] : []) : $0.columns } ?? []
            return try aliased(plan, as: alias?.name.value ?? name, columnAliases: columnAliases,
                               range: alias?.name.range ?? call.name.range)
        case let .join(join):
            let left = try planTableRef(join.left)
            if join.right.isLateral {
                switch (join.kind, join.constraint) {
                case let (.inner, .on(expr)):
                    return try joinFromItem(left, join.right, type: .inner, condition: expr)
                case let (.left, .on(expr)):
                    return try joinFromItem(left, join.right, type: .left, condition: expr)
                case (.cross, _), (.inner, .none):
                    return try joinFromItem(left, join.right, type: .inner, condition: nil)
                default:
                    throw PoolSQLError.notSupported("\(join.kind.rawValue) with LATERAL", range: join.right.firstRange)
                }
            }
            let right = try planTableRef(join.right)
            let type: JoinType
            switch join.kind {
            case .inner, .cross: type = .inner
            case .left: type = .left
            case .right: type = .right
            case .full: type = .full
            }
            switch join.constraint {
            case .none:
                return .join(type, condition: nil, left: left, right: right)
            case let .on(expr):
                let binder = ExpressionBinder(scope: BindScope(columns: left.columns + right.columns), clause: "JOIN conditions", subqueryPlanner: self)
                let condition = try binder.requireBoolean(try binder.bind(expr), argumentOf: "JOIN/ON", range: expr.range)
                return .join(type, condition: condition, left: left, right: right)
            case let .using(names):
                return try usingJoin(type, names.map { ($0.value, $0.range) }, left, right)
            case .natural:
                // Common column names, in the left side's order.
                let rightNames = Set(right.columns.filter { !$0.qualifiedOnly }.map(\.name))
                var common: [(String, SourceRange?)] = []
                for c in left.columns where !c.qualifiedOnly && rightNames.contains(c.name) && !common.contains(where: { $0.0 == c.name }) {
                    common.append((c.name, join.right.firstRange))
                }
                if common.isEmpty { return .join(type, condition: nil, left: left, right: right) }
                return try usingJoin(type, common, left, right)
            }
        }
    }
}
