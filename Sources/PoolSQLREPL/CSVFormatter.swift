import PoolSQL
import PoolSQLCore

/// CSV as psql's `--csv` (RFC 4180 with `\n` line ends): a header line, then one line per row.
/// A field is quoted when it holds a comma, a quote, a line break, or is exactly `\.`; NULL is
/// an empty field.
public struct CSVFormatter: Sendable {
    public init() {}

    public func format(columns: [ResultColumn], rows: [[Value]]) -> String {
        var out = columns.map { Self.field($0.name) }.joined(separator: ",") + "\n"
        for row in rows {
            out += columns.indices.map { index in
                Self.field(index < row.count ? row[index].description : "")
            }.joined(separator: ",") + "\n"
        }
        return out
    }

    public static func field(_ text: String) -> String {
        let needsQuotes = text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
            || text == "\\."
        guard needsQuotes else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
