import Foundation
import PoolSQL
import Testing

/// Views: created, validated, replaced, dropped, and kept in the data directory across engines.
@Suite struct ViewPersistenceTests {
    func engine(_ directory: TemporaryDirectory) throws(PoolSQLError) -> Engine {
        try Engine(configuration: EngineConfiguration(dataDirectory: directory.path))
    }

    func rows(_ session: Session, _ sql: String) throws -> [[Value]] {
        try session.execute(sql).last?.rows ?? []
    }

    func error(_ session: Session, _ sql: String) -> PoolSQLError? {
        do {
            _ = try session.execute(sql)
            return nil
        } catch {
            return error
        }
    }

    @Test func viewsSurviveAnEngineRestart() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        do {
            let session = try engine(directory).makeSession()
            _ = try session.execute("""
                CREATE VIEW numbers (n, label) AS SELECT g, 'n' || g FROM generate_series(1, 4) g;
                CREATE VIEW evens AS SELECT n FROM numbers WHERE n % 2 = 0;
                CREATE VIEW "Quoted View" AS SELECT 'it''s' AS "Text"
                """)
        }
        let session = try engine(directory).makeSession()
        #expect(try rows(session, "SELECT * FROM evens ORDER BY n") == [[.int(2)], [.int(4)]])
        #expect(try rows(session, "SELECT label FROM numbers WHERE n = 3") == [[.text("n3")]])
        #expect(try rows(session, "SELECT \"Text\" FROM \"Quoted View\"") == [[.text("it's")]])
        #expect(FileManager.default.fileExists(atPath: directory.file(EngineConfiguration.storeFileName)))
        #expect(try session.engine.views.map(\.name) == ["numbers", "evens", "Quoted View"])

        _ = try session.execute("DROP VIEW evens")
        let restarted = try engine(directory).makeSession()
        #expect(try restarted.engine.views.map(\.name) == ["numbers", "Quoted View"])
    }

    @Test func viewsJoinWithVirtualTablesAndViews() throws {
        let session = try Engine().makeSession()
        _ = try session.execute("""
            CREATE VIEW settings_view AS SELECT name, setting FROM connection_pool_settings WHERE name LIKE 'connection_pool_m%_size';
            CREATE VIEW limits (setting_name) AS SELECT name FROM settings_view
            """)
        let joined = try rows(session, """
            SELECT l.setting_name, s.setting FROM limits l JOIN connection_pool_settings s ON s.name = l.setting_name
            JOIN settings_view v ON v.name = s.name ORDER BY 1
            """)
        #expect(joined == [[.text("connection_pool_max_size"), .text("100")], [.text("connection_pool_min_size"), .text("0")]])
    }

    @Test func createValidatesTheBodyWithCaretsInTheStatement() throws {
        let session = try Engine().makeSession()
        let table = try #require(error(session, "CREATE VIEW v AS\nSELECT 1 FROM mongodb_connection_pool"))
        #expect(table.code == "42P01")
        #expect(table.hint == "did you mean \"mongodb_connection_pools\"?")
        #expect(table.range?.start.line == 2)
        #expect(table.range?.start.column == 15)
        let column = try #require(error(session, "CREATE VIEW v AS SELECT pool_nam FROM mongodb_connection_pools"))
        #expect(column.code == "42703")
        #expect(column.range?.start.column == 25)
        #expect(error(session, "CREATE VIEW v (a, b) AS SELECT 1")?.code == "42601")
        #expect(error(session, "CREATE VIEW v AS SELECT 1 AS a, 2 AS a")?.code == "42701")
        #expect(session.engine.views.isEmpty)
    }

    @Test func namesAreCheckedAgainstEveryRelation() throws {
        let session = try Engine().makeSession()
        _ = try session.execute("CREATE VIEW v AS SELECT 1 AS a")
        #expect(error(session, "CREATE VIEW v AS SELECT 2 AS a")?.code == "42P07")
        #expect(error(session, "CREATE VIEW mongodb_servers AS SELECT 1")?.code == "42P07")
        #expect(error(session, "CREATE OR REPLACE VIEW mongodb_servers AS SELECT 1")?.code == "42809")
        #expect(error(session, "CREATE TABLE v (a integer)")?.code == "42P07")
        let missing = try #require(error(session, "DROP VIEW nope"))
        #expect(missing.code == "42P01")
        #expect(missing.range?.start.column == 11)
        let skipped = try session.execute("DROP VIEW IF EXISTS nope")[0]
        #expect(skipped.notices == ["view \"nope\" does not exist, skipping"])
        #expect(error(session, "DROP VIEW mongodb_servers")?.code == "42809")
        #expect(error(session, "DROP TABLE v")?.code == "42809")
    }

    @Test func replaceKeepsColumnsAndDropRespectsDependents() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let session = try engine(directory).makeSession()
        _ = try session.execute("CREATE VIEW base AS SELECT 1 AS a; CREATE VIEW top AS SELECT a FROM base")
        _ = try session.execute("CREATE OR REPLACE VIEW base AS SELECT 5 AS a, 'x' AS b")
        #expect(try rows(session, "SELECT * FROM top") == [[.int(5)]])
        #expect(error(session, "CREATE OR REPLACE VIEW base AS SELECT 'x' AS b")?.code == "42P16")
        #expect(error(session, "CREATE OR REPLACE VIEW base AS SELECT 'x' AS a")?.code == "42P16")
        #expect(error(session, "CREATE OR REPLACE VIEW base AS SELECT a, 'x' AS b FROM top")?.code == "42P17")
        let dependent = try #require(error(session, "DROP VIEW base"))
        #expect(dependent.code == "2BP01")
        #expect(dependent.detail == "view top depends on view base")
        // Both at once is fine, and reaches the file.
        _ = try session.execute("DROP VIEW base, top")
        #expect(try engine(directory).views.isEmpty)
        // CASCADE takes the views over views along.
        _ = try session.execute("CREATE VIEW a AS SELECT 1 AS x; CREATE VIEW b AS SELECT x FROM a; CREATE VIEW c AS SELECT x FROM b; CREATE VIEW d AS SELECT 2 AS y")
        let cascaded = try session.execute("DROP VIEW a CASCADE")[0]
        #expect(cascaded.notices == ["drop cascades to view b", "drop cascades to view c"])
        #expect(try engine(directory).views.map(\.name) == ["d"])
    }

    @Test func viewsOverUserTablesAreTemporary() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let session = try engine(directory).makeSession()
        _ = try session.execute("CREATE TABLE t (a integer); INSERT INTO t VALUES (7); CREATE VIEW kept AS SELECT 1 AS one")
        let created = try session.execute("CREATE VIEW over_t AS SELECT a FROM t")[0]
        #expect(created.notices.count == 1)
        #expect(try rows(session, "SELECT * FROM over_t") == [[.int(7)]])
        #expect(error(session, "DROP TABLE t")?.code == "2BP01")
        #expect(try engine(directory).views.map(\.name) == ["kept"])

        // A kept view replaced by one over a user table takes the views over it along.
        _ = try session.execute("CREATE VIEW over_kept AS SELECT one FROM kept")
        let replaced = try session.execute("CREATE OR REPLACE VIEW kept AS SELECT a AS one FROM t")[0]
        #expect(replaced.notices.count == 2)
        #expect(replaced.notices.last == "view \"over_kept\" becomes a temporary view too: it reads \"kept\"")
        #expect(try engine(directory).views.isEmpty)
    }

    @Test func anyViewStoreCanKeepTheViews() throws {
        let store = MemoryViewStore()
        let first = try Engine(configuration: EngineConfiguration(viewStore: store)).makeSession()
        _ = try first.execute("CREATE VIEW answer (value) AS SELECT 42")
        #expect(try store.loadViews() == [StoredView(name: "answer", columns: ["value"], sql: "SELECT 42")])
        let second = try Engine(configuration: EngineConfiguration(viewStore: store)).makeSession()
        #expect(try rows(second, "SELECT value FROM answer") == [[.int(42)]])
    }

    @Test func aFailedSaveChangesNothing() throws {
        struct ReadOnlyStore: ViewStore {
            func loadViews() throws(PoolSQLError) -> [StoredView] { [] }
            func saveViews(_ views: [StoredView]) throws(PoolSQLError) { throw PoolSQLError(.ioError, "read-only") }
        }
        let session = try Engine(configuration: EngineConfiguration(viewStore: ReadOnlyStore())).makeSession()
        #expect(error(session, "CREATE VIEW v AS SELECT 1")?.code == "58030")
        #expect(error(session, "SELECT * FROM v")?.code == "42P01")
    }

    /// A legacy `views.json` that cannot be read stops the start naming the file, which is left
    /// as it was; one whose views do not parse is imported, and the error names the store.
    @Test func corruptFileIsAnErrorNamingIt() throws {
        for text in ["{not json", "{\"version\": 2, \"views\": []}", "{\"version\": 1, \"views\": [{\"name\": \"v\"}]}"] {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            try directory.write(text, to: "views.json")
            do {
                _ = try engine(directory)
                Issue.record("engine started with a corrupt views.json: \(text)")
            } catch {
                #expect(error.code == "XX001")
                #expect(error.message.contains(directory.file("views.json")))
            }
            #expect(try directory.read("views.json") == text)
        }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("{\"version\": 1, \"views\": [{\"name\": \"v\", \"columns\": [], \"sql\": \"SELEC 1\"}]}", to: "views.json")
        let error = #expect(throws: PoolSQLError.self) { try engine(directory) }
        #expect(error?.code == "XX001")
        #expect(error?.message.contains(directory.file(EngineConfiguration.storeFileName)) == true)
    }

    @Test func explainShowsViewsExpanded() throws {
        let session = try Engine().makeSession()
        _ = try session.execute("CREATE VIEW named AS SELECT name, setting FROM connection_pool_settings WHERE name = 'connection_pool_max_size'")
        let plan = try rows(session, "EXPLAIN SELECT setting FROM named LIMIT 1").map { $0.first?.description ?? "" }
        #expect(plan.contains("    SubqueryAlias: named"))
        #expect(plan.first == "Limit: 1")
        #expect(plan.contains { $0.contains("TableScan: connection_pool_settings projection=[name, setting]") })
        #expect(plan.contains { $0.contains("name = 'connection_pool_max_size'") })
    }

    @Test func brokenStoredViewErrorsAtItsUse() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("{\"version\": 1, \"views\": [{\"name\": \"old\", \"columns\": [], \"sql\": \"SELECT gone FROM mongodb_servers\"}]}",
                            to: "views.json")
        let session = try engine(directory).makeSession()
        let failure = try #require(error(session, "SELECT * FROM old"))
        #expect(failure.code == "42703")
        #expect(failure.range?.start.column == 15)
        #expect(failure.detail == "in view \"old\"")
    }
}
