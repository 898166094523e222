import Foundation
import PoolSQLCore
import Testing

/// Runs every record of the .slt corpus on a live PostgreSQL 15 and on PoolSQL and fails on
/// any difference not listed in `slt/KNOWN_DIFFERENCES.md` (and on listed records that agree
/// by now). PostgreSQL's answers must also equal each file's expected blocks: those come from
/// PostgreSQL (`scripts/slt-complete.sh` regenerates them).
///
/// The server: `POOLSQL_TEST_POSTGRES` (libpq connection string). Without it, in CI that is a
/// failure; elsewhere the test starts a throw-away server with `scripts/postgres.sh`.
@Suite(.serialized) struct DifferentialTests {
    @Test func corpusHasAtLeast400Queries() throws {
        var queries = 0
        for name in SLTTests.files {
            let text = try String(contentsOf: SLTTests.directory.appendingPathComponent(name), encoding: .utf8)
            queries += SLTRecord.parse(text).filter { if case .query = $0.kind { return true } else { return false } }.count
        }
        #expect(queries >= 400, "the corpus has \(queries) query records")
    }

    @Test func knownDifferencesParse() {
        let known = DifferentialKnownDifferences(markdown: """
            | Record | Feature | Difference |
            |---|---|---|
            | `windows.slt:12` | windows | PoolSQL: 1 / PostgreSQL: 2 |
            | not a record | x | y |
            """)
        #expect(known.entries.count == 1)
        #expect(known.contains(file: "windows.slt", line: 12))
    }

    @Test func csvParsingKeepsNullAndEmptyApart() {
        let null = DifferentialPostgres.nullMarker
        let rows = DifferentialPostgres.parseCSV("a,\(null),\n\"x,\"\"y\"\"\",1,\(null)\n\n,\u{301}x\n")
        #expect(rows.count == 4)
        #expect(rows[0] == ["a", nil, ""])
        #expect(rows[1] == ["x,\"y\"", "1", nil])
        #expect(rows[2] == [""])
        #expect(rows[3] == ["", "\u{301}x"])
    }

    @Test func corpusAgreesWithPostgreSQL() throws {
        let server = try DifferentialServer.acquire()
        defer { server.release() }
        let database = try server.freshDatabase()
        let mode = DifferentialRun.Mode(environment: ProcessInfo.processInfo.environment)
        var run = DifferentialRun(postgres: database, known: DifferentialKnownDifferences.shared, mode: mode)
        for name in SLTTests.files {
            try run.check(file: name)
        }
        try run.finish()
        print(run.summary)
        for problem in run.problems {
            Issue.record(Comment(rawValue: problem))
        }
    }
}
