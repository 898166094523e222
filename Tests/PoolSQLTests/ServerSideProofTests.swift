import Foundation
import PoolSQL
import PoolSQLTestSupport
import Testing

/// Settings proven against the server's own view of its connections (`currentOp` with `$all`,
/// matched by appName), not only against PoolSQL's counters.
@Suite(.serialized) struct ServerSideProofTests {
    func eventually(_ seconds: Double = 15, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return try condition()
    }

    /// Connections the server lists with `appName`, asked through a separate observer pool.
    func serverConnections(appName: String, observer: MongoPool) throws -> Int {
        let reply = try observer.runCommand(database: "admin", commandJSON: #"{"currentOp": 1, "$all": true}"#)
        let object = try JSONSerialization.jsonObject(with: Data(reply.utf8)) as? [String: Any]
        let operations = object?["inprog"] as? [[String: Any]] ?? []
        return operations.filter { operation in
            let metadata = operation["clientMetadata"] as? [String: Any]
            let application = metadata?["application"] as? [String: Any]
            return application?["name"] as? String == appName
        }.count
    }

    @Test func minSizeOpensConnectionsTheServerSeesAndIdleTimeoutClosesThem() throws {
        let server = try SecantusServer()
        let engine = try Engine()
        defer { engine.shutdown() }
        let session = engine.makeSession()
        let observer = try MongoPool(name: "observer", uri: server.uri, options: PoolOptions(appName: "proof-observer"))
        defer { observer.close() }
        _ = try session.execute("CREATE POOL proof URI '\(server.uri)' WITH (app_name = 'proof-app')")
        #expect(try serverConnections(appName: "proof-app", observer: observer) == 0)

        _ = try session.execute("SET connection_pool_min_size = 5")
        #expect(try eventually { try serverConnections(appName: "proof-app", observer: observer) == 5 })
        let counted = try session.execute("SELECT total_connections FROM mongodb_connection_pools WHERE pool_name = 'proof'")
        #expect(counted.last?.rows == [[.int(5)]])
        let listed = try session.execute("SELECT count(*) FROM mongodb_connections WHERE pool_name = 'proof' AND state = 'idle'")
        #expect(listed.last?.rows == [[.int(5)]])

        // With no minimum and no traffic, idle connections go once the idle timeout passes.
        _ = try session.execute("SET connection_pool_min_size = 0; SET connection_pool_idle_timeout = '500ms'")
        #expect(try eventually { try serverConnections(appName: "proof-app", observer: observer) == 0 })
        let closed = try session.execute("""
            SELECT count(*) FROM connection_pool_events
            WHERE pool_name = 'proof' AND event_type = 'connection_closed' AND reason = 'idle'
            """)
        #expect(closed.last?.rows == [[.int(5)]])
    }

    /// A per-connection setting changed on a live pool starts a new generation: the server soon
    /// sees only connections with the new appName.
    @Test func changingAppNameReplacesTheOpenConnections() throws {
        let server = try SecantusServer()
        let engine = try Engine()
        defer { engine.shutdown() }
        let session = engine.makeSession()
        let observer = try MongoPool(name: "observer", uri: server.uri, options: PoolOptions(appName: "proof-observer"))
        defer { observer.close() }
        _ = try session.execute("CREATE POOL renamed URI '\(server.uri)' WITH (min_pool_size = 2); SET connection_pool_app_name = 'before-app'")
        #expect(try eventually { try serverConnections(appName: "before-app", observer: observer) == 2 })
        let generation = try session.execute("SELECT pool_generation FROM mongodb_connection_pools WHERE pool_name = 'renamed'").last?.rows
        let staleSQL = """
            SELECT count(*) FROM connection_pool_events
            WHERE pool_name = 'renamed' AND event_type = 'connection_closed' AND reason = 'stale'
            """
        let staleBefore = try session.execute(staleSQL).last?.rows.first?.first
        _ = try session.execute("SET connection_pool_app_name = 'after-app'")
        #expect(try eventually {
            try serverConnections(appName: "after-app", observer: observer) == 2
                && serverConnections(appName: "before-app", observer: observer) == 0
        })
        let after = try session.execute("SELECT pool_generation FROM mongodb_connection_pools WHERE pool_name = 'renamed'").last?.rows
        guard case let .int(before)? = generation?.first?.first, case let .int(before_stale)? = staleBefore else {
            Issue.record("no generation / stale count: \(String(describing: generation)) \(String(describing: staleBefore))")
            return
        }
        #expect(after == [[.int(before + 1)]])
        #expect(try session.execute(staleSQL).last?.rows == [[.int(before_stale + 2)]])
    }
}
