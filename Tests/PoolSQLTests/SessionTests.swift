import PoolSQL
import Testing

/// The façade without a server: SQL in, typed rows or PoolSQLErrors out.
@Suite struct SessionTests {
    let session: Session

    init() throws {
        session = try Engine().makeSession()
    }

    @Test func selectWithoutFrom() throws {
        let results = try session.execute("SELECT 1 + 1 AS two, 'a' || 'b' AS ab")
        #expect(results.count == 1)
        #expect(results[0].columns.map(\.name) == ["two", "ab"])
        #expect(results[0].rows == [[.int(2), .text("ab")]])
        #expect(results[0].commandTag == "SELECT 1")
    }

    @Test func severalStatementsRunInOrder() throws {
        let results = try session.execute("SET connection_pool_max_size = 50; SHOW connection_pool_max_size; RESET connection_pool_max_size; SHOW connection_pool_max_size")
        #expect(results.map(\.commandTag) == ["SET", "SHOW", "RESET", "SHOW"])
        #expect(results[1].rows == [[.text("50")]])
        #expect(results[1].columns.map(\.name) == ["connection_pool_max_size"])
        #expect(results[3].rows == [[.text("100")]])
    }

    @Test func setAcceptsToDefaultDurationsAndWords() throws {
        _ = try session.execute("SET connection_pool_idle_timeout TO '10 seconds'")
        #expect(try session.execute("SHOW connection_pool_idle_timeout")[0].rows == [[.text("10s")]])
        _ = try session.execute("SET GLOBAL connection_pool_read_preference = secondaryPreferred")
        #expect(try session.execute("SHOW connection_pool_read_preference")[0].rows == [[.text("secondaryPreferred")]])
        _ = try session.execute("SET connection_pool_idle_timeout = DEFAULT")
        #expect(try session.execute("SHOW connection_pool_idle_timeout")[0].rows == [[.text("0")]])
    }

    @Test func settingsTableShowsValueAndSource() throws {
        _ = try session.execute("SET connection_pool_max_size = 42")
        let rows = try session.execute("""
            SELECT name, setting, source FROM connection_pool_settings
            WHERE name IN ('connection_pool_max_size', 'connection_pool_min_size') ORDER BY name
            """)[0].rows
        #expect(rows == [[.text("connection_pool_max_size"), .text("42"), .text("SET")],
                         [.text("connection_pool_min_size"), .text("0"), .text("default")]])
    }

    @Test func showAllListsEverySetting() throws {
        let result = try session.execute("SHOW ALL")[0]
        #expect(result.columns.map(\.name) == ["name", "setting", "applies", "description"])
        #expect(result.rows.count == SettingsRegistry.definitions.count)
    }

    @Test(arguments: [
        ("SELEC 1", "42601"),
        ("SELECT pool_name FORM mongodb_connection_pools", "42601"),
        ("SELECT * FROM mongodb_connection_pool", "42P01"),
        ("SELECT pool_nam FROM mongodb_connection_pools", "42703"),
        ("SET connection_pool_max_sise = 5", "42704"),
        ("SET connection_pool_max_size = 0", "22023"),
        ("SET connection_pool_max_size = 'many'", "22023"),
        ("SHOW nothing_like_this", "42704"),
        ("SELECT 1 / 0", "22012"),
        ("RUN LOAD TEST ON POOL nope WITH (concurrency = 5)", "42704"),
        ("CREATE VIEW v AS SELECT 1 FROM nowhere", "42P01"),
        ("DROP VIEW nope", "42P01"),
        ("ALTER POOL nope ENABLE", "42704"),
        ("DROP POOL nope", "42704"),
        ("CREATE POOL p URI 'http://not-mongo'", "22023"),
        ("CREATE POOL p URI 'mongodb://127.0.0.1:1' WITH (max_pool_sise = 3)", "42704"),
    ])
    func errorsCarryTheirSQLState(sql: String, code: String) {
        do {
            _ = try session.execute(sql)
            Issue.record("expected \(code) from \(sql)")
        } catch {
            #expect(error.code.code == code, "\(sql): \(error)")
        }
    }

    @Test func unknownSettingNamesTheClosest() {
        do {
            _ = try session.execute("SET connection_pool_max_sise = 5")
            Issue.record("expected an error")
        } catch {
            #expect(error.hint == "did you mean \"connection_pool_max_size\"?")
            #expect(error.range?.start.column == 5)
        }
    }

    @Test func dropPoolIfExistsIsANoticeNotAnError() throws {
        let result = try session.execute("DROP POOL IF EXISTS nope")[0]
        #expect(result.commandTag == "DROP POOL")
        #expect(result.notices == ["pool \"nope\" does not exist, skipping"])
    }

    @Test func explainShowsTheScan() throws {
        let lines = try session.execute("EXPLAIN SELECT pool_name FROM mongodb_connection_pools WHERE pool_name = 'p' LIMIT 3")[0]
            .rows.map { $0[0].description }
        #expect(lines.contains { $0.contains("mongodb_connection_pools") })
        #expect(lines.joined(separator: "\n").contains("pool_name = 'p'"))
    }
}
