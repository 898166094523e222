import Foundation
import PoolSQLCore

/// One pass of the corpus over PostgreSQL and PoolSQL: counts, differences, problems.
struct DifferentialRun {
    enum Mode {
        /// Compare and report.
        case check
        /// Rewrite each file's expected blocks with PostgreSQL's answers (scripts/slt-complete.sh).
        case complete
        /// Compare, then rewrite KNOWN_DIFFERENCES.md with the differences found.
        case writeKnown

        init(environment: [String: String]) {
            if environment["POOLSQL_SLT_COMPLETE"] == "1" { self = .complete }
            else if environment["POOLSQL_SLT_WRITE_KNOWN"] == "1" { self = .writeKnown }
            else { self = .check }
        }
    }

    struct Difference {
        var file: String
        var line: Int
        var sql: String
        var poolSQL: String
        var postgres: String
    }

    let postgres: DifferentialPostgres
    let known: DifferentialKnownDifferences
    let mode: Mode
    var queries = 0, statements = 0, agreeing = 0, knownDifferent = 0, skipped = 0
    var queriesAgreeing = 0, queriesKnownDifferent = 0
    var differences: [Difference] = []
    var problems: [String] = []
    var seenKnown: Set<String> = []

    init(postgres: DifferentialPostgres, known: DifferentialKnownDifferences, mode: Mode) {
        self.postgres = postgres
        self.known = known
        self.mode = mode
    }

    var summary: String {
        "differential: \(queries) queries (\(queriesAgreeing) agree, \(queriesKnownDifferent) known-different); "
            + "all records: \(queries) queries and \(statements) statements compared, \(agreeing) agree, "
            + "\(knownDifferent) known-different, \(differences.count - knownDifferent) new differences, \(skipped) # nopg records skipped"
    }

    static func show(_ rows: [String]) -> String { rows.isEmpty ? "(no rows)" : rows.joined(separator: "\n      ") }

    enum Answer: Equatable {
        case rows([String])
        case error(String)
        var text: String {
            switch self {
            case let .rows(rows): return DifferentialRun.show(rows)
            case let .error(message): return "ERROR " + message
            }
        }
    }

    mutating func check(file: String) throws {
        let url = SLTTests.directory.appendingPathComponent(file)
        let text = try String(contentsOf: url, encoding: .utf8)
        let records = SLTRecord.parse(text)
        let schema = "slt_" + file.dropLast(4).map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined().lowercased()
        try postgres.runScript("DROP SCHEMA IF EXISTS \(schema) CASCADE;\nCREATE SCHEMA \(schema);\n")
        let searchPath = "\(schema),public"
        var runner = SLTRunner()
        var lines = text.components(separatedBy: "\n")
        var replacements: [(Range<Int>, [String])] = []

        for record in records where !record.unknownHeader {
            if record.noPostgres { skipped += 1; continue }
            let where_ = "\(file):\(record.line)"
            let isKnown = known.contains(file: file, line: record.line)
            if isKnown { seenKnown.insert(where_) }
            func problem(_ message: String) {
                problems.append("\(where_): \(message)\n  SQL: \(record.sql)")
            }
            var needsTypes = false
            if case let .query(types, _) = record.kind, types.isEmpty { needsTypes = true }
            let pg = try postgres.run(record.sql, searchPath: searchPath, describe: mode == .complete && needsTypes)
            let pool: Answer
            do {
                let result = try runner.execute(record.sql)
                let sort: SLTRecord.SortMode
                if case let .query(_, s) = record.kind { sort = s } else { sort = .none }
                pool = .rows(SLTRecord.arrange(result.rows.map { $0.map(SLTRunner.render) }, sort))
            } catch {
                pool = .error("\(error.code.code): \(error.message)")
            }

            let differs: Bool
            var pgText = ""
            switch record.kind {
            case .statementOK:
                statements += 1
                if case let .error(code, message) = pg { problem("PostgreSQL rejects a `statement ok`: \(code): \(message)"); continue }
                if case .error = pool { differs = true } else { differs = false }
                pgText = "ok"
            case let .error(pattern):
                statements += 1
                guard case let .error(code, message) = pg else {
                    problem("PostgreSQL runs a record that expects error \(pattern)"); continue
                }
                if pattern.count == 5, pattern.allSatisfy({ $0.isUppercase || $0.isNumber }), code != pattern {
                    problem("PostgreSQL's SQLSTATE is \(code) (\(message)), the record expects \(pattern)")
                }
                if case .error = pool { differs = false } else { differs = true }
                pgText = "ERROR \(code): \(message)"
            case let .query(types, sort):
                queries += 1
                guard case let .rows(rows, pgTypes) = pg else {
                    if case let .error(code, message) = pg { problem("PostgreSQL errors: \(code): \(message)") }
                    continue
                }
                let arranged = SLTRecord.arrange(rows.map { $0.map { v in v.map { $0.isEmpty ? "(empty)" : $0 } ?? "NULL" } }, sort)
                pgText = DifferentialRun.show(arranged)
                if mode == .complete, !types.isEmpty, record.expected != nil, arranged == record.arrangedExpected(sort) {
                    // Already PostgreSQL's answer: the record stays as written.
                } else if mode == .complete {
                    var header = record.header
                    if types.isEmpty, !pgTypes.isEmpty {
                        let letters = String(pgTypes.map(DifferentialRun.typeLetter))
                        header = "query \(letters)" + (sort == .rowsort ? " rowsort" : sort == .valuesort ? " valuesort" : "")
                    }
                    replacements.append((record.lineRange, [header] + record.sql.components(separatedBy: "\n") + ["----"] + arranged))
                } else if arranged != record.arrangedExpected(sort) {
                    problem("the expected block is not PostgreSQL's answer (run scripts/slt-complete.sh)\n  file:\n      "
                        + DifferentialRun.show(record.arrangedExpected(sort)) + "\n  PostgreSQL:\n      " + pgText)
                }
                differs = pool != .rows(arranged)
            }
            var isQuery = false
            if case .query = record.kind { isQuery = true }
            if !differs {
                agreeing += 1
                if isQuery { queriesAgreeing += 1 }
                if isKnown, mode != .complete {
                    problem("listed in KNOWN_DIFFERENCES.md but PoolSQL now agrees with PostgreSQL: remove the entry")
                }
                continue
            }
            differences.append(Difference(file: file, line: record.line, sql: record.sql, poolSQL: pool.text, postgres: pgText))
            if isKnown {
                knownDifferent += 1
                if isQuery { queriesKnownDifferent += 1 }
            } else if mode == .check {
                problem("PoolSQL differs from PostgreSQL\n  PoolSQL:\n      \(pool.text)\n  PostgreSQL:\n      \(pgText)")
            }
        }

        if mode == .complete, !replacements.isEmpty {
            for (range, newLines) in replacements.reversed() { lines.replaceSubrange(range, with: newLines) }
            let rewritten = lines.joined(separator: "\n")
            if rewritten != text { try rewritten.write(to: url, atomically: true, encoding: .utf8) }
        }
    }

    /// Reports listed records that no longer exist, and writes KNOWN_DIFFERENCES.md when asked.
    mutating func finish() throws {
        if mode == .check {
            for entry in known.entries where !seenKnown.contains("\(entry.file):\(entry.line)") {
                problems.append("KNOWN_DIFFERENCES.md lists \(entry.file):\(entry.line), which is no record of the corpus (or a # nopg one): remove or fix the entry")
            }
        }
        if mode == .writeKnown {
            try DifferentialRun.knownDifferencesMarkdown(differences, previous: known)
                .write(to: DifferentialKnownDifferences.path, atomically: true, encoding: .utf8)
        }
    }

    static func typeLetter(_ type: String) -> Character {
        switch type {
        case "smallint", "integer", "bigint": return "I"
        case "double precision", "real": return "R"
        case "boolean": return "B"
        case "timestamp without time zone", "timestamp with time zone": return "P"
        default: return type.hasPrefix("numeric") ? "R" : "T"
        }
    }
}
