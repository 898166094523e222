import Foundation
import PoolSQLCore

/// Writes CSV as RFC 4180 and PostgreSQL's `COPY … TO (FORMAT csv)` do: a field is quoted when
/// it holds the delimiter, a quote or a line break, or is an empty string (an unquoted empty
/// field is NULL); quotes inside are doubled. Records end with LF.
struct CSVWriter {
    let delimiter: Character
    let nullText: String

    func line(_ fields: [String?]) -> String {
        fields.map(field).joined(separator: String(delimiter)) + "\n"
    }

    func field(_ text: String?) -> String {
        guard let text else { return nullText }
        let needsQuotes = text.isEmpty || text == nullText || text == "\\."
            || text.unicodeScalars.contains { $0 == "\"" || $0 == "\n" || $0 == "\r" || Character($0) == delimiter }
        guard needsQuotes else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
