import PoolSQLCore
import PoolSQLCatalog
import PoolSQLSyntax

extension QueryPlanner {
    /// `JOIN … USING (a, b)` (and NATURAL JOIN): joins on equality of the named columns and,
    /// as PostgreSQL, outputs each of them once (first, merged: the left value, the right
    /// one for RIGHT JOIN, COALESCE of both for FULL JOIN), then the other columns. The
    /// per-side columns stay reachable as `t.a` and through `t.*`.
    func usingJoin(_ joinType: JoinType, _ names: [(String, SourceRange?)], _ left: LogicalPlan, _ right: LogicalPlan) throws(PoolSQLError) -> LogicalPlan {
        let lc = left.columns, rc = right.columns
        let leftWidth = lc.count
        func find(_ name: String, in columns: [PlanColumn], side: String, range: SourceRange?) throws(PoolSQLError) -> Int {
            let matches = columns.indices.filter { columns[$0].name == name && !columns[$0].qualifiedOnly }
            guard matches.count == 1 else {
                throw PoolSQLError(matches.isEmpty ? .undefinedColumn : .ambiguousColumn,
                                   matches.isEmpty ? "column \"\(name)\" specified in USING clause does not exist in \(side) table"
                                       : "common column name \"\(name)\" appears more than once in \(side) table",
                                   range: range)
            }
            return matches[0]
        }
        let binder = ExpressionBinder(scope: BindScope(columns: lc + rc), clause: "JOIN/USING")
        var conditions: [BoundExpr] = []
        var merged: [BoundExpr] = [], mergedColumns: [PlanColumn] = []
        var usedLeft: [Int] = [], usedRight: [Int] = []
        for (name, range) in names {
            if usedLeft.contains(where: { lc[$0].name == name }) {
                throw PoolSQLError(.duplicateColumn, "column \"\(name)\" appears more than once in USING clause", range: range)
            }
            let l = try find(name, in: lc, side: "left", range: range)
            let r = try find(name, in: rc, side: "right", range: range)
            usedLeft.append(l)
            usedRight.append(r)
            let lExpr = BoundExpr.column(index: l, name: name, type: lc[l].type)
            let rExpr = BoundExpr.column(index: leftWidth + r, name: name, type: rc[r].type)
            let (common, _) = TypeCoercion.commonType([lc[l].type, rc[r].type])
            guard let valueType = common else {
                throw binder.operatorDoesNotExist("=", lc[l].type, rc[r].type, range: range)
            }
            let lValue = try binder.coerce(lExpr, to: valueType, range: range)
            let rValue = try binder.coerce(rExpr, to: valueType, range: range)
            conditions.append(.comparison(.equal, lValue, rValue))
            switch joinType {
            case .inner, .left: merged.append(lValue)
            case .right: merged.append(rValue)
            case .full: merged.append(.function(.coalesce, [lValue, rValue], type: valueType, range: range))
            }
            mergedColumns.append(PlanColumn(name: name, type: valueType))
        }
        let joined = LogicalPlan.join(joinType, condition: BoundExpr.conjunction(conditions), left: left, right: right)
        // Output: merged columns, the other left and right columns, then the per-side copies
        // of the join columns (qualified access only).
        var exprs = merged, columns = mergedColumns
        for (i, c) in lc.enumerated() where !usedLeft.contains(i) {
            exprs.append(.column(index: i, name: c.name, type: c.type))
            columns.append(c)
        }
        for (i, c) in rc.enumerated() where !usedRight.contains(i) {
            exprs.append(.column(index: leftWidth + i, name: c.name, type: c.type))
            columns.append(c)
        }
        for i in usedLeft {
            exprs.append(.column(index: i, name: lc[i].name, type: lc[i].type))
            var c = lc[i]
            c.qualifiedOnly = true
            columns.append(c)
        }
        for i in usedRight {
            exprs.append(.column(index: leftWidth + i, name: rc[i].name, type: rc[i].type))
            var c = rc[i]
            c.qualifiedOnly = true
            columns.append(c)
        }
        return .projection(exprs, columns, joined)
    }
}

extension QueryPlanner {
    /// `name AS (anchor UNION [ALL] recursive_term)` where the recursive term reads `name`.
    func planRecursive(_ cte: CommonTableExpression) throws(PoolSQLError) -> LogicalPlan {
        let name = cte.name.value
        guard cte.query.orderBy.isEmpty, cte.query.limit == nil, cte.query.offset == nil,
              case let .setOperation(.union, quantifier, anchorBody, recursiveBody) = cte.query.body
        else {
            throw PoolSQLError(.invalidRecursion, "recursive query \"\(name)\" does not have the form non-recursive-term UNION [ALL] recursive-term",
                               range: cte.name.range)
        }
        if Query(body: anchorBody).references(table: name) {
            throw PoolSQLError(.invalidRecursion, "recursive reference to query \"\(name)\" must not appear within its non-recursive term",
                               range: cte.name.range)
        }
        let anchor = try planSetExpr(anchorBody)
        // Untyped anchor columns (`SELECT 1, 'a'`) become text, as PostgreSQL resolves them.
        var columns = anchor.columns.map { PlanColumn(name: $0.name, type: $0.type == .unknown ? .text : $0.type) }
        for (i, alias) in cte.columns.enumerated() where i < columns.count { columns[i].name = alias.value }
        let anchorPlan = LogicalPlan.projection(
            anchor.columns.enumerated().map { i, c in
                c.type == .unknown ? .cast(.column(index: i, name: c.name, type: c.type), to: .text, range: nil)
                    : .column(index: i, name: c.name, type: c.type)
            }, columns, anchor)
        let table = WorkTable(name: name, columns: columns)
        var inner = self
        inner.ctes[name] = try aliased(.workTableScan(table), as: name, columnAliases: [], range: cte.name.range)
        let recursive = try inner.planSetExpr(recursiveBody)
        let rc = recursive.columns
        guard rc.count == columns.count else {
            throw PoolSQLError(.syntaxError, "each UNION query must have the same number of columns", range: recursiveBody.firstRange)
        }
        let binder = ExpressionBinder(scope: .empty, clause: "WITH RECURSIVE")
        var exprs: [BoundExpr] = []
        for (i, c) in rc.enumerated() {
            let column = BoundExpr.column(index: i, name: c.name, type: c.type)
            if c.type == columns[i].type || c.type == .unknown {
                exprs.append(c.type == .unknown ? .cast(column, to: columns[i].type, range: nil) : column)
            } else if TypeCoercion.isImplicit(c.type, columns[i].type) {
                exprs.append(try binder.coerce(column, to: columns[i].type, range: nil))
            } else {
                throw PoolSQLError(.datatypeMismatch,
                                   "recursive query \"\(name)\" column \(i + 1) has type \(columns[i].type.postgresName) in non-recursive term but type \(c.type.postgresName) overall",
                                   hint: "Cast the output of the non-recursive term to the correct type.", range: recursiveBody.firstRange)
            }
        }
        return .recursiveUnion(table, all: quantifier == .all, anchor: anchorPlan, recursive: .projection(exprs, columns, recursive))
    }

    /// `generate_series(start, stop[, step])` over integers, numerics or timestamps (with an
    /// interval step), as PostgreSQL.
    func planGenerateSeries(_ call: FunctionCall) throws(PoolSQLError) -> LogicalPlan {
        let binder = ExpressionBinder(scope: .empty, clause: "functions in FROM", subqueryPlanner: self)
        var args: [BoundExpr] = []
        for a in call.arguments { args.append(try binder.bind(a)) }
        let range = call.name.range
        func noSuchFunction() -> PoolSQLError {
            PoolSQLError(.undefinedFunction, "function generate_series(\(args.map { $0.type.postgresName }.joined(separator: ", "))) does not exist",
                         hint: "No function matches the given name and argument types. You might need to add explicit type casts.", range: range)
        }
        guard args.count == 2 || args.count == 3 else { throw noSuchFunction() }
        let bounds = try binder.coerceToCommon(Array(args.prefix(2)), ranges: call.arguments.prefix(2).map(\.range), context: "generate_series",
                                               fallbackOp: false, range: range)
        var type = bounds[0].type
        var start = bounds[0], stop = bounds[1]
        var step: BoundExpr?
        switch TypeCoercion.category(type) {
        case .numeric:
            if type == .smallint { type = .integer }
            if type == .real || type == .doublePrecision { throw noSuchFunction() }
            start = try binder.coerce(start, to: type, range: range)
            stop = try binder.coerce(stop, to: type, range: range)
            if args.count == 3 {
                let s = args[2].type == .unknown ? try binder.coerce(args[2], to: type, range: call.arguments[2].range) : args[2]
                guard s.type.isNumeric, s.type != .real, s.type != .doublePrecision else { throw noSuchFunction() }
                if case .numeric = s.type, type.isInteger {
                    type = s.type
                    start = try binder.coerce(start, to: type, range: range)
                    stop = try binder.coerce(stop, to: type, range: range)
                }
                step = try binder.coerce(s, to: type, range: call.arguments[2].range)
            }
        case .datetime:
            guard args.count == 3 else { throw noSuchFunction() }
            // Dates count as timestamptz here, PostgreSQL's preferred date/time type.
            if type == .date {
                type = .timestamptz
                start = try binder.coerce(start, to: type, range: range)
                stop = try binder.coerce(stop, to: type, range: range)
            }
            let s = try binder.coerce(args[2], to: .interval, range: call.arguments[2].range)
            step = s
        default:
            throw noSuchFunction()
        }
        return .generateSeries(start: start, stop: stop, step: step, column: PlanColumn(name: "generate_series", type: type))
    }
}

extension QueryPlanner {
    /// Joins `item` to `left`. LATERAL subqueries and functions in FROM may read the left
    /// side's columns; when they do, the join runs them once per left row.
    func joinFromItem(_ left: LogicalPlan, _ item: TableRef, type: JoinType, condition: Expr?) throws(PoolSQLError) -> LogicalPlan {
        var right: LogicalPlan
        var lateral = false
        if item.isLateral {
            var inner = self
            let tracker = CorrelationTracker()
            inner.outerScopes = [BindScope(columns: left.columns)] + outerScopes
            inner.correlationTrackers = [tracker] + correlationTrackers
            inner.outerUngroupedScopes = [nil] + outerUngroupedScopes
            right = try inner.planTableRef(item)
            lateral = tracker.correlated
        } else {
            right = try planTableRef(item)
        }
        var bound: BoundExpr?
        if let condition {
            let binder = ExpressionBinder(scope: BindScope(columns: left.columns + right.columns), clause: "JOIN conditions", subqueryPlanner: self)
            bound = try binder.requireBoolean(try binder.bind(condition), argumentOf: "JOIN/ON", range: condition.range)
        }
        return lateral ? .lateralJoin(type, condition: bound, left: left, right: right) : .join(type, condition: bound, left: left, right: right)
    }

    /// `unnest(a, b, …) [WITH ORDINALITY]`: one row per position, each array's element (NULL
    /// past a shorter array's end), then the position.
    func planUnnest(_ call: FunctionCall, withOrdinality: Bool) throws(PoolSQLError) -> LogicalPlan {
        let binder = ExpressionBinder(scope: .empty, clause: "functions in FROM", subqueryPlanner: self)
        var arrays: [BoundExpr] = []
        var columns: [PlanColumn] = []
        for argument in call.arguments { arrays.append(try binder.bind(argument)) }
        for array in arrays {
            guard case let .array(elementType) = array.type else {
                throw PoolSQLError(.undefinedFunction, "function unnest(\(arrays.map(\.type.postgresName).joined(separator: ", "))) does not exist",
                                   hint: "No function matches the given name and argument types. You might need to add explicit type casts.",
                                   range: call.name.range)
            }
            columns.append(PlanColumn(name: "unnest", type: elementType == .unknown ? .text : elementType))
        }
        guard !arrays.isEmpty else {
            throw PoolSQLError(.undefinedFunction, "function unnest() does not exist",
                               hint: "No function matches the given name and argument types. You might need to add explicit type casts.",
                               range: call.name.range)
        }
        if withOrdinality { columns.append(PlanColumn(name: "ordinality", type: .bigint)) }
        return .unnest(arrays, columns: columns, withOrdinality: withOrdinality)
    }
}

extension QueryPlanner {
    /// `SELECT a, unnest(arr) FROM t` is `SELECT a, u FROM t, unnest(arr) u`: a select item
    /// that is a call of `unnest(array)` or `generate_series(…)` becomes a (lateral) function
    /// in FROM, which gives PostgreSQL's rows in PostgreSQL's order. Only one such item, and
    /// only without GROUP BY, aggregates or DISTINCT; other uses stay errors.
    static func movingSetReturningFunctionsToFrom(_ select: Select) -> Select {
        guard select.groupBy.isEmpty, select.having == nil, select.distinct == nil else { return select }
        var found: [(Int, FunctionCall, Ident?)] = []
        for (i, item) in select.projection.enumerated() {
            guard case let .expr(e, alias) = item, case let .function(call) = e.kind, call.name.parts.count == 1,
                  call.over == nil, call.filter == nil, !call.distinct, call.orderBy.isEmpty, call.withinGroup.isEmpty, !call.star
            else { continue }
            let name = call.name.name.value
            if (name == "unnest" && call.arguments.count == 1) || name == "generate_series" { found.append((i, call, alias)) }
        }
        guard found.count == 1, let (index, call, alias) = found.first else { return select }
        if select.projection.contains(where: { if case let .expr(e, _) = $0 { return e.containsAggregate } else { return false } }) {
            return select
        }
        var rewritten = select
        // A name no query can spell unquoted, so it cannot clash with the user's names.
        let internalName = Ident("?\(call.name.name.value)?")
        rewritten.from.append(.function(call, alias: TableAlias(name: internalName, columns: [internalName])))
        rewritten.projection[index] = .expr(Expr(.compoundIdentifier([internalName, internalName]), range: call.name.range),
                                            alias: alias ?? Ident(call.name.name.value))
        return rewritten
    }
}

extension TableRef {
    /// LATERAL subqueries, and functions in FROM (implicitly lateral in PostgreSQL).
    var isLateral: Bool {
        switch self {
        case let .derived(lateral, _, _): return lateral
        case .function: return true
        default: return false
        }
    }
}
