import Foundation

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
