import PoolSQLCore

/// PostgreSQL's date/time template patterns (`YYYY-MM-DD HH24:MI:SS`, `FMMonth`, `Dy`, `DDth`,
/// …) for `to_char` on timestamps, dates and intervals, and for `to_timestamp`/`to_date`.
/// Sessions run in UTC, so `TZ` is `UTC` for timestamptz values and `OF` is `+00`.
struct DateTimeTemplate {
    /// One piece of a template.
    enum Item: Equatable {
        case field(String, fillMode: Bool, suffix: Suffix?)
        case literal(String)
    }

    enum Suffix: Equatable { case upper, lower }

    let items: [Item]

    /// Keywords, longest first where one is a prefix of another (matched case-sensitively:
    /// `Month`, `MONTH` and `month` differ in how they print).
    static let keywords: [String] = {
        let upper = [
            "A.D.", "A.M.", "AD", "AM", "B.C.", "BC", "CC", "DAY", "DDD", "DD", "DY", "D", "FF1", "FF2", "FF3", "FF4", "FF5", "FF6",
            "HH24", "HH12", "HH", "IDDD", "ID", "IW", "IYYY", "IYY", "IY", "I", "J", "MI", "MM", "MONTH", "MON", "MS", "OF",
            "P.M.", "PM", "Q", "RM", "SSSSS", "SSSS", "SS", "TZH", "TZM", "TZ", "US", "WW", "W", "Y,YYY", "YYYY", "YYY", "YY", "Y",
        ]
        let mixed = ["Day", "Dy", "Month", "Mon"]
        let all = upper + upper.map { $0.lowercased() } + mixed
        return all.sorted { $0.count > $1.count }
    }()

    /// Parsed templates by text. A query calls `to_char` once per row with the same constant
    /// template; parsing it every time was about an eighth of an hourly-trend query's time.
    private static let cache = AnnotatedMutex<[String: DateTimeTemplate]>([:])

    /// The parsed template, from the cache when it was seen before.
    static func cached(_ template: String) -> DateTimeTemplate {
        if let hit = cache.withLock({ $0[template] }) { return hit }
        let parsed = DateTimeTemplate(template)
        cache.withLock { cache in
            // Bounded: templates built from data must not grow the cache without limit.
            if cache.count >= 256 { cache.removeAll() }
            cache[template] = parsed
        }
        return parsed
    }

    init(_ template: String) {
        var items: [Item] = []
        let chars = Array(template)
        var i = 0
        var literal = ""
        func flush() {
            if !literal.isEmpty { items.append(.literal(literal)); literal = "" }
        }
        func matches(_ word: String, at position: Int) -> Bool {
            let w = Array(word)
            guard position + w.count <= chars.count else { return false }
            return Array(chars[position..<(position + w.count)]) == w
        }
        while i < chars.count {
            if chars[i] == "\"" {
                // Quoted text is copied; `\"` inside it is a quote.
                i += 1
                while i < chars.count, chars[i] != "\"" {
                    if chars[i] == "\\", i + 1 < chars.count { i += 1 }
                    literal.append(chars[i])
                    i += 1
                }
                i += 1
                continue
            }
            var fillMode = false
            var j = i
            // FM (fill mode), FX and TM prefixes.
            while true {
                if matches("FM", at: j) || matches("fm", at: j) { fillMode = true; j += 2; continue }
                if matches("FX", at: j) || matches("fx", at: j) || matches("TM", at: j) || matches("tm", at: j) { j += 2; continue }
                break
            }
            if let keyword = DateTimeTemplate.keywords.first(where: { matches($0, at: j) }) {
                flush()
                j += keyword.count
                var suffix: Suffix?
                if matches("TH", at: j) { suffix = .upper; j += 2 } else if matches("th", at: j) { suffix = .lower; j += 2 }
                items.append(.field(keyword, fillMode: fillMode, suffix: suffix))
                i = j
                continue
            }
            if j > i {
                // A prefix with no keyword after it prints nothing.
                i = j
                continue
            }
            literal.append(chars[i])
            i += 1
        }
        flush()
        self.items = items
    }

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
    static let dayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    static let romanMonths = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]

    /// The calendar and clock fields a template prints.
    struct Fields {
        var year: Int, month: Int, day: Int
        var hour: Int, minute: Int, second: Int, microsecond: Int
        /// Day counts since 1970-01-01 (timestamps only; nil for intervals).
        var epochDay: Int?
        var isTimestamptz = false
        /// Intervals print negative fields and unbounded hours.
        var isInterval = false
    }

    static func fields(of t: Timestamp) -> Fields {
        let f = t.fields
        return Fields(year: f.year, month: f.month, day: f.day, hour: f.hour, minute: f.minute, second: f.second,
                      microsecond: f.microsecond, epochDay: Timestamp.days(fromCivil: f.year, f.month, f.day),
                      isTimestamptz: t.kind == .timestamptz)
    }

    static func fields(of i: Interval) -> Fields {
        let micros = i.microseconds
        return Fields(year: Int(i.months / 12), month: Int(i.months % 12), day: Int(i.days),
                      hour: Int(micros / 3_600_000_000), minute: Int((micros / 60_000_000) % 60),
                      second: Int((micros / 1_000_000) % 60), microsecond: Int(micros % 1_000_000), epochDay: nil, isInterval: true)
    }

    func format(_ f: Fields) -> String {
        if let digits = formatDigitFields(f) { return digits }
        var out = ""
        for item in items {
            switch item {
            case let .literal(s): out += s
            case let .field(keyword, fillMode, suffix): out += DateTimeTemplate.render(keyword, f, fillMode: fillMode, suffix: suffix)
            }
        }
        return out
    }

    /// The common dashboard templates (`YYYY-MM-DD HH24:MI`, …: zero-padded numeric fields of
    /// a timestamp between literals) written as bytes, without `render`'s per-field strings;
    /// nil for any other template or value, which `format` renders field by field.
    private func formatDigitFields(_ f: Fields) -> String? {
        if f.isInterval { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        for item in items {
            switch item {
            case let .literal(text):
                bytes.append(contentsOf: text.utf8)
            case let .field(keyword, fillMode, suffix):
                guard !fillMode, suffix == nil else { return nil }
                let value: Int, width: Int
                switch keyword {
                case "YYYY", "yyyy":
                    // Years before 1 print as BC years: the general path.
                    guard f.year >= 1 else { return nil }
                    value = f.year; width = 4
                case "MM", "mm": value = f.month; width = 2
                case "DD", "dd": value = f.day; width = 2
                case "HH24", "hh24": value = f.hour; width = 2
                case "MI", "mi": value = f.minute; width = 2
                case "SS", "ss": value = f.second; width = 2
                default: return nil
                }
                guard value >= 0 else { return nil }
                // Zero-padded to the width; a wider value prints whole, as `pad` does.
                var digits: [UInt8] = []
                var rest = value
                repeat {
                    digits.append(UInt8(ascii: "0") + UInt8(rest % 10))
                    rest /= 10
                } while rest > 0
                for _ in digits.count..<max(width, digits.count) { bytes.append(UInt8(ascii: "0")) }
                bytes.append(contentsOf: digits.reversed())
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func pad(_ value: Int, _ width: Int, fillMode: Bool) -> String {
        let digits = String(value.magnitude)
        let padded = fillMode || digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
        return (value < 0 ? "-" : "") + padded
    }

    static func ordinal(_ value: Int, _ suffix: Suffix?) -> String {
        guard let suffix else { return "" }
        let n = value.magnitude
        let s: String
        if n % 100 >= 11 && n % 100 <= 13 {
            s = "th"
        } else {
            switch n % 10 {
            case 1: s = "st"
            case 2: s = "nd"
            case 3: s = "rd"
            default: s = "th"
            }
        }
        return suffix == .upper ? s.uppercased() : s
    }

    /// A name in the keyword's case (`MONTH`, `Month`, `month`), padded to `width` unless FM.
    static func name(_ text: String, keyword: String, width: Int, fillMode: Bool) -> String {
        let cased: String
        if keyword == keyword.uppercased() {
            cased = text.uppercased()
        } else if keyword == keyword.lowercased() {
            cased = text.lowercased()
        } else {
            cased = text
        }
        if fillMode || cased.count >= width { return cased }
        return cased + String(repeating: " ", count: width - cased.count)
    }

    static func render(_ keyword: String, _ f: Fields, fillMode: Bool, suffix: Suffix?) -> String {
        let upper = keyword.uppercased()
        let epochDay = f.epochDay ?? 0
        let dow = ((epochDay % 7) + 11) % 7  // 0 = Sunday
        let dayOfYear = f.epochDay.map { $0 - Timestamp.days(fromCivil: f.year, 1, 1) + 1 } ?? f.day
        // Years before 1 are 1 BC, 2 BC, …
        let displayYear = f.year <= 0 && !f.isInterval ? 1 - f.year : f.year
        let hour12 = f.isInterval ? (f.hour % 12 == 0 ? 12 : f.hour % 12) : (f.hour % 12 == 0 ? 12 : f.hour % 12)
        func number(_ v: Int, _ width: Int) -> String { pad(v, width, fillMode: fillMode) + ordinal(v, suffix) }
        switch upper {
        case "YYYY": return number(displayYear, 4)
        case "YYY": return number(displayYear % 1000, 3)
        case "YY": return number(displayYear % 100, 2)
        case "Y": return number(displayYear % 10, 1)
        case "Y,YYY":
            let thousands = displayYear / 1000, rest = displayYear % 1000
            return "\(thousands)," + pad(rest, 3, fillMode: false) + ordinal(displayYear, suffix)
        case "IYYY", "IYY", "IY", "I":
            let iso = ScalarFunction.isoWeek(days: epochDay).year
            let width = upper.count
            let modulus = [1: 10, 2: 100, 3: 1000, 4: Int.max][width] ?? Int.max
            return number(width == 4 ? iso : iso % modulus, width)
        case "MM": return number(f.month, 2)
        case "DD": return number(f.day, 2)
        case "DDD": return number(dayOfYear, 3)
        case "IDDD":
            let iso = ScalarFunction.isoWeek(days: epochDay)
            let isoDow = dow == 0 ? 7 : dow
            return number((iso.week - 1) * 7 + isoDow, 3)
        case "D": return number(dow + 1, 1)
        case "ID": return number(dow == 0 ? 7 : dow, 1)
        case "W": return number((f.day - 1) / 7 + 1, 1)
        case "WW": return number((dayOfYear - 1) / 7 + 1, 2)
        case "IW": return number(ScalarFunction.isoWeek(days: epochDay).week, 2)
        case "Q": return number((f.month - 1) / 3 + 1, 1)
        case "CC":
            let century = f.year > 0 ? (f.year + 99) / 100 : -((99 - (f.year - 1)) / 100)
            return number(century, 2)
        case "J": return number(epochDay + 2_440_588, 1)
        case "HH24": return number(f.hour, 2)
        case "HH", "HH12": return number(hour12, 2)
        case "MI": return number(f.minute, 2)
        case "SS": return number(f.second, 2)
        case "SSSS", "SSSSS": return number(f.hour * 3600 + f.minute * 60 + f.second, 1)
        case "MS": return number(f.microsecond / 1000, 3)
        case "US": return number(f.microsecond, 6)
        case "FF1", "FF2", "FF3", "FF4", "FF5", "FF6":
            let digits = Int(String(upper.last ?? "6")) ?? 6
            var divisor = 1
            for _ in digits..<6 { divisor *= 10 }
            return number(f.microsecond / divisor, digits)
        case "AM", "PM": return keyword == upper ? (f.hour < 12 ? "AM" : "PM") : (f.hour < 12 ? "am" : "pm")
        case "A.M.", "P.M.": return keyword == upper ? (f.hour < 12 ? "A.M." : "P.M.") : (f.hour < 12 ? "a.m." : "p.m.")
        case "AD", "BC": let ad = f.year > 0; return keyword == upper ? (ad ? "AD" : "BC") : (ad ? "ad" : "bc")
        case "A.D.", "B.C.": let ad = f.year > 0; return keyword == upper ? (ad ? "A.D." : "B.C.") : (ad ? "a.d." : "b.c.")
        case "MONTH":
            guard (1...12).contains(f.month) else { return "" }
            return name(monthNames[f.month - 1], keyword: keyword, width: 9, fillMode: fillMode)
        case "MON":
            guard (1...12).contains(f.month) else { return "" }
            return name(String(monthNames[f.month - 1].prefix(3)), keyword: keyword, width: 3, fillMode: true)
        case "DAY": return name(dayNames[dow], keyword: keyword, width: 9, fillMode: fillMode)
        case "DY": return name(String(dayNames[dow].prefix(3)), keyword: keyword, width: 3, fillMode: true)
        case "RM":
            guard (1...12).contains(f.month) else { return "" }
            let roman = romanMonths[f.month - 1]
            return name(keyword == upper ? roman : roman.lowercased(), keyword: keyword == upper ? "X" : "x", width: 4, fillMode: fillMode)
        case "TZ": return f.isTimestamptz ? (keyword == upper ? "UTC" : "utc") : ""
        case "OF", "TZH": return "+00"
        case "TZM": return "00"
        default: return keyword
        }
    }
}

extension DateTimeTemplate {
    /// `to_timestamp(text, template)` / `to_date`: reads the fields the template names; text
    /// between fields is skipped character for character, as PostgreSQL does.
    func parse(_ input: String, typeName: String) throws(PoolSQLError) -> Timestamp {
        let chars = Array(input)
        var i = 0
        // PostgreSQL's default year is 0 (1 BC) when the template has none.
        var year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0, micro = 0
        var pm: Bool?
        var hour12 = false
        var bc = false
        var dayOfYear: Int?
        func skipSpaces() { while i < chars.count, chars[i] == " " { i += 1 } }
        func readNumber(maxDigits: Int, fillMode: Bool) throws(PoolSQLError) -> Int {
            skipSpaces()
            var negative = false
            if i < chars.count, chars[i] == "-" { negative = true; i += 1 }
            var digits = ""
            while i < chars.count, chars[i].isASCII, chars[i].isNumber, digits.count < maxDigits {
                digits.append(chars[i])
                i += 1
            }
            guard let v = Int(digits) else {
                let rest = String(chars[Swift.min(i, chars.count)...])
                throw PoolSQLError(.invalidDatetimeFormat, "invalid value \"\(rest.prefix(maxDigits))\" for \"\(typeName)\"",
                                   detail: "Value must be an integer.")
            }
            return negative ? -v : v
        }
        func readName(_ names: [String], length: Int?) throws(PoolSQLError) -> Int {
            skipSpaces()
            let rest = String(chars[Swift.min(i, chars.count)...]).lowercased()
            for (index, name) in names.enumerated() {
                let candidate = (length.map { String(name.prefix($0)) } ?? name).lowercased()
                if rest.hasPrefix(candidate) {
                    i += candidate.count
                    return index
                }
            }
            throw PoolSQLError(.invalidDatetimeFormat, "invalid value \"\(rest.prefix(3))\" for \"\(typeName)\"",
                               detail: "The given value did not match any of the allowed values for this field.")
        }
        for (index, item) in items.enumerated() {
            // A number directly followed by another field has the field's fixed width.
            var nextIsField = false
            if index + 1 < items.count, case .field = items[index + 1] { nextIsField = true }
            switch item {
            case let .literal(s):
                // Each template character skips one input character (spaces skip any spaces).
                for c in s {
                    if c == " " { skipSpaces(); continue }
                    if i < chars.count, !(chars[i].isASCII && chars[i].isNumber) || chars[i] == c { i += 1 }
                }
            case let .field(keyword, fillMode, _):
                // Fields after the end of the input keep their defaults.
                skipSpaces()
                if i >= chars.count { continue }
                switch keyword.uppercased() {
                case "YYYY", "IYYY": year = try readNumber(maxDigits: nextIsField ? 4 : 6, fillMode: fillMode)
                case "Y,YYY":
                    let thousands = try readNumber(maxDigits: 3, fillMode: fillMode)
                    if i < chars.count, chars[i] == "," { i += 1 }
                    year = thousands * 1000 + (try readNumber(maxDigits: 3, fillMode: fillMode))
                case "YYY": year = 2000 + (try readNumber(maxDigits: 3, fillMode: fillMode)) % 1000
                case "YY":
                    let y = try readNumber(maxDigits: 2, fillMode: fillMode)
                    year = y < 70 ? 2000 + y : 1900 + y
                case "Y": year = 2000 + (try readNumber(maxDigits: 1, fillMode: fillMode))
                case "MM": month = try readNumber(maxDigits: 2, fillMode: fillMode)
                case "DD": day = try readNumber(maxDigits: 2, fillMode: fillMode)
                case "DDD": dayOfYear = try readNumber(maxDigits: 3, fillMode: fillMode)
                case "HH24": hour = try readNumber(maxDigits: 2, fillMode: fillMode)
                case "HH", "HH12": hour = try readNumber(maxDigits: 2, fillMode: fillMode); hour12 = true
                case "MI": minute = try readNumber(maxDigits: 2, fillMode: fillMode)
                case "SS": second = try readNumber(maxDigits: 2, fillMode: fillMode)
                case "MS":
                    let start = i
                    let v = try readNumber(maxDigits: 3, fillMode: fillMode)
                    var scaled = v
                    for _ in (i - start)..<3 { scaled *= 10 }
                    micro = scaled * 1000
                case "US", "FF1", "FF2", "FF3", "FF4", "FF5", "FF6":
                    let start = i
                    let v = try readNumber(maxDigits: 6, fillMode: fillMode)
                    var scaled = v
                    for _ in (i - start)..<6 { scaled *= 10 }
                    micro = scaled
                case "AM", "PM", "A.M.", "P.M.":
                    skipSpaces()
                    let rest = String(chars[Swift.min(i, chars.count)...]).uppercased()
                    if rest.hasPrefix("A.M.") || rest.hasPrefix("P.M.") { pm = rest.hasPrefix("P"); i += 4 } else if rest.hasPrefix("AM") || rest.hasPrefix("PM") {
                        pm = rest.hasPrefix("P"); i += 2
                    } else {
                        throw PoolSQLError(.invalidDatetimeFormat, "invalid value \"\(rest.prefix(2))\" for \"\(keyword)\"")
                    }
                case "BC", "AD", "B.C.", "A.D.":
                    skipSpaces()
                    let rest = String(chars[Swift.min(i, chars.count)...]).uppercased()
                    if rest.hasPrefix("B.C.") || rest.hasPrefix("A.D.") { bc = rest.hasPrefix("B"); i += 4 } else if rest.hasPrefix("BC") || rest.hasPrefix("AD") {
                        bc = rest.hasPrefix("B"); i += 2
                    }
                case "MONTH": month = try readName(DateTimeTemplate.monthNames, length: nil) + 1
                case "MON": month = try readName(DateTimeTemplate.monthNames, length: 3) + 1
                case "DAY": _ = try readName(DateTimeTemplate.dayNames, length: nil)
                case "DY": _ = try readName(DateTimeTemplate.dayNames, length: 3)
                case "TZ", "OF", "TZH", "TZM":
                    throw PoolSQLError.notSupported("\(keyword) in to_timestamp templates")
                default:
                    _ = try readNumber(maxDigits: 6, fillMode: fillMode)
                }
            }
        }
        if hour12 || pm != nil {
            guard (1...12).contains(hour) else {
                throw PoolSQLError(.invalidDatetimeFormat, "hour \"\(hour)\" is invalid for the 12-hour clock",
                                   hint: "Use the 24-hour clock, or give an hour between 1 and 12.")
            }
            if pm == true && hour < 12 { hour += 12 }
            if pm != true && hour == 12 { hour = 0 }
        }
        if bc { year = 1 - year }
        if let dayOfYear {
            let days = Timestamp.days(fromCivil: year, 1, 1) + dayOfYear - 1
            (year, month, day) = Timestamp.civil(fromDays: days)
        }
        guard (1...12).contains(month), day >= 1, day <= Timestamp.daysInMonth(year: year, month: month),
              (0...24).contains(hour), (0...59).contains(minute), (0...60).contains(second), abs(year) <= Timestamp.maximumYear
        else {
            throw PoolSQLError(.datetimeFieldOverflow, "date/time field value out of range: \"\(input)\"")
        }
        return Timestamp(fields: .init(year: year, month: month, day: day, hour: hour, minute: minute, second: second, microsecond: micro))
    }
}
