import Foundation

/// `sqrt`, `ln`, `log`, `exp` and `power` on exact numerics, computed in Decimal arithmetic
/// (38 significant digits) and rounded to the scale PostgreSQL 15 chooses for each: at least
/// 16 significant digits, never fewer places than the inputs have.
extension SQLNumeric {
    /// PostgreSQL's NUMERIC_MIN_SIG_DIGITS.
    static let minimumSignificantDigits = 16
    static let maximumDisplayScale = 1000

    static func clampScale(_ scale: Int, atLeast scales: Int...) -> Int {
        var s = scale
        for other in scales { s = Swift.max(s, other) }
        return Swift.min(Swift.max(s, 0), maximumDisplayScale)
    }

    var isZero: Bool { value.isZero }
    var isNegative: Bool { value < 0 }

    /// Whether the value has no fractional part.
    public var isIntegral: Bool {
        var v = value, r = Decimal()
        NSDecimalRound(&r, &v, 0, .down)
        return r == value
    }

    /// `sqrt(numeric)`.
    public func squareRoot() throws(PoolSQLError) -> SQLNumeric {
        if isNegative { throw PoolSQLError(SQLState("2201F"), "cannot take square root of a negative number") }
        let weight = baseTenThousandLead.weight
        let sweight = (weight + 1) * 4 / 2 - 1
        let rscale = SQLNumeric.clampScale(SQLNumeric.minimumSignificantDigits - sweight, atLeast: scale)
        if isZero { return SQLNumeric(0, scale: rscale) }
        return SQLNumeric(DecimalMath.squareRoot(value), scale: rscale).rounded(toPlaces: rscale)
    }

    /// `ln(numeric)`.
    public func naturalLogarithm() throws(PoolSQLError) -> SQLNumeric {
        try SQLNumeric.checkLogarithmArgument(self)
        let rscale = SQLNumeric.clampScale(SQLNumeric.minimumSignificantDigits - estimatedLnWeight, atLeast: scale)
        return SQLNumeric(DecimalMath.ln(value), scale: rscale).rounded(toPlaces: rscale)
    }

    /// `log(base, numeric)` (and `log(numeric)`, which is `log(10, x)`).
    public static func logarithm(base: SQLNumeric, _ x: SQLNumeric) throws(PoolSQLError) -> SQLNumeric {
        try checkLogarithmArgument(base)
        try checkLogarithmArgument(x)
        let lnBase = DecimalMath.ln(base.value)
        if lnBase.isZero { throw PoolSQLError(.divisionByZero, "division by zero") }
        let resultWeight = x.estimatedLnWeight - base.estimatedLnWeight
        let rscale = clampScale(minimumSignificantDigits - resultWeight, atLeast: base.scale, x.scale)
        return SQLNumeric(DecimalMath.ln(x.value) / lnBase, scale: rscale).rounded(toPlaces: rscale)
    }

    /// `exp(numeric)`.
    public func exponential() throws(PoolSQLError) -> SQLNumeric {
        let weight = doubleValue * 0.434294481903252
        guard weight < 120 else { throw PoolSQLError(.numericValueOutOfRange, "value overflows numeric format") }
        let rscale = SQLNumeric.clampScale(SQLNumeric.minimumSignificantDigits - Int(weight), atLeast: scale)
        if weight < -120 { return SQLNumeric(0, scale: rscale) }
        return SQLNumeric(DecimalMath.exp(value), scale: rscale).rounded(toPlaces: rscale)
    }

    /// `power(numeric, numeric)` and `numeric ^ numeric`.
    public static func power(_ base: SQLNumeric, _ exponent: SQLNumeric) throws(PoolSQLError) -> SQLNumeric {
        if base.isZero && exponent.isNegative {
            throw PoolSQLError(SQLState("2201F"), "zero raised to a negative power is undefined")
        }
        if base.isNegative && !exponent.isIntegral {
            throw PoolSQLError(SQLState("2201F"), "a negative number raised to a non-integer power yields a complex result")
        }
        if exponent.isIntegral, let n = Int(exactly: NSDecimalNumber(decimal: exponent.value).int64Value),
           Decimal(n) == exponent.value, abs(n) <= Int(Int32.max) {
            // An integral exponent: repeated squaring, at PostgreSQL 15's scale for it.
            let rscale = clampScale(minimumSignificantDigits, atLeast: base.scale)
            let estimate = Double(n) * log10(Swift.max(abs(base.doubleValue), 1e-300))
            if !base.isZero && estimate > 130 { throw PoolSQLError(.numericValueOutOfRange, "value overflows numeric format") }
            if n == 0 { return SQLNumeric(1, scale: rscale) }
            if base.isZero { return SQLNumeric(0, scale: rscale) }
            if estimate < -130 { return SQLNumeric(0, scale: rscale) }
            var result = DecimalMath.integerPower(base.value, abs(n))
            if n < 0 { result = 1 / result }
            return SQLNumeric(result, scale: rscale).rounded(toPlaces: rscale)
        }
        if base.isZero { return SQLNumeric(0, scale: minimumSignificantDigits) }
        let lnBase = DecimalMath.ln(base.value.magnitude)
        let product = lnBase * exponent.value
        let weight = NSDecimalNumber(decimal: product).doubleValue * 0.434294481903252
        guard weight < 120 else { throw PoolSQLError(.numericValueOutOfRange, "value overflows numeric format") }
        let rscale = clampScale(minimumSignificantDigits - Int(weight), atLeast: base.scale, exponent.scale)
        if weight < -120 { return SQLNumeric(0, scale: rscale) }
        return SQLNumeric(DecimalMath.exp(product), scale: rscale).rounded(toPlaces: rscale)
    }

    static func checkLogarithmArgument(_ x: SQLNumeric) throws(PoolSQLError) {
        if x.isZero { throw PoolSQLError(SQLState("2201E"), "cannot take logarithm of zero") }
        if x.isNegative { throw PoolSQLError(SQLState("2201E"), "cannot take logarithm of a negative number") }
    }

    /// PostgreSQL's `estimate_ln_dweight`: roughly the decimal weight of ln(x).
    var estimatedLnWeight: Int {
        guard value > 0 else { return 0 }
        if value >= Decimal(sign: .plus, exponent: -1, significand: 9) && value <= Decimal(sign: .plus, exponent: -1, significand: 11) {
            let d = (value - 1).magnitude
            if d.isZero { return 0 }
            return Int(floor(log10(NSDecimalNumber(decimal: d).doubleValue)))
        }
        let ln = Foundation.log(doubleValue)
        return Int(log10(abs(ln)))
    }
}

/// Transcendental functions in Decimal arithmetic, accurate to well beyond the 16-20 digits
/// results are rounded to.
enum DecimalMath {
    static let ln10 = Decimal(string: "2.3025850929940456840179914546843642076", locale: Locale(identifier: "en_US_POSIX")) ?? Decimal(2.302585092994046)

    /// Newton's method from a Double guess.
    static func squareRoot(_ v: Decimal) -> Decimal {
        if v <= 0 { return 0 }
        var x = Decimal(NSDecimalNumber(decimal: v).doubleValue.squareRoot())
        if x <= 0 { x = v }
        for _ in 0..<8 { x = (x + v / x) / 2 }
        return x
    }

    /// ln(v) for v > 0: v = m·10^k with m in [1, 10), four square roots bring m close to 1,
    /// then the series 2·atanh((m−1)/(m+1)).
    static func ln(_ v: Decimal) -> Decimal {
        guard v > 0 else { return 0 }
        let exponent = Int(floor(log10(NSDecimalNumber(decimal: v).doubleValue)))
        var m = v / power10(exponent)
        // Double's estimate of the exponent can be one off at exact powers of ten.
        var k = exponent
        while m >= 10 { m /= 10; k += 1 }
        while m < 1 { m *= 10; k -= 1 }
        var halvings = 0
        while halvings < 4 { m = squareRoot(m); halvings += 1 }
        let z = (m - 1) / (m + 1)
        let z2 = z * z
        var term = z, sum = Decimal(0)
        var n = 1
        while n < 200 {
            let next = term / Decimal(n)
            if next.isZero || next.magnitude < Decimal(sign: .plus, exponent: -45, significand: 1) { break }
            sum += next
            term *= z2
            n += 2
        }
        return sum * 2 * Decimal(1 << halvings) + Decimal(k) * ln10
    }

    /// e^v: v = 2^k·r with |r| ≤ 0.5, the Taylor series for r, then k squarings.
    static func exp(_ v: Decimal) -> Decimal {
        var r = v
        var squarings = 0
        while r.magnitude > Decimal(sign: .plus, exponent: -1, significand: 5) && squarings < 400 { r /= 2; squarings += 1 }
        var sum = Decimal(1), term = Decimal(1)
        for n in 1..<60 {
            term = term * r / Decimal(n)
            if term.isZero || term.magnitude < Decimal(sign: .plus, exponent: -45, significand: 1) { break }
            sum += term
        }
        for _ in 0..<squarings { sum *= sum }
        return sum
    }

    static func integerPower(_ base: Decimal, _ n: Int) -> Decimal {
        var result = Decimal(1), b = base, e = n
        while e > 0 {
            if e & 1 == 1 { result *= b }
            e >>= 1
            if e > 0 { b *= b }
        }
        return result
    }

    static func power10(_ e: Int) -> Decimal { Decimal(sign: .plus, exponent: e, significand: 1) }
}
