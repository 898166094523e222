import Foundation
import PoolSQLCore
import PoolSQLSyntax
import Testing

/// Grammar/keywords.md, Grammar/precedence.md and Grammar/sqlstate.md agree with the code.
@Suite("Grammar documents")
struct GrammarDocumentTests {
    static func document(_ name: String) throws -> String {
        try String(contentsOf: GrammarTests.root.appendingPathComponent("Grammar/\(name)"), encoding: .utf8)
    }

    /// The cells of the markdown table rows (lines starting with `|`, header and rule excluded).
    static func tableRows(_ text: String) -> [[String]] {
        text.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("|---") }.dropFirst().map { line in
            line.replacingOccurrences(of: "\\|", with: "\u{1}").split(separator: "|")
                .map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\u{1}", with: "|") }
        }
    }

    @Test("keywords.md lists every keyword with its class")
    func keywords() throws {
        let rows = Self.tableRows(try Self.document("keywords.md"))
        var listed: [String: String] = [:]
        for row in rows where row.count == 2 { listed[row[0]] = row[1] }
        #expect(listed.count == Keyword.allCases.count)
        for keyword in Keyword.allCases {
            #expect(listed[keyword.rawValue] == (keyword.isReserved ? "reserved" : "non-reserved"), "\(keyword.rawValue)")
        }
    }

    @Test("precedence.md matches OperatorTable")
    func precedence() throws {
        let rows = Self.tableRows(try Self.document("precedence.md"))
        #expect(rows.count == OperatorTable.entries.count)
        for row in rows where row.count == 4 {
            let entry = OperatorTable.entries.first { "\($0.precedence)" == row[1] }
            guard let entry else {
                Issue.record("no level \(row[1]) in OperatorTable")
                continue
            }
            #expect(row[0] == String(entry.precedence.rawValue))
            let operators = row[2].split(separator: " ").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "`")) }.filter { !$0.isEmpty && !$0.hasPrefix("(") }
            #expect(operators == entry.operators, "operators of \(row[1])")
            let associativity: String
            switch entry.associativity {
            case .left: associativity = "left"
            case .right: associativity = "right"
            case .none: associativity = "none"
            }
            #expect(row[3] == associativity, "associativity of \(row[1])")
        }
    }

    @Test("sqlstate.md lists the codes of SQLState.swift")
    func sqlStates() throws {
        let rows = Self.tableRows(try Self.document("sqlstate.md"))
        let documented = Set(rows.compactMap(\.first))
        let source = try String(contentsOf: GrammarTests.root.appendingPathComponent("Sources/PoolSQLCore/SQLState.swift"), encoding: .utf8)
        let regex = try NSRegularExpression(pattern: "static let \\w+: SQLState = \"([0-9A-Z]{5})\"")
        let matches = regex.matches(in: source, range: NSRange(source.startIndex..., in: source))
        let codes = Set(matches.compactMap { Range($0.range(at: 1), in: source).map { String(source[$0]) } })
        #expect(codes.count > 30)
        #expect(documented == codes)
    }
}
