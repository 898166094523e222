import PoolSQLCore
import PoolSQLSyntax

/// State shared while binding the expressions above a GROUP BY: which expressions are grouped
/// and which aggregates have been collected. Expressions bound in this mode refer to the
/// Aggregate node's output: group values first, then aggregates.
final class GroupingContext {
    let inputScope: BindScope
    let groupExprs: [Expr]
    let groupBound: [BoundExpr]
    private(set) var aggregates: [AggregateCall] = []
    private var aggregateASTs: [Expr] = []

    /// Plans subqueries in aggregate arguments and resolves enclosing-query columns.
    let planner: QueryPlanner?

    init(inputScope: BindScope, groupExprs: [Expr], groupBound: [BoundExpr], planner: QueryPlanner? = nil) {
        self.inputScope = inputScope
        self.groupExprs = groupExprs
        self.groupBound = groupBound
        self.planner = planner
    }

    var columns: [PlanColumn] {
        let groups = zip(groupExprs, groupBound).map { ast, bound -> PlanColumn in
            var qualifier: String?
            if case let .column(i, _, _) = bound { qualifier = inputScope.columns[i].qualifier }
            return PlanColumn(name: OutputNaming.name(of: ast), type: bound.type, qualifier: qualifier)
        }
        let aggs = zip(aggregates, aggregateASTs).map { PlanColumn(name: OutputNaming.name(of: $1), type: $0.type) }
        return groups + aggs
    }

    /// The aggregate output row as subqueries see it: grouped plain columns by name (at their
    /// group positions); other positions cannot be named.
    var outerScope: BindScope {
        BindScope(columns: groupBound.map { bound in
            if case let .column(i, _, _) = bound { return inputScope.columns[i] }
            return PlanColumn(name: "", type: bound.type, qualifiedOnly: true)
        })
    }

    /// The bound form of `expr` when it is a grouped expression or a grouped column.
    func groupReference(for expr: Expr, clause: String) throws(PoolSQLError) -> BoundExpr? {
        if let i = groupExprs.firstIndex(of: expr) {
            return .column(index: i, name: OutputNaming.name(of: expr), type: groupBound[i].type)
        }
        switch expr.kind {
        case .identifier, .compoundIdentifier:
            let bound = try ExpressionBinder(scope: inputScope, clause: clause, subqueryPlanner: planner).bind(expr)
            // A column of an enclosing query is a constant here.
            guard case let .column(index, name, type) = bound else { return bound }
            if let g = groupBound.firstIndex(where: { $0.isColumn(index) }) {
                return .column(index: g, name: name, type: type)
            }
            let qualifier = inputScope.columns[index].qualifier.map { "\($0)." } ?? ""
            throw PoolSQLError(.groupingError, "column \"\(qualifier)\(name)\" must appear in the GROUP BY clause or be used in an aggregate function",
                               range: expr.range)
        default:
            return nil
        }
    }

    /// Registers an aggregate call (reusing an identical one) and returns its output reference.
    func aggregateReference(for expr: Expr, call: FunctionCall) throws(PoolSQLError) -> BoundExpr {
        if let j = aggregateASTs.firstIndex(of: expr) {
            return .column(index: groupExprs.count + j, name: OutputNaming.name(of: expr), type: aggregates[j].type)
        }
        let binder = ExpressionBinder(scope: inputScope, clause: "aggregate function calls", subqueryPlanner: planner)
        let aggregate = try GroupingContext.bindAggregate(call, binder: binder, range: expr.range)
        aggregates.append(aggregate)
        aggregateASTs.append(expr)
        return .column(index: groupExprs.count + aggregates.count - 1, name: OutputNaming.name(of: expr), type: aggregate.type)
    }

    /// Type-checks an aggregate call; `binder` binds its arguments (over the rows aggregated).
    static func bindAggregate(_ call: FunctionCall, binder: ExpressionBinder, range: SourceRange?) throws(PoolSQLError) -> AggregateCall {
        let name = call.name.name.value
        if !call.withinGroup.isEmpty || ["percentile_cont", "percentile_disc", "mode"].contains(name) {
            return try bindOrderedSetAggregate(call, binder: binder, range: range)
        }
        var args: [BoundExpr] = []
        for a in call.arguments { args.append(try binder.bind(a)) }
        var filter: BoundExpr?
        if let f = call.filter {
            var filterBinder = binder
            filterBinder.clause = "FILTER"
            filter = try binder.requireBoolean(try filterBinder.bind(f), argumentOf: "FILTER", range: f.range)
        }
        var orderBy: [SortKey] = []
        for item in call.orderBy {
            let ascending = item.ascending ?? true
            orderBy.append(SortKey(expr: try binder.bind(item.expr), ascending: ascending, nullsFirst: item.nullsFirst ?? !ascending))
        }
        func signature() -> String { "\(name)(\(args.map { $0.type.postgresName }.joined(separator: ", ")))" }
        func noSuchFunction() -> PoolSQLError {
            PoolSQLError(.undefinedFunction, "function \(signature()) does not exist",
                         hint: "No function matches the given name and argument types. You might need to add explicit type casts.", range: range)
        }
        func make(_ f: AggregateFunction, _ a: [BoundExpr], _ type: DataType) -> AggregateCall {
            AggregateCall(function: f, arguments: a, distinct: call.distinct, filter: filter, orderBy: orderBy, type: type)
        }
        switch name {
        case "count":
            if call.star { return make(.countStar, [], .bigint) }
            guard args.count == 1 else { throw noSuchFunction() }
            return make(.count, args, .bigint)
        case "sum", "avg":
            guard args.count == 1, !call.star else { throw noSuchFunction() }
            let t = args[0].type
            if t == .unknown {
                throw PoolSQLError(.init("42725"), "function \(name)(unknown) is not unique",
                                   hint: "Could not choose a best candidate function. You might need to add explicit type casts.", range: range)
            }
            let result: DataType
            switch t {
            case .smallint, .integer: result = name == "sum" ? .bigint : .numeric(precision: nil, scale: nil)
            case .bigint, .numeric: result = .numeric(precision: nil, scale: nil)
            case .real, .doublePrecision: result = name == "sum" ? t : .doublePrecision
            case .interval: result = .interval
            default: throw noSuchFunction()
            }
            return make(name == "sum" ? .sum : .avg, args, result)
        case "min", "max":
            guard args.count == 1, !call.star else { throw noSuchFunction() }
            var arg = args[0]
            if arg.type == .unknown { arg = try binder.coerce(arg, to: .text, range: call.arguments[0].range) }
            if case .array = arg.type { throw noSuchFunction() }
            return make(name == "min" ? .min : .max, [arg], arg.type)
        case "string_agg":
            guard args.count == 2, !call.star, args.allSatisfy({ binder.isTextual($0.type) }) else { throw noSuchFunction() }
            let coerced = [try binder.coerce(args[0], to: .text, range: call.arguments[0].range),
                           try binder.coerce(args[1], to: .text, range: call.arguments[1].range)]
            return make(.stringAgg, coerced, .text)
        case "stddev", "stddev_samp", "stddev_pop", "variance", "var_samp", "var_pop":
            guard args.count == 1, !call.star else { throw noSuchFunction() }
            let t = args[0].type
            if t == .unknown {
                throw PoolSQLError(.init("42725"), "function \(name)(unknown) is not unique",
                                   hint: "Could not choose a best candidate function. You might need to add explicit type casts.", range: range)
            }
            guard t.isNumeric else { throw noSuchFunction() }
            let function: AggregateFunction
            switch name {
            case "stddev", "stddev_samp": function = .stddevSamp
            case "stddev_pop": function = .stddevPop
            case "var_pop": function = .varPop
            default: function = .varSamp
            }
            // Floats give double precision; integers and numerics give numeric.
            return make(function, args, t == .real || t == .doublePrecision ? .doublePrecision : .numeric(precision: nil, scale: nil))
        case "array_agg":
            guard args.count == 1, !call.star else { throw noSuchFunction() }
            var arg = args[0]
            if arg.type == .unknown { arg = try binder.coerce(arg, to: .text, range: call.arguments[0].range) }
            if case .array = arg.type { throw PoolSQLError.notSupported("array_agg of arrays", range: range) }
            return make(.arrayAgg, [arg], .array(arg.type))
        case "sketch_percentile":
            guard args.count == 2, !call.star, binder.isTextual(args[0].type),
                  args[1].type.isNumeric || args[1].type == .unknown else { throw noSuchFunction() }
            let coerced = [try binder.coerce(args[0], to: .text, range: call.arguments[0].range),
                           try binder.coerce(args[1], to: .doublePrecision, range: call.arguments[1].range)]
            return make(.sketchPercentile, coerced, .doublePrecision)
        case "bool_and", "bool_or", "every":
            guard args.count == 1, !call.star else { throw noSuchFunction() }
            let arg = try binder.requireBoolean(args[0], argumentOf: name, range: call.arguments[0].range)
            return make(name == "bool_or" ? .boolOr : .boolAnd, [arg], .boolean)
        default:
            throw PoolSQLError.notSupported("aggregate function \(name)", range: range)
        }
    }

    /// `percentile_cont(f) / percentile_disc(f) / mode() WITHIN GROUP (ORDER BY x)`.
    static func bindOrderedSetAggregate(_ call: FunctionCall, binder: ExpressionBinder, range: SourceRange?) throws(PoolSQLError) -> AggregateCall {
        let name = call.name.name.value
        guard ["percentile_cont", "percentile_disc", "mode"].contains(name) else {
            throw PoolSQLError.notSupported("WITHIN GROUP for \(name)", range: range)
        }
        guard call.withinGroup.count == 1 else {
            throw PoolSQLError(.wrongObjectType, "WITHIN GROUP is required for ordered-set aggregate \(name)", range: range)
        }
        if call.distinct || !call.orderBy.isEmpty {
            throw PoolSQLError(.syntaxError, "cannot use DISTINCT or ORDER BY inside an ordered-set aggregate", range: range)
        }
        let item = call.withinGroup[0]
        let ascending = item.ascending ?? true
        var key = try binder.bind(item.expr)
        if key.type == .unknown { key = try binder.coerce(key, to: .text, range: item.expr.range) }
        var filter: BoundExpr?
        if let f = call.filter {
            var filterBinder = binder
            filterBinder.clause = "FILTER"
            filter = try binder.requireBoolean(try filterBinder.bind(f), argumentOf: "FILTER", range: f.range)
        }
        var args: [BoundExpr] = []
        for a in call.arguments { args.append(try binder.bind(a)) }
        func noSuchFunction() -> PoolSQLError {
            PoolSQLError(.undefinedFunction,
                         "function \(name)(\(args.map { $0.type.postgresName }.joined(separator: ", ")) ORDER BY \(key.type.postgresName)) does not exist",
                         hint: "No function matches the given name and argument types. You might need to add explicit type casts.", range: range)
        }
        let sort = [SortKey(expr: key, ascending: ascending, nullsFirst: item.nullsFirst ?? !ascending)]
        if name == "mode" {
            guard args.isEmpty else { throw noSuchFunction() }
            return AggregateCall(function: .mode, arguments: [], filter: filter, orderBy: sort, type: key.type)
        }
        guard args.count == 1 else { throw noSuchFunction() }
        // One fraction gives one value; an array of fractions an array of values.
        let fraction: BoundExpr
        let isArray: Bool
        if case let .array(element) = args[0].type {
            guard element.isNumeric || element == .unknown else { throw noSuchFunction() }
            fraction = try binder.coerce(args[0], to: .array(.doublePrecision), range: call.arguments[0].range)
            isArray = true
        } else {
            guard args[0].type.isNumeric || args[0].type == .unknown else { throw noSuchFunction() }
            fraction = try binder.coerce(args[0], to: .doublePrecision, range: call.arguments[0].range)
            isArray = false
        }
        if name == "percentile_disc" {
            return AggregateCall(function: .percentileDisc, arguments: [fraction], filter: filter, orderBy: sort,
                                 type: isArray ? .array(key.type) : key.type)
        }
        // percentile_cont interpolates: double precision (numbers) or interval.
        let type: DataType
        if key.type == .interval {
            type = .interval
        } else if key.type.isNumeric {
            type = .doublePrecision
            key = try binder.coerce(key, to: .doublePrecision, range: item.expr.range)
        } else {
            throw noSuchFunction()
        }
        return AggregateCall(function: .percentileCont, arguments: [fraction], filter: filter,
                             orderBy: [SortKey(expr: key, ascending: ascending, nullsFirst: item.nullsFirst ?? !ascending)],
                             type: isArray ? .array(type) : type)
    }
}
