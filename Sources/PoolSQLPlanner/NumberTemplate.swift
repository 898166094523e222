import Foundation
import PoolSQLCore

/// PostgreSQL's numeric template patterns for `to_char(number, template)`: `9` (digit, blank
/// when insignificant), `0` (digit, zero when insignificant), `.`/`D` (decimal point), `,`/`G`
/// (group separator), `S`, `MI`, `PL`, `SG` (signs), `FM` (no padding, no trailing zeros in
/// `9` places). Without a sign pattern one position before the number holds `-` or a blank.
struct NumberTemplate {
    enum Item: Equatable {
        case nine, zero, point, group
        case sign(SignKind)
        case literal(String)
    }

    enum SignKind: Equatable { case anchored, minus, plus, plusMinus }

    var items: [Item] = []
    var fillMode = false

    init(_ template: String) throws(PoolSQLError) {
        let chars = Array(template)
        var i = 0
        func at(_ word: String) -> Bool {
            let w = Array(word)
            guard i + w.count <= chars.count else { return false }
            return zip(chars[i..<(i + w.count)], w).allSatisfy { $0.uppercased() == $1.uppercased() }
        }
        var sawPoint = false
        while i < chars.count {
            let c = chars[i]
            if c == "\"" {
                i += 1
                var text = ""
                while i < chars.count, chars[i] != "\"" {
                    if chars[i] == "\\", i + 1 < chars.count { i += 1 }
                    text.append(chars[i])
                    i += 1
                }
                i += 1
                items.append(.literal(text))
                continue
            }
            if at("FM") { fillMode = true; i += 2; continue }
            if at("MI") { items.append(.sign(.minus)); i += 2; continue }
            if at("PL") { items.append(.sign(.plus)); i += 2; continue }
            if at("SG") { items.append(.sign(.plusMinus)); i += 2; continue }
            if at("EEEE") || at("RN") || at("TH") { throw PoolSQLError.notSupported("\(String(chars[i..<(i + 2)])) in number templates") }
            switch c {
            case "9": items.append(.nine)
            case "0": items.append(.zero)
            case ".", "D", "d":
                if sawPoint { throw PoolSQLError(.syntaxError, "multiple decimal points") }
                sawPoint = true
                items.append(.point)
            case ",", "G", "g": items.append(.group)
            case "S", "s": items.append(.sign(.anchored))
            case "V", "v", "L", "l", "B", "b":
                throw PoolSQLError.notSupported("\"\(c)\" in number templates")
            default: items.append(.literal(String(c)))
            }
            i += 1
        }
    }

    /// Digit places before and after the decimal point.
    var integerPlaces: Int {
        var n = 0
        for item in items {
            if item == .point { break }
            if item == .nine || item == .zero { n += 1 }
        }
        return n
    }

    var fractionPlaces: Int {
        guard let p = items.firstIndex(of: .point) else { return 0 }
        return items[(p + 1)...].filter { $0 == .nine || $0 == .zero }.count
    }

    /// Formats a number given as its absolute value's digits rounded to `fractionPlaces`.
    func format(negative: Bool, integerDigits rawInteger: String, fractionDigits: String, isZero: Bool) -> String {
        let pre = integerPlaces, post = fractionPlaces
        let hasPoint = items.contains(.point)
        var integerDigits = rawInteger == "0" ? "" : rawInteger
        if isZero && (!hasPoint || post == 0 || fillMode) && integerDigits.isEmpty { integerDigits = "0" }
        let negative = negative && !isZero
        // PL prints a plus where it stands and keeps the usual sign place too.
        // A template without digit places prints only its text.
        if !items.contains(where: { $0 == .nine || $0 == .zero || $0 == .point }) {
            return items.map { if case let .literal(t) = $0 { return t } else { return "" } }.joined()
        }
        let explicitSign = items.contains { if case let .sign(kind) = $0 { return kind != .plus } else { return false } }
        let overflow = integerDigits.count > pre
        var out = ""
        var signPending = !explicitSign || items.contains(.sign(.anchored))
        let signText: String = {
            if items.contains(.sign(.anchored)) { return negative ? "-" : "+" }
            return negative ? "-" : (fillMode ? "" : " ")
        }()
        // An anchored S after the digits prints where it stands.
        let anchoredAfterDigits: Bool = {
            guard let s = items.firstIndex(of: .sign(.anchored)) else { return false }
            return items[..<s].contains { $0 == .nine || $0 == .zero }
        }()
        if anchoredAfterDigits { signPending = false }
        func emitSign() {
            if signPending { out += signText; signPending = false }
        }
        let lead = pre - integerDigits.count
        var position = 0  // integer place index
        var started = false  // a digit (or forced zero) was printed
        var fractionIndex = 0
        var inFraction = false
        // FM drops trailing zeros in 9 places of the fraction (a 0 place stops that).
        var fractionKeep = fractionDigits.count
        if fillMode {
            let placesAfterPoint: [Item] = items.firstIndex(of: .point).map { Array(items[($0 + 1)...]).filter { $0 == .nine || $0 == .zero } } ?? []
            var k = fractionDigits.count
            let digits = Array(fractionDigits)
            while k > 0, k - 1 < placesAfterPoint.count, placesAfterPoint[k - 1] == .nine, digits[k - 1] == "0" { k -= 1 }
            fractionKeep = k
        }
        let integerChars = Array(integerDigits), fractionChars = Array(fractionDigits)
        for item in items {
            switch item {
            case .nine, .zero:
                if inFraction {
                    if overflow {
                        out += "#"
                    } else if fractionIndex < fractionKeep {
                        out.append(fractionChars[fractionIndex])
                    }
                    fractionIndex += 1
                    continue
                }
                defer { position += 1 }
                if overflow {
                    emitSign()
                    out += "#"
                    continue
                }
                if position < lead {
                    if item == .zero || started {
                        emitSign()
                        out += "0"
                        started = true
                    } else if !fillMode {
                        out += " "
                    }
                } else {
                    emitSign()
                    out.append(integerChars[position - lead])
                    started = true
                }
            case .point:
                emitSign()
                out += "."
                inFraction = true
            case .group:
                if started || overflow { out += "," } else if !fillMode { out += " " }
            case let .sign(kind):
                switch kind {
                case .anchored:
                    if anchoredAfterDigits { out += negative ? "-" : "+" }
                case .minus: out += negative ? "-" : (fillMode ? "" : " ")
                case .plus: out += negative ? (fillMode ? "" : " ") : "+"
                    if !negative && !fillMode && signPending { signPending = false; out += " " }
                case .plusMinus: out += negative ? "-" : "+"
                }
            case let .literal(text):
                out += text
            }
        }
        emitSign()
        return out
    }

    /// `to_char(value, template)` for integers, numerics and doubles.
    static func format(_ value: Value, template: String) throws(PoolSQLError) -> String {
        let t = try NumberTemplate(template)
        let post = t.fractionPlaces
        var text: String
        switch value {
        case let .int(i):
            text = String(i.magnitude)
            if post > 0 { text += "." + String(repeating: "0", count: post) }
            return t.format(negative: i < 0, integerDigits: split(text).0, fractionDigits: split(text).1, isZero: i == 0)
        case let .numeric(n):
            let rounded = n.rounded(toPlaces: post)
            text = SQLNumeric(rounded.value.magnitude, scale: post).description
            return t.format(negative: n.value < 0, integerDigits: split(text).0, fractionDigits: split(text).1, isZero: rounded.value.isZero)
        case let .double(d):
            guard d.isFinite else {
                let width = t.integerPlaces + t.fractionPlaces + (t.items.contains(.point) ? 1 : 0)
                return " " + String(repeating: "#", count: width)
            }
            // Rounded as C's printf rounds the binary value, as PostgreSQL does.
            text = String(format: "%.\(post)f", d.magnitude)
            let isZero = Double(text) == 0
            return t.format(negative: d < 0, integerDigits: split(text).0, fractionDigits: split(text).1, isZero: isZero)
        default:
            throw PoolSQLError.internal("to_char of \(value.dataType)")
        }
    }

    static func split(_ text: String) -> (String, String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
    }
}
