import PoolSQLCore
import PoolSQLSyntax

extension ExpressionBinder {
    func bindFunction(_ call: FunctionCall, range: SourceRange?) throws(PoolSQLError) -> BoundExpr {
        let name = call.name.name.value
        if ExpressionBinder.aggregateNames.contains(name), call.name.parts.count == 1 {
            // Aggregates above GROUP BY are handled by the grouping context; anywhere else
            // they are misplaced.
            if clause == "aggregate function calls" {
                throw PoolSQLError(.groupingError, "aggregate function calls cannot be nested", range: range)
            }
            throw PoolSQLError(.groupingError, "aggregate functions are not allowed in \(clause)", range: range)
        }
        if ExpressionBinder.windowOnlyNames.contains(name) {
            throw PoolSQLError(.wrongObjectType, "window function \(name) requires an OVER clause", range: range)
        }
        var args: [BoundExpr] = []
        for a in call.arguments { args.append(try bind(a)) }
        if call.name.parts.count == 1, ExpressionBinder.tableFunctionNames.contains(name) {
            throw PoolSQLError.notSupported("set-returning function \(name)() here (use it in FROM, or alone in the select list)", range: range)
        }
        if call.name.parts.count == 1, ScalarFunction.named(name) == nil {
            // An unknown name: PostgreSQL lists the argument types (WITHIN GROUP keys last).
            var types = args.map(\.type.postgresName)
            for item in call.withinGroup { types.append(try bind(item.expr).type.postgresName) }
            throw PoolSQLError(.undefinedFunction, "function \(name)(\(types.joined(separator: ", "))) does not exist",
                               hint: ExpressionBinder.unknownFunctionHint(name), range: range)
        }
        if call.distinct || !call.orderBy.isEmpty || !call.withinGroup.isEmpty || call.filter != nil || call.star {
            throw PoolSQLError(.syntaxError, "DISTINCT, ORDER BY, FILTER and * are only allowed in aggregate calls", range: range)
        }
        let argRanges = call.arguments.map(\.range)
        let qualified = call.name.parts.count > 1 && !(call.name.parts.count == 2 && call.name.parts[0].value == "pg_catalog")

        func noSuchFunction() -> PoolSQLError {
            let argumentList = args.enumerated().map { i, a in
                (i < call.argumentNames.count ? call.argumentNames[i].map { "\($0.value) => " } ?? "" : "") + a.type.postgresName
            }
            let signature = "\(call.name.parts.map(\.value).joined(separator: "."))(\(argumentList.joined(separator: ", ")))"
            if !qualified, ScalarFunction.named(name) != nil {
                return PoolSQLError(.undefinedFunction, "function \(signature) does not exist",
                                    hint: "No function matches the given name and argument types. You might need to add explicit type casts.",
                                    range: range)
            }
            return PoolSQLError(.undefinedFunction, "function \(signature) does not exist",
                                hint: ExpressionBinder.unknownFunctionHint(name), range: range)
        }
        guard !qualified, let function = ScalarFunction.named(name) else { throw noSuchFunction() }

        switch function {
        case .now:
            guard args.isEmpty else { throw noSuchFunction() }
            return .function(.now, [], type: .timestamptz, range: range)
        case .abs:
            guard args.count == 1 else { throw noSuchFunction() }
            if args[0].type == .unknown {
                throw PoolSQLError(.init("42725"), "function abs(unknown) is not unique",
                                   hint: "Could not choose a best candidate function. You might need to add explicit type casts.", range: range)
            }
            guard args[0].type.isNumeric else { throw noSuchFunction() }
            return .function(.abs, args, type: args[0].type, range: range)
        case .round:
            guard args.count == 1 || args.count == 2 else { throw noSuchFunction() }
            var x = args[0]
            if args.count == 1 {
                switch x.type {
                case .numeric: return .function(.round, [x], type: x.type, range: range)
                case .unknown, .smallint, .integer, .bigint, .real, .doublePrecision:
                    x = try coerce(x, to: .doublePrecision, range: argRanges[0])
                    return .function(.round, [x], type: .doublePrecision, range: range)
                default: throw noSuchFunction()
                }
            }
            var places = args[1]
            if places.type == .unknown { places = try coerce(places, to: .integer, range: argRanges[1]) }
            guard places.type.isInteger else { throw noSuchFunction() }
            switch x.type {
            case .numeric: break
            case .unknown, .smallint, .integer, .bigint: x = try coerce(x, to: .numeric(precision: nil, scale: nil), range: argRanges[0])
            default: throw noSuchFunction()
            }
            return .function(.round, [x, places], type: .numeric(precision: nil, scale: nil), range: range)
        case .lower, .upper, .length:
            guard args.count == 1, isTextual(args[0].type) else { throw noSuchFunction() }
            let arg = try coerce(args[0], to: .text, range: argRanges[0])
            return .function(function, [arg], type: function == .length ? .integer : .text, range: range)
        case .concat:
            guard !args.isEmpty else { throw noSuchFunction() }
            var coerced: [BoundExpr] = []
            for (i, a) in args.enumerated() { coerced.append(a.type == .unknown ? try coerce(a, to: .text, range: argRanges[i]) : a) }
            return .function(.concat, coerced, type: .text, range: range)
        case .coalesce, .greatest, .least:
            guard !args.isEmpty else { throw noSuchFunction() }
            let coerced = try coerceToCommon(args, ranges: argRanges, context: function.rawValue.uppercased(), fallbackOp: false, range: range)
            return .function(function, coerced, type: coerced[0].type, range: range)
        case .nullif:
            guard args.count == 2 else { throw noSuchFunction() }
            var (a, b) = try comparable(args[0], args[1], op: "=", lRange: argRanges[0], rRange: argRanges[1], range: range)
            if a.type == .unknown { a = try coerce(a, to: .text, range: argRanges[0]) }
            if b.type == .unknown { b = try coerce(b, to: .text, range: argRanges[1]) }
            return .function(.nullif, [a, b], type: a.type, range: range)
        case .power, .sqrt:
            guard args.count == (function == .power ? 2 : 1) else { throw noSuchFunction() }
            // numeric when a numeric meets no float; double precision otherwise.
            guard let type = mathVariant(args) else { throw noSuchFunction() }
            var coerced: [BoundExpr] = []
            for (i, a) in args.enumerated() { coerced.append(try coerce(a, to: type, range: argRanges[i])) }
            return .function(function, coerced, type: type, range: range)
        case .floor, .ceil, .trunc:
            guard args.count == 1 || (function == .trunc && args.count == 2) else { throw noSuchFunction() }
            var x = args[0]
            if args.count == 2 {
                let places = try coerce(args[1], to: .integer, range: argRanges[1])
                if x.type.isInteger || x.type == .unknown { x = try coerce(x, to: .numeric(precision: nil, scale: nil), range: argRanges[0]) }
                guard case .numeric = x.type, places.type.isInteger else { throw noSuchFunction() }
                return .function(function, [x, places], type: x.type, range: range)
            }
            if case .numeric = x.type { return .function(function, [x], type: x.type, range: range) }
            guard x.type.isNumeric || x.type == .unknown else { throw noSuchFunction() }
            return .function(function, [try coerce(x, to: .doublePrecision, range: argRanges[0])], type: .doublePrecision, range: range)
        case .mod:
            guard args.count == 2 else { throw noSuchFunction() }
            let op = try bindArithmetic(.modulo, args[0], args[1], lRange: argRanges[0], rRange: argRanges[1], range: range)
            guard case let .arithmetic(_, l, r, type, _) = op, type.isNumeric else { throw noSuchFunction() }
            return .function(.mod, [l, r], type: type, range: range)
        case .datePart, .dateTrunc, .extract:
            guard args.count == 2, isTextual(args[0].type) else { throw noSuchFunction() }
            let field = try coerce(args[0], to: .text, range: argRanges[0])
            var value = args[1]
            if value.type == .unknown { value = try coerce(value, to: .timestamp, range: argRanges[1]) }
            switch value.type {
            case .timestamp, .timestamptz, .date: break
            case .interval: break
            default: throw noSuchFunction()
            }
            if function == .dateTrunc, value.type == .interval { return .function(.dateTrunc, [field, value], type: .interval, range: range) }
            let type: DataType = function == .dateTrunc ? (value.type == .timestamp ? .timestamp : .timestamptz)
                : function == .datePart ? .doublePrecision : .numeric(precision: nil, scale: nil)
            return .function(function, [field, value], type: type, range: range)
        case .substring:
            guard args.count == 2 || args.count == 3, isTextual(args[0].type) else { throw noSuchFunction() }
            var coerced = [try coerce(args[0], to: .text, range: argRanges[0])]
            for i in 1..<args.count {
                let a = args[i].type == .unknown ? try coerce(args[i], to: .integer, range: argRanges[i]) : args[i]
                guard a.type.isInteger else { throw noSuchFunction() }
                coerced.append(a)
            }
            return .function(.substring, coerced, type: .text, range: range)
        case .strpos, .btrim, .ltrim, .rtrim, .replace, .startsWith:
            let arity: ClosedRange<Int>
            switch function {
            case .replace: arity = 3...3
            case .strpos, .startsWith: arity = 2...2
            default: arity = 1...2
            }
            guard arity.contains(args.count), args.allSatisfy({ isTextual($0.type) }) else { throw noSuchFunction() }
            var coerced: [BoundExpr] = []
            for (i, a) in args.enumerated() { coerced.append(try coerce(a, to: .text, range: argRanges[i])) }
            let type: DataType = function == .strpos ? .integer : function == .startsWith ? .boolean : .text
            return .function(function, coerced, type: type, range: range)
        case .regexMatch, .likeEscape, .makeArray, .arraySubscript, .arraySlice, .regexSubstring, .rowText:
            throw noSuchFunction()
        case .left, .right, .splitPart:
            guard args.count == (function == .splitPart ? 3 : 2) else { throw noSuchFunction() }
            var coerced: [BoundExpr] = []
            for (i, a) in args.enumerated() {
                let wantsText = i == 0 || (function == .splitPart && i == 1)
                let c = try coerce(a, to: a.type == .unknown ? (wantsText ? .text : .integer) : a.type, range: argRanges[i])
                guard wantsText ? TypeCoercion.isStringLike(c.type) : c.type.isInteger else { throw noSuchFunction() }
                coerced.append(wantsText ? try coerce(c, to: .text, range: argRanges[i]) : c)
            }
            return .function(function, coerced, type: .text, range: range)
        default:
            return try bindLibraryFunction(function, call: call, args: args, argRanges: argRanges, range: range, noSuchFunction: noSuchFunction)
        }
    }

    /// The hint for a function name PoolSQL does not know: the closest known function when
    /// the name looks misspelt, otherwise PostgreSQL's own hint.
    static func unknownFunctionHint(_ name: String) -> String {
        let candidates = ScalarFunction.knownNames + Array(aggregateNames) + Array(windowOnlyNames) + tableFunctionNames
        if let closest = ClosestName.find(name, in: candidates), closest != name { return "did you mean \(closest)()?" }
        return "No function matches the given name and argument types. You might need to add explicit type casts."
    }

    /// Functions that return rows, usable in FROM.
    static let tableFunctionNames = ["generate_series", "unnest"]

    /// EXTRACT(field FROM x), SUBSTRING(x FROM a FOR b), POSITION(a IN b), TRIM(… FROM x):
    /// the SQL-syntax forms of date_part/substring/strpos/btrim.
    func bindSpecialForm(_ name: String, _ args: [Expr], range: SourceRange?) throws(PoolSQLError) -> BoundExpr {
        let call = FunctionCall(name: ObjectName(Ident(name)), arguments: args)
        return try bindFunction(call, range: range)
    }
}
