import Foundation
import PoolSQLCore

extension ScalarFunction {
    static let microsecondsPerDay: Int64 = 86_400_000_000

    func invokeDateTime(_ values: [Value], type: DataType, context: ExecutionContext) throws(PoolSQLError) -> Value? {
        switch self {
        case .toChar:
            guard case let .text(template) = values[1] else { return nil }
            // An empty template gives NULL for dates and times (and empty text for numbers).
            if template.isEmpty, case .timestamp = values[0] { return .null }
            if template.isEmpty, case .interval = values[0] { return .null }
            switch values[0] {
            case let .timestamp(t): return .text(DateTimeTemplate.cached(template).format(DateTimeTemplate.fields(of: t)))
            case let .interval(i): return .text(DateTimeTemplate.cached(template).format(DateTimeTemplate.fields(of: i)))
            case .int, .numeric, .double: return .text(try NumberTemplate.format(values[0], template: template))
            default: return nil
            }
        case .toTimestamp:
            if values.count == 1 {
                guard case let .double(seconds) = values[0] else { return nil }
                guard seconds.isFinite else {
                    throw PoolSQLError.notSupported("infinite timestamps")
                }
                let micros = (seconds * 1_000_000).rounded()
                guard micros.magnitude < 9.2e18 else { throw PoolSQLError(.datetimeFieldOverflow, "timestamp out of range: \"\(Value.formatDouble(seconds))\"") }
                return .timestamp(Timestamp(microseconds: Int64(micros), kind: .timestamptz))
            }
            guard case let .text(input) = values[0], case let .text(template) = values[1] else { return nil }
            return .timestamp(try DateTimeTemplate.cached(template).parse(input, typeName: "timestamp").with(kind: .timestamptz))
        case .toDate:
            guard case let .text(input) = values[0], case let .text(template) = values[1] else { return nil }
            return try Value.timestamp(DateTimeTemplate.cached(template).parse(input, typeName: "date")).cast(to: .date)
        case .makeInterval:
            if values.contains(where: \.isNull) { return .null }
            var ints: [Int64] = []
            for v in values.prefix(6) {
                guard case let .int(i) = v else { return nil }
                ints.append(i)
            }
            guard case let .double(seconds) = values[6] else { return nil }
            let yearMonths = ints[0].multipliedReportingOverflow(by: 12), weekDays = ints[2].multipliedReportingOverflow(by: 7)
            let monthSum = yearMonths.partialValue.addingReportingOverflow(ints[1]), daySum = weekDays.partialValue.addingReportingOverflow(ints[3])
            guard !yearMonths.overflow, !weekDays.overflow, !monthSum.overflow, !daySum.overflow else {
                throw PoolSQLError(.datetimeFieldOverflow, "interval out of range")
            }
            let months = monthSum.partialValue, days = daySum.partialValue
            let micros = Double(ints[4]) * 3_600_000_000 + Double(ints[5]) * 60_000_000 + seconds * 1_000_000
            guard let m = Int32(exactly: months), let d = Int32(exactly: days), micros.isFinite, micros.magnitude < 9.2e18 else {
                throw PoolSQLError(.datetimeFieldOverflow, "interval out of range")
            }
            return .interval(Interval(months: m, days: d, microseconds: Int64(micros.rounded())))
        case .makeDate, .makeTimestamp:
            var ints: [Int] = []
            for v in values.prefix(self == .makeDate ? 3 : 5) {
                guard case let .int(i) = v else { return nil }
                ints.append(Int(clamping: i))
            }
            var seconds = 0.0
            if self == .makeTimestamp, case let .double(s) = values[5] { seconds = s }
            var year = ints[0]
            // make_date(-44, 3, 15) is 44 BC.
            if year < 0 { year += 1 }
            let hour = ints.count > 3 ? ints[3] : 0, minute = ints.count > 4 ? ints[4] : 0
            guard ints[0] != 0, (1...12).contains(ints[1]), ints[2] >= 1, Swift.abs(year) <= Timestamp.maximumYear,
                  ints[2] <= Timestamp.daysInMonth(year: year, month: ints[1]),
                  (0...23).contains(hour), (0...59).contains(minute), seconds >= 0, seconds < 60
            else {
                let what = self == .makeDate ? "date" : "date/time"
                throw PoolSQLError(.datetimeFieldOverflow,
                                   "\(what) field value out of range: \(ints[0])-\(DateTimeTemplate.pad(ints[1], 2, fillMode: false))-\(DateTimeTemplate.pad(ints[2], 2, fillMode: false))")
            }
            let micro = Int((seconds * 1_000_000).rounded())
            let fields = Timestamp.Fields(year: year, month: ints[1], day: ints[2], hour: hour, minute: minute,
                                          second: micro / 1_000_000, microsecond: micro % 1_000_000)
            return .timestamp(Timestamp(fields: fields, kind: self == .makeDate ? .date : .timestamp))
        case .age:
            guard case let .timestamp(a) = values[0] else { return nil }
            if values.count == 1 {
                // age(t) counts from midnight of the statement's day.
                var today = context.statementTimestamp.fields
                today.hour = 0; today.minute = 0; today.second = 0; today.microsecond = 0
                return .interval(ScalarFunction.age(Timestamp(fields: today), a))
            }
            guard case let .timestamp(b) = values[1] else { return nil }
            return .interval(ScalarFunction.age(a, b))
        case .justifyHours, .justifyDays, .justifyInterval:
            guard case let .interval(i) = values[0] else { return nil }
            return .interval(try ScalarFunction.justify(i, hours: self != .justifyDays, days: self != .justifyHours))
        case .timezone:
            guard case let .text(zone) = values[0], case let .timestamp(t) = values[1] else { return nil }
            let offset = try ScalarFunction.zoneOffset(zone)
            if t.kind == .timestamptz {
                // The wall-clock time in `zone`.
                let seconds = offset(t.microseconds, true)
                return .timestamp(Timestamp(microseconds: t.microseconds + Int64(seconds) * 1_000_000, kind: .timestamp))
            }
            // The instant at which `zone`'s clocks show `t`.
            let seconds = offset(t.microseconds, false)
            return .timestamp(Timestamp(microseconds: t.microseconds - Int64(seconds) * 1_000_000, kind: .timestamptz))
        case .dateTrunc:
            guard case let .text(unit) = values[0], case let .interval(i) = values[1] else { return nil }
            return .interval(try ScalarFunction.truncate(i, to: unit.lowercased()))
        default:
            return nil
        }
    }

    /// PostgreSQL's `age`: the difference as years, months and days (borrowing from the
    /// month before the later date), then time.
    static func age(_ t1: Timestamp, _ t2: Timestamp) -> Interval {
        let a = t1.fields, b = t2.fields
        let later = t1.microseconds >= t2.microseconds
        var micro = a.microsecond - b.microsecond, sec = a.second - b.second, min = a.minute - b.minute
        var hour = a.hour - b.hour, mday = a.day - b.day, mon = a.month - b.month, year = a.year - b.year
        if !later { micro = -micro; sec = -sec; min = -min; hour = -hour; mday = -mday; mon = -mon; year = -year }
        while micro < 0 { micro += 1_000_000; sec -= 1 }
        while sec < 0 { sec += 60; min -= 1 }
        while min < 0 { min += 60; hour -= 1 }
        while hour < 0 { hour += 24; mday -= 1 }
        while mday < 0 {
            let f = later ? b : a
            mday += Timestamp.daysInMonth(year: f.year, month: f.month)
            mon -= 1
        }
        while mon < 0 { mon += 12; year -= 1 }
        if !later { micro = -micro; sec = -sec; min = -min; hour = -hour; mday = -mday; mon = -mon; year = -year }
        let time = Int64(hour) * 3_600_000_000 + Int64(min) * 60_000_000 + Int64(sec) * 1_000_000 + Int64(micro)
        return Interval(months: Int32(clamping: year * 12 + mon), days: Int32(clamping: mday), microseconds: time)
    }

    /// `justify_hours` (24 hours → 1 day), `justify_days` (30 days → 1 month), and both
    /// (`justify_interval`), keeping every field's sign the same, as PostgreSQL does.
    static func justify(_ i: Interval, hours: Bool, days: Bool) throws(PoolSQLError) -> Interval {
        var months = Int64(i.months), dayCount = Int64(i.days), time = i.microseconds
        if hours && days {
            if (dayCount > 0 && time > 0) || (dayCount < 0 && time < 0) {
                months += dayCount / 30
                dayCount %= 30
            }
        }
        if hours {
            dayCount += time / microsecondsPerDay
            time %= microsecondsPerDay
        }
        if days {
            months += dayCount / 30
            dayCount %= 30
            if hours {
                if months > 0 && (dayCount < 0 || (dayCount == 0 && time < 0)) {
                    dayCount += 30; months -= 1
                } else if months < 0 && (dayCount > 0 || (dayCount == 0 && time > 0)) {
                    dayCount -= 30; months += 1
                }
            } else if months > 0 && dayCount < 0 {
                dayCount += 30; months -= 1
            } else if months < 0 && dayCount > 0 {
                dayCount -= 30; months += 1
            }
        }
        if hours {
            if dayCount > 0 && time < 0 {
                time += microsecondsPerDay; dayCount -= 1
            } else if dayCount < 0 && time > 0 {
                time -= microsecondsPerDay; dayCount += 1
            }
        }
        guard let m = Int32(exactly: months), let d = Int32(exactly: dayCount) else {
            throw PoolSQLError(.datetimeFieldOverflow, "interval out of range")
        }
        return Interval(months: m, days: d, microseconds: time)
    }

    /// `date_trunc(unit, interval)`: the fields below `unit` set to zero.
    static func truncate(_ i: Interval, to unit: String) throws(PoolSQLError) -> Interval {
        var years = Int64(i.months / 12), months = Int64(i.months % 12), days = Int64(i.days)
        let time = i.microseconds
        var hours = time / 3_600_000_000, minutes = (time / 60_000_000) % 60, seconds = (time / 1_000_000) % 60
        var micros = time % 1_000_000
        switch unit {
        case "millennium": years = years / 1000 * 1000; months = 0; days = 0; hours = 0; minutes = 0; seconds = 0; micros = 0
        case "century": years = years / 100 * 100; months = 0; days = 0; hours = 0; minutes = 0; seconds = 0; micros = 0
        case "decade": years = years / 10 * 10; months = 0; days = 0; hours = 0; minutes = 0; seconds = 0; micros = 0
        case "year": months = 0; days = 0; hours = 0; minutes = 0; seconds = 0; micros = 0
        case "quarter": months = months / 3 * 3; days = 0; hours = 0; minutes = 0; seconds = 0; micros = 0
        case "month": days = 0; hours = 0; minutes = 0; seconds = 0; micros = 0
        case "day": hours = 0; minutes = 0; seconds = 0; micros = 0
        case "hour": minutes = 0; seconds = 0; micros = 0
        case "minute": seconds = 0; micros = 0
        case "second": micros = 0
        case "milliseconds": micros = micros / 1000 * 1000
        case "microseconds": break
        case "week":
            throw PoolSQLError(.featureNotSupported, "unit \"week\" not supported for type interval", detail: "Months usually have fractional weeks.")
        default:
            throw PoolSQLError(.invalidParameterValue, "interval units \"\(unit)\" not recognized")
        }
        let time2 = hours * 3_600_000_000 + minutes * 60_000_000 + seconds * 1_000_000 + micros
        return Interval(months: Int32(clamping: years * 12 + months), days: Int32(clamping: days), microseconds: time2)
    }

    /// The UTC offset (seconds east) of a time zone at an instant (`utc` true) or at a local
    /// wall-clock time (`utc` false). Accepts `UTC`/`GMT`/`Z`, IANA names (`Europe/Berlin`),
    /// abbreviations Foundation knows (`EST`), and POSIX offsets (`+02` is two hours *west* of
    /// UTC, as PostgreSQL reads it; `UTC+3` likewise).
    static func zoneOffset(_ zone: String) throws(PoolSQLError) -> (Int64, Bool) -> Int {
        let name = zone.trimmingCharacters(in: .whitespaces)
        let upper = name.uppercased()
        if ["UTC", "GMT", "Z", "ZULU", "UCT", "ETC/UTC", "ETC/GMT", "UNIVERSAL"].contains(upper) { return { _, _ in 0 } }
        // POSIX: [name]±hh[:mm[:ss]], the sign meaning west of Greenwich.
        var rest = Substring(name)
        for prefix in ["UTC", "GMT"] where upper.hasPrefix(prefix) && upper.count > prefix.count {
            rest = rest.dropFirst(prefix.count)
        }
        if let first = rest.first, first == "+" || first == "-" || first.isNumber {
            let negative = first == "-"
            let digits = first.isNumber ? rest : rest.dropFirst()
            let parts = digits.split(separator: ":", omittingEmptySubsequences: false)
            if !parts.isEmpty, parts.count <= 3, let h = Int(parts[0]), h <= 168 {
                let m = parts.count > 1 ? Int(parts[1]) : 0
                let s = parts.count > 2 ? Int(parts[2]) : 0
                if let m, let s {
                    let seconds = h * 3600 + m * 60 + s
                    let east = negative ? seconds : -seconds
                    return { _, _ in east }
                }
            }
        }
        guard let tz = TimeZone(identifier: name) ?? TimeZone(abbreviation: upper) else {
            throw PoolSQLError(.invalidParameterValue, "time zone \"\(zone)\" not recognized")
        }
        return { micros, utc in
            let instant = Date(timeIntervalSince1970: Double(micros) / 1_000_000)
            if utc { return tz.secondsFromGMT(for: instant) }
            // Local time: the offset that, applied, lands on a moment with that same offset.
            let guess = tz.secondsFromGMT(for: instant)
            let adjusted = Date(timeIntervalSince1970: Double(micros) / 1_000_000 - Double(guess))
            return tz.secondsFromGMT(for: adjusted)
        }
    }
}
