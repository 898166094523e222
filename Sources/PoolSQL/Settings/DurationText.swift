import PoolSQLCore

/// Reads and writes durations as settings take them: `'1s'`, `'500ms'`, `'10 seconds'`,
/// `'7 days'`, `'1h 30min'`, or a plain number of milliseconds.
public enum DurationText {
    private static let unitMilliseconds: [(names: [String], ms: Double)] = [
        (["us", "usec", "usecs", "microsecond", "microseconds"], 0.001),
        (["ms", "msec", "msecs", "millisecond", "milliseconds"], 1),
        (["s", "sec", "secs", "second", "seconds"], 1000),
        (["m", "min", "mins", "minute", "minutes"], 60_000),
        (["h", "hr", "hrs", "hour", "hours"], 3_600_000),
        (["d", "day", "days"], 86_400_000),
        (["w", "week", "weeks"], 604_800_000),
    ]

    /// Milliseconds, or nil when the text is not a duration.
    public static func parseMilliseconds(_ text: String) -> Int64? {
        let scalars = Array(text.lowercased().unicodeScalars)
        var i = 0
        var total = 0.0
        var sawAny = false
        func skipSpaces() { while i < scalars.count, scalars[i] == " " || scalars[i] == "\t" { i += 1 } }
        skipSpaces()
        while i < scalars.count {
            var number = ""
            if scalars[i] == "-" || scalars[i] == "+" { number.unicodeScalars.append(scalars[i]); i += 1 }
            while i < scalars.count, (scalars[i] >= "0" && scalars[i] <= "9") || scalars[i] == "." {
                number.unicodeScalars.append(scalars[i]); i += 1
            }
            guard let amount = Double(number), amount.isFinite else { return nil }
            skipSpaces()
            var unit = ""
            while i < scalars.count, scalars[i] >= "a" && scalars[i] <= "z" { unit.unicodeScalars.append(scalars[i]); i += 1 }
            let factor: Double
            if unit.isEmpty {
                factor = 1  // a plain number is milliseconds
            } else if let match = unitMilliseconds.first(where: { $0.names.contains(unit) }) {
                factor = match.ms
            } else {
                return nil
            }
            total += amount * factor
            sawAny = true
            skipSpaces()
            if i < scalars.count, scalars[i] == "," { i += 1; skipSpaces() }
        }
        guard sawAny, total.magnitude < 9.2e18 else { return nil }
        return Int64(total.rounded())
    }

    /// `0`, `500ms`, `30s`, `5min`, `2h`, `7d` — the largest unit that divides exactly.
    public static func format(milliseconds ms: Int64) -> String {
        if ms == 0 { return "0" }
        for (suffix, size) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("min", 60_000), ("s", 1000)] where ms % size == 0 {
            return "\(ms / size)\(suffix)"
        }
        return "\(ms)ms"
    }
}
