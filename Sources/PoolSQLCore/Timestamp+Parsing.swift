import Foundation

extension Timestamp {
    /// Parses PostgreSQL's ISO input forms: `2026-01-02`, `2026-01-02 03:04`, `2026-01-02T03:04:05.123`,
    /// with an optional zone suffix (`Z`, `+02`, `-05:30`, `UTC`). The zone is applied when
    /// `applyZone` is true (timestamptz) and ignored otherwise, as PostgreSQL does for
    /// `timestamp without time zone`. `epoch` is 1970-01-01.
    public init(parsing text: String, applyZone: Bool = false) throws(PoolSQLError) {
        let typeName = applyZone ? "timestamp with time zone" : "timestamp"
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let invalid = PoolSQLError(.invalidDatetimeFormat, "invalid input syntax for type \(typeName): \"\(text)\"")
        if trimmed.lowercased() == "epoch" { self.init(microseconds: 0); return }
        var scanner = DigitScanner(Array(trimmed.utf8))
        guard let year = scanner.number(minDigits: 4, maxDigits: 6), scanner.take(UInt8(ascii: "-")),
              let month = scanner.number(minDigits: 1, maxDigits: 2), scanner.take(UInt8(ascii: "-")),
              let day = scanner.number(minDigits: 1, maxDigits: 2)
        else { throw invalid }
        var hour = 0, minute = 0, second = 0, micro = 0
        var offsetSeconds = 0
        if !scanner.atEnd {
            guard scanner.take(UInt8(ascii: "T")) || scanner.take(UInt8(ascii: "t")) || scanner.takeSpaces() else { throw invalid }
            scanner.skipSpaces()
            if let h = scanner.number(minDigits: 1, maxDigits: 2) {
                hour = h
                guard scanner.take(UInt8(ascii: ":")), let m = scanner.number(minDigits: 2, maxDigits: 2) else { throw invalid }
                minute = m
                if scanner.take(UInt8(ascii: ":")) {
                    guard let s = scanner.number(minDigits: 2, maxDigits: 2) else { throw invalid }
                    second = s
                    if scanner.take(UInt8(ascii: ".")) {
                        guard let (fraction, digits) = scanner.digits(maxDigits: 9) else { throw invalid }
                        var f = fraction, d = digits
                        // Round to microseconds.
                        while d > 6 { let last = f % 10; f /= 10; d -= 1; if d == 6 && last >= 5 { f += 1 } }
                        while d < 6 { f *= 10; d += 1 }
                        micro = f
                    }
                }
            }
            scanner.skipSpaces()
            if !scanner.atEnd {
                guard let zone = scanner.zoneOffset() else { throw invalid }
                offsetSeconds = zone
            }
            scanner.skipSpaces()
            guard scanner.atEnd else { throw invalid }
        }
        guard year <= Timestamp.maximumYear else {
            throw PoolSQLError(.datetimeFieldOverflow, "timestamp out of range: \"\(text)\"")
        }
        guard (1...12).contains(month), day >= 1, day <= Timestamp.daysInMonth(year: year, month: month),
              hour <= 24, minute < 60, second <= 60, !(hour == 24 && (minute != 0 || second != 0 || micro != 0))
        else {
            throw PoolSQLError(.datetimeFieldOverflow, "date/time field value out of range: \"\(text)\"")
        }
        self.init(fields: Fields(year: year, month: month, day: day, hour: hour, minute: minute, second: second, microsecond: micro))
        if applyZone { microseconds -= Int64(offsetSeconds) * 1_000_000 }
    }
}
