import PoolSQLCore
import PoolSQLSyntax

extension ExpressionBinder {
    /// Binds `f(…) OVER (PARTITION BY … ORDER BY …)`. Arguments, partition and order keys are
    /// bound like the select list (so they may use grouped columns and aggregates).
    func bindWindowCall(_ call: FunctionCall, over: WindowReference, range: SourceRange?) throws(PoolSQLError) -> WindowCall {
        let spec = try resolveWindow(over, range: range)
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
        let frame = try spec.frame.map { f throws(PoolSQLError) in try bindFrame(f, orderBy: orderBy, binder: inner, range: range) } ?? .default
        let name = call.name.name.value
        var args: [BoundExpr] = []
        func make(_ f: WindowFunction, _ type: DataType) -> WindowCall {
            WindowCall(function: f, arguments: args, partitionBy: partitionBy, orderBy: orderBy, frame: frame, type: type)
        }
        func noSuchFunction() -> PoolSQLError {
            PoolSQLError(.undefinedFunction, "function \(name)(\(args.map { $0.type.postgresName }.joined(separator: ", "))) does not exist",
                         hint: "No function matches the given name and argument types. You might need to add explicit type casts.", range: range)
        }
        if ["percentile_cont", "percentile_disc", "mode"].contains(name) {
            throw PoolSQLError(.featureNotSupported, "OVER is not supported for ordered-set aggregate \(name)", range: range)
        }
        if ExpressionBinder.aggregateNames.contains(name) {
            var aggregateBinder = inner
            aggregateBinder.grouping = grouping
            let aggregate = try GroupingContext.bindAggregate(call, binder: aggregateBinder, range: range)
            return WindowCall(function: .aggregate(aggregate), arguments: [], partitionBy: partitionBy, orderBy: orderBy, frame: frame,
                              type: aggregate.type)
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
        case "percent_rank", "cume_dist":
            guard args.isEmpty else { throw noSuchFunction() }
            return make(name == "percent_rank" ? .percentRank : .cumeDist, .doublePrecision)
        case "ntile":
            guard args.count == 1 else { throw noSuchFunction() }
            args[0] = try coerce(args[0], to: args[0].type == .unknown ? .integer : args[0].type, range: call.arguments[0].range)
            guard args[0].type.isInteger else { throw noSuchFunction() }
            return make(.ntile, .integer)
        case "nth_value":
            guard args.count == 2 else { throw noSuchFunction() }
            if args[0].type == .unknown { args[0] = try coerce(args[0], to: .text, range: call.arguments[0].range) }
            args[1] = try coerce(args[1], to: args[1].type == .unknown ? .integer : args[1].type, range: call.arguments[1].range)
            guard args[1].type.isInteger else { throw noSuchFunction() }
            return make(.nthValue, args[0].type)
        default:
            if ScalarFunction.named(name) != nil {
                throw PoolSQLError(.wrongObjectType, "OVER specified, but \(name) is not a window function nor an aggregate function", range: range)
            }
            throw noSuchFunction()
        }
    }

    /// `OVER w`, `OVER (w ORDER BY …)` and `OVER (…)` as one specification, with PostgreSQL's
    /// rules for copying a named window.
    func resolveWindow(_ over: WindowReference, range: SourceRange?) throws(PoolSQLError) -> WindowSpecification {
        func named(_ name: Ident) throws(PoolSQLError) -> WindowSpecification {
            guard let spec = windows?.named[name.value] else {
                throw PoolSQLError(.undefinedObject, "window \"\(name.value)\" does not exist", range: name.range ?? range)
            }
            return spec
        }
        switch over {
        case let .named(name):
            return try named(name)
        case let .specification(spec):
            guard let baseName = spec.baseWindow else { return spec }
            let base = try named(baseName)
            if !spec.partitionBy.isEmpty {
                throw PoolSQLError(.windowingError, "cannot override PARTITION BY clause of window \"\(baseName.value)\"", range: range)
            }
            if !spec.orderBy.isEmpty && !base.orderBy.isEmpty {
                throw PoolSQLError(.windowingError, "cannot override ORDER BY clause of window \"\(baseName.value)\"", range: range)
            }
            if base.frame != nil {
                throw PoolSQLError(.windowingError, "cannot copy window \"\(baseName.value)\" because it has a frame clause", range: range)
            }
            return WindowSpecification(partitionBy: base.partitionBy, orderBy: spec.orderBy.isEmpty ? base.orderBy : spec.orderBy, frame: spec.frame)
        }
    }

    func bindFrame(_ frame: WindowFrame, orderBy: [SortKey], binder: ExpressionBinder, range: SourceRange?) throws(PoolSQLError) -> WindowFrameSpec {
        if frame.units == .groups && orderBy.isEmpty {
            throw PoolSQLError(.windowingError, "GROUPS mode requires an ORDER BY clause", range: range)
        }
        let rows = frame.units != .range
        func bound(_ b: FrameBound) throws(PoolSQLError) -> WindowFrameBound {
            func offset(_ e: Expr) throws(PoolSQLError) -> BoundExpr {
                let bound = try binder.bind(e)
                let clause = frame.units.rawValue
                guard bound.isConstant else {
                    throw PoolSQLError(.windowingError, "argument of \(clause) must not contain variables", range: e.range)
                }
                if rows {
                    let coerced = try binder.coerce(bound, to: bound.type == .unknown ? .bigint : bound.type, range: e.range)
                    guard coerced.type.isInteger else {
                        throw PoolSQLError(.datatypeMismatch, "argument of \(clause) must be type bigint, not type \(coerced.type.postgresName)", range: e.range)
                    }
                    return coerced
                }
                // RANGE offsets are distances from the single ORDER BY value: numbers for
                // numbers, intervals for timestamps and intervals.
                guard orderBy.count == 1 else {
                    throw PoolSQLError(.windowingError, "RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column", range: e.range)
                }
                let keyType = orderBy[0].expr.type
                let offsetType: DataType
                switch TypeCoercion.category(keyType) {
                case .numeric: offsetType = keyType
                case .datetime, .interval: offsetType = .interval
                default:
                    throw PoolSQLError(.featureNotSupported, "RANGE with offset PRECEDING/FOLLOWING is not supported for column type \(keyType.postgresName)",
                                       range: e.range)
                }
                var coerced = bound
                if bound.type == .unknown || TypeCoercion.category(offsetType) == .numeric && bound.type.isNumeric {
                    coerced = bound.type == offsetType ? bound : try binder.coerce(bound, to: offsetType, range: e.range)
                }
                guard TypeCoercion.category(coerced.type) == TypeCoercion.category(offsetType) else {
                    throw PoolSQLError(.undefinedFunction,
                                       "RANGE with offset PRECEDING/FOLLOWING is not supported for column type \(keyType.postgresName) and offset type \(bound.type.postgresName)",
                                       hint: "Cast the offset value to an appropriate type.", range: e.range)
                }
                return coerced
            }
            switch b {
            case .unboundedPreceding: return .unboundedPreceding
            case let .preceding(e): return .preceding(try offset(e))
            case .currentRow: return .currentRow
            case let .following(e): return .following(try offset(e))
            case .unboundedFollowing: return .unboundedFollowing
            }
        }
        let start = try bound(frame.start)
        let end = try frame.end.map { b throws(PoolSQLError) in try bound(b) } ?? .currentRow
        switch (start, end) {
        case (.unboundedFollowing, _):
            throw PoolSQLError(.windowingError, "frame start cannot be UNBOUNDED FOLLOWING", range: range)
        case (_, .unboundedPreceding):
            throw PoolSQLError(.windowingError, "frame end cannot be UNBOUNDED PRECEDING", range: range)
        case (.currentRow, .preceding):
            throw PoolSQLError(.windowingError, "frame starting from current row cannot have preceding rows", range: range)
        case (.following, .preceding):
            throw PoolSQLError(.windowingError, "frame starting from following row cannot have preceding rows", range: range)
        case (.following, .currentRow):
            throw PoolSQLError(.windowingError, "frame starting from following row cannot end with current row", range: range)
        default:
            let units: WindowFrameSpec.Units = frame.units == .rows ? .rows : frame.units == .groups ? .groups : .range
            return WindowFrameSpec(units: units, start: start, end: end)
        }
    }
}
