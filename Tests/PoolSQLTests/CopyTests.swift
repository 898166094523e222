import Foundation
import PoolSQL
import Testing

/// `COPY … FROM|TO 'file' WITH (FORMAT csv, HEADER)`: RFC 4180 quoting, NULL as an unquoted
/// empty field, all-or-nothing loads whose errors name the line.
@Suite struct CopyTests {
    let session: Session
    let directory: TemporaryDirectory

    init() throws {
        session = try Engine().makeSession()
        directory = try TemporaryDirectory()
        _ = try session.execute("CREATE TABLE t (id integer NOT NULL, name text, at timestamp, ok boolean)")
    }

    func rows(_ sql: String) throws -> [[Value]] {
        try session.execute(sql).last?.rows ?? []
    }

    func error(_ sql: String) -> PoolSQLError? {
        do {
            _ = try session.execute(sql)
            return nil
        } catch {
            return error
        }
    }

    func quoted(_ name: String) -> String { "'" + directory.file(name).replacingOccurrences(of: "'", with: "''") + "'" }

    @Test func roundTripKeepsNullsEmptyStringsAndQuotes() throws {
        defer { directory.remove() }
        _ = try session.execute("""
            INSERT INTO t VALUES (1, 'plain', '2024-01-01 10:00:00', true), (2, '', NULL, false), (3, NULL, NULL, NULL),
              (4, 'comma, "quote"', NULL, true), (5, E'two\\nlines', NULL, false)
            """)
        let out = try session.execute("COPY t TO \(quoted("t.csv")) WITH (FORMAT csv, HEADER)")[0]
        #expect(out.commandTag == "COPY 5")
        #expect(try directory.read("t.csv") == #"""
            id,name,at,ok
            1,plain,2024-01-01 10:00:00,t
            2,"",,f
            3,,,
            4,"comma, ""quote""",,t
            5,"two
            lines",,f

            """#)
        _ = try session.execute("CREATE TABLE copy_back AS SELECT * FROM t WHERE false")
        #expect(try session.execute("COPY copy_back FROM \(quoted("t.csv")) WITH (FORMAT csv, HEADER true)")[0].commandTag == "COPY 5")
        #expect(try rows("SELECT * FROM copy_back ORDER BY id") == rows("SELECT * FROM t ORDER BY id"))
    }

    @Test func badRowNamesItsLineAndLoadsNothing() throws {
        defer { directory.remove() }
        _ = try session.execute("INSERT INTO t (id) VALUES (100)")
        try directory.write("id,name,at,ok\n1,a,,t\n2,\"multi\nline\",,f\nthree,c,,t\n", to: "bad.csv")
        let failure = try #require(error("COPY t FROM \(quoted("bad.csv")) WITH (FORMAT csv, HEADER)"))
        #expect(failure.code == "22P02")
        #expect(failure.message == "invalid input syntax for type integer: \"three\"")
        #expect(failure.detail == "COPY t, line 5, column id: \"three\"")
        #expect(try rows("SELECT id FROM t") == [[.int(100)]])

        try directory.write("1,a,,t\n2,b,,\n3,c\n", to: "short.csv")
        let short = try #require(error("COPY t FROM \(quoted("short.csv")) WITH (FORMAT csv)"))
        #expect(short.code == "22P04")
        #expect(short.message == "missing data for column \"at\"")
        #expect(short.detail == "COPY t, line 3")

        try directory.write("1,a,,t\n,b,,t\n", to: "null.csv")
        let null = try #require(error("COPY t FROM \(quoted("null.csv")) WITH (FORMAT csv)"))
        #expect(null.code == "23502")
        #expect(null.detail?.contains("COPY t, line 2") == true)

        try directory.write("1,\"open\n", to: "open.csv")
        #expect(error("COPY t FROM \(quoted("open.csv")) WITH (FORMAT csv)")?.code == "22P04")
        #expect(try rows("SELECT count(*) FROM t") == [[.int(1)]])
    }

    @Test func columnListsDelimiterAndHeaderMatch() throws {
        defer { directory.remove() }
        try directory.write("name;id\nx;1\n\"\";2\n", to: "semi.csv")
        _ = try session.execute("COPY t (name, id) FROM \(quoted("semi.csv")) WITH (FORMAT csv, HEADER match, DELIMITER ';')")
        #expect(try rows("SELECT id, name FROM t ORDER BY id") == [[.int(1), .text("x")], [.int(2), .text("")]])
        let mismatch = try #require(error("COPY t (id, name) FROM \(quoted("semi.csv")) WITH (FORMAT csv, HEADER match, DELIMITER ';')"))
        #expect(mismatch.code == "22P04")
        _ = try session.execute("COPY t (name) TO \(quoted("names.csv")) WITH (FORMAT csv)")
        #expect(try directory.read("names.csv") == "x\n\"\"\n")
    }

    @Test func copyErrors() throws {
        defer { directory.remove() }
        #expect(error("COPY t FROM \(quoted("missing.csv")) WITH (FORMAT csv)")?.code == "58P01")
        #expect(error("COPY t FROM \(quoted("missing.csv"))")?.code == "0A000")
        #expect(error("COPY t FROM \(quoted("missing.csv")) WITH (FORMAT csv, SPEED fast)")?.code == "42601")
        #expect(error("COPY nope FROM \(quoted("missing.csv")) WITH (FORMAT csv)")?.code == "42P01")
        #expect(error("COPY mongodb_servers FROM \(quoted("missing.csv")) WITH (FORMAT csv)")?.code == "42809")
        #expect(error("COPY t (nope) TO \(quoted("x.csv")) WITH (FORMAT csv)")?.code == "42703")
    }

    @Test func copyToWritesViewsAndBuiltInTables() throws {
        defer { directory.remove() }
        _ = try session.execute("CREATE VIEW limits AS SELECT name, setting FROM connection_pool_settings WHERE name = 'connection_pool_max_size'")
        _ = try session.execute("COPY limits TO \(quoted("limits.csv")) WITH (FORMAT csv, HEADER)")
        #expect(try directory.read("limits.csv") == "name,setting\nconnection_pool_max_size,100\n")
    }
}
