import Foundation

extension Interval {
    /// Parses PostgreSQL's interval input: `24 hours`, `1 day 02:00:00`, `-1 day`, `1.5 hours`,
    /// `2 mons`, `1 year 2 months`, `90 minutes ago`, `@ 3 days`, `01:30`, and a bare number
    /// of seconds.
    public init(parsing text: String) throws(PoolSQLError) {
        let invalid = PoolSQLError(.invalidDatetimeFormat, "invalid input syntax for type interval: \"\(text)\"")
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        if trimmed.hasPrefix("P"), trimmed.count > 1, !trimmed.contains(" ") {
            // ISO 8601 durations: P1Y2M3W4DT5H6M7.5S.
            var pieces: [String] = []
            var inTime = false
            var number = ""
            for c in trimmed.dropFirst() {
                if c == "T" { inTime = true; continue }
                if c.isNumber || c == "." || c == "-" { number.append(c); continue }
                guard !number.isEmpty else { throw invalid }
                let unit: String
                switch (c, inTime) {
                case ("Y", false): unit = "years"
                case ("M", false): unit = "months"
                case ("W", false): unit = "weeks"
                case ("D", false): unit = "days"
                case ("H", true): unit = "hours"
                case ("M", true): unit = "minutes"
                case ("S", true): unit = "seconds"
                default: throw invalid
                }
                pieces.append("\(number) \(unit)")
                number = ""
            }
            guard number.isEmpty, !pieces.isEmpty else { throw invalid }
            self = try Interval(parsing: pieces.joined(separator: " "))
            return
        }
        var tokens = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).map(String.init)
        if tokens.first == "@" { tokens.removeFirst() }
        var negateAll = false
        if tokens.last == "ago" { negateAll = true; tokens.removeLast() }
        guard !tokens.isEmpty else { throw invalid }
        var months = 0.0, days = 0.0, micros = 0.0
        var i = 0
        while i < tokens.count {
            let token = tokens[i]
            if token.contains(":") {
                guard let time = Interval.parseTime(token) else { throw invalid }
                micros += time
                i += 1
                continue
            }
            // A number, possibly glued to its unit (`24h`, `10min`).
            let numberEnd = token.firstIndex(where: { !($0.isNumber || $0 == "." || $0 == "-" || $0 == "+") }) ?? token.endIndex
            guard let amount = Double(token[..<numberEnd]) else { throw invalid }
            var unit = String(token[numberEnd...])
            if unit.isEmpty {
                if i + 1 < tokens.count, Interval.unitScale(tokens[i + 1]) != nil {
                    unit = tokens[i + 1]
                    i += 1
                } else {
                    unit = "second"
                }
            }
            guard let scale = Interval.unitScale(unit) else { throw invalid }
            switch scale {
            case let .months(n): months += amount * n
            case let .days(n): days += amount * n
            case let .microseconds(n): micros += amount * n
            }
            i += 1
        }
        // Fractions spill downwards as PostgreSQL does: a month is 30 days, a day 24 hours.
        let wholeMonths = months.rounded(.towardZero)
        days += (months - wholeMonths) * 30
        let wholeDays = days.rounded(.towardZero)
        micros += (days - wholeDays) * 86_400_000_000
        guard wholeMonths.magnitude <= Double(Int32.max), wholeDays.magnitude <= Double(Int32.max), micros.magnitude < 9.2e18 else {
            throw PoolSQLError(.datetimeFieldOverflow, "interval field value out of range: \"\(text)\"")
        }
        self.init(months: Int32(wholeMonths), days: Int32(wholeDays), microseconds: Int64(micros.rounded()))
        if negateAll { self = negated() }
    }

    private enum UnitScale { case months(Double), days(Double), microseconds(Double) }

    private static func unitScale(_ unit: String) -> UnitScale? {
        switch unit {
        case "millennium", "millennia", "millenniums", "mil", "mils": return .months(12_000)
        case "century", "centuries", "cent", "c": return .months(1200)
        case "decade", "decades", "dec", "decs": return .months(120)
        case "year", "years", "yr", "yrs", "y": return .months(12)
        case "month", "months", "mon", "mons": return .months(1)
        case "week", "weeks", "w": return .days(7)
        case "day", "days", "d": return .days(1)
        case "hour", "hours", "hr", "hrs", "h": return .microseconds(3_600_000_000)
        case "minute", "minutes", "min", "mins", "m": return .microseconds(60_000_000)
        case "second", "seconds", "sec", "secs", "s": return .microseconds(1_000_000)
        case "millisecond", "milliseconds", "ms", "msec", "msecs": return .microseconds(1000)
        case "microsecond", "microseconds", "us", "usec", "usecs": return .microseconds(1)
        default: return nil
        }
    }

    /// `[-]HH:MM[:SS[.ffffff]]` in microseconds.
    private static func parseTime(_ token: String) -> Double? {
        var text = Substring(token)
        var sign = 1.0
        if text.hasPrefix("-") { sign = -1; text = text.dropFirst() } else if text.hasPrefix("+") { text = text.dropFirst() }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3,
              let hours = Double(parts[0]), let minutes = Double(parts[1]),
              !parts[0].contains("."), !parts[1].contains(".")
        else { return nil }
        var seconds = 0.0
        if parts.count == 3 {
            guard let s = Double(parts[2]) else { return nil }
            seconds = s
        }
        return sign * (hours * 3_600_000_000 + minutes * 60_000_000 + seconds * 1_000_000)
    }
}
