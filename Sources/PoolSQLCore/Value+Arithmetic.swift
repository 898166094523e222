import Foundation

/// The arithmetic operators of SQL expressions.
public enum ArithmeticOperator: String, Sendable, Hashable {
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    case modulo = "%"
}

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

extension SQLNumeric {
    /// PostgreSQL's `select_div_scale`: enough decimal places for at least 16 significant digits,
    /// and never fewer than either operand's scale (`1/3` → 20 places, `10/4` → 16).
    public static func divisionScale(_ a: SQLNumeric, _ b: SQLNumeric) -> Int {
        let (w1, d1) = a.baseTenThousandLead
        let (w2, d2) = b.baseTenThousandLead
        var qweight = w1 - w2
        if d1 < d2 { qweight -= 1 }
        var scale = 16 - qweight * 4
        scale = max(scale, a.scale, b.scale, 0)
        return min(scale, 1000)
    }

    /// PostgreSQL stores numerics in base-10000 digits; the weight and value of the first
    /// non-zero digit drive its division scale.
    var baseTenThousandLead: (weight: Int, digit: Int) {
        var v = value.magnitude
        if v.isZero { return (0, 0) }
        var rounded = Decimal()
        NSDecimalRound(&rounded, &v, 40, .plain)
        let text = rounded.description  // plain digits, e.g. "1234.5" or "0.00012"
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let intPart = String(parts[0])
        let fracPart = parts.count > 1 ? String(parts[1]) : ""
        // Decimal exponent of the leading digit.
        let exponent: Int
        let digits: String
        if intPart != "0" && !intPart.isEmpty {
            exponent = intPart.count - 1
            digits = intPart + fracPart
        } else {
            let zeros = fracPart.prefix(while: { $0 == "0" }).count
            exponent = -(zeros + 1)
            digits = String(fracPart.dropFirst(zeros))
        }
        let weight = exponent >= 0 ? exponent / 4 : -((-exponent + 3) / 4)
        // The base-10000 digit covers decimal exponents 4*weight ... 4*weight+3.
        let lead = exponent - 4 * weight + 1  // how many decimal digits of it the number has
        let head = digits.prefix(lead)
        let padded = head + String(repeating: "0", count: max(0, lead - head.count))
        return (weight, Int(padded) ?? 0)
    }
}

extension Interval {
    public func negated() -> Interval {
        Interval(months: 0 &- months, days: 0 &- days, microseconds: 0 &- microseconds)
    }

    public func adding(_ other: Interval) throws(PoolSQLError) -> Interval {
        let m = months.addingReportingOverflow(other.months)
        let d = days.addingReportingOverflow(other.days)
        let u = microseconds.addingReportingOverflow(other.microseconds)
        if m.overflow || d.overflow || u.overflow { throw PoolSQLError(.datetimeFieldOverflow, "interval out of range") }
        return Interval(months: m.partialValue, days: d.partialValue, microseconds: u.partialValue)
    }

    /// PostgreSQL's `interval_mul`: fractional months spill into days (30 per month) and
    /// fractional days into time (24 hours per day).
    public func multiplied(by factor: Double) throws(PoolSQLError) -> Interval {
        let monthsResult = Double(months) * factor
        let daysResult = Double(days) * factor
        var micros = Double(microseconds) * factor
        guard monthsResult.magnitude < Double(Int32.max), daysResult.magnitude < Double(Int32.max) else {
            throw PoolSQLError(.datetimeFieldOverflow, "interval out of range")
        }
        let wholeMonths = monthsResult.rounded(.towardZero)
        var dayValue = daysResult + (monthsResult - wholeMonths) * 30
        let wholeDays = dayValue.rounded(.towardZero)
        micros += (dayValue - wholeDays) * 86_400_000_000
        dayValue = wholeDays
        guard micros.magnitude < 9.2e18, dayValue.magnitude < Double(Int32.max) else {
            throw PoolSQLError(.datetimeFieldOverflow, "interval out of range")
        }
        return Interval(months: Int32(wholeMonths), days: Int32(dayValue), microseconds: Int64(micros.rounded()))
    }

    /// A microsecond difference as days and time, as timestamp subtraction reports it.
    public static func justifiedHours(microseconds: Int64) -> Interval {
        let perDay: Int64 = 86_400_000_000
        let days = microseconds / perDay
        return Interval(months: 0, days: Int32(clamping: days), microseconds: microseconds - days * perDay)
    }
}

extension Timestamp {
    /// Adds months on the calendar (clamping the day to the month's end, as PostgreSQL does),
    /// then days, then time.
    public func adding(_ interval: Interval) throws(PoolSQLError) -> Timestamp {
        var result = self
        if interval.months != 0 {
            var f = fields
            let totalMonths = f.year * 12 + (f.month - 1) + Int(interval.months)
            f.year = totalMonths >= 0 ? totalMonths / 12 : (totalMonths - 11) / 12
            f.month = totalMonths - f.year * 12 + 1
            f.day = min(f.day, Timestamp.daysInMonth(year: f.year, month: f.month))
            guard abs(f.year) <= Timestamp.maximumYear else { throw PoolSQLError(.datetimeFieldOverflow, "timestamp out of range") }
            result = Timestamp(fields: f)
        }
        let dayMicros = Int64(interval.days).multipliedReportingOverflow(by: 86_400_000_000)
        let a = result.microseconds.addingReportingOverflow(dayMicros.partialValue)
        let b = a.partialValue.addingReportingOverflow(interval.microseconds)
        if dayMicros.overflow || a.overflow || b.overflow { throw PoolSQLError(.datetimeFieldOverflow, "timestamp out of range") }
        return Timestamp(microseconds: b.partialValue)
    }

    /// Microseconds since 1970 in 64 bits reach about year 294 000; PoolSQL stays well inside.
    public static let maximumYear = 290_000

    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
