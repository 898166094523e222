/// A time interval in PostgreSQL's representation: months, days and microseconds are kept
/// apart, because a month is not a fixed number of days nor a day a fixed number of hours.
public struct Interval: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var months: Int32
    public var days: Int32
    public var microseconds: Int64

    public init(months: Int32 = 0, days: Int32 = 0, microseconds: Int64 = 0) {
        self.months = months
        self.days = days
        self.microseconds = microseconds
    }

    /// For ordering, PostgreSQL counts a month as 30 days and a day as 24 hours.
    public var approximateMicroseconds: Int64 {
        (Int64(months) * 30 + Int64(days)) * 86_400_000_000 + microseconds
    }

    public static func < (lhs: Interval, rhs: Interval) -> Bool {
        lhs.approximateMicroseconds < rhs.approximateMicroseconds
    }

    public static func == (lhs: Interval, rhs: Interval) -> Bool {
        lhs.approximateMicroseconds == rhs.approximateMicroseconds
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(approximateMicroseconds) }

    /// PostgreSQL's default `postgres` style: `1 year 2 mons 3 days 04:05:06.5`.
    public var description: String {
        var parts: [String] = []
        let years = months / 12, mons = months % 12
        // PostgreSQL uses the singular only for exactly 1 (`-1 days`), and once a field was
        // negative marks later positive ones with `+` (`-1 days +02:00:00`).
        var isBefore = false
        func field(_ value: Int32, _ unit: String) {
            guard value != 0 else { return }
            parts.append((isBefore && value > 0 ? "+" : "") + "\(value) \(unit)" + (value == 1 ? "" : "s"))
            isBefore = isBefore || value < 0
        }
        field(years, "year")
        field(mons, "mon")
        field(days, "day")
        if microseconds != 0 || parts.isEmpty {
            let negative = microseconds < 0
            let total = microseconds.magnitude
            let hours = total / 3_600_000_000
            let minutes = (total / 60_000_000) % 60
            let seconds = (total / 1_000_000) % 60
            let micros = total % 1_000_000
            func pad(_ v: UInt64) -> String { v < 10 ? "0\(v)" : "\(v)" }
            var s = (negative ? "-" : isBefore ? "+" : "") + "\(pad(hours)):\(pad(minutes)):\(pad(seconds))"
            if micros != 0 {
                var frac = String(micros)
                frac = String(repeating: "0", count: 6 - frac.count) + frac
                while frac.hasSuffix("0") { frac.removeLast() }
                s += "." + frac
            }
            parts.append(s)
        }
        return parts.joined(separator: " ")
    }
}
