/// The one public error type of PoolSQL: a SQLSTATE code, a message, an optional detail and
/// hint, and where in the statement text it happened.
public struct PoolSQLError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: SQLState
    public var message: String
    public var detail: String?
    public var hint: String?
    /// Where in the statement text the error is; `nil` for errors that are not about the text.
    public var range: SourceRange?

    public init(_ code: SQLState, _ message: String, detail: String? = nil, hint: String? = nil, range: SourceRange? = nil) {
        self.code = code
        self.message = message
        self.detail = detail
        self.hint = hint
        self.range = range
    }

    /// `ERROR 42601: syntax error at or near "FORM"` (one line; no source excerpt).
    public var description: String {
        var s = "ERROR \(code): \(message)"
        if let range { s += " (at \(range.start))" }
        return s
    }

    public static func syntax(_ message: String, hint: String? = nil, at range: SourceRange?) -> PoolSQLError {
        PoolSQLError(.syntaxError, message, hint: hint, range: range)
    }

    public static func notSupported(_ what: String, range: SourceRange? = nil) -> PoolSQLError {
        PoolSQLError(.featureNotSupported, "\(what) is not supported yet", range: range)
    }

    public static func `internal`(_ message: String) -> PoolSQLError {
        PoolSQLError(.internalError, message)
    }

    /// Renders the error as psql does, with the offending line and a caret under it:
    ///
    ///     ERROR 42601: syntax error at or near "FORM"
    ///     LINE 2: SELECT pool_name FORM mongodb_connection_pools
    ///                              ^
    ///     HINT: did you mean FROM?
    public func rendered(source: String?) -> String {
        var out = "ERROR \(code): \(message)"
        if let range, let source {
            let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
            let lineIndex = range.start.line - 1
            if lineIndex >= 0, lineIndex < lines.count {
                var lineText = String(lines[lineIndex])
                if lineText.hasSuffix("\r") { lineText.removeLast() }
                let prefix = "LINE \(range.start.line): "
                // Tabs would misplace the caret; show them as single spaces. Passwords in
                // MongoDB URIs are masked, and the caret moves with the text it points at.
                let (shown, caretShift) = CredentialRedaction.redactLine(lineText.replacingTabs(), caretColumn: range.start.column)
                out += "\n" + prefix + shown
                let caretColumn = max(1, min(range.start.column + caretShift, shown.unicodeScalars.count + 1))
                out += "\n" + String(repeating: " ", count: prefix.count + caretColumn - 1) + "^"
            }
        } else if let range {
            out += "\nPOSITION: \(range.start)"
        }
        if let detail { out += "\nDETAIL: \(detail)" }
        if let hint { out += "\nHINT: \(hint)" }
        return out
    }
}

extension String {
    fileprivate func replacingTabs() -> String {
        String(String.UnicodeScalarView(unicodeScalars.map { $0 == "\t" ? " " : $0 }))
    }
}

/// Finds the closest candidate to a misspelled name (Levenshtein distance, case-insensitive),
/// for "did you mean …?" hints. Returns nil when nothing is reasonably close.
public enum ClosestName {
    public static func find(_ name: String, in candidates: some Sequence<String>) -> String? {
        let target = Array(name.lowercased().unicodeScalars)
        var best: (String, Int)?
        for candidate in candidates {
            let d = distance(target, Array(candidate.lowercased().unicodeScalars))
            if best == nil || d < best!.1 { best = (candidate, d) }
        }
        guard let (candidate, d) = best else { return nil }
        // Allow roughly a third of the word to differ, at least one edit.
        let limit = max(1, max(target.count, candidate.count) / 3)
        return d <= limit ? candidate : nil
    }

    /// Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent
    /// transpositions ("FORM" → "FROM") each count as one edit.
    public static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = Swift.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = Swift.min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}

/// Masks passwords of `mongodb://` and `mongodb+srv://` URIs in free text (`user:****@`).
public enum CredentialRedaction {
    public static let mask = "****"

    /// The text with every URI password replaced by `****`.
    public static func redact(_ text: String) -> String {
        redactLine(text, caretColumn: 0).text
    }

    /// Redacts `line` and says how far a caret at `caretColumn` (1-based) must move so that it
    /// still points at the same character (or at the mask, if it pointed into a password).
    static func redactLine(_ line: String, caretColumn: Int) -> (text: String, caretShift: Int) {
        var scalars = Array(line.unicodeScalars)
        var shift = 0
        var searchFrom = 0
        let schemes = ["mongodb://", "mongodb+srv://"].map { Array($0.unicodeScalars) }
        while searchFrom < scalars.count {
            var schemeEnd: Int?
            for i in searchFrom..<scalars.count {
                for scheme in schemes where i + scheme.count <= scalars.count {
                    if zip(scalars[i..<(i + scheme.count)], scheme).allSatisfy({ String($0).lowercased() == String($1) }) {
                        schemeEnd = i + scheme.count
                        break
                    }
                }
                if schemeEnd != nil { break }
            }
            guard let start = schemeEnd else { break }
            // The authority ends at the first '/', '?', quote or whitespace; credentials end at its last '@'.
            var end = start
            while end < scalars.count, !"/?'\" \t".unicodeScalars.contains(scalars[end]) { end += 1 }
            guard let at = scalars[start..<end].lastIndex(of: "@"),
                  let colon = scalars[start..<at].firstIndex(of: ":")
            else { searchFrom = end; continue }
            let passwordRange = (colon + 1)..<at
            let replacement = Array(mask.unicodeScalars)
            let delta = replacement.count - passwordRange.count
            // Columns are 1-based; compare as 0-based offsets in the (original) line.
            let caretOffset = caretColumn - 1 - shift
            if caretOffset >= passwordRange.upperBound { shift += delta } else if caretOffset >= passwordRange.lowerBound {
                shift += passwordRange.lowerBound - caretOffset
            }
            scalars.replaceSubrange(passwordRange, with: replacement)
            searchFrom = at + delta + 1
        }
        return (String(String.UnicodeScalarView(scalars)), shift)
    }
}
