import PoolSQLCore
import PoolSQLSyntax
import Testing

/// A small deterministic generator (SplitMix64), so failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Robustness")
struct RobustnessTests {
    /// Parsing never crashes: it returns statements or throws a PoolSQLError. When a mutated
    /// input does parse, it must also round-trip.
    static func parseOrThrow(_ sql: String) -> PoolSQLError? {
        do {
            let statements = try Parser.parseStatements(sql)
            for statement in statements {
                let printed = statement.description
                do {
                    let reparsed = try Parser.parseStatement(printed)
                    #expect(reparsed == statement, "mutant \(sql.debugDescription) printed as \(printed) changed on reparse")
                } catch {
                    Issue.record("mutant \(sql.debugDescription) printed as \(printed) does not parse: \(error)")
                }
            }
            return nil
        } catch {
            return error
        }
    }

    static let fragments: [String] = [
        "(", ")", "'", "\"", "--", "/*", "*/", ";", ",", ".", "::", "[", "]", "SELECT", "FROM", "WHERE", "NOT", "AND",
        "OR", "IN", "BETWEEN", "CASE", "END", "WITH", "UNION", "JOIN", "ON", "1e", "1.5", "99999999999999999999", "é",
        "👍", "\0", "\\", "E'", "$", "ARRAY[", "OVER (", "IS NOT", "DISTINCT", "::int[]", "-", "+", "*", "||", " ",
    ]

    @Test("mutated corpus statements parse or throw PoolSQLError", arguments: 0..<8)
    func mutations(_ seed: Int) {
        var rng = SeededGenerator(seed: UInt64(seed) &* 7919 &+ 1)
        var parsed = 0, rejected = 0
        for sql in Corpus.statements {
            for _ in 0..<6 {
                var bytes = Array(sql.utf8)
                let edits = Int.random(in: 1...4, using: &rng)
                for _ in 0..<edits {
                    switch Int.random(in: 0..<6, using: &rng) {
                    case 0 where !bytes.isEmpty:
                        bytes.remove(at: Int.random(in: 0..<bytes.count, using: &rng))
                    case 1:
                        bytes.insert(UInt8.random(in: 0...255, using: &rng), at: Int.random(in: 0...bytes.count, using: &rng))
                    case 2 where bytes.count > 1:
                        let i = Int.random(in: 0..<bytes.count, using: &rng), j = Int.random(in: 0..<bytes.count, using: &rng)
                        bytes.swapAt(i, j)
                    case 3 where !bytes.isEmpty:
                        bytes.removeLast(Int.random(in: 0..<bytes.count, using: &rng))
                    case 4:
                        let fragment = Self.fragments[Int.random(in: 0..<Self.fragments.count, using: &rng)]
                        bytes.insert(contentsOf: Array(fragment.utf8), at: Int.random(in: 0...bytes.count, using: &rng))
                    default:
                        let fragment = Self.fragments[Int.random(in: 0..<Self.fragments.count, using: &rng)]
                        bytes.insert(contentsOf: Array(" \(fragment) ".utf8), at: Int.random(in: 0...bytes.count, using: &rng))
                    }
                }
                let mutant = String(decoding: bytes, as: UTF8.self)
                if let error = Self.parseOrThrow(mutant) {
                    rejected += 1
                    #expect(!error.message.isEmpty)
                    #expect(error.code != .internalError)
                } else {
                    parsed += 1
                }
            }
        }
        // Both outcomes must occur, or the mutations are not exercising anything.
        #expect(parsed > 0)
        #expect(rejected > 0)
    }

    static let deepInputs: [String: String] = [
        "parentheses": "SELECT " + String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000),
        "unclosed parentheses": "SELECT " + String(repeating: "(", count: 10_000),
        "unary minus": "SELECT " + String(repeating: "- ", count: 10_000) + "1",
        "NOT": "SELECT " + String(repeating: "NOT ", count: 10_000) + "TRUE",
        "arrays": "SELECT " + String(repeating: "ARRAY[", count: 10_000),
        "scalar subqueries": "SELECT " + String(repeating: "(SELECT ", count: 10_000) + "1",
        "CASE": "SELECT " + String(repeating: "CASE WHEN ", count: 10_000),
        "function calls": "SELECT " + String(repeating: "f(", count: 10_000),
        "subscripts": "SELECT x" + String(repeating: "[1]", count: 10_000),
        "casts": "SELECT x" + String(repeating: "::int", count: 10_000),
        "additions": "SELECT " + Array(repeating: "1", count: 10_000).joined(separator: " + "),
        "ANDs": "SELECT * FROM t WHERE " + Array(repeating: "a", count: 10_000).joined(separator: " AND "),
        "FROM parentheses": "SELECT * FROM " + String(repeating: "(", count: 10_000) + "t",
        "derived tables": "SELECT * FROM " + String(repeating: "(SELECT * FROM ", count: 10_000) + "t",
        "joins": "SELECT * FROM t" + String(repeating: " CROSS JOIN t", count: 10_000),
        "EXPLAIN": String(repeating: "EXPLAIN ", count: 10_000) + "SELECT 1",
        "UNION": "SELECT 1 " + String(repeating: "UNION SELECT 1 ", count: 10_000),
        "INTERSECT": "SELECT 1 " + String(repeating: "INTERSECT SELECT 1 ", count: 10_000),
        "parenthesized queries": String(repeating: "(", count: 10_000) + "SELECT 1",
        "WITH": String(repeating: "WITH a AS (", count: 10_000) + "SELECT 1",
    ]

    @Test("deep nesting is 54001, not a stack overflow", arguments: deepInputs.keys.sorted())
    func deepNesting(_ name: String) throws {
        let sql = try #require(Self.deepInputs[name])
        let error = try #require(Self.parseOrThrow(sql))
        #expect(error.code == .programLimitExceeded)
        #expect(error.message == "stack depth limit exceeded")
    }

    @Test("nesting below the limit parses and prints")
    func nestingBelowLimit() throws {
        let depth = 60
        let sql = "SELECT " + String(repeating: "(", count: depth) + "1 + x" + String(repeating: ")", count: depth)
            + " FROM " + String(repeating: "(SELECT * FROM ", count: depth / 2) + "t" + String(repeating: ") AS s", count: depth / 2)
        #expect(Self.parseOrThrow(sql) == nil)
        let chain = "SELECT " + Array(repeating: "1", count: 150).joined(separator: " + ")
        #expect(Self.parseOrThrow(chain) == nil)
    }

    @Test("long lists are not limited")
    func longLists() throws {
        let columns = "SELECT " + (1...5_000).map { "c\($0)" }.joined(separator: ", ")
        #expect(Self.parseOrThrow(columns) == nil)
        let inList = "SELECT x IN (" + (1...5_000).map(String.init).joined(separator: ", ") + ")"
        #expect(Self.parseOrThrow(inList) == nil)
        let values = "VALUES " + Array(repeating: "(1, 'a')", count: 5_000).joined(separator: ", ")
        #expect(Self.parseOrThrow(values) == nil)
    }
}
