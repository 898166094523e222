import Foundation
import PoolSQLCore
import PoolSQLCatalog

extension BoundExpr {
    /// Evaluates the expression for one input row. SQL three-valued logic: NULL is "unknown",
    /// `AND`/`OR` are decided by a definite operand even when the other is NULL.
    public func evaluate(row: [Value], context: ExecutionContext) throws(PoolSQLError) -> Value {
        switch self {
        case let .literal(v, _):
            return v
        case let .outerColumn(depth, index, name, _):
            let level = context.outerRows.count - depth
            guard level >= 0, level < context.outerRows.count, index < context.outerRows[level].count else {
                throw PoolSQLError.internal("outer column \(name) is not available")
            }
            return context.outerRows[level][index]
        case let .column(index, name, _):
            guard index < row.count else { throw PoolSQLError.internal("column \(name) (#\(index)) missing from row of \(row.count)") }
            return row[index]
        case let .arithmetic(op, l, r, type, range):
            let a = try l.evaluate(row: row, context: context)
            let b = try r.evaluate(row: row, context: context)
            return try BoundExpr.locate(range) { () throws(PoolSQLError) in try Value.arithmetic(op, a, b, resultType: type) }
        case let .negate(e, type, range):
            let v = try e.evaluate(row: row, context: context)
            return try BoundExpr.locate(range) { () throws(PoolSQLError) in try Value.negate(v, resultType: type) }
        case let .comparison(op, l, r):
            let a = try l.evaluate(row: row, context: context)
            let b = try r.evaluate(row: row, context: context)
            guard let c = a.sqlCompare(b) else { return .null }
            return .bool(op.holds(c))
        case let .isDistinct(l, r, negated):
            let a = try l.evaluate(row: row, context: context)
            let b = try r.evaluate(row: row, context: context)
            return .bool(a.isNotDistinct(from: b) == negated)
        case let .and(l, r):
            let a = try l.evaluate(row: row, context: context)
            if case .bool(false) = a { return .bool(false) }
            let b = try r.evaluate(row: row, context: context)
            if case .bool(false) = b { return .bool(false) }
            if a.isNull || b.isNull { return .null }
            return .bool(true)
        case let .or(l, r):
            let a = try l.evaluate(row: row, context: context)
            if case .bool(true) = a { return .bool(true) }
            let b = try r.evaluate(row: row, context: context)
            if case .bool(true) = b { return .bool(true) }
            if a.isNull || b.isNull { return .null }
            return .bool(false)
        case let .not(e):
            switch try e.evaluate(row: row, context: context) {
            case let .bool(b): return .bool(!b)
            default: return .null
            }
        case let .isNull(e, negated):
            return .bool(try e.evaluate(row: row, context: context).isNull != negated)
        case let .isBoolean(e, value, negated):
            let v = try e.evaluate(row: row, context: context)
            let matches: Bool
            if case let .bool(b) = v { matches = b == value } else { matches = false }
            return .bool(matches != negated)
        case let .between(e, low, high, negated):
            let v = try e.evaluate(row: row, context: context)
            let lo = try low.evaluate(row: row, context: context)
            let hi = try high.evaluate(row: row, context: context)
            // x BETWEEN a AND b ≡ x >= a AND x <= b, with three-valued AND.
            let geLow = v.sqlCompare(lo).map { $0 >= 0 }
            let leHigh = v.sqlCompare(hi).map { $0 <= 0 }
            let result: Bool?
            if geLow == false || leHigh == false { result = false } else if geLow == nil || leHigh == nil { result = nil } else { result = true }
            guard let result else { return .null }
            return .bool(result != negated)
        case let .inList(e, list, negated):
            let v = try e.evaluate(row: row, context: context)
            if v.isNull { return .null }
            var sawNull = false
            for item in list {
                let candidate = try item.evaluate(row: row, context: context)
                switch v.sqlCompare(candidate) {
                case 0?: return .bool(!negated)
                case nil: sawNull = true
                default: break
                }
            }
            return sawNull ? .null : .bool(negated)
        case let .like(e, patternExpr, caseInsensitive, negated):
            let v = try e.evaluate(row: row, context: context)
            let p = try patternExpr.evaluate(row: row, context: context)
            guard case let .text(text) = v, case let .text(pattern) = p else { return .null }
            return .bool(LikePattern(pattern, caseInsensitive: caseInsensitive).matches(text) != negated)
        case let .concat(l, r):
            let a = try l.evaluate(row: row, context: context)
            let b = try r.evaluate(row: row, context: context)
            if a.isNull || b.isNull { return .null }
            // `||` converts non-text operands with a cast to text (`TRUE` → `true`).
            guard case let .text(x) = try a.cast(to: .text), case let .text(y) = try b.cast(to: .text) else { return .null }
            return .text(x + y)
        case let .caseWhen(branches, otherwise, _):
            for branch in branches {
                if case .bool(true) = try branch.condition.evaluate(row: row, context: context) {
                    return try branch.result.evaluate(row: row, context: context)
                }
            }
            return try otherwise?.evaluate(row: row, context: context) ?? .null
        case let .cast(e, type, range):
            let v = try e.evaluate(row: row, context: context)
            return try BoundExpr.locate(range) { () throws(PoolSQLError) in try v.cast(to: type) }
        case let .scalarSubquery(subquery, _, range):
            let rows = try context.rows(of: subquery, currentRow: row)
            if rows.count > 1 {
                throw PoolSQLError(.cardinalityViolation, "more than one row returned by a subquery used as an expression", range: range)
            }
            return rows.first?.first ?? .null
        case let .exists(subquery):
            return .bool(!(try context.rows(of: subquery, currentRow: row)).isEmpty)
        case let .inSubquery(e, subquery, negated):
            let v = try e.evaluate(row: row, context: context)
            if v.isNull { return .null }
            var sawNull = false
            for candidate in try context.rows(of: subquery, currentRow: row) {
                switch v.sqlCompare(candidate.first ?? .null) {
                case 0?: return .bool(!negated)
                case nil: sawNull = true
                default: break
                }
            }
            return sawNull ? .null : .bool(negated)
        case let .quantified(op, all, e, source):
            let v = try e.evaluate(row: row, context: context)
            var candidates: [Value]
            switch source {
            case let .array(a):
                switch try a.evaluate(row: row, context: context) {
                case let .array(values): candidates = values
                default: return .null
                }
            case let .subquery(subquery):
                candidates = try context.rows(of: subquery, currentRow: row).map { $0.first ?? .null }
            }
            // ANY: TRUE if some comparison is TRUE; ALL: FALSE if some is FALSE; else NULL
            // if some comparison was unknown.
            var sawNull = false
            for candidate in candidates {
                guard let c = v.sqlCompare(candidate) else { sawNull = true; continue }
                let holds = op.holds(c)
                if all && !holds { return .bool(false) }
                if !all && holds { return .bool(true) }
            }
            return sawNull ? .null : .bool(all)
        case let .function(function, args, type, range):
            return try BoundExpr.locate(range) { () throws(PoolSQLError) in
                try function.invoke(args, type: type, row: row, context: context)
            }
        }
    }

    /// Evaluates a predicate the way WHERE does: only TRUE passes (NULL does not).
    public func isSatisfied(row: [Value], context: ExecutionContext) throws(PoolSQLError) -> Bool {
        if case .bool(true) = try evaluate(row: row, context: context) { return true }
        return false
    }

    /// Attaches the node's source range to an error that has none.
    static func locate<T>(_ range: SourceRange?, _ body: () throws(PoolSQLError) -> T) throws(PoolSQLError) -> T {
        do {
            return try body()
        } catch {
            var e = error
            if e.range == nil { e.range = range }
            throw e
        }
    }

    /// CONCAT uses each value's text output (`t` for true), as PostgreSQL does.
    static func textForConcat(_ v: Value) -> String { v.description }
}

extension ScalarFunction {
    func invoke(_ args: [BoundExpr], type: DataType, row: [Value], context: ExecutionContext) throws(PoolSQLError) -> Value {
        if self == .makeArray {
            var elements: [Value] = []
            for a in args { elements.append(try a.evaluate(row: row, context: context)) }
            return .array(elements)
        }
        // COALESCE evaluates lazily: later arguments may not be needed (or may fail).
        if self == .coalesce {
            for a in args {
                let v = try a.evaluate(row: row, context: context)
                if !v.isNull { return v }
            }
            return .null
        }
        var values: [Value] = []
        values.reserveCapacity(args.count)
        for a in args { values.append(try a.evaluate(row: row, context: context)) }
        switch self {
        case .coalesce:
            return values.first(where: { !$0.isNull }) ?? .null
        case .now:
            return .timestamp(context.statementTimestamp.with(kind: .timestamptz))
        case .concat:
            return .text(values.filter { !$0.isNull }.map(BoundExpr.textForConcat).joined())
        case .nullif:
            guard values.count == 2 else { return .null }
            if let c = values[0].sqlCompare(values[1]), c == 0 { return .null }
            return values[0]
        case .greatest, .least:
            var best: Value = .null
            for v in values where !v.isNull {
                if best.isNull { best = v; continue }
                let c = Value.sortCompare(v, best)
                if (self == .greatest && c > 0) || (self == .least && c < 0) { best = v }
            }
            return best
        default:
            break
        }
        if isStrict, values.contains(where: \.isNull) { return .null }
        if let result = try invokeLibrary(values, type: type, context: context) { return result }
        if self == .arraySubscript {
            guard case let .array(elements) = values[0], case let .int(i) = values[1] else { return .null }
            return i >= 1 && i <= Int64(elements.count) ? elements[Int(i) - 1] : .null
        }
        if let result = try invokeExtended(values, type: type) { return result }
        switch (self, values.first) {
        case let (.abs, .int(i)?):
            guard i != Int64.min, Value.integerFits(Swift.abs(i), type) else { throw Value.integerOutOfRange(type) }
            return .int(Swift.abs(i))
        case let (.abs, .double(d)?): return .double(Swift.abs(d))
        case let (.abs, .numeric(n)?): return .numeric(SQLNumeric(n.value.magnitude, scale: n.scale))
        case let (.round, .double(d)?):
            // round(double precision) is rint(): half to even.
            return .double(d.rounded(.toNearestOrEven))
        case let (.round, .numeric(n)?):
            var places = 0
            if values.count > 1, case let .int(p) = values[1] { places = Int(Swift.max(-1000, Swift.min(1000, p))) }
            if places < 0 {
                // Negative places round to tens, hundreds, … and keep scale 0.
                var v = n.value
                var r = Decimal()
                NSDecimalRound(&r, &v, places, .plain)
                return .numeric(SQLNumeric(r, scale: 0))
            }
            return .numeric(n.rounded(toPlaces: places))
        case let (.power, .double(x)?):
            guard values.count == 2, case let .double(y) = values[1] else { break }
            if x == 0 && y < 0 {
                throw PoolSQLError(.init("2201F"), "zero raised to a negative power is undefined")
            }
            if x < 0 && y != y.rounded() {
                throw PoolSQLError(.init("2201F"), "a negative number raised to a non-integer power yields a complex result")
            }
            let r = Foundation.pow(x, y)
            if r.isInfinite { throw PoolSQLError(.numericValueOutOfRange, "value out of range: overflow") }
            return .double(r)
        case let (.lower, .text(s)?): return .text(ScalarFunction.mapCase(s, upper: false))
        case let (.upper, .text(s)?): return .text(ScalarFunction.mapCase(s, upper: true))
        // PostgreSQL counts characters as code points (a combining accent is one more).
        case let (.length, .text(s)?): return .int(Int64(s.unicodeScalars.count))
        default:
            break
        }
        throw PoolSQLError.internal("function \(rawValue) cannot take \(values.map { $0.dataType.postgresName })")
    }
}

extension ScalarFunction {
    /// Case mapping one code point at a time, as PostgreSQL does under a UTF-8 locale: a
    /// character whose mapping is several characters (ß → SS) stays as it is.
    static func mapCase(_ text: String, upper: Bool) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let mapped = upper ? String(scalar).uppercased() : String(scalar).lowercased()
            if mapped.unicodeScalars.count == 1, let single = mapped.unicodeScalars.first {
                out.append(single)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }
}
