import Foundation
import PoolSQL
import Testing

@Suite("Views in the engine's store")
struct MetadataViewStoreTests {
    @Test("views survive a restart through the store, in creation order")
    func roundTrip() throws {
        let store = MemoryStore()
        do {
            let engine = try Engine(configuration: EngineConfiguration(viewStore: MetadataViewStore(store: store), localStore: store))
            let session = engine.makeSession()
            _ = try session.execute("CREATE VIEW b AS SELECT 1 AS one")
            _ = try session.execute("CREATE VIEW a (x) AS SELECT one + 1 FROM b")
        }
        let engine = try Engine(configuration: EngineConfiguration(viewStore: MetadataViewStore(store: store), localStore: store))
        #expect(engine.views.map(\.name) == ["b", "a"])
        #expect(try engine.makeSession().execute("SELECT x FROM a").last?.rows == [[.int(2)]])
    }

    @Test("a legacy views.json is imported once and renamed")
    func importsLegacyFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try JSONFileViewStore(directory: directory.path).saveViews([StoredView(name: "legacy", sql: "SELECT 7 AS seven")])
        let store = MemoryStore()
        let views = MetadataViewStore(store: store, legacyDirectory: directory.path)
        #expect(try views.loadViews().map(\.name) == ["legacy"])
        #expect(!FileManager.default.fileExists(atPath: directory.file("views.json")))
        #expect(FileManager.default.fileExists(atPath: directory.file("views.json.imported")))
        #expect(try store.entries(namespace: MetadataViewStore.namespace).map(\.key) == ["legacy"])
        #expect(try views.loadViews().map(\.sql) == ["SELECT 7 AS seven"])
    }

    @Test("an unreadable stored view is XX001 naming it")
    func corruptEntry() throws {
        let store = MemoryStore()
        try store.setEntry(namespace: MetadataViewStore.namespace, key: "broken", value: "{not json")
        let error = #expect(throws: PoolSQLError.self) { try MetadataViewStore(store: store).loadViews() }
        #expect(error?.code == "XX001")
        #expect(error?.message.contains("broken") == true)
    }
}
