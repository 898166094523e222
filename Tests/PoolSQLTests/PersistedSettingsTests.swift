import Testing
import PoolSQL
import PoolSQLSyntax

@Suite("SET PERSIST")
struct PersistedSettingsTests {
    @Test("a persisted setting applies again at the next start; DEFAULT forgets it")
    func persistsAcrossEngines() throws {
        let store = MemoryStore()
        do {
            let engine = try Engine(configuration: EngineConfiguration(localStore: store))
            let session = engine.makeSession()
            _ = try session.execute("SET PERSIST connection_pool_max_size = 42")
            _ = try session.execute("SET PERSIST connection_pool_idle_timeout = '90s'")
            _ = try session.execute("SET connection_pool_min_size = 3")   // not persisted
            #expect(engine.persistedSettings.map(\.name) == ["connection_pool_max_size", "connection_pool_idle_timeout"])
        }
        let restarted = try Engine(configuration: EngineConfiguration(localStore: store))
        let session = restarted.makeSession()
        #expect(try session.execute("SHOW connection_pool_max_size").last?.rows == [[.text("42")]])
        #expect(try session.execute("SHOW connection_pool_idle_timeout").last?.rows == [[.text("90s")]])
        #expect(try session.execute("SHOW connection_pool_min_size").last?.rows == [[.text("0")]])

        _ = try session.execute("SET PERSIST connection_pool_max_size = DEFAULT")
        #expect(restarted.persistedSettings.map(\.name) == ["connection_pool_idle_timeout"])
        let third = try Engine(configuration: EngineConfiguration(localStore: store))
        #expect(try third.makeSession().execute("SHOW connection_pool_max_size").last?.rows == [[.text("100")]])
    }

    @Test("an invalid value is not persisted; a stale persisted value is a clear start error")
    func invalidValues() throws {
        let store = MemoryStore()
        let engine = try Engine(configuration: EngineConfiguration(localStore: store))
        #expect(throws: PoolSQLError.self) { try engine.makeSession().execute("SET PERSIST connection_pool_max_size = -1") }
        #expect(engine.persistedSettings.isEmpty)

        try store.setEntry(namespace: "settings", key: "connection_pool_max_size", value: "lots")
        let error = #expect(throws: PoolSQLError.self) { try Engine(configuration: EngineConfiguration(localStore: store)) }
        #expect(error?.code == "22023")
        #expect(error?.message.contains("connection_pool_max_size") == true)
        #expect(error?.hint?.contains("SET PERSIST connection_pool_max_size = DEFAULT") == true)
    }

    @Test("SET PERSIST prints back as SQL")
    func printsBack() throws {
        let sql = "SET PERSIST connection_pool_max_size = 42"
        #expect(try Parser.parseStatement(sql).description == sql)
    }
}
