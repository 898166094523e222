import Foundation

/// A tiny cursor over ASCII bytes for the date/time parsers.
struct DigitScanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index >= bytes.count }

    mutating func take(_ byte: UInt8) -> Bool {
        if index < bytes.count, bytes[index] == byte { index += 1; return true }
        return false
    }

    mutating func takeSpaces() -> Bool {
        let start = index
        skipSpaces()
        return index > start
    }

    mutating func skipSpaces() {
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") { index += 1 }
    }

    mutating func digits(maxDigits: Int) -> (Int, Int)? {
        var value = 0, count = 0
        while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
            if count < maxDigits { value = value * 10 + Int(bytes[index] - 48) ; count += 1 }
            index += 1
        }
        return count == 0 ? nil : (value, count)
    }

    mutating func number(minDigits: Int, maxDigits: Int) -> Int? {
        let start = index
        var value = 0
        while index < bytes.count, index - start < maxDigits, bytes[index] >= 48, bytes[index] <= 57 {
            value = value * 10 + Int(bytes[index] - 48)
            index += 1
        }
        if index - start < minDigits { index = start; return nil }
        return value
    }

    /// `Z`, `UTC`, `GMT`, `+HH`, `-HH:MM`, `+HHMM`: seconds east of UTC.
    mutating func zoneOffset() -> Int? {
        let rest = String(decoding: bytes[index...], as: UTF8.self).uppercased()
        if rest == "Z" || rest == "UTC" || rest == "GMT" { index = bytes.count; return 0 }
        let sign: Int
        if take(UInt8(ascii: "+")) { sign = 1 } else if take(UInt8(ascii: "-")) { sign = -1 } else { return nil }
        guard let hours = number(minDigits: 1, maxDigits: 2), hours <= 15 else { return nil }
        var minutes = 0
        if take(UInt8(ascii: ":")) {
            guard let m = number(minDigits: 2, maxDigits: 2) else { return nil }
            minutes = m
        } else if let m = number(minDigits: 2, maxDigits: 2) {
            minutes = m
        }
        return sign * (hours * 3600 + minutes * 60)
    }
}
