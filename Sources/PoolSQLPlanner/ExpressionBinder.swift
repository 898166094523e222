import PoolSQLCore
import PoolSQLSyntax

/// Type-checks AST expressions against a scope and turns them into `BoundExpr`s, following
/// PostgreSQL's rules for untyped literals, operator resolution and error messages.
struct ExpressionBinder {
    var scope: BindScope
    /// The clause being bound, for "aggregate functions are not allowed in WHERE".
    var clause: String
    /// Set above a GROUP BY (or when aggregates are used): grouped expressions and aggregate
    /// calls become references to the Aggregate node's output.
    var grouping: GroupingContext?

    /// Set where window functions are allowed (select list, ORDER BY).
    var windows: WindowContext?
    /// Plans subqueries inside expressions (with the enclosing query's CTEs); nil where
    /// subqueries are not allowed.
    var subqueryPlanner: QueryPlanner?

    init(scope: BindScope, clause: String, grouping: GroupingContext? = nil, subqueryPlanner: QueryPlanner? = nil) {
        self.scope = scope
        self.clause = clause
        self.grouping = grouping
        self.subqueryPlanner = subqueryPlanner
    }

    static let aggregateNames: Set<String> = [
        "count", "sum", "avg", "min", "max", "string_agg", "array_agg", "bool_and", "bool_or", "every",
        "stddev", "stddev_pop", "stddev_samp", "variance", "var_pop", "var_samp", "percentile_cont", "percentile_disc", "mode",
        "sketch_percentile",
    ]
    static let windowOnlyNames: Set<String> = [
        "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead", "first_value", "last_value", "nth_value",
    ]

    func bind(_ expr: Expr) throws(PoolSQLError) -> BoundExpr {
        let range = expr.range
        if case let .function(call) = expr.kind, let over = call.over {
            guard let windows else {
                if clause == "window function arguments" {
                    throw PoolSQLError(.windowingError, "window function calls cannot be nested", range: range)
                }
                throw PoolSQLError(.windowingError, "window functions are not allowed in \(clause)", range: range)
            }
            return try windows.reference(for: expr) { () throws(PoolSQLError) -> WindowCall in
                try bindWindowCall(call, over: over, range: range)
            }
        }
        if let grouping {
            if let reference = try grouping.groupReference(for: expr, clause: clause) { return reference }
            if case let .function(call) = expr.kind, call.over == nil, call.name.parts.count == 1,
               ExpressionBinder.aggregateNames.contains(call.name.name.value) {
                return try grouping.aggregateReference(for: expr, call: call)
            }
        }
        switch expr.kind {
        case let .identifier(name):
            let index: Int
            do {
                index = try scope.resolve(name, qualifier: nil, range: range)
            } catch where error.code == .undefinedColumn {
                if let outer = try resolveOuter(name, qualifier: nil, range: range) { return outer }
                throw error
            }
            return .column(index: index, name: scope.columns[index].name, type: scope.columns[index].type)
        case let .compoundIdentifier(parts):
            guard parts.count >= 2, let name = parts.last else {
                throw PoolSQLError(.syntaxError, "improper qualified name", range: range)
            }
            if parts.count > 3 {
                throw PoolSQLError(.syntaxError, "improper qualified name (too many dotted names): \(parts.map(\.value).joined(separator: "."))", range: range)
            }
            let index: Int
            do {
                index = try scope.resolve(name, qualifier: parts[parts.count - 2], range: range)
            } catch where error.code == .undefinedColumn || error.code == .undefinedTable {
                if let outer = try resolveOuter(name, qualifier: parts[parts.count - 2], range: range) { return outer }
                throw error
            }
            return .column(index: index, name: scope.columns[index].name, type: scope.columns[index].type)
        case let .literal(literal):
            return try bindLiteral(literal, range: range)
        case let .unary(op, operand):
            return try bindUnary(op, operand, range: range)
        case let .binary(l, op, r):
            return try bindBinary(l, op, r, range: range)
        case let .isNull(e, negated):
            return .isNull(try bind(e), negated: negated)
        case let .isTruthValue(e, truth, negated):
            let operand = try requireBoolean(try bind(e), argumentOf: "IS \(truth.rawValue)", range: e.range)
            switch truth {
            case .true: return .isBoolean(operand, value: true, negated: negated)
            case .false: return .isBoolean(operand, value: false, negated: negated)
            case .unknown: return .isNull(operand, negated: negated)
            }
        case let .isDistinctFrom(l, r, negated):
            let (a, b) = try comparable(try bind(l), try bind(r), op: "=", lRange: l.range, rRange: r.range, range: range)
            return .isDistinct(a, b, negated: negated)
        case let .inList(e, list, negated):
            return try bindInList(e, list, negated: negated, range: range)
        case let .between(e, low, high, negated):
            let bound = [try bind(e), try bind(low), try bind(high)]
            let ranges = [e.range, low.range, high.range]
            let coerced = try coerceToCommon(bound, ranges: ranges, context: "BETWEEN", fallbackOp: true, range: range)
            return .between(coerced[0], low: coerced[1], high: coerced[2], negated: negated)
        case let .like(e, pattern, escape, caseInsensitive, negated):
            let value = try bind(e)
            let pat = try bind(pattern)
            let opName = (negated ? "!" : "") + (caseInsensitive ? "~~*" : "~~")
            guard isTextual(value.type), isTextual(pat.type) else {
                throw operatorDoesNotExist(opName, value.type, pat.type, range: range)
            }
            if let escape {
                let esc = try bind(escape)
                guard isTextual(esc.type) else { throw operatorDoesNotExist(opName, value.type, esc.type, range: escape.range) }
                let match = BoundExpr.function(.likeEscape, [try coerce(value, to: .text, range: e.range), try coerce(pat, to: .text, range: pattern.range),
                                                             try coerce(esc, to: .text, range: escape.range), .literal(.bool(caseInsensitive), .boolean)],
                                               type: .boolean, range: range)
                return negated ? .not(match) : match
            }
            return .like(try coerce(value, to: .text, range: e.range), pattern: try coerce(pat, to: .text, range: pattern.range),
                         caseInsensitive: caseInsensitive, negated: negated)
        case let .exists(query):
            return .exists(try planSubquery(query, range: range))
        case let .subquery(query):
            let subquery = try planSubquery(query, range: range)
            let plan = subquery.plan
            guard plan.columns.count == 1 else {
                throw PoolSQLError(.syntaxError, "subquery must return only one column", range: range)
            }
            return .scalarSubquery(subquery, type: plan.columns[0].type, range: range)
        case let .inSubquery(e, query, negated):
            let subquery = try planSubquery(query, range: range)
            let plan = subquery.plan
            guard plan.columns.count == 1 else {
                throw PoolSQLError(.syntaxError, "subquery has too many columns", range: range)
            }
            let column = BoundExpr.column(index: 0, name: plan.columns[0].name, type: plan.columns[0].type)
            var value = try bind(e)
            if value.type == .unknown { value = try coerce(value, to: column.type == .unknown ? .text : column.type, range: e.range) }
            try requireComparable(value, column, op: "=", range: range)
            return .inSubquery(value, subquery, negated: negated)
        case let .arraySubquery(query):
            // ARRAY(SELECT x …): the column's values in the subquery's order, `{}` for no rows.
            let subquery = try planSubquery(query, range: range)
            let columns = subquery.plan.columns
            guard columns.count == 1 else {
                throw PoolSQLError(.syntaxError, "subquery must return only one column", range: range)
            }
            var element = columns[0].type
            var input = subquery.plan
            if element == .unknown {
                element = .text
                input = .projection([.cast(.column(index: 0, name: columns[0].name, type: .unknown), to: .text, range: nil)],
                                    [PlanColumn(name: columns[0].name, type: .text)], input)
            }
            let collect = AggregateCall(function: .arrayAgg, arguments: [.column(index: 0, name: columns[0].name, type: element)],
                                        type: .array(element))
            let plan = LogicalPlan.aggregate(groups: [], aggregates: [collect], columns: [PlanColumn(name: "array", type: .array(element))], input)
            let values = BoundExpr.scalarSubquery(SubqueryPlan(plan: plan, correlated: subquery.correlated), type: .array(element), range: range)
            return .function(.coalesce, [values, .literal(.array([]), .array(element))], type: .array(element), range: range)
        case let .quantified(e, op, quantifier, operand):
            guard op.isComparison else {
                throw PoolSQLError.notSupported("\(op.rawValue) \(quantifier.rawValue)", range: range)
            }
            var value = try bind(e)
            let all = quantifier == .all
            switch operand {
            case let .array(arrayExpr):
                let array = try bind(arrayExpr)
                guard case let .array(elementType) = array.type else {
                    throw PoolSQLError(.wrongObjectType, "op ANY/ALL (array) requires array on right side", range: arrayExpr.range)
                }
                if value.type == .unknown { value = try coerce(value, to: elementType == .unknown ? .text : elementType, range: e.range) }
                let element = BoundExpr.column(index: 0, name: "", type: elementType)
                try requireComparable(value, element, op: op.rawValue, range: range)
                return .quantified(ComparisonOperator(op), all: all, value, .array(array))
            case let .subquery(query):
                let subquery = try planSubquery(query, range: range)
                let plan = subquery.plan
                guard plan.columns.count == 1 else {
                    throw PoolSQLError(.syntaxError, "subquery has too many columns", range: range)
                }
                let column = BoundExpr.column(index: 0, name: plan.columns[0].name, type: plan.columns[0].type)
                if value.type == .unknown { value = try coerce(value, to: column.type == .unknown ? .text : column.type, range: e.range) }
                try requireComparable(value, column, op: op.rawValue, range: range)
                return .quantified(ComparisonOperator(op), all: all, value, .subquery(subquery))
            }
        case let .caseWhen(operand, branches, elseResult):
            return try bindCase(operand, branches, elseResult, range: range)
        case let .cast(e, type, _):
            // `1e300::float8`: read a numeric literal straight as a float (PoolSQL's exact
            // numerics stop at 38 digits; the double is the same either way).
            if case let .literal(.numeric(text)) = e.kind, type == .doublePrecision || type == .real, let d = Double(text), d.isFinite {
                return .literal(.double(d), type)
            }
            return try bindCast(try bind(e), to: type, innerRange: e.range, range: range)
        case let .function(call):
            return try bindFunction(call, range: range)
        case let .extract(field, value):
            return try bindSpecialForm("extract", [Expr(.literal(.string(field)), range: range), value], range: range)
        case let .substring(value, from, length):
            if let from, let length {
                return try bindSpecialForm("substring", [value, from, length], range: range)
            }
            if let from {
                let start = try bind(from)
                if TypeCoercion.isStringLike(start.type) || start.type == .unknown {
                    // SUBSTRING(text FROM pattern): a POSIX regular expression.
                    let text = try bind(value)
                    guard isTextual(text.type) else {
                        throw PoolSQLError(.undefinedFunction, "function substring(\(text.type.postgresName), \(start.type.postgresName)) does not exist",
                                           hint: "No function matches the given name and argument types. You might need to add explicit type casts.",
                                           range: range)
                    }
                    return .function(.regexSubstring, [try coerce(text, to: .text, range: value.range), try coerce(start, to: .text, range: from.range)],
                                     type: .text, range: range)
                }
                guard start.type.isInteger || start.type == .unknown else {
                    throw PoolSQLError.notSupported("SUBSTRING with a regular expression", range: range)
                }
                return try bindSpecialForm("substring", [value, from], range: range)
            }
            if let length {
                return try bindSpecialForm("substring", [value, Expr(.literal(.integer(1)), range: range), length], range: range)
            }
            return try bindSpecialForm("substring", [value], range: range)
        case let .position(needle, haystack):
            return try bindSpecialForm("strpos", [haystack, needle], range: range)
        case let .trim(value, side, characters):
            let name = side == .leading ? "ltrim" : side == .trailing ? "rtrim" : "btrim"
            return try bindSpecialForm(name, [value] + (characters.map { [$0] } ?? []), range: range)
        case let .array(items):
            var elements: [BoundExpr] = []
            for item in items { elements.append(try bind(item)) }
            let coerced = elements.isEmpty ? [] : try coerceToCommon(elements, ranges: items.map(\.range), context: "ARRAY", fallbackOp: false, range: range)
            let elementType = coerced.first?.type ?? .unknown
            return .function(.makeArray, coerced, type: .array(elementType), range: range)
        case let .subscripted(arrayExpr, sub):
            let array = try bind(arrayExpr)
            guard case let .array(elementType) = array.type else {
                throw PoolSQLError(.datatypeMismatch, "cannot subscript type \(array.type.postgresName) because it does not support subscripting",
                                   range: arrayExpr.range)
            }
            if case let .slice(lower, upper) = sub {
                // a[lo:hi]: either bound may be left out.
                var bounds: [BoundExpr] = []
                for bound in [lower, upper] {
                    // A missing bound is the array's own (1, or its length).
                    guard let bound else { bounds.append(.literal(.int(bounds.isEmpty ? 1 : Int64.max), .bigint)); continue }
                    let b = try coerce(try bind(bound), to: .integer, range: bound.range)
                    guard b.type.isInteger else {
                        throw PoolSQLError(.datatypeMismatch, "array subscript must have type integer", range: bound.range)
                    }
                    bounds.append(b)
                }
                return .function(.arraySlice, [array] + bounds, type: array.type, range: range)
            }
            guard case let .index(indexExpr) = sub else {
                throw PoolSQLError.notSupported("array slices", range: range)
            }
            let index = try coerce(try bind(indexExpr), to: .integer, range: indexExpr.range)
            guard index.type.isInteger else {
                throw PoolSQLError(.datatypeMismatch, "array subscript must have type integer", range: indexExpr.range)
            }
            return .function(.arraySubscript, [array, index], type: elementType, range: range)
        case let .row(items):
            // A row value prints as PostgreSQL's record text, `(1,abc,)`.
            var fields: [BoundExpr] = []
            for item in items {
                let b = try bind(item)
                fields.append(b.type == .unknown ? try coerce(b, to: .text, range: item.range) : b)
            }
            return .function(.rowText, fields, type: .text, range: range)
        case let .currentDateTime(kind):
            switch kind {
            case .currentTimestamp: return .function(.now, [], type: .timestamptz, range: range)
            case .localTimestamp: return .cast(.function(.now, [], type: .timestamptz, range: range), to: .timestamp, range: range)
            case .currentDate: return .cast(.function(.now, [], type: .timestamptz, range: range), to: .date, range: range)
            default: throw PoolSQLError.notSupported(kind.rawValue, range: range)
            }
        }
    }

    /// A name of an enclosing query's row (the subquery being bound is correlated). Every
    /// subquery between here and that query becomes correlated.
    func resolveOuter(_ name: Ident, qualifier: Ident?, range: SourceRange?) throws(PoolSQLError) -> BoundExpr? {
        guard grouping == nil, let planner = subqueryPlanner else { return nil }
        for (level, outer) in planner.outerScopes.enumerated() {
            guard let index = try? outer.resolve(name, qualifier: qualifier, range: nil) else {
                // Above the enclosing query's GROUP BY, its other input columns are off limits.
                if level < planner.outerUngroupedScopes.count, let input = planner.outerUngroupedScopes[level],
                   let i = try? input.resolve(name, qualifier: qualifier, range: nil) {
                    let full = (input.columns[i].qualifier.map { "\($0)." } ?? "") + input.columns[i].name
                    throw PoolSQLError(.groupingError, "subquery uses ungrouped column \"\(full)\" from outer query", range: range)
                }
                continue
            }
            for tracker in planner.correlationTrackers.prefix(level + 1) { tracker.markCorrelated() }
            return .outerColumn(depth: level + 1, index: index, name: outer.columns[index].name, type: outer.columns[index].type)
        }
        return nil
    }

    /// Plans a subquery. Its names may refer to this query's row (a correlated subquery) except
    /// above GROUP BY, where the row is the aggregate's and correlation is not supported.
    func planSubquery(_ query: Query, range: SourceRange?) throws(PoolSQLError) -> SubqueryPlan {
        guard var planner = subqueryPlanner else {
            throw PoolSQLError.notSupported("subqueries in \(clause)", range: range)
        }
        let tracker = CorrelationTracker()
        // Above GROUP BY the enclosing row is the aggregate's: only grouped columns are visible.
        let rowScope = grouping?.outerScope ?? scope
        planner.outerScopes = [rowScope] + planner.outerScopes
        planner.correlationTrackers = [tracker] + planner.correlationTrackers
        planner.outerUngroupedScopes = [grouping == nil ? nil : scope] + planner.outerUngroupedScopes
        let plan = try planner.plan(query)
        return SubqueryPlan(plan: plan, correlated: tracker.correlated)
    }

    // MARK: Literals

    func bindLiteral(_ literal: Literal, range: SourceRange?) throws(PoolSQLError) -> BoundExpr {
        switch literal {
        case let .integer(i):
            return .literal(.int(i), Value.integerFits(i, .integer) ? .integer : .bigint)
        case let .numeric(text):
            guard let n = SQLNumeric(parsing: text) else {
                if Double(text) != nil {
                    throw PoolSQLError(.numericValueOutOfRange, "value overflows numeric format",
                                       detail: "PoolSQL's numeric type holds up to 38 significant digits.", range: range)
                }
                throw PoolSQLError(.invalidTextRepresentation, "invalid input syntax for type numeric: \"\(text)\"", range: range)
            }
            return .literal(.numeric(n), .numeric(precision: nil, scale: nil))
        case let .string(s):
            return .literal(.text(s), .unknown)
        case let .boolean(b):
            return .literal(.bool(b), .boolean)
        case .null:
            return .literal(.null, .unknown)
        case let .typed(type, text):
            do {
                return .literal(try Value.text(text).cast(to: type), type)
            } catch {
                var e = error
                if e.range == nil { e.range = range }
                throw e
            }
        }
    }

    // MARK: Operators

    func bindUnary(_ op: UnaryOperator, _ operand: Expr, range: SourceRange?) throws(PoolSQLError) -> BoundExpr {
        switch op {
        case .not:
            return .not(try requireBoolean(try bind(operand), argumentOf: "NOT", range: operand.range))
        case .plus, .minus:
            // `-2147483648` is one integer literal, as in PostgreSQL's grammar.
            if op == .minus, case let .literal(lit) = operand.kind {
                switch lit {
                case let .integer(i) where i != Int64.min:
                    return .literal(.int(-i), Value.integerFits(-i, .integer) ? .integer : .bigint)
                case let .numeric(text):
                    return try bindLiteral(.numeric("-" + text), range: range)
                default: break
                }
            }
            var value = try bind(operand)
            if value.type == .unknown { value = try coerce(value, to: .doublePrecision, range: operand.range) }
            guard value.type.isNumeric || value.type == .interval else {
                throw PoolSQLError(.undefinedFunction, "operator does not exist: \(op.rawValue) \(value.type.postgresName)",
                                   hint: "No operator matches the given name and argument type. You might need to add an explicit type cast.",
                                   range: range)
            }
            if op == .plus { return value }
            return .negate(value, type: value.type, range: range)
        }
    }

    func bindBinary(_ lExpr: Expr, _ op: BinaryOperator, _ rExpr: Expr, range: SourceRange?) throws(PoolSQLError) -> BoundExpr {
        switch op {
        case .and, .or:
            let l = try requireBoolean(try bind(lExpr), argumentOf: op.rawValue, range: lExpr.range)
            let r = try requireBoolean(try bind(rExpr), argumentOf: op.rawValue, range: rExpr.range)
            return op == .and ? .and(l, r) : .or(l, r)
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
            if case let .row(left) = lExpr.kind, case let .row(right) = rExpr.kind {
                return try bindRowComparison(left, op, right, range: range)
            }
            let (l, r) = try comparable(try bind(lExpr), try bind(rExpr), op: op.rawValue, lRange: lExpr.range, rRange: rExpr.range, range: range)
            return .comparison(ComparisonOperator(op), l, r)
        case .plus, .minus, .multiply, .divide, .modulo:
            return try bindArithmetic(ArithmeticOperator(op), try bind(lExpr), try bind(rExpr), lRange: lExpr.range, rRange: rExpr.range, range: range)
        case .exponent:
            var l = try bind(lExpr), r = try bind(rExpr)
            if l.type == .unknown { l = try coerce(l, to: .doublePrecision, range: lExpr.range) }
            if r.type == .unknown { r = try coerce(r, to: .doublePrecision, range: rExpr.range) }
            guard l.type.isNumeric, r.type.isNumeric else { throw operatorDoesNotExist("^", l.type, r.type, range: range) }
            // Any float operand makes it double precision ^ double precision; a numeric operand
            // with no float makes it numeric ^ numeric; integers alone go to double precision.
            let isFloat: (DataType) -> Bool = { $0 == .doublePrecision || $0 == .real }
            let isNumeric: (DataType) -> Bool = { if case .numeric = $0 { return true } else { return false } }
            if !isFloat(l.type) && !isFloat(r.type) && (isNumeric(l.type) || isNumeric(r.type)) {
                let numeric = DataType.numeric(precision: nil, scale: nil)
                return .function(.power, [try coerce(l, to: numeric, range: lExpr.range), try coerce(r, to: numeric, range: rExpr.range)],
                                 type: numeric, range: range)
            }
            return .function(.power, [try coerce(l, to: .doublePrecision, range: lExpr.range), try coerce(r, to: .doublePrecision, range: rExpr.range)],
                             type: .doublePrecision, range: range)
        case .concat:
            var l = try bind(lExpr), r = try bind(rExpr)
            if case .array = l.type { return try bindArrayConcatenation(l, r, lRange: lExpr.range, rRange: rExpr.range, range: range) }
            if case .array = r.type { return try bindArrayConcatenation(l, r, lRange: lExpr.range, rRange: rExpr.range, range: range) }
            guard isTextual(l.type) || isTextual(r.type) else { throw operatorDoesNotExist("||", l.type, r.type, range: range) }
            if l.type == .unknown { l = try coerce(l, to: .text, range: lExpr.range) }
            if r.type == .unknown { r = try coerce(r, to: .text, range: rExpr.range) }
            return .concat(l, r)
        case .regexMatch, .regexMatchCaseInsensitive, .regexNotMatch, .regexNotMatchCaseInsensitive:
            let l = try bind(lExpr), r = try bind(rExpr)
            guard isTextual(l.type), isTextual(r.type) else { throw operatorDoesNotExist(op.rawValue, l.type, r.type, range: range) }
            let insensitive = op == .regexMatchCaseInsensitive || op == .regexNotMatchCaseInsensitive
            let match = BoundExpr.function(.regexMatch, [try coerce(l, to: .text, range: lExpr.range), try coerce(r, to: .text, range: rExpr.range),
                                                         .literal(.bool(insensitive), .boolean)], type: .boolean, range: range)
            return op == .regexMatch || op == .regexMatchCaseInsensitive ? match : .not(match)
        case .contains, .containedBy, .overlaps:
            throw PoolSQLError.notSupported("array operators", range: range)
        }
    }

    /// `(a, b) op (c, d)`: `=` when every pair is equal, `<>` when some pair differs, and the
    /// ordering operators compare pair by pair, the first unequal pair deciding.
    func bindRowComparison(_ left: [Expr], _ op: BinaryOperator, _ right: [Expr], range: SourceRange?) throws(PoolSQLError) -> BoundExpr {
        guard left.count == right.count, !left.isEmpty else {
            throw PoolSQLError(.syntaxError, "unequal number of entries in row expressions", range: range)
        }
        var pairs: [(BoundExpr, BoundExpr)] = []
        for (l, r) in zip(left, right) {
            pairs.append(try comparable(try bind(l), try bind(r), op: op.rawValue, lRange: l.range, rRange: r.range, range: range))
        }
        switch op {
        case .equal:
            return BoundExpr.conjunction(pairs.map { .comparison(.equal, $0.0, $0.1) }) ?? .literal(.bool(true), .boolean)
        case .notEqual:
            var result = BoundExpr.comparison(.notEqual, pairs[0].0, pairs[0].1)
            for p in pairs.dropFirst() { result = .or(result, .comparison(.notEqual, p.0, p.1)) }
            return result
        default:
            // Lexicographic: from the last pair backwards, l < r OR (l = r AND rest).
            let strict: ComparisonOperator = op == .less || op == .lessOrEqual ? .less : .greater
            let last = pairs[pairs.count - 1]
            var result = BoundExpr.comparison(ComparisonOperator(op), last.0, last.1)
            for p in pairs.dropLast().reversed() {
                result = .or(.comparison(strict, p.0, p.1), .and(.comparison(.equal, p.0, p.1), result))
            }
            return result
        }
    }

    func bindArithmetic(_ op: ArithmeticOperator, _ left: BoundExpr, _ right: BoundExpr,
                        lRange: SourceRange?, rRange: SourceRange?, range: SourceRange?) throws(PoolSQLError) -> BoundExpr {
        var l = left, r = right
        switch (l.type, r.type) {
        case (.unknown, .unknown):
            throw PoolSQLError(.init("42725"), "operator is not unique: unknown \(op.rawValue) unknown",
                               hint: "Could not choose a best candidate operator. You might need to add explicit type casts.", range: range)
        case (.unknown, let t): l = try coerce(l, to: t, range: lRange)
        case (let t, .unknown): r = try coerce(r, to: t, range: rRange)
        default: break
        }
        let (a, b) = (l.type, r.type)
        let result: DataType?
        switch (TypeCoercion.category(a), TypeCoercion.category(b)) {
        case (.numeric, .numeric):
            if op == .modulo && (a == .doublePrecision || a == .real || b == .doublePrecision || b == .real) {
                result = nil
            } else {
                result = TypeCoercion.commonType([a, b]).type
            }
        case (.datetime, .numeric) where a == .date && b.isInteger && (op == .add || op == .subtract):
            result = .date
        case (.numeric, .datetime) where b == .date && a.isInteger && op == .add:
            result = .date
        case (.datetime, .datetime) where op == .subtract && a == .date && b == .date:
            result = .integer
        case (.datetime, .interval) where op == .add || op == .subtract:
            result = a == .timestamptz ? .timestamptz : .timestamp
        case (.interval, .datetime) where op == .add:
            result = b == .timestamptz ? .timestamptz : .timestamp
        case (.datetime, .datetime) where op == .subtract:
            result = .interval
        case (.interval, .interval) where op == .add || op == .subtract:
            result = .interval
        case (.interval, .numeric) where op == .multiply || op == .divide:
            result = .interval
        case (.numeric, .interval) where op == .multiply:
            result = .interval
        default:
            result = nil
        }
        guard let result else { throw operatorDoesNotExist(op.rawValue, a, b, range: range) }
        return .arithmetic(op, l, r, type: result, range: range)
    }

    /// Resolves the operand types of a comparison: an untyped literal takes the other side's
    /// type (`ts > '2026-01-01'`), numbers compare across types, other categories must match.
    func comparable(_ left: BoundExpr, _ right: BoundExpr, op: String, lRange: SourceRange?, rRange: SourceRange?,
                    range: SourceRange?) throws(PoolSQLError) -> (BoundExpr, BoundExpr) {
        switch (left.type, right.type) {
        case (.unknown, .unknown):
            return (try coerce(left, to: .text, range: lRange), try coerce(right, to: .text, range: rRange))
        case (.unknown, let t):
            return (try coerce(left, to: t, range: lRange), right)
        case (let t, .unknown):
            return (left, try coerce(right, to: t, range: rRange))
        case let (a, b):
            let (ca, cb) = (TypeCoercion.category(a), TypeCoercion.category(b))
            guard ca == cb, ca != .array else { throw operatorDoesNotExist(op, a, b, range: range) }
            return (left, right)
        }
    }

    /// Fails (42883) unless values of the two expressions' types can be compared, for
    /// comparisons against subquery columns and array elements (which cannot be coerced).
    func requireComparable(_ left: BoundExpr, _ right: BoundExpr, op: String, range: SourceRange?) throws(PoolSQLError) {
        let (a, b) = (TypeCoercion.category(left.type), TypeCoercion.category(right.type))
        if a == .unknown || b == .unknown { return }
        guard a == b, a != .array else { throw operatorDoesNotExist(op, left.type, right.type, range: range) }
    }

    func bindInList(_ e: Expr, _ list: [Expr], negated: Bool, range: SourceRange?) throws(PoolSQLError) -> BoundExpr {
        if case let .row(left) = e.kind {
            // (a, b) IN ((1, 2), (3, 4)): some row equal.
            var alternatives: [BoundExpr] = []
            for item in list {
                guard case let .row(right) = item.kind else {
                    throw PoolSQLError(.syntaxError, "IN of a row needs rows on the right", range: item.range)
                }
                alternatives.append(try bindRowComparison(left, .equal, right, range: item.range))
            }
            guard var result = alternatives.first else { return .literal(.bool(negated), .boolean) }
            for a in alternatives.dropFirst() { result = .or(result, a) }
            return negated ? .not(result) : result
        }
        var bound = [try bind(e)]
        for item in list { bound.append(try bind(item)) }
        let ranges = [e.range] + list.map(\.range)
        let coerced = try coerceToCommon(bound, ranges: ranges, context: "IN", fallbackOp: true, range: range)
        return .inList(coerced[0], Array(coerced.dropFirst()), negated: negated)
    }

    /// Coerces every expression to their common type. With `fallbackOp`, a category clash is
    /// reported as the `=` operator PostgreSQL would have tried (IN, BETWEEN); otherwise as
    /// "`context` types x and y cannot be matched" (CASE, COALESCE).
    func coerceToCommon(_ exprs: [BoundExpr], ranges: [SourceRange?], context: String, fallbackOp: Bool,
                        range: SourceRange?) throws(PoolSQLError) -> [BoundExpr] {
        let (common, conflict) = TypeCoercion.commonType(exprs.map(\.type))
        guard let common else {
            let (a, b, i) = conflict ?? (.unknown, .unknown, 0)
            if fallbackOp { throw operatorDoesNotExist("=", a, b, range: range) }
            throw PoolSQLError(.datatypeMismatch, "\(context) types \(a.postgresName) and \(b.postgresName) cannot be matched",
                               range: i < ranges.count ? ranges[i] : range)
        }
        var out: [BoundExpr] = []
        for (i, e) in exprs.enumerated() {
            // Numbers of different types compare correctly as they are; only untyped literals
            // and other categories need converting.
            if e.type != .unknown && TypeCoercion.category(e.type) == .numeric && fallbackOp {
                out.append(e)
            } else {
                out.append(try coerce(e, to: common, range: i < ranges.count ? ranges[i] : range))
            }
        }
        return out
    }

    // MARK: CASE and CAST

    func bindCase(_ operand: Expr?, _ branches: [WhenBranch], _ elseResult: Expr?, range: SourceRange?) throws(PoolSQLError) -> BoundExpr {
        var conditions: [BoundExpr] = []
        if let operand {
            let subject = try bind(operand)
            for branch in branches {
                let (l, r) = try comparable(subject, try bind(branch.condition), op: "=", lRange: operand.range,
                                            rRange: branch.condition.range, range: branch.condition.range)
                conditions.append(.comparison(.equal, l, r))
            }
        } else {
            for branch in branches {
                let c = try bind(branch.condition)
                conditions.append(try requireBoolean(c, argumentOf: "CASE/WHEN", range: branch.condition.range))
            }
        }
        var results: [BoundExpr] = []
        var ranges: [SourceRange?] = []
        for branch in branches {
            results.append(try bind(branch.result))
            ranges.append(branch.result.range)
        }
        if let elseResult {
            results.append(try bind(elseResult))
            ranges.append(elseResult.range)
        }
        let coerced = try coerceToCommon(results, ranges: ranges, context: "CASE", fallbackOp: false, range: range)
        let type = coerced.first?.type ?? .text
        let pairs = zip(conditions, coerced).map { (condition: $0, result: $1) }
        return .caseWhen(pairs, otherwise: elseResult == nil ? nil : coerced.last, type: type)
    }

    func bindCast(_ value: BoundExpr, to type: DataType, innerRange: SourceRange?, range: SourceRange?) throws(PoolSQLError) -> BoundExpr {
        if case let .literal(v, .unknown) = value {
            // An untyped literal is read directly as the target type, at plan time.
            do {
                return .literal(try v.cast(to: type), type)
            } catch {
                var e = error
                if e.range == nil { e.range = innerRange ?? range }
                throw e
            }
        }
        guard TypeCoercion.canCast(value.type, type) else {
            throw PoolSQLError(.cannotCoerce, "cannot cast type \(value.type.postgresName) to \(type.postgresName)", range: range)
        }
        if value.type == type { return value }
        return .cast(value, to: type, range: range)
    }

    // MARK: Helpers

    /// Converts an expression to `type` where PostgreSQL would do so implicitly; untyped
    /// literals are converted at plan time (errors point at the literal).
    func coerce(_ e: BoundExpr, to type: DataType, range: SourceRange?) throws(PoolSQLError) -> BoundExpr {
        if e.type == type { return e }
        if case let .literal(v, .unknown) = e {
            do {
                return .literal(try v.cast(to: type), type)
            } catch {
                var err = error
                if err.range == nil { err.range = range }
                throw err
            }
        }
        if TypeCoercion.isImplicit(e.type, type) {
            return .cast(e, to: type, range: range)
        }
        throw PoolSQLError(.datatypeMismatch, "expression is of type \(e.type.postgresName), expected \(type.postgresName)", range: range)
    }

    func requireBoolean(_ e: BoundExpr, argumentOf clause: String, range: SourceRange?) throws(PoolSQLError) -> BoundExpr {
        if e.type == .boolean { return e }
        if e.type == .unknown { return try coerce(e, to: .boolean, range: range) }
        throw PoolSQLError(.datatypeMismatch, "argument of \(clause) must be type boolean, not type \(e.type.postgresName)", range: range)
    }

    func isTextual(_ t: DataType) -> Bool { t == .unknown || TypeCoercion.isStringLike(t) }

    func operatorDoesNotExist(_ op: String, _ a: DataType, _ b: DataType, range: SourceRange?) -> PoolSQLError {
        PoolSQLError(.undefinedFunction, "operator does not exist: \(a.postgresName) \(op) \(b.postgresName)",
                     hint: "No operator matches the given name and argument types. You might need to add explicit type casts.",
                     range: range)
    }
}

extension ComparisonOperator {
    init(_ op: BinaryOperator) {
        switch op {
        case .notEqual: self = .notEqual
        case .less: self = .less
        case .lessOrEqual: self = .lessOrEqual
        case .greater: self = .greater
        case .greaterOrEqual: self = .greaterOrEqual
        default: self = .equal
        }
    }
}

extension ArithmeticOperator {
    init(_ op: BinaryOperator) {
        switch op {
        case .minus: self = .subtract
        case .multiply: self = .multiply
        case .divide: self = .divide
        case .modulo: self = .modulo
        default: self = .add
        }
    }
}
