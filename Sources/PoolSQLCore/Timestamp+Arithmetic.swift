import Foundation

extension Timestamp {
    /// Adds months on the calendar (clamping the day to the month's end, as PostgreSQL does),
    /// then days, then time.
    public func adding(_ interval: Interval) throws(PoolSQLError) -> Timestamp {
        // date + interval is a timestamp; the other kinds stay what they are.
        let kind: Kind = self.kind == .date ? .timestamp : self.kind
        var result = self
        if interval.months != 0 {
            var f = fields
            let totalMonths = f.year * 12 + (f.month - 1) + Int(interval.months)
            f.year = totalMonths >= 0 ? totalMonths / 12 : (totalMonths - 11) / 12
            f.month = totalMonths - f.year * 12 + 1
            f.day = min(f.day, Timestamp.daysInMonth(year: f.year, month: f.month))
            guard abs(f.year) <= Timestamp.maximumYear else { throw PoolSQLError(.datetimeFieldOverflow, "timestamp out of range") }
            result = Timestamp(fields: f, kind: kind)
        }
        let dayMicros = Int64(interval.days).multipliedReportingOverflow(by: 86_400_000_000)
        let a = result.microseconds.addingReportingOverflow(dayMicros.partialValue)
        let b = a.partialValue.addingReportingOverflow(interval.microseconds)
        if dayMicros.overflow || a.overflow || b.overflow { throw PoolSQLError(.datetimeFieldOverflow, "timestamp out of range") }
        return Timestamp(microseconds: b.partialValue, kind: kind)
    }

    /// `date ± integer`: whole days later (or earlier), still a date.
    public func addingDays(_ days: Int64) throws(PoolSQLError) -> Timestamp {
        let delta = days.multipliedReportingOverflow(by: 86_400_000_000)
        let sum = microseconds.addingReportingOverflow(delta.partialValue)
        guard !delta.overflow, !sum.overflow, abs(Timestamp(microseconds: sum.partialValue).fields.year) <= Timestamp.maximumYear else {
            throw PoolSQLError(.datetimeFieldOverflow, "date out of range")
        }
        return Timestamp(microseconds: sum.partialValue, kind: kind)
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
