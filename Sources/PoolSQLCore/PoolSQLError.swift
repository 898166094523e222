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
                // Tabs would misplace the caret; show them as single spaces.
                let shown = lineText.replacingTabs()
                out += "\n" + prefix + shown
                let caretColumn = max(1, min(range.start.column, shown.unicodeScalars.count + 1))
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
