import Foundation
@testable import PoolSQL
import PoolSQLTestSupport
import Synchronization
import Testing

/// The MongoDB store seen from engines: `SET metrics_store`, two instances sharing one
/// database, the fleet reader, and what never shows the password.
@Suite("MongoMetricsStore in engines", .serialized)
struct MongoMetricsStoreEngineTests {
    static func sample(_ instance: String, pool: String, at offset: Int64, active: Int) -> MetricsSample {
        MetricsSample(timestamp: MongoStoreFixture.at(offset), poolName: pool, environment: "prod", instanceID: instance,
                      totalConnections: active + 2, activeConnections: active, availableConnections: 2, maxPoolSize: 50,
                      connectionUtilization: Double(active) / 50, healthStatus: "healthy", operations: 10)
    }

    static func value(_ session: Session, _ sql: String) throws -> String {
        let result = try #require(try session.execute(sql).last)
        return try #require(result.rows.first?.first).description
    }

    @Test("two engines with different instance ids write concurrently to one database; one read sees both")
    func twoEnginesShareOneStore() throws {
        let server = try SecantusServer()
        let uri = server.uri + MongoStoreFixture.databaseName("fleet")
        let engines = try [Engine(), Engine()]
        for engine in engines {
            _ = try engine.makeSession().execute("SET metrics_store = '\(uri)'")
            #expect(engine.metricsStore.kind == "mongodb")
        }
        let instances = ["app-1:4100", "app-2:4200"]
        let batches = 20
        let failures = Mutex<[String]>([])
        let group = DispatchGroup()
        for (engine, instance) in zip(engines, instances) {
            DispatchQueue.global().async(group: group) {
                for batch in 0..<batches {
                    let offset = Int64(batch) * 10_000_000
                    let samples = ["orders", "search"].map { Self.sample(instance, pool: $0, at: offset, active: batch) }
                    do { try engine.metricsStore.append(samples) } catch { failures.withLock { $0.append("\(error)") } }
                }
            }
        }
        group.wait()
        #expect(failures.withLock { $0 } == [])
        // Either engine reads the fleet: every sample of both instances, in order.
        let all = try engines[0].metricsStore.samples(.all)
        #expect(all.count == 2 * batches * 2)
        #expect(Set(all.map(\.instanceID)) == Set(instances))
        #expect(all == all.sorted { ($0.timestamp, $0.poolName, $0.instanceID) < ($1.timestamp, $1.poolName, $1.instanceID) })
        let one = try engines[1].metricsStore.samples(MetricsQuery(poolNames: ["search"], instanceIDs: ["app-1:4100"]))
        #expect(one.count == batches && one.allSatisfy { $0.poolName == "search" && $0.instanceID == "app-1:4100" })
        let latest = try engines[1].metricsStore.samples(MetricsQuery(latestPerPoolAndInstance: true))
        #expect(latest.count == 4)
        #expect(latest.allSatisfy { $0.activeConnections == batches - 1 })

        // A fleet reader: no pools of its own, only the store.
        let reader = try Engine()
        let session = reader.makeSession()
        _ = try session.execute("SET metrics_store = '\(uri)'")
        let rows = try PoolTableTestSupport.rows(session, """
            SELECT instance_id, pool_name, active_connections, max_pool_size, environment, sampled_at, uri, operations
            FROM mongodb_connection_pools ORDER BY instance_id, pool_name
            """)
        #expect(rows.map { $0["instance_id"]?.description } == ["app-1:4100", "app-1:4100", "app-2:4200", "app-2:4200"])
        #expect(rows.map { $0["pool_name"]?.description } == ["orders", "search", "orders", "search"])
        #expect(rows.allSatisfy { $0["active_connections"] == .int(Int64(batches - 1)) && $0["max_pool_size"] == .int(50) })
        #expect(rows.allSatisfy { $0["environment"] == .text("prod") })
        #expect(rows.allSatisfy { $0["uri"] == .null && $0["operations"] == .null })
        #expect(rows.allSatisfy { $0["sampled_at"] == .timestamp(MongoStoreFixture.at(Int64(batches - 1) * 10_000_000)) })
        let filtered = try PoolTableTestSupport.rows(session, "SELECT instance_id FROM mongodb_connection_pools WHERE pool_name = 'search' AND instance_id = 'app-2:4200'")
        #expect(filtered.count == 1)
        // Back to the local store: the reader has no pools and shows none.
        _ = try session.execute("RESET metrics_store")
        #expect(try PoolTableTestSupport.rows(session, "SELECT * FROM mongodb_connection_pools").isEmpty)
    }

    @Test("an engine with pools of its own shows its pools, not the store's samples")
    func engineWithPoolsIsNotAFleetReader() throws {
        let server = try SecantusServer()
        let engine = try Engine()
        let session = engine.makeSession()
        try engine.createPool(name: "mine", uri: server.uri)
        _ = try session.execute("SET metrics_store = '\(server.uri + MongoStoreFixture.databaseName("own"))'")
        try engine.metricsStore.append([Self.sample("elsewhere:1", pool: "theirs", at: 0, active: 3)])
        let rows = try PoolTableTestSupport.rows(session, "SELECT pool_name, instance_id FROM mongodb_connection_pools")
        #expect(rows.map { $0["pool_name"]?.description } == ["mine"])
        #expect(rows.first?["instance_id"] == .null)
    }

    @Test("SET metrics_store never shows the URI's password: SHOW, SHOW ALL, location, errors")
    func passwordIsRedacted() throws {
        let server = try SecantusServer()
        _ = try MongoStoreFixture.command(server, database: "admin",
                                          #"{"createUser": "alice", "pwd": "s3cretPW", "roles": ["root"]}"#)
        let database = MongoStoreFixture.databaseName("auth")
        let port = server.port
        let engine = try Engine()
        let session = engine.makeSession()
        _ = try session.execute("SET metrics_store = 'mongodb://alice:s3cretPW@127.0.0.1:\(port)/\(database)?authSource=admin'")
        #expect(engine.metricsStore.kind == "mongodb")
        let shown = try Self.value(session, "SHOW metrics_store")
        #expect(shown == "mongodb://alice:****@127.0.0.1:\(port)/\(database)?authSource=admin")
        #expect(engine.metricsStore.location == shown)
        let all = try #require(try session.execute("SHOW ALL").last)
        let everything = all.rows.flatMap { $0.map(\.description) }.joined(separator: "\n")
        #expect(everything.contains("alice:****@") && !everything.contains("s3cretPW"))
        let settings = try #require(try session.execute("SELECT * FROM connection_pool_settings").last)
        #expect(!settings.rows.flatMap { $0.map(\.description) }.joined().contains("s3cretPW"))

        // A wrong password: an error without the password, and the store stays.
        let before = engine.metricsStore as AnyObject
        let statement = "SET metrics_store = 'mongodb://alice:WrongPW9@127.0.0.1:\(port)/\(database)?authSource=admin'"
        do {
            _ = try session.execute(statement)
            Issue.record("a wrong password was accepted")
        } catch {
            let rendered = error.rendered(source: statement)
            #expect(!rendered.contains("WrongPW9"), "\(rendered)")
            #expect(!rendered.contains("s3cretPW"))
        }
        #expect(engine.metricsStore as AnyObject === before)
        #expect(try Self.value(session, "SHOW metrics_store") == shown)
        // And the store still works.
        try engine.metricsStore.append([Self.sample("a:1", pool: "p", at: 0, active: 1)])
        #expect(try engine.metricsStore.samples(.all).count == 1)
    }

    @Test("an unreachable store URI is a clear error and leaves the previous store in place")
    func unreachableStoreKeepsPrevious() throws {
        let server = try SecantusServer()
        let engine = try Engine()
        let session = engine.makeSession()
        // The local store first.
        let local = engine.metricsStore as AnyObject
        // A server that was started and stopped: its port refuses connections.
        let stopped = try SecantusServer()
        stopped.crash()
        let closedPort = stopped.port
        let statement = "SET metrics_store = 'mongodb://bob:hunter22@127.0.0.1:\(closedPort)/metrics?serverSelectionTimeoutMS=300&connectTimeoutMS=300'"
        do {
            _ = try session.execute(statement)
            Issue.record("an unreachable store was accepted")
        } catch {
            #expect(error.code == "08001")
            #expect(error.message.hasPrefix("cannot reach the metrics store: "), "\(error.message)")
            #expect(error.message.contains("mongodb://bob:****@127.0.0.1:\(closedPort)/metrics"), "\(error.message)")
            #expect(!error.rendered(source: statement).contains("hunter22"))
        }
        #expect(engine.metricsStore as AnyObject === local)
        #expect(try Self.value(session, "SHOW metrics_store") == "local")

        // With a MongoDB store attached, a failing switch keeps that one, open.
        let uri = server.uri + MongoStoreFixture.databaseName("keep")
        _ = try session.execute("SET metrics_store = '\(uri)'")
        let attached = engine.metricsStore
        #expect(throws: PoolSQLError.self) {
            _ = try session.execute("SET metrics_store = 'mongodb://127.0.0.1:\(closedPort)/x?serverSelectionTimeoutMS=300'")
        }
        #expect(engine.metricsStore as AnyObject === attached as AnyObject)
        try attached.append([Self.sample("a:1", pool: "p", at: 0, active: 1)])

        // Values that are no store at all.
        #expect(throws: PoolSQLError.self) { _ = try session.execute("SET metrics_store = 'postgres://u:pw@h/db'") }
        #expect(throws: PoolSQLError.self) { _ = try session.execute("SET metrics_store = 'mongodb://127.0.0.1:\(server.port)'") }
        #expect(engine.metricsStore as AnyObject === attached as AnyObject)

        // RESET goes back to the local store and closes the MongoDB one.
        _ = try session.execute("RESET metrics_store")
        #expect(engine.metricsStore as AnyObject === local)
        #expect(try Self.value(session, "SHOW metrics_store") == "local")
        #expect(throws: PoolSQLError.self) { try attached.append([Self.sample("a:1", pool: "p", at: 1, active: 1)]) }
        // SET … = 'local' and RESET ALL do the same.
        _ = try session.execute("SET metrics_store = '\(uri)'")
        _ = try session.execute("SET metrics_store = 'local'")
        #expect(engine.metricsStore as AnyObject === local)
        _ = try session.execute("SET metrics_store = '\(uri)'")
        _ = try session.execute("RESET ALL")
        #expect(engine.metricsStore as AnyObject === local)
    }
}

extension MongoMetricsStoreEngineTests {
    @Test("SET PERSIST metrics_store reattaches the MongoDB store at the next start, redacted in SHOW")
    func persistedStoreReattaches() throws {
        let server = try SecantusServer()
        let uri = server.uri + MongoStoreFixture.databaseName("persist")
        let local = MemoryStore()
        do {
            let engine = try Engine(configuration: EngineConfiguration(localStore: local))
            _ = try engine.makeSession().execute("SET PERSIST metrics_store = '\(uri)'")
            #expect(engine.hasAttachedMetricsStore)
        }
        let restarted = try Engine(configuration: EngineConfiguration(localStore: local))
        #expect(restarted.hasAttachedMetricsStore)
        #expect(restarted.metricsStore.kind == "mongodb")
        _ = try restarted.makeSession().execute("SET PERSIST metrics_store = DEFAULT")
        #expect(!restarted.hasAttachedMetricsStore)
        let third = try Engine(configuration: EngineConfiguration(localStore: local))
        #expect(!third.hasAttachedMetricsStore)
    }
}
