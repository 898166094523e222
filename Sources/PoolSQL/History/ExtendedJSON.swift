import PoolSQLCore

/// A JSON value with ordered object keys and exact integers: the commands PoolSQL sends to
/// MongoDB (MongoDB reads `$sort` and compound index keys in key order) and the replies it
/// reads back (relaxed extended JSON: 64-bit cursor ids must survive exactly).
///
/// Foundation's JSONSerialization loses both key order and, for large integers, exactness; this
/// small value type keeps them. Extended JSON wrappers (`{"$date": …}`, `{"$numberLong": …}`,
/// `{"$oid": …}`) are ordinary objects here; the helpers below build and read them.
enum ExtendedJSON: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([ExtendedJSON])
    case object([(String, ExtendedJSON)])

    static func == (lhs: ExtendedJSON, rhs: ExtendedJSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.int(a), .int(b)): return a == b
        // By bit pattern (every NaN alike), so equal values serialize alike and hash alike.
        case let (.double(a), .double(b)): return a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN)
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(serialized)
    }

    // MARK: Building

    /// `{"$numberLong": "n"}`: an int64 whatever its magnitude (a plain number that fits 32 bits
    /// would be stored as int32).
    static func int64(_ value: Int64) -> ExtendedJSON { .object([("$numberLong", .string(String(value)))]) }

    /// `{"$date": {"$numberLong": "ms"}}`. BSON dates hold milliseconds: the microseconds of
    /// `timestamp` are floored to the millisecond here (callers keep exact µs elsewhere).
    static func date(_ timestamp: Timestamp) -> ExtendedJSON {
        .object([("$date", int64(flooredMilliseconds(timestamp.microseconds)))])
    }

    /// `{"$date": …}` for the millisecond at or after `microseconds` (an exclusive upper bound in
    /// µs becomes an inclusive-safe bound in ms).
    static func dateCeiling(_ microseconds: Int64) -> ExtendedJSON {
        let floor = flooredMilliseconds(microseconds)
        let ceiling = floor * 1000 == microseconds ? floor : floor + 1
        return .object([("$date", int64(ceiling))])
    }

    static func flooredMilliseconds(_ microseconds: Int64) -> Int64 {
        microseconds >= 0 ? microseconds / 1000 : -((-microseconds + 999) / 1000)
    }

    /// `{"$oid": "…"}`.
    static func objectID(_ hex: String) -> ExtendedJSON { .object([("$oid", .string(hex))]) }

    /// A double that stays a double in BSON (`1.0`, not `1`), with non-finite values spelled as
    /// extended JSON allows.
    static func number(_ value: Double) -> ExtendedJSON { .double(value) }

    // MARK: Reading

    subscript(key: String) -> ExtendedJSON? {
        guard case let .object(members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    /// Follows a dotted path (`cursor.firstBatch`).
    func value(at path: String) -> ExtendedJSON? {
        var current: ExtendedJSON? = self
        for key in path.split(separator: ".") { current = current?[String(key)] }
        return current
    }

    var arrayValue: [ExtendedJSON]? {
        if case let .array(items) = self { return items }
        return nil
    }

    var stringValue: String? {
        if case let .string(s) = self { return s }
        return nil
    }

    /// An integer in any of its encodings: a plain number (also a double without fraction, as
    /// relaxed JSON may print `1.0`), or `{"$numberLong"|"$numberInt": "n"}`.
    var int64Value: Int64? {
        switch self {
        case let .int(i): return i
        case let .double(d) where d.rounded() == d && abs(d) < 9.2e18: return Int64(d)
        case .object:
            if let text = self["$numberLong"]?.stringValue ?? self["$numberInt"]?.stringValue { return Int64(text) }
            return nil
        default: return nil
        }
    }

    var doubleValue: Double? {
        switch self {
        case let .int(i): return Double(i)
        case let .double(d): return d
        case .object:
            if let text = self["$numberDouble"]?.stringValue {
                switch text {
                case "Infinity": return .infinity
                case "-Infinity": return -.infinity
                case "NaN": return .nan
                default: return Double(text)
                }
            }
            return int64Value.map(Double.init)
        default: return nil
        }
    }

    var boolValue: Bool? {
        if case let .bool(b) = self { return b }
        return nil
    }

    var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// Milliseconds of a `{"$date": …}` in relaxed form (ISO-8601 text for years 1970–9999,
    /// `{"$numberLong": "ms"}` otherwise).
    var dateMilliseconds: Int64? {
        guard let inner = self["$date"] else { return nil }
        if let ms = inner.int64Value { return ms }
        guard let text = inner.stringValue else { return nil }
        return ExtendedJSON.parseISODate(text)
    }

    /// `2026-11-27T23:30:41.327Z` (fraction optional, `Z` or `±hh:mm`) to milliseconds.
    static func parseISODate(_ text: String) -> Int64? {
        let scalars = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= scalars.count else { return nil }
            var value = 0
            for byte in scalars[from..<(from + count)] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2) else { return nil }
        var index = 19
        var millis = 0
        if index < scalars.count, scalars[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < scalars.count, scalars[index] >= 48, scalars[index] <= 57 {
                if digits < 3 { millis = millis * 10 + Int(scalars[index] - 48) }
                digits += 1
                index += 1
            }
            for _ in digits..<max(digits, 3) { millis *= 10 }
        }
        var offsetMinutes = 0
        if index < scalars.count, scalars[index] == UInt8(ascii: "+") || scalars[index] == UInt8(ascii: "-") {
            let sign = scalars[index] == UInt8(ascii: "-") ? -1 : 1
            guard let oh = number(index + 1, 2) else { return nil }
            let om = number(index + 4, 2) ?? number(index + 3, 2) ?? 0
            offsetMinutes = sign * (oh * 60 + om)
        }
        let days = Int64(Timestamp.days(fromCivil: year, month, day))
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetMinutes * 60)
        return seconds * 1000 + Int64(millis)
    }
}

// MARK: Serializing

extension ExtendedJSON {
    /// Compact JSON text; doubles always carry a fraction or exponent so BSON keeps them doubles.
    var serialized: String {
        var out = ""
        write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case let .bool(b): out += b ? "true" : "false"
        case let .int(i): out += String(i)
        case let .double(d):
            if d.isNaN {
                out += #"{"$numberDouble": "NaN"}"#
            } else if d.isInfinite {
                out += d > 0 ? #"{"$numberDouble": "Infinity"}"# : #"{"$numberDouble": "-Infinity"}"#
            } else {
                let text = String(d)
                out += text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) ? text : text + ".0"
            }
        case let .string(s): JSONString.append(s, to: &out)
        case let .array(items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += ", " }
                item.write(to: &out)
            }
            out += "]"
        case let .object(members):
            out += "{"
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out += ", " }
                JSONString.append(key, to: &out)
                out += ": "
                value.write(to: &out)
            }
            out += "}"
        }
    }
}

// MARK: Parsing

extension ExtendedJSON {
    /// Parses JSON text (a server reply); malformed text is 22P02.
    static func parse(_ text: String) throws(PoolSQLError) -> ExtendedJSON {
        var parser = Parser(bytes: Array(text.utf8))
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.index == parser.bytes.count else { throw parser.failure("trailing characters") }
        return value
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        func failure(_ what: String) -> PoolSQLError {
            PoolSQLError(.invalidTextRepresentation, "malformed JSON from MongoDB: \(what) at offset \(index)")
        }

        mutating func skipWhitespace() {
            while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
        }

        mutating func expect(_ byte: UInt8) throws(PoolSQLError) {
            guard index < bytes.count, bytes[index] == byte else { throw failure("expected \"\(Character(Unicode.Scalar(byte)))\"") }
            index += 1
        }

        mutating func parseValue(depth: Int) throws(PoolSQLError) -> ExtendedJSON {
            guard depth < 200 else { throw failure("nesting too deep") }
            guard index < bytes.count else { throw failure("unexpected end") }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var members: [(String, ExtendedJSON)] = []
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return .object(members)
                }
                while true {
                    skipWhitespace()
                    let key = try parseString()
                    skipWhitespace()
                    try expect(UInt8(ascii: ":"))
                    skipWhitespace()
                    members.append((key, try parseValue(depth: depth + 1)))
                    skipWhitespace()
                    guard index < bytes.count else { throw failure("unterminated object") }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    try expect(UInt8(ascii: "}"))
                    return .object(members)
                }
            case UInt8(ascii: "["):
                index += 1
                var items: [ExtendedJSON] = []
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return .array(items)
                }
                while true {
                    skipWhitespace()
                    items.append(try parseValue(depth: depth + 1))
                    skipWhitespace()
                    guard index < bytes.count else { throw failure("unterminated array") }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    try expect(UInt8(ascii: "]"))
                    return .array(items)
                }
            case UInt8(ascii: "\""):
                return .string(try parseString())
            case UInt8(ascii: "t"):
                try literal("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try literal("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try literal("null")
                return .null
            default:
                return try parseNumber()
            }
        }

        mutating func literal(_ word: String) throws(PoolSQLError) {
            let expected = Array(word.utf8)
            guard index + expected.count <= bytes.count, Array(bytes[index..<(index + expected.count)]) == expected else {
                throw failure("expected \(word)")
            }
            index += expected.count
        }

        mutating func parseNumber() throws(PoolSQLError) -> ExtendedJSON {
            let start = index
            var isInteger = true
            while index < bytes.count {
                let byte = bytes[index]
                if (byte >= 48 && byte <= 57) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") {
                    index += 1
                } else if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                    isInteger = false
                    index += 1
                } else {
                    break
                }
            }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            if isInteger, let value = Int64(text) { return .int(value) }
            guard !text.isEmpty, let value = Double(text) else { throw failure("invalid number \"\(text)\"") }
            return .double(value)
        }

        mutating func parseString() throws(PoolSQLError) -> String {
            try expect(UInt8(ascii: "\""))
            var scalars = String.UnicodeScalarView()
            var pendingHighSurrogate: UInt32?
            while true {
                guard index < bytes.count else { throw failure("unterminated string") }
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    return String(scalars)
                }
                if byte == UInt8(ascii: "\\") {
                    index += 1
                    guard index < bytes.count else { throw failure("unterminated escape") }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""): scalars.append("\"")
                    case UInt8(ascii: "\\"): scalars.append("\\")
                    case UInt8(ascii: "/"): scalars.append("/")
                    case UInt8(ascii: "b"): scalars.append("\u{08}")
                    case UInt8(ascii: "f"): scalars.append("\u{0C}")
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    case UInt8(ascii: "u"):
                        guard index + 4 <= bytes.count,
                              let code = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16) else {
                            throw failure("invalid \\u escape")
                        }
                        index += 4
                        if (0xD800...0xDBFF).contains(code) {
                            pendingHighSurrogate = code
                            continue
                        }
                        if (0xDC00...0xDFFF).contains(code), let high = pendingHighSurrogate {
                            let combined = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)
                            scalars.append(Unicode.Scalar(combined) ?? "\u{FFFD}")
                        } else {
                            scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                        }
                    default: throw failure("invalid escape")
                    }
                    pendingHighSurrogate = nil
                    continue
                }
                // A run of raw UTF-8 up to the next quote or escape.
                let start = index
                while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") { index += 1 }
                scalars.append(contentsOf: String(decoding: bytes[start..<index], as: UTF8.self).unicodeScalars)
            }
        }
    }
}
