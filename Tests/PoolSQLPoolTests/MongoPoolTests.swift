import Foundation
import PoolSQLCore
import PoolSQLPool
import PoolSQLTestSupport
import Synchronization
import Testing

/// The pool against a real SecantusDB server (started per test; about 0.3 s each).
@Suite("MongoPool against SecantusDB", .serialized)
struct MongoPoolTests {
    @Test func runsCommandsAndCountsThem() throws {
        let server = try startSecantus()
        let pool = try MongoPool(name: "counters", uri: server.uri, options: testOptions())
        defer { pool.close() }
        for _ in 0..<10 {
            let reply = try jsonObject(pool.runCommand(database: "admin", commandJSON: #"{"ping": 1}"#))
            #expect(intValue(reply["ok"]) == 1)
        }
        let stats = pool.statistics()
        #expect(stats.operations == 10)
        #expect(stats.errors == 0)
        #expect(stats.errorRate == 0)
        #expect(stats.avgOperationTimeMS > 0)
        // Sequential commands reuse one connection.
        #expect(stats.connectionsCreated == 1)
        #expect(stats.totalConnections == 1)
        #expect(stats.availableConnections == 1)
        #expect(stats.activeConnections == 0)
        #expect(stats.checkoutFailures == 0)
    }

    @Test func commandsReachTheServer() throws {
        let server = try startSecantus()
        let pool = try MongoPool(name: "crud", uri: server.uri, options: testOptions())
        defer { pool.close() }
        _ = try pool.runCommand(database: "pooltest", commandJSON: #"{"insert": "items", "documents": [{"_id": 1, "n": "a"}, {"_id": 2, "n": "b"}]}"#)
        let reply = try jsonObject(pool.runCommand(database: "pooltest", commandJSON: #"{"count": "items"}"#))
        #expect(intValue(reply["n"]) == 2)
    }

    @Test func countsActiveAndAvailableWhileCheckedOut() throws {
        let server = try startSecantus()
        let pool = try MongoPool(name: "checkout", uri: server.uri, options: testOptions())
        defer { pool.close() }
        try pool.withConnection { connection in
            try connection.ping()
            let inside = pool.statistics()
            #expect(inside.activeConnections == 1)
            #expect(inside.availableConnections == 0)
            #expect(inside.totalConnections == 1)
            try pool.withConnection { second in
                #expect(second.id != connection.id)
                #expect(pool.statistics().activeConnections == 2)
            }
        }
        let after = pool.statistics()
        #expect(after.activeConnections == 0)
        #expect(after.availableConnections == 2)
        #expect(after.connectionsCreated == 2)
    }

    @Test func connectionIsUnusableAfterItWasReturned() throws {
        let server = try startSecantus()
        let pool = try MongoPool(name: "escape", uri: server.uri, options: testOptions())
        defer { pool.close() }
        let escaped = try pool.withConnection { $0 }
        #expect(throws: PoolSQLError.self) { try escaped.ping() }
    }

    @Test func waitQueueTimesOutWhenTheOnlyConnectionIsHeld() throws {
        let server = try startSecantus()
        let pool = try MongoPool(name: "tiny", uri: server.uri, options: testOptions(maxPoolSize: 1, waitQueueTimeoutMS: 200))
        defer { pool.close() }
        try pool.withConnection { held in
            try held.ping()
            do {
                try pool.ping()
                Issue.record("second checkout succeeded with maxPoolSize 1")
            } catch let error as PoolSQLError {
                #expect(error.code == "53300")
                #expect(error.message.contains("tiny"))
            }
        }
        let stats = pool.statistics()
        #expect(stats.checkoutFailures == 1)
        #expect(stats.waitQueueLength == 0)
        #expect(stats.connectionsCreated == 1)
        try pool.ping()
    }

    @Test func waitingCheckoutGetsTheReturnedConnection() throws {
        let server = try startSecantus()
        let pool = try MongoPool(name: "handoff", uri: server.uri, options: testOptions(maxPoolSize: 1, waitQueueTimeoutMS: 10_000))
        defer { pool.close() }
        let waiterResult = AnnotatedMutex<Result<String, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        try pool.withConnection { held in
            try held.ping()
            Thread {
                let result = Result { try pool.runCommand(database: "admin", commandJSON: #"{"ping": 1}"#) }
                waiterResult.withLock { $0 = result }
                done.signal()
            }.start()
            #expect(eventually { pool.statistics().waitQueueLength == 1 })
        }
        done.wait()
        let reply = try #require(waiterResult.withLock { $0 }).get()
        #expect(reply.contains("ok"))
        let stats = pool.statistics()
        #expect(stats.connectionsCreated == 1)
        #expect(stats.checkoutFailures == 0)
        #expect(stats.operations == 2)
    }

    @Test func serverSeesThePoolsConnections() throws {
        let server = try startSecantus()
        let observer = try MongoPool(name: "observer", uri: server.uri, options: testOptions(maxPoolSize: 1))
        defer { observer.close() }
        #expect(awaitFirstHealthCheck(observer))
        try observer.ping()
        let baseline = try serverConnectionCount(via: observer)

        let appName = "poolsql-pool-under-test"
        let pool = try MongoPool(name: "observed", uri: server.uri, options: testOptions(minPoolSize: 3, appName: appName))
        defer { pool.close() }
        #expect(eventually { pool.statistics().availableConnections == 3 })
        #expect(awaitFirstHealthCheck(pool))
        #expect(pool.statistics().totalConnections == 3)
        // Three pool connections, the pool's dedicated health-check connection, and the topology
        // monitor's connections (libmongoc's server monitor, plus its RTT monitor on servers that
        // stream heartbeats).
        #expect(eventually { (try? serverConnections(withAppName: appName, via: observer)) == 3 })
        #expect(try serverConnections(withAppName: appName + "-health", via: observer) == 1)
        let monitors = try serverConnections(withAppName: appName + "-monitor", via: observer)
        #expect(monitors >= 1)
        #expect(eventually { (try? serverConnectionCount(via: observer)) == baseline + 4 + monitors })

        pool.close()
        #expect(eventually { (try? serverConnectionCount(via: observer)) == baseline })
        #expect(pool.statistics().totalConnections == 0)
    }

    @Test func healthFollowsTheServerThroughARestart() throws {
        let server = try startSecantus()
        let pool = try MongoPool(name: "restart", uri: server.uri, options: testOptions(healthCheckIntervalMS: 60_000))
        defer { pool.close() }
        #expect(awaitFirstHealthCheck(pool))
        #expect(pool.healthStatus == .healthy)
        var stats = pool.statistics()
        #expect(stats.lastHealthCheck != nil)
        #expect(stats.lastHealthLatencyMS != nil)
        #expect(stats.lastHealthError == nil)
        try pool.ping()

        server.stop()
        #expect(pool.checkHealth() == .unhealthy)
        stats = pool.statistics()
        #expect(stats.healthStatus == .unhealthy)
        #expect(stats.lastHealthError != nil)
        // The failed check cleared the pool: its idle connection was closed, not kept to fail later.
        #expect(stats.totalConnections == 0)
        #expect(stats.connectionsDestroyed == 1)
        do {
            try pool.ping()
            Issue.record("ping succeeded with the server stopped")
        } catch let error as PoolSQLError {
            #expect(error.code == .sqlClientUnableToEstablishConnection)
        }
        stats = pool.statistics()
        // It failed in server selection, before any checkout: CMAP counts only checkOut failures.
        #expect(stats.checkoutFailures == 0)
        #expect(stats.totalConnections == 0)

        try server.start()
        #expect(pool.checkHealth() == .healthy)
        #expect(pool.statistics().lastHealthError == nil)
        try pool.ping()
        #expect(pool.statistics().connectionsCreated == 2)
    }

    @Test func periodicHealthChecksNoticeAnOutage() throws {
        let server = try startSecantus()
        let pool = try MongoPool(name: "periodic", uri: server.uri, options: testOptions(healthCheckIntervalMS: 100))
        defer { pool.close() }
        #expect(eventually { pool.healthStatus == .healthy })
        server.stop()
        #expect(eventually { pool.healthStatus == .unhealthy })
        try server.start()
        #expect(eventually { pool.healthStatus == .healthy })
    }

    @Test func healthCheckIntervalIsLiveUpdatable() throws {
        let server = try startSecantus()
        let pool = try MongoPool(name: "interval", uri: server.uri, options: testOptions(healthCheckIntervalMS: 0))
        defer { pool.close() }
        #expect(awaitFirstHealthCheck(pool))
        #expect(pool.healthStatus == .healthy)
        server.stop()
        // Periodic checks are off: nothing notices the outage until the interval is set.
        try pool.update(options: testOptions(healthCheckIntervalMS: 100))
        #expect(pool.options.healthCheckIntervalMS == 100)
        #expect(eventually { pool.healthStatus == .unhealthy })
    }

    @Test func configuredServerAnswers() throws {
        // CI may provide its own server (POOLSQL_TEST_MONGODB_URI); otherwise start one.
        let server: SecantusServer? = TestEnvironment.mongoURI == nil ? try startSecantus() : nil
        let uri = try #require(TestEnvironment.mongoURI ?? server?.uri)
        let pool = try MongoPool(name: "configured", uri: uri, options: testOptions())
        defer { pool.close() }
        try pool.ping()
        #expect(pool.checkHealth() == .healthy)
        #expect(pool.statistics().operations == 1)
    }

    @Test func raisingMinPoolSizeOpensConnections() throws {
        let server = try startSecantus()
        let pool = try MongoPool(name: "grow", uri: server.uri, options: testOptions())
        defer { pool.close() }
        #expect(pool.statistics().totalConnections == 0)
        try pool.update(options: testOptions(minPoolSize: 3))
        #expect(eventually { pool.statistics().availableConnections == 3 })
        let stats = pool.statistics()
        #expect(stats.totalConnections == 3)
        #expect(stats.connectionsCreated == 3)
        #expect(pool.options.minPoolSize == 3)
    }

    @Test func loweringMaxPoolSizeDrainsAsConnectionsComeBack() throws {
        let server = try startSecantus()
        let pool = try MongoPool(name: "shrink", uri: server.uri, options: testOptions(maxPoolSize: 5))
        defer { pool.close() }
        try pool.withConnection { first in
            try pool.withConnection { second in
                try pool.withConnection { third in
                    for connection in [first, second, third] { try connection.ping() }
                    try pool.update(options: testOptions(maxPoolSize: 1))
                    // All three are in use: nothing can be closed yet.
                    #expect(pool.statistics().totalConnections == 3)
                }
                #expect(pool.statistics().totalConnections == 2)
            }
        }
        let stats = pool.statistics()
        #expect(stats.totalConnections == 1)
        #expect(stats.availableConnections == 1)
        #expect(stats.connectionsDestroyed == 2)
    }

    @Test func loweringMaxPoolSizeClosesSurplusIdleConnections() throws {
        let server = try startSecantus()
        let pool = try MongoPool(name: "trim", uri: server.uri, options: testOptions(minPoolSize: 3, maxPoolSize: 5))
        defer { pool.close() }
        #expect(eventually { pool.statistics().availableConnections == 3 })
        try pool.update(options: testOptions(minPoolSize: 0, maxPoolSize: 1))
        let stats = pool.statistics()
        #expect(stats.totalConnections == 1)
        #expect(stats.connectionsDestroyed == 2)
    }

    @Test func idleConnectionsExpire() throws {
        let server = try startSecantus()
        let pool = try MongoPool(name: "idle", uri: server.uri, options: testOptions(maxIdleTimeMS: 300))
        defer { pool.close() }
        try pool.ping()
        #expect(pool.statistics().totalConnections == 1)
        #expect(eventually { pool.statistics().totalConnections == 0 })
        #expect(pool.statistics().connectionsDestroyed == 1)
    }

    @Test func serverErrorsAreCountedAndKeepTheConnection() throws {
        let server = try startSecantus()
        let pool = try MongoPool(name: "failpoint", uri: server.uri, options: testOptions())
        defer { pool.close() }
        // Failpoints are server-wide: arm them only after the health monitor's first ping, and
        // on a command the monitor never sends.
        #expect(awaitFirstHealthCheck(pool))
        _ = try pool.runCommand(database: "admin", commandJSON: #"{"configureFailPoint": "failCommand", "mode": {"times": 1}, "data": {"failCommands": ["count"], "errorCode": 2}}"#)
        do {
            _ = try pool.runCommand(database: "pooltest", commandJSON: #"{"count": "items"}"#)
            Issue.record("failCommand did not fail the count")
        } catch let error as PoolSQLError {
            #expect(error.code == "HV000")
            #expect(error.message.contains("failCommand"))
        }
        let stats = pool.statistics()
        #expect(stats.operations == 2)
        #expect(stats.errors == 1)
        #expect(stats.errorRate == 0.5)
        #expect(stats.connectionsDestroyed == 0)
        #expect(stats.availableConnections == 1)
    }

    @Test func networkErrorsCloseTheConnection() throws {
        let server = try startSecantus()
        let pool = try MongoPool(name: "netfail", uri: server.uri, options: testOptions())
        defer { pool.close() }
        #expect(awaitFirstHealthCheck(pool))
        _ = try pool.runCommand(database: "admin", commandJSON: #"{"configureFailPoint": "failCommand", "mode": {"times": 1}, "data": {"failCommands": ["count"], "closeConnection": true}}"#)
        do {
            _ = try pool.runCommand(database: "pooltest", commandJSON: #"{"count": "items"}"#)
            Issue.record("closeConnection failpoint did not fail the count")
        } catch let error as PoolSQLError {
            #expect(error.code == .connectionFailure)
        }
        var stats = pool.statistics()
        #expect(stats.connectionsDestroyed == 1)
        #expect(stats.totalConnections == 0)
        try pool.ping()
        stats = pool.statistics()
        #expect(stats.connectionsCreated == 2)
        #expect(stats.errors == 1)
    }

    @Test func badCommandJSONIsInvalidText() throws {
        let server = try startSecantus()
        let pool = try MongoPool(name: "json", uri: server.uri, options: testOptions())
        defer { pool.close() }
        do {
            _ = try pool.runCommand(database: "admin", commandJSON: "{ping: }")
            Issue.record("malformed JSON accepted")
        } catch let error as PoolSQLError {
            #expect(error.code == .invalidTextRepresentation)
        }
    }

    @Test func closedPoolRefusesCheckouts() throws {
        let server = try startSecantus()
        let pool = try MongoPool(name: "closing", uri: server.uri, options: testOptions(minPoolSize: 2))
        #expect(eventually { pool.statistics().availableConnections == 2 })
        pool.close()
        #expect(pool.isClosed)
        #expect(pool.statistics().totalConnections == 0)
        #expect(throws: PoolSQLError(.objectNotInPrerequisiteState, "pool \"closing\" is closed")) { try pool.ping() }
        #expect(throws: PoolSQLError.self) { try pool.update(options: testOptions()) }
        pool.close()
    }

    @Test func asyncCommandsRunOffTheCooperativePool() async throws {
        let server = try startSecantus()
        let pool = try MongoPool(name: "async", uri: server.uri, options: testOptions())
        let replies = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 {
                group.addTask { try await pool.runCommand(database: "admin", commandJSON: #"{"ping": 1}"#) }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(replies.count == 8)
        #expect(await pool.checkHealth() == .healthy)
        let stats = pool.statistics()
        #expect(stats.operations == 8)
        #expect(stats.totalConnections <= 5)
        await pool.close()
    }
}
