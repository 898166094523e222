import Foundation

/// An exact decimal number with a display scale, as PostgreSQL's `numeric`: `1.50` keeps its two
/// decimal places, arithmetic is decimal (never binary floating point).
public struct SQLNumeric: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var value: Decimal
    /// Digits shown after the decimal point.
    public var scale: Int

    public init(_ value: Decimal, scale: Int) {
        self.value = value
        self.scale = max(0, scale)
    }

    public init(_ int: Int64) {
        self.value = Decimal(int)
        self.scale = 0
    }

    /// Parses `123`, `-1.50`, `1e3`, `.5`; nil when the text is not a number.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard SQLNumeric.isNumericSyntax(trimmed),
              let d = Decimal(string: trimmed, locale: Locale(identifier: "en_US_POSIX"))
        else { return nil }
        self.value = d
        let mantissa = trimmed.split(whereSeparator: { $0 == "e" || $0 == "E" }).first.map(String.init) ?? trimmed
        var scale = 0
        if let dot = mantissa.firstIndex(of: ".") {
            scale = mantissa.distance(from: mantissa.index(after: dot), to: mantissa.endIndex)
        }
        if let eIndex = trimmed.firstIndex(where: { $0 == "e" || $0 == "E" }), let exp = Int(trimmed[trimmed.index(after: eIndex)...]) {
            scale = max(0, scale - exp)
        }
        self.scale = scale
    }

    /// `[+-]digits[.digits][e[+-]digits]` (digits on at least one side of the point); Decimal's
    /// own parser would accept `1.5e` or `1-2`.
    static func isNumericSyntax(_ text: String) -> Bool {
        var chars = Substring(text)
        if chars.first == "+" || chars.first == "-" { chars = chars.dropFirst() }
        let integer = chars.prefix(while: { $0.isASCII && $0.isNumber })
        chars = chars.dropFirst(integer.count)
        var fraction = Substring("")
        if chars.first == "." {
            chars = chars.dropFirst()
            fraction = chars.prefix(while: { $0.isASCII && $0.isNumber })
            chars = chars.dropFirst(fraction.count)
        }
        guard !integer.isEmpty || !fraction.isEmpty else { return false }
        if chars.first == "e" || chars.first == "E" {
            chars = chars.dropFirst()
            if chars.first == "+" || chars.first == "-" { chars = chars.dropFirst() }
            let exponent = chars.prefix(while: { $0.isASCII && $0.isNumber })
            guard !exponent.isEmpty else { return false }
            chars = chars.dropFirst(exponent.count)
        }
        return chars.isEmpty
    }

    public static func < (lhs: SQLNumeric, rhs: SQLNumeric) -> Bool { lhs.value < rhs.value }

    public static func == (lhs: SQLNumeric, rhs: SQLNumeric) -> Bool { lhs.value == rhs.value }

    public func hash(into hasher: inout Hasher) {
        // Equal values must hash alike whatever their scale (1.5 == 1.50).
        var v = value
        NSDecimalCompact(&v)
        hasher.combine(v.description)
    }

    /// Rounds half away from zero to `places` decimal places, as PostgreSQL's `round(numeric, int)`.
    public func rounded(toPlaces places: Int) -> SQLNumeric {
        var input = value
        var result = Decimal()
        NSDecimalRound(&result, &input, places, .plain)
        return SQLNumeric(result, scale: max(0, places))
    }

    /// The nearest double. Goes through the decimal text, because NSDecimalNumber's own
    /// conversion can be off in the last bits (2.5e-10 became 2.5000000000000007e-10).
    public var doubleValue: Double { Double(value.description) ?? NSDecimalNumber(decimal: value).doubleValue }

    /// Text with exactly `scale` decimal places.
    public var description: String {
        var input = value
        var rounded = Decimal()
        NSDecimalRound(&rounded, &input, scale, .plain)
        var text = rounded.description  // shortest form, e.g. "12.3", "-0.5", "100"
        if text.hasPrefix("-0") && rounded.isZero { text.removeFirst() }
        if scale == 0 { return text }
        var fraction = 0
        if let dot = text.firstIndex(of: ".") {
            fraction = text.distance(from: text.index(after: dot), to: text.endIndex)
        } else {
            text += "."
        }
        if fraction < scale { text += String(repeating: "0", count: scale - fraction) }
        return text
    }
}
