import Foundation

extension Value {
    /// Applies an arithmetic operator as PostgreSQL does for the operand kinds: integer division
    /// truncates toward zero, integer results are range-checked against `resultType` (INTEGER is
    /// 32-bit, SMALLINT 16-bit), division by zero is 22012. NULL in, NULL out.
    public static func arithmetic(_ op: ArithmeticOperator, _ lhs: Value, _ rhs: Value, resultType: DataType) throws(PoolSQLError) -> Value {
        if lhs.isNull || rhs.isNull { return .null }
        switch (lhs, rhs) {
        case let (.int(a), .int(b)):
            return .int(try integerArithmetic(op, a, b, resultType: resultType))
        case (.int, .numeric), (.numeric, .int), (.numeric, .numeric):
            guard let a = lhs.asNumeric, let b = rhs.asNumeric else { break }
            return .numeric(try numericArithmetic(op, a, b))
        case (.double, .double), (.double, .int), (.int, .double), (.double, .numeric), (.numeric, .double):
            guard let a = lhs.asDouble, let b = rhs.asDouble else { break }
            return .double(try doubleArithmetic(op, a, b))
        case let (.timestamp(t), .interval(i)) where op == .add:
            return .timestamp(try t.adding(i))
        case let (.interval(i), .timestamp(t)) where op == .add:
            return .timestamp(try t.adding(i))
        case let (.timestamp(t), .interval(i)) where op == .subtract:
            return .timestamp(try t.adding(i.negated()))
        case let (.timestamp(d), .int(n)) where d.kind == .date && (op == .add || op == .subtract):
            return .timestamp(try d.addingDays(op == .add ? n : 0 &- n))
        case let (.int(n), .timestamp(d)) where d.kind == .date && op == .add:
            return .timestamp(try d.addingDays(n))
        case let (.timestamp(a), .timestamp(b)) where op == .subtract && a.kind == .date && b.kind == .date:
            // date - date is a number of days.
            return .int((a.microseconds - b.microseconds) / 86_400_000_000)
        case let (.timestamp(a), .timestamp(b)) where op == .subtract:
            let (diff, overflow) = a.microseconds.subtractingReportingOverflow(b.microseconds)
            if overflow { throw PoolSQLError(.datetimeFieldOverflow, "interval out of range") }
            return .interval(Interval.justifiedHours(microseconds: diff))
        case let (.interval(a), .interval(b)) where op == .add || op == .subtract:
            return .interval(try a.adding(op == .add ? b : b.negated()))
        case let (.interval(i), .int(n)) where op == .multiply: return .interval(try i.multiplied(by: Double(n)))
        case let (.int(n), .interval(i)) where op == .multiply: return .interval(try i.multiplied(by: Double(n)))
        case let (.interval(i), .double(n)) where op == .multiply: return .interval(try i.multiplied(by: n))
        case let (.double(n), .interval(i)) where op == .multiply: return .interval(try i.multiplied(by: n))
        case let (.interval(i), .numeric(n)) where op == .multiply: return .interval(try i.multiplied(by: n.doubleValue))
        case let (.numeric(n), .interval(i)) where op == .multiply: return .interval(try i.multiplied(by: n.doubleValue))
        case let (.interval(i), _) where op == .divide:
            guard let d = rhs.asDouble else { break }
            if d == 0 { throw PoolSQLError(.divisionByZero, "division by zero") }
            return .interval(try i.multiplied(by: 1 / d))
        default: break
        }
        throw PoolSQLError(.undefinedFunction, "operator does not exist: \(lhs.dataType.postgresName) \(op.rawValue) \(rhs.dataType.postgresName)")
    }

    /// Unary minus.
    public static func negate(_ value: Value, resultType: DataType) throws(PoolSQLError) -> Value {
        switch value {
        case .null: return .null
        case let .int(i): return .int(try integerArithmetic(.subtract, 0, i, resultType: resultType))
        case let .double(d): return .double(-d)
        case let .numeric(n): return .numeric(SQLNumeric(-n.value, scale: n.scale))
        case let .interval(i): return .interval(i.negated())
        default:
            throw PoolSQLError(.undefinedFunction, "operator does not exist: - \(value.dataType.postgresName)")
        }
    }

    public var asDouble: Double? {
        switch self {
        case let .int(i): return Double(i)
        case let .double(d): return d
        case let .numeric(n): return n.doubleValue
        default: return nil
        }
    }

    public var asNumeric: SQLNumeric? {
        switch self {
        case let .int(i): return SQLNumeric(i)
        case let .numeric(n): return n
        default: return nil
        }
    }

    /// The message PostgreSQL gives when an integer result leaves its type's range.
    public static func integerOutOfRange(_ type: DataType) -> PoolSQLError {
        switch type {
        case .smallint: return PoolSQLError(.numericValueOutOfRange, "smallint out of range")
        case .integer: return PoolSQLError(.numericValueOutOfRange, "integer out of range")
        default: return PoolSQLError(.numericValueOutOfRange, "bigint out of range")
        }
    }

    /// Whether `value` fits the integer type (BIGINT for anything that is not INTEGER/SMALLINT).
    public static func integerFits(_ value: Int64, _ type: DataType) -> Bool {
        switch type {
        case .smallint: return value >= Int64(Int16.min) && value <= Int64(Int16.max)
        case .integer: return value >= Int64(Int32.min) && value <= Int64(Int32.max)
        default: return true
        }
    }

    static func integerArithmetic(_ op: ArithmeticOperator, _ a: Int64, _ b: Int64, resultType: DataType) throws(PoolSQLError) -> Int64 {
        let result: (partialValue: Int64, overflow: Bool)
        switch op {
        case .add: result = a.addingReportingOverflow(b)
        case .subtract: result = a.subtractingReportingOverflow(b)
        case .multiply: result = a.multipliedReportingOverflow(by: b)
        case .divide:
            if b == 0 { throw PoolSQLError(.divisionByZero, "division by zero") }
            result = a.dividedReportingOverflow(by: b)
        case .modulo:
            if b == 0 { throw PoolSQLError(.divisionByZero, "division by zero") }
            // Int64.min % -1 overflows in hardware but is 0 mathematically.
            result = b == -1 ? (0, false) : a.remainderReportingOverflow(dividingBy: b)
        }
        if result.overflow || !integerFits(result.partialValue, resultType) { throw integerOutOfRange(resultType) }
        return result.partialValue
    }

    static func doubleArithmetic(_ op: ArithmeticOperator, _ a: Double, _ b: Double) throws(PoolSQLError) -> Double {
        let r: Double
        switch op {
        case .add: r = a + b
        case .subtract: r = a - b
        case .multiply: r = a * b
        case .divide:
            if b == 0 { throw PoolSQLError(.divisionByZero, "division by zero") }
            r = a / b
        case .modulo:
            throw PoolSQLError(.undefinedFunction, "operator does not exist: double precision % double precision")
        }
        if r.isInfinite && a.isFinite && b.isFinite { throw PoolSQLError(.numericValueOutOfRange, "value out of range: overflow") }
        return r
    }

    static func numericArithmetic(_ op: ArithmeticOperator, _ a: SQLNumeric, _ b: SQLNumeric) throws(PoolSQLError) -> SQLNumeric {
        switch op {
        case .add: return SQLNumeric(a.value + b.value, scale: max(a.scale, b.scale))
        case .subtract: return SQLNumeric(a.value - b.value, scale: max(a.scale, b.scale))
        case .multiply: return SQLNumeric(a.value * b.value, scale: a.scale + b.scale)
        case .divide:
            if b.value.isZero { throw PoolSQLError(.divisionByZero, "division by zero") }
            let scale = SQLNumeric.divisionScale(a, b)
            return SQLNumeric(a.value / b.value, scale: scale).rounded(toPlaces: scale)
        case .modulo:
            if b.value.isZero { throw PoolSQLError(.divisionByZero, "division by zero") }
            // Truncated remainder: a - trunc(a / b) * b.
            var quotient = a.value / b.value
            var truncated = Decimal()
            NSDecimalRound(&truncated, &quotient, 0, a.value.sign == b.value.sign ? .down : .up)
            return SQLNumeric(a.value - truncated * b.value, scale: max(a.scale, b.scale))
        }
    }
}
