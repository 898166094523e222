import Foundation

/// One SQL value. Integer types share `.int` (range-checked by the executor against the column's
/// declared type); `NUMERIC` is exact decimal (`SQLNumeric`), never a `Double`.
public enum Value: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case numeric(SQLNumeric)
    case text(String)
    case timestamp(Timestamp)
    case interval(Interval)
    case array([Value])

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The natural type of the value (integers report BIGINT).
    public var dataType: DataType {
        switch self {
        case .null: return .unknown
        case .bool: return .boolean
        case .int: return .bigint
        case .double: return .doublePrecision
        case .numeric: return .numeric(precision: nil, scale: nil)
        case .text: return .text
        case let .timestamp(t): return t.kind.dataType
        case .interval: return .interval
        case let .array(values): return .array(values.first(where: { !$0.isNull })?.dataType ?? .unknown)
        }
    }
}

extension Value: CustomStringConvertible {
    /// The value as PostgreSQL's text output shows it (`t`/`f`, `12.30`, `2026-01-02 03:04:05`,
    /// `1 day 02:00:00`, `{1,2}`); NULL prints as the empty string, as psql does.
    public var description: String {
        switch self {
        case .null: return ""
        case let .bool(b): return b ? "t" : "f"
        case let .int(i): return String(i)
        case let .double(d): return Value.formatDouble(d)
        case let .numeric(n): return n.description
        case let .text(s): return s
        case let .timestamp(t): return t.description
        case let .interval(i): return i.description
        case let .array(values):
            return "{" + values.map { v -> String in
                switch v {
                case .null: return "NULL"
                case let .text(s):
                    let needsQuotes = s.isEmpty || s.contains(where: { ",{}\" \\".contains($0) }) || s.uppercased() == "NULL"
                    if !needsQuotes { return s }
                    return "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
                default:
                    let s = v.description
                    return s.contains(" ") ? "\"\(s)\"" : s
                }
            }.joined(separator: ",") + "}"
        }
    }

    /// PostgreSQL 12+ prints `double precision` with the shortest text that reads back exactly,
    /// switching to exponent form below 1e-4 and from 1e15 on (`1e+15`, `1.5e-05`).
    public static func formatDouble(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d > 0 ? "Infinity" : "-Infinity" }
        if d == 0 { return d.sign == .minus ? "-0" : "0" }
        let magnitude = abs(d)
        // Swift's description is already the shortest round-tripping form.
        var s = "\(d)"
        if magnitude >= 1e-4 && magnitude < 1e15 {
            if s.contains("e") {
                s = String(format: "%.17g", d)
                // %.17g may not be shortest; fall back to Decimal-based expansion.
                if let dec = Decimal(string: "\(d)") { s = "\(dec)" }
            }
            if s.hasSuffix(".0") { s.removeLast(2) }
            return s
        }
        // Exponent form: mantissa digits as shortest, exponent with sign and at least 2 digits.
        let parts = String(format: "%.17e", d)
        _ = parts
        let shortest = "\(d)"  // e.g. "1e-05", "1.5e+20" or "1e+16"
        if let eIndex = shortest.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            var mantissa = String(shortest[..<eIndex])
            if mantissa.hasSuffix(".0") { mantissa.removeLast(2) }
            var exponentText = String(shortest[shortest.index(after: eIndex)...])
            var sign = "+"
            if exponentText.hasPrefix("-") { sign = "-"; exponentText.removeFirst() } else if exponentText.hasPrefix("+") { exponentText.removeFirst() }
            if exponentText.count < 2 { exponentText = "0" + exponentText }
            return "\(mantissa)e\(sign)\(exponentText)"
        }
        // Swift printed it positionally (e.g. 1e15 → "1e+15" normally); compute exponent form.
        let exponent = Int(floor(log10(magnitude)))
        var mantissa = "\(d / pow(10, Double(exponent)))"
        if mantissa.hasSuffix(".0") { mantissa.removeLast(2) }
        let e = abs(exponent) < 10 ? "0\(abs(exponent))" : "\(abs(exponent))"
        return "\(mantissa)e\(exponent < 0 ? "-" : "+")\(e)"
    }
}
