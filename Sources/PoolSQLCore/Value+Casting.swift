import Foundation

extension Value {
    /// Converts the value to `type` as PostgreSQL's `CAST(x AS type)` does: text input is
    /// parsed (`invalid input syntax for type integer: "abc"` → 22P02), numbers are rounded and
    /// range-checked, `NUMERIC(p, s)` rounds to `s` places. NULL casts to NULL.
    public func cast(to type: DataType) throws(PoolSQLError) -> Value {
        if isNull { return .null }
        switch type {
        case .unknown:
            return self
        case .boolean:
            switch self {
            case .bool: return self
            case let .int(i): return .bool(i != 0)
            case let .text(s): return .bool(try Value.parseBoolean(s))
            default: break
            }
        case .smallint, .integer, .bigint:
            switch self {
            case let .int(i):
                guard Value.integerFits(i, type) else { throw Value.integerOutOfRange(type) }
                return self
            case let .double(d):
                // float → integer rounds half to even (rint), as PostgreSQL.
                let r = d.rounded(.toNearestOrEven)
                guard r.isFinite, r >= -9.223372036854775808e18, r < 9.223372036854775808e18, Value.integerFits(Int64(r), type) else {
                    throw Value.integerOutOfRange(type)
                }
                return .int(Int64(r))
            case let .numeric(n):
                let r = n.rounded(toPlaces: 0)
                guard let i = Int64(exactly: NSDecimalNumber(decimal: r.value)), Value.integerFits(i, type),
                      Decimal(i) == r.value
                else { throw Value.integerOutOfRange(type) }
                return .int(i)
            case let .bool(b):
                return .int(b ? 1 : 0)
            case let .text(s):
                return .int(try Value.parseInteger(s, type: type))
            default: break
            }
        case .real, .doublePrecision:
            switch self {
            case let .int(i): return .double(Double(i))
            case .double: return self
            case let .numeric(n): return .double(n.doubleValue)
            case let .text(s): return .double(try Value.parseDouble(s, type: type))
            default: break
            }
        case let .numeric(precision, scale):
            let n: SQLNumeric
            switch self {
            case let .int(i): n = SQLNumeric(i)
            case let .double(d):
                guard d.isFinite else {
                    throw PoolSQLError(.featureNotSupported, "cannot convert \(Value.formatDouble(d)) to numeric")
                }
                guard let parsed = SQLNumeric(parsing: Value.formatDoubleForNumeric(d)) else {
                    throw PoolSQLError(.numericValueOutOfRange, "numeric field overflow")
                }
                n = parsed
            case let .numeric(x): n = x
            case let .text(s):
                guard let parsed = SQLNumeric(parsing: s) else {
                    throw PoolSQLError(.invalidTextRepresentation, "invalid input syntax for type numeric: \"\(s)\"")
                }
                n = parsed
            default:
                throw Value.cannotCast(dataType, type)
            }
            return .numeric(try Value.applyNumericTypmod(n, precision: precision, scale: scale))
        case .text, .varchar:
            var s: String
            switch self {
            case let .bool(b): s = b ? "true" : "false"
            default: s = description
            }
            if case let .varchar(length?) = type, s.count > length { s = String(s.prefix(length)) }
            return .text(s)
        case .timestamp, .timestamptz:
            let kind: Timestamp.Kind = type == .timestamptz ? .timestamptz : .timestamp
            switch self {
            case let .timestamp(t): return .timestamp(t.with(kind: kind))
            case let .text(s): return .timestamp(try Timestamp(parsing: s, applyZone: type == .timestamptz).with(kind: kind))
            default: break
            }
        case .date:
            switch self {
            case let .timestamp(t):
                var f = t.fields
                f.hour = 0; f.minute = 0; f.second = 0; f.microsecond = 0
                return .timestamp(Timestamp(fields: f, kind: .date))
            case let .text(s):
                do {
                    return try Value.text(s).cast(to: .timestamp).cast(to: .date)
                } catch {
                    var e = error
                    e.message = e.message.replacingOccurrences(of: "type timestamp", with: "type date")
                    throw e
                }
            default: break
            }
        case .interval:
            switch self {
            case .interval: return self
            case let .text(s): return .interval(try Interval(parsing: s))
            default: break
            }
        case let .array(element):
            if case let .array(values) = self {
                var out: [Value] = []
                for v in values { out.append(try v.cast(to: element)) }
                return .array(out)
            }
            if case let .text(s) = self {
                var out: [Value] = []
                for item in try Value.parseArrayLiteral(s) {
                    if let item { out.append(try Value.text(item).cast(to: element)) } else { out.append(.null) }
                }
                return .array(out)
            }
        }
        throw Value.cannotCast(dataType, type)
    }

    /// The elements of a one-dimensional array literal such as `{1,2}` or `{a,"b c",NULL}`
    /// (nil for NULL), as PostgreSQL's array input reads them.
    public static func parseArrayLiteral(_ text: String) throws(PoolSQLError) -> [String?] {
        func malformed(_ detail: String) -> PoolSQLError {
            PoolSQLError(.invalidTextRepresentation, "malformed array literal: \"\(text)\"", detail: detail)
        }
        let chars = Array(text.unicodeScalars)
        var i = 0
        func skipSpaces() { while i < chars.count, chars[i] == " " || chars[i] == "\t" || chars[i] == "\n" { i += 1 } }
        skipSpaces()
        guard i < chars.count, chars[i] == "{" else { throw malformed("Array value must start with \"{\" or dimension information.") }
        i += 1
        var items: [String?] = []
        skipSpaces()
        if i < chars.count, chars[i] == "}" {
            i += 1
            skipSpaces()
            guard i == chars.count else { throw malformed("Junk after closing right brace.") }
            return []
        }
        while true {
            skipSpaces()
            guard i < chars.count else { throw malformed("Unexpected end of input.") }
            if chars[i] == "{" { throw PoolSQLError.notSupported("multidimensional arrays") }
            var item = String.UnicodeScalarView()
            var quoted = false
            if chars[i] == "\"" {
                quoted = true
                i += 1
                while i < chars.count, chars[i] != "\"" {
                    if chars[i] == "\\", i + 1 < chars.count { i += 1 }
                    item.append(chars[i])
                    i += 1
                }
                guard i < chars.count else { throw malformed("Unexpected end of input.") }
                i += 1
                skipSpaces()
            } else {
                while i < chars.count, chars[i] != ",", chars[i] != "}" {
                    if chars[i] == "\\", i + 1 < chars.count { i += 1 }
                    item.append(chars[i])
                    i += 1
                }
                while let last = item.last, last == " " || last == "\t" || last == "\n" { item.removeLast() }
                if item.isEmpty { throw malformed("Unexpected \"\(i < chars.count ? String(chars[i]) : "")\" character.") }
            }
            let value = String(item)
            items.append(!quoted && value.uppercased() == "NULL" ? nil : value)
            guard i < chars.count else { throw malformed("Unexpected end of input.") }
            if chars[i] == "," { i += 1; continue }
            if chars[i] == "}" {
                i += 1
                skipSpaces()
                guard i == chars.count else { throw malformed("Junk after closing right brace.") }
                return items
            }
            throw malformed("Unexpected \"\(String(chars[i]))\" character.")
        }
    }

    public static func cannotCast(_ from: DataType, _ to: DataType) -> PoolSQLError {
        PoolSQLError(.cannotCoerce, "cannot cast type \(from.postgresName) to \(to.postgresName)")
    }

    /// PostgreSQL accepts any unique prefix of true/false/yes/no/on/off, and 1/0.
    public static func parseBoolean(_ text: String) throws(PoolSQLError) -> Bool {
        let s = text.trimmingCharacters(in: .whitespaces).lowercased()
        if !s.isEmpty {
            if "true".hasPrefix(s) || "yes".hasPrefix(s) || s == "on" || s == "1" { return true }
            if "false".hasPrefix(s) || "no".hasPrefix(s) || s == "off" || s == "of" || s == "0" { return false }
        }
        throw PoolSQLError(.invalidTextRepresentation, "invalid input syntax for type boolean: \"\(text)\"")
    }

    public static func parseInteger(_ text: String, type: DataType) throws(PoolSQLError) -> Int64 {
        let s = text.trimmingCharacters(in: .whitespaces)
        var digits = Substring(s)
        if digits.hasPrefix("+") || digits.hasPrefix("-") { digits = digits.dropFirst() }
        let typeName = type.isInteger ? type.postgresName : "bigint"
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber || $0 == "_" }), !digits.hasPrefix("_"), !digits.hasSuffix("_") else {
            throw PoolSQLError(.invalidTextRepresentation, "invalid input syntax for type \(typeName): \"\(text)\"")
        }
        guard let value = Int64(s.replacingOccurrences(of: "_", with: "")), integerFits(value, type) else {
            throw PoolSQLError(.numericValueOutOfRange, "value \"\(text)\" is out of range for type \(typeName)")
        }
        return value
    }

    public static func parseDouble(_ text: String, type: DataType = .doublePrecision) throws(PoolSQLError) -> Double {
        let s = text.trimmingCharacters(in: .whitespaces)
        switch s.lowercased() {
        case "nan": return .nan
        case "infinity", "+infinity", "inf", "+inf": return .infinity
        case "-infinity", "-inf": return -.infinity
        default: break
        }
        guard !s.isEmpty, s.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }), let d = Double(s) else {
            throw PoolSQLError(.invalidTextRepresentation, "invalid input syntax for type \(type.postgresName): \"\(text)\"")
        }
        if d.isInfinite {
            throw PoolSQLError(.numericValueOutOfRange, "\"\(text)\" is out of range for type \(type.postgresName)")
        }
        return d
    }

    /// Rounds to the declared scale and checks the declared precision (`numeric field overflow`).
    public static func applyNumericTypmod(_ n: SQLNumeric, precision: Int?, scale: Int?) throws(PoolSQLError) -> SQLNumeric {
        guard let precision else { return n }
        let s = scale ?? 0
        let rounded = n.rounded(toPlaces: s)
        let limit = pow(Decimal(10), precision - s)
        if rounded.value.magnitude >= limit {
            throw PoolSQLError(.numericValueOutOfRange, "numeric field overflow",
                               detail: "A field with precision \(precision), scale \(s) must round to an absolute value less than 10^\(precision - s).")
        }
        return rounded
    }

    /// Doubles become numerics through 15 significant digits (`%.15g`), as PostgreSQL's
    /// float8 → numeric cast: `(0.1 + 0.2)::numeric` is 0.3.
    static func formatDoubleForNumeric(_ d: Double) -> String {
        String(format: "%.15g", d)
    }
}
