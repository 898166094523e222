import Foundation
import PoolSQLCore
import PoolSQLSyntax
import Testing

/// Parse → print → parse gives the same tree, and printing is a fixed point.
@Suite("Round trip")
struct RoundTripTests {
    static func checkRoundTrip(_ sql: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let first: [Statement]
        do {
            first = try Parser.parseStatements(sql)
        } catch {
            Issue.record("parse failed for \(sql.debugDescription): \(error.rendered(source: sql))", sourceLocation: sourceLocation)
            return
        }
        for statement in first {
            let printed = statement.description
            do {
                let reparsed = try Parser.parseStatement(printed)
                #expect(reparsed == statement, "tree changed for \(sql.debugDescription)\nprinted: \(printed)", sourceLocation: sourceLocation)
                #expect(reparsed.description == printed, "print is not a fixed point for \(printed)", sourceLocation: sourceLocation)
            } catch {
                Issue.record("printed form does not parse: \(error.rendered(source: printed))\noriginal: \(sql)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test("corpus has enough statements")
    func corpusSize() {
        #expect(Corpus.statements.count >= 170)
    }

    @Test("every corpus statement round-trips", arguments: Corpus.statements)
    func corpusRoundTrip(_ sql: String) {
        Self.checkRoundTrip(sql)
    }

    @Test("scripts split into the expected number of statements", arguments: Corpus.scripts)
    func scripts(_ script: (String, Int)) throws {
        let statements = try Parser.parseStatements(script.0)
        #expect(statements.count == script.1)
        Self.checkRoundTrip(script.0)
    }

    @Test("every Samples/*.sql file round-trips")
    func samples() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let samples = root.appendingPathComponent("Samples")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: samples.path)) ?? []
        for file in files.sorted() where file.hasSuffix(".sql") {
            let text = try String(contentsOf: samples.appendingPathComponent(file), encoding: .utf8)
            Self.checkRoundTrip(try Self.asTheREPLSeesIt(text))
        }
    }

    /// Scripts may use psql-style client features that the REPL handles before parsing:
    /// backslash meta-command lines are dropped and `:name`, `:'name'`, `:"name"` variable
    /// references become a sample value.
    static func asTheREPLSeesIt(_ script: String) throws -> String {
        let lines = script.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.drop(while: { $0 == " " || $0 == "\t" }).hasPrefix("\\") ? "" : String($0) }
        let text = lines.joined(separator: "\n")
        let reference = try NSRegularExpression(pattern: "(?<![:\\w]):(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\\1")
        return reference.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "$1sample_$2$1")
    }

    @Test("sample scripts are read as the REPL reads them")
    func replPreprocessing() throws {
        let script = "\\getenv uri MONGODB_URI\nCREATE POOL p URI :'uri';\nSELECT x::NUMERIC, :n, :\"c\" FROM t;"
        let text = try Self.asTheREPLSeesIt(script)
        #expect(text == "\nCREATE POOL p URI 'sample_uri';\nSELECT x::NUMERIC, sample_n, \"sample_c\" FROM t;")
        #expect(try Parser.parseStatements(text).count == 2)
    }
}
