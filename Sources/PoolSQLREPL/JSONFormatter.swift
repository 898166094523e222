import PoolSQL
import PoolSQLCore

/// A result as a JSON array with one object per row, keys in column order: numbers as JSON
/// numbers, booleans as `true`/`false`, NULL as `null`, arrays as arrays, everything else as
/// strings in PostgreSQL's text form.
public struct JSONFormatter: Sendable {
    public init() {}

    public func format(columns: [ResultColumn], rows: [[Value]]) -> String {
        if rows.isEmpty { return "[]\n" }
        let keys = columns.map { Self.string($0.name) }
        let objects = rows.map { row in
            "  {" + columns.indices.map { index in
                keys[index] + ": " + Self.value(index < row.count ? row[index] : .null)
            }.joined(separator: ", ") + "}"
        }
        return "[\n" + objects.joined(separator: ",\n") + "\n]\n"
    }

    static func value(_ value: Value) -> String {
        switch value {
        case .null: return "null"
        case let .bool(b): return b ? "true" : "false"
        case let .int(i): return String(i)
        case let .double(d):
            // JSON has no NaN or infinities; they stay readable as strings.
            guard d.isFinite else { return string(Value.formatDouble(d)) }
            return jsonNumber(Value.formatDouble(d))
        case let .numeric(n): return jsonNumber(n.description)
        case let .array(values): return "[" + values.map(Self.value).joined(separator: ", ") + "]"
        case .text, .timestamp, .interval: return string(value.description)
        }
    }

    /// PostgreSQL's number text is valid JSON except for a bare leading or trailing dot.
    private static func jsonNumber(_ text: String) -> String {
        var s = text
        if s.hasPrefix(".") { s = "0" + s }
        if s.hasPrefix("-.") { s = "-0" + s.dropFirst() }
        if s.hasSuffix(".") { s += "0" }
        return s
    }

    static func string(_ text: String) -> String { JSONString.quoted(text) }
}
