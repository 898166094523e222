import Foundation

/// A timestamp without time zone, in microseconds since 1970-01-01 00:00:00 (UTC is assumed for
/// `timestamptz` values; PoolSQL sessions run in UTC).
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var microseconds: Int64
    /// Which SQL type the value is: it decides only how the value prints (`date` without a
    /// time, `timestamptz` with `+00`); comparisons and hashing look at the instant alone.
    public var kind: Kind

    /// The three date/time types PoolSQL keeps as one instant.
    public enum Kind: Sendable, Hashable {
        case timestamp
        case timestamptz
        case date

        public var dataType: DataType {
            switch self {
            case .timestamp: return .timestamp
            case .timestamptz: return .timestamptz
            case .date: return .date
            }
        }
    }

    public init(microseconds: Int64, kind: Kind = .timestamp) {
        self.microseconds = microseconds
        self.kind = kind
    }

    public init(date: Date, kind: Kind = .timestamp) {
        self.microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        self.kind = kind
    }

    public static func now() -> Timestamp { Timestamp(date: Date()) }

    public var date: Date { Date(timeIntervalSince1970: Double(microseconds) / 1_000_000) }

    /// The same instant as another type.
    public func with(kind: Kind) -> Timestamp { Timestamp(microseconds: microseconds, kind: kind) }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.microseconds < rhs.microseconds }

    public static func == (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.microseconds == rhs.microseconds }

    public func hash(into hasher: inout Hasher) { hasher.combine(microseconds) }

    /// Calendar fields in UTC (proleptic Gregorian).
    public struct Fields: Sendable, Hashable {
        public var year: Int, month: Int, day: Int
        public var hour: Int, minute: Int, second: Int, microsecond: Int
        public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, microsecond: Int = 0) {
            self.year = year; self.month = month; self.day = day
            self.hour = hour; self.minute = minute; self.second = second; self.microsecond = microsecond
        }
    }

    public var fields: Fields {
        let perDay: Int64 = 86_400_000_000
        var days = microseconds / perDay
        var rest = microseconds % perDay
        if rest < 0 { rest += perDay; days -= 1 }
        let (y, m, d) = Timestamp.civil(fromDays: Int(days))
        let totalSeconds = Int(rest / 1_000_000)
        return Fields(year: y, month: m, day: d, hour: totalSeconds / 3600, minute: (totalSeconds / 60) % 60,
                      second: totalSeconds % 60, microsecond: Int(rest % 1_000_000))
    }

    public init(fields f: Fields, kind: Kind = .timestamp) {
        let days = Int64(Timestamp.days(fromCivil: f.year, f.month, f.day))
        let secs = Int64(f.hour * 3600 + f.minute * 60 + f.second)
        self.microseconds = days * 86_400_000_000 + secs * 1_000_000 + Int64(f.microsecond)
        self.kind = kind
    }

    /// Days since 1970-01-01 for a civil date (Howard Hinnant's algorithm).
    public static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// `YYYY-MM-DD HH:MM:SS[.ffffff]`, trailing fractional zeros dropped, as PostgreSQL prints
    /// (dates as `YYYY-MM-DD`; timestamptz in UTC with `+00`). Years before 1 print as `… BC`.
    public var description: String {
        let f = fields
        func pad(_ v: Int, _ n: Int) -> String {
            let s = String(v)
            return s.count >= n ? s : String(repeating: "0", count: n - s.count) + s
        }
        // PostgreSQL has no year 0: year 0 is 1 BC.
        let bc = f.year <= 0
        var s = "\(pad(bc ? 1 - f.year : f.year, 4))-\(pad(f.month, 2))-\(pad(f.day, 2))"
        if kind != .date {
            s += " \(pad(f.hour, 2)):\(pad(f.minute, 2)):\(pad(f.second, 2))"
            if f.microsecond != 0 {
                var frac = pad(f.microsecond, 6)
                while frac.hasSuffix("0") { frac.removeLast() }
                s += "." + frac
            }
            if kind == .timestamptz { s += "+00" }
        }
        if bc { s += " BC" }
        return s
    }
}
