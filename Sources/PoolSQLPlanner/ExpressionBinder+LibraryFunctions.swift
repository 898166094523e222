import PoolSQLCore
import PoolSQLSyntax

extension ExpressionBinder {
    /// The type a math function with numeric and double precision variants runs in: numeric
    /// when some argument is numeric and none is a float (integers and untyped literals go to
    /// double precision, PostgreSQL's preferred type); nil when an argument is not a number.
    func mathVariant(_ args: [BoundExpr]) -> DataType? {
        var sawNumeric = false, sawFloat = false
        for a in args {
            switch a.type {
            case .numeric: sawNumeric = true
            case .real, .doublePrecision: sawFloat = true
            case .smallint, .integer, .bigint, .unknown: break
            default: return nil
            }
        }
        return sawNumeric && !sawFloat ? .numeric(precision: nil, scale: nil) : .doublePrecision
    }

    /// Functions bound by a fixed signature table: math, text, date/time and array functions.
    func bindLibraryFunction(_ function: ScalarFunction, call: FunctionCall, args: [BoundExpr], argRanges: [SourceRange?],
                             range: SourceRange?, noSuchFunction: () -> PoolSQLError) throws(PoolSQLError) -> BoundExpr {
        if !call.argumentNames.isEmpty, function != .makeInterval { throw noSuchFunction() }
        func text(_ i: Int) throws(PoolSQLError) -> BoundExpr {
            guard isTextual(args[i].type) else { throw noSuchFunction() }
            return try coerce(args[i], to: .text, range: argRanges[i])
        }
        // INTEGER parameters: bigint arguments do not convert implicitly, as in PostgreSQL.
        func integer(_ i: Int) throws(PoolSQLError) -> BoundExpr {
            let a = args[i].type == .unknown ? try coerce(args[i], to: .integer, range: argRanges[i]) : args[i]
            guard a.type == .integer || a.type == .smallint else { throw noSuchFunction() }
            return a
        }
        func double(_ i: Int) throws(PoolSQLError) -> BoundExpr {
            guard args[i].type.isNumeric || args[i].type == .unknown else { throw noSuchFunction() }
            return try coerce(args[i], to: .doublePrecision, range: argRanges[i])
        }
        func numeric(_ i: Int) throws(PoolSQLError) -> BoundExpr {
            guard TypeCoercion.category(args[i].type) == .numeric || args[i].type == .unknown,
                  args[i].type != .real, args[i].type != .doublePrecision else { throw noSuchFunction() }
            return try coerce(args[i], to: .numeric(precision: nil, scale: nil), range: argRanges[i])
        }
        func anyText(_ i: Int) throws(PoolSQLError) -> BoundExpr {
            args[i].type == .unknown ? try coerce(args[i], to: .text, range: argRanges[i]) : args[i]
        }
        func arity(_ allowed: ClosedRange<Int>) throws(PoolSQLError) {
            guard allowed.contains(args.count) else { throw noSuchFunction() }
        }
        func make(_ a: [BoundExpr], _ type: DataType) -> BoundExpr { .function(function, a, type: type, range: range) }
        func array(_ i: Int) throws(PoolSQLError) -> (BoundExpr, DataType) {
            guard case let .array(element) = args[i].type else { throw noSuchFunction() }
            return (args[i], element)
        }
        /// An element argument matched to an array's element type.
        func element(_ i: Int, of elementType: DataType) throws(PoolSQLError) -> BoundExpr {
            if elementType == .unknown { return try anyText(i) }
            if args[i].type == .unknown { return try coerce(args[i], to: elementType, range: argRanges[i]) }
            guard TypeCoercion.category(args[i].type) == TypeCoercion.category(elementType) else { throw noSuchFunction() }
            return args[i]
        }
        let doubleType: DataType = .doublePrecision
        let numericType: DataType = .numeric(precision: nil, scale: nil)

        switch function {
        // MARK: Math
        case .sign, .ln, .exp, .log10:
            try arity(1...1)
            guard let type = mathVariant(args) else { throw noSuchFunction() }
            return make([try coerce(args[0], to: type, range: argRanges[0])], type)
        case .log:
            try arity(1...2)
            if args.count == 1 {
                guard let type = mathVariant(args) else { throw noSuchFunction() }
                return make([try coerce(args[0], to: type, range: argRanges[0])], type)
            }
            return make([try numeric(0), try numeric(1)], numericType)
        case .pi:
            try arity(0...0)
            return make([], doubleType)
        case .degrees, .radians, .cbrt:
            try arity(1...1)
            return make([try double(0)], doubleType)
        case .div:
            try arity(2...2)
            return make([try numeric(0), try numeric(1)], numericType)

        // MARK: Text
        case .concatWs:
            guard !args.isEmpty else { throw noSuchFunction() }
            var coerced = [try text(0)]
            for i in 1..<args.count { coerced.append(try anyText(i)) }
            return make(coerced, .text)
        case .lpad, .rpad:
            try arity(2...3)
            return make([try text(0), try integer(1)] + (args.count == 3 ? [try text(2)] : []), .text)
        case .format:
            guard !args.isEmpty else { throw noSuchFunction() }
            var coerced = [try text(0)]
            for i in 1..<args.count { coerced.append(try anyText(i)) }
            return make(coerced, .text)
        case .repeat:
            try arity(2...2)
            return make([try text(0), try integer(1)], .text)
        case .reverse, .initcap, .quoteIdent:
            try arity(1...1)
            return make([try text(0)], .text)
        case .quoteLiteral, .quoteNullable:
            try arity(1...1)
            return make([try anyText(0)], .text)
        case .similarToEscape:
            try arity(1...2)
            return make(try (0..<args.count).map { (i: Int) throws(PoolSQLError) -> BoundExpr in try text(i) }, .text)
        case .translate:
            try arity(3...3)
            return make([try text(0), try text(1), try text(2)], .text)
        case .ascii, .octetLength:
            try arity(1...1)
            return make([try text(0)], .integer)
        case .chr:
            try arity(1...1)
            return make([try integer(0)], .text)
        case .regexpReplace:
            try arity(3...4)
            return make(try (0..<args.count).map { (i: Int) throws(PoolSQLError) -> BoundExpr in try text(i) }, .text)
        case .regexpMatch:
            try arity(2...3)
            return make(try (0..<args.count).map { (i: Int) throws(PoolSQLError) -> BoundExpr in try text(i) }, .array(.text))
        case .stringToArray:
            try arity(2...3)
            return make(try (0..<args.count).map { (i: Int) throws(PoolSQLError) -> BoundExpr in try text(i) }, .array(.text))
        case .arrayToString:
            try arity(2...3)
            _ = try array(0)
            return make([args[0], try text(1)] + (args.count == 3 ? [try text(2)] : []), .text)

        // MARK: Date and time
        case .toChar:
            try arity(2...2)
            let format = try text(1)
            switch args[0].type {
            case .timestamp, .timestamptz, .date, .interval, .smallint, .integer, .bigint, .numeric, .real, .doublePrecision:
                return make([args[0], format], .text)
            case .unknown:
                throw PoolSQLError(SQLState("42725"), "function to_char(unknown, unknown) is not unique",
                                   hint: "Could not choose a best candidate function. You might need to add explicit type casts.", range: range)
            default:
                throw noSuchFunction()
            }
        case .toTimestamp:
            try arity(1...2)
            if args.count == 1 { return make([try double(0)], .timestamptz) }
            return make([try text(0), try text(1)], .timestamptz)
        case .toDate:
            try arity(2...2)
            return make([try text(0), try text(1)], .date)
        case .makeInterval:
            return try bindMakeInterval(call, args: args, argRanges: argRanges, range: range, noSuchFunction: noSuchFunction)
        case .makeDate:
            try arity(3...3)
            return make([try integer(0), try integer(1), try integer(2)], .date)
        case .makeTimestamp:
            try arity(6...6)
            return make([try integer(0), try integer(1), try integer(2), try integer(3), try integer(4), try double(5)], .timestamp)
        case .age:
            try arity(1...2)
            var coerced: [BoundExpr] = []
            for (i, a) in args.enumerated() {
                let c = a.type == .unknown ? try coerce(a, to: .timestamptz, range: argRanges[i]) : a
                guard TypeCoercion.category(c.type) == .datetime else { throw noSuchFunction() }
                coerced.append(c)
            }
            return make(coerced, .interval)
        case .justifyHours, .justifyDays, .justifyInterval:
            try arity(1...1)
            let a = try coerce(args[0], to: .interval, range: argRanges[0])
            return make([a], .interval)
        case .timezone:
            try arity(2...2)
            let zone = try text(0)
            var value = args[1]
            if value.type == .unknown { value = try coerce(value, to: .timestamptz, range: argRanges[1]) }
            switch value.type {
            case .timestamp, .date: return make([zone, try coerce(value, to: .timestamp, range: argRanges[1])], .timestamptz)
            case .timestamptz: return make([zone, value], .timestamp)
            default: throw noSuchFunction()
            }

        // MARK: Arrays
        case .arrayLength, .arrayUpper, .arrayLower:
            try arity(2...2)
            _ = try array(0)
            return make([args[0], try integer(1)], .integer)
        case .cardinality:
            try arity(1...1)
            _ = try array(0)
            return make([args[0]], .integer)
        case .arrayRemove, .arrayPosition:
            try arity(2...2)
            let (a, elementType) = try array(0)
            return make([a, try element(1, of: elementType)], function == .arrayPosition ? .integer : a.type)
        case .arrayReplace:
            try arity(3...3)
            let (a, elementType) = try array(0)
            return make([a, try element(1, of: elementType), try element(2, of: elementType)], a.type)
        case .arrayAppend:
            try arity(2...2)
            let (a, elementType) = try array(0)
            return make([a, try element(1, of: elementType)], a.type)
        case .arrayPrepend:
            try arity(2...2)
            let (a, elementType) = try array(1)
            return make([try element(0, of: elementType), a], a.type)
        case .arrayCat:
            try arity(2...2)
            return try bindArrayConcatenation(args[0], args[1], lRange: argRanges[0], rRange: argRanges[1], range: range)

        // MARK: Information
        case .pgTypeof:
            try arity(1...1)
            return .literal(.text(args[0].type.postgresName), .text)
        default:
            throw noSuchFunction()
        }
    }

    /// `make_interval(years, months, weeks, days, hours, mins, secs)`, by position or name;
    /// omitted ones are 0.
    func bindMakeInterval(_ call: FunctionCall, args: [BoundExpr], argRanges: [SourceRange?], range: SourceRange?,
                          noSuchFunction: () -> PoolSQLError) throws(PoolSQLError) -> BoundExpr {
        let names = ["years", "months", "weeks", "days", "hours", "mins", "secs"]
        var slots: [BoundExpr?] = Array(repeating: nil, count: names.count)
        guard args.count <= names.count else { throw noSuchFunction() }
        var sawName = false
        for (i, a) in args.enumerated() {
            let slot: Int
            let isNamed = i < call.argumentNames.count && call.argumentNames[i] != nil
            if sawName && !isNamed {
                throw PoolSQLError(.syntaxError, "positional argument cannot follow named argument", range: argRanges[i])
            }
            sawName = sawName || isNamed
            if i < call.argumentNames.count, let name = call.argumentNames[i] {
                guard let s = names.firstIndex(of: name.value) else { throw noSuchFunction() }
                slot = s
            } else {
                slot = i
            }
            guard slots[slot] == nil else {
                throw PoolSQLError(.syntaxError, "argument name \"\(names[slot])\" used more than once", range: argRanges[i])
            }
            if slot == 6 {
                guard a.type.isNumeric || a.type == .unknown else { throw noSuchFunction() }
                slots[slot] = try coerce(a, to: .doublePrecision, range: argRanges[i])
            } else {
                let c = a.type == .unknown ? try coerce(a, to: .integer, range: argRanges[i]) : a
                guard c.type == .integer || c.type == .smallint else { throw noSuchFunction() }
                slots[slot] = c
            }
        }
        let filled = slots.enumerated().map { i, e in e ?? .literal(i == 6 ? .double(0) : .int(0), i == 6 ? .doublePrecision : .integer) }
        return .function(.makeInterval, filled, type: .interval, range: range)
    }

    /// `array || array`, `array || element`, `element || array` (and `array_cat`).
    func bindArrayConcatenation(_ l: BoundExpr, _ r: BoundExpr, lRange: SourceRange?, rRange: SourceRange?,
                                range: SourceRange?) throws(PoolSQLError) -> BoundExpr {
        switch (l.type, r.type) {
        case let (.array(a), .array(b)):
            let (common, _) = TypeCoercion.commonType([a, b])
            guard let element = common else { throw operatorDoesNotExist("||", l.type, r.type, range: range) }
            let type = DataType.array(element)
            return .function(.arrayCat, [try coerce(l, to: type, range: lRange), try coerce(r, to: type, range: rRange)], type: type, range: range)
        case (.array, .unknown):
            // An untyped literal next to an array is read as an array, as in PostgreSQL.
            return .function(.arrayCat, [l, try coerce(r, to: l.type, range: rRange)], type: l.type, range: range)
        case (.unknown, .array):
            return .function(.arrayCat, [try coerce(l, to: r.type, range: lRange), r], type: r.type, range: range)
        case let (.array(element), t):
            guard TypeCoercion.category(t) == TypeCoercion.category(element) || element == .unknown else {
                throw operatorDoesNotExist("||", l.type, r.type, range: range)
            }
            return .function(.arrayAppend, [l, r], type: l.type, range: range)
        case let (t, .array(element)):
            guard TypeCoercion.category(t) == TypeCoercion.category(element) || element == .unknown else {
                throw operatorDoesNotExist("||", l.type, r.type, range: range)
            }
            return .function(.arrayPrepend, [l, r], type: r.type, range: range)
        default:
            throw operatorDoesNotExist("||", l.type, r.type, range: range)
        }
    }
}
