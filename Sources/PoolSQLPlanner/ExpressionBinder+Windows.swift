import PoolSQLCore
import PoolSQLSyntax

extension ExpressionBinder {
    /// Binds `f(…) OVER (PARTITION BY … ORDER BY …)`. Arguments, partition and order keys are
    /// bound like the select list (so they may use grouped columns and aggregates).
    func bindWindowCall(_ call: FunctionCall, over: WindowReference, range: SourceRange?) throws(PoolSQLError) -> WindowCall {
        guard case let .specification(spec) = over else {
            throw PoolSQLError.notSupported("named windows", range: range)
        }
        if spec.baseWindow != nil {
            throw PoolSQLError.notSupported("named windows", range: range)
        }
        if spec.frame != nil {
            throw PoolSQLError.notSupported("window frame clauses", range: range)
        }
        if call.distinct {
            throw PoolSQLError(.featureNotSupported, "DISTINCT is not implemented for window functions", range: range)
        }
        var inner = self
        inner.windows = nil
        inner.clause = "window function arguments"
        var partitionBy: [BoundExpr] = []
        for e in spec.partitionBy { partitionBy.append(try inner.bind(e)) }
        var orderBy: [SortKey] = []
        for item in spec.orderBy {
            let ascending = item.ascending ?? true
            orderBy.append(SortKey(expr: try inner.bind(item.expr), ascending: ascending, nullsFirst: item.nullsFirst ?? !ascending))
        }
        let name = call.name.name.value
        var args: [BoundExpr] = []
        func make(_ f: WindowFunction, _ type: DataType) -> WindowCall {
            WindowCall(function: f, arguments: args, partitionBy: partitionBy, orderBy: orderBy, type: type)
        }
        func noSuchFunction() -> PoolSQLError {
            PoolSQLError(.undefinedFunction, "function \(name)(\(args.map { $0.type.postgresName }.joined(separator: ", "))) does not exist",
                         hint: "No function matches the given name and argument types. You might need to add explicit type casts.", range: range)
        }
        if ExpressionBinder.aggregateNames.contains(name) {
            var aggregateBinder = inner
            aggregateBinder.grouping = grouping
            let aggregate = try GroupingContext.bindAggregate(call, binder: aggregateBinder, range: range)
            return WindowCall(function: .aggregate(aggregate), arguments: [], partitionBy: partitionBy, orderBy: orderBy, type: aggregate.type)
        }
        if call.filter != nil {
            throw PoolSQLError(.wrongObjectType, "FILTER is not implemented for non-aggregate window functions", range: range)
        }
        for a in call.arguments { args.append(try inner.bind(a)) }
        switch name {
        case "row_number", "rank", "dense_rank":
            guard args.isEmpty else { throw noSuchFunction() }
            return make(name == "row_number" ? .rowNumber : name == "rank" ? .rank : .denseRank, .bigint)
        case "lag", "lead":
            guard (1...3).contains(args.count) else { throw noSuchFunction() }
            if args[0].type == .unknown { args[0] = try coerce(args[0], to: .text, range: call.arguments[0].range) }
            if args.count > 1 {
                args[1] = try coerce(args[1], to: args[1].type == .unknown ? .integer : args[1].type, range: call.arguments[1].range)
                guard args[1].type.isInteger else { throw noSuchFunction() }
            }
            if args.count > 2 {
                let coerced = try coerceToCommon([args[0], args[2]], ranges: [call.arguments[0].range, call.arguments[2].range],
                                                 context: name, fallbackOp: false, range: range)
                args[0] = coerced[0]
                args[2] = coerced[1]
            }
            return make(name == "lag" ? .lag : .lead, args[0].type)
        case "first_value", "last_value":
            guard args.count == 1 else { throw noSuchFunction() }
            if args[0].type == .unknown { args[0] = try coerce(args[0], to: .text, range: call.arguments[0].range) }
            return make(name == "first_value" ? .firstValue : .lastValue, args[0].type)
        case "percent_rank", "cume_dist", "ntile", "nth_value":
            throw PoolSQLError.notSupported("window function \(name)", range: range)
        default:
            if ScalarFunction.named(name) != nil {
                throw PoolSQLError(.wrongObjectType, "OVER specified, but \(name) is not a window function nor an aggregate function", range: range)
            }
            throw noSuchFunction()
        }
    }
}
