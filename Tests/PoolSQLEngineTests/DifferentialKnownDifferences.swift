import Foundation

/// The records of the .slt corpus whose PostgreSQL answer PoolSQL does not give yet, read from
/// `slt/KNOWN_DIFFERENCES.md` (table rows whose first cell is `file.slt:line`). The normal SLT
/// runner still runs these records (no crash) but does not compare their expected block; the
/// differential test fails on a difference not listed here and on a listed record that agrees.
struct DifferentialKnownDifferences: Sendable {
    struct Entry: Sendable {
        var file: String
        var line: Int
        var feature: String
        var difference: String
    }

    var entries: [Entry]

    static var path: URL { SLTTests.directory.appendingPathComponent("KNOWN_DIFFERENCES.md") }

    static let shared: DifferentialKnownDifferences = {
        let text = (try? String(contentsOf: path, encoding: .utf8)) ?? ""
        return DifferentialKnownDifferences(markdown: text)
    }()

    init(markdown: String) {
        var entries: [Entry] = []
        for line in markdown.components(separatedBy: "\n") where line.hasPrefix("|") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst()
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard let first = cells.first else { continue }
            let location = first.trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            let parts = location.split(separator: ":")
            guard parts.count == 2, parts[0].hasSuffix(".slt"), let number = Int(parts[1]) else { continue }
            entries.append(Entry(
                file: String(parts[0]), line: number,
                feature: cells.count > 1 ? cells[1] : "", difference: cells.count > 2 ? cells[2] : ""))
        }
        self.entries = entries
    }

    func contains(file: String, line: Int) -> Bool {
        entries.contains { $0.file == file && $0.line == line }
    }

    func entries(in file: String) -> [Entry] { entries.filter { $0.file == file } }
}
