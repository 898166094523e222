import Foundation
import PoolSQLCore
import PoolSQLSyntax
import Testing

/// Keeps Grammar/poolsql.ebnf and the parser in sync: every rule has its parse function, and
/// thousands of random sentences of the grammar parse and round-trip.
@Suite("Grammar")
struct GrammarTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func loadGrammar() throws -> EBNF {
        let text = try String(contentsOf: root.appendingPathComponent("Grammar/poolsql.ebnf"), encoding: .utf8)
        return try EBNF(text: text)
    }

    static let lexicalTerminals: Set<String> = [
        "identifier", "word", "string_literal", "integer_literal", "small_integer", "decimal_literal",
    ]

    /// Sample spellings of the lexical terminals. Identifiers include non-reserved keywords that
    /// are identifiers where their keyword meaning does not apply; left out are the words the
    /// grammar's comments exclude (special-form function names, frame words as window names)
    /// and OVER/WITHIN, which after a function call always start their clause.
    static let samples: [String: [String]] = [
        "identifier": ["pool_name", "t", "x1", "events", "a_b", "\"Mixed Case\"", "\"select\"", "c", "é", "date", "text", "filter", "nulls", "first", "current", "time", "zone", "interval", "double", "pool", "key", "unknown", "uri"],
        "word": ["max_pool_size", "timeout", "format", "on", "off", "csv", "header", "year", "epoch", "Mixed", "\"Quoted Word\""],
        "string_literal": ["'abc'", "''", "'it''s'", "'2026-01-01'", "E'a\\nb'", "'10s'"],
        "integer_literal": ["0", "1", "42", "99999999999999999999"],
        "small_integer": ["1", "2", "10", "24", "53"],
        "decimal_literal": ["1.5", ".5", "1e10", "2.5E-3", "1."],
    ]

    static func ruleFunctionName(_ rule: String) -> String {
        "parse" + rule.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    @Test("the grammar is well-formed: every name is defined or lexical, every rule reachable")
    func wellFormed() throws {
        let grammar = try Self.loadGrammar()
        #expect(grammar.rules.count > 60)
        #expect(grammar.undefinedReferences == Self.lexicalTerminals)
        let unreachable = Set(grammar.rules.keys).subtracting(grammar.reachable(from: "statement_list"))
        #expect(unreachable.isEmpty, "unreachable rules: \(unreachable.sorted())")
        #expect(grammar.minimumHeights().count == grammar.rules.count)
    }

    @Test("every grammar rule has a parse function of the same name")
    func ruleFunctions() throws {
        let grammar = try Self.loadGrammar()
        let sourceDirectory = Self.root.appendingPathComponent("Sources/PoolSQLSyntax")
        var sources = ""
        for file in try FileManager.default.contentsOfDirectory(atPath: sourceDirectory.path) where file.hasSuffix(".swift") {
            sources += try String(contentsOf: sourceDirectory.appendingPathComponent(file), encoding: .utf8)
        }
        for rule in grammar.order {
            let function = Self.ruleFunctionName(rule)
            #expect(sources.contains("func \(function)("), "rule \(rule) has no func \(function)(")
        }
    }

    @Test("every grammar terminal keyword is in the keyword list")
    func terminalsAreKeywords() throws {
        let grammar = try Self.loadGrammar()
        var terminals: Set<String> = []
        func walk(_ node: EBNF.Node) {
            switch node {
            case let .terminal(t): terminals.insert(t)
            case .reference: break
            case let .sequence(items), let .choice(items): items.forEach(walk)
            case let .optional(n), let .repetition(n): walk(n)
            }
        }
        grammar.rules.values.forEach(walk)
        let typeWords: Set<String> = ["BOOL", "INT2", "INT4", "INT8", "FLOAT4", "FLOAT8"]
        for terminal in terminals where terminal.first?.isLetter == true && !typeWords.contains(terminal) {
            #expect(Keyword(word: terminal) != nil, "\(terminal) is not a Keyword")
        }
    }

    @Test("random sentences of the grammar parse and round-trip", arguments: 0..<4)
    func generatedSentences(_ seed: Int) throws {
        let grammar = try Self.loadGrammar()
        var generator = SentenceGenerator(grammar: grammar, samples: Self.samples, rng: SeededGenerator(seed: UInt64(seed) + 1000))
        var failures: [String] = []
        var statements = 0
        for _ in 0..<1000 {
            // Mostly single statements; statement_list itself often yields only ";".
            let start = Int.random(in: 0..<10, using: &generator.rng) == 0 ? "statement_list" : "statement"
            let sql = generator.sentence(from: start, budget: Int.random(in: 8...22, using: &generator.rng))
            do {
                let parsed = try Parser.parseStatements(sql)
                statements += parsed.count
                for statement in parsed {
                    let printed = statement.description
                    let reparsed = try Parser.parseStatement(printed)
                    if reparsed != statement || reparsed.description != printed {
                        failures.append("round trip: \(sql)\n  printed: \(printed)\n  again:   \(reparsed)")
                    }
                }
            } catch {
                failures.append("\(error.rendered(source: sql))\n  in: \(sql)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) failures, first ones:\n\(failures.sorted { $0.count < $1.count }.prefix(8).joined(separator: "\n"))")
        // The generator must produce real statements, not mostly empty lists.
        #expect(statements > 900)
    }
}

@Suite("Corpus coverage")
struct CorpusCoverageTests {
    /// Every keyword and symbol of the grammar occurs in the round-trip corpus, so the corpus
    /// exercises every rule (each rule has at least one terminal of its own or is the only
    /// route to one).
    @Test("the corpus uses every terminal of the grammar")
    func everyTerminal() throws {
        let grammar = try GrammarTests.loadGrammar()
        var terminals: Set<String> = []
        func walk(_ node: EBNF.Node) {
            switch node {
            case let .terminal(t): terminals.insert(t)
            case .reference: break
            case let .sequence(items), let .choice(items): items.forEach(walk)
            case let .optional(n), let .repetition(n): walk(n)
            }
        }
        grammar.rules.values.forEach(walk)
        var words: Set<String> = []
        var text = ""
        for statement in Corpus.statements + Corpus.scripts.map(\.0) {
            text += statement + "\n"
            var word = ""
            for c in statement.uppercased() + " " {
                if c.isLetter || c.isNumber || c == "_" {
                    word.append(c)
                } else {
                    if !word.isEmpty { words.insert(word) }
                    word = ""
                }
            }
        }
        let missing = terminals.filter { t in
            t.first?.isLetter == true ? !words.contains(t) : !text.contains(t)
        }
        #expect(missing.isEmpty, "not in the corpus: \(missing.sorted())")
    }
}
