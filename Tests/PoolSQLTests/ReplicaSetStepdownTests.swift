import Foundation
import PoolSQL
import PoolSQLTestSupport
import Testing

/// A three-member replica set scripted with mockupdb: a primary stepdown as the SQL tables and
/// the pool see it.
@Suite(.serialized) struct ReplicaSetStepdownTests {
    func eventually(_ seconds: Double = 15, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return try condition()
    }

    func startReplicaSet() throws -> MockReplicaSet {
        do {
            return try MockReplicaSet()
        } catch let error as PoolSQLError {
            Issue.record("cannot start the mock replica set\(TestEnvironment.isCI ? " (CI)" : ""): \(error.rendered(source: nil))")
            throw error
        }
    }

    func serverTypes(_ session: Session) throws -> [String: String] {
        let result = try session.execute("SELECT server_address, server_type FROM mongodb_servers WHERE pool_name = 'rs'")
        var types: [String: String] = [:]
        for row in result.last?.rows ?? [] {
            if case let .text(address) = row[0], case let .text(type) = row[1] { types[address] = type }
        }
        return types
    }

    @Test func stepdownClearsTheOldPrimarysPoolAndTheNewPrimaryServes() throws {
        let replicaSet = try startReplicaSet()
        defer { replicaSet.stop() }
        let engine = try Engine()
        defer { engine.shutdown() }
        let session = engine.makeSession()
        _ = try session.execute("CREATE POOL rs URI '\(replicaSet.uri(options: "heartbeatFrequencyMS=500"))'")
        let pool = try #require(try engine.pool(named: "rs"))
        let oldPrimary = replicaSet.host(0)
        let newPrimary = replicaSet.host(1)

        #expect(try eventually { try serverTypes(session) == [oldPrimary: "RSPrimary", newPrimary: "RSSecondary", replicaSet.host(2): "RSSecondary"] })
        #expect(try session.execute("SELECT topology_type FROM mongodb_connection_pools WHERE pool_name = 'rs'").last?.rows
                == [[.text("ReplicaSetWithPrimary")]])
        #expect(try pool.withConnection { connection -> String in
            try connection.ping()
            return connection.serverAddress.description
        } == oldPrimary)

        try replicaSet.stepDown()
        #expect(try eventually { try serverTypes(session)[newPrimary] == "RSPrimary" && serverTypes(session)[oldPrimary] == "RSSecondary" })
        // The old primary's pool was cleared (its connection is stale now) …
        let cleared = try session.execute("""
            SELECT count(*) FROM connection_pool_events
            WHERE pool_name = 'rs' AND event_type = 'pool_cleared' AND server_address = '\(oldPrimary)'
            """)
        #expect(cleared.last?.rows == [[.int(1)]])
        // … and operations go to the new primary without any user action.
        #expect(eventually {
            (try? pool.withConnection { connection -> String in
                try connection.ping()
                return connection.serverAddress.description
            }) == newPrimary
        })
        let generations = try session.execute("""
            SELECT server_address, pool_generation FROM mongodb_servers WHERE pool_name = 'rs' ORDER BY server_address
            """)
        let byAddress = Dictionary(uniqueKeysWithValues: (generations.last?.rows ?? []).map { ($0[0].description, $0[1]) })
        #expect(byAddress[oldPrimary] == .int(1))
        #expect(byAddress[newPrimary] == .int(0))
    }
}
