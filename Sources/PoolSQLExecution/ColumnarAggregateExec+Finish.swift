import Foundation
import PoolSQLCore
import PoolSQLPlanner

extension ColumnarAggregateExec {
    /// One output row per group: its GROUP BY values, then each aggregate's result computed
    /// with the row path's arithmetic.
    func finish(states: inout GroupStateColumns, representatives: [Value], fractions: [Value]) throws(PoolSQLError) -> [[Value]] {
        let keyCount = keyParts.count
        let measureCount = measures.count
        var out: [[Value]] = []
        out.reserveCapacity(states.groups)
        for group in 0..<states.groups {
            var row: [Value] = []
            row.reserveCapacity(keyCount + measureCount)
            row.append(contentsOf: representatives[(group * keyCount)..<(group * keyCount + keyCount)])
            for m in 0..<measureCount {
                let slot = group * measureCount + m
                let aggregate = rowPath.aggregates[m]
                let count = states.counts[slot]
                switch measures[m] {
                case .countStar, .count:
                    row.append(.int(count))
                case .sumIntegers:
                    if count == 0 { row.append(.null); continue }
                    let sum = states.integers[slot]
                    row.append(aggregate.type == .bigint ? .int(sum) : .numeric(SQLNumeric(sum)))
                case .avgIntegers:
                    if count == 0 { row.append(.null); continue }
                    row.append(.numeric(ColumnarAggregateExec.average(sum: states.integers[slot], count: count)))
                case .minIntegers, .maxIntegers:
                    row.append(count == 0 ? .null : .int(states.integers[slot]))
                case .sumDoubles, .minDoubles, .maxDoubles:
                    row.append(count == 0 ? .null : .double(states.doubles[slot]))
                case .avgDoubles:
                    if count == 0 { row.append(.null); continue }
                    row.append(try Value.arithmetic(.divide, .double(states.doubles[slot]), .double(Double(count)),
                                                    resultType: .doublePrecision))
                case let .percentile(_, ascending):
                    var values = states.takeList(slot)
                    row.append(try AggregateExec.percentiles(aggregate.function, fractions[m], doubles: &values, ascending: ascending))
                }
            }
            out.append(row)
        }
        return out
    }

    /// `avg` of integers: `sum / count` as NUMERIC division gives it (`Value.arithmetic` of
    /// `.numeric(sum)` and `.int(count)`), at PostgreSQL's division scale, with that scale
    /// worked out from the integers' digits instead of from their decimal text.
    static func average(sum: Int64, count: Int64) -> SQLNumeric {
        let (w1, d1) = baseTenThousandLead(sum.magnitude)
        let (w2, d2) = baseTenThousandLead(count.magnitude)
        var qweight = w1 - w2
        if d1 <= d2 { qweight -= 1 }
        let scale = min(max(16 - qweight * 4, 0), 1000)
        if let exact = roundedQuotient(sum, count, scale: scale) { return exact }
        return SQLNumeric(Decimal(sum) / Decimal(count), scale: scale).rounded(toPlaces: scale)
    }

    /// `sum / count` rounded half away from zero to `scale` places, in 128-bit integer
    /// arithmetic (Foundation's Decimal division is slow); nil when the scaled numbers do not
    /// fit, or the digits do not fit a Decimal significand built from one word. Decimal's
    /// 38-digit quotient, rounded to the same `scale` (at most 20 significant digits here),
    /// is the same number: the exact quotient's remainder is at least 1/(2·count) away from
    /// a half unless it is exactly a half, far more than Decimal's error.
    static func roundedQuotient(_ sum: Int64, _ count: Int64, scale: Int) -> SQLNumeric? {
        guard count > 0, scale <= 36 else { return nil }
        var power: Int128 = 1
        for _ in 0..<scale { power *= 10 }
        let (scaled, overflow) = Int128(sum.magnitude).multipliedReportingOverflow(by: power)
        if overflow { return nil }
        var quotient = scaled / Int128(count)
        let remainder = scaled % Int128(count)
        if remainder * 2 >= Int128(count) { quotient += 1 }
        guard quotient <= Int128(UInt64.max) else { return nil }
        let significand = Decimal(UInt64(quotient))
        // A negative zero Decimal would be NaN.
        let sign: FloatingPointSign = sum < 0 && quotient != 0 ? .minus : .plus
        return SQLNumeric(Decimal(sign: sign, exponent: -scale, significand: significand), scale: scale)
    }

    /// The weight and value of an integer's leading base-10000 digit (as PostgreSQL stores
    /// numerics); `SQLNumeric.baseTenThousandLead` for a value with no fraction.
    static func baseTenThousandLead(_ magnitude: UInt64) -> (weight: Int, digit: Int) {
        if magnitude == 0 { return (0, 0) }
        var digits = 0
        var power: UInt64 = 1
        var rest = magnitude
        while rest > 0 { rest /= 10; digits += 1 }
        let exponent = digits - 1
        let weight = exponent / 4
        let lead = exponent - 4 * weight + 1
        for _ in 0..<(digits - lead) { power *= 10 }
        return (weight, Int(magnitude / power))
    }
}
