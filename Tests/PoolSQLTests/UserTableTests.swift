import PoolSQL
import Testing

/// User tables: CREATE TABLE, CREATE TABLE AS, INSERT with PostgreSQL's assignment rules, DROP.
@Suite struct UserTableTests {
    let session: Session

    init() throws {
        session = try Engine().makeSession()
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

    @Test func createInsertSelectDrop() throws {
        let results = try session.execute("""
            CREATE TABLE checks (pool text NOT NULL, latency_ms integer, at timestamp, ratio numeric(5, 2), tags text[]);
            INSERT INTO checks VALUES ('a', 12, '2024-05-01 10:00:00', 0.125, ARRAY['x', 'y']), ('b', NULL, NULL, 1, NULL);
            INSERT INTO checks (latency_ms, pool) SELECT latency_ms * 2, pool || '2' FROM checks WHERE latency_ms IS NOT NULL
            """)
        #expect(results.map(\.commandTag) == ["CREATE TABLE", "INSERT 0 2", "INSERT 0 1"])
        let all = try rows("SELECT pool, latency_ms, at, ratio, tags FROM checks ORDER BY pool")
        #expect(all.count == 3)
        #expect(all[0][2] == .timestamp(try Timestamp(parsing: "2024-05-01 10:00:00")))
        #expect(all[0][3].description == "0.13")
        #expect(all[0][4] == .array([.text("x"), .text("y")]))
        #expect(all[1] == [.text("a2"), .int(24), .null, .null, .null])
        #expect(session.engine.tableNames == ["checks"])
        #expect(try session.execute("DROP TABLE checks")[0].commandTag == "DROP TABLE")
        #expect(error("SELECT * FROM checks")?.code == "42P01")
        #expect(try session.execute("DROP TABLE IF EXISTS checks")[0].notices == ["table \"checks\" does not exist, skipping"])
    }

    @Test func createTableAsQuery() throws {
        let result = try session.execute("CREATE TABLE squares (n, square) AS SELECT g, g * g FROM generate_series(1, 3) g")[0]
        #expect(result.commandTag == "SELECT 3")
        #expect(try rows("SELECT square FROM squares WHERE n = 3") == [[.int(9)]])
        let typed = try session.execute("SELECT * FROM squares LIMIT 0")[0]
        #expect(typed.columns.map(\.name) == ["n", "square"])
        #expect(error("CREATE TABLE bad (a, b, c) AS SELECT 1, 2")?.code == "42601")
        #expect(error("CREATE TABLE squares AS SELECT 1")?.code == "42P07")
        #expect(try session.execute("CREATE TABLE IF NOT EXISTS squares (x integer)")[0].notices == ["relation \"squares\" already exists, skipping"])
    }

    @Test func assignmentCastsAndTheirErrors() throws {
        _ = try session.execute("CREATE TABLE t (i integer NOT NULL, s varchar(3), b boolean)")
        _ = try session.execute("INSERT INTO t VALUES (2.5, 42, 'yes'), ('7', 'abc', NULL)")
        #expect(try rows("SELECT i, s, b FROM t ORDER BY i") == [[.int(3), .text("42"), .bool(true)], [.int(7), .text("abc"), .null]])

        let text = try #require(error("INSERT INTO t (i) VALUES ('x'::text)"))
        #expect(text.code == "42804")
        #expect(text.message == "column \"i\" is of type integer but expression is of type text")
        #expect(text.range?.start.column == 27)
        let syntax = try #require(error("INSERT INTO t (i) VALUES ('abc')"))
        #expect(syntax.code == "22P02")
        #expect(syntax.range?.start.column == 27)
        #expect(error("INSERT INTO t (b) VALUES (1)")?.code == "42804")
        #expect(error("INSERT INTO t (i, s) VALUES (1, 'long')")?.code == "22001")
        #expect(error("INSERT INTO t (i) VALUES (99999999999)")?.code == "22003")
        let missing = try #require(error("INSERT INTO t (s) VALUES ('a')"))
        #expect(missing.code == "23502")
        #expect(missing.message == "null value in column \"i\" of relation \"t\" violates not-null constraint")
        // A failing row leaves the others out too.
        #expect(error("INSERT INTO t VALUES (10, 'a', true), (NULL, 'b', false)")?.code == "23502")
        #expect(try rows("SELECT count(*) FROM t") == [[.int(2)]])
    }

    @Test func columnListErrors() throws {
        _ = try session.execute("CREATE TABLE t (a integer, b text)")
        let unknown = try #require(error("INSERT INTO t (a, bb) VALUES (1, 'x')"))
        #expect(unknown.code == "42703")
        #expect(unknown.hint == "did you mean \"b\"?")
        #expect(unknown.range?.start.column == 19)
        #expect(error("INSERT INTO t (a, a) VALUES (1, 2)")?.code == "42701")
        let extra = try #require(error("INSERT INTO t VALUES (1, 'x', 3)"))
        #expect(extra.message == "INSERT has more expressions than target columns")
        #expect(extra.range?.start.column == 31)
        #expect(error("INSERT INTO t (a, b) VALUES (1)")?.message == "INSERT has more target columns than expressions")
        // Without a column list, missing trailing values are NULL.
        _ = try session.execute("INSERT INTO t VALUES (1)")
        #expect(try rows("SELECT a, b FROM t") == [[.int(1), .null]])
        #expect(error("INSERT INTO nothere VALUES (1)")?.code == "42P01")
        #expect(error("INSERT INTO mongodb_servers VALUES (1)")?.code == "42809")
        #expect(error("CREATE TABLE d (a integer, a text)")?.code == "42701")
    }

    @Test func defaultsFillOmittedColumns() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try session.execute("CREATE TABLE d (id integer, status text NOT NULL DEFAULT 'new', at timestamp DEFAULT now(), n numeric(4, 1) DEFAULT 1 + 1)")
        _ = try session.execute("INSERT INTO d (id) VALUES (1); INSERT INTO d (id, status, n) VALUES (2, 'old', NULL)")
        #expect(try rows("SELECT id, status, at IS NOT NULL, n FROM d ORDER BY id").map { $0.map(\.description) }
                == [["1", "new", "t", "2.0"], ["2", "old", "t", ""]])
        try directory.write("3\n4\n", to: "ids.csv")
        _ = try session.execute("COPY d (id) FROM '\(directory.file("ids.csv"))' WITH (FORMAT csv)")
        #expect(try rows("SELECT count(*) FROM d WHERE status = 'new' AND n = 2") == [[.int(3)]])
        #expect(error("CREATE TABLE e (a integer DEFAULT 'x'::text)")?.code == "42804")
        #expect(error("CREATE TABLE e (a integer, b integer DEFAULT a)")?.code == "0A000")
    }

    @Test func primaryKeyAndUniqueColumns() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try session.execute("CREATE TABLE k (id integer PRIMARY KEY, code text UNIQUE, note text)")
        _ = try session.execute("INSERT INTO k VALUES (1, 'a', NULL), (2, NULL, NULL), (3, NULL, NULL)")
        let duplicate = try #require(error("INSERT INTO k VALUES (4, 'b', NULL), (1, 'c', NULL)"))
        #expect(duplicate.code == "23505")
        #expect(duplicate.message == "duplicate key value violates unique constraint \"k_pkey\"")
        #expect(duplicate.detail == "Key (id)=(1) already exists.")
        #expect(error("INSERT INTO k VALUES (5, 'x', NULL), (6, 'x', NULL)")?.message == "duplicate key value violates unique constraint \"k_code_key\"")
        #expect(error("INSERT INTO k (code) VALUES ('z')")?.code == "23502")
        try directory.write("7,q,\n8,a,\n", to: "k.csv")
        let copy = try #require(error("COPY k FROM '\(directory.file("k.csv"))' WITH (FORMAT csv)"))
        #expect(copy.code == "23505")
        #expect(copy.detail == "Key (code)=(a) already exists.\nCOPY k, line 2")
        #expect(try rows("SELECT count(*) FROM k") == [[.int(3)]])
        #expect(error("CREATE TABLE two (a integer PRIMARY KEY, b integer PRIMARY KEY)")?.code == "42P16")
    }

    @Test func insertSelectTakesUntypedLiteralsAsTheColumnType() throws {
        _ = try session.execute("CREATE TABLE t (at timestamp, n integer)")
        _ = try session.execute("INSERT INTO t SELECT '2024-01-02 03:04:05', 5")
        #expect(try rows("SELECT n FROM t WHERE at = TIMESTAMP '2024-01-02 03:04:05'") == [[.int(5)]])
        #expect(error("INSERT INTO t (n) SELECT 'x' || 'y'")?.code == "42804")
    }

    @Test func explainShowsUserTablesAsScans() throws {
        _ = try session.execute("CREATE TABLE t (a integer, b text); CREATE VIEW v AS SELECT a FROM t WHERE b = 'x'")
        let plan = try rows("EXPLAIN SELECT a FROM v WHERE a > 1 LIMIT 2").map { $0.first?.description ?? "" }
        #expect(plan.contains { $0.hasSuffix("TableScan: t projection=[a] filters=[b = 'x' (exact), a > 1 (exact)] limit=2") })
        #expect(plan.contains { $0.contains("SubqueryAlias: v") })
    }
}
