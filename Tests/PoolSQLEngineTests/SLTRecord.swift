/// One record of a sqllogictest file, as `SLTRunner` and the differential tests read it.
struct SLTRecord: Sendable {
    enum Kind: Sendable, Equatable {
        case statementOK
        /// `statement error <pattern>` or `query error <pattern>`.
        case error(pattern: String)
        case query(types: [Character], sort: SortMode)
    }

    enum SortMode: Sendable, Equatable {
        case none, rowsort, valuesort
    }

    var kind: Kind
    /// 1-based line of the record's header (`query …`, `statement …`).
    var line: Int
    var sql: String
    /// The lines under `----`; nil when the record has no `----` block.
    var expected: [String]?
    /// Marked `# nopg` in the comment lines just above: no PostgreSQL counterpart (EXPLAIN, the
    /// fixed statement clock, PoolSQL-only limits), so the differential test leaves it out.
    var noPostgres: Bool
    /// Index range of the record's lines in the file (header through expected block).
    var lineRange: Range<Int>
    var header: String
    /// Set for a header this parser does not know.
    var unknownHeader: Bool = false

    /// Parses a whole file. Comments directly above a record (no blank line between) belong to it.
    static func parse(_ text: String) -> [SLTRecord] {
        let lines = text.components(separatedBy: "\n")
        var records: [SLTRecord] = []
        var i = 0
        var noPostgres = false
        while i < lines.count {
            let line = lines[i].trimmingCharacters(in: .whitespaces)
            if line.isEmpty { noPostgres = false; i += 1; continue }
            if line.hasPrefix("#") {
                if line == "# nopg" || line.hasPrefix("# nopg ") || line.hasPrefix("# nopg:") { noPostgres = true }
                i += 1
                continue
            }
            let header = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            let start = i
            i += 1
            var sqlLines: [String] = []
            while i < lines.count, !lines[i].trimmingCharacters(in: .whitespaces).isEmpty, lines[i] != "----" {
                sqlLines.append(lines[i]); i += 1
            }
            var expected: [String]?
            if i < lines.count, lines[i] == "----" {
                i += 1
                var block: [String] = []
                while i < lines.count, !lines[i].trimmingCharacters(in: .whitespaces).isEmpty {
                    block.append(lines[i]); i += 1
                }
                expected = block
            }
            var kind = Kind.statementOK
            var unknown = false
            switch (header.first, header.count > 1 ? header[1] : nil) {
            case ("statement", "ok"?):
                kind = .statementOK
            case ("statement", "error"?), ("query", "error"?):
                kind = .error(pattern: header.dropFirst(2).joined(separator: " "))
            case ("query", _):
                let types = header.count > 1 && !["rowsort", "valuesort", "nosort"].contains(header[1]) ? Array(header[1]) : []
                let sort: SortMode = header.contains("rowsort") ? .rowsort : header.contains("valuesort") ? .valuesort : .none
                kind = .query(types: types, sort: sort)
            default:
                unknown = true
            }
            records.append(SLTRecord(
                kind: kind, line: start + 1, sql: sqlLines.joined(separator: "\n"), expected: expected,
                noPostgres: noPostgres, lineRange: start..<i, header: line, unknownHeader: unknown))
            noPostgres = false
        }
        return records
    }

    /// Rows as the runner compares them: values joined by one space, sorted as the record asks.
    static func arrange(_ rows: [[String]], _ sort: SortMode) -> [String] {
        switch sort {
        case .none: return rows.map { SLTRunner.normalize($0.joined(separator: " ")) }
        case .rowsort: return rows.map { SLTRunner.normalize($0.joined(separator: " ")) }.sorted()
        case .valuesort: return rows.flatMap { $0 }.map(SLTRunner.normalize).sorted()
        }
    }

    /// The expected block, arranged the same way (valuesort: one value per line).
    func arrangedExpected(_ sort: SortMode) -> [String] {
        let block = (expected ?? []).map(SLTRunner.normalize)
        switch sort {
        case .none: return block
        case .rowsort: return block.sorted()
        case .valuesort: return block.sorted()
        }
    }
}
