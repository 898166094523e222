import Foundation

extension SQLNumeric {
    /// PostgreSQL's `select_div_scale`: enough decimal places for at least 16 significant digits,
    /// and never fewer than either operand's scale (`1/3` → 20 places, `10/4` → 16).
    public static func divisionScale(_ a: SQLNumeric, _ b: SQLNumeric) -> Int {
        let (w1, d1) = a.baseTenThousandLead
        let (w2, d2) = b.baseTenThousandLead
        var qweight = w1 - w2
        // Equal first digits: PostgreSQL assumes the dividend is the smaller.
        if d1 <= d2 { qweight -= 1 }
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
