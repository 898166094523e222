import PoolSQLCore
import PoolSQLPool
import Testing

/// A pool whose server does not exist (loopback port 1 refuses connections): errors, health and
/// descriptions must explain the failure without revealing the password.
@Suite("Pool against an unreachable server")
struct UnreachableServerTests {
    let uri = "mongodb://dave:hunter2@127.0.0.1:1/?appName=unreachable"

    @Test func checkoutFailsWithoutLeakingThePassword() throws {
        let pool = try MongoPool(name: "nowhere", uri: uri, options: testOptions())
        defer { pool.close() }
        do {
            try pool.ping()
            Issue.record("ping to port 1 succeeded")
        } catch let error as PoolSQLError {
            #expect(error.code == .sqlClientUnableToEstablishConnection)
            #expect(error.message.contains("mongodb://dave:****@127.0.0.1:1/"))
            #expect(!error.rendered(source: nil).contains("hunter2"))
        }
        let stats = pool.statistics()
        // No server could be selected, so no checkout began (CMAP counts checkOut failures only).
        #expect(stats.checkoutFailures == 0)
        #expect(stats.totalConnections == 0)
        #expect(stats.connectionsCreated == 0)
        #expect(!pool.description.contains("hunter2"))
        #expect(!String(reflecting: pool).contains("hunter2"))
    }

    @Test func healthIsUnhealthyWithAScrubbedReason() throws {
        let pool = try MongoPool(name: "nowhere-health", uri: uri, options: testOptions())
        defer { pool.close() }
        #expect(awaitFirstHealthCheck(pool))
        #expect(pool.healthStatus == .unhealthy)
        #expect(pool.checkHealth() == .unhealthy)
        let stats = pool.statistics()
        #expect(stats.healthStatus == .unhealthy)
        #expect(stats.lastHealthCheck != nil)
        #expect(stats.lastHealthLatencyMS == nil)
        let reason = try #require(stats.lastHealthError)
        #expect(!reason.isEmpty)
        #expect(!reason.contains("hunter2"))
    }
}
