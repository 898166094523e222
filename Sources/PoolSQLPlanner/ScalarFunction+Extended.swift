import Foundation
import PoolSQLCatalog
import PoolSQLCore

extension ScalarFunction {
    /// Math, date/time and string functions (arguments already non-NULL and of the bound
    /// types). Returns nil for the functions handled in `invoke` itself.
    func invokeExtended(_ values: [Value], type: DataType) throws(PoolSQLError) -> Value? {
        switch self {
        case .floor, .ceil, .trunc:
            let places: Int
            if values.count > 1, case let .int(p) = values[1] { places = Int(Swift.max(-1000, Swift.min(1000, p))) } else { places = 0 }
            switch values[0] {
            case let .double(d):
                return .double(self == .floor ? d.rounded(.down) : self == .ceil ? d.rounded(.up) : d.rounded(.towardZero))
            case let .numeric(n):
                var v = n.value, r = Decimal()
                let mode: NSDecimalNumber.RoundingMode = self == .floor ? .down : self == .ceil ? .up : (n.value < 0 ? .up : .down)
                NSDecimalRound(&r, &v, places, mode)
                return .numeric(SQLNumeric(r, scale: Swift.max(0, places)))
            default: return nil
            }
        case .sqrt:
            guard let d = values[0].asDouble else { return nil }
            if d < 0 { throw PoolSQLError(.init("2201F"), "cannot take square root of a negative number") }
            return .double(d.squareRoot())
        case .mod:
            return try Value.arithmetic(.modulo, values[0], values[1], resultType: type)
        case .extract, .datePart:
            guard case let .text(field) = values[0] else { return nil }
            let n = try ScalarFunction.extract(field.lowercased(), from: values[1])
            return self == .extract ? .numeric(n) : .double(n.doubleValue)
        case .dateTrunc:
            guard case let .text(field) = values[0], case let .timestamp(t) = values[1] else { return nil }
            return .timestamp(try ScalarFunction.truncate(t, to: field.lowercased(), type: type).with(kind: type == .timestamptz ? .timestamptz : .timestamp))
        case .substring:
            guard case let .text(s) = values[0], case let .int(start) = values[1] else { return nil }
            // Positions count code points, as in PostgreSQL.
            let chars = Array(s.unicodeScalars)
            var end = Int64(chars.count) + 1
            if values.count > 2, case let .int(length) = values[2] {
                if length < 0 { throw PoolSQLError(.init("22011"), "negative substring length not allowed") }
                end = start.addingReportingOverflow(length).overflow ? end : Swift.min(end, start + length)
            }
            let from = Swift.max(start, 1)
            guard from < end else { return .text("") }
            return .text(String(String.UnicodeScalarView(chars[Int(from - 1)..<Int(end - 1)])))
        case .strpos:
            guard case let .text(s) = values[0], case let .text(needle) = values[1] else { return nil }
            if needle.isEmpty { return .int(1) }
            let hay = Array(s.unicodeScalars), sought = Array(needle.unicodeScalars)
            guard sought.count <= hay.count else { return .int(0) }
            for start in 0...(hay.count - sought.count) where hay[start..<(start + sought.count)].elementsEqual(sought) {
                return .int(Int64(start + 1))
            }
            return .int(0)
        case .btrim, .ltrim, .rtrim:
            guard case let .text(s) = values[0] else { return nil }
            var set: Set<Character> = [" "]
            if values.count > 1, case let .text(chars) = values[1] { set = Set(chars) }
            var text = Substring(s)
            if self != .rtrim { text = text.drop(while: { set.contains($0) }) }
            if self != .ltrim { while let last = text.last, set.contains(last) { text = text.dropLast() } }
            return .text(String(text))
        case .replace:
            guard case let .text(s) = values[0], case let .text(from) = values[1], case let .text(to) = values[2] else { return nil }
            return .text(from.isEmpty ? s : s.replacingOccurrences(of: from, with: to))
        case .left, .right:
            guard case let .text(s) = values[0], case let .int(n) = values[1] else { return nil }
            let scalars = Array(s.unicodeScalars)
            let count = Int64(scalars.count)
            let take = Int(n >= 0 ? Swift.min(n, count) : Swift.max(0, count + n))
            let part = self == .left ? scalars.prefix(take) : scalars.suffix(take)
            return .text(String(String.UnicodeScalarView(part)))
        case .splitPart:
            guard case let .text(s) = values[0], case let .text(delimiter) = values[1], case let .int(n) = values[2] else { return nil }
            if n == 0 { throw PoolSQLError(.invalidParameterValue, "field position must not be zero") }
            let fields = delimiter.isEmpty ? [s] : s.components(separatedBy: delimiter)
            let index = n > 0 ? Int(n) - 1 : fields.count + Int(n)
            return .text(index >= 0 && index < fields.count ? fields[index] : "")
        case .regexMatch:
            guard case let .text(text) = values[0], case let .text(pattern) = values[1], case let .bool(insensitive) = values[2] else { return nil }
            let regex: NSRegularExpression
            do {
                regex = try NSRegularExpression(pattern: pattern, options: insensitive ? [.caseInsensitive] : [])
            } catch {
                throw PoolSQLError(.init("2201B"), "invalid regular expression: \(pattern)")
            }
            return .bool(regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil)
        case .likeEscape:
            guard case let .text(text) = values[0], case let .text(pattern) = values[1], case let .text(escape) = values[2],
                  case let .bool(insensitive) = values[3] else { return nil }
            guard escape.count <= 1 else {
                throw PoolSQLError(.invalidEscapeSequence, "invalid escape string", hint: "Escape string must be empty or one character.")
            }
            return .bool(LikePattern(pattern, caseInsensitive: insensitive, escape: escape.first).matches(text))
        case .startsWith:
            guard case let .text(s) = values[0], case let .text(prefix) = values[1] else { return nil }
            return .bool(s.hasPrefix(prefix))
        default:
            return nil
        }
    }

    /// `EXTRACT(field FROM timestamp|interval)` as PostgreSQL 14+ computes it (numeric, with
    /// six decimals for seconds and epoch).
    static func extract(_ field: String, from value: Value) throws(PoolSQLError) -> SQLNumeric {
        func n(_ i: Int) -> SQLNumeric { SQLNumeric(Int64(i)) }
        func micros(_ m: Int64, scale: Int, divisor: Int64) -> SQLNumeric {
            SQLNumeric(Decimal(m) / Decimal(divisor), scale: scale)
        }
        switch value {
        case let .timestamp(t):
            let f = t.fields
            let days = Timestamp.days(fromCivil: f.year, f.month, f.day)
            switch field {
            case "year": return n(f.year)
            case "month": return n(f.month)
            case "day": return n(f.day)
            case "hour": return n(f.hour)
            case "minute": return n(f.minute)
            case "second": return micros(Int64(f.second) * 1_000_000 + Int64(f.microsecond), scale: 6, divisor: 1_000_000)
            case "milliseconds": return micros(Int64(f.second) * 1_000_000 + Int64(f.microsecond), scale: 3, divisor: 1000)
            case "microseconds": return n(f.second * 1_000_000 + f.microsecond)
            case "epoch": return micros(t.microseconds, scale: t.kind == .date ? 0 : 6, divisor: 1_000_000)
            case "quarter": return n((f.month - 1) / 3 + 1)
            case "decade": return n(f.year >= 0 ? f.year / 10 : -((-f.year + 9) / 10))
            case "century": return n(f.year > 0 ? (f.year + 99) / 100 : -((99 - (f.year - 1)) / 100))
            case "millennium": return n(f.year > 0 ? (f.year + 999) / 1000 : -((999 - (f.year - 1)) / 1000))
            case "dow": return n(((days % 7) + 11) % 7)  // 1970-01-01 was a Thursday (4)
            case "isodow": let d = ((days % 7) + 11) % 7; return n(d == 0 ? 7 : d)
            case "doy": return n(days - Timestamp.days(fromCivil: f.year, 1, 1) + 1)
            case "week": return n(isoWeek(days: days).week)
            case "isoyear": return n(isoWeek(days: days).year)
            default:
                throw PoolSQLError(.invalidParameterValue, "unit \"\(field)\" not recognized for type timestamp without time zone")
            }
        case let .interval(i):
            let time = i.microseconds
            switch field {
            case "year": return n(Int(i.months / 12))
            case "month": return n(Int(i.months % 12))
            case "day": return n(Int(i.days))
            case "hour": return SQLNumeric(time / 3_600_000_000)
            case "minute": return SQLNumeric((time / 60_000_000) % 60)
            case "second": return micros(time % 60_000_000, scale: 6, divisor: 1_000_000)
            case "milliseconds": return micros(time % 60_000_000, scale: 3, divisor: 1000)
            case "microseconds": return SQLNumeric(time % 60_000_000)
            case "epoch":
                // A year counts 365.25 days, a month 30 days, as in PostgreSQL.
                let years = Decimal(Int(i.months / 12)) * Decimal(31_557_600)
                let months = Decimal(Int(i.months % 12)) * 2_592_000
                let seconds = years + months + Decimal(Int(i.days)) * 86_400 + Decimal(time) / 1_000_000
                return SQLNumeric(seconds, scale: 6)
            default:
                throw PoolSQLError(.invalidParameterValue, "unit \"\(field)\" not recognized for type interval")
            }
        default:
            throw PoolSQLError.internal("EXTRACT from \(value.dataType)")
        }
    }

    /// ISO 8601 week number and week-based year for a day count since 1970-01-01.
    static func isoWeek(days: Int) -> (year: Int, week: Int) {
        let isoDow = { (d: Int) -> Int in let w = ((d % 7) + 11) % 7; return w == 0 ? 7 : w }
        // The Thursday of this week decides the ISO year.
        let thursday = days - isoDow(days) + 4
        let (year, _, _) = Timestamp.civil(fromDays: thursday)
        let firstDay = Timestamp.days(fromCivil: year, 1, 1)
        return (year, (thursday - firstDay) / 7 + 1)
    }

    /// `date_trunc(unit, ts)` on the instant alone, for the columnar executor: units of fixed
    /// length (up to a day; timestamps have no time zone or leap seconds here) by flooring the
    /// microseconds, which is what the calendar-field path below gives for them; longer units
    /// through that path. `unit` must already be lower-case.
    public static func truncatedMicroseconds(_ microseconds: Int64, unit: String, type: DataType) throws(PoolSQLError) -> Int64 {
        let length: Int64
        switch unit {
        case "microseconds": return microseconds
        case "milliseconds": length = 1_000
        case "second": length = 1_000_000
        case "minute": length = 60_000_000
        case "hour": length = 3_600_000_000
        case "day": length = 86_400_000_000
        default: return try truncate(Timestamp(microseconds: microseconds), to: unit, type: type).microseconds
        }
        let remainder = microseconds % length
        return remainder < 0 ? microseconds - remainder - length : microseconds - remainder
    }

    /// `date_trunc('hour', ts)`: the start of the unit containing `t`.
    static func truncate(_ t: Timestamp, to unit: String, type: DataType) throws(PoolSQLError) -> Timestamp {
        var f = t.fields
        switch unit {
        case "microseconds": return t
        case "milliseconds": f.microsecond -= f.microsecond % 1000
        case "second": f.microsecond = 0
        case "minute": f.second = 0; f.microsecond = 0
        case "hour": f.minute = 0; f.second = 0; f.microsecond = 0
        case "day", "week", "month", "quarter", "year", "decade", "century", "millennium":
            f.hour = 0; f.minute = 0; f.second = 0; f.microsecond = 0
            switch unit {
            case "week":
                let days = Timestamp.days(fromCivil: f.year, f.month, f.day)
                let monday = days - ((((days % 7) + 11) % 7) + 6) % 7
                (f.year, f.month, f.day) = Timestamp.civil(fromDays: monday)
            case "month": f.day = 1
            case "quarter": f.day = 1; f.month = (f.month - 1) / 3 * 3 + 1
            case "year": f.day = 1; f.month = 1
            case "decade": f.day = 1; f.month = 1; f.year -= ((f.year % 10) + 10) % 10
            case "century": f.day = 1; f.month = 1; f.year = ((f.year - 1) / 100) * 100 + 1
            case "millennium": f.day = 1; f.month = 1; f.year = ((f.year - 1) / 1000) * 1000 + 1
            default: break
            }
        default:
            throw PoolSQLError(.invalidParameterValue, "unit \"\(unit)\" not recognized for type \(type.postgresName)")
        }
        return Timestamp(fields: f)
    }
}
